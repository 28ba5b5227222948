//! What the fuzz targets and the seed generator share: the hub set up once per process (a pay
//! point or two and enrolled devices with fixed ids, so that the seed batches name them), the
//! store's consistency check run after every input, and a few real event chains.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use district::{DeviceInfo, Hub, RequestAuth};
use ed25519_dalek::SigningKey;
use paypoint::event::{canonical_json, verify_chain, Event, EventKind, GENESIS_HASH};
use paypoint::sync::protocol::{self, EnrolRequest, ReceiptBody, Signed};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde_json::json;
use uuid::Uuid;

/// The pay points of the fuzzed hub.
pub const PAY_POINTS: [&str; 2] = ["P001", "P002"];

/// The devices of the fuzzed hub: (id, pay point). Two share a pay point (double payment
/// flags), one belongs to the other pay point (cross pay point refusals).
pub fn devices() -> [(Uuid, &'static str); 3] {
    [
        (
            Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001),
            PAY_POINTS[0],
        ),
        (
            Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0002),
            PAY_POINTS[0],
        ),
        (
            Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0003),
            PAY_POINTS[1],
        ),
    ]
}

/// A hub in a temporary directory (in /dev/shm where there is one: the store syncs every
/// commit), with its pay points and enrolled devices, and a read-only connection to its store.
pub struct HubFixture {
    /// The hub, as the HTTP handlers hold it.
    pub hub: Hub,
    /// The enrolled devices, as `authenticate` would answer them.
    pub devices: Vec<DeviceInfo>,
    /// The hub's public key (receipts are checked against it).
    pub hub_key: ed25519_dalek::VerifyingKey,
    /// A second connection to the store, for the consistency check.
    pub store: Mutex<Connection>,
    checked: Mutex<Checked>,
    _dir: tempfile::TempDir,
}

#[derive(Default)]
struct Checked {
    /// Per device: the sequence through which the chain was verified, and its hash.
    chain: HashMap<String, (u64, String)>,
    /// Rowid of the last receipt verified.
    receipts: i64,
}

impl HubFixture {
    /// Sets the hub up.
    pub fn new() -> HubFixture {
        let dir = if Path::new("/dev/shm").is_dir() {
            tempfile::tempdir_in("/dev/shm")
        } else {
            tempfile::tempdir()
        }
        .expect("temporary directory");
        let hub = Hub::open(&dir.path().join("hub")).expect("hub opens");
        for pp in PAY_POINTS {
            hub.add_pay_point(pp, &format!("Xã {pp}"))
                .expect("pay point");
        }
        let mut devs = Vec::new();
        for (n, (id, pp)) in devices().into_iter().enumerate() {
            let key = SigningKey::from_bytes(&[n as u8 + 1; 32]);
            let req = EnrolRequest {
                code: hub.enrol_code(pp).expect("enrol code"),
                device: id,
                pay_point: pp.to_string(),
                public_key: protocol::public_key_hex(&key.verifying_key()),
            };
            let body = serde_json::to_vec(&req).unwrap();
            let ts = chrono_now();
            let nonce = format!("{:032x}", n + 1);
            let auth = RequestAuth {
                device: id.to_string(),
                timestamp: ts.to_string(),
                nonce: nonce.clone(),
                signature: protocol::sign_request(&key, "POST", "/v1/enrol", ts, &nonce, &body),
            };
            hub.enrol("POST", "/v1/enrol", &auth, &body)
                .map_err(|e| e.body.error)
                .expect("device enrols");
            devs.push(DeviceInfo {
                id,
                pay_point: pp.to_string(),
            });
        }
        let hub_key = protocol::parse_public_key(&hub.public_key_hex()).unwrap();
        let store = Connection::open_with_flags(
            hub.path(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .expect("store opens read-only");
        HubFixture {
            hub,
            devices: devs,
            hub_key,
            store: Mutex::new(store),
            checked: Mutex::new(Checked::default()),
            _dir: dir,
        }
    }

    /// A device's accepted sequence and head hash.
    pub fn position(&self, device: Uuid) -> (u64, String) {
        self.db()
            .query_row(
                "SELECT accepted_seq, head_hash FROM devices WHERE id = ?1",
                [device.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("device row")
    }

    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The store's consistency: every device's counter and head agree with its events, every
    /// event chains from the one before with the core's hashing, payloads are stored canonical,
    /// every receipt is signed by the hub and names what the store holds, no foreign key dangles.
    /// Incremental: events and receipts already checked are not checked again.
    pub fn check(&self) -> Result<(), String> {
        let err = |e: rusqlite::Error| e.to_string();
        let mut checked = self.checked.lock().unwrap_or_else(|p| p.into_inner());
        let store = self.db();
        let fk: Option<String> = store
            .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
            .optional()
            .map_err(err)?;
        if let Some(t) = fk {
            return Err(format!("foreign key dangles in {t}"));
        }
        for dev in &self.devices {
            let id = dev.id.to_string();
            let (accepted, head, count, max): (u64, String, u64, u64) = store
                .query_row(
                    "SELECT accepted_seq, head_hash,
                            (SELECT count(*) FROM events WHERE device = ?1),
                            (SELECT coalesce(max(seq), 0) FROM events WHERE device = ?1)
                     FROM devices WHERE id = ?1",
                    [&id],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .map_err(err)?;
            if count != accepted || max != accepted {
                return Err(format!(
                    "device {id}: accepted_seq {accepted}, {count} events, last seq {max}"
                ));
            }
            let (from, prev) = checked
                .chain
                .get(&id)
                .cloned()
                .unwrap_or((0, GENESIS_HASH.to_string()));
            if from > accepted {
                return Err(format!(
                    "device {id}: accepted_seq went back from {from} to {accepted}"
                ));
            }
            let mut stmt = store
                .prepare_cached(
                    "SELECT seq, id, clerk, local_time, kind, payload, prev_hash, hash, pay_point
                     FROM events WHERE device = ?1 AND seq > ?2 ORDER BY seq",
                )
                .map_err(err)?;
            let rows = stmt
                .query_map(rusqlite::params![id, from], |r| {
                    Ok((
                        r.get::<_, u64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<i64>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, String>(8)?,
                    ))
                })
                .map_err(err)?
                .collect::<Result<Vec<_>, _>>()
                .map_err(err)?;
            let mut events = Vec::with_capacity(rows.len());
            for (seq, eid, clerk, time, kind, payload, prev_hash, hash, pp) in rows {
                if pp != dev.pay_point {
                    return Err(format!("event {seq} of {id} stored under pay point {pp}"));
                }
                let value: serde_json::Value = serde_json::from_str(&payload)
                    .map_err(|e| format!("event {seq} of {id}: payload is not JSON: {e}"))?;
                if canonical_json(&value) != payload {
                    return Err(format!("event {seq} of {id}: payload not stored canonical"));
                }
                events.push(Event {
                    seq,
                    id: Uuid::parse_str(&eid).map_err(|e| e.to_string())?,
                    device: dev.id,
                    clerk,
                    time,
                    kind: EventKind::parse(&kind).ok_or_else(|| format!("kind {kind}"))?,
                    payload: value,
                    prev: prev_hash,
                    hash,
                });
            }
            let report = verify_chain(&events, from + 1, &prev);
            if !report.chain_ok {
                return Err(format!(
                    "device {id}: chain broken: {:?}",
                    report.first_broken
                ));
            }
            let now_head = report.head.unwrap_or(prev);
            if now_head != head {
                return Err(format!(
                    "device {id}: head_hash {head} but chain ends at {now_head}"
                ));
            }
            checked.chain.insert(id, (accepted, now_head));
        }
        let mut stmt = store
            .prepare_cached(
                "SELECT rowid, device, receipt FROM batches WHERE rowid > ?1 ORDER BY rowid",
            )
            .map_err(err)?;
        let receipts = stmt
            .query_map([checked.receipts], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        for (rowid, device, text) in receipts {
            let receipt: Signed<ReceiptBody> =
                serde_json::from_str(&text).map_err(|e| format!("receipt {rowid}: {e}"))?;
            let body = receipt
                .verify(&self.hub_key)
                .map_err(|e| format!("receipt {rowid}: {e}"))?;
            if body.device.to_string() != device {
                return Err(format!("receipt {rowid} names another device"));
            }
            let hash: Option<String> = store
                .query_row(
                    "SELECT hash FROM events WHERE device = ?1 AND seq = ?2",
                    rusqlite::params![device, body.accepted_through],
                    |r| r.get(0),
                )
                .optional()
                .map_err(err)?;
            if hash.as_deref() != Some(body.head_hash.as_str()) {
                return Err(format!(
                    "receipt {rowid}: head is not the stored event's hash"
                ));
            }
            checked.receipts = rowid;
        }
        Ok(())
    }
}

impl Default for HubFixture {
    fn default() -> Self {
        HubFixture::new()
    }
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// True when every number in the value is an integer: the domain of the canonical form (see
/// `paypoint::event`). A non-integer is not stable through serde_json without its
/// `float_roundtrip` feature (a 45-digit literal reads 1 ULP off, and so its hash changes after
/// a round trip), so the round-trip properties hold only on integers; the ledger writes no other.
pub fn integers_only(v: &serde_json::Value) -> bool {
    match v {
        serde_json::Value::Number(n) => n.is_i64() || n.is_u64(),
        serde_json::Value::Array(a) => a.iter().all(integers_only),
        serde_json::Value::Object(m) => m.values().all(integers_only),
        _ => true,
    }
}

/// Payloads shaped as the ledger writes them, one of each kind the hub projects and a few more.
pub fn sample_payloads(pay_point: &str, i: usize) -> Vec<(EventKind, serde_json::Value)> {
    let code = format!("{pay_point}-{:06}", i + 1);
    vec![
        (
            EventKind::LedgerInitialised,
            json!({"pay_point": pay_point, "name": "Bưu điện xã Hòa Bình"}),
        ),
        (
            EventKind::ClerkAdded,
            json!({"clerk": 2, "name": "Nguyễn Thị Hường", "role": "clerk"}),
        ),
        (
            EventKind::Payout,
            json!({
                "period": "2025-07", "code": code, "amount": 2_789_000,
                "lines": [
                    {"line": 1, "amount": 2_055_000, "kind": "monthly"},
                    {"line": 2, "amount": 734_000, "kind": "arrears"}
                ],
                "recipient": "proxy", "proxy_name": "Trần Văn Ánh", "proxy_id_card": "001234567890",
                "at_home": true,
            }),
        ),
        (
            EventKind::Stop,
            json!({"code": code, "reason": "death", "date": "2025-07-03", "note": "báo tử"}),
        ),
        (
            EventKind::Payout,
            json!({
                "period": "2025-07", "code": code, "amount": 18_000_000,
                "lines": [{"line": 3, "amount": 18_000_000, "kind": "funeral"}],
                "recipient": "self", "proxy_name": null, "proxy_id_card": null, "at_home": false,
            }),
        ),
        (
            EventKind::Reversal,
            json!({"payout": Uuid::from_u128(42).to_string(), "reason": "nhầm người", "approved_by": 1}),
        ),
        (
            EventKind::CashCount,
            json!({"denominations": {"500000": 12, "200000": 3, "10000": 0}, "total": 6_600_000}),
        ),
        (
            EventKind::PeriodClosed,
            json!({"period": "2025-07", "nested": [[], {}, [[1]]]}),
        ),
    ]
}

/// A chain of real events of one device from sequence 1, hashed as the ledger hashes them.
pub fn sample_chain(device: Uuid, pay_point: &str, rounds: usize) -> Vec<Event> {
    let mut prev = GENESIS_HASH.to_string();
    let mut out = Vec::new();
    for r in 0..rounds {
        for (kind, payload) in sample_payloads(pay_point, r) {
            let seq = out.len() as u64 + 1;
            let mut e = Event {
                seq,
                id: Uuid::from_u128(device.as_u128() ^ ((seq as u128) << 64)),
                device,
                clerk: (seq % 3 != 0).then_some(1 + (seq % 2) as i64),
                time: format!("2025-07-{:02}T08:{:02}:00.000+07:00", 1 + r % 28, seq % 60),
                kind,
                payload,
                prev: prev.clone(),
                hash: String::new(),
            };
            e.hash = e.compute_hash();
            prev = e.hash.clone();
            out.push(e);
        }
    }
    out
}
