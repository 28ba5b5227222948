//! Encryption at rest (issue 7): a stolen ledger file shows nothing, a wrong key is refused
//! clearly, and converting an old plain ledger keeps every event and the hash chain.

mod common;

use std::path::Path;
use std::process::Command;

use common::{cli, setup_ledger, Cli, CLERK_ID, PASSPHRASE, PAY_POINT, PERIOD};
use paypoint::clerk::{Pin, Role};
use paypoint::vault::{self, LedgerKey};
use paypoint::{demo, Ledger, LedgerError, Period};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Every byte the ledger keeps on disk: the file and its WAL.
fn disk_bytes(db: &Path) -> Vec<u8> {
    let mut all = Vec::new();
    for suffix in ["", "-wal", "-shm", ".key"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        if let Ok(b) = std::fs::read(&name) {
            all.extend(b);
        }
    }
    all
}

fn contains(hay: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty() && hay.windows(n.len()).any(|w| w == n)
}

/// What a thief with the file learns: the names and ID numbers the roll holds, searched for in
/// the raw bytes, and what the sqlite3 tool prints.
fn assert_reveals_nothing(db: &Path, people: &[Value]) {
    let bytes = disk_bytes(db);
    assert!(people.len() >= 10);
    for p in people {
        let name = p["name"].as_str().expect("name");
        assert!(
            !contains(&bytes, name),
            "the name {name} is readable on disk"
        );
        if let Some(card) = p["id_card"].as_str() {
            assert!(!contains(&bytes, card), "an ID number is readable on disk");
        }
    }
    assert!(!contains(&bytes, "Bưu điện văn hóa"));
    assert!(!contains(&bytes, "CREATE TABLE"), "the schema is readable");
    let out = Command::new("sqlite3")
        .arg(db)
        .arg("SELECT name FROM beneficiaries")
        .output()
        .expect("sqlite3 is installed (scripts/test installs it)");
    assert!(!out.status.success(), "sqlite3 read the ledger");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("not a database"), "sqlite3 said: {said}");
    assert!(out.stdout.is_empty());
}

fn people(cli: &Cli) -> Vec<Value> {
    cli.roll()
        .into_values()
        .map(|h| {
            let code = h["code"].as_str().unwrap().to_string();
            cli.json(&["show", &code])
        })
        .collect()
}

#[test]
fn an_encrypted_ledger_shows_no_name_or_id_number_to_plain_sqlite3() {
    let f = setup_ledger(20);
    for code in &f.codes[..5] {
        f.cli.json(&["--clerk", "1", "pay", code]);
    }
    let people = people(&f.cli);
    // The card really holds the names we look for.
    assert!(people[0]["name"].as_str().unwrap().contains(' '));
    assert!(vault::is_encrypted(f.db()).unwrap());
    assert_reveals_nothing(f.db(), &people);
}

#[test]
fn a_wrong_passphrase_or_key_is_refused_clearly_and_changes_nothing() {
    let f = setup_ledger(10);
    let before = Sha256::digest(disk_bytes(f.db()));
    let wrong = f.cli.run_env(
        &["--clerk", "1", "pay", &f.codes[0]],
        &[("PAYPOINT_PASSPHRASE", "not-the-passphrase")],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        wrong
            .stderr
            .contains("mật khẩu của người phụ trách không đúng"),
        "{}",
        wrong.stderr
    );
    let none = f.cli.run_env(&["status"], &[("PAYPOINT_PASSPHRASE", "")]);
    assert_eq!(none.status.code(), Some(1));
    assert!(none.stderr.contains("mật khẩu"), "{}", none.stderr);
    assert_eq!(
        before,
        Sha256::digest(disk_bytes(f.db())),
        "a refused open wrote"
    );

    // The core names the two cases: no key at all, and a key that is not this ledger's.
    assert!(matches!(
        Ledger::open(f.db()),
        Err(LedgerError::Encrypted(_))
    ));
    assert!(matches!(
        Ledger::open_encrypted(f.db(), &LedgerKey::generate()),
        Err(LedgerError::WrongKey(_))
    ));
    // And the right passphrase still opens it, with the payout refused nowhere.
    f.cli.json(&["--clerk", "1", "pay", &f.codes[0]]);
}

#[test]
fn encrypting_a_plain_ledger_keeps_every_event_and_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cu.sqlite");
    {
        // A ledger from before encryption, made the way version 0.1 made it.
        let mut ledger = Ledger::init(&db, PAY_POINT, "Bưu điện văn hóa xã Quảng Hưng").unwrap();
        ledger
            .add_clerk("Trần Thị Mai", Role::Clerk, &Pin::new("1234").unwrap())
            .unwrap();
        let period: Period = PERIOD.parse().unwrap();
        ledger
            .load_roll(&demo::roll(period, 30, 7, PAY_POINT), "demo", true)
            .unwrap();
    }
    let cli = cli(&db);
    cli.json(&[
        "--clerk",
        &CLERK_ID.to_string(),
        "cash",
        "advance",
        "500000000",
    ]);
    let codes: Vec<String> = cli.roll().into_keys().collect();
    for code in &codes[..6] {
        cli.json(&["pay", code]);
    }
    let plain = cli.run(&["status"]);
    assert!(
        plain.stderr.contains("chưa được mã hoá"),
        "{}",
        plain.stderr
    );
    let events_before = cli.json(&["events"]);
    let verify_before = cli.verify();
    let status_before = cli.status();
    let people = people(&cli);
    assert!(contains(
        &disk_bytes(&db),
        people[0]["name"].as_str().unwrap()
    ));

    let report = cli.json(&["encrypt"]);
    assert_eq!(report["events"], verify_before["events"]);
    assert_eq!(report["head"], verify_before["head"]);

    assert!(vault::is_encrypted(&db).unwrap());
    assert_eq!(cli.json(&["events"]), events_before, "an event changed");
    let verify_after = cli.verify();
    assert_eq!(verify_after["chain_ok"], true);
    assert_eq!(verify_after["head"], verify_before["head"]);
    assert_eq!(cli.status()["cash_on_hand"], status_before["cash_on_hand"]);
    assert_reveals_nothing(&db, &people);
    // The ledger goes on: a payout after the conversion chains onto the old head.
    cli.json(&["pay", &codes[6]]);
    assert_eq!(cli.verify()["chain_ok"], true);
    // Twice is refused, plainly.
    let again = cli.run(&["encrypt"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(again.stderr.contains("đã được mã hoá"), "{}", again.stderr);
}

#[test]
fn encrypting_is_refused_while_another_program_has_the_ledger_open() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cu.sqlite");
    let ledger = Ledger::init(&db, PAY_POINT, "Điểm chi trả").unwrap();
    let cli = cli(&db);
    let out = cli.run(&["encrypt"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stdout);
    assert!(out.stderr.contains("đang mở sổ"), "{}", out.stderr);
    assert!(!vault::is_encrypted(&db).unwrap());
    assert!(
        !vault::has_key_file(&db),
        "a key file was left for a ledger it does not open"
    );
    drop(ledger);
    cli.json(&["encrypt"]);
    assert!(vault::is_encrypted(&db).unwrap());
}

#[test]
fn the_supervisor_can_change_the_passphrase() {
    let f = setup_ledger(5);
    let out = f.cli.run_env(
        &["passphrase"],
        &[("PAYPOINT_NEW_PASSPHRASE", "mat-khau-moi-2027")],
    );
    assert!(out.ok(), "{}", out.stderr);
    let old = f.cli.run(&["status"]);
    assert_eq!(old.status.code(), Some(1));
    let new = f.cli.run_env(
        &["status", "--json"],
        &[("PAYPOINT_PASSPHRASE", "mat-khau-moi-2027")],
    );
    assert!(new.ok(), "{}", new.stderr);
    assert_ne!(PASSPHRASE, "mat-khau-moi-2027");
}

/// The OS key store for real: a private D-Bus session with GNOME Keyring's Secret Service in
/// it (the same service a Debian/Ubuntu desktop runs), so nothing touches the developer's own.
/// Against `paypoint.exe` under Wine the store is Windows Credential Manager (Wine's, in its
/// prefix), the same test.
#[test]
fn with_an_os_key_store_the_ledger_opens_without_the_passphrase() {
    let dir = tempfile::tempdir().unwrap();
    let wine = paypoint_testkit::bins::under_wine(&common::bin());
    let script = r#"
set -e
if [ -z "$RUN" ]; then
  export HOME="$WORK/home"; mkdir -p "$HOME"
  eval "$(printf 'keyring-unlock' | gnome-keyring-daemon --unlock --components=secrets --replace 2>/dev/null)"
fi
export PAYPOINT_KEYSTORE=os
PAYPOINT_PASSPHRASE=mat-khau-phu-trach $RUN "$BIN" --db "$WORK/so.sqlite" init --pay-point QH01 --name "Bưu điện" >/dev/null
echo "open:"; env -u PAYPOINT_PASSPHRASE $RUN "$BIN" --db "$WORK/so.sqlite" status --json
echo "off:"; env -u PAYPOINT_PASSPHRASE PAYPOINT_KEYSTORE=off $RUN "$BIN" --db "$WORK/so.sqlite" status 2>&1 || echo "refused"
"#;
    let out = Command::new("dbus-run-session")
        .args(["--", "bash", "-c", script])
        .env("WORK", dir.path())
        .env("BIN", common::bin())
        // A Windows paypoint.exe runs under Wine, where the OS key store is Credential Manager;
        // Wine's server is found under TMPDIR=/tmp, as the test kit runs it (bins::command).
        .env("RUN", if wine { "env TMPDIR=/tmp wine" } else { "" })
        .env_remove("PAYPOINT_PASSPHRASE")
        .env_remove("PAYPOINT_DB")
        .output()
        .expect("dbus-run-session is installed (scripts/test installs dbus and gnome-keyring)");
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (open, off) = said.split_once("off:").expect("both steps ran");
    let status: Value = serde_json::from_str(open.trim().trim_start_matches("open:"))
        .unwrap_or_else(|e| panic!("status printed no JSON ({e}): {open}"));
    assert_eq!(status["events"], 1, "{open}");
    assert!(off.contains("refused"), "{off}");
    assert!(off.contains("mật khẩu"), "{off}");
}

#[test]
fn an_interrupted_encryption_goes_on_with_the_same_key() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cu.sqlite");
    drop(Ledger::init(&db, PAY_POINT, "Điểm chi trả").unwrap());
    // What a crash between writing the key file and swapping the ledger leaves behind.
    let pass = vault::Passphrase::new(PASSPHRASE).unwrap();
    let (key, _) = vault::create(&db, &pass, vault::KeyStore::Off, false).unwrap();
    assert!(!vault::is_encrypted(&db).unwrap());
    let cli = cli(&db);
    let wrong = cli.run_env(
        &["encrypt"],
        &[("PAYPOINT_PASSPHRASE", "another-passphrase")],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        vault::has_key_file(&db),
        "the key file of the first attempt was removed"
    );
    cli.json(&["encrypt"]);
    assert!(Ledger::open_encrypted(&db, &key).is_ok());
}
