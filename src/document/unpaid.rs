//! The unpaid list (danh sách chưa nhận), printable at any time of the month: who has not been
//! paid yet, how much, their village, whether they are paid at home and what the last home visit
//! found. Those whose payment is stopped are listed too, marked, because their money is not paid
//! out either and the district must hear of them.

use chrono::{Local, NaiveDate, NaiveDateTime};

use super::data::{Context, Person};
use super::pdf::{
    self, Align, Column, Doc, Face, Orientation, PageTotal, Row, Table, TableOptions,
};
use super::sheet::{select_village, villages};
use super::{DocumentError, Pdf, Signer};
use crate::ledger::Ledger;
use crate::money::Dong;
use crate::period::Period;

/// What to print.
#[derive(Debug, Clone)]
pub struct UnpaidOptions {
    /// The period; the open one (or the latest) when `None`.
    pub period: Option<Period>,
    /// One village only; the whole roll when `None`.
    pub village: Option<String>,
    /// The place on the date line; from the pay point's name when `None`.
    pub place: Option<String>,
    /// The date on the date line.
    pub date: NaiveDate,
    /// The moment the list is "as of", printed under the title.
    pub as_of: NaiveDateTime,
}

impl Default for UnpaidOptions {
    fn default() -> Self {
        let now = Local::now().naive_local();
        UnpaidOptions {
            period: None,
            village: None,
            place: None,
            date: now.date(),
            as_of: now,
        }
    }
}

const SIGNERS: [(Signer, &str); 3] = [
    (Signer::Preparer, "(Ký, ghi rõ họ tên)"),
    (Signer::Accountant, "(Ký, ghi rõ họ tên)"),
    (Signer::Head, "(Ký, ghi rõ họ tên, đóng dấu)"),
];

const AMOUNT_COL: usize = 5;

fn table() -> Table {
    Table {
        columns: vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Họ và tên", 42.0, Align::Left),
            Column::new("Mã đối tượng", 27.0, Align::Center),
            Column::new("Thôn/xóm", 28.0, Align::Left),
            Column::new("Diện đối tượng", 40.0, Align::Left),
            Column::new("Số tiền chưa nhận (đồng)", 25.0, Align::Right),
            Column::new("Chi tại nhà", 14.0, Align::Center),
            Column::new("Lần đến nhà gần nhất", 34.0, Align::Left),
            Column::new("Ghi chú", 32.0, Align::Left),
        ],
        header_size: 11.0,
        body_size: pdf::CELL,
        numbering: false,
        min_row: 8.0,
    }
}

fn last_visit(p: &Person) -> String {
    match &p.last_visit {
        Some((outcome, at)) => format!(
            "{} ({} {})",
            outcome.label_vi(),
            super::time_of(at),
            super::dmy_of(at)
        ),
        None if p.home_delivery => "Chưa đến".to_string(),
        None => String::new(),
    }
}

fn note(p: &Person) -> String {
    let mut parts = Vec::new();
    if let Some((reason, date)) = p.stop {
        let mut s = format!("Dừng chi trả: báo giảm ({})", reason.label_vi());
        if let Some(d) = date {
            s.push_str(&format!(" ngày {}", super::dmy(d)));
        }
        parts.push(s);
    } else if p.paid().is_positive() {
        parts.push(format!("Đã nhận một phần {} đ", p.paid()));
    }
    if let Some(proxy) = &p.proxy {
        parts.push(format!("Nhận thay: {}", proxy.name));
    }
    parts.join("; ")
}

/// One person not paid in full: what is still owed, whether they are paid at home, the last
/// visit and the notes.
fn unpaid_row((i, p): (usize, &&Person)) -> Row {
    Row::new(vec![
        (i + 1).to_string(),
        p.name.clone(),
        p.code.clone(),
        p.village.clone(),
        p.category.clone(),
        p.unpaid().to_string(),
        if p.home_delivery { "x" } else { "" }.to_string(),
        last_visit(p),
        note(p),
    ])
    .with_amount(p.unpaid())
}

/// The list down to its title: properties, header block, title with the scope and the moment
/// the list is as of.
fn unpaid_doc(
    ctx: &Context,
    village: Option<&str>,
    all_villages: usize,
    as_of: NaiveDateTime,
) -> Doc {
    let mut title = format!(
        "Danh sách đối tượng chưa nhận trợ cấp {} – {}",
        ctx.period.label_vi(),
        ctx.pay_point_name
    );
    if let Some(v) = village {
        title.push_str(&format!(" – {v}"));
    }
    let mut doc = Doc::new(&title, Orientation::Landscape, ctx.page_mark());
    doc.describe(
        "Danh sách đối tượng chưa nhận trợ cấp ưu đãi người có công",
        &ctx.pay_point_name,
    );
    super::header_block(&mut doc, ctx);
    let scope = match village {
        Some(v) => format!("Thôn/xóm: {v}"),
        None => format!("Toàn điểm chi trả ({all_villages} thôn/xóm)"),
    };
    super::title(
        &mut doc,
        "Danh sách đối tượng chưa nhận trợ cấp",
        &[
            format!(
                "Tháng {} năm {} – {}",
                ctx.period.month(),
                ctx.period.year(),
                scope
            ),
            format!(
                "Tính đến {} ngày {}",
                as_of.format("%H:%M"),
                super::dmy(as_of.date())
            ),
        ],
    );
    doc
}

/// Renders the unpaid list.
pub fn render(ledger: &Ledger, opts: &UnpaidOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    let people = ledger.document_people(ctx.period)?;
    let all_villages = villages(&people).len();
    let people = select_village(people, opts.village.as_deref(), ctx.period)?;
    let village = opts.village.as_ref().map(|_| people[0].village.clone());
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);
    let unpaid: Vec<&Person> = people.iter().filter(|p| p.unpaid().is_positive()).collect();

    let mut doc = unpaid_doc(&ctx, village.as_deref(), all_villages, opts.as_of);
    let rows: Vec<Row> = unpaid.iter().enumerate().map(unpaid_row).collect();
    let total = Dong::sum(unpaid.iter().map(|p| p.unpaid()))?;
    let stopped = Dong::sum(unpaid.iter().map(|p| p.unpaid_stopped()))?;
    let home = unpaid.iter().filter(|p| p.home_delivery).count();
    let summary = format!(
        "Tổng số: {} / {} đối tượng chưa nhận, số tiền {} đồng (trong đó dừng chi trả {} đồng); {} đối tượng chi tại nhà.",
        unpaid.len(),
        people.len(),
        total,
        stopped,
        home
    );
    let words = format!("Bằng chữ: {}.", total.in_words());
    let closing = super::Closing {
        lines: vec![
            (summary, Face::Regular, pdf::BODY),
            (words, Face::Italic, pdf::BODY),
        ],
        date_line: super::date_line(&place, opts.date),
        signers: &super::sign_blocks(&ctx.org, &SIGNERS),
    };
    doc.table(
        &table(),
        &rows,
        &TableOptions {
            page_total: Some(PageTotal {
                label: "Cộng trang".into(),
                amount_col: AMOUNT_COL,
            }),
            grand_total: Some(("TỔNG CỘNG".into(), total, AMOUNT_COL)),
            keep_with_last: closing.height(doc.content_width()),
            continuation: Some(format!(
                "Danh sách chưa nhận {} – {} (tiếp theo)",
                ctx.period.label_vi(),
                village.as_deref().unwrap_or(&ctx.pay_point_name)
            )),
            empty: Some("Mọi đối tượng đã nhận đủ tiền kỳ này".into()),
        },
    );
    closing.draw(&mut doc);
    doc.finish()
}
