//! The district hub (`paypoint-district`): receives every pay point's events exactly once,
//! publishes signed rolls and the district's amendments, flags what the district must recover,
//! and prints the consolidated settlement.
//!
//! [`Hub`] holds every rule; the HTTP handlers ([`http`]) and the admin commands (`main.rs`)
//! parse, call one method, and map the error. The shapes on the wire and the signing rules are
//! the core's ([`paypoint::sync::protocol`]), so the device and the hub agree by construction.

pub mod anomaly;
pub mod http;
pub mod life;
pub mod paper;
pub mod reconcile;

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use ed25519_dalek::{SigningKey, VerifyingKey};
use paypoint::event::payload;
use paypoint::event::{sha256_hex, EventPayload, GENESIS_HASH};
use paypoint::roll::LineKind;
use paypoint::roll::Roll;
use paypoint::sync::protocol::{
    self, Amendment, AmendmentKind, AmendmentsResponse, BatchFault, EnrolRequest, EnrolResponse,
    ErrorBody, Flag, HubStatus, PushBatch, ReceiptBody, RollDocument, Signed, MAX_CLOCK_SKEW_SECS,
};
use paypoint::Period;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use serde::Serialize;
use uuid::Uuid;

const MIGRATION_FILES: &[&str] = &[
    include_str!("../migrations/0001_hub.sql"),
    include_str!("../migrations/0002_reconcile.sql"),
    include_str!("../migrations/0003_anomalies.sql"),
    include_str!("../migrations/0004_life.sql"),
];
static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::new(MIGRATION_FILES.iter().map(|sql| M::up(sql)).collect()));

/// How long an enrolment code is valid.
pub const ENROL_CODE_TTL_SECS: i64 = 7 * 24 * 3600;
/// Amendments per page.
const AMENDMENT_PAGE: usize = 500;

/// An admin command that failed (the message is for the district officer).
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// Refused with a reason.
    #[error("{0}")]
    Refused(String),
    /// Storage failure.
    #[error("lỗi kho dữ liệu của huyện: {0}")]
    Storage(#[from] rusqlite::Error),
}

/// An API answer other than 200: status and JSON body.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: ErrorBody,
}

impl ApiError {
    fn new(status: u16, msg: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: ErrorBody {
                error: msg.into(),
                resume_from: None,
                event_seq: None,
            },
        }
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::new(500, format!("lỗi kho dữ liệu của huyện: {e}"))
    }
}

impl From<HubError> for ApiError {
    fn from(e: HubError) -> Self {
        match e {
            HubError::Refused(m) => ApiError::new(400, m),
            HubError::Storage(e) => e.into(),
        }
    }
}

/// The signature headers of a request.
#[derive(Debug, Clone, Default)]
pub struct RequestAuth {
    /// `X-Paypoint-Device`.
    pub device: String,
    /// `X-Paypoint-Timestamp`.
    pub timestamp: String,
    /// `X-Paypoint-Nonce`.
    pub nonce: String,
    /// `X-Paypoint-Signature`.
    pub signature: String,
}

/// An authenticated device.
#[derive(Debug, Clone)]
pub struct DeviceInfo {
    /// Its id.
    pub id: Uuid,
    /// Its pay point.
    pub pay_point: String,
}

/// One row of the district officer's view.
#[derive(Debug, Clone, Serialize)]
pub struct PayPointOverview {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Enrolled devices.
    pub devices: u64,
    /// Last batch received from any of them.
    pub last_sync_at: Option<String>,
    /// Events received.
    pub events: u64,
    /// Flags raised.
    pub flags: u64,
    /// The latest period with a published roll.
    pub period: Option<String>,
    /// Its total due.
    pub total_due: i64,
    /// Paid in it (net of reversals).
    pub paid_amount: i64,
    /// Beneficiaries on the roll.
    pub beneficiaries: u64,
    /// Beneficiaries paid.
    pub paid_beneficiaries: u64,
}

/// One line of the consolidated settlement.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SettlementRow {
    /// Pay point code.
    pub pay_point: String,
    /// Name.
    pub name: String,
    /// Period.
    pub period: String,
    /// Roll version in force.
    pub roll_version: u32,
    /// People on the roll.
    pub beneficiaries: u64,
    /// Total of the roll.
    pub total_due: i64,
    /// Payouts (net of reversals).
    pub payouts: u64,
    /// Amount paid (net of reversals).
    pub paid_amount: i64,
    /// The part of `paid_amount` that the published roll backs.
    pub paid_as_roll: i64,
    /// The rest of `paid_amount`, flagged to check or recover (lines not on the roll, amounts
    /// above it, withdrawn lines): `paid_as_roll + flagged_amount = paid_amount`.
    pub flagged_amount: i64,
    /// `total_due − paid_amount`.
    pub unpaid_amount: i64,
    /// Stops known at the district.
    pub stops: u64,
    /// Flags raised.
    pub flags: u64,
}

/// A flag as listed for the district.
#[derive(Debug, Clone, Serialize)]
pub struct FlagRow {
    /// Pay point.
    pub pay_point: String,
    /// When raised.
    pub created_at: String,
    /// The flag.
    #[serde(flatten)]
    pub flag: Flag,
}

/// A pay point's code, name, devices, last sync, events, flags, latest published period.
type OverviewRow = (
    String,
    String,
    u64,
    Option<String>,
    u64,
    u64,
    Option<String>,
);

/// The hub: its store and its signing key.
pub struct Hub {
    conn: Mutex<Connection>,
    key: SigningKey,
    path: PathBuf,
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

fn refused(m: impl Into<String>) -> HubError {
    HubError::Refused(m.into())
}

impl Hub {
    /// Opens (or creates) the hub's store in `data_dir` (`hub.sqlite`), with its signing key.
    pub fn open(data_dir: &Path) -> Result<Hub, HubError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            refused(format!(
                "không tạo được thư mục {}: {e}",
                data_dir.display()
            ))
        })?;
        let path = data_dir.join("hub.sqlite");
        let mut conn = Connection::open(&path)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        conn.set_prepared_statement_cache_capacity(128);
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(refused(format!("không bật được WAL (đang là {mode})")));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|e| refused(format!("không nâng cấp được kho dữ liệu: {e}")))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<String> = tx
            .query_row("SELECT secret_key FROM hub_key", [], |r| r.get(0))
            .optional()?;
        let key = match existing {
            Some(k) => protocol::parse_secret_key(&k).map_err(refused)?,
            None => {
                let key = SigningKey::generate(&mut rand::rngs::OsRng);
                tx.execute(
                    "INSERT INTO hub_key (singleton, secret_key, public_key, created_at) VALUES (1, ?1, ?2, ?3)",
                    params![
                        hex::encode(key.to_bytes()),
                        protocol::public_key_hex(&key.verifying_key()),
                        now()
                    ],
                )?;
                key
            }
        };
        tx.commit()?;
        Ok(Hub {
            conn: Mutex::new(conn),
            key,
            path,
        })
    }

    /// The store's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The hub's public key, hex: the devices verify rolls, amendments and receipts with it.
    pub fn public_key_hex(&self) -> String {
        protocol::public_key_hex(&self.key.verifying_key())
    }

    fn db(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    // ---------------------------------------------------------------- admin

    /// Adds a pay point.
    pub fn add_pay_point(&self, code: &str, name: &str) -> Result<(), HubError> {
        let code = code.trim();
        let name = paypoint::text::clean(name);
        if code.is_empty() || code.chars().count() > 32 || code.chars().any(char::is_control) {
            return Err(refused(format!("mã điểm chi trả “{code}” không hợp lệ")));
        }
        if name.is_empty() {
            return Err(refused("cần tên điểm chi trả"));
        }
        let db = self.db();
        let n = db.execute(
            "INSERT OR IGNORE INTO pay_points (code, name, created_at) VALUES (?1, ?2, ?3)",
            params![code, name, now()],
        )?;
        if n == 0 {
            return Err(refused(format!("điểm chi trả {code} đã có")));
        }
        Ok(())
    }

    fn require_pay_point(db: &Connection, code: &str) -> Result<String, HubError> {
        db.query_row("SELECT name FROM pay_points WHERE code = ?1", [code], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| {
            refused(format!(
                "không có điểm chi trả “{code}”: thêm bằng `paypoint add`"
            ))
        })
    }

    /// Stores a roll for a pay point and period as the next version (not yet published).
    /// Returns the version.
    pub fn store_roll(&self, pay_point: &str, roll: &Roll, source: &str) -> Result<u32, HubError> {
        let roll = roll.normalised();
        roll.validate().map_err(|e| refused(e.to_string()))?;
        let total = roll.total().map_err(|e| refused(e.to_string()))?;
        let mut db = self.db();
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let p = roll.period.to_string();
        let version: u32 = tx.query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM rolls WHERE pay_point = ?1 AND period = ?2",
            params![pay_point, p],
            |r| r.get(0),
        )?;
        let roll = Roll { version, ..roll };
        tx.execute(
            "INSERT INTO rolls (pay_point, period, version, roll, total, beneficiaries, source, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                pay_point,
                p,
                version,
                serde_json::to_string(&roll).expect("serialises"),
                total.as_i64(),
                roll.entries.len() as u64,
                source,
                now()
            ],
        )?;
        tx.commit()?;
        Ok(version)
    }

    /// Reads a district roll file with the core's importer and stores it.
    pub fn import_roll(
        &self,
        pay_point: &str,
        period: Period,
        file: &Path,
    ) -> Result<(u32, paypoint::import::ImportPreview), HubError> {
        let preview = paypoint::import::read_roll(
            file,
            &paypoint::import::ImportOptions {
                period,
                encoding: paypoint::import::EncodingChoice::Auto,
            },
        )
        .map_err(|e| refused(e.to_string()))?;
        let v = self.store_roll(pay_point, &preview.roll, &preview.file)?;
        Ok((v, preview))
    }

    /// Signs and publishes the latest version of a pay point's roll for a period, and tells its
    /// devices to pull it. Publishing the same version again changes nothing.
    pub fn publish_roll(&self, pay_point: &str, period: Period) -> Result<u32, HubError> {
        let mut db = self.db();
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let p = period.to_string();
        let row: Option<(i64, u32, String, Option<String>)> = tx
            .query_row(
                "SELECT id, version, roll, published_at FROM rolls WHERE pay_point = ?1 AND period = ?2
                 ORDER BY version DESC LIMIT 1",
                params![pay_point, p],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((id, version, roll, published)) = row else {
            return Err(refused(format!(
                "điểm {pay_point} chưa có danh sách kỳ {p}: nạp bằng `roll import` trước"
            )));
        };
        if published.is_some() {
            return Ok(version);
        }
        let roll: Roll = serde_json::from_str(&roll).map_err(|e| refused(e.to_string()))?;
        reconcile::record_published_lines(&tx, pay_point, version, &roll)?;
        let at = now();
        let doc = Signed::sign(
            &self.key,
            RollDocument {
                pay_point: pay_point.to_string(),
                version,
                published_at: at.clone(),
                roll,
            },
        );
        tx.execute(
            "UPDATE rolls SET document = ?1, published_at = ?2 WHERE id = ?3",
            params![serde_json::to_string(&doc).expect("serialises"), at, id],
        )?;
        self.add_amendment(
            &tx,
            pay_point,
            AmendmentKind::RollPublished { period: p, version },
        )?;
        tx.commit()?;
        Ok(version)
    }

    fn add_amendment(
        &self,
        tx: &Connection,
        pay_point: &str,
        change: AmendmentKind,
    ) -> Result<u64, HubError> {
        let seq: u64 = tx.query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM amendments WHERE pay_point = ?1",
            [pay_point],
            |r| r.get(0),
        )?;
        let at = now();
        let doc = Signed::sign(
            &self.key,
            Amendment {
                id: seq,
                pay_point: pay_point.to_string(),
                created_at: at.clone(),
                change,
            },
        );
        tx.execute(
            "INSERT INTO amendments (pay_point, seq, document, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                pay_point,
                seq,
                serde_json::to_string(&doc).expect("serialises"),
                at
            ],
        )?;
        Ok(seq)
    }

    /// Issues a one-time enrolment code for a pay point (valid 7 days). Only its hash is kept.
    pub fn enrol_code(&self, pay_point: &str) -> Result<String, HubError> {
        let db = self.db();
        Self::require_pay_point(&db, pay_point)?;
        // 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
        const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        let code: String = (0..12)
            .map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char)
            .collect();
        db.execute(
            "INSERT INTO enrol_codes (code_sha256, pay_point, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                sha256_hex(code.as_bytes()),
                pay_point,
                now(),
                chrono::Utc::now().timestamp() + ENROL_CODE_TTL_SECS
            ],
        )?;
        Ok(code)
    }

    /// Records a stop reported at the district and sends it to the pay point's devices. Returns
    /// the amendment's id.
    pub fn record_stop(
        &self,
        pay_point: &str,
        code: &str,
        reason: &str,
        date: Option<chrono::NaiveDate>,
        note: &str,
    ) -> Result<u64, HubError> {
        if paypoint::stop::StopReason::parse(reason).is_none() {
            return Err(refused(format!(
                "lý do “{reason}” không hợp lệ: death, moved hoặc other"
            )));
        }
        let code = paypoint::BeneficiaryCode::new(code)
            .ok_or_else(|| refused(format!("mã đối tượng “{code}” không hợp lệ")))?;
        let mut db = self.db();
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let date = date.map(|d| d.to_string());
        tx.execute(
            "INSERT OR IGNORE INTO stops (pay_point, code, reason, date, source) VALUES (?1, ?2, ?3, ?4, 'district')",
            params![pay_point, code.as_str(), reason, date],
        )?;
        let id = self.add_amendment(
            &tx,
            pay_point,
            AmendmentKind::Stop {
                code: code.to_string(),
                reason: reason.to_string(),
                date,
                note: paypoint::text::clean(note),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// Holds "to be confirmed" the people of the batch's payouts who have now been paid only
    /// through a proxy or at home for the office's number of periods, and tells the pay point.
    fn hold_unseen(
        &self,
        tx: &Connection,
        settings: &anomaly::Settings,
        pay_point: &str,
        mut codes: Vec<String>,
    ) -> Result<(), ApiError> {
        codes.sort();
        codes.dedup();
        for code in codes {
            let Some(periods) = life::new_hold(tx, settings, pay_point, &code)? else {
                continue;
            };
            let change = AmendmentKind::LifeHold {
                code: code.clone(),
                periods: periods.iter().map(Period::to_string).collect(),
            };
            let amendment = self.add_amendment(tx, pay_point, change)?;
            life::record_hold(tx, pay_point, &code, &periods, amendment, &now())?;
        }
        Ok(())
    }

    /// The office confirms a person held "to be confirmed" (seen alive, papers checked): the
    /// hold is lifted at the pay point's next sync. Returns the amendment's id.
    pub fn confirm(&self, pay_point: &str, code: &str, note: &str) -> Result<u64, HubError> {
        let note = paypoint::text::clean(note);
        if note.is_empty() {
            return Err(refused(
                "cần ghi chú: ai đã xác minh, gặp ở đâu, giấy tờ gì (--note)",
            ));
        }
        let mut db = self.db();
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(id) = life::open_hold(&tx, pay_point, code)? else {
            return Err(refused(format!(
                "điểm {pay_point} không có đối tượng mã “{code}” đang chờ xác minh; xem danh sách bằng `to-confirm`"
            )));
        };
        let amendment = self.add_amendment(
            &tx,
            pay_point,
            AmendmentKind::LifeConfirmed {
                code: code.to_string(),
                note: note.clone(),
            },
        )?;
        life::record_confirmation(&tx, id, &note, amendment, &now())?;
        tx.commit()?;
        Ok(amendment)
    }

    /// Checks what a printed page's QR code claims (the text a scanner types) against the hub's
    /// records: the published roll, the payouts and reversals, the chain.
    pub fn check_paper(&self, text: &str) -> Result<paper::PaperCheck, HubError> {
        let stamp = paypoint::paper::PaperStamp::parse(text).map_err(|e| refused(e.to_string()))?;
        Ok(paper::check(&self.db(), &stamp)?)
    }

    /// The people to be confirmed, of one pay point or all; with those already confirmed when
    /// `all`.
    pub fn holds(&self, pay_point: Option<&str>, all: bool) -> Result<Vec<life::Hold>, HubError> {
        Ok(life::holds(&self.db(), pay_point, all)?)
    }

    /// The office's thresholds for the anomaly checks: defaults, overridden by what was set.
    pub fn settings(&self) -> Result<anomaly::Settings, HubError> {
        Ok(anomaly::Settings::load(&self.db())?)
    }

    /// Sets one threshold (checked); it applies to every batch received after.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<anomaly::Settings, HubError> {
        let db = self.db();
        let mut s = anomaly::Settings::load(&db)?;
        s.set(key, value).map_err(refused)?;
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value.trim()],
        )?;
        Ok(s)
    }

    /// Flags, oldest first, of one pay point or all.
    pub fn flags(&self, pay_point: Option<&str>) -> Result<Vec<FlagRow>, HubError> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT pay_point, kind, code, period, event_id, other, detail, created_at, amount FROM flags
             WHERE ?1 IS NULL OR pay_point = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([pay_point], |r| {
            let event: String = r.get(4)?;
            Ok(FlagRow {
                pay_point: r.get(0)?,
                created_at: r.get(7)?,
                flag: Flag {
                    kind: r.get(1)?,
                    code: r.get(2)?,
                    period: r.get(3)?,
                    event: Uuid::parse_str(&event).unwrap_or_default(),
                    other: r.get(5)?,
                    detail: r.get(6)?,
                    amount: paypoint::Dong::new(r.get(8)?).ok(),
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The consolidated settlement: one row per pay point and period with a roll.
    pub fn settlement(&self, period: Option<Period>) -> Result<Vec<SettlementRow>, HubError> {
        let db = self.db();
        let mut stmt = db.prepare(
            "WITH latest AS (
                 SELECT r.pay_point, r.period, max(r.version) AS version FROM rolls r
                 WHERE r.published_at IS NOT NULL GROUP BY r.pay_point, r.period)
             SELECT l.pay_point, pp.name, l.period, l.version, r.beneficiaries, r.total,
                    (SELECT count(*) FROM payouts p WHERE p.pay_point = l.pay_point AND p.period = l.period AND p.reversed_by IS NULL),
                    (SELECT coalesce(sum(amount), 0) FROM payouts p WHERE p.pay_point = l.pay_point AND p.period = l.period AND p.reversed_by IS NULL),
                    (SELECT count(*) FROM stops s WHERE s.pay_point = l.pay_point),
                    (SELECT count(*) FROM flags f WHERE f.pay_point = l.pay_point AND f.period = l.period),
                    (SELECT coalesce(sum(f.amount), 0) FROM flags f JOIN payouts p ON p.id = f.event_id
                     WHERE f.pay_point = l.pay_point AND f.period = l.period AND p.reversed_by IS NULL
                       AND f.kind IN ('not_on_roll', 'amount_differs', 'line_withdrawn'))
             FROM latest l JOIN rolls r ON r.pay_point = l.pay_point AND r.period = l.period AND r.version = l.version
             JOIN pay_points pp ON pp.code = l.pay_point
             WHERE ?1 IS NULL OR l.period = ?1
             ORDER BY l.period, l.pay_point",
        )?;
        let rows = stmt.query_map([period.map(|p| p.to_string())], |r| {
            let total_due: i64 = r.get(5)?;
            let paid: i64 = r.get(7)?;
            let flagged: i64 = r.get(10)?;
            Ok(SettlementRow {
                pay_point: r.get(0)?,
                name: r.get(1)?,
                period: r.get(2)?,
                roll_version: r.get(3)?,
                beneficiaries: r.get(4)?,
                total_due,
                payouts: r.get(6)?,
                paid_amount: paid,
                paid_as_roll: paid - flagged,
                flagged_amount: flagged,
                unpaid_amount: total_due - paid,
                stops: r.get(8)?,
                flags: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The settlement as CSV (UTF-8, comma, header row).
    pub fn settlement_csv(&self, period: Option<Period>) -> Result<String, HubError> {
        let rows = self.settlement(period)?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| refused(e.to_string());
        w.write_record([
            "pay_point",
            "name",
            "period",
            "roll_version",
            "beneficiaries",
            "total_due",
            "payouts",
            "paid_amount",
            "unpaid_amount",
            "stops",
            "flags",
            "paid_as_roll",
            "flagged_amount",
        ])
        .map_err(io)?;
        for r in rows {
            w.write_record([
                r.pay_point,
                r.name,
                r.period,
                r.roll_version.to_string(),
                r.beneficiaries.to_string(),
                r.total_due.to_string(),
                r.payouts.to_string(),
                r.paid_amount.to_string(),
                r.unpaid_amount.to_string(),
                r.stops.to_string(),
                r.flags.to_string(),
                r.paid_as_roll.to_string(),
                r.flagged_amount.to_string(),
            ])
            .map_err(io)?;
        }
        let bytes = w.into_inner().map_err(|e| refused(e.to_string()))?;
        Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text"))
    }

    /// The settlement as a PDF, with the core's document renderer (the same fonts, tables and
    /// signature blocks as the pay points' own papers).
    pub fn settlement_pdf(
        &self,
        period: Option<Period>,
        opts: &paypoint::document::district::DistrictOptions,
    ) -> Result<paypoint::document::Pdf, HubError> {
        let money = |n: i64| paypoint::Dong::new(n).map_err(|e| refused(e.to_string()));
        let rows = self
            .settlement(period)?
            .into_iter()
            .map(|r| {
                Ok(paypoint::document::district::DistrictRow {
                    period: r
                        .period
                        .parse()
                        .map_err(|_| refused(format!("kỳ “{}” không hợp lệ", r.period)))?,
                    total_due: money(r.total_due)?,
                    paid: money(r.paid_amount)?,
                    paid_as_roll: money(r.paid_as_roll)?,
                    flagged: money(r.flagged_amount)?,
                    unpaid: money(r.unpaid_amount)?,
                    pay_point: r.pay_point,
                    name: r.name,
                    roll_version: r.roll_version,
                    beneficiaries: r.beneficiaries,
                    payouts: r.payouts,
                    stops: r.stops,
                    flags: r.flags,
                })
            })
            .collect::<Result<Vec<_>, HubError>>()?;
        paypoint::document::district::render(&rows, opts).map_err(|e| refused(e.to_string()))
    }

    /// The district officer's view: each pay point's progress.
    pub fn overview(&self) -> Result<Vec<PayPointOverview>, HubError> {
        let db = self.db();
        let mut stmt = db.prepare(
            "SELECT pp.code, pp.name,
                (SELECT count(*) FROM devices d WHERE d.pay_point = pp.code),
                (SELECT max(last_sync_at) FROM devices d WHERE d.pay_point = pp.code),
                (SELECT count(*) FROM events e WHERE e.pay_point = pp.code),
                (SELECT count(*) FROM flags f WHERE f.pay_point = pp.code),
                (SELECT max(period) FROM rolls r WHERE r.pay_point = pp.code AND r.published_at IS NOT NULL)
             FROM pay_points pp ORDER BY pp.code",
        )?;
        let rows: Vec<OverviewRow> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (code, name, devices, last_sync_at, events, flags, period) in rows {
            let (total_due, beneficiaries, paid_amount, paid_beneficiaries) = match &period {
                None => (0, 0, 0, 0),
                Some(p) => db.query_row(
                    "SELECT (SELECT total FROM rolls WHERE pay_point = ?1 AND period = ?2 AND published_at IS NOT NULL ORDER BY version DESC LIMIT 1),
                            (SELECT beneficiaries FROM rolls WHERE pay_point = ?1 AND period = ?2 AND published_at IS NOT NULL ORDER BY version DESC LIMIT 1),
                            (SELECT coalesce(sum(amount), 0) FROM payouts WHERE pay_point = ?1 AND period = ?2 AND reversed_by IS NULL),
                            (SELECT count(DISTINCT code) FROM payouts WHERE pay_point = ?1 AND period = ?2 AND reversed_by IS NULL)",
                    params![code, p],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?,
            };
            out.push(PayPointOverview {
                code,
                name,
                devices,
                last_sync_at,
                events,
                flags,
                period,
                total_due,
                paid_amount,
                beneficiaries,
                paid_beneficiaries,
            });
        }
        Ok(out)
    }

    // ---------------------------------------------------------------- API

    /// Checks a request's signature, clock and nonce; returns the device. The nonce is recorded
    /// (in its own commit) so that the same request is never accepted twice.
    pub fn authenticate(
        &self,
        method: &str,
        path_and_query: &str,
        auth: &RequestAuth,
        body: &[u8],
    ) -> Result<DeviceInfo, ApiError> {
        let device = Uuid::parse_str(auth.device.trim())
            .map_err(|_| ApiError::new(401, "thiếu hoặc sai mã thiết bị (X-Paypoint-Device)"))?;
        let db = self.db();
        let row: Option<(String, String)> = db
            .prepare_cached("SELECT pay_point, public_key FROM devices WHERE id = ?1")?
            .query_row([device.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((pay_point, key)) = row else {
            return Err(ApiError::new(401, "thiết bị chưa đăng ký với huyện"));
        };
        let key = protocol::parse_public_key(&key).map_err(|e| ApiError::new(500, e))?;
        Self::check_signature(&db, &key, device, method, path_and_query, auth, body)?;
        Ok(DeviceInfo {
            id: device,
            pay_point,
        })
    }

    fn check_signature(
        db: &Connection,
        key: &VerifyingKey,
        device: Uuid,
        method: &str,
        path_and_query: &str,
        auth: &RequestAuth,
        body: &[u8],
    ) -> Result<(), ApiError> {
        let ts: i64 = auth.timestamp.trim().parse().map_err(|_| {
            ApiError::new(401, "thiếu hoặc sai thời điểm ký (X-Paypoint-Timestamp)")
        })?;
        let now = chrono::Utc::now().timestamp();
        if (now - ts).abs() > MAX_CLOCK_SKEW_SECS {
            return Err(ApiError::new(
                401,
                format!(
                    "thời điểm ký lệch {} giây so với đồng hồ của huyện (tối đa {MAX_CLOCK_SKEW_SECS}): kiểm tra đồng hồ máy",
                    ts - now
                ),
            ));
        }
        let nonce = auth.nonce.trim();
        if nonce.len() < 16 || nonce.len() > 64 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ApiError::new(
                401,
                "thiếu hoặc sai số dùng một lần (X-Paypoint-Nonce)",
            ));
        }
        protocol::verify_request(
            key,
            method,
            path_and_query,
            ts,
            nonce,
            body,
            &auth.signature,
        )
        .map_err(|e| ApiError::new(401, e))?;
        db.prepare_cached("DELETE FROM nonces WHERE ts < ?1")?
            .execute([now - 2 * MAX_CLOCK_SKEW_SECS])?;
        let fresh = db
            .prepare_cached("INSERT OR IGNORE INTO nonces (device, nonce, ts) VALUES (?1, ?2, ?3)")?
            .execute(params![device.to_string(), nonce, ts])?;
        if fresh == 0 {
            return Err(ApiError::new(
                401,
                "yêu cầu phát lại: số dùng một lần đã được dùng",
            ));
        }
        Ok(())
    }

    /// Enrols a device with a one-time code. The request is signed with the key it registers.
    pub fn enrol(
        &self,
        method: &str,
        path_and_query: &str,
        auth: &RequestAuth,
        body: &[u8],
    ) -> Result<EnrolResponse, ApiError> {
        let req: EnrolRequest = serde_json::from_slice(body)
            .map_err(|e| ApiError::new(400, format!("yêu cầu đăng ký không đọc được: {e}")))?;
        if auth.device.trim() != req.device.to_string() {
            return Err(ApiError::new(
                401,
                "mã thiết bị trong tiêu đề và trong yêu cầu khác nhau",
            ));
        }
        let key = protocol::parse_public_key(&req.public_key).map_err(|e| ApiError::new(400, e))?;
        let mut db = self.db();
        Self::check_signature(&db, &key, req.device, method, path_and_query, auth, body)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hash = sha256_hex(req.code.trim().to_ascii_uppercase().as_bytes());
        let row: Option<(String, i64, Option<String>)> = tx
            .query_row(
                "SELECT pay_point, expires_at, used_by FROM enrol_codes WHERE code_sha256 = ?1",
                [&hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((pay_point, expires, used_by)) = row else {
            return Err(ApiError::new(403, "mã đăng ký không đúng"));
        };
        if let Some(by) = used_by {
            if by != req.device.to_string() {
                return Err(ApiError::new(403, "mã đăng ký đã được dùng"));
            }
        }
        if expires < chrono::Utc::now().timestamp() {
            return Err(ApiError::new(
                403,
                "mã đăng ký đã hết hạn: xin huyện mã mới",
            ));
        }
        if pay_point != req.pay_point {
            return Err(ApiError::new(
                403,
                format!(
                    "mã đăng ký dành cho điểm chi trả {pay_point}, sổ của thiết bị là của {}",
                    req.pay_point
                ),
            ));
        }
        let name: String = tx.query_row(
            "SELECT name FROM pay_points WHERE code = ?1",
            [&pay_point],
            |r| r.get(0),
        )?;
        let existing: Option<(String, String, u64)> = tx
            .query_row(
                "SELECT pay_point, public_key, accepted_seq FROM devices WHERE id = ?1",
                [req.device.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let accepted = match existing {
            Some((pp, k, seq)) if pp == pay_point && k == req.public_key => seq,
            Some(_) => return Err(ApiError::new(409, "thiết bị này đã đăng ký với khóa khác")),
            None => {
                tx.execute(
                    "INSERT INTO devices (id, pay_point, public_key, enrolled_at) VALUES (?1, ?2, ?3, ?4)",
                    params![req.device.to_string(), pay_point, req.public_key, now()],
                )?;
                0
            }
        };
        tx.execute(
            "UPDATE enrol_codes SET used_by = ?1, used_at = ?2 WHERE code_sha256 = ?3",
            params![req.device.to_string(), now(), hash],
        )?;
        tx.commit()?;
        Ok(EnrolResponse {
            pay_point,
            pay_point_name: name,
            hub_public_key: self.public_key_hex(),
            accepted_through: accepted,
        })
    }

    fn own_pay_point(dev: &DeviceInfo, pay_point: &str) -> Result<(), ApiError> {
        if dev.pay_point != pay_point {
            return Err(ApiError::new(
                403,
                format!(
                    "thiết bị thuộc điểm chi trả {}, không được truy cập điểm {pay_point}",
                    dev.pay_point
                ),
            ));
        }
        Ok(())
    }

    /// The signed roll of the device's pay point for a period (latest published version), as JSON.
    pub fn roll_document(
        &self,
        dev: &DeviceInfo,
        pay_point: &str,
        period: &str,
    ) -> Result<String, ApiError> {
        Self::own_pay_point(dev, pay_point)?;
        let db = self.db();
        db.query_row(
            "SELECT document FROM rolls WHERE pay_point = ?1 AND period = ?2 AND published_at IS NOT NULL
             ORDER BY version DESC LIMIT 1",
            params![pay_point, period],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .ok_or_else(|| ApiError::new(404, format!("huyện chưa phát hành danh sách kỳ {period} cho điểm {pay_point}")))
    }

    /// Amendments of the device's pay point after a cursor.
    pub fn amendments(
        &self,
        dev: &DeviceInfo,
        pay_point: &str,
        after: u64,
    ) -> Result<AmendmentsResponse, ApiError> {
        Self::own_pay_point(dev, pay_point)?;
        // SQLite's integers are i64: a cursor past i64::MAX (no amendment ever gets there) asks
        // for what follows i64::MAX, nothing, instead of failing the query with a 500.
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let db = self.db();
        let mut stmt = db.prepare_cached(
            "SELECT document FROM amendments WHERE pay_point = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let docs: Vec<String> = stmt
            .query_map(params![pay_point, after, AMENDMENT_PAGE as i64 + 1], |r| {
                r.get(0)
            })?
            .collect::<Result<_, _>>()?;
        let more = docs.len() > AMENDMENT_PAGE;
        let amendments = docs
            .iter()
            .take(AMENDMENT_PAGE)
            .map(|d| serde_json::from_str(d))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::new(500, e.to_string()))?;
        Ok(AmendmentsResponse { amendments, more })
    }

    /// The device's position at the hub.
    pub fn device_status(&self, dev: &DeviceInfo, pay_point: &str) -> Result<HubStatus, ApiError> {
        Self::own_pay_point(dev, pay_point)?;
        let db = self.db();
        let (accepted, head): (u64, String) = db.query_row(
            "SELECT accepted_seq, head_hash FROM devices WHERE id = ?1",
            [dev.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (events, flags, last): (u64, u64, u64) = db.query_row(
            "SELECT (SELECT count(*) FROM events WHERE pay_point = ?1),
                    (SELECT count(*) FROM flags WHERE pay_point = ?1),
                    (SELECT coalesce(max(seq), 0) FROM amendments WHERE pay_point = ?1)",
            [pay_point],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        Ok(HubStatus {
            pay_point: pay_point.to_string(),
            device: dev.id,
            accepted_through: accepted,
            head_hash: head,
            events,
            flags,
            last_amendment: last,
        })
    }

    /// Ingests a batch: verifies it whole, applies each new event once, flags what the district
    /// must look at, and answers the signed receipt (the same one for the same batch). A gap is
    /// a 409 with where to resume; a malformed or tampered batch is refused whole (422) and
    /// changes nothing.
    pub fn ingest(
        &self,
        dev: &DeviceInfo,
        pay_point: &str,
        body: &[u8],
    ) -> Result<String, ApiError> {
        Self::own_pay_point(dev, pay_point)?;
        let batch: PushBatch = serde_json::from_slice(body)
            .map_err(|e| ApiError::new(400, format!("lô sự kiện không đọc được: {e}")))?;
        let refuse = |m: String| ApiError::new(422, m);
        let named = |f: BatchFault| {
            let mut err = refuse(format!("lô bị từ chối: {}", f.reason));
            err.body.event_seq = f.seq;
            err
        };
        if batch.device != dev.id {
            return Err(refuse(format!(
                "lô ghi thiết bị {}, nhưng được ký bởi thiết bị {}",
                batch.device, dev.id
            )));
        }
        // Rebuilt before the store is locked; chained inside, from the hash the hub holds.
        let mut events = batch.events().map_err(named)?;
        let mut db = self.db();
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let dev_id = dev.id.to_string();
        let (accepted, head): (u64, String) = tx
            .prepare_cached("SELECT accepted_seq, head_hash FROM devices WHERE id = ?1")?
            .query_row([&dev_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        if batch.first_seq > accepted + 1 {
            let mut err = ApiError::new(
                409,
                format!(
                    "thiếu sự kiện: huyện đã nhận đến số {accepted}, lô bắt đầu từ số {}; gửi lại từ số {}",
                    batch.first_seq,
                    accepted + 1
                ),
            );
            err.body.resume_from = Some(accepted + 1);
            return Err(err);
        }
        // The hash before the batch: continuity from what the hub already accepted.
        let start_prev = if batch.first_seq == 1 {
            GENESIS_HASH.to_string()
        } else if batch.first_seq == accepted + 1 {
            head.clone()
        } else {
            tx.prepare_cached("SELECT hash FROM events WHERE device = ?1 AND seq = ?2")?
                .query_row(params![dev_id, batch.first_seq - 1], |r| r.get(0))?
        };
        batch.chain(&mut events, &start_prev).map_err(named)?;
        let mut duplicates = 0;
        for e in events.iter().filter(|e| e.seq <= accepted) {
            let stored: Option<String> = tx
                .prepare_cached("SELECT hash FROM events WHERE device = ?1 AND seq = ?2")?
                .query_row(params![dev_id, e.seq], |r| r.get(0))
                .optional()?;
            if stored.as_deref() != Some(e.hash.as_str()) {
                let mut err = refuse(format!(
                    "lô bị từ chối: sự kiện số {} khác với sự kiện huyện đã nhận (đã bị sửa)",
                    e.seq
                ));
                err.body.event_seq = Some(e.seq);
                return Err(err);
            }
            duplicates += 1;
        }
        let fingerprint = sha256_hex(
            events
                .iter()
                .map(|e| e.hash.as_str())
                .collect::<Vec<_>>()
                .join("\n")
                .as_bytes(),
        );
        let seen: Option<(String, String)> = tx
            .prepare_cached("SELECT body_sha256, receipt FROM batches WHERE batch_id = ?1")?
            .query_row([batch.batch_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((sha, receipt)) = seen {
            if sha == fingerprint {
                return Ok(receipt);
            }
            return Err(refuse(format!(
                "lô {} đã được nhận với nội dung khác",
                batch.batch_id
            )));
        }
        let new: Vec<_> = events.iter().filter(|e| e.seq > accepted).collect();
        let received_at = now();
        let mut flags = Vec::new();
        let mut paid = Vec::new();
        let settings = anomaly::Settings::load(&tx)?;
        for e in &new {
            let inserted = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO events (id, device, pay_point, seq, kind, clerk, local_time, payload, prev_hash, hash, received_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(params![
                    e.id.to_string(),
                    dev_id,
                    pay_point,
                    e.seq,
                    e.kind.as_str(),
                    e.clerk,
                    e.time,
                    paypoint::event::canonical_json(&e.payload),
                    e.prev,
                    e.hash,
                    received_at
                ])?;
            if inserted == 0 {
                let mut err = refuse(format!(
                    "lô bị từ chối: sự kiện số {} mang mã {} đã có ở huyện từ nơi khác",
                    e.seq, e.id
                ));
                err.body.event_seq = Some(e.seq);
                return Err(err);
            }
            let mut raiser = Raiser {
                tx: &tx,
                pay_point,
                event: e,
                at: &received_at,
                flags: &mut flags,
                settings: &settings,
                paid: &mut paid,
            };
            project(&mut raiser, &dev_id)?;
        }
        // Once the whole batch is in: a visit is recorded just after its home payout.
        for (e, p, a) in anomaly::home_payouts_without_visit(&tx, &dev_id, &new)? {
            let period = p.period.to_string();
            let mut raiser = Raiser {
                tx: &tx,
                pay_point,
                event: e,
                at: &received_at,
                flags: &mut flags,
                settings: &settings,
                paid: &mut paid,
            };
            raiser.raise(a.kind, &p.code, &period, None, a.detail, a.amount)?;
        }
        self.hold_unseen(&tx, &settings, pay_point, paid)?;
        let (through, head_hash) = match new.last() {
            Some(e) => (e.seq, e.hash.clone()),
            None => (accepted, head),
        };
        tx.prepare_cached(
            "UPDATE devices SET accepted_seq = ?1, head_hash = ?2, last_sync_at = ?3 WHERE id = ?4",
        )?
        .execute(params![through, head_hash, received_at, dev_id])?;
        let receipt = Signed::sign(
            &self.key,
            ReceiptBody {
                batch_id: batch.batch_id,
                device: dev.id,
                pay_point: pay_point.to_string(),
                accepted_through: through,
                head_hash,
                new_events: new.len() as u64,
                duplicate_events: duplicates,
                flags,
                received_at: received_at.clone(),
            },
        );
        let text = serde_json::to_string(&receipt).expect("serialises");
        tx.prepare_cached(
            "INSERT INTO batches (batch_id, device, body_sha256, receipt, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            batch.batch_id.to_string(),
            dev_id,
            fingerprint,
            text,
            received_at
        ])?;
        tx.commit()?;
        Ok(text)
    }
}

/// Projects one new event into the hub's tables and raises its flags. The event's facts are read
/// through the core's typed payloads; an event whose payload does not have its kind's shape is
/// kept (it is in the chain) and flagged for the office, never dropped.
fn project(raiser: &mut Raiser<'_>, device: &str) -> Result<(), rusqlite::Error> {
    let (tx, e) = (raiser.tx, raiser.event);
    let facts = match e.facts() {
        Ok(f) => f,
        Err(err) => {
            let detail = format!(
                "sự kiện số {} của thiết bị: {err}; kiểm tra thiết bị",
                e.seq
            );
            return raiser.raise("unreadable_payload", "", "", None, detail, 0);
        }
    };
    match facts {
        EventPayload::Payout(p) => {
            project_payout(device, &p, raiser)?;
            raiser.paid.push(p.code);
        }
        EventPayload::Reversal(r) => {
            tx.prepare_cached(
                "UPDATE payouts SET reversed_by = ?1 WHERE id = ?2 AND reversed_by IS NULL",
            )?
            .execute(params![e.id.to_string(), r.payout])?;
            let period = r.period.to_string();
            let (pp, amount) = (raiser.pay_point, r.amount.as_i64());
            let settings = raiser.settings;
            if let Some(a) = anomaly::check_reversals(tx, settings, pp, e.clerk, &period, amount)? {
                raiser.raise(a.kind, &r.code, &period, None, a.detail, a.amount)?;
            }
        }
        EventPayload::CashCount(c) => {
            if let Some(a) = anomaly::check_cash_count(raiser.settings, c.difference.as_i64()) {
                raiser.raise(a.kind, "", "", None, a.detail, a.amount)?;
            }
        }
        EventPayload::Stop(s) => {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO stops (pay_point, code, reason, date, source) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![raiser.pay_point, s.code, s.reason.as_str(), s.date, format!("device:{device}")])?;
        }
        _ => {}
    }
    Ok(())
}

/// Raises the flags of the event being projected: stored, and returned in the batch's receipt.
struct Raiser<'a> {
    tx: &'a Connection,
    pay_point: &'a str,
    event: &'a paypoint::event::Event,
    at: &'a str,
    flags: &'a mut Vec<Flag>,
    /// The office's thresholds for the anomaly checks.
    settings: &'a anomaly::Settings,
    /// The codes of the batch's payouts, for the proof-of-life check once the batch is in.
    paid: &'a mut Vec<String>,
}

impl Raiser<'_> {
    /// One flag: its kind, the person and period, the other record involved, the explanation
    /// and the money at stake.
    fn raise(
        &mut self,
        kind: &str,
        code: &str,
        period: &str,
        other: Option<String>,
        detail: String,
        amount: i64,
    ) -> Result<(), rusqlite::Error> {
        let event = self.event.id;
        self.tx
            .prepare_cached(
                "INSERT INTO flags (pay_point, kind, code, period, event_id, other, detail, created_at, amount)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![self.pay_point, kind, code, period, event.to_string(), other, detail, self.at, amount])?;
        self.flags.push(Flag {
            kind: kind.to_string(),
            code: code.to_string(),
            period: period.to_string(),
            event,
            other,
            detail,
            amount: paypoint::Dong::new(amount).ok(),
        });
        Ok(())
    }
}

/// A payout: recorded, and flagged when it was made after a stop or on a second device.
fn project_payout(
    device: &str,
    p: &payload::Payout,
    raiser: &mut Raiser<'_>,
) -> Result<(), rusqlite::Error> {
    let (tx, pay_point, e) = (raiser.tx, raiser.pay_point, raiser.event);
    let (code, period, amount) = (p.code.as_str(), p.period.to_string(), p.amount.as_i64());
    let stop: Option<(String, Option<String>, String)> = tx
        .prepare_cached(
            "SELECT reason, date, source FROM stops WHERE pay_point = ?1 AND code = ?2",
        )?
        .query_row(params![pay_point, code], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    // A funeral allowance (mai táng phí) is payable after a death: only the other lines a stop
    // blocks make a payout after it a fact to recover. A line without its kind (a device before
    // the kinds were sent) counts as blocked.
    let blocked: i64 = p
        .lines
        .iter()
        .filter(|l| l.kind.is_none_or(LineKind::blocked_by_stop))
        .map(|l| l.amount.as_i64())
        .sum();
    if let Some((reason, date, source)) = stop.filter(|_| blocked > 0) {
        raiser.raise(
            "paid_after_stop",
            code,
            &period,
            Some(format!("stop:{source}")),
            format!(
                "chi {amount} đ cho {code} đã bị báo giảm ({reason}{}), trong đó {blocked} đ không phải mai táng phí: kiểm tra và thu hồi",
                date.map(|d| format!(", ngày {d}")).unwrap_or_default()
            ),
            blocked,
        )?;
    }
    let other: Option<(String, String)> = tx
        .prepare_cached(
            "SELECT id, device FROM payouts WHERE pay_point = ?1 AND period = ?2 AND code = ?3
             AND device <> ?4 AND reversed_by IS NULL LIMIT 1",
        )?
        .query_row(params![pay_point, period, code, device], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    if let Some((other_id, other_dev)) = other {
        raiser.raise(
            "paid_by_two_devices",
            code,
            &period,
            Some(other_id),
            format!("{code} được chi kỳ {period} trên hai thiết bị ({other_dev} và {device}); thu hồi một lần chi"),
            amount,
        )?;
    }
    // Every line against the rolls the office published.
    for line in &p.lines {
        if let Some(f) = reconcile::check_line(tx, pay_point, &period, code, line, &e.time)? {
            raiser.raise(f.kind, code, &period, None, f.detail, f.amount)?;
        }
    }
    for a in anomaly::check_payout(tx, raiser.settings, pay_point, device, e, p)? {
        raiser.raise(a.kind, code, &period, None, a.detail, a.amount)?;
    }
    tx.prepare_cached(
        "INSERT OR IGNORE INTO payouts (id, pay_point, device, period, code, amount, paid_at, proxy_id_card, at_home, clerk)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![e.id.to_string(), pay_point, device, period, code, amount, e.time, p.proxy_id_card, p.at_home, e.clerk])?;
    Ok(())
}
