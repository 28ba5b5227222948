//! The QR code of a chip-based citizen ID card (CCCD, and the "thẻ căn cước" issued since
//! 1 July 2024), as a USB scanner types it: UTF-8 fields separated by `|`, usually seven —
//! `ID number (12 digits) | old CMND number (9 digits, often empty) | full name | date of birth
//! ddmmyyyy | Nam/Nữ | address | issue date ddmmyyyy`. Some cards or readers leave the old-number
//! field out, newer cards add fields after the seventh, and an address may itself hold a `|`.
//! The text is recognised by the shape of its fields, not by position alone.
//!
//! The text holds a name and an address: it is never logged, and only [`IdCardQr::last4`] and the
//! fields that differed from the roll are ever recorded (see `IdCheck` in the payout).

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::Sex;
use crate::text;

/// The longest text taken as a scan: a real card's is under 250 bytes; a scanner that ran on, or
/// a paste of a document, is not a card.
pub const MAX_QR_BYTES: usize = 1_024;
/// Fields of the shortest layout: without the old-number field.
const MIN_FIELDS: usize = 6;

/// What the card's QR says, checked and normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct IdCardQr {
    /// The 12-digit personal identification number (số định danh cá nhân).
    pub id_number: String,
    /// The old 9-digit CMND number, when the card carries one.
    pub old_number: Option<String>,
    /// Full name, NFC, single spaces.
    pub name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Address (permanent residence, or "nơi cư trú" on the 2024 card). Predates the 2025
    /// mergers: never matched against anything.
    pub address: String,
    /// Date of issue.
    pub issued: NaiveDate,
}

impl IdCardQr {
    /// The ID number's last four digits: what a payout records of the card.
    pub fn last4(&self) -> &str {
        &self.id_number[self.id_number.len() - 4..]
    }
}

/// Why a text is not a card's QR code. Never holds the text itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdQrError {
    #[error("Mã QR quá dài ({0} byte): đây không phải mã trên thẻ căn cước")]
    TooLong(usize),
    #[error("Mã QR không phải chữ UTF-8: hãy quét lại thẻ")]
    NotUtf8,
    #[error("Mã QR có {0} trường, thẻ căn cước có ít nhất {MIN_FIELDS}: hãy quét lại thẻ")]
    TooFewFields(usize),
    #[error("Trường 1 (số định danh) phải có đúng 12 chữ số")]
    BadIdNumber,
    #[error("Trường {0} (họ tên) trống hoặc có chữ số")]
    BadName(usize),
    #[error("Trường {0} (ngày sinh) không phải ngày có thật dạng ngày-tháng-năm (ddmmyyyy)")]
    BadBirthDate(usize),
    #[error("Trường {0} (giới tính) phải là Nam hoặc Nữ")]
    BadSex(usize),
    #[error("Không tìm thấy ngày cấp (ddmmyyyy) sau địa chỉ")]
    NoIssueDate,
    #[error("Ngày cấp ở trường {0} không hợp lệ: trước ngày sinh hoặc sau hôm nay")]
    BadIssueDate(usize),
}

impl IdQrError {
    /// Stable code for programs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            IdQrError::TooLong(_) => "qr_too_long",
            IdQrError::NotUtf8 => "qr_not_utf8",
            IdQrError::TooFewFields(_) => "qr_too_few_fields",
            IdQrError::BadIdNumber => "qr_bad_id_number",
            IdQrError::BadName(_) => "qr_bad_name",
            IdQrError::BadBirthDate(_) => "qr_bad_birth_date",
            IdQrError::BadSex(_) => "qr_bad_sex",
            IdQrError::NoIssueDate => "qr_no_issue_date",
            IdQrError::BadIssueDate(_) => "qr_bad_issue_date",
        }
    }
}

/// Parses the bytes a scanner produced (see [`parse`]).
pub fn parse_bytes(bytes: &[u8], today: NaiveDate) -> Result<IdCardQr, IdQrError> {
    if bytes.len() > MAX_QR_BYTES {
        return Err(IdQrError::TooLong(bytes.len()));
    }
    parse(
        std::str::from_utf8(bytes).map_err(|_| IdQrError::NotUtf8)?,
        today,
    )
}

/// Parses a card's QR text. `today` bounds the issue date (a card is not issued in the future).
pub fn parse(text: &str, today: NaiveDate) -> Result<IdCardQr, IdQrError> {
    if text.len() > MAX_QR_BYTES {
        return Err(IdQrError::TooLong(text.len()));
    }
    // Trimmed to read; the address is re-joined from the raw fields, its own spacing kept.
    let raw: Vec<&str> = text.trim().split('|').collect();
    let fields: Vec<&str> = raw.iter().map(|f| f.trim()).collect();
    if fields.len() < MIN_FIELDS {
        return Err(IdQrError::TooFewFields(fields.len()));
    }
    let id_number = fields[0];
    if !is_digits(id_number, 12) {
        return Err(IdQrError::BadIdNumber);
    }
    // The old number is there when the second field is empty or 9 digits; otherwise the card or
    // reader left it out and the second field is already the name.
    let has_old = fields[1].is_empty() || is_digits(fields[1], 9);
    let old_number = (has_old && !fields[1].is_empty()).then(|| fields[1].to_string());
    let at = if has_old { 2 } else { 1 };
    if fields.len() < at + 5 {
        return Err(IdQrError::TooFewFields(fields.len()));
    }
    let name = text::clean(fields[at]);
    if name.is_empty() || name.chars().any(|c| c.is_ascii_digit()) {
        return Err(IdQrError::BadName(at + 1));
    }
    let birth_date = date(fields[at + 1]).ok_or(IdQrError::BadBirthDate(at + 2))?;
    let sex = match text::fold(fields[at + 2]).as_str() {
        "nam" => Sex::M,
        "nu" => Sex::F,
        _ => return Err(IdQrError::BadSex(at + 3)),
    };
    // The address runs up to the first field after it that is a date: the issue date. An address
    // holding `|` spans several fields; fields after the issue date (newer cards) are ignored.
    let from = at + 3;
    let issue_at = (from + 1..fields.len())
        .find(|&i| date(fields[i]).is_some())
        .ok_or(IdQrError::NoIssueDate)?;
    let issued = date(fields[issue_at]).ok_or(IdQrError::NoIssueDate)?;
    if issued < birth_date || issued > today {
        return Err(IdQrError::BadIssueDate(issue_at + 1));
    }
    Ok(IdCardQr {
        id_number: id_number.to_string(),
        old_number,
        name,
        birth_date,
        sex,
        address: text::clean(&raw[from..issue_at].join("|")),
        issued,
    })
}

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

/// A real date written ddmmyyyy.
fn date(s: &str) -> Option<NaiveDate> {
    if !is_digits(s, 8) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    let year = i32::try_from(n(4..8)?).ok()?;
    NaiveDate::from_ymd_opt(year, n(2..4)?, n(0..2)?)
}

/// A field of the card that differs from the roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum CardField {
    /// The ID number.
    IdNumber,
    /// The name (compared without accents, case or spacing).
    Name,
    /// The year of birth (the roll holds the year only).
    BirthYear,
    /// Sex.
    Sex,
}

impl CardField {
    /// The field in the clerk's words.
    pub fn label(self) -> &'static str {
        match self {
            CardField::IdNumber => "số định danh",
            CardField::Name => "họ tên",
            CardField::BirthYear => "năm sinh",
            CardField::Sex => "giới tính",
        }
    }
}

/// What the roll says of the person the card should belong to.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    /// The ID number on the roll, if any.
    pub id_number: Option<&'a str>,
    /// The name on the roll.
    pub name: &'a str,
    /// The year of birth on the roll, if any.
    pub birth_year: Option<u16>,
    /// Sex on the roll, if any.
    pub sex: Option<Sex>,
}

/// The fields of `card` that differ from what the roll says (empty: the card matches). A field
/// the roll leaves blank is not compared.
pub fn differences(card: &IdCardQr, roll: Expected<'_>) -> Vec<CardField> {
    use chrono::Datelike;
    let mut out = Vec::new();
    if roll.id_number.is_some_and(|id| id.trim() != card.id_number) {
        out.push(CardField::IdNumber);
    }
    if text::fold(&text::clean(roll.name)) != text::fold(&card.name) {
        out.push(CardField::Name);
    }
    if roll
        .birth_year
        .is_some_and(|y| i32::from(y) != card.birth_date.year())
    {
        out.push(CardField::BirthYear);
    }
    if roll.sex.is_some_and(|s| s != card.sex) {
        out.push(CardField::Sex);
    }
    out
}

/// Longest note or reason kept with a check.
pub const MAX_CHECK_NOTE_LEN: usize = 300;

/// How the identity of whoever took the money was checked: recorded in every payout. Only the
/// method, the ID number's last four digits and the fields that differed are kept, never the
/// card's name, address or whole number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum IdCheck {
    /// The card's QR code was scanned and matched the roll.
    Qr { last4: String },
    /// Scanned; the fields named differed from the roll; the clerk went ahead with a note.
    QrMismatch {
        last4: String,
        differed: Vec<CardField>,
        note: String,
    },
    /// The clerk looked at the card or typed its number.
    Manual { last4: Option<String> },
    /// No card was checked, and why (a bedridden person the clerk knows, at home).
    None { reason: String },
}

impl IdCheck {
    /// The method, as the day report and the hub count it.
    pub fn method(&self) -> &'static str {
        match self {
            IdCheck::Qr { .. } => "qr",
            IdCheck::QrMismatch { .. } => "qr_mismatch",
            IdCheck::Manual { .. } => "manual",
            IdCheck::None { .. } => "none",
        }
    }
}

/// What the clerk says about the identity check when paying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdCheckRequest {
    /// The text the scanner typed, and the clerk's note when the card differs from the roll.
    Qr { text: String, note: Option<String> },
    /// The clerk looked at the card; the number typed, if any (9 or 12 digits).
    Manual { id_number: Option<String> },
    /// No check, and why.
    None { reason: String },
}

/// Why an identity check cannot be recorded as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdCheckError {
    #[error("{0}")]
    Qr(#[from] IdQrError),
    #[error("Thẻ khác danh sách ở: {}. Hãy xem lại người nhận; nếu đúng là người này, ghi lý do vào ghi chú để chi", labels(.0))]
    MismatchNeedsNote(Vec<CardField>),
    #[error("Số định danh trên thẻ khác số trong danh sách: cần người phụ trách duyệt bằng mã PIN, kèm ghi chú")]
    OtherIdNeedsSupervisor,
    #[error("Số CCCD nhập tay phải có 12 chữ số (hoặc 9 chữ số của CMND cũ)")]
    BadManualNumber,
    #[error("Ghi lý do không kiểm tra giấy tờ (tối đa {MAX_CHECK_NOTE_LEN} ký tự)")]
    ReasonRequired,
}

impl IdCheckError {
    /// Stable code for programs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            IdCheckError::Qr(e) => e.code(),
            IdCheckError::MismatchNeedsNote(_) => "id_mismatch_needs_note",
            IdCheckError::OtherIdNeedsSupervisor => "id_other_needs_supervisor",
            IdCheckError::BadManualNumber => "id_bad_manual_number",
            IdCheckError::ReasonRequired => "id_reason_required",
        }
    }
}

/// The fields in the clerk's words, joined: "họ tên, năm sinh".
pub fn labels(fields: &[CardField]) -> String {
    fields
        .iter()
        .map(|f| f.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Decides what is recorded of a check against the person the roll expects. A card that differs
/// needs a note; one with another ID number also needs a supervisor (`supervised`): no check
/// refuses an old person outright, but the clerk alone cannot pass another person's card.
pub fn decide(
    req: &IdCheckRequest,
    expected: Expected<'_>,
    supervised: bool,
    today: NaiveDate,
) -> Result<IdCheck, IdCheckError> {
    let note_of = |n: &Option<String>| {
        n.as_deref()
            .map(text::clean)
            .filter(|n| !n.is_empty() && n.chars().count() <= MAX_CHECK_NOTE_LEN)
    };
    match req {
        IdCheckRequest::Qr { text, note } => {
            let card = parse(text, today)?;
            let differed = differences(&card, expected);
            if differed.is_empty() {
                return Ok(IdCheck::Qr {
                    last4: card.last4().to_string(),
                });
            }
            let note = note_of(note).ok_or(IdCheckError::MismatchNeedsNote(differed.clone()))?;
            if differed.contains(&CardField::IdNumber) && !supervised {
                return Err(IdCheckError::OtherIdNeedsSupervisor);
            }
            Ok(IdCheck::QrMismatch {
                last4: card.last4().to_string(),
                differed,
                note,
            })
        }
        IdCheckRequest::Manual { id_number } => {
            let last4 = match id_number.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(n) if is_digits(n, 12) || is_digits(n, 9) => {
                    Some(n[n.len() - 4..].to_string())
                }
                Some(_) => return Err(IdCheckError::BadManualNumber),
            };
            Ok(IdCheck::Manual { last4 })
        }
        IdCheckRequest::None { reason } => note_of(&Some(reason.clone()))
            .map(|reason| IdCheck::None { reason })
            .ok_or(IdCheckError::ReasonRequired),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    const SEVEN: &str = "001045012345|123456789|Nguyễn Thị Hường|15031945|Nữ|Thôn Đông, Xã Quảng Hưng, Huyện Quảng Xương, Thanh Hóa|20042021";

    #[test]
    fn seven_fields_read_into_their_places() {
        let c = parse(SEVEN, today()).unwrap();
        assert_eq!(c.id_number, "001045012345");
        assert_eq!(c.old_number.as_deref(), Some("123456789"));
        assert_eq!(c.name, "Nguyễn Thị Hường");
        assert_eq!(c.birth_date, NaiveDate::from_ymd_opt(1945, 3, 15).unwrap());
        assert_eq!(c.sex, Sex::F);
        assert!(c.address.starts_with("Thôn Đông"));
        assert_eq!(c.issued, NaiveDate::from_ymd_opt(2021, 4, 20).unwrap());
        assert_eq!(c.last4(), "2345");
    }

    #[test]
    fn an_empty_or_absent_old_number_and_extra_fields_are_read_by_shape() {
        let empty = parse(
            "038050000111||Lê Văn  Nam |01011950|Nam|Xã A|10102022",
            today(),
        )
        .unwrap();
        assert_eq!(empty.old_number, None);
        assert_eq!(empty.name, "Lê Văn Nam");
        let six = parse(
            "038050000111|Lê Văn Nam|01011950|Nam|Xã A|10102022",
            today(),
        )
        .unwrap();
        assert_eq!(six, empty);
        let extra = parse(
            "038050000111||Lê Văn Nam|01011950|Nam|Nơi cư trú: Xã A|10102024|X|Y",
            today(),
        )
        .unwrap();
        assert_eq!(extra.address, "Nơi cư trú: Xã A");
        assert_eq!(extra.issued, NaiveDate::from_ymd_opt(2024, 10, 10).unwrap());
    }

    #[test]
    fn an_address_holding_a_bar_stays_whole() {
        let c = parse(
            "038050000111||Lê Văn Nam|01011950|Nam|Số 5 | Ngõ 3, Xã A|10102022",
            today(),
        )
        .unwrap();
        assert_eq!(c.address, "Số 5 | Ngõ 3, Xã A");
    }

    #[test]
    fn each_wrong_field_is_named_and_garbage_never_panics() {
        let cases = [
            (
                "123456789|x|Tên|01011950|Nam|A|01012020",
                "qr_bad_id_number",
            ),
            (
                "038050000111||Tên|31021950|Nam|A|01012020",
                "qr_bad_birth_date",
            ),
            ("038050000111||Tên|01011950|Khác|A|01012020", "qr_bad_sex"),
            ("038050000111||Tên|01011950|Nam|A|B", "qr_no_issue_date"),
            (
                "038050000111||Tên|01011950|Nam|A|01012030",
                "qr_bad_issue_date",
            ),
            ("038050000111||T3n|01011950|Nam|A|01012020", "qr_bad_name"),
            ("a|b|c", "qr_too_few_fields"),
        ];
        for (text, code) in cases {
            assert_eq!(parse(text, today()).unwrap_err().code(), code, "{text}");
        }
        assert_eq!(
            parse_bytes(&[0xff, 0xfe, b'|'], today()).unwrap_err(),
            IdQrError::NotUtf8
        );
        let junk: Vec<u8> = (0..10_240u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert_eq!(
            parse_bytes(&junk, today()).unwrap_err().code(),
            "qr_too_long"
        );
        for n in 0..400usize {
            let s: String = junk[..n].iter().map(|&b| char::from(b % 128)).collect();
            let _ = parse(&s, today());
        }
    }

    #[test]
    fn the_card_is_compared_with_the_roll_without_accents_and_by_year() {
        let c = parse(SEVEN, today()).unwrap();
        let same = Expected {
            id_number: Some("001045012345"),
            name: "NGUYEN THI  HUONG",
            birth_year: Some(1945),
            sex: Some(Sex::F),
        };
        assert!(differences(&c, same).is_empty());
        let other = Expected {
            id_number: Some("001045099999"),
            name: "Nguyễn Thị Hương",
            birth_year: Some(1946),
            sex: None,
        };
        assert_eq!(
            differences(&c, other),
            vec![CardField::IdNumber, CardField::BirthYear]
        );
    }
}
