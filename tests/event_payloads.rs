//! Typed event payloads (issue 12, step 1) never change the chain: every event that release 0.1
//! wrote, of every kind, parses into its typed payload, serialises back to the very same JSON
//! and hashes to the very same hash. That a whole ledger file written by release 0.1 still opens
//! and verifies with this build's `paypoint` is tested in `cli/tests/event_payloads.rs`.
//!
//! The fixtures were written by release 0.1's own `paypoint` binary (commit b6bb5f7): a demo roll,
//! payouts, a reversal, visits, a stop, cash movements and a count, a clerk lock-out lifted, an
//! amended roll with conflicts and the period closed (`tests/fixtures/`).

use std::collections::HashSet;
use std::path::Path;

use paypoint::event::{verify_chain, Event, EventKind, GENESIS_HASH};

fn release_events() -> Vec<Event> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/events-release-0.1.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn every_kind_of_event_of_release_0_1_reads_typed_and_hashes_the_same() {
    let events = release_events();
    let kinds: HashSet<EventKind> = events.iter().map(|e| e.kind).collect();
    assert_eq!(kinds.len(), 13, "the fixture holds every kind of event");
    for e in &events {
        let facts = e
            .facts()
            .unwrap_or_else(|err| panic!("event {} ({:?}): {err}", e.seq, e.kind));
        assert_eq!(facts.kind(), e.kind, "event {}", e.seq);
        let again = Event {
            payload: facts.to_value(),
            ..e.clone()
        };
        assert_eq!(again.payload, e.payload, "event {} ({:?})", e.seq, e.kind);
        assert_eq!(
            again.canonical_body(),
            e.canonical_body(),
            "event {}",
            e.seq
        );
        assert_eq!(
            again.compute_hash(),
            e.hash,
            "event {} ({:?})",
            e.seq,
            e.kind
        );
    }
    let report = verify_chain(&events, 1, GENESIS_HASH);
    assert!(report.chain_ok, "{:?}", report.first_broken);
    assert_eq!(report.events, events.len() as u64);
}

#[test]
fn a_payload_of_the_wrong_shape_is_an_error_that_names_its_kind() {
    let mut e = release_events()
        .into_iter()
        .find(|e| e.kind == EventKind::Payout)
        .unwrap();
    e.payload["amount"] = serde_json::json!("một triệu");
    let err = e.facts().unwrap_err();
    assert_eq!(err.kind, "payout");
    assert!(err.to_string().contains("payout"), "{err}");
}
