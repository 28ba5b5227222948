//! Several hub processes on one store (issue 19): behind a load balancer they answer as one hub.
//! Consecutive batches of a device land on different nodes and keep its order; a batch retried
//! against the other node after its answer was lost is applied once; a request replayed to the
//! other node is refused (the nonces are shared); an enrolment code is used once across nodes; a
//! node killed (SIGKILL) in the middle of a device's sync loses and doubles nothing.
//!
//! The suite runs on SQLite (two processes on one file) and, in `bash scripts/test`, again on
//! PostgreSQL, the store several nodes are meant for.

mod common;

use std::time::Duration;

use common::proxy::{Fault, Proxy};
use common::*;
use paypoint::sync::client::{self, SyncOptions};

/// Small batches, and retries enough to ride over a node that died.
fn through_the_balancer() -> SyncOptions {
    SyncOptions {
        batch_events: 3,
        attempts: 30,
        backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        ..fast_opts()
    }
}

/// A hub with a published roll served by two processes on its one store, and a balancer.
fn two_nodes(dir: &std::path::Path, plan: Vec<Fault>) -> (HubProc, HubProc, Proxy) {
    let a = hub_with_roll(dir, &["QH01"], 60);
    let b = start_hub(&a.data);
    let balancer = Proxy::balance(vec![a.addr, b.addr], plan);
    (a, b, balancer)
}

#[test]
fn two_nodes_take_a_devices_batches_in_turn_retries_and_replays_included_and_agree() {
    let dir = tempfile::tempdir().unwrap();
    use Fault::*;
    let (a, b, balancer) = two_nodes(
        dir.path(),
        vec![Pass, Duplicate, Pass, DropResponse, Late, Pass, Delay],
    );
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&a, &balancer.url(), "QH01");
    dev.pay_first("QH01", 45);
    // Until the device has everything acknowledged: a lost answer is a failed round.
    for _ in 0..10 {
        if dev.sync_with(&through_the_balancer()).is_ok()
            && client::status(&dev.ledger).unwrap().pending == 0
        {
            break;
        }
    }
    assert_converged(&a, &[&dev], "QH01");
    let faults = balancer.counts.lock().unwrap().clone();
    assert!(
        faults.contains(&Duplicate) && faults.contains(&DropResponse) && faults.len() > 20,
        "batches went through both nodes with retries and replays: {faults:?}"
    );
    // Each node tells the balancer it is up.
    for node in [&a, &b] {
        let health = reqwest::blocking::get(format!("{}/healthz", node.url())).unwrap();
        assert_eq!(health.status().as_u16(), 200);
        assert_eq!(health.text().unwrap(), r#"{"ok":true}"#);
    }
    // Each node answers from the one store: the same page, whichever is asked.
    let page_a = page(&a);
    assert_eq!(page_a, page(&b));
    assert!(page_a.contains("QH01"));
    // A duplicate sent to the other node was refused as a replay there, not taken twice.
    assert!(a.log().contains("refused 401"), "{}", a.log());
}

#[test]
fn an_enrolment_code_is_used_once_whichever_node_is_asked() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b, _balancer) = two_nodes(dir.path(), vec![Fault::Pass]);
    let code = a.enrol_code("QH01");
    let mut first = Device::new(dir.path(), "first", "QH01");
    client::enrol(&mut first.ledger, &a.url(), &code, &fast_opts()).unwrap();
    let mut second = Device::new(dir.path(), "second", "QH01");
    let refused = client::enrol(&mut second.ledger, &b.url(), &code, &fast_opts());
    assert!(
        refused.is_err(),
        "the code was already used at the other node"
    );
    let devices = a.admin_ok(&["devices", "list"]);
    assert_eq!(devices.matches("QH01").count(), 1, "{devices}");
}

#[test]
fn a_node_killed_in_the_middle_of_a_sync_loses_and_doubles_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (a, mut b, balancer) = two_nodes(dir.path(), vec![Fault::Pass]);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&a, &balancer.url(), "QH01");
    dev.pay_first("QH01", 60);
    let path = dev.path.clone();
    let syncer = std::thread::spawn(move || {
        let mut ledger = paypoint::Ledger::open(&path).unwrap();
        let opts = SyncOptions {
            batch_events: 1,
            ..through_the_balancer()
        };
        client::sync(&mut ledger, &opts).map(|_| ())
    });
    // Once some batches are in, node B dies without a word; A carries on alone.
    let start = std::time::Instant::now();
    while batches(&a) < 5 && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let at_kill = batches(&a);
    b.kill();
    let total = dev.events().len() as i64;
    assert!(
        at_kill >= 1 && at_kill < total,
        "killed mid-sync ({at_kill} of {total} batches in)"
    );
    let resumed = syncer.join().unwrap();
    eprintln!("the round cut by the node's death: {resumed:?}");
    for _ in 0..5 {
        if dev.sync_with(&through_the_balancer()).is_ok() {
            break;
        }
    }
    assert_converged(&a, &[&dev], "QH01");
}

fn batches(hub: &HubProc) -> i64 {
    hub.store()
        .value("SELECT count(*) FROM batches", &[])
        .map_or(0, |v| v.int())
}

/// PostgreSQL dropped every connection of a node (a restart, a failover) while it was idle: the
/// next requests get fresh connections, not dead ones. A connection given back to the pool less
/// than half a second ago is handed out without asking the server (at the payday peak that was
/// two round trips of every push), so the test waits longer than that, as an idle node would.
/// SQLite has no connection to lose: on that pass there is nothing to try.
#[test]
fn a_node_whose_database_dropped_its_connections_answers_the_next_requests() {
    if !paypoint_testkit::store::store_is_postgres() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    let healthz = || {
        reqwest::blocking::get(format!("{}/healthz", hub.url()))
            .unwrap()
            .status()
            .as_u16()
    };
    // Several connections open and back in the pool.
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| assert_eq!(healthz(), 200));
        }
    });
    let dropped = hub
        .store()
        .value(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
            &[],
        )
        .unwrap()
        .int();
    assert!(dropped >= 1, "the node's connections were dropped");
    std::thread::sleep(Duration::from_millis(800));
    for i in 0..4 {
        assert_eq!(
            healthz(),
            200,
            "request {i} after the connections were dropped"
        );
    }
}
