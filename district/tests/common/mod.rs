//! Shared helpers of the hub's end-to-end tests: the real `paypoint-district` binary on a free
//! loopback port, real device ledgers driven through the core (the same code the CLI calls), and
//! checks of the hub's store.
#![allow(dead_code)]

#[path = "../../../tests/common/rollfile.rs"]
pub mod rollfile;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use paypoint::clerk::{Pin, Role, SignedIn};
use paypoint::event::{verify_chain, Event, EventKind, GENESIS_HASH};
use paypoint::payout::{PayoutReceipt, PayoutRequest};
use paypoint::sync::client::{self, SyncOptions, SyncReport};
use paypoint::{BeneficiaryCode, Dong, Ledger, Period};
use rusqlite::{params, OpenFlags};

pub const PERIOD: &str = "2026-12";
pub const PIN: &str = "1234";

pub fn hub_bin() -> &'static str {
    env!("CARGO_BIN_EXE_paypoint-district")
}

/// A running hub process.
pub struct HubProc {
    pub child: Option<Child>,
    pub data: PathBuf,
    pub addr: SocketAddr,
}

impl HubProc {
    /// Starts the hub on a free loopback port.
    pub fn start(data: &Path) -> HubProc {
        Self::start_on(data, "127.0.0.1:0".parse().unwrap())
    }

    /// Starts the hub on `addr` (to restart it where the devices expect it).
    pub fn start_on(data: &Path, addr: SocketAddr) -> HubProc {
        for _ in 0..50 {
            let mut child = Command::new(hub_bin())
                .arg("--data")
                .arg(data)
                .args(["serve", "--bind", &addr.to_string()])
                .env_remove("PAYPOINT_DISTRICT_TOKEN")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                // The hub's log, kept for the log audit (no names, numbers or keys in it).
                .stderr(
                    std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(data.join("hub.log"))
                        .map(Stdio::from)
                        .unwrap_or_else(|_| Stdio::null()),
                )
                .spawn()
                .expect("the hub binary runs");
            let stdout = child.stdout.take().unwrap();
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = tx.send(line);
            });
            match rx.recv_timeout(Duration::from_secs(20)) {
                Ok(line) if line.contains("listening on http://") => {
                    let a = line
                        .trim()
                        .rsplit("http://")
                        .next()
                        .unwrap()
                        .parse()
                        .unwrap();
                    return HubProc {
                        child: Some(child),
                        data: data.to_path_buf(),
                        addr: a,
                    };
                }
                _ => {
                    // The port may still be held by the process just killed: try again.
                    let _ = child.kill();
                    let _ = child.wait();
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
        panic!("the hub did not start on {addr}");
    }

    /// Everything the hub has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.data.join("hub.log")).unwrap_or_default()
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// SIGKILL.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// An admin command on the same data folder.
    pub fn admin(&self, args: &[&str]) -> Output {
        admin(&self.data, args)
    }

    pub fn admin_ok(&self, args: &[&str]) -> String {
        let out = self.admin(args);
        assert!(
            out.status.success(),
            "paypoint-district {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn enrol_code(&self, pay_point: &str) -> String {
        self.admin_ok(&["enrol-code", "--pay-point", pay_point])
            .trim()
            .to_string()
    }

    /// The hub's store, read-only.
    pub fn store(&self) -> rusqlite::Connection {
        let c = rusqlite::Connection::open_with_flags(
            self.data.join("hub.sqlite"),
            OpenFlags::SQLITE_OPEN_READ_ONLY,
        )
        .unwrap();
        c.busy_timeout(Duration::from_secs(10)).unwrap();
        c
    }

    /// The settlement row of a pay point for [`PERIOD`].
    pub fn settlement(&self, pay_point: &str) -> serde_json::Value {
        let out = self.admin_ok(&["settlement", "--period", PERIOD, "--json"]);
        let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
        rows.into_iter()
            .find(|r| r["pay_point"] == pay_point)
            .expect("a settlement row for the pay point")
    }
}

impl Drop for HubProc {
    fn drop(&mut self) {
        self.kill();
    }
}

pub fn admin(data: &Path, args: &[&str]) -> Output {
    Command::new(hub_bin())
        .arg("--data")
        .arg(data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the hub binary runs")
}

/// A hub with one pay point and a published demo roll of `size` people, imported from a CSV
/// written like the district's files.
pub fn hub_with_roll(dir: &Path, pay_points: &[&str], size: usize) -> HubProc {
    let data = dir.join("hub");
    for pp in pay_points {
        let out = admin(
            &data,
            &["pay-point", "add", pp, "--name", &format!("Bưu điện {pp}")],
        );
        assert!(out.status.success());
        let roll = paypoint::demo::roll(PERIOD.parse().unwrap(), size, 7, pp);
        let file = dir.join(format!("{pp}.csv"));
        // Total rows that state only "Tổng cộng", as many offices write them (issue 11): the
        // hub's import must check what they state and read no blank as 0.
        let shape = rollfile::Shape {
            totals: rollfile::TotalsStated::OnlyTotal,
            ..rollfile::Shape::standard(&roll)
        };
        rollfile::write_csv(&roll, &shape, &file, b',', true);
        for args in [
            vec![
                "roll",
                "import",
                file.to_str().unwrap(),
                "--pay-point",
                pp,
                "--period",
                PERIOD,
            ],
            vec!["roll", "publish", "--pay-point", pp, "--period", PERIOD],
        ] {
            let out = admin(&data, &args);
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    without_clock_checks(&data);
    HubProc::start(&data)
}

/// Turns off the hub's checks that read the device's clock (payouts at night, faster than a
/// person can be paid): tests pay in a loop at whatever hour they run. The tests of those checks
/// (`district/tests/anomaly.rs`) set them as they need.
pub fn without_clock_checks(data: &Path) {
    for (k, v) in [
        ("night_start", "00:00"),
        ("night_end", "00:00"),
        ("max_payouts_per_minute", "0"),
    ] {
        let out = admin(data, &["settings", "set", k, v]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A device: its own ledger file, one clerk.
pub struct Device {
    pub ledger: Ledger,
    pub clerk: SignedIn,
    pub path: PathBuf,
}

pub fn fast_opts() -> SyncOptions {
    SyncOptions {
        attempts: 8,
        backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(800),
        timeout: Duration::from_secs(10),
        ..SyncOptions::default()
    }
}

impl Device {
    pub fn new(dir: &Path, name: &str, pay_point: &str) -> Device {
        let path = dir.join(format!("{name}.sqlite"));
        let mut ledger = Ledger::init(&path, pay_point, &format!("Bưu điện {pay_point}")).unwrap();
        let pin = Pin::new(PIN).unwrap();
        let c = ledger.add_clerk("Trần Thị Mai", Role::Clerk, &pin).unwrap();
        let clerk = ledger.sign_in(c.id, &pin).unwrap();
        Device {
            ledger,
            clerk,
            path,
        }
    }

    /// Enrols with the hub and pulls the roll (one sync round), and takes a cash advance.
    pub fn enrol_and_pull(&mut self, hub: &HubProc, url: &str, pay_point: &str) {
        let code = hub.enrol_code(pay_point);
        client::enrol(&mut self.ledger, url, &code, &fast_opts()).unwrap();
        let r = self.sync().unwrap();
        assert_eq!(r.rolls.len(), 1, "the published roll is pulled");
        self.ledger
            .record_advance(&self.clerk, Dong::new(5_000_000_000).unwrap(), "tạm ứng")
            .unwrap();
    }

    pub fn sync(&mut self) -> Result<SyncReport, client::SyncError> {
        client::sync(&mut self.ledger, &fast_opts())
    }

    pub fn sync_with(&mut self, opts: &SyncOptions) -> Result<SyncReport, client::SyncError> {
        client::sync(&mut self.ledger, opts)
    }

    pub fn pay(&mut self, code: &str) -> PayoutReceipt {
        self.ledger
            .record_payout(
                &self.clerk,
                &PayoutRequest::at_counter(BeneficiaryCode::new(code).unwrap()),
            )
            .unwrap()
    }

    /// Pays the first `n` people of the roll.
    pub fn pay_first(&mut self, pay_point: &str, n: usize) -> Vec<PayoutReceipt> {
        (1..=n).map(|i| self.pay(&code(pay_point, i))).collect()
    }

    pub fn paid_amount(&self) -> i64 {
        self.ledger.status().unwrap().paid_amount.as_i64()
    }

    pub fn events(&self) -> Vec<Event> {
        self.ledger.events_after(0, 1_000_000).unwrap()
    }
}

/// The demo roll's code of the `i`-th person.
pub fn code(pay_point: &str, i: usize) -> String {
    format!("{pay_point}-{i:06}")
}

/// The events the hub holds for a device, in sequence order.
pub fn hub_events(hub: &HubProc, device: uuid::Uuid) -> Vec<Event> {
    let c = hub.store();
    let mut stmt = c
        .prepare(
            "SELECT seq, id, device, clerk, local_time, kind, payload, prev_hash, hash FROM events
             WHERE device = ?1 ORDER BY seq",
        )
        .unwrap();
    stmt.query_map(params![device.to_string()], |r| {
        Ok(Event {
            seq: r.get(0)?,
            id: uuid::Uuid::parse_str(&r.get::<_, String>(1)?).unwrap(),
            device: uuid::Uuid::parse_str(&r.get::<_, String>(2)?).unwrap(),
            clerk: r.get(3)?,
            time: r.get(4)?,
            kind: EventKind::parse(&r.get::<_, String>(5)?).unwrap(),
            payload: serde_json::from_str(&r.get::<_, String>(6)?).unwrap(),
            prev: r.get(7)?,
            hash: r.get(8)?,
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Every event of the device is at the hub exactly once, identical, and the hub's copy of the
/// chain verifies from the genesis; the hub's paid total for the pay point equals `expected_paid`.
pub fn assert_converged(hub: &HubProc, devices: &[&Device], pay_point: &str) {
    let mut expected_paid = 0;
    for d in devices {
        let local = d.events();
        let remote = hub_events(hub, d.ledger.device().id);
        assert_eq!(remote.len(), local.len(), "every event reaches the hub");
        assert_eq!(remote, local, "the hub holds exactly the device's events");
        let report = verify_chain(&remote, 1, GENESIS_HASH);
        assert!(report.chain_ok, "hub chain verifies: {report:?}");
        let ids: std::collections::HashSet<_> = remote.iter().map(|e| e.id).collect();
        assert_eq!(ids.len(), remote.len(), "each event once");
        let st = client::status(&d.ledger).unwrap();
        assert_eq!(st.pending, 0, "nothing pending on the device");
        assert_eq!(st.acknowledged, local.len() as u64);
        expected_paid += d.paid_amount();
    }
    let s = hub.settlement(pay_point);
    assert_eq!(
        s["paid_amount"].as_i64().unwrap(),
        expected_paid,
        "totals equal"
    );
    let payouts: i64 = hub
        .store()
        .query_row(
            "SELECT count(*) FROM payouts WHERE pay_point = ?1",
            [pay_point],
            |r| r.get(0),
        )
        .unwrap();
    let local_payouts: usize = devices
        .iter()
        .map(|d| {
            d.events()
                .iter()
                .filter(|e| e.kind == EventKind::Payout)
                .count()
        })
        .sum();
    assert_eq!(
        payouts as usize, local_payouts,
        "each payout once at the hub"
    );
}

pub fn period() -> Period {
    PERIOD.parse().unwrap()
}
