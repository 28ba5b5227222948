//! A beneficiary as the clerk sees them on the card: who they are, what is owed, what is paid,
//! and whether anything stops payment.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::ledger::{Ledger, LedgerError};
use crate::model::{BeneficiaryCode, LineKind, Proxy, Sex};
use crate::money::Dong;
use crate::payability::{Facts, Payability};
use crate::period::Period;
use crate::roll::{entry_of_row, ENTRY_COLUMNS};
// The shared types moved to `model` (issue 13); their old paths keep working.
pub use crate::model::{PayStatus, StopView};

/// One line on the card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LineView {
    /// The line's id in the ledger.
    pub id: i64,
    /// Kind.
    pub kind: LineKind,
    /// Amount.
    pub amount: Dong,
    /// First month covered.
    pub covers_from: String,
    /// Last month covered.
    pub covers_to: String,
    /// Note.
    pub note: String,
    /// The payout that paid it, if paid (net of reversals).
    pub paid_by: Option<Uuid>,
    /// Blocked by a stop report.
    pub stopped: bool,
    /// Unpaid and payable now (the store's `line_state.payable`).
    pub payable: bool,
    /// Paid by bank account in this period, not in cash (`line_state.by_account`).
    pub by_account: bool,
}

impl LineView {
    /// The months the line covers as the papers print them: "12/2026", "09/2026–11/2026". Two
    /// monthly lines of a roll paying two months near Tết differ only by this.
    pub fn months(&self) -> String {
        crate::document::sheet::months(&self.covers_from, &self.covers_to)
    }
}

/// Everything the card shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BeneficiaryView {
    /// Row id in the ledger.
    pub id: i64,
    /// Period.
    pub period: Period,
    /// Code.
    pub code: BeneficiaryCode,
    /// Name.
    pub name: String,
    /// Year of birth.
    pub birth_year: Option<u16>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Village.
    pub village: String,
    /// ID card.
    pub id_card: Option<String>,
    /// Category.
    pub category: String,
    /// Paid at home.
    pub home_delivery: bool,
    /// Authorised recipient.
    pub proxy: Option<Proxy>,
    /// Note.
    pub note: String,
    /// Lines owed (withdrawn lines and months another roll paid left out).
    pub lines: Vec<LineView>,
    /// Stop report, if any.
    pub stop: Option<StopView>,
    /// Unpaid amount (payable or stopped).
    pub due: Dong,
    /// Paid amount, net of reversals.
    pub paid: Dong,
    /// Unpaid amount that may be paid now.
    pub payable: Dong,
    /// Status.
    pub status: PayStatus,
    /// On hold "to be confirmed" by the managing office (proof of life): still payable, with a
    /// supervisor's PIN and a note.
    pub to_confirm: Option<crate::life::LifeHoldView>,
    /// Paid by bank account in this period: from when, which bank, the account masked.
    pub by_account: Option<crate::account::ByAccount>,
    /// Whether the person can be paid now and, if not, why: the one decision the payout, the
    /// card and the CLI read.
    pub payability: Payability,
}

impl Ledger {
    /// The card of a beneficiary in the open period.
    pub fn beneficiary(
        &self,
        code: &BeneficiaryCode,
    ) -> Result<Option<BeneficiaryView>, LedgerError> {
        let period = self.require_open_period()?;
        self.beneficiary_in(period, code)
    }

    /// The card of a beneficiary in a given period.
    pub fn beneficiary_in(
        &self,
        period: Period,
        code: &BeneficiaryCode,
    ) -> Result<Option<BeneficiaryView>, LedgerError> {
        card_in(&self.conn, period, code)
    }
}

/// A card's totals, summed from its lines' states.
#[derive(Default)]
struct Sums {
    due: Dong,
    paid: Dong,
    payable: Dong,
    stopped: Dong,
    by_account: Dong,
}

impl Sums {
    fn add(
        &mut self,
        amount: Dong,
        paid: bool,
        stopped: bool,
        payable: bool,
        by_account: bool,
    ) -> Result<(), LedgerError> {
        if paid {
            self.paid = self.paid.checked_add(amount)?;
            return Ok(());
        }
        self.due = self.due.checked_add(amount)?;
        if stopped {
            self.stopped = self.stopped.checked_add(amount)?;
        }
        if payable {
            self.payable = self.payable.checked_add(amount)?;
        }
        if by_account {
            self.by_account = self.by_account.checked_add(amount)?;
        }
        Ok(())
    }
}

/// A person's live lines (`line_state.live`: withdrawn lines and months another roll paid left
/// out), each with its state as the store defines it (`line_state`), and their totals.
fn lines_of(conn: &Connection, beneficiary: i64) -> Result<(Vec<LineView>, Sums), LedgerError> {
    let mut stmt = conn.prepare_cached(
        "SELECT line_id, kind, amount, covers_from, covers_to, note, paid_by, stopped, payable, by_account
         FROM line_state WHERE beneficiary_id = ?1 AND live ORDER BY line_id",
    )?;
    let mut rows = stmt.query([beneficiary])?;
    let corrupt = |w: String| LedgerError::Corrupt(w);
    let mut lines = Vec::new();
    let mut sums = Sums::default();
    while let Some(r) = rows.next()? {
        let kind: String = r.get(1)?;
        let kind =
            LineKind::parse(&kind).ok_or_else(|| corrupt(format!("loại khoản chi “{kind}”")))?;
        let paid_by = r
            .get::<_, Option<String>>(6)?
            .map(|s| Uuid::parse_str(&s).map_err(|_| corrupt(format!("mã chi trả “{s}”"))))
            .transpose()?;
        let line = LineView {
            id: r.get(0)?,
            kind,
            amount: Dong::new(r.get(2)?)?,
            covers_from: r.get(3)?,
            covers_to: r.get(4)?,
            note: r.get(5)?,
            paid_by,
            stopped: r.get(7)?,
            payable: r.get(8)?,
            by_account: r.get(9)?,
        };
        sums.add(
            line.amount,
            line.paid_by.is_some(),
            line.stopped,
            line.payable,
            line.by_account,
        )?;
        lines.push(line);
    }
    Ok((lines, sums))
}

/// The device of the pay point holding `code` when it is not this one (its short id); `None`:
/// this device holds them. The rows are `hold`'s hand-overs (migrations/0012_holds.sql).
pub(crate) fn held_elsewhere(conn: &Connection, code: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(&format!(
        "SELECT {}",
        crate::device::held_elsewhere_sql("?1")
    ))?
    .query_row([code], |r| r.get(0))
}

/// The card read through any connection or open transaction (a payout reads it inside its own
/// write transaction).
pub(crate) fn card_in(
    conn: &Connection,
    period: Period,
    code: &BeneficiaryCode,
) -> Result<Option<BeneficiaryView>, LedgerError> {
    let p = period.to_string();
    let row = conn
        .prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM beneficiaries WHERE period = ?1 AND code = ?2"
        ))?
        .query_row(params![p, code.as_str()], entry_of_row)
        .optional()?;
    let Some((id, entry)) = row.transpose().map_err(LedgerError::Corrupt)? else {
        return Ok(None);
    };
    let stop = crate::stop::stop_of(conn, code)?;
    let to_confirm = crate::life::hold_of(conn, code)?;
    let (lines, sums) = lines_of(conn, id)?;
    let Sums {
        due,
        paid,
        payable,
        stopped,
        by_account: due_by_account,
    } = sums;
    let status = PayStatus::from_amounts(due, stopped, paid, due_by_account);
    let by_account = crate::account::by_account_in(conn, code.as_str(), period)?;
    let closed: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM period_closes WHERE period = ?1)")?
        .query_row([&p], |r| r.get(0))?;
    let payability = Payability::decide(&Facts {
        stop: stop.as_ref().map(|s| (s.reason, s.date)),
        closed,
        has_lines: !lines.is_empty(),
        due,
        paid,
        payable,
        held: to_confirm.is_some(),
        held_elsewhere: held_elsewhere(conn, code.as_str())?,
        by_account: by_account.as_ref().map(|a| a.from),
        on_hand: crate::ledger::cash_on_hand_in(conn)?,
    });
    Ok(Some(BeneficiaryView {
        id,
        period,
        code: entry.code,
        name: entry.name,
        birth_year: entry.birth_year,
        sex: entry.sex,
        village: entry.village,
        id_card: entry.id_card,
        category: entry.category,
        home_delivery: entry.home_delivery,
        proxy: entry.proxy,
        note: entry.note,
        lines,
        stop,
        due,
        paid,
        payable,
        status,
        to_confirm,
        by_account,
        payability,
    }))
}
