//! Requests to be paid by bank account (issue 18), as the managing office handles them: listed
//! per pay point, exported for the bank (CSV and .xlsx, the office's column order), confirmed
//! from a period or refused with a reason, and a person whose transfer failed put back on cash for
//! one period. Each decision is a signed amendment to the pay point's devices (the device then
//! refuses cash from that period), and the rolls published from then on list who is paid by
//! account. The share of people and money paid by account per pay point is the figure the
//! province reports.

use crate::db::{params, Connection, OptionalExtension, TransactionBehavior};
use paypoint::account::{masked, AccountDecision, AccountMark, AccountShare};
use paypoint::event::payload::AccountRequested;
use paypoint::money::Dong;
use paypoint::roll::Roll;
use paypoint::sync::protocol::AmendmentKind;
use paypoint::Period;
use serde::Serialize;

use crate::{now, refused, Hub, HubError};

/// A request as the office sees it. The full number is in the export for the bank only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRow {
    /// Pay point.
    pub pay_point: String,
    /// Beneficiary code.
    pub code: String,
    /// Name on the pay point's latest roll.
    pub name: String,
    /// The bank's NAPAS code.
    pub bank: String,
    /// The bank's short name.
    pub bank_name: String,
    /// The account number (export only).
    #[serde(skip)]
    pub number: String,
    /// The number, masked but for its last four digits.
    pub masked: String,
    /// The holder, as the bank prints it.
    pub holder: String,
    /// The holder's relationship to the beneficiary, when not the beneficiary.
    pub relationship: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// When it was recorded (device time).
    pub requested_at: String,
    /// `requested`, `confirmed`, `refused`.
    pub state: String,
    /// Confirmed: the first period paid by account.
    pub from: Option<String>,
    /// Refused: why.
    pub reason: Option<String>,
    /// The periods put back on cash after a failed transfer.
    pub cash_periods: Vec<String>,
}

/// Records a device's request (once: a retried batch changes nothing).
pub(crate) fn record(
    tx: &Connection,
    pay_point: &str,
    device: &str,
    event: &paypoint::event::Event,
    r: &AccountRequested,
) -> crate::db::Result<()> {
    tx.prepare_cached(
        "INSERT INTO account_requests (event_id, pay_point, device, seq, code, bank, number,
             holder, relationship, phone, requested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        event.id.to_string(),
        pay_point,
        device,
        event.seq,
        r.code,
        r.bank,
        r.number,
        r.holder,
        r.relationship,
        r.phone,
        event.time,
    ])?;
    Ok(())
}

/// The people of `pay_point` paid by account in `period`: a confirmed request from that period or
/// earlier, not put back on cash for it. The rule of the device's `line_state.by_account`.
pub(crate) fn marks(
    tx: &Connection,
    pay_point: &str,
    period: Period,
) -> crate::db::Result<Vec<AccountMark>> {
    let mut stmt = tx.prepare_cached(
        "SELECT a.code, a.from_period, a.bank, a.number FROM account_requests a
          WHERE a.pay_point = ?1 AND a.decision = 'confirmed' AND a.from_period <= ?2
            AND a.decided_at = (SELECT max(b.decided_at) FROM account_requests b
                                 WHERE b.pay_point = a.pay_point AND b.code = a.code AND b.decision = 'confirmed')
            AND NOT EXISTS (SELECT 1 FROM account_cash_periods c
                             WHERE c.pay_point = a.pay_point AND c.code = a.code AND c.period = ?2)
          ORDER BY a.code",
    )?;
    let rows = stmt.query_map(params![pay_point, period.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (code, from, bank, number) = row?;
        // Stored from a checked period.
        let Ok(from) = from.parse() else { continue };
        out.push(AccountMark {
            code,
            from,
            bank,
            masked: masked(&number),
        });
    }
    Ok(out)
}

/// The share of a roll paid by account, given who is.
pub(crate) fn share_of(roll: &Roll, marks: &[AccountMark]) -> AccountShare {
    let mut s = AccountShare {
        people: roll.entries.len() as u64,
        ..AccountShare::default()
    };
    for e in &roll.entries {
        let total = e.total().unwrap_or(Dong::ZERO);
        s.amount = s.amount.checked_add(total).unwrap_or(s.amount);
        if marks.iter().any(|m| m.code == e.code.as_str()) {
            s.by_account_people += 1;
            // The funeral allowance is paid in cash to the family, as on the device.
            let by = e
                .lines
                .iter()
                .filter(|l| l.kind != paypoint::model::LineKind::Funeral)
                .map(|l| l.amount);
            let by = Dong::sum(by).unwrap_or(Dong::ZERO);
            s.by_account_amount = s
                .by_account_amount
                .checked_add(by)
                .unwrap_or(s.by_account_amount);
        }
    }
    s
}

/// A pay point's share paid by account in a period (its latest roll of the period).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PayPointShare {
    /// Pay point.
    pub pay_point: String,
    /// The period.
    pub period: String,
    /// The share.
    #[serde(flatten)]
    pub share: AccountShare,
    /// People, as "72,5%".
    pub people_percent: String,
    /// Money, as "72,5%".
    pub amount_percent: String,
}

const COLUMNS: [&str; 13] = [
    "STT",
    "Mã đối tượng",
    "Họ và tên",
    "Điểm chi trả",
    "Mã ngân hàng (NAPAS)",
    "Ngân hàng",
    "Số tài khoản",
    "Chủ tài khoản",
    "Quan hệ với đối tượng",
    "Số điện thoại",
    "Ngày đề nghị",
    "Trạng thái",
    "Nhận qua tài khoản từ kỳ",
];

fn cells(i: usize, a: &AccountRow) -> [String; 13] {
    let state = match a.state.as_str() {
        "confirmed" => "Đã xác nhận",
        "refused" => "Từ chối",
        _ => "Chờ xác nhận",
    };
    [
        (i + 1).to_string(),
        a.code.clone(),
        a.name.clone(),
        a.pay_point.clone(),
        a.bank.clone(),
        a.bank_name.clone(),
        a.number.clone(),
        a.holder.clone(),
        a.relationship.clone().unwrap_or_default(),
        a.phone.clone().unwrap_or_default(),
        a.requested_at.chars().take(10).collect(),
        state.to_string(),
        a.from.clone().unwrap_or_default(),
    ]
}

impl Hub {
    /// The requests, of one pay point or all; only those not yet decided unless `all`.
    pub fn account_requests(
        &self,
        pay_point: Option<&str>,
        all: bool,
    ) -> Result<Vec<AccountRow>, HubError> {
        let db = self.db()?;
        rows(&db, pay_point, all)
    }

    /// The office confirms the latest undecided request of `code`: paid by account from `from`.
    /// The pay point's devices stop paying the person in cash from that period at their next
    /// sync. Returns the request.
    pub fn confirm_account(
        &self,
        pay_point: &str,
        code: &str,
        from: Period,
    ) -> Result<AccountRow, HubError> {
        self.decide(pay_point, code, |hub, tx, id, row| {
            let change = AccountDecision::Confirmed {
                code: code.to_string(),
                from,
                bank: row.0.clone(),
                masked: masked(&row.1),
            };
            let amendment = hub.add_amendment(tx, pay_point, AmendmentKind::AccountDecided(change))?;
            tx.execute(
                "UPDATE account_requests SET decision = 'confirmed', from_period = ?1, decided_at = ?2,
                     amendment = ?3 WHERE event_id = ?4",
                params![from.to_string(), now(), amendment, id],
            )?;
            Ok(())
        })
    }

    /// The office refuses the latest undecided request of `code`, with a reason the clerk tells
    /// the beneficiary. The person stays on cash.
    pub fn refuse_account(
        &self,
        pay_point: &str,
        code: &str,
        reason: &str,
    ) -> Result<AccountRow, HubError> {
        let reason = paypoint::text::clean(reason);
        if reason.is_empty() {
            return Err(refused("cần ghi lý do từ chối (--reason)"));
        }
        self.decide(pay_point, code, |hub, tx, id, _| {
            let change = AccountDecision::Refused {
                code: code.to_string(),
                reason: reason.clone(),
            };
            let amendment =
                hub.add_amendment(tx, pay_point, AmendmentKind::AccountDecided(change))?;
            tx.execute(
                "UPDATE account_requests SET decision = 'refused', reason = ?1, decided_at = ?2,
                     amendment = ?3 WHERE event_id = ?4",
                params![reason, now(), amendment, id],
            )?;
            Ok(())
        })
    }

    /// Finds the latest undecided request of `code` and records the decision `f` makes, in one
    /// transaction. Returns the request as decided.
    fn decide(
        &self,
        pay_point: &str,
        code: &str,
        f: impl FnOnce(&Hub, &Connection, &str, &(String, String)) -> Result<(), HubError>,
    ) -> Result<AccountRow, HubError> {
        let mut db = self.db()?;
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: Option<(String, String, String)> = tx
            .query_row(
                "SELECT event_id, bank, number FROM account_requests
                  WHERE pay_point = ?1 AND code = ?2 AND decision IS NULL
                  ORDER BY requested_at DESC, seq DESC LIMIT 1",
                params![pay_point, code.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((id, bank, number)) = found else {
            return Err(refused(format!(
                "điểm {pay_point} không có đề nghị nhận qua tài khoản nào của “{code}” đang chờ quyết định; xem `accounts list`"
            )));
        };
        f(self, &tx, &id, &(bank, number))?;
        tx.commit()?;
        let all = rows(&db, Some(pay_point), true)?;
        all.into_iter()
            .find(|a| a.code == code.trim())
            .ok_or_else(|| refused("không đọc lại được quyết định vừa ghi"))
    }

    /// A person paid by account whose transfer of `period` failed is paid in cash in that period:
    /// the devices learn it at their next sync, the roll of that period published after it does
    /// not mark them. Returns the amendment's id.
    pub fn account_to_cash(
        &self,
        pay_point: &str,
        code: &str,
        period: Period,
        reason: &str,
    ) -> Result<u64, HubError> {
        let reason = paypoint::text::clean(reason);
        if reason.is_empty() {
            return Err(refused(
                "cần ghi lý do (--reason), ví dụ “chuyển khoản bị trả lại: tài khoản bị khóa”",
            ));
        }
        let mut db = self.db()?;
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let code = code.trim();
        let paid_by_account = marks(&tx, pay_point, period)?
            .iter()
            .any(|m| m.code == code);
        if !paid_by_account {
            return Err(refused(format!(
                "{code} của điểm {pay_point} không nhận qua tài khoản kỳ {period} (chưa xác nhận, xác nhận từ kỳ sau, hoặc đã cho nhận tiền mặt kỳ này)"
            )));
        }
        let change = AccountDecision::ToCash {
            code: code.to_string(),
            period,
            reason: reason.clone(),
        };
        let amendment =
            self.add_amendment(&tx, pay_point, AmendmentKind::AccountDecided(change))?;
        tx.execute(
            "INSERT INTO account_cash_periods (pay_point, code, period, reason, decided_at, amendment)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![pay_point, code, period.to_string(), reason, now(), amendment],
        )?;
        tx.commit()?;
        Ok(amendment)
    }

    /// The requests as CSV for the bank, in the office's column order (UTF-8 with a byte order
    /// mark, which Excel needs to read Vietnamese).
    pub fn accounts_csv(&self, pay_point: Option<&str>, all: bool) -> Result<String, HubError> {
        let list = self.account_requests(pay_point, all)?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| refused(e.to_string());
        w.write_record(COLUMNS).map_err(io)?;
        for (i, a) in list.iter().enumerate() {
            w.write_record(cells(i, a)).map_err(io)?;
        }
        let bytes = w.into_inner().map_err(|e| refused(e.to_string()))?;
        Ok(format!("\u{feff}{}", String::from_utf8_lossy(&bytes)))
    }

    /// The same as an .xlsx workbook. Every cell is text: an account number keeps its leading
    /// zeros and is never shown as 1,23E+12.
    pub fn accounts_xlsx(&self, pay_point: Option<&str>, all: bool) -> Result<Vec<u8>, HubError> {
        use rust_xlsxwriter::{Format, Workbook};
        let list = self.account_requests(pay_point, all)?;
        let x = |e: rust_xlsxwriter::XlsxError| refused(format!("không tạo được tệp .xlsx: {e}"));
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("De nghi tai khoan").map_err(x)?;
        let bold = Format::new().set_bold();
        for (c, title) in COLUMNS.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *title, &bold)
                .map_err(x)?;
        }
        for (i, a) in list.iter().enumerate() {
            for (c, v) in cells(i, a).iter().enumerate() {
                sheet.write_string(i as u32 + 1, c as u16, v).map_err(x)?;
            }
        }
        book.save_to_buffer().map_err(x)
    }

    /// Per pay point, the share of its latest roll of `period` paid by account.
    pub fn account_shares(&self, period: Period) -> Result<Vec<PayPointShare>, HubError> {
        let db = self.db()?;
        shares_in(&db, period)
    }
}

/// Adds a settlement row's share paid by account, and takes the money the office pays by account
/// out of what the pay point carries over (`carried + stopped + by_account = unpaid`). A person
/// stopped, or paid in cash in the period (before the confirmation, or put back on cash), is not
/// counted: the stop and the payout say where that money is.
pub(crate) fn settle(db: &Connection, row: &mut crate::SettlementRow) -> Result<(), HubError> {
    let Ok(period) = row.period.parse::<Period>() else {
        return Ok(());
    };
    let text: Option<String> = db
        .query_row(
            "SELECT roll FROM rolls WHERE pay_point = ?1 AND period = ?2 AND version = ?3",
            params![row.pay_point, row.period, row.roll_version],
            |r| r.get(0),
        )
        .optional()?;
    let Some(text) = text else { return Ok(()) };
    let roll: Roll = serde_json::from_str(&text).map_err(|e| refused(e.to_string()))?;
    let marks = marks(db, &row.pay_point, period)?;
    let mut settled = Roll {
        entries: Vec::new(),
        ..roll.clone()
    };
    let mut stmt = db.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM payouts WHERE pay_point = ?1 AND period = ?2 AND code = ?3 AND reversed_by IS NULL)
             OR EXISTS (SELECT 1 FROM stops WHERE pay_point = ?1 AND code = ?3)",
    )?;
    for e in roll.entries {
        let elsewhere: bool = stmt
            .query_row(params![row.pay_point, row.period, e.code.as_str()], |r| {
                r.get(0)
            })?;
        if !elsewhere {
            settled.entries.push(e);
        }
    }
    let mut share = share_of(&settled, &marks);
    share.people = row.beneficiaries;
    share.amount = Dong::new(row.total_due).unwrap_or(Dong::ZERO);
    row.by_account_people = share.by_account_people;
    row.by_account_amount = share.by_account_amount.as_i64();
    row.by_account_people_percent = paypoint::account::percent_vi(share.people_permille());
    row.by_account_amount_percent = paypoint::account::percent_vi(share.amount_permille());
    row.carried_amount = (row.carried_amount - row.by_account_amount).max(0);
    Ok(())
}

/// [`Hub::account_shares`] through a connection the caller holds.
pub(crate) fn shares_in(db: &Connection, period: Period) -> Result<Vec<PayPointShare>, HubError> {
    let mut stmt = db.prepare(
        "SELECT r.pay_point, r.roll FROM rolls r
          WHERE r.period = ?1 AND r.version = (SELECT max(version) FROM rolls x
                                               WHERE x.pay_point = r.pay_point AND x.period = r.period)
          ORDER BY r.pay_point",
    )?;
    let rolls: Vec<(String, String)> = stmt
        .query_map([period.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for (pp, text) in rolls {
        let roll: Roll = serde_json::from_str(&text).map_err(|e| refused(e.to_string()))?;
        let share = share_of(&roll, &marks(db, &pp, period)?);
        out.push(PayPointShare {
            pay_point: pp,
            period: period.to_string(),
            people_percent: paypoint::account::percent_vi(share.people_permille()),
            amount_percent: paypoint::account::percent_vi(share.amount_permille()),
            share,
        });
    }
    Ok(out)
}

fn rows(db: &Connection, pay_point: Option<&str>, all: bool) -> Result<Vec<AccountRow>, HubError> {
    let mut stmt = db.prepare_cached(
        "SELECT a.pay_point, a.code,
                coalesce((SELECT json_extract(e.value, '$.name') FROM rolls r, json_each(r.roll, '$.entries') e
                           WHERE r.pay_point = a.pay_point AND json_extract(e.value, '$.code') = a.code
                           ORDER BY r.period DESC, r.version DESC LIMIT 1), ''),
                a.bank, a.number, a.holder, a.relationship, a.phone, a.requested_at,
                coalesce(a.decision, 'requested'), a.from_period, a.reason,
                (SELECT group_concat(c.period, ' ') FROM account_cash_periods c
                  WHERE c.pay_point = a.pay_point AND c.code = a.code)
           FROM account_requests a
          WHERE (CAST(?1 AS TEXT) IS NULL OR a.pay_point = ?1) AND (?2 OR a.decision IS NULL)
          ORDER BY a.pay_point, a.requested_at, a.seq",
    )?;
    let rows = stmt.query_map(params![pay_point, all], |r| {
        let bank: String = r.get(3)?;
        let number: String = r.get(4)?;
        let cash: Option<String> = r.get(12)?;
        Ok(AccountRow {
            pay_point: r.get(0)?,
            code: r.get(1)?,
            name: r.get(2)?,
            bank_name: paypoint::account::bank(&bank)
                .map_or_else(|| bank.clone(), |b| b.short.clone()),
            bank,
            masked: masked(&number),
            number,
            holder: r.get(5)?,
            relationship: r.get(6)?,
            phone: r.get(7)?,
            requested_at: r.get(8)?,
            state: r.get(9)?,
            from: r.get(10)?,
            reason: r.get(11)?,
            cash_periods: cash
                .map(|c| c.split(' ').map(str::to_string).collect())
                .unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
