//! Ledger benchmarks (issue: core ledger). Run with `cargo bench --bench ledger`; add `-- --quick`
//! to skip the 1.000.000-beneficiary search (it builds a ~1 GB ledger first), `-- --search` for
//! only the two searches (`BENCH_VERBOSE=1` names the slowest queries), `-- --commit` for only the
//! two payout commits (`BENCH_COMMITS=N` payouts each, 2.000 by default, timed after
//! `BENCH_WARM=N` untimed ones, 1.100 by default; `BENCH_TREES=7` makes the baseline write one row
//! in each of seven tables, as many pages as a payout).
//!
//! 1. Durable payout commit latency against a bare single-row INSERT with the same pragmas
//!    (WAL, synchronous=FULL) on the same disk, interleaved in one run, as a ratio; the INSERT's
//!    file is encrypted with the same kind of key when the ledger is.
//! 2. Search latency on demo rolls of 10.000 and 1.000.000 beneficiaries against a plain
//!    `LIKE '%…%'` query over the same folded text, as a ratio.
//!
//! Results go to stdout as a Markdown table; BENCHMARKS.md records them with the machine.
// A test or bench reads as one story: the 100-line limit is for shipped code.
#![allow(clippy::too_many_lines)]

use std::path::Path;
use std::time::{Duration, Instant};

use paypoint::clerk::{Pin, Role};
use paypoint::payout::PayoutRequest;
use paypoint::{demo, BeneficiaryCode, Dong, Ledger, Period};
use rusqlite::Connection;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn bench_dir() -> tempfile::TempDir {
    // On the project's disk, not a RAM-backed /tmp, so fsync costs what it costs a clerk.
    let base = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("bench-tmp");
    std::fs::create_dir_all(&base).unwrap();
    tempfile::tempdir_in(base).unwrap()
}

/// Commits made on both files before timing. A new file's WAL grows with each commit, and an
/// fsync that also extends the file costs ext4 a journal commit: a single-row INSERT, one page a
/// commit, reaches SQLite's 1.000-frame checkpoint and reuses its WAL only after 1.000 commits,
/// a payout (seven pages) after 143. Timed from the start, the INSERT paid for growth the payout
/// no longer did, and the ratio looked better than the ledger a clerk uses all day.
const WARM_COMMITS: usize = 1100;

fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

fn payout_commit(samples: usize, encrypted: bool) {
    let dir = bench_dir();
    let period: Period = "2026-12".parse().unwrap();
    let path = dir.path().join("ledger.sqlite");
    // The shipped ledger is encrypted (SQLCipher); the plain one shows what encryption costs.
    let key = paypoint::vault::LedgerKey::generate();
    let mut ledger = if encrypted {
        Ledger::init_encrypted(&path, "QH01", "Bench", &key).unwrap()
    } else {
        Ledger::init(&path, "QH01", "Bench").unwrap()
    };
    let label = if encrypted {
        "encrypted"
    } else {
        "unencrypted"
    };
    ledger
        .add_clerk("Mai", Role::Clerk, &Pin::new("1234").unwrap())
        .unwrap();
    let warm = env_count("BENCH_WARM", WARM_COMMITS);
    let roll = demo::roll(period, samples + warm, 1, "QH01");
    ledger.load_roll(&roll, "demo", true).unwrap();
    // Sign in once, as the clerk does at the start of the day: the PIN check is not the commit.
    let clerk = ledger.sign_in(1, &Pin::new("1234").unwrap()).unwrap();
    ledger
        .record_advance(&clerk, Dong::new(900_000_000_000).unwrap(), "")
        .unwrap();

    // The baseline is encrypted too when the ledger is (issue 21): the same key, the same
    // SQLCipher page work, so the ratio measures our commit and not the cipher.
    let bare = Connection::open(dir.path().join("bare.sqlite")).unwrap();
    if encrypted {
        bare.execute_batch(&format!("PRAGMA key = \"{}\";", *key.sqlcipher_key()))
            .unwrap();
    }
    let mode: String = bare
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    bare.pragma_update(None, "synchronous", "FULL").unwrap();
    let trees = env_count("BENCH_TREES", 1);
    for k in 0..trees {
        bare.execute_batch(&format!(
            "CREATE TABLE t{k} (id INTEGER PRIMARY KEY, code TEXT NOT NULL, amount INTEGER NOT NULL)"
        ))
        .unwrap();
    }

    let mut payout = Vec::with_capacity(samples);
    let mut insert = Vec::with_capacity(samples);
    for (i, e) in roll.entries.iter().enumerate() {
        // Interleaved so that both see the same disk weather.
        let t = Instant::now();
        ledger
            .record_payout(
                &clerk,
                &PayoutRequest::at_counter(BeneficiaryCode::new(e.code.as_str()).unwrap()),
            )
            .unwrap();
        if i >= warm {
            payout.push(t.elapsed());
        }
        let t = Instant::now();
        // One transaction: with BENCH_TREES=7 it writes as many b-tree pages as a payout does
        // (the event and its id index, the payout and its beneficiary index, the line and its
        // payout index, the cash movement), so the ratio then shows what a payout costs beyond
        // its pages.
        bare.execute_batch("BEGIN IMMEDIATE").unwrap();
        for k in 0..trees {
            bare.prepare_cached(&format!("INSERT INTO t{k} (code, amount) VALUES (?1, ?2)"))
                .unwrap()
                .execute(rusqlite::params![e.code.as_str(), i as i64])
                .unwrap();
        }
        bare.execute_batch("COMMIT").unwrap();
        if i >= warm {
            insert.push(t.elapsed());
        }
    }
    payout.sort();
    insert.sort();
    let (p50, p99) = (percentile(&payout, 0.5), percentile(&payout, 0.99));
    let (b50, b99) = (percentile(&insert, 0.5), percentile(&insert, 0.99));
    println!(
        "| durable payout commit, {label} ({samples} payouts after {warm}, roll of {}) | {:.3} ms | {:.3} ms |",
        samples + warm,
        ms(p50),
        ms(p99)
    );
    println!(
        "| bare INSERT of one row in each of {trees} table(s), {label} file, same pragmas and disk | {:.3} ms | {:.3} ms |",
        ms(b50),
        ms(b99)
    );
    println!(
        "| ratio payout ({label}) / bare INSERT | {:.2}× | {:.2}× |",
        p50.as_secs_f64() / b50.as_secs_f64(),
        p99.as_secs_f64() / b99.as_secs_f64()
    );
}

const QUERIES: &[&str] = &[
    "nguyen thi huong",
    "ng t huong",
    "Hường",
    "tran van",
    "le ngoc lan",
    "dang dinh",
    "thon dong",
    "pham xuan nhung",
    "vo thi yen",
    "hoang van nam",
    "bui",
    "huynh kim",
];

fn search(size: usize, rounds: usize) {
    let dir = bench_dir();
    let path = dir.path().join("ledger.sqlite");
    let period: Period = "2026-12".parse().unwrap();
    let t = Instant::now();
    // Searched as shipped: encrypted.
    let key = paypoint::vault::LedgerKey::generate();
    let mut ledger = Ledger::init_encrypted(&path, "QH01", "Bench", &key).unwrap();
    let roll = demo::roll(period, size, 5, "QH01");
    // Codes and ID cards of people on the roll, typed in part, as the clerk does.
    let mut queries: Vec<String> = QUERIES.iter().map(|s| s.to_string()).collect();
    for e in roll.entries.iter().step_by((size / 8).max(1)).take(8) {
        queries.push(e.code.to_string());
        queries.push(e.id_card.as_deref().unwrap()[..9].to_string());
    }
    ledger.load_roll(&roll, "demo", true).unwrap();
    drop(roll);
    let build = t.elapsed();

    // The baseline: the same folded text in a plain table, searched with LIKE '%word%' per word.
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", *key.sqlcipher_key()))
        .unwrap();
    conn.execute_batch("CREATE TABLE plain (id INTEGER PRIMARY KEY, terms TEXT NOT NULL)")
        .unwrap();
    {
        let tx = conn.unchecked_transaction().unwrap();
        let mut stmt = conn
            .prepare("SELECT id, name, code, village, coalesce(id_card, '') FROM beneficiaries")
            .unwrap();
        let mut ins = conn
            .prepare("INSERT INTO plain (id, terms) VALUES (?1, ?2)")
            .unwrap();
        let rows: Vec<(i64, String, String, String, String)> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        for (id, name, code, village, id_card) in rows {
            let terms = paypoint::text::fold(&format!("{name} {code} {village} {id_card}"));
            ins.execute(rusqlite::params![id, terms]).unwrap();
        }
        tx.commit().unwrap();
    }

    let limit = 50;
    let mut per_query: std::collections::BTreeMap<&str, Duration> = Default::default();
    let mut ours = Vec::new();
    let mut like = Vec::new();
    let mut hits = 0usize;
    for _ in 0..rounds {
        for q in &queries {
            let t = Instant::now();
            hits += ledger.search(q, Some(limit)).unwrap().len();
            let took = t.elapsed();
            ours.push(took);
            let worst = per_query.entry(q.as_str()).or_default();
            *worst = (*worst).max(took);

            let words: Vec<String> = paypoint::text::fold(q)
                .split_whitespace()
                .map(|w| format!("%{w}%"))
                .collect();
            let cond = vec!["terms LIKE ?"; words.len()].join(" AND ");
            let sql = format!(
                "SELECT b.code, b.name, b.village FROM plain p JOIN beneficiaries b ON b.id = p.id WHERE {cond} ORDER BY p.id LIMIT {limit}"
            );
            let t = Instant::now();
            let mut stmt = conn.prepare_cached(&sql).unwrap();
            let n = stmt
                .query_map(rusqlite::params_from_iter(words.iter()), |r| {
                    r.get::<_, String>(0)
                })
                .unwrap()
                .count();
            like.push(t.elapsed());
            std::hint::black_box(n);
        }
    }
    ours.sort();
    like.sort();
    let (p50, p99) = (percentile(&ours, 0.5), percentile(&ours, 0.99));
    let (l50, l99) = (percentile(&like, 0.5), percentile(&like, 0.99));
    println!(
        "| search, {size} beneficiaries ({} queries × {rounds}, first {limit} hits; built in {:.1} s) | {:.3} ms | {:.3} ms |",
        queries.len(),
        build.as_secs_f64(),
        ms(p50),
        ms(p99)
    );
    println!(
        "| plain LIKE '%…%' on the same folded text, {size} | {:.3} ms | {:.3} ms |",
        ms(l50),
        ms(l99)
    );
    println!(
        "| ratio LIKE / search, {size} | {:.1}× | {:.1}× |",
        l50.as_secs_f64() / p50.as_secs_f64(),
        l99.as_secs_f64() / p99.as_secs_f64()
    );
    std::hint::black_box(hits);
    if std::env::var_os("BENCH_VERBOSE").is_some() {
        let mut worst: Vec<_> = per_query.into_iter().collect();
        worst.sort_by_key(|(_, d)| std::cmp::Reverse(*d));
        for (q, d) in worst.iter().take(5) {
            eprintln!("  slowest: {q:?} {:.3} ms", ms(*d));
        }
    }
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let only_search = std::env::args().any(|a| a == "--search");
    let only_commit = std::env::args().any(|a| a == "--commit");
    println!("| what | p50 | p99 |");
    println!("|---|---|---|");
    if !only_search {
        let commits = std::env::var("BENCH_COMMITS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(if quick { 300 } else { 2000 });
        payout_commit(commits, true);
        payout_commit(commits, false);
    }
    if only_commit {
        return;
    }
    search(10_000, 20);
    if !quick {
        search(1_000_000, 5);
    }
}
