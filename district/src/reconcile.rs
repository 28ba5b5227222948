//! Every payout line checked against the rolls the managing office published (issue 12): the
//! office's signed roll is the only truth about who is owed what, whatever roll the device paid
//! from (its own file before it enrolled, an old version, an edited ledger). A line that does not
//! match is a fact to check or recover, flagged with the amount at stake, never refused.

use crate::db::{params, Connection, OptionalExtension};
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

/// Records the people and lines of a version being published.
pub fn record_published_lines(
    tx: &Connection,
    pay_point: &str,
    version: u32,
    roll: &Roll,
) -> crate::db::Result<()> {
    let mut ins = tx.prepare_cached(
        "INSERT INTO roll_lines (pay_point, period, version, code, kind, amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let period = roll.period.to_string();
    let mut people = tx.prepare_cached(
        "INSERT INTO roll_people (pay_point, period, version, code, birth_year, proxy_id_card, proxy_valid_until)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for e in &roll.entries {
        people.execute(params![
            pay_point,
            period,
            version,
            e.code.as_str(),
            e.birth_year,
            e.proxy.as_ref().map(|p| p.id_card.as_str()),
            e.proxy.as_ref().map(|p| p.valid_until.to_string())
        ])?;
        for l in &e.lines {
            ins.execute(params![
                pay_point,
                period,
                version,
                e.code.as_str(),
                l.kind.as_str(),
                l.amount.as_i64()
            ])?;
        }
    }
    Ok(())
}

/// Checks one paid line of `code` in `period`, paid at the device's time `paid_at`.
pub fn check_line(
    tx: &Connection,
    pay_point: &str,
    period: &str,
    code: &str,
    line: &PaidLine,
    paid_at: &str,
) -> crate::db::Result<Option<Finding>> {
    let paid = line.amount.as_i64();
    let kind = line.kind.map(|k| k.as_str());
    let versions: Vec<(u32, String)> = tx
        .prepare_cached(
            "SELECT version, published_at FROM rolls WHERE pay_point = ?1 AND period = ?2
             AND published_at IS NOT NULL ORDER BY version",
        )?
        .query_map(params![pay_point, period], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let Some((latest, _)) = versions.last() else {
        return Ok(Some(Finding {
            kind: NOT_ON_ROLL,
            amount: paid,
            detail: format!(
                "chi {paid} đ cho {code} kỳ {period} nhưng đơn vị quản lý chưa công bố danh sách kỳ này: kiểm tra và thu hồi"
            ),
        }));
    };
    // A device before line kinds were sent matches a line of any kind.
    let has = |version: u32| -> crate::db::Result<bool> {
        tx.prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM roll_lines WHERE pay_point = ?1 AND period = ?2 AND version = ?3
             AND code = ?4 AND (CAST(?5 AS TEXT) IS NULL OR kind = ?5) AND amount = ?6)",
        )?
        .query_row(params![pay_point, period, version, code, kind, paid], |r| r.get(0))
    };
    if has(*latest)? {
        return Ok(None);
    }
    if let Some(i) = versions.iter().rposition(|(v, _)| has(*v).unwrap_or(false)) {
        // On version i, dropped by version i + 1: owed until that version was published.
        let (dropped_by, published_at) = &versions[i + 1];
        if !paid_after(paid_at, published_at) {
            return Ok(None);
        }
        return Ok(Some(Finding {
            kind: LINE_WITHDRAWN,
            amount: paid,
            detail: format!(
                "chi {paid} đ cho {code} kỳ {period}: khoản này đã bị rút khỏi danh sách từ phiên bản {dropped_by} (công bố {published_at}) trước khi chi: kiểm tra và thu hồi"
            ),
        }));
    }
    let published: Option<i64> = tx
        .prepare_cached(
            "SELECT amount FROM roll_lines WHERE pay_point = ?1 AND period = ?2 AND version = ?3
             AND code = ?4 AND (CAST(?5 AS TEXT) IS NULL OR kind = ?5) ORDER BY amount DESC LIMIT 1",
        )?
        .query_row(params![pay_point, period, latest, code, kind], |r| r.get(0))
        .optional()?;
    Ok(Some(match published {
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
    }))
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
