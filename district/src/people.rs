//! One pay point as the office looks at it (issue 20): the people of its latest published roll,
//! found as the clerk's search finds them, each paid, unpaid or stopped; the home visits; the
//! versions of its rolls. "Paid" is what the overview counts: a payout of the period not reversed.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::db::{params, OptionalExtension};
use crate::{refused, Hub, HubError};

/// The most people a page lists: a commune's roll fits, a search narrows a larger one.
pub const MAX_LISTED: usize = 500;

/// Where a person stands in the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum Standing {
    /// A payout of the period, not reversed.
    Paid,
    /// Nothing paid yet.
    Unpaid,
    /// A stop is known (death, move, other): not to be paid.
    Stopped(String),
}

/// One person of the roll.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    /// Their code.
    pub code: String,
    /// Their name.
    pub name: String,
    /// Village.
    pub village: String,
    /// Category.
    pub category: String,
    /// Owed in the period, in đồng.
    pub due: i64,
    /// Paid in the period, net of reversals.
    pub paid: i64,
    /// Paid, unpaid or stopped.
    pub standing: Standing,
    /// The authorised proxy on the roll, if any.
    pub proxy: Option<String>,
    /// Paid at home.
    pub home_delivery: bool,
}

/// A home visit a device recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Visit {
    /// Whom.
    pub code: String,
    /// `paid`, `absent`, `hospital`, `deceased`, `moved` or `refused`.
    pub outcome: String,
    /// The clerk's note.
    pub note: String,
    /// The device's local time.
    pub at: String,
}

/// A version of a roll the hub holds.
#[derive(Debug, Clone, Serialize)]
pub struct RollVersion {
    /// The pay point.
    pub pay_point: String,
    /// The period.
    pub period: String,
    /// Its version.
    pub version: i64,
    /// People.
    pub beneficiaries: i64,
    /// Its total, in đồng.
    pub total: i64,
    /// The file it came from.
    pub source: String,
    /// When imported.
    pub imported_at: String,
    /// When published (signed and sent to the devices); `None`: not yet.
    pub published_at: Option<String>,
}

/// What the pay point's page shows.
#[derive(Debug, Clone, Serialize)]
pub struct PayPointView {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The latest published period, if any.
    pub period: Option<String>,
    /// The people found (at most [`MAX_LISTED`]).
    pub people: Vec<Person>,
    /// How many the search found in all.
    pub found: usize,
    /// How many the roll has.
    pub on_roll: usize,
    /// The period's home visits.
    pub visits: Vec<Visit>,
    /// Every roll version, newest first.
    pub rolls: Vec<RollVersion>,
}

impl Hub {
    /// Pay point `code` with the people of its latest published roll that `query` finds.
    pub fn pay_point_view(&self, code: &str, query: &str) -> Result<PayPointView, HubError> {
        let db = self.db()?;
        let name: Option<String> = db
            .query_row("SELECT name FROM pay_points WHERE code = ?1", [code], |r| {
                r.get(0)
            })
            .optional()?;
        let name = name.ok_or_else(|| refused(format!("không có điểm chi trả “{code}”")))?;
        let rolls = roll_versions(&db, Some(code))?;
        let latest: Option<String> = db
            .query_row(
                "SELECT roll FROM rolls WHERE pay_point = ?1 AND published_at IS NOT NULL
                 ORDER BY period DESC, version DESC LIMIT 1",
                [code],
                |r| r.get(0),
            )
            .optional()?;
        let mut view = PayPointView {
            code: code.to_string(),
            name,
            period: None,
            people: Vec::new(),
            found: 0,
            on_roll: 0,
            visits: Vec::new(),
            rolls,
        };
        let Some(json) = latest else {
            return Ok(view);
        };
        let roll: paypoint::roll::Roll = serde_json::from_str(&json).map_err(|e| {
            refused(format!(
                "danh sách đã phát hành của {code} không đọc được: {e}"
            ))
        })?;
        let period = roll.period.to_string();
        let paid = paid_by_person(&db, code, &period)?;
        let stops = stops(&db, code)?;
        let found: Vec<&paypoint::roll::RollEntry> = roll
            .entries
            .iter()
            .filter(|e| paypoint::search::entry_matches(query, roll.period, e))
            .collect();
        view.on_roll = roll.entries.len();
        view.found = found.len();
        view.people = found
            .into_iter()
            .take(MAX_LISTED)
            .map(|e| person(e, &paid, &stops))
            .collect();
        view.visits = visits(&db, code, &period)?;
        view.period = Some(period);
        Ok(view)
    }
}

fn person(
    e: &paypoint::roll::RollEntry,
    paid: &HashMap<String, i64>,
    stops: &HashMap<String, String>,
) -> Person {
    let code = e.code.to_string();
    let paid_amount = paid.get(&code).copied();
    let standing = match (paid_amount, stops.get(&code)) {
        (Some(_), _) => Standing::Paid,
        (None, Some(reason)) => Standing::Stopped(reason.clone()),
        (None, None) => Standing::Unpaid,
    };
    Person {
        name: e.name.clone(),
        village: e.village.clone(),
        category: e.category.clone(),
        due: e.total().map_or(0, |d| d.as_i64()),
        paid: paid_amount.unwrap_or(0),
        standing,
        proxy: e.proxy.as_ref().map(|p| p.name.clone()),
        home_delivery: e.home_delivery,
        code,
    }
}

/// Each person's payouts of the period, net of reversals (a person is in the map once paid).
fn paid_by_person(
    db: &crate::db::Connection,
    pay_point: &str,
    period: &str,
) -> Result<HashMap<String, i64>, HubError> {
    let rows: Vec<(String, i64)> = db
        .prepare_cached(
            "SELECT code, sum(amount) FROM payouts WHERE pay_point = ?1 AND period = ?2
             AND reversed_by IS NULL GROUP BY code",
        )?
        .query_map(params![pay_point, period], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows.into_iter().collect())
}

fn stops(db: &crate::db::Connection, pay_point: &str) -> Result<HashMap<String, String>, HubError> {
    let rows: Vec<(String, String)> = db
        .prepare_cached("SELECT code, reason FROM stops WHERE pay_point = ?1")?
        .query_map([pay_point], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(rows.into_iter().collect())
}

fn visits(
    db: &crate::db::Connection,
    pay_point: &str,
    period: &str,
) -> Result<Vec<Visit>, HubError> {
    let rows = db
        .prepare_cached(
            "SELECT json_extract(payload, '$.code'), json_extract(payload, '$.outcome'),
                    coalesce(json_extract(payload, '$.note'), ''), local_time
             FROM events WHERE pay_point = ?1 AND kind = 'visit'
               AND json_extract(payload, '$.period') = ?2 ORDER BY local_time",
        )?
        .query_map(params![pay_point, period], |r| {
            Ok(Visit {
                code: r.get(0)?,
                outcome: r.get(1)?,
                note: r.get(2)?,
                at: r.get(3)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn roll_versions(
    db: &crate::db::Connection,
    pay_point: Option<&str>,
) -> Result<Vec<RollVersion>, HubError> {
    let rows = db
        .prepare_cached(
            "SELECT period, version, beneficiaries, total, source, imported_at, published_at, pay_point
             FROM rolls WHERE CAST(?1 AS TEXT) IS NULL OR pay_point = ?1
             ORDER BY pay_point, period DESC, version DESC",
        )?
        .query_map([pay_point], |r| {
            Ok(RollVersion {
                period: r.get(0)?,
                version: r.get(1)?,
                beneficiaries: r.get(2)?,
                total: r.get(3)?,
                source: r.get(4)?,
                imported_at: r.get(5)?,
                published_at: r.get(6)?,
                pay_point: r.get(7)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// The people whose lines differ between two versions of a roll: added, removed, changed in
/// amount. For the office's "what changed" before publishing.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RollChanges {
    /// On the newer only: code, name, amount.
    pub added: Vec<(String, String, i64)>,
    /// On the older only.
    pub removed: Vec<(String, String, i64)>,
    /// On both, with a different total: code, name, before, after.
    pub changed: Vec<(String, String, i64, i64)>,
}

impl Hub {
    /// The pay points, code and name, by code.
    pub fn pay_points(&self) -> Result<Vec<(String, String)>, HubError> {
        let db = self.db()?;
        let rows = db
            .prepare_cached("SELECT code, name FROM pay_points ORDER BY code")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Every version of every roll (of one pay point when given), newest first by pay point.
    pub fn roll_versions(&self, pay_point: Option<&str>) -> Result<Vec<RollVersion>, HubError> {
        roll_versions(&*self.db()?, pay_point)
    }

    /// What changed in pay point `code`'s roll of `period` from version `from` to version `to`.
    pub fn roll_changes(
        &self,
        code: &str,
        period: &str,
        from: i64,
        to: i64,
    ) -> Result<RollChanges, HubError> {
        let db = self.db()?;
        let read = |version: i64| -> Result<paypoint::roll::Roll, HubError> {
            let json: Option<String> = db
                .query_row(
                    "SELECT roll FROM rolls WHERE pay_point = ?1 AND period = ?2 AND version = ?3",
                    params![code, period, version],
                    |r| r.get(0),
                )
                .optional()?;
            let json = json.ok_or_else(|| {
                refused(format!(
                    "không có danh sách {code} kỳ {period} phiên bản {version}"
                ))
            })?;
            serde_json::from_str(&json).map_err(|e| refused(e.to_string()))
        };
        let (a, b) = (read(from)?, read(to)?);
        let total = |e: &paypoint::roll::RollEntry| e.total().map_or(0, |d| d.as_i64());
        let old: HashMap<String, &paypoint::roll::RollEntry> =
            a.entries.iter().map(|e| (e.code.to_string(), e)).collect();
        let new_codes: HashSet<String> = b.entries.iter().map(|e| e.code.to_string()).collect();
        let mut changes = RollChanges::default();
        for e in &b.entries {
            match old.get(e.code.as_str()) {
                None => changes
                    .added
                    .push((e.code.to_string(), e.name.clone(), total(e))),
                Some(o) if total(o) != total(e) => {
                    changes
                        .changed
                        .push((e.code.to_string(), e.name.clone(), total(o), total(e)))
                }
                Some(_) => {}
            }
        }
        for e in a
            .entries
            .iter()
            .filter(|e| !new_codes.contains(e.code.as_str()))
        {
            changes
                .removed
                .push((e.code.to_string(), e.name.clone(), total(e)));
        }
        Ok(changes)
    }
}
