//! The consolidated settlement printed by the hub: `paypoint-district settlement --pdf` renders
//! every pay point's totals with the core's document renderer; read back with `pdftotext`, the
//! totals are there, and they are the ones of the CSV and JSON forms.
#![allow(clippy::too_many_lines)]

mod common;

use std::process::Command;

use common::*;

fn dots(n: i64) -> String {
    paypoint::Dong::new(n).unwrap().to_string()
}

#[test]
fn the_settlement_pdf_of_all_pay_points_shows_the_synced_totals() {
    if Command::new("pdftotext").arg("-v").output().is_err() {
        eprintln!("skipped: pdftotext (poppler-utils) is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01", "QH02"], 12);
    let mut a = Device::new(dir.path(), "a", "QH01");
    let mut b = Device::new(dir.path(), "b", "QH02");
    a.enrol_and_pull(&hub, &hub.url(), "QH01");
    b.enrol_and_pull(&hub, &hub.url(), "QH02");
    a.pay_first("QH01", 5);
    b.pay_first("QH02", 8);
    a.sync().unwrap();
    b.sync().unwrap();
    assert_converged(&hub, &[&a], "QH01");
    assert_converged(&hub, &[&b], "QH02");
    // A death reported at the office for someone QH01 has not paid: not carried over.
    hub.admin_ok(&[
        "stop",
        &code("QH01", 10),
        "--pay-point",
        "QH01",
        "--reason",
        "death",
    ]);

    let pdf = dir.path().join("quyet-toan.pdf");
    hub.admin_ok(&[
        "settlement",
        "--period",
        PERIOD,
        "--pdf",
        pdf.to_str().unwrap(),
        "--organisation",
        "Bưu điện tỉnh Quảng Trị",
        "--place",
        "Quảng Trị",
        "--date",
        "2026-12-28",
        "--fee-rate",
        "0,5%",
    ]);
    if let Ok(keep) = std::env::var("PAYPOINT_KEEP_PDF") {
        std::fs::copy(&pdf, keep).unwrap();
    }
    paypoint_testkit::pictures::keep_png(&pdf, "district-settlement");
    let out = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");

    let (sa, sb) = (
        hub.settlement("QH01", PERIOD),
        hub.settlement("QH02", PERIOD),
    );
    let n = |v: &serde_json::Value, k: &str| v[k].as_i64().unwrap();
    assert_eq!(n(&sa, "paid_amount"), a.paid_amount(), "totals equal");
    assert_eq!(n(&sb, "paid_amount"), b.paid_amount(), "totals equal");
    for s in [&sa, &sb] {
        // What is unpaid is printed as its two parts (`carried_and_stopped`).
        for k in ["total_due", "paid_amount"] {
            assert!(
                squeezed.contains(&dots(n(s, k))),
                "{k} {} of {} in the PDF:\n{text}",
                dots(n(s, k)),
                s["pay_point"]
            );
        }
        assert!(squeezed.contains(s["pay_point"].as_str().unwrap()));
    }
    let paid = n(&sa, "paid_amount") + n(&sb, "paid_amount");
    let due = n(&sa, "total_due") + n(&sb, "total_due");
    for total in [paid, due, due - paid] {
        assert!(
            squeezed.contains(&dots(total)),
            "total {} in the PDF:\n{text}",
            dots(total)
        );
    }
    assert!(squeezed.contains("TỔNG CỘNG"), "{text}");
    assert!(
        squeezed.contains(&format!(
            "Số tiền đã chi trả tháng 12 năm 2026: {} đồng",
            dots(paid)
        )),
        "{text}"
    );
    assert!(squeezed.contains(&paypoint::Dong::new(paid).unwrap().in_words()));
    assert!(squeezed.contains("BƯU ĐIỆN TỈNH QUẢNG TRỊ"), "{text}");
    assert!(
        squeezed.contains("Quảng Trị, ngày 28 tháng 12 năm 2026"),
        "{text}"
    );
    assert!(squeezed.contains("Bưu điện QH02"));
    fee_and_words(&text, &sa, &sb);
    carried_and_stopped(&text, &sa, &sb);
    // The CSV and JSON forms carry the same totals.
    let csv = hub.admin_ok(&["settlement", "--period", PERIOD, "--csv"]);
    assert!(csv.contains(&format!(",{},", n(&sa, "paid_amount"))));
    assert!(csv.contains(&format!(",{},", n(&sb, "paid_amount"))));
    // A period with no roll prints an empty settlement, not an error.
    let empty = dir.path().join("trong.pdf");
    hub.admin_ok(&[
        "settlement",
        "--period",
        "2027-01",
        "--pdf",
        empty.to_str().unwrap(),
    ]);
    assert!(std::fs::metadata(&empty).unwrap().len() > 1000);
}

/// The fee of each pay point at 0,5% of what it paid, rounded to the đồng, and their sum in
/// TỔNG CỘNG; two-level headers, and the words of an accountant, not of the software.
/// What is unpaid splits into what is carried over and what a stop blocks, in the JSON and on
/// the row of each pay point.
fn carried_and_stopped(text: &str, sa: &serde_json::Value, sb: &serde_json::Value) {
    let n = |v: &serde_json::Value, k: &str| v[k].as_i64().unwrap();
    assert!(n(sa, "stopped_amount") > 0, "{sa}");
    assert_eq!(n(sb, "stopped_amount"), 0, "{sb}");
    for s in [sa, sb] {
        assert_eq!(
            n(s, "carried_amount") + n(s, "stopped_amount"),
            n(s, "unpaid_amount"),
            "{s}"
        );
        let code = s["pay_point"].as_str().unwrap();
        let due = dots(n(s, "total_due"));
        let line = text
            .lines()
            .find(|l| l.contains(code) && l.contains(&due))
            .unwrap_or_else(|| panic!("row of {code}:\n{text}"));
        for k in ["carried_amount", "stopped_amount"] {
            assert!(
                line.split_whitespace().any(|t| t == dots(n(s, k))),
                "{k} in {line}"
            );
        }
    }
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    // The headers wrap inside their cells: their first words, as the layout prints them.
    for s in ["Chưa chi trả", "Chuyển kỳ", "Dừng chi"] {
        assert!(squeezed.contains(s), "{s}:\n{text}");
    }
}

fn fee_and_words(text: &str, sa: &serde_json::Value, sb: &serde_json::Value) {
    let n = |v: &serde_json::Value, k: &str| v[k].as_i64().unwrap();
    let squeezed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let fee = |paid: i64| (paid * 50 + 5_000) / 10_000;
    let (fa, fb) = (fee(n(sa, "paid_amount")), fee(n(sb, "paid_amount")));
    for (s, f) in [(sa, fa), (sb, fb)] {
        let due = dots(n(s, "total_due"));
        let code = s["pay_point"].as_str().unwrap();
        let line = text
            .lines()
            .find(|l| l.contains(code) && l.contains(&due))
            .unwrap_or_else(|| panic!("row of {code}:\n{text}"));
        assert!(
            line.split_whitespace().any(|t| t == dots(f)),
            "fee {f} in {line}"
        );
    }
    let total_line = text.lines().find(|l| l.contains("TỔNG CỘNG")).unwrap();
    assert!(
        total_line.split_whitespace().any(|t| t == dots(fa + fb)),
        "{total_line}"
    );
    for s in ["Danh sách chi trả", "Đã chi trả", "Phí chi trả"] {
        assert!(squeezed.contains(s), "{s}:\n{text}");
    }
    for s in ["Phiên bản", "Cảnh báo", "cảnh báo"] {
        assert!(!squeezed.contains(s), "{s} printed:\n{text}");
    }
}
