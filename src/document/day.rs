//! The day report (báo cáo cuối ngày): the payouts of a date counted gross, reversed and net, the
//! reversals, the home visits and their outcomes, the stop reports with the date of each death or
//! move, the cash box over the day, and the last cash count of the date by denomination against
//! the cash the ledger expected, with the discrepancy as found. Signed by the paying clerk, the
//! commune's supervisor of the day (named when recorded: `paypoint day supervisor`), the
//! accountant and the director.

use chrono::{Local, NaiveDate};

use super::data::{
    CashSpan, Day, DayCount, DayPayout, DayReversal, DayStop, DayVisit, PaidSummary,
};
use super::pdf::{self, Align, Column, Doc, Face, Orientation, Row, Table, TableOptions};
use super::{DocumentError, Pdf, Signer};
use crate::ledger::Ledger;
use crate::model::StopReason;
use crate::money::Dong;

/// What to print.
#[derive(Debug, Clone)]
pub struct DayOptions {
    /// The day reported (device local time).
    pub day: NaiveDate,
    /// The place on the date line; from the pay point's name when `None`.
    pub place: Option<String>,
    /// The date on the date line (usually the day itself).
    pub date: NaiveDate,
}

impl Default for DayOptions {
    fn default() -> Self {
        let today = Local::now().date_naive();
        DayOptions {
            day: today,
            place: None,
            date: today,
        }
    }
}

const SIGNERS: [(Signer, &str); 4] = [
    (Signer::Clerk, "(Ký, ghi rõ họ tên)"),
    (Signer::Supervisor, "(Ký, ghi rõ họ tên)"),
    (Signer::Accountant, "(Ký, ghi rõ họ tên)"),
    (Signer::Head, "(Ký, ghi rõ họ tên)"),
];

/// Where the commune's supervisor signs, in [`SIGNERS`].
const SUPERVISOR_BLOCK: usize = 1;

fn table(columns: Vec<Column>) -> Table {
    Table {
        columns,
        header_size: 10.5,
        body_size: 10.5,
        numbering: false,
        min_row: 6.5,
    }
}

/// A section: its heading and its table, kept on one page when the table is short (and the
/// heading with the first rows when it is long).
fn part(doc: &mut Doc, heading: &str, table: &Table, rows: &[Row], opts: &TableOptions) {
    let keep = Doc::table_height(table, rows, opts).min(60.0) + pdf::line_height(pdf::BODY) + 3.0;
    doc.ensure(keep);
    doc.skip(2.0);
    super::section_heading(doc, heading);
    doc.table(table, rows, opts);
}

/// "+15.000 đồng (thừa)", "-20.000 đồng (thiếu)", "0 đồng (khớp)".
pub(crate) fn discrepancy(d: Dong) -> String {
    if d.is_positive() {
        format!("+{d} đồng (thừa so với sổ)")
    } else if d.is_negative() {
        format!("{d} đồng (thiếu so với sổ)")
    } else {
        "0 đồng (khớp với sổ)".to_string()
    }
}

/// Renders the day report: the day's payouts, reversals, home visits and stop reports, the cash
/// box over the day and the last cash count, then the signatures.
pub fn render(ledger: &Ledger, opts: &DayOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(None)?;
    let day: Day = ledger.document_day(opts.day)?;
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);
    let title = format!(
        "Báo cáo chi trả cuối ngày {} – {}",
        super::dmy(opts.day),
        ctx.pay_point_name
    );
    let mut doc = Doc::new(&title, Orientation::Portrait, ctx.page_mark());
    doc.describe("Báo cáo chi trả cuối ngày và kiểm quỹ", &ctx.pay_point_name);
    super::header_block(&mut doc, &ctx);
    super::title(
        &mut doc,
        "Báo cáo chi trả cuối ngày",
        &[format!(
            "Ngày {} – kỳ chi trả {}",
            super::dmy(opts.day),
            ctx.period.label_vi()
        )],
    );

    payouts_part(&mut doc, &day.payouts, opts.day)?;
    clerks_line(&mut doc, &day.payouts)?;
    reversals_part(&mut doc, &day.reversals)?;
    visits_part(&mut doc, &day.visits);
    stops_part(&mut doc, &day.stops);
    cash_part(&mut doc, &day.cash);
    let date_line = super::date_line(&place, opts.date);
    let mut names: Vec<Option<super::Named>> = vec![None; SIGNERS.len()];
    names[SUPERVISOR_BLOCK] = ledger.day_supervisor(opts.day)?.map(super::Named::from);
    match &day.count {
        Some(k) => count_part(&mut doc, k, &day.cash, opts.day, (&date_line, &names))?,
        None => no_count_part(&mut doc, opts.day),
    }
    super::signatures_named(
        &mut doc,
        Some(&date_line),
        &super::sign_blocks(&ctx.org, &SIGNERS),
        &names,
    );
    doc.finish()
}

/// I. Every payout of the day, reversed ones included (marked "Đã hủy"), counted gross, then
/// less those reversed, and net: what the day really paid.
fn payouts_part(doc: &mut Doc, payouts: &[DayPayout], day: NaiveDate) -> Result<(), DocumentError> {
    let sum = PaidSummary::of(payouts)?;
    let heading = if sum.reversed_count == 0 {
        format!(
            "I. Chi trả trong ngày: {} lần chi, {} đồng",
            sum.count, sum.net
        )
    } else {
        format!(
            "I. Chi trả trong ngày: {} lần chi, {} đồng (đã trừ {} lần chi bị hủy)",
            sum.count - sum.reversed_count,
            sum.net,
            sum.reversed_count
        )
    };
    let rows: Vec<Row> = payouts.iter().enumerate().map(payout_row).collect();
    part(
        doc,
        &heading,
        &table(vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Giờ", 11.0, Align::Center),
            Column::new("Họ và tên", 36.0, Align::Left),
            Column::new("Mã đối tượng", 26.0, Align::Center),
            Column::new("Người nhận", 28.0, Align::Left),
            Column::new("Nơi chi", 15.0, Align::Center),
            Column::new("Số tiền (đồng)", 22.0, Align::Right),
            Column::new("Ghi chú", 17.0, Align::Center),
        ]),
        &rows,
        &TableOptions {
            grand_total: Some((
                format!("Cộng các lần chi ({} lần)", sum.count),
                sum.gross,
                6,
            )),
            continuation: Some(format!("Chi trả ngày {} (tiếp theo)", super::dmy(day))),
            ..TableOptions::default()
        },
    );
    if sum.reversed_count > 0 {
        net_lines(doc, &sum);
    }
    id_check_line(doc, payouts);
    Ok(())
}

/// How the identity of whoever took the money was checked, counted over the day's payouts that
/// stand (issue 16): the figure the managing office watches for payouts nobody checked.
fn id_check_line(doc: &mut Doc, payouts: &[DayPayout]) {
    let standing = || payouts.iter().filter(|p| !p.reversed);
    let count = |m: Option<&str>| standing().filter(|p| p.id_check.as_deref() == m).count();
    let parts: Vec<String> = [
        (Some("qr"), "quét mã QR khớp danh sách"),
        (
            Some("qr_mismatch"),
            "quét mã QR khác danh sách (có ghi chú)",
        ),
        (Some("manual"), "xem thẻ bằng mắt"),
        (Some("none"), "không kiểm tra (có lý do)"),
        (None, "không ghi cách kiểm tra"),
    ]
    .into_iter()
    .filter_map(|(m, label)| {
        let n = count(m);
        (n > 0).then(|| format!("{label}: {n}"))
    })
    .collect();
    if parts.is_empty() {
        return;
    }
    doc.skip(1.0);
    doc.paragraph(
        &format!("Kiểm tra giấy tờ người nhận — {}.", parts.join("; ")),
        Face::Regular,
        pdf::BODY,
        Align::Left,
    );
}

/// One payout of the day.
fn payout_row((i, p): (usize, &DayPayout)) -> Row {
    Row::new(vec![
        (i + 1).to_string(),
        p.time.clone(),
        p.name.clone(),
        p.code.clone(),
        p.proxy_name
            .as_ref()
            .map(|n| format!("Nhận thay: {n}"))
            .unwrap_or_else(|| "Bản thân".into()),
        if p.at_home { "Tại nhà" } else { "Quầy" }.to_string(),
        p.amount.to_string(),
        if p.reversed { "Đã hủy" } else { "" }.to_string(),
    ])
    .with_amount(p.amount)
}

/// Under a table that counts reversed payouts: the reversed ones taken out, and the net that the
/// day really paid.
fn net_lines(doc: &mut Doc, sum: &PaidSummary) {
    doc.skip(1.0);
    doc.paragraph(
        &format!(
            "Trừ các lần chi đã hủy ({} lần): {} đồng.",
            sum.reversed_count, sum.reversed
        ),
        Face::Regular,
        pdf::BODY,
        Align::Left,
    );
    doc.paragraph(
        &format!(
            "Số tiền chi trả thực trong ngày ({} lần): {} đồng.",
            sum.count - sum.reversed_count,
            sum.net
        ),
        Face::Bold,
        pdf::BODY,
        Align::Left,
    );
}

/// Under the payouts, in small italics: who paid, how many times and how much, net of reversals.
fn clerks_line(doc: &mut Doc, payouts: &[DayPayout]) -> Result<(), DocumentError> {
    let mut clerks: Vec<(String, usize, Dong)> = Vec::new();
    // What each clerk really paid: a reversed payout is not counted.
    for p in payouts.iter().filter(|p| !p.reversed) {
        match clerks.iter_mut().find(|c| c.0 == p.clerk) {
            Some(c) => {
                c.1 += 1;
                c.2 = c.2.checked_add(p.amount)?;
            }
            None => clerks.push((p.clerk.clone(), 1, p.amount)),
        }
    }
    if !clerks.is_empty() {
        let list: Vec<String> = clerks
            .iter()
            .map(|(n, k, a)| format!("{n}: {k} lần, {a} đồng"))
            .collect();
        doc.skip(1.0);
        doc.paragraph(
            &format!("Nhân viên chi trả trong ngày – {}.", list.join("; ")),
            Face::Italic,
            11.0,
            Align::Left,
        );
    }
    Ok(())
}

/// II. The reversals of the day: the money that went back into the cash box, and who approved.
fn reversals_part(doc: &mut Doc, reversals: &[DayReversal]) -> Result<(), DocumentError> {
    let reversed_total = Dong::sum(reversals.iter().map(|r| r.amount))?;
    let heading = format!(
        "II. Hủy chi trả trong ngày: {} lần, {} đồng hoàn lại quỹ",
        reversals.len(),
        reversed_total
    );
    let rows: Vec<Row> = reversals
        .iter()
        .enumerate()
        .map(|(i, r)| {
            Row::new(vec![
                (i + 1).to_string(),
                r.time.clone(),
                r.name.clone(),
                r.code.clone(),
                r.reason.clone(),
                format!("{} / {}", r.clerk, r.approver),
                r.amount.to_string(),
            ])
            .with_amount(r.amount)
        })
        .collect();
    part(
        doc,
        &heading,
        &table(vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Giờ", 12.0, Align::Center),
            Column::new("Họ và tên", 33.0, Align::Left),
            Column::new("Mã đối tượng", 26.0, Align::Center),
            Column::new("Lý do hủy", 36.0, Align::Left),
            Column::new("Người hủy / người duyệt", 26.0, Align::Left),
            Column::new("Số tiền (đồng)", 22.0, Align::Right),
        ]),
        &rows,
        &TableOptions {
            grand_total: (!rows.is_empty()).then(|| ("Cộng hủy chi trả".into(), reversed_total, 6)),
            ..TableOptions::default()
        },
    );
    Ok(())
}

/// III. The home visits of the day and what came of each.
fn visits_part(doc: &mut Doc, visits: &[DayVisit]) {
    let heading = format!(
        "III. Chi trả tại nhà – kết quả đến nhà: {} lượt",
        visits.len()
    );
    let rows: Vec<Row> = visits
        .iter()
        .enumerate()
        .map(|(i, v)| {
            Row::new(vec![
                (i + 1).to_string(),
                v.time.clone(),
                v.name.clone(),
                v.code.clone(),
                v.village.clone(),
                v.outcome.label_vi().to_string(),
                v.note.clone(),
            ])
        })
        .collect();
    part(
        doc,
        &heading,
        &table(vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Giờ", 12.0, Align::Center),
            Column::new("Họ và tên", 35.0, Align::Left),
            Column::new("Mã đối tượng", 26.0, Align::Center),
            Column::new("Thôn/xóm", 25.0, Align::Left),
            Column::new("Kết quả", 24.0, Align::Left),
            Column::new("Ghi chú", 33.0, Align::Left),
        ]),
        &rows,
        &TableOptions::default(),
    );
}

/// The date of a death or a move; when the report did not give one, a death says that its date
/// is still to be given to the managing office (a blank would pass unnoticed).
fn stop_date(s: &DayStop) -> String {
    match (s.date, s.reason) {
        (Some(d), _) => super::dmy(d),
        (None, StopReason::Death) => "Chưa rõ – cần bổ sung".to_string(),
        (None, _) => String::new(),
    }
}

/// IV. The stop reports recorded during the day.
fn stops_part(doc: &mut Doc, stops: &[DayStop]) {
    let heading = format!("IV. Báo giảm trong ngày: {} đối tượng", stops.len());
    let rows: Vec<Row> = stops
        .iter()
        .enumerate()
        .map(|(i, s)| {
            Row::new(vec![
                (i + 1).to_string(),
                s.time.clone(),
                s.name.clone(),
                s.code.clone(),
                s.reason.label_vi().to_string(),
                stop_date(s),
                s.note.clone(),
            ])
        })
        .collect();
    part(
        doc,
        &heading,
        &table(vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Giờ", 12.0, Align::Center),
            Column::new("Họ và tên", 35.0, Align::Left),
            Column::new("Mã đối tượng", 26.0, Align::Center),
            Column::new("Lý do", 22.0, Align::Left),
            Column::new("Ngày mất / chuyển đi", 22.0, Align::Center),
            Column::new("Ghi chú", 38.0, Align::Left),
        ]),
        &rows,
        &TableOptions::default(),
    );
}

/// V. The cash box over the day as the ledger has it, from the opening to the closing balance.
fn cash_part(doc: &mut Doc, c: &CashSpan) {
    let money = |label: &str, d: Dong| Row::new(vec![label.to_string(), d.to_string()]);
    let rows = vec![
        money("Tồn quỹ đầu ngày", c.opening),
        money("Tạm ứng nhận trong ngày (+)", c.advanced),
        money("Chi trả cho đối tượng (−)", c.paid_out),
        money("Hoàn quỹ do hủy chi trả (+)", c.reversed),
        money("Nộp trả (−)", c.returned),
        Row {
            bold: true,
            ..money("Tồn quỹ cuối ngày theo sổ", c.closing)
        },
    ];
    part(
        doc,
        "V. Quỹ tiền mặt trong ngày (theo sổ)",
        &table(vec![
            Column::new("Nội dung", 120.0, Align::Left),
            Column::new("Số tiền (đồng)", 45.0, Align::Right),
        ]),
        &rows,
        &TableOptions::default(),
    );
}

/// VI. The last cash count of the day by denomination, the amount in words, the cash the ledger
/// expected and the discrepancy. The words, the three lines and the signatures are kept on the
/// page of the count's last rows.
fn count_part(
    doc: &mut Doc,
    k: &DayCount,
    cash: &CashSpan,
    day: NaiveDate,
    (date_line, names): (&str, &[Option<super::Named>]),
) -> Result<(), DocumentError> {
    let heading = format!(
        "VI. Kiểm quỹ theo mệnh giá lúc {} ngày {}{}",
        k.time,
        super::dmy(day),
        if k.clerk.is_empty() {
            String::new()
        } else {
            format!(" (người kiểm: {})", k.clerk)
        }
    );
    let rows = count_rows(k)?;
    let words = format!("Bằng chữ: {}.", k.counted.in_words());
    let w = doc.content_width();
    // The words, the difference and the signatures stay with the count.
    let after = Doc::paragraph_height(&words, Face::Italic, pdf::BODY, w)
        + 3.0 * pdf::line_height(pdf::BODY)
        + super::signatures_named_height(Some(date_line), names);
    part(
        doc,
        &heading,
        &table(vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Mệnh giá (đồng)", 50.0, Align::Right),
            Column::new("Số tờ", 40.0, Align::Right),
            Column::new("Thành tiền (đồng)", 65.0, Align::Right),
        ]),
        &rows,
        &TableOptions {
            grand_total: Some(("Tổng số tiền kiểm đếm".into(), k.counted, 3)),
            keep_with_last: after,
            ..TableOptions::default()
        },
    );
    doc.skip(1.0);
    doc.paragraph(&words, Face::Italic, pdf::BODY, Align::Left);
    count_findings(doc, k, cash);
    Ok(())
}

/// One row per denomination counted: how many notes and what they are worth.
fn count_rows(k: &DayCount) -> Result<Vec<Row>, DocumentError> {
    let mut rows = Vec::new();
    for (i, (denomination, quantity)) in k.notes.iter().enumerate() {
        let value = denomination.checked_mul(*quantity as i64)?;
        rows.push(
            Row::new(vec![
                (i + 1).to_string(),
                denomination.to_string(),
                quantity.to_string(),
                value.to_string(),
            ])
            .with_amount(value),
        );
    }
    Ok(rows)
}

/// What the count found against the ledger; and, when the ledger moved after the count, a note
/// that the day's closing balance is not the one counted.
fn count_findings(doc: &mut Doc, k: &DayCount, cash: &CashSpan) {
    doc.paragraph(
        &format!("Tồn quỹ theo sổ lúc kiểm quỹ: {} đồng.", k.expected),
        Face::Regular,
        pdf::BODY,
        Align::Left,
    );
    doc.paragraph(
        &format!("Chênh lệch (thực tế − sổ): {}.", discrepancy(k.difference)),
        Face::Bold,
        pdf::BODY,
        Align::Left,
    );
    if k.expected != cash.closing {
        doc.paragraph(
            &format!(
                "Lưu ý: sau lần kiểm quỹ này sổ còn ghi thêm biến động; tồn quỹ cuối ngày theo sổ là {} đồng.",
                cash.closing
            ),
            Face::Italic,
            11.0,
            Align::Left,
        );
    }
}

/// VI. when the cash was not counted that day: what to do before printing again.
fn no_count_part(doc: &mut Doc, day: NaiveDate) {
    doc.ensure(30.0);
    doc.skip(2.0);
    doc.paragraph(
        "VI. Kiểm quỹ theo mệnh giá",
        Face::Bold,
        pdf::BODY,
        Align::Left,
    );
    doc.paragraph(
        &format!(
            "Chưa kiểm quỹ trong ngày {}: hãy đếm tiền theo mệnh giá và ghi nhận (`paypoint cash count …`) rồi in lại báo cáo.",
            super::dmy(day)
        ),
        Face::Italic,
        pdf::BODY,
        Align::Left,
    );
}
