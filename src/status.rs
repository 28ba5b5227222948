//! Where the pay point stands (the Today screen, `paypoint status`), and the close of a period
//! (chốt kỳ) that freezes it.

use rusqlite::params;
use serde::Serialize;
use uuid::Uuid;

use crate::clerk::SignedIn;
use crate::event::{payload, EventPayload};
use crate::ledger::{Ledger, LedgerError};
use crate::money::Dong;
use crate::period::Period;

impl Ledger {
    /// Closes the open period (chốt kỳ): from this commit on, no payout or reversal may be recorded
    /// in it. Returns the period closed.
    pub fn close_period(&mut self, by: &SignedIn) -> Result<Period, LedgerError> {
        let period = self.require_open_period()?;
        let status = self.status()?;
        self.write(|w| {
            let ev = w.append(
                Some(by.id()),
                EventPayload::PeriodClosed(payload::PeriodClosed {
                    period,
                    total_due: status.total_due,
                    paid_amount: status.paid_amount,
                    unpaid_amount: status.unpaid_amount,
                    cash_on_hand: status.cash_on_hand,
                }),
            )?;
            w.tx.prepare_cached("INSERT INTO period_closes (period, event_seq) VALUES (?1, ?2)")?
                .execute(params![period.to_string(), ev.seq])?;
            Ok::<_, LedgerError>(period)
        })
    }

    /// The pay point's position for the open period.
    pub fn status(&self) -> Result<Status, LedgerError> {
        let period = self.open_period()?;
        let events = self.event_count()?;
        let cash_on_hand = self.cash_on_hand()?;
        let Some(period) = period else {
            return Ok(Status {
                pay_point_code: self.device().pay_point_code.clone(),
                pay_point_name: self.device().pay_point_name.clone(),
                device: self.device().id,
                period: None,
                roll_version: None,
                demo: false,
                roll_origin: None,
                beneficiaries: 0,
                paid_beneficiaries: 0,
                lines: 0,
                total_due: Dong::ZERO,
                paid_lines: 0,
                paid_amount: Dong::ZERO,
                unpaid_amount: Dong::ZERO,
                stopped_amount: Dong::ZERO,
                by_account: crate::account::AccountShare::default(),
                cash_on_hand,
                events,
            });
        };
        let p = period.to_string();
        let (roll_version, demo, origin): (u32, bool, Option<String>) = self.conn.prepare_cached(
            "SELECT r.version, r.is_demo, o.origin FROM rolls r LEFT JOIN roll_origins o ON o.roll_id = r.id
             WHERE r.period = ?1 ORDER BY r.version DESC LIMIT 1",
        )?.query_row(
            [&p],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        let roll_origin = origin.as_deref().and_then(crate::model::RollOrigin::parse);
        let (lines, total_due, paid_lines, paid_amount, stopped_amount, by_account) =
            live_pass(&self.conn, &p)?;
        let beneficiaries: u64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM beneficiaries WHERE period = ?1")?
            .query_row([&p], |r| r.get(0))?;
        let paid_beneficiaries: u64 = self.conn.prepare_cached("SELECT count(DISTINCT p.beneficiary_id) FROM payouts p JOIN beneficiaries b ON b.id = p.beneficiary_id
             WHERE b.period = ?1 AND p.id NOT IN (SELECT payout_id FROM reversals)")?.query_row(
            [&p],
            |r| r.get(0),
        )?;
        let total_due = Dong::new(total_due)?;
        let paid_amount = Dong::new(paid_amount)?;
        Ok(Status {
            pay_point_code: self.device().pay_point_code.clone(),
            pay_point_name: self.device().pay_point_name.clone(),
            device: self.device().id,
            period: Some(period),
            roll_version: Some(roll_version),
            demo,
            roll_origin,
            beneficiaries,
            paid_beneficiaries,
            lines,
            total_due,
            paid_lines,
            paid_amount,
            unpaid_amount: total_due.checked_sub(paid_amount)?,
            stopped_amount: Dong::new(stopped_amount)?,
            by_account,
            cash_on_hand,
            events,
        })
    }
}

/// What one pass over a period's live lines adds up: lines, owed, lines paid, paid, stopped and
/// unpaid, and the share the office pays by bank account.
type LivePass = (u64, i64, u64, i64, i64, crate::account::AccountShare);

/// The one pass over the period's live lines, each tagged paid / stopped / by account.
fn live_pass(conn: &rusqlite::Connection, p: &str) -> Result<LivePass, LedgerError> {
    let mut stmt = conn.prepare_cached(
        "WITH live AS (
            SELECT beneficiary_id, amount, paid_by IS NOT NULL AS paid, stopped, by_account
            FROM line_state WHERE period = ?1 AND live)
         SELECT count(*), coalesce(sum(amount), 0),
                coalesce(sum(paid), 0), coalesce(sum(CASE WHEN paid THEN amount ELSE 0 END), 0),
                coalesce(sum(CASE WHEN stopped AND NOT paid THEN amount ELSE 0 END), 0),
                count(DISTINCT beneficiary_id),
                count(DISTINCT CASE WHEN by_account AND NOT paid THEN beneficiary_id END),
                coalesce(sum(CASE WHEN by_account AND NOT paid THEN amount ELSE 0 END), 0)
         FROM live",
    )?;
    type Row = (u64, i64, u64, i64, i64, u64, u64, i64);
    let (lines, total_due, paid_lines, paid_amount, stopped, people, by_people, by_amount): Row =
        stmt.query_row([p], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })?;
    let share = crate::account::AccountShare {
        people,
        by_account_people: by_people,
        amount: Dong::new(total_due)?,
        by_account_amount: Dong::new(by_amount)?,
    };
    Ok((lines, total_due, paid_lines, paid_amount, stopped, share))
}

/// Where the pay point stands: the numbers of the Today screen and of `paypoint status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Status {
    /// Pay point code.
    pub pay_point_code: String,
    /// Pay point name.
    pub pay_point_name: String,
    /// This device.
    pub device: Uuid,
    /// The open period, if a roll is loaded.
    pub period: Option<Period>,
    /// The roll version in force for that period.
    pub roll_version: Option<u32>,
    /// True when the roll is demo data.
    pub demo: bool,
    /// Where the roll in force came from: the hub (signed by the managing office), a file the
    /// pay point loaded itself (unsigned), or demo data.
    pub roll_origin: Option<crate::model::RollOrigin>,
    /// People on the roll.
    pub beneficiaries: u64,
    /// People paid at least one line.
    pub paid_beneficiaries: u64,
    /// Lines owed (withdrawn lines and months another roll paid excluded).
    pub lines: u64,
    /// Sum of those lines.
    pub total_due: Dong,
    /// Lines paid, net of reversals.
    pub paid_lines: u64,
    /// Amount paid, net of reversals.
    pub paid_amount: Dong,
    /// `total_due − paid_amount`.
    pub unpaid_amount: Dong,
    /// Part of the unpaid amount that is stopped.
    pub stopped_amount: Dong,
    /// The people and money the office pays by bank account this period (part of the unpaid
    /// amount, never paid here in cash): the share the province reports.
    pub by_account: crate::account::AccountShare,
    /// Cash in the box according to the events.
    pub cash_on_hand: Dong,
    /// Events in the log.
    pub events: u64,
}
