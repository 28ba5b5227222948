//! The device's side of sync: enrol with the hub, pull the signed roll and the district's
//! amendments, push the event log in batches, keep every receipt.
//!
//! Everything the device learns from the hub is verified against the hub's public key before it
//! is trusted, and lands in the ledger through the same guarded write path as the clerk's own
//! actions (a pulled stop is a `stop` event; a pulled roll is loaded with [`Ledger::apply_roll`]).
//! Pushing resumes from the last acknowledged sequence, so a cut or a crash at any point is
//! followed by a round that sends what is missing and nothing twice: batches are identified by
//! their content, and the hub applies each event once by its UUID.

use std::time::Duration;

use chrono::NaiveDate;
use ed25519_dalek::{SigningKey, VerifyingKey};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use super::protocol::{
    self, Amendment, AmendmentKind, AmendmentsResponse, EnrolRequest, EnrolResponse, ErrorBody,
    PushBatch, Receipt, Signed, SignedRoll, BATCH_EVENTS, HEADER_DEVICE, HEADER_NONCE,
    HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use crate::event::{payload, EventPayload};
use crate::ledger::{local_now, Ledger, LedgerError};
use crate::model::BeneficiaryCode;
use crate::model::StopReason;
use crate::period::Period;
use crate::roll::{RollChange, RollError};

/// Why a sync step did not complete. Nothing half-done is left: what was committed is
/// consistent, and the next round resumes from it.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// `sync` before `sync enrol`.
    #[error("thiết bị chưa đăng ký với đơn vị quản lý: chạy `paypoint sync enrol URL MÃ` trước")]
    NotEnrolled,
    /// `sync enrol` twice.
    #[error("thiết bị đã đăng ký với máy chủ của đơn vị quản lý {0}; không đăng ký lại")]
    AlreadyEnrolled(String),
    /// A URL that is not http(s).
    #[error("địa chỉ máy chủ của đơn vị quản lý “{0}” không hợp lệ: cần http://… hoặc https://…")]
    BadUrl(String),
    /// The hub could not be reached (after the retries).
    #[error("không kết nối được máy chủ của đơn vị quản lý: {0}")]
    Network(String),
    /// The hub refused the request.
    #[error("máy chủ của đơn vị quản lý từ chối (mã {status}): {message}")]
    Refused {
        /// HTTP status.
        status: u16,
        /// The hub's reason.
        message: String,
    },
    /// A roll, amendment or receipt whose signature is not the hub's: refused, nothing applied.
    #[error("{0}; không dùng dữ liệu này")]
    BadSignature(String),
    /// The hub answered something that does not follow the protocol.
    #[error("máy chủ của đơn vị quản lý trả lời không đúng giao thức: {0}")]
    Protocol(String),
    /// Loading a pulled roll was refused.
    #[error("không nạp được danh sách từ đơn vị quản lý: {0}")]
    Roll(#[from] RollError),
    /// Storage failure.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<rusqlite::Error> for SyncError {
    fn from(e: rusqlite::Error) -> Self {
        SyncError::Ledger(LedgerError::from(e))
    }
}

/// How a round retries.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Attempts per request (the first included).
    pub attempts: u32,
    /// First wait between attempts; doubled each time, at most `max_backoff`.
    pub backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
    /// Timeout of one request.
    pub timeout: Duration,
    /// Events per batch.
    pub batch_events: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            attempts: 6,
            backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            batch_events: BATCH_EVENTS,
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncReport {
    /// Amendments applied (stops, roll versions).
    pub amendments_applied: u64,
    /// Stops from the district recorded in the ledger.
    pub stops_applied: u64,
    /// Rolls pulled and loaded or amended.
    pub rolls: Vec<RollChange>,
    /// Batches acknowledged.
    pub batches: u64,
    /// Events the hub acknowledged in this round.
    pub events_acknowledged: u64,
    /// Flags the hub raised in this round.
    pub flags: Vec<protocol::Flag>,
    /// Where the exchange stands after the round.
    pub status: SyncStatus,
}

/// Where the exchange stands (`paypoint sync status`).
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncStatus {
    /// Enrolled with a hub.
    pub enrolled: bool,
    /// The hub's URL.
    pub hub_url: Option<String>,
    /// Events recorded on this device.
    pub events: u64,
    /// Events not yet acknowledged by the hub.
    pub pending: u64,
    /// Of those, events sent but not yet acknowledged.
    pub sent: u64,
    /// Events acknowledged (every event through this sequence is at the hub).
    pub acknowledged: u64,
    /// Flags the hub raised on this device's batches.
    pub flagged: u64,
    /// Receipts kept.
    pub receipts: u64,
    /// Last amendment applied.
    pub amendment_cursor: u64,
    /// The last receipt, as signed by the hub.
    pub last_receipt: Option<serde_json::Value>,
    /// Last successful round.
    pub last_success_at: Option<String>,
    /// Last error.
    pub last_error: Option<String>,
}

/// The device's key pair (`crate::device`).
fn device_key(ledger: &mut Ledger) -> Result<SigningKey, SyncError> {
    Ok(ledger.device_key()?)
}

struct HubConn {
    url: String,
    hub_key: VerifyingKey,
}

fn hub_of(ledger: &Ledger) -> Result<HubConn, SyncError> {
    let row: Option<(String, String)> = ledger
        .conn
        .prepare_cached("SELECT url, hub_public_key FROM sync_hub")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (url, key) = row.ok_or(SyncError::NotEnrolled)?;
    Ok(HubConn {
        url,
        hub_key: protocol::parse_public_key(&key)
            .map_err(|e| SyncError::Ledger(LedgerError::Corrupt(e)))?,
    })
}

/// An HTTP answer: status and body.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

/// The signed HTTP client of one device.
struct Client {
    http: reqwest::blocking::Client,
    base: String,
    device: Uuid,
    key: SigningKey,
    opts: SyncOptions,
    /// Set when the hub refused a zstd body (a hub from before issue 21): gzip from then on.
    gzip_only: std::cell::Cell<bool>,
}

impl Client {
    fn new(
        base: &str,
        device: Uuid,
        key: SigningKey,
        opts: SyncOptions,
    ) -> Result<Client, SyncError> {
        let base = base.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(SyncError::BadUrl(base));
        }
        let http = reqwest::blocking::Client::builder()
            .timeout(opts.timeout)
            .connect_timeout(Duration::from_secs(10))
            .gzip(true)
            .user_agent(concat!("paypoint/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Network(e.to_string()))?;
        Ok(Client {
            http,
            base,
            device,
            key,
            opts,
            gzip_only: std::cell::Cell::new(false),
        })
    }

    /// One signed request, retried with backoff on a network failure or a 5xx answer.
    fn request(&self, method: &str, path: &str, body: Option<&[u8]>) -> Result<Answer, SyncError> {
        let mut wait = self.opts.backoff;
        let mut last_error = String::new();
        for attempt in 0..self.opts.attempts.max(1) {
            if attempt > 0 {
                std::thread::sleep(wait);
                wait = (wait * 2).min(self.opts.max_backoff);
            }
            match self.send_once(method, path, body) {
                Ok(a) if a.status >= 500 || a.status == 408 || a.status == 429 => {
                    last_error = format!("mã {}: {}", a.status, error_message(&a.body));
                }
                Ok(a) => return Ok(a),
                Err(e) => last_error = e,
            }
        }
        Err(SyncError::Network(last_error))
    }

    /// One attempt. A hub from before issue 21 refuses a zstd body (415) before reading it: the
    /// same request goes again at once in gzip, and every later one of this round too.
    fn send_once(&self, method: &str, path: &str, body: Option<&[u8]>) -> Result<Answer, String> {
        let a = self.send_encoded(method, path, body)?;
        if a.status == 415 && body.is_some() && !self.gzip_only.get() {
            self.gzip_only.set(true);
            return self.send_encoded(method, path, body);
        }
        Ok(a)
    }

    fn send_encoded(
        &self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, String> {
        let ts = chrono::Utc::now().timestamp();
        let nonce = hex::encode(rand::random::<[u8; 16]>());
        let raw = body.unwrap_or(b"");
        let sig = protocol::sign_request(&self.key, method, path, ts, &nonce, raw);
        let url = format!("{}{}", self.base, path);
        // No `Accept`: the hub's `/v1` answers JSON only, and every byte is paid for on a
        // commune's link (issue 21).
        let mut req = match method {
            "GET" => self.http.get(&url),
            _ => self.http.post(&url),
        }
        .header(HEADER_DEVICE, self.device.to_string())
        .header(HEADER_TIMESTAMP, ts.to_string())
        .header(HEADER_NONCE, nonce)
        .header(HEADER_SIGNATURE, sig);
        if let Some(b) = body {
            let (encoding, sent) = if self.gzip_only.get() {
                ("gzip", gzip(b))
            } else {
                (protocol::ENCODING_ZSTD, protocol::zstd_body(b))
            };
            req = req
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::CONTENT_ENCODING, encoding)
                .body(sent);
        }
        let resp = req.send().map_err(|e| describe(&e))?;
        let status = resp.status().as_u16();
        let body = resp.bytes().map_err(|e| describe(&e))?.to_vec();
        Ok(Answer { status, body })
    }

    fn json<T: serde::de::DeserializeOwned>(&self, a: &Answer) -> Result<T, SyncError> {
        if !(200..300).contains(&a.status) {
            return Err(SyncError::Refused {
                status: a.status,
                message: error_message(&a.body),
            });
        }
        serde_json::from_slice(&a.body).map_err(|e| SyncError::Protocol(e.to_string()))
    }
}

fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write as _;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

fn error_message(body: &[u8]) -> String {
    serde_json::from_slice::<ErrorBody>(body)
        .map(|e| e.error)
        .unwrap_or_else(|_| String::from_utf8_lossy(body).chars().take(300).collect())
}

fn client_of(ledger: &mut Ledger, url: &str, opts: &SyncOptions) -> Result<Client, SyncError> {
    let key = device_key(ledger)?;
    Client::new(url, ledger.device().id, key, opts.clone())
}

/// The device's public key (hex), made on first use. The secret half never leaves the ledger.
pub fn device_public_key(ledger: &mut Ledger) -> Result<String, SyncError> {
    Ok(protocol::public_key_hex(
        &device_key(ledger)?.verifying_key(),
    ))
}

/// Enrols this device with the hub at `url` with the district's one-time code, and keeps the
/// hub's public key.
pub fn enrol(
    ledger: &mut Ledger,
    url: &str,
    code: &str,
    opts: &SyncOptions,
) -> Result<EnrolResponse, SyncError> {
    if let Ok(hub) = hub_of(ledger) {
        return Err(SyncError::AlreadyEnrolled(hub.url));
    }
    let client = client_of(ledger, url, opts)?;
    let req = EnrolRequest {
        code: code.trim().to_string(),
        device: ledger.device().id,
        pay_point: ledger.device().pay_point_code.clone(),
        public_key: protocol::public_key_hex(&client.key.verifying_key()),
    };
    let body = serde_json::to_vec(&req).expect("serialises");
    let answer = client.request("POST", "/v1/enrol", Some(&body))?;
    let resp: EnrolResponse = client.json(&answer)?;
    if resp.pay_point != ledger.device().pay_point_code {
        return Err(SyncError::Protocol(format!(
            "đơn vị quản lý đăng ký thiết bị cho điểm chi trả {}, sổ này là của {}",
            resp.pay_point,
            ledger.device().pay_point_code
        )));
    }
    protocol::parse_public_key(&resp.hub_public_key).map_err(SyncError::Protocol)?;
    ledger.conn.execute(
        "INSERT INTO sync_hub (singleton, url, hub_public_key, enrolled_at) VALUES (1, ?1, ?2, ?3)",
        params![client.base, resp.hub_public_key, local_now()],
    )?;
    if !resp.other_devices.is_empty() {
        ledger.become_second()?;
    }
    Ok(resp)
}

/// Where the exchange stands.
pub fn status(ledger: &Ledger) -> Result<SyncStatus, SyncError> {
    let hub = hub_of(ledger).ok();
    let events = ledger.event_count()?;
    let (cursor, acked, sent, success, error): (
        u64,
        u64,
        u64,
        Option<String>,
        Option<String>,
    ) = ledger
        .conn
        .prepare_cached(
            "SELECT amendment_cursor, acked_seq, sent_seq, last_success_at, last_error FROM sync_state",
        )?
        .query_row([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    let (receipts, flagged): (u64, u64) = ledger
        .conn
        .prepare_cached("SELECT count(*), coalesce(sum(flags), 0) FROM sync_receipts")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let last: Option<String> = ledger
        .conn
        .prepare_cached("SELECT receipt FROM sync_receipts ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| r.get(0))
        .optional()?;
    let acked = acked.min(events);
    Ok(SyncStatus {
        enrolled: hub.is_some(),
        hub_url: hub.map(|h| h.url),
        events,
        pending: events - acked,
        sent: sent.min(events).saturating_sub(acked),
        acknowledged: acked,
        flagged,
        receipts,
        amendment_cursor: cursor,
        last_receipt: last.and_then(|s| serde_json::from_str(&s).ok()),
        last_success_at: success,
        last_error: error,
    })
}

/// Applies one amendment from the district, already verified, in one transaction with its
/// bookkeeping: a stop becomes a `stop` event (payment blocked from this commit on); a roll
/// version was pulled and loaded before this call (`roll_seq`). Applying the same id twice does
/// nothing.
fn record_amendment(
    ledger: &mut Ledger,
    signed: &Signed<Amendment>,
) -> Result<Option<u64>, SyncError> {
    let a = &signed.body;
    let text = serde_json::to_string(signed).expect("serialises");
    let me = ledger.device().id;
    ledger.write(|w| {
        let done: bool =
            w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_amendments WHERE id = ?1)")?
                .query_row([a.id], |r| r.get(0))?;
        if done {
            return Ok(None);
        }
        let (kind, seq) = match &a.change {
            AmendmentKind::Stop {
                code,
                reason,
                date,
                note,
            } => ("stop", apply_stop_in(w, a.id, code, reason, date.as_deref(), note)?),
            AmendmentKind::RollPublished { .. } => ("roll_published", None),
            AmendmentKind::LifeHold { code, periods } => {
                ("life_hold", apply_life_hold_in(w, a.id, code, periods)?)
            }
            AmendmentKind::LifeConfirmed { code, note } => {
                let code = amended_code(code)?;
                let seq = crate::life::confirm_in(w, a.id, &code, note)?;
                ("life_confirmed", Some(seq))
            }
            AmendmentKind::PolicyPublished { table } => {
                ("policy_published", apply_policy_in(w, table)?)
            }
            AmendmentKind::HoldGranted(g) => (
                "hold_granted",
                crate::hold::grant_in(w, &me, g).map_err(|e| match e {
                    crate::hold::HoldError::Ledger(l) => SyncError::Ledger(l),
                    other => SyncError::Protocol(other.to_string()),
                })?,
            ),
            AmendmentKind::AccountDecided(d) => (
                "account_decided",
                Some(crate::account::decide_in(w, a.id, d)?),
            ),
        };
        w.tx.prepare_cached(
            "INSERT INTO sync_amendments (id, kind, amendment, event_seq, applied_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![a.id, kind, text, seq, local_now()])?;
        w.tx.prepare_cached(
            "UPDATE sync_state SET amendment_cursor = max(amendment_cursor, ?1)",
        )?
        .execute([a.id])?;
        Ok(seq)
    })
}

fn amended_code(code: &str) -> Result<BeneficiaryCode, SyncError> {
    BeneficiaryCode::new(code).ok_or_else(|| {
        SyncError::Protocol(format!("thay đổi từ đơn vị quản lý: mã đối tượng “{code}”"))
    })
}

/// Records a rate table the office published, inside an open write transaction, unless this
/// ledger already has it (loaded by hand from the same file). A table this program cannot read
/// stops the round with the field named, as a bad roll does: nothing of it is applied.
fn apply_policy_in(w: &crate::ledger::Writer<'_>, table: &str) -> Result<Option<u64>, SyncError> {
    use crate::policy::{self, PolicyError};
    let bad = |e: PolicyError| SyncError::Protocol(format!("bảng mức từ đơn vị quản lý: {e}"));
    let table = policy::PolicyTable::parse(table).map_err(bad)?;
    match policy::load_in(w, &table, "đơn vị quản lý (đồng bộ)") {
        Ok(seq) => Ok(Some(seq)),
        Err(PolicyError::AlreadyLoaded { .. }) => Ok(None),
        Err(PolicyError::Ledger(l)) => Err(SyncError::Ledger(l)),
        Err(e) => Err(bad(e)),
    }
}

/// Records the office's proof-of-life hold, inside an open write transaction.
fn apply_life_hold_in(
    w: &crate::ledger::Writer<'_>,
    amendment: u64,
    code: &str,
    periods: &[String],
) -> Result<Option<u64>, SyncError> {
    let code = amended_code(code)?;
    let periods = periods
        .iter()
        .map(|p| {
            p.parse()
                .map_err(|_| SyncError::Protocol(format!("thay đổi từ đơn vị quản lý: kỳ “{p}”")))
        })
        .collect::<Result<Vec<Period>, _>>()?;
    Ok(crate::life::hold_in(w, amendment, &code, periods)?)
}

/// Records a stop reported at the district, inside an open write transaction, unless the code is
/// already stopped here. Returns the event's sequence.
pub fn apply_stop_in(
    w: &crate::ledger::Writer<'_>,
    amendment: u64,
    code: &str,
    reason: &str,
    date: Option<&str>,
    note: &str,
) -> Result<Option<u64>, SyncError> {
    let bad = |what: String| SyncError::Protocol(format!("báo giảm từ đơn vị quản lý: {what}"));
    let code = BeneficiaryCode::new(code).ok_or_else(|| bad(format!("mã đối tượng “{code}”")))?;
    let reason = StopReason::parse(reason).ok_or_else(|| bad(format!("lý do “{reason}”")))?;
    let date: Option<NaiveDate> = date
        .map(|d| d.parse().map_err(|_| bad(format!("ngày “{d}”"))))
        .transpose()?;
    if crate::stop::stop_of(&w.tx, &code)?.is_some() {
        return Ok(None);
    }
    let note = crate::text::clean(note);
    let ev = w.append(
        None,
        EventPayload::Stop(payload::Stop {
            code: code.to_string(),
            reason,
            date: date.map(|d| d.to_string()),
            note: note.clone(),
            source: Some(payload::StopSource::District),
            amendment: Some(amendment),
        }),
    )?;
    w.tx.prepare_cached(
        "INSERT INTO stops (code, reason, effective_date, note, event_seq) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        code.as_str(),
        reason.as_str(),
        date.map(|d| d.to_string()),
        note,
        ev.seq
    ])?;
    Ok(Some(ev.seq))
}

fn set_state(ledger: &Ledger, sql: &str, value: &dyn rusqlite::ToSql) -> Result<(), SyncError> {
    ledger.conn.execute(sql, [value])?;
    Ok(())
}

/// Pulls a period's roll from the hub, verifies the hub's signature, and loads it (or applies
/// the difference to the roll already loaded).
fn pull_roll(
    ledger: &mut Ledger,
    client: &Client,
    hub: &HubConn,
    period: &str,
) -> Result<RollChange, SyncError> {
    let pp = ledger.device().pay_point_code.clone();
    let answer = client.request(
        "GET",
        &format!("/v1/pay-points/{}/rolls/{period}", url_part(&pp)),
        None,
    )?;
    let doc: SignedRoll = client.json(&answer)?;
    let body = doc.verify(&hub.hub_key).map_err(SyncError::BadSignature)?;
    if body.pay_point != pp || body.roll.period.to_string() != period {
        return Err(SyncError::Protocol(format!(
            "đơn vị quản lý gửi danh sách của {} kỳ {}, không phải {pp} kỳ {period}",
            body.pay_point, body.roll.period
        )));
    }
    Ok(ledger.apply_hub_roll(
        &body.roll,
        &format!(
            "đơn vị quản lý: {pp} kỳ {period} phiên bản {}",
            body.version
        ),
    )?)
}

fn url_part(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// One full round: pull the district's amendments (stops at once, new roll versions), then push
/// every pending event in batches, keeping each receipt.
pub fn sync(ledger: &mut Ledger, opts: &SyncOptions) -> Result<SyncReport, SyncError> {
    let hub = hub_of(ledger)?;
    let client = client_of(ledger, &hub.url, opts)?;
    set_state(
        ledger,
        "UPDATE sync_state SET last_attempt_at = ?1",
        &local_now(),
    )?;
    let out = round(ledger, &client, &hub);
    match &out {
        Ok(_) => ledger.conn.execute(
            "UPDATE sync_state SET last_success_at = ?1, last_error = NULL",
            [local_now()],
        )?,
        Err(e) => ledger
            .conn
            .execute("UPDATE sync_state SET last_error = ?1", [e.to_string()])?,
    };
    let mut report = out?;
    report.status = status(ledger)?;
    Ok(report)
}

fn round(ledger: &mut Ledger, client: &Client, hub: &HubConn) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    pull_amendments(ledger, client, hub, &mut report)?;
    let after_push = push(ledger, client, hub, &mut report)?;
    // What the hub found in this push (a proof-of-life hold) reaches the clerk now, not at the
    // next sync; a pull that the receipts say would bring nothing is not made (issue 21).
    let cursor = amendment_cursor(ledger)?;
    if report.batches > 0 && after_push.is_none_or(|latest| latest > cursor) {
        pull_amendments(ledger, client, hub, &mut report)?;
    }
    Ok(report)
}

/// The last amendment the device holds.
fn amendment_cursor(ledger: &Ledger) -> Result<u64, SyncError> {
    Ok(ledger
        .conn
        .prepare_cached("SELECT amendment_cursor FROM sync_state")?
        .query_row([], |r| r.get(0))?)
}

fn pull_amendments(
    ledger: &mut Ledger,
    client: &Client,
    hub: &HubConn,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let pp = ledger.device().pay_point_code.clone();
    for _page in 0..10_000 {
        let cursor = amendment_cursor(ledger)?;
        let answer = client.request(
            "GET",
            &format!("/v1/pay-points/{}/amendments?after={cursor}", url_part(&pp)),
            None,
        )?;
        let page: AmendmentsResponse = client.json(&answer)?;
        // Every amendment of the page is verified before any is applied.
        for a in &page.amendments {
            let body = a.verify(&hub.hub_key).map_err(SyncError::BadSignature)?;
            if body.pay_point != pp || body.id <= cursor {
                return Err(SyncError::Protocol(format!(
                    "thay đổi số {} của điểm {} không thuộc về thiết bị này",
                    body.id, body.pay_point
                )));
            }
        }
        for a in &page.amendments {
            if let AmendmentKind::RollPublished { period, .. } = &a.body.change {
                report.rolls.push(pull_roll(ledger, client, hub, period)?);
            }
            let not_a_stop = matches!(
                a.body.change,
                AmendmentKind::PolicyPublished { .. } | AmendmentKind::AccountDecided(_)
            );
            if record_amendment(ledger, a)?.is_some() && !not_a_stop {
                report.stops_applied += 1;
            }
            report.amendments_applied += 1;
        }
        if !page.more || page.amendments.is_empty() {
            return Ok(());
        }
    }
    Ok(())
}

/// Pushes what the hub has not acknowledged. Returns the pay point's latest amendment as the
/// receipts say it, `None` when one of them did not (a hub from before issue 21).
fn push(
    ledger: &mut Ledger,
    client: &Client,
    hub: &HubConn,
    report: &mut SyncReport,
) -> Result<Option<u64>, SyncError> {
    let pp = ledger.device().pay_point_code.clone();
    let device = ledger.device().id;
    let path = format!("/v1/pay-points/{}/batches?amendments=1", url_part(&pp));
    let mut gaps = 0;
    let mut latest = Some(0);
    loop {
        let acked: u64 = ledger
            .conn
            .prepare_cached("SELECT acked_seq FROM sync_state")?
            .query_row([], |r| r.get(0))?;
        let events = ledger.events_after(acked, client.opts.batch_events.max(1))?;
        if events.is_empty() {
            return Ok(latest);
        }
        let batch = PushBatch::new(device, &events);
        ledger.conn.execute(
            "UPDATE sync_state SET sent_seq = max(sent_seq, ?1)",
            [batch.last_seq],
        )?;
        let body = serde_json::to_vec(&batch).expect("serialises");
        let answer = client.request("POST", &path, Some(&body))?;
        if answer.status == 409 {
            let resume = serde_json::from_slice::<ErrorBody>(&answer.body)
                .ok()
                .and_then(|e| e.resume_from)
                .ok_or_else(|| SyncError::Protocol("409 không kèm resume_from".into()))?;
            gaps += 1;
            if gaps > 3 || resume == 0 {
                return Err(SyncError::Protocol(format!(
                    "đơn vị quản lý liên tục yêu cầu gửi lại từ sự kiện {resume}"
                )));
            }
            ledger
                .conn
                .execute("UPDATE sync_state SET acked_seq = ?1", [resume - 1])?;
            continue;
        }
        let receipt: Receipt = client.json(&answer)?;
        let body = receipt
            .verify(&hub.hub_key)
            .map_err(SyncError::BadSignature)?;
        if body.batch_id != batch.batch_id || body.device != device {
            return Err(SyncError::Protocol(
                "biên nhận không phải của lô vừa gửi".into(),
            ));
        }
        if body.accepted_through < batch.last_seq {
            return Err(SyncError::Protocol(format!(
                "đơn vị quản lý chỉ nhận đến sự kiện {} của lô {}–{}",
                body.accepted_through, batch.first_seq, batch.last_seq
            )));
        }
        // The hub recomputed the chain from the events' content: its head must be this
        // device's own hash of the last event.
        if body.accepted_through == batch.last_seq && body.head_hash != batch.head {
            return Err(SyncError::Protocol(format!(
                "biên nhận ghi mã băm {} cho sự kiện {}, thiết bị có {}",
                body.head_hash, batch.last_seq, batch.head
            )));
        }
        latest = latest.zip(body.amendments_through).map(|(a, b)| a.max(b));
        let text = serde_json::to_string(&receipt).expect("serialises");
        ledger.write(|w| {
            w.tx.prepare_cached(
                "INSERT OR IGNORE INTO sync_receipts (batch_id, accepted_through, flags, receipt, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                body.batch_id.to_string(),
                body.accepted_through,
                body.flags.len() as u64,
                text,
                local_now()
            ])?;
            w.tx.prepare_cached("UPDATE sync_state SET acked_seq = max(acked_seq, ?1)")?
                .execute([batch.last_seq])?;
            Ok::<_, SyncError>(())
        })?;
        report.batches += 1;
        report.events_acknowledged += batch.last_seq.saturating_sub(acked);
        report.flags.extend(body.flags.iter().cloned());
    }
}
