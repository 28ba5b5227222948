//! Which pay points have reported a period to the office, and by when they must. By the 20th of
//! the next month the payer reports who was paid and how much, who is unpaid (carried over) and
//! the money left, and returns the signed list (TT 44/2022/TT-BTC Điều 8, as amended by
//! TT 95/2025/TT-BTC; the date is the core's [`Period::report_due`]). The hub counts a period as
//! reported when a device of the pay point has closed it (the `period_closed` event, which
//! carries those figures) and synced.

use chrono::NaiveDate;
use paypoint::Period;
use serde::Serialize;

use crate::{Hub, HubError};

/// One pay point's report for one period.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReportDue {
    /// Pay point code.
    pub pay_point: String,
    /// Its name.
    pub name: String,
    /// The period (`2026-12`).
    pub period: String,
    /// The last day to report: the 20th of the next month.
    pub due: NaiveDate,
    /// When the pay point closed the period (its device's local time), once the hub has it.
    pub reported_at: Option<String>,
    /// Not reported and `due` is past.
    pub overdue: bool,
}

impl ReportDue {
    /// "20/01/2027", as the office's page and the settlement print it.
    pub fn due_dmy(&self) -> String {
        self.due.format("%d/%m/%Y").to_string()
    }
}

impl Hub {
    /// For every pay point with a roll published for `period` (every period when `None`), by
    /// period then code: the due date of its report and whether it has reported; `today`
    /// decides `overdue`.
    pub fn reports_due(
        &self,
        period: Option<Period>,
        today: NaiveDate,
    ) -> Result<Vec<ReportDue>, HubError> {
        let db = self.db()?;
        let mut stmt = db.prepare(
            "SELECT r.pay_point, pp.name, r.period,
                    (SELECT min(e.local_time) FROM events e
                     WHERE e.pay_point = r.pay_point AND e.kind = 'period_closed'
                       AND json_extract(e.payload, '$.period') = r.period)
             FROM (SELECT DISTINCT pay_point, period FROM rolls WHERE published_at IS NOT NULL) r
             JOIN pay_points pp ON pp.code = r.pay_point
             WHERE CAST(?1 AS TEXT) IS NULL OR r.period = ?1
             ORDER BY r.period, r.pay_point",
        )?;
        let rows = stmt.query_map([period.map(|p| p.to_string())], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (pay_point, name, period, reported_at) = row?;
            let p: Period = period.parse().map_err(|_| {
                HubError::Refused(format!(
                    "kho dữ liệu có kỳ “{period}” không đọc được (điểm {pay_point})"
                ))
            })?;
            let due = p.report_due();
            out.push(ReportDue {
                overdue: reported_at.is_none() && today > due,
                pay_point,
                name,
                period,
                due,
                reported_at,
            });
        }
        Ok(out)
    }

    /// The pay points that have not reported `period` (every period when `None`).
    pub fn reports_missing(
        &self,
        period: Option<Period>,
        today: NaiveDate,
    ) -> Result<Vec<ReportDue>, HubError> {
        Ok(self
            .reports_due(period, today)?
            .into_iter()
            .filter(|r| r.reported_at.is_none())
            .collect())
    }
}

/// The dates the office works to in a period, and the days left to each from today.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Deadlines {
    /// The period.
    pub period: Period,
    /// The last day of the pay schedule (office setting `pay_last_day`).
    pub pay_by: NaiveDate,
    /// Days from today to it: 0 on the day, negative once past.
    pub days_to_pay: i64,
    /// The last day of the payer's report: the 20th of the next month.
    pub report_by: NaiveDate,
    /// Days from today to it.
    pub days_to_report: i64,
}

impl Hub {
    /// The deadlines of the latest period with a published roll, from `today`; `None` before any.
    pub fn deadlines(&self, today: NaiveDate) -> Result<Option<Deadlines>, HubError> {
        let latest: Option<String> = self.db()?.query_row(
            "SELECT max(period) FROM rolls WHERE published_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        let Some(period) = latest.and_then(|p| p.parse::<Period>().ok()) else {
            return Ok(None);
        };
        let pay_by = self.office()?.pay_by(period);
        let report_by = period.report_due();
        Ok(Some(Deadlines {
            period,
            pay_by,
            days_to_pay: (pay_by - today).num_days(),
            report_by,
            days_to_report: (report_by - today).num_days(),
        }))
    }
}
