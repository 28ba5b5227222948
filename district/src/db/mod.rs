//! The hub's store engine, SQLite or PostgreSQL, behind the one connection type every rule is
//! written against.
//!
//! A rule keeps one SQL text, in the dialect both engines read: SQLite's `?N` placeholders are
//! rewritten to PostgreSQL's `$N` once per statement ([`dialect`]), and the two SQLite functions
//! the queries use (`json_extract`, `group_concat`) are defined by the PostgreSQL migration.
//! Values cross as [`Value`]: the store holds integers, text and, rarely, reals or bytes.
//!
//! The surface mirrors rusqlite's (`execute`, `query_row`, `prepare_cached(..).query_map`,
//! `transaction_with_behavior`, `optional()`), so the rules read as they did on SQLite alone.
//! A write transaction takes the store's one writer lock on both engines (SQLite's `BEGIN
//! IMMEDIATE`, PostgreSQL's transaction-scoped advisory lock): the rules were written for one
//! writer at a time, and several hub processes on one PostgreSQL database keep that guarantee.
//! The one exception is a device's batch, which writes only its pay point's rows: on PostgreSQL
//! batches of different pay points run side by side ([`Connection::transaction_for`]).

mod dialect;
mod pg;
mod value;

use std::cell::RefCell;

pub use pg::PgManager;
pub use value::{FromValue, Params, Row, RowIndex, ToValue, Value};

/// The store's errors.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// SQLite failed.
    #[error("{0}")]
    Sqlite(rusqlite::Error),
    /// PostgreSQL failed.
    #[error("PostgreSQL: {}", pg_text(.0))]
    Postgres(#[from] postgres::Error),
    /// `query_row` found nothing ([`OptionalExtension::optional`] makes it `None`).
    #[error("không có dòng nào")]
    QueryReturnedNoRows,
    /// A column held another kind of value than the rule reads.
    #[error("cột {index}: cần {expected}, kho có {found}")]
    Type {
        /// The column.
        index: usize,
        /// What the rule reads.
        expected: &'static str,
        /// What the store held.
        found: &'static str,
    },
    /// A value the store cannot hold (an unsigned number past i64) or cannot bind.
    #[error("giá trị không lưu được: {0}")]
    Value(String),
    /// No connection from the pool in time.
    #[error("không lấy được kết nối tới kho dữ liệu: {0}")]
    Pool(String),
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => Error::QueryReturnedNoRows,
            e => Error::Sqlite(e),
        }
    }
}

impl Error {
    /// The message a store trigger raised (`hub: …`), on either engine.
    pub fn trigger_message(&self) -> Option<String> {
        match self {
            Error::Sqlite(rusqlite::Error::SqliteFailure(_, Some(m))) => Some(m.clone()),
            Error::Postgres(e) => e.as_db_error().map(|d| d.message().to_string()),
            _ => None,
        }
    }
}

/// What PostgreSQL said: its message and, where it gave them, the detail and the position.
fn pg_text(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(d) => {
            let mut t = format!("{} [{}]", d.message(), d.code().code());
            if let Some(detail) = d.detail() {
                t.push_str(&format!(": {detail}"));
            }
            t
        }
        None => e.to_string(),
    }
}

/// The store's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// `query_row(..).optional()`: nothing found is `None`, as rusqlite's.
pub trait OptionalExtension<T> {
    /// `Ok(None)` when the query found no row.
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(Error::QueryReturnedNoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The parameters of a statement: `params![a, b, c]`.
#[macro_export]
macro_rules! params {
    () => {
        &[] as &[&dyn $crate::db::ToValue]
    };
    ($($p:expr),+ $(,)?) => {
        &[$(&$p as &dyn $crate::db::ToValue),+] as &[&dyn $crate::db::ToValue]
    };
}
pub use params;

/// How a transaction starts; both take the writer lock (see the module's note).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionBehavior {
    /// Takes the writer lock at once.
    Immediate,
    /// As SQLite's default; on PostgreSQL the same as `Immediate`.
    Deferred,
}

/// What [`Connection::insert_rows`] does with a row whose key the table already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Left out, the others written (a batch sent again).
    Skipped,
    /// The call fails (a row there already is a fault); see [`Connection::insert_rows`].
    Refused,
}

impl Existing {
    fn clause(self) -> &'static str {
        match self {
            Existing::Skipped => " ON CONFLICT DO NOTHING",
            Existing::Refused => "",
        }
    }
}

/// One connection to the store.
pub struct Connection(Engine);

enum Engine {
    Lite(rusqlite::Connection),
    Pg(Box<RefCell<pg::PgClient>>),
}

impl Connection {
    /// A SQLite connection, already configured by the caller; list parameters
    /// ([`Value::Texts`]) are read through SQLite's `rarray` table, registered here.
    pub fn sqlite(c: rusqlite::Connection) -> Result<Connection> {
        rusqlite::vtab::array::load_module(&c)?;
        Ok(Connection(Engine::Lite(c)))
    }

    /// The SQLite connection underneath, for what only SQLite has (its online backup).
    pub fn as_sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.0 {
            Engine::Lite(c) => Some(c),
            Engine::Pg(_) => None,
        }
    }

    /// Whether this is PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self.0, Engine::Pg(_))
    }

    /// Runs a statement; the number of rows changed.
    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        let values = params.values()?;
        match &self.0 {
            Engine::Lite(c) => Ok(c
                .prepare_cached(sql)?
                .execute(rusqlite::params_from_iter(values.iter()))?),
            Engine::Pg(c) => c.borrow_mut().execute(sql, &values),
        }
    }

    /// Runs several statements without parameters (a migration, `COMMIT`).
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match &self.0 {
            Engine::Lite(c) => Ok(c.execute_batch(sql)?),
            Engine::Pg(c) => c.borrow_mut().batch(sql),
        }
    }

    /// The first row, read by `f`; [`Error::QueryReturnedNoRows`] when there is none.
    pub fn query_row<T, P: Params, F: FnOnce(&Row) -> Result<T>>(
        &self,
        sql: &str,
        params: P,
        f: F,
    ) -> Result<T> {
        let row = self
            .rows(sql, params.values()?, Some(1))?
            .into_iter()
            .next();
        f(&row.ok_or(Error::QueryReturnedNoRows)?)
    }

    /// A statement to run (its preparation is cached on both engines).
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(Statement {
            conn: self,
            sql: sql.to_string(),
        })
    }

    /// As [`Connection::prepare`].
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare(sql)
    }

    /// Starts a transaction holding the store's writer lock.
    pub fn transaction_with_behavior(
        &mut self,
        behavior: TransactionBehavior,
    ) -> Result<Transaction<'_>> {
        match &self.0 {
            Engine::Lite(c) => c.execute_batch(match behavior {
                TransactionBehavior::Immediate => "BEGIN IMMEDIATE",
                TransactionBehavior::Deferred => "BEGIN",
            })?,
            Engine::Pg(c) => c.borrow_mut().begin_writer()?,
        }
        Ok(Transaction {
            conn: self,
            done: false,
        })
    }

    /// A transaction that writes only what belongs to `scope` (one pay point's batch): on
    /// PostgreSQL, writers of different scopes run side by side, each still alone in its own
    /// scope and never beside a whole-store writer; on SQLite, as [`TransactionBehavior::Immediate`].
    pub fn transaction_for(&mut self, scope: &str) -> Result<Transaction<'_>> {
        match &self.0 {
            Engine::Lite(c) => c.execute_batch("BEGIN IMMEDIATE")?,
            Engine::Pg(c) => c.borrow_mut().begin_scoped_writer(scope)?,
        }
        Ok(Transaction {
            conn: self,
            done: false,
        })
    }

    /// A transaction as SQLite's default `BEGIN`.
    pub fn transaction(&mut self) -> Result<Transaction<'_>> {
        self.transaction_with_behavior(TransactionBehavior::Deferred)
    }

    /// Writes rows into `into` (`table (column, …)`), `values` holding them one after another,
    /// `width` values a row; a row whose key the table already holds is skipped or fails the call,
    /// as `existing` says. The number written. A failed call is meant to end its transaction: on
    /// PostgreSQL its statement wrote nothing, on SQLite the rows before the failing one are
    /// written in the transaction, which the caller rolls back.
    ///
    /// One round trip on PostgreSQL whatever the number of rows: the columns go as arrays through
    /// `unnest`, one prepared text for any count (a day's batch holds from one payout to
    /// hundreds, issue 19). On SQLite, in the same process, one prepared row statement is run
    /// for each row, which is as fast as a long `VALUES` list and needs no text per count.
    pub fn insert_rows(
        &self,
        into: &str,
        width: usize,
        values: Vec<Value>,
        existing: Existing,
    ) -> Result<usize> {
        if width == 0 || values.len() % width != 0 {
            return Err(Error::Value(format!(
                "{} giá trị cho các dòng {width} cột của {into}",
                values.len()
            )));
        }
        match &self.0 {
            Engine::Lite(c) => {
                let marks: Vec<String> = (1..=width).map(|i| format!("?{i}")).collect();
                let sql = format!(
                    "INSERT INTO {into} VALUES ({}){}",
                    marks.join(", "),
                    existing.clause()
                );
                let mut st = c.prepare_cached(&sql)?;
                let mut written = 0;
                for row in values.chunks(width) {
                    written += st.execute(rusqlite::params_from_iter(row.iter()))?;
                }
                Ok(written)
            }
            Engine::Pg(c) => c.borrow_mut().insert_rows(into, width, values, existing),
        }
    }

    /// Which of `keys` the text column `column` of `table` holds: one query whatever their
    /// number on PostgreSQL (`= ANY` of an array), a lookup each on SQLite.
    pub fn held(
        &self,
        table: &str,
        column: &str,
        keys: &[&str],
    ) -> Result<std::collections::HashSet<String>> {
        match &self.0 {
            Engine::Lite(c) => {
                let sql = format!("SELECT 1 FROM {table} WHERE {column} = ?1");
                let mut st = c.prepare_cached(&sql)?;
                let mut held = std::collections::HashSet::new();
                for k in keys {
                    if st.exists([k])? {
                        held.insert((*k).to_string());
                    }
                }
                Ok(held)
            }
            Engine::Pg(c) => c.borrow_mut().held(table, column, keys),
        }
    }

    fn rows(&self, sql: &str, values: Vec<Value>, limit: Option<usize>) -> Result<Vec<Row>> {
        match &self.0 {
            Engine::Lite(c) => {
                let mut st = c.prepare_cached(sql)?;
                let width = st.column_count();
                let mut rows = st.query(rusqlite::params_from_iter(values.iter()))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(Row::from_sqlite(r, width)?);
                    if limit.is_some_and(|l| out.len() >= l) {
                        break;
                    }
                }
                Ok(out)
            }
            Engine::Pg(c) => c.borrow_mut().query(sql, &values),
        }
    }
}

/// A statement of a connection, run with its parameters.
pub struct Statement<'c> {
    conn: &'c Connection,
    sql: String,
}

impl Statement<'_> {
    /// Every row, each read by `f`.
    pub fn query_map<T, P: Params, F: FnMut(&Row) -> Result<T>>(
        &mut self,
        params: P,
        f: F,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        let rows = self.conn.rows(&self.sql, params.values()?, None)?;
        Ok(rows.iter().map(f).collect::<Vec<_>>().into_iter())
    }

    /// The first row, read by `f`.
    pub fn query_row<T, P: Params, F: FnOnce(&Row) -> Result<T>>(
        &mut self,
        params: P,
        f: F,
    ) -> Result<T> {
        self.conn.query_row(&self.sql, params, f)
    }

    /// Runs it; the number of rows changed.
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        self.conn.execute(&self.sql, params)
    }

    /// Whether it finds a row.
    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        Ok(!self
            .conn
            .rows(&self.sql, params.values()?, Some(1))?
            .is_empty())
    }
}

/// A transaction: committed by [`Transaction::commit`], rolled back when dropped without it.
pub struct Transaction<'c> {
    conn: &'c Connection,
    done: bool,
}

impl Transaction<'_> {
    /// Commits.
    pub fn commit(mut self) -> Result<()> {
        // Marked done only once committed: a COMMIT that fails (SQLite busy past its timeout)
        // leaves the transaction open, and dropping it rolls back, so the connection goes back
        // clean.
        self.conn.execute_batch("COMMIT")?;
        self.done = true;
        Ok(())
    }
}

impl std::ops::Deref for Transaction<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for Transaction<'_> {
    fn drop(&mut self) {
        if !self.done {
            // Nothing to tell anyone if the rollback fails: the connection is then broken and
            // the engine discards the transaction with it.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}
