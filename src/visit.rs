//! Home delivery (chi trả tại nhà): the clerk goes to the homes of those who cannot come, and
//! records each visit's outcome. A visit that pays obeys the counter's rules exactly; a visit that
//! finds the person deceased or moved stops payment in the same commit, with the date of death (which
//! the stop requires, as at the counter) or of the move (when known).

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;

use crate::clerk::SignedIn;
use crate::event::{payload, EventPayload};
use crate::ledger::{Ledger, LedgerError};
use crate::model::BeneficiaryCode;
use crate::model::StopReason;
use crate::payout::{pay_in, PayoutError, PayoutReceipt, PayoutRequest, Recipient};
use crate::stop::{stop_in, StopError, StopReceipt};
use crate::text;
// The shared types moved to `model` (issue 13); their old paths keep working.
pub use crate::model::VisitOutcome;

/// Why a visit could not be recorded.
#[derive(Debug, thiserror::Error)]
pub enum VisitError {
    /// No such beneficiary in the open period.
    #[error("không tìm thấy đối tượng có mã “{0}” trong danh sách kỳ này")]
    UnknownBeneficiary(String),
    /// The payment at the home was refused.
    #[error(transparent)]
    Payout(#[from] PayoutError),
    /// The stop that the outcome implies was refused.
    #[error(transparent)]
    Stop(#[from] StopError),
    /// A date of death or move given with an outcome that stops nothing.
    #[error("ngày mất / ngày chuyển đi chỉ ghi khi kết quả đến nhà là “Đã từ trần” hoặc “Đã chuyển đi”, không phải “{0}”")]
    DateWithoutStop(&'static str),
    /// Storage failure.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl VisitError {
    /// A stable code for scripts and the window.
    pub fn code(&self) -> &'static str {
        match self {
            VisitError::UnknownBeneficiary(_) => "unknown_beneficiary",
            VisitError::Payout(p) => p.code(),
            VisitError::Stop(s) => s.code(),
            VisitError::DateWithoutStop(_) => "date_without_stop",
            VisitError::Ledger(l) => l.code(),
        }
    }
}

impl From<rusqlite::Error> for VisitError {
    fn from(e: rusqlite::Error) -> Self {
        VisitError::Ledger(LedgerError::from(e))
    }
}

/// A recorded visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VisitReceipt {
    /// The visit's id.
    pub visit_id: uuid::Uuid,
    /// Outcome.
    pub outcome: VisitOutcome,
    /// The payout made at the home, for outcome `paid`.
    pub payout: Option<PayoutReceipt>,
    /// The stop recorded, for outcomes `deceased` and `moved`.
    pub stop: Option<StopReceipt>,
    /// Event sequence number of the visit.
    pub seq: u64,
}

impl Ledger {
    /// Records a home visit. Outcome `paid` pays every payable line at the home (to `recipient`),
    /// `deceased` and `moved` record a stop report, all in the same commit as the visit. A death
    /// needs its date: record it with [`Ledger::record_visit_with`].
    pub fn record_visit(
        &mut self,
        by: &SignedIn,
        code: &BeneficiaryCode,
        outcome: VisitOutcome,
        recipient: Recipient,
        note: &str,
    ) -> Result<VisitReceipt, VisitError> {
        let req = PayoutRequest {
            recipient,
            ..PayoutRequest::at_counter(code.clone())
        };
        self.record_visit_with(by, outcome, None, note, &req)
    }

    /// [`Ledger::record_visit`] with the date of the stop and the whole request for outcome
    /// `paid`. `stop_date` is the date of death (required for `deceased`, as every stop report of
    /// a death: [`StopError::DeathDateMissing`]) or of the move (optional for `moved`); another
    /// outcome takes none. The request carries the amount the clerk confirmed with the person
    /// (refused if it is no longer what is owed) and a supervisor's approval for a person to be
    /// confirmed (proof of life); `at_home` is always set.
    pub fn record_visit_with(
        &mut self,
        by: &SignedIn,
        outcome: VisitOutcome,
        stop_date: Option<NaiveDate>,
        note: &str,
        req: &PayoutRequest,
    ) -> Result<VisitReceipt, VisitError> {
        if stop_date.is_some() && !matches!(outcome, VisitOutcome::Deceased | VisitOutcome::Moved) {
            return Err(VisitError::DateWithoutStop(outcome.label_vi()));
        }
        let period = self.require_open_period()?;
        let note = text::clean(note);
        let code = &req.code;
        self.write(|w| {
            let card = crate::beneficiary::card_in(&w.tx, period, code)?
                .ok_or_else(|| VisitError::UnknownBeneficiary(code.to_string()))?;
            let payout = match outcome {
                VisitOutcome::Paid => Some(pay_in(
                    w,
                    &card,
                    by,
                    &PayoutRequest {
                        at_home: true,
                        ..req.clone()
                    },
                )?),
                _ => None,
            };
            let ev = w.append(
                Some(by.id()),
                EventPayload::Visit(payload::Visit {
                    code: code.to_string(),
                    period,
                    outcome,
                    note: note.clone(),
                    payout: payout.as_ref().map(|p| p.payout_id.to_string()),
                }),
            )?;
            w.tx.execute(
                "INSERT INTO visits (id, event_seq, beneficiary_id, outcome, note, payout_id, visited_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    ev.id.to_string(),
                    ev.seq,
                    card.id,
                    outcome.as_str(),
                    note,
                    payout.as_ref().map(|p| p.payout_id.to_string()),
                    w.now()
                ],
            )?;
            let stop = match outcome {
                // Already stopped (by the district or an earlier visit): the visit alone is news.
                _ if card.stop.is_some() => None,
                VisitOutcome::Deceased => Some(stop_in(w, by, code, StopReason::Death, stop_date, "phát hiện khi đến nhà")?),
                VisitOutcome::Moved => Some(stop_in(w, by, code, StopReason::Moved, stop_date, "phát hiện khi đến nhà")?),
                _ => None,
            };
            Ok(VisitReceipt {
                visit_id: ev.id,
                outcome,
                payout,
                stop,
                seq: ev.seq,
            })
        })
    }
}
