//! The hub's store: one SQLite file (migrations/) behind a mutex, and the hub's signing key.

use std::path::{Path, PathBuf};
use std::sync::{LazyLock, Mutex, MutexGuard};
use std::time::Duration;

use ed25519_dalek::SigningKey;
use paypoint::sync::protocol::{self};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use crate::{refused, HubError};

const MIGRATION_FILES: &[&str] = &[
    include_str!("../migrations/0001_hub.sql"),
    include_str!("../migrations/0002_reconcile.sql"),
    include_str!("../migrations/0003_anomalies.sql"),
    include_str!("../migrations/0004_life.sql"),
    include_str!("../migrations/0005_identity.sql"),
    include_str!("../migrations/0006_holds.sql"),
    include_str!("../migrations/0007_accounts.sql"),
];
static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::new(MIGRATION_FILES.iter().map(|sql| M::up(sql)).collect()));

/// The hub: its store and its signing key.
pub struct Hub {
    conn: Mutex<Connection>,
    pub(crate) key: SigningKey,
    path: PathBuf,
}

/// Now, as the hub records times (local, milliseconds).
pub(crate) fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
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

    pub(crate) fn db(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    // ---------------------------------------------------------------- admin
}
