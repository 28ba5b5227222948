//! The pay period: one calendar month (`2026-12`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a period was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// Not of the form `YYYY-MM` with a real month.
    #[error("kỳ chi trả “{0}” không hợp lệ: cần dạng NĂM-THÁNG, ví dụ 2026-12")]
    Invalid(String),
}

/// A pay period: a month, written `YYYY-MM`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub struct Period {
    year: u16,
    month: u8,
}

impl Period {
    /// The period of a year and month (1–12), or `None` when they make no month.
    pub fn new(year: u16, month: u8) -> Option<Period> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year))
            .then_some(Period { year, month })
    }

    /// The period that contains a date.
    pub fn containing(date: NaiveDate) -> Period {
        Period {
            year: date.year() as u16,
            month: date.month() as u8,
        }
    }

    /// The year.
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// First day of the month.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year as i32, self.month as u32, 1).expect("valid period")
    }

    /// Last day of the month.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("valid period")
    }

    /// The last day of the default pay schedule (the 5th: the seed's and many provinces' schedule,
    /// the pay point's own choice, not a rule of TT 44/2022/TT-BTC as amended by TT 95/2025/TT-BTC,
    /// which sets the managing office's transfer by the 25th and the payer's report by the 20th of
    /// the next month). The notice's schedule is set when it is printed (`--days`).
    pub fn pay_deadline(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year as i32, self.month as u32, 5).expect("valid period")
    }

    /// The month after.
    pub fn next(self) -> Period {
        if self.month == 12 {
            Period {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Period {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// The month before.
    pub fn prev(self) -> Period {
        if self.month == 1 {
            Period {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Period {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The day by which the payer reports the period to the managing office: who was paid and
    /// how much, who is unpaid (carried over), the money left, with the signed list returned —
    /// the 20th of the next month (TT 44/2022/TT-BTC Điều 8, as amended by TT 95/2025/TT-BTC).
    pub fn report_due(self) -> NaiveDate {
        let next = self.next();
        NaiveDate::from_ymd_opt(next.year as i32, next.month as u32, 20).expect("valid period")
    }

    /// "tháng 12 năm 2026", as written in document titles.
    pub fn label_vi(self) -> String {
        format!("tháng {} năm {}", self.month, self.year)
    }

    /// "12/2026", as written in a table's cell or a column's header.
    pub fn mm_yyyy(self) -> String {
        format!("{:02}/{}", self.month, self.year)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Period({self})")
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Period, PeriodError> {
        let invalid = || PeriodError::Invalid(s.to_string());
        let (y, m) = s.trim().split_once('-').ok_or_else(invalid)?;
        if y.len() != 4 || m.is_empty() || m.len() > 2 {
            return Err(invalid());
        }
        let year: u16 = y.parse().map_err(|_| invalid())?;
        let month: u8 = m.parse().map_err(|_| invalid())?;
        Period::new(year, month).ok_or_else(invalid)
    }
}

impl Serialize for Period {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Period {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        let p: Period = "2026-12".parse().unwrap();
        assert_eq!(p.to_string(), "2026-12");
        assert_eq!(p.next().to_string(), "2027-01");
        assert_eq!(p.last_day(), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert_eq!("2027-2".parse::<Period>().unwrap().to_string(), "2027-02");
        for bad in ["2026-13", "2026-00", "26-12", "2026", "2026-1x", ""] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_report_is_due_on_the_20th_of_the_next_month() {
        let due = |p: &str| p.parse::<Period>().unwrap().report_due().to_string();
        assert_eq!(due("2026-12"), "2027-01-20");
        assert_eq!(due("2027-01"), "2027-02-20");
        assert_eq!(due("2026-06"), "2026-07-20");
        assert_eq!(due("9999-11"), "9999-12-20");
    }
}
