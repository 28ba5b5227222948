//! Search as the clerk types it: accent- and case-insensitive, prefix-friendly, by name, code,
//! ID card number and village, on a real ledger file.

use paypoint::demo;
use paypoint::roll::{BeneficiaryCode, LineKind, Roll, RollEntry, RollLine, Sex};
use paypoint::{Dong, Ledger, Period};

fn entry(code: &str, name: &str, village: &str, id_card: &str) -> RollEntry {
    let period: Period = "2026-12".parse().unwrap();
    RollEntry {
        code: BeneficiaryCode::new(code).unwrap(),
        name: name.into(),
        birth_year: Some(1948),
        sex: Some(Sex::F),
        village: village.into(),
        id_card: Some(id_card.into()),
        category: "Thân nhân liệt sĩ (1 liệt sĩ)".into(),
        home_delivery: false,
        proxy: None,
        note: String::new(),
        lines: vec![RollLine {
            kind: LineKind::Monthly,
            amount: Dong::new(2_789_000).unwrap(),
            covers_from: period,
            covers_to: period,
            note: String::new(),
        }],
    }
}

fn ledger() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let mut ledger = Ledger::init(&dir.path().join("l.sqlite"), "QH01", "Điểm chi trả").unwrap();
    let mut roll = Roll {
        period: "2026-12".parse().unwrap(),
        version: 1,
        entries: vec![
            entry("QH-000123", "Nguyễn Thị Hường", "Thôn Đông", "044150012345"),
            entry("QH-000124", "Nguyễn Văn An", "Thôn Tây", "044048099887"),
            entry("QH-000125", "Đặng Thị Hương", "Xóm Trại", "044152077001"),
            entry("QH-000126", "Trần Hữu Đức", "Thôn Đông", "044049066002"),
            // Decomposed (NFD) input must be found the same way.
            entry(
                "QH-000127",
                "Ngo\u{302}\u{301} Thi\u{323} Hu\u{31b}o\u{31b}\u{300}ng",
                "Thôn Hạ",
                "044151055003",
            ),
        ],
    };
    // Pad with a demo roll so that prefixes meet many other names.
    roll.entries
        .extend(demo::roll(roll.period, 500, 3, "XX").entries);
    ledger.load_roll(&roll, "test", false).unwrap();
    (dir, ledger)
}

fn codes(ledger: &Ledger, q: &str) -> Vec<String> {
    ledger
        .search(q, None)
        .unwrap()
        .into_iter()
        .map(|h| h.code)
        .collect()
}

#[test]
fn the_clerks_ways_of_typing_a_name_all_find_her() {
    let (_d, l) = ledger();
    for q in [
        "nguyen thi huong",
        "ng t huong",
        "Nguyễn Thị Hường",
        "NGUYEN THI HUONG",
        "nguyen huong",
        "ng th hu",
        "Hường thị",
    ] {
        let found = codes(&l, q);
        assert!(
            found.contains(&"QH-000123".to_string()),
            "{q:?} found {found:?}"
        );
        assert!(
            !found.contains(&"QH-000124".to_string()),
            "{q:?} must not find Nguyễn Văn An"
        );
    }
    // One word finds every Hường and Hương, with or without accents.
    for q in ["Hường", "huong"] {
        let found = codes(&l, q);
        for c in ["QH-000123", "QH-000125", "QH-000127"] {
            assert!(
                found.contains(&c.to_string()),
                "{q:?} should find {c}: {found:?}"
            );
        }
    }
    // đ folds to d both ways.
    assert!(codes(&l, "dang thi huong").contains(&"QH-000125".to_string()));
    assert!(codes(&l, "Đặng").contains(&"QH-000125".to_string()));
    assert!(codes(&l, "tran huu duc").contains(&"QH-000126".to_string()));
    // Decomposed storage and query.
    assert!(codes(&l, "ngo thi huong").contains(&"QH-000127".to_string()));
    assert!(codes(&l, "Ngo\u{302}\u{301}").contains(&"QH-000127".to_string()));
}

#[test]
fn code_id_card_and_village_find_the_person() {
    let (_d, l) = ledger();
    assert_eq!(codes(&l, "QH-000123"), vec!["QH-000123"]);
    assert_eq!(
        codes(&l, "000123"),
        vec!["QH-000123", "XX-000123"],
        "the number alone finds it in every prefix"
    );
    assert_eq!(
        codes(&l, "qh-00012").len(),
        5,
        "a code prefix finds all the codes it starts"
    );
    // ID card: whole, first digits, last digits.
    assert_eq!(codes(&l, "044150012345"), vec!["QH-000123"]);
    assert_eq!(codes(&l, "04415001"), vec!["QH-000123"]);
    // Any run of digits inside the number finds it (suffixes are indexed): every hit contains it.
    let hits = l.search("12345", None).unwrap();
    assert!(hits.iter().any(|h| h.code == "QH-000123"));
    assert!(
        hits.iter()
            .all(|h| h.id_card.as_deref().unwrap_or("").contains("12345")),
        "{hits:?}"
    );
    assert_eq!(codes(&l, "150012345"), vec!["QH-000123"]);
    // Village, with or without accents, combined with a name.
    let dong = codes(&l, "thon dong");
    assert!(dong.contains(&"QH-000123".to_string()) && dong.contains(&"QH-000126".to_string()));
    let hits = l.search("huong thon dong", None).unwrap();
    assert!(hits.iter().any(|h| h.code == "QH-000123"));
    assert!(
        hits.iter()
            .all(|h| h.village == "Thôn Đông" && paypoint::text::fold(&h.name).contains("huong")),
        "{hits:?}"
    );
    assert!(
        !hits.iter().any(|h| h.code == "QH-000125"),
        "Đặng Thị Hương lives in Xóm Trại"
    );
}

#[test]
fn an_empty_query_lists_the_whole_roll_and_nonsense_finds_nothing() {
    let (_d, l) = ledger();
    assert_eq!(l.search("", None).unwrap().len(), 505);
    assert_eq!(l.search("   ", None).unwrap().len(), 505);
    assert_eq!(l.search("", Some(20)).unwrap().len(), 20);
    assert!(l.search("zzzzqqq", None).unwrap().is_empty());
    // FTS syntax typed by accident is only text.
    for q in [
        "\"",
        "*",
        "a AND",
        "NEAR(",
        "-x",
        "^",
        "OR",
        "'; DROP TABLE events; --",
    ] {
        l.search(q, None).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    }
}

#[test]
fn results_carry_what_is_due_and_paid() {
    let (_d, l) = ledger();
    let hit = &l.search("QH-000123", None).unwrap()[0];
    assert_eq!(hit.name, "Nguyễn Thị Hường");
    assert_eq!(hit.village, "Thôn Đông");
    assert_eq!(hit.due, Dong::new(2_789_000).unwrap());
    assert_eq!(hit.paid, Dong::ZERO);
}

#[test]
fn a_ledger_from_before_the_longer_prefixes_finds_the_same_people_after_its_upgrade() {
    let (dir, ledger) = ledger();
    let queries = [
        "nguyen thi huong",
        "ng t huong",
        "huong",
        "thon dong",
        "000124",
        "2077001",
    ];
    let before: Vec<Vec<String>> = queries.iter().map(|q| codes(&ledger, q)).collect();
    drop(ledger);
    // Put the file back as migration 0013 left it, its index emptied: only the upgrade can fill
    // the new one.
    let path = dir.path().join("l.sqlite");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "DROP TABLE beneficiary_search;
             CREATE VIRTUAL TABLE beneficiary_search USING fts5(
                 terms, content = '', tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
             PRAGMA user_version = 13;",
        )
        .unwrap();
    let ledger = Ledger::open(&path).unwrap();
    let after: Vec<Vec<String>> = queries.iter().map(|q| codes(&ledger, q)).collect();
    assert_eq!(after, before);
    assert!(before.iter().all(|c| !c.is_empty()), "{before:?}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let sql: String = conn
        .query_row(
            "SELECT sql FROM sqlite_master WHERE name = 'beneficiary_search'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(sql.contains("'1 2 3 4 5 6 7'"), "{sql}");
}
