//! What a batch's payout checks read from the hub's store, read once for the batch rather than
//! once for each payout (issue 19: on PostgreSQL every statement is a round trip through the
//! kernel on both sides, and a month's batch holds hundreds of payouts). Each kind of fact is one
//! statement per batch (per period for the office's rolls and the other devices' payouts); the
//! batch's own events update what they change, so each payout's checks see what a statement made
//! at that payout would have seen.
//!
//! Why nothing else can change them meanwhile: the batch's transaction holds its pay point's
//! writer lock, so no other batch of the pay point runs, and everything the office does (publish a
//! roll, record a stop) takes the whole-store writer lock, which waits for it.

use std::collections::HashMap;

use crate::db::{params, Connection};
use crate::reconcile::Published;

/// A stop (báo giảm) as the hub holds it.
#[derive(Debug, Clone)]
pub struct Stop {
    /// Why (a death, a move…).
    pub reason: String,
    /// From when, when known.
    pub date: Option<String>,
    /// Who reported it: `district`, or `device:ID`.
    pub source: String,
}

/// Another device's payout of a person in a period, not reversed.
#[derive(Debug, Clone)]
pub struct OtherPayout {
    /// The payout's event id.
    pub id: String,
    /// The device that made it.
    pub device: String,
}

/// The facts of one batch of one device at one pay point.
pub struct BatchFacts {
    pay_point: String,
    device: String,
    /// The pay point's stops, by code.
    stops: HashMap<String, Stop>,
    /// What the office published, by period: read at the first payout of the period.
    published: HashMap<String, Published>,
    /// The pay point's other devices' payouts, by period and code: read at the first payout of
    /// the period.
    others: HashMap<String, HashMap<String, Vec<OtherPayout>>>,
}

impl BatchFacts {
    /// Reads the pay point's stops; the rest is read when a payout first needs it.
    pub fn load(tx: &Connection, pay_point: &str, device: &str) -> crate::db::Result<BatchFacts> {
        let stops = tx
            .prepare_cached("SELECT code, reason, date, source FROM stops WHERE pay_point = ?1")?
            .query_map(params![pay_point], |r| {
                let stop = Stop {
                    reason: r.get(1)?,
                    date: r.get(2)?,
                    source: r.get(3)?,
                };
                Ok((r.get(0)?, stop))
            })?
            .collect::<Result<_, _>>()?;
        Ok(BatchFacts {
            pay_point: pay_point.to_string(),
            device: device.to_string(),
            stops,
            published: HashMap::new(),
            others: HashMap::new(),
        })
    }

    /// `code`'s stop, if the hub holds one.
    pub fn stop(&self, code: &str) -> Option<&Stop> {
        self.stops.get(code)
    }

    /// A stop the batch reported: kept unless one is held already (as the store keeps the first).
    pub fn stopped(&mut self, code: &str, stop: Stop) {
        self.stops.entry(code.to_string()).or_insert(stop);
    }

    /// What the office published for `period`.
    pub fn published(&mut self, tx: &Connection, period: &str) -> crate::db::Result<&Published> {
        if !self.published.contains_key(period) {
            let read = Published::load(tx, &self.pay_point, period)?;
            self.published.insert(period.to_string(), read);
        }
        Ok(&self.published[period])
    }

    /// One of the other devices' payouts to `code` in `period`, not reversed, if there is one.
    pub fn other_payout(
        &mut self,
        tx: &Connection,
        period: &str,
        code: &str,
    ) -> crate::db::Result<Option<&OtherPayout>> {
        if !self.others.contains_key(period) {
            let read = self.others_in(tx, period)?;
            self.others.insert(period.to_string(), read);
        }
        Ok(self.others[period].get(code).and_then(|v| v.first()))
    }

    /// A payout the batch reversed no longer counts, whoever made it.
    pub fn reversed(&mut self, payout: &str) {
        for by_code in self.others.values_mut() {
            for payouts in by_code.values_mut() {
                payouts.retain(|p| p.id != payout);
            }
        }
    }

    fn others_in(
        &self,
        tx: &Connection,
        period: &str,
    ) -> crate::db::Result<HashMap<String, Vec<OtherPayout>>> {
        let rows = tx
            .prepare_cached(
                "SELECT code, id, device FROM payouts WHERE pay_point = ?1 AND period = ?2
                 AND device <> ?3 AND reversed_by IS NULL",
            )?
            .query_map(params![self.pay_point, period, self.device], |r| {
                let payout = OtherPayout {
                    id: r.get(1)?,
                    device: r.get(2)?,
                };
                Ok((r.get::<_, String>(0)?, payout))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut by_code: HashMap<String, Vec<OtherPayout>> = HashMap::new();
        for (code, payout) in rows {
            by_code.entry(code).or_default().push(payout);
        }
        Ok(by_code)
    }
}
