//! The event log: every state change of the ledger, hash-chained.
//!
//! An event's hash is SHA-256 over its canonical JSON form: an object with the keys `clerk`,
//! `device`, `id`, `kind`, `payload`, `prev`, `seq` and `time`, keys sorted at every depth, no
//! insignificant white space, strings escaped as serde_json does (which for our value domain, strings
//! and integers only, is the RFC 8785 form). The chain starts from 64 zeros. Sync sends this log;
//! the hub recomputes the same hashes.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

pub mod payload;

pub use payload::{EventPayload, PayloadError};

/// The `prev` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What kind of state change an event records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum EventKind {
    /// The ledger was set up for a pay point.
    LedgerInitialised,
    /// A clerk or supervisor was added.
    ClerkAdded,
    /// A roll (or a new version of it) was loaded.
    RollLoaded,
    /// A newer version of a period's roll: lines added and withdrawn, conflicts reported.
    RollAmended,
    /// Lines were paid to a beneficiary or their proxy.
    Payout,
    /// A payout was reversed with a supervisor's approval.
    Reversal,
    /// A home-delivery visit and its outcome.
    Visit,
    /// A stop report: death, move, other.
    Stop,
    /// Cash received to pay out.
    CashAdvance,
    /// Cash handed back.
    CashReturn,
    /// Cash counted by denomination.
    CashCount,
    /// The period was closed: no more payouts.
    PeriodClosed,
    /// A supervisor lifted a clerk's lock-out after too many wrong PINs.
    ClerkUnlocked,
    /// The managing office put a beneficiary on hold "to be confirmed" (proof of life).
    LifeHold,
    /// The managing office confirmed the beneficiary is alive: the hold is lifted.
    LifeConfirmed,
    /// A rate table (a new decree's amounts) was checked and recorded.
    PolicyLoaded,
    /// A supervisor changed the organisation settings (names, signers' titles, fee rate).
    OrgSet,
    /// Who supervised a day's payout for the commune (người giám sát, TT 44/2022 Điều 8).
    DaySupervisor,
    /// Whom this device holds by default (two devices at one pay point).
    HoldDefault,
    /// People handed over to another device of the pay point.
    HoldReleased,
    /// People handed over from another device of the pay point.
    HoldReceived,
    /// A beneficiary asked to be paid by bank account.
    AccountRequested,
    /// The managing office decided on a request to be paid by account.
    AccountDecided,
}

impl EventKind {
    /// The name stored in the ledger and sent to the hub.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::LedgerInitialised => "ledger_initialised",
            EventKind::ClerkAdded => "clerk_added",
            EventKind::RollLoaded => "roll_loaded",
            EventKind::RollAmended => "roll_amended",
            EventKind::Payout => "payout",
            EventKind::Reversal => "reversal",
            EventKind::Visit => "visit",
            EventKind::Stop => "stop",
            EventKind::CashAdvance => "cash_advance",
            EventKind::CashReturn => "cash_return",
            EventKind::CashCount => "cash_count",
            EventKind::PeriodClosed => "period_closed",
            EventKind::ClerkUnlocked => "clerk_unlocked",
            EventKind::LifeHold => "life_hold",
            EventKind::LifeConfirmed => "life_confirmed",
            EventKind::PolicyLoaded => "policy_loaded",
            EventKind::OrgSet => "org_set",
            EventKind::DaySupervisor => "day_supervisor",
            EventKind::HoldDefault => "hold_default",
            EventKind::HoldReleased => "hold_released",
            EventKind::HoldReceived => "hold_received",
            EventKind::AccountRequested => "account_requested",
            EventKind::AccountDecided => "account_decided",
        }
    }

    /// The kind of a stored name, if it is one.
    pub fn parse(s: &str) -> Option<EventKind> {
        serde_json::from_value(Value::String(s.to_string())).ok()
    }
}

/// One event as stored and as sent to the hub.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Per-device sequence number, from 1, without gaps.
    pub seq: u64,
    /// UUIDv7: unique everywhere, roughly time-ordered.
    pub id: Uuid,
    /// The device that recorded it.
    pub device: Uuid,
    /// The clerk who made it, when a person did.
    pub clerk: Option<i64>,
    /// Local time of the device, RFC 3339 (informative: order comes from `seq`).
    pub time: String,
    /// What happened.
    pub kind: EventKind,
    /// The facts of the event.
    pub payload: Value,
    /// Hash of the event before it, or [`GENESIS_HASH`].
    pub prev: String,
    /// SHA-256 of the canonical form of all of the above.
    pub hash: String,
}

impl Event {
    /// The canonical JSON that the hash covers: the event's fields but the hash, keys sorted at
    /// every depth. Written straight into one buffer (a hub takes every event of every batch through
    /// it, and the copies of the payload it made before were a twentieth of a push).
    pub fn canonical_body(&self) -> String {
        fn field(name: &str, out: &mut Vec<u8>) {
            out.push(if out.is_empty() { b'{' } else { b',' });
            write_json(name, out);
            out.push(b':');
        }
        let mut out = Vec::with_capacity(512);
        // In the order of their names, as the canonical form sorts them.
        field("clerk", &mut out);
        write_json(&self.clerk, &mut out);
        field("device", &mut out);
        write_json(&self.device.to_string(), &mut out);
        field("id", &mut out);
        write_json(&self.id.to_string(), &mut out);
        field("kind", &mut out);
        write_json(self.kind.as_str(), &mut out);
        field("payload", &mut out);
        write_canonical(&self.payload, &mut out);
        field("prev", &mut out);
        write_json(&self.prev, &mut out);
        field("seq", &mut out);
        write_json(&self.seq, &mut out);
        field("time", &mut out);
        write_json(&self.time, &mut out);
        out.push(b'}');
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    /// The hash this event should carry.
    pub fn compute_hash(&self) -> String {
        sha256_hex(self.canonical_body().as_bytes())
    }

    /// The event's facts, typed by its kind.
    pub fn facts(&self) -> Result<EventPayload, PayloadError> {
        EventPayload::parse(self.kind, &self.payload)
    }
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Serialises a JSON value with object keys sorted at every depth. Written so that it does not
/// depend on whether some other crate in the build turned on serde_json's `preserve_order`.
pub fn canonical_json(v: &Value) -> String {
    let mut out = Vec::with_capacity(256);
    write_canonical(v, &mut out);
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Appends `v` as `serde_json::to_string` writes it (compact), object keys sorted at every depth,
/// without copying it first.
fn write_canonical(v: &Value, out: &mut Vec<u8>) {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(&String, &Value)> = m.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(k, out);
                out.push(b':');
                write_canonical(v, out);
            }
            out.push(b'}');
        }
        Value::Array(a) => {
            out.push(b'[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(v, out);
            }
            out.push(b']');
        }
        leaf => write_json(leaf, out),
    }
}

/// Appends one JSON value as serde_json writes it (strings escaped as it escapes them).
fn write_json<T: Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
    serde_json::to_writer(out, v).expect("a JSON value always serialises");
}

/// The result of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// How many events were checked.
    pub events: u64,
    /// True when every link holds.
    pub chain_ok: bool,
    /// The first broken link, if any.
    pub first_broken: Option<BrokenLink>,
    /// Hash of the last event (the head of the chain), if any.
    pub head: Option<String>,
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BrokenLink {
    /// Sequence number of the first event that does not verify.
    pub seq: u64,
    /// What is wrong with it.
    pub reason: String,
}

/// Checks a run of events in sequence order: numbering, links and hashes. `start_prev` is the
/// hash the first event must point to.
pub fn verify_chain<'a, I: IntoIterator<Item = &'a Event>>(
    events: I,
    start_seq: u64,
    start_prev: &str,
) -> ChainReport {
    let mut prev = start_prev.to_string();
    let mut count = 0;
    for (expected_seq, e) in (start_seq..).zip(events) {
        count += 1;
        let broken = if e.seq != expected_seq {
            Some(format!(
                "cần số thứ tự {expected_seq} nhưng gặp {} (thiếu sự kiện)",
                e.seq
            ))
        } else if e.prev != prev {
            Some(
                "không nối với mã băm của sự kiện trước (một sự kiện đã bị xóa hoặc sửa)"
                    .to_string(),
            )
        } else if e.compute_hash() != e.hash {
            Some("nội dung không khớp mã băm (sự kiện đã bị sửa)".to_string())
        } else {
            None
        };
        if let Some(reason) = broken {
            return ChainReport {
                events: count,
                chain_ok: false,
                first_broken: Some(BrokenLink { seq: e.seq, reason }),
                head: None,
            };
        }
        prev = e.hash.clone();
    }
    ChainReport {
        events: count,
        chain_ok: true,
        first_broken: None,
        head: (count > 0).then_some(prev),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map};

    /// The canonical form as it was first written (a sorted copy, then serde_json): every hash of
    /// every ledger and hub ever made depends on it, byte for byte.
    fn canonical_as_before(v: &Value) -> String {
        fn sorted(v: &Value) -> Value {
            match v {
                Value::Object(m) => {
                    let mut keys: Vec<&String> = m.keys().collect();
                    keys.sort();
                    let mut out = Map::new();
                    for k in keys {
                        out.insert(k.clone(), sorted(&m[k]));
                    }
                    Value::Object(out)
                }
                Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
                other => other.clone(),
            }
        }
        serde_json::to_string(&sorted(v)).unwrap()
    }

    #[test]
    fn the_canonical_form_is_byte_for_byte_what_it_always_was() {
        let odd = "\"quoted\" \\ back\nline\t\u{1}\u{7f} Nguyễn Thị Hường \u{1F600} </script>";
        let values = [
            json!(null),
            json!({}),
            json!([]),
            json!({"z": 1, "a": -5, "é": 1.5, "Z": 1e300, "ă": u64::MAX, "": i64::MIN}),
            json!({"b": [{"y": [], "x": {}}, [true, false, null]], "a": odd, odd: {"k": odd}}),
            json!([{"b": 1, "a": 2}, "s", 0.1, -0.0, 12345678901234567_u64]),
            json!({"lines": [{"kind": "tro_cap", "amount": 2_789_000}], "code": "QH01-000001"}),
        ];
        for v in &values {
            assert_eq!(canonical_json(v), canonical_as_before(v), "{v}");
        }
        for (clerk, payload) in [(None, values[4].clone()), (Some(-7), values[6].clone())] {
            let e = Event {
                seq: 42,
                id: Uuid::now_v7(),
                device: Uuid::now_v7(),
                clerk,
                time: odd.to_string(),
                kind: EventKind::Payout,
                payload,
                prev: GENESIS_HASH.to_string(),
                hash: String::new(),
            };
            let before = json!({
                "seq": e.seq, "id": e.id.to_string(), "device": e.device.to_string(),
                "clerk": e.clerk, "time": e.time, "kind": e.kind.as_str(),
                "payload": e.payload, "prev": e.prev,
            });
            assert_eq!(e.canonical_body(), canonical_as_before(&before));
        }
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let v = serde_json::json!({"b": 1, "a": {"d": [ {"z": 1, "y": 2} ], "c": "Hường"}});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"c":"Hường","d":[{"y":2,"z":1}]},"b":1}"#
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in [
            EventKind::Payout,
            EventKind::CashCount,
            EventKind::LedgerInitialised,
            EventKind::PolicyLoaded,
        ] {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EventKind::parse("nope"), None);
    }
}
