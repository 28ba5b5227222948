//! Moving a hub and keeping it safe (issue 19): `store copy --to postgres://…` copies a SQLite
//! hub with its devices' chains into PostgreSQL, checks the copy, and the devices carry on against
//! the moved hub as if nothing happened; a second copy into the same database is refused;
//! `store backup` makes a consistent copy of the SQLite file while the hub runs.

mod common;

use std::process::{Command, Output};

use common::*;
use paypoint_testkit::store::{fresh_database, place_in_database, PgServer, TEST_SEAL_KEY};

/// `paypoint-district --data DATA ARGS…` with the test seal key.
fn district(data: &std::path::Path, args: &[&str]) -> Output {
    Command::new(hub_bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("PAYPOINT_DISTRICT_DATABASE")
        .env("PAYPOINT_DISTRICT_SEAL_KEY", TEST_SEAL_KEY)
        .output()
        .unwrap()
}

#[test]
fn a_sqlite_hub_copied_into_postgres_serves_its_devices_on_with_nothing_lost_or_doubled() {
    if paypoint_testkit::store_is_postgres() {
        eprintln!("the copy's source is a SQLite hub: this test runs in the SQLite pass");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub_with_roll(dir.path(), &["QH01"], 30);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    dev.pay_first("QH01", 12);
    dev.sync().unwrap();
    let key = hub.admin_ok(&["key"]);
    let before = hub.settlement("QH01", PERIOD);

    let server = PgServer::for_test();
    let name = format!("copy_{}", uuid::Uuid::now_v7().simple());
    let url = fresh_database(&server.url, &name);
    let copied = district(&hub.data, &["store", "copy", "--to", &url]);
    let said = String::from_utf8_lossy(&copied.stdout);
    assert!(
        copied.status.success(),
        "{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    let events = format!("events: {} dòng", dev.events().len());
    assert!(said.contains(&events), "{said}");
    assert!(said.contains("1 thiết bị"), "{said}");
    let again = district(&hub.data, &["store", "copy", "--to", &url]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("đã có dữ liệu"));

    // The office moves: the old process stops, the PostgreSQL one answers at the same address.
    let addr = hub.addr;
    hub.kill();
    let moved = dir.path().join("moved");
    place_in_database(&moved, &url);
    let hub = start_hub_on(&moved, addr);
    assert_eq!(hub.admin_ok(&["key"]), key, "the same signing key");
    assert_eq!(
        hub.settlement("QH01", PERIOD),
        before,
        "the same settlement"
    );
    for i in 13..=20 {
        dev.pay(&code("QH01", i));
    }
    dev.sync().unwrap();
    assert_converged(&hub, &[&dev], "QH01");
}

#[test]
fn a_backup_taken_while_the_hub_runs_opens_with_every_event() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 10);
    if paypoint_testkit::store_is_postgres() {
        let out = hub.admin(&["store", "backup", "--out", "x.sqlite"]);
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        return;
    }
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    dev.pay_first("QH01", 5);
    dev.sync().unwrap();
    let file = dir.path().join("backup.sqlite");
    hub.admin_ok(&["store", "backup", "--out", file.to_str().unwrap()]);
    let events: i64 = rusqlite::Connection::open(&file)
        .unwrap()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(events as usize, dev.events().len());
    let twice = hub.admin(&["store", "backup", "--out", file.to_str().unwrap()]);
    assert!(
        !twice.status.success(),
        "an existing file is never overwritten"
    );
}
