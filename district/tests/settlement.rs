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
        for k in ["total_due", "paid_amount", "unpaid_amount"] {
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
