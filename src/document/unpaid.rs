//! The unpaid list (danh sách chưa nhận), printable at any time of the month, in two parts as the
//! settlement counts them: I. those not paid yet, whose money is carried over (Chưa trả), each
//! with why (not come to the counter, not visited at home yet — "Chưa đến nhà" —, away, in
//! hospital, refused); II. those whose payment is stopped by a stop report (Chưa trả và dừng chi
//! trả), with the reason and the date of death or move, whose money is not carried over. A person
//! stopped with a funeral allowance still owed appears in both, each part with its own amount.

use chrono::{Local, NaiveDate, NaiveDateTime};

use super::data::{Context, Person};
use super::pdf::{
    self, Align, Column, Doc, Face, Orientation, PageTotal, Row, Table, TableOptions,
};
use super::sheet::{select_village, villages};
use super::{DocumentError, Pdf, Signer};
use crate::ledger::Ledger;
use crate::model::StopReason;
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

/// Column of the amount, in both parts.
const AMOUNT_COL: usize = 5;

/// The leading columns both parts share.
fn person_columns() -> Vec<Column> {
    vec![
        Column::new("STT", 10.0, Align::Center),
        Column::new("Họ và tên", 40.0, Align::Left),
        Column::new("Mã đối tượng", 27.0, Align::Center),
        Column::new("Thôn/xóm", 26.0, Align::Left),
        Column::new("Diện đối tượng", 38.0, Align::Left),
    ]
}

fn table(rest: Vec<Column>) -> Table {
    let mut columns = person_columns();
    columns.extend(rest);
    Table {
        columns,
        header_size: 11.0,
        body_size: pdf::CELL,
        numbering: false,
        min_row: 8.0,
    }
}

/// I. Not paid yet, carried over.
fn carried_table() -> Table {
    table(vec![
        Column::new("Số tiền chưa nhận (đồng)", 25.0, Align::Right),
        Column::new("Chi tại nhà", 13.0, Align::Center),
        Column::new("Lý do chưa nhận", 40.0, Align::Left),
        Column::new("Ghi chú", 33.0, Align::Left),
    ])
}

/// II. Stopped, not carried over.
fn stopped_table() -> Table {
    table(vec![
        Column::new("Số tiền dừng chi trả (đồng)", 25.0, Align::Right),
        Column::new("Lý do dừng chi trả", 30.0, Align::Left),
        Column::new("Ngày mất / chuyển đi", 23.0, Align::Center),
        Column::new("Ghi chú", 33.0, Align::Left),
    ])
}

/// Owed and not stopped: what is carried over to the next payout.
fn carried(p: &Person) -> Dong {
    p.unpaid()
        .checked_sub(p.unpaid_stopped())
        .unwrap_or(Dong::ZERO)
}

/// Why someone has not been paid yet: what the last home visit found, else that nobody has been
/// to the home yet (paid at home) or that they have not come to the counter.
pub(crate) fn why_unpaid(p: &Person) -> String {
    let mut why = match &p.last_visit {
        Some((outcome, at)) => format!(
            "{} (đến nhà {} {})",
            outcome.label_vi(),
            super::time_of(at),
            super::dmy_of(at)
        ),
        None if p.home_delivery => "Chưa đến nhà".to_string(),
        None => "Chưa đến nhận".to_string(),
    };
    if p.paid().is_positive() {
        why.push_str(&format!("; đã nhận một phần {} đ", p.paid()));
    }
    why
}

/// Why payment is stopped, in the words of the stop report.
fn why_stopped(reason: StopReason) -> &'static str {
    match reason {
        StopReason::Death => "Từ trần",
        StopReason::Moved => "Chuyển đi",
        StopReason::Other => "Báo giảm (lý do khác)",
    }
}

/// The date of a death or a move; a death without one says it is still to be given.
fn stop_date(reason: StopReason, date: Option<NaiveDate>) -> String {
    match (date, reason) {
        (Some(d), _) => super::dmy(d),
        (None, StopReason::Death) => "Chưa rõ – cần bổ sung".to_string(),
        (None, _) => String::new(),
    }
}

fn proxy_note(p: &Person) -> String {
    p.proxy
        .as_ref()
        .map(|proxy| format!("Nhận thay: {}", proxy.name))
        .unwrap_or_default()
}

fn person_cells(i: usize, p: &Person) -> Vec<String> {
    vec![
        (i + 1).to_string(),
        p.name.clone(),
        p.code.clone(),
        p.village.clone(),
        p.category.clone(),
    ]
}

/// One person of part I.
fn carried_row((i, p): (usize, &&Person)) -> Row {
    let mut cells = person_cells(i, p);
    cells.extend([
        carried(p).to_string(),
        if p.home_delivery { "x" } else { "" }.to_string(),
        why_unpaid(p),
        proxy_note(p),
    ]);
    Row::new(cells).with_amount(carried(p))
}

/// One person of part II.
fn stopped_row((i, p): (usize, &&Person)) -> Row {
    let (reason, date) = p.stop.unwrap_or((StopReason::Other, None));
    let mut cells = person_cells(i, p);
    cells.extend([
        p.unpaid_stopped().to_string(),
        why_stopped(reason).to_string(),
        stop_date(reason, date),
        proxy_note(p),
    ]);
    Row::new(cells).with_amount(p.unpaid_stopped())
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

/// II. The stopped, totalled, with what closes the list kept on the page of its last rows.
fn stopped_part(
    doc: &mut Doc,
    stopped: &[&Person],
    (total, scope, ctx): (Dong, &str, &Context),
    closing: &super::Closing<'_, String>,
) {
    let rows: Vec<Row> = stopped.iter().enumerate().map(stopped_row).collect();
    let t = stopped_table();
    doc.ensure(t.header_height() + 2.0 * pdf::line_height(pdf::BODY) + 10.0);
    doc.skip(3.0);
    super::section_heading(
        doc,
        &format!(
            "II. Dừng chi trả (báo giảm), không chuyển kỳ sau: {} đối tượng, {} đồng",
            stopped.len(),
            total
        ),
    );
    doc.table(
        &t,
        &rows,
        &TableOptions {
            grand_total: Some(("Cộng dừng chi trả".into(), total, AMOUNT_COL)),
            keep_with_last: closing.height(doc.content_width()),
            continuation: Some(format!(
                "Dừng chi trả {} – {scope} (tiếp theo)",
                ctx.period.label_vi()
            )),
            ..TableOptions::default()
        },
    );
}

/// Renders the unpaid list.
pub fn render(ledger: &Ledger, opts: &UnpaidOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    // Those paid by account are not owed cash here: the office pays them.
    let (people, _by_account) = super::data::cash_and_account(ledger.document_people(ctx.period)?);
    let all_villages = villages(&people).len();
    let people = select_village(people, opts.village.as_deref(), ctx.period)?;
    let village = opts.village.as_ref().map(|_| people[0].village.clone());
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);
    let owed: Vec<&Person> = people.iter().filter(|p| carried(p).is_positive()).collect();
    let stopped: Vec<&Person> = people
        .iter()
        .filter(|p| p.unpaid_stopped().is_positive())
        .collect();
    let owed_total = Dong::sum(owed.iter().map(|p| carried(p)))?;
    let stopped_total = Dong::sum(stopped.iter().map(|p| p.unpaid_stopped()))?;
    let home = owed.iter().filter(|p| p.home_delivery).count();

    let mut doc = unpaid_doc(&ctx, village.as_deref(), all_villages, opts.as_of);
    let scope = village
        .as_deref()
        .unwrap_or(&ctx.pay_point_name)
        .to_string();
    super::section_heading(
        &mut doc,
        &format!(
            "I. Chưa nhận, chuyển kỳ sau: {} đối tượng, {} đồng",
            owed.len(),
            owed_total
        ),
    );
    doc.table(
        &carried_table(),
        &owed.iter().enumerate().map(carried_row).collect::<Vec<_>>(),
        &TableOptions {
            page_total: Some(PageTotal {
                label: "Cộng trang".into(),
                amount_col: AMOUNT_COL,
            }),
            grand_total: Some((
                "Cộng chưa nhận, chuyển kỳ sau".into(),
                owed_total,
                AMOUNT_COL,
            )),
            continuation: Some(format!(
                "Danh sách chưa nhận {} – {scope} (tiếp theo)",
                ctx.period.label_vi()
            )),
            empty: Some("Mọi đối tượng đã nhận đủ tiền kỳ này".into()),
            ..TableOptions::default()
        },
    );
    let summary = format!(
        "Tổng số: {} / {} đối tượng chưa nhận, {} đồng chuyển kỳ sau ({} đối tượng chi tại nhà); {} đối tượng dừng chi trả, {} đồng không chuyển kỳ sau.",
        owed.len(),
        people.len(),
        owed_total,
        home,
        stopped.len(),
        stopped_total
    );
    let closing = super::Closing {
        lines: vec![
            (summary, Face::Regular, pdf::BODY),
            (
                format!("Số tiền chuyển kỳ sau bằng chữ: {}.", owed_total.in_words()),
                Face::Italic,
                pdf::BODY,
            ),
        ],
        date_line: super::date_line(&place, opts.date),
        signers: &super::sign_blocks(&ctx.org, &SIGNERS),
    };
    stopped_part(&mut doc, &stopped, (stopped_total, &scope, &ctx), &closing);
    closing.draw(&mut doc);
    doc.finish()
}
