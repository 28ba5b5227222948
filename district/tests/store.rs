//! Moving a hub and keeping it safe (issue 19): `store copy --to postgres://…` copies a SQLite
//! hub with its devices' chains into PostgreSQL, checks the copy, and the devices carry on against
//! the moved hub as if nothing happened; a second copy into the same database is refused;
//! `store backup` makes a consistent copy of the SQLite file while the hub runs; and a batch's rows
//! are written together the same way on either engine.

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

/// A connection to a new store of the run's engine (SQLite in `dir`, or a database of its own on
/// the PostgreSQL test server).
fn store_connection(dir: &std::path::Path) -> district::db::Connection {
    match paypoint_testkit::store::database_url_for(dir) {
        Some(url) => district::db::Connection::postgres(&url).unwrap(),
        None => district::db::Connection::sqlite(
            rusqlite::Connection::open(dir.join("rows.sqlite")).unwrap(),
        )
        .unwrap(),
    }
}

/// A batch's rows go in one statement (issue 19): text, integers, booleans and empty values land
/// as they were given, in order; a row whose key is there already is left out when the caller
/// says so (a batch sent again), and otherwise fails the call.
#[test]
fn rows_written_together_land_whole_and_a_row_already_there_is_skipped_or_refuses_all() {
    use district::db::{Existing, Value};
    let dir = tempfile::tempdir().unwrap();
    let db = store_connection(dir.path());
    db.execute_batch(
        "CREATE TABLE t (id TEXT PRIMARY KEY, n BIGINT NOT NULL, at_home BOOLEAN, note TEXT)",
    )
    .unwrap();
    let row = |id: &str, n: i64, home: Option<i64>, note: Option<&str>| {
        vec![
            Value::Text(id.into()),
            Value::Integer(n),
            home.map_or(Value::Null, Value::Integer),
            note.map_or(Value::Null, |s| Value::Text(s.into())),
        ]
    };
    let into = "t (id, n, at_home, note)";
    let first: Vec<Value> = [
        row("a", 1, Some(1), Some("một")),
        row("b", -2, Some(0), None),
        row("c", 3, None, Some("it's")),
    ]
    .concat();
    assert_eq!(
        db.insert_rows(into, 4, first, Existing::Skipped).unwrap(),
        3
    );
    let again: Vec<Value> = [row("b", 9, None, None), row("d", 4, Some(1), None)].concat();
    assert_eq!(
        db.insert_rows(into, 4, again.clone(), Existing::Skipped)
            .unwrap(),
        1
    );
    assert!(db.insert_rows(into, 4, again, Existing::Refused).is_err());
    assert_eq!(
        db.insert_rows(into, 4, Vec::new(), Existing::Refused)
            .unwrap(),
        0
    );
    assert!(
        db.insert_rows(into, 4, vec![Value::Integer(1)], Existing::Skipped)
            .is_err(),
        "a short row is refused, not padded"
    );
    let read: Vec<(String, i64, Option<bool>, Option<String>)> = db
        .prepare("SELECT id, n, at_home, note FROM t ORDER BY id")
        .unwrap()
        .query_map([] as [&dyn district::db::ToValue; 0], |r| {
            let home: Option<i64> = r.get(2)?;
            Ok((r.get(0)?, r.get(1)?, home.map(|h| h != 0), r.get(3)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let want =
        |id: &str, n, home, note: Option<&str>| (id.to_string(), n, home, note.map(str::to_string));
    assert_eq!(
        read,
        [
            want("a", 1, Some(true), Some("một")),
            want("b", -2, Some(false), None),
            want("c", 3, None, Some("it's")),
            want("d", 4, Some(true), None),
        ]
    );
    let held = db.held("t", "id", &["d", "x", "a"]).unwrap();
    assert_eq!(held, ["a", "d"].map(String::from).into_iter().collect());
}

/// A batch's people go to the store as one list parameter (issue 19): `code IN rarray(?N)` reads
/// the rows of exactly those texts on both engines (SQLite's array table, PostgreSQL's `= ANY`),
/// beside other parameters, whatever the texts hold; an empty list matches nothing.
#[test]
fn a_list_parameter_matches_exactly_the_rows_of_its_texts() {
    use district::db::params;
    let dir = tempfile::tempdir().unwrap();
    let db = store_connection(dir.path());
    db.execute_batch(
        "CREATE TABLE p (pay_point TEXT NOT NULL, code TEXT NOT NULL, n BIGINT NOT NULL);
         INSERT INTO p VALUES ('QH01', 'A', 1), ('QH01', 'B', 2), ('QH01', 'it''s', 3),
                              ('QH02', 'A', 4), ('QH01', 'C', 5);",
    )
    .unwrap();
    let read = |codes: Vec<String>| -> Vec<i64> {
        db.prepare("SELECT n FROM p WHERE pay_point = ?1 AND code IN rarray(?2) ORDER BY n")
            .unwrap()
            .query_map(params!["QH01", codes], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let list = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(read(list(&["A", "it's", "Z"])), vec![1, 3]);
    assert_eq!(read(list(&["C", "B"])), vec![2, 5]);
    assert_eq!(read(Vec::new()), Vec::<i64>::new());
}
