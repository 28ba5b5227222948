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
