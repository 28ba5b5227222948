//! Proof of life (xác minh còn sống). A beneficiary paid only through a proxy or at home, never
//! seen at the counter, for several periods in a row may have died without anyone reporting it:
//! that is how the money kept flowing in the cases the press reported. The managing office, which
//! sees every period and every device, finds them ([`unseen_streak`]) and puts them on hold "to be
//! confirmed" (chờ xác minh); the pay point still pays them — old and ill people are never refused
//! because a check failed — but only with a supervisor's PIN and a note, and the office's
//! confirmation lifts the hold. Holds and confirmations arrive as signed amendments from the hub.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::event::{payload, EventPayload};
use crate::ledger::{LedgerError, Writer};
use crate::model::BeneficiaryCode;
use crate::period::Period;

/// Periods in a row without the person seen at the counter before the office is asked to
/// confirm: a quarter, the rhythm of the commune's own checks of the list.
pub const DEFAULT_UNSEEN_PERIODS: u32 = 3;

/// How one period's payouts to a person were made, as the rule reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodSeen {
    /// The period.
    pub period: Period,
    /// True when at least one payout of the period was to the person, at the counter.
    pub at_counter: bool,
}

/// The rule: the periods of the latest unbroken run of `needed` consecutive paid periods in which
/// the person was never seen at the counter, counting only periods after the office's last
/// confirmation; `None` when there is no such run (or `needed` is 0: the check is off).
/// `history` is every period in which the person was paid, in any order.
pub fn unseen_streak(
    history: &[PeriodSeen],
    confirmed_through: Option<Period>,
    needed: u32,
) -> Option<Vec<Period>> {
    if needed == 0 {
        return None;
    }
    let mut h: Vec<PeriodSeen> = history
        .iter()
        .copied()
        .filter(|p| confirmed_through.is_none_or(|c| p.period > c))
        .collect();
    h.sort_by_key(|p| p.period);
    h.dedup_by(|b, a| {
        // One entry per period: seen if any payout of it was at the counter.
        let same = a.period == b.period;
        if same {
            a.at_counter |= b.at_counter;
        }
        same
    });
    let mut run: Vec<Period> = Vec::new();
    for p in h.iter().rev() {
        let consecutive = run.last().is_none_or(|later| p.period.next() == *later);
        if p.at_counter || !consecutive {
            break;
        }
        run.push(p.period);
        if run.len() == needed as usize {
            run.reverse();
            return Some(run);
        }
    }
    None
}

/// A hold on a beneficiary, as the card shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LifeHoldView {
    /// The periods in which the person was not seen at the counter.
    pub periods: Vec<String>,
}

impl LifeHoldView {
    /// What the card and the payment dialog say, in Vietnamese.
    pub fn message_vi(&self) -> String {
        format!(
            "Chờ xác minh: {} kỳ liền ({}) chỉ chi qua người nhận thay hoặc tại nhà, chưa gặp tại quầy. Vẫn chi trả được, nhưng cần mã PIN của giám sát viên và ghi chú (đã gặp ai, giấy tờ gì); phòng quản lý sẽ xác minh",
            self.periods.len(),
            self.periods.join(", ")
        )
    }
}

/// The open hold on a beneficiary, if any.
pub(crate) fn hold_of(
    conn: &Connection,
    code: &BeneficiaryCode,
) -> Result<Option<LifeHoldView>, LedgerError> {
    let periods: Option<String> = conn
        .prepare_cached("SELECT periods FROM life_holds WHERE code = ?1 AND cleared_seq IS NULL")?
        .query_row([code.as_str()], |r| r.get(0))
        .optional()?;
    Ok(periods.map(|p| LifeHoldView {
        periods: p.split_whitespace().map(str::to_string).collect(),
    }))
}

// Amendments from the hub arrive through the sync client, which only device builds have.
#[cfg_attr(not(feature = "device"), allow(dead_code))]
/// Records a hold from the hub inside an open write transaction, unless one is already open.
/// Returns the event's sequence.
pub(crate) fn hold_in(
    w: &Writer<'_>,
    amendment: u64,
    code: &BeneficiaryCode,
    periods: Vec<Period>,
) -> Result<Option<u64>, LedgerError> {
    if hold_of(&w.tx, code)?.is_some() {
        return Ok(None);
    }
    let text = periods
        .iter()
        .map(Period::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    let ev = w.append(
        None,
        EventPayload::LifeHold(payload::LifeHold {
            code: code.to_string(),
            periods,
            amendment,
        }),
    )?;
    w.tx.prepare_cached("INSERT INTO life_holds (code, periods, event_seq) VALUES (?1, ?2, ?3)")?
        .execute(params![code.as_str(), text, ev.seq])?;
    Ok(Some(ev.seq))
}

// Amendments from the hub arrive through the sync client, which only device builds have.
#[cfg_attr(not(feature = "device"), allow(dead_code))]
/// Records the office's confirmation inside an open write transaction: the open hold, if any, is
/// cleared. Recorded even without a hold (the office may confirm before the device heard of it).
pub(crate) fn confirm_in(
    w: &Writer<'_>,
    amendment: u64,
    code: &BeneficiaryCode,
    note: &str,
) -> Result<u64, LedgerError> {
    let ev = w.append(
        None,
        EventPayload::LifeConfirmed(payload::LifeConfirmed {
            code: code.to_string(),
            note: crate::text::clean(note),
            amendment,
        }),
    )?;
    w.tx.prepare_cached(
        "UPDATE life_holds SET cleared_seq = ?1 WHERE code = ?2 AND cleared_seq IS NULL",
    )?
    .execute(params![ev.seq, code.as_str()])?;
    Ok(ev.seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Period {
        s.parse().unwrap()
    }

    fn seen(s: &str, at_counter: bool) -> PeriodSeen {
        PeriodSeen {
            period: p(s),
            at_counter,
        }
    }

    #[test]
    fn three_periods_in_a_row_by_proxy_make_a_streak() {
        let h = [
            seen("2026-07", true),
            seen("2026-08", false),
            seen("2026-09", false),
            seen("2026-10", false),
        ];
        assert_eq!(
            unseen_streak(&h, None, 3),
            Some(vec![p("2026-08"), p("2026-09"), p("2026-10")])
        );
    }

    #[test]
    fn a_visit_to_the_counter_a_gap_or_a_confirmation_breaks_the_run() {
        let counter = [
            seen("2026-08", false),
            seen("2026-09", true),
            seen("2026-10", false),
        ];
        assert_eq!(unseen_streak(&counter, None, 3), None);
        // Seen at the counter in a period also paid by proxy: seen.
        let both = [
            seen("2026-08", false),
            seen("2026-09", false),
            seen("2026-09", true),
            seen("2026-10", false),
        ];
        assert_eq!(unseen_streak(&both, None, 3), None);
        let gap = [
            seen("2026-06", false),
            seen("2026-07", false),
            seen("2026-09", false),
            seen("2026-10", false),
        ];
        assert_eq!(unseen_streak(&gap, None, 3), None);
        let all = [
            seen("2026-08", false),
            seen("2026-09", false),
            seen("2026-10", false),
        ];
        assert_eq!(unseen_streak(&all, Some(p("2026-08")), 3), None);
        assert_eq!(unseen_streak(&all, None, 0), None, "0 turns the check off");
    }
}
