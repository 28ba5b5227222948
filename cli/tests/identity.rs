//! Identity at the counter through the command line (issue 16): the citizen ID card's QR code read
//! and found on the roll (`paypoint id parse`), and how identity was checked recorded with each
//! payout (`pay --id-qr`, `--id-manual`, `--id-none`): a card that differs needs a note, another
//! person's card also a supervisor, and only the method, the last four digits and the fields that
//! differed are kept.

mod common;

use std::process::Command;

use common::*;
use serde_json::Value;

/// The QR text a card of this person would carry (the roll has the year of birth only: 1 January).
fn qr_of(card: &Value, name: &str) -> String {
    format!(
        "{}||{}|0101{}|{}|Thôn Đông, xã Quảng Hưng, Quảng Trị|01012021",
        card["id_card"]
            .as_str()
            .expect("the demo roll has ID numbers"),
        name,
        card["birth_year"],
        if card["sex"] == "F" { "Nữ" } else { "Nam" },
    )
}

fn last_payout(cli: &Cli) -> Value {
    let events = cli.events();
    events_of(&events, "payout")
        .last()
        .map(|e| e["payload"].clone())
        .expect("a payout")
}

fn refused(out: &CliOutput, code: &str) {
    assert!(!out.ok(), "refused: {}", out.stdout);
    let e = first_json(&out.stdout).expect("the error as JSON");
    assert_eq!(e["error"]["code"], code, "{e}");
}

#[test]
fn a_scanned_card_is_found_on_the_roll_by_its_number_or_said_not_to_be_there() {
    let fx = setup_ledger(20);
    let cli = &fx.cli;
    let code = &fx.codes[0];
    let card = cli.json(&["show", code]);
    let name = card["name"].as_str().unwrap().to_string();
    let scan = cli.json(&["id", "parse", &qr_of(&card, &name)]);
    assert_eq!(scan["card"]["name"], name.as_str());
    assert_eq!(scan["holders"].as_array().unwrap().len(), 1, "{scan}");
    assert_eq!(scan["holders"][0]["code"], code.as_str());
    assert_eq!(scan["holders"][0]["as_proxy"], false);
    assert_eq!(scan["holders"][0]["differed"], serde_json::json!([]));
    // Written without accents and in capitals, as some rolls are: still the same person.
    let plain = paypoint::text::fold(&name).to_uppercase();
    let scan = cli.json(&["id", "parse", &qr_of(&card, &plain)]);
    assert_eq!(scan["holders"][0]["differed"], serde_json::json!([]));
    // Another name on the card: said in words, before any payout.
    let other = cli.run(&["id", "parse", &qr_of(&card, "Phạm Văn Tư")]);
    assert!(other.ok(), "{}", other.stderr);
    assert!(
        other.stdout.contains("thẻ khác danh sách ở: họ tên"),
        "{}",
        other.stdout
    );
    // Nobody on the roll has this number.
    let stranger = cli.run(&[
        "id",
        "parse",
        "001099000001||Ai Đó|01011950|Nam|Xã A|01012021",
    ]);
    assert!(stranger.ok(), "{}", stranger.stderr);
    assert!(
        stranger.stdout.contains("Không có trong danh sách"),
        "{}",
        stranger.stdout
    );
    // Not a card: the field is named, exit 1.
    let bad = cli.run(&[
        "id",
        "parse",
        "0010990|Ai Đó|01011950|Nam|Xã A|01012021",
        "--json",
    ]);
    refused(&bad, "qr_bad_id_number");
}

#[test]
fn each_payout_records_how_identity_was_checked_and_nothing_of_the_card_besides() {
    let fx = setup_ledger(20);
    let cli = &fx.cli;
    let card = |i: usize| cli.json(&["show", &fx.codes[i]]);
    let pay = |i: usize, extra: &[&str]| {
        let mut a = vec!["pay", fx.codes[i].as_str(), "--clerk", "1", "--json"];
        a.extend_from_slice(extra);
        cli.run(&a)
    };

    // Scanned and matched.
    let c0 = card(0);
    let qr = qr_of(&c0, c0["name"].as_str().unwrap());
    assert!(pay(0, &["--id-qr", &qr]).ok());
    let p = last_payout(cli);
    let id = c0["id_card"].as_str().unwrap();
    assert_eq!(p["id_check"]["method"], "qr");
    assert_eq!(p["id_check"]["last4"], &id[id.len() - 4..]);
    let text = p.to_string();
    assert!(
        !text.contains("Thôn Đông, xã Quảng Hưng") && !text.contains(id),
        "{text}"
    );

    // Another name on the card: refused without a note, nothing recorded; paid with one.
    let c1 = card(1);
    let wrong = qr_of(&c1, "Phạm Văn Tư");
    let before = cli.events().len();
    refused(&pay(1, &["--id-qr", &wrong]), "id_mismatch_needs_note");
    assert_eq!(cli.events().len(), before, "a refusal changes nothing");
    assert!(pay(
        1,
        &[
            "--id-qr",
            &wrong,
            "--id-note",
            "tên khai sinh khác tên thường gọi"
        ]
    )
    .ok());
    let p = last_payout(cli);
    assert_eq!(p["id_check"]["method"], "qr_mismatch");
    assert_eq!(p["id_check"]["differed"], serde_json::json!(["name"]));

    // Another person's card: a note is not enough, a supervisor must approve.
    let c2 = card(2);
    let c3 = card(3);
    let someone_else = qr_of(&c3, c2["name"].as_str().unwrap());
    refused(
        &pay(2, &["--id-qr", &someone_else, "--id-note", "con gái"]),
        "id_other_needs_supervisor",
    );
    let approved = pay(
        2,
        &[
            "--id-qr",
            &someone_else,
            "--id-note",
            "thẻ cũ bị đổi số, đã xem giấy xác nhận",
            "--approver",
            &SUPERVISOR_ID.to_string(),
            "--approval-note",
            "đã gọi cán bộ xã xác nhận",
        ],
    );
    assert!(approved.ok(), "{}", approved.stdout);
    assert_eq!(last_payout(cli)["id_check"]["differed"][0], "id_number");

    // Looked at the card; no check, only with a reason.
    assert!(pay(4, &["--id-manual", id]).ok());
    assert_eq!(last_payout(cli)["id_check"]["method"], "manual");
    refused(&pay(5, &["--id-none", "  "]), "id_reason_required");
    assert!(pay(5, &["--id-none", "cụ nằm liệt giường, nhân viên biết mặt"]).ok());
    assert_eq!(last_payout(cli)["id_check"]["method"], "none");
    // Not said: the payout records no check.
    assert!(pay(6, &[]).ok());
    assert!(last_payout(cli).get("id_check").is_none());

    // The day report counts the day's payouts by method.
    let out = fx.dir.path().join("ngày.pdf");
    let printed = cli.run(&["print", "day", "--out", &cli.path(&out)]);
    assert!(printed.ok(), "{}", printed.stderr);
    let text = Command::new("pdftotext")
        .arg("-layout")
        .arg(&out)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&text.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains(
            "Kiểm tra giấy tờ người nhận — quét mã QR khớp danh sách: 1; quét mã QR khác danh sách (có ghi chú): 2; xem thẻ bằng mắt: 1; không kiểm tra (có lý do): 1; không ghi cách kiểm tra: 1."
        ),
        "{text}"
    );
}

/// The day of the ledger's latest event, moved by `days`, as `YYYY-MM-DD`: an authorisation's
/// dates are checked against the ledger's clock, which a demo ledger sets within its period.
fn day_from_last_event(cli: &Cli, days: i64) -> String {
    let events = cli.events();
    let time = events.last().expect("an event")["time"]
        .as_str()
        .unwrap()
        .to_string();
    let day = chrono::NaiveDate::parse_from_str(&time[..10], "%Y-%m-%d").unwrap();
    (day + chrono::Duration::days(days)).to_string()
}

#[test]
fn a_new_proxy_with_a_fresh_authorisation_is_paid_only_with_a_supervisor_and_recorded_as_added() {
    let fx = setup_ledger(20);
    let cli = &fx.cli;
    assert!(cli.run(&["pay", &fx.codes[0], "--clerk", "1"]).ok());
    let from = day_from_last_event(cli, -10);
    let until = day_from_last_event(cli, 300);
    let too_far = day_from_last_event(cli, 400);
    let code = fx
        .codes
        .iter()
        .skip(1)
        .find(|c| cli.json(&["show", c])["proxy"].is_null())
        .expect("someone without a proxy");
    let new_proxy = |until: &str, approved: bool| {
        let mut a = vec![
            "pay",
            code.as_str(),
            "--clerk",
            "1",
            "--json",
            "--proxy-name",
            "Trần  Văn Nam",
            "--proxy-id",
            "001080012345",
            "--relationship",
            "con trai",
            "--authorised-on",
            &from,
            "--valid-until",
            until,
            "--id-manual",
            "001080012345",
        ];
        let sup = SUPERVISOR_ID.to_string();
        if approved {
            a.extend_from_slice(&[
                "--approver",
                &sup,
                "--approval-note",
                "đã xem giấy ủy quyền UBND xã ký ngày trên",
            ]);
        }
        cli.run(&a)
    };
    let before = cli.events().len();
    refused(&new_proxy(&until, false), "authorisation_needs_supervisor");
    let long = new_proxy(&too_far, true);
    refused(&long, "authorisation_too_long");
    assert!(long.stdout.contains("quá 12 tháng"), "{}", long.stdout);
    assert_eq!(cli.events().len(), before, "a refusal changes nothing");
    // The registered route still refuses a proxy the roll does not name, and says where to go.
    let unregistered = cli.run(&[
        "pay",
        code,
        "--clerk",
        "1",
        "--json",
        "--proxy-name",
        "Trần Văn Nam",
        "--proxy-id",
        "001080012345",
    ]);
    refused(&unregistered, "proxy_not_authorised");
    assert!(
        unregistered.stdout.contains("giấy ủy quyền mới"),
        "{}",
        unregistered.stdout
    );

    let paid = new_proxy(&until, true);
    assert!(paid.ok(), "{}", paid.stdout);
    let p = last_payout(cli);
    assert_eq!(p["recipient"], "proxy");
    assert_eq!(p["proxy_name"], "Trần Văn Nam");
    assert_eq!(p["proxy_added_at_counter"]["relationship"], "con trai");
    assert_eq!(p["proxy_added_at_counter"]["valid_until"], until.as_str());
    assert!(p["approval"]["approver"].is_number(), "{p}");
    assert_verified(cli);
}
