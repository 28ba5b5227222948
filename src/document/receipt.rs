//! The home-delivery receipt (biên nhận chi trả tại nhà): one payout to one beneficiary, its lines
//! and amounts, the amount in words, who received the money (the beneficiary, or the authorised
//! proxy with their ID card number), the clerk and the date. Two copies on one A4 sheet, cut along
//! the middle: one stays with the pay point, one with the family.

use chrono::{Local, NaiveDate};

use super::data::PayoutDoc;
use super::pdf::{Align, Column, Doc, Face, Margins, Orientation, Row, Table, TableOptions};
use super::{DocumentError, Pdf};
use crate::ledger::Ledger;
use crate::money::Dong;
use crate::paper::{PaperKind, PaperStamp};
use crate::period::Period;

/// What to print.
#[derive(Debug, Clone, Default)]
pub struct ReceiptOptions {
    /// The period of the beneficiary looked up by code; the open one (or the latest) when `None`.
    pub period: Option<Period>,
    /// The beneficiary: their latest payout, not reversed, of the period.
    pub code: Option<String>,
    /// Or a payout by its id (a unique prefix of at least 8 characters will do).
    pub payout: Option<String>,
    /// The place on the date line; from the pay point's name when `None`.
    pub place: Option<String>,
    /// The date on the date line; the payout's date when `None`.
    pub date: Option<NaiveDate>,
}

/// Half an A4 page, where the sheet is cut.
const HALF: f32 = 297.0 / 2.0;
const SIZE: f32 = 10.5;
/// Side of a receipt's QR code, mm: a short text (version 5 or so), 0,4 mm a module, in the
/// 50 mm between the two signature blocks.
const RECEIPT_QR: f32 = 17.0;

fn lines_table() -> Table {
    Table {
        columns: vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Khoản chi", 70.0, Align::Left),
            Column::new("Tháng", 45.0, Align::Center),
            Column::new("Số tiền (đồng)", 45.0, Align::Right),
        ],
        header_size: SIZE,
        body_size: SIZE,
        numbering: false,
        min_row: 5.5,
    }
}

/// Draws one copy from the current position.
fn copy(
    doc: &mut Doc,
    (ctx, p, stamp): (&super::Context, &PayoutDoc, &PaperStamp),
    which: &str,
    date_line: &str,
) -> Result<(), DocumentError> {
    copy_heading(doc, ctx, p, which);
    beneficiary_lines(doc, p);
    payout_lines(doc, p);
    doc.paragraph(&recipient_line(p), Face::Regular, SIZE, Align::Left);
    let place = if p.at_home {
        "tại nhà đối tượng"
    } else {
        "tại điểm chi trả"
    };
    doc.paragraph(
        &format!(
            "Chi trả lúc {} ngày {} {place}; nhân viên chi trả: {}; mã lần chi trả: {}.",
            super::time_of(&p.paid_at),
            super::dmy_of(&p.paid_at),
            p.clerk,
            p.id
        ),
        Face::Regular,
        SIZE,
        Align::Left,
    );
    copy_signatures(doc, date_line, &p.clerk, stamp)
}

/// The header block in the receipt's smaller type, the title and which copy this is.
fn copy_heading(doc: &mut Doc, ctx: &super::Context, p: &PayoutDoc, which: &str) {
    super::header_block_sized(doc, ctx, SIZE, 11.5);
    let title = if p.at_home {
        "Biên nhận chi trả tại nhà"
    } else {
        "Biên nhận chi trả"
    };
    doc.paragraph(&title.to_uppercase(), Face::Bold, 13.0, Align::Center);
    doc.paragraph(
        &format!(
            "Trợ cấp ưu đãi người có công {} – {which}",
            p.period.label_vi()
        ),
        Face::Italic,
        SIZE,
        Align::Center,
    );
    doc.skip(1.0);
}

/// Who was paid: name, code, year of birth, address and category.
fn beneficiary_lines(doc: &mut Doc, p: &PayoutDoc) {
    let b = &p.person;
    let who = format!(
        "Họ và tên đối tượng: {}    Mã đối tượng: {}    Năm sinh: {}",
        b.name,
        b.code,
        b.birth_year.map(|y| y.to_string()).unwrap_or_default()
    );
    doc.paragraph(&who, Face::Regular, SIZE, Align::Left);
    doc.paragraph(
        &format!("Địa chỉ: {}    Diện đối tượng: {}", b.village, b.category),
        Face::Regular,
        SIZE,
        Align::Left,
    );
    doc.skip(0.5);
}

/// The lines paid, their total and the total in words.
fn payout_lines(doc: &mut Doc, p: &PayoutDoc) {
    let rows: Vec<Row> = p
        .lines
        .iter()
        .enumerate()
        .map(|(i, (kind, amount, from, to, note))| {
            let mut label = kind.label_vi().to_string();
            if !note.is_empty() {
                label.push_str(&format!(" ({note})"));
            }
            Row::new(vec![
                (i + 1).to_string(),
                label,
                super::sheet::months(from, to),
                amount.to_string(),
            ])
            .with_amount(*amount)
        })
        .collect();
    let total = Dong::sum(p.lines.iter().map(|l| l.1)).unwrap_or(Dong::ZERO);
    doc.table(
        &lines_table(),
        &rows,
        &TableOptions {
            grand_total: Some(("Cộng".into(), total, 3)),
            ..TableOptions::default()
        },
    );
    doc.skip(0.5);
    doc.paragraph(
        &format!("Số tiền bằng chữ: {}.", total.in_words()),
        Face::Italic,
        SIZE,
        Align::Left,
    );
}

/// Who took the money: the authorised proxy with their ID card (and relationship), or the
/// beneficiary with theirs.
fn recipient_line(p: &PayoutDoc) -> String {
    let b = &p.person;
    match &p.proxy {
        Some((name, id_card)) => {
            let rel = b
                .proxy
                .as_ref()
                .map(|x| x.relationship.clone())
                .filter(|r| !r.is_empty())
                .map(|r| format!(", quan hệ: {r}"))
                .unwrap_or_default();
            format!(
                "Người nhận tiền: {name} – người nhận thay theo giấy ủy quyền, CCCD số {id_card}{rel}."
            )
        }
        None => format!(
            "Người nhận tiền: {} – chính đối tượng{}.",
            b.name,
            b.id_card
                .as_ref()
                .map(|c| format!(", CCCD số {c}"))
                .unwrap_or_default()
        ),
    }
}

/// The date line and the two signatures, the recipient's on the left and the clerk's on the
/// right with the clerk's name printed under it, and the QR code between them, where neither
/// signs. Not [`super::signatures`]: the receipt's type is smaller and the QR code sits in it.
fn copy_signatures(
    doc: &mut Doc,
    date_line: &str,
    clerk: &str,
    stamp: &PaperStamp,
) -> Result<(), DocumentError> {
    let left = ("Người nhận tiền", "(Ký hoặc điểm chỉ, ghi rõ họ tên)");
    signatures_with_qr(doc, date_line, stamp, RECEIPT_QR, left)?;
    doc.skip(11.0);
    let (x, half) = (doc.left(), doc.content_width() / 2.0);
    doc.paragraph_in(x + half, half, clerk, Face::Bold, SIZE, Align::Center);
    Ok(())
}

/// The date line on the right, then two signature titles, `left` and the clerk's, with the page's
/// QR code of side `qr` between them. Leaves the position under the clerk's title.
pub(super) fn signatures_with_qr(
    doc: &mut Doc,
    date_line: &str,
    stamp: &PaperStamp,
    qr: f32,
    left: (&str, &str),
) -> Result<(), DocumentError> {
    let x = doc.left();
    let cw = doc.content_width();
    let half = cw / 2.0;
    doc.skip(0.5);
    doc.paragraph_in(x + half, half, date_line, Face::Italic, SIZE, Align::Center);
    let top = doc.y;
    doc.qr_at(x + (cw - qr) / 2.0, top, qr, stamp)?;
    signature_title(doc, x, left.0, left.1);
    doc.y = top;
    signature_title(doc, x + half, "Nhân viên chi trả", "(Ký, ghi rõ họ tên)");
    Ok(())
}

/// A signature block's bold title and italic hint, centred in the half of the line from `x`.
fn signature_title(doc: &mut Doc, x: f32, who: &str, hint: &str) {
    let half = doc.content_width() / 2.0;
    doc.paragraph_in(x, half, who, Face::Bold, SIZE, Align::Center);
    doc.paragraph_in(x, half, hint, Face::Italic, 10.0, Align::Center);
}

/// Where the second copy goes: under a dashed cut line across the middle of the sheet when the
/// first copy ended above it, else on a page of its own.
fn cut_line_or_new_page(doc: &mut Doc) {
    if doc.y + 4.0 <= HALF && doc.y > doc.top() {
        let x0 = 8.0;
        let mut x = x0;
        while x < 202.0 {
            doc.page().rule(x, HALF, (x + 2.0).min(202.0), HALF, 0.4);
            x += 4.0;
        }
        doc.page().text_in(
            0.0,
            210.0,
            HALF - 1.2,
            "cắt theo đường này",
            Face::Italic,
            7.0,
            Align::Center,
        );
        doc.y = HALF + 6.0;
    } else {
        doc.new_page();
    }
}

/// What a receipt's QR code says: the payout, its code and amount.
fn receipt_stamp(ctx: &super::Context, p: &PayoutDoc) -> Result<PaperStamp, DocumentError> {
    let total = Dong::sum(p.lines.iter().map(|l| l.1))?;
    let mut s = ctx.stamp(
        PaperKind::Receipt,
        p.id.replace('-', "").to_ascii_uppercase(),
    );
    s.total = total;
    s.lines = vec![(p.person.code.clone(), total)];
    Ok(s)
}

/// Renders the receipt of one payout, two copies on one sheet.
pub fn render(ledger: &Ledger, opts: &ReceiptOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    let p = ledger.receipt_payout(ctx.period, opts.code.as_deref(), opts.payout.as_deref())?;
    // The payout's own period (a payout named by id may belong to another month).
    let ctx = ledger.document_context(Some(p.period))?;
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);
    let date = opts
        .date
        .or_else(|| super::date_of(&p.paid_at))
        .unwrap_or_else(|| Local::now().date_naive());
    let date_line = super::date_line(&place, date);
    let title = format!(
        "Biên nhận chi trả {} – {} ({})",
        p.period.label_vi(),
        p.person.name,
        p.person.code
    );
    let mut doc = Doc::new(&title, Orientation::Portrait, ctx.page_mark());
    doc.set_margins(Margins {
        top: 12.0,
        bottom: 14.0,
        left: 25.0,
        right: 15.0,
    });
    doc.describe(
        "Biên nhận chi trả trợ cấp ưu đãi người có công",
        &ctx.pay_point_name,
    );
    let stamp = receipt_stamp(&ctx, &p)?;
    copy(
        &mut doc,
        (&ctx, &p, &stamp),
        "Liên 1: lưu tại điểm chi trả",
        &date_line,
    )?;
    cut_line_or_new_page(&mut doc);
    copy(
        &mut doc,
        (&ctx, &p, &stamp),
        "Liên 2: giao người nhận tiền",
        &date_line,
    )?;
    doc.finish()
}
