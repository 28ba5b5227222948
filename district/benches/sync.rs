//! Sync benchmarks (results in BENCHMARKS.md, "## Sync"): `cargo bench -p paypoint-district`.
//!
//! 1. Bytes on the wire and time to sync a day of 300 payouts through a counting TCP proxy,
//!    against the gzip and zstd sizes of a minimal CSV of the same facts (`SYNC_BENCH_WIRE=FILE`
//!    appends every byte the proxy passes to FILE; `SYNC_BENCH_DUMP=PREFIX` writes the batch's
//!    JSON and the CSV).
//! 2. Hub ingest: 184 devices pushing a month (30.000 payouts in all) at once.
//!
//! At scale (issue 19; not part of the default run, each names its scenario):
//! `cargo bench -p paypoint-district --bench sync -- scale province|peak|national`, with
//! `PAYPOINT_BENCH_DEVICES` and `PAYPOINT_BENCH_PAYOUTS` to change the sizes. Each scenario runs
//! side by side on SQLite (one node), PostgreSQL (one node) and PostgreSQL (two nodes, requests
//! alternating), or only those `PAYPOINT_BENCH_STORES` names (`sqlite:1,postgres:1,postgres:2`):
//! the month's rolls published, every device's month pushed as devices before issue 21 sent it (a
//! day's events per batch, gzip; today's devices send zstd, which the hub decodes at about the same
//! cost), the push latencies, the wall time and each node's peak memory. The peak pushes each
//! device's two months before first, untimed (`PAYPOINT_BENCH_MONTHS_BEFORE`, 0 for none): a hub
//! at a payday holds them, and proof of life reads three periods back.

#[path = "../tests/common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use ed25519_dalek::SigningKey;
use paypoint::event::{Event, EventKind, GENESIS_HASH};
use paypoint::sync::client;
use paypoint::sync::protocol::{
    self, EnrolRequest, PushBatch, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use uuid::Uuid;

/// A pass-through proxy that counts the bytes each way.
struct Counter {
    addr: SocketAddr,
    up: Arc<AtomicU64>,
    down: Arc<AtomicU64>,
}

fn pump(mut from: TcpStream, mut to: TcpStream, count: Arc<AtomicU64>) {
    let mut buf = [0u8; 16384];
    while let Ok(n) = from.read(&mut buf) {
        if n == 0 || to.write_all(&buf[..n]).is_err() {
            break;
        }
        count.fetch_add(n as u64, Ordering::Relaxed);
        if let Ok(p) = std::env::var("SYNC_BENCH_WIRE") {
            use std::io::Write as _;
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .unwrap();
            f.write_all(&buf[..n]).unwrap();
        }
    }
    let _ = to.shutdown(std::net::Shutdown::Write);
}

impl Counter {
    fn start(upstream: SocketAddr) -> Counter {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = l.local_addr().unwrap();
        let up = Arc::new(AtomicU64::new(0));
        let down = Arc::new(AtomicU64::new(0));
        let (u, d) = (up.clone(), down.clone());
        std::thread::spawn(move || {
            for c in l.incoming().flatten() {
                let s = TcpStream::connect(upstream).unwrap();
                let (c2, s2) = (c.try_clone().unwrap(), s.try_clone().unwrap());
                let (u, d) = (u.clone(), d.clone());
                std::thread::spawn(move || pump(c, s, u));
                std::thread::spawn(move || pump(s2, c2, d));
            }
        });
        Counter { addr, up, down }
    }

    fn take(&self) -> (u64, u64) {
        (
            self.up.swap(0, Ordering::Relaxed),
            self.down.swap(0, Ordering::Relaxed),
        )
    }
}

fn gzip9_len(b: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(b).unwrap();
    e.finish().unwrap().len()
}

fn gzip_len(b: &[u8]) -> usize {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap().len()
}

fn zstd_len(b: &[u8], level: i32) -> usize {
    zstd::encode_all(b, level).unwrap().len()
}

fn day_of_300() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 300);
    let counter = Counter::start(hub.addr);
    let url = format!("http://{}", counter.addr);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    let code = hub.enrol_code("QH01");
    client::enrol(&mut dev.ledger, &url, &code, &fast_opts()).unwrap();
    let t = Instant::now();
    dev.sync().unwrap();
    let roll_time = t.elapsed();
    let (ru, rd) = counter.take();
    dev.ledger
        .record_advance(&dev.clerk, paypoint::Dong::new(5_000_000_000).unwrap(), "")
        .unwrap();
    let acked = client::status(&dev.ledger).unwrap().acknowledged;
    dev.pay_first("QH01", 300);
    let t = Instant::now();
    let r = dev.sync().unwrap();
    let day_time = t.elapsed();
    let (up, down) = counter.take();
    // The same facts as a minimal CSV: one row per event pushed.
    let mut csv = String::from("seq,id,kind,time,clerk,code,amount\n");
    for e in dev.ledger.events_after(acked, 10_000).unwrap() {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            e.seq,
            e.id,
            e.kind.as_str(),
            e.time,
            e.clerk.unwrap_or(0),
            e.payload.get("code").and_then(|v| v.as_str()).unwrap_or(""),
            e.payload
                .get("amount")
                .and_then(|v| v.as_i64())
                .unwrap_or(0)
        ));
    }
    // The same, with each event's SHA-256 (what lets the hub name a tampered event).
    let mut csv_h = String::from("seq,id,kind,time,clerk,code,amount,hash\n");
    for (line, e) in csv
        .lines()
        .skip(1)
        .zip(dev.ledger.events_after(acked, 10_000).unwrap())
    {
        csv_h.push_str(&format!("{line},{}\n", e.hash));
    }
    let gz_h = gzip_len(csv_h.as_bytes());
    let zs_h = zstd_len(csv_h.as_bytes(), 3);
    let gz = gzip_len(csv.as_bytes());
    let zs = zstd_len(csv.as_bytes(), 3);
    let zs19 = zstd_len(csv.as_bytes(), 19);
    println!(
        "## day of 300 payouts ({} events, {} batches)",
        r.events_acknowledged, r.batches
    );
    println!("roll pull (300 people, signed): {ru} B up, {rd} B down, {roll_time:.2?}");
    println!(
        "push: {up} B up, {down} B down, total {} B, {day_time:.2?}",
        up + down
    );
    println!(
        "minimal CSV: {} B raw, {gz} B gzip -6, {zs} B zstd -3, {zs19} B zstd -19",
        csv.len(),
    );
    println!(
        "CSV with the hash column: {} B raw, {gz_h} B gzip, {zs_h} B zstd -3",
        csv_h.len(),
    );
    let wire = (up + down) as f64;
    println!(
        "ratio wire/gzip CSV: {:.2}; wire/zstd -3 CSV: {:.2}; wire/zstd -19 CSV: {:.2}",
        wire / gz as f64,
        wire / zs as f64,
        wire / zs19 as f64,
    );
    // The request body alone (what the format decides; the rest is HTTP and the receipt).
    let acked2 = acked;
    let events = dev.ledger.events_after(acked2, 10_000).unwrap();
    let batch = PushBatch::new(dev.ledger.device().id, &events);
    let json = serde_json::to_vec(&batch).unwrap();
    if let Ok(p) = std::env::var("SYNC_BENCH_DUMP") {
        std::fs::write(format!("{p}.json"), &json).unwrap();
        std::fs::write(format!("{p}.csv"), &csv).unwrap();
    }
    println!(
        "request body: {} B JSON, {} B zstd with the shipped dictionary (as sent), {} B gzip -9 (as sent to a hub before issue 21)",
        json.len(),
        protocol::zstd_body(&json).len(),
        gzip9_len(&json)
    );
}

fn signed_post(
    http: &reqwest::blocking::Client,
    url: &str,
    path: &str,
    body: &[u8],
    device: Uuid,
    key: &SigningKey,
) -> (u16, String) {
    signed_post_as(http, url, path, body, None, device, key)
}

/// A POST signed as the device signs it: over the JSON `body`, sent as `gzipped` when given.
fn signed_post_as(
    http: &reqwest::blocking::Client,
    url: &str,
    path: &str,
    body: &[u8],
    gzipped: Option<&[u8]>,
    device: Uuid,
    key: &SigningKey,
) -> (u16, String) {
    let ts = chrono::Utc::now().timestamp();
    let nonce = hex::encode(rand::random::<[u8; 16]>());
    let sig = protocol::sign_request(key, "POST", path, ts, &nonce, body);
    let mut req = http
        .post(format!("{url}{path}"))
        .header(HEADER_DEVICE, device.to_string())
        .header(HEADER_TIMESTAMP, ts.to_string())
        .header(HEADER_NONCE, nonce)
        .header(HEADER_SIGNATURE, sig);
    req = match gzipped {
        Some(gz) => req
            .header(reqwest::header::CONTENT_ENCODING, "gzip")
            .body(gz.to_vec()),
        None => req.body(body.to_vec()),
    };
    let resp = req.send().unwrap();
    let s = resp.status().as_u16();
    (s, resp.text().unwrap())
}

/// A month of one device: `n` payouts, chained as the ledger chains them.
fn month(device: Uuid, pay_point: &str, first: usize, n: usize) -> Vec<Event> {
    chained(
        device,
        (0..n).map(|i| {
            serde_json::json!({
                "period": PERIOD, "code": format!("{pay_point}-{:06}", first + i), "amount": 2_789_000,
                "lines": [{"line": i + 1, "amount": 2_789_000, "kind": "monthly"}],
                "recipient": "self", "proxy_name": null, "proxy_id_card": null, "at_home": false,
            })
        }),
    )
}

/// One device's payouts with these payloads, numbered and chained as the ledger chains them.
fn chained(device: Uuid, payloads: impl Iterator<Item = serde_json::Value>) -> Vec<Event> {
    let mut prev = GENESIS_HASH.to_string();
    payloads
        .enumerate()
        .map(|(i, payload)| {
            let mut e = Event {
                seq: i as u64 + 1,
                id: Uuid::now_v7(),
                device,
                clerk: Some(1),
                time: paypoint::ledger::local_now(),
                kind: EventKind::Payout,
                payload,
                prev: prev.clone(),
                hash: String::new(),
            };
            e.hash = e.compute_hash();
            prev = e.hash.clone();
            e
        })
        .collect()
}

fn ingest_184_devices() {
    const DEVICES: usize = 184;
    const PAYOUTS: usize = 30_000;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub");
    for i in 0..DEVICES {
        let pp = format!("P{i:03}");
        assert!(admin(&data, &["pay-point", "add", &pp, "--name", &pp])
            .status
            .success());
    }
    let hub = start_hub(&data);
    let url = hub.url();
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    // Enrol every device (one code each), and make its month.
    let district = district::Hub::open(&data).unwrap();
    let mut devices = Vec::new();
    for i in 0..DEVICES {
        let pp = format!("P{i:03}");
        let key = SigningKey::generate(&mut rand::rngs::OsRng);
        let id = Uuid::now_v7();
        let req = EnrolRequest {
            code: district.enrol_code(&pp).unwrap(),
            device: id,
            pay_point: pp.clone(),
            public_key: protocol::public_key_hex(&key.verifying_key()),
        };
        let (s, b) = signed_post(
            &http,
            &url,
            "/v1/enrol",
            &serde_json::to_vec(&req).unwrap(),
            id,
            &key,
        );
        assert_eq!(s, 200, "{b}");
        let n = PAYOUTS / DEVICES + usize::from(i < PAYOUTS % DEVICES);
        devices.push((pp.clone(), id, key, month(id, &pp, 1, n)));
    }
    let total: usize = devices.iter().map(|d| d.3.len()).sum();
    let bytes = Arc::new(AtomicU64::new(0));
    let t = Instant::now();
    let handles: Vec<_> = devices
        .into_iter()
        .map(|(pp, id, key, events)| {
            let (http, url, bytes) = (http.clone(), url.clone(), bytes.clone());
            std::thread::spawn(move || {
                let path = format!("/v1/pay-points/{pp}/batches");
                for chunk in events.chunks(protocol::BATCH_EVENTS) {
                    let batch = PushBatch::new(id, chunk);
                    let body = serde_json::to_vec(&batch).unwrap();
                    bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
                    let (s, b) = signed_post(&http, &url, &path, &body, id, &key);
                    assert_eq!(s, 200, "{b}");
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let elapsed = t.elapsed();
    let stored = hub
        .store()
        .value("SELECT count(*) FROM payouts", &[])
        .map(|v| v.int())
        .unwrap();
    assert_eq!(stored as usize, total);
    println!("## hub ingest: {DEVICES} devices, {total} payouts pushed concurrently");
    println!(
        "{elapsed:.2?} wall, {:.0} events/s, {} MB of JSON (uncompressed)",
        total as f64 / elapsed.as_secs_f64(),
        bytes.load(Ordering::Relaxed) / 1_000_000
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run only under bench.
    let args: Vec<String> = std::env::args().collect();
    if !args.iter().any(|a| a == "--bench") {
        return;
    }
    if let Some(i) = args.iter().position(|a| a == "scale") {
        let scenario = args.get(i + 1).map_or("province", String::as_str);
        scale::run(scenario);
        return;
    }
    day_of_300();
    ingest_184_devices();
}

#[path = "sync/scale.rs"]
mod scale;
