//! The month settlement (bảng tổng hợp thanh quyết toán): per allowance type and in total, what
//! the roll owed, what was paid, what stays unpaid and carries over, what is stopped; the cash
//! advanced, paid out and returned; and, as an appendix, each beneficiary's status in the words the
//! state's software uses with the post office: Đã trả / Chưa trả / Chưa trả và dừng chi trả.

use chrono::{Local, NaiveDate};

use super::data::{CashSpan, Person};
use super::pdf::{
    self, Align, Column, Doc, Face, Orientation, PageTotal, Row, Table, TableOptions,
};
use super::{DocumentError, Pdf, Signer};
use crate::ledger::Ledger;
use crate::model::LineKind;
use crate::model::PayStatus;
use crate::money::Dong;
use crate::period::Period;

/// What to print.
#[derive(Debug, Clone)]
pub struct SettlementOptions {
    /// The period; the open one (or, after closing, the latest) when `None`.
    pub period: Option<Period>,
    /// The place on the date line; from the pay point's name when `None`.
    pub place: Option<String>,
    /// The date on the date line.
    pub date: NaiveDate,
}

impl Default for SettlementOptions {
    fn default() -> Self {
        SettlementOptions {
            period: None,
            place: None,
            date: Local::now().date_naive(),
        }
    }
}

const SIGNERS: [(Signer, &str); 3] = [
    (Signer::Preparer, "(Ký, ghi rõ họ tên)"),
    (Signer::Accountant, "(Ký, ghi rõ họ tên)"),
    (Signer::Head, "(Ký, ghi rõ họ tên, đóng dấu)"),
];

const KINDS: [LineKind; 6] = [
    LineKind::Monthly,
    LineKind::Supplement,
    LineKind::Carer,
    LineKind::Arrears,
    LineKind::OneOff,
    LineKind::Funeral,
];

/// People and amount of one cell of the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    pub people: usize,
    pub amount: Dong,
}

/// One row of the summary: on the roll, paid, unpaid (carried over), stopped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub roll: Tally,
    pub paid: Tally,
    pub unpaid: Tally,
    pub stopped: Tally,
}

/// Adds up the lines of `kind` (every kind when `None`). A person counts once in a cell when any
/// of their lines of that kind is in it; the amounts always add up: roll = paid + unpaid + stopped.
pub(crate) fn summarise(
    people: &[Person],
    kind: Option<LineKind>,
) -> Result<Summary, DocumentError> {
    let mut s = Summary::default();
    for p in people {
        let mut seen = [false; 4];
        for l in p.lines.iter().filter(|l| kind.is_none_or(|k| l.kind == k)) {
            let cells: [(bool, &mut Tally); 4] = [
                (true, &mut s.roll),
                (l.paid, &mut s.paid),
                (!l.paid && !l.stopped, &mut s.unpaid),
                (!l.paid && l.stopped, &mut s.stopped),
            ];
            for (i, (hit, tally)) in cells.into_iter().enumerate() {
                if hit {
                    tally.amount = tally.amount.checked_add(l.amount)?;
                    if !seen[i] {
                        seen[i] = true;
                        tally.people += 1;
                    }
                }
            }
        }
    }
    Ok(s)
}

fn summary_table() -> Table {
    Table {
        columns: vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Loại trợ cấp", 50.0, Align::Left),
            Column::new("Danh sách: số người", 18.0, Align::Right),
            Column::new("Danh sách: số tiền (đồng)", 31.0, Align::Right),
            Column::new("Đã trả: số người", 18.0, Align::Right),
            Column::new("Đã trả: số tiền (đồng)", 31.0, Align::Right),
            Column::new("Chưa trả (chuyển kỳ sau): số người", 18.0, Align::Right),
            Column::new(
                "Chưa trả (chuyển kỳ sau): số tiền (đồng)",
                31.0,
                Align::Right,
            ),
            Column::new("Dừng chi trả: số người", 18.0, Align::Right),
            Column::new("Dừng chi trả: số tiền (đồng)", 27.0, Align::Right),
        ],
        header_size: 10.0,
        body_size: pdf::CELL,
        numbering: true,
        min_row: 8.0,
    }
}

fn summary_row(stt: &str, label: &str, s: &Summary) -> Row {
    let mut cells = vec![stt.to_string(), label.to_string()];
    for t in [s.roll, s.paid, s.unpaid, s.stopped] {
        cells.push(t.people.to_string());
        cells.push(t.amount.to_string());
    }
    Row::new(cells)
}

fn appendix_table() -> Table {
    Table::plain(vec![
        Column::new("STT", 10.0, Align::Center),
        Column::new("Họ và tên", 42.0, Align::Left),
        Column::new("Mã đối tượng", 27.0, Align::Center),
        Column::new("Thôn/xóm", 27.0, Align::Left),
        Column::new("Phải trả (đồng)", 25.0, Align::Right),
        Column::new("Đã trả (đồng)", 25.0, Align::Right),
        Column::new("Chưa trả (đồng)", 25.0, Align::Right),
        Column::new("Trạng thái", 45.0, Align::Left),
        Column::new("Ghi chú", 26.0, Align::Left),
    ])
}

/// The status printed in the appendix. "Đã trả một phần" is kept apart: the rest is carried over.
fn status_label(p: &Person) -> &'static str {
    p.status().label_vi()
}

/// Renders the settlement of a period: the summary per allowance type, the cash over the period
/// and the signatures, then the appendix of each beneficiary's status on a page of its own.
pub fn render(ledger: &Ledger, opts: &SettlementOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    let people = ledger.document_people(ctx.period)?;
    let cash = ledger.period_cash(ctx.period)?;
    let last_count = ledger.period_last_count(ctx.period)?;
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);
    let title = format!(
        "Bảng tổng hợp thanh quyết toán {} – {}",
        ctx.period.label_vi(),
        ctx.pay_point_name
    );
    let mut doc = Doc::new(&title, Orientation::Landscape, ctx.page_mark());
    doc.describe(
        "Bảng tổng hợp thanh quyết toán kinh phí chi trả trợ cấp ưu đãi người có công",
        &ctx.pay_point_name,
    );
    super::header_block(&mut doc, &ctx);
    super::title(
        &mut doc,
        "Bảng tổng hợp thanh quyết toán kinh phí chi trả trợ cấp ưu đãi người có công",
        &[format!(
            "Tháng {} năm {} – {}",
            ctx.period.month(),
            ctx.period.year(),
            ctx.pay_point_name
        )],
    );
    let total = summary_part(&mut doc, &people)?;
    cash_part(&mut doc, &cash, last_count.as_ref(), &total)?;
    let date_line = super::date_line(&place, opts.date);
    super::signatures(
        &mut doc,
        Some(&date_line),
        &super::sign_blocks(&ctx.org, &SIGNERS),
    );
    appendix(&mut doc, ctx.period, &people, &total);
    doc.finish()
}

/// I. One row per allowance type on the roll and the total, with the amount paid in words and
/// what carries over or is stopped. Returns the total.
fn summary_part(doc: &mut Doc, people: &[Person]) -> Result<Summary, DocumentError> {
    super::section_heading(doc, "I. Tổng hợp theo loại trợ cấp");
    let mut rows = Vec::new();
    let mut n = 0;
    for kind in KINDS {
        let s = summarise(people, Some(kind))?;
        if s.roll.people == 0 {
            continue;
        }
        n += 1;
        rows.push(summary_row(&n.to_string(), kind.label_vi(), &s));
    }
    let total = summarise(people, None)?;
    rows.push(Row {
        bold: true,
        ..summary_row("", "TỔNG CỘNG", &total)
    });
    doc.table(&summary_table(), &rows, &TableOptions::default());
    doc.skip(1.0);
    doc.paragraph(
        &format!(
            "Số tiền đã chi trả: {} đồng. Bằng chữ: {}.",
            total.paid.amount,
            total.paid.amount.in_words()
        ),
        Face::Italic,
        11.0,
        Align::Left,
    );
    doc.paragraph(
        &format!(
            "Số tiền chưa chi trả chuyển kỳ sau: {} đồng; số tiền dừng chi trả (báo giảm): {} đồng.",
            total.unpaid.amount, total.stopped.amount
        ),
        Face::Italic,
        11.0,
        Align::Left,
    );
    Ok(total)
}

/// II. The cash advanced, paid out and returned over the period and the last count; a note when
/// the cash paid out differs from what the roll says was paid (payouts of another period).
fn cash_part(
    doc: &mut Doc,
    cash: &CashSpan,
    last_count: Option<&(String, Dong, Dong, Dong)>,
    total: &Summary,
) -> Result<(), DocumentError> {
    doc.ensure(70.0);
    doc.skip(3.0);
    super::section_heading(doc, "II. Kinh phí tạm ứng và quỹ tiền mặt trong kỳ");
    doc.table(
        &Table::plain(vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Nội dung", 170.0, Align::Left),
            Column::new("Số tiền (đồng)", 72.0, Align::Right),
        ]),
        &cash_rows(cash, last_count),
        &TableOptions::default(),
    );
    let net = cash.paid_out.checked_sub(cash.reversed)?;
    if net != total.paid.amount {
        doc.skip(1.0);
        doc.paragraph(
            &format!(
                "Lưu ý: tiền chi ra khỏi quỹ trong kỳ (trừ hoàn quỹ) là {net} đồng, khác số đã trả theo danh sách kỳ này {} đồng: có khoản chi của kỳ khác ghi trong thời gian này.",
                total.paid.amount
            ),
            Face::Italic,
            11.0,
            Align::Left,
        );
    }
    Ok(())
}

/// The rows of the cash table: the cash box from opening to closing, then the last count and its
/// discrepancy when there is one.
fn cash_rows(cash: &CashSpan, last_count: Option<&(String, Dong, Dong, Dong)>) -> Vec<Row> {
    let money = |stt: &str, label: &str, d: Dong| {
        Row::new(vec![stt.to_string(), label.to_string(), d.to_string()])
    };
    let mut rows =
        vec![
        money("1", "Tồn quỹ đầu kỳ (trước khi nạp danh sách kỳ này)", cash.opening),
        money("2", "Tạm ứng nhận trong kỳ", cash.advanced),
        money("3", "Đã chi trả cho đối tượng", cash.paid_out),
        money("4", "Hoàn quỹ do hủy chi trả", cash.reversed),
        money("5", "Đã nộp trả", cash.returned),
        Row {
            bold: true,
            ..money(
                "6",
                "Tồn quỹ cuối kỳ theo sổ (6 = 1 + 2 − 3 + 4 − 5): phải nộp trả hoặc chuyển kỳ sau",
                cash.closing,
            )
        },
    ];
    if let Some((at, counted, _expected, difference)) = last_count {
        rows.push(money(
            "7",
            &format!(
                "Kiểm quỹ lần cuối ({} {}): tiền mặt thực tế",
                super::time_of(at),
                super::dmy_of(at)
            ),
            *counted,
        ));
        rows.push(Row::new(vec![
            "8".into(),
            "Chênh lệch khi kiểm quỹ (thực tế − sổ)".into(),
            super::day::discrepancy(*difference),
        ]));
    }
    rows
}

/// The appendix, on a new page: how many people are in each status, then each beneficiary's
/// amounts and status, with a total per page.
fn appendix(doc: &mut Doc, period: Period, people: &[Person], total: &Summary) {
    doc.new_page();
    doc.paragraph(
        "PHỤ LỤC: TRẠNG THÁI CHI TRẢ TỪNG ĐỐI TƯỢNG",
        Face::Bold,
        14.0,
        Align::Center,
    );
    let count = |s: PayStatus| people.iter().filter(|p| p.status() == s).count();
    doc.paragraph(
        &format!(
            "Tháng {} năm {} – Đã trả: {} người; Đã trả một phần: {} người; Chưa trả: {} người; Chưa trả và dừng chi trả: {} người.",
            period.month(),
            period.year(),
            count(PayStatus::Paid),
            count(PayStatus::PartlyPaid),
            count(PayStatus::Unpaid),
            count(PayStatus::Stopped)
        ),
        Face::Italic,
        11.0,
        Align::Center,
    );
    doc.skip(2.0);
    let rows: Vec<Row> = people.iter().enumerate().map(appendix_row).collect();
    doc.table(
        &appendix_table(),
        &rows,
        &TableOptions {
            page_total: Some(PageTotal {
                label: "Cộng trang".into(),
                amount_col: 4,
            }),
            grand_total: Some(("TỔNG CỘNG".into(), total.roll.amount, 4)),
            continuation: Some(format!(
                "Phụ lục trạng thái chi trả {} (tiếp theo)",
                period.label_vi()
            )),
            ..TableOptions::default()
        },
    );
}

/// One beneficiary of the appendix: what they were owed, paid and not paid, and their status.
fn appendix_row((i, p): (usize, &Person)) -> Row {
    let note = match p.stop {
        Some((reason, _)) => format!("Báo giảm: {}", reason.label_vi()),
        None => String::new(),
    };
    Row::new(vec![
        (i + 1).to_string(),
        p.name.clone(),
        p.code.clone(),
        p.village.clone(),
        p.total().to_string(),
        p.paid().to_string(),
        p.unpaid().to_string(),
        status_label(p).to_string(),
        note,
    ])
    .with_amount(p.total())
}
