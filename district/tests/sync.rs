//! End-to-end sync between real device ledgers and the real hub process on loopback: round trip,
//! stops from the district, and the security cases (two devices of one pay point: holds.rs).

mod common;

use std::time::Duration;

use common::*;
use ed25519_dalek::SigningKey;
use paypoint::sync::client;
use paypoint::sync::protocol::{
    self, PushBatch, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};

#[test]
fn round_trip_enrol_pull_pay_offline_sync_totals_equal() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 40);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let st = dev.ledger.status().unwrap();
    assert_eq!(st.beneficiaries, 40, "the signed roll was loaded");
    let due = hub.settlement("QH01", PERIOD)["total_due"]
        .as_i64()
        .unwrap();
    assert_eq!(
        st.total_due.as_i64(),
        due,
        "the device owes what the district published"
    );

    // Pay offline, then one round.
    dev.pay_first("QH01", 25);
    let r = dev.sync().unwrap();
    assert!(r.events_acknowledged >= 26);
    assert!(r.flags.is_empty());
    assert_converged(&hub, &[&dev], "QH01");
    let s = hub.settlement("QH01", PERIOD);
    assert_eq!(s["payouts"], 25);
    assert_eq!(
        s["unpaid_amount"].as_i64().unwrap(),
        due - dev.paid_amount()
    );

    // Every receipt kept, signed by the hub; a round with nothing new sends nothing.
    let st = client::status(&dev.ledger).unwrap();
    assert!(st.receipts >= 2);
    let again = dev.sync().unwrap();
    assert_eq!(again.batches, 0);
    // The receipts table refuses edits.
    let c = rusqlite::Connection::open(&dev.path).unwrap();
    assert!(c.execute("DELETE FROM sync_receipts", []).is_err());
    assert!(c.execute("UPDATE sync_receipts SET flags = 0", []).is_err());

    // The officer's page on loopback, and the CSV settlement.
    let page = reqwest::blocking::get(hub.url()).unwrap();
    assert!(page.status().is_success());
    let html = page.text().unwrap();
    assert!(html.contains("QH01") && html.contains("Tình hình chi trả"));
    // Relayed by a reverse proxy (still from loopback): the page needs a token or a sign-in.
    let relayed = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(hub.url())
        .header("X-Forwarded-For", "203.0.113.9")
        .send()
        .unwrap();
    assert_eq!(relayed.status().as_u16(), 303);
    let csv = hub.admin_ok(&["settlement", "--csv"]);
    assert!(csv.starts_with("pay_point,name,period"));
    assert!(csv.contains(&format!(",{},", dev.paid_amount())));

    // The hub's log: refusals and batches are there, and never a name, an ID number or a key.
    let refused = reqwest::blocking::Client::new()
        .post(format!("{}/v1/pay-points/QH01/batches", hub.url()))
        .body("{}")
        .send()
        .unwrap();
    assert!(refused.status().is_client_error());
    let log = hub.log();
    assert!(log.contains("batches: refused"), "{log}");
    assert!(log.contains("batch of"), "{log}");
    let people = dev.ledger.search("", Some(1000)).unwrap();
    assert_eq!(people.len(), 40);
    for p in &people {
        assert!(!log.contains(&p.name), "a name in the hub's log");
        if let Some(card) = &p.id_card {
            assert!(
                !log.contains(card.as_str()),
                "an ID number in the hub's log"
            );
        }
    }
    assert!(
        !log.contains(&dev_secret_key(&dev)),
        "the device key in the hub's log"
    );
}

/// The device's secret key, read from its (unencrypted, test) ledger.
fn dev_secret_key(dev: &Device) -> String {
    let c = rusqlite::Connection::open(&dev.path).unwrap();
    c.query_row("SELECT secret_key FROM sync_device_key", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_stop_from_the_district_blocks_payment_and_a_payout_after_it_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 10);
    let mut a = Device::new(dir.path(), "a", "QH01");
    let mut b = Device::new(dir.path(), "b", "QH01");
    a.enrol_and_pull(&hub, &hub.url(), "QH01");
    b.enrol_and_pull(&hub, &hub.url(), "QH01");
    // b, the second device, pays person 3: a hands them over through the hub (issue 17).
    a.give(&b, &[code("QH01", 3)]);
    a.sync().unwrap();
    b.sync().unwrap();
    hub.admin_ok(&[
        "stop",
        &code("QH01", 3),
        "--pay-point",
        "QH01",
        "--reason",
        "death",
    ]);
    // Device a pulls the stop: payment is blocked at once.
    let r = a.sync().unwrap();
    assert_eq!(r.stops_applied, 1);
    let refused = a.ledger.record_payout(
        &a.clerk,
        &paypoint::payout::PayoutRequest::at_counter(
            paypoint::BeneficiaryCode::new(&code("QH01", 3)).unwrap(),
        ),
    );
    assert!(matches!(
        refused,
        Err(paypoint::payout::PayoutError::Stopped { .. })
    ));
    // Device b paid offline before it heard: the fact is stored and flagged.
    b.pay(&code("QH01", 3));
    let r = b.sync().unwrap();
    assert!(r.flags.iter().any(|f| f.kind == "paid_after_stop"));
    assert_converged(&hub, &[&a, &b], "QH01");
    let flags = hub.admin_ok(&["flags", "--json"]);
    assert!(flags.contains("paid_after_stop"));
}

#[test]
fn a_funeral_allowance_paid_after_a_death_is_not_flagged_but_the_other_lines_are() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub");
    assert!(admin(
        &data,
        &["pay-point", "add", "QH01", "--name", "Bưu điện QH01"]
    )
    .status
    .success());
    // People 2 and 3 are also owed a funeral allowance (mai táng phí) this month.
    let mut roll = paypoint::demo::roll(period(), 10, 7, "QH01");
    let funeral = paypoint::Dong::new(15_840_000).unwrap();
    for i in [1, 2] {
        assert_eq!(roll.entries[i].code.as_str(), code("QH01", i + 1));
        roll.entries[i].lines.push(paypoint::roll::RollLine {
            kind: paypoint::roll::LineKind::Funeral,
            amount: funeral,
            covers_from: period(),
            covers_to: period(),
            note: "Mai táng phí".into(),
        });
    }
    {
        let district = common::open_hub(&data);
        district.store_roll("QH01", &roll, "test").unwrap();
        district.publish_roll("QH01", period()).unwrap();
    }
    without_clock_checks(&data);
    let hub = start_hub(&data);
    let mut a = Device::new(dir.path(), "a", "QH01");
    let mut b = Device::new(dir.path(), "b", "QH01");
    a.enrol_and_pull(&hub, &hub.url(), "QH01");
    b.enrol_and_pull(&hub, &hub.url(), "QH01");
    // b, the second device, pays person 3: a hands them over through the hub (issue 17).
    a.give(&b, &[code("QH01", 3)]);
    a.sync().unwrap();
    b.sync().unwrap();
    for i in [2, 3] {
        hub.admin_ok(&[
            "stop",
            &code("QH01", i),
            "--pay-point",
            "QH01",
            "--reason",
            "death",
        ]);
    }
    // Device a hears of the deaths: only the funeral allowance of person 2 is still payable.
    assert_eq!(a.sync().unwrap().stops_applied, 2);
    let paid = a.pay(&code("QH01", 2));
    assert_eq!(paid.amount, funeral, "only the funeral allowance is paid");
    let r = a.sync().unwrap();
    assert!(
        r.flags.is_empty(),
        "a funeral allowance after a death is not flagged: {:?}",
        r.flags
    );
    // Device b had not heard and paid person 3 everything: flagged.
    let full = b.pay(&code("QH01", 3));
    assert!(full.amount > funeral);
    let r = b.sync().unwrap();
    let flags: Vec<_> = r
        .flags
        .iter()
        .filter(|f| f.kind == "paid_after_stop")
        .collect();
    assert_eq!(flags.len(), 1, "{:?}", r.flags);
    assert_eq!(flags[0].code, code("QH01", 3));
    assert_eq!(flags[0].event, full.payout_id);
    let blocked = full.amount.as_i64() - funeral.as_i64();
    assert!(
        flags[0]
            .detail
            .contains(&format!("{blocked} đ không phải mai táng phí")),
        "{}",
        flags[0].detail
    );
    assert_converged(&hub, &[&a, &b], "QH01");
    let all = hub.admin_ok(&["flags", "--json"]);
    let all: Vec<serde_json::Value> = serde_json::from_str(&all).unwrap();
    assert_eq!(all.len(), 1, "{all:?}");
}

/// Sends a request signed (or not) as the test says.
fn raw(
    url: &str,
    method: &str,
    path: &str,
    body: &[u8],
    device: &str,
    key: Option<&SigningKey>,
    nonce: &str,
) -> (u16, String) {
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let ts = chrono::Utc::now().timestamp();
    let mut req = match method {
        "GET" => http.get(format!("{url}{path}")),
        _ => http.post(format!("{url}{path}")).body(body.to_vec()),
    }
    .header(HEADER_DEVICE, device)
    .header(HEADER_TIMESTAMP, ts.to_string())
    .header(HEADER_NONCE, nonce);
    if let Some(k) = key {
        req = req.header(
            HEADER_SIGNATURE,
            protocol::sign_request(k, method, path, ts, nonce, body),
        );
    }
    let resp = req.send().unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().unwrap())
}

/// Pushes `body` to QH01's batches as `dev`, signed with `key`, under `nonce`.
fn push_as(
    hub: &HubProc,
    dev: &Device,
    key: &SigningKey,
    body: &[u8],
    nonce: &str,
) -> (u16, String) {
    let device = dev.ledger.device().id.to_string();
    let path = "/v1/pay-points/QH01/batches";
    raw(&hub.url(), "POST", path, body, &device, Some(key), nonce)
}

fn device_key(dev: &Device) -> SigningKey {
    let c = rusqlite::Connection::open(&dev.path).unwrap();
    let hex_key: String = c
        .query_row("SELECT secret_key FROM sync_device_key", [], |r| r.get(0))
        .unwrap();
    protocol::parse_secret_key(&hex_key).unwrap()
}

#[test]
fn unsigned_wrongly_signed_replayed_and_cross_pay_point_requests_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01", "QH02"], 5);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let id = dev.ledger.device().id.to_string();
    let key = device_key(&dev);
    let url = hub.url();
    let path = "/v1/pay-points/QH01/amendments?after=0";

    let (s, body) = raw(
        &url,
        "GET",
        path,
        b"",
        &id,
        None,
        "00112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 401, "unsigned: {body}");
    let other = SigningKey::from_bytes(&[9; 32]);
    let (s, body) = raw(
        &url,
        "GET",
        path,
        b"",
        &id,
        Some(&other),
        "10112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 401, "wrongly signed: {body}");
    let (s, body) = raw(
        &url,
        "GET",
        path,
        b"",
        &id,
        Some(&key),
        "20112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 200, "well signed: {body}");
    let (s, body) = raw(
        &url,
        "GET",
        path,
        b"",
        &id,
        Some(&key),
        "20112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 401, "replayed: {body}");
    assert!(body.contains("phát lại"), "{body}");
    let (s, body) = raw(
        &url,
        "GET",
        "/v1/pay-points/QH02/rolls/2026-12",
        b"",
        &id,
        Some(&key),
        "30112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 403, "cross pay point: {body}");
    // A signature over another path does not open this one.
    let (s, _) = raw(
        &url,
        "GET",
        "/v1/pay-points/QH01/status",
        b"",
        &id,
        Some(&key),
        "40112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 200);
    // An unknown device.
    let (s, _) = raw(
        &url,
        "GET",
        path,
        b"",
        &uuid::Uuid::now_v7().to_string(),
        Some(&key),
        "50112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 401);
    // A used enrolment code does not enrol another device.
    let mut intruder = Device::new(dir.path(), "x", "QH01");
    let code = hub.enrol_code("QH01");
    let mut other_dev = Device::new(dir.path(), "y", "QH01");
    client::enrol(&mut other_dev.ledger, &url, &code, &fast_opts()).unwrap();
    let e = client::enrol(&mut intruder.ledger, &url, &code, &fast_opts()).unwrap_err();
    assert!(e.to_string().contains("đã được dùng"), "{e}");
}

#[test]
fn a_tampered_event_is_refused_whole_and_named_and_later_valid_batches_pass() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 10);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    dev.pay_first("QH01", 4);
    let key = device_key(&dev);
    let acked = client::status(&dev.ledger).unwrap().acknowledged;
    let mut events = dev.ledger.events_after(acked, 100).unwrap();
    // Change the amount of the second payout, keep its hash: the chain names it.
    let victim = events
        .iter_mut()
        .filter(|e| e.kind == paypoint::event::EventKind::Payout)
        .nth(1)
        .unwrap();
    victim.payload["amount"] = serde_json::json!(1);
    let victim_seq = victim.seq;
    let batch = PushBatch::new(dev.ledger.device().id, &events);
    let body = serde_json::to_vec(&batch).unwrap();
    let (s, answer) = push_as(&hub, &dev, &key, &body, "60112233445566778899aabbccddeeff");
    assert_eq!(s, 422, "{answer}");
    let err: protocol::ErrorBody = serde_json::from_str(&answer).unwrap();
    assert_eq!(err.event_seq, Some(victim_seq));
    assert!(
        err.error.contains(&format!("sự kiện số {victim_seq}")),
        "{}",
        err.error
    );
    assert_eq!(
        hub_events(&hub, dev.ledger.device().id).len() as u64,
        acked,
        "nothing applied"
    );
    // The events as they are, but a claimed head that is not the device's: refused, the last
    // event named.
    let honest = dev.ledger.events_after(acked, 100).unwrap();
    let mut forged = PushBatch::new(dev.ledger.device().id, &honest);
    forged.head = "ab".repeat(32);
    let (s, answer) = push_as(
        &hub,
        &dev,
        &key,
        &serde_json::to_vec(&forged).unwrap(),
        "61112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 422, "{answer}");
    let err: protocol::ErrorBody = serde_json::from_str(&answer).unwrap();
    assert_eq!(err.event_seq, Some(honest.last().unwrap().seq));
    assert_eq!(
        hub_events(&hub, dev.ledger.device().id).len() as u64,
        acked,
        "nothing applied"
    );
    // The real events go through afterwards.
    dev.sync().unwrap();
    assert_converged(&hub, &[&dev], "QH01");
    // An accepted event sent again with other content (its stored hash kept): named.
    let mut again = dev.ledger.events_after(acked, 100).unwrap();
    again[2].time = "2026-12-01T00:00:00.000+07:00".into();
    let (s, answer) = push_as(
        &hub,
        &dev,
        &key,
        &serde_json::to_vec(&PushBatch::new(dev.ledger.device().id, &again)).unwrap(),
        "62112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 422, "{answer}");
    let err: protocol::ErrorBody = serde_json::from_str(&answer).unwrap();
    assert_eq!(err.event_seq, Some(again[2].seq));
    assert_converged(&hub, &[&dev], "QH01");
}

/// An event in the device's chain whose payload is not the shape of its kind (a device of another
/// version, a ledger written by other means) is kept, because the chain holds it, and flagged for
/// the office, naming the event; it pays nothing at the hub and the batch's other events count.
#[test]
fn an_event_whose_payload_cannot_be_read_is_kept_in_the_chain_and_flagged_and_pays_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 6);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    dev.pay_first("QH01", 2);
    let key = device_key(&dev);
    let acked = client::status(&dev.ledger).unwrap().acknowledged;
    let mut events = dev.ledger.events_after(acked, 100).unwrap();
    let last = events.last().unwrap().clone();
    let mut odd = paypoint::event::Event {
        seq: last.seq + 1,
        id: uuid::Uuid::now_v7(),
        prev: last.hash.clone(),
        kind: paypoint::event::EventKind::Payout,
        // No amount and no lines: not a payout's shape.
        payload: serde_json::json!({"period": period().to_string(), "code": code("QH01", 5)}),
        hash: String::new(),
        ..last
    };
    odd.hash = odd.compute_hash();
    events.push(odd.clone());
    let body = serde_json::to_vec(&PushBatch::new(dev.ledger.device().id, &events)).unwrap();
    let (s, answer) = push_as(&hub, &dev, &key, &body, "63112233445566778899aabbccddeeff");
    assert_eq!(s, 200, "{answer}");
    let held = hub_events(&hub, dev.ledger.device().id);
    assert_eq!(
        held.last().unwrap().id,
        odd.id,
        "the event is in the hub's chain"
    );
    let flags: Vec<serde_json::Value> =
        serde_json::from_str(&hub.admin_ok(&["flags", "--json"])).unwrap();
    assert_eq!(flags.len(), 1, "{flags:#?}");
    assert_eq!(flags[0]["kind"], "unreadable_payload");
    assert_eq!(flags[0]["event"], odd.id.to_string());
    assert!(
        flags[0]["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("sự kiện số {}", odd.seq)),
        "{}",
        flags[0]["detail"]
    );
    let paid = hub
        .store()
        .value("SELECT count(*) FROM payouts", &[])
        .unwrap()
        .int();
    assert_eq!(paid, 2, "the two real payouts, not the unreadable one");
}

/// An event whose id the hub already holds from another device (a copied ledger, a forged
/// batch) refuses the whole batch, naming the event: since issue 19 the batch's rows are written
/// many to a statement, and a row the store already held must still be found, not skipped.
#[test]
fn an_event_id_already_held_from_another_device_refuses_the_batch_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01", "QH02"], 5);
    let mut a = Device::new(dir.path(), "a", "QH01");
    a.enrol_and_pull(&hub, &hub.url(), "QH01");
    let taken = a.pay_first("QH01", 1)[0].payout_id;
    a.sync().unwrap();
    let mut b = Device::new(dir.path(), "b", "QH02");
    b.enrol_and_pull(&hub, &hub.url(), "QH02");
    b.pay_first("QH02", 3);
    let acked = client::status(&b.ledger).unwrap().acknowledged;
    let mut events = b.ledger.events_after(acked, 100).unwrap();
    let k = events
        .iter()
        .position(|e| e.kind == paypoint::event::EventKind::Payout)
        .unwrap()
        + 1;
    let k = k + events[k..]
        .iter()
        .position(|e| e.kind == paypoint::event::EventKind::Payout)
        .unwrap();
    // The second payout takes the first device's payout id; the chain is made whole again, so
    // only the id is wrong.
    events[k].id = taken;
    for i in k..events.len() {
        let prev = events[i - 1].hash.clone();
        let e = &mut events[i];
        e.prev = prev;
        e.hash = e.compute_hash();
    }
    let body = serde_json::to_vec(&PushBatch::new(b.ledger.device().id, &events)).unwrap();
    let (s, answer) = raw(
        &hub.url(),
        "POST",
        "/v1/pay-points/QH02/batches",
        &body,
        &b.ledger.device().id.to_string(),
        Some(&device_key(&b)),
        "63112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 422, "{answer}");
    let err: protocol::ErrorBody = serde_json::from_str(&answer).unwrap();
    assert_eq!(err.event_seq, Some(events[k].seq));
    assert!(err.error.contains("từ nơi khác"), "{}", err.error);
    assert_eq!(
        hub_events(&hub, b.ledger.device().id).len() as u64,
        acked,
        "nothing applied"
    );
    assert_converged(&hub, &[&a], "QH01");
}

/// A device that paid three people and has not sent them, with what a test needs to send them by
/// hand.
struct Unsent {
    hub: HubProc,
    dev: Device,
    key: SigningKey,
    id: uuid::Uuid,
    acked: u64,
    events: Vec<paypoint::event::Event>,
}

fn three_unsent(dir: &std::path::Path) -> Unsent {
    let hub = hub_with_roll(dir, &["QH01"], 10);
    let mut dev = Device::new(dir, "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    dev.pay_first("QH01", 3);
    let key = device_key(&dev);
    let id = dev.ledger.device().id;
    let acked = client::status(&dev.ledger).unwrap().acknowledged;
    let events = dev.ledger.events_after(acked, 100).unwrap();
    Unsent {
        hub,
        dev,
        key,
        id,
        acked,
        events,
    }
}

#[test]
fn the_same_batch_twice_gets_the_same_receipt_and_a_gap_gets_409_with_where_to_resume() {
    let dir = tempfile::tempdir().unwrap();
    let Unsent {
        hub,
        mut dev,
        key,
        id,
        acked,
        events,
    } = three_unsent(dir.path());
    let path = "/v1/pay-points/QH01/batches";
    // A gap: the batch starts after the next sequence the hub needs.
    let gap = PushBatch::new(id, &events[1..]);
    let (s, answer) = raw(
        &hub.url(),
        "POST",
        path,
        &serde_json::to_vec(&gap).unwrap(),
        &id.to_string(),
        Some(&key),
        "70112233445566778899aabbccddeeff",
    );
    assert_eq!(s, 409, "{answer}");
    let err: protocol::ErrorBody = serde_json::from_str(&answer).unwrap();
    assert_eq!(err.resume_from, Some(acked + 1));
    let batch = PushBatch::new(id, &events);
    let body = serde_json::to_vec(&batch).unwrap();
    let (s1, r1) = raw(
        &hub.url(),
        "POST",
        path,
        &body,
        &id.to_string(),
        Some(&key),
        "80112233445566778899aabbccddeeff",
    );
    let (s2, r2) = raw(
        &hub.url(),
        "POST",
        path,
        &body,
        &id.to_string(),
        Some(&key),
        "90112233445566778899aabbccddeeff",
    );
    assert_eq!((s1, s2), (200, 200), "{r1} {r2}");
    assert_eq!(r1, r2, "the same batch gets the same signed receipt");
    let receipt: protocol::Receipt = serde_json::from_str(&r1).unwrap();
    let hub_key = protocol::parse_public_key(hub.admin_ok(&["key"]).trim()).unwrap();
    assert!(receipt.verify(&hub_key).is_ok());
    assert_eq!(receipt.body.accepted_through, batch.last_seq);
    // The device, which never saw that receipt, resumes and converges.
    dev.sync().unwrap();
    assert_converged(&hub, &[&dev], "QH01");
}

/// A push spends its nonce in the batch's own transaction (one commit per push); a request that
/// was refused, or a retry answered with the receipt already given, spends it too: whatever the
/// answer, the same signed request is never taken a second time.
#[test]
fn a_batch_request_is_taken_once_whether_refused_accepted_or_a_retry() {
    let dir = tempfile::tempdir().unwrap();
    let Unsent {
        hub,
        mut dev,
        key,
        id,
        acked,
        events,
    } = three_unsent(dir.path());
    let path = "/v1/pay-points/QH01/batches";
    let send = |body: &[u8], nonce: &str| {
        raw(
            &hub.url(),
            "POST",
            path,
            body,
            &id.to_string(),
            Some(&key),
            nonce,
        )
    };
    let replayed = |(s, answer): (u16, String), what: &str| {
        assert_eq!(s, 401, "{what}: {answer}");
        assert!(answer.contains("phát lại"), "{what}: {answer}");
    };
    let gap = serde_json::to_vec(&PushBatch::new(id, &events[1..])).unwrap();
    assert_eq!(send(&gap, "a0112233445566778899aabbccddeeff").0, 409);
    replayed(
        send(&gap, "a0112233445566778899aabbccddeeff"),
        "a refused push",
    );
    let body = serde_json::to_vec(&PushBatch::new(id, &events)).unwrap();
    let (s, first) = send(&body, "b0112233445566778899aabbccddeeff");
    assert_eq!(s, 200, "{first}");
    replayed(
        send(&body, "b0112233445566778899aabbccddeeff"),
        "an accepted push",
    );
    let (s, again) = send(&body, "c0112233445566778899aabbccddeeff");
    assert_eq!((s, &again), (200, &first), "a retry gets the same receipt");
    replayed(send(&body, "c0112233445566778899aabbccddeeff"), "a retry");
    assert_eq!(
        hub_events(&hub, id).len(),
        events.len() + acked as usize,
        "each event held once"
    );
    dev.sync().unwrap();
    assert_converged(&hub, &[&dev], "QH01");
}

#[test]
fn a_roll_or_amendment_not_signed_by_the_enrolled_hub_is_refused_and_nothing_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 5);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    let code = hub.enrol_code("QH01");
    client::enrol(&mut dev.ledger, &hub.url(), &code, &fast_opts()).unwrap();
    // The device now trusts another key than the one that signs this hub's documents (as if
    // the answers came from an impostor).
    let other = SigningKey::from_bytes(&[7; 32]);
    rusqlite::Connection::open(&dev.path)
        .unwrap()
        .execute(
            "UPDATE sync_hub SET hub_public_key = ?1",
            [protocol::public_key_hex(&other.verifying_key())],
        )
        .unwrap();
    let e = dev.sync().unwrap_err();
    assert!(
        matches!(e, client::SyncError::BadSignature(_)),
        "refused for its signature: {e}"
    );
    assert!(
        e.to_string()
            .contains("chữ ký của đơn vị quản lý không hợp lệ"),
        "{e}"
    );
    assert_eq!(
        dev.ledger.status().unwrap().beneficiaries,
        0,
        "no amount trusted"
    );
    assert!(client::status(&dev.ledger)
        .unwrap()
        .last_error
        .unwrap()
        .contains("chữ ký"));
}

#[test]
fn the_officers_page_needs_the_token_or_a_sign_in_when_a_token_is_set() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub");
    assert!(admin(&data, &["pay-point", "add", "QH01", "--name", "BĐ"])
        .status
        .success());
    let mut child = std::process::Command::new(hub_bin())
        .arg("--data")
        .arg(&data)
        .args(["serve", "--bind", "127.0.0.1:0", "--token", "s3cret"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    // Without the token, a browser is sent to sign in (issue 20: the office's accounts).
    let browser = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let no = browser.get(&url).send().unwrap();
    let sent_to = no.headers()["location"].to_str().unwrap().to_string();
    let yes = browser
        .get(format!("{url}/?token=s3cret"))
        .send()
        .unwrap()
        .status()
        .as_u16();
    let wrong = browser
        .get(format!("{url}/?token=s3cre"))
        .send()
        .unwrap()
        .status()
        .as_u16();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        (no.status().as_u16(), sent_to.as_str(), yes, wrong),
        (303, "/dang-nhap", 200, 303)
    );
}

#[test]
fn a_rate_table_loaded_on_a_device_is_accepted_and_stored_by_the_hub_like_any_event() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 5);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let mut table = paypoint::policy::shipped().clone();
    table.basis = "99/2026/NĐ-CP".into();
    table.effective_from = "2026-07-01".parse().unwrap();
    dev.ledger.load_policy(&table, "nd-99-2026.json").unwrap();
    let r = dev.sync().unwrap();
    assert!(r.flags.is_empty(), "{:?}", r.flags);
    assert_converged(&hub, &[&dev], "QH01");
    let held = hub_events(&hub, dev.ledger.device().id);
    let policy: Vec<_> = held
        .iter()
        .filter(|e| e.kind == paypoint::event::EventKind::PolicyLoaded)
        .collect();
    assert_eq!(policy.len(), 1);
    assert_eq!(policy[0].payload["basis"], "99/2026/NĐ-CP");
    assert_eq!(policy[0].payload["effective_from"], "2026-07-01");
}

#[test]
fn a_rate_table_the_office_publishes_is_recorded_by_the_device_at_its_next_sync() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 5);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let mut table = paypoint::policy::shipped().to_file_json();
    table["basis"] = serde_json::json!("99/2026/NĐ-CP");
    table["effective_from"] = serde_json::json!("2026-07-01");
    table["base_rate"] = serde_json::json!(2_980_000);
    let file = dir.path().join("nd-99-2026.json");
    std::fs::write(&file, table.to_string()).unwrap();

    // A bad file is refused at the hub with the field named, and nothing is published.
    let mut bad = table.clone();
    bad["categories"][0]["monthly"] = serde_json::json!("2.980.000");
    let bad_file = dir.path().join("bad.json");
    std::fs::write(&bad_file, bad.to_string()).unwrap();
    let out = hub.admin(&["publish-policy", bad_file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mục 1") && err.contains("monthly"), "{err}");

    let said = hub.admin_ok(&["publish-policy", file.to_str().unwrap()]);
    assert!(
        said.contains("99/2026/NĐ-CP") && said.contains("QH01"),
        "{said}"
    );
    let on = |l: &paypoint::Ledger, d: &str| l.policy_on(d.parse().unwrap()).unwrap().heading.basis;
    assert_eq!(
        on(&dev.ledger, "2026-07-01"),
        "77/2024/NĐ-CP",
        "not before the sync"
    );
    dev.sync().unwrap();
    assert_eq!(on(&dev.ledger, "2026-06-30"), "77/2024/NĐ-CP");
    assert_eq!(on(&dev.ledger, "2026-07-01"), "99/2026/NĐ-CP");
    let p = dev.ledger.policy_on("2026-07-01".parse().unwrap()).unwrap();
    assert_eq!(p.heading.origin.source, "đơn vị quản lý (đồng bộ)");
    assert_eq!(p.heading.base_rate.as_i64(), 2_980_000);

    // Published again (for a pay point added later): the device already has it, nothing new.
    hub.admin_ok(&["publish-policy", file.to_str().unwrap()]);
    let before = dev.ledger.event_count().unwrap();
    dev.sync().unwrap();
    let kinds: Vec<_> = dev
        .events()
        .into_iter()
        .skip(before as usize)
        .map(|e| e.kind)
        .collect();
    assert!(
        !kinds.contains(&paypoint::event::EventKind::PolicyLoaded),
        "{kinds:?}"
    );
    assert_converged(&hub, &[&dev], "QH01");
}

#[test]
fn the_day_supervisor_recorded_on_a_device_reaches_the_hub_in_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    let mut a = Device::new(dir.path(), "a", "QH01");
    a.enrol_and_pull(&hub, &hub.url(), "QH01");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    a.ledger
        .record_day_supervisor(
            &a.clerk,
            day,
            "Nguyễn Thị Hoa",
            "Công chức Văn hóa - Xã hội, UBND xã Quảng Hưng",
        )
        .unwrap();
    a.pay(&code("QH01", 1));
    let r = a.sync().unwrap();
    assert!(
        r.flags.is_empty(),
        "a supervisor is not an anomaly: {:?}",
        r.flags
    );
    assert_converged(&hub, &[&a], "QH01");
    let held = hub_events(&hub, a.ledger.device().id);
    let sup = held
        .iter()
        .find(|e| e.kind == paypoint::event::EventKind::DaySupervisor)
        .expect("the hub stores the day_supervisor event");
    assert_eq!(sup.payload["name"], "Nguyễn Thị Hoa");
    assert_eq!(sup.payload["date"], "2026-12-03");
}

/// The chain is the store's own rule (a trigger on each engine; on PostgreSQL checked once per
/// statement): whatever writes to it, an event is the next of its device's sequence and carries
/// the hash of the one before, one row or many at once, and a statement with one wrong row
/// leaves nothing.
#[test]
fn the_store_refuses_an_event_out_of_its_devices_sequence_or_not_chained_one_or_many_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let Unsent {
        hub, mut dev, id, ..
    } = three_unsent(dir.path());
    dev.sync().unwrap();
    let last = hub
        .store()
        .rows(
            "SELECT seq, hash FROM events WHERE device = ?1 ORDER BY seq DESC LIMIT 1",
            &[&id.to_string()],
        )
        .unwrap();
    let (n, head) = (last[0][0].int(), last[0][1].text());
    let row = |tag: &str, seq: i64, prev: &str| {
        format!(
            "('{tag}', '{id}', 'QH01', {seq}, 'payout', NULL, '2026-12-01T08:00:00', '{{}}', '{prev}', 'h-{tag}', '2026-12-01T08:00:00')"
        )
    };
    let insert = |rows: &[String]| {
        paypoint_testkit::store::HubStore::write(
            &hub.data,
            &format!(
                "INSERT INTO events (id, device, pay_point, seq, kind, clerk, local_time, payload, prev_hash, hash, received_at) VALUES {}",
                rows.join(", ")
            ),
        )
    };
    let refused = [
        ("a gap", vec![row("gap", n + 2, &head)]),
        ("a wrong chain", vec![row("wrong", n + 1, "h-nothing")]),
        ("a place taken", vec![row("taken", n, &head)]),
        (
            "a first event again",
            vec![row("first", 1, &"0".repeat(64))],
        ),
        (
            "a good row then a bad one",
            vec![row("g1", n + 1, &head), row("g2", n + 2, "h-nothing")],
        ),
        (
            "two rows with a gap between",
            vec![row("s1", n + 1, &head), row("s3", n + 3, "h-s1")],
        ),
    ];
    for (what, rows) in refused {
        let e = insert(&rows).expect_err(what);
        assert!(
            e.contains("out of sequence or not chained")
                || e.contains("UNIQUE")
                || e.contains("duplicate key"),
            "{what}: {e}"
        );
        assert_eq!(
            hub_events(&hub, id).len() as i64,
            n,
            "{what}: nothing written"
        );
    }
    // The rule is not "refuse everything": the next two, chained, go in at once.
    insert(&[row("n1", n + 1, &head), row("n2", n + 2, "h-n1")]).unwrap();
    let count = hub
        .store()
        .value(
            "SELECT count(*) FROM events WHERE device = ?1",
            &[&id.to_string()],
        )
        .unwrap()
        .int();
    assert_eq!(count, n + 2);
}
