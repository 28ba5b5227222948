//! Bytes → the roll importer (`paypoint::import::read_roll`), as a clerk's file. The first byte
//! picks the file's extension (the importer reads by extension: CSV, .xlsx, .xls, .ods) and the
//! encoding option; the rest is the file. Errors are fine; a panic, a hang or an answer that
//! contradicts itself is not.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use paypoint::encoding::TextEncoding;
use paypoint::import::{read_roll, EncodingChoice, ImportOptions};
use paypoint::Period;

static DIR: LazyLock<tempfile::TempDir> = LazyLock::new(|| {
    if std::path::Path::new("/dev/shm").is_dir() {
        tempfile::tempdir_in("/dev/shm")
    } else {
        tempfile::tempdir()
    }
    .expect("temporary directory")
});

const EXTENSIONS: [&str; 4] = ["csv", "xlsx", "xls", "ods"];

fuzz_target!(|data: &[u8]| {
    let Some((&sel, file)) = data.split_first() else {
        return;
    };
    let ext = EXTENSIONS[usize::from(sel & 3)];
    let encoding = match (sel >> 2) & 3 {
        0 | 1 => EncodingChoice::Auto,
        2 => EncodingChoice::Force(TextEncoding::Tcvn3),
        _ => EncodingChoice::Force(TextEncoding::Vni),
    };
    let path = DIR.path().join(format!("danh-sach.{ext}"));
    std::fs::write(&path, file).expect("write the file");
    let opts = ImportOptions {
        period: Period::new(2025, 7).unwrap(),
        encoding,
    };
    if let Ok(preview) = read_roll(&path, &opts) {
        // What the preview says is what the roll holds.
        assert_eq!(preview.beneficiaries, preview.roll.entries.len());
        assert_eq!(
            preview.lines,
            preview
                .roll
                .entries
                .iter()
                .map(|e| e.lines.len())
                .sum::<usize>()
        );
        let total = preview.roll.total().expect("a previewed roll has a total");
        assert_eq!(preview.total, total);
        if let Some(stated) = preview.stated_total {
            assert_eq!(stated, total, "a stated total that differs is refused");
        }
        assert!(
            preview.roll.validate().is_ok(),
            "a previewed roll validates"
        );
        // What loading and publishing do with it next.
        let json = serde_json::to_string(&preview).expect("preview serialises");
        assert!(!json.is_empty());
        let normalised = preview.roll.normalised();
        let back: paypoint::roll::Roll =
            serde_json::from_str(&serde_json::to_string(&normalised).unwrap()).unwrap();
        assert_eq!(back, normalised);
        assert_eq!(
            normalised.normalised(),
            normalised,
            "normalising is idempotent"
        );
        let _ = normalised.content_hash();
    }
});
