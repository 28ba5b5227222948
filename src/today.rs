//! What the clerk's Today and Home-delivery screens need beyond [`Ledger::status`]: the days left
//! until the 5th, the proxies whose authorisation runs out this month, the home deliveries with
//! the last outcome of each, and how many events have not reached the district yet.
//!
//! Read-only queries over the open period; nothing here writes.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::ledger::{Ledger, LedgerError};
use crate::model::BeneficiaryCode;
use crate::model::PayStatus;
use crate::model::VisitOutcome;
use crate::money::Dong;
use crate::period::Period;

/// A home visit as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct VisitSummary {
    /// What the clerk found.
    pub outcome: VisitOutcome,
    /// When (local time, RFC 3339).
    pub visited_at: String,
    /// The clerk's note.
    pub note: String,
}

/// One beneficiary paid at home, with the last visit of the open period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HomeDelivery {
    /// Beneficiary code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Village.
    pub village: String,
    /// Year of birth.
    pub birth_year: Option<u16>,
    /// Unpaid amount.
    pub due: Dong,
    /// Paid amount, net of reversals.
    pub paid: Dong,
    /// Payment status.
    pub status: PayStatus,
    /// The last visit this period, if any.
    pub last_visit: Option<VisitSummary>,
}

impl HomeDelivery {
    /// True when nobody has gone to the home this period and money is still owed.
    pub fn awaiting_visit(&self) -> bool {
        self.last_visit.is_none()
            && matches!(self.status, PayStatus::Unpaid | PayStatus::PartlyPaid)
    }
}

/// A proxy whose authorisation ends within the period (or has already ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExpiringProxy {
    /// Beneficiary code.
    pub code: String,
    /// Beneficiary name.
    pub name: String,
    /// Village.
    pub village: String,
    /// The proxy's name.
    pub proxy_name: String,
    /// Last day of the authorisation.
    pub valid_until: NaiveDate,
    /// True when that day is already past on `today`.
    pub expired: bool,
}

/// Days from `today` until the end of the default pay schedule (the 5th, see
/// [`Period::pay_deadline`]): 0 on the day itself, negative after.
pub fn days_until_deadline(period: Period, today: NaiveDate) -> i64 {
    (period.pay_deadline() - today).num_days()
}

fn visit_of(
    outcome: String,
    visited_at: String,
    note: String,
) -> Result<VisitSummary, LedgerError> {
    Ok(VisitSummary {
        outcome: VisitOutcome::parse(&outcome)
            .ok_or_else(|| LedgerError::Corrupt(format!("kết quả đến nhà “{outcome}”")))?,
        visited_at,
        note,
    })
}

impl Ledger {
    /// The last home visit of a beneficiary in the open period, if any.
    pub fn last_visit(&self, code: &BeneficiaryCode) -> Result<Option<VisitSummary>, LedgerError> {
        let period = self.require_open_period()?.to_string();
        let row: Option<(String, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT v.outcome, v.visited_at, v.note FROM visits v
                 JOIN beneficiaries b ON b.id = v.beneficiary_id
                 WHERE b.period = ?1 AND b.code = ?2 ORDER BY v.event_seq DESC LIMIT 1",
            )?
            .query_row(params![period, code.as_str()], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        row.map(|(o, t, n)| visit_of(o, t, n)).transpose()
    }

    /// Every home-delivery beneficiary of the open period, by village (villages in alphabetical
    /// order, people in roll order), each with the last visit of the period.
    pub fn home_deliveries(&self) -> Result<Vec<HomeDelivery>, LedgerError> {
        let period = self.require_open_period()?.to_string();
        let mut last: std::collections::HashMap<String, VisitSummary> =
            std::collections::HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT b.code, v.outcome, v.visited_at, v.note FROM visits v
                 JOIN beneficiaries b ON b.id = v.beneficiary_id
                 WHERE b.period = ?1 ORDER BY v.event_seq",
            )?;
            let rows = stmt.query_map([&period], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                ))
            })?;
            for row in rows {
                let (code, o, t, n) = row?;
                last.insert(code, visit_of(o, t, n)?);
            }
        }
        let mut out: Vec<HomeDelivery> = self
            .search("", None)?
            .into_iter()
            .filter(|h| h.home_delivery)
            .map(|h| HomeDelivery {
                last_visit: last.remove(&h.code),
                code: h.code,
                name: h.name,
                village: h.village,
                birth_year: h.birth_year,
                due: h.due,
                paid: h.paid,
                status: h.status,
            })
            .collect();
        // Stable: roll order within a village.
        out.sort_by_key(|h| crate::text::fold(&h.village));
        Ok(out)
    }

    /// Home deliveries still owed money that nobody has visited this period.
    pub fn home_deliveries_not_visited(&self) -> Result<Vec<HomeDelivery>, LedgerError> {
        Ok(self
            .home_deliveries()?
            .into_iter()
            .filter(HomeDelivery::awaiting_visit)
            .collect())
    }

    /// Proxies on the open period's roll whose authorisation ends on or before the last day of
    /// the period (already expired ones included, flagged), soonest first. `today` decides
    /// `expired`.
    pub fn proxies_expiring(&self, today: NaiveDate) -> Result<Vec<ExpiringProxy>, LedgerError> {
        let period = self.require_open_period()?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, name, village, proxy_name, proxy_valid_until FROM beneficiaries
             WHERE period = ?1 AND proxy_name IS NOT NULL AND proxy_valid_until IS NOT NULL
               AND proxy_valid_until <= ?2
             ORDER BY proxy_valid_until, id",
        )?;
        let rows = stmt.query_map(
            params![period.to_string(), period.last_day().to_string()],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            },
        )?;
        let mut out = Vec::new();
        for row in rows {
            let (code, name, village, proxy_name, until) = row?;
            let valid_until: NaiveDate = until
                .parse()
                .map_err(|_| LedgerError::Corrupt(format!("ngày ủy quyền “{until}”")))?;
            out.push(ExpiringProxy {
                code,
                name,
                village,
                proxy_name,
                valid_until,
                expired: valid_until < today,
            });
        }
        Ok(out)
    }
}

/// Days from `today` until the period's report to the managing office is due
/// ([`Period::report_due`], the 20th of the next month): 0 on the day itself, negative after.
pub fn days_until_report(period: Period, today: NaiveDate) -> i64 {
    (period.report_due() - today).num_days()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clerk::Pin;
    use crate::model::Role;
    use crate::model::{LineKind, Proxy};
    use crate::payout::{PayoutRequest, Recipient};
    use crate::roll::{Roll, RollEntry, RollLine};

    fn entry(code: &str, name: &str, village: &str, home: bool, proxy: Option<Proxy>) -> RollEntry {
        let p: Period = "2026-12".parse().unwrap();
        RollEntry {
            code: BeneficiaryCode::new(code).unwrap(),
            name: name.into(),
            birth_year: Some(1930),
            sex: None,
            village: village.into(),
            id_card: None,
            category: "Thương binh 21%".into(),
            home_delivery: home,
            proxy,
            note: String::new(),
            lines: vec![RollLine {
                kind: LineKind::Monthly,
                amount: Dong::new(1_878_000).unwrap(),
                covers_from: p,
                covers_to: p,
                note: String::new(),
            }],
        }
    }

    #[test]
    fn deadline_counts_days_to_the_fifth() {
        let p: Period = "2026-12".parse().unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(days_until_deadline(p, d("2026-12-01")), 4);
        assert_eq!(days_until_deadline(p, d("2026-12-05")), 0);
        assert_eq!(days_until_deadline(p, d("2026-12-09")), -4);
        assert_eq!(days_until_deadline(p, d("2026-11-28")), 7);
    }

    #[test]
    fn the_report_counts_days_to_the_20th_of_the_next_month() {
        let p: Period = "2026-12".parse().unwrap();
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(days_until_report(p, d("2026-12-20")), 31);
        assert_eq!(days_until_report(p, d("2027-01-19")), 1);
        assert_eq!(days_until_report(p, d("2027-01-20")), 0);
        assert_eq!(days_until_report(p, d("2027-01-23")), -3);
    }

    #[test]
    fn home_deliveries_proxies_and_visits() {
        let dir = tempfile::tempdir().unwrap();
        let mut l = Ledger::init(&dir.path().join("l.sqlite"), "QH", "Quảng Hưng").unwrap();
        let pin = Pin::new("1234").unwrap();
        l.add_clerk("Mai", Role::Clerk, &pin).unwrap();
        let me = l.sign_in(1, &pin).unwrap();
        let p: Period = "2026-12".parse().unwrap();
        let proxy = |until: &str| Proxy {
            name: "Lê Văn Con".into(),
            id_card: "044000000001".into(),
            relationship: "con trai".into(),
            valid_until: until.parse().unwrap(),
        };
        let roll = Roll {
            period: p,
            version: 1,
            entries: vec![
                entry(
                    "A1",
                    "Nguyễn Văn An",
                    "Thôn Tây",
                    true,
                    Some(proxy("2026-12-31")),
                ),
                entry("A2", "Trần Thị Bình", "Thôn Đông", true, None),
                entry(
                    "A3",
                    "Lê Văn Cường",
                    "Thôn Đông",
                    false,
                    Some(proxy("2027-06-30")),
                ),
                entry(
                    "A4",
                    "Phạm Thị Dung",
                    "Thôn Đông",
                    true,
                    Some(proxy("2026-11-30")),
                ),
            ],
        };
        l.load_roll(&roll, "test", false).unwrap();
        l.record_advance(&me, Dong::new(100_000_000).unwrap(), "")
            .unwrap();

        let homes = l.home_deliveries().unwrap();
        let codes: Vec<_> = homes.iter().map(|h| h.code.as_str()).collect();
        // Thôn Đông before Thôn Tây; roll order inside the village.
        assert_eq!(codes, ["A2", "A4", "A1"]);
        assert!(homes.iter().all(HomeDelivery::awaiting_visit));

        let a2 = BeneficiaryCode::new("A2").unwrap();
        assert_eq!(l.last_visit(&a2).unwrap(), None);
        l.record_visit(
            &me,
            &a2,
            VisitOutcome::Absent,
            Recipient::Beneficiary,
            "đi vắng",
        )
        .unwrap();
        let v = l.last_visit(&a2).unwrap().unwrap();
        assert_eq!(
            (v.outcome, v.note.as_str()),
            (VisitOutcome::Absent, "đi vắng")
        );
        l.record_payout(
            &me,
            &PayoutRequest::at_counter(BeneficiaryCode::new("A4").unwrap()),
        )
        .unwrap();
        let waiting: Vec<_> = l
            .home_deliveries_not_visited()
            .unwrap()
            .into_iter()
            .map(|h| h.code)
            .collect();
        // A2 was visited, A4 is paid: only A1 still waits.
        assert_eq!(waiting, ["A1"]);
        let homes = l.home_deliveries().unwrap();
        assert_eq!(
            homes[0].last_visit.as_ref().map(|v| v.outcome),
            Some(VisitOutcome::Absent)
        );

        let today: NaiveDate = "2026-12-02".parse().unwrap();
        let expiring = l.proxies_expiring(today).unwrap();
        let got: Vec<_> = expiring
            .iter()
            .map(|e| (e.code.as_str(), e.expired))
            .collect();
        assert_eq!(got, [("A4", true), ("A1", false)]);
    }
}
