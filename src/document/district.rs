//! The managing office's consolidated settlement (bảng tổng hợp quyết toán các điểm chi trả): one
//! row per pay point and period with what its roll owed, what its devices paid (net of reversals),
//! what stays unpaid, the stops and the flags the office must recover. Printed by the hub
//! (`paypoint-district settlement --pdf`) from the events the pay points synced, with the same
//! fonts, tables and signature blocks as the pay point's own papers.

use chrono::{Local, NaiveDate};

use super::pdf::{self, Align, Column, Doc, Face, Orientation, Row, Table, TableOptions};
use super::{DocumentError, Pdf};
use crate::fee::FeeRate;
use crate::money::Dong;
use crate::period::Period;

/// One pay point in one period, as the hub adds it up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictRow {
    /// Pay point code.
    pub pay_point: String,
    /// Pay point name.
    pub name: String,
    /// The period.
    pub period: Period,
    /// Version of the roll in force.
    pub roll_version: u32,
    /// People on the roll.
    pub beneficiaries: u64,
    /// What the roll owes.
    pub total_due: Dong,
    /// Payouts, net of reversals.
    pub payouts: u64,
    /// Paid, net of reversals.
    pub paid: Dong,
    /// The part of `paid` that the managing office's published roll backs.
    pub paid_as_roll: Dong,
    /// The rest of `paid`: lines not on the roll, amounts above it, withdrawn lines; to check or
    /// recover (`paid_as_roll + flagged = paid`).
    pub flagged: Dong,
    /// `total_due − paid` (negative when more was paid than owed: see the flags).
    pub unpaid: Dong,
    /// The part of `unpaid` carried over to the next period.
    pub carried: Dong,
    /// The part of `unpaid` a stop blocks (death, move): not carried over
    /// (`carried + stopped + by_account = unpaid`).
    pub stopped: Dong,
    /// People the office pays by bank account in the period (issue 18).
    pub by_account_people: u64,
    /// The part of `unpaid` the office pays by bank account: not the pay point's cash.
    pub by_account: Dong,
    /// Stops known at the district.
    pub stops: u64,
    /// Flags raised.
    pub flags: u64,
}

/// Who the office pays by bank account, per pay point: the share of people and of money the
/// province reports. Nothing when nobody is.
fn account_lines<'a>(
    doc: &mut Doc,
    rows: impl Iterator<Item = &'a DistrictRow>,
) -> Result<(), DocumentError> {
    let mut parts = Vec::new();
    for r in rows.filter(|r| r.by_account_people > 0) {
        let share = crate::account::AccountShare {
            people: r.beneficiaries,
            by_account_people: r.by_account_people,
            amount: r.total_due,
            by_account_amount: r.by_account,
        };
        parts.push(format!(
            "{} {} người, {} đồng ({} số người, {} số tiền)",
            r.pay_point,
            r.by_account_people,
            r.by_account,
            crate::account::percent_vi(share.people_permille()),
            crate::account::percent_vi(share.amount_permille())
        ));
    }
    if !parts.is_empty() {
        doc.paragraph(
            &format!(
                "Chi trả qua tài khoản ngân hàng (không qua tiền mặt của điểm chi trả, không chuyển kỳ sau): {}.",
                parts.join("; ")
            ),
            Face::Italic,
            11.0,
            Align::Left,
        );
    }
    Ok(())
}

/// What to print.
#[derive(Debug, Clone)]
pub struct DistrictOptions {
    /// Who reports (the provincial post office, as the office configured it), printed top left;
    /// a parent body before " — " is printed above it.
    pub organisation: String,
    /// The managing office the settlement goes to ("Kính gửi: …"), when it is named.
    pub managing_office: Option<String>,
    /// The place on the date line; empty: the one in the organisation's name, else a blank.
    pub place: String,
    /// Title of the head who signs and stamps.
    pub title_head: String,
    /// The date on the date line.
    pub date: NaiveDate,
    /// The payer's fee rate of the contract; the fee column is left blank without it.
    pub fee_rate: Option<FeeRate>,
}

impl Default for DistrictOptions {
    fn default() -> Self {
        DistrictOptions {
            organisation: "Bưu điện tỉnh".into(),
            managing_office: None,
            place: String::new(),
            title_head: "Thủ trưởng đơn vị".into(),
            date: Local::now().date_naive(),
            fee_rate: None,
        }
    }
}

/// The signature blocks, the head's title as configured.
fn signers(title_head: &str) -> [(&str, &str); 3] {
    [
        ("Người lập biểu", "(Ký, ghi rõ họ tên)"),
        ("Kế toán", "(Ký, ghi rõ họ tên)"),
        (title_head, "(Ký, ghi rõ họ tên, đóng dấu)"),
    ]
}

fn table() -> Table {
    let people = "Danh sách chi trả";
    let paid = "Đã chi trả";
    let unpaid = "Chưa chi trả";
    Table {
        columns: vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Mã điểm", 14.0, Align::Center),
            Column::new("Điểm chi trả", 29.0, Align::Left),
            Column::under(people, "Lần lập", 11.0, Align::Center),
            Column::under(people, "Số người", 12.0, Align::Right),
            Column::under(people, "Phải trả (đồng)", 22.0, Align::Right),
            Column::under(paid, "Số lần chi", 10.0, Align::Right),
            Column::under(paid, "Số tiền (đồng)", 20.0, Align::Right),
            Column::under(paid, "Trong đó đúng danh sách (đồng)", 20.0, Align::Right),
            Column::under(
                paid,
                "Trong đó cần kiểm tra, thu hồi (đồng)",
                20.0,
                Align::Right,
            ),
            Column::under(unpaid, "Chuyển kỳ sau (đồng)", 20.0, Align::Right),
            Column::under(unpaid, "Dừng chi trả, báo giảm (đồng)", 20.0, Align::Right),
            Column::new("Phí chi trả (đồng)", 20.0, Align::Right),
            Column::new("Số báo giảm", 11.0, Align::Right),
            Column::new("Số trường hợp cần kiểm tra", 13.0, Align::Right),
        ],
        header_size: 10.0,
        // 10 pt as the signature sheet: fifteen columns on A4 landscape, totals of a province.
        body_size: 10.0,
        numbering: true,
        min_row: 8.0,
    }
}

fn cells(stt: String, code: &str, name: &str, version: String, r: &Totals) -> Vec<String> {
    vec![
        stt,
        code.to_string(),
        name.to_string(),
        version,
        r.beneficiaries.to_string(),
        r.total_due.to_string(),
        r.payouts.to_string(),
        r.paid.to_string(),
        r.paid_as_roll.to_string(),
        r.flagged.to_string(),
        r.carried.to_string(),
        r.stopped.to_string(),
        r.fee.map(|f| f.to_string()).unwrap_or_default(),
        r.stops.to_string(),
        r.flags.to_string(),
    ]
}

#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    beneficiaries: u64,
    total_due: Dong,
    payouts: u64,
    paid: Dong,
    paid_as_roll: Dong,
    flagged: Dong,
    unpaid: Dong,
    carried: Dong,
    stopped: Dong,
    /// The fee on `paid`, when the rate is known. The total row adds up the pay points' fees
    /// (each rounded to the đồng), so that the column adds up as every other.
    fee: Option<Dong>,
    stops: u64,
    flags: u64,
}

impl Totals {
    fn of(r: &DistrictRow, rate: Option<FeeRate>) -> Result<Totals, DocumentError> {
        Ok(Totals {
            beneficiaries: r.beneficiaries,
            total_due: r.total_due,
            payouts: r.payouts,
            paid: r.paid,
            paid_as_roll: r.paid_as_roll,
            flagged: r.flagged,
            unpaid: r.unpaid,
            carried: r.carried,
            stopped: r.stopped,
            fee: rate.map(|rate| rate.fee(r.paid)).transpose()?,
            stops: r.stops,
            flags: r.flags,
        })
    }

    fn add(&mut self, o: &Totals) -> Result<(), DocumentError> {
        self.beneficiaries += o.beneficiaries;
        self.total_due = self.total_due.checked_add(o.total_due)?;
        self.payouts += o.payouts;
        self.paid = self.paid.checked_add(o.paid)?;
        self.paid_as_roll = self.paid_as_roll.checked_add(o.paid_as_roll)?;
        self.flagged = self.flagged.checked_add(o.flagged)?;
        self.unpaid = self.unpaid.checked_add(o.unpaid)?;
        self.carried = self.carried.checked_add(o.carried)?;
        self.stopped = self.stopped.checked_add(o.stopped)?;
        self.fee = match (self.fee, o.fee) {
            (Some(a), Some(b)) => Some(a.checked_add(b)?),
            (a, b) => a.or(b),
        };
        self.stops += o.stops;
        self.flags += o.flags;
        Ok(())
    }
}

/// The organisation on the left, the national title and motto on the right, the title, and the
/// managing office the settlement goes to when it is named.
fn heading(doc: &mut Doc, opts: &DistrictOptions, span: &str, pay_points: usize) {
    let (parent, name) = crate::org::split_payer(&opts.organisation);
    super::header_lines(
        doc,
        super::Issuer {
            parent: parent.as_deref(),
            name: &name,
            below: &format!("Tổng hợp {pay_points} điểm chi trả"),
        },
        12.0,
        pdf::BODY,
    );
    super::title(
        doc,
        "Bảng tổng hợp quyết toán kinh phí chi trả trợ cấp ưu đãi người có công",
        &[format!("Các điểm chi trả – {span}")],
    );
    if let Some(office) = opts
        .managing_office
        .as_deref()
        .filter(|o| !o.trim().is_empty())
    {
        doc.paragraph(
            &format!("Kính gửi: {office}"),
            Face::Regular,
            pdf::BODY,
            Align::Center,
        );
        doc.skip(2.0);
    }
}

/// The date line (the place set, else the one in the organisation's name, else a blank to
/// write in, never a made-up place) and the signature blocks.
fn sign(doc: &mut Doc, opts: &DistrictOptions) {
    let place = if opts.place.trim().is_empty() {
        super::place_of_office(&opts.organisation)
    } else {
        opts.place.clone()
    };
    let date_line = super::date_line(&place, opts.date);
    super::signatures(doc, Some(&date_line), &signers(&opts.title_head));
}

/// Renders the consolidated settlement: a table per period (pay points in the order given) with
/// its total, the amount paid in words, and the signature blocks.
pub fn render(rows: &[DistrictRow], opts: &DistrictOptions) -> Result<Pdf, DocumentError> {
    let mut periods: Vec<Period> = rows.iter().map(|r| r.period).collect();
    periods.sort();
    periods.dedup();
    let span = match (periods.first(), periods.last()) {
        (Some(a), Some(b)) if a == b => a.label_vi(),
        (Some(a), Some(b)) => format!("từ {} đến {}", a.label_vi(), b.label_vi()),
        _ => "(chưa có kỳ nào)".to_string(),
    };
    let mut codes: Vec<&str> = rows.iter().map(|r| r.pay_point.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let title = format!("Bảng tổng hợp quyết toán các điểm chi trả {span}");
    let mut doc = Doc::new(&title, Orientation::Landscape, None);
    doc.describe(
        "Bảng tổng hợp quyết toán kinh phí chi trả trợ cấp ưu đãi người có công của các điểm chi trả",
        &opts.organisation,
    );
    heading(&mut doc, opts, &span, codes.len());
    if periods.is_empty() {
        doc.paragraph(
            "Chưa có danh sách chi trả nào được phát hành.",
            Face::Italic,
            11.0,
            Align::Left,
        );
    }
    for (i, period) in periods.iter().enumerate() {
        if i > 0 {
            doc.skip(4.0);
        }
        doc.ensure(40.0);
        doc.paragraph(
            &format!(
                "{}. Kỳ {}",
                ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
                    .get(i)
                    .map_or_else(|| (i + 1).to_string(), |s| s.to_string()),
                period.label_vi()
            ),
            Face::Bold,
            pdf::BODY,
            Align::Left,
        );
        doc.skip(1.0);
        let mut total = Totals::default();
        let mut out = Vec::new();
        for (n, r) in rows.iter().filter(|r| r.period == *period).enumerate() {
            let t = Totals::of(r, opts.fee_rate)?;
            total.add(&t)?;
            out.push(Row::new(cells(
                (n + 1).to_string(),
                &r.pay_point,
                &r.name,
                r.roll_version.to_string(),
                &t,
            )));
        }
        out.push(Row {
            bold: true,
            ..Row::new(cells(String::new(), "", "TỔNG CỘNG", String::new(), &total))
        });
        doc.table(&table(), &out, &TableOptions::default());
        doc.skip(1.0);
        doc.paragraph(
            &format!(
                "Số tiền đã chi trả {}: {} đồng. Bằng chữ: {}.",
                period.label_vi(),
                total.paid,
                total.paid.in_words()
            ),
            Face::Italic,
            11.0,
            Align::Left,
        );
        account_lines(&mut doc, rows.iter().filter(|r| r.period == *period))?;
        doc.paragraph(
            &format!(
                "Phải trả theo danh sách: {} đồng; đã trả đúng danh sách của đơn vị quản lý: {} đồng; cần kiểm tra, thu hồi: {} đồng; chưa trả: {} đồng, gồm chuyển kỳ sau {} đồng và dừng chi trả (báo giảm) {} đồng; số báo giảm: {}; trường hợp cần kiểm tra: {}.",
                total.total_due, total.paid_as_roll, total.flagged, total.unpaid, total.carried, total.stopped, total.stops, total.flags
            ),
            Face::Italic,
            11.0,
            Align::Left,
        );
    }
    sign(&mut doc, opts);
    doc.finish()
}
