//! Documents: the papers a pay point prints, hands over and keeps for the auditors, as A4 PDF
//! laid out here in the core (`pdf`; the file written by `pdf::file`) with an embedded, subset
//! Liberation Serif (metric twin of Times New Roman, the font Decree 30/2020 asks for) so that the
//! text extracts exactly as written.
//!
//! One module per paper, each with a `render(&Ledger, &Options) -> Result<Pdf, DocumentError>`:
//!
//! - [`sheet`]: the signature sheet (danh sách chi trả có ký nhận), for the roll or one village;
//! - [`receipt`]: the home-delivery receipt (biên nhận chi trả tại nhà), two copies per A4;
//! - [`day`]: the day report (báo cáo cuối ngày) with the cash count against the ledger;
//! - [`unpaid`]: who has not been paid yet (danh sách chưa nhận);
//! - [`settlement`]: the month settlement (bảng tổng hợp thanh quyết toán) and its appendix;
//! - [`notice`]: the public notice (niêm yết): schedule, beneficiaries added and removed;
//! - [`district`]: the district hub's consolidated settlement of all its pay points.
//!
//! Layout primitives (fonts, widths, wrapping, tables over pages, "Trang x/y") live in `pdf`; the
//! read queries the papers need live in `data`.

pub mod account_form;
mod data;
pub mod day;
pub mod district;
pub mod notice;
pub(crate) mod pdf;
pub mod receipt;
pub mod settlement;
pub mod sheet;
pub mod unpaid;

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use crate::ledger::LedgerError;
use crate::money::MoneyError;
use crate::period::Period;
use crate::text;

pub use data::Context;
use pdf::{Align, Doc, Face, BODY};

/// Printed at the top of every page of a document made from demo data.
pub const DEMO_MARK: &str = "DỮ LIỆU MẪU – KHÔNG DÙNG ĐỂ CHI TRẢ THẬT";

/// The papers a pay point prints from the desktop window: what the window sends to ask for one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum DocumentKind {
    /// The signature sheet ([`sheet`]).
    Sheet,
    /// A home-delivery receipt ([`receipt`]).
    Receipt,
    /// The day report ([`day`]).
    Day,
    /// Who has not been paid yet ([`unpaid`]).
    Unpaid,
    /// The month settlement ([`settlement`]).
    Settlement,
    /// The public notice ([`notice`]).
    Notice,
}

impl DocumentKind {
    /// Every kind, in the order the Print screen lists them.
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::Sheet,
        DocumentKind::Receipt,
        DocumentKind::Day,
        DocumentKind::Unpaid,
        DocumentKind::Settlement,
        DocumentKind::Notice,
    ];

    /// The name the window sends and the log writes.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Sheet => "sheet",
            DocumentKind::Receipt => "receipt",
            DocumentKind::Day => "day",
            DocumentKind::Unpaid => "unpaid",
            DocumentKind::Settlement => "settlement",
            DocumentKind::Notice => "notice",
        }
    }
}

/// A finished document.
#[derive(Debug, Clone)]
pub struct Pdf {
    /// The PDF file's bytes.
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// The document's title (also in its properties).
    pub title: String,
}

impl Pdf {
    /// Writes the file, replacing it if it exists; the file appears whole or not at all.
    pub fn write_to(&self, path: &Path) -> Result<(), DocumentError> {
        crate::file::write_atomic(path, &self.bytes, false).map_err(|e| DocumentError::Write {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })
    }
}

/// Why a document could not be made. Nothing is written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// No roll at all in the ledger.
    #[error("sổ chưa có danh sách chi trả nào: hãy nạp danh sách của tháng (`paypoint roll import …`) rồi in lại")]
    NoRoll,
    /// No roll for the period asked.
    #[error(
        "sổ không có danh sách chi trả kỳ {0}: kiểm tra lại kỳ (dạng NĂM-THÁNG, ví dụ 2026-12)"
    )]
    NoRollForPeriod(Period),
    /// A village that is not on the roll.
    #[error("không có thôn/xóm “{village}” trong danh sách kỳ {period}; các thôn/xóm có trong danh sách: {known}")]
    UnknownVillage {
        /// As asked.
        village: String,
        /// The period.
        period: Period,
        /// The villages of the roll, comma-separated.
        known: String,
    },
    /// A beneficiary code that is not on the roll.
    #[error("không tìm thấy đối tượng có mã “{code}” trong danh sách kỳ {period}")]
    UnknownBeneficiary {
        /// As asked.
        code: String,
        /// The period.
        period: Period,
    },
    /// A receipt for someone not paid.
    #[error("{name} ({code}) chưa được chi trả trong kỳ {period}: biên nhận chỉ in được sau khi đã ghi nhận chi trả")]
    NotPaid {
        /// Code.
        code: String,
        /// Name.
        name: String,
        /// The period.
        period: Period,
    },
    /// No such payout.
    #[error("không tìm thấy lần chi trả “{0}” (nhập mã lần chi trả, ít nhất 8 ký tự đầu)")]
    UnknownPayout(String),
    /// Several payouts start with the characters given.
    #[error("có nhiều lần chi trả bắt đầu bằng “{0}”: hãy nhập mã đầy đủ hơn")]
    AmbiguousPayout(String),
    /// A reversed payout.
    #[error("lần chi trả {0} đã bị hủy: không in biên nhận cho lần chi đã hủy")]
    PayoutReversed(String),
    /// Neither a code nor a payout for a receipt.
    #[error("cần chỉ rõ đối tượng (--code MÃ) hoặc lần chi trả (--payout MÃ) để in biên nhận")]
    ReceiptTarget,
    /// No request to be paid by account for the code.
    #[error("đối tượng mã “{0}” chưa có đề nghị nhận trợ cấp qua tài khoản trên máy này: ghi đề nghị trước (`paypoint account request`), rồi in giấy")]
    NoAccountRequest(String),
    /// A schedule that makes no sense.
    #[error("lịch chi trả không hợp lệ: {0}")]
    BadSchedule(String),
    /// A character the font has no glyph for (it would print as an empty box).
    #[error("ký tự “{character}” trong “{text}” không in được bằng phông chữ của giấy tờ; hãy sửa dữ liệu nguồn (danh sách của đơn vị quản lý) rồi nạp lại")]
    Unprintable {
        /// The character.
        character: char,
        /// The text it is in.
        text: String,
    },
    /// The PDF writer failed.
    #[error("không tạo được tệp PDF: {0}")]
    Pdf(String),
    /// The file could not be written.
    #[error("không ghi được tệp {path}: {reason}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What the system said.
        reason: String,
    },
    /// An amount out of range.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// The ledger could not be read.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<rusqlite::Error> for DocumentError {
    fn from(e: rusqlite::Error) -> Self {
        DocumentError::Ledger(LedgerError::from(e))
    }
}

/// The place written on the date line: the words after "xã", "phường" or "thị trấn" in the pay
/// point's name ("Bưu điện văn hóa xã Quảng Hưng" → "Quảng Hưng"), else the whole name.
pub fn place_from_pay_point(name: &str) -> String {
    crate::org::commune_in(name).unwrap_or_else(|| text::clean(name))
}

/// The place of an office's date line: the words after its last "xã", "phường", "tỉnh" or
/// "thành phố" ("Sở Nội vụ tỉnh Quảng Trị" → "Quảng Trị"); a dotted blank to write it in by hand
/// when the name has none, never a made-up place.
pub fn place_of_office(name: &str) -> String {
    crate::org::commune_in(name)
        .or_else(|| crate::org::province_in(name))
        .unwrap_or_else(|| "…………".to_string())
}

/// "Quảng Hưng, ngày 05 tháng 12 năm 2026" (Decree 30/2020: days below 10 and months 1–2 with a
/// leading zero).
pub fn date_line(place: &str, date: NaiveDate) -> String {
    let month = if date.month() <= 2 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!(
        "{}, ngày {:02} tháng {} năm {}",
        text::clean(place),
        date.day(),
        month,
        date.year()
    )
}

/// `dd/mm/yyyy`.
pub fn dmy(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

/// The date of a stored local time ("2026-12-05T09:31:02.123+07:00").
pub(crate) fn date_of(local_time: &str) -> Option<NaiveDate> {
    local_time.get(..10)?.parse().ok()
}

/// "09:31" of a stored local time.
pub(crate) fn time_of(local_time: &str) -> String {
    local_time.get(11..16).unwrap_or("").to_string()
}

/// `dd/mm/yyyy` of a stored local time.
pub(crate) fn dmy_of(local_time: &str) -> String {
    date_of(local_time).map(dmy).unwrap_or_default()
}

/// The header block of every paper: the payer as configured (its parent above it, Decree 30's
/// "cơ quan chủ quản") and the pay point on the left, the national title and motto on the right,
/// each with its short rule under it.
pub(crate) fn header_block(doc: &mut Doc, ctx: &Context) {
    header_block_sized(doc, ctx, 12.0, BODY);
}

/// [`header_block`] with its type sizes: `size` for the names, `motto` for the motto line.
pub(crate) fn header_block_sized(doc: &mut Doc, ctx: &Context, size: f32, motto_size: f32) {
    header_lines(
        doc,
        Issuer {
            parent: ctx.org.payer_parent.as_deref(),
            name: &ctx.org.payer_unit,
            below: &format!("Điểm chi trả: {}", ctx.pay_point_code),
        },
        size,
        motto_size,
    );
}

/// Who issues a paper, as the top left of its header says it.
pub(crate) struct Issuer<'a> {
    /// The body above the issuer, in regular capitals, if any ("Bưu điện tỉnh Quảng Trị").
    pub parent: Option<&'a str>,
    /// The issuer, in bold capitals.
    pub name: &'a str,
    /// A line under it ("Điểm chi trả: QH01").
    pub below: &'a str,
}

/// The header block with any issuer on the left (a post office and its pay point, a managing
/// office and how many pay points), the national title and motto on the right.
pub(crate) fn header_lines(doc: &mut Doc, issuer: Issuer<'_>, size: f32, motto_size: f32) {
    let x = doc.left();
    let cw = doc.content_width();
    // The right block as wide as its longer line needs, the left block the rest.
    let right_need = pdf::width("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", Face::Bold, size).max(
        pdf::width("Độc lập - Tự do - Hạnh phúc", Face::Bold, motto_size),
    ) + 6.0;
    let left_w = (cw - right_need).clamp(cw * 0.35, cw * 0.5);
    let right_w = cw - left_w;
    let right_x = x + left_w;
    let top = doc.y;

    // Left: the parent body, the post office (pay point) and its code.
    if let Some(parent) = issuer.parent {
        let upper = parent.to_uppercase();
        doc.paragraph_in(x, left_w, &upper, Face::Regular, size, Align::Center);
    }
    doc.paragraph_in(
        x,
        left_w,
        &issuer.name.to_uppercase(),
        Face::Bold,
        size,
        Align::Center,
    );
    doc.paragraph_in(x, left_w, issuer.below, Face::Regular, size, Align::Center);
    let left_bottom = doc.y;
    doc.page().rule(
        x + left_w / 2.0 - 15.0,
        left_bottom + 0.8,
        x + left_w / 2.0 + 15.0,
        left_bottom + 0.8,
        0.6,
    );

    // Right: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM / Độc lập - Tự do - Hạnh phúc".
    doc.y = top;
    doc.paragraph_in(
        right_x,
        right_w,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        Face::Bold,
        size,
        Align::Center,
    );
    let motto = "Độc lập - Tự do - Hạnh phúc";
    doc.paragraph_in(
        right_x,
        right_w,
        motto,
        Face::Bold,
        motto_size,
        Align::Center,
    );
    let mw = pdf::width(motto, Face::Bold, motto_size);
    let my = doc.y + 0.8;
    doc.page().rule(
        right_x + (right_w - mw) / 2.0,
        my,
        right_x + (right_w + mw) / 2.0,
        my,
        0.6,
    );
    doc.y = doc.y.max(left_bottom) + size * 0.5;
}

/// Title lines, centred: the first in bold capitals, the others regular.
pub(crate) fn title(doc: &mut Doc, title: &str, lines: &[String]) {
    doc.paragraph(&title.to_uppercase(), Face::Bold, 14.0, Align::Center);
    for l in lines {
        doc.paragraph(l, Face::Regular, BODY, Align::Center);
    }
    doc.skip(3.0);
}

/// Who signs a paper: each paper lists its signers, the titles come from the organisation
/// settings ([`crate::org::Titles`]), so that no title is written into a paper.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signer {
    /// Who drew up the paper.
    Preparer,
    /// The accountant.
    Accountant,
    /// The payer's head.
    Head,
    /// The paying clerk.
    Clerk,
    /// Who signs for the managing office.
    Managing,
    /// The managing office's supervisor at the payout (TT 44/2022 Điều 8): the sheet's and the day
    /// report's block, with the name recorded for the day (`paypoint day supervisor`).
    Supervisor,
}

/// The signature blocks of `signers` with their titles as configured.
pub(crate) fn sign_blocks(
    org: &crate::org::Organisation,
    signers: &[(Signer, &'static str)],
) -> Vec<(String, &'static str)> {
    let t = &org.titles;
    signers
        .iter()
        .map(|(who, hint)| {
            let title = match who {
                Signer::Preparer => &t.preparer,
                Signer::Accountant => &t.accountant,
                Signer::Head => &t.head,
                Signer::Clerk => &t.clerk,
                Signer::Managing => &t.managing,
                Signer::Supervisor => &t.supervisor,
            };
            (title.clone(), *hint)
        })
        .collect()
}

/// Space left under a signature title for the signature itself.
const SIGN_SPACE: f32 = 24.0;

/// Height of [`signatures`].
pub(crate) fn signatures_height(date_line: Option<&str>) -> f32 {
    let date_h = if date_line.is_some() {
        pdf::line_height(BODY) + 1.0
    } else {
        0.0
    };
    4.0 + date_h + pdf::line_height(BODY) * 2.0 + pdf::line_height(11.0) + SIGN_SPACE
}

/// Height of [`signatures_named`]: [`signatures_height`] and, when a block has a name printed
/// under it, two lines for the name and the office.
pub(crate) fn signatures_named_height(date_line: Option<&str>, names: &[Option<Named>]) -> f32 {
    let named = names.iter().any(Option::is_some);
    signatures_height(date_line)
        + if named {
            pdf::line_height(BODY) + pdf::line_height(10.0) * 2.0
        } else {
            0.0
        }
}

/// A name printed under a signature block, known before the paper is signed (the commune's
/// supervisor recorded for the day), with the office in small type under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Named {
    /// Full name, in bold.
    pub name: String,
    /// Office and position.
    pub office: String,
}

impl From<crate::supervisor::DaySupervisor> for Named {
    fn from(s: crate::supervisor::DaySupervisor) -> Named {
        Named {
            name: s.name,
            office: s.office,
        }
    }
}

/// The place-and-date line (italic, over the right-hand blocks) and the signature blocks side by
/// side: each a bold title, "(Ký, ghi rõ họ tên)" in italics, and room to sign.
pub(crate) fn signatures<S: AsRef<str>>(
    doc: &mut Doc,
    date_line: Option<&str>,
    blocks: &[(S, &str)],
) {
    signatures_named(doc, date_line, blocks, &[]);
}

/// [`signatures`] with a name printed under the room to sign of some blocks: `names[i]` for
/// `blocks[i]`, `None` (or a shorter list) leaving the block to be filled in by hand.
pub(crate) fn signatures_named<S: AsRef<str>>(
    doc: &mut Doc,
    date_line: Option<&str>,
    blocks: &[(S, &str)],
    names: &[Option<Named>],
) {
    doc.ensure(signatures_named_height(date_line, names));
    doc.skip(4.0);
    let x = doc.left();
    let cw = doc.content_width();
    let n = blocks.len().max(1);
    let bw = cw / n as f32;
    if let Some(d) = date_line {
        // Over the right half (or the last block when there are only two).
        let span = if n >= 4 { 2 } else { 1 };
        let dx = x + bw * (n - span) as f32;
        let dw = bw * span as f32;
        // One line whenever it fits the page: centred over the blocks, pulled in from the margin.
        let lines = pdf::wrap(&pdf::prepare(d), Face::Italic, BODY, cw);
        for l in lines {
            let tw = pdf::width(&l, Face::Italic, BODY);
            let lx = (dx + (dw - tw) / 2.0).min(x + cw - tw).max(x);
            let baseline = doc.y + 4.0;
            doc.page().text(lx, baseline, &l, Face::Italic, BODY);
            doc.y += pdf::line_height(BODY);
        }
        doc.y += 1.0;
    }
    let top = doc.y;
    let mut bottom = top;
    for (i, (who, hint)) in blocks.iter().enumerate() {
        doc.y = top;
        let bx = x + bw * i as f32;
        doc.paragraph_in(bx, bw, who.as_ref(), Face::Bold, BODY, Align::Center);
        doc.paragraph_in(bx, bw, hint, Face::Italic, 11.0, Align::Center);
        bottom = bottom.max(doc.y);
    }
    doc.y = bottom + SIGN_SPACE;
    let names_top = doc.y;
    let mut names_bottom = names_top;
    for (i, named) in names.iter().enumerate().take(n) {
        let Some(named) = named else { continue };
        doc.y = names_top;
        let bx = x + bw * i as f32;
        doc.paragraph_in(bx, bw, &named.name, Face::Bold, BODY, Align::Center);
        doc.paragraph_in(bx, bw, &named.office, Face::Regular, 10.0, Align::Center);
        names_bottom = names_bottom.max(doc.y);
    }
    doc.y = names_bottom;
}

/// The place written on the date line: the one asked for, else the configured commune, else the
/// one in the pay point's name ([`crate::org::Organisation::place`]).
pub(crate) fn place_or_pay_point(place: Option<&str>, ctx: &Context) -> String {
    place
        .map(str::to_string)
        .unwrap_or_else(|| ctx.org.place.clone())
}

/// A numbered section's heading ("I. Lịch chi trả"), bold on the left, a little space under it.
pub(crate) fn section_heading(doc: &mut Doc, heading: &str) {
    doc.paragraph(heading, Face::Bold, BODY, Align::Left);
    doc.skip(1.0);
}

/// What closes a list: a few lines under the table (the count, the amount in words) and the
/// signatures. The table is told its [`Closing::height`] as `keep_with_last`, so that the block
/// lands on the page of the last rows rather than alone on a page of its own.
pub(crate) struct Closing<'a, S: AsRef<str> = &'a str> {
    /// The lines, each with its face and size, left-aligned.
    pub lines: Vec<(String, Face, f32)>,
    /// The place-and-date line over the signatures.
    pub date_line: String,
    /// The signature blocks: title and hint.
    pub signers: &'a [(S, &'a str)],
}

impl<S: AsRef<str>> Closing<'_, S> {
    /// Height of the whole block on a text area `w` wide.
    pub(crate) fn height(&self, w: f32) -> f32 {
        self.height_named(w, &[])
    }

    /// Draws the block, on a new page only when it does not fit under the table.
    pub(crate) fn draw(&self, doc: &mut Doc) {
        self.draw_named(doc, &[]);
    }

    /// [`Closing::height`] with names under some signature blocks ([`signatures_named`]).
    pub(crate) fn height_named(&self, w: f32, names: &[Option<Named>]) -> f32 {
        let mut h = 2.0;
        for (text, face, size) in &self.lines {
            h += Doc::paragraph_height(text, *face, *size, w);
        }
        h + signatures_named_height(Some(&self.date_line), names)
    }

    /// [`Closing::draw`] with names under some signature blocks ([`signatures_named`]).
    pub(crate) fn draw_named(&self, doc: &mut Doc, names: &[Option<Named>]) {
        doc.ensure(self.height_named(doc.content_width(), names));
        doc.skip(2.0);
        for (text, face, size) in &self.lines {
            doc.paragraph(text, *face, *size, Align::Left);
        }
        signatures_named(doc, Some(&self.date_line), self.signers, names);
    }
}

/// What two village names must share to be the same village: case, accents and spacing aside.
pub(crate) fn village_key(s: &str) -> String {
    text::fold(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two village names are the same, ignoring case, accents and spacing.
#[cfg(test)]
fn same_village(a: &str, b: &str) -> bool {
    village_key(a) == village_key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_kinds_travel_by_the_names_the_window_sends() {
        for kind in DocumentKind::ALL {
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, serde_json::json!(kind.as_str()));
            assert_eq!(serde_json::from_value::<DocumentKind>(json).unwrap(), kind);
        }
        assert!(serde_json::from_str::<DocumentKind>("\"sheeet\"").is_err());
    }

    #[test]
    fn place_comes_from_the_pay_point_name() {
        assert_eq!(
            place_from_pay_point("Bưu điện văn hóa xã Quảng Hưng"),
            "Quảng Hưng"
        );
        assert_eq!(place_from_pay_point("BĐVHX Xã Hải Hòa"), "Hải Hòa");
        assert_eq!(place_from_pay_point("Bưu điện thị trấn Ba Đồn"), "Ba Đồn");
        assert_eq!(
            place_from_pay_point("Điểm chi trả Phú Lộc"),
            "Điểm chi trả Phú Lộc"
        );
    }

    #[test]
    fn an_office_date_line_names_its_place_or_leaves_a_blank_never_a_district() {
        assert_eq!(place_of_office("Sở Nội vụ tỉnh Quảng Trị"), "Quảng Trị");
        assert_eq!(place_of_office("UBND xã Quảng Hưng"), "Quảng Hưng");
        assert_eq!(place_of_office("Bưu điện thành phố Huế"), "Huế");
        assert_eq!(place_of_office("Đơn vị quản lý"), "…………");
    }

    #[test]
    fn date_line_follows_decree_30() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            date_line("Quảng Hưng", d(2026, 12, 5)),
            "Quảng Hưng, ngày 05 tháng 12 năm 2026"
        );
        assert_eq!(
            date_line("Quảng Hưng", d(2026, 3, 5)),
            "Quảng Hưng, ngày 05 tháng 3 năm 2026"
        );
        assert_eq!(
            date_line("Quảng Hưng", d(2027, 2, 14)),
            "Quảng Hưng, ngày 14 tháng 02 năm 2027"
        );
        assert_eq!(dmy(d(2026, 12, 5)), "05/12/2026");
    }

    #[test]
    fn villages_match_without_accents() {
        assert!(same_village("Thôn Đông", "thon  dong"));
        assert!(!same_village("Thôn Đông", "Thôn Tây"));
    }
}
