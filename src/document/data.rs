//! The read queries behind the documents. Each reads what one paper needs in a few statements
//! (a 5.000-row roll is two queries, not five thousand), inside one read transaction so that a
//! paper never mixes two states of the ledger.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::DocumentError;
use crate::ledger::{Ledger, LedgerError};
use crate::model::LineKind;
use crate::model::PayStatus;
use crate::model::Sex;
use crate::model::StopReason;
use crate::model::VisitOutcome;
use crate::money::Dong;
use crate::paper::PaperStamp;
use crate::period::Period;

/// Who prints, and for which period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Context {
    /// Pay point code.
    pub pay_point_code: String,
    /// Pay point name ("Bưu điện văn hóa xã Quảng Hưng").
    pub pay_point_name: String,
    /// The period the document is about.
    pub period: Period,
    /// The period's roll is demo data.
    pub demo: bool,
    /// The roll in force is one the pay point loaded itself, not the managing office's signed
    /// roll from the hub.
    pub unsigned: bool,
    /// The ledger's head hash when the document was made (in each page's QR code).
    pub head_hash: String,
    /// The managing office, the payer, the place and the signers' titles, as configured.
    pub org: crate::org::Organisation,
}

impl Context {
    /// What every page says above its content: demo data, or a roll without the managing
    /// office's signature.
    /// The stamp every page of a paper carries (its QR code), less what the page itself adds:
    /// the page number, its codes and total.
    pub(crate) fn stamp(&self, kind: crate::paper::PaperKind, document: String) -> PaperStamp {
        PaperStamp {
            kind,
            pay_point: self.pay_point_code.clone(),
            period: self.period,
            document,
            page: 1,
            total: Dong::ZERO,
            head: self
                .head_hash
                .chars()
                .take(crate::paper::HEAD_HEX)
                .collect::<String>()
                .to_ascii_uppercase(),
            lines: Vec::new(),
        }
    }

    pub(crate) fn page_mark(&self) -> Option<&'static str> {
        if self.demo {
            Some(super::DEMO_MARK)
        } else if self.unsigned {
            Some(crate::roll::UNSIGNED_ROLL_NOTICE)
        } else {
            None
        }
    }
}

/// One entitlement line as the documents need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocLine {
    pub kind: LineKind,
    pub amount: Dong,
    pub covers_from: String,
    pub covers_to: String,
    pub paid: bool,
    pub stopped: bool,
    /// Paid by bank account this period (`line_state.by_account`).
    pub by_account: bool,
}

/// An authorised recipient as the roll names them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DocProxy {
    pub name: String,
    pub id_card: String,
    pub relationship: String,
}

/// A beneficiary of a period with their lines, stop and last home visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Person {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub birth_year: Option<u16>,
    pub village: String,
    pub category: String,
    pub id_card: Option<String>,
    /// As the roll records it: the sheet prints the birth year under Nam or Nữ.
    pub sex: Option<Sex>,
    /// Local time of the latest payout to the person in the period that is not reversed.
    pub paid_at: Option<String>,
    /// The device of the pay point that pays them when it is not this one (issue 17).
    pub held_by: Option<String>,
    pub home_delivery: bool,
    pub proxy: Option<DocProxy>,
    pub stop: Option<(StopReason, Option<NaiveDate>)>,
    /// Last visit: outcome and local time.
    pub last_visit: Option<(VisitOutcome, String)>,
    pub lines: Vec<DocLine>,
}

impl Person {
    /// Everything owed this period.
    pub fn total(&self) -> Dong {
        Dong::sum(self.lines.iter().map(|l| l.amount)).unwrap_or(Dong::ZERO)
    }

    /// The monthly lines (allowance, supplement, carer allowance): the roll's "Trợ cấp hàng
    /// tháng" column.
    pub fn monthly(&self) -> Dong {
        Dong::sum(
            self.lines
                .iter()
                .filter(|l| l.kind.is_monthly())
                .map(|l| l.amount),
        )
        .unwrap_or(Dong::ZERO)
    }

    /// The monthly lines for one month ("2027-01"): a roll that pays two months together near Tết
    /// has a column for each.
    pub fn monthly_in(&self, month: &str) -> Dong {
        Dong::sum(
            self.lines
                .iter()
                .filter(|l| l.kind.is_monthly() && l.covers_from == month)
                .map(|l| l.amount),
        )
        .unwrap_or(Dong::ZERO)
    }

    /// The lines paid once (arrears, one-off, funeral allowance): the roll's "Truy lĩnh" column,
    /// so that the two columns add up to the total.
    pub fn once(&self) -> Dong {
        Dong::sum(
            self.lines
                .iter()
                .filter(|l| !l.kind.is_monthly())
                .map(|l| l.amount),
        )
        .unwrap_or(Dong::ZERO)
    }

    /// Paid, net of reversals.
    pub fn paid(&self) -> Dong {
        Dong::sum(self.lines.iter().filter(|l| l.paid).map(|l| l.amount)).unwrap_or(Dong::ZERO)
    }

    /// Not paid (payable or stopped).
    pub fn unpaid(&self) -> Dong {
        Dong::sum(self.lines.iter().filter(|l| !l.paid).map(|l| l.amount)).unwrap_or(Dong::ZERO)
    }

    /// Not paid and blocked by a stop.
    pub fn unpaid_stopped(&self) -> Dong {
        Dong::sum(
            self.lines
                .iter()
                .filter(|l| !l.paid && l.stopped)
                .map(|l| l.amount),
        )
        .unwrap_or(Dong::ZERO)
    }

    /// Not paid and paid by bank account this period.
    pub fn unpaid_by_account(&self) -> Dong {
        Dong::sum(
            self.lines
                .iter()
                .filter(|l| !l.paid && l.by_account)
                .map(|l| l.amount),
        )
        .unwrap_or(Dong::ZERO)
    }

    /// True when the office pays every unpaid line of the person by account: they are left off
    /// the cash signature sheet.
    pub fn by_account(&self) -> bool {
        self.status() == PayStatus::ByAccount
    }

    /// The status in the terms the state's software uses with the post office.
    pub fn status(&self) -> PayStatus {
        PayStatus::from_amounts(
            self.unpaid(),
            self.unpaid_stopped(),
            self.paid(),
            self.unpaid_by_account(),
        )
    }
}

/// The people paid in cash and those the office pays by bank account this period (left off the
/// cash sheet and the unpaid list, counted apart in the settlement).
pub(crate) fn cash_and_account(people: Vec<Person>) -> (Vec<Person>, Vec<Person>) {
    let (account, cash) = people.into_iter().partition(Person::by_account);
    (cash, account)
}

/// Whether a line is paid every month (allowance, supplement, carer allowance) rather than once.
/// The months the monthly lines of a list cover, in order ("2026-12", and "2027-01" when the roll
/// pays two months together near Tết).
pub(crate) fn months_paid(people: &[Person]) -> Vec<String> {
    let months: std::collections::BTreeSet<&str> = people
        .iter()
        .flat_map(|p| p.lines.iter())
        .filter(|l| l.kind.is_monthly())
        .map(|l| l.covers_from.as_str())
        .collect();
    months.into_iter().map(str::to_string).collect()
}

/// The version of a period's roll in force and when the pay point received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RollInfo {
    /// 1 for the roll as first sent, 2 for its first amendment, …
    pub version: u32,
    /// The date the pay point loaded that version.
    pub received: Option<NaiveDate>,
}

/// A payout as the receipt prints it.
#[derive(Debug, Clone)]
pub(crate) struct PayoutDoc {
    pub id: String,
    pub person: Person,
    pub period: Period,
    pub proxy: Option<(String, String)>,
    pub at_home: bool,
    pub clerk: String,
    pub paid_at: String,
    pub lines: Vec<(LineKind, Dong, String, String, String)>,
}

/// A payout of the day.
#[derive(Debug, Clone)]
pub(crate) struct DayPayout {
    pub time: String,
    pub code: String,
    pub name: String,
    pub proxy_name: Option<String>,
    pub at_home: bool,
    pub clerk: String,
    pub amount: Dong,
    pub reversed: bool,
    /// `IdCheck::method` of the payout, `None` when not recorded.
    pub id_check: Option<String>,
}

/// A reversal of the day.
#[derive(Debug, Clone)]
pub(crate) struct DayReversal {
    pub time: String,
    pub code: String,
    pub name: String,
    pub reason: String,
    pub clerk: String,
    pub approver: String,
    pub amount: Dong,
}

/// A home visit of the day.
#[derive(Debug, Clone)]
pub(crate) struct DayVisit {
    pub time: String,
    pub code: String,
    pub name: String,
    pub village: String,
    pub outcome: VisitOutcome,
    pub note: String,
}

/// A stop report of the day.
#[derive(Debug, Clone)]
pub(crate) struct DayStop {
    pub time: String,
    pub code: String,
    pub name: String,
    pub reason: StopReason,
    pub date: Option<NaiveDate>,
    pub note: String,
}

/// A cash count with its notes.
#[derive(Debug, Clone)]
pub(crate) struct DayCount {
    pub time: String,
    pub clerk: String,
    pub counted: Dong,
    pub expected: Dong,
    pub difference: Dong,
    pub notes: Vec<(Dong, u32)>,
}

/// Cash box movements over a span of events.
#[derive(Debug, Clone, Default)]
pub(crate) struct CashSpan {
    pub opening: Dong,
    pub advanced: Dong,
    pub paid_out: Dong,
    pub reversed: Dong,
    pub returned: Dong,
    pub closing: Dong,
}

/// The payouts of a day counted gross, reversed (whenever the reversal was made) and net.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PaidSummary {
    /// Every payout of the day.
    pub count: usize,
    /// Their amount.
    pub gross: Dong,
    /// Those reversed since.
    pub reversed_count: usize,
    /// Their amount.
    pub reversed: Dong,
    /// What stands: gross less reversed.
    pub net: Dong,
}

impl PaidSummary {
    /// The summary of the day's payouts.
    pub(crate) fn of(payouts: &[DayPayout]) -> Result<PaidSummary, DocumentError> {
        let gross = Dong::sum(payouts.iter().map(|p| p.amount))?;
        let reversed = Dong::sum(payouts.iter().filter(|p| p.reversed).map(|p| p.amount))?;
        Ok(PaidSummary {
            count: payouts.len(),
            gross,
            reversed_count: payouts.iter().filter(|p| p.reversed).count(),
            reversed,
            net: gross.checked_sub(reversed)?,
        })
    }
}

/// Everything of one day.
#[derive(Debug, Clone)]
pub(crate) struct Day {
    pub payouts: Vec<DayPayout>,
    pub reversals: Vec<DayReversal>,
    pub visits: Vec<DayVisit>,
    pub stops: Vec<DayStop>,
    pub count: Option<DayCount>,
    pub cash: CashSpan,
}

fn corrupt(what: String) -> DocumentError {
    DocumentError::Ledger(LedgerError::Corrupt(what))
}

fn dong(n: i64) -> Result<Dong, DocumentError> {
    Ok(Dong::new(n)?)
}

impl Ledger {
    /// A read transaction, so that every query of one document sees the same state of the
    /// ledger even while another process records a payout. Dropped (rolled back) at the end.
    pub(crate) fn document_snapshot(&self) -> Result<rusqlite::Transaction<'_>, DocumentError> {
        Ok(self.conn.unchecked_transaction()?)
    }

    /// The pay point and the period a document is about: the one asked, or the open period, or
    /// (after the month is closed) the latest period with a roll.
    pub fn document_context(&self, period: Option<Period>) -> Result<Context, DocumentError> {
        let period = match period {
            Some(p) => {
                let known: bool = self
                    .conn
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM rolls WHERE period = ?1)")?
                    .query_row([p.to_string()], |r| r.get(0))?;
                if !known {
                    return Err(DocumentError::NoRollForPeriod(p));
                }
                p
            }
            None => match self.open_period()? {
                Some(p) => p,
                None => {
                    let latest: Option<String> = self
                        .conn
                        .prepare_cached("SELECT max(period) FROM rolls")?
                        .query_row([], |r| r.get(0))?;
                    let latest = latest.ok_or(DocumentError::NoRoll)?;
                    latest
                        .parse()
                        .map_err(|_| corrupt(format!("kỳ “{latest}”")))?
                }
            },
        };
        let demo: bool = self
            .conn
            .prepare_cached("SELECT coalesce(max(is_demo), 0) FROM rolls WHERE period = ?1")?
            .query_row([period.to_string()], |r| r.get(0))?;
        let origin: Option<String> = self
            .conn
            .prepare_cached(
                "SELECT o.origin FROM rolls r JOIN roll_origins o ON o.roll_id = r.id
                 WHERE r.period = ?1 ORDER BY r.version DESC LIMIT 1",
            )?
            .query_row([period.to_string()], |r| r.get(0))
            .optional()?;
        let head_hash: String = self
            .conn
            .prepare_cached(
                "SELECT coalesce((SELECT hash FROM events ORDER BY seq DESC LIMIT 1), '')",
            )?
            .query_row([], |r| r.get(0))?;
        let d = self.device();
        Ok(Context {
            pay_point_code: d.pay_point_code.clone(),
            pay_point_name: d.pay_point_name.clone(),
            period,
            demo,
            unsigned: origin.as_deref() == Some(crate::model::RollOrigin::File.as_str()),
            head_hash,
            org: self.organisation()?,
        })
    }

    /// The version of the period's roll in force and the date the pay point loaded it.
    pub(crate) fn document_roll(&self, period: Period) -> Result<RollInfo, DocumentError> {
        let row: Option<(u32, String)> = self
            .conn
            .prepare_cached(
                "SELECT r.version, e.local_time FROM rolls r JOIN events e ON e.seq = r.event_seq
                 WHERE r.period = ?1 ORDER BY r.version DESC LIMIT 1",
            )?
            .query_row([period.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (version, at) = row.ok_or(DocumentError::NoRollForPeriod(period))?;
        Ok(RollInfo {
            version,
            received: super::date_of(&at),
        })
    }

    /// Every beneficiary of a period, in roll order, with their live lines (withdrawn lines and
    /// months another roll paid left out, and with them anyone an amended roll dropped), paid flags net of reversals, stop and
    /// last home visit.
    pub(crate) fn document_people(&self, period: Period) -> Result<Vec<Person>, DocumentError> {
        self.people_where(period, None)
    }

    fn people_where(
        &self,
        period: Period,
        only: Option<i64>,
    ) -> Result<Vec<Person>, DocumentError> {
        let p = period.to_string();
        let mut out: Vec<Person> = Vec::new();
        let mut index = std::collections::HashMap::new();
        {
            let mut stmt = self.conn.prepare_cached(&format!(
                "SELECT b.id, b.code, b.name, b.birth_year, b.village, b.category, b.id_card,
                        b.home_delivery, b.proxy_name, b.proxy_id_card, b.proxy_relationship,
                        s.reason, s.effective_date,
                        (SELECT v.outcome || '|' || v.visited_at FROM visits v
                          WHERE v.beneficiary_id = b.id ORDER BY v.event_seq DESC LIMIT 1),
                        b.sex,
                        (SELECT max(p.paid_at) FROM payouts p WHERE p.beneficiary_id = b.id
                           AND NOT EXISTS (SELECT 1 FROM reversals r WHERE r.payout_id = p.id)),
                        {}
                 FROM beneficiaries b LEFT JOIN stops s ON s.code = b.code
                 WHERE b.period = ?1 AND (?2 IS NULL OR b.id = ?2) ORDER BY b.id",
                crate::device::held_elsewhere_sql("b.code")
            ))?;
            let mut rows = stmt.query(params![p, only])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let proxy = match (
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<String>>(9)?,
                ) {
                    (Some(name), Some(id_card)) => Some(DocProxy {
                        name,
                        id_card,
                        relationship: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
                    }),
                    _ => None,
                };
                let stop = match r.get::<_, Option<String>>(11)? {
                    Some(reason) => Some((
                        StopReason::parse(&reason)
                            .ok_or_else(|| corrupt(format!("lý do báo giảm “{reason}”")))?,
                        r.get::<_, Option<String>>(12)?.and_then(|d| d.parse().ok()),
                    )),
                    None => None,
                };
                let last_visit = match r.get::<_, Option<String>>(13)? {
                    Some(v) => {
                        let (outcome, at) = v.split_once('|').unwrap_or((&v, ""));
                        Some((
                            VisitOutcome::parse(outcome)
                                .ok_or_else(|| corrupt(format!("kết quả đến nhà “{outcome}”")))?,
                            at.to_string(),
                        ))
                    }
                    None => None,
                };
                index.insert(id, out.len());
                out.push(Person {
                    id,
                    code: r.get(1)?,
                    name: r.get(2)?,
                    birth_year: r.get(3)?,
                    village: r.get(4)?,
                    category: r.get(5)?,
                    id_card: r.get(6)?,
                    sex: match r.get::<_, Option<String>>(14)?.as_deref() {
                        Some("M") => Some(Sex::M),
                        Some("F") => Some(Sex::F),
                        _ => None,
                    },
                    paid_at: r.get(15)?,
                    held_by: r.get(16)?,
                    home_delivery: r.get(7)?,
                    proxy,
                    stop,
                    last_visit,
                    lines: Vec::new(),
                });
            }
        }
        // Each line's state from the store's one definition (`line_state`, migration 0005).
        let mut stmt = self.conn.prepare_cached(
            "SELECT beneficiary_id, kind, amount, covers_from, covers_to, paid_by IS NOT NULL, stopped, by_account
             FROM line_state
             WHERE period = ?1 AND (?2 IS NULL OR beneficiary_id = ?2) AND live
             ORDER BY line_id",
        )?;
        let mut rows = stmt.query(params![p, only])?;
        while let Some(r) = rows.next()? {
            let bid: i64 = r.get(0)?;
            let kind: String = r.get(1)?;
            let kind = LineKind::parse(&kind)
                .ok_or_else(|| corrupt(format!("loại khoản chi “{kind}”")))?;
            let Some(&i) = index.get(&bid) else { continue };
            out[i].lines.push(DocLine {
                kind,
                amount: dong(r.get(2)?)?,
                covers_from: r.get(3)?,
                covers_to: r.get(4)?,
                paid: r.get(5)?,
                stopped: r.get(6)?,
                by_account: r.get(7)?,
            });
        }
        // Someone whose every line an amended roll withdrew is no longer on the roll.
        out.retain(|p| !p.lines.is_empty());
        Ok(out)
    }

    /// The beneficiary of a period with this code.
    pub(crate) fn document_person(
        &self,
        period: Period,
        code: &str,
    ) -> Result<Option<Person>, DocumentError> {
        let id: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM beneficiaries WHERE period = ?1 AND code = ?2")?
            .query_row(params![period.to_string(), code.trim()], |r| r.get(0))
            .optional()?;
        match id {
            Some(id) => Ok(self.people_where(period, Some(id))?.into_iter().next()),
            None => Ok(None),
        }
    }

    /// The id of the payout a receipt is for (see [`Ledger::receipt_payout`]).
    fn receipt_payout_id(
        &self,
        period: Period,
        code: Option<&str>,
        payout: Option<&str>,
    ) -> Result<String, DocumentError> {
        Ok(match (payout, code) {
            (Some(pid), _) => {
                let pid = pid.trim().to_lowercase();
                if pid.len() < 8 {
                    return Err(DocumentError::UnknownPayout(pid));
                }
                let ids: Vec<String> = {
                    let mut stmt = self.conn.prepare_cached(
                        "SELECT id FROM payouts WHERE substr(id, 1, length(?1)) = ?1 LIMIT 2",
                    )?;
                    let rows = stmt.query_map([&pid], |r| r.get(0))?;
                    rows.collect::<Result<_, _>>()?
                };
                match ids.as_slice() {
                    [one] => one.clone(),
                    [] => return Err(DocumentError::UnknownPayout(pid)),
                    _ => return Err(DocumentError::AmbiguousPayout(pid)),
                }
            }
            (None, Some(code)) => {
                let person = self.document_person(period, code)?.ok_or_else(|| {
                    DocumentError::UnknownBeneficiary {
                        code: code.trim().to_string(),
                        period,
                    }
                })?;
                let found: Option<String> = self
                    .conn
                    .prepare_cached(
                        "SELECT p.id FROM payouts p WHERE p.beneficiary_id = ?1
                           AND p.id NOT IN (SELECT payout_id FROM reversals)
                         ORDER BY p.event_seq DESC LIMIT 1",
                    )?
                    .query_row([person.id], |r| r.get(0))
                    .optional()?;
                found.ok_or_else(|| DocumentError::NotPaid {
                    code: person.code.clone(),
                    name: person.name.clone(),
                    period,
                })?
            }
            (None, None) => return Err(DocumentError::ReceiptTarget),
        })
    }

    /// The payout a receipt is for: the one named (a unique prefix of at least 8 characters of its
    /// id will do), or the latest payout, not reversed, of the beneficiary in the period.
    pub(crate) fn receipt_payout(
        &self,
        period: Period,
        code: Option<&str>,
        payout: Option<&str>,
    ) -> Result<PayoutDoc, DocumentError> {
        let id = self.receipt_payout_id(period, code, payout)?;
        let (bid, bperiod, proxy_name, proxy_id, at_home, clerk, paid_at, reversed): (
            i64,
            String,
            Option<String>,
            Option<String>,
            bool,
            String,
            String,
            bool,
        ) = self
            .conn
            .prepare_cached(
                "SELECT p.beneficiary_id, b.period, p.proxy_name, p.proxy_id_card, p.at_home,
                        c.name, p.paid_at,
                        EXISTS (SELECT 1 FROM reversals r WHERE r.payout_id = p.id)
                 FROM payouts p JOIN beneficiaries b ON b.id = p.beneficiary_id
                 JOIN clerks c ON c.id = p.clerk_id WHERE p.id = ?1",
            )?
            .query_row([&id], |r| {
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
        if reversed {
            return Err(DocumentError::PayoutReversed(id));
        }
        let period: Period = bperiod
            .parse()
            .map_err(|_| corrupt(format!("kỳ “{bperiod}”")))?;
        let person = self
            .people_where(period, Some(bid))?
            .into_iter()
            .next()
            .ok_or_else(|| corrupt(format!("đối tượng của lần chi trả {id}")))?;
        let mut lines = Vec::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.kind, pl.amount, l.covers_from, l.covers_to, l.note
             FROM payout_lines pl JOIN lines l ON l.id = pl.line_id
             WHERE pl.payout_id = ?1 ORDER BY l.id",
        )?;
        let mut rows = stmt.query([&id])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            lines.push((
                LineKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("loại khoản chi “{kind}”")))?,
                dong(r.get(1)?)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ));
        }
        Ok(PayoutDoc {
            id,
            person,
            period,
            proxy: proxy_name.zip(proxy_id),
            at_home,
            clerk,
            paid_at,
            lines,
        })
    }

    /// Everything recorded on a date (local time of the device): payouts, reversals, visits, stop
    /// reports, the cash movements, and the last cash count of that date.
    pub(crate) fn document_day(&self, date: NaiveDate) -> Result<Day, DocumentError> {
        let d = date.to_string();
        let payouts = self.day_payouts(&d)?;
        let reversals = self.day_reversals(&d)?;
        let visits = self.day_visits(&d)?;
        let stops = self.day_stops(&d)?;
        let count = self.day_count(&d)?;
        let cash = self.cash_span(
            "substr(e.local_time, 1, 10) < ?1",
            "substr(e.local_time, 1, 10) = ?1",
            &d,
        )?;
        Ok(Day {
            payouts,
            reversals,
            visits,
            stops,
            count,
            cash,
        })
    }

    /// The payouts of the date, reversed ones marked.
    fn day_payouts(&self, d: &str) -> Result<Vec<DayPayout>, DocumentError> {
        let mut payouts = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT p.event_seq, p.paid_at, b.code, b.name, p.proxy_name, p.at_home, c.name,
                        (SELECT coalesce(sum(amount), 0) FROM payout_lines pl WHERE pl.payout_id = p.id),
                        EXISTS (SELECT 1 FROM reversals r WHERE r.payout_id = p.id), p.id_check
                 FROM payouts p JOIN beneficiaries b ON b.id = p.beneficiary_id
                 JOIN clerks c ON c.id = p.clerk_id
                 WHERE substr(p.paid_at, 1, 10) = ?1 ORDER BY p.event_seq",
            )?;
            let mut rows = stmt.query([d])?;
            while let Some(r) = rows.next()? {
                let at: String = r.get(1)?;
                payouts.push(DayPayout {
                    time: super::time_of(&at),
                    code: r.get(2)?,
                    name: r.get(3)?,
                    proxy_name: r.get(4)?,
                    at_home: r.get(5)?,
                    clerk: r.get(6)?,
                    amount: dong(r.get(7)?)?,
                    reversed: r.get(8)?,
                    id_check: r.get(9)?,
                });
            }
        }
        Ok(payouts)
    }

    /// The reversals recorded on the date.
    fn day_reversals(&self, d: &str) -> Result<Vec<DayReversal>, DocumentError> {
        let mut reversals = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT e.local_time, r.event_seq, b.code, b.name, r.reason, c.name, a.name,
                        (SELECT coalesce(sum(amount), 0) FROM payout_lines pl WHERE pl.payout_id = r.payout_id)
                 FROM reversals r JOIN events e ON e.seq = r.event_seq
                 JOIN payouts p ON p.id = r.payout_id
                 JOIN beneficiaries b ON b.id = p.beneficiary_id
                 JOIN clerks c ON c.id = r.clerk_id JOIN clerks a ON a.id = r.approver_id
                 WHERE substr(e.local_time, 1, 10) = ?1 ORDER BY r.event_seq",
            )?;
            let mut rows = stmt.query([d])?;
            while let Some(r) = rows.next()? {
                let at: String = r.get(0)?;
                reversals.push(DayReversal {
                    time: super::time_of(&at),
                    code: r.get(2)?,
                    name: r.get(3)?,
                    reason: r.get(4)?,
                    clerk: r.get(5)?,
                    approver: r.get(6)?,
                    amount: dong(r.get(7)?)?,
                });
            }
        }
        Ok(reversals)
    }

    /// The home visits of the date.
    fn day_visits(&self, d: &str) -> Result<Vec<DayVisit>, DocumentError> {
        let mut visits = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT v.visited_at, b.code, b.name, b.village, v.outcome, v.note
                 FROM visits v JOIN beneficiaries b ON b.id = v.beneficiary_id
                 WHERE substr(v.visited_at, 1, 10) = ?1 ORDER BY v.event_seq",
            )?;
            let mut rows = stmt.query([d])?;
            while let Some(r) = rows.next()? {
                let at: String = r.get(0)?;
                let outcome: String = r.get(4)?;
                visits.push(DayVisit {
                    time: super::time_of(&at),
                    code: r.get(1)?,
                    name: r.get(2)?,
                    village: r.get(3)?,
                    outcome: VisitOutcome::parse(&outcome)
                        .ok_or_else(|| corrupt(format!("kết quả đến nhà “{outcome}”")))?,
                    note: r.get(5)?,
                });
            }
        }
        Ok(visits)
    }

    /// The stop reports recorded on the date.
    fn day_stops(&self, d: &str) -> Result<Vec<DayStop>, DocumentError> {
        let mut stops = Vec::new();
        {
            let mut stmt = self.conn.prepare_cached(
                "SELECT e.local_time, s.code,
                        coalesce((SELECT b.name FROM beneficiaries b WHERE b.code = s.code
                                  ORDER BY b.id DESC LIMIT 1), ''),
                        s.reason, s.effective_date, s.note
                 FROM stops s JOIN events e ON e.seq = s.event_seq
                 WHERE substr(e.local_time, 1, 10) = ?1 ORDER BY s.event_seq",
            )?;
            let mut rows = stmt.query([d])?;
            while let Some(r) = rows.next()? {
                let at: String = r.get(0)?;
                let reason: String = r.get(3)?;
                stops.push(DayStop {
                    time: super::time_of(&at),
                    code: r.get(1)?,
                    name: r.get(2)?,
                    reason: StopReason::parse(&reason)
                        .ok_or_else(|| corrupt(format!("lý do báo giảm “{reason}”")))?,
                    date: r.get::<_, Option<String>>(4)?.and_then(|s| s.parse().ok()),
                    note: r.get(5)?,
                });
            }
        }
        Ok(stops)
    }

    /// The last cash count of the date, with its notes.
    fn day_count(&self, d: &str) -> Result<Option<DayCount>, DocumentError> {
        let count = self
            .conn
            .prepare_cached(
                "SELECT c.id, e.local_time, coalesce(k.name, ''), c.counted, c.expected, c.difference
                 FROM cash_counts c JOIN events e ON e.seq = c.event_seq
                 LEFT JOIN clerks k ON k.id = e.clerk_id
                 WHERE substr(e.local_time, 1, 10) = ?1 ORDER BY c.event_seq DESC LIMIT 1",
            )?
            .query_row([d], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                    r.get::<_, i64>(5)?,
                ))
            })
            .optional()?;
        Ok(match count {
            Some((id, at, clerk, counted, expected, difference)) => {
                let mut notes = Vec::new();
                let mut stmt = self.conn.prepare_cached(
                    "SELECT denomination, quantity FROM cash_count_notes WHERE count_id = ?1
                     ORDER BY denomination DESC",
                )?;
                let mut rows = stmt.query([&id])?;
                while let Some(r) = rows.next()? {
                    notes.push((dong(r.get(0)?)?, r.get(1)?));
                }
                Some(DayCount {
                    time: super::time_of(&at),
                    clerk,
                    counted: dong(counted)?,
                    expected: dong(expected)?,
                    difference: dong(difference)?,
                    notes,
                })
            }
            None => None,
        })
    }

    /// Cash movements whose event matches `during` (with `?1` bound to `arg`), and the balance
    /// before them: after the last movement whose event matches `before`.
    fn cash_span(&self, before: &str, during: &str, arg: &str) -> Result<CashSpan, DocumentError> {
        let opening: i64 = self
            .conn
            .prepare(&format!(
                "SELECT coalesce((SELECT m.balance_after FROM cash_movements m
                   JOIN events e ON e.seq = m.event_seq WHERE {before} ORDER BY m.seq DESC LIMIT 1), 0)"
            ))?
            .query_row([arg], |r| r.get(0))?;
        let mut span = CashSpan {
            opening: dong(opening)?,
            ..CashSpan::default()
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT m.kind, coalesce(sum(abs(m.delta)), 0) FROM cash_movements m
             JOIN events e ON e.seq = m.event_seq WHERE {during} GROUP BY m.kind"
        ))?;
        let mut rows = stmt.query([arg])?;
        while let Some(r) = rows.next()? {
            let kind: String = r.get(0)?;
            let amount = dong(r.get(1)?)?;
            match kind.as_str() {
                "advance" => span.advanced = amount,
                "payout" => span.paid_out = amount,
                "reversal" => span.reversed = amount,
                "return" => span.returned = amount,
                _ => return Err(corrupt(format!("loại biến động quỹ “{kind}”"))),
            }
        }
        span.closing = span
            .opening
            .checked_add(span.advanced)?
            .checked_sub(span.paid_out)?
            .checked_add(span.reversed)?
            .checked_sub(span.returned)?;
        Ok(span)
    }

    /// Cash movements of a period: from the event that loaded its roll up to the event that
    /// loaded the next period's roll (or now), with the balance before.
    pub(crate) fn period_cash(&self, period: Period) -> Result<CashSpan, DocumentError> {
        let p = period.to_string();
        let bounds: (Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached(
                "SELECT (SELECT min(event_seq) FROM rolls WHERE period = ?1),
                        (SELECT min(event_seq) FROM rolls WHERE period > ?1)",
            )?
            .query_row([&p], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let start = bounds.0.ok_or(DocumentError::NoRollForPeriod(period))?;
        let end = bounds.1.unwrap_or(i64::MAX);
        self.cash_span(
            &format!("e.seq < {start} AND ?1 IS NOT NULL"),
            &format!("e.seq >= {start} AND e.seq < {end} AND ?1 IS NOT NULL"),
            &p,
        )
    }

    /// The last cash count recorded in the span of a period.
    pub(crate) fn period_last_count(
        &self,
        period: Period,
    ) -> Result<Option<(String, Dong, Dong, Dong)>, DocumentError> {
        let p = period.to_string();
        let row: Option<(String, i64, i64, i64)> = self
            .conn
            .prepare_cached(
                "SELECT e.local_time, c.counted, c.expected, c.difference
                 FROM cash_counts c JOIN events e ON e.seq = c.event_seq
                 WHERE c.event_seq >= (SELECT min(event_seq) FROM rolls WHERE period = ?1)
                   AND c.event_seq < coalesce((SELECT min(event_seq) FROM rolls WHERE period > ?1), 9223372036854775807)
                 ORDER BY c.event_seq DESC LIMIT 1",
            )?
            .query_row([&p], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .optional()?;
        row.map(|(at, c, e, d)| Ok((at, dong(c)?, dong(e)?, dong(d)?)))
            .transpose()
    }

    /// The latest period before `period` that has a roll in this ledger.
    pub(crate) fn previous_roll_period(
        &self,
        period: Period,
    ) -> Result<Option<Period>, DocumentError> {
        let p: Option<String> = self
            .conn
            .prepare_cached("SELECT max(period) FROM rolls WHERE period < ?1")?
            .query_row([period.to_string()], |r| r.get(0))?;
        p.map(|s| s.parse().map_err(|_| corrupt(format!("kỳ “{s}”"))))
            .transpose()
    }
}
