//! A batch's new events and payouts, written many rows to a statement (issue 19: on PostgreSQL
//! each statement is a round trip, and a day's batch holds a hundred payouts or more). The rows
//! wait here while the batch is projected; [`BatchWrites::flush`] writes them before anything
//! reads the tables they go to (a reversal, a request to be paid by account, the checks made once
//! the batch is in), and the batch's facts ([`crate::facts::BatchFacts`]) count the waiting
//! payouts meanwhile.

use crate::db::{Connection, ToValue, Value};

/// One event row, as `events` holds it.
pub struct EventRow {
    /// The event's id.
    pub id: String,
    /// Its number in the device's chain.
    pub seq: u64,
    /// The other columns, after `id`, `device`, `pay_point` and `seq`: kind, clerk, local time,
    /// payload, previous hash, hash, received at.
    pub rest: [Value; 7],
}

/// One payout row, as `payouts` holds it.
#[derive(Debug, Clone)]
pub struct PayoutRow {
    /// The payout event's id.
    pub id: String,
    /// The period paid.
    pub period: String,
    /// The beneficiary.
    pub code: String,
    /// The amount, in đồng.
    pub amount: i64,
    /// The device's local time of the payout.
    pub paid_at: String,
    /// The proxy's ID number, when a proxy was paid.
    pub proxy_id_card: Option<String>,
    /// Paid at home.
    pub at_home: bool,
    /// The clerk.
    pub clerk: Option<i64>,
    /// How the recipient was identified.
    pub id_check: Option<String>,
}

/// The rows of one batch not yet written.
pub struct BatchWrites<'a> {
    device: &'a str,
    pay_point: &'a str,
    events: Vec<EventRow>,
    payouts: Vec<PayoutRow>,
}

/// Rows per statement, largest first: a batch of any size takes a few statements, and each engine
/// prepares at most one text per size and table. 256 rows of 11 values stay far under both
/// engines' limit on parameters (SQLite 32.766, PostgreSQL 65.535).
const ROWS_PER_STATEMENT: [usize; 5] = [256, 64, 16, 4, 1];

impl<'a> BatchWrites<'a> {
    /// Nothing waiting yet, for `device`'s batch at `pay_point`.
    pub fn new(device: &'a str, pay_point: &'a str) -> BatchWrites<'a> {
        BatchWrites {
            device,
            pay_point,
            events: Vec::new(),
            payouts: Vec::new(),
        }
    }

    /// An event to write.
    pub fn event(&mut self, row: EventRow) {
        self.events.push(row);
    }

    /// A payout to write.
    pub fn payout(&mut self, row: PayoutRow) {
        self.payouts.push(row);
    }

    /// Writes what waits. `Err(Held(seq))` when an event's id is already held at the hub from
    /// elsewhere (the first such event's number); the caller refuses the batch, which rolls the
    /// transaction back.
    pub fn flush(&mut self, tx: &Connection) -> Result<(), Unwritten> {
        let events = std::mem::take(&mut self.events);
        let mut written = 0;
        for chunk in chunks(&events) {
            // Asked first: a row skipped as held would leave the next one unchained, and the
            // store's chain trigger would refuse the batch without naming the event.
            if let Some(seq) = held_elsewhere(tx, chunk)? {
                return Err(Unwritten::Held(seq));
            }
            let values = self.event_values(chunk)?;
            let sql = insert_sql(EVENTS, 11, chunk.len());
            let n = tx.prepare_cached(&sql)?.execute(values)?;
            if n != chunk.len() {
                return Err(Unwritten::Held(first_held(tx, self.device, chunk)?));
            }
            written += n;
        }
        debug_assert_eq!(written, events.len());
        let payouts = std::mem::take(&mut self.payouts);
        for chunk in chunks(&payouts) {
            let values = self.payout_values(chunk)?;
            tx.prepare_cached(&insert_sql(PAYOUTS, 11, chunk.len()))?
                .execute(values)?;
        }
        Ok(())
    }

    fn event_values(&self, rows: &[EventRow]) -> crate::db::Result<Vec<Value>> {
        let mut values = Vec::with_capacity(rows.len() * 11);
        for r in rows {
            values.push(Value::Text(r.id.clone()));
            values.push(self.device.to_value()?);
            values.push(self.pay_point.to_value()?);
            values.push(r.seq.to_value()?);
            values.extend(r.rest.iter().cloned());
        }
        Ok(values)
    }

    fn payout_values(&self, rows: &[PayoutRow]) -> crate::db::Result<Vec<Value>> {
        let mut values = Vec::with_capacity(rows.len() * 11);
        for r in rows {
            let row: [&dyn ToValue; 11] = [
                &r.id,
                &self.pay_point,
                &self.device,
                &r.period,
                &r.code,
                &r.amount,
                &r.paid_at,
                &r.proxy_id_card,
                &r.at_home,
                &r.clerk,
                &r.id_check,
            ];
            for v in row {
                values.push(v.to_value()?);
            }
        }
        Ok(values)
    }
}

/// Why a batch's rows could not be written.
#[derive(Debug)]
pub enum Unwritten {
    /// The store failed.
    Store(crate::db::Error),
    /// This event (its number) has an id the hub already holds from another device or place.
    Held(u64),
}

impl From<crate::db::Error> for Unwritten {
    fn from(e: crate::db::Error) -> Self {
        Unwritten::Store(e)
    }
}

const EVENTS: &str = "INSERT INTO events (id, device, pay_point, seq, kind, clerk, local_time, payload, prev_hash, hash, received_at) VALUES ";
const PAYOUTS: &str = "INSERT INTO payouts (id, pay_point, device, period, code, amount, paid_at, proxy_id_card, at_home, clerk, id_check) VALUES ";

/// `rows` cut into runs of the sizes of [`ROWS_PER_STATEMENT`].
fn chunks<T>(mut rows: &[T]) -> Vec<&[T]> {
    let mut out = Vec::new();
    for size in ROWS_PER_STATEMENT {
        while rows.len() >= size {
            let (head, tail) = rows.split_at(size);
            out.push(head);
            rows = tail;
        }
    }
    out
}

/// `head` with `rows` rows of `width` numbered placeholders; a row already held is left as it is.
fn insert_sql(head: &str, width: usize, rows: usize) -> String {
    let mut sql = String::with_capacity(head.len() + rows * width * 6 + 24);
    sql.push_str(head);
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("?{}", r * width + c + 1));
        }
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT DO NOTHING");
    sql
}

/// The number of the first event of `rows` whose id the store already holds.
fn held_elsewhere(tx: &Connection, rows: &[EventRow]) -> crate::db::Result<Option<u64>> {
    let marks: Vec<String> = (1..=rows.len()).map(|i| format!("?{i}")).collect();
    let sql = format!("SELECT id FROM events WHERE id IN ({})", marks.join(", "));
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let held: std::collections::HashSet<String> = tx
        .prepare_cached(&sql)?
        .query_map(ids, |r| r.get(0))?
        .collect::<crate::db::Result<_>>()?;
    Ok(rows.iter().find(|r| held.contains(&r.id)).map(|r| r.seq))
}

/// The first event of `rows` the store holds as someone else's, when a chunk wrote fewer rows than
/// it has after [`held_elsewhere`] found none: another pay point's batch wrote the id in between.
/// Written by this chunk, each would be this device's under its own number.
fn first_held(tx: &Connection, device: &str, rows: &[EventRow]) -> crate::db::Result<u64> {
    for r in rows {
        let mine: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM events WHERE id = ?1 AND device = ?2 AND seq = ?3)",
            )?
            .query_row(crate::db::params![r.id, device, r.seq], |x| x.get(0))?;
        if !mine {
            return Ok(r.seq);
        }
    }
    // Unreachable when the chunk wrote fewer rows than it has; the first is as good a name as any.
    Ok(rows.first().map_or(0, |r| r.seq))
}

#[cfg(test)]
mod tests {
    use super::{chunks, insert_sql};

    #[test]
    fn any_number_of_rows_is_cut_into_the_few_sizes_in_order() {
        let rows: Vec<usize> = (0..341).collect();
        let cut = chunks(&rows);
        let sizes: Vec<usize> = cut.iter().map(|c| c.len()).collect();
        assert_eq!(sizes, [256, 64, 16, 4, 1]);
        let again: Vec<usize> = cut.concat();
        assert_eq!(again, rows);
        assert!(chunks::<u8>(&[]).is_empty());
        assert_eq!(
            chunks(&[0; 7]).iter().map(|c| c.len()).collect::<Vec<_>>(),
            [4, 1, 1, 1]
        );
    }

    #[test]
    fn rows_are_numbered_on_from_each_other() {
        assert_eq!(
            insert_sql("INSERT INTO t (a, b) VALUES ", 2, 2),
            "INSERT INTO t (a, b) VALUES (?1, ?2), (?3, ?4) ON CONFLICT DO NOTHING"
        );
    }
}
