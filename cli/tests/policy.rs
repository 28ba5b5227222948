//! `paypoint policy show|load`: the rate table in force, a newer table loaded from the managing
//! office's file, a bad file refused with nothing written — through the real binary.

mod common;

use common::{events_of, setup_ledger};
use serde_json::{json, Value};

/// The shipped table, as `policy show --json` gives it, turned into a table for 1/7/2026.
fn newer_file(shown: &Value) -> Value {
    let rates: Vec<Value> = shown["rates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let m = r["monthly"].as_i64().unwrap();
            let mut o = json!({
                "category": r["category"],
                "monthly": (m * 2_980 / 2_789 + 500) / 1_000 * 1_000,
                "explanation": r["explanation"],
            });
            if !r["supplement"].is_null() {
                o["supplement"] = r["supplement"].clone();
            }
            o
        })
        .collect();
    json!({
        "format": 1,
        "basis": "99/2026/NĐ-CP",
        "title": "Nghị định quy định mức hưởng trợ cấp, phụ cấp ưu đãi người có công với cách mạng",
        "signed_on": "2026-06-20",
        "effective_from": "2026-07-01",
        "base_rate": 2_980_000,
        "carer": 2_980_000,
        "carer_severe": 3_827_000,
        "categories": rates,
    })
}

#[test]
fn policy_show_and_load_round_trip_through_the_command_line() {
    let f = setup_ledger(3);
    let cli = &f.cli;
    let shipped = cli.json(&["policy", "show", "--on", "2026-06-30"]);
    assert_eq!(shipped["heading"]["basis"], "77/2024/NĐ-CP");
    assert_eq!(shipped["heading"]["effective_from"], "2024-07-01");
    assert_eq!(shipped["heading"]["base_rate"], 2_789_000);
    assert!(shipped["heading"]["origin"]["event_seq"].is_null());
    let text = cli.run(&["policy", "show", "--on", "2026-06-30"]).stdout;
    assert!(
        text.contains("Nghị định 77/2024/NĐ-CP (ký ngày 01/07/2024), áp dụng từ 01/07/2024"),
        "{text}"
    );
    assert!(text.contains("kèm chương trình"), "{text}");

    let file = f.dir.path().join("nd-99-2026.json");
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&newer_file(&shipped)).unwrap(),
    )
    .unwrap();
    let loaded = cli.run(&["policy", "load", file.to_str().unwrap()]);
    assert!(loaded.ok(), "{loaded:?}");
    assert!(
        loaded
            .stdout
            .contains("Đã nạp bảng mức: Nghị định 99/2026/NĐ-CP"),
        "{}",
        loaded.stdout
    );

    let june = cli.json(&["policy", "show", "--on", "2026-06-30"]);
    assert_eq!(june["heading"]["basis"], "77/2024/NĐ-CP");
    assert_eq!(june["upcoming"]["basis"], "99/2026/NĐ-CP");
    let july = cli.json(&[
        "policy",
        "show",
        "--on",
        "2026-07-01",
        "--query",
        "thuong binh 21",
    ]);
    assert_eq!(july["heading"]["basis"], "99/2026/NĐ-CP");
    assert_eq!(july["heading"]["origin"]["source"], "nd-99-2026.json");
    assert_eq!(july["rates"].as_array().unwrap().len(), 1);
    assert_eq!(july["rates"][0]["monthly"], 2_007_000);
    let text = cli.run(&["policy", "show", "--on", "2026-06-30"]).stdout;
    assert!(
        text.contains("Bảng mới đã nạp, chưa đến ngày áp dụng: Nghị định 99/2026/NĐ-CP"),
        "{text}"
    );

    let events = cli.events();
    let ev = events_of(&events, "policy_loaded");
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["payload"]["basis"], "99/2026/NĐ-CP");
    assert_eq!(cli.verify()["chain_ok"], true);

    // The same file again: refused, nothing written.
    let again = cli.run(&["policy", "load", file.to_str().unwrap(), "--json"]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(again.json()["error"]["code"], "policy_already_loaded");
    assert_eq!(cli.events().len(), events.len());
}

#[test]
fn a_bad_table_file_is_refused_with_the_field_and_entry_named_and_nothing_written() {
    let f = setup_ledger(3);
    let cli = &f.cli;
    let before = cli.events().len();
    let mut bad = newer_file(&cli.json(&["policy", "show"]));
    bad["categories"][5]["monthly"] = json!("2.007.000");
    let file = f.dir.path().join("bad.json");
    std::fs::write(&file, bad.to_string()).unwrap();
    let out = cli.run(&["policy", "load", file.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_eq!(out.json()["error"]["code"], "policy_field");
    assert!(
        out.stderr.contains(
            "mục 6 của categories (“Thương binh 21%”): trường “monthly” phải là số nguyên đồng"
        ),
        "{}",
        out.stderr
    );
    assert_eq!(cli.events().len(), before);
    assert_eq!(
        cli.json(&["policy", "show"])["heading"]["basis"],
        "77/2024/NĐ-CP"
    );
}
