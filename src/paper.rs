//! Paper that proves itself (issue 12): every page of a signature sheet and every receipt carries
//! a QR code saying what the page claims — pay point, period, document, page, the codes on it
//! with their amounts, the page's total and the ledger's head hash when it was printed. The
//! managing office scans it (a USB scanner types the text) into `paypoint-district check-paper`,
//! which compares it with its own records: a slip printed to hide a shortfall, or a page made
//! from a roll the office never published, is named.
//!
//! The text uses only the QR code's alphanumeric characters (upper-case letters, digits and
//! ` $%*+-./:`), so that a page's worth of codes fits a code small enough for the margin; fields
//! are separated by `/`, which a shell does not need quoted. A code's other characters are
//! written `%XX` (UTF-8 bytes).

use std::fmt::Write as _;

use crate::money::Dong;
use crate::period::Period;

/// First field of every stamp: the format and its version.
pub const MAGIC: &str = "SCT1";

/// Hex digits of the ledger's head hash a stamp carries: enough to find the event at the hub
/// (one chance in 2⁴⁸ of two heads sharing them), short enough for the margin.
pub const HEAD_HEX: usize = 12;

/// Most lines one stamp holds: a page of the signature sheet holds at most about fifteen rows of
/// 12 mm; a larger page is cut, and the check says so.
pub const MAX_LINES: usize = 40;

/// What kind of paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaperKind {
    /// One page of the signature sheet (danh sách chi trả có ký nhận).
    Sheet,
    /// A receipt (biên nhận) of one payout.
    Receipt,
    /// A request to be paid by bank account (giấy đề nghị nhận trợ cấp qua tài khoản).
    AccountForm,
}

impl PaperKind {
    fn letter(self) -> &'static str {
        match self {
            PaperKind::Sheet => "S",
            PaperKind::Receipt => "R",
            PaperKind::AccountForm => "A",
        }
    }

    /// The Vietnamese name.
    pub fn label_vi(self) -> &'static str {
        match self {
            PaperKind::Sheet => "trang danh sách ký nhận",
            PaperKind::Receipt => "biên nhận",
            PaperKind::AccountForm => "giấy đề nghị nhận trợ cấp qua tài khoản",
        }
    }
}

/// What a printed page claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaperStamp {
    /// Sheet page or receipt.
    pub kind: PaperKind,
    /// The pay point.
    pub pay_point: String,
    /// The period.
    pub period: Period,
    /// The document: a random id of one printing of a sheet, or the payout's id for a receipt
    /// (upper-case hex, no dashes).
    pub document: String,
    /// Page number (1 for a receipt).
    pub page: u32,
    /// The page's total (the receipt's amount).
    pub total: Dong,
    /// The first [`HEAD_HEX`] hex digits of the ledger's head hash when printed (upper case).
    pub head: String,
    /// The codes on the page, each with its amount.
    pub lines: Vec<(String, Dong)>,
}

/// A stamp that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("mã QR không phải của Sổ chi trả hoặc đã hỏng: {0}")]
pub struct PaperError(pub String);

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        if c.is_ascii_digit() || c.is_ascii_uppercase() || c == '-' || c == '.' {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
}

fn unescape(s: &str) -> Result<String, PaperError> {
    let bad = || PaperError(format!("“{s}” có ký tự thoát sai"));
    let mut bytes = Vec::with_capacity(s.len());
    let mut it = s.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next().ok_or_else(bad)?, it.next().ok_or_else(bad)?];
            let hex = std::str::from_utf8(&hex).map_err(|_| bad())?;
            bytes.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).map_err(|_| bad())
}

impl PaperStamp {
    /// The text of the QR code.
    pub fn encode(&self) -> String {
        let mut out = format!("{MAGIC}/{}/", self.kind.letter());
        escape(&self.pay_point, &mut out);
        let _ = write!(
            out,
            "/{}/{}/{}/{}/{}",
            self.period,
            self.document.to_ascii_uppercase(),
            self.page,
            self.total.as_i64(),
            self.head.to_ascii_uppercase()
        );
        for (code, amount) in &self.lines {
            out.push('/');
            escape(code, &mut out);
            let _ = write!(out, ":{}", amount.as_i64());
        }
        out
    }

    /// Reads the text a scanner typed (surrounding white space and a trailing newline ignored).
    pub fn parse(text: &str) -> Result<PaperStamp, PaperError> {
        let fields: Vec<&str> = text.trim().split('/').collect();
        let field = |i: usize, what: &str| {
            fields
                .get(i)
                .copied()
                .filter(|f| !f.is_empty())
                .ok_or_else(|| PaperError(format!("thiếu {what}")))
        };
        if field(0, "phần đầu")? != MAGIC {
            return Err(PaperError(format!("không bắt đầu bằng {MAGIC}")));
        }
        let kind = match field(1, "loại giấy")? {
            "S" => PaperKind::Sheet,
            "R" => PaperKind::Receipt,
            "A" => PaperKind::AccountForm,
            k => return Err(PaperError(format!("loại giấy “{k}”"))),
        };
        let number = |i: usize, what: &str| -> Result<i64, PaperError> {
            let f = field(i, what)?;
            f.parse()
                .map_err(|_| PaperError(format!("{what} “{f}” không phải số")))
        };
        let period = field(3, "kỳ")?;
        let mut lines = Vec::new();
        for item in fields.iter().skip(8) {
            let (code, amount) = item
                .rsplit_once(':')
                .ok_or_else(|| PaperError(format!("dòng “{item}” thiếu số tiền")))?;
            let amount = amount
                .parse::<i64>()
                .ok()
                .and_then(|a| Dong::new(a).ok())
                .ok_or_else(|| PaperError(format!("số tiền “{amount}”")))?;
            lines.push((unescape(code)?, amount));
        }
        Ok(PaperStamp {
            kind,
            pay_point: unescape(field(2, "điểm chi trả")?)?,
            period: period
                .parse()
                .map_err(|_| PaperError(format!("kỳ “{period}”")))?,
            document: field(4, "mã tài liệu")?.to_string(),
            page: u32::try_from(number(5, "số trang")?)
                .map_err(|_| PaperError("số trang".into()))?,
            total: Dong::new(number(6, "tổng tiền")?)
                .map_err(|_| PaperError("tổng tiền".into()))?,
            head: field(7, "mã băm")?.to_string(),
            lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stamp_reads_back_as_written_whatever_the_codes_hold() {
        let s = PaperStamp {
            kind: PaperKind::Sheet,
            pay_point: "QH01".into(),
            period: "2026-12".parse().unwrap(),
            document: "0193AB".into(),
            page: 2,
            total: Dong::new(4_674_000).unwrap(),
            head: "ABCDEF012345".into(),
            lines: vec![
                ("QH01-000001".into(), Dong::new(2_337_000).unwrap()),
                ("mã/lạ: 7".into(), Dong::new(2_337_000).unwrap()),
            ],
        };
        let text = s.encode();
        assert!(
            text.chars()
                .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c)),
            "{text}"
        );
        assert_eq!(PaperStamp::parse(&format!("{text}\n")).unwrap(), s);
        assert!(PaperStamp::parse("SCT1/X/QH01").is_err());
        assert!(PaperStamp::parse("hello").is_err());
        assert!(PaperStamp::parse(&text.replace(":2337000", ":abc")).is_err());
    }
}
