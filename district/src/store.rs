//! The hub's store and its signing key: one SQLite file (the default, `--data DIR`), or a
//! PostgreSQL database shared by any number of hub processes (`--database postgres://…`).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use parking_lot::{Mutex, MutexGuard};
use std::time::Duration;

use ed25519_dalek::SigningKey;
use paypoint::sync::protocol::{self};
use rusqlite_migration::{Migrations, M};

use crate::db::{self, params, Connection, OptionalExtension, PgManager, TransactionBehavior};
use crate::seal::SealKey;
use crate::{refused, HubError};

const MIGRATION_FILES: &[&str] = &[
    include_str!("../migrations/0001_hub.sql"),
    include_str!("../migrations/0002_reconcile.sql"),
    include_str!("../migrations/0003_anomalies.sql"),
    include_str!("../migrations/0004_life.sql"),
    include_str!("../migrations/0005_identity.sql"),
    include_str!("../migrations/0006_holds.sql"),
    include_str!("../migrations/0007_accounts.sql"),
    include_str!("../migrations/0008_staff.sql"),
    include_str!("../migrations/0009_flag_resolutions.sql"),
];
static MIGRATIONS: LazyLock<Migrations<'static>> =
    LazyLock::new(|| Migrations::new(MIGRATION_FILES.iter().map(|sql| M::up(sql)).collect()));

/// PostgreSQL's migrations, numbered as refinery reads them.
const PG_MIGRATIONS: &[(&str, &str)] = &[
    (
        "V1__hub",
        include_str!("../migrations/postgres/0001_hub.sql"),
    ),
    (
        "V2__staff",
        include_str!("../migrations/postgres/0002_staff.sql"),
    ),
    (
        "V3__flag_resolutions",
        include_str!("../migrations/postgres/0003_flag_resolutions.sql"),
    ),
    (
        "V4__events_chained_per_statement",
        include_str!("../migrations/postgres/0004_events_chained_per_statement.sql"),
    ),
];

/// How many connections one hub process keeps to PostgreSQL unless told (`--pg-pool`): about
/// twice the cores of a province's database server (8) for its one node. Every connection busy
/// on a batch is a backend process working beside the others, so the right number follows the
/// database's cores, not the devices: on a 2-core machine holding both the hub and PostgreSQL,
/// 4 in all took a province month 1,4× faster than 16 (BENCHMARKS.md).
pub const PG_POOL_SIZE: u32 = 16;

/// The most connections `--pg-pool` may ask for: PostgreSQL's default `max_connections` is 100.
pub const PG_POOL_MAX: u32 = 64;

/// How long a request waits for a connection before it is refused (500, the device retries).
const PG_POOL_WAIT: Duration = Duration::from_secs(30);

/// Where the store is.
#[derive(Debug, Clone)]
pub enum StoreAt {
    /// `DIR/hub.sqlite`.
    Sqlite(PathBuf),
    /// A PostgreSQL database, and the key its signing key is sealed with.
    Postgres {
        /// `postgres://user@host:port/db`.
        url: String,
        /// From the environment or a file, never from the database.
        seal: SealKey,
        /// How many connections this process keeps (1 to [`PG_POOL_MAX`]).
        pool: u32,
    },
}

enum Store {
    Sqlite(Box<Mutex<Connection>>),
    /// The pool, and the queue in front of it: a connection freed goes to the request that has
    /// waited longest (the pool alone lets a request that just arrived take it first).
    Postgres(r2d2::Pool<PgManager>, Mutex<()>),
}

/// A connection held for one rule: the SQLite file's, or one of the pool's.
pub(crate) enum Db<'a> {
    Sqlite(FairGuard<'a>),
    Postgres(Box<r2d2::PooledConnection<PgManager>>),
}

/// The SQLite connection, held; on release it goes to the request that has waited longest.
/// With the default lock a request that just arrived could take it before those already
/// waiting: at a payday peak (200 devices pushing at once) some pushes waited twice as long as
/// the median (BENCHMARKS.md, issue 19).
pub(crate) struct FairGuard<'a>(Option<MutexGuard<'a, Connection>>);

impl std::ops::Deref for FairGuard<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.0
            .as_ref()
            .expect("a guard is emptied only when dropped")
    }
}

impl std::ops::DerefMut for FairGuard<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        self.0
            .as_mut()
            .expect("a guard is emptied only when dropped")
    }
}

impl Drop for FairGuard<'_> {
    fn drop(&mut self) {
        if let Some(g) = self.0.take() {
            MutexGuard::unlock_fair(g);
        }
    }
}

impl std::ops::Deref for Db<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        match self {
            Db::Sqlite(g) => g,
            Db::Postgres(c) => c,
        }
    }
}

impl std::ops::DerefMut for Db<'_> {
    fn deref_mut(&mut self) -> &mut Connection {
        match self {
            Db::Sqlite(g) => g,
            Db::Postgres(c) => c,
        }
    }
}

/// The hub: its store and its signing key.
pub struct Hub {
    store: Store,
    pub(crate) key: SigningKey,
    at: StoreAt,
    /// When this node last forgot old nonces (unix seconds; see `Hub::forget_old_nonces`).
    pub(crate) nonces_forgotten_at: std::sync::atomic::AtomicI64,
    /// The published rolls this node has read, kept between batches.
    pub(crate) published: std::sync::Arc<crate::reconcile::PublishedCache>,
}

/// Now, as the hub records times (local, milliseconds).
pub(crate) fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false)
}

impl Hub {
    /// Opens (or creates) the hub's SQLite store in `data_dir` (`hub.sqlite`), with its key.
    pub fn open(data_dir: &Path) -> Result<Hub, HubError> {
        Self::open_at(StoreAt::Sqlite(data_dir.to_path_buf()))
    }

    /// Opens (or creates) the hub's store where it is, with its signing key.
    pub fn open_at(at: StoreAt) -> Result<Hub, HubError> {
        let (store, key) = match &at {
            StoreAt::Sqlite(dir) => {
                let mut conn = open_sqlite(dir)?;
                let key = signing_key(&mut conn, None)?;
                (Store::Sqlite(Box::new(Mutex::new(conn))), key)
            }
            StoreAt::Postgres { url, seal, pool } => {
                migrate_postgres(url)?;
                let pool = r2d2::Pool::builder()
                    .max_size((*pool).clamp(1, PG_POOL_MAX))
                    .min_idle(Some(1))
                    .connection_timeout(PG_POOL_WAIT)
                    .build(PgManager { url: url.clone() })
                    .map_err(|e| refused(format!("không kết nối được PostgreSQL: {e}")))?;
                let mut conn = pool.get().map_err(|e| db::Error::Pool(e.to_string()))?;
                let key = signing_key(&mut conn, Some(seal))?;
                drop(conn);
                (Store::Postgres(pool, Mutex::new(())), key)
            }
        };
        Ok(Hub {
            store,
            key,
            at,
            nonces_forgotten_at: Default::default(),
            published: Default::default(),
        })
    }

    /// Where the store is.
    pub fn store_at(&self) -> &StoreAt {
        &self.at
    }

    /// A consistent copy of the SQLite store in `out` (SQLite's `VACUUM INTO`), taken while the
    /// hub runs: devices keep syncing meanwhile. PostgreSQL's is `pg_dump`.
    pub fn backup(&self, out: &Path) -> Result<(), HubError> {
        if out.exists() {
            return Err(refused(format!(
                "{} đã có: chọn tên tệp khác",
                out.display()
            )));
        }
        let db = self.db()?;
        if db.is_postgres() {
            return Err(refused("kho PostgreSQL: sao lưu bằng pg_dump (xem README)"));
        }
        let target = out
            .to_str()
            .ok_or_else(|| refused("tên tệp sao lưu cần là UTF-8"))?;
        db.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }

    /// Whether this process reaches its store (the load balancer's health check).
    pub fn healthy(&self) -> Result<(), HubError> {
        self.db()?
            .query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    }

    /// The hub's public key, hex: the devices verify rolls, amendments and receipts with it.
    pub fn public_key_hex(&self) -> String {
        protocol::public_key_hex(&self.key.verifying_key())
    }

    /// A connection for one rule. On PostgreSQL it waits at most [`PG_POOL_WAIT`] for one.
    pub(crate) fn db(&self) -> Result<Db<'_>, db::Error> {
        match &self.store {
            Store::Sqlite(m) => Ok(Db::Sqlite(FairGuard(Some(m.lock())))),
            Store::Postgres(pool, queue) => {
                let waited_too_long =
                    || db::Error::Pool(format!("no connection in {PG_POOL_WAIT:?}"));
                let deadline = std::time::Instant::now() + PG_POOL_WAIT;
                let turn = queue.try_lock_until(deadline).ok_or_else(waited_too_long)?;
                let left = deadline.saturating_duration_since(std::time::Instant::now());
                let conn = pool.get_timeout(left);
                MutexGuard::unlock_fair(turn);
                conn.map(|c| Db::Postgres(Box::new(c)))
                    .map_err(|e| db::Error::Pool(e.to_string()))
            }
        }
    }
}

fn open_sqlite(data_dir: &Path) -> Result<Connection, HubError> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        refused(format!(
            "không tạo được thư mục {}: {e}",
            data_dir.display()
        ))
    })?;
    let sqlite = |e: rusqlite::Error| HubError::Storage(e.into());
    let mut conn = rusqlite::Connection::open(data_dir.join("hub.sqlite")).map_err(sqlite)?;
    conn.busy_timeout(Duration::from_secs(30)).map_err(sqlite)?;
    conn.set_prepared_statement_cache_capacity(256);
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(sqlite)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(refused(format!("không bật được WAL (đang là {mode})")));
    }
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(sqlite)?;
    conn.pragma_update(None, "foreign_keys", "ON")
        .map_err(sqlite)?;
    MIGRATIONS
        .to_latest(&mut conn)
        .map_err(|e| refused(format!("không nâng cấp được kho dữ liệu: {e}")))?;
    Connection::sqlite(conn).map_err(HubError::Storage)
}

/// Brings a PostgreSQL database to the latest schema. Two hub processes starting at once take
/// turns (a session advisory lock), so neither sees a half-made schema.
fn migrate_postgres(url: &str) -> Result<(), HubError> {
    let pg = |e: postgres::Error| {
        refused(format!(
            "không kết nối được PostgreSQL ({url_shown}): {e}",
            url_shown = shown(url)
        ))
    };
    let mut client = postgres::Client::connect(url, postgres::NoTls).map_err(pg)?;
    client
        .batch_execute("SELECT pg_advisory_lock(7250)")
        .map_err(pg)?;
    let migrations: Vec<refinery::Migration> = PG_MIGRATIONS
        .iter()
        .map(|(name, sql)| refinery::Migration::unapplied(name, sql))
        .collect::<Result<_, _>>()
        .map_err(|e| refused(format!("migration: {e}")))?;
    let done = refinery::Runner::new(&migrations)
        .set_abort_divergent(true)
        .run(&mut client)
        .map(|_| ())
        .map_err(|e| refused(format!("không nâng cấp được kho dữ liệu PostgreSQL: {e}")));
    client
        .batch_execute("SELECT pg_advisory_unlock(7250)")
        .map_err(pg)?;
    done
}

/// The database's URL without its password, for messages and the log.
pub fn shown(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user = &url[s + 3..at];
            let user = user.split(':').next().unwrap_or_default();
            format!("{}{user}@{}", &url[..s + 3], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

/// The hub's signing key: made on first open, then read back. In a shared database it is stored
/// sealed with `seal`, which every node is given and the database never holds.
fn signing_key(conn: &mut Connection, seal: Option<&SealKey>) -> Result<SigningKey, HubError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let existing: Option<String> = tx
        .query_row("SELECT secret_key FROM hub_key", [], |r| r.get(0))
        .optional()?;
    let key = match (existing, seal) {
        (Some(k), None) => protocol::parse_secret_key(&k).map_err(refused)?,
        (Some(k), Some(seal)) => seal.open_signing_key(&k)?,
        (None, _) => {
            let key = SigningKey::generate(&mut rand::rngs::OsRng);
            let stored = match seal {
                None => hex::encode(key.to_bytes()),
                Some(seal) => seal.seal_signing_key(&key),
            };
            tx.execute(
                "INSERT INTO hub_key (singleton, secret_key, public_key, created_at) VALUES (1, ?1, ?2, ?3)",
                params![stored, protocol::public_key_hex(&key.verifying_key()), now()],
            )?;
            key
        }
    };
    tx.commit()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The connection released goes to the request already waiting, not to one that comes just
    /// then. With the standard library's lock the releasing thread often took it back at once
    /// (about one round in three here): twenty rounds.
    #[test]
    fn the_store_goes_to_the_request_that_has_waited_longest() {
        let dir = tempfile::tempdir().unwrap();
        let hub = Hub::open(dir.path()).unwrap();
        for round in 0..20 {
            let order = Mutex::new(Vec::new());
            std::thread::scope(|s| {
                let first = hub.db().unwrap();
                let waiting = s.spawn(|| {
                    let _db = hub.db().unwrap();
                    order.lock().push("waiting");
                    std::thread::sleep(Duration::from_millis(5));
                });
                // Long enough for the thread to be parked on the lock.
                std::thread::sleep(Duration::from_millis(50));
                drop(first);
                let again = hub.db().unwrap();
                order.lock().push("came later");
                drop(again);
                waiting.join().unwrap();
            });
            assert_eq!(*order.lock(), ["waiting", "came later"], "round {round}");
        }
    }
}
