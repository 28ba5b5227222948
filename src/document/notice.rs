//! The public notice (niêm yết công khai) posted at the pay point: the month's payment schedule
//! (days, hours, place) and the beneficiaries added to and removed from the roll since the previous
//! roll in this ledger, with those whose payment was stopped by a stop report.

use chrono::{Datelike, Local, NaiveDate, Weekday};

use std::collections::HashSet;

use super::data::{Context, Person};
use super::pdf::{self, Align, Column, Doc, Face, Orientation, Row, Table, TableOptions};
use super::{DocumentError, Pdf, Signer};
use crate::ledger::Ledger;
use crate::period::Period;

/// What to print.
#[derive(Debug, Clone)]
pub struct NoticeOptions {
    /// The period; the open one (or the latest) when `None`.
    pub period: Option<Period>,
    /// Days of the month on which the pay point pays: the pay point's schedule, agreed with the
    /// managing office (TT 44/2022/TT-BTC Điều 7–8, as amended by TT 95/2025/TT-BTC, sets no day).
    pub days: Vec<u32>,
    /// Opening hours on those days.
    pub hours: String,
    /// Where; the pay point's name when `None`.
    pub venue: Option<String>,
    /// The place on the date line; from the pay point's name when `None`.
    pub place: Option<String>,
    /// The date on the date line.
    pub date: NaiveDate,
}

/// The default schedule: the 1st to the 5th of the month (a common schedule, not a legal rule).
pub const DEFAULT_DAYS: [u32; 5] = [1, 2, 3, 4, 5];
/// The default hours.
pub const DEFAULT_HOURS: &str = "7h30 – 11h30 và 13h30 – 17h00";

impl Default for NoticeOptions {
    fn default() -> Self {
        NoticeOptions {
            period: None,
            days: DEFAULT_DAYS.to_vec(),
            hours: DEFAULT_HOURS.to_string(),
            venue: None,
            place: None,
            date: Local::now().date_naive(),
        }
    }
}

/// Reads "1-5", "1,2,3", "1-3,6": days of a month.
pub fn parse_days(s: &str) -> Result<Vec<u32>, DocumentError> {
    let bad = || {
        DocumentError::BadSchedule(format!(
            "“{s}”: ghi các ngày trong tháng, ví dụ 1-5 hoặc 1,2,3,6"
        ))
    };
    let mut days = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match part.split_once('-') {
            Some((a, b)) => {
                let a: u32 = a.trim().parse().map_err(|_| bad())?;
                let b: u32 = b.trim().parse().map_err(|_| bad())?;
                if a > b || b - a > 31 {
                    return Err(bad());
                }
                days.extend(a..=b);
            }
            None => days.push(part.parse().map_err(|_| bad())?),
        }
    }
    if days.is_empty() {
        return Err(bad());
    }
    days.sort_unstable();
    days.dedup();
    Ok(days)
}

fn weekday_vi(d: Weekday) -> &'static str {
    match d {
        Weekday::Mon => "Thứ Hai",
        Weekday::Tue => "Thứ Ba",
        Weekday::Wed => "Thứ Tư",
        Weekday::Thu => "Thứ Năm",
        Weekday::Fri => "Thứ Sáu",
        Weekday::Sat => "Thứ Bảy",
        Weekday::Sun => "Chủ nhật",
    }
}

const SIGNERS: [(Signer, &str); 2] = [
    (Signer::Managing, "(Ký, ghi rõ họ tên, đóng dấu)"),
    (Signer::Head, "(Ký, ghi rõ họ tên, đóng dấu)"),
];

/// The people of a list, with their code: the one key the managing office's roll, the signature
/// sheet and this notice share (two people may have one name).
fn people_table(last: &str) -> Table {
    Table::plain(vec![
        Column::new("STT", 10.0, Align::Center),
        Column::new("Họ và tên", 40.0, Align::Left),
        Column::new("Mã đối tượng", 26.0, Align::Center),
        Column::new("Năm sinh", 14.0, Align::Center),
        Column::new("Thôn/xóm", 25.0, Align::Left),
        Column::new(last, 50.0, Align::Left),
    ])
}

fn person_row(i: usize, p: &Person, last: String) -> Row {
    Row::new(vec![
        (i + 1).to_string(),
        p.name.clone(),
        p.code.clone(),
        p.birth_year.map(|y| y.to_string()).unwrap_or_default(),
        p.village.clone(),
        last,
    ])
}

/// Renders the public notice: the schedule, then who joined the roll and who left it or was
/// stopped since the previous roll, then the closing lines and the signatures.
pub fn render(ledger: &Ledger, opts: &NoticeOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    let period = ctx.period;
    let days = schedule_dates(period, &opts.days)?;
    let current = ledger.document_people(period)?;
    let previous_period = ledger.previous_roll_period(period)?;
    let previous = match previous_period {
        Some(p) => Some(ledger.document_people(p)?),
        None => None,
    };
    let venue = opts
        .venue
        .clone()
        .unwrap_or_else(|| ctx.pay_point_name.clone());
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);

    let mut doc = notice_doc(&ctx);
    schedule_part(&mut doc, &days, &opts.hours, &venue);

    // II and III. Added and removed since the previous roll.
    let changes = Changes::between(previous.as_deref(), &current, period);
    let previous_label = previous_period.map(|p| p.label_vi());
    doc.skip(3.0);
    added_part(&mut doc, previous_label.as_deref(), &changes.added, period);
    doc.skip(3.0);
    let closing = super::Closing {
        lines: vec![(
            format!(
                "Danh sách chi trả {} có {} đối tượng. Mọi thắc mắc, phản ánh xin liên hệ {} hoặc {} trong thời gian niêm yết.",
                period.label_vi(),
                current.len(),
                ctx.pay_point_name,
                ctx.org.managing_office
            ),
            Face::Regular,
            12.0,
        )],
        date_line: super::date_line(&place, opts.date),
        signers: &super::sign_blocks(&ctx.org, &SIGNERS),
    };
    removed_part(
        &mut doc,
        previous_label.as_deref(),
        &changes.removed,
        &closing,
    );
    closing.draw(&mut doc);
    doc.finish()
}

/// The dates of the schedule in the notice's month, in order, each once.
fn schedule_dates(period: Period, days: &[u32]) -> Result<Vec<NaiveDate>, DocumentError> {
    let mut dates = Vec::new();
    for &d in days {
        let date = NaiveDate::from_ymd_opt(period.year() as i32, period.month() as u32, d)
            .ok_or_else(|| {
                DocumentError::BadSchedule(format!(
                    "tháng {} năm {} không có ngày {d}",
                    period.month(),
                    period.year()
                ))
            })?;
        dates.push(date);
    }
    if dates.is_empty() {
        return Err(DocumentError::BadSchedule(
            "chưa có ngày chi trả nào".into(),
        ));
    }
    dates.sort_unstable();
    dates.dedup();
    Ok(dates)
}

/// The notice down to its opening sentence: properties, header block, title.
fn notice_doc(ctx: &Context) -> Doc {
    let period = ctx.period;
    let title = format!(
        "Thông báo lịch chi trả và danh sách đối tượng tăng, giảm {} – {}",
        period.label_vi(),
        ctx.pay_point_name
    );
    let mut doc = Doc::new(&title, Orientation::Portrait, ctx.page_mark());
    doc.describe(
        "Niêm yết công khai lịch chi trả trợ cấp ưu đãi người có công",
        &ctx.pay_point_name,
    );
    super::header_block(&mut doc, ctx);
    super::title(
        &mut doc,
        "Thông báo",
        &[format!(
            "Lịch chi trả trợ cấp ưu đãi người có công {} và danh sách đối tượng tăng, giảm",
            period.label_vi()
        )],
    );
    doc.paragraph(
        &format!(
            "{} thông báo lịch chi trả trợ cấp ưu đãi người có công với cách mạng {} như sau:",
            ctx.pay_point_name,
            period.label_vi()
        ),
        Face::Regular,
        pdf::BODY,
        Align::Left,
    );
    doc.skip(2.0);
    doc
}

/// I. The paying days with their hours and place, and what to bring.
fn schedule_part(doc: &mut Doc, days: &[NaiveDate], hours: &str, venue: &str) {
    super::section_heading(doc, "I. Lịch chi trả");
    let rows: Vec<Row> = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            Row::new(vec![
                (i + 1).to_string(),
                format!("{}, {}", weekday_vi(d.weekday()), super::dmy(*d)),
                hours.to_string(),
                venue.to_string(),
            ])
        })
        .collect();
    doc.table(
        &Table::plain(vec![
            Column::new("STT", 10.0, Align::Center),
            Column::new("Ngày chi trả", 40.0, Align::Left),
            Column::new("Thời gian", 58.0, Align::Left),
            Column::new("Địa điểm", 57.0, Align::Left),
        ]),
        &rows,
        &TableOptions::default(),
    );
    doc.skip(1.0);
    for line in [
        "Khi đến nhận tiền, đối tượng mang theo Căn cước công dân (CCCD). Người nhận thay mang giấy ủy quyền có xác nhận của UBND xã và CCCD của mình.",
        "Đối tượng già yếu, ốm đau, khuyết tật không đến được điểm chi trả sẽ được nhân viên bưu điện chi trả tại nhà.",
    ] {
        doc.paragraph(&format!("– {line}"), Face::Regular, 12.0, Align::Left);
    }
}

/// Who joined and who left the roll since the previous one.
struct Changes<'a> {
    /// On this roll, not on the previous one.
    added: Vec<&'a Person>,
    /// On the previous roll and not on this one, then those on this roll whose payment a stop
    /// report stopped: each with why.
    removed: Vec<(&'a Person, String)>,
}

impl<'a> Changes<'a> {
    /// Compares `current` with `previous`; with no previous roll nobody is added or has left,
    /// but the stopped are still listed.
    fn between(
        previous: Option<&'a [Person]>,
        current: &'a [Person],
        period: Period,
    ) -> Changes<'a> {
        let mut added = Vec::new();
        let mut removed = Vec::new();
        if let Some(prev) = previous {
            let prev_codes: HashSet<&str> = prev.iter().map(|p| p.code.as_str()).collect();
            let cur_codes: HashSet<&str> = current.iter().map(|p| p.code.as_str()).collect();
            added = current
                .iter()
                .filter(|p| !prev_codes.contains(p.code.as_str()))
                .collect();
            for p in prev.iter().filter(|p| !cur_codes.contains(p.code.as_str())) {
                removed.push((p, left_why(p, period)));
            }
        }
        // On the roll but stopped by a stop report: not paid this month.
        for p in current.iter().filter(|p| p.stop.is_some()) {
            let (reason, date) = p.stop.expect("filtered on stop");
            let why = match date {
                Some(d) => format!(
                    "Dừng chi trả: báo giảm ({}) ngày {}",
                    reason.label_vi(),
                    super::dmy(d)
                ),
                None => format!("Dừng chi trả: báo giảm ({})", reason.label_vi()),
            };
            removed.push((p, why));
        }
        Changes { added, removed }
    }
}

/// Why someone on the previous roll is not on this one: their stop report, else just gone.
fn left_why(p: &Person, period: Period) -> String {
    match p.stop {
        Some((reason, Some(d))) => {
            format!("Báo giảm: {} ngày {}", reason.label_vi(), super::dmy(d))
        }
        Some((reason, None)) => format!("Báo giảm: {}", reason.label_vi()),
        None => format!("Không còn trong danh sách {}", period.label_vi()),
    }
}

/// II. The beneficiaries added since the previous roll; without a previous roll, a line that
/// says there is nothing to compare with.
fn added_part(doc: &mut Doc, previous_label: Option<&str>, added: &[&Person], period: Period) {
    match previous_label {
        Some(prev) => {
            super::section_heading(
                doc,
                &format!(
                    "II. Đối tượng được bổ sung (báo tăng) so với danh sách {prev}: {} người",
                    added.len()
                ),
            );
            let rows: Vec<Row> = added
                .iter()
                .enumerate()
                .map(|(i, p)| person_row(i, p, p.category.clone()))
                .collect();
            doc.table(
                &people_table("Diện đối tượng"),
                &rows,
                &TableOptions {
                    continuation: Some("Đối tượng được bổ sung (tiếp theo)".into()),
                    ..TableOptions::default()
                },
            );
        }
        None => {
            doc.paragraph(
                "II. Đối tượng được bổ sung (báo tăng)",
                Face::Bold,
                pdf::BODY,
                Align::Left,
            );
            doc.paragraph(
                &format!(
                    "Sổ chưa có danh sách chi trả kỳ trước để so sánh ({} là danh sách đầu tiên được nạp): không có danh sách tăng, giảm để niêm yết.",
                    period.label_vi()
                ),
                Face::Italic,
                12.0,
                Align::Left,
            );
        }
    }
}

/// III. The beneficiaries who left the roll or were stopped, with why; the closing lines and
/// the signatures are kept on the page of the last rows.
fn removed_part(
    doc: &mut Doc,
    previous_label: Option<&str>,
    removed: &[(&Person, String)],
    closing: &super::Closing<'_, String>,
) {
    doc.ensure(25.0);
    let heading = match previous_label {
        Some(prev) => format!(
            "III. Đối tượng thôi hưởng, dừng chi trả (báo giảm) so với danh sách {prev}: {} người",
            removed.len()
        ),
        None => format!(
            "III. Đối tượng dừng chi trả (báo giảm): {} người",
            removed.len()
        ),
    };
    super::section_heading(doc, &heading);
    let rows: Vec<Row> = removed
        .iter()
        .enumerate()
        .map(|(i, (p, why))| person_row(i, p, why.clone()))
        .collect();
    doc.table(
        &people_table("Lý do"),
        &rows,
        &TableOptions {
            continuation: Some("Đối tượng thôi hưởng, dừng chi trả (tiếp theo)".into()),
            keep_with_last: closing.height(doc.content_width()),
            ..TableOptions::default()
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_days() {
        assert_eq!(parse_days("1-5").unwrap(), vec![1, 2, 3, 4, 5]);
        assert_eq!(parse_days("3, 1,2-3").unwrap(), vec![1, 2, 3]);
        assert!(parse_days("").is_err());
        assert!(parse_days("5-1").is_err());
        assert!(parse_days("a").is_err());
    }
}
