//! The signature sheet (danh sách chi trả có ký nhận): the month's roll, or one village of it, as
//! the beneficiaries sign for their money. Landscape A4: the header block, the title with the
//! month, the table (STT | Họ và tên | Năm sinh | Địa chỉ | Mã đối tượng | Diện / loại trợ cấp |
//! Số tiền | Ký nhận | Ghi chú) with its header and numbering row on every page, rows of at least
//! 12 mm to sign in, "Cộng trang" at the foot of every page, TỔNG CỘNG and the amount in words
//! after the last row, the date line and four signature blocks.

use chrono::{Local, NaiveDate};

use super::data::Person;
use super::pdf::{
    self, Align, Column, Doc, Face, Orientation, PageTotal, Row, Table, TableOptions,
};
use super::{DocumentError, Pdf, Signer};
use crate::ledger::Ledger;
use crate::model::LineKind;
use crate::money::Dong;
use crate::paper::PaperKind;
use crate::period::Period;

/// What to print.
#[derive(Debug, Clone)]
pub struct SheetOptions {
    /// The period; the open one (or the latest) when `None`.
    pub period: Option<Period>,
    /// One village only (accent- and case-insensitive); the whole roll when `None`.
    pub village: Option<String>,
    /// The place on the date line; from the pay point's name when `None`.
    pub place: Option<String>,
    /// The date on the date line.
    pub date: NaiveDate,
}

impl Default for SheetOptions {
    fn default() -> Self {
        SheetOptions {
            period: None,
            village: None,
            place: None,
            date: Local::now().date_naive(),
        }
    }
}

/// Least height of a row: room for a signature or a thumbprint.
pub const MIN_ROW_MM: f32 = 12.0;

/// The signature blocks at the foot of the sheet.
const SIGNERS: [(Signer, &str); 4] = [
    (Signer::Preparer, "(Ký, ghi rõ họ tên)"),
    (Signer::Accountant, "(Ký, ghi rõ họ tên)"),
    (Signer::Head, "(Ký, ghi rõ họ tên, đóng dấu)"),
    (Signer::Managing, "(Ký, ghi rõ họ tên, đóng dấu)"),
];

/// The people of the period, or of one village of it.
pub(crate) fn select_village(
    people: Vec<Person>,
    village: Option<&str>,
    period: Period,
) -> Result<Vec<Person>, DocumentError> {
    let Some(v) = village else {
        return Ok(people);
    };
    let wanted = super::village_key(v);
    let known = villages(&people);
    let chosen: Vec<Person> = people
        .into_iter()
        .filter(|p| super::village_key(&p.village) == wanted)
        .collect();
    if chosen.is_empty() {
        return Err(DocumentError::UnknownVillage {
            village: v.trim().to_string(),
            period,
            known: known.join(", "),
        });
    }
    Ok(chosen)
}

/// The villages of a list, in order of first appearance (the same village written with other
/// accents or spacing counts once).
pub(crate) fn villages(people: &[Person]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<String> = Vec::new();
    for p in people {
        if seen.insert(super::village_key(&p.village)) {
            out.push(p.village.clone());
        }
    }
    out
}

/// "09/2026–11/2026" for a span of months stored as "2026-09" … "2026-11"; one month alone is
/// "12/2026".
pub(crate) fn months(from: &str, to: &str) -> String {
    let f = |s: &str| match s.split_once('-') {
        Some((y, m)) => format!("{m}/{y}"),
        None => s.to_string(),
    };
    if from == to {
        f(from)
    } else {
        format!("{}–{}", f(from), f(to))
    }
}

/// The category, and the kinds of allowance paid on top of the monthly one:
/// "Thương binh 100% (+ Trợ cấp người phục vụ, Truy lĩnh 09/2026–11/2026)".
pub(crate) fn category_and_kinds(p: &Person) -> String {
    let kinds: Vec<String> = p
        .lines
        .iter()
        .filter(|l| l.kind != LineKind::Monthly)
        .map(|l| match l.kind {
            LineKind::Arrears | LineKind::OneOff => {
                format!(
                    "{} {}",
                    l.kind.label_vi(),
                    months(&l.covers_from, &l.covers_to)
                )
            }
            k => k.label_vi().to_string(),
        })
        .collect();
    if kinds.is_empty() {
        return p.category.clone();
    }
    format!("{} (+ {})", p.category, kinds.join(", "))
}

/// The note of a row: proxy, home delivery, stop.
fn note(p: &Person) -> String {
    let mut parts = Vec::new();
    if let Some(proxy) = &p.proxy {
        if proxy.relationship.is_empty() {
            parts.push(format!("Nhận thay: {}", proxy.name));
        } else {
            parts.push(format!(
                "Nhận thay: {} ({})",
                proxy.name, proxy.relationship
            ));
        }
    }
    if p.home_delivery {
        parts.push("Chi tại nhà".to_string());
    }
    if let Some((reason, _)) = p.stop {
        parts.push(format!("Dừng chi trả ({})", reason.label_vi()));
    }
    parts.join("; ")
}

fn table() -> Table {
    Table {
        columns: vec![
            Column::new("STT", 12.0, Align::Center),
            Column::new("Họ và tên", 40.0, Align::Left),
            Column::new("Năm sinh", 12.0, Align::Center),
            Column::new("Địa chỉ", 26.0, Align::Left),
            Column::new("Mã đối tượng", 27.0, Align::Center),
            Column::new("Diện / loại trợ cấp", 44.0, Align::Left),
            Column::new("Số tiền (đồng)", 28.0, Align::Right),
            Column::new("Ký nhận", 28.0, Align::Center),
            Column::new("Ghi chú", 35.0, Align::Left),
        ],
        header_size: 11.0,
        body_size: pdf::CELL,
        numbering: true,
        min_row: MIN_ROW_MM,
    }
}

/// Column of the amount.
const AMOUNT_COL: usize = 6;

/// Renders the signature sheet.
pub fn render(ledger: &Ledger, opts: &SheetOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    let people = ledger.document_people(ctx.period)?;
    let people = select_village(people, opts.village.as_deref(), ctx.period)?;
    let village = opts.village.as_ref().map(|_| people[0].village.clone());
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);

    let mut title = format!(
        "Danh sách chi trả có ký nhận {} – {}",
        ctx.period.label_vi(),
        ctx.pay_point_name
    );
    if let Some(v) = &village {
        title.push_str(&format!(" – {v}"));
    }
    let mut doc = Doc::new(&title, Orientation::Landscape, ctx.page_mark());
    // One id per printing: a page names the printing it came from.
    let printing = uuid::Uuid::now_v7().simple().to_string()[..16].to_ascii_uppercase();
    doc.stamp(ctx.stamp(PaperKind::Sheet, printing));
    doc.describe(
        "Danh sách chi trả trợ cấp ưu đãi người có công có ký nhận",
        &ctx.pay_point_name,
    );
    super::header_block(&mut doc, &ctx);
    let scope = match &village {
        Some(v) => format!("Thôn/xóm: {v}"),
        None => format!("Toàn điểm chi trả ({} thôn/xóm)", villages(&people).len()),
    };
    super::title(
        &mut doc,
        "Danh sách chi trả trợ cấp ưu đãi người có công",
        &[format!(
            "Tháng {} năm {} – {}",
            ctx.period.month(),
            ctx.period.year(),
            scope
        )],
    );

    let rows: Vec<Row> = people
        .iter()
        .enumerate()
        .map(|(i, p)| {
            Row::new(vec![
                (i + 1).to_string(),
                p.name.clone(),
                p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                p.village.clone(),
                p.code.clone(),
                category_and_kinds(p),
                p.total().to_string(),
                String::new(),
                note(p),
            ])
            .with_amount(p.total())
            .with_tag(&p.code)
        })
        .collect();
    let total = Dong::sum(people.iter().map(Person::total))?;
    let words = format!("Bằng chữ: {}.", total.in_words());
    let count = format!(
        "Tổng số: {} đối tượng. Người nhận thay phải xuất trình giấy ủy quyền và CCCD; đối tượng ký hoặc điểm chỉ vào cột (8).",
        people.len()
    );
    let closing = super::Closing {
        lines: vec![
            (words, Face::Italic, pdf::BODY),
            (count, Face::Italic, 11.0),
        ],
        date_line: super::date_line(&place, opts.date),
        signers: &super::sign_blocks(&ctx.org, &SIGNERS),
    };
    let t = table();
    doc.table(
        &t,
        &rows,
        &TableOptions {
            page_total: Some(PageTotal {
                label: "Cộng trang".into(),
                amount_col: AMOUNT_COL,
            }),
            grand_total: Some(("TỔNG CỘNG".into(), total, AMOUNT_COL)),
            keep_with_last: closing.height(doc.content_width()),
            continuation: Some(format!(
                "Danh sách chi trả {} – {} (tiếp theo)",
                ctx.period.label_vi(),
                village.as_deref().unwrap_or(&ctx.pay_point_name)
            )),
            empty: None,
        },
    );
    closing.draw(&mut doc);
    doc.finish()
}
