//! Issue 18, the move to bank accounts, through the real `paypoint` and `paypoint-district`
//! binaries: requests recorded at the counter (and refused when the number or the holder is
//! wrong), the form printed and read back, synced, exported for the bank and read back with a
//! spreadsheet library, confirmed, refused, a person put back on cash for a period; the device
//! refuses cash from the confirmed period, leaves them off the cash sheet, and no output or log
//! carries an account number.
// A test reads as one story: the 100-line limit is for shipped code.
#![allow(clippy::too_many_lines)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::Reader;
use common::*;
use paypoint_testkit::qr;

const NUMBER_1: &str = "1234567890123";
const NUMBER_2: &str = "0987654321";
const NUMBER_3: &str = "5550001112223";

fn run(bin: &Path, db: &Path, args: &[&str]) -> Output {
    paypoint(bin, db, args, &[("PAYPOINT_APPROVER_PIN", PIN)])
}

/// Every output of the story, for the audit at its end.
#[derive(Default)]
struct Said(String);

impl Said {
    fn keep(&mut self, out: &Output) {
        self.0.push_str(&String::from_utf8_lossy(&out.stdout));
        self.0.push_str(&String::from_utf8_lossy(&out.stderr));
    }

    fn ok(&mut self, bin: &Path, db: &Path, args: &[&str]) -> String {
        let out = run(bin, db, args);
        self.keep(&out);
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A refusal: exit 1, its code under `--json`.
    fn refused(&mut self, bin: &Path, db: &Path, args: &[&str]) -> (String, String) {
        let mut with_json = args.to_vec();
        with_json.push("--json");
        let out = run(bin, db, &with_json);
        self.keep(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?} should be refused");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            v["error"]["code"].as_str().unwrap().to_string(),
            v["error"]["message"].as_str().unwrap().to_string(),
        )
    }

    fn hub_ok(&mut self, data: &Path, args: &[&str]) -> String {
        let out = admin(data, args);
        self.keep(&out);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn pdf_text(pdf: &Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

fn publish(data: &Path, roll: &paypoint::roll::Roll) {
    let hub = common::open_hub(data);
    hub.store_roll("QH01", roll, "test").unwrap();
    hub.publish_roll("QH01", roll.period).unwrap();
}

#[test]
fn a_request_is_printed_exported_confirmed_and_its_person_is_no_longer_paid_in_cash() {
    let bin: PathBuf = paypoint_testkit::bins::cli();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub");
    let first = period();
    let roll_of = |p: paypoint::Period| {
        let mut roll = paypoint::demo::roll(p, 6, 7, "QH01");
        for e in &mut roll.entries {
            e.home_delivery = false;
        }
        roll
    };
    let roll = roll_of(first);
    let name = |i: usize| roll.entries[i].name.clone();
    let code = |i: usize| roll.entries[i].code.to_string();
    let mut said = Said::default();
    said.hub_ok(
        &data,
        &["pay-point", "add", "QH01", "--name", "Bưu điện QH01"],
    );
    publish(&data, &roll);
    without_clock_checks(&data);
    let hub = start_hub(&data);
    let db = dir.path().join("so.sqlite");
    for args in [
        &["init", "--pay-point", "QH01", "--name", "Bưu điện QH01"][..],
        &["clerk", "add", "--name", "Trần Thị Mai"][..],
        &["clerk", "add", "--name", "Lê Văn Nam", "--supervisor"][..],
        &["sync", "enrol", &hub.url(), &hub.enrol_code("QH01")][..],
        &["sync"][..],
        &["--clerk", "1", "cash", "advance", "500.000.000"][..],
    ] {
        said.ok(&bin, &db, args);
    }
    let (c0, c1, c2) = (code(0), code(1), code(2));
    let request = |c: &str, number: &str, holder: &str| -> Vec<String> {
        [
            "--clerk", "1", "account", "request", c, "--bank", "970405", "--number", number,
            "--holder", holder,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    };

    // Bad input is refused, says what, and records nothing.
    let folded = paypoint::text::fold(&name(0)).to_uppercase();
    let (c, m) = said.refused(&bin, &db, &strs(&request(&c0, "1234 5678 9012", &folded)));
    assert_eq!(c, "account_not_digits", "{m}");
    let (c, m) = said.refused(&bin, &db, &strs(&request(&c0, "12345", &folded)));
    assert_eq!(c, "account_length", "{m}");
    assert!(m.contains("Agribank gồm 13 chữ số"), "{m}");
    let mut son = request(&c1, NUMBER_2, "NGUYEN VAN KHAC");
    son[6] = "970449".into();
    let (c, m) = said.refused(&bin, &db, &strs(&son));
    assert_eq!(c, "holder_not_beneficiary", "{m}");
    assert!(m.contains("--relationship"), "{m}");
    let listed = said.ok(&bin, &db, &["account", "list", "--json"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&listed).unwrap(),
        serde_json::json!([])
    );

    // The beneficiary's own account, the holder typed without accents, the form printed.
    let form = dir.path().join("de-nghi.pdf");
    let mut args = request(&c0, NUMBER_1, &folded);
    args.extend([
        "--phone".into(),
        "0912 345 678".into(),
        "--pdf".into(),
        form.display().to_string(),
    ]);
    let out = said.ok(&bin, &db, &strs(&args));
    assert!(out.contains("*********0123"), "{out}");
    paypoint_testkit::pictures::keep_png(&form, "account-form");
    let text = pdf_text(&form);
    assert!(
        text.contains("GIẤY ĐỀ NGHỊ NHẬN TRỢ CẤP QUA TÀI KHOẢN"),
        "{text}"
    );
    assert!(
        text.contains(NUMBER_1) && text.contains(&name(0)) && text.contains("Agribank"),
        "{text}"
    );
    let stamp = &qr::qr_codes_of(&form)[0][0];
    assert!(stamp.starts_with("SCT1/A/QH01/"), "{stamp}");
    // A son's account, stated as such; a third request the office will refuse.
    let mut args = son.clone();
    args.extend(["--relationship".into(), "con trai".into()]);
    said.ok(&bin, &db, &strs(&args));
    said.ok(&bin, &db, &strs(&request(&c2, NUMBER_3, &name(2))));
    let listed: serde_json::Value =
        serde_json::from_str(&said.ok(&bin, &db, &["account", "list", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 3);
    assert!(listed.to_string().contains("******4321"));
    said.ok(&bin, &db, &["sync"]);

    // At the hub: listed, exported for the bank (read back), the form's QR checked.
    let pending: serde_json::Value = serde_json::from_str(&said.hub_ok(
        &data,
        &["accounts", "list", "--pay-point", "QH01", "--json"],
    ))
    .unwrap();
    assert_eq!(pending.as_array().unwrap().len(), 3, "{pending}");
    let checked = said.hub_ok(&data, &["check-paper", stamp]);
    assert!(!checked.contains("không có đề nghị"), "{checked}");
    let xlsx = dir.path().join("de-nghi.xlsx");
    said.hub_ok(
        &data,
        &["accounts", "export", "--out", xlsx.to_str().unwrap()],
    );
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    assert_eq!(rows[0][1], "Mã đối tượng");
    assert_eq!(rows[0][6], "Số tài khoản");
    let row = rows.iter().find(|r| r[1] == c1).expect("the son's request");
    assert_eq!(
        (row[4].as_str(), row[6].as_str()),
        ("970449", NUMBER_2),
        "{row:?}"
    );
    assert_eq!(
        (row[7].as_str(), row[8].as_str()),
        ("NGUYEN VAN KHAC", "con trai")
    );
    let csv_file = dir.path().join("de-nghi.csv");
    said.hub_ok(
        &data,
        &["accounts", "export", "--out", csv_file.to_str().unwrap()],
    );
    let csv_text = std::fs::read_to_string(&csv_file).unwrap();
    let mut reader = csv::Reader::from_reader(csv_text.trim_start_matches('\u{feff}').as_bytes());
    let numbers: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[6].to_string())
        .collect();
    assert_eq!(numbers.len(), 3);
    assert!(numbers.contains(&NUMBER_1.to_string()), "{numbers:?}");

    // Decisions: the son's account from this period, the first from the next, the third refused.
    let next = first.next();
    said.hub_ok(
        &data,
        &[
            "accounts",
            "confirm",
            &c1,
            "--pay-point",
            "QH01",
            "--from",
            &first.to_string(),
        ],
    );
    said.hub_ok(
        &data,
        &[
            "accounts",
            "confirm",
            &c0,
            "--pay-point",
            "QH01",
            "--from",
            &next.to_string(),
        ],
    );
    said.hub_ok(
        &data,
        &[
            "accounts",
            "refuse",
            &c2,
            "--pay-point",
            "QH01",
            "--reason",
            "số tài khoản không tồn tại",
        ],
    );
    said.ok(&bin, &db, &["sync"]);
    let listed = said.ok(&bin, &db, &["account", "list"]);
    assert!(
        listed.contains("bị từ chối: số tài khoản không tồn tại"),
        "{listed}"
    );
    assert!(
        listed.contains(&format!("nhận qua tài khoản từ tháng {}", next.mm_yyyy())),
        "{listed}"
    );

    // This period: the son's account person is not paid in cash; the others are.
    let (c, m) = said.refused(&bin, &db, &["pay", &c1, "--clerk", "1"]);
    assert_eq!(c, "by_account", "{m}");
    assert!(m.contains("tài khoản"), "{m}");
    let card: serde_json::Value =
        serde_json::from_str(&said.ok(&bin, &db, &["show", &c1, "--json"])).unwrap();
    assert_eq!(card["payability"]["state"], "by_account", "{card}");
    said.ok(&bin, &db, &["pay", &c0, "--clerk", "1"]);
    said.ok(&bin, &db, &["pay", &c2, "--clerk", "1"]);
    let sheet = dir.path().join("sheet.pdf");
    said.ok(
        &bin,
        &db,
        &["print", "sheet", "--out", sheet.to_str().unwrap()],
    );
    let text = pdf_text(&sheet);
    assert!(!text.contains(&c1) && text.contains(&c0), "{text}");
    assert!(text.contains("1 đối tượng nhận qua tài khoản"), "{text}");
    let status: serde_json::Value =
        serde_json::from_str(&said.ok(&bin, &db, &["status", "--json"])).unwrap();
    assert_eq!(status["by_account"]["by_account_people"], 1, "{status}");

    // The transfer failed: the office puts them back on cash for this period, the device pays.
    said.hub_ok(
        &data,
        &[
            "accounts",
            "to-cash",
            &c1,
            "--pay-point",
            "QH01",
            "--period",
            &first.to_string(),
            "--reason",
            "chuyển khoản bị trả lại",
        ],
    );
    said.ok(&bin, &db, &["sync"]);
    said.ok(&bin, &db, &["pay", &c1, "--clerk", "1"]);

    // The next roll marks both as paid by account; the device pays neither in cash.
    publish(&data, &roll_of(next));
    let doc = hub
        .store()
        .value(
            "SELECT document FROM rolls WHERE period = ?1",
            &[&next.to_string()],
        )
        .unwrap()
        .text();
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let marked: Vec<&str> = doc["body"]["by_account"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    assert_eq!(marked, [c0.as_str(), c1.as_str()]);
    said.ok(&bin, &db, &["sync"]);
    for c in [&c0, &c1] {
        let (code, m) = said.refused(&bin, &db, &["pay", c, "--clerk", "1"]);
        assert_eq!(code, "by_account", "{m}");
    }
    said.ok(&bin, &db, &["pay", &c2, "--clerk", "1"]);
    said.ok(&bin, &db, &["sync"]);
    let page = page(&hub);
    assert!(page.contains("data-testid=account-shares"), "{page}");
    assert!(
        page.contains("33,3%"),
        "two of six people by account: {page}"
    );

    // The hub's settlement of the next period: both paid by account, not carried by the pay point.
    let settled = hub.settlement("QH01", &next.to_string());
    assert_eq!(settled["by_account_people"], 2, "{settled}");
    let n = |k: &str| settled[k].as_i64().unwrap();
    assert_eq!(
        n("carried_amount") + n("stopped_amount") + n("by_account_amount"),
        n("unpaid_amount"),
        "{settled}"
    );

    // No output (the journal included), no hub log, no page carries a whole account number.
    let journal = said.ok(&bin, &db, &["events", "--limit", "1000"]);
    assert!(journal.contains("account_requested"), "{journal}");
    let all = format!("{}{}{page}", said.0, hub.log());
    for n in [NUMBER_1, NUMBER_2, NUMBER_3] {
        assert!(!all.contains(n), "{n} leaked");
    }
}
