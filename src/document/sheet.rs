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
    parts.join("; ")
}

fn table() -> Table {
    const BORN: &str = "Năm sinh";
    const AMOUNT: &str = "Số tiền (đồng)";
    Table {
        columns: vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Họ và tên", 28.0, Align::Left),
            Column::under(BORN, "Nam", 10.0, Align::Center),
            Column::under(BORN, "Nữ", 10.0, Align::Center),
            Column::new("Số CCCD", 26.0, Align::Center),
            Column::new("Địa chỉ", 16.0, Align::Left),
            Column::new("Mã đối tượng", 23.0, Align::Center),
            Column::new("Diện đối tượng", 22.0, Align::Left),
            Column::under(AMOUNT, "Trợ cấp hàng tháng", 19.0, Align::Right),
            Column::under(AMOUNT, "Truy lĩnh, một lần", 19.0, Align::Right),
            Column::under(AMOUNT, "Tổng cộng", 19.0, Align::Right),
            Column::new("Ngày nhận", 12.0, Align::Center),
            Column::new("Ký nhận", 19.0, Align::Center),
            Column::new("Ghi chú", 19.0, Align::Left),
        ],
        header_size: 10.0,
        body_size: 10.0,
        numbering: true,
        min_row: MIN_ROW_MM,
    }
}

/// Columns of the amounts: monthly, once, total.
const MONTHLY_COL: usize = 8;
const ONCE_COL: usize = 9;
const AMOUNT_COL: usize = 10;
/// Column the beneficiary signs in, counted from 1 as the numbering row prints it.
const SIGN_COL_NO: usize = 13;

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
fn person_row(i: usize, p: &Person) -> Row {
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
    Row::new(vec![
        (i + 1).to_string(),
        p.name.clone(),
        male,
        female,
        p.id_card.clone().unwrap_or_default(),
        p.village.clone(),
        p.code.clone(),
        category_and_kinds(p),
        blank_if_zero(p.monthly()),
        blank_if_zero(p.once()),
        p.total().to_string(),
        received,
        String::new(),
        note(p),
    ])
    .with_amount(p.total())
    .with_amount_in(MONTHLY_COL, p.monthly())
    .with_amount_in(ONCE_COL, p.once())
    .with_tag(&p.code)
}

/// The sheet down to its title: properties, the stamp of its pages, header block, title with
/// the month, the scope and the roll as received.
fn sheet_doc(ctx: &Context, village: Option<&str>, all_villages: usize, roll: &RollInfo) -> Doc {
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
            format!(
                "Tháng {} năm {} – {}",
                ctx.period.month(),
                ctx.period.year(),
                scope
            ),
            roll_version_line(roll),
        ],
    );
    doc
}

/// Renders the signature sheet.
pub fn render(ledger: &Ledger, opts: &SheetOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    let people = ledger.document_people(ctx.period)?;
    let people = select_village(people, opts.village.as_deref(), ctx.period)?;
    let village = opts.village.as_ref().map(|_| people[0].village.clone());
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);

    let roll = ledger.document_roll(ctx.period)?;
    let mut doc = sheet_doc(&ctx, village.as_deref(), villages(&people).len(), &roll);

    let rows: Vec<Row> = people
        .iter()
        .enumerate()
        .map(|(i, p)| person_row(i, p))
        .collect();
    let total = Dong::sum(people.iter().map(Person::total))?;
    let words = format!("Bằng chữ: {}.", total.in_words());
    let count = format!(
        "Tổng số: {} đối tượng. Người nhận thay phải xuất trình giấy ủy quyền và CCCD; đối tượng ký hoặc điểm chỉ vào cột ({SIGN_COL_NO}).",
        people.len()
    );
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
