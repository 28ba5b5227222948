//! What a batch's payout checks read from the hub's store, read once for the batch rather than
//! once for each payout (issue 19: on PostgreSQL every statement is a round trip through the
//! kernel on both sides, and a month's batch holds hundreds of payouts). Each kind of fact is one
//! statement per batch (per period for the office's rolls and the other devices' payouts), and
//! what is read by person is read for the batch's people only, so a push costs what its batch
//! holds, not what its pay point holds; the batch's own events update what they change, so each
//! payout's checks see what a statement made at that payout would have seen.
//!
//! Why nothing else can change them meanwhile: the batch's transaction holds its pay point's
//! writer lock, so no other batch of the pay point runs, and everything the office does (publish a
//! roll, record a stop) takes the whole-store writer lock, which waits for it.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::db::{params, Connection};
use crate::reconcile::{Published, PublishedCache};
use crate::writes::PayoutRow;

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

/// Whom a batch pays: its payouts' people and the ID cards of the proxies who collected, each
/// sorted, each once. What is read by person or by proxy is read for them only (a pay point's
/// whole period would be hundreds of people at every push, issue 19), and a fact asked of anyone
/// else is refused as a fault ([`asked_of`]).
#[derive(Debug, Default)]
pub struct Whom {
    people: Vec<String>,
    proxies: Vec<String>,
}

impl Whom {
    /// Whom `payouts` pay.
    pub fn of<'p>(payouts: impl Iterator<Item = &'p paypoint::event::payload::Payout>) -> Whom {
        let mut whom = Whom::default();
        for p in payouts {
            whom.people.push(p.code.clone());
            if let Some(id) = p.proxy_id_card.as_deref().filter(|s| !s.is_empty()) {
                whom.proxies.push(id.to_string());
            }
        }
        for list in [&mut whom.people, &mut whom.proxies] {
            list.sort_unstable();
            list.dedup();
        }
        whom
    }
}

/// The facts of one batch of one device at one pay point.
pub struct BatchFacts {
    pay_point: String,
    device: String,
    /// Whom the batch pays.
    whom: Whom,
    /// The pay point's stops, by code.
    stops: HashMap<String, Stop>,
    /// What the office published, by period: taken from the node's cache at the first payout of
    /// the period.
    published: HashMap<String, Arc<Published>>,
    /// The node's published rolls, kept between batches.
    cache: Arc<PublishedCache>,
    /// The pay point's other devices' payouts, by period and code: read at the first payout of
    /// the period.
    others: HashMap<String, HashMap<String, Vec<OtherPayout>>>,
    /// What the batch's payouts change (its own payouts, of this device), each read when first
    /// needed and kept up to date as the batch pays; forgotten at a reversal, which is rare and
    /// may undo any of them ([`BatchFacts::payouts_changed`]).
    mine: PaidFacts,
    /// The people on the office's rolls, by period (the lump check looks at earlier periods).
    on_roll: HashMap<String, HashSet<String>>,
}

/// The facts a payout of the batch changes.
#[derive(Default)]
struct PaidFacts {
    /// The device's latest payouts' times, latest first, at most the speed check's count.
    recent: Option<Vec<String>>,
    /// The codes paid (not reversed) at the pay point, by period.
    paid: HashMap<String, HashSet<String>>,
    /// The codes each proxy ID collected for (not reversed) at the pay point, by period.
    proxies: HashMap<String, HashMap<String, HashSet<String>>>,
    /// The batch's payouts not yet in the store: added to what is read later.
    unwritten: Vec<PayoutRow>,
}

impl BatchFacts {
    /// Reads the pay point's stops; the rest is read when a payout first needs it, for `whom`
    /// the batch pays.
    pub fn load(
        tx: &Connection,
        pay_point: &str,
        device: &str,
        whom: Whom,
        cache: Arc<PublishedCache>,
    ) -> crate::db::Result<BatchFacts> {
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
            whom,
            stops,
            published: HashMap::new(),
            cache,
            others: HashMap::new(),
            mine: PaidFacts::default(),
            on_roll: HashMap::new(),
        })
    }

    /// The times of the device's latest `n` payouts not reversed, latest first (the speed
    /// check's window), the batch's own included.
    pub fn recent_payouts(&mut self, tx: &Connection, n: i64) -> crate::db::Result<&[String]> {
        if self.mine.recent.is_none() {
            let read = tx
                .prepare_cached(
                    "SELECT paid_at FROM payouts WHERE device = ?1 AND reversed_by IS NULL
                     ORDER BY paid_at DESC LIMIT ?2",
                )?
                .query_map(params![self.device, n], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()?;
            self.mine.recent = Some(read);
            let rows = std::mem::take(&mut self.mine.unwritten);
            for row in &rows {
                self.mine.add_recent(row, n);
            }
            self.mine.unwritten = rows;
        }
        Ok(self.mine.recent.as_deref().unwrap_or_default())
    }

    /// Whether `code` is on the office's roll of `period` and whether it was paid then (not
    /// reversed): what the lump check asks of each earlier period.
    pub fn on_roll_and_paid(
        &mut self,
        tx: &Connection,
        period: &str,
        code: &str,
    ) -> crate::db::Result<(bool, bool)> {
        asked_of(&self.whom.people, code)?;
        if !self.on_roll.contains_key(period) {
            let read = codes(
                tx,
                "SELECT DISTINCT code FROM roll_people WHERE pay_point = ?1 AND period = ?2
                 AND code IN rarray(?3)",
                params![self.pay_point, period, self.whom.people],
            )?;
            self.on_roll.insert(period.to_string(), read);
        }
        if !self.mine.paid.contains_key(period) {
            let read = codes(
                tx,
                "SELECT DISTINCT code FROM payouts WHERE pay_point = ?1 AND period = ?2
                 AND code IN rarray(?3) AND reversed_by IS NULL",
                params![self.pay_point, period, self.whom.people],
            )?;
            self.mine.paid.insert(period.to_string(), read);
            self.mine.add_unwritten(period);
        }
        Ok((
            self.on_roll[period].contains(code),
            self.mine.paid[period].contains(code),
        ))
    }

    /// How many people other than `code` the proxy `id_card` collected for at the pay point in
    /// `period` (payouts not reversed).
    pub fn proxy_others(
        &mut self,
        tx: &Connection,
        period: &str,
        id_card: &str,
        code: &str,
    ) -> crate::db::Result<usize> {
        asked_of(&self.whom.proxies, id_card)?;
        if !self.mine.proxies.contains_key(period) {
            let rows = tx
                .prepare_cached(
                    "SELECT DISTINCT proxy_id_card, code FROM payouts WHERE pay_point = ?1 AND period = ?2
                     AND proxy_id_card IN rarray(?3) AND reversed_by IS NULL",
                )?
                .query_map(params![self.pay_point, period, self.whom.proxies], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut by_proxy: HashMap<String, HashSet<String>> = HashMap::new();
            for (proxy, code) in rows {
                by_proxy.entry(proxy).or_default().insert(code);
            }
            self.mine.proxies.insert(period.to_string(), by_proxy);
            self.mine.add_unwritten(period);
        }
        let people = self.mine.proxies[period].get(id_card);
        Ok(people.map_or(0, |p| p.len() - usize::from(p.contains(code))))
    }

    /// A payout of the batch, not yet written: the facts read so far, and those read later,
    /// include it.
    pub fn paid(&mut self, row: PayoutRow, speed_window: i64) {
        self.mine.add_recent(&row, speed_window);
        self.mine.add_paid(&row);
        self.mine.unwritten.push(row);
    }

    /// The batch's payouts were written and a reversal may have undone any payout, the batch's
    /// own or an earlier one: what was read of payouts is read again when next needed.
    pub fn payouts_changed(&mut self) {
        self.mine = PaidFacts::default();
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
            let read = self.cache.get(tx, &self.pay_point, period)?;
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
        asked_of(&self.whom.people, code)?;
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
                 AND code IN rarray(?4) AND device <> ?3 AND reversed_by IS NULL",
            )?
            .query_map(
                params![self.pay_point, period, self.device, self.whom.people],
                |r| {
                    let payout = OtherPayout {
                        id: r.get(1)?,
                        device: r.get(2)?,
                    };
                    Ok((r.get::<_, String>(0)?, payout))
                },
            )?
            .collect::<Result<Vec<_>, _>>()?;
        let mut by_code: HashMap<String, Vec<OtherPayout>> = HashMap::new();
        for (code, payout) in rows {
            by_code.entry(code).or_default().push(payout);
        }
        Ok(by_code)
    }
}

/// A fact by person or proxy is read for the batch's own only ([`Whom`]): asked of anyone else
/// it would say "not paid, not on the roll, collected for nobody" wrongly, so the batch fails
/// instead (a fault of ours).
fn asked_of(read_for: &[String], who: &str) -> crate::db::Result<()> {
    if read_for.binary_search_by(|p| p.as_str().cmp(who)).is_ok() {
        return Ok(());
    }
    Err(crate::db::Error::Value(format!(
        "dữ kiện của lô được hỏi cho {who}, người lô không chi"
    )))
}

impl PaidFacts {
    fn add_recent(&mut self, row: &PayoutRow, window: i64) {
        if let Some(recent) = &mut self.recent {
            let at = recent.partition_point(|t| *t > row.paid_at);
            recent.insert(at, row.paid_at.clone());
            recent.truncate(usize::try_from(window).unwrap_or(0));
        }
    }

    fn add_paid(&mut self, row: &PayoutRow) {
        if let Some(paid) = self.paid.get_mut(&row.period) {
            paid.insert(row.code.clone());
        }
        let proxy = row.proxy_id_card.as_deref().filter(|s| !s.is_empty());
        if let (Some(by_proxy), Some(id)) = (self.proxies.get_mut(&row.period), proxy) {
            by_proxy
                .entry(id.to_string())
                .or_default()
                .insert(row.code.clone());
        }
    }

    /// What was just read of `period`, with the batch's unwritten payouts of it.
    fn add_unwritten(&mut self, period: &str) {
        let rows = std::mem::take(&mut self.unwritten);
        for row in rows.iter().filter(|r| r.period == period) {
            self.add_paid(row);
        }
        self.unwritten = rows;
    }
}

/// The codes a query of one column returns.
fn codes(
    tx: &Connection,
    sql: &str,
    params: &[&dyn crate::db::ToValue],
) -> crate::db::Result<HashSet<String>> {
    tx.prepare_cached(sql)?
        .query_map(params, |r| r.get(0))?
        .collect()
}
