//! The month settlement (bảng tổng hợp thanh quyết toán), the report the payer owes the managing
//! office by the 20th of the next month (TT 44/2022/TT-BTC Điều 8, as amended by TT
//! 95/2025/TT-BTC): per allowance type and in total, what the roll owed, what was paid, what stays
//! unpaid and carries over, what is stopped; the money received, paid, left and to return; the
//! payer's fee; and, as an appendix, each beneficiary's status in the words the state's software
//! uses with the post office: Đã trả / Chưa trả / Chưa trả và dừng chi trả.

use chrono::{Local, NaiveDate};

use super::data::{CashSpan, DocLine, Person};
use super::pdf::{
    self, Align, Column, Doc, Face, Orientation, PageTotal, Row, Table, TableOptions,
};
use super::{DocumentError, Pdf, Signer};
use crate::fee::FeeRate;
use crate::ledger::Ledger;
use crate::model::LineKind;
use crate::model::PayStatus;
use crate::money::{Dong, MoneyError};
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
    /// The payer's fee rate of the contract for this printing; `None`: the rate the organisation
    /// settings hold (`paypoint org set --fee-rate`), and without one the fee is left for the
    /// managing office to fill in.
    pub fee_rate: Option<FeeRate>,
}

impl Default for SettlementOptions {
    fn default() -> Self {
        SettlementOptions {
            period: None,
            place: None,
            date: Local::now().date_naive(),
            fee_rate: None,
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

/// Entitlement lines and their amount in one cell of the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Lines (khoản). Lines, not people, so that the rows add up to the total: one person with a
    /// monthly allowance and a supplement is two lines in two rows, and once in the total of
    /// people by status ([`PeopleByStatus`]).
    pub lines: usize,
    pub amount: Dong,
}

/// One row of the summary: on the roll, paid, unpaid (carried over), stopped. Every line is in
/// exactly one of paid, unpaid and stopped, so roll = paid + unpaid + stopped, in lines and in
/// đồng.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub roll: Tally,
    pub paid: Tally,
    pub unpaid: Tally,
    pub stopped: Tally,
}

/// Adds up the lines of `kind` (every kind when `None`).
pub(crate) fn summarise(
    people: &[Person],
    kind: Option<LineKind>,
) -> Result<Summary, DocumentError> {
    summarise_where(people, |l| kind.is_none_or(|k| l.kind == k))
}

/// Adds up the lines `wanted` chooses.
fn summarise_where(
    people: &[Person],
    wanted: impl Fn(&DocLine) -> bool,
) -> Result<Summary, DocumentError> {
    let mut s = Summary::default();
    for l in people
        .iter()
        .flat_map(|p| p.lines.iter())
        .filter(|l| wanted(l))
    {
        let cell = if l.paid {
            &mut s.paid
        } else if l.stopped {
            &mut s.stopped
        } else {
            &mut s.unpaid
        };
        for t in [&mut s.roll, cell] {
            t.amount = t.amount.checked_add(l.amount)?;
            t.lines += 1;
        }
    }
    Ok(s)
}

/// The people of the roll by their status: each person once, so the parts add up to the roll.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct PeopleByStatus {
    pub paid: usize,
    pub partly: usize,
    pub unpaid: usize,
    pub stopped: usize,
}

impl PeopleByStatus {
    pub(crate) fn of(people: &[Person]) -> PeopleByStatus {
        let count = |s: PayStatus| people.iter().filter(|p| p.status() == s).count();
        PeopleByStatus {
            paid: count(PayStatus::Paid),
            partly: count(PayStatus::PartlyPaid),
            unpaid: count(PayStatus::Unpaid),
            stopped: count(PayStatus::Stopped),
        }
    }

    pub(crate) fn total(&self) -> usize {
        self.paid + self.partly + self.unpaid + self.stopped
    }
}

/// The money of the period, computed once for the paper (and its tests).
///
/// The payer received the money of the roll (what it held before, plus the advances of the
/// period) and paid out of it; what is left (`left = opening + advanced − paid_out + reversed`)
/// is either kept to pay, next period, the people carried over (`carried_over`: their lines
/// stay owed), or goes back to the managing office (`to_return = left − carried_over −
/// returned`): the lines a stop blocks (`stopped`) and whatever the advances exceeded the roll
/// by. What was already sent back in the period (`returned`) is counted as returned. The fee is
/// not in these sums: the managing office pays it to the payer under the contract (TT 44/2022
/// Điều 7.2.g); it is not money of the roll, and netting it off is the office's entry to make.
#[derive(Debug, Clone)]
pub(crate) struct SettlementMoney {
    /// The cash box over the period, as the ledger derives it.
    pub cash: CashSpan,
    /// Kinh phí còn lại: `opening + advanced − paid_out + reversed`.
    pub left: Dong,
    /// Unpaid lines not stopped: kept to pay next period.
    pub carried_over: Dong,
    /// Unpaid lines a stop blocks: to return.
    pub stopped: Dong,
    /// Còn phải nộp trả: `left − carried_over − returned`.
    pub to_return: Dong,
    /// Paid on this period's roll (net of reversals): what the fee is a percentage of.
    pub paid: Dong,
    /// The fee at the contract's rate, when the rate is known.
    pub fee: Option<(FeeRate, Dong)>,
}

impl SettlementMoney {
    pub(crate) fn of(
        cash: &CashSpan,
        total: &Summary,
        rate: Option<FeeRate>,
    ) -> Result<SettlementMoney, MoneyError> {
        let left = cash
            .opening
            .checked_add(cash.advanced)?
            .checked_sub(cash.paid_out)?
            .checked_add(cash.reversed)?;
        let carried_over = total.unpaid.amount;
        let to_return = left.checked_sub(carried_over)?.checked_sub(cash.returned)?;
        let paid = total.paid.amount;
        let fee = rate
            .map(|r| Ok::<_, MoneyError>((r, r.fee(paid)?)))
            .transpose()?;
        Ok(SettlementMoney {
            cash: cash.clone(),
            left,
            carried_over,
            stopped: total.stopped.amount,
            to_return,
            paid,
            fee,
        })
    }
}

/// Two columns, lines and đồng, under one group title.
fn pair(group: &str, amount_width: f32) -> [Column; 2] {
    [
        Column::under(group, "Số khoản", 15.0, Align::Right),
        Column::under(group, "Số tiền (đồng)", amount_width, Align::Right),
    ]
}

fn summary_table() -> Table {
    let mut columns = vec![
        Column::new("STT", 10.0, Align::Center),
        Column::new("Loại trợ cấp", 52.0, Align::Left),
    ];
    columns.extend(pair("Phải trả theo danh sách", 31.0));
    columns.extend(pair("Đã chi trả", 31.0));
    columns.extend(pair("Chưa chi trả, chuyển kỳ sau", 31.0));
    columns.extend(pair("Dừng chi trả (báo giảm)", 31.0));
    Table {
        columns,
        header_size: 10.0,
        body_size: pdf::CELL,
        numbering: true,
        min_row: 8.0,
    }
}

fn summary_row(stt: &str, label: &str, s: &Summary) -> Row {
    let mut cells = vec![stt.to_string(), label.to_string()];
    for t in [s.roll, s.paid, s.unpaid, s.stopped] {
        cells.push(t.lines.to_string());
        cells.push(t.amount.to_string());
    }
    Row::new(cells)
}

/// The appendix's amount columns: owed, paid, carried over, stopped.
const APPENDIX_AMOUNTS: [usize; 4] = [4, 5, 6, 7];

fn appendix_table() -> Table {
    let money = "Số tiền (đồng)";
    Table {
        columns: vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Họ và tên", 40.0, Align::Left),
            Column::new("Mã đối tượng", 26.0, Align::Center),
            Column::new("Thôn/xóm", 24.0, Align::Left),
            Column::under(money, "Phải trả", 24.0, Align::Right),
            Column::under(money, "Đã trả", 24.0, Align::Right),
            Column::under(money, "Chưa trả, chuyển kỳ sau", 24.0, Align::Right),
            Column::under(money, "Dừng chi trả", 24.0, Align::Right),
            Column::new("Trạng thái", 30.0, Align::Left),
            Column::new("Ghi chú", 26.0, Align::Left),
        ],
        ..Table::plain(Vec::new())
    }
}

/// Renders the settlement of a period: the summary per allowance type, the money of the period,
/// the fee and the signatures, then the appendix of each beneficiary's status on a page of its
/// own.
pub fn render(ledger: &Ledger, opts: &SettlementOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    // The cash roll is settled here; those the office pays by account are counted apart.
    let (people, by_account) = super::data::cash_and_account(ledger.document_people(ctx.period)?);
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
            "{} – {}",
            super::sheet::months_title(ctx.period, &super::data::months_paid(&people)),
            ctx.pay_point_name
        )],
    );
    let total = summary_part(&mut doc, &people)?;
    account_part(&mut doc, &people, &by_account)?;
    // The rate given for this printing, else the one the organisation settings hold.
    let fee_rate = match opts.fee_rate {
        Some(rate) => Some(rate),
        None => ledger.fee_rate()?,
    };
    let money = SettlementMoney::of(&cash, &total, fee_rate)?;
    money_part(&mut doc, &money, last_count.as_ref())?;
    fee_part(&mut doc, &money);
    let date_line = super::date_line(&place, opts.date);
    super::signatures(
        &mut doc,
        Some(&date_line),
        &super::sign_blocks(&ctx.org, &SIGNERS),
    );
    appendix(&mut doc, ctx.period, &people, &total);
    doc.finish()
}

/// I. One row per allowance type on the roll and the total, the people by status, and the
/// amount paid in words. Returns the total.
fn summary_part(doc: &mut Doc, people: &[Person]) -> Result<Summary, DocumentError> {
    super::section_heading(doc, "I. Tổng hợp theo loại trợ cấp");
    let mut rows = Vec::new();
    // A roll paying two months together near Tết has a row for each month of each monthly kind.
    let months = super::data::months_paid(people);
    for kind in KINDS {
        let parts: Vec<(String, Summary)> = if kind.is_monthly() && months.len() > 1 {
            let month_row = |m: &String| {
                let s = summarise_where(people, |l| l.kind == kind && l.covers_from == *m)?;
                let label = format!("{} {}", kind.label_vi(), super::sheet::months_label(m));
                Ok::<_, DocumentError>((label, s))
            };
            months.iter().map(month_row).collect::<Result<_, _>>()?
        } else {
            vec![(kind.label_vi().to_string(), summarise(people, Some(kind))?)]
        };
        for (label, s) in parts.iter().filter(|(_, s)| s.roll.lines > 0) {
            rows.push(summary_row(&(rows.len() + 1).to_string(), label, s));
        }
    }
    let total = summarise(people, None)?;
    rows.push(Row {
        bold: true,
        ..summary_row("", "TỔNG CỘNG", &total)
    });
    doc.table(&summary_table(), &rows, &TableOptions::default());
    doc.skip(1.0);
    let by = PeopleByStatus::of(people);
    for line in [
        format!(
            "Số đối tượng trong danh sách: {} người, gồm: đã trả đủ {} người; đã trả một phần {} người; chưa trả, chuyển kỳ sau {} người; chưa trả và dừng chi trả {} người.",
            by.total(),
            by.paid,
            by.partly,
            by.unpaid,
            by.stopped
        ),
        format!(
            "Số tiền đã chi trả: {} đồng. Bằng chữ: {}.",
            total.paid.amount,
            total.paid.amount.in_words()
        ),
    ] {
        doc.paragraph(&line, Face::Italic, 11.0, Align::Left);
    }
    Ok(total)
}

/// Those the office pays by bank account this period: not money of this pay point's cash box,
/// counted apart, with the share of people and money the province reports.
fn account_part(doc: &mut Doc, cash: &[Person], account: &[Person]) -> Result<(), DocumentError> {
    if account.is_empty() {
        return Ok(());
    }
    let by_account = Dong::sum(account.iter().map(Person::unpaid_by_account))?;
    let all = Dong::sum(cash.iter().chain(account).map(Person::total))?;
    let share = crate::account::AccountShare {
        people: (cash.len() + account.len()) as u64,
        by_account_people: account.len() as u64,
        amount: all,
        by_account_amount: by_account,
    };
    doc.paragraph(
        &format!(
            "Ngoài danh sách tiền mặt trên: {} đối tượng nhận qua tài khoản ngân hàng kỳ này, số tiền {} đồng, do đơn vị quản lý chuyển khoản, không qua quỹ của điểm chi trả. Tỷ lệ chi trả qua tài khoản: {} số người, {} số tiền.",
            account.len(),
            by_account,
            crate::account::percent_vi(share.people_permille()),
            crate::account::percent_vi(share.amount_permille()),
        ),
        Face::Italic,
        11.0,
        Align::Left,
    );
    Ok(())
}

/// II. The money of the period: received, paid, left, carried over, returned and still to
/// return, then the last cash count; a note when the cash paid out differs from what the roll
/// says was paid (payouts of another period).
fn money_part(
    doc: &mut Doc,
    money: &SettlementMoney,
    last_count: Option<&(String, Dong, Dong, Dong)>,
) -> Result<(), DocumentError> {
    doc.ensure(80.0);
    doc.skip(3.0);
    super::section_heading(
        doc,
        "II. Kinh phí nhận, đã chi trả, còn lại và phải nộp trả",
    );
    doc.table(
        &Table::plain(vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Nội dung", 170.0, Align::Left),
            Column::new("Số tiền (đồng)", 72.0, Align::Right),
        ]),
        &money_rows(money, last_count),
        &TableOptions::default(),
    );
    let c = &money.cash;
    let net = c.paid_out.checked_sub(c.reversed)?;
    if net != money.paid {
        doc.skip(1.0);
        doc.paragraph(
            &format!(
                "Lưu ý: tiền chi ra khỏi quỹ trong kỳ (trừ hoàn quỹ) là {net} đồng, khác số đã trả theo danh sách kỳ này {} đồng: có khoản chi của kỳ khác ghi trong thời gian này.",
                money.paid
            ),
            Face::Italic,
            11.0,
            Align::Left,
        );
    }
    Ok(())
}

/// The rows of the money table, then the last count and its discrepancy when there is one.
fn money_rows(m: &SettlementMoney, last_count: Option<&(String, Dong, Dong, Dong)>) -> Vec<Row> {
    let row = |stt: &str, label: &str, d: Dong| {
        Row::new(vec![stt.to_string(), label.to_string(), d.to_string()])
    };
    let bold = |r: Row| Row { bold: true, ..r };
    let c = &m.cash;
    let mut rows = vec![
        row(
            "1",
            "Tồn quỹ đầu kỳ (trước khi nhận danh sách kỳ này)",
            c.opening,
        ),
        row("2", "Kinh phí tạm ứng nhận trong kỳ", c.advanced),
        row("3", "Đã chi trả cho đối tượng", c.paid_out),
        row("4", "Hoàn quỹ do hủy chi trả", c.reversed),
        bold(row("5", "Kinh phí còn lại (5 = 1 + 2 − 3 + 4)", m.left)),
        row(
            "6",
            "Trong đó: của đối tượng chưa chi trả, chuyển kỳ sau (giữ lại để chi trả)",
            m.carried_over,
        ),
        row(
            "7",
            "Trong đó: của đối tượng dừng chi trả (báo giảm), phải nộp trả",
            m.stopped,
        ),
        row("8", "Đã nộp trả trong kỳ", c.returned),
        bold(row("9", "Còn phải nộp trả (9 = 5 − 6 − 8)", m.to_return)),
        row(
            "10",
            "Tồn quỹ cuối kỳ theo sổ (10 = 5 − 8 = 6 + 9)",
            c.closing,
        ),
    ];
    if let Some((at, counted, _expected, difference)) = last_count {
        rows.push(row(
            "11",
            &format!(
                "Kiểm quỹ lần cuối ({} {}): tiền mặt thực tế",
                super::time_of(at),
                super::dmy_of(at)
            ),
            *counted,
        ));
        rows.push(Row::new(vec![
            "12".into(),
            "Chênh lệch khi kiểm quỹ (thực tế − sổ)".into(),
            super::day::discrepancy(*difference),
        ]));
    }
    rows
}

/// III. The payer's fee: the amount paid, the contract's rate and the fee, rounded to the đồng;
/// without a rate, the row is left for the managing office to fill in.
fn fee_part(doc: &mut Doc, m: &SettlementMoney) {
    doc.ensure(40.0);
    doc.skip(3.0);
    super::section_heading(
        doc,
        "III. Phí chi trả (Thông tư 44/2022/TT-BTC, Điều 7, được sửa đổi bởi Thông tư 95/2025/TT-BTC)",
    );
    let (rate, fee) = match m.fee {
        Some((r, f)) => (r.to_string(), f.to_string()),
        None => (String::new(), String::new()),
    };
    doc.table(
        &Table::plain(vec![
            Column::new("Số tiền đã chi trả (đồng)", 84.0, Align::Right),
            Column::new("Tỷ lệ phí theo hợp đồng", 84.0, Align::Center),
            Column::new("Phí chi trả (đồng)", 84.0, Align::Right),
        ]),
        &[Row::new(vec![m.paid.to_string(), rate, fee])],
        &TableOptions::default(),
    );
    if let Some((_, fee)) = m.fee {
        doc.paragraph(
            &format!("Phí chi trả bằng chữ: {}.", fee.in_words()),
            Face::Italic,
            11.0,
            Align::Left,
        );
    }
}

/// The appendix, on a new page: how many people are in each status, then each beneficiary's
/// amounts and status, every amount column totalled per page and in all.
fn appendix(doc: &mut Doc, period: Period, people: &[Person], total: &Summary) {
    doc.new_page();
    doc.paragraph(
        "PHỤ LỤC: TRẠNG THÁI CHI TRẢ TỪNG ĐỐI TƯỢNG",
        Face::Bold,
        14.0,
        Align::Center,
    );
    let by = PeopleByStatus::of(people);
    doc.paragraph(
        &format!(
            "Tháng {} năm {} – {} người: đã trả {} người; đã trả một phần {} người; chưa trả {} người; chưa trả và dừng chi trả {} người.",
            period.month(),
            period.year(),
            by.total(),
            by.paid,
            by.partly,
            by.unpaid,
            by.stopped
        ),
        Face::Italic,
        11.0,
        Align::Center,
    );
    doc.skip(2.0);
    let rows: Vec<Row> = people.iter().enumerate().map(appendix_row).collect();
    let owed = APPENDIX_AMOUNTS[0];
    doc.table(
        &appendix_table(),
        &rows,
        &TableOptions {
            page_total: Some(PageTotal {
                label: "Cộng trang".into(),
                amount_col: owed,
            }),
            grand_total: Some(("TỔNG CỘNG".into(), total.roll.amount, owed)),
            continuation: Some(format!(
                "Phụ lục trạng thái chi trả {} (tiếp theo)",
                period.label_vi()
            )),
            ..TableOptions::default()
        },
    );
}

/// One beneficiary of the appendix: what they were owed, paid, carried over and stopped, and
/// their status.
fn appendix_row((i, p): (usize, &Person)) -> Row {
    let note = match p.stop {
        Some((reason, Some(d))) => {
            format!("Báo giảm: {} ngày {}", reason.label_vi(), super::dmy(d))
        }
        Some((reason, None)) => format!("Báo giảm: {}", reason.label_vi()),
        None => String::new(),
    };
    let stopped = p.unpaid_stopped();
    // Not negative: the stopped part is a part of the unpaid.
    let carried = p.unpaid().checked_sub(stopped).unwrap_or(Dong::ZERO);
    let [_, paid_col, carried_col, stopped_col] = APPENDIX_AMOUNTS;
    Row::new(vec![
        (i + 1).to_string(),
        p.name.clone(),
        p.code.clone(),
        p.village.clone(),
        p.total().to_string(),
        p.paid().to_string(),
        carried.to_string(),
        stopped.to_string(),
        p.status().label_vi().to_string(),
        note,
    ])
    .with_amount(p.total())
    .with_amount_in(paid_col, p.paid())
    .with_amount_in(carried_col, carried)
    .with_amount_in(stopped_col, stopped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::data::DocLine;

    fn d(n: i64) -> Dong {
        Dong::new(n).unwrap()
    }

    fn line(kind: LineKind, amount: i64, paid: bool, stopped: bool) -> DocLine {
        DocLine {
            kind,
            amount: d(amount),
            covers_from: "2026-12".into(),
            covers_to: "2026-12".into(),
            paid,
            stopped,
            by_account: false,
        }
    }

    fn person(code: &str, lines: Vec<DocLine>) -> Person {
        Person {
            id: 0,
            code: code.into(),
            name: code.into(),
            birth_year: None,
            village: String::new(),
            category: String::new(),
            id_card: None,
            home_delivery: false,
            proxy: None,
            stop: None,
            last_visit: None,
            sex: None,
            paid_at: None,
            held_by: None,
            lines,
        }
    }

    /// The review found 40 people on the roll in TỔNG CỘNG and 40 + 1 + 4 in the rows: a person
    /// with a supplement or a carer's allowance counted in two rows and once in the total.
    #[test]
    fn the_rows_add_up_to_the_total_in_lines_and_in_dong() {
        use LineKind::*;
        let people = vec![
            person(
                "A",
                vec![
                    line(Monthly, 8_367_000, true, false),
                    line(Supplement, 2_337_000, true, false),
                ],
            ),
            person(
                "B",
                vec![
                    line(Monthly, 8_941_000, false, false),
                    line(Carer, 3_582_000, false, false),
                    line(Arrears, 17_882_000, false, false),
                ],
            ),
            person(
                "C",
                vec![
                    line(Monthly, 8_367_000, false, true),
                    line(Supplement, 2_337_000, false, true),
                ],
            ),
            person(
                "D",
                vec![
                    line(Monthly, 2_789_000, true, false),
                    line(Funeral, 8_367_000, false, false),
                ],
            ),
        ];
        let total = summarise(&people, None).unwrap();
        let rows: Vec<Summary> = KINDS
            .iter()
            .map(|k| summarise(&people, Some(*k)).unwrap())
            .collect();
        let cells = |s: &Summary| [s.roll, s.paid, s.unpaid, s.stopped];
        for i in 0..4 {
            let lines: usize = rows.iter().map(|r| cells(r)[i].lines).sum();
            let amount = Dong::sum(rows.iter().map(|r| cells(r)[i].amount)).unwrap();
            assert_eq!(lines, cells(&total)[i].lines, "column {i}");
            assert_eq!(amount, cells(&total)[i].amount, "column {i}");
        }
        for s in rows.iter().chain([&total]) {
            assert_eq!(
                s.roll.lines,
                s.paid.lines + s.unpaid.lines + s.stopped.lines
            );
            assert_eq!(
                s.roll.amount,
                Dong::sum([s.paid.amount, s.unpaid.amount, s.stopped.amount]).unwrap()
            );
        }
        assert_eq!(total.roll.lines, 9);
        let by = PeopleByStatus::of(&people);
        assert_eq!(by.total(), people.len());
        assert_eq!((by.paid, by.partly, by.unpaid, by.stopped), (1, 1, 1, 1));
    }

    #[test]
    fn the_money_left_is_what_is_carried_over_plus_what_is_returned_or_to_return() {
        let cash = CashSpan {
            opening: d(1_000_000),
            advanced: d(50_000_000),
            paid_out: d(30_000_000),
            reversed: d(2_000_000),
            returned: d(5_000_000),
            closing: d(18_000_000),
        };
        let total = Summary {
            roll: Tally {
                lines: 10,
                amount: d(40_000_000),
            },
            paid: Tally {
                lines: 6,
                amount: d(28_000_000),
            },
            unpaid: Tally {
                lines: 3,
                amount: d(9_211_000),
            },
            stopped: Tally {
                lines: 1,
                amount: d(2_789_000),
            },
        };
        let rate = "0,5%".parse().unwrap();
        let m = SettlementMoney::of(&cash, &total, Some(rate)).unwrap();
        assert_eq!(m.left, d(23_000_000));
        assert_eq!(m.carried_over, d(9_211_000));
        assert_eq!(m.stopped, d(2_789_000));
        assert_eq!(m.to_return, d(23_000_000 - 9_211_000 - 5_000_000));
        // Kept plus still to return is the cash the ledger says is on hand.
        assert_eq!(
            m.carried_over.checked_add(m.to_return).unwrap(),
            cash.closing
        );
        assert_eq!(m.fee, Some((rate, d(140_000))));
        assert_eq!(SettlementMoney::of(&cash, &total, None).unwrap().fee, None);
    }
}
