//! PostgreSQL under the hub's [`Connection`]: the blocking `postgres` client (tokio-postgres
//! underneath), its statements prepared once per connection, values bound to whatever type the
//! server infers for each placeholder, and an r2d2 pool of connections.
//!
//! Why blocking: every rule of the hub is synchronous code run on blocking threads (the HTTP
//! handlers hand it to `spawn_blocking`, the admin commands are plain functions), exactly as on
//! SQLite. An async driver would have needed each rule twice or a `block_on` around each query.

use std::collections::HashMap;
use std::error::Error as StdError;

use postgres::types::{to_sql_checked, FromSql, IsNull, ToSql, Type};
use postgres::{Client, NoTls};

use super::{dialect, Connection, Engine, Error, Existing, Result, Row, Value};

/// The advisory lock every write transaction takes: one writer at a time across every hub
/// process on the database, as SQLite's `BEGIN IMMEDIATE` gives one process.
const WRITER_LOCK: i64 = 0x5041_5950_4f49_4e54; // "PAYPOINT"

/// The key space of [`PgClient::begin_scoped_writer`]'s locks (two-integer advisory keys are a
/// space of their own, apart from [`WRITER_LOCK`]'s).
const SCOPE_LOCKS: i32 = 0x5050; // "PP"

/// How many prepared statements a connection keeps: the hub's rules have about 200.
const STATEMENT_CACHE: usize = 512;

/// A connection given back to the pool this recently is handed out again without asking the
/// server first (HikariCP's alive-bypass window, the same 500 ms). At the payday peak every
/// connection comes back within milliseconds, and asking was two of the 30-odd round trips of
/// every push; a connection idle longer is still asked, so one that a database restart broke is
/// replaced before a request gets it.
const VALID_WITHOUT_ASKING: std::time::Duration = std::time::Duration::from_millis(500);

pub(super) struct PgClient {
    client: Client,
    statements: HashMap<String, postgres::Statement>,
    /// When the pool last got it back unbroken (or when it was made).
    returned_at: std::time::Instant,
}

impl PgClient {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(&dialect::to_postgres(sql))?;
        self.keep(sql.to_string(), s.clone());
        Ok(s)
    }

    fn keep(&mut self, key: String, s: postgres::Statement) {
        if self.statements.len() >= STATEMENT_CACHE {
            self.statements.clear();
        }
        self.statements.insert(key, s);
    }

    pub(super) fn execute(&mut self, sql: &str, values: &[Value]) -> Result<usize> {
        let st = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        let n = self.client.execute(&st, &params)?;
        usize::try_from(n).map_err(|_| Error::Value(n.to_string()))
    }

    pub(super) fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>> {
        let st = self.statement(sql)?;
        let params: Vec<&(dyn ToSql + Sync)> = values.iter().map(|v| v as _).collect();
        self.client
            .query(&st, &params)?
            .iter()
            .map(|r| {
                let values = (0..r.len())
                    .map(|i| r.try_get::<_, Value>(i))
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                Ok(Row { values })
            })
            .collect()
    }

    /// [`super::Connection::insert_rows`]: the rows' columns as arrays, unnested into the table.
    pub(super) fn insert_rows(
        &mut self,
        into: &str,
        width: usize,
        values: Vec<Value>,
        existing: Existing,
    ) -> Result<usize> {
        let st = self.unnesting(into, width, existing)?;
        let rows = values.len() / width;
        let mut columns: Vec<Vec<Value>> = (0..width).map(|_| Vec::with_capacity(rows)).collect();
        for (i, v) in values.into_iter().enumerate() {
            columns[i % width].push(v);
        }
        let params: Vec<&(dyn ToSql + Sync)> = columns.iter().map(|c| c as _).collect();
        let n = self.client.execute(&st, &params)?;
        usize::try_from(n).map_err(|_| Error::Value(n.to_string()))
    }

    /// The `unnest` insert into `into`, prepared once per connection. Its arrays' types are the
    /// columns' own, which the server names when the one-row `VALUES` form is prepared first
    /// (`unnest` of an untyped parameter is refused).
    fn unnesting(
        &mut self,
        into: &str,
        width: usize,
        existing: Existing,
    ) -> Result<postgres::Statement> {
        let key = format!("unnest:{into}{}", existing.clause());
        if let Some(s) = self.statements.get(&key) {
            return Ok(s.clone());
        }
        let marks: Vec<String> = (1..=width).map(|i| format!("${i}")).collect();
        let one_row = self
            .client
            .prepare(&format!("INSERT INTO {into} VALUES ({})", marks.join(", ")))?;
        let arrays: Vec<String> = one_row
            .params()
            .iter()
            .enumerate()
            .map(|(i, ty)| format!("${}::\"{}\".\"{}\"[]", i + 1, ty.schema(), ty.name()))
            .collect();
        let sql = format!(
            "INSERT INTO {into} SELECT * FROM unnest({}){}",
            arrays.join(", "),
            existing.clause()
        );
        let s = self.client.prepare(&sql)?;
        self.keep(key, s.clone());
        Ok(s)
    }

    /// [`super::Connection::held`].
    pub(super) fn held(
        &mut self,
        table: &str,
        column: &str,
        keys: &[&str],
    ) -> Result<std::collections::HashSet<String>> {
        let st = self.statement(&format!(
            "SELECT {column} FROM {table} WHERE {column} = ANY(?1)"
        ))?;
        self.client
            .query(&st, &[&keys])?
            .iter()
            .map(|r| Ok(r.try_get::<_, String>(0)?))
            .collect()
    }

    pub(super) fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.client.batch_execute(sql)?)
    }

    pub(super) fn begin_writer(&mut self) -> Result<()> {
        let begun = self.client.batch_execute(&format!(
            "BEGIN; SELECT pg_advisory_xact_lock({WRITER_LOCK})"
        ));
        self.ended_on_error(begun.map_err(Error::from))
    }

    /// A writer of one scope (a pay point's batch): it shares the writer lock with the writers
    /// of other scopes and excludes those of its own, and every whole-store writer.
    pub(super) fn begin_scoped_writer(&mut self, scope: &str) -> Result<()> {
        let begun = self
            .client
            .batch_execute(&format!(
                "BEGIN; SELECT pg_advisory_xact_lock_shared({WRITER_LOCK})"
            ))
            .map_err(Error::from)
            .and_then(|()| {
                // Prepared once per connection: one round trip a batch, not a parse and two.
                let lock = self.statement("SELECT pg_advisory_xact_lock(?1, hashtext(?2))")?;
                Ok(self.client.execute(&lock, &[&SCOPE_LOCKS, &scope])?)
            });
        self.ended_on_error(begun.map(|_| ()))
    }

    /// A transaction that failed to start is rolled back here, where no [`super::Transaction`]
    /// exists yet to do it: the pool must never get back a connection inside a transaction.
    fn ended_on_error(&mut self, begun: Result<()>) -> Result<()> {
        if begun.is_err() {
            let _ = self.client.batch_execute("ROLLBACK");
        }
        begun
    }
}

impl Connection {
    /// A PostgreSQL connection to `url` (`postgres://user@host:port/db`).
    pub fn postgres(url: &str) -> Result<Connection> {
        let client = Client::connect(url, NoTls)?;
        Ok(Connection(Engine::Pg(Box::new(std::cell::RefCell::new(
            PgClient {
                client,
                statements: HashMap::new(),
                returned_at: std::time::Instant::now(),
            },
        )))))
    }
}

/// Makes the pool's connections.
#[derive(Debug, Clone)]
pub struct PgManager {
    /// The database's URL.
    pub url: String,
}

impl r2d2::ManageConnection for PgManager {
    type Connection = Connection;
    type Error = Error;

    fn connect(&self) -> Result<Connection> {
        Connection::postgres(&self.url)
    }

    fn is_valid(&self, conn: &mut Connection) -> Result<()> {
        match &conn.0 {
            Engine::Pg(c) if c.borrow().returned_at.elapsed() < VALID_WITHOUT_ASKING => Ok(()),
            _ => conn.execute_batch(""),
        }
    }

    fn has_broken(&self, conn: &mut Connection) -> bool {
        match &conn.0 {
            Engine::Pg(c) => {
                let mut c = c.borrow_mut();
                let broken = c.client.is_closed();
                if !broken {
                    c.returned_at = std::time::Instant::now();
                }
                broken
            }
            Engine::Lite(_) => false,
        }
    }
}

type BoxError = Box<dyn StdError + Sync + Send>;

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<IsNull, BoxError> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(n) => integer_to_sql(*n, ty, out),
            Value::Real(f) => match *ty {
                Type::FLOAT4 => (*f as f32).to_sql(ty, out),
                _ => f.to_sql(ty, out),
            },
            Value::Text(s) => match *ty {
                Type::JSONB => {
                    // jsonb's binary form: a version byte, then the text.
                    out.extend_from_slice(&[1]);
                    out.extend_from_slice(s.as_bytes());
                    Ok(IsNull::No)
                }
                Type::JSON => {
                    out.extend_from_slice(s.as_bytes());
                    Ok(IsNull::No)
                }
                // SQLite compares a text parameter with an integer column by the column's
                // affinity; PostgreSQL wants the number itself.
                Type::INT2 | Type::INT4 | Type::INT8 | Type::NUMERIC => {
                    integer_to_sql(s.trim().parse::<i64>()?, ty, out)
                }
                Type::FLOAT4 | Type::FLOAT8 => Value::Real(s.trim().parse()?).to_sql(ty, out),
                _ => s.as_str().to_sql(ty, out),
            },
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
            // postgres-types panics on a list bound where no array is: an error instead.
            Value::Texts(list) => match ty.kind() {
                postgres::types::Kind::Array(_) => list.to_sql(ty, out),
                _ => Err(format!("a list given where {ty} is wanted").into()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        // Checked in `to_sql`, against the type the server inferred for the placeholder.
        true
    }

    to_sql_checked!();
}

fn integer_to_sql(
    n: i64,
    ty: &Type,
    out: &mut bytes::BytesMut,
) -> std::result::Result<IsNull, BoxError> {
    match *ty {
        Type::INT2 => i16::try_from(n)?.to_sql(ty, out),
        Type::INT4 => i32::try_from(n)?.to_sql(ty, out),
        Type::BOOL => (n != 0).to_sql(ty, out),
        Type::FLOAT8 => (n as f64).to_sql(ty, out),
        Type::NUMERIC => rust_decimal::Decimal::from(n).to_sql(ty, out),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
            n.to_string().as_str().to_sql(ty, out)
        }
        _ => n.to_sql(ty, out),
    }
}

impl<'a> FromSql<'a> for Value {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Value, BoxError> {
        Ok(match *ty {
            Type::BOOL => Value::Integer(i64::from(bool::from_sql(ty, raw)?)),
            Type::INT2 => Value::Integer(i16::from_sql(ty, raw)?.into()),
            Type::INT4 => Value::Integer(i32::from_sql(ty, raw)?.into()),
            Type::INT8 => Value::Integer(i64::from_sql(ty, raw)?),
            Type::OID => Value::Integer(u32::from_sql(ty, raw)?.into()),
            Type::FLOAT4 => Value::Real(f32::from_sql(ty, raw)?.into()),
            Type::FLOAT8 => Value::Real(f64::from_sql(ty, raw)?),
            // sum() and avg() of integers are numeric in PostgreSQL, integers in SQLite.
            Type::NUMERIC => numeric(rust_decimal::Decimal::from_sql(ty, raw)?),
            Type::BYTEA => Value::Blob(raw.to_vec()),
            Type::JSONB => Value::Text(String::from_utf8(
                raw.get(1..).unwrap_or_default().to_vec(),
            )?),
            _ => Value::Text(String::from_utf8(raw.to_vec())?),
        })
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Value, BoxError> {
        Ok(Value::Null)
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

fn numeric(d: rust_decimal::Decimal) -> Value {
    use rust_decimal::prelude::ToPrimitive;
    match (d.fract().is_zero(), d.to_i64()) {
        (true, Some(n)) => Value::Integer(n),
        _ => Value::Real(d.to_f64().unwrap_or(f64::NAN)),
    }
}
