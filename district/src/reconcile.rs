//! Every payout line checked against the rolls the managing office published (issue 12): the
//! office's signed roll is the only truth about who is owed what, whatever roll the device paid
//! from (its own file before it enrolled, an old version, an edited ledger). A line that does not
//! match is a fact to check or recover, flagged with the amount at stake, never refused.

use std::collections::HashMap;
use std::sync::Arc;

use crate::db::{params, Connection, Existing, Params};
use paypoint::event::payload::PaidLine;
use paypoint::roll::Roll;

/// A payout line not on any published version.
pub const NOT_ON_ROLL: &str = "not_on_roll";
/// A payout line whose amount is not the published one.
pub const AMOUNT_DIFFERS: &str = "amount_differs";
/// A payout line the office had withdrawn (a later version dropped it) before it was paid.
pub const LINE_WITHDRAWN: &str = "line_withdrawn";
/// The flag kinds of this check: their amounts are what the settlement sets apart from the
/// amount paid as the roll says.
pub const KINDS: [&str; 3] = [NOT_ON_ROLL, AMOUNT_DIFFERS, LINE_WITHDRAWN];

/// What is wrong with one payout line, and how much of it is at stake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// One of [`KINDS`].
    pub kind: &'static str,
    /// The part of the line's amount that the published roll does not back.
    pub amount: i64,
    /// In words, for the office.
    pub detail: String,
}

/// Records the people and lines of a version being published: two statements, whatever the
/// roll's length (on PostgreSQL one round trip each; a roll of 500 people was 1.100).
pub fn record_published_lines(
    tx: &Connection,
    pay_point: &str,
    version: u32,
    roll: &Roll,
) -> crate::db::Result<()> {
    let period = roll.period.to_string();
    let mut people = Vec::with_capacity(roll.entries.len() * 7);
    let mut lines = Vec::new();
    for e in &roll.entries {
        let proxy = e.proxy.as_ref();
        people.extend(
            params![
                pay_point,
                period,
                version,
                e.code.as_str(),
                e.birth_year,
                proxy.map(|p| p.id_card.as_str()),
                proxy.map(|p| p.valid_until.to_string())
            ]
            .values()?,
        );
        for l in &e.lines {
            lines.extend(
                params![
                    pay_point,
                    period,
                    version,
                    e.code.as_str(),
                    l.kind.as_str(),
                    l.amount.as_i64()
                ]
                .values()?,
            );
        }
    }
    tx.insert_rows(
        "roll_people (pay_point, period, version, code, birth_year, proxy_id_card, proxy_valid_until)",
        7,
        people,
        Existing::Refused,
    )?;
    tx.insert_rows(
        "roll_lines (pay_point, period, version, code, kind, amount)",
        6,
        lines,
        Existing::Refused,
    )?;
    Ok(())
}

/// A person as the office's latest version of a period has them: what the anomaly checks read.
#[derive(Debug, Clone, Default)]
pub struct OnRoll {
    /// Their year of birth, when the roll gives it.
    pub birth_year: Option<i64>,
    /// Until when their proxy's authorisation holds (`YYYY-MM-DD`), when they have one.
    pub proxy_valid_until: Option<String>,
}

/// What the office published for one pay point and period: its versions, each version's lines
/// and the people on it. Read once for a batch (three statements, whatever the batch's size), so
/// that checking a line costs no statement: nothing the batch does changes it, and a publication
/// waits for the whole-store writer lock that a batch's ingest holds shared.
#[derive(Debug, Default)]
pub struct Published {
    /// The published versions and when, oldest first.
    versions: Vec<(u32, String)>,
    /// Each version's lines of each code: (kind, amount).
    lines: HashMap<(u32, String), Vec<(String, i64)>>,
    /// Each code's person, as its latest version says.
    people: HashMap<String, OnRoll>,
}

/// How many pay points' periods a hub node keeps read ([`PublishedCache`]): a province's pay
/// points at their payday, in some tens of MiB; a nation's hub reads the other rolls at each batch
/// as before, and stays within its 200 MiB a node.
pub const PUBLISHED_KEPT: usize = 256;

/// A pay point's code and a period.
type PayPointPeriod = (String, String);

/// The published rolls a hub node has read, kept between batches: a pay point's roll is the same
/// for every batch of its month, and reading it whole (two statements over every line and person)
/// was the largest part of a push after the writes. A published version's lines and people never
/// change (recorded once, in the transaction that publishes it), so the list of published versions
/// says whether what is kept is still what the store holds: it is read at each batch, in the
/// batch's transaction, and a roll published since (on this node or another) is read again.
#[derive(Default)]
pub struct PublishedCache {
    /// By (pay point, period): what was read, and when it was last used (for eviction).
    kept: std::sync::Mutex<HashMap<PayPointPeriod, (Arc<Published>, u64)>>,
    /// A counter of uses, for the least recently used.
    uses: std::sync::atomic::AtomicU64,
}

impl PublishedCache {
    /// What the office published for `pay_point` and `period`, as the store holds it in `tx`.
    pub fn get(
        &self,
        tx: &Connection,
        pay_point: &str,
        period: &str,
    ) -> crate::db::Result<Arc<Published>> {
        let versions = Published::versions(tx, pay_point, period)?;
        let key = (pay_point.to_string(), period.to_string());
        let use_ = self.uses.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((p, used)) = kept.get_mut(&key).filter(|(p, _)| p.versions == versions) {
            *used = use_;
            return Ok(p.clone());
        }
        // Read without the cache locked: other pay points' batches go on meanwhile.
        drop(kept);
        let read = Arc::new(Published::load(tx, pay_point, period, versions)?);
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= PUBLISHED_KEPT && !kept.contains_key(&key) {
            let oldest = kept
                .iter()
                .min_by_key(|(_, (_, u))| *u)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                kept.remove(&k);
            }
        }
        kept.insert(key, (read.clone(), use_));
        Ok(read)
    }
}

impl Published {
    /// The published versions of `pay_point`'s `period` and when, oldest first.
    fn versions(
        tx: &Connection,
        pay_point: &str,
        period: &str,
    ) -> crate::db::Result<Vec<(u32, String)>> {
        tx.prepare_cached(
            "SELECT version, published_at FROM rolls WHERE pay_point = ?1 AND period = ?2
             AND published_at IS NOT NULL ORDER BY version",
        )?
        .query_map(params![pay_point, period], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
    }

    /// Reads the lines and people of `pay_point`'s `period` (whose published versions are
    /// `versions`).
    fn load(
        tx: &Connection,
        pay_point: &str,
        period: &str,
        versions: Vec<(u32, String)>,
    ) -> crate::db::Result<Published> {
        let mut lines: HashMap<(u32, String), Vec<(String, i64)>> = HashMap::new();
        let rows = tx
            .prepare_cached(
                "SELECT version, code, kind, amount FROM roll_lines WHERE pay_point = ?1 AND period = ?2",
            )?
            .query_map(params![pay_point, period], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<Result<Vec<(u32, String, String, i64)>, _>>()?;
        for (version, code, kind, amount) in rows {
            lines
                .entry((version, code))
                .or_default()
                .push((kind, amount));
        }
        // Oldest version first: the latest one's values stay.
        let people = tx
            .prepare_cached(
                "SELECT code, birth_year, proxy_valid_until FROM roll_people WHERE pay_point = ?1
                 AND period = ?2 ORDER BY version",
            )?
            .query_map(params![pay_point, period], |r| {
                let person = OnRoll {
                    birth_year: r.get(1)?,
                    proxy_valid_until: r.get(2)?,
                };
                Ok((r.get(0)?, person))
            })?
            .collect::<Result<_, _>>()?;
        Ok(Published {
            versions,
            lines,
            people,
        })
    }

    /// `code` as the latest version holding them says (nothing known when no version does).
    pub fn person(&self, code: &str) -> OnRoll {
        self.people.get(code).cloned().unwrap_or_default()
    }

    /// The amounts of `code`'s lines of `kind` (any kind when the device did not say) on `version`.
    fn amounts<'a>(
        &'a self,
        version: u32,
        code: &str,
        kind: Option<&'a str>,
    ) -> impl Iterator<Item = i64> + 'a {
        self.lines
            .get(&(version, code.to_string()))
            .into_iter()
            .flatten()
            .filter(move |(k, _)| kind.is_none_or(|want| want == k.as_str()))
            .map(|(_, a)| *a)
    }
}

/// Checks one paid line of `code` in `period`, paid at the device's time `paid_at`, against what
/// the office published for the period.
pub fn check_line(
    published: &Published,
    period: &str,
    code: &str,
    line: &PaidLine,
    paid_at: &str,
) -> Option<Finding> {
    let paid = line.amount.as_i64();
    let kind = line.kind.map(|k| k.as_str());
    let versions = &published.versions;
    let Some((latest, _)) = versions.last() else {
        return Some(Finding {
            kind: NOT_ON_ROLL,
            amount: paid,
            detail: format!(
                "chi {paid} đ cho {code} kỳ {period} nhưng đơn vị quản lý chưa công bố danh sách kỳ này: kiểm tra và thu hồi"
            ),
        });
    };
    // A device before line kinds were sent matches a line of any kind.
    let has = |version: u32| published.amounts(version, code, kind).any(|a| a == paid);
    if has(*latest) {
        return None;
    }
    if let Some(i) = versions.iter().rposition(|(v, _)| has(*v)) {
        // On version i, dropped by version i + 1: owed until that version was published.
        let (dropped_by, published_at) = &versions[i + 1];
        if !paid_after(paid_at, published_at) {
            return None;
        }
        return Some(Finding {
            kind: LINE_WITHDRAWN,
            amount: paid,
            detail: format!(
                "chi {paid} đ cho {code} kỳ {period}: khoản này đã bị rút khỏi danh sách từ phiên bản {dropped_by} (công bố {published_at}) trước khi chi: kiểm tra và thu hồi"
            ),
        });
    }
    let published = published.amounts(*latest, code, kind).max();
    Some(match published {
        Some(owed) => Finding {
            kind: AMOUNT_DIFFERS,
            // Paying less than owed loses no money but short-changes the person: flagged too,
            // with nothing to recover.
            amount: (paid - owed).max(0),
            detail: format!(
                "chi {paid} đ cho {code} kỳ {period} nhưng danh sách của đơn vị quản lý ghi {owed} đ (chênh {} đ): kiểm tra",
                paid - owed
            ),
        },
        None => Finding {
            kind: NOT_ON_ROLL,
            amount: paid,
            detail: format!(
                "chi {paid} đ cho {code} kỳ {period}: khoản này không có trong danh sách nào đơn vị quản lý đã công bố: kiểm tra và thu hồi"
            ),
        },
    })
}

/// True when the device's time of payment is at or after the hub's time of publication. A time
/// that cannot be read counts as after: the office checks it.
fn paid_after(paid_at: &str, published_at: &str) -> bool {
    use chrono::DateTime;
    match (
        DateTime::parse_from_rfc3339(paid_at),
        DateTime::parse_from_rfc3339(published_at),
    ) {
        (Ok(p), Ok(w)) => p >= w,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paypoint::roll::LineKind;
    use paypoint::Dong;

    /// Person A's monthly line of 2.000.000 đ on version 1 (published at 08:00), dropped by
    /// version 2 (published at 10:00).
    fn dropped_at_ten() -> Published {
        let line = ("monthly".to_string(), 2_000_000);
        Published {
            versions: vec![
                (1, "2026-12-01T08:00:00+07:00".into()),
                (2, "2026-12-01T10:00:00+07:00".into()),
            ],
            lines: HashMap::from([((1, "A".into()), vec![line])]),
            people: HashMap::new(),
        }
    }

    fn paid(amount: i64, kind: Option<LineKind>) -> PaidLine {
        PaidLine {
            line: 1,
            amount: Dong::new(amount).unwrap(),
            kind,
        }
    }

    #[test]
    fn a_line_paid_before_the_version_that_dropped_it_was_published_is_owed() {
        let p = dropped_at_ten();
        let line = paid(2_000_000, Some(LineKind::Monthly));
        assert_eq!(
            check_line(&p, "2026-12", "A", &line, "2026-12-01T09:59:00+07:00"),
            None
        );
        let late = check_line(&p, "2026-12", "A", &line, "2026-12-01T10:00:00+07:00").unwrap();
        assert_eq!((late.kind, late.amount), (LINE_WITHDRAWN, 2_000_000));
    }

    #[test]
    fn a_line_without_its_kind_matches_a_line_of_any_kind_and_a_wrong_kind_matches_none() {
        let mut p = dropped_at_ten();
        p.lines
            .insert((2, "A".into()), vec![("monthly".into(), 2_000_000)]);
        let at = "2026-12-01T11:00:00+07:00";
        assert_eq!(
            check_line(&p, "2026-12", "A", &paid(2_000_000, None), at),
            None
        );
        let other = check_line(
            &p,
            "2026-12",
            "A",
            &paid(2_000_000, Some(LineKind::Funeral)),
            at,
        );
        assert_eq!(other.unwrap().kind, NOT_ON_ROLL);
        let more = check_line(&p, "2026-12", "A", &paid(2_500_000, None), at).unwrap();
        assert_eq!((more.kind, more.amount), (AMOUNT_DIFFERS, 500_000));
    }

    #[test]
    fn nothing_published_for_the_period_makes_every_line_not_on_roll() {
        let f = check_line(&Published::default(), "2026-12", "A", &paid(1, None), "").unwrap();
        assert_eq!((f.kind, f.amount), (NOT_ON_ROLL, 1));
    }
}
