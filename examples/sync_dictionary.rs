//! Trains the zstd dictionary that devices and hubs share for batch bodies (issue 21):
//! `cargo run --release --example sync_dictionary` writes `src/sync/batch.zdict`, which both ends
//! build in (`paypoint::sync::protocol::zstd_body`, `unzstd_body`).
//!
//! The samples are batches the real code builds (`PushBatch::new`) from real ledgers: pay points
//! of several provinces, rolls of 40 to 600 people from the shipped rate table, cash advances,
//! payouts to a few or to most people, in batches of 1 to 500 events. None uses the benchmark's
//! pay point (QH01) or its roll's seed, so the sync bench does not measure a dictionary that has
//! seen its data. Training is deterministic for a given code base (fixed seeds; the events' UUIDs
//! and times are random, so the dictionary's bytes are not, and a new one gets a new id).
use paypoint::clerk::{Pin, Role};
use paypoint::payout::PayoutRequest;
use paypoint::sync::protocol::PushBatch;
use paypoint::{demo, BeneficiaryCode, Dong, Ledger, Period};
use rand::{Rng, SeedableRng};

/// The dictionary's size: 32 KiB took 2,5 % more off a day's batch than 8 KiB, 64 KiB nothing more.
const DICTIONARY_BYTES: usize = 32 * 1024;
const PAY_POINTS: &[&str] = &[
    "HN02", "TB07", "ND11", "KT03", "DL15", "CM21", "LC04", "HG09",
];
const BATCH_SIZES: &[usize] = &[1, 2, 3, 5, 8, 13, 30, 60, 120, 300, 500];

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2026);
    let mut samples = Vec::new();
    for (k, pp) in PAY_POINTS.iter().cycle().take(24).enumerate() {
        let path = dir.path().join(format!("{k}.sqlite"));
        let mut ledger = Ledger::init(&path, pp, &format!("Bưu điện {pp}")).unwrap();
        let pin = Pin::new("1234").unwrap();
        let c = ledger.add_clerk("Trần Thị Mai", Role::Clerk, &pin).unwrap();
        let clerk = ledger.sign_in(c.id, &pin).unwrap();
        let period: Period = format!("2026-{:02}", 1 + k % 12).parse().unwrap();
        let size = rng.gen_range(40..600);
        let roll = demo::roll(period, size, 100 + k as u64, pp);
        ledger.load_roll(&roll, "dictionary", true).unwrap();
        ledger
            .record_advance(&clerk, Dong::new(900_000_000_000).unwrap(), "")
            .unwrap();
        let share = rng.gen_range(0.2..1.0);
        for e in &roll.entries {
            if rng.gen_bool(share) {
                let code = BeneficiaryCode::new(e.code.as_str()).unwrap();
                // Some people are not payable (stopped, on hold): skipped, as at a counter.
                let _ = ledger.record_payout(&clerk, &PayoutRequest::at_counter(code));
            }
        }
        let device = ledger.device().id;
        let mut after = 0;
        loop {
            let n = BATCH_SIZES[rng.gen_range(0..BATCH_SIZES.len())];
            let events = ledger.events_after(after, n).unwrap();
            let Some(last) = events.last() else { break };
            after = last.seq;
            samples.push(serde_json::to_vec(&PushBatch::new(device, &events)).unwrap());
        }
    }
    let dict = zstd::dict::from_samples(&samples, DICTIONARY_BYTES).unwrap();
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sync/batch.zdict");
    std::fs::write(&out, &dict).unwrap();
    println!(
        "{} samples, {} B in all: {} B dictionary written to {}",
        samples.len(),
        samples.iter().map(Vec::len).sum::<usize>(),
        dict.len(),
        out.display()
    );
}
