//! Stop reports (báo giảm): death, move, other. A stop blocks payment at once, in every period,
//! because the roll of the next month may have been made before the district heard of it.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::clerk::SignedIn;
use crate::event::{payload, EventPayload};
use crate::ledger::{Ledger, LedgerError, Writer};
use crate::model::BeneficiaryCode;
use crate::model::StopView;
use crate::text;
// The shared types moved to `model` (issue 13); their old paths keep working.
pub use crate::model::StopReason;

/// Why a stop report was refused.
#[derive(Debug, thiserror::Error)]
pub enum StopError {
    /// No such beneficiary on any roll.
    #[error("không tìm thấy đối tượng có mã “{0}” trong danh sách")]
    UnknownBeneficiary(String),
    /// Already stopped.
    #[error("đối tượng “{code}” đã được báo giảm trước đó ({reason})")]
    AlreadyStopped {
        /// Code.
        code: String,
        /// Reason of the earlier stop.
        reason: String,
    },
    /// A date in the future.
    #[error("ngày {0} ở tương lai; hãy kiểm tra lại ngày")]
    DateInFuture(String),
    /// A death reported without its date: the papers and the managing office need it (to stop
    /// the allowance from the month after, and to recover anything paid after it).
    #[error("chưa có ngày mất: hãy ghi ngày mất như trên giấy báo tử hoặc xác nhận của UBND xã")]
    DeathDateMissing,
    /// Storage failure.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl StopError {
    /// A stable code for scripts and the window.
    pub fn code(&self) -> &'static str {
        match self {
            StopError::UnknownBeneficiary(_) => "unknown_beneficiary",
            StopError::AlreadyStopped { .. } => "already_stopped",
            StopError::DateInFuture(_) => "date_in_future",
            StopError::DeathDateMissing => "death_date_missing",
            StopError::Ledger(l) => l.code(),
        }
    }
}

impl From<rusqlite::Error> for StopError {
    fn from(e: rusqlite::Error) -> Self {
        StopError::Ledger(LedgerError::from(e))
    }
}

/// A recorded stop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StopReceipt {
    /// Code.
    pub code: String,
    /// Reason.
    pub reason: StopReason,
    /// Date, when known.
    pub date: Option<NaiveDate>,
    /// Event sequence number.
    pub seq: u64,
    /// Payouts already made to this beneficiary after the date of death or move: the district
    /// must recover them. Empty when there are none.
    pub paid_after_stop: Vec<String>,
}

/// The stop that applies to a code, if any.
pub(crate) fn stop_of(
    conn: &Connection,
    code: &BeneficiaryCode,
) -> Result<Option<StopView>, LedgerError> {
    let row: Option<(String, Option<String>, String)> = conn
        .prepare_cached("SELECT reason, effective_date, note FROM stops WHERE code = ?1")?
        .query_row([code.as_str()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(reason, date, note)| {
        Ok(StopView {
            reason: StopReason::parse(&reason)
                .ok_or_else(|| LedgerError::Corrupt(format!("lý do báo giảm “{reason}”")))?,
            date: date.and_then(|d| d.parse().ok()),
            note,
        })
    })
    .transpose()
}

/// Records a stop inside an open write transaction (also used by a visit that finds the person
/// deceased or moved). A death needs its date, whoever reports it here; a stop the managing office
/// sends (`sync::client::apply_stop_in`) and the events of older releases are taken as they are.
pub(crate) fn stop_in(
    w: &Writer<'_>,
    by: &SignedIn,
    code: &BeneficiaryCode,
    reason: StopReason,
    date: Option<NaiveDate>,
    note: &str,
) -> Result<StopReceipt, StopError> {
    let known: bool =
        w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM beneficiaries WHERE code = ?1)")?
            .query_row([code.as_str()], |r| r.get(0))?;
    if !known {
        return Err(StopError::UnknownBeneficiary(code.to_string()));
    }
    if let Some(existing) = stop_of(&w.tx, code)? {
        return Err(StopError::AlreadyStopped {
            code: code.to_string(),
            reason: existing.reason.label_vi().to_string(),
        });
    }
    if let Some(d) = date {
        if d > chrono::Local::now().date_naive() {
            return Err(StopError::DateInFuture(d.format("%d/%m/%Y").to_string()));
        }
    }
    if reason == StopReason::Death && date.is_none() {
        return Err(StopError::DeathDateMissing);
    }
    let note = text::clean(note);
    let ev = w.append(
        Some(by.id()),
        EventPayload::Stop(payload::Stop {
            code: code.to_string(),
            reason,
            date: date.map(|d| d.to_string()),
            note: note.clone(),
            source: None,
            amendment: None,
        }),
    )?;
    w.tx.prepare_cached("INSERT INTO stops (code, reason, effective_date, note, event_seq) VALUES (?1, ?2, ?3, ?4, ?5)")?.execute(
        params![code.as_str(), reason.as_str(), date.map(|d| d.to_string()), note, ev.seq],
    )?;
    // Money already handed over after the date is a fact to report, not to hide.
    let paid_after_stop: Vec<String> = match date {
        None => Vec::new(),
        Some(d) => {
            let mut stmt = w.tx.prepare(
                "SELECT p.id FROM payouts p JOIN beneficiaries b ON b.id = p.beneficiary_id
                 WHERE b.code = ?1 AND substr(p.paid_at, 1, 10) > ?2
                   AND p.id NOT IN (SELECT payout_id FROM reversals) ORDER BY p.paid_at",
            )?;
            let rows = stmt.query_map(params![code.as_str(), d.to_string()], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        }
    };
    Ok(StopReceipt {
        code: code.to_string(),
        reason,
        date,
        seq: ev.seq,
        paid_after_stop,
    })
}

impl Ledger {
    /// Records a stop report. Payment of the person's lines (but a funeral allowance, which goes
    /// to the family) is blocked from this commit on. A death needs its date
    /// ([`StopError::DeathDateMissing`]); a move or another reason may go without.
    pub fn report_stop(
        &mut self,
        by: &SignedIn,
        code: &BeneficiaryCode,
        reason: StopReason,
        date: Option<NaiveDate>,
        note: &str,
    ) -> Result<StopReceipt, StopError> {
        self.write(|w| stop_in(w, by, code, reason, date, note))
    }
}
