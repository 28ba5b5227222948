//! Two devices at one pay point (issue 17), each a real ledger driven by its own `paypoint`
//! process: a device pays only the people it holds (the store refuses the others), and a
//! supervisor moves people to the other device with a signed hand-over file, which is taken
//! once, only by the device it names, and never holds a person already paid. Killed with SIGKILL
//! in the middle of giving or of taking, a hand-over leaves each person held by at most one
//! device, and retried it finishes. No person is ever paid on both.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::*;
use serde_json::Value;

/// `ARGS… --clerk SUPERVISOR --json` as the supervisor.
fn as_supervisor(cli: &Cli, args: &[&str]) -> CliOutput {
    let mut a = vec!["--clerk", "2"];
    a.extend_from_slice(args);
    a.push("--json");
    cli.run_env(&a, &[("PAYPOINT_PIN", SUPERVISOR_PIN)])
}

fn refused(out: &CliOutput, code: &str) -> String {
    assert!(!out.ok(), "expected {code}, got: {}", out.stdout);
    let e = first_json(&out.stdout).expect("the error as JSON");
    assert_eq!(e["error"]["code"], code, "{e}");
    e["error"]["message"].as_str().unwrap().to_string()
}

fn device(cli: &Cli) -> String {
    cli.json(&["hold", "list"])["device"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Whether this device holds `code` (its card is not "held elsewhere").
fn holds(cli: &Cli, code: &str) -> bool {
    cli.json(&["show", code])["payability"]["state"] != "held_elsewhere"
}

/// The codes this device has paid, net of reversals, from its events.
fn paid(cli: &Cli) -> BTreeSet<String> {
    let events = cli.events();
    let reversed: BTreeSet<&str> = events_of(&events, "reversal")
        .iter()
        .filter_map(|e| e["payload"]["payout"].as_str())
        .collect();
    events_of(&events, "payout")
        .iter()
        .filter(|e| !reversed.contains(e["id"].as_str().unwrap()))
        .map(|e| e["payload"]["code"].as_str().unwrap().to_string())
        .collect()
}

fn pay(cli: &Cli, code: &str) -> CliOutput {
    cli.run(&["pay", code, "--clerk", "1", "--json"])
}

/// The village of `code` on the roll.
fn village(cli: &Cli, code: &str) -> String {
    cli.json(&["show", code])["village"]
        .as_str()
        .unwrap()
        .to_string()
}

fn give(a: &Cli, to: &str, what: &[&str], out: &Path) -> CliOutput {
    let file = a.path(out);
    let mut args = vec!["hold", "give", "--to", to, "--out", file.as_str()];
    args.extend_from_slice(what);
    as_supervisor(a, &args)
}

#[test]
fn each_device_pays_only_whom_it_holds_and_a_hand_over_file_moves_people_once() {
    let (fa, fb, fc) = (setup_ledger(30), setup_ledger(30), setup_ledger(30));
    let (a, b, c) = (&fa.cli, &fb.cli, &fc.cli);
    for second in [b, c] {
        assert!(as_supervisor(second, &["hold", "second"]).ok());
    }
    // The second device holds nobody: its store refuses, its card says why.
    let first = &fa.codes[0];
    let m = refused(&pay(b, first), "held_elsewhere");
    assert!(m.contains("không chi ở máy này"), "{m}");
    assert!(pay(a, first).ok());

    // A village handed to B: A refuses its people from that moment, B pays them once it took the file.
    let v = village(a, &fa.codes[5]);
    let people = a.json(&["search", "--limit", "100"]);
    let in_v: Vec<String> = people
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["village"] == v.as_str() && p["code"] != first.as_str())
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect();
    let file = fa.dir.path().join("giao-thon.json");
    let given = give(a, &device(b), &["--village", &v], &file);
    assert!(given.ok(), "{}", given.stdout);
    assert_eq!(given.json()["codes"].as_array().unwrap().len(), in_v.len());
    let m = refused(&pay(a, &in_v[0]), "held_elsewhere");
    assert!(m.contains(&device(b)), "the card names the device: {m}");
    let took = as_supervisor(b, &["hold", "take", &b.path(&file)]);
    assert!(took.ok(), "{}", took.stdout);
    assert!(pay(b, &in_v[0]).ok());

    // Taken twice, or by a third device: refused, with the reason.
    refused(
        &as_supervisor(b, &["hold", "take", &b.path(&file)]),
        "handover_already_taken",
    );
    let m = refused(
        &as_supervisor(c, &["hold", "take", &c.path(&file)]),
        "handover_other_device",
    );
    assert!(m.contains(&device(b)), "{m}");
    // A person A already paid is not handed over; a file edited by hand is not taken.
    let again = fa.dir.path().join("da-chi.json");
    refused(&give(a, &device(b), &[first], &again), "hold_paid_here");
    let mut forged: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    forged["body"]["codes"]
        .as_array_mut()
        .unwrap()
        .push(Value::from(first.as_str()));
    forged["body"]["handover"] = Value::from(uuid_like());
    std::fs::write(&again, forged.to_string()).unwrap();
    refused(
        &as_supervisor(b, &["hold", "take", &b.path(&again)]),
        "handover_bad_signature",
    );

    // Everyone held by exactly one of A and B; nobody paid on both.
    let (la, lb) = (a.json(&["hold", "list"]), b.json(&["hold", "list"]));
    assert_eq!(
        la["here"].as_u64().unwrap() + lb["here"].as_u64().unwrap(),
        30,
        "{la} {lb}"
    );
    for code in &fa.codes {
        let _ = pay(a, code);
        let _ = pay(b, code);
    }
    let (pa, pb) = (paid(a), paid(b));
    assert!(
        pa.is_disjoint(&pb),
        "paid on both: {:?}",
        pa.intersection(&pb).collect::<Vec<_>>()
    );
    assert_eq!(pa.len() + pb.len(), 30, "everyone paid, once");
    assert_verified(a);
    assert_verified(b);
}

/// A hand-over id that is not any real one.
fn uuid_like() -> String {
    "01900000-0000-7000-8000-000000000000".to_string()
}

/// SIGKILL in the middle of `hold give` and of `hold take`, at increasing delays: whatever the
/// moment, each person is held by at most one device, and the hand-over finishes when retried
/// (the file written again from the ledger when the giving device died before writing it).
#[cfg(unix)]
#[test]
fn a_hand_over_killed_at_any_moment_leaves_each_person_on_at_most_one_device() {
    let (fa, fb) = (setup_ledger(24), setup_ledger(24));
    let (a, b) = (&fa.cli, &fb.cli);
    assert!(as_supervisor(b, &["hold", "second"]).ok());
    let to = device(b);
    // The delays run from just after the start to past the end of a whole run, measured here.
    let started = std::time::Instant::now();
    let first = fa.dir.path().join("giao-0.json");
    assert!(give(a, &to, &[&fa.codes[0]], &first).ok());
    let whole = started.elapsed();
    assert!(as_supervisor(b, &["hold", "take", &b.path(&first)]).ok());
    for (i, code) in fa.codes.iter().enumerate().skip(1).take(10) {
        let file = fa.dir.path().join(format!("giao-{i}.json"));
        let file_arg = a.path(&file);
        let delay = whole * u32::try_from(i).unwrap() / 9;
        let mut give_cmd = a.command(&[
            "--clerk", "2", "hold", "give", "--to", &to, "--out", &file_arg, code, "--json",
        ]);
        give_cmd.env("PAYPOINT_PIN", SUPERVISOR_PIN);
        kill_after(give_cmd, delay);
        let released = !holds(a, code);
        assert!(
            !(released && holds(b, code)),
            "{code} on both devices after a killed give"
        );
        if !released {
            assert!(give(a, &to, &[code], &file).ok(), "give retried");
        } else if !file.exists() {
            // Released, the file never written: written again from the ledger.
            let events = a.events();
            let h = events_of(&events, "hold_released").last().unwrap()["payload"]["handover"]
                .as_str()
                .unwrap()
                .to_string();
            assert!(as_supervisor(a, &["hold", "file", &h, "--out", &file_arg]).ok());
        }
        let mut take_cmd = b.command(&["--clerk", "2", "hold", "take", &b.path(&file), "--json"]);
        take_cmd.env("PAYPOINT_PIN", SUPERVISOR_PIN);
        kill_after(take_cmd, delay);
        assert!(!holds(a, code), "{code} is still released on A");
        if !holds(b, code) {
            assert!(
                as_supervisor(b, &["hold", "take", &b.path(&file)]).ok(),
                "take retried"
            );
        }
        assert!(holds(b, code) && !holds(a, code), "{code} ends on B only");
    }
    let (la, lb) = (a.json(&["hold", "list"]), b.json(&["hold", "list"]));
    assert_eq!(
        (la["here"].as_u64(), lb["here"].as_u64()),
        (Some(13), Some(11)),
        "{la} {lb}"
    );
    assert_verified(a);
    assert_verified(b);
}

/// Spawns `cmd`, SIGKILLs it after `delay` if it still runs, and waits for it.
#[cfg(unix)]
fn kill_after(mut cmd: std::process::Command, delay: std::time::Duration) {
    let mut child = cmd.spawn().expect("spawn paypoint");
    std::thread::sleep(delay);
    let _ = child.kill();
    let _ = child.wait();
}
