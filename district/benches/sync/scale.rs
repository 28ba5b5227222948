//! The hub at a province's and a nation's scale (issue 19), side by side on SQLite and
//! PostgreSQL, one node and two. See the bench's header for the command.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use ed25519_dalek::SigningKey;
use paypoint::roll::Roll;
use paypoint::sync::protocol::{self, EnrolRequest, PushBatch};
use paypoint::Period;
use paypoint_testkit::store::{PgServer, SERVER_ENV, STORE_ENV};
use uuid::Uuid;

use super::common::*;
use super::{chained, signed_post, signed_post_as};

/// A scenario's size.
struct Size {
    name: &'static str,
    devices: usize,
    payouts: usize,
    /// Devices pushing at once (the rest wait their turn, as a payday's load spreads).
    concurrency: usize,
    /// Months every pay point was paid before the timed one, pushed before the clock starts: a
    /// hub at a payday peak holds the months before it, and the proof-of-life rule reads back
    /// three periods of a pay point (`life::new_holds`). The peak's default is 2; the month
    /// scenarios measure a month on an empty hub, as first recorded.
    months_before: usize,
}

/// The days a device's month is sent in (most of a month is paid in the first days).
const DAYS: usize = 5;

fn size(scenario: &str) -> Size {
    let env = |k: &str, d: usize| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let (name, devices, payouts, concurrency, months_before) = match scenario {
        "peak" => ("payday peak", 200, 100, 200, 2),
        "national" => ("national month", 10_000, 330, 64, 0),
        _ => ("province month", 300, 500, 64, 0),
    };
    Size {
        name,
        devices: env("PAYPOINT_BENCH_DEVICES", devices),
        payouts: env("PAYPOINT_BENCH_PAYOUTS", payouts),
        concurrency: env("PAYPOINT_BENCH_CONCURRENCY", concurrency),
        months_before: env("PAYPOINT_BENCH_MONTHS_BEFORE", months_before),
    }
}

/// One device: its pay point (the roll is made again from its number, as the bench's client
/// cannot hold a nation's month in memory), id and key.
struct Dev {
    index: usize,
    id: Uuid,
    key: SigningKey,
    /// The timed month's days, when made with the months before (one chain, made once).
    timed: Option<Vec<Day>>,
}

/// A day's batch as JSON (what the device signs) and gzip'd (what it sends).
type Day = (Vec<u8>, Vec<u8>);

fn pay_point(i: usize) -> String {
    format!("P{i:05}")
}

/// The periods paid, oldest first: the months before, then the timed one ([`PERIOD`]).
fn periods(size: &Size) -> Vec<Period> {
    let mut p: Vec<Period> = vec![PERIOD.parse().unwrap()];
    for _ in 0..size.months_before {
        p.push(p[p.len() - 1].prev());
    }
    p.reverse();
    p
}

/// The roll of pay point `i` for `period`: the same people every month.
fn roll_of(i: usize, period: Period, size: &Size) -> Roll {
    paypoint::demo::roll(period, size.payouts, i as u64, &pay_point(i))
}

/// A device's months, one chain, cut into days: those of the months before the timed one, and
/// those of the timed one.
fn days_of(dev: &Dev, size: &Size) -> (Vec<Day>, Vec<Day>) {
    let payloads = periods(size)
        .into_iter()
        .flat_map(|p| payloads_of(&roll_of(dev.index, p, size)))
        .collect::<Vec<_>>();
    let events = chained(dev.id, payloads.into_iter());
    let (before, timed) = events.split_at(size.months_before * size.payouts);
    (in_days(dev, before, size), in_days(dev, timed, size))
}

fn in_days(dev: &Dev, events: &[paypoint::event::Event], size: &Size) -> Vec<Day> {
    let per_day = size.payouts.div_ceil(DAYS).max(1);
    events
        .chunks(per_day)
        .map(|day| {
            let json = serde_json::to_vec(&PushBatch::new(dev.id, day)).unwrap();
            let gz = gzip(&json);
            (json, gz)
        })
        .collect()
}

/// What one run measured.
struct Measured {
    wall: Duration,
    payouts: usize,
    latencies: Vec<Duration>,
    peak_rss_kib: Vec<u64>,
}

pub fn run(scenario: &str) {
    let size = size(scenario);
    let server = {
        std::env::set_var("PG_TEST_DURABLE", "1");
        PgServer::for_test()
    };
    println!(
        "## {}: {} devices × {} payouts, {} pushing at once, {DAYS} batches (a day each, gzip) per device, {} month(s) before already on the hub",
        size.name, size.devices, size.payouts, size.concurrency, size.months_before
    );
    println!("| store | nodes | wall | payouts/s | push p50 | push p99 | peak memory per node |");
    println!("|---|---|---|---|---|---|---|");
    // `PAYPOINT_BENCH_STORES=postgres:1` runs only that one (the national month takes about half
    // an hour a store on 2 cores, most of it publishing and enrolling 10.000 pay points).
    let only = std::env::var("PAYPOINT_BENCH_STORES").ok();
    for (store, nodes) in [("sqlite", 1), ("postgres", 1), ("postgres", 2)] {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|s| s == format!("{store}:{nodes}")))
        {
            continue;
        }
        std::env::set_var(STORE_ENV, store);
        std::env::set_var(SERVER_ENV, &server.url);
        let m = one_run(&size, nodes);
        let mut l = m.latencies.clone();
        l.sort();
        let pct = |p: f64| l[((l.len() as f64 * p) as usize).min(l.len() - 1)];
        println!(
            "| {store} | {nodes} | {:.1} s | {:.0} | {:.1} ms | {:.1} ms | {} |",
            m.wall.as_secs_f64(),
            m.payouts as f64 / m.wall.as_secs_f64(),
            pct(0.50).as_secs_f64() * 1e3,
            pct(0.99).as_secs_f64() * 1e3,
            m.peak_rss_kib
                .iter()
                .map(|k| format!("{} MiB", k / 1024))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}

fn one_run(size: &Size, nodes: usize) -> Measured {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub");
    let district = open_hub(&data);
    publish_rolls(&district, size);
    drop(district);
    hub::without_clock_checks(std::path::Path::new(hub_bin()), &data);
    let hubs: Vec<HubProc> = (0..nodes).map(|_| start_hub(&data)).collect();
    let urls: Vec<String> = hubs.iter().map(HubProc::url).collect();
    let mut devices = enrol(&data, &urls[0], size);
    push_months_before(&mut devices, &urls, size);
    let payouts = size.devices * size.payouts * (size.months_before + 1);
    let (latencies, wall) = push_all(devices, &urls, size);
    let timed = size.devices * size.payouts;
    let stored = hubs[0]
        .store()
        .value("SELECT count(*) FROM payouts", &[])
        .unwrap()
        .int();
    assert_eq!(stored as usize, payouts, "every payout once");
    let flags = hubs[0]
        .store()
        .rows("SELECT kind, count(*) FROM flags GROUP BY kind", &[])
        .unwrap();
    assert!(
        flags.is_empty(),
        "an honest month raises no flag: {flags:?}"
    );
    let peak_rss_kib = hubs.iter().map(peak_rss).collect();
    Measured {
        wall,
        payouts: timed,
        latencies,
        peak_rss_kib,
    }
}

/// Every pay point with its rolls published, as the office does at the start of each month.
fn publish_rolls(district: &district::Hub, size: &Size) {
    for i in 0..size.devices {
        let pp = pay_point(i);
        district.add_pay_point(&pp, &pp).unwrap();
        for period in periods(size) {
            district
                .store_roll(&pp, &roll_of(i, period, size), "bench")
                .unwrap();
            district.publish_roll(&pp, period).unwrap();
        }
    }
}

/// The months before the timed one pushed by every device, untimed, eight devices at once.
fn push_months_before(devices: &mut [Dev], urls: &[String], size: &Size) {
    if size.months_before == 0 {
        return;
    }
    let queue = Mutex::new(devices.iter_mut());
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| {
                let http = client();
                while let Some(dev) = {
                    let next = queue.lock().unwrap().next();
                    next
                } {
                    let path = format!("/v1/pay-points/{}/batches", pay_point(dev.index));
                    let (before, timed) = days_of(dev, size);
                    dev.timed = Some(timed);
                    for (json, gz) in before {
                        let (s, b) = signed_post_as(
                            &http,
                            &urls[0],
                            &path,
                            &json,
                            Some(&gz),
                            dev.id,
                            &dev.key,
                        );
                        assert_eq!(s, 200, "{b}");
                    }
                }
            });
        }
    });
}

/// Every device enrolled (a code each).
fn enrol(data: &std::path::Path, url: &str, size: &Size) -> Vec<Dev> {
    let district = open_hub(data);
    let http = client();
    (0..size.devices)
        .map(|index| {
            let pay_point = pay_point(index);
            let key = SigningKey::generate(&mut rand::rngs::OsRng);
            let id = Uuid::now_v7();
            let req = EnrolRequest {
                code: district.enrol_code(&pay_point).unwrap(),
                device: id,
                pay_point: pay_point.clone(),
                public_key: protocol::public_key_hex(&key.verifying_key()),
            };
            let body = serde_json::to_vec(&req).unwrap();
            let (s, b) = signed_post(&http, url, "/v1/enrol", &body, id, &key);
            assert_eq!(s, 200, "{b}");
            Dev {
                index,
                id,
                key,
                timed: None,
            }
        })
        .collect()
}

/// A device's month: everyone on its roll paid their lines (chained as the ledger chains them by
/// [`chained`]).
fn payloads_of(roll: &Roll) -> Vec<serde_json::Value> {
    let mut line = 0;
    let payloads = roll.entries.iter().map(|entry| {
        let lines: Vec<_> = entry
            .lines
            .iter()
            .map(|l| {
                line += 1;
                serde_json::json!({"line": line, "amount": l.amount, "kind": l.kind})
            })
            .collect();
        let amount: i64 = entry.lines.iter().map(|l| l.amount.as_i64()).sum();
        serde_json::json!({
            "period": roll.period, "code": entry.code, "amount": amount, "lines": lines,
            "recipient": "self", "proxy_name": null, "proxy_id_card": null, "at_home": false,
            "id_check": paypoint::idcard::IdCheck::Manual { last4: None },
        })
    });
    payloads.collect()
}

/// Every device's days pushed, `concurrency` devices at once, a device's requests alternating
/// over the nodes; each push's latency, and the wall time from the first push to the last.
///
/// Each pushing thread builds its first device's batches before the start, and all start
/// together: a real device builds its batches on its own machine, as a load tool holds its
/// requests ready, so the first wave (the whole of the payday peak) measures the hub and not the
/// bench making 200 months on the hub's cores. Later devices' batches are built when their turn
/// comes (a nation's month does not fit in memory), as before.
fn push_all(devices: Vec<Dev>, urls: &[String], size: &Size) -> (Vec<Duration>, Duration) {
    let queue = Arc::new(Mutex::new(devices.into_iter()));
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let turn = AtomicUsize::new(0);
    let start = Barrier::new(size.concurrency + 1);
    let began = std::thread::scope(|scope| {
        for _ in 0..size.concurrency {
            let (queue, latencies, turn, start) = (queue.clone(), latencies.clone(), &turn, &start);
            scope.spawn(move || {
                let http = client();
                let mut mine = Vec::new();
                let next = || {
                    let mut dev = queue.lock().unwrap().next()?;
                    let days = dev.timed.take().unwrap_or_else(|| days_of(&dev, size).1);
                    Some((dev, days))
                };
                let mut ready = next();
                start.wait();
                while let Some((dev, days)) = ready {
                    let path = format!("/v1/pay-points/{}/batches", pay_point(dev.index));
                    for (json, gz) in days {
                        let url = &urls[turn.fetch_add(1, Ordering::Relaxed) % urls.len()];
                        let t = Instant::now();
                        let (s, b) =
                            signed_post_as(&http, url, &path, &json, Some(&gz), dev.id, &dev.key);
                        mine.push(t.elapsed());
                        assert_eq!(s, 200, "{b}");
                    }
                    ready = next();
                }
                latencies.lock().unwrap().extend(mine);
            });
        }
        start.wait();
        Instant::now()
    });
    let wall = began.elapsed();
    let l = latencies.lock().unwrap().clone();
    (l, wall)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(300))
        .build()
        .unwrap()
}

/// The node's peak resident memory (VmHWM), KiB.
fn peak_rss(hub: &HubProc) -> u64 {
    let pid = hub.child.as_ref().map_or(0, std::process::Child::id);
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
