//! A whole ledger file written by release 0.1 still opens and verifies with this build's
//! `paypoint`, and its journal reads back event for event (the fixtures in the root
//! `tests/fixtures/`, written by release 0.1's own binary; the typed payloads of each event are
//! tested in the core's `tests/event_payloads.rs`).

mod common;

use std::path::{Path, PathBuf};

use paypoint::event::Event;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

#[test]
fn a_ledger_written_by_release_0_1_opens_and_verifies() {
    let fixture = fixtures().join("ledger-release-0.1");
    let d = tempfile::tempdir().unwrap();
    for f in ["so.sqlite", "so.sqlite.key"] {
        std::fs::copy(fixture.join(f), d.path().join(f)).unwrap();
    }
    let cli = common::cli(d.path().join("so.sqlite"));
    let env = [("PAYPOINT_PASSPHRASE", "golden-passphrase-1")];
    let out = cli.run_env(&["verify"], &env);
    assert!(out.status.success(), "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("17 sự kiện"), "{}", out.stdout);
    let out = cli.run_env(&["events", "--json"], &env);
    assert!(out.status.success(), "{}", out.stderr);
    let events: Vec<Event> = serde_json::from_str(&out.stdout).unwrap();
    let release: Vec<Event> =
        serde_json::from_slice(&std::fs::read(fixtures().join("events-release-0.1.json")).unwrap())
            .unwrap();
    assert_eq!(events, release);
}
