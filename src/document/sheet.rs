//! The signature sheet (danh sách chi trả có ký nhận): the month's roll, or one village of it, as
//! the beneficiaries sign for their money. Landscape A4: the header block, the title with the
//! month and the roll's version as the pay point received it, the table in the managing office's
//! columns (STT | Họ và tên | Năm sinh: Nam, Nữ | Số CCCD | Địa chỉ | Mã đối tượng | Diện đối
//! tượng | Số tiền: Trợ cấp hàng tháng, Truy lĩnh, Tổng cộng | Ngày nhận | Ký nhận | Ghi chú)
//! with its header and numbering row on every page, rows of at least 12 mm to sign in, "Cộng
//! trang" at the foot of every page and TỔNG CỘNG after the last row with every amount column
//! added up, the amount in words, the date line and the signature blocks: the one who made the
//! list, the paying clerk, the commune's supervisor (TT 44/2022/TT-BTC Điều 8 as amended by
//! TT 95/2025/TT-BTC; named when recorded for the date of the sheet), the accountant and the
//! post office's director.

use chrono::{Local, NaiveDate};

use super::data::{Context, Person, RollInfo};
use super::pdf::{
    self, Align, Column, Doc, Face, Orientation, PageTotal, Row, Table, TableOptions,
};
use super::{DocumentError, Pdf, Signer};
use crate::ledger::Ledger;
use crate::model::{LineKind, Sex};
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

/// The signature blocks at the foot of the sheet; the supervisor's is [`SUPERVISOR_BLOCK`].
const SIGNERS: [(Signer, &str); 6] = [
    (Signer::Preparer, "(Ký, ghi rõ họ tên)"),
    (Signer::Clerk, "(Ký, ghi rõ họ tên)"),
    (Signer::Supervisor, "(Ký, ghi rõ họ tên)"),
    (Signer::Accountant, "(Ký, ghi rõ họ tên)"),
    (Signer::Head, "(Ký, ghi rõ họ tên, đóng dấu)"),
    (Signer::Managing, "(Ký, ghi rõ họ tên, đóng dấu)"),
];

/// Where the commune's supervisor signs, in [`SIGNERS`].
const SUPERVISOR_BLOCK: usize = 2;

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

/// The note of a row: birth year when the roll does not say the sex, proxy, home delivery, stop.
fn note(p: &Person) -> String {
    let mut parts = Vec::new();
    if let (None, Some(y)) = (p.sex, p.birth_year) {
        parts.push(format!("Năm sinh {y}"));
    }
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
    if let Some(device) = &p.held_by {
        parts.push(format!("Chi ở máy {device}"));
    }
    parts.join("; ")
}

/// The sheet's table: one monthly column, or one per month when the roll pays two months
/// together near Tết ("Tháng 12/2026" | "Tháng 01/2027"), the room for the second taken from the
/// text columns so that the page stays A4 landscape.
fn table(months: &[String]) -> Table {
    const BORN: &str = "Năm sinh";
    const AMOUNT: &str = "Số tiền (đồng)";
    let two = months.len() > 1;
    let narrow = |wide: f32, less: f32| if two { wide - less } else { wide };
    let mut columns = vec![
        Column::new("STT", 10.0, Align::Center),
        Column::new("Họ và tên", 28.0, Align::Left),
        Column::under(BORN, "Nam", 10.0, Align::Center),
        Column::under(BORN, "Nữ", 10.0, Align::Center),
        Column::new("Số CCCD", 26.0, Align::Center),
        Column::new("Địa chỉ", narrow(16.0, 2.0), Align::Left),
        Column::new("Mã đối tượng", narrow(23.0, 3.0), Align::Center),
        Column::new("Diện đối tượng", narrow(22.0, 3.0), Align::Left),
    ];
    if two {
        for m in months {
            let label = format!("Tháng {}", months_label(m));
            columns.push(Column::under(AMOUNT, &label, 17.0, Align::Right));
        }
    } else {
        columns.push(Column::under(
            AMOUNT,
            "Trợ cấp hàng tháng",
            19.0,
            Align::Right,
        ));
    }
    columns.extend([
        Column::under(
            AMOUNT,
            "Truy lĩnh, một lần",
            narrow(19.0, 2.0),
            Align::Right,
        ),
        Column::under(AMOUNT, "Tổng cộng", 19.0, Align::Right),
        Column::new("Ngày nhận", 12.0, Align::Center),
        Column::new("Ký nhận", narrow(19.0, 2.0), Align::Center),
        Column::new("Ghi chú", narrow(19.0, 3.0), Align::Left),
    ]);
    Table {
        columns,
        header_size: 10.0,
        body_size: 10.0,
        numbering: true,
        min_row: MIN_ROW_MM,
    }
}

/// "12/2026" for "2026-12".
pub(crate) fn months_label(month: &str) -> String {
    months(month, month)
}

/// Where the amounts are: a column per month paid from [`FIRST_MONTH_COL`], then the lines paid
/// once, the total, the date received and the signature.
const FIRST_MONTH_COL: usize = 8;

/// The columns after the monthly ones, for a sheet paying `months` months.
struct Cols {
    once: usize,
    amount: usize,
    /// Column the beneficiary signs in, counted from 1 as the numbering row prints it.
    sign_no: usize,
}

impl Cols {
    fn for_months(months: usize) -> Cols {
        let once = FIRST_MONTH_COL + months.max(1);
        Cols {
            once,
            amount: once + 1,
            sign_no: once + 4,
        }
    }
}

/// The roll's version in the words of an accountant: the list as first received, or its n-th
/// amendment, and the day the pay point received it.
pub(crate) fn roll_version_line(roll: &RollInfo) -> String {
    let received = roll
        .received
        .map(|d| format!(", nhận ngày {}", super::dmy(d)))
        .unwrap_or_default();
    if roll.version <= 1 {
        format!("Căn cứ danh sách chi trả của đơn vị quản lý (danh sách lần đầu{received})")
    } else {
        format!(
            "Căn cứ danh sách chi trả của đơn vị quản lý (danh sách điều chỉnh lần {}{received})",
            roll.version - 1
        )
    }
}

/// An amount cell of a person's row: empty for nothing, as the office's roll leaves it.
fn blank_if_zero(d: Dong) -> String {
    if d == Dong::ZERO {
        String::new()
    } else {
        d.to_string()
    }
}

/// One person's row: the birth year under Nam or Nữ, the ID card, the amounts split as the
/// managing office's roll splits them, and the day they received the money when they have.
fn person_row(i: usize, p: &Person, months: &[String]) -> Row {
    let year = p.birth_year.map(|y| y.to_string()).unwrap_or_default();
    let (male, female) = match p.sex {
        Some(Sex::M) => (year, String::new()),
        Some(Sex::F) => (String::new(), year),
        None => (String::new(), String::new()),
    };
    let received = p
        .paid_at
        .as_deref()
        .and_then(super::date_of)
        .map(|d| d.format("%d/%m").to_string())
        .unwrap_or_default();
    // One month: every monthly line in its column. Two: each month's lines in its own.
    let monthly: Vec<Dong> = if months.len() > 1 {
        months.iter().map(|m| p.monthly_in(m)).collect()
    } else {
        vec![p.monthly()]
    };
    let cols = Cols::for_months(monthly.len());
    let mut cells = vec![
        (i + 1).to_string(),
        p.name.clone(),
        male,
        female,
        p.id_card.clone().unwrap_or_default(),
        p.village.clone(),
        p.code.clone(),
        category_and_kinds(p),
    ];
    cells.extend(monthly.iter().map(|d| blank_if_zero(*d)));
    cells.extend([
        blank_if_zero(p.once()),
        p.total().to_string(),
        received,
        String::new(),
        note(p),
    ]);
    let mut row = Row::new(cells).with_amount(p.total());
    for (k, d) in monthly.iter().enumerate() {
        row = row.with_amount_in(FIRST_MONTH_COL + k, *d);
    }
    row.with_amount_in(cols.once, p.once()).with_tag(&p.code)
}

/// The sheet down to its title: properties, the stamp of its pages, header block, title with
/// the month, the scope and the roll as received.
fn sheet_doc(
    ctx: &Context,
    village: Option<&str>,
    all_villages: usize,
    roll: &RollInfo,
    months: &[String],
) -> Doc {
    let mut title = format!(
        "Danh sách chi trả có ký nhận {} – {}",
        ctx.period.label_vi(),
        ctx.pay_point_name
    );
    if let Some(v) = village {
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
    super::header_block(&mut doc, ctx);
    let scope = match village {
        Some(v) => format!("Thôn/xóm: {v}"),
        None => format!("Toàn điểm chi trả ({all_villages} thôn/xóm)"),
    };
    super::title(
        &mut doc,
        "Danh sách chi trả trợ cấp ưu đãi người có công",
        &[
            format!("{} – {}", months_title(ctx.period, months), scope),
            roll_version_line(roll),
        ],
    );
    doc
}

/// "Tháng 12 năm 2026", or for a roll paying two months together near Tết "Tháng 12 năm 2026 và
/// tháng 01 năm 2027 (chi trả gộp hai tháng)".
pub(crate) fn months_title(period: Period, months: &[String]) -> String {
    let one = format!("Tháng {} năm {}", period.month(), period.year());
    match months {
        [_, second] => {
            let (y, m) = second.split_once('-').unwrap_or((second.as_str(), ""));
            format!("{one} và tháng {m} năm {y} (chi trả gộp hai tháng)")
        }
        _ => one,
    }
}

/// Renders the signature sheet.
pub fn render(ledger: &Ledger, opts: &SheetOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    let (people, by_account) = super::data::cash_and_account(ledger.document_people(ctx.period)?);
    let people = select_village(people, opts.village.as_deref(), ctx.period)?;
    let village = opts.village.as_ref().map(|_| people[0].village.clone());
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);
    let by_account = match &village {
        Some(v) => by_account.iter().filter(|p| p.village == *v).count(),
        None => by_account.len(),
    };

    let roll = ledger.document_roll(ctx.period)?;
    let months = super::data::months_paid(&people);
    let mut doc = sheet_doc(
        &ctx,
        village.as_deref(),
        villages(&people).len(),
        &roll,
        &months,
    );
    let cols = Cols::for_months(months.len());
    let rows: Vec<Row> = people
        .iter()
        .enumerate()
        .map(|(i, p)| person_row(i, p, &months))
        .collect();
    let total = Dong::sum(people.iter().map(Person::total))?;
    let words = format!("Bằng chữ: {}.", total.in_words());
    let mut count = format!(
        "Tổng số: {} đối tượng. Người nhận thay phải xuất trình giấy ủy quyền và CCCD; đối tượng ký hoặc điểm chỉ vào cột ({}).",
        people.len(),
        cols.sign_no
    );
    if by_account > 0 {
        count.push_str(&format!(
            " {by_account} đối tượng nhận qua tài khoản ngân hàng kỳ này không có trong danh sách chi tiền mặt."
        ));
    }
    let mut names: Vec<Option<super::Named>> = vec![None; SIGNERS.len()];
    names[SUPERVISOR_BLOCK] = ledger.day_supervisor(opts.date)?.map(super::Named::from);
    let closing = super::Closing {
        lines: vec![
            (words, Face::Italic, pdf::BODY),
            (count, Face::Italic, 11.0),
        ],
        date_line: super::date_line(&place, opts.date),
        signers: &super::sign_blocks(&ctx.org, &SIGNERS),
    };
    let t = table(&months);
    doc.table(
        &t,
        &rows,
        &TableOptions {
            page_total: Some(PageTotal {
                label: "Cộng trang".into(),
                amount_col: cols.amount,
            }),
            grand_total: Some(("TỔNG CỘNG".into(), total, cols.amount)),
            keep_with_last: closing.height_named(doc.content_width(), &names),
            continuation: Some(format!(
                "Danh sách chi trả {} – {} (tiếp theo)",
                ctx.period.label_vi(),
                village.as_deref().unwrap_or(&ctx.pay_point_name)
            )),
            empty: None,
        },
    );
    closing.draw_named(&mut doc, &names);
    doc.finish()
}
