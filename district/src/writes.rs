//! A batch's new events and payouts, each table's rows written in one statement (issue 19: on
//! PostgreSQL each statement is a round trip, and a day's batch holds a hundred payouts or more;
//! see [`Connection::insert_rows`]). The rows
//! wait here while the batch is projected; [`BatchWrites::flush`] writes them before anything
//! reads the tables they go to (a reversal, a request to be paid by account, the checks made once
//! the batch is in), and the batch's facts ([`crate::facts::BatchFacts`]) count the waiting
//! payouts meanwhile.

use crate::db::{Connection, Existing, ToValue, Value};

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

    /// Writes what waits: the events in one statement, then the payouts in one. `Err(Held(seq))`
    /// when an event's id is already held at the hub from elsewhere (the first such event's
    /// number); the caller refuses the batch, which rolls the transaction back.
    pub fn flush(&mut self, tx: &Connection) -> Result<(), Unwritten> {
        let events = std::mem::take(&mut self.events);
        if !events.is_empty() {
            // Asked first: a row skipped as held would leave the next one unchained, and the
            // store's chain trigger would refuse the batch without naming the event.
            let ids: Vec<&str> = events.iter().map(|r| r.id.as_str()).collect();
            let held = tx.held("events", "id", &ids)?;
            if let Some(r) = events.iter().find(|r| held.contains(&r.id)) {
                return Err(Unwritten::Held(r.seq));
            }
            let n = tx.insert_rows(
                EVENTS,
                EVENT_COLUMNS,
                self.event_values(&events)?,
                Existing::Skipped,
            )?;
            if n != events.len() {
                return Err(Unwritten::Held(first_held(tx, self.device, &events)?));
            }
        }
        let payouts = std::mem::take(&mut self.payouts);
        if !payouts.is_empty() {
            tx.insert_rows(
                PAYOUTS,
                PAYOUT_COLUMNS,
                self.payout_values(&payouts)?,
                Existing::Skipped,
            )?;
        }
        Ok(())
    }

    fn event_values(&self, rows: &[EventRow]) -> crate::db::Result<Vec<Value>> {
        let mut values = Vec::with_capacity(rows.len() * EVENT_COLUMNS);
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
        let mut values = Vec::with_capacity(rows.len() * PAYOUT_COLUMNS);
        for r in rows {
            let row: [&dyn ToValue; PAYOUT_COLUMNS] = [
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

const EVENTS: &str =
    "events (id, device, pay_point, seq, kind, clerk, local_time, payload, prev_hash, hash, received_at)";
const EVENT_COLUMNS: usize = 11;
const PAYOUTS: &str = "payouts (id, pay_point, device, period, code, amount, paid_at, proxy_id_card, at_home, clerk, id_check)";
const PAYOUT_COLUMNS: usize = 11;

/// The first event of `rows` the store holds as someone else's, when the insert wrote fewer rows
/// than it had after [`Connection::held`] found none: another pay point's batch wrote the id in
/// between. Written by this insert, each would be this device's under its own number.
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
    // Unreachable when the insert wrote fewer rows than it has; the first is as good a name as any.
    Ok(rows.first().map_or(0, |r| r.seq))
}
