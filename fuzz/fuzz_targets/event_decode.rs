//! Bytes → what the core decodes from the wire: an event (`Event`, its canonical JSON and
//! hash), a run of events (`verify_chain`), and a pushed batch (`PushBatch`: the compact
//! payload form, `events()` and `chain()`, as the hub runs them). The first byte picks which.
//! Beyond "never panics", it checks round trips: decode → encode → decode gives the same
//! value, canonical JSON is a fixed point, a verified chain sent as a batch comes back whole.
#![no_main]

use libfuzzer_sys::fuzz_target;
use paypoint::event::{canonical_json, verify_chain, Event, GENESIS_HASH};
use paypoint::sync::protocol::{PushBatch, MAX_BATCH_EVENTS};
use paypoint_fuzz::integers_only;
use serde_json::Value;

/// Canonical JSON is a fixed point and reads back as the same value.
fn canonical_round_trip(v: &Value) {
    let c = canonical_json(v);
    let back: Value = serde_json::from_str(&c).expect("canonical JSON parses");
    assert_eq!(&back, v, "canonical JSON reads back as the value");
    assert_eq!(canonical_json(&back), c, "canonical JSON is a fixed point");
}

/// An event reads back from its own JSON as itself, with the same hash (on the canonical form's
/// domain: integers, not floats — `paypoint_fuzz::integers_only`).
fn event_round_trip(e: &Event) {
    if !integers_only(&e.payload) {
        let _ = e.compute_hash();
        return;
    }
    let text = serde_json::to_string(e).expect("an event serialises");
    let back: Event = serde_json::from_str(&text).expect("an event reads back");
    assert_eq!(&back, e);
    assert_eq!(back.compute_hash(), e.compute_hash());
    canonical_round_trip(&e.payload);
    let body: Value = serde_json::from_str(&e.canonical_body()).expect("canonical body parses");
    canonical_round_trip(&body);
}

/// A verified run of one device's events, sent as a batch, is rebuilt and chained whole.
fn batch_round_trip(events: &[Event], start_prev: &str) {
    let Some(first) = events.first() else { return };
    if events.iter().any(|e| !integers_only(&e.payload)) {
        return;
    }
    if first.seq == 0
        || events.len() > MAX_BATCH_EVENTS
        || events.iter().any(|e| e.device != first.device)
    {
        return;
    }
    let batch = PushBatch::new(first.device, events);
    let wire = serde_json::to_vec(&batch).expect("a batch serialises");
    let back: PushBatch = serde_json::from_slice(&wire).expect("a batch reads back");
    let mut rebuilt = back
        .events()
        .expect("a verified run is a well-formed batch");
    back.chain(&mut rebuilt, start_prev)
        .expect("a verified run chains at the hub");
    assert_eq!(rebuilt, events, "the hub rebuilds the device's events");
    let again = PushBatch::new(first.device, &rebuilt);
    assert_eq!(
        again.batch_id, batch.batch_id,
        "the same events make the same batch id"
    );
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, body)) = data.split_first() else {
        return;
    };
    match sel % 4 {
        // One event.
        0 => {
            if let Ok(e) = serde_json::from_slice::<Event>(body) {
                event_round_trip(&e);
                let report = verify_chain([&e], e.seq, &e.prev);
                assert_eq!(report.chain_ok, e.compute_hash() == e.hash);
                if report.chain_ok {
                    assert_eq!(report.head.as_deref(), Some(e.hash.as_str()));
                    batch_round_trip(std::slice::from_ref(&e), &e.prev);
                }
            }
        }
        // A run of events, checked as `verify` checks the ledger's.
        1 => {
            if let Ok(events) = serde_json::from_slice::<Vec<Event>>(body) {
                for e in &events {
                    event_round_trip(e);
                }
                let (start, prev) = events
                    .first()
                    .map_or((1, GENESIS_HASH.to_string()), |e| (e.seq, e.prev.clone()));
                let report = verify_chain(&events, start, &prev);
                assert_eq!(report.events as usize <= events.len(), true);
                if report.chain_ok {
                    assert_eq!(report.events as usize, events.len());
                    batch_round_trip(&events, &prev);
                }
            }
        }
        // A pushed batch, as the hub reads it, chained from the genesis and from a stored hash.
        _ => {
            if let Ok(batch) = serde_json::from_slice::<PushBatch>(body) {
                let start = if sel & 4 == 0 {
                    GENESIS_HASH.to_string()
                } else {
                    paypoint::event::sha256_hex(&[sel])
                };
                if let Ok(mut events) = batch.events() {
                    assert_eq!(events.len(), batch.events.len());
                    for e in events.iter().filter(|e| integers_only(&e.payload)) {
                        canonical_round_trip(&e.payload);
                    }
                    if batch.chain(&mut events, &start).is_ok() {
                        // Accepted: the hub's events verify as a chain and make the same batch.
                        let report = verify_chain(&events, batch.first_seq, &start);
                        assert!(report.chain_ok, "{:?}", report.first_broken);
                        assert_eq!(report.head.as_deref(), Some(batch.head.as_str()));
                        batch_round_trip(&events, &start);
                    }
                }
            }
        }
    }
});
