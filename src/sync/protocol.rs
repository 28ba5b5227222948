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

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::event::{canonical_json, sha256_hex, Event};
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
                "chữ ký của huyện không hợp lệ: tài liệu đã bị sửa hoặc không phải do huyện phát hành"
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

/// `POST /v1/pay-points/{code}/batches`: a run of the device's events in sequence order.
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
    /// The events.
    pub events: Vec<Event>,
}

impl PushBatch {
    /// A batch of consecutive events, with its deterministic id.
    pub fn new(device: Uuid, events: Vec<Event>) -> PushBatch {
        let first_seq = events.first().map_or(0, |e| e.seq);
        let last_seq = events.last().map_or(0, |e| e.seq);
        let last_hash = events.last().map_or("", |e| e.hash.as_str());
        let digest =
            sha256_hex(format!("{device}\n{first_seq}\n{last_seq}\n{last_hash}").as_bytes());
        let bytes: [u8; 16] = hex::decode(&digest[..32])
            .expect("hex")
            .try_into()
            .expect("16 bytes");
        PushBatch {
            batch_id: uuid::Builder::from_random_bytes(bytes).into_uuid(),
            device,
            first_seq,
            last_seq,
            events,
        }
    }
}

/// Something the district must look at. Facts are stored, never refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    /// `paid_after_stop` or `paid_by_two_devices`.
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
            PushBatch::new(d, Vec::new()).batch_id,
            PushBatch::new(d, Vec::new()).batch_id
        );
    }
}
