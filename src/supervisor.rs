//! The commune's supervisor of a payout day (người giám sát): TT 44/2022/TT-BTC Điều 8, as
//! amended by TT 95/2025/TT-BTC, has the managing office send someone to watch the payout. Who it
//! was is a fact of the day, recorded as an event like a payout, so that the signature sheet and
//! the day report print the name under the signature block and the hub learns it at sync.
//!
//! Not to be confused with the clerks' "giám sát viên" (the ledger's supervisor role, who approves
//! reversals with a PIN): this person belongs to the commune or the managing office, not to the
//! post office, and never signs in.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::clerk::SignedIn;
use crate::event::{payload, EventPayload};
use crate::ledger::{Ledger, LedgerError};
use crate::text;

/// Longest name accepted, in characters.
pub const MAX_NAME: usize = 80;
/// Longest office and position accepted, in characters.
pub const MAX_OFFICE: usize = 160;

/// Why a supervisor could not be recorded. Nothing is written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum SupervisorError {
    /// No name.
    #[error("thiếu họ tên người giám sát (--name “Họ và tên”)")]
    NoName,
    /// No office or position.
    #[error("thiếu chức vụ, đơn vị của người giám sát (--office, ví dụ “Công chức Văn hóa - Xã hội, UBND xã Quảng Hưng”)")]
    NoOffice,
    /// A name or an office too long to be one.
    #[error("{what} dài {len} ký tự, quá {max} ký tự: kiểm tra lại")]
    TooLong {
        /// "Họ tên" or "Chức vụ, đơn vị".
        what: &'static str,
        /// Characters given.
        len: usize,
        /// Most accepted.
        max: usize,
    },
    /// Storage failure.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl SupervisorError {
    /// A stable code for scripts and the window.
    pub fn code(&self) -> &'static str {
        match self {
            SupervisorError::NoName => "supervisor_name_missing",
            SupervisorError::NoOffice => "supervisor_office_missing",
            SupervisorError::TooLong { .. } => "too_long",
            SupervisorError::Ledger(l) => l.code(),
        }
    }
}

impl From<rusqlite::Error> for SupervisorError {
    fn from(e: rusqlite::Error) -> Self {
        SupervisorError::Ledger(LedgerError::from(e))
    }
}

/// The supervisor of a day, as recorded last for that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DaySupervisor {
    /// The day supervised.
    pub date: NaiveDate,
    /// Full name.
    pub name: String,
    /// Office and position.
    pub office: String,
    /// The event that recorded it.
    pub seq: u64,
}

/// A cleaned, bounded text, or the error for an empty one.
fn field(
    s: &str,
    what: &'static str,
    max: usize,
    empty: SupervisorError,
) -> Result<String, SupervisorError> {
    let s = text::clean(s);
    if s.is_empty() {
        return Err(empty);
    }
    let len = s.chars().count();
    if len > max {
        return Err(SupervisorError::TooLong { what, len, max });
    }
    Ok(s)
}

impl Ledger {
    /// Records who supervised the payout of `date`. A second record for the same day supersedes
    /// the first on paper; both stay in the ledger.
    pub fn record_day_supervisor(
        &mut self,
        by: &SignedIn,
        date: NaiveDate,
        name: &str,
        office: &str,
    ) -> Result<DaySupervisor, SupervisorError> {
        let name = field(name, "Họ tên", MAX_NAME, SupervisorError::NoName)?;
        let office = field(
            office,
            "Chức vụ, đơn vị",
            MAX_OFFICE,
            SupervisorError::NoOffice,
        )?;
        let day = date.to_string();
        self.write(|w| {
            let ev = w.append(
                Some(by.id()),
                EventPayload::DaySupervisor(payload::DaySupervisor {
                    date: day.clone(),
                    name: name.clone(),
                    office: office.clone(),
                }),
            )?;
            w.tx.prepare_cached(
                "INSERT INTO day_supervisors (event_seq, day, name, office) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![ev.seq, day, name, office])?;
            Ok(DaySupervisor {
                date,
                name: name.clone(),
                office: office.clone(),
                seq: ev.seq,
            })
        })
    }

    /// The supervisor recorded last for `date`, if any.
    pub fn day_supervisor(&self, date: NaiveDate) -> Result<Option<DaySupervisor>, LedgerError> {
        let row: Option<(u64, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT event_seq, name, office FROM day_supervisors WHERE day = ?1
                 ORDER BY event_seq DESC LIMIT 1",
            )?
            .query_row([date.to_string()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        Ok(row.map(|(seq, name, office)| DaySupervisor {
            date,
            name,
            office,
            seq,
        }))
    }
}
