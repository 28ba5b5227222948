//! Moving a hub: every row of a SQLite hub copied into an empty PostgreSQL hub in one
//! transaction, then checked — each device's chain head and count, and the settlement of every
//! period, must read the same on both.

use crate::db::{params, Connection, Row, TransactionBehavior, Value};
use crate::seal::SealKey;
use crate::store::StoreAt;
use crate::{refused, Hub, HubError};

/// What was copied and checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CopyReport {
    /// Rows copied, table by table, in the order copied.
    pub tables: Vec<(String, u64)>,
    /// Devices whose chain head and event count were checked equal.
    pub devices_checked: u64,
    /// Settlement rows (pay point × period) checked equal.
    pub settlement_rows_checked: u64,
}

/// Tables copied, parents before children (the foreign keys), events in each device's order (the
/// sequence trigger takes nothing else). `hub_key` is not here: it is sealed on the way.
const TABLES: &[(&str, &str)] = &[
    ("pay_points", "code"),
    ("rolls", "id"),
    ("roll_lines", "pay_point, period, version, code"),
    ("roll_people", "pay_point, period, version, code"),
    ("enrol_codes", "code_sha256"),
    ("devices", "enrolled_at, id"),
    ("nonces", "device, nonce"),
    ("events", "device, seq"),
    ("batches", "batch_id"),
    ("amendments", "id"),
    ("stops", "pay_point, code"),
    ("payouts", "id"),
    ("flags", "id"),
    ("settings", "key"),
];

impl Hub {
    /// Copies this SQLite hub into the empty PostgreSQL database `url` and checks the copy.
    pub fn copy_to_postgres(&self, url: &str, seal: &SealKey) -> Result<CopyReport, HubError> {
        if !matches!(self.store_at(), StoreAt::Sqlite(_)) {
            return Err(refused(
                "chỉ chép được từ kho SQLite (--data) sang PostgreSQL",
            ));
        }
        let target = Hub::open_at(StoreAt::Postgres {
            url: url.to_string(),
            seal: seal.clone(),
            pool: crate::store::PG_POOL_SIZE,
        })?;
        let tables = {
            let from = self.db()?;
            let mut to = target.db()?;
            require_empty(&to)?;
            let tx = to.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // The target made its own key when it was opened: it becomes this hub's key.
            tx.execute(
                "UPDATE hub_key SET secret_key = ?1, public_key = ?2",
                params![seal.seal_signing_key(&self.key), self.public_key_hex()],
            )?;
            let mut copied = Vec::new();
            for name in copy_order(&from)? {
                let n = copy_table(&from, &tx, &name)?;
                copied.push((name, n));
            }
            tx.commit()?;
            copied
        };
        let target = Hub::open_at(target.store_at().clone())?;
        let devices_checked = same_chains(self, &target)?;
        let settlement_rows_checked = same_settlement(self, &target)?;
        Ok(CopyReport {
            tables,
            devices_checked,
            settlement_rows_checked,
        })
    }
}

fn require_empty(to: &Connection) -> Result<(), HubError> {
    let n: i64 = to.query_row(
        "SELECT (SELECT count(*) FROM pay_points) + (SELECT count(*) FROM events)",
        [],
        |r| r.get(0),
    )?;
    if n > 0 {
        return Err(refused(
            "kho PostgreSQL đích đã có dữ liệu: chỉ chép vào một kho mới tạo (CREATE DATABASE …)",
        ));
    }
    Ok(())
}

/// The listed tables first, in their order; then every other table of the store (those added
/// by later migrations), by name.
fn copy_order(from: &Connection) -> Result<Vec<String>, HubError> {
    let mut all: Vec<String> = from
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
               AND name NOT LIKE 'sqlite_%' AND name <> 'hub_key' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut order: Vec<String> = TABLES.iter().map(|(t, _)| t.to_string()).collect();
    all.retain(|t| !order.contains(t));
    order.extend(all);
    Ok(order)
}

fn copy_table(from: &Connection, to: &Connection, table: &str) -> Result<u64, HubError> {
    let columns: Vec<String> = from
        .prepare(&format!(
            "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let order = TABLES
        .iter()
        .find(|(t, _)| *t == table)
        .map_or("rowid", |(_, o)| o);
    let list = columns.join(", ");
    let rows: Vec<Row> = from
        .prepare(&format!("SELECT {list} FROM {table} ORDER BY {order}"))?
        .query_map([], |r| Ok(r.clone()))?
        .collect::<Result<_, _>>()?;
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let insert = format!("INSERT INTO {table} ({list}) VALUES ({})", marks.join(", "));
    for row in &rows {
        to.execute(&insert, row.values().to_vec())?;
    }
    if columns.iter().any(|c| c == "id") && identity(to, table)? {
        // Rows keep their numbers; the next row made at the new hub follows them.
        to.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            ),
            [],
        )?;
    }
    Ok(rows.len() as u64)
}

fn identity(to: &Connection, table: &str) -> Result<bool, HubError> {
    let v: Value = to.query_row("SELECT pg_get_serial_sequence(?1, 'id')", [table], |r| {
        r.get(0)
    })?;
    Ok(v != Value::Null)
}

/// Every device's accepted sequence and chain head, equal on both hubs; their number.
fn same_chains(a: &Hub, b: &Hub) -> Result<u64, HubError> {
    let read = |h: &Hub| -> Result<Vec<(String, i64, String, i64)>, HubError> {
        let db = h.db()?;
        let rows = db
            .prepare(
                "SELECT d.id, d.accepted_seq, d.head_hash,
                        (SELECT count(*) FROM events e WHERE e.device = d.id)
                 FROM devices d ORDER BY d.id",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    };
    let (x, y) = (read(a)?, read(b)?);
    if x != y {
        return Err(refused(
            "bản chép khác bản gốc ở chuỗi sự kiện của thiết bị: bản chép bị hủy, kho đích cần làm lại",
        ));
    }
    Ok(x.len() as u64)
}

/// The settlement of every period, equal on both hubs; its number of rows.
fn same_settlement(a: &Hub, b: &Hub) -> Result<u64, HubError> {
    let (x, y) = (a.settlement(None)?, b.settlement(None)?);
    if x != y {
        return Err(refused(
            "bản chép khác bản gốc ở quyết toán: kho đích cần làm lại",
        ));
    }
    Ok(x.len() as u64)
}
