//! The cash box: advances received, cash returned, counts by denomination.
//!
//! Cash on hand is never a number anyone edits: it follows from the advances, payouts, reversals
//! and returns (the store keeps a running, checked balance of those movements). A count that
//! differs from it is recorded as a discrepancy, as found.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::clerk::SignedIn;
use crate::event::{payload, EventPayload};
use crate::ledger::{Ledger, LedgerError};
use crate::money::{Dong, MoneyError};
use crate::text;

/// Most notes of one denomination in a count: a bound against a typo of extra zeros.
pub const MAX_NOTES_PER_DENOMINATION: u32 = 100_000;

/// Why a cash record was refused.
#[derive(Debug, thiserror::Error)]
pub enum CashError {
    /// Zero or negative amount.
    #[error("số tiền phải lớn hơn 0")]
    NotPositive,
    /// Returning more than the box holds.
    #[error("không thể nộp trả {amount} đ: quỹ chỉ còn {on_hand} đ")]
    MoreThanOnHand {
        /// Asked.
        amount: Dong,
        /// In the box.
        on_hand: Dong,
    },
    /// A denomination that does not exist.
    #[error("mệnh giá “{0}” không có; các mệnh giá: 500.000, 200.000, 100.000, 50.000, 20.000, 10.000, 5.000, 2.000, 1.000")]
    UnknownDenomination(String),
    /// A count entry that cannot be read.
    #[error("“{0}” không đọc được: cần dạng MỆNH_GIÁ=SỐ_TỜ, ví dụ 500000=12")]
    BadCountEntry(String),
    /// Too many notes.
    #[error("số tờ {0} quá lớn (tối đa {MAX_NOTES_PER_DENOMINATION} tờ mỗi mệnh giá)")]
    TooManyNotes(u32),
    /// Amount out of range.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Storage failure.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<rusqlite::Error> for CashError {
    fn from(e: rusqlite::Error) -> Self {
        CashError::Ledger(LedgerError::from(e))
    }
}

/// A Vietnamese banknote in circulation at pay points (500.000 down to 1.000 đ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Denomination(u32);

impl Denomination {
    /// All of them, largest first.
    pub const ALL: [Denomination; 9] = [
        Denomination(500_000),
        Denomination(200_000),
        Denomination(100_000),
        Denomination(50_000),
        Denomination(20_000),
        Denomination(10_000),
        Denomination(5_000),
        Denomination(2_000),
        Denomination(1_000),
    ];

    /// The denomination of a face value, if it is one.
    pub fn new(value: u32) -> Option<Denomination> {
        Denomination::ALL.into_iter().find(|d| d.0 == value)
    }

    /// Face value.
    pub fn value(self) -> Dong {
        Dong::new(self.0 as i64).expect("denominations are small")
    }
}

impl fmt::Display for Denomination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.value())
    }
}

impl FromStr for Denomination {
    type Err = CashError;
    fn from_str(s: &str) -> Result<Denomination, CashError> {
        let v: Dong = s
            .parse()
            .map_err(|_| CashError::UnknownDenomination(s.to_string()))?;
        u32::try_from(v.as_i64())
            .ok()
            .and_then(Denomination::new)
            .ok_or_else(|| CashError::UnknownDenomination(s.to_string()))
    }
}

/// Notes counted, by denomination.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CashCount {
    notes: BTreeMap<Denomination, u32>,
}

impl CashCount {
    /// An empty count.
    pub fn new() -> CashCount {
        CashCount::default()
    }

    /// Sets the number of notes of one denomination.
    pub fn set(&mut self, d: Denomination, quantity: u32) -> Result<(), CashError> {
        if quantity > MAX_NOTES_PER_DENOMINATION {
            return Err(CashError::TooManyNotes(quantity));
        }
        self.notes.insert(d, quantity);
        Ok(())
    }

    /// Reads entries like `500000=12` or `500.000=12`.
    pub fn parse_entries<S: AsRef<str>>(entries: &[S]) -> Result<CashCount, CashError> {
        let mut count = CashCount::new();
        for e in entries {
            let e = e.as_ref();
            let (d, q) = e
                .split_once('=')
                .ok_or_else(|| CashError::BadCountEntry(e.to_string()))?;
            let d: Denomination = d.trim().parse()?;
            let q: u32 = q
                .trim()
                .parse()
                .map_err(|_| CashError::BadCountEntry(e.to_string()))?;
            count.set(d, q)?;
        }
        Ok(count)
    }

    /// Notes per denomination, largest first, including those counted as zero.
    pub fn notes(&self) -> impl Iterator<Item = (Denomination, u32)> + '_ {
        Denomination::ALL
            .into_iter()
            .map(|d| (d, self.notes.get(&d).copied().unwrap_or(0)))
    }

    /// Total counted.
    pub fn total(&self) -> Result<Dong, MoneyError> {
        self.notes.iter().try_fold(Dong::ZERO, |acc, (d, q)| {
            acc.checked_add(d.value().checked_mul(*q as i64)?)
        })
    }
}

/// A recorded count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CountReceipt {
    /// The count's id.
    pub count_id: Uuid,
    /// Total counted.
    pub counted: Dong,
    /// Cash on hand according to the ledger.
    pub expected: Dong,
    /// `counted − expected`: negative is a shortage, positive a surplus.
    pub difference: Dong,
    /// Event sequence number.
    pub seq: u64,
}

/// The cash position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CashStatus {
    /// Advances received.
    pub advanced: Dong,
    /// Paid out, before reversals.
    pub paid_out: Dong,
    /// Returned to the box by reversals.
    pub reversed: Dong,
    /// Handed back.
    pub returned: Dong,
    /// In the box according to the ledger.
    pub on_hand: Dong,
    /// The last count, if any.
    pub last_count: Option<CountReceipt>,
}

impl Ledger {
    /// Records cash received to pay out.
    pub fn record_advance(
        &mut self,
        by: &SignedIn,
        amount: Dong,
        note: &str,
    ) -> Result<Uuid, CashError> {
        if !amount.is_positive() {
            return Err(CashError::NotPositive);
        }
        let note = text::clean(note);
        self.write(|w| {
            let ev = w.append(
                Some(by.id()),
                EventPayload::CashAdvance(payload::CashMovement {
                    amount,
                    note: note.clone(),
                }),
            )?;
            w.tx.prepare_cached(
                "INSERT INTO cash_advances (id, event_seq, amount, note) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![ev.id.to_string(), ev.seq, amount.as_i64(), note])?;
            Ok(ev.id)
        })
    }

    /// Records cash handed back (to the post office's treasury at month end).
    pub fn record_return(
        &mut self,
        by: &SignedIn,
        amount: Dong,
        note: &str,
    ) -> Result<Uuid, CashError> {
        if !amount.is_positive() {
            return Err(CashError::NotPositive);
        }
        let note = text::clean(note);
        self.write(|w| {
            let on_hand = crate::ledger::cash_on_hand_in(&w.tx)?;
            if amount > on_hand {
                return Err(CashError::MoreThanOnHand { amount, on_hand });
            }
            let ev = w.append(
                Some(by.id()),
                EventPayload::CashReturn(payload::CashMovement {
                    amount,
                    note: note.clone(),
                }),
            )?;
            w.tx.prepare_cached(
                "INSERT INTO cash_returns (id, event_seq, amount, note) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![ev.id.to_string(), ev.seq, amount.as_i64(), note])?;
            Ok(ev.id)
        })
    }

    /// Records a count by denomination against the cash on hand the ledger expects.
    pub fn record_count(
        &mut self,
        by: &SignedIn,
        count: &CashCount,
    ) -> Result<CountReceipt, CashError> {
        let counted = count.total()?;
        self.write(|w| {
            let expected = crate::ledger::cash_on_hand_in(&w.tx)?;
            let difference = counted.checked_sub(expected)?;
            let notes: BTreeMap<String, u32> = count.notes().map(|(d, q)| (d.value().as_i64().to_string(), q)).collect();
            let ev = w.append(
                Some(by.id()),
                EventPayload::CashCount(payload::CashCount {
                    notes,
                    counted,
                    expected,
                    difference,
                }),
            )?;
            w.tx.prepare_cached("INSERT INTO cash_counts (id, event_seq, counted, expected, difference) VALUES (?1, ?2, ?3, ?4, ?5)")?.execute(
                params![ev.id.to_string(), ev.seq, counted.as_i64(), expected.as_i64(), difference.as_i64()],
            )?;
            let mut ins = w.tx.prepare_cached(
                "INSERT INTO cash_count_notes (count_id, denomination, quantity) VALUES (?1, ?2, ?3)",
            )?;
            for (d, q) in count.notes() {
                ins.execute(params![ev.id.to_string(), d.value().as_i64(), q])?;
            }
            Ok(CountReceipt {
                count_id: ev.id,
                counted,
                expected,
                difference,
                seq: ev.seq,
            })
        })
    }

    /// The cash position: what came in, went out, and what is in the box.
    pub fn cash_status(&self) -> Result<CashStatus, CashError> {
        let sum = |kind: &str| -> Result<Dong, CashError> {
            let n: i64 = self
                .conn
                .prepare_cached(
                    "SELECT coalesce(sum(abs(delta)), 0) FROM cash_movements WHERE kind = ?1",
                )?
                .query_row([kind], |r| r.get(0))?;
            Ok(Dong::new(n)?)
        };
        let last_count = self
            .conn
            .prepare_cached("SELECT c.id, c.counted, c.expected, c.difference, c.event_seq FROM cash_counts c ORDER BY c.event_seq DESC LIMIT 1")?.query_row(
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, u64>(4)?,
                    ))
                },
            )
            .optional()?
            .map(|(id, counted, expected, difference, seq)| -> Result<CountReceipt, CashError> {
                Ok(CountReceipt {
                    count_id: Uuid::parse_str(&id).map_err(|_| LedgerError::Corrupt(format!("mã kiểm quỹ “{id}”")))?,
                    counted: Dong::new(counted)?,
                    expected: Dong::new(expected)?,
                    difference: Dong::new(difference)?,
                    seq,
                })
            })
            .transpose()?;
        Ok(CashStatus {
            advanced: sum("advance")?,
            paid_out: sum("payout")?,
            reversed: sum("reversal")?,
            returned: sum("return")?,
            on_hand: self.cash_on_hand()?,
            last_count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up() {
        let c = CashCount::parse_entries(&["500000=3", "200.000=2", "1000=7"]).unwrap();
        assert_eq!(c.total().unwrap().as_i64(), 1_907_000);
        assert!(CashCount::parse_entries(&["300000=1"]).is_err());
        assert!(CashCount::parse_entries(&["500000"]).is_err());
        assert!(CashCount::parse_entries(&["500000=-1"]).is_err());
    }
}
