//! Proof of life at the hub (issue 12): the office sees every period of every device, so it is
//! the hub that finds a person paid only through a proxy or at home for several periods in a row
//! (the core's rule, [`paypoint::life::unseen_streak`]), holds them "to be confirmed" and tells the
//! pay point; the commune confirms them (`paypoint-district confirm`), which lifts the hold.

use std::collections::HashMap;

use crate::db::{params, Connection, OptionalExtension};
use paypoint::life::{unseen_streak, PeriodSeen};
use paypoint::Period;
use serde::Serialize;

use crate::anomaly::Settings;

/// A person held, or once held, to be confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hold {
    /// The pay point.
    pub pay_point: String,
    /// Beneficiary code.
    pub code: String,
    /// The periods in which the person was not seen at the counter.
    pub periods: Vec<String>,
    /// When the hub raised it.
    pub raised_at: String,
    /// When the office confirmed the person, if it has.
    pub confirmed_at: Option<String>,
    /// The office's note.
    pub note: Option<String>,
}

/// The people of `paid` (codes, each with a period the batch paid) to put on hold now, each with
/// the periods that put them there: not already held, and a run of unseen periods since the last
/// confirmation as long as the office's setting. Two statements for a batch, whatever its size.
pub fn new_holds(
    db: &Connection,
    settings: &Settings,
    pay_point: &str,
    paid: &[(String, Period)],
) -> crate::db::Result<Vec<(String, Vec<Period>)>> {
    let needed = u32::try_from(settings.unseen_periods_before_confirm).unwrap_or(u32::MAX);
    let Some(earliest) = paid.iter().map(|(_, p)| *p).min() else {
        return Ok(Vec::new());
    };
    if needed == 0 {
        return Ok(Vec::new());
    }
    let mut codes: Vec<String> = paid.iter().map(|(c, _)| c.clone()).collect();
    codes.sort_unstable();
    codes.dedup();
    // Only the batch's people are read: a pay point's whole window would be hundreds of people
    // over three months at every push (issue 19).
    let holds: HashMap<String, (bool, Option<String>)> = db
        .prepare_cached(
            "SELECT code, count(*) FILTER (WHERE confirmed_at IS NULL) > 0, max(confirmed_through)
             FROM life_holds WHERE pay_point = ?1 AND code IN rarray(?2) GROUP BY code",
        )?
        .query_map(params![pay_point, codes], |r| {
            Ok((r.get(0)?, (r.get(1)?, r.get(2)?)))
        })?
        .collect::<Result<_, _>>()?;
    let history = history_since(db, pay_point, &codes, window_start(earliest, needed))?;
    let mut out = Vec::new();
    for code in codes.iter().map(String::as_str) {
        let (open, confirmed) = holds.get(code).cloned().unwrap_or_default();
        if open {
            continue;
        }
        let confirmed = confirmed.and_then(|c| c.parse().ok());
        let seen = history.get(code).map_or(&[][..], Vec::as_slice);
        // The window holds the whole run when the person's latest period paid is in it at or
        // after `earliest`; else (the batch's payout reversed, a run over a century) all of it.
        let whole = needed <= WINDOW_MAX && seen.iter().any(|p| p.period >= earliest);
        let all;
        let seen = if whole {
            seen
        } else {
            all = periods_of(db, pay_point, code)?;
            &all[..]
        };
        if let Some(periods) = unseen_streak(seen, confirmed, needed) {
            out.push((code.to_string(), periods));
        }
    }
    Ok(out)
}

/// The longest run read through a window: a century of months.
const WINDOW_MAX: u32 = 1200;

/// The first period the rule can look at for a person whose latest period paid is `earliest` or
/// later: the run it looks for ends there and is `needed` periods long.
fn window_start(earliest: Period, needed: u32) -> Period {
    (1..needed.min(WINDOW_MAX)).fold(earliest, |p, _| p.prev())
}

/// Every period `code` was paid in (not reversed), each once.
fn periods_of(db: &Connection, pay_point: &str, code: &str) -> crate::db::Result<Vec<PeriodSeen>> {
    let rows = db
        .prepare_cached(
            "SELECT period, max(CASE WHEN proxy_id_card IS NULL AND at_home = 0 THEN 1 ELSE 0 END) FROM payouts
             WHERE pay_point = ?1 AND code = ?2 AND reversed_by IS NULL GROUP BY period",
        )?
        .query_map(params![pay_point, code], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?))
        })?;
    let mut out = Vec::new();
    for row in rows {
        let (period, at_counter) = row?;
        // Periods were parsed from typed payloads when the payouts were stored.
        if let Ok(period) = period.parse() {
            out.push(PeriodSeen { period, at_counter });
        }
    }
    Ok(out)
}

/// The pay point's payouts (not reversed) from `from` on, as the rule reads them: by code, each
/// period once, seen at the counter if any payout of it was.
fn history_since(
    db: &Connection,
    pay_point: &str,
    codes: &[String],
    from: Period,
) -> crate::db::Result<HashMap<String, Vec<PeriodSeen>>> {
    let rows = db
        .prepare_cached(
            "SELECT code, period, max(CASE WHEN proxy_id_card IS NULL AND at_home = 0 THEN 1 ELSE 0 END) FROM payouts
             WHERE pay_point = ?1 AND code IN rarray(?3) AND period >= ?2 AND reversed_by IS NULL
             GROUP BY code, period",
        )?
        .query_map(params![pay_point, from.to_string(), codes], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, bool>(2)?))
        })?;
    let mut out: HashMap<String, Vec<PeriodSeen>> = HashMap::new();
    for row in rows {
        let (code, period, at_counter) = row?;
        // Periods were parsed from typed payloads when the payouts were stored.
        if let Ok(period) = period.parse() {
            out.entry(code)
                .or_default()
                .push(PeriodSeen { period, at_counter });
        }
    }
    Ok(out)
}

/// Records a hold whose amendment is `amendment`.
pub fn record_hold(
    db: &Connection,
    pay_point: &str,
    code: &str,
    periods: &[Period],
    amendment: u64,
    at: &str,
) -> crate::db::Result<()> {
    let text = periods
        .iter()
        .map(Period::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    db.prepare_cached(
        "INSERT INTO life_holds (pay_point, code, periods, raised_at, amendment) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![pay_point, code, text, at, amendment])?;
    Ok(())
}

/// The open hold's id on `code`, if any.
pub fn open_hold(db: &Connection, pay_point: &str, code: &str) -> crate::db::Result<Option<i64>> {
    db.prepare_cached(
        "SELECT id FROM life_holds WHERE pay_point = ?1 AND code = ?2 AND confirmed_at IS NULL",
    )?
    .query_row(params![pay_point, code], |r| r.get(0))
    .optional()
}

/// Marks hold `id` confirmed: the next run counts from after the latest period paid.
pub fn record_confirmation(
    db: &Connection,
    id: i64,
    note: &str,
    amendment: u64,
    at: &str,
) -> crate::db::Result<()> {
    db.prepare_cached(
        "UPDATE life_holds SET confirmed_at = ?1, note = ?2, confirmed_amendment = ?3,
             confirmed_through = (SELECT max(p.period) FROM payouts p
                                  WHERE p.pay_point = life_holds.pay_point AND p.code = life_holds.code)
         WHERE id = ?4",
    )?
    .execute(params![at, note, amendment, id])?;
    Ok(())
}

/// Holds of one pay point or all, the open ones first; confirmed ones only when `all`.
pub fn holds(db: &Connection, pay_point: Option<&str>, all: bool) -> crate::db::Result<Vec<Hold>> {
    let mut stmt = db.prepare_cached(
        "SELECT pay_point, code, periods, raised_at, confirmed_at, note FROM life_holds
         WHERE (CAST(?1 AS TEXT) IS NULL OR pay_point = ?1) AND (?2 OR confirmed_at IS NULL)
         ORDER BY confirmed_at IS NOT NULL, pay_point, code, id",
    )?;
    let rows = stmt.query_map(params![pay_point, all], |r| {
        Ok(Hold {
            pay_point: r.get(0)?,
            code: r.get(1)?,
            periods: r
                .get::<_, String>(2)?
                .split_whitespace()
                .map(str::to_string)
                .collect(),
            raised_at: r.get(3)?,
            confirmed_at: r.get(4)?,
            note: r.get(5)?,
        })
    })?;
    rows.collect()
}
