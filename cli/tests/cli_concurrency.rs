//! Two counters, one ledger file: the real binary run as two processes at the same moment.
//!
//! Paying the same beneficiary twice at once must pay once: one process succeeds, the other is
//! refused with the clear "already paid" message (not a storage error). Paying two different
//! beneficiaries at once must pay both: the second writer waits for the first (busy timeout)
//! instead of failing, and the event log stays numbered without gaps.

mod common;

use std::collections::BTreeMap;
use std::process::{Child, Command};

use common::{
    assert_no_gaps, assert_verified, cash_after_each_event, events_of, first_json, setup_ledger,
    Cli, CliOutput, CLERK_ID, CLERK_PIN, SUPERVISOR_ID, SUPERVISOR_PIN,
};

const ALREADY_PAID: &str = "đã nhận đủ tiền";

/// `pay CODE` at one counter: clerk 1, or supervisor 2 at the other counter with their own PIN.
fn pay_at_counter(cli: &Cli, code: &str, counter: usize) -> Command {
    let (id, pin) = if counter == 0 {
        (CLERK_ID, CLERK_PIN)
    } else {
        (SUPERVISOR_ID, SUPERVISOR_PIN)
    };
    let mut c = cli.command(&["pay", code, "--clerk", &id.to_string(), "--json"]);
    c.env("PAYPOINT_PIN", pin);
    c
}

fn finish(child: Child) -> CliOutput {
    child.wait_with_output().expect("wait for paypoint").into()
}

/// Starts both commands back to back, then waits for both. Also says whether the first was still
/// running when the second had started, i.e. whether the two really ran at the same time.
fn race(mut a: Command, mut b: Command) -> ([CliOutput; 2], bool) {
    let mut ca = a.spawn().expect("spawn first paypoint");
    let cb = b.spawn().expect("spawn second paypoint");
    let overlapped = ca.try_wait().expect("try_wait").is_none();
    ([finish(ca), finish(cb)], overlapped)
}

/// Payout events by code: (payout id, amount, seq).
fn payouts_by_code(events: &[serde_json::Value]) -> BTreeMap<String, Vec<(String, i64, u64)>> {
    let mut m: BTreeMap<String, Vec<(String, i64, u64)>> = BTreeMap::new();
    for e in events_of(events, "payout") {
        m.entry(e["payload"]["code"].as_str().expect("code").to_string())
            .or_default()
            .push((
                e["id"].as_str().expect("id").to_string(),
                e["payload"]["amount"].as_i64().expect("amount"),
                e["seq"].as_u64().expect("seq"),
            ));
    }
    m
}

#[test]
fn same_beneficiary_at_two_counters_is_paid_once() {
    const RACES: usize = 24;
    let fx = setup_ledger(60);
    let cli = &fx.cli;
    let due: BTreeMap<String, i64> = cli
        .roll()
        .into_iter()
        .map(|(c, h)| (c, h["due"].as_i64().unwrap()))
        .collect();
    let mut winners = [0usize; 2];
    let mut overlaps = 0;
    let mut receipts: BTreeMap<String, String> = BTreeMap::new();
    for (i, code) in fx.codes.iter().take(RACES).enumerate() {
        // Alternate which counter starts first.
        let (first, second) = (i % 2, 1 - i % 2);
        let (outs, overlapped) = race(
            pay_at_counter(cli, code, first),
            pay_at_counter(cli, code, second),
        );
        overlaps += usize::from(overlapped);
        let ok: Vec<usize> = (0..2).filter(|&k| outs[k].ok()).collect();
        assert_eq!(
            ok.len(),
            1,
            "{code}: exactly one of two simultaneous payouts must succeed: {outs:#?}"
        );
        let (won, lost) = (&outs[ok[0]], &outs[1 - ok[0]]);
        winners[if ok[0] == 0 { first } else { second }] += 1;
        let receipt = won.json();
        assert_eq!(receipt["code"], code.as_str());
        assert_eq!(receipt["amount"], due[code]);
        receipts.insert(
            code.clone(),
            receipt["payout_id"]
                .as_str()
                .expect("payout_id")
                .to_string(),
        );
        assert_eq!(lost.status.code(), Some(1), "{code}: {lost:?}");
        assert!(
            lost.stderr.contains(ALREADY_PAID),
            "{code}: the loser must be told the person is already paid, got: {}",
            lost.stderr
        );
        let err = first_json(&lost.stdout).expect("error JSON on stdout");
        assert!(
            err["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains(ALREADY_PAID)),
            "{code}: {err}"
        );
    }

    assert_verified(cli);
    let events = cli.events();
    assert_no_gaps(&events);
    let by_code = payouts_by_code(&events);
    assert_eq!(by_code.len(), RACES, "only the raced codes are paid");
    let mut paid = 0;
    for code in fx.codes.iter().take(RACES) {
        let p = &by_code[code];
        assert_eq!(
            p.len(),
            1,
            "{code} must have exactly one payout event: {p:?}"
        );
        assert_eq!(p[0].0, receipts[code], "{code}: the winner's receipt");
        paid += p[0].1;
    }
    let status = cli.status();
    assert_eq!(status["paid_amount"], paid);
    assert_eq!(status["cash_on_hand"], fx.advance - paid);
    assert_eq!(status["paid_beneficiaries"], RACES as u64);
    eprintln!("{overlaps} of {RACES} races overlapped; won by counter 1 / counter 2: {winners:?}");
    assert!(
        overlaps >= RACES / 2,
        "only {overlaps} of {RACES} races had both processes running at once"
    );
}

#[test]
fn different_beneficiaries_at_two_counters_are_both_paid() {
    const ROUNDS: usize = 40;
    let fx = setup_ledger(2 * ROUNDS + 10);
    let cli = &fx.cli;
    let events_before = cli.status()["events"].as_u64().unwrap();
    // (code, payout id, amount, seq, cash on hand) as printed.
    let mut receipts: Vec<(String, String, i64, u64, i64)> = Vec::new();
    let mut overlaps = 0;
    for round in 0..ROUNDS {
        let (a, b) = (&fx.codes[2 * round], &fx.codes[2 * round + 1]);
        let (outs, overlapped) = race(pay_at_counter(cli, a, 0), pay_at_counter(cli, b, 1));
        overlaps += usize::from(overlapped);
        for (code, out) in [(a, &outs[0]), (b, &outs[1])] {
            assert!(
                out.ok(),
                "round {round}: paying {code} alongside another payout must wait, not fail: {out:?}"
            );
            let r = out.json();
            assert_eq!(r["code"], code.as_str());
            receipts.push((
                code.clone(),
                r["payout_id"].as_str().expect("payout_id").to_string(),
                r["amount"].as_i64().expect("amount"),
                r["seq"].as_u64().expect("seq"),
                r["cash_on_hand"].as_i64().expect("cash_on_hand"),
            ));
        }
    }

    assert_verified(cli);
    let events = cli.events();
    assert_no_gaps(&events);
    assert_eq!(events.len() as u64, events_before + 2 * ROUNDS as u64);
    let mut seqs: Vec<u64> = receipts.iter().map(|r| r.3).collect();
    seqs.sort_unstable();
    let expected: Vec<u64> = (events_before + 1..=events_before + 2 * ROUNDS as u64).collect();
    assert_eq!(seqs, expected, "receipts name every new event once");
    let by_code = payouts_by_code(&events);
    let mut paid = 0;
    // Each receipt's cash is the box right after its own event: computed inside the transaction,
    // not from a stale read made before the other counter's payout.
    let cash_after = cash_after_each_event(&events);
    for (code, id, amount, seq, cash) in &receipts {
        assert_eq!(cash_after[seq], *cash, "{code}: cash on the receipt");
        assert_eq!(
            by_code[code],
            vec![(id.clone(), *amount, *seq)],
            "{code}: one payout, as on its receipt"
        );
        paid += amount;
    }
    let status = cli.status();
    assert_eq!(status["paid_amount"], paid);
    assert_eq!(status["cash_on_hand"], fx.advance - paid);
    assert_eq!(status["paid_beneficiaries"], 2 * ROUNDS as u64);
    eprintln!("{overlaps} of {ROUNDS} rounds overlapped");
    assert!(
        overlaps >= ROUNDS / 2,
        "only {overlaps} of {ROUNDS} rounds had both processes running at once"
    );
}
