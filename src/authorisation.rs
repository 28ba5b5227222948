//! A proxy's authorisation (giấy ủy quyền) brought to the counter: a person not on the roll as
//! the beneficiary's proxy, or whose registered authorisation has expired, shows a fresh one
//! certified by the commune. The clerk enters its dates, a supervisor approves with their PIN,
//! and the payout records it (`proxy_added_at_counter`) for the managing office to confirm or
//! refuse for later months. Proxies are the main path of fraud: the checks here are strict on
//! the paper's dates and leave the judgement of the person to the supervisor.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::text;

/// Longest an authorisation may run: the managing office renews proxies at least yearly.
pub const MAX_AUTHORISATION_MONTHS: u32 = 12;
/// Longest name or relationship kept.
pub const MAX_FIELD_LEN: usize = 100;

/// The authorisation as the clerk typed it from the paper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuthorisation {
    /// The proxy's name, as on their ID card.
    pub name: String,
    /// The proxy's ID number (12 digits; 9 for an old CMND).
    pub id_card: String,
    /// Relationship to the beneficiary ("con trai", "vợ" …).
    pub relationship: String,
    /// Date the commune certified the authorisation.
    pub authorised_on: NaiveDate,
    /// Last day it is valid.
    pub valid_until: NaiveDate,
}

/// What a payout records of an authorisation accepted at the counter (the proxy's name and ID
/// number are the payout's own fields).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CounterAuthorisation {
    /// Relationship to the beneficiary.
    pub relationship: String,
    /// Date the commune certified it.
    pub authorised_on: NaiveDate,
    /// Last day it is valid.
    pub valid_until: NaiveDate,
}

/// Why an authorisation cannot be accepted. Nothing is written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthorisationError {
    #[error("ghi họ tên người nhận thay như trên CCCD và quan hệ với đối tượng (tối đa {MAX_FIELD_LEN} ký tự)")]
    MissingField,
    #[error("số CCCD của người nhận thay phải có 12 chữ số (hoặc 9 chữ số của CMND cũ)")]
    BadIdNumber,
    #[error("người nhận thay không thể là chính đối tượng: chọn “Chính đối tượng nhận”")]
    SelfAsProxy,
    #[error("ngày ủy quyền {} chưa đến: kiểm tra lại giấy ủy quyền", .0.format("%d/%m/%Y"))]
    NotYetAuthorised(NaiveDate),
    #[error("giấy ủy quyền hết hạn ngày {}: cần giấy ủy quyền mới có xác nhận của UBND xã", .0.format("%d/%m/%Y"))]
    Expired(NaiveDate),
    #[error("giấy ủy quyền có hạn quá {MAX_AUTHORISATION_MONTHS} tháng (từ {} đến {}): kiểm tra lại ngày hết hạn", .0.format("%d/%m/%Y"), .1.format("%d/%m/%Y"))]
    TooLong(NaiveDate, NaiveDate),
    #[error("người nhận thay mới cần người phụ trách duyệt bằng mã PIN, kèm ghi chú (đã xem giấy ủy quyền nào)")]
    NeedsSupervisor,
}

impl AuthorisationError {
    /// Stable code for programs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            AuthorisationError::MissingField => "authorisation_missing_field",
            AuthorisationError::BadIdNumber => "authorisation_bad_id",
            AuthorisationError::SelfAsProxy => "authorisation_self",
            AuthorisationError::NotYetAuthorised(_) => "authorisation_not_yet",
            AuthorisationError::Expired(_) => "authorisation_expired",
            AuthorisationError::TooLong(..) => "authorisation_too_long",
            AuthorisationError::NeedsSupervisor => "authorisation_needs_supervisor",
        }
    }
}

/// A normalised authorisation, checked against today and the beneficiary's own ID number.
/// Returns the proxy's cleaned name and ID number, and what the payout records.
pub fn accept(
    a: &NewAuthorisation,
    beneficiary_id: Option<&str>,
    supervised: bool,
    today: NaiveDate,
) -> Result<(String, String, CounterAuthorisation), AuthorisationError> {
    let name = text::clean(&a.name);
    let relationship = text::clean(&a.relationship);
    let fits = |s: &str| !s.is_empty() && s.chars().count() <= MAX_FIELD_LEN;
    if !fits(&name) || !fits(&relationship) {
        return Err(AuthorisationError::MissingField);
    }
    let id: String = a.id_card.chars().filter(|c| !c.is_whitespace()).collect();
    if !(id.chars().all(|c| c.is_ascii_digit()) && (id.len() == 12 || id.len() == 9)) {
        return Err(AuthorisationError::BadIdNumber);
    }
    if beneficiary_id.is_some_and(|own| own.trim() == id) {
        return Err(AuthorisationError::SelfAsProxy);
    }
    if a.authorised_on > today {
        return Err(AuthorisationError::NotYetAuthorised(a.authorised_on));
    }
    if a.valid_until < today {
        return Err(AuthorisationError::Expired(a.valid_until));
    }
    let longest = a
        .authorised_on
        .checked_add_months(Months::new(MAX_AUTHORISATION_MONTHS));
    if longest.is_none_or(|l| a.valid_until > l) {
        return Err(AuthorisationError::TooLong(a.authorised_on, a.valid_until));
    }
    // Checked last: the clerk fixes the paper's fields before calling the supervisor over.
    if !supervised {
        return Err(AuthorisationError::NeedsSupervisor);
    }
    Ok((
        name,
        id,
        CounterAuthorisation {
            relationship,
            authorised_on: a.authorised_on,
            valid_until: a.valid_until,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn paper() -> NewAuthorisation {
        NewAuthorisation {
            name: "  Trần  Văn Nam ".into(),
            id_card: "001 080 012345".into(),
            relationship: "con trai".into(),
            authorised_on: d(2026, 11, 20),
            valid_until: d(2027, 11, 19),
        }
    }

    #[test]
    fn a_fresh_paper_with_a_supervisor_is_accepted_and_cleaned() {
        let (name, id, rec) = accept(&paper(), Some("001045012345"), true, d(2026, 12, 1)).unwrap();
        assert_eq!(
            (name.as_str(), id.as_str()),
            ("Trần Văn Nam", "001080012345")
        );
        assert_eq!(rec.valid_until, d(2027, 11, 19));
    }

    #[test]
    fn each_wrong_date_or_field_is_refused_with_its_reason() {
        let today = d(2026, 12, 1);
        let code = |a: NewAuthorisation, sup: bool, own: Option<&str>| {
            accept(&a, own, sup, today).unwrap_err().code()
        };
        assert_eq!(code(paper(), false, None), "authorisation_needs_supervisor");
        let longer = NewAuthorisation {
            valid_until: d(2027, 11, 21),
            ..paper()
        };
        assert_eq!(code(longer, true, None), "authorisation_too_long");
        let old = NewAuthorisation {
            authorised_on: d(2025, 1, 1),
            valid_until: d(2025, 12, 31),
            ..paper()
        };
        let e = accept(&old, None, true, today).unwrap_err();
        assert!(e.to_string().contains("31/12/2025"), "{e}");
        let future = NewAuthorisation {
            authorised_on: d(2026, 12, 2),
            ..paper()
        };
        assert_eq!(code(future, true, None), "authorisation_not_yet");
        let bad = NewAuthorisation {
            id_card: "00108001234".into(),
            ..paper()
        };
        assert_eq!(code(bad, true, None), "authorisation_bad_id");
        assert_eq!(
            code(paper(), true, Some("001080012345")),
            "authorisation_self"
        );
        let nameless = NewAuthorisation {
            name: " ".into(),
            ..paper()
        };
        assert_eq!(code(nameless, true, None), "authorisation_missing_field");
    }
}
