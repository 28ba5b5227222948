//! The `paypoint sync` commands of the real CLI against the real hub: enrol, a full round,
//! status, and a clear refusal before enrolment. The `paypoint` binary is built by the test kit
//! (`cargo build -p paypoint-cli`, a no-op when it is fresh) when this suite runs alone.
// A test or bench reads as one story: the 100-line limit is for shipped code.
#![allow(clippy::too_many_lines)]

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::*;
use paypoint_testkit::qr;

fn paypoint_bin() -> PathBuf {
    paypoint_testkit::bins::cli()
}

fn run(bin: &std::path::Path, db: &std::path::Path, args: &[&str]) -> Output {
    run_with(bin, db, args, &[])
}

fn run_with(
    bin: &std::path::Path,
    db: &std::path::Path,
    args: &[&str],
    env: &[(&str, &str)],
) -> Output {
    paypoint(bin, db, args, env)
}

fn json(bin: &std::path::Path, db: &std::path::Path, args: &[&str]) -> serde_json::Value {
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
    let bin = paypoint_bin();
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
    assert_eq!(
        hub.settlement("QH01", PERIOD)["paid_amount"],
        paid,
        "totals equal"
    );
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

/// Runs `paypoint` (the supervisor's PIN at hand for approvals), asserts it succeeded, and
/// returns what it printed.
fn ok_as_clerk(bin: &std::path::Path, db: &std::path::Path, args: &[&str]) -> String {
    let out = run_with(bin, db, args, &[("PAYPOINT_APPROVER_PIN", PIN)]);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A new ledger for QH01 with a clerk (1) and a supervisor (2), enrolled with `hub` and synced.
fn enrol_clerk_and_supervisor(bin: &std::path::Path, db: &std::path::Path, hub: &HubProc) {
    for args in [
        &["init", "--pay-point", "QH01", "--name", "Bưu điện QH01"][..],
        &["clerk", "add", "--name", "Trần Thị Mai"][..],
        &["clerk", "add", "--name", "Lê Văn Nam", "--supervisor"][..],
        &["sync", "enrol", &hub.url(), &hub.enrol_code("QH01")][..],
        &["sync"][..],
    ] {
        ok_as_clerk(bin, db, args);
    }
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
    let bin = paypoint_bin();
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

/// Issue 12, proof of life: a person paid only through their proxy for three periods in a row is
/// put "to be confirmed" by the hub; the pay point still pays them, but only with a supervisor's
/// PIN and a note; the office's `confirm` lifts the hold at the next sync. A neighbour paid at the
/// counter every month is never held. Real `paypoint` binary, real hub on loopback.
#[test]
fn a_person_never_seen_at_the_counter_is_held_until_the_office_confirms() {
    let bin = paypoint_bin();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub");
    let proxy = paypoint::roll::Proxy {
        name: "Nguyễn Văn Con".into(),
        id_card: "044090005678".into(),
        relationship: "con trai".into(),
        valid_until: chrono::NaiveDate::from_ymd_opt(2030, 12, 31).unwrap(),
    };
    let first = period();
    let roll_of = |p: paypoint::Period| {
        let mut roll = paypoint::demo::roll(p, 6, 7, "QH01");
        roll.entries[0].proxy = Some(proxy.clone());
        roll.entries[0].home_delivery = false;
        roll.entries[1].home_delivery = false;
        roll
    };
    let publish = |p: paypoint::Period| {
        let hub = common::open_hub(&data);
        hub.store_roll("QH01", &roll_of(p), "test").unwrap();
        hub.publish_roll("QH01", p).unwrap();
    };
    assert!(admin(
        &data,
        &["pay-point", "add", "QH01", "--name", "Bưu điện QH01"]
    )
    .status
    .success());
    publish(first);
    without_clock_checks(&data);
    let hub = start_hub(&data);
    let db = dir.path().join("so.sqlite");
    let ok = |args: &[&str]| ok_as_clerk(&bin, &db, args);
    enrol_clerk_and_supervisor(&bin, &db, &hub);
    ok(&["--clerk", "1", "cash", "advance", "500.000.000"]);
    let (held, neighbour) = (code_of(1), code_of(2));
    let by_proxy = [
        "pay",
        held.as_str(),
        "--clerk",
        "1",
        "--proxy-name",
        "Nguyễn Văn Con",
        "--proxy-id",
        "044090005678",
    ];
    let mut p = first;
    for month in 0..3 {
        if month > 0 {
            p = p.next();
            publish(p);
            ok(&["sync"]);
        }
        assert!(!ok(&["show", &held]).contains("Chờ xác minh"), "{p}");
        ok(&by_proxy);
        ok(&["pay", &neighbour, "--clerk", "1"]);
        ok(&["sync"]);
    }
    // The hold the third month's push raised is on the device after that same sync: its receipt
    // said there was a new amendment, so the device pulled again (issue 21 skips that pull only
    // when there is nothing new).
    assert!(ok(&["show", &held]).contains("Chờ xác minh"));
    // The third period unseen: held at the hub, and on the device at the same sync.
    let listed = hub.admin_ok(&["to-confirm", "--pay-point", "QH01"]);
    assert!(
        listed.contains(&held) && !listed.contains(&neighbour),
        "{listed}"
    );
    let page = reqwest::blocking::get(hub.url()).unwrap().text().unwrap();
    assert!(
        page.contains("Chờ xác minh") && page.contains(&held),
        "{page}"
    );
    let p4 = p.next();
    publish(p4);
    ok(&["sync"]);
    let card = ok(&["show", &held]);
    assert!(card.contains("Chờ xác minh: 3 kỳ liền"), "{card}");
    assert!(!ok(&["show", &neighbour]).contains("Chờ xác minh"));

    // Never refused outright: without a supervisor it asks for one, and nothing is written.
    let before = json(&bin, &db, &["status", "--json"]);
    let out = run(&bin, &db, &by_proxy);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("chờ xác minh") && err.contains("giám sát viên"),
        "{err}"
    );
    assert_eq!(
        json(&bin, &db, &["status", "--json"])["events"],
        before["events"]
    );
    // The paying clerk cannot approve their own payout.
    let mut own = by_proxy.to_vec();
    own.extend(["--approver", "1", "--approval-note", "đã gặp"]);
    assert_eq!(run(&bin, &db, &own).status.code(), Some(1));
    // A supervisor, with a note: paid.
    let mut approved = by_proxy.to_vec();
    approved.extend([
        "--approver",
        "2",
        "--approval-note",
        "Đã gặp cụ tại nhà, xem CCCD",
    ]);
    ok(&approved);
    ok(&["sync"]);
    let stored = hub
        .store()
        .value(
            "SELECT payload FROM events WHERE kind = 'payout' ORDER BY seq DESC LIMIT 1",
            &[],
        )
        .unwrap()
        .text();
    assert!(
        stored.contains("Đã gặp cụ tại nhà"),
        "the hub sees who approved and why"
    );

    // The commune confirms: lifted at the next sync; listed as confirmed.
    let out = hub.admin(&["confirm", &held, "--pay-point", "QH01", "--note", ""]);
    assert!(!out.status.success(), "a confirmation needs a note");
    hub.admin_ok(&[
        "confirm",
        &held,
        "--pay-point",
        "QH01",
        "--note",
        "UBND xã gặp cụ ngày 12/11",
    ]);
    assert!(hub
        .admin_ok(&["to-confirm"])
        .contains("Không có ai chờ xác minh"));
    assert!(hub
        .admin_ok(&["to-confirm", "--all"])
        .contains("đã xác minh"));
    ok(&["sync"]);
    assert!(!ok(&["show", &held]).contains("Chờ xác minh"));
    let journal = json(&bin, &db, &["status", "--json"]);
    assert!(journal["events"].as_u64() > before["events"].as_u64());
}

/// Issue 12, paper that proves itself: the QR code of a printed signature sheet page and of a
/// receipt, read from the PDF as a scanner would, is checked by `paypoint-district check-paper`
/// and agrees; a page printed with a raised amount or a person the office never published, or a
/// receipt of a reversed payout, is named as not matching, with the code.
#[test]
fn a_printed_page_is_checked_by_the_hub_and_an_edited_one_is_named() {
    let bin = paypoint_bin();
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 12);
    let db = dir.path().join("so.sqlite");
    let ok = |args: &[&str]| ok_as_clerk(&bin, &db, args);
    enrol_clerk_and_supervisor(&bin, &db, &hub);
    ok(&["--clerk", "1", "cash", "advance", "100.000.000"]);
    let (a, b) = (code_of(1), code_of(2));
    let paid_a = json(&bin, &db, &["--clerk", "1", "pay", &a, "--json"]);
    let paid_b = json(&bin, &db, &["--clerk", "1", "pay", &b, "--json"]);
    ok(&[
        "--clerk",
        "1",
        "reverse",
        paid_b["payout_id"].as_str().unwrap(),
        "--reason",
        "chi nhầm",
        "--approver",
        "2",
    ]);
    let sheet = dir.path().join("sheet.pdf");
    let receipt = dir.path().join("receipt.pdf");
    ok(&["print", "sheet", "--out", sheet.to_str().unwrap()]);
    ok(&[
        "print",
        "receipt",
        "--code",
        &a,
        "--out",
        receipt.to_str().unwrap(),
    ]);
    ok(&["sync"]);

    let check = |text: &str| {
        let out = hub.admin(&["check-paper", text]);
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let page1 = &qr::qr_codes_of(&sheet)[0][0];
    let (agrees, said) = check(page1);
    assert!(agrees, "{said}");
    assert!(
        said.contains("Khớp") && said.contains("sau sự kiện số"),
        "{said}"
    );
    let receipt_qr = &qr::qr_codes_of(&receipt)[0][0];
    let (agrees, said) = check(receipt_qr);
    assert!(agrees, "{said}");
    let doc = paypoint::paper::PaperStamp::parse(receipt_qr)
        .unwrap()
        .document;
    assert_eq!(
        doc,
        paid_a["payout_id"]
            .as_str()
            .unwrap()
            .replace('-', "")
            .to_ascii_uppercase()
    );

    // A page reprinted with one amount raised (and its total with it): the code is named.
    let mut stamp = paypoint::paper::PaperStamp::parse(page1).unwrap();
    let raised = stamp.lines[0]
        .1
        .checked_add(paypoint::Dong::new(1_000_000).unwrap())
        .unwrap();
    stamp.lines[0].1 = raised;
    stamp.total = stamp
        .total
        .checked_add(paypoint::Dong::new(1_000_000).unwrap())
        .unwrap();
    let (agrees, said) = check(&stamp.encode());
    assert!(!agrees);
    assert!(
        said.contains(&format!("KHÔNG KHỚP: {a}: trang ghi {raised} đ")),
        "{said}"
    );
    // A person the office never published, and a total written over.
    let mut ghost = paypoint::paper::PaperStamp::parse(page1).unwrap();
    ghost.lines.push((
        "QH01-009999".into(),
        paypoint::Dong::new(2_337_000).unwrap(),
    ));
    let (agrees, said) = check(&ghost.encode());
    assert!(!agrees);
    assert!(
        said.contains("QH01-009999 không có trong danh sách"),
        "{said}"
    );
    assert!(said.contains("tổng trang ghi"), "{said}");
    // The receipt of a reversed payout, and one of a payout the hub never received.
    let mut reversed = paypoint::paper::PaperStamp::parse(receipt_qr).unwrap();
    reversed.document = paid_b["payout_id"]
        .as_str()
        .unwrap()
        .replace('-', "")
        .to_ascii_uppercase();
    reversed.lines = vec![(
        b.clone(),
        paypoint::Dong::new(paid_b["amount"].as_i64().unwrap()).unwrap(),
    )];
    reversed.total = reversed.lines[0].1;
    let (agrees, said) = check(&reversed.encode());
    assert!(!agrees && said.contains("đã bị hủy"), "{said}");
    let mut fake = paypoint::paper::PaperStamp::parse(receipt_qr).unwrap();
    fake.document = uuid::Uuid::now_v7()
        .simple()
        .to_string()
        .to_ascii_uppercase();
    let (agrees, said) = check(&fake.encode());
    assert!(!agrees && said.contains("không có lần chi trả"), "{said}");
    // Text that is no stamp at all: a clear refusal.
    let out = hub.admin(&["check-paper", "hello"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("mã QR không phải của Sổ chi trả"));
}

#[test]
fn a_pool_size_out_of_range_is_refused_before_anything_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub");
    for bad in ["0", "65", "nhiều"] {
        let out = std::process::Command::new(hub_bin())
            .args(["--data"])
            .arg(&data)
            .args(["--pg-pool", bad, "key"])
            .output()
            .unwrap();
        assert!(!out.status.success(), "--pg-pool {bad} is refused");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(
            said.contains("--pg-pool"),
            "the error names the option: {said}"
        );
        assert!(!data.exists(), "nothing is created on a refused command");
    }
}
