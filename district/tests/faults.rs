//! Sync under faults: a TCP proxy between the device and the hub that drops requests midway,
//! drops responses after the hub committed, duplicates and replays requests late, and delays; the
//! hub killed with SIGKILL and restarted mid-sync; the client killed with SIGKILL mid-sync. After
//! each, a final sync converges: every event exactly once at the hub, totals equal, chain verified.

mod common;

use std::time::{Duration, Instant};

use common::proxy::{Fault, Proxy};
use common::*;
use paypoint::sync::client::{self, SyncOptions};

fn small_batches() -> SyncOptions {
    SyncOptions {
        batch_events: 3,
        ..fast_opts()
    }
}

#[test]
fn through_a_faulty_network_every_event_arrives_exactly_once() {
    use Fault::*;
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 40);
    // Enrol directly, then every later request goes through the proxy.
    let mut dev = Device::new(dir.path(), "a", "QH01");
    let plan = vec![
        Pass,
        DropRequest,
        DropResponse,
        Duplicate,
        Late,
        Delay,
        DropResponse,
        Pass,
        Duplicate,
        DropRequest,
        Late,
        Pass,
    ];
    let proxy = Proxy::start(hub.addr, plan);
    let code = hub.enrol_code("QH01");
    client::enrol(&mut dev.ledger, &proxy.url(), &code, &fast_opts()).unwrap();
    dev.ledger
        .record_advance(&dev.clerk, paypoint::Dong::new(5_000_000_000).unwrap(), "")
        .unwrap();
    // Day one: the roll, ten payouts. Day two: twenty more. Rounds may fail midway; each later
    // round resumes.
    let mut rounds = 0;
    for day in 0..2 {
        if day == 1 {
            for i in 11..=30 {
                dev.pay(&code_of(i));
            }
        }
        let mut ok = false;
        for _ in 0..10 {
            rounds += 1;
            if dev.sync_with(&small_batches()).is_ok() {
                ok = true;
                break;
            }
        }
        assert!(ok, "a round completes within ten tries");
        if day == 0 {
            assert_eq!(dev.ledger.status().unwrap().beneficiaries, 40);
            for i in 1..=10 {
                dev.pay(&code_of(i));
            }
        }
    }
    // Once more, so the last payouts of day one are pushed too.
    for _ in 0..10 {
        if dev.sync_with(&small_batches()).is_ok()
            && client::status(&dev.ledger).unwrap().pending == 0
        {
            break;
        }
    }
    let seen = proxy.counts.lock().unwrap().clone();
    for f in [DropRequest, DropResponse, Duplicate, Late, Delay] {
        assert!(
            seen.contains(&f),
            "fault {f:?} was exercised ({rounds} rounds)"
        );
    }
    assert_converged(&hub, &[&dev], "QH01");
    // Receipts: one per distinct batch; all verify against the hub's key.
    let hub_key =
        paypoint::sync::protocol::parse_public_key(hub.admin_ok(&["key"]).trim()).unwrap();
    let c = rusqlite::Connection::open(&dev.path).unwrap();
    let receipts: Vec<String> = c
        .prepare("SELECT receipt FROM sync_receipts")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!receipts.is_empty());
    for r in receipts {
        let r: paypoint::sync::protocol::Receipt = serde_json::from_str(&r).unwrap();
        assert!(r.verify(&hub_key).is_ok());
    }
}

fn code_of(i: usize) -> String {
    code("QH01", i)
}

#[test]
fn the_hub_killed_and_restarted_mid_sync_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut hub = hub_with_roll(dir.path(), &["QH01"], 60);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    dev.pay_first("QH01", 60);
    let addr = hub.addr;
    let data = hub.data.clone();
    let path = dev.path.clone();
    // Sync in small batches on another thread, with retries long enough to outlive a restart.
    let syncer = std::thread::spawn(move || {
        let mut ledger = paypoint::Ledger::open(&path).unwrap();
        let opts = SyncOptions {
            batch_events: 1,
            attempts: 30,
            backoff: Duration::from_millis(50),
            max_backoff: Duration::from_millis(300),
            timeout: Duration::from_secs(5),
        };
        client::sync(&mut ledger, &opts).map(|_| ())
    });
    // Kill the hub once some batches are in, restart it on the same port.
    let start = Instant::now();
    loop {
        let n = hub
            .store()
            .value("SELECT count(*) FROM batches", &[])
            .map_or(0, |v| v.int());
        if n >= 5 || start.elapsed() > Duration::from_secs(20) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let at_kill = hub
        .store()
        .value("SELECT count(*) FROM batches", &[])
        .unwrap()
        .int();
    hub.kill();
    let events = dev.events().len() as i64;
    assert!(
        at_kill >= 1 && at_kill < events,
        "the hub was killed mid-sync ({at_kill} of about {events} batches in)"
    );
    std::thread::sleep(Duration::from_millis(300));
    let hub2 = start_hub_on(&data, addr);
    let resumed = syncer.join().unwrap();
    eprintln!("the round cut by the hub's restart: {resumed:?}");
    // Whatever that round did, a final one converges.
    dev.sync().unwrap();
    assert_converged(&hub2, &[&dev], "QH01");
}

/// Not a test of its own: the body of the child process that the next test kills. It syncs the
/// ledger named by the environment in batches of one event.
#[test]
#[ignore]
fn child_sync_process() {
    let Ok(path) = std::env::var("PAYPOINT_TEST_CHILD_DB") else {
        return;
    };
    let mut ledger = paypoint::Ledger::open(std::path::Path::new(&path)).unwrap();
    let opts = SyncOptions {
        batch_events: 1,
        ..fast_opts()
    };
    let _ = client::sync(&mut ledger, &opts);
}

#[test]
fn the_client_killed_mid_sync_resumes_without_loss_or_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 80);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let exe = std::env::current_exe().unwrap();
    let mut killed_mid_way = 0;
    for (round, wait_ms) in [40u64, 120, 250, 400].into_iter().enumerate() {
        dev.pay_first_from("QH01", round * 20 + 1, 20);
        let before = client::status(&dev.ledger).unwrap().acknowledged;
        let mut child = std::process::Command::new(&exe)
            .args(["child_sync_process", "--exact", "--ignored", "--nocapture"])
            .env("PAYPOINT_TEST_CHILD_DB", &dev.path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(wait_ms));
        let _ = child.kill();
        let _ = child.wait();
        let st = client::status(&dev.ledger).unwrap();
        if st.pending > 0 && st.acknowledged > before {
            killed_mid_way += 1;
        }
    }
    assert!(
        killed_mid_way >= 1,
        "at least one kill landed between two acknowledged batches"
    );
    dev.sync().unwrap();
    assert_converged(&hub, &[&dev], "QH01");
    eprintln!("client killed with events still pending in {killed_mid_way} of 4 rounds");
}

trait PayFrom {
    fn pay_first_from(&mut self, pay_point: &str, from: usize, n: usize);
}

impl PayFrom for Device {
    fn pay_first_from(&mut self, pay_point: &str, from: usize, n: usize) {
        for i in from..from + n {
            self.pay(&code(pay_point, i));
        }
    }
}

/// The requests the proxy saw from the `from`-th on.
fn seen_since(proxy: &Proxy, from: usize) -> Vec<String> {
    proxy.seen.lock().unwrap()[from..].to_vec()
}

#[test]
fn a_device_sends_zstd_to_this_hub_and_gzip_to_an_older_one_and_pulls_again_only_when_told() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 20);
    // This hub: every body in zstd; after a push that raised no amendment, no second pull.
    let proxy = Proxy::start(hub.addr, vec![Fault::Pass]);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &proxy.url(), "QH01");
    for i in 1..=5 {
        dev.pay(&code_of(i));
    }
    let from = proxy.seen.lock().unwrap().len();
    let r = dev.sync().unwrap();
    assert_eq!(r.batches, 1);
    assert_eq!(
        seen_since(&proxy, from),
        [
            "get /v1/pay-points/qh01/amendments?after=1",
            "post /v1/pay-points/qh01/batches?amendments=1 zstd",
        ],
        "one pull, one zstd push, and no pull the receipt says would bring nothing"
    );
    // The roll's publication is the pay point's amendment 1: the device holds it already.
    let status = client::status(&dev.ledger).unwrap();
    let receipt = status.last_receipt.unwrap();
    assert_eq!(status.amendment_cursor, 1);
    assert_eq!(receipt["body"]["amendments_through"], 1, "{receipt}");
    // An amendment the office makes: the next round's first pull brings it.
    hub.admin_ok(&[
        "stop",
        &code_of(9),
        "--pay-point",
        "QH01",
        "--reason",
        "death",
    ]);
    dev.pay(&code_of(6));
    let from = proxy.seen.lock().unwrap().len();
    let r = dev.sync().unwrap();
    assert_eq!((r.batches, r.stops_applied), (1, 1));
    assert_eq!(
        seen_since(&proxy, from).len(),
        2,
        "{:?}",
        seen_since(&proxy, from)
    );

    // A hub from before issue 21 refuses zstd: the same request goes again in gzip, and every
    // later one of the round too. (Its receipts also lack `amendments_through`, which makes the
    // device pull after its push as before; the hub behind this proxy is today's, so that part is
    // not shown here.)
    let older = Proxy::start(hub.addr, vec![Fault::OlderHub]);
    let mut old_hub_dev = Device::new(dir.path(), "b", "QH02");
    hub.admin_ok(&["pay-point", "add", "QH02", "--name", "Bưu điện QH02"]);
    let code = hub.enrol_code("QH02");
    client::enrol(&mut old_hub_dev.ledger, &older.url(), &code, &fast_opts()).unwrap();
    assert_eq!(
        seen_since(&older, 0),
        ["post /v1/enrol zstd", "post /v1/enrol gzip"]
    );
    old_hub_dev
        .ledger
        .record_advance(
            &old_hub_dev.clerk,
            paypoint::Dong::new(1_000_000_000).unwrap(),
            "",
        )
        .unwrap();
    let r = old_hub_dev.sync().unwrap();
    assert!(r.events_acknowledged > 0);
    let pushes: Vec<_> = seen_since(&older, 2)
        .into_iter()
        .filter(|l| l.starts_with("post"))
        .collect();
    assert_eq!(
        pushes,
        [
            "post /v1/pay-points/qh02/batches?amendments=1 zstd",
            "post /v1/pay-points/qh02/batches?amendments=1 gzip",
        ]
    );
    // Both devices' events are at the hub once.
    let status = client::status(&dev.ledger).unwrap();
    assert_eq!(status.pending, 0);
    assert_eq!(client::status(&old_hub_dev.ledger).unwrap().pending, 0);
}
