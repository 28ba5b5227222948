//! `paypoint roll import` on real files: the preview, a refusal located by row and column (in
//! the JSON error too), the load, and a file of another month. The reading itself is tested
//! in the core (`tests/import.rs` at the root).

mod common;

use common::cli;
use paypoint::encoding::TextEncoding;
use paypoint_testkit::rollfile::{write_xls, write_xlsx, Shape, TotalsStated};
use paypoint_testkit::sample_roll;
use sample_roll::sample_roll;

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn the_cli_previews_imports_and_refuses_with_located_errors() {
    let d = dir();
    let roll = sample_roll();
    // The roll of issue 11: Excel 97–2003, VNI, a VNI sheet name, total rows with no amounts.
    let good = d.path().join("ds.xls");
    write_xls(
        &roll,
        &Shape {
            encoding: TextEncoding::Vni,
            totals: TotalsStated::None,
            sheet_name: "Tháng 12".into(),
            ..Shape::standard(&roll)
        },
        &good,
    );
    let bad = d.path().join("sai.xlsx");
    write_xlsx(
        &roll,
        &Shape {
            grand_total_error: 1000,
            ..Shape::standard(&roll)
        },
        &bad,
    );
    let cli = cli(d.path().join("so.sqlite"));
    cli.json(&["init", "--pay-point", "QH01", "--name", "Điểm chi trả"]);
    let good_s = good.to_str().unwrap();
    let preview = cli.json(&["roll", "import", good_s, "--period", "2026-12", "--dry-run"]);
    assert_eq!(preview["beneficiaries"], 8);
    assert_eq!(preview["lines"], 10);
    assert_eq!(preview["total"], roll.total().unwrap().as_i64());
    assert_eq!(preview["encoding"], "vni");
    assert!(
        preview["warnings"].as_array().unwrap().iter().any(|w| w
            .as_str()
            .unwrap()
            .starts_with("dòng TỔNG CỘNG không ghi số tiền: không đối chiếu được")),
        "{preview}"
    );
    assert_eq!(cli.status()["events"], 1, "a dry run writes nothing");

    let out = cli.run(&[
        "roll",
        "import",
        bad.to_str().unwrap(),
        "--period",
        "2026-12",
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let problems = out.json()["error"]["problems"].as_array().unwrap().clone();
    assert!(
        problems
            .iter()
            .any(|p| p["column"] == "J" && p["row"].is_u64()),
        "{problems:?}"
    );
    assert!(
        out.stderr.contains("sai.xlsx")
            && out.stderr.contains("dòng")
            && out.stderr.contains("cột J"),
        "{}",
        out.stderr
    );
    assert_eq!(cli.status()["events"], 1, "a refused file writes nothing");

    let done = cli.json(&["roll", "import", good_s, "--period", "2026-12"]);
    assert_eq!(done["change"]["outcome"], "loaded");
    let s = cli.status();
    assert_eq!(s["total_due"], roll.total().unwrap().as_i64());
    let hits = cli.json(&["search", "dang dinh duc"]);
    assert_eq!(hits[0]["name"], "Đặng Đình Đức");
    assert_eq!(hits[0]["due"], 8_941_000);
    let out = cli.run(&["roll", "import", good_s, "--period", "2026-11"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("tháng 12 năm 2026"), "{}", out.stderr);
}
