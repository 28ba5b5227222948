//! A device as the hub's tests and benchmarks drive it: its own ledger file and clerk, driven
//! through the core (the same code the command line and the window call), synced with a real hub;
//! and the check that the hub holds exactly what the devices recorded.

use std::path::{Path, PathBuf};
use std::time::Duration;

use paypoint::clerk::{Pin, Role, SignedIn};
use paypoint::event::{verify_chain, Event, EventKind, GENESIS_HASH};
use paypoint::hold::{Choice, Handover, HoldError};
use paypoint::idcard::IdCheckRequest;
use paypoint::payout::{PayoutReceipt, PayoutRequest};
use paypoint::sync::client::{self, SyncOptions, SyncReport};
use paypoint::sync::protocol::Signed;
use paypoint::{BeneficiaryCode, Dong, Ledger, Period};

use crate::hub::Hub;
use crate::PERIOD;

/// The PIN of a device's clerk.
pub const PIN: &str = "1234";
/// The PIN of a device's supervisor (added by [`Device::supervisor`]).
pub const SUPERVISOR_PIN: &str = "9876";

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
    pub fn enrol_and_pull(&mut self, hub: &Hub, url: &str, pay_point: &str) {
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

    /// The device's supervisor, signed in (added the first time: hand-overs need one).
    pub fn supervisor(&mut self) -> SignedIn {
        let pin = Pin::new(SUPERVISOR_PIN).unwrap();
        let existing = self
            .ledger
            .clerks()
            .unwrap()
            .into_iter()
            .find(|c| c.role == Role::Supervisor);
        let id = match existing {
            Some(c) => c.id,
            None => {
                self.ledger
                    .add_clerk("Lê Văn Nam", Role::Supervisor, &pin)
                    .unwrap()
                    .id
            }
        };
        self.ledger.sign_in(id, &pin).unwrap()
    }

    /// Hands `codes` over to `to` (a supervisor of this device gives them): from now on this
    /// device does not pay them. The signed hand-over is what the file carries.
    pub fn give(&mut self, to: &Device, codes: &[String]) -> Signed<Handover> {
        let sup = self.supervisor();
        let codes = codes
            .iter()
            .map(|c| BeneficiaryCode::new(c).unwrap())
            .collect();
        self.ledger
            .give(
                &sup,
                &to.ledger.device().id.to_string(),
                &Choice::Codes(codes),
            )
            .unwrap()
    }

    /// Takes a hand-over file made for this device.
    pub fn take(&mut self, file: &Signed<Handover>) -> Result<Vec<String>, HoldError> {
        let sup = self.supervisor();
        self.ledger.take(&sup, file)
    }

    /// Pays `code` at the counter as the window does by default: the clerk looked at the card.
    pub fn pay(&mut self, code: &str) -> PayoutReceipt {
        let req = PayoutRequest {
            id_check: Some(IdCheckRequest::Manual { id_number: None }),
            ..PayoutRequest::at_counter(BeneficiaryCode::new(code).unwrap())
        };
        self.ledger.record_payout(&self.clerk, &req).unwrap()
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
pub fn hub_events(hub: &Hub, device: uuid::Uuid) -> Vec<Event> {
    let rows = hub
        .store()
        .rows(
            "SELECT seq, id, device, clerk, local_time, kind, payload, prev_hash, hash FROM events
             WHERE device = ?1 ORDER BY seq",
            &[&device.to_string()],
        )
        .unwrap();
    rows.into_iter()
        .map(|r| Event {
            seq: r[0].int() as u64,
            id: uuid::Uuid::parse_str(&r[1].text()).unwrap(),
            device: uuid::Uuid::parse_str(&r[2].text()).unwrap(),
            clerk: r[3].opt_int(),
            time: r[4].text(),
            kind: EventKind::parse(&r[5].text()).unwrap(),
            payload: serde_json::from_str(&r[6].text()).unwrap(),
            prev: r[7].text(),
            hash: r[8].text(),
        })
        .collect()
}

/// Every event of the device is at the hub exactly once, identical, and the hub's copy of the
/// chain verifies from the genesis; the hub's paid total for the pay point equals `expected_paid`.
pub fn assert_converged(hub: &Hub, devices: &[&Device], pay_point: &str) {
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
    let s = hub.settlement(pay_point, PERIOD);
    assert_eq!(
        s["paid_amount"].as_i64().unwrap(),
        expected_paid,
        "totals equal"
    );
    let payouts = hub
        .store()
        .value(
            "SELECT count(*) FROM payouts WHERE pay_point = ?1",
            &[pay_point],
        )
        .unwrap()
        .int();
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

/// [`PERIOD`], parsed.
pub fn period() -> Period {
    PERIOD.parse().expect("a period")
}
