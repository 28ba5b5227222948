//! Which store the hub under test keeps: its SQLite file in the data folder (the default), or with
//! `PAYPOINT_TEST_STORE=postgres` a PostgreSQL database of its own on the test server that
//! `scripts/pg-test-server start DIR` runs and `PAYPOINT_TEST_PG` names. The hub's suite runs
//! unchanged on either: [`crate::hub`] hands every hub command the database of its data folder.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{LazyLock, Mutex, PoisonError};

use sha2::{Digest, Sha256};

/// `postgres` runs the hub on PostgreSQL; unset (or `sqlite`) on its SQLite file.
pub const STORE_ENV: &str = "PAYPOINT_TEST_STORE";
/// The test server's URL, as `scripts/pg-test-server start` printed it.
pub const SERVER_ENV: &str = "PAYPOINT_TEST_PG";
/// What the hub reads its PostgreSQL database from (its `--database` option).
pub const HUB_DATABASE_ENV: &str = "PAYPOINT_DISTRICT_DATABASE";

/// True when the hub under test keeps its store in PostgreSQL.
pub fn store_is_postgres() -> bool {
    match std::env::var(STORE_ENV) {
        Ok(v) if v == "postgres" => true,
        Ok(v) if v.is_empty() || v == "sqlite" => false,
        Err(std::env::VarError::NotPresent) => false,
        // A typo must not quietly run the suite on SQLite.
        other => panic!("{STORE_ENV}={other:?}: expected `postgres` or `sqlite`"),
    }
}

/// The URL of the PostgreSQL database that holds the store of the hub on `data`, created on
/// first use; `None` when the hub's store is its SQLite file.
pub fn database_url_for(data: &Path) -> Option<String> {
    if let Some(url) = PLACED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&canonical(data))
    {
        return Some(url.clone());
    }
    store_is_postgres().then(|| database_url_on(&test_server(), data))
}

/// Data folders whose hub keeps its store in a given database whatever the run's store (a hub
/// moved into PostgreSQL by `store copy`).
static PLACED: LazyLock<Mutex<std::collections::HashMap<PathBuf, String>>> =
    LazyLock::new(Mutex::default);

/// From now on, the hub on `data` (serve, admin commands, its store read back) uses the
/// PostgreSQL database at `url`.
pub fn place_in_database(data: &Path, url: &str) {
    PLACED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(canonical(data), url.to_string());
}

/// The database of the hub on `data` on the server at `base`, created on first use.
pub fn database_url_on(base: &str, data: &Path) -> String {
    fresh_database(base, &database_name(data))
}

/// `hub_` and 16 hex digits of the SHA-256 of the data folder's canonical path: each data folder
/// has its own database (tests run side by side), and a hub restarted on the same folder, or an
/// admin command beside it, finds the same one.
pub fn database_name(data: &Path) -> String {
    let digest = Sha256::digest(canonical(data).as_os_str().as_encoded_bytes());
    format!("hub_{}", &hex::encode(digest)[..16])
}

/// `path` with its links resolved. A folder not made yet (the hub makes it) is named through its
/// nearest existing ancestor, so that its name does not change once it exists.
fn canonical(path: &Path) -> PathBuf {
    let path = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) => canonical(parent).join(name),
        _ => path,
    }
}

fn test_server() -> String {
    std::env::var(SERVER_ENV).unwrap_or_else(|_| {
        panic!(
            "{STORE_ENV}=postgres needs a PostgreSQL test server: run the tests through \
             `bash scripts/test`, or start one with `scripts/pg-test-server start DIR` and \
             export {SERVER_ENV}=<the URL it printed>"
        )
    })
}

/// Creates the database `name` on the server at `base` (a URL such as
/// `postgres://hub@127.0.0.1:PORT/postgres`) unless it is already there; its URL.
pub fn fresh_database(base: &str, name: &str) -> String {
    // What this process already created. Held while creating, so that the test threads of one
    // process create a database once; another process creating it at the same time is tolerated
    // by `create_database`.
    static CREATED: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);
    let url = with_database(base, name);
    let mut created = CREATED.lock().unwrap_or_else(PoisonError::into_inner);
    if !created.contains(&url) {
        create_database(base, name, &url);
        created.insert(url.clone());
    }
    url
}

/// `base` naming the database `name` instead of its own (user, host, port and query kept).
fn with_database(base: &str, name: &str) -> String {
    // Plain identifiers only: they need no quoting in SQL and no escaping in a URL.
    assert!(
        !name.is_empty()
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
        "database name {name:?}: only a-z, 0-9 and _"
    );
    let authority = base.find("://").map_or(0, |i| i + 3);
    let (head, query) = base.split_at(base.find('?').unwrap_or(base.len()));
    let end = head[authority..]
        .find('/')
        .map_or(head.len(), |i| authority + i);
    format!("{}/{name}{query}", &head[..end])
}

fn create_database(base: &str, name: &str, url: &str) {
    let out = pg_tool("createdb")
        .arg("--maintenance-db")
        .arg(base)
        .arg(name)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("createdb does not run ({e}): is PostgreSQL installed?"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Another process created it first: "already exists", or a unique violation on pg_database
    // when both were inside CREATE DATABASE at once; either way it is there now.
    if out.status.success() || stderr.contains("already exists") || database_exists(url) {
        return;
    }
    panic!("createdb {name} on {base}: {stderr}");
}

fn database_exists(url: &str) -> bool {
    psql(url)
        .args(["-c", "select 1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `psql` on the database at `url`, quiet and unaligned (`-qAt`), stopping at the first error:
/// for tests that read the hub's store in PostgreSQL (add `-c SQL`, read stdout).
pub fn psql(url: &str) -> Command {
    let mut c = pg_tool("psql");
    c.args(["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", url])
        .stdin(Stdio::null());
    c
}

/// A client tool of the newest Debian PostgreSQL (`/usr/lib/postgresql/VERSION/bin`), the one
/// `scripts/pg-test-server` runs the server from; else the one on PATH.
fn pg_tool(name: &str) -> Command {
    let newest = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| Some((e.file_name().to_str()?.parse::<u32>().ok()?, e.path())))
        .max()
        .map(|(_, dir)| dir.join("bin").join(name))
        .filter(|p| p.is_file());
    Command::new(newest.unwrap_or_else(|| PathBuf::from(name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_replaces_the_path_of_the_url() {
        let base = "postgres://hub@127.0.0.1:5432/postgres";
        assert_eq!(
            with_database(base, "hub_0a"),
            "postgres://hub@127.0.0.1:5432/hub_0a"
        );
        assert_eq!(
            with_database("postgres://hub@127.0.0.1:5432", "hub_0a"),
            "postgres://hub@127.0.0.1:5432/hub_0a"
        );
        assert_eq!(
            with_database("postgres://hub@h:1/postgres?sslmode=disable", "x"),
            "postgres://hub@h:1/x?sslmode=disable"
        );
    }

    #[test]
    fn a_data_folder_keeps_its_database_name_once_made() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("hub");
        let before = database_name(&data);
        std::fs::create_dir(&data).unwrap();
        assert_eq!(database_name(&data), before);
        assert_eq!(database_name(&data.join("../hub")), before);
        assert_ne!(database_name(dir.path()), before);
        assert!(before.starts_with("hub_") && before.len() == 20, "{before}");
    }
}

/// The test seal key of a hub on PostgreSQL (`PAYPOINT_DISTRICT_SEAL_KEY`): a fixed test value,
/// so every process of one test's hub opens the same signing key.
pub const TEST_SEAL_KEY: &str = "7e57000000000000000000000000000000000000000000000000000000005ea1";

/// A value read back from the hub's store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreValue {
    /// NULL.
    Null,
    /// An integer.
    Int(i64),
    /// Text.
    Text(String),
}

impl StoreValue {
    /// The integer; panics otherwise (a test reading the wrong column).
    pub fn int(&self) -> i64 {
        match self {
            StoreValue::Int(n) => *n,
            v => panic!("not an integer: {v:?}"),
        }
    }

    /// The text; panics otherwise.
    pub fn text(&self) -> String {
        match self {
            StoreValue::Text(t) => t.clone(),
            v => panic!("not text: {v:?}"),
        }
    }

    /// The integer or NULL.
    pub fn opt_int(&self) -> Option<i64> {
        match self {
            StoreValue::Null => None,
            v => Some(v.int()),
        }
    }
}

/// The hub's store read back by a test, whichever engine holds it. SQL in the dialect both read
/// (`?N` placeholders; text parameters).
pub enum HubStore {
    /// `DATA/hub.sqlite`, read-only.
    Sqlite(rusqlite::Connection),
    /// The data folder's PostgreSQL database.
    Postgres(std::cell::RefCell<postgres::Client>),
}

impl HubStore {
    /// Opens the store of the hub on `data`.
    pub fn open(data: &Path) -> HubStore {
        match database_url_for(data) {
            Some(url) => HubStore::Postgres(std::cell::RefCell::new(
                postgres::Client::connect(&url, postgres::NoTls).expect("the hub's database"),
            )),
            None => {
                let c = rusqlite::Connection::open_with_flags(
                    data.join("hub.sqlite"),
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .expect("the hub's store opens");
                c.busy_timeout(std::time::Duration::from_secs(10))
                    .expect("a busy timeout");
                HubStore::Sqlite(c)
            }
        }
    }

    /// Runs `sql` (no parameters) on the store of the hub on `data` as a writer would, whichever
    /// engine holds it: for the tests of the rules the store itself enforces. The engine's own
    /// message when it refuses.
    pub fn write(data: &Path, sql: &str) -> Result<(), String> {
        if database_url_for(data).is_some() {
            return HubStore::open(data).rows(sql, &[]).map(|_| ());
        }
        // `open` gives SQLite read-only: a writer's connection of its own.
        let c = rusqlite::Connection::open(data.join("hub.sqlite")).expect("the hub's store opens");
        c.busy_timeout(std::time::Duration::from_secs(10))
            .expect("a busy timeout");
        c.execute_batch(sql).map_err(|e| e.to_string())
    }

    /// Every row of `sql` with text parameters `params`.
    pub fn rows(&self, sql: &str, params: &[&str]) -> Result<Vec<Vec<StoreValue>>, String> {
        match self {
            HubStore::Sqlite(c) => sqlite_rows(c, sql, params).map_err(|e| e.to_string()),
            // PostgreSQL's own message (a trigger's, say), not only "db error".
            HubStore::Postgres(c) => pg_rows(&mut c.borrow_mut(), sql, params).map_err(|e| {
                e.as_db_error()
                    .map_or_else(|| e.to_string(), |d| d.message().to_string())
            }),
        }
    }

    /// The first column of the first row.
    pub fn value(&self, sql: &str, params: &[&str]) -> Result<StoreValue, String> {
        let rows = self.rows(sql, params)?;
        let first = rows.into_iter().next().ok_or("no row")?;
        first
            .into_iter()
            .next()
            .ok_or_else(|| "no column".to_string())
    }
}

fn sqlite_rows(
    c: &rusqlite::Connection,
    sql: &str,
    params: &[&str],
) -> rusqlite::Result<Vec<Vec<StoreValue>>> {
    use rusqlite::types::ValueRef;
    let mut st = c.prepare(sql)?;
    let width = st.column_count();
    let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let row = (0..width)
            .map(|i| {
                Ok(match r.get_ref(i)? {
                    ValueRef::Integer(n) => StoreValue::Int(n),
                    ValueRef::Text(t) => StoreValue::Text(String::from_utf8_lossy(t).into()),
                    _ => StoreValue::Null,
                })
            })
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.push(row);
    }
    Ok(out)
}

fn pg_rows(
    c: &mut postgres::Client,
    sql: &str,
    params: &[&str],
) -> Result<Vec<Vec<StoreValue>>, postgres::Error> {
    use postgres::types::Type;
    let mut text = String::new();
    let mut rest = sql;
    while let Some(i) = rest.find('?') {
        text.push_str(&rest[..i]);
        text.push('$');
        rest = &rest[i + 1..];
    }
    text.push_str(rest);
    let params: Vec<&(dyn postgres::types::ToSql + Sync)> = params.iter().map(|p| p as _).collect();
    let rows = c.query(&text, &params)?;
    Ok(rows
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| match *r.columns()[i].type_() {
                    Type::INT8 => r
                        .get::<_, Option<i64>>(i)
                        .map_or(StoreValue::Null, StoreValue::Int),
                    Type::INT4 => r
                        .get::<_, Option<i32>>(i)
                        .map_or(StoreValue::Null, |n| StoreValue::Int(n.into())),
                    _ => r
                        .get::<_, Option<String>>(i)
                        .map_or(StoreValue::Null, StoreValue::Text),
                })
                .collect()
        })
        .collect())
}

/// A PostgreSQL server for a test that needs one whatever store the run uses: the run's
/// (`PAYPOINT_TEST_PG`), or one of its own started by `scripts/pg-test-server` and stopped when
/// this is dropped.
pub struct PgServer {
    /// `postgres://hub@127.0.0.1:PORT/postgres`.
    pub url: String,
    own: Option<tempfile::TempDir>,
}

impl PgServer {
    /// The run's server, or a fresh one.
    pub fn for_test() -> PgServer {
        if let Ok(url) = std::env::var(SERVER_ENV) {
            return PgServer { url, own: None };
        }
        let dir = tempfile::tempdir().expect("a temporary folder");
        // As root the script runs the server as nobody, who must reach the folder.
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("the folder opened to the server's user");
        let out = Command::new(pg_test_server())
            .arg("start")
            .arg(dir.path().join("pg"))
            .output()
            .expect("scripts/pg-test-server runs");
        assert!(
            out.status.success(),
            "pg-test-server start: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let url = String::from_utf8_lossy(&out.stdout).trim().to_string();
        PgServer {
            url,
            own: Some(dir),
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if let Some(dir) = &self.own {
            let _ = Command::new(pg_test_server())
                .arg("stop")
                .arg(dir.path().join("pg"))
                .output();
        }
    }
}

fn pg_test_server() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-test-server")
}
