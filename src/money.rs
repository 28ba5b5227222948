//! Money in Vietnamese đồng.
//!
//! The đồng has no minor unit, so every amount is a whole number. `Dong` wraps a
//! `rust_decimal::Decimal` held at scale 0 and only offers checked arithmetic: an overflow is an
//! error the caller must handle, never a wrapped or rounded amount.

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The largest amount the ledger accepts (just under 10^18 đồng): far above any roll, and small
/// enough that every amount fits in SQLite's 64-bit integers and in the words table.
pub const MAX_DONG: i64 = 999_999_999_999_999_999;

/// Why an amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// The text is not a whole number of đồng.
    #[error("“{0}” không phải số tiền hợp lệ (chỉ nhận số đồng nguyên, ví dụ 1.624.000)")]
    Invalid(String),
    /// A fractional amount: the đồng has no minor unit.
    #[error("số tiền {0} có phần lẻ; tiền đồng không có phần lẻ")]
    Fractional(String),
    /// The amount or a sum leaves the range the ledger can hold.
    #[error("số tiền vượt quá giới hạn sổ có thể ghi")]
    Overflow,
}

impl MoneyError {
    /// Stable identifier, for the window, the CLI's JSON and the tests.
    pub fn code(&self) -> &'static str {
        "invalid_amount"
    }
}

/// An amount of Vietnamese đồng: whole, checked, formatted the Vietnamese way.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = i64))]
pub struct Dong(Decimal);

impl Dong {
    /// Zero đồng.
    pub const ZERO: Dong = Dong(Decimal::ZERO);

    /// An amount from a whole number of đồng.
    pub fn new(amount: i64) -> Result<Dong, MoneyError> {
        if !(-MAX_DONG..=MAX_DONG).contains(&amount) {
            return Err(MoneyError::Overflow);
        }
        Ok(Dong(Decimal::from(amount)))
    }

    /// An amount from a decimal, refusing fractions rather than rounding them away.
    pub fn from_decimal(d: Decimal) -> Result<Dong, MoneyError> {
        let normal = d.normalize();
        if normal.scale() != 0 {
            return Err(MoneyError::Fractional(d.to_string()));
        }
        let whole = normal.to_i64().ok_or(MoneyError::Overflow)?;
        Dong::new(whole)
    }

    /// The whole number of đồng (what the ledger stores).
    pub fn as_i64(self) -> i64 {
        // Every constructor checks the range, so this cannot fail.
        self.0.to_i64().expect("Dong is always within i64")
    }

    /// The underlying decimal, at scale 0.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Sum of two amounts, or an error on overflow.
    pub fn checked_add(self, other: Dong) -> Result<Dong, MoneyError> {
        Dong::from_decimal(self.0.checked_add(other.0).ok_or(MoneyError::Overflow)?)
    }

    /// Difference of two amounts, or an error on overflow.
    pub fn checked_sub(self, other: Dong) -> Result<Dong, MoneyError> {
        Dong::from_decimal(self.0.checked_sub(other.0).ok_or(MoneyError::Overflow)?)
    }

    /// The amount times a count (months of arrears, notes of a denomination).
    pub fn checked_mul(self, count: i64) -> Result<Dong, MoneyError> {
        Dong::from_decimal(
            self.0
                .checked_mul(Decimal::from(count))
                .ok_or(MoneyError::Overflow)?,
        )
    }

    /// Sum of many amounts, or an error on overflow.
    pub fn sum<I: IntoIterator<Item = Dong>>(items: I) -> Result<Dong, MoneyError> {
        items
            .into_iter()
            .try_fold(Dong::ZERO, |acc, x| acc.checked_add(x))
    }

    /// True when the amount is above zero.
    pub fn is_positive(self) -> bool {
        self.0 > Decimal::ZERO
    }

    /// True when the amount is below zero.
    pub fn is_negative(self) -> bool {
        self.0 < Decimal::ZERO
    }

    /// The amount in words, northern convention, capitalised, ending in "đồng":
    /// 2.055.000 → "Hai triệu không trăm năm mươi lăm nghìn đồng".
    pub fn in_words(self) -> String {
        words(self.as_i64())
    }
}

impl fmt::Display for Dong {
    /// `1.624.000`: dots between thousands, as on Vietnamese paper.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.as_i64();
        let digits = n.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if n < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push('.');
            }
            out.push(c);
        }
        f.pad(&out)
    }
}

impl fmt::Debug for Dong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Dong({})", self)
    }
}

impl FromStr for Dong {
    type Err = MoneyError;

    /// Reads `1624000`, `1.624.000`, `1,624,000`, `1 624 000`, optionally followed by "đ" or
    /// "đồng". A single separator followed by other than three digits (`1.5`) is a fraction and is
    /// refused, never guessed.
    fn from_str(s: &str) -> Result<Dong, MoneyError> {
        let invalid = || MoneyError::Invalid(s.to_string());
        let mut t = s.trim();
        for suffix in ["đồng", "đ", "VND", "vnd", "VNĐ"] {
            if let Some(rest) = t.strip_suffix(suffix) {
                t = rest.trim_end();
                break;
            }
        }
        let (neg, body) = match t.strip_prefix('-') {
            Some(rest) => (true, rest.trim_start()),
            None => (false, t),
        };
        if body.is_empty() {
            return Err(invalid());
        }
        // Split on any grouping separator; every group after the first must have three digits.
        let groups: Vec<&str> = body.split(['.', ',', ' ', '\u{a0}']).collect();
        if groups
            .iter()
            .any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(invalid());
        }
        if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
            // "1.5" or "1,50": a decimal fraction, or a mistyped amount.
            return Err(MoneyError::Fractional(s.trim().to_string()));
        }
        let joined: String = groups.concat();
        if joined.len() > 18 {
            return Err(MoneyError::Overflow);
        }
        let n: i64 = joined.parse().map_err(|_| invalid())?;
        Dong::new(if neg { -n } else { n })
    }
}

impl Serialize for Dong {
    /// Amounts travel as JSON integers of đồng: exact, and what every consumer expects.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.as_i64())
    }
}

impl<'de> Deserialize<'de> for Dong {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Dong, D::Error> {
        let n = i64::deserialize(d)?;
        Dong::new(n).map_err(serde::de::Error::custom)
    }
}

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];
/// Names of the groups of three digits, from the units up. Above "tỷ" the names repeat with "tỷ".
const GROUPS: [&str; 7] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"];

/// Reads one group of three digits. `inner` is true for every group after the leading one: those
/// read their empty hundreds ("không trăm") and a lone unit with "linh".
fn read_group(n: u64, inner: bool, out: &mut Vec<&'static str>) {
    let (h, t, u) = (
        (n / 100) as usize,
        ((n / 10) % 10) as usize,
        (n % 10) as usize,
    );
    if h > 0 || inner {
        out.push(DIGITS[h]);
        out.push("trăm");
    }
    match t {
        0 if u > 0 && (h > 0 || inner) => out.push("linh"),
        0 => {}
        1 => out.push("mười"),
        _ => {
            out.push(DIGITS[t]);
            out.push("mươi");
        }
    }
    match u {
        0 => {}
        1 if t >= 2 => out.push("mốt"),
        5 if t >= 1 => out.push("lăm"),
        _ => out.push(DIGITS[u]),
    }
}

/// The amount in words, northern convention: "nghìn", "linh", "mốt" after tens from twenty,
/// "lăm" for five after any tens, "bốn" never "tư", inner empty hundreds read "không trăm",
/// empty groups skipped.
fn words(n: i64) -> String {
    if n == 0 {
        return "Không đồng".to_string();
    }
    let mut rest = n.unsigned_abs();
    let mut groups = Vec::new();
    while rest > 0 {
        groups.push(rest % 1000);
        rest /= 1000;
    }
    let mut out: Vec<&'static str> = Vec::new();
    if n < 0 {
        out.push("âm");
    }
    let top = groups.len() - 1;
    for i in (0..groups.len()).rev() {
        if groups[i] == 0 {
            continue;
        }
        read_group(groups[i], i != top, &mut out);
        if !GROUPS[i].is_empty() {
            out.push(GROUPS[i]);
        }
    }
    out.push("đồng");
    let sentence = out.join(" ");
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => sentence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(n: i64) -> String {
        Dong::new(n).unwrap().in_words()
    }

    #[test]
    fn words_follow_the_northern_convention() {
        let cases = [
            (0, "Không đồng"),
            (5, "Năm đồng"),
            (10, "Mười đồng"),
            (14, "Mười bốn đồng"),
            (15, "Mười lăm đồng"),
            (21, "Hai mươi mốt đồng"),
            (24, "Hai mươi bốn đồng"),
            (25, "Hai mươi lăm đồng"),
            (105, "Một trăm linh năm đồng"),
            (111, "Một trăm mười một đồng"),
            (1_005, "Một nghìn không trăm linh năm đồng"),
            (10_005, "Mười nghìn không trăm linh năm đồng"),
            (1_000_105, "Một triệu một trăm linh năm đồng"),
            (2_055_000, "Hai triệu không trăm năm mươi lăm nghìn đồng"),
            (1_624_000, "Một triệu sáu trăm hai mươi bốn nghìn đồng"),
            (2_789_000, "Hai triệu bảy trăm tám mươi chín nghìn đồng"),
            (511_000_000_000, "Năm trăm mười một tỷ đồng"),
            (1_000_000_000_000, "Một nghìn tỷ đồng"),
            (-5, "Âm năm đồng"),
        ];
        for (n, expected) in cases {
            assert_eq!(w(n), expected, "{n}");
        }
    }

    #[test]
    fn formats_with_dot_thousands() {
        assert_eq!(Dong::new(1_624_000).unwrap().to_string(), "1.624.000");
        assert_eq!(Dong::new(0).unwrap().to_string(), "0");
        assert_eq!(Dong::new(999).unwrap().to_string(), "999");
        assert_eq!(Dong::new(-1000).unwrap().to_string(), "-1.000");
    }

    #[test]
    fn parses_what_clerks_type() {
        for s in [
            "1624000",
            "1.624.000",
            "1,624,000",
            "1 624 000",
            "1.624.000 đ",
            "1.624.000đồng",
        ] {
            assert_eq!(s.parse::<Dong>().unwrap().as_i64(), 1_624_000, "{s}");
        }
        for s in ["", "abc", "1.5", "1,50", "12.3456", "1..000", "đ"] {
            assert!(s.parse::<Dong>().is_err(), "{s}");
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Dong::new(MAX_DONG).unwrap();
        assert_eq!(
            max.checked_add(Dong::new(1).unwrap()),
            Err(MoneyError::Overflow)
        );
        assert!(Dong::new(i64::MAX).is_err());
        assert!(Dong::from_decimal(Decimal::new(15, 1)).is_err());
        assert_eq!(
            Dong::from_decimal(Decimal::new(1500, 1)).unwrap().as_i64(),
            150
        );
    }
}
