//! Rates as data: the shipped NĐ 77/2024 table, a newer table loaded from a file, the table in
//! force on a date, and a bad file refused whole — on a real ledger file.

use chrono::NaiveDate;
use paypoint::demo;
use paypoint::event::EventKind;
use paypoint::policy::{self, PolicyError, PolicyTable};
use paypoint::{Dong, Ledger, Period};
use rusqlite::Connection;
use serde_json::{json, Value};

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn ledger() -> (tempfile::TempDir, std::path::PathBuf, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("so.sqlite");
    let l = Ledger::init(&path, "QH01", "Bưu điện văn hóa xã Quảng Hưng").unwrap();
    (dir, path, l)
}

/// A table as the managing office would send it for a rise from 1/7/2026: every amount up by the
/// ratio of the new base rate, rounded to the thousand.
fn newer_table() -> Value {
    let mut v = policy::shipped().to_file_json();
    let scale = |n: i64| (n * 2_980 / 2_789 + 500) / 1_000 * 1_000;
    v["basis"] = json!("99/2026/NĐ-CP");
    v["signed_on"] = json!("2026-06-20");
    v["effective_from"] = json!("2026-07-01");
    v["base_rate"] = json!(2_980_000);
    for c in v["categories"].as_array_mut().unwrap() {
        let m = c["monthly"].as_i64().unwrap();
        c["monthly"] = json!(scale(m));
    }
    v
}

fn write(dir: &std::path::Path, name: &str, v: &Value) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p
}

fn policy_rows(path: &std::path::Path) -> i64 {
    Connection::open(path)
        .unwrap()
        .query_row("SELECT count(*) FROM policy_tables", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn the_shipped_table_has_the_amounts_of_decree_77_2024() {
    let t = policy::shipped();
    assert_eq!(t.basis, "77/2024/NĐ-CP");
    assert_eq!(t.signed_on, day("2024-07-01"));
    assert_eq!(t.effective_from, day("2024-07-01"));
    assert_eq!(t.base_rate.as_i64(), 2_789_000);
    assert_eq!(
        (t.carer.as_i64(), t.carer_severe.as_i64()),
        (2_789_000, 3_582_000)
    );
    // The decree's amounts, as the program carried them in code before they became data.
    let expected: &[(&str, i64, Option<i64>)] = &[
        ("Thân nhân liệt sĩ (1 liệt sĩ)", 2_789_000, None),
        ("Thân nhân liệt sĩ (2 liệt sĩ)", 5_578_000, None),
        ("Thân nhân liệt sĩ (từ 3 liệt sĩ)", 8_367_000, None),
        ("Bà mẹ Việt Nam anh hùng", 8_367_000, Some(2_337_000)),
        ("Anh hùng LLVT, Anh hùng Lao động", 2_337_000, None),
        ("Thương binh 21%", 1_878_000, None),
        ("Thương binh 100%", 8_941_000, None),
        ("Bệnh binh 41-50%", 2_911_000, None),
        ("Bệnh binh 91-100%", 7_104_000, None),
        ("Nhiễm chất độc hóa học 21-40%", 2_120_000, None),
        ("Nhiễm chất độc hóa học 41-60%", 3_542_000, None),
        ("Nhiễm chất độc hóa học 61-80%", 4_964_000, None),
        ("Nhiễm chất độc hóa học từ 81%", 6_358_000, None),
        (
            "Người hoạt động kháng chiến bị địch bắt tù, đày",
            1_673_000,
            None,
        ),
        ("Người có công giúp đỡ cách mạng", 1_639_000, None),
    ];
    let got: Vec<(&str, i64, Option<i64>)> = t
        .rates
        .iter()
        .map(|r| {
            (
                r.category.as_str(),
                r.monthly.as_i64(),
                r.supplement.map(Dong::as_i64),
            )
        })
        .collect();
    assert_eq!(got, expected);
    assert!(t.rates.iter().all(|r| !r.explanation.is_empty()));
    // Multiples of the base rate, as the decree sets them.
    assert_eq!(t.rates[2].monthly.as_i64(), 3 * t.base_rate.as_i64());
}

#[test]
fn a_newer_table_applies_from_its_effective_date_and_not_before() {
    let (dir, _path, mut l) = ledger();
    let before = l.policy_on(day("2026-06-30")).unwrap();
    assert_eq!(before.heading.basis, "77/2024/NĐ-CP");
    assert!(before.upcoming.is_none());

    let file = write(dir.path(), "nd-99-2026.json", &newer_table());
    let receipt = l.load_policy_file(&file).unwrap();
    assert_eq!(receipt.heading.basis, "99/2026/NĐ-CP");
    assert_eq!(receipt.heading.origin.source, "nd-99-2026.json");

    let june = l.policy_on(day("2026-06-30")).unwrap();
    assert_eq!(june.heading.basis, "77/2024/NĐ-CP", "not before its date");
    assert_eq!(june.rates[0].monthly.as_i64(), 2_789_000);
    assert_eq!(
        june.upcoming.as_ref().map(|u| u.basis.as_str()),
        Some("99/2026/NĐ-CP")
    );

    let july = l.policy_on(day("2026-07-01")).unwrap();
    assert_eq!(july.heading.basis, "99/2026/NĐ-CP", "from its date");
    assert_eq!(july.heading.base_rate.as_i64(), 2_980_000);
    assert_eq!(july.rates[0].monthly.as_i64(), 2_980_000);
    assert_eq!(
        july.heading.origin.event_seq,
        Some(receipt.heading.origin.event_seq.unwrap())
    );
    assert!(july.upcoming.is_none());

    // The demo roll of a month reads the same table as the Policy screen.
    let table = l
        .policy_table_on(Period::new(2026, 7).unwrap().first_day())
        .unwrap();
    let roll = demo::roll_with(&table, Period::new(2026, 7).unwrap(), 50, 1, "QH01");
    let monthly: Vec<i64> = roll
        .entries
        .iter()
        .map(|e| e.lines[0].amount.as_i64())
        .collect();
    assert!(monthly
        .iter()
        .all(|m| table.rates.iter().any(|r| r.monthly.as_i64() == *m)));
    assert!(
        !monthly.contains(&1_878_000),
        "an old amount in a July roll"
    );

    // Recorded in the chained journal, with its content hashed.
    let ev = l.events_after(0, 100).unwrap();
    let loaded: Vec<_> = ev
        .iter()
        .filter(|e| e.kind == EventKind::PolicyLoaded)
        .collect();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].payload["effective_from"], "2026-07-01");
    assert_eq!(
        loaded[0].payload["content_sha256"],
        json!(receipt.content_sha256)
    );
    assert!(l.verify().unwrap().chain_ok);

    // An older table loaded later does not displace the newer one.
    let mut late = policy::shipped().to_file_json();
    late["basis"] = json!("55/2025/NĐ-CP");
    late["effective_from"] = json!("2025-01-01");
    l.load_policy_file(&write(dir.path(), "late.json", &late))
        .unwrap();
    assert_eq!(
        l.policy_on(day("2026-08-01")).unwrap().heading.basis,
        "99/2026/NĐ-CP"
    );
    assert_eq!(
        l.policy_on(day("2025-06-01")).unwrap().heading.basis,
        "55/2025/NĐ-CP"
    );
    assert!(matches!(
        l.policy_on(day("2024-06-30")),
        Err(PolicyError::NoneInForce { .. })
    ));
}

/// Loads `v` and requires a refusal naming `field` (and the entry, when given), with nothing
/// recorded.
fn refused(v: &str, field: &str, entry: Option<usize>, words: &str) {
    let (dir, path, mut l) = ledger();
    let events = l.event_count().unwrap();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, v).unwrap();
    let err = l.load_policy_file(&file).unwrap_err();
    let msg = err.to_string();
    match &err {
        PolicyError::Field {
            field: f, entry: e, ..
        } => {
            assert_eq!((f.as_str(), *e), (field, entry), "{msg}");
        }
        other => assert_eq!(field, "", "expected a field error, got {other}"),
    }
    assert!(msg.contains(words), "“{words}” not in: {msg}");
    if let Some(n) = entry {
        assert!(msg.contains(&format!("mục {n}")), "{msg}");
    }
    assert!(msg.contains("không nạp gì"), "{msg}");
    assert_eq!(
        l.event_count().unwrap(),
        events,
        "a refused table wrote an event"
    );
    drop(l);
    assert_eq!(policy_rows(&path), 0);
}

fn with(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = newer_table();
    edit(&mut v);
    v.to_string()
}

#[test]
fn a_malformed_table_is_refused_naming_the_field_and_the_entry_and_changes_nothing() {
    refused("{ \"format\": 1, ", "", None, "không phải JSON");
    refused(
        &with(|v| v["format"] = json!(2)),
        "format",
        None,
        "phải là 1",
    );
    refused(
        &with(|v| v["effective_from"] = json!("01/07/2026")),
        "effective_from",
        None,
        "YYYY-MM-DD",
    );
    refused(
        &with(|v| v["base_rate"] = json!("2.980.000")),
        "base_rate",
        None,
        "số nguyên đồng",
    );
    refused(
        &with(|v| {
            v.as_object_mut().unwrap().remove("basis");
        }),
        "basis",
        None,
        "bị thiếu",
    );
    refused(
        &with(|v| {
            v["categories"][2]
                .as_object_mut()
                .unwrap()
                .remove("monthly");
        }),
        "monthly",
        Some(3),
        "Thân nhân liệt sĩ (từ 3 liệt sĩ)",
    );
    refused(
        &with(|v| v["categories"][5]["monthly"] = json!(1_878_500)),
        "monthly",
        Some(6),
        "nghìn đồng",
    );
    refused(
        &with(|v| v["categories"][0]["monthly"] = json!(-2_980_000)),
        "monthly",
        Some(1),
        "từ 1.000",
    );
    refused(
        &with(|v| v["categories"][3]["suplement"] = json!(2_500_000)),
        "suplement",
        Some(4),
        "không có trong mẫu",
    );
    refused(
        &with(|v| v["categories"][1]["category"] = json!("thân nhân liệt sĩ (1 LIỆT SĨ)")),
        "category",
        Some(2),
        "trùng với mục 1",
    );
    refused(
        &with(|v| v["categories"] = json!([])),
        "categories",
        None,
        "từ 1 đến",
    );
    refused(
        &with(|v| v["categories"][0]["explanation"] = json!("  ")),
        "explanation",
        Some(1),
        "bỏ trống",
    );
}

#[test]
fn the_same_table_twice_and_the_shipped_table_are_refused() {
    let (dir, _path, mut l) = ledger();
    let file = write(dir.path(), "a.json", &newer_table());
    l.load_policy_file(&file).unwrap();
    let events = l.event_count().unwrap();
    // The same content laid out differently is the same table.
    let compact = dir.path().join("b.json");
    std::fs::write(&compact, newer_table().to_string()).unwrap();
    let err = l.load_policy_file(&compact).unwrap_err();
    assert_eq!(err.code(), "policy_already_loaded", "{err}");
    let shipped = dir.path().join("nd-77-2024.json");
    std::fs::write(&shipped, policy::SHIPPED_JSON).unwrap();
    assert_eq!(
        l.load_policy_file(&shipped).unwrap_err().code(),
        "policy_already_loaded"
    );
    assert_eq!(l.event_count().unwrap(), events);
    let missing = l
        .load_policy_file(&dir.path().join("none.json"))
        .unwrap_err();
    assert_eq!(missing.code(), "policy_unreadable");
}

#[test]
fn a_loaded_table_cannot_be_changed_or_removed_and_a_tampered_one_is_never_used() {
    let (dir, path, mut l) = ledger();
    l.load_policy_file(&write(dir.path(), "a.json", &newer_table()))
        .unwrap();
    drop(l);
    let c = Connection::open(&path).unwrap();
    assert!(c
        .execute("UPDATE policy_tables SET effective_from = '2026-01-01'", [])
        .is_err());
    assert!(c.execute("DELETE FROM policy_tables", []).is_err());
    assert_eq!(policy_rows(&path), 1);
    // Parsing the stored content gives the table back.
    let content: String = c
        .query_row("SELECT content FROM policy_tables", [], |r| r.get(0))
        .unwrap();
    assert_eq!(PolicyTable::parse(&content).unwrap().basis, "99/2026/NĐ-CP");

    // A tamperer who drops the trigger and raises an amount: the table is no longer used.
    c.execute_batch("DROP TRIGGER policy_tables_no_update")
        .unwrap();
    let raised = content.replacen("2980000", "3980000", 1);
    assert_ne!(raised, content);
    c.execute("UPDATE policy_tables SET content = ?1", [&raised])
        .unwrap();
    drop(c);
    let l = Ledger::open(&path).unwrap();
    let err = l.policy_on(day("2026-07-01")).unwrap_err();
    assert_eq!(err.code(), "corrupt", "{err}");
    assert!(err.to_string().contains("không khớp mã băm"), "{err}");
}

#[test]
fn the_policy_search_is_accent_insensitive_over_the_table_in_force() {
    let (_dir, _path, l) = ledger();
    let p = l
        .policy_on(day("2026-12-01"))
        .unwrap()
        .matching("thuong binh");
    let names: Vec<&str> = p.rates.iter().map(|r| r.category.as_str()).collect();
    assert_eq!(names, ["Thương binh 21%", "Thương binh 100%"]);
    assert_eq!(p.heading.basis, "77/2024/NĐ-CP");
}
