//! The local ledger: one SQLite file per device, its pragmas, its migrations, and the one write
//! path through which every event and its projection are committed together.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use chrono::{Local, SecondsFormat};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use serde::Serialize;
use uuid::Uuid;

use crate::event::{
    payload, verify_chain, ChainReport, Event, EventKind, EventPayload, GENESIS_HASH,
};
use crate::file::with_suffix;
use crate::money::{Dong, MoneyError};
use crate::period::Period;
use crate::refusal::StoreRefusal;
use crate::vault::LedgerKey;

/// The ledger's schema, one numbered file per step, embedded at build time. Never edit an applied
/// migration: add the next one.
pub(crate) const MIGRATION_FILES: &[&str] = &[
    include_str!("../migrations/0001_ledger.sql"),
    include_str!("../migrations/0002_sync.sql"),
    include_str!("../migrations/0003_roll_origin.sql"),
    include_str!("../migrations/0004_life_check.sql"),
    include_str!("../migrations/0005_line_state.sql"),
    include_str!("../migrations/0006_org_settings.sql"),
    include_str!("../migrations/0007_policy_tables.sql"),
    include_str!("../migrations/0008_day_supervisors.sql"),
    include_str!("../migrations/0009_month_paid_once.sql"),
    include_str!("../migrations/0010_id_check.sql"),
    include_str!("../migrations/0011_counter_proxy.sql"),
    include_str!("../migrations/0012_holds.sql"),
    include_str!("../migrations/0013_accounts.sql"),
    include_str!("../migrations/0014_search_prefixes.sql"),
];
const MIGRATIONS_COUNT: usize = MIGRATION_FILES.len();
/// The migration after which the search index is filled again from the roll (its SQL drops and
/// recreates the contentless index, which cannot rebuild itself).
const SEARCH_REBUILT_BY: usize = 14;
static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::new(
        MIGRATION_FILES
            .iter()
            .enumerate()
            .map(|(i, sql)| {
                if i + 1 == SEARCH_REBUILT_BY {
                    M::up_with_hook(sql, |tx: &rusqlite::Transaction| {
                        Ok(crate::search_index::rebuild_search_index(tx)?)
                    })
                } else {
                    M::up(sql)
                }
            })
            .collect(),
    )
});

/// How long a writer waits for another process holding the file before giving up. Long enough for
/// a second clerk's payout or a sync to finish; short enough that a stuck process is noticed.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Longest pay point code and name accepted.
const MAX_CODE_LEN: usize = 32;
const MAX_NAME_LEN: usize = 200;

/// Why the ledger could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The file does not exist or holds no ledger yet.
    #[error("sổ {0} chưa được khởi tạo: hãy chạy `paypoint --db {0} init --pay-point MÃ --name TÊN` trước")]
    NotInitialised(PathBuf),
    /// `init` on a ledger that already has a pay point.
    #[error("sổ {path} đã được khởi tạo cho điểm chi trả {code}; không khởi tạo lại")]
    AlreadyInitialised {
        /// The file.
        path: PathBuf,
        /// The pay point it belongs to.
        code: String,
    },
    /// A pay point code or name that cannot be used.
    #[error("{0}")]
    InvalidPayPoint(String),
    /// The file could not be opened or created.
    #[error("không mở được tệp sổ {path}: {reason}")]
    Open {
        /// The file.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// The schema could not be brought up to date.
    #[error("không nâng cấp được cấu trúc sổ: {0}")]
    Migration(String),
    /// No roll is loaded, or every loaded period is closed.
    #[error("không có kỳ chi trả nào đang mở: hãy nạp danh sách chi trả của tháng")]
    NoOpenPeriod,
    /// An amount went out of range.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The file holds something the ledger cannot read back.
    #[error(
        "sổ có dữ liệu không đọc được ({0}); hãy chạy `paypoint verify` và báo cho đơn vị quản lý"
    )]
    Corrupt(String),
    /// One of the store's own rules refused the write (see [`StoreRefusal`]).
    #[error(transparent)]
    Refused(StoreRefusal),
    /// SQLite failed.
    #[error("lỗi ghi/đọc sổ: {0}")]
    Storage(rusqlite::Error),
    /// The demo clock asked for on a ledger with a real roll.
    #[error("đồng hồ mẫu (PAYPOINT_DEMO_CLOCK) chỉ dùng cho sổ dữ liệu mẫu: sổ này có danh sách chi trả thật (kỳ {0}); không có gì thay đổi")]
    DemoClockOnRealLedger(String),
    /// An encrypted ledger opened without its key.
    #[error("sổ {0} đã được mã hoá: cần khoá (kho khoá của máy hoặc mật khẩu người phụ trách)")]
    Encrypted(PathBuf),
    /// A key that does not open this ledger (or a file that is not a ledger at all).
    #[error("khoá không mở được sổ {0}: sai khoá, hoặc tệp không phải sổ chi trả")]
    WrongKey(PathBuf),
    /// Converting a plain ledger to an encrypted one failed; the plain ledger is unchanged.
    #[error("chưa mã hoá được sổ {path} (sổ cũ giữ nguyên): {reason}")]
    Encrypt {
        /// The ledger.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

impl From<rusqlite::Error> for LedgerError {
    fn from(e: rusqlite::Error) -> Self {
        match StoreRefusal::of(&e) {
            Some(r) => LedgerError::Refused(r),
            None => LedgerError::Storage(e),
        }
    }
}

impl LedgerError {
    /// Stable identifier, for the window, the CLI's JSON and the tests.
    pub fn code(&self) -> &'static str {
        use rusqlite::ErrorCode as C;
        match self {
            LedgerError::NotInitialised(_) => "not_initialised",
            LedgerError::AlreadyInitialised { .. } => "already_initialised",
            LedgerError::InvalidPayPoint(_) => "invalid_pay_point",
            LedgerError::Open { .. } => "cannot_open",
            LedgerError::Migration(_) => "migration",
            LedgerError::NoOpenPeriod => "no_open_period",
            LedgerError::Money(m) => m.code(),
            LedgerError::Corrupt(_) => "corrupt",
            LedgerError::Refused(r) => r.code(),
            LedgerError::Storage(e) => match e.sqlite_error_code() {
                Some(C::DatabaseBusy | C::DatabaseLocked) => "busy",
                Some(C::DiskFull | C::ReadOnly | C::CannotOpen | C::SystemIoFailure) => "disk",
                _ => "storage",
            },
            LedgerError::DemoClockOnRealLedger(_) => "demo_clock_on_real_ledger",
            LedgerError::Encrypted(_) => "ledger_locked",
            LedgerError::WrongKey(_) => "wrong_key",
            LedgerError::Encrypt { .. } => "encrypt",
        }
    }
}

/// The device this ledger belongs to, and its pay point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Device {
    /// The device's id, in every event it records.
    pub id: Uuid,
    /// The pay point's code.
    pub pay_point_code: String,
    /// The pay point's name ("Bưu điện văn hóa xã Quảng Hưng").
    pub pay_point_name: String,
}

/// An open ledger file.
pub struct Ledger {
    pub(crate) conn: Connection,
    device: Device,
    path: PathBuf,
    /// Events carry the demo clock's time instead of the system's ([`Ledger::use_demo_clock`]).
    demo_clock: bool,
}

/// The event just appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRef {
    /// Its sequence number.
    pub seq: u64,
    /// Its UUIDv7.
    pub id: Uuid,
    /// Its hash, now the head of the chain.
    pub hash: String,
}

/// A write transaction in progress (`BEGIN IMMEDIATE`): every event and its projection rows go
/// through one of these, so either all of them are committed or none.
pub struct Writer<'a> {
    pub(crate) tx: rusqlite::Transaction<'a>,
    device: &'a Device,
    /// The demo clock's instant for this transaction's events, when it is on.
    demo_time: Option<String>,
}

impl Writer<'_> {
    /// The local time the events of this transaction record (and the rows that repeat it, such
    /// as a payout's `paid_at`): the system's, or the demo clock's on a demo ledger.
    pub fn now(&self) -> String {
        self.demo_time.clone().unwrap_or_else(local_now)
    }

    /// Appends an event to the chain, returning its reference. The trigger on `events` checks the
    /// sequence and the link again on the store's side.
    pub fn append(
        &self,
        clerk: Option<i64>,
        facts: EventPayload,
    ) -> Result<EventRef, rusqlite::Error> {
        let (kind, payload) = (facts.kind(), facts.to_value());
        let head: Option<(u64, String)> = self
            .tx
            .prepare_cached("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (prev_seq, prev) = head.unwrap_or((0, GENESIS_HASH.to_string()));
        let mut event = Event {
            seq: prev_seq + 1,
            id: Uuid::now_v7(),
            device: self.device.id,
            clerk,
            time: self.now(),
            kind,
            payload,
            prev,
            hash: String::new(),
        };
        event.hash = event.compute_hash();
        self.tx.prepare_cached("INSERT INTO events (seq, id, device_id, clerk_id, local_time, kind, payload, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?.execute(
            params![
                event.seq,
                event.id.to_string(),
                event.device.to_string(),
                event.clerk,
                event.time,
                kind.as_str(),
                crate::event::canonical_json(&event.payload),
                event.prev,
                event.hash
            ],
        )?;
        Ok(EventRef {
            seq: event.seq,
            id: event.id,
            hash: event.hash,
        })
    }
}

/// Cash on hand read through any connection or open transaction: the balance after the last
/// cash movement (the store keeps it checked), or zero before the first one.
pub(crate) fn cash_on_hand_in(conn: &Connection) -> Result<Dong, LedgerError> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT coalesce((SELECT balance_after FROM cash_movements ORDER BY seq DESC LIMIT 1), 0)",
        )?
        .query_row([], |r| r.get(0))?;
    Ok(Dong::new(n)?)
}

pub use crate::file::APP_IDENTIFIER;

/// Where the ledger lives when no path is given: `$XDG_DATA_HOME/vn.paypoint.sochitra/ledger.sqlite`
/// on Linux (`~/.local/share/…` by default), the roaming app-data folder on Windows.
pub fn default_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(APP_IDENTIFIER)
        .join("ledger.sqlite")
}

/// The device's local time in RFC 3339, as events record it.
pub fn local_now() -> String {
    Local::now().to_rfc3339_opts(SecondsFormat::Millis, false)
}

/// The demo clock's time for the next event ([`crate::clock::demo_instant`]), or `None` before
/// a roll is open (the ledger's setting-up events keep the system's time).
fn demo_time(conn: &Connection) -> Result<Option<String>, rusqlite::Error> {
    let open: Option<String> = conn
        .prepare_cached(
            "SELECT max(period) FROM rolls WHERE period NOT IN (SELECT period FROM period_closes)",
        )?
        .query_row([], |r| r.get(0))?;
    let Some(period) = open.and_then(|p| p.parse::<Period>().ok()) else {
        return Ok(None);
    };
    let seq: u64 = conn
        .prepare_cached("SELECT coalesce(max(seq), 0) + 1 FROM events")?
        .query_row([], |r| r.get(0))?;
    let at = crate::clock::demo_instant(period, seq);
    Ok(Some(match at.and_local_timezone(Local).earliest() {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::Millis, false),
        // A local time that does not exist (a clock change): said in UTC+7, Vietnam's time.
        None => format!("{}+07:00", at.format("%Y-%m-%dT%H:%M:%S%.3f")),
    }))
}

/// What [`Ledger::encrypt_file`] did.
#[derive(Debug, Clone, Serialize)]
pub struct EncryptReport {
    /// Events carried over (all of them).
    pub events: u64,
    /// Head of the hash chain, the same before and after.
    pub head: Option<String>,
}

/// Gives the connection its SQLCipher key and proves it opens the file. Without a key, an
/// encrypted file is named as such instead of SQLite's "file is not a database".
fn unlock_connection(
    conn: &Connection,
    path: &Path,
    key: Option<&LedgerKey>,
) -> Result<(), LedgerError> {
    if let Some(key) = key {
        let pragma = zeroize::Zeroizing::new(format!("PRAGMA key = \"{}\";", *key.sqlcipher_key()));
        conn.execute_batch(&pragma)?;
    }
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(if key.is_some() {
                LedgerError::WrongKey(path.to_path_buf())
            } else {
                LedgerError::Encrypted(path.to_path_buf())
            })
        }
        Err(e) => Err(e.into()),
    }
}

fn connect(path: &Path, create: bool, key: Option<&LedgerKey>) -> Result<Connection, LedgerError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| LedgerError::Open {
                path: path.to_path_buf(),
                reason: e.to_string(),
            })?;
        }
    } else if !path.exists() {
        return Err(LedgerError::NotInitialised(path.to_path_buf()));
    }
    let conn = Connection::open_with_flags(path, flags).map_err(|e| LedgerError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    #[cfg(unix)]
    if create {
        // Names and ID numbers live here: readable by the clerk's OS account only (SQLite gives
        // the WAL and shared-memory files the same mode).
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    unlock_connection(&conn, path, key)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Every hot statement is prepared once per connection: the payout path alone uses a dozen,
    // and re-preparing an INSERT compiles its triggers again.
    conn.set_prepared_statement_cache_capacity(256);
    // Money is recorded here: a commit must survive power loss, not only a crash (FULL, not NORMAL).
    let mode: String = conn
        .prepare_cached("PRAGMA journal_mode = WAL")?
        .query_row([], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(LedgerError::Open {
            path: path.to_path_buf(),
            reason: format!("không bật được chế độ WAL (đang là {mode})"),
        });
    }
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "journal_size_limit", 64 * 1024 * 1024)?;
    let version: i64 = conn
        .prepare_cached("PRAGMA user_version")?
        .query_row([], |r| r.get(0))?;
    if version < MIGRATIONS_COUNT as i64 {
        let mut conn = conn;
        MIGRATIONS
            .to_latest(&mut conn)
            .map_err(|e| LedgerError::Migration(e.to_string()))?;
        return Ok(conn);
    }
    Ok(conn)
}

impl Ledger {
    /// Creates a new ledger file for a pay point (the `init` step), unencrypted: for tests and
    /// tools. The shells create ledgers with [`Ledger::init_encrypted`]. Refuses a file that
    /// already holds a ledger.
    pub fn init(
        path: &Path,
        pay_point_code: &str,
        pay_point_name: &str,
    ) -> Result<Ledger, LedgerError> {
        Ledger::init_with(path, pay_point_code, pay_point_name, None)
    }

    /// Creates a new ledger file encrypted under `key` (see [`crate::vault`]).
    pub fn init_encrypted(
        path: &Path,
        pay_point_code: &str,
        pay_point_name: &str,
        key: &LedgerKey,
    ) -> Result<Ledger, LedgerError> {
        Ledger::init_with(path, pay_point_code, pay_point_name, Some(key))
    }

    fn init_with(
        path: &Path,
        pay_point_code: &str,
        pay_point_name: &str,
        key: Option<&LedgerKey>,
    ) -> Result<Ledger, LedgerError> {
        let code = pay_point_code.trim();
        let name = pay_point_name.trim();
        if code.is_empty()
            || code.chars().count() > MAX_CODE_LEN
            || code.chars().any(char::is_control)
        {
            return Err(LedgerError::InvalidPayPoint(format!(
                "mã điểm chi trả “{code}” không hợp lệ: cần 1–{MAX_CODE_LEN} ký tự"
            )));
        }
        if name.is_empty()
            || name.chars().count() > MAX_NAME_LEN
            || name.chars().any(char::is_control)
        {
            return Err(LedgerError::InvalidPayPoint(format!(
                "tên điểm chi trả không hợp lệ: cần 1–{MAX_NAME_LEN} ký tự"
            )));
        }
        let mut conn = connect(path, true, key)?;
        let device = Device {
            id: Uuid::now_v7(),
            pay_point_code: code.to_string(),
            pay_point_name: crate::text::nfc(name),
        };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<String> = tx
            .prepare_cached("SELECT pay_point_code FROM device")?
            .query_row([], |r| r.get(0))
            .optional()?;
        if let Some(code) = existing {
            return Err(LedgerError::AlreadyInitialised {
                path: path.to_path_buf(),
                code,
            });
        }
        tx.prepare_cached("INSERT INTO device (singleton, device_id, pay_point_code, pay_point_name, created_at) VALUES (1, ?1, ?2, ?3, ?4)")?.execute(
            params![device.id.to_string(), device.pay_point_code, device.pay_point_name, local_now()],
        )?;
        {
            let writer = Writer {
                tx,
                device: &device,
                demo_time: None,
            };
            writer.append(
                None,
                EventPayload::LedgerInitialised(payload::LedgerInitialised {
                    pay_point: device.pay_point_code.clone(),
                    name: device.pay_point_name.clone(),
                    schema: MIGRATIONS_COUNT as u32,
                }),
            )?;
            writer.tx.commit()?;
        }
        Ok(Ledger {
            conn,
            device,
            path: path.to_path_buf(),
            demo_clock: false,
        })
    }

    /// Opens an existing unencrypted ledger, bringing its schema up to date. An encrypted one is
    /// refused with [`LedgerError::Encrypted`]: use [`Ledger::open_encrypted`].
    pub fn open(path: &Path) -> Result<Ledger, LedgerError> {
        Ledger::open_with(path, None)
    }

    /// Opens an existing ledger encrypted under `key`, bringing its schema up to date.
    pub fn open_encrypted(path: &Path, key: &LedgerKey) -> Result<Ledger, LedgerError> {
        Ledger::open_with(path, Some(key))
    }

    /// Opens a ledger with or without a key (the shells decide from [`crate::vault::is_encrypted`]).
    pub fn open_with(path: &Path, key: Option<&LedgerKey>) -> Result<Ledger, LedgerError> {
        let conn = connect(path, false, key)?;
        let device = conn
            .prepare_cached("SELECT device_id, pay_point_code, pay_point_name FROM device")?
            .query_row([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .optional()?;
        let Some((id, code, name)) = device else {
            return Err(LedgerError::NotInitialised(path.to_path_buf()));
        };
        let id = Uuid::parse_str(&id)
            .map_err(|_| LedgerError::Corrupt(format!("mã thiết bị “{id}”")))?;
        Ok(Ledger {
            conn,
            device: Device {
                id,
                pay_point_code: code,
                pay_point_name: name,
            },
            path: path.to_path_buf(),
            demo_clock: false,
        })
    }

    /// Converts the unencrypted ledger at `path` into one encrypted under `key`, in place.
    ///
    /// Every event and the hash chain are carried over and checked before the encrypted copy
    /// replaces the plain file: the same number of events, the same head hash, the chain
    /// verified. Refused while another program (the desktop app) has the ledger open, because a
    /// program holding the old file would go on writing into it after the swap. On any failure
    /// the plain ledger is left as it was.
    pub fn encrypt_file(path: &Path, key: &LedgerKey) -> Result<EncryptReport, LedgerError> {
        let fail = |reason: String| LedgerError::Encrypt {
            path: path.to_path_buf(),
            reason,
        };
        let plain = Ledger::open_with(path, None)?;
        let before = plain.verify()?;
        if !before.chain_ok {
            return Err(fail(
                "chuỗi sự kiện của sổ cũ bị hỏng; chạy `paypoint verify` và báo cho đơn vị quản lý"
                    .into(),
            ));
        }
        let conn = &plain.conn;
        // In WAL mode every open connection holds a shared lock on the file; the exclusive
        // lock below is granted only when no other program has the ledger open.
        conn.busy_timeout(Duration::from_millis(200))?;
        conn.query_row("PRAGMA locking_mode = EXCLUSIVE", [], |_| Ok(()))?;
        conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;").map_err(|_| {
            fail("một chương trình khác (ứng dụng Sổ chi trả?) đang mở sổ; hãy đóng nó rồi chạy lại".into())
        })?;
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
        let tmp = with_suffix(path, ".encrypting");
        for leftover in [
            tmp.clone(),
            with_suffix(&tmp, "-wal"),
            with_suffix(&tmp, "-shm"),
        ] {
            let _ = std::fs::remove_file(leftover);
        }
        // The ledger's connection was opened without the create flag, which ATTACH inherits: an
        // empty file is an empty database to SQLite.
        std::fs::File::create(&tmp).map_err(|e| fail(e.to_string()))?;
        let attach = zeroize::Zeroizing::new(format!(
            "ATTACH DATABASE '{}' AS encrypted KEY \"{}\";",
            tmp.to_string_lossy().replace('\'', "''"),
            *key.sqlcipher_key()
        ));
        conn.execute_batch(&attach)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let exported = conn
            .query_row("SELECT sqlcipher_export('encrypted')", [], |_| Ok(()))
            .and_then(|_| {
                conn.execute_batch(&format!("PRAGMA encrypted.user_version = {version};"))
            });
        conn.execute_batch("DETACH DATABASE encrypted;")?;
        exported?;
        let check = (|| {
            let copy = Ledger::open_with(&tmp, Some(key))?;
            let after = copy.verify()?;
            if !after.chain_ok || after.events != before.events || after.head != before.head {
                return Err(fail(format!(
                    "bản mã hoá không khớp sổ cũ ({} sự kiện so với {})",
                    after.events, before.events
                )));
            }
            copy.conn
                .execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
                .map_err(LedgerError::from)?;
            Ok(after)
        })();
        let after = match check {
            Ok(a) => a,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        // Windows renames nothing over a file that is open, this connection's included: close it
        // first. A program that opens the ledger in between makes the rename fail, and the plain
        // ledger stays as it was. Elsewhere the exclusive lock is held through the rename.
        #[cfg(windows)]
        drop(plain);
        crate::file::replace(&tmp, path).map_err(|e| fail(e.to_string()))?;
        #[cfg(not(windows))]
        drop(plain);
        // The plain file's WAL belongs to the old content: never let SQLite replay it into the
        // encrypted file.
        for leftover in [
            with_suffix(path, "-wal"),
            with_suffix(path, "-shm"),
            with_suffix(&tmp, "-wal"),
            with_suffix(&tmp, "-shm"),
        ] {
            let _ = std::fs::remove_file(leftover);
        }
        Ok(EncryptReport {
            events: after.events,
            head: after.head,
        })
    }

    /// The device and pay point of this ledger.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// The file this ledger lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction and commits it, or commits nothing if `f`
    /// fails. Immediate, because every writer reads before it writes: a deferred transaction would
    /// fail at once with SQLITE_BUSY instead of waiting for the other writer.
    pub fn write<T, E>(&mut self, f: impl FnOnce(&Writer<'_>) -> Result<T, E>) -> Result<T, E>
    where
        E: From<rusqlite::Error>,
    {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // Read inside the transaction: the next sequence number is this writer's.
        let demo_time = if self.demo_clock {
            demo_time(&tx)?
        } else {
            None
        };
        let writer = Writer {
            tx,
            device: &self.device,
            demo_time,
        };
        let out = f(&writer)?;
        writer.tx.commit()?;
        Ok(out)
    }

    /// Turns the demo clock on for this session (see [`crate::clock`]): the events written from
    /// now on carry a time in the working hours of the open period's posted schedule. Refused,
    /// changing nothing, on a ledger that holds a roll that is not demo data: a real payment
    /// records the time it was made.
    pub fn use_demo_clock(&mut self) -> Result<(), LedgerError> {
        let real: Option<String> = self
            .conn
            .prepare_cached("SELECT period FROM rolls WHERE is_demo = 0 ORDER BY period LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?;
        if let Some(period) = real {
            return Err(LedgerError::DemoClockOnRealLedger(period));
        }
        self.demo_clock = true;
        Ok(())
    }

    /// The period being paid: the latest period with a loaded roll that is not closed.
    pub fn open_period(&self) -> Result<Option<Period>, LedgerError> {
        let p: Option<String> = self.conn.prepare_cached("SELECT max(period) FROM rolls WHERE period NOT IN (SELECT period FROM period_closes)")?.query_row(
            [],
            |r| r.get(0),
        )?;
        p.map(|s| {
            s.parse()
                .map_err(|_| LedgerError::Corrupt(format!("kỳ “{s}”")))
        })
        .transpose()
    }

    /// The open period, or an error saying that a roll must be loaded.
    pub fn require_open_period(&self) -> Result<Period, LedgerError> {
        self.open_period()?.ok_or(LedgerError::NoOpenPeriod)
    }

    /// How many events the ledger holds.
    pub fn event_count(&self) -> Result<u64, LedgerError> {
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM events")?
            .query_row([], |r| r.get(0))?)
    }

    /// Events with a sequence number above `after`, in order, at most `limit` of them.
    pub fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, LedgerError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, id, device_id, clerk_id, local_time, kind, payload, prev_hash, hash
             FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![after, limit as i64], |r| {
            Ok((
                r.get::<_, u64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<i64>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (seq, id, device, clerk, time, kind, payload, prev, hash) = row?;
            let corrupt = |what: &str| LedgerError::Corrupt(format!("sự kiện số {seq}: {what}"));
            out.push(Event {
                seq,
                id: Uuid::parse_str(&id).map_err(|_| corrupt("mã sự kiện"))?,
                device: Uuid::parse_str(&device).map_err(|_| corrupt("mã thiết bị"))?,
                clerk,
                time,
                kind: EventKind::parse(&kind).ok_or_else(|| corrupt("loại sự kiện"))?,
                payload: serde_json::from_str(&payload).map_err(|_| corrupt("nội dung"))?,
                prev,
                hash,
            });
        }
        Ok(out)
    }

    /// Recomputes the whole hash chain and reports the first broken link. Reads in pages so that a
    /// long log does not need to fit in memory.
    pub fn verify(&self) -> Result<ChainReport, LedgerError> {
        const PAGE: usize = 10_000;
        let mut total = 0;
        let mut next_seq = 1;
        let mut prev = GENESIS_HASH.to_string();
        loop {
            let page = self.events_after(next_seq - 1, PAGE)?;
            if page.is_empty() {
                break;
            }
            let report = verify_chain(&page, next_seq, &prev);
            total += report.events;
            if !report.chain_ok {
                return Ok(ChainReport {
                    events: total,
                    ..report
                });
            }
            let last = page.last().expect("page is not empty");
            next_seq = last.seq + 1;
            prev = last.hash.clone();
        }
        Ok(ChainReport {
            events: total,
            chain_ok: true,
            first_broken: None,
            head: (total > 0).then_some(prev),
        })
    }

    /// Cash in the box according to the events: advances − payouts + reversals − returns.
    pub fn cash_on_hand(&self) -> Result<Dong, LedgerError> {
        cash_on_hand_in(&self.conn)
    }
}
