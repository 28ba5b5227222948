//! The managing office's own names (`paypoint-district settings set managing_office|payer|place|
//! title_head …`) on the consolidated settlement it prints: as configured, two-tier by default,
//! never the district post office of before the 2025 reform. Read back with `pdftotext`.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// Whether the word "huyện" is written anywhere (as a word: "chuyển" is not a district).
fn says_district(text: &str) -> bool {
    paypoint::text::fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w == "huyen")
}

fn admin_ok(data: &Path, args: &[&str]) -> String {
    let out = admin(data, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The settlement PDF of an empty hub, as one line of text.
fn settlement_text(data: &Path, extra: &[&str]) -> String {
    let pdf = data.join("quyet-toan.pdf");
    let mut args = vec![
        "settlement",
        "--period",
        "2026-12",
        "--pdf",
        pdf.to_str().unwrap(),
        "--date",
        "2026-12-28",
    ];
    args.extend_from_slice(extra);
    admin_ok(data, &args);
    let out = Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_hub_settlement_names_the_office_as_configured_and_never_a_district() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub");

    // Defaults: the provincial post office, a blank place to write in, no district anywhere.
    let text = settlement_text(&data, &[]);
    assert!(text.contains("BƯU ĐIỆN TỈNH"), "{text}");
    assert!(text.contains("……, ngày 28 tháng 12 năm 2026"), "{text}");
    assert!(text.contains("Thủ trưởng đơn vị"), "{text}");
    assert!(!says_district(&text), "{text}");

    // Configured: the names, the place and the head's title, with the office addressed.
    for (k, v) in [
        ("managing_office", "Sở Nội vụ tỉnh Quảng Trị"),
        (
            "payer",
            "Tổng công ty Bưu điện Việt Nam — Bưu điện tỉnh Quảng Trị",
        ),
        ("title_head", "Giám đốc Bưu điện tỉnh"),
    ] {
        admin_ok(&data, &["settings", "set", k, v]);
    }
    let settings: serde_json::Value =
        serde_json::from_str(&admin_ok(&data, &["settings"])).unwrap();
    assert_eq!(settings["managing_office"], "Sở Nội vụ tỉnh Quảng Trị");
    assert_eq!(settings["max_age"], 100, "the thresholds are still there");
    let text = settlement_text(&data, &[]);
    for s in [
        "TỔNG CÔNG TY BƯU ĐIỆN VIỆT NAM",
        "BƯU ĐIỆN TỈNH QUẢNG TRỊ",
        "Kính gửi: Sở Nội vụ tỉnh Quảng Trị",
        "Quảng Trị, ngày 28 tháng 12 năm 2026",
        "Giám đốc Bưu điện tỉnh",
    ] {
        assert!(text.contains(s), "{s:?} in:\n{text}");
    }
    assert!(!says_district(&text), "{text}");

    // The place set overrides the one in the name; a command-line name overrides the setting.
    admin_ok(&data, &["settings", "set", "place", "Đông Hà"]);
    let text = settlement_text(&data, &["--organisation", "Bưu điện tỉnh Quảng Bình"]);
    assert!(text.contains("BƯU ĐIỆN TỈNH QUẢNG BÌNH"), "{text}");
    assert!(
        text.contains("Đông Hà, ngày 28 tháng 12 năm 2026"),
        "{text}"
    );

    // The office's page carries its configured name.
    let mut hub = start_hub(&data);
    let html = reqwest::blocking::get(hub.url()).unwrap().text().unwrap();
    hub.kill();
    assert!(
        html.contains("<title>Tổng quan — Sở Nội vụ tỉnh Quảng Trị — Sổ chi trả</title>")
            && html.contains("<strong>Sổ chi trả — Sở Nội vụ tỉnh Quảng Trị</strong>"),
        "{html}"
    );
    assert!(!says_district(&html), "{html}");

    // A bad name is refused and changes nothing.
    let out = admin(&data, &["settings", "set", "payer", "a\u{7}b"]);
    assert!(!out.status.success());
    let settings: serde_json::Value =
        serde_json::from_str(&admin_ok(&data, &["settings"])).unwrap();
    assert_eq!(
        settings["payer"],
        "Tổng công ty Bưu điện Việt Nam — Bưu điện tỉnh Quảng Trị"
    );
}

#[test]
fn a_change_of_the_pay_points_organisation_reaches_the_hub_like_any_event() {
    use paypoint::clerk::{Pin, Role};
    use paypoint::event::{EventKind, EventPayload};
    use paypoint::org::OrgChange;

    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let pin = Pin::new("9999").unwrap();
    let s = dev
        .ledger
        .add_clerk("Lê Văn Nam", Role::Supervisor, &pin)
        .unwrap();
    let supervisor = dev.ledger.sign_in(s.id, &pin).unwrap();
    let change = OrgChange {
        managing_office: Some("Sở Nội vụ tỉnh Quảng Trị".into()),
        fee_rate: Some("0,55".into()),
        ..OrgChange::default()
    };
    let (_, changed) = dev.ledger.set_org(&supervisor, &change).unwrap();
    assert!(changed);
    dev.sync().unwrap();
    assert_converged(&hub, &[&dev], "QH01");
    let at_hub = hub_events(&hub, dev.ledger.device().id);
    let org = at_hub
        .iter()
        .find(|e| e.kind == EventKind::OrgSet)
        .expect("the org_set event is at the hub");
    assert_eq!(org.clerk, Some(s.id));
    let Ok(EventPayload::OrgSet(o)) = org.facts() else {
        panic!("the hub's copy reads as an org_set: {:?}", org.payload);
    };
    assert_eq!(o.settings.fee_rate_bp, Some(55));
    assert_eq!(
        o.settings.managing_office.as_deref(),
        Some("Sở Nội vụ tỉnh Quảng Trị")
    );
    let flags = hub
        .store()
        .value("SELECT count(*) FROM flags", &[])
        .unwrap()
        .int();
    assert_eq!(flags, 0, "nothing flagged for it");
}
