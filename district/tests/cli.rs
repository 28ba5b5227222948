//! The `paypoint sync` commands of the real CLI against the real hub: enrol, a full round,
//! status, and a clear refusal before enrolment. The `paypoint` binary is the one cargo built next
//! to `paypoint-district` (`cargo test --workspace`, or after `cargo build -p paypoint`).

mod common;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use common::*;

fn paypoint_bin() -> Option<PathBuf> {
    let p = std::path::Path::new(hub_bin())
        .with_file_name(format!("paypoint{}", std::env::consts::EXE_SUFFIX));
    p.exists().then_some(p)
}

fn run(bin: &PathBuf, db: &std::path::Path, args: &[&str]) -> Output {
    Command::new(bin)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("PAYPOINT_PIN", PIN)
        // The ledger is encrypted; never the developer's own OS key store.
        .env("PAYPOINT_PASSPHRASE", "mat-khau-kiem-thu")
        .env("PAYPOINT_KEYSTORE", "off")
        .env_remove("PAYPOINT_DB")
        .env_remove("PAYPOINT_CLERK")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json(bin: &PathBuf, db: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let out = run(bin, db, args);
    assert!(
        out.status.success(),
        "paypoint {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn sync_enrol_round_and_status_from_the_command_line() {
    let Some(bin) = paypoint_bin() else {
        eprintln!("skipped: build the `paypoint` binary first (cargo build -p paypoint)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 12);
    let db = dir.path().join("so.sqlite");
    let ok = |args: &[&str]| {
        let out = run(&bin, &db, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    ok(&["init", "--pay-point", "QH01", "--name", "Bưu điện QH01"]);
    ok(&["clerk", "add", "--name", "Trần Thị Mai"]);
    // Before enrolment: refused with the command to run.
    let out = run(&bin, &db, &["sync"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("sync enrol"));
    // A wrong code is refused by the hub with its reason.
    let out = run(&bin, &db, &["sync", "enrol", &hub.url(), "WRONGCODE"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mã đăng ký không đúng"));
    let code = hub.enrol_code("QH01");
    let e = json(&bin, &db, &["sync", "enrol", &hub.url(), &code, "--json"]);
    assert_eq!(e["pay_point"], "QH01");
    let r = json(&bin, &db, &["sync", "--json"]);
    assert_eq!(r["rolls"][0]["outcome"], "loaded");
    ok(&["--clerk", "1", "cash", "advance", "100.000.000"]);
    for i in 1..=4 {
        ok(&["pay", &code_of(i), "--clerk", "1"]);
    }
    let before = json(&bin, &db, &["sync", "status", "--json"]);
    assert_eq!(before["pending"], 5, "an advance and four payouts wait");
    let r = json(&bin, &db, &["sync", "--json"]);
    assert_eq!(r["status"]["pending"], 0);
    assert_eq!(r["events_acknowledged"], 5);
    let st = json(&bin, &db, &["sync", "status", "--json"]);
    assert_eq!(st["acknowledged"], st["events"]);
    assert_eq!(st["flagged"], 0);
    assert!(st["last_receipt"]["signature"].as_str().unwrap().len() == 128);
    let paid = json(&bin, &db, &["status", "--json"])["paid_amount"].clone();
    assert_eq!(hub.settlement("QH01")["paid_amount"], paid, "totals equal");
    // The secret key is never printed.
    let pass = paypoint::vault::Passphrase::new("mat-khau-kiem-thu").unwrap();
    let (ledger_key, _) =
        paypoint::vault::unlock(&db, Some(&pass), paypoint::vault::KeyStore::Off).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "PRAGMA key = \"{}\";",
        *ledger_key.sqlcipher_key()
    ))
    .unwrap();
    let key: String = conn
        .query_row("SELECT secret_key FROM sync_device_key", [], |r| r.get(0))
        .unwrap();
    drop(conn);
    for args in [&["sync", "status", "--json"][..], &["sync", "--json"][..]] {
        let out = run(&bin, &db, args);
        assert!(!String::from_utf8_lossy(&out.stdout).contains(&key));
        assert!(!String::from_utf8_lossy(&out.stderr).contains(&key));
    }
    // An https:// URL is accepted as such (here nothing listens there: a network error).
    let db2 = dir.path().join("so2.sqlite");
    let out = run(&bin, &db2, &["init", "--pay-point", "QH01", "--name", "B"]);
    assert!(out.status.success());
    let out = run(
        &bin,
        &db2,
        &[
            "sync",
            "--attempts",
            "1",
            "enrol",
            "https://127.0.0.1:9/",
            "X",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("không kết nối được"), "{err}");
}

fn code_of(i: usize) -> String {
    code("QH01", i)
}

/// Issue 12: once a device is enrolled, its roll comes only from the hub. A roll file of the pay
/// point's own, adding one person or raising one amount and still adding up, is refused by
/// `paypoint roll import` (dry run or not) with a message that says where the roll comes from,
/// and nothing is written; the roll in force is the hub's, signed.
#[test]
fn an_enrolled_device_refuses_a_roll_file_of_its_own() {
    let Some(bin) = paypoint_bin() else {
        eprintln!("skipped: build the `paypoint` binary first (cargo build -p paypoint)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 12);
    let db = dir.path().join("so.sqlite");
    for args in [
        &["init", "--pay-point", "QH01", "--name", "Bưu điện QH01"][..],
        &["clerk", "add", "--name", "Trần Thị Mai"][..],
        &["sync", "enrol", &hub.url(), &hub.enrol_code("QH01")][..],
        &["sync"][..],
    ] {
        let out = run(&bin, &db, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let versions = json(&bin, &db, &["roll", "versions", "--json"]);
    assert_eq!(versions[0]["origin"], "hub", "{versions}");
    assert_eq!(json(&bin, &db, &["status", "--json"])["roll_origin"], "hub");

    // The hub's own roll, with one person added, or one amount raised: both still add up.
    let hub_roll = paypoint::demo::roll(period(), 12, 7, "QH01");
    let mut extra = hub_roll.clone();
    let mut ghost = extra.entries[0].clone();
    ghost.code = paypoint::roll::BeneficiaryCode::new("QH01-009999").unwrap();
    ghost.name = "Người Không Có Thật".into();
    extra.entries.push(ghost);
    let mut raised = hub_roll.clone();
    raised.entries[1].lines[0].amount = raised.entries[1].lines[0]
        .amount
        .checked_add(paypoint::Dong::new(1_000_000).unwrap())
        .unwrap();
    let events_before = json(&bin, &db, &["status", "--json"])["events"].clone();
    for (name, roll) in [("them-nguoi.csv", &extra), ("tang-tien.csv", &raised)] {
        let file = dir.path().join(name);
        rollfile::write_csv(roll, &rollfile::Shape::standard(roll), &file, b',', true);
        for dry in [true, false] {
            let mut args = vec!["roll", "import", file.to_str().unwrap(), "--period", PERIOD];
            if dry {
                args.push("--dry-run");
            }
            let out = run(&bin, &db, &args);
            assert_eq!(out.status.code(), Some(1), "{name} dry={dry}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                err.contains("chỉ nhận từ máy chủ") && err.contains("paypoint sync"),
                "{name}: {err}"
            );
        }
    }
    let after = json(&bin, &db, &["status", "--json"]);
    assert_eq!(after["events"], events_before, "nothing was written");
    assert_eq!(after["beneficiaries"], 12);
}
