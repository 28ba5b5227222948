//! The move to bank accounts (issue 18, Directive 21/CT-TTg). The pay point is where the
//! beneficiary is met each month, so it is where the request to be paid by account is taken: the
//! bank (from the shipped list of Vietnamese banks and their NAPAS codes), the account number, the
//! holder as the bank prints it. The request travels to the managing office as an event; the office
//! decides (signed amendments): confirmed from a period, refused with a reason, or put back on cash
//! for one period after a failed transfer. From the confirmed period the store no longer pays the
//! person in cash (`line_state.by_account`, migration 0013): one rule, read by the card, the
//! sheet, the settlement and the payout.
//!
//! The account number is personal data: it lives in the encrypted ledger and in the request's
//! event, is shown masked but for its last four digits, and never reaches a log.

use std::sync::LazyLock;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clerk::SignedIn;
use crate::event::{payload, EventPayload};
use crate::ledger::{Ledger, LedgerError, Writer};
use crate::model::BeneficiaryCode;
use crate::money::Dong;
use crate::period::Period;
use crate::text;

/// The list of banks as shipped (`assets/banks/vn-banks.json`), with its source and date.
const BANKS_JSON: &str = include_str!("../assets/banks/vn-banks.json");

/// NAPAS's general range of account number lengths, for a bank whose own rule is not known.
pub const ACCOUNT_DIGITS: (usize, usize) = (6, 19);
/// A Vietnamese phone number: 10 digits (0 and 9 more), or 11 with an old prefix.
const PHONE_DIGITS: (usize, usize) = (10, 11);
/// Longest holder name and relationship accepted: a name, not a letter.
const MAX_TEXT: usize = 120;

/// One bank of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Bank {
    /// NAPAS bank identification number, 6 digits (Agribank: 970405).
    pub code: String,
    /// The short name people use.
    pub short: String,
    /// Full name.
    pub name: String,
    /// Account number length, `[min, max]`, where the bank's rule is known.
    #[serde(default)]
    pub digits: Option<[u8; 2]>,
}

/// The shipped list of banks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct BankList {
    /// Where the list comes from.
    pub source: String,
    /// The date of the source list.
    pub as_of: String,
    /// The banks, the most used first.
    pub banks: Vec<Bank>,
}

static BANKS: LazyLock<BankList> =
    LazyLock::new(|| serde_json::from_str(BANKS_JSON).expect("the shipped bank list parses"));

/// The shipped list of banks.
pub fn banks() -> &'static BankList {
    &BANKS
}

/// A bank by its NAPAS code or its short name (any case).
pub fn bank(code_or_name: &str) -> Option<&'static Bank> {
    let k = code_or_name.trim();
    BANKS
        .banks
        .iter()
        .find(|b| b.code == k || b.short.eq_ignore_ascii_case(k))
}

/// An event's payload as a journal shows it (the window's, `paypoint events`): a request's account
/// number masked. The chain keeps it whole; only the exporting hub needs it.
pub fn payload_for_display(
    kind: crate::event::EventKind,
    payload: &serde_json::Value,
) -> serde_json::Value {
    let mut v = payload.clone();
    if kind == crate::event::EventKind::AccountRequested {
        if let Some(n) = v.get("number").and_then(|n| n.as_str()).map(masked) {
            v["number"] = serde_json::Value::String(n);
        }
    }
    v
}

/// An account number shown on screen: every digit but the last four masked.
pub fn masked(number: &str) -> String {
    let n = number.chars().count();
    let keep: String = number.chars().skip(n.saturating_sub(4)).collect();
    format!("{}{keep}", "*".repeat(n.saturating_sub(4)))
}

/// What the clerk typed for a request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountRequestInput {
    /// Beneficiary code.
    pub code: String,
    /// The bank's NAPAS code (or short name).
    pub bank: String,
    /// Account number.
    pub number: String,
    /// The holder as the bank prints it.
    pub holder: String,
    /// When the holder is not the beneficiary: how they are related ("con trai").
    pub relationship: Option<String>,
    /// Phone number, optional.
    pub phone: Option<String>,
}

/// Why a request was not recorded. Each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// No such code on the roll of the open period.
    #[error("không tìm thấy đối tượng có mã “{0}” trong danh sách kỳ này")]
    UnknownBeneficiary(String),
    /// The bank is not on the list.
    #[error("ngân hàng “{0}” không có trong danh sách; chọn theo mã NAPAS (ví dụ 970405 Agribank) — `paypoint account banks`")]
    UnknownBank(String),
    /// The number has something other than digits.
    #[error("số tài khoản chỉ gồm chữ số, không có khoảng trắng, dấu chấm hay chữ cái: kiểm tra lại trên sổ/thẻ ngân hàng")]
    NumberNotDigits,
    /// The number's length is not one the bank uses.
    #[error("số tài khoản {bank} gồm {} chữ số; số đã nhập có {got}: kiểm tra lại trên sổ/thẻ ngân hàng", if min == max { min.to_string() } else { format!("{min}–{max}") })]
    NumberLength {
        /// The bank's short name.
        bank: String,
        /// Fewest digits.
        min: usize,
        /// Most digits.
        max: usize,
        /// Digits typed.
        got: usize,
    },
    /// No holder name.
    #[error("cần ghi tên chủ tài khoản đúng như ngân hàng in")]
    NoHolder,
    /// The holder is someone else and no relationship was stated.
    #[error("chủ tài khoản “{holder}” không trùng tên đối tượng “{name}”: ghi quan hệ với đối tượng (--relationship, ví dụ “con trai”) nếu đúng là tài khoản của người thân")]
    HolderNotBeneficiary {
        /// The holder typed.
        holder: String,
        /// The name on the roll.
        name: String,
    },
    /// The phone number is not one.
    #[error("số điện thoại gồm 10 chữ số (ví dụ 0912345678); để trống nếu không có")]
    BadPhone,
    /// A text field is too long.
    #[error("{0} quá dài (tối đa {MAX_TEXT} ký tự)")]
    TooLong(&'static str),
    /// The store failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl AccountError {
    /// Stable identifier.
    pub fn code(&self) -> &'static str {
        match self {
            AccountError::UnknownBeneficiary(_) => "unknown_beneficiary",
            AccountError::UnknownBank(_) => "unknown_bank",
            AccountError::NumberNotDigits => "account_not_digits",
            AccountError::NumberLength { .. } => "account_length",
            AccountError::NoHolder => "no_holder",
            AccountError::HolderNotBeneficiary { .. } => "holder_not_beneficiary",
            AccountError::BadPhone => "bad_phone",
            AccountError::TooLong(_) => "too_long",
            AccountError::Ledger(l) => l.code(),
        }
    }
}

impl From<rusqlite::Error> for AccountError {
    fn from(e: rusqlite::Error) -> Self {
        AccountError::Ledger(LedgerError::from(e))
    }
}

/// A request checked against the bank list and the roll, ready to record.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Checked {
    code: BeneficiaryCode,
    bank: &'static Bank,
    number: String,
    holder: String,
    relationship: Option<String>,
    phone: Option<String>,
}

fn optional(s: &Option<String>, what: &'static str) -> Result<Option<String>, AccountError> {
    let s = s.as_deref().map(text::clean).filter(|s| !s.is_empty());
    match s {
        Some(s) if s.chars().count() > MAX_TEXT => Err(AccountError::TooLong(what)),
        s => Ok(s),
    }
}

/// Checks what the clerk typed; `name` is the beneficiary's name on the roll.
fn check(input: &AccountRequestInput, name: &str) -> Result<Checked, AccountError> {
    let code = BeneficiaryCode::new(&input.code)
        .ok_or_else(|| AccountError::UnknownBeneficiary(input.code.clone()))?;
    let bank = bank(&input.bank).ok_or_else(|| AccountError::UnknownBank(input.bank.clone()))?;
    let number = input.number.trim().to_string();
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AccountError::NumberNotDigits);
    }
    let (min, max) = bank
        .digits
        .map_or(ACCOUNT_DIGITS, |[a, b]| (a as usize, b as usize));
    if !(min..=max).contains(&number.len()) {
        return Err(AccountError::NumberLength {
            bank: bank.short.clone(),
            min,
            max,
            got: number.len(),
        });
    }
    let holder = text::clean(&input.holder);
    if holder.is_empty() {
        return Err(AccountError::NoHolder);
    }
    if holder.chars().count() > MAX_TEXT {
        return Err(AccountError::TooLong("tên chủ tài khoản"));
    }
    let relationship = optional(&input.relationship, "quan hệ")?;
    if text::fold(&holder) != text::fold(&text::clean(name)) && relationship.is_none() {
        return Err(AccountError::HolderNotBeneficiary {
            holder,
            name: name.to_string(),
        });
    }
    let phone = optional(&input.phone, "số điện thoại")?.map(|p| p.replace([' ', '.'], ""));
    if let Some(p) = &phone {
        let ok = p.bytes().all(|b| b.is_ascii_digit()) && p.starts_with('0');
        if !ok || !(PHONE_DIGITS.0..=PHONE_DIGITS.1).contains(&p.len()) {
            return Err(AccountError::BadPhone);
        }
    }
    Ok(Checked {
        code,
        bank,
        number,
        holder,
        relationship,
        phone,
    })
}

/// A recorded request, as the clerk sees it: the number masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountView {
    /// Beneficiary code.
    pub code: String,
    /// Name on the roll of the open period (empty when no longer on it).
    pub name: String,
    /// The bank's NAPAS code.
    pub bank: String,
    /// The bank's short name.
    pub bank_name: String,
    /// The number, masked but for the last four digits.
    pub masked: String,
    /// The holder.
    pub holder: String,
    /// The holder's relationship to the beneficiary, when not the beneficiary.
    pub relationship: Option<String>,
    /// When it was recorded (the device's time).
    pub requested_at: String,
    /// `requested`, `confirmed`, `refused`.
    pub state: String,
    /// Confirmed: the first period paid by account.
    pub from: Option<Period>,
    /// Refused: why.
    pub reason: Option<String>,
    /// The event's sequence (the request's number on this device).
    pub seq: u64,
}

impl Ledger {
    /// Records a beneficiary's request to be paid by account. Returns it as listed.
    pub fn request_account(
        &mut self,
        by: &SignedIn,
        input: &AccountRequestInput,
    ) -> Result<AccountView, AccountError> {
        let period = self.require_open_period()?;
        self.write(|w| {
            let code = BeneficiaryCode::new(&input.code)
                .ok_or_else(|| AccountError::UnknownBeneficiary(input.code.clone()))?;
            let name: String = w
                .tx
                .prepare_cached("SELECT name FROM beneficiaries WHERE period = ?1 AND code = ?2")?
                .query_row(params![period.to_string(), code.as_str()], |r| r.get(0))
                .optional()?
                .ok_or_else(|| AccountError::UnknownBeneficiary(input.code.clone()))?;
            let c = check(input, &name)?;
            let ev = w.append(
                Some(by.id()),
                EventPayload::AccountRequested(payload::AccountRequested {
                    code: c.code.to_string(),
                    bank: c.bank.code.clone(),
                    number: c.number.clone(),
                    holder: c.holder.clone(),
                    relationship: c.relationship.clone(),
                    phone: c.phone.clone(),
                }),
            )?;
            w.tx.prepare_cached(
                "INSERT INTO account_requests (code, bank, number, holder, relationship, phone, event_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                c.code.as_str(),
                c.bank.code,
                c.number,
                c.holder,
                c.relationship,
                c.phone,
                ev.seq
            ])?;
            Ok::<_, AccountError>(())
        })?;
        let all = self.accounts()?;
        Ok(all
            .into_iter()
            .filter(|a| a.code == input.code.trim())
            .max_by_key(|a| a.seq)
            .expect("just recorded"))
    }

    /// Every request recorded on this device, newest first, with the office's decision.
    pub fn accounts(&self) -> Result<Vec<AccountView>, LedgerError> {
        let period = self.open_period()?.map(|p| p.to_string());
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.code, coalesce((SELECT b.name FROM beneficiaries b WHERE b.code = r.code AND b.period = ?1), ''),
                    r.bank, r.number, r.holder, r.relationship, e.local_time, r.event_seq,
                    d.decision, d.period, d.reason
             FROM account_requests r JOIN events e ON e.seq = r.event_seq
             LEFT JOIN account_decisions d ON d.id = (
                 SELECT max(x.id) FROM account_decisions x
                  WHERE x.code = r.code AND x.decision IN ('confirmed', 'refused') AND x.event_seq > r.event_seq)
             ORDER BY r.event_seq DESC",
        )?;
        let rows = stmt.query_map([period], |r| {
            let bank: String = r.get(2)?;
            let number: String = r.get(3)?;
            let state: Option<String> = r.get(8)?;
            let from: Option<String> = r.get(9)?;
            Ok(AccountView {
                code: r.get(0)?,
                name: r.get(1)?,
                bank_name: self::bank(&bank).map_or_else(|| bank.clone(), |b| b.short.clone()),
                bank,
                masked: masked(&number),
                holder: r.get(4)?,
                relationship: r.get(5)?,
                requested_at: r.get(6)?,
                seq: r.get(7)?,
                from: from.and_then(|p| p.parse().ok()),
                reason: r.get::<_, Option<String>>(10)?.filter(|s| !s.is_empty()),
                state: state.unwrap_or_else(|| "requested".into()),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A person's latest request with its full number, for the paper the beneficiary signs, and
    /// its event's sequence (the request's number on this device).
    pub fn account_request(
        &self,
        code: &BeneficiaryCode,
    ) -> Result<Option<(u64, payload::AccountRequested)>, LedgerError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT code, bank, number, holder, relationship, phone, event_seq FROM account_requests
                 WHERE code = ?1 ORDER BY event_seq DESC LIMIT 1",
            )?
            .query_row([code.as_str()], |r| {
                Ok((
                    r.get(6)?,
                    payload::AccountRequested {
                        code: r.get(0)?,
                        bank: r.get(1)?,
                        number: r.get(2)?,
                        holder: r.get(3)?,
                        relationship: r.get(4)?,
                        phone: r.get(5)?,
                    },
                ))
            })
            .optional()?)
    }
}

// The office's decision is a shared word (the event payload and the protocol carry it).
pub use crate::model::AccountDecision;

// Amendments from the hub arrive through the sync client, which only device builds have.
#[cfg_attr(not(feature = "device"), allow(dead_code))]
/// Records the office's decision inside the amendment's write transaction. Returns the event's
/// sequence.
pub(crate) fn decide_in(
    w: &Writer<'_>,
    amendment: u64,
    d: &AccountDecision,
) -> Result<u64, LedgerError> {
    let code = BeneficiaryCode::new(d.code())
        .ok_or_else(|| LedgerError::Corrupt(format!("mã đối tượng “{}”", d.code())))?;
    let ev = w.append(
        None,
        EventPayload::AccountDecided(payload::AccountDecided {
            decision: d.clone(),
            amendment,
        }),
    )?;
    let (kind, period, bank, masked, reason) = match d {
        AccountDecision::Confirmed {
            from, bank, masked, ..
        } => ("confirmed", Some(*from), Some(bank), Some(masked), ""),
        AccountDecision::Refused { reason, .. } => ("refused", None, None, None, reason.as_str()),
        AccountDecision::ToCash { period, reason, .. } => {
            ("to_cash", Some(*period), None, None, reason.as_str())
        }
    };
    w.tx.prepare_cached(
        "INSERT INTO account_decisions (code, decision, period, bank, masked, reason, amendment, event_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        code.as_str(),
        kind,
        period.map(|p| p.to_string()),
        bank,
        masked,
        text::clean(reason),
        amendment,
        ev.seq
    ])?;
    Ok(ev.seq)
}

/// One person paid by account in a roll the hub publishes (`RollDocument::by_account`): the
/// roll's lines of the person are marked "chuyển khoản" there. The device's own record is the
/// office's amendment ([`AccountDecision::Confirmed`]), which always reaches it first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMark {
    /// Beneficiary code.
    pub code: String,
    /// The first period paid by account.
    pub from: Period,
    /// The bank's NAPAS code.
    pub bank: String,
    /// The account, masked.
    pub masked: String,
}

/// How a person is paid by account in a period, as the card says it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ByAccount {
    /// The first period paid by account.
    pub from: Period,
    /// The bank's short name.
    pub bank: String,
    /// The account, masked.
    pub masked: String,
}

impl ByAccount {
    /// What the card says.
    pub fn message_vi(&self) -> String {
        format!(
            "Nhận qua tài khoản từ tháng {} ({} {}): không chi tiền mặt",
            self.from.mm_yyyy(),
            self.bank,
            self.masked
        )
    }
}

/// The account a person is paid by in `period`, if the office confirmed one from that period or
/// earlier and did not put them back on cash for it. The same test as `line_state.by_account`.
pub(crate) fn by_account_in(
    conn: &Connection,
    code: &str,
    period: Period,
) -> rusqlite::Result<Option<ByAccount>> {
    let row: Option<(String, String, String)> = conn
        .prepare_cached(
            "SELECT a.period, a.bank, a.masked FROM account_decisions a
              WHERE a.code = ?1 AND a.decision = 'confirmed' AND a.period <= ?2
                AND NOT EXISTS (SELECT 1 FROM account_decisions c
                                 WHERE c.code = ?1 AND c.decision = 'to_cash' AND c.period = ?2)
              ORDER BY a.id DESC LIMIT 1",
        )?
        .query_row(params![code, period.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(row.and_then(|(from, bank, masked)| {
        Some(ByAccount {
            from: from.parse().ok()?,
            bank: self::bank(&bank).map_or(bank, |b| b.short.clone()),
            masked,
        })
    }))
}

/// The share of a period paid by account: the figure the province reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AccountShare {
    /// People on the roll.
    pub people: u64,
    /// Of them, paid by account.
    pub by_account_people: u64,
    /// The roll's total.
    pub amount: Dong,
    /// Of it, paid by account.
    pub by_account_amount: Dong,
}

impl AccountShare {
    /// Per mille of people paid by account (725 = 72,5%), 0 on an empty roll.
    pub fn people_permille(&self) -> u64 {
        (self.by_account_people * 1000)
            .checked_div(self.people)
            .unwrap_or(0)
    }

    /// Per mille of the money paid by account.
    pub fn amount_permille(&self) -> u64 {
        let (part, all) = (
            self.by_account_amount.as_i64().max(0) as u64,
            self.amount.as_i64().max(0) as u64,
        );
        (part * 1000).checked_div(all).unwrap_or(0)
    }
}

/// A share in per mille as Vietnamese writes it: 725 → "72,5%".
pub fn percent_vi(permille: u64) -> String {
    format!("{},{}%", permille / 10, permille % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(bank: &str, number: &str, holder: &str) -> AccountRequestInput {
        AccountRequestInput {
            code: "TB-001".into(),
            bank: bank.into(),
            number: number.into(),
            holder: holder.into(),
            relationship: None,
            phone: None,
        }
    }

    #[test]
    fn the_shipped_bank_list_has_the_state_banks_and_unique_codes() {
        let list = banks();
        assert!(list.banks.len() > 30, "{}", list.banks.len());
        assert!(bank("970405").is_some_and(|b| b.short.contains("Agribank")));
        assert!(bank("agribank").is_some());
        let mut codes: Vec<&str> = list.banks.iter().map(|b| b.code.as_str()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), list.banks.len());
    }

    #[test]
    fn the_holder_matches_without_accents_or_needs_a_relationship() {
        let ok = check(
            &input("970405", "1234567890123", "NGUYEN VAN AN"),
            "Nguyễn Văn An",
        );
        assert!(ok.is_ok(), "{ok:?}");
        let other = input("970405", "1234567890123", "NGUYEN THI BINH");
        let e = check(&other, "Nguyễn Văn An").unwrap_err();
        assert_eq!(e.code(), "holder_not_beneficiary");
        let son = AccountRequestInput {
            relationship: Some("con gái".into()),
            ..other
        };
        assert!(check(&son, "Nguyễn Văn An").is_ok());
    }

    #[test]
    fn a_number_that_is_not_digits_or_of_the_wrong_length_is_refused() {
        let e = check(
            &input("970405", "1234 5678 90", "Nguyễn Văn An"),
            "Nguyễn Văn An",
        );
        assert_eq!(e.unwrap_err().code(), "account_not_digits");
        let e = check(&input("970405", "12345", "Nguyễn Văn An"), "Nguyễn Văn An");
        assert_eq!(e.unwrap_err().code(), "account_length");
        let e = check(
            &input("999999", "1234567890", "Nguyễn Văn An"),
            "Nguyễn Văn An",
        );
        assert_eq!(e.unwrap_err().code(), "unknown_bank");
    }

    #[test]
    fn a_number_is_shown_with_its_last_four_digits_only() {
        assert_eq!(masked("1234567890123"), "*********0123");
        assert_eq!(masked("123"), "123");
    }

    #[test]
    fn shares_are_per_mille_and_zero_on_an_empty_roll() {
        let s = AccountShare {
            people: 8,
            by_account_people: 1,
            amount: Dong::new(4_000_000).unwrap(),
            by_account_amount: Dong::new(2_900_000).unwrap(),
        };
        assert_eq!((s.people_permille(), s.amount_permille()), (125, 725));
        assert_eq!(AccountShare::default().people_permille(), 0);
        assert_eq!(percent_vi(725), "72,5%");
    }
}
