//! The organisation as data (`paypoint org show|set`): the managing office, the payer, the
//! province and commune, the signers' titles and the payer's fee rate, stored in a real ledger
//! file as `org_set` events that name the supervisor, and printed on the papers as configured,
//! read back with `pdftotext`. With the defaults no paper says "huyện".

mod common;

use std::path::Path;
use std::process::Command;

use common::{events_of, setup_ledger, Cli, CLERK_ID, SUPERVISOR_ID, SUPERVISOR_PIN};
use serde_json::Value;

/// `org set ARGS… --json` as the supervisor (clerk 2).
fn set_as_supervisor(cli: &Cli, args: &[&str]) -> Value {
    let mut a = vec!["--clerk", "2", "org", "set"];
    a.extend_from_slice(args);
    a.push("--json");
    let out = cli.run_env(&a, &[("PAYPOINT_PIN", SUPERVISOR_PIN)]);
    assert!(out.ok(), "{a:?}: {}", out.stderr);
    out.json()
}

/// `paypoint print KIND --date 2026-12-05`, read back as one line of text.
fn printed(cli: &Cli, dir: &Path, kind: &str) -> String {
    let pdf = dir.join(format!("{kind}.pdf"));
    cli.json(&[
        "print",
        kind,
        "--date",
        "2026-12-05",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let out = Command::new("pdftotext")
        .args(["-raw", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether the word "huyện" is written anywhere (as a word: "chuyển" is not a district).
fn says_district(text: &str) -> bool {
    paypoint::text::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "huyen")
}

#[test]
fn org_settings_round_trip_and_the_journal_names_the_supervisor_who_changed_them() {
    let fx = setup_ledger(3);
    let cli = &fx.cli;

    // The defaults: two tiers, named from the pay point.
    let shown = cli.json(&["org", "show"]);
    assert_eq!(shown["managing_office"], "UBND xã Quảng Hưng");
    assert_eq!(shown["payer"], "Bưu điện văn hóa xã Quảng Hưng");
    assert_eq!(shown["place"], "Quảng Hưng");
    assert_eq!(shown["fee_rate_bp"], Value::Null);
    assert!(!says_district(&shown.to_string()), "{shown}");

    // A clerk who is not a supervisor changes nothing.
    let before = cli.events().len();
    let out = cli.run(&[
        "--clerk",
        &CLERK_ID.to_string(),
        "org",
        "set",
        "--fee-rate",
        "0,5",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.json()["error"]["code"], "not_supervisor");
    assert_eq!(cli.events().len(), before);

    // The supervisor sets them: stored, shown, and recorded once with their number.
    let set = set_as_supervisor(
        cli,
        &[
            "--managing-office",
            "Sở Nội vụ tỉnh Quảng Trị",
            "--province",
            "Quảng Trị",
            "--title-head",
            "Trưởng Bưu điện văn hóa xã",
            "--fee-rate",
            "0,55",
        ],
    );
    assert_eq!(set["changed"], true);
    let shown = cli.json(&["org", "show"]);
    assert_eq!(shown["managing_office"], "Sở Nội vụ tỉnh Quảng Trị");
    assert_eq!(
        shown["payer"],
        "Bưu điện tỉnh Quảng Trị — Bưu điện văn hóa xã Quảng Hưng"
    );
    assert_eq!(shown["titles"]["head"], "Trưởng Bưu điện văn hóa xã");
    assert_eq!(
        shown["titles"]["managing"],
        "Đại diện Sở Nội vụ tỉnh Quảng Trị"
    );
    assert_eq!(shown["fee_rate_bp"], 55);
    let text = cli.run(&["org", "show"]).stdout;
    assert!(text.contains("Phí chi trả: 0,55%"), "{text}");
    assert!(text.contains("Kế toán: Kế toán (mặc định)"), "{text}");
    let events = cli.events();
    let changes = events_of(&events, "org_set");
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["clerk"], SUPERVISOR_ID);
    let stored = &changes[0]["payload"]["settings"];
    assert_eq!(stored["managing_office"], "Sở Nội vụ tỉnh Quảng Trị");
    assert_eq!(stored["fee_rate_bp"], 55);
    assert!(stored.get("payer").is_none(), "only what was set: {stored}");

    // The same again records nothing; a bad rate is refused and changes nothing.
    let again = set_as_supervisor(cli, &["--fee-rate", "0.55%"]);
    assert_eq!(again["changed"], false);
    let out = cli.run_env(
        &[
            "--clerk",
            "2",
            "org",
            "set",
            "--fee-rate",
            "0,555",
            "--json",
        ],
        &[("PAYPOINT_PIN", SUPERVISOR_PIN)],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(out.json()["error"]["code"], "bad_fee_rate");
    assert_eq!(cli.events().len(), events.len());

    // An empty value puts the default back.
    set_as_supervisor(cli, &["--managing-office", "", "--fee-rate", ""]);
    let shown = cli.json(&["org", "show"]);
    assert_eq!(shown["managing_office"], "UBND xã Quảng Hưng");
    assert_eq!(shown["fee_rate_bp"], Value::Null);
    assert_eq!(events_of(&cli.events(), "org_set").len(), 2);
    assert_eq!(cli.verify()["chain_ok"], true);
}

#[test]
fn papers_print_the_organisation_as_configured_and_no_district_by_default() {
    let fx = setup_ledger(5);
    let (cli, dir) = (&fx.cli, fx.dir.path());

    // Defaults: the pay point, the commune on the date line, no "huyện" on any paper.
    for kind in ["sheet", "unpaid", "day", "settlement", "notice"] {
        let text = printed(cli, dir, kind);
        assert!(!says_district(&text), "{kind} says huyện:\n{text}");
        assert!(
            text.contains("BƯU ĐIỆN VĂN HÓA XÃ QUẢNG HƯNG"),
            "{kind}:\n{text}"
        );
        assert!(
            text.contains("Quảng Hưng, ngày 05 tháng 12 năm 2026"),
            "{kind}:\n{text}"
        );
    }
    let notice = printed(cli, dir, "notice");
    assert!(notice.contains("hoặc UBND xã Quảng Hưng"), "{notice}");

    // Configured: the provincial post office above the pay point, the managing office's
    // signer, the head's title and the commune on the date line.
    set_as_supervisor(
        cli,
        &[
            "--payer",
            "Bưu điện tỉnh Quảng Trị — Bưu điện văn hóa xã Quảng Hưng",
            "--managing-office",
            "Sở Nội vụ tỉnh Quảng Trị",
            "--commune",
            "Hưng Phú",
            "--title-head",
            "Trưởng Bưu điện văn hóa xã",
            "--title-accountant",
            "Kế toán trưởng",
        ],
    );
    let sheet = printed(cli, dir, "sheet");
    for s in [
        "BƯU ĐIỆN TỈNH QUẢNG TRỊ",
        "BƯU ĐIỆN VĂN HÓA XÃ QUẢNG HƯNG",
        "Đại diện Sở Nội vụ tỉnh Quảng Trị",
        "Trưởng Bưu điện văn hóa xã",
        "Kế toán trưởng",
        "Hưng Phú, ngày 05 tháng 12 năm 2026",
    ] {
        assert!(sheet.contains(s), "{s:?} on the sheet:\n{sheet}");
    }
    assert!(!sheet.contains("Giám đốc Bưu điện"), "{sheet}");
    let settlement = printed(cli, dir, "settlement");
    assert!(
        settlement.contains("Trưởng Bưu điện văn hóa xã"),
        "{settlement}"
    );
    assert!(
        settlement.contains("BƯU ĐIỆN TỈNH QUẢNG TRỊ"),
        "{settlement}"
    );
    let notice = printed(cli, dir, "notice");
    assert!(notice.contains("hoặc Sở Nội vụ tỉnh Quảng Trị"), "{notice}");
}
