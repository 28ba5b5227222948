//! The `/v1` protocol between a pay point device and the district hub: JSON shapes, the request
//! signature, and the hub-signed documents (roll, amendment, receipt).
//!
//! **Request signature.** Every request after enrolment carries four headers:
//! [`HEADER_DEVICE`] (the device's UUID), [`HEADER_TIMESTAMP`] (Unix seconds),
//! [`HEADER_NONCE`] (32 hex digits, never reused) and [`HEADER_SIGNATURE`]: the device's ed25519
//! signature, hex, over [`signing_string`] — the method, the path with its query, the timestamp,
//! the nonce and the SHA-256 of the (uncompressed) body, one per line. The hub refuses a
//! timestamp more than [`MAX_CLOCK_SKEW_SECS`] away from its clock and a nonce it has seen.
//!
//! **Hub signature.** A roll, an amendment and a receipt are [`Signed`] documents: a JSON body and
//! the hub's ed25519 signature over the body's canonical JSON (keys sorted, as the event chain
//! uses). The device keeps the hub's public key from enrolment and trusts no amount it has not
//! verified against it.

use crate::money::Dong;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::event::{canonical_json, sha256_hex, Event, EventKind};
use crate::period::Period;
use crate::roll::Roll;

/// The device's UUID.
pub const HEADER_DEVICE: &str = "x-paypoint-device";
/// Unix time of the request, in seconds.
pub const HEADER_TIMESTAMP: &str = "x-paypoint-timestamp";
/// A random value, used once.
pub const HEADER_NONCE: &str = "x-paypoint-nonce";
/// The device's signature over [`signing_string`], hex.
pub const HEADER_SIGNATURE: &str = "x-paypoint-signature";
/// How far a request's timestamp may be from the hub's clock.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;
/// Most events in one batch.
pub const MAX_BATCH_EVENTS: usize = 1000;
/// Events per batch the client sends.
pub const BATCH_EVENTS: usize = 500;
/// The largest request body a hub reads once decompressed (the 413 says it). A device's batch of
/// [`BATCH_EVENTS`] is about 100 KiB of JSON.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// How a device compresses a request body when the hub takes it (hubs since issue 21): zstd
/// compresses a day's batch about a fifth smaller than gzip -9. Hubs before it answer 415, and
/// the device sends gzip instead.
pub const ENCODING_ZSTD: &str = "zstd";
/// zstd's level for a body: the best ratio at a few tens of milliseconds for a day's batch.
const ZSTD_LEVEL: i32 = 19;
/// The largest zstd window a body may use, as a power of two: no body is larger than
/// [`MAX_BODY_BYTES`], so a larger window only makes a hub allocate memory for nothing (a frame
/// may ask for 128 MiB).
const ZSTD_WINDOW_LOG: u32 = 21;

/// A zstd dictionary trained on batches the real code builds, shipped with both ends
/// (`cargo run --release --example sync_dictionary` makes it). A frame compressed with it names
/// it by its id; the hub reads frames with it and without it. It halves a batch of a few events
/// (the JSON's skeleton is most of it) and takes about 3 % off a day's.
static BATCH_DICTIONARY: &[u8] = include_bytes!("batch.zdict");

/// A request body as a device sends it with `Content-Encoding: zstd`.
pub fn zstd_body(bytes: &[u8]) -> Vec<u8> {
    const { assert!(1 << ZSTD_WINDOW_LOG >= MAX_BODY_BYTES) };
    let mut c = zstd::bulk::Compressor::with_dictionary(ZSTD_LEVEL, BATCH_DICTIONARY)
        .expect("the shipped dictionary loads");
    c.set_parameter(zstd::zstd_safe::CParameter::WindowLog(ZSTD_WINDOW_LOG))
        .expect("zstd window in range");
    c.compress(bytes).expect("compressing in memory")
}

/// Why a zstd body could not be read.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// More than [`MAX_BODY_BYTES`] once decompressed.
    #[error("quá {0} byte sau khi giải nén")]
    TooLarge(usize),
    /// Not a zstd frame, a window over the limit, or cut short.
    #[error("không giải nén được (zstd): {0}")]
    Corrupt(String),
}

/// Reads a body sent with `Content-Encoding: zstd`, within [`MAX_BODY_BYTES`] and a window the
/// size of the largest body whatever the frame asks for.
pub fn unzstd_body(bytes: &[u8]) -> Result<Vec<u8>, BodyError> {
    use std::io::Read as _;
    let corrupt = |e: std::io::Error| BodyError::Corrupt(e.to_string());
    let mut d =
        zstd::stream::read::Decoder::with_dictionary(bytes, BATCH_DICTIONARY).map_err(corrupt)?;
    d.window_log_max(ZSTD_WINDOW_LOG).map_err(corrupt)?;
    let mut out = Vec::new();
    d.take(MAX_BODY_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(corrupt)?;
    if out.len() > MAX_BODY_BYTES {
        return Err(BodyError::TooLarge(MAX_BODY_BYTES));
    }
    Ok(out)
}

/// The text a device signs for one request.
pub fn signing_string(
    method: &str,
    path_and_query: &str,
    timestamp: i64,
    nonce: &str,
    body: &[u8],
) -> String {
    format!(
        "PAYPOINT-V1\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        path_and_query,
        timestamp,
        nonce,
        sha256_hex(body)
    )
}

/// Signs a request; returns the value of [`HEADER_SIGNATURE`].
pub fn sign_request(
    key: &SigningKey,
    method: &str,
    path_and_query: &str,
    timestamp: i64,
    nonce: &str,
    body: &[u8],
) -> String {
    let s = signing_string(method, path_and_query, timestamp, nonce, body);
    hex::encode(key.sign(s.as_bytes()).to_bytes())
}

/// Checks a request's signature.
pub fn verify_request(
    key: &VerifyingKey,
    method: &str,
    path_and_query: &str,
    timestamp: i64,
    nonce: &str,
    body: &[u8],
    signature_hex: &str,
) -> Result<(), String> {
    let sig = parse_signature(signature_hex)?;
    let s = signing_string(method, path_and_query, timestamp, nonce, body);
    key.verify(s.as_bytes(), &sig)
        .map_err(|_| "chữ ký yêu cầu không hợp lệ".to_string())
}

/// A public key from its hex form.
pub fn parse_public_key(hex_key: &str) -> Result<VerifyingKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| "khóa công khai không hợp lệ (cần 64 chữ số hex)".to_string())?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| "khóa công khai không hợp lệ".to_string())
}

/// A secret key from its hex form.
pub fn parse_secret_key(hex_key: &str) -> Result<SigningKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_key.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| "khóa bí mật không đọc được".to_string())?;
    Ok(SigningKey::from_bytes(&bytes))
}

fn parse_signature(hex_sig: &str) -> Result<Signature, String> {
    let bytes: [u8; 64] = hex::decode(hex_sig.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| "chữ ký không đúng định dạng (cần 128 chữ số hex)".to_string())?;
    Ok(Signature::from_bytes(&bytes))
}

/// Hex of a public key.
pub fn public_key_hex(key: &VerifyingKey) -> String {
    hex::encode(key.to_bytes())
}

/// A document signed by the hub: `signature` is ed25519 over the canonical JSON of `body`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signed<T> {
    /// What is signed.
    pub body: T,
    /// Hex signature.
    pub signature: String,
}

impl<T: Serialize + DeserializeOwned> Signed<T> {
    /// Signs `body` with the hub's key.
    pub fn sign(key: &SigningKey, body: T) -> Signed<T> {
        let bytes = Self::canonical(&body);
        let signature = hex::encode(key.sign(bytes.as_bytes()).to_bytes());
        Signed { body, signature }
    }

    /// The body, if the signature is the hub's.
    pub fn verify(&self, key: &VerifyingKey) -> Result<&T, String> {
        let sig = parse_signature(&self.signature)?;
        key.verify(Self::canonical(&self.body).as_bytes(), &sig)
            .map_err(|_| {
                "chữ ký của đơn vị quản lý không hợp lệ: tài liệu đã bị sửa hoặc không phải do đơn vị quản lý phát hành"
                    .to_string()
            })?;
        Ok(&self.body)
    }

    fn canonical(body: &T) -> String {
        canonical_json(&serde_json::to_value(body).expect("protocol bodies serialise"))
    }
}

/// `POST /v1/enrol`: the one-time code from the district and the device's new public key. Signed
/// like every other request, with the key it registers (proof that the device holds it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolRequest {
    /// The one-time code.
    pub code: String,
    /// The device's UUID (the one in its events).
    pub device: Uuid,
    /// The pay point the device's ledger was initialised for.
    pub pay_point: String,
    /// ed25519 public key, hex.
    pub public_key: String,
}

/// Answer to an enrolment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EnrolResponse {
    /// The pay point.
    pub pay_point: String,
    /// Its name at the district.
    pub pay_point_name: String,
    /// The hub's public key, hex: every roll, amendment and receipt is verified against it.
    pub hub_public_key: String,
    /// Sequence already accepted from this device (0 for a new device).
    pub accepted_through: u64,
    /// The pay point's other devices in use (not revoked), by id: a device that enrols beside
    /// one becomes the second (issue 17: it holds nobody until people are handed over to it).
    #[serde(default)]
    pub other_devices: Vec<Uuid>,
}

/// The roll the district publishes for a pay point and period (`GET
/// /v1/pay-points/{code}/rolls/{period}`), signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollDocument {
    /// The pay point.
    pub pay_point: String,
    /// District's version number of this roll.
    pub version: u32,
    /// When it was published (RFC 3339).
    pub published_at: String,
    /// The roll.
    pub roll: Roll,
    /// The people of the roll the office pays by bank account in its period: their lines are
    /// "chuyển khoản", not paid in cash (issue 18). Absent when nobody is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub by_account: Vec<crate::account::AccountMark>,
}

/// A signed roll.
pub type SignedRoll = Signed<RollDocument>;

/// One change from the district after the roll: a stop reported at the district, or a new
/// version of a roll (lines added or changed) to pull.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AmendmentKind {
    /// Stop payment to a beneficiary.
    Stop {
        /// Beneficiary code.
        code: String,
        /// `death`, `moved`, `other`.
        reason: String,
        /// Effective date, YYYY-MM-DD.
        date: Option<String>,
        /// Note.
        note: String,
    },
    /// A roll version was published: pull it.
    RollPublished {
        /// Period.
        period: String,
        /// District's version.
        version: u32,
    },
    /// A beneficiary is to be confirmed (proof of life): paid only through a proxy or at home in
    /// each of these periods. Payouts need a supervisor and a note until it is lifted.
    LifeHold {
        /// Beneficiary code.
        code: String,
        /// The periods, `YYYY-MM`.
        periods: Vec<String>,
    },
    /// The office confirmed the beneficiary: the hold is lifted.
    LifeConfirmed {
        /// Beneficiary code.
        code: String,
        /// Who confirmed, how.
        note: String,
    },
    /// The office published a rate table (a new decree's amounts): the device checks it and
    /// records it as if loaded from the file (`paypoint policy load`).
    PolicyPublished {
        /// The table in the file's form (`assets/policy/nd-77-2024.json`), as JSON text.
        table: String,
    },
    /// People move to another device of the pay point (issue 17): a hand-over a device released
    /// reaches the device it names (`via: handover`), or the office revoked a lost device and
    /// gives the people it held, unpaid, to the one left (`via: revoked`). The device named
    /// takes them (`hold_received`); the device they come from lets them go (`hold_released`)
    /// if it has not already; any other device does nothing.
    HoldGranted(HoldGrant),
    /// The office decided on a request to be paid by bank account (issue 18): confirmed from a
    /// period (the device no longer pays the person in cash from then), refused with a reason,
    /// or put back on cash for one period after a failed transfer.
    AccountDecided(crate::account::AccountDecision),
}

/// Why the hub moves people from one device to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantVia {
    /// A hand-over the giving device released (`hold give`), passed on by the hub.
    Handover,
    /// The office revoked the giving device (lost or broken).
    Revoked,
}

/// The people of a [`AmendmentKind::HoldGranted`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldGrant {
    /// The hand-over's id (the giving device's for `handover`, the hub's for `revoked`).
    pub handover: String,
    /// The device they come from (full id).
    pub from_device: String,
    /// The device that takes them (full id).
    pub to_device: String,
    /// The giving device's `hold_released` event (0 when revoked: the hub released them).
    pub released_seq: u64,
    /// The period it was made in.
    pub period: Period,
    /// Beneficiary codes.
    pub codes: Vec<String>,
    /// Why.
    pub via: GrantVia,
}

/// An amendment as the hub signs it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    /// Position in the pay point's amendment stream (the cursor), from 1.
    pub id: u64,
    /// The pay point.
    pub pay_point: String,
    /// When the district recorded it.
    pub created_at: String,
    /// What changed.
    #[serde(flatten)]
    pub change: AmendmentKind,
}

/// `GET /v1/pay-points/{code}/amendments?after=N`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AmendmentsResponse {
    /// Amendments after the cursor, in order, each signed.
    pub amendments: Vec<Signed<Amendment>>,
    /// True when more remain after the last one.
    pub more: bool,
}

/// Hex digits of each event's hash that a batch carries ([`PushBatch::tags`]): enough to name the
/// first event whose content does not give back the device's hash (a chance of 1 in 65.536 that a
/// changed event keeps its tag, and then the next one names it); the claimed head, whole, is what
/// proves the batch.
pub const TAG_HEX: usize = 4;

/// Marks a JSON array in the compact payload form (an object is `[shape, values…]`).
const ARRAY_MARK: i64 = -1;

/// One event on the wire, less its id and time (in [`PushBatch::ids`] and [`PushBatch::times`]):
/// `[clerk, kind, payload]`. The sequence number comes from the batch's `first_seq` and the
/// event's place in it, the device from the batch, `prev` and the hash from the chain the hub
/// holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WireEvent(
    /// The clerk, when a person made it.
    pub Option<i64>,
    /// Kind.
    pub EventKind,
    /// Payload in the compact form: every object `{k1: v1, …}` (keys sorted) is
    /// `[shape, v1, …]`, `shape` the index of its key list in [`PushBatch::shapes`]; every array
    /// `[a, …]` is `[-1, a, …]`; strings, numbers, booleans and null as they are.
    pub serde_json::Value,
);

/// `POST /v1/pay-points/{code}/batches`: a run of the device's events in sequence order, in the
/// compact form (format 2). Nothing the hub can recompute is sent: no per-event hash, `prev`,
/// device or sequence number. The hub rebuilds each event, recomputes its hash with the core's
/// own [`Event::compute_hash`] from the hash it already holds for the sequence before, and
/// accepts the batch only if the chain it computes ends at `head` — the device's own hash of its
/// last event, covered by the request signature — and every event's hash starts with its tag.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PushBatch {
    /// The batch's id: the same events always make the same id, so that a batch sent again
    /// after a cut is recognised.
    pub batch_id: Uuid,
    /// The device.
    pub device: Uuid,
    /// Sequence of the first event.
    pub first_seq: u64,
    /// Sequence of the last event.
    pub last_seq: u64,
    /// The device's hash of the last event (the head of its chain after this batch).
    pub head: String,
    /// The first [`TAG_HEX`] hex digits of each event's hash, one after the other: they let the
    /// hub name the event that does not verify.
    pub tags: String,
    /// The events' UUIDs, 32 hex digits each (no hyphens), one after the other.
    pub ids: String,
    /// The events' local times: the first as stored; each next one as the milliseconds since
    /// the one before when that gives back exactly the stored text (same offset, RFC 3339 with
    /// milliseconds), else as stored. The hash covers the exact text.
    pub times: Vec<serde_json::Value>,
    /// Key lists of the payloads' objects (sorted), referred to by index.
    pub shapes: Vec<Vec<String>>,
    /// The events.
    pub events: Vec<WireEvent>,
}

/// Why a batch cannot be read: the sequence of the event at fault, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFault {
    /// The event's sequence number, when one event is at fault.
    pub seq: Option<u64>,
    /// What is wrong.
    pub reason: String,
}

fn fault(seq: Option<u64>, reason: impl Into<String>) -> BatchFault {
    BatchFault {
        seq,
        reason: reason.into(),
    }
}

/// Encodes a payload value in the compact form, adding new key lists to `shapes`.
fn compact(
    v: &serde_json::Value,
    shapes: &mut Vec<Vec<String>>,
    index: &mut std::collections::HashMap<Vec<String>, usize>,
) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let key_list: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            let n = match index.get(&key_list) {
                Some(&n) => n,
                None => {
                    shapes.push(key_list.clone());
                    index.insert(key_list, shapes.len() - 1);
                    shapes.len() - 1
                }
            };
            let mut out = Vec::with_capacity(keys.len() + 1);
            out.push(Value::from(n as u64));
            for k in keys {
                out.push(compact(&m[k], shapes, index));
            }
            Value::Array(out)
        }
        Value::Array(a) => {
            let mut out = Vec::with_capacity(a.len() + 1);
            out.push(Value::from(ARRAY_MARK));
            out.extend(a.iter().map(|x| compact(x, shapes, index)));
            Value::Array(out)
        }
        other => other.clone(),
    }
}

/// Decodes the compact form back to the payload.
fn expand(v: &serde_json::Value, shapes: &[Vec<String>]) -> Result<serde_json::Value, String> {
    use serde_json::{Map, Value};
    match v {
        Value::Array(a) => {
            let tag = a.first().and_then(Value::as_i64).ok_or_else(|| {
                "một mảng của nội dung không bắt đầu bằng số hình dạng".to_string()
            })?;
            if tag == ARRAY_MARK {
                return a[1..].iter().map(|x| expand(x, shapes)).collect();
            }
            let keys = usize::try_from(tag)
                .ok()
                .and_then(|n| shapes.get(n))
                .ok_or_else(|| format!("hình dạng số {tag} không có trong lô"))?;
            if keys.len() != a.len() - 1 {
                return Err(format!(
                    "hình dạng số {tag} có {} khóa nhưng đối tượng có {} giá trị",
                    keys.len(),
                    a.len() - 1
                ));
            }
            let mut m = Map::new();
            for (k, x) in keys.iter().zip(&a[1..]) {
                m.insert(k.clone(), expand(x, shapes)?);
            }
            Ok(Value::Object(m))
        }
        Value::Object(_) => Err("đối tượng không ở dạng gọn".into()),
        other => Ok(other.clone()),
    }
}

fn time_after(prev: &str, ms: i64) -> Option<String> {
    let t = chrono::DateTime::parse_from_rfc3339(prev).ok()?;
    let next = t.checked_add_signed(chrono::TimeDelta::try_milliseconds(ms)?)?;
    Some(next.to_rfc3339_opts(chrono::SecondsFormat::Millis, false))
}

/// An event's time on the wire: milliseconds after the previous event's when that gives back
/// exactly `time`, else `time` itself.
fn time_delta(prev: Option<&str>, time: &str) -> serde_json::Value {
    let delta = prev.and_then(|p| {
        let a = chrono::DateTime::parse_from_rfc3339(p).ok()?;
        let b = chrono::DateTime::parse_from_rfc3339(time).ok()?;
        let ms = (b - a).num_milliseconds();
        (time_after(p, ms).as_deref() == Some(time)).then_some(ms)
    });
    match delta {
        Some(ms) => serde_json::Value::from(ms),
        None => serde_json::Value::from(time),
    }
}

/// An event's time from the wire.
fn time_of(prev: Option<&str>, v: &serde_json::Value) -> Result<String, String> {
    match (v, prev) {
        (serde_json::Value::String(s), _) => Ok(s.clone()),
        (serde_json::Value::Number(n), Some(p)) => n
            .as_i64()
            .and_then(|ms| time_after(p, ms))
            .ok_or_else(|| format!("thời điểm {n} ms sau sự kiện trước không hợp lệ")),
        _ => Err("thời điểm không hợp lệ".into()),
    }
}

impl PushBatch {
    /// A batch of consecutive events (as the ledger stores them), with its deterministic id.
    pub fn new(device: Uuid, events: &[Event]) -> PushBatch {
        let first_seq = events.first().map_or(0, |e| e.seq);
        let last_seq = events.last().map_or(0, |e| e.seq);
        let head = events.last().map_or("", |e| e.hash.as_str()).to_string();
        let digest = sha256_hex(format!("{device}\n{first_seq}\n{last_seq}\n{head}").as_bytes());
        let bytes: [u8; 16] = hex::decode(&digest[..32])
            .expect("hex")
            .try_into()
            .expect("16 bytes");
        let mut shapes = Vec::new();
        let mut index = std::collections::HashMap::new();
        let mut tags = String::with_capacity(events.len() * TAG_HEX);
        let mut ids = String::with_capacity(events.len() * 32);
        let mut times = Vec::with_capacity(events.len());
        let mut prev_time: Option<&str> = None;
        let wire = events
            .iter()
            .map(|e| {
                tags.push_str(e.hash.get(..TAG_HEX).unwrap_or("0000"));
                ids.push_str(&e.id.simple().to_string());
                times.push(time_delta(prev_time, &e.time));
                prev_time = Some(&e.time);
                WireEvent(
                    e.clerk,
                    e.kind,
                    compact(&e.payload, &mut shapes, &mut index),
                )
            })
            .collect();
        PushBatch {
            batch_id: uuid::Builder::from_random_bytes(bytes).into_uuid(),
            device,
            first_seq,
            last_seq,
            head,
            tags,
            ids,
            times,
            shapes,
            events: wire,
        }
    }

    /// Checks the batch's form (sizes, numbering, tags, head) and rebuilds its events without
    /// their chain (`prev` and `hash` empty): [`PushBatch::chain`] fills them in.
    pub fn events(&self) -> Result<Vec<Event>, BatchFault> {
        let n = self.events.len();
        if n == 0 || n > MAX_BATCH_EVENTS {
            return Err(fault(
                None,
                format!("lô cần từ 1 đến {MAX_BATCH_EVENTS} sự kiện"),
            ));
        }
        // Checked: `first_seq` is the device's word; near u64::MAX the sum would overflow
        // (a panic in a debug build; found with the event_decode fuzz target, see BENCHMARKS.md).
        if self.first_seq == 0 || self.first_seq.checked_add(n as u64 - 1) != Some(self.last_seq) {
            return Err(fault(
                None,
                "số thứ tự đầu/cuối của lô không khớp với số sự kiện",
            ));
        }
        let hex = |s: &str| {
            s.bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        };
        if self.head.len() != 64 || !hex(&self.head) {
            return Err(fault(None, "mã băm cuối lô (head) cần 64 chữ số hex"));
        }
        if self.tags.len() != n * TAG_HEX || !hex(&self.tags) {
            return Err(fault(
                None,
                format!("cần {TAG_HEX} chữ số hex (tags) cho mỗi sự kiện"),
            ));
        }
        if self.ids.len() != n * 32 || !hex(&self.ids) {
            return Err(fault(None, "cần 32 chữ số hex (ids) cho mỗi sự kiện"));
        }
        if self.times.len() != n {
            return Err(fault(None, "cần một thời điểm (times) cho mỗi sự kiện"));
        }
        for keys in &self.shapes {
            if keys.windows(2).any(|w| w[0] >= w[1]) {
                return Err(fault(
                    None,
                    "khóa của một hình dạng không theo thứ tự hoặc bị lặp",
                ));
            }
        }
        let mut prev_time: Option<String> = None;
        self.events
            .iter()
            .enumerate()
            .map(|(i, WireEvent(clerk, kind, payload))| {
                let seq = self.first_seq + i as u64;
                let at = |what: String| fault(Some(seq), format!("sự kiện số {seq}: {what}"));
                let id = Uuid::try_parse(&self.ids[i * 32..(i + 1) * 32])
                    .map_err(|e| at(format!("mã sự kiện: {e}")))?;
                let time = time_of(prev_time.as_deref(), &self.times[i]).map_err(at)?;
                prev_time = Some(time.clone());
                Ok(Event {
                    seq,
                    id,
                    device: self.device,
                    clerk: *clerk,
                    time,
                    kind: *kind,
                    payload: expand(payload, &self.shapes)
                        .map_err(|e| fault(Some(seq), format!("sự kiện số {seq}: {e}")))?,
                    prev: String::new(),
                    hash: String::new(),
                })
            })
            .collect()
    }

    /// Chains the rebuilt events from `start_prev` (the hash the hub holds for the sequence
    /// before the batch), recomputing each hash with the core's event hashing, and checks each
    /// against its tag and the last against the claimed head. Names the first event that does not
    /// verify.
    pub fn chain(&self, events: &mut [Event], start_prev: &str) -> Result<(), BatchFault> {
        let mut prev = start_prev.to_string();
        for (i, e) in events.iter_mut().enumerate() {
            e.prev = prev;
            e.hash = e.compute_hash();
            if e.hash[..TAG_HEX] != self.tags[i * TAG_HEX..(i + 1) * TAG_HEX] {
                return Err(fault(
                    Some(e.seq),
                    format!(
                        "sự kiện số {}: nội dung không khớp mã băm của thiết bị (sự kiện đã bị sửa, hoặc một sự kiện trước nó đã bị xóa hay sửa)",
                        e.seq
                    ),
                ));
            }
            prev = e.hash.clone();
        }
        if prev != self.head {
            let last = events.last().map(|e| e.seq);
            return Err(fault(
                last,
                format!(
                    "sự kiện số {}: chuỗi băm tính lại không kết thúc ở mã băm thiết bị khai (head): lô đã bị sửa",
                    last.unwrap_or(0)
                ),
            ));
        }
        Ok(())
    }
}

/// Something the district must look at. Facts are stored, never refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Flag {
    /// `paid_after_stop`, `paid_by_two_devices`, `not_on_roll`, `amount_differs`,
    /// `line_withdrawn` or `unreadable_payload`.
    pub kind: String,
    /// Beneficiary code.
    pub code: String,
    /// Period.
    pub period: String,
    /// The event that raised it.
    pub event: Uuid,
    /// The other payout or the stop, when there is one.
    pub other: Option<String>,
    /// Plain words.
    pub detail: String,
    /// The money at stake, to check or recover (absent in receipts of hubs before issue 12).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Dong>,
}

/// What the hub signs for an accepted batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptBody {
    /// The batch.
    pub batch_id: Uuid,
    /// The device.
    pub device: Uuid,
    /// The pay point.
    pub pay_point: String,
    /// Every event of the device up to this sequence is at the hub.
    pub accepted_through: u64,
    /// Hash of that event.
    pub head_hash: String,
    /// Events of this batch that were new at the hub.
    pub new_events: u64,
    /// Events of this batch the hub already had.
    pub duplicate_events: u64,
    /// Flags raised by this batch.
    pub flags: Vec<Flag>,
    /// Hub time.
    pub received_at: String,
    /// The pay point's latest amendment when the receipt was signed, the batch's own included
    /// (a proof-of-life hold): the device pulls again only when it is past what it holds. Only
    /// for a device that asks (`?amendments=1`, devices since issue 21), so that a receipt an
    /// older device verifies has the fields it knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendments_through: Option<u64>,
}

/// A receipt: proof of delivery, kept by the device.
pub type Receipt = Signed<ReceiptBody>;

/// An error answer (every 4xx/5xx): the reason in Vietnamese, and for a gap (409) where to resume.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What is wrong.
    pub error: String,
    /// For a gap: the first sequence the hub needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_from: Option<u64>,
    /// For a tampered event: its sequence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_seq: Option<u64>,
}

/// `GET /v1/pay-points/{code}/status`: the device's position at the hub.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HubStatus {
    /// The pay point.
    pub pay_point: String,
    /// The device.
    pub device: Uuid,
    /// Last sequence accepted from it.
    pub accepted_through: u64,
    /// Its hash.
    pub head_hash: String,
    /// Events of the pay point at the hub (all devices).
    pub events: u64,
    /// Flags of the pay point.
    pub flags: u64,
    /// Last amendment id of the pay point.
    pub last_amendment: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    #[test]
    fn request_signature_covers_every_part() {
        let k = key(1);
        let sig = sign_request(&k, "POST", "/v1/x?a=1", 100, "abcd", b"{}");
        let vk = k.verifying_key();
        assert!(verify_request(&vk, "POST", "/v1/x?a=1", 100, "abcd", b"{}", &sig).is_ok());
        assert!(verify_request(&vk, "GET", "/v1/x?a=1", 100, "abcd", b"{}", &sig).is_err());
        assert!(verify_request(&vk, "POST", "/v1/x?a=2", 100, "abcd", b"{}", &sig).is_err());
        assert!(verify_request(&vk, "POST", "/v1/x?a=1", 101, "abcd", b"{}", &sig).is_err());
        assert!(verify_request(&vk, "POST", "/v1/x?a=1", 100, "abce", b"{}", &sig).is_err());
        assert!(verify_request(&vk, "POST", "/v1/x?a=1", 100, "abcd", b"{ }", &sig).is_err());
        assert!(verify_request(
            &key(2).verifying_key(),
            "POST",
            "/v1/x?a=1",
            100,
            "abcd",
            b"{}",
            &sig
        )
        .is_err());
    }

    #[test]
    fn signed_documents_detect_any_change() {
        let k = key(3);
        let doc = Signed::sign(
            &k,
            Flag {
                kind: "paid_after_stop".into(),
                code: "A".into(),
                period: "2026-12".into(),
                event: Uuid::nil(),
                other: None,
                detail: "x".into(),
                amount: None,
            },
        );
        assert!(doc.verify(&k.verifying_key()).is_ok());
        let mut bad = doc.clone();
        bad.body.code = "B".into();
        assert!(bad.verify(&k.verifying_key()).is_err());
        assert!(doc.verify(&key(4).verifying_key()).is_err());
    }

    #[test]
    fn batch_ids_are_deterministic() {
        let d = Uuid::nil();
        assert_eq!(
            PushBatch::new(d, &[]).batch_id,
            PushBatch::new(d, &[]).batch_id
        );
    }

    fn chained(n: u64) -> Vec<Event> {
        let mut prev = crate::event::GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let mut e = Event {
                    seq,
                    id: Uuid::now_v7(),
                    device: Uuid::nil(),
                    clerk: (seq % 2 == 0).then_some(1),
                    // Times that do not come back from a delta travel as they are.
                    time: match seq {
                        3 => "2026-12-05T09:00:03Z".to_string(),
                        4 => "giờ lạ".to_string(),
                        _ => format!("2026-12-05T09:00:{seq:02}.{:03}+07:00", seq * 7),
                    },
                    kind: EventKind::Payout,
                    payload: serde_json::json!({
                        "code": format!("A-{seq}"), "amount": 100 * seq, "at_home": false,
                        "proxy_name": null, "empty": {}, "none": [],
                        "lines": [{"line": seq, "amount": 100 * seq, "kind": "monthly"}, [1, "x", [], {}]],
                    }),
                    prev: prev.clone(),
                    hash: String::new(),
                };
                e.hash = e.compute_hash();
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    #[test]
    fn the_compact_batch_gives_back_every_event_and_its_hash() {
        let events = chained(7);
        let batch = PushBatch::new(Uuid::nil(), &events[2..]);
        assert_eq!(batch.times[3], serde_json::json!(1007), "{:?}", batch.times);
        let json = serde_json::to_string(&batch).unwrap();
        let batch: PushBatch = serde_json::from_str(&json).unwrap();
        let mut back = batch.events().unwrap();
        batch.chain(&mut back, &events[1].hash).unwrap();
        assert_eq!(back, events[2..].to_vec());
        // From the wrong place in the chain, the first event is named.
        let mut again = batch.events().unwrap();
        let e = batch.chain(&mut again, &events[0].hash).unwrap_err();
        assert_eq!(e.seq, Some(3));
    }

    #[test]
    fn a_changed_event_is_named_and_a_wrong_head_refused() {
        let events = chained(6);
        let mut batch = PushBatch::new(Uuid::nil(), &events);
        batch.times[3] = serde_json::json!("2026-12-05T09:00:59.000+07:00");
        let mut back = batch.events().unwrap();
        let e = batch
            .chain(&mut back, crate::event::GENESIS_HASH)
            .unwrap_err();
        assert_eq!(e.seq, Some(4), "{e:?}");
        assert!(e.reason.contains("sự kiện số 4"));
        let mut batch = PushBatch::new(Uuid::nil(), &events);
        batch.head = "0".repeat(64);
        let mut back = batch.events().unwrap();
        assert!(batch.chain(&mut back, crate::event::GENESIS_HASH).is_err());
        let mut batch = PushBatch::new(Uuid::nil(), &events);
        batch.last_seq += 1;
        assert!(batch.events().is_err());
    }

    #[test]
    fn numbering_at_the_top_of_u64_is_refused_not_overflowed() {
        let events = chained(3);
        let mut batch = PushBatch::new(Uuid::nil(), &events);
        batch.first_seq = u64::MAX;
        batch.last_seq = u64::MAX;
        let e = batch.events().unwrap_err();
        assert_eq!(e.seq, None);
        batch.last_seq = 1; // what u64::MAX + 3 - 1 wraps to
        assert!(batch.events().is_err());
        batch.first_seq = u64::MAX - 2;
        batch.last_seq = u64::MAX;
        assert_eq!(batch.events().unwrap().last().unwrap().seq, u64::MAX);
    }
}

#[cfg(test)]
mod body_tests {
    use super::*;

    #[test]
    fn a_body_compressed_with_the_dictionary_or_without_it_reads_back_the_same() {
        let body = br#"{"batch_id":"x","events":[[1,"payout",[0,1639000,false,"HN02-000001"]]]}"#;
        let with = zstd_body(body);
        assert_eq!(unzstd_body(&with).unwrap(), body);
        // The frame names the shipped dictionary; a plain frame (another client) reads too.
        assert_ne!(zstd::zstd_safe::get_dict_id_from_frame(&with), None);
        assert_eq!(
            unzstd_body(&zstd::encode_all(&body[..], 3).unwrap()).unwrap(),
            body
        );
        // The dictionary is what makes a small batch small.
        assert!(with.len() < zstd::encode_all(&body[..], 19).unwrap().len());
    }

    #[test]
    fn a_body_over_the_limit_or_not_zstd_is_refused_whatever_it_claims() {
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(
            unzstd_body(&zstd::encode_all(&big[..], 1).unwrap()),
            Err(BodyError::TooLarge(MAX_BODY_BYTES))
        );
        assert!(matches!(
            unzstd_body(b"not zstd"),
            Err(BodyError::Corrupt(_))
        ));
    }
}
