//! The layout: which column holds which field, found from the header's words (one or two header
//! rows, merged cells, a numbering row), never from positions; and the period in the title.

use std::collections::HashMap;

use super::grid::{amount_of, Cell, Grid};
use super::HEADER_SEARCH_ROWS;
use crate::period::Period;
use crate::text;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Field {
    Stt,
    Name,
    BirthYear,
    BirthYearMale,
    BirthYearFemale,
    Code,
    Village,
    Category,
    IdCard,
    Monthly,
    /// The next month's allowance, in a roll that pays two months together near Tết: a column
    /// whose header names the month after the roll's ("Tháng 01/2027" in December's roll).
    MonthlyNext,
    Arrears,
    Total,
    Signature,
    Note,
}

impl Field {
    pub(super) fn label(self) -> &'static str {
        match self {
            Field::Stt => "STT",
            Field::Name => "Họ và tên",
            Field::BirthYear => "Năm sinh",
            Field::BirthYearMale => "Năm sinh — Nam",
            Field::BirthYearFemale => "Năm sinh — Nữ",
            Field::Code => "Mã đối tượng",
            Field::Village => "Địa chỉ",
            Field::Category => "Diện đối tượng",
            Field::IdCard => "Số CCCD",
            Field::Monthly => "Trợ cấp hàng tháng",
            Field::MonthlyNext => "Trợ cấp tháng sau (chi gộp dịp Tết)",
            Field::Arrears => "Truy lĩnh",
            Field::Total => "Tổng cộng",
            Field::Signature => "Ký nhận",
            Field::Note => "Ghi chú",
        }
    }
}

/// The field a header text names, given the text of the header cell above it (two-row headers).
pub(super) fn field_of(label: &str, parent: &str) -> Option<Field> {
    let l = text::fold(label);
    let l = l.trim();
    let p = text::fold(parent);
    let has = |s: &str| l.contains(s);
    if l.is_empty() {
        return None;
    }
    if p.contains("nam sinh") || p.contains("ngay sinh") {
        if l == "nam" {
            return Some(Field::BirthYearMale);
        }
        if l == "nu" {
            return Some(Field::BirthYearFemale);
        }
    }
    Some(
        if l == "stt" || l == "tt" || l == "so tt" || l == "so thu tu" {
            Field::Stt
        } else if has("ma doi tuong")
            || has("so ho so")
            || has("ma so")
            || has("ma dt")
            || has("ma ho so")
        {
            Field::Code
        } else if has("ho va ten") || has("ho ten") || l == "ten" {
            Field::Name
        } else if has("nam sinh") || has("ngay sinh") {
            Field::BirthYear
        } else if has("cccd") || has("cmnd") || has("can cuoc") || has("dinh danh") {
            Field::IdCard
        } else if has("dia chi")
            || has("thon")
            || has("xom")
            || has("noi o")
            || has("ban") && l.len() <= 8
        {
            Field::Village
        } else if has("dien") || has("loai tro cap") || has("doi tuong") {
            Field::Category
        } else if has("truy linh") {
            Field::Arrears
        } else if has("tong") || l == "cong" || has("thanh tien") {
            Field::Total
        } else if has("hang thang") || has("muc tro cap") || has("tro cap") || has("so tien") {
            Field::Monthly
        } else if has("ky nhan") || has("ky ten") || has("diem chi") {
            Field::Signature
        } else if has("ghi chu") {
            Field::Note
        } else {
            return None;
        },
    )
}

/// Where each field sits, found from the header.
pub(super) struct Layout {
    pub(super) columns: HashMap<Field, usize>,
    /// Allowance columns whose header names a month ("Tháng 12/2026", "Trợ cấp tháng 01/2027"),
    /// with the header row that names it: which field each is depends on the roll's period
    /// ([`Layout::place_months`]).
    pub(super) months: Vec<(Period, usize, usize)>,
    /// First row after the header (and its numbering row).
    pub(super) first_data_row: usize,
    pub(super) header_row: usize,
}

pub(super) fn find_layout(grid: &Grid) -> Option<Layout> {
    for r in 0..grid.rows.len().min(HEADER_SEARCH_ROWS) {
        let row = &grid.rows[r];
        let labels: Vec<Option<Field>> = row.iter().map(|c| field_of(&c.text(), "")).collect();
        let has_name = labels.contains(&Some(Field::Name));
        let has_code = labels.contains(&Some(Field::Code));
        if !(has_name && has_code) {
            continue;
        }
        let mut columns = HashMap::new();
        let mut months = Vec::new();
        // A second header row under merged cells ("Năm sinh" over "Nam" | "Nữ", "Số tiền" over
        // "Trợ cấp hàng tháng" | "Truy lĩnh" | "Tổng cộng").
        let below = grid.rows.get(r + 1);
        let two_rows = below.is_some_and(|b| {
            b.iter().enumerate().any(|(c, cell)| {
                let parent = parent_text(row, c);
                !cell.is_empty()
                    && !is_numbering(&cell.text())
                    && field_of(&cell.text(), &parent).is_some()
            })
        }) && !below.is_some_and(|b| looks_like_data(b));
        let width = row.len().max(below.map_or(0, Vec::len));
        for c in 0..width {
            let top = row.get(c).map(Cell::text).unwrap_or_default();
            let sub = if two_rows {
                below
                    .and_then(|b| b.get(c))
                    .map(Cell::text)
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let parent = if top.is_empty() {
                parent_text(row, c)
            } else {
                top.clone()
            };
            let field = if !sub.is_empty() {
                field_of(&sub, &parent).or_else(|| field_of(&top, ""))
            } else {
                field_of(&top, "")
            };
            let (named, named_row) = if sub.is_empty() {
                (&top, r)
            } else {
                (&sub, r + 1)
            };
            let month = matches!(field, None | Some(Field::Monthly))
                .then(|| month_after_word(&text::fold(named)))
                .flatten();
            if let Some(m) = month {
                months.push((m, named_row, c));
            } else if let Some(f) = field {
                columns.entry(f).or_insert(c);
            }
        }
        let mut first = r + if two_rows { 2 } else { 1 };
        // A numbering row "(1) (2) (3) …" under the header.
        if grid.rows.get(first).is_some_and(|row| {
            let cells: Vec<String> = row
                .iter()
                .filter(|c| !c.is_empty())
                .map(Cell::text)
                .collect();
            cells.len() >= 3 && cells.iter().all(|t| is_numbering(t))
        }) {
            first += 1;
        }
        return Some(Layout {
            columns,
            months,
            first_data_row: first,
            header_row: r,
        });
    }
    None
}

/// The text of the nearest non-empty header cell to the left (the anchor of a merged cell).
fn parent_text(row: &[Cell], col: usize) -> String {
    (0..=col.min(row.len().saturating_sub(1)))
        .rev()
        .map(|c| row[c].text())
        .find(|t| !t.is_empty())
        .unwrap_or_default()
}

fn is_numbering(t: &str) -> bool {
    let t = t.trim();
    let inner = t
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(t);
    let inner = inner.split(['=', '+', '-']).next().unwrap_or(inner).trim();
    !inner.is_empty() && inner.len() <= 3 && inner.chars().all(|c| c.is_ascii_digit())
}

/// A row under the header that holds an amount or a year (a number of four digits or more, as a
/// number or as text, as CSV gives everything) is a person, never a second header row.
fn looks_like_data(row: &[Cell]) -> bool {
    row.iter()
        .filter(|c| match c {
            Cell::Number(n) => *n >= 1000.0,
            Cell::Text(_) => amount_of(c).is_ok_and(|d| d.is_some_and(|d| d.as_i64() >= 1000)),
            Cell::Empty => false,
        })
        .count()
        >= 1
}

/// "THÁNG 12 NĂM 2026" or "tháng 12/2026" in the title block (the first month a title names:
/// "tháng 12/2026 và tháng 01/2027" is December's roll paying January with it).
pub(super) fn title_period(grid: &Grid, before: usize) -> Option<Period> {
    grid.rows[..before]
        .iter()
        .flatten()
        .find_map(|c| month_after_word(&text::fold(&c.text())))
}

/// The month and year after the word "tháng" in folded text: "thang 12/2026", "thang 1 nam 2027".
fn month_after_word(folded: &str) -> Option<Period> {
    let i = folded.find("thang ")?;
    let nums: Vec<u32> = folded[i + 6..]
        .split(|ch: char| !ch.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .take(2)
        .filter_map(|s| s.parse().ok())
        .collect();
    match nums[..] {
        [m, y] if (1900..10_000).contains(&y) => Period::new(y as u16, u8::try_from(m).ok()?),
        _ => None,
    }
}

impl Layout {
    /// Places the columns whose header names a month, now that the roll's period is known: the
    /// roll's month is the monthly allowance, the next month the second month of a roll that pays
    /// two together near Tết. Any other month, or a month named twice, is the header's problem.
    pub(super) fn place_months(&mut self, period: Period, problems: &mut super::Problems<'_>) {
        for (m, row, c) in std::mem::take(&mut self.months) {
            let field = if m == period {
                Field::Monthly
            } else if m == period.next() {
                Field::MonthlyNext
            } else {
                let message = format!(
                    "cột trợ cấp tháng {}: danh sách tháng {} chỉ trả tháng {} (hoặc gộp thêm tháng {} dịp Tết)",
                    m.mm_yyyy(),
                    period.mm_yyyy(),
                    period.mm_yyyy(),
                    period.next().mm_yyyy()
                );
                problems.add(row, Some(c), Some(Field::Monthly), message);
                continue;
            };
            if self.columns.contains_key(&field) {
                let message = format!("hai cột trợ cấp cho tháng {}", m.mm_yyyy());
                problems.add(row, Some(c), Some(field), message);
                continue;
            }
            self.columns.insert(field, c);
        }
    }
}
