//! Roll import benchmark (issue: roll import). `cargo bench --bench import`.
//!
//! Reads a 5.000-row district-style .xlsx roll, in Unicode and in TCVN3, end to end: open the
//! workbook, detect the encoding, decode, find the header, check every row and total. Target:
//! under 1 s each. Also times loading the read roll into a ledger.

use std::time::Instant;

use paypoint::encoding::TextEncoding;
use paypoint::import::{read_roll, EncodingChoice, ImportOptions};
use paypoint::{demo, Ledger, Period};
use paypoint_testkit::rollfile;

fn main() {
    let period: Period = "2026-12".parse().unwrap();
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-tmp");
    std::fs::create_dir_all(&base).unwrap();
    let dir = tempfile::tempdir_in(base).unwrap();
    let roll = demo::roll(period, 5_000, 11, "QH01");
    println!("| what | time | file |");
    println!("|---|---|---|");
    for enc in [
        TextEncoding::Unicode,
        TextEncoding::Tcvn3,
        TextEncoding::Vni,
    ] {
        let path = dir.path().join(format!("roll-{}.xlsx", enc.as_str()));
        let shape = rollfile::Shape {
            encoding: enc,
            ..rollfile::Shape::standard(&roll)
        };
        rollfile::write_xlsx(&roll, &shape, &path);
        let size = std::fs::metadata(&path).unwrap().len();
        let opts = ImportOptions {
            period,
            encoding: EncodingChoice::Auto,
        };
        // Best of five: the first run also warms the page cache.
        let mut best = f64::MAX;
        let mut preview = None;
        for _ in 0..5 {
            let t = Instant::now();
            let p = read_roll(&path, &opts).unwrap();
            best = best.min(t.elapsed().as_secs_f64());
            preview = Some(p);
        }
        let p = preview.unwrap();
        assert_eq!(p.encoding, enc);
        assert_eq!(p.beneficiaries, 5_000);
        println!(
            "| read and check a 5.000-row .xlsx roll, {} (auto-detected) | {:.0} ms | {} KB |",
            enc.as_str(),
            best * 1000.0,
            size / 1024
        );
        if enc == TextEncoding::Unicode {
            let mut ledger = Ledger::init(&dir.path().join("l.sqlite"), "QH01", "Bench").unwrap();
            let t = Instant::now();
            ledger.apply_roll(&p.roll, &p.file).unwrap();
            println!(
                "| load the read roll into a new ledger (one commit) | {:.0} ms | |",
                t.elapsed().as_secs_f64() * 1000.0
            );
        }
    }
}
