//! Roll import: the district's Excel and CSV rolls as they come, in any Vietnamese encoding.
//!
//! A roll file is a grid of cells with a title block, a header of one or two rows (columns found
//! by their text, never by position), section rows, subtotal rows, a grand total and the amount in
//! words. Reading it is pure ([`read_roll`]: nothing is written); loading it is one ledger commit
//! ([`Ledger::import_roll`]). A file that does not add up, or has any row that cannot be read, is
//! refused whole, with every problem located by file, sheet, row and column.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use calamine::{Data, Reader};
use serde::Serialize;

use crate::encoding::{self, TextEncoding};
use crate::money::Dong;
use crate::period::Period;
use crate::roll::{BeneficiaryCode, LineKind, Roll, RollEntry, RollError, RollLine, Sex};
use crate::text;

/// Largest roll file read (a pay point's roll is tens of kilobytes).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Most rows and columns looked at in a sheet.
pub const MAX_ROWS: usize = 200_000;
/// Most columns looked at in a sheet.
pub const MAX_COLS: usize = 64;
/// Most problems listed before the rest are counted only.
const MAX_PROBLEMS: usize = 50;
/// How far down a sheet the header is looked for.
const HEADER_SEARCH_ROWS: usize = 40;

/// One thing wrong with a file, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// File name (without its folder).
    pub file: String,
    /// Sheet name, for workbooks.
    pub sheet: Option<String>,
    /// Row number as the spreadsheet shows it (1-based).
    pub row: Option<usize>,
    /// Column letter as the spreadsheet shows it (A, B, … AA).
    pub column: Option<String>,
    /// The column's meaning ("Số tiền", "Họ và tên" …).
    pub field: Option<String>,
    /// What is wrong, in Vietnamese.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "tệp “{}”", self.file)?;
        if let Some(s) = &self.sheet {
            write!(f, ", trang “{s}”")?;
        }
        if let Some(r) = self.row {
            write!(f, ", dòng {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, ", cột {c}")?;
        }
        if let Some(field) = &self.field {
            write!(f, " ({field})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why a roll file was refused. Nothing is written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be opened or is not a spreadsheet we read.
    #[error("không đọc được tệp “{file}”: {reason}")]
    Unreadable {
        /// File name.
        file: String,
        /// Why.
        reason: String,
    },
    /// One or more located problems.
    #[error("{}", list_problems(.0, *.1))]
    Problems(Vec<Problem>, usize),
    /// The roll is for another month than the one being loaded.
    #[error("tệp “{file}” là danh sách {found}, không phải kỳ {expected} đang nạp")]
    WrongPeriod {
        /// File name.
        file: String,
        /// The month in the file's title ("tháng 11 năm 2026").
        found: String,
        /// The period asked for.
        expected: Period,
    },
    /// The ledger refused the roll.
    #[error(transparent)]
    Roll(#[from] RollError),
}

impl ImportError {
    /// The located problems, if that is what this is.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ImportError::Problems(p, _) => p,
            _ => &[],
        }
    }
}

fn list_problems(problems: &[Problem], more: usize) -> String {
    let mut s = format!(
        "danh sách bị từ chối, không nạp gì ({} lỗi):",
        problems.len() + more
    );
    for p in problems {
        s.push_str("\n  - ");
        s.push_str(&p.to_string());
    }
    if more > 0 {
        s.push_str(&format!("\n  … và {more} lỗi khác"));
    }
    s
}

/// How to read the text of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    /// Detect it from the text.
    #[default]
    Auto,
    /// The clerk says which.
    Force(TextEncoding),
}

/// What the clerk asks to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The period the roll is for.
    pub period: Period,
    /// Encoding of the text.
    pub encoding: EncodingChoice,
}

/// What a file holds, read and checked, ready to load: the preview the clerk confirms.
#[derive(Debug, Clone, Serialize)]
pub struct ImportPreview {
    /// File name.
    pub file: String,
    /// Sheet read (workbooks).
    pub sheet: Option<String>,
    /// Row of the (first) header row.
    pub header_row: usize,
    /// Text encoding used.
    pub encoding: TextEncoding,
    /// True when the encoding was detected with confidence or forced.
    pub encoding_sure: bool,
    /// People.
    pub beneficiaries: usize,
    /// Lines.
    pub lines: usize,
    /// Sum of all lines.
    pub total: Dong,
    /// The grand total the file states, when it has one (equal to `total`, or it was refused).
    pub stated_total: Option<Dong>,
    /// Things the clerk should know that do not stop the import.
    pub warnings: Vec<String>,
    /// The roll itself.
    #[serde(skip)]
    pub roll: Roll,
}

/// One cell of a sheet, as read.
#[derive(Debug, Clone, PartialEq)]
enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            Cell::Number(_) => false,
        }
    }

    fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
        }
    }
}

/// A sheet: its name and its rows, row 0 being the spreadsheet's row 1.
struct Grid {
    name: Option<String>,
    rows: Vec<Vec<Cell>>,
    /// Font of each text cell, where the reader exposes it (.xlsx): (row, column) → font name.
    fonts: HashMap<(usize, usize), String>,
}

impl Grid {
    fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
    }
}

/// "A", "B", … "Z", "AA" …: the spreadsheet's name of a 0-based column.
fn column_letter(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).expect("ASCII")
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn read_grids(path: &Path) -> Result<Vec<Grid>, ImportError> {
    let file = file_name(path);
    let unreadable = |reason: String| ImportError::Unreadable {
        file: file.clone(),
        reason,
    };
    let meta = std::fs::metadata(path).map_err(|e| unreadable(e.to_string()))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(unreadable(format!(
            "tệp lớn {} MB, quá giới hạn {} MB",
            meta.len() / 1_048_576,
            MAX_FILE_BYTES / 1_048_576
        )));
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "csv" | "txt" => {
            let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
            Ok(vec![read_csv(&bytes)])
        }
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => {
            let mut wb = calamine::open_workbook_auto(path)
                .map_err(|e| unreadable(format!("không phải tệp Excel đọc được ({e})")))?;
            let mut grids = Vec::new();
            for name in wb.sheet_names().to_vec() {
                let range = wb
                    .worksheet_range(&name)
                    .map_err(|e| unreadable(format!("trang “{name}”: {e}")))?;
                // Fonts say which legacy encoding a cell was typed in (.VnTime, VNI-Times) and
                // whether it was a TCVN3 heading font (capitals). Only .xlsx exposes them.
                let styles = wb.worksheet_style(&name).ok();
                grids.push(grid_of_range(Some(name), &range, styles.as_ref()));
            }
            Ok(grids)
        }
        _ => Err(unreadable(
            "chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv".to_string(),
        )),
    }
}

fn grid_of_range(
    name: Option<String>,
    range: &calamine::Range<Data>,
    styles: Option<&calamine::StyleRange>,
) -> Grid {
    let mut rows: Vec<Vec<Cell>> = Vec::new();
    let mut fonts = HashMap::new();
    let Some((r0, c0)) = range.start() else {
        return Grid { name, rows, fonts };
    };
    let (r0, c0) = (r0 as usize, c0 as usize);
    for (i, row) in range.rows().enumerate().take(MAX_ROWS) {
        let mut cells = vec![Cell::Empty; c0];
        for d in row.iter().take(MAX_COLS.saturating_sub(c0)) {
            cells.push(match d {
                Data::Empty | Data::Error(_) => Cell::Empty,
                Data::String(s) => Cell::Text(s.clone()),
                Data::Float(f) => Cell::Number(*f),
                Data::Int(n) => Cell::Number(*n as f64),
                Data::Bool(b) => Cell::Text(b.to_string()),
                // A birth date typed as a date: Excel's serial day count from 30/12/1899.
                Data::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                    .and_then(|epoch| {
                        epoch.checked_add_signed(chrono::Duration::days(dt.as_f64() as i64))
                    })
                    .map(|d| Cell::Text(d.format("%d/%m/%Y").to_string()))
                    .unwrap_or(Cell::Number(dt.as_f64())),
                Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
            });
        }
        let at = r0 + i;
        if let Some(styles) = styles {
            for (c, cell) in cells.iter().enumerate() {
                if matches!(cell, Cell::Text(_)) {
                    let font = styles
                        .get((at as u32, c as u32))
                        .and_then(|st| st.font.as_ref())
                        .and_then(|f| f.name.clone());
                    if let Some(font) = font {
                        fonts.insert((at, c), font);
                    }
                }
            }
        }
        if rows.len() < at {
            rows.resize_with(at, Vec::new);
        }
        rows.push(cells);
    }
    Grid { name, rows, fonts }
}

fn read_csv(bytes: &[u8]) -> Grid {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Not UTF-8: a legacy file saved by Excel as "CSV" in the Windows code page. Read its bytes
    // as Windows-1252 characters, which is also how the legacy decoders expect them.
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    };
    let parse = |delimiter: u8| -> Vec<Vec<Cell>> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        rdr.records()
            .take(MAX_ROWS)
            .map(|r| match r {
                Ok(rec) => rec
                    .iter()
                    .take(MAX_COLS)
                    .map(|s| {
                        if s.trim().is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(s.to_string())
                        }
                    })
                    .collect(),
                Err(_) => Vec::new(),
            })
            .collect()
    };
    // Comma or semicolon: the one that splits the header into more columns wins.
    let comma = parse(b',');
    let semi = parse(b';');
    let width = |rows: &[Vec<Cell>]| {
        rows.iter()
            .take(HEADER_SEARCH_ROWS)
            .map(|r| r.iter().filter(|c| !c.is_empty()).count())
            .max()
            .unwrap_or(0)
    };
    let rows = if width(&semi) > width(&comma) {
        semi
    } else {
        comma
    };
    Grid {
        name: None,
        rows,
        fonts: HashMap::new(),
    }
}

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
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
    Arrears,
    Total,
    Signature,
    Note,
}

impl Field {
    fn label(self) -> &'static str {
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
            Field::Arrears => "Truy lĩnh",
            Field::Total => "Tổng cộng",
            Field::Signature => "Ký nhận",
            Field::Note => "Ghi chú",
        }
    }
}

/// The field a header text names, given the text of the header cell above it (two-row headers).
fn field_of(label: &str, parent: &str) -> Option<Field> {
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
struct Layout {
    columns: HashMap<Field, usize>,
    /// First row after the header (and its numbering row).
    first_data_row: usize,
    header_row: usize,
}

fn find_layout(grid: &Grid) -> Option<Layout> {
    for r in 0..grid.rows.len().min(HEADER_SEARCH_ROWS) {
        let row = &grid.rows[r];
        let labels: Vec<Option<Field>> = row.iter().map(|c| field_of(&c.text(), "")).collect();
        let has_name = labels.contains(&Some(Field::Name));
        let has_code = labels.contains(&Some(Field::Code));
        if !(has_name && has_code) {
            continue;
        }
        let mut columns = HashMap::new();
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
            if let Some(f) = field {
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
            Cell::Text(_) => amount_of(c).is_ok_and(|d| d.as_i64() >= 1000),
            Cell::Empty => false,
        })
        .count()
        >= 1
}

/// "THÁNG 12 NĂM 2026" or "tháng 12/2026" in the title block.
fn title_period(grid: &Grid, before: usize) -> Option<Period> {
    for r in 0..before {
        for c in &grid.rows[r] {
            let t = text::fold(&c.text());
            if let Some(i) = t.find("thang ") {
                let rest = &t[i + 6..];
                let nums: Vec<u32> = rest
                    .split(|ch: char| !ch.is_ascii_digit())
                    .filter(|s| !s.is_empty())
                    .take(2)
                    .filter_map(|s| s.parse().ok())
                    .collect();
                if let [m, y] = nums[..] {
                    if let Some(p) =
                        Period::new(y as u16, m as u8).filter(|_| (1900..10_000).contains(&y))
                    {
                        return Some(p);
                    }
                }
            }
        }
    }
    None
}

/// Reads an amount cell: a number, or text like "1.624.000" / "1,624,000". Empty is zero.
fn amount_of(cell: &Cell) -> Result<Dong, String> {
    match cell {
        Cell::Empty => Ok(Dong::ZERO),
        Cell::Number(n) => {
            if !n.is_finite() || n.fract() != 0.0 {
                return Err(format!(
                    "số tiền {n} có phần lẻ; tiền đồng phải là số nguyên"
                ));
            }
            if *n < 0.0 {
                return Err(format!("số tiền âm ({n})"));
            }
            if *n > 1e15 {
                return Err(format!("số tiền {n} quá lớn"));
            }
            Dong::new(*n as i64).map_err(|e| e.to_string())
        }
        Cell::Text(s) => {
            let t = s.trim();
            if t.is_empty() || t == "-" {
                return Ok(Dong::ZERO);
            }
            let d: Dong = t
                .parse()
                .map_err(|e: crate::money::MoneyError| e.to_string())?;
            if d.is_negative() {
                return Err(format!("số tiền âm ({t})"));
            }
            Ok(d)
        }
    }
}

fn year_of(cell: &Cell) -> Result<Option<u16>, String> {
    let t = cell.text();
    if t.is_empty() {
        return Ok(None);
    }
    // "1948", "15/03/1948", "1948.0".
    let digits: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| s.len() == 4)
        .collect();
    match digits.last().and_then(|s| s.parse::<u16>().ok()) {
        Some(y) if (1880..=2100).contains(&y) => Ok(Some(y)),
        _ => Err(format!("năm sinh “{t}” không đọc được")),
    }
}

fn is_roman(t: &str) -> bool {
    let t = t.trim().trim_end_matches('.');
    !t.is_empty() && t.len() <= 6 && t.chars().all(|c| "IVXLivxl".contains(c))
}

/// Upper-case a cell that was typed in a TCVN3 heading font: its accented letters came back in
/// lower case while its plain letters are capitals ("NGUYễN" → "NGUYỄN"). A cell counts as typed
/// in capitals when a word has two or more capital ASCII letters and no small ASCII letter.
fn restore_heading_caps(s: &str) -> String {
    let caps_typed = s.split_whitespace().any(|w| {
        w.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2
            && !w.chars().any(|c| c.is_ascii_lowercase())
    });
    let has_small_accented = s.chars().any(|c| c.is_lowercase() && !c.is_ascii());
    if caps_typed && has_small_accented && !s.chars().any(|c| c.is_ascii_lowercase()) {
        s.to_uppercase()
    } else {
        s.to_string()
    }
}

/// Capitalises the first letter of each word of a TCVN3 name whose other words are capitalised:
/// the base font has no accented capitals, so "Ánh" was typed as "ánh". Every word of a
/// Vietnamese name starts with a capital.
fn restore_name_initials(name: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()));
    if words.len() < 2 || !capitalised {
        return name.to_string();
    }
    words
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

struct Running {
    monthly: Dong,
    arrears: Dong,
    total: Dong,
}

impl Running {
    fn zero() -> Running {
        Running {
            monthly: Dong::ZERO,
            arrears: Dong::ZERO,
            total: Dong::ZERO,
        }
    }

    /// Adds a row. Amounts are bounded by the file's size, far below the range of `Dong`, so a
    /// saturating sum is exact here.
    fn add(&mut self, monthly: Dong, arrears: Dong) {
        let plus = |a: Dong, b: Dong| a.checked_add(b).unwrap_or(a);
        self.monthly = plus(self.monthly, monthly);
        self.arrears = plus(self.arrears, arrears);
        self.total = plus(self.total, plus(monthly, arrears));
    }
}

/// The problems found so far, each located; past [`MAX_PROBLEMS`] only counted.
struct Problems<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    list: Vec<Problem>,
    more: usize,
}

impl Problems<'_> {
    fn add(&mut self, row: usize, column: Option<usize>, field: Option<Field>, message: String) {
        if self.list.len() >= MAX_PROBLEMS {
            self.more += 1;
            return;
        }
        self.list.push(Problem {
            file: self.file.to_string(),
            sheet: self.sheet.map(str::to_string),
            row: Some(row + 1),
            column: column.map(column_letter),
            field: field.map(|f| f.label().to_string()),
            message,
        });
    }
}

/// Reads and checks a roll file. Writes nothing.
pub fn read_roll(path: &Path, opts: &ImportOptions) -> Result<ImportPreview, ImportError> {
    let file = file_name(path);
    let grids = read_grids(path)?;
    let Some((grid, layout)) = grids.into_iter().find_map(|g| find_layout_decoded(g, opts)) else {
        return Err(ImportError::Unreadable {
            file,
            reason: "không tìm thấy dòng tiêu đề bảng có cột “Họ và tên” và “Mã đối tượng” (hoặc “Số hồ sơ”, “Mã số”)".into(),
        });
    };
    let (grid, encoding, encoding_sure) = grid;
    let mut warnings = Vec::new();
    if !encoding_sure {
        warnings.push(format!(
            "không chắc bảng mã của tệp: đang đọc theo {}; nếu tên hiển thị sai, hãy chọn bảng mã (--encoding)",
            encoding_label(encoding)
        ));
    }
    if let Some(found) = title_period(&grid, layout.header_row) {
        if found != opts.period {
            return Err(ImportError::WrongPeriod {
                file,
                found: found.label_vi(),
                expected: opts.period,
            });
        }
    }
    let col = |f: Field| layout.columns.get(&f).copied();
    let mut problems = Problems {
        file: &file,
        sheet: grid.name.as_deref(),
        list: Vec::new(),
        more: 0,
    };
    for f in [Field::Name, Field::Code] {
        if col(f).is_none() {
            problems.add(
                layout.header_row,
                None,
                Some(f),
                format!("không có cột “{}”", f.label()),
            );
        }
    }
    let amount_cols: Vec<Field> = [Field::Monthly, Field::Arrears, Field::Total]
        .into_iter()
        .filter(|f| col(*f).is_some())
        .collect();
    if amount_cols.is_empty() {
        problems.add(
            layout.header_row,
            None,
            Some(Field::Monthly),
            "không có cột số tiền (“Trợ cấp hàng tháng”, “Số tiền” hoặc “Tổng cộng”)".into(),
        );
    }

    let mut entries: Vec<RollEntry> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut section = Running::zero();
    let mut all = Running::zero();
    let mut section_name = String::new();
    let mut stated_total = None;
    let mut saw_subtotal_or_total = false;
    let text_at = |r: usize, f: Field| col(f).map(|c| grid.cell(r, c).text()).unwrap_or_default();

    for r in layout.first_data_row..grid.rows.len() {
        let row = &grid.rows[r];
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let first_text = row
            .iter()
            .find(|c| !c.is_empty())
            .map(Cell::text)
            .unwrap_or_default();
        let first_folded = text::fold(&first_text);
        if first_folded.starts_with("bang chu") {
            let stated = first_text.split_once(':').map(|x| x.1).unwrap_or("").trim();
            if let Some(total) = stated_total {
                let expected: Dong = total;
                if !stated.is_empty()
                    && text::fold(stated).trim_end_matches('.') != text::fold(&expected.in_words())
                {
                    warnings.push(format!(
                        "dòng {}: số tiền bằng chữ “{stated}” khác cách đọc của tổng {} đ (“{}”)",
                        r + 1,
                        expected,
                        expected.in_words()
                    ));
                }
            }
            break;
        }
        let name_text = text_at(r, Field::Name);
        let stt_text = text_at(r, Field::Stt);
        let label = text::fold(if stt_text.is_empty() {
            &name_text
        } else {
            &stt_text
        });
        let label_name = text::fold(&name_text);
        let code_text = text_at(r, Field::Code);
        // Amounts of the row, each checked.
        let mut amounts: HashMap<Field, Dong> = HashMap::new();
        let mut bad_amount = false;
        for f in &amount_cols {
            let c = col(*f).expect("filtered");
            match amount_of(grid.cell(r, c)) {
                Ok(d) => {
                    amounts.insert(*f, d);
                }
                Err(m) => {
                    problems.add(r, Some(c), Some(*f), m);
                    bad_amount = true;
                }
            }
        }
        let get = |amounts: &HashMap<Field, Dong>, f: Field| {
            amounts.get(&f).copied().unwrap_or(Dong::ZERO)
        };
        let is_grand = label.starts_with("tong cong")
            || label_name.starts_with("tong cong")
            || label_name == "tong";
        let is_sub = !is_grand && (label.starts_with("cong") || label_name.starts_with("cong"));
        if is_grand || is_sub {
            saw_subtotal_or_total = true;
            let against = if is_grand { &all } else { &section };
            for f in &amount_cols {
                let expected = match f {
                    Field::Monthly => against.monthly,
                    Field::Arrears => against.arrears,
                    _ => against.total,
                };
                let stated = get(&amounts, *f);
                if !bad_amount && stated != expected {
                    problems.add(
                        r,
                        col(*f),
                        Some(*f),
                        format!(
                            "{} ghi {} đ nhưng cộng các dòng {} là {} đ",
                            if is_grand {
                                "dòng TỔNG CỘNG".to_string()
                            } else {
                                format!("dòng “{}”", first_text)
                            },
                            stated,
                            if is_grand {
                                "của cả danh sách".to_string()
                            } else if section_name.is_empty() {
                                "phía trên".to_string()
                            } else {
                                format!("của mục “{section_name}”")
                            },
                            expected
                        ),
                    );
                }
            }
            if is_grand {
                stated_total = Some(if amount_cols.contains(&Field::Total) {
                    get(&amounts, Field::Total)
                } else {
                    get(&amounts, Field::Monthly)
                        .checked_add(get(&amounts, Field::Arrears))
                        .unwrap_or(Dong::ZERO)
                });
            } else {
                section = Running::zero();
            }
            continue;
        }
        let has_amount = amounts.values().any(|d| d.is_positive());
        // A section row: "I | THƯƠNG BINH", no code and no amount.
        if code_text.is_empty()
            && !has_amount
            && !bad_amount
            && (is_roman(&stt_text) || !name_text.is_empty() || !first_text.is_empty())
        {
            section = Running::zero();
            section_name = if name_text.is_empty() {
                first_text.clone()
            } else {
                name_text.clone()
            };
            continue;
        }
        // A data row.
        let mut ok = !bad_amount;
        let name = text::clean(&name_text);
        let name = if encoding == TextEncoding::Tcvn3 {
            restore_name_initials(&name)
        } else {
            name
        };
        if name.is_empty() {
            problems.add(
                r,
                col(Field::Name),
                Some(Field::Name),
                "thiếu họ tên".into(),
            );
            ok = false;
        }
        let code = BeneficiaryCode::new(&code_text);
        if code.is_none() {
            problems.add(
                r,
                col(Field::Code),
                Some(Field::Code),
                if code_text.is_empty() {
                    "thiếu mã đối tượng".into()
                } else {
                    format!("mã đối tượng “{code_text}” không hợp lệ")
                },
            );
            ok = false;
        }
        if let Some(c) = &code {
            if let Some(first) = seen.insert(c.to_string(), r + 1) {
                problems.add(
                    r,
                    col(Field::Code),
                    Some(Field::Code),
                    format!("mã “{c}” trùng với dòng {first}"),
                );
                ok = false;
            }
        }
        let monthly_cell = get(&amounts, Field::Monthly);
        let arrears = get(&amounts, Field::Arrears);
        let monthly = if amount_cols.contains(&Field::Monthly) {
            monthly_cell
        } else {
            // Only a total column: what is not arrears is the month's allowance.
            match get(&amounts, Field::Total).checked_sub(arrears) {
                Ok(d) if !d.is_negative() => d,
                _ => {
                    problems.add(
                        r,
                        col(Field::Total),
                        Some(Field::Total),
                        "tổng cộng nhỏ hơn truy lĩnh".into(),
                    );
                    ok = false;
                    Dong::ZERO
                }
            }
        };
        let row_total = monthly.checked_add(arrears).unwrap_or(Dong::ZERO);
        if amount_cols.contains(&Field::Total)
            && amount_cols.contains(&Field::Monthly)
            && !bad_amount
        {
            let stated = get(&amounts, Field::Total);
            if stated != row_total {
                problems.add(
                    r,
                    col(Field::Total),
                    Some(Field::Total),
                    format!("tổng cộng ghi {stated} đ nhưng trợ cấp {monthly} đ + truy lĩnh {arrears} đ = {row_total} đ"),
                );
                ok = false;
            }
        }
        if !row_total.is_positive() && !bad_amount {
            problems.add(
                r,
                amount_cols.first().and_then(|f| col(*f)),
                amount_cols.first().copied(),
                "không có khoản tiền nào".into(),
            );
            ok = false;
        }
        // Birth year: one column, or the year written in the column of the person's sex.
        let (mut birth_year, mut sex) = (None, None);
        for (f, s) in [
            (Field::BirthYearMale, Some(Sex::M)),
            (Field::BirthYearFemale, Some(Sex::F)),
            (Field::BirthYear, None),
        ] {
            if let Some(c) = col(f) {
                match year_of(grid.cell(r, c)) {
                    Ok(Some(y)) if birth_year.is_none() => {
                        birth_year = Some(y);
                        sex = s;
                    }
                    Ok(_) => {}
                    Err(m) => {
                        problems.add(r, Some(c), Some(f), m);
                        ok = false;
                    }
                }
            }
        }
        section.add(monthly, arrears);
        all.add(monthly, arrears);
        if !ok {
            continue;
        }
        let note = text::clean(&text_at(r, Field::Note));
        let folded_note = text::fold(&note);
        let category = {
            let c = text::clean(&text_at(r, Field::Category));
            if c.is_empty() {
                text::clean(&section_name)
            } else {
                c
            }
        };
        let mut lines = Vec::new();
        if monthly.is_positive() {
            lines.push(RollLine {
                kind: LineKind::Monthly,
                amount: monthly,
                covers_from: opts.period,
                covers_to: opts.period,
                note: String::new(),
            });
        }
        if arrears.is_positive() {
            lines.push(RollLine {
                kind: LineKind::Arrears,
                amount: arrears,
                // The months an arrears line covers are in the district's decision, not the roll.
                covers_from: opts.period,
                covers_to: opts.period,
                note: String::new(),
            });
        }
        let id_card = text::clean(&text_at(r, Field::IdCard));
        entries.push(RollEntry {
            code: code.expect("checked above"),
            name,
            birth_year,
            sex,
            village: text::clean(&text_at(r, Field::Village)),
            id_card: (!id_card.is_empty()).then_some(id_card),
            category,
            home_delivery: folded_note.contains("tai nha"),
            proxy: None,
            note,
            lines,
        });
    }
    if stated_total.is_none() {
        warnings.push(if saw_subtotal_or_total {
            "tệp không có dòng TỔNG CỘNG; đã đối chiếu các dòng cộng mục".to_string()
        } else {
            "tệp không có dòng TỔNG CỘNG để đối chiếu; hãy so tổng dưới đây với văn bản của huyện"
                .to_string()
        });
    }
    if entries.is_empty() && problems.list.is_empty() {
        problems.add(
            layout.first_data_row,
            None,
            None,
            "không có dòng đối tượng nào dưới tiêu đề".into(),
        );
    }
    if !problems.list.is_empty() {
        return Err(ImportError::Problems(problems.list, problems.more));
    }
    let roll = Roll {
        period: opts.period,
        version: 1,
        entries,
    };
    roll.validate()?;
    let total = roll.total().map_err(RollError::from)?;
    Ok(ImportPreview {
        file,
        sheet: grid.name.clone(),
        header_row: layout.header_row + 1,
        encoding,
        encoding_sure,
        beneficiaries: roll.entries.len(),
        lines: roll.entries.iter().map(|e| e.lines.len()).sum(),
        total,
        stated_total,
        warnings,
        roll,
    })
}

fn encoding_label(e: TextEncoding) -> &'static str {
    match e {
        TextEncoding::Unicode => "Unicode",
        TextEncoding::Tcvn3 => "TCVN3 (ABC, phông .VnTime)",
        TextEncoding::Vni => "VNI-Windows (phông VNI-Times)",
    }
}

/// Decodes a sheet's text in the chosen or detected encoding, then looks for its header.
fn find_layout_decoded(
    grid: Grid,
    opts: &ImportOptions,
) -> Option<((Grid, TextEncoding, bool), Layout)> {
    let samples: Vec<String> = grid
        .rows
        .iter()
        .flatten()
        .filter_map(|c| match c {
            Cell::Text(s) if !s.trim().is_empty() => Some(s.clone()),
            _ => None,
        })
        .collect();
    // The fonts of the cells are evidence too: a sheet typed in .VnTime is TCVN3 whatever the
    // letters look like.
    let font_votes = |e: TextEncoding| {
        grid.fonts
            .values()
            .filter(|f| encoding::encoding_of_font(f) == Some(e))
            .count()
    };
    let by_font = [TextEncoding::Tcvn3, TextEncoding::Vni]
        .into_iter()
        .map(|e| (e, font_votes(e)))
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n * 2 > grid.fonts.len().max(1))
        .map(|(e, _)| e);
    let (enc, sure) = match (opts.encoding, by_font) {
        (EncodingChoice::Force(e), _) => (e, true),
        (EncodingChoice::Auto, Some(e)) => (e, true),
        (EncodingChoice::Auto, None) => {
            let d = encoding::detect(samples.iter().map(String::as_str));
            (d.encoding, d.sure)
        }
    };
    let forced = matches!(opts.encoding, EncodingChoice::Force(_));
    let fonts = grid.fonts;
    let rows = grid
        .rows
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            row.into_iter()
                .enumerate()
                .map(|(c, cell)| match cell {
                    Cell::Text(s) => {
                        let font = fonts.get(&(r, c)).map(String::as_str);
                        let d = match font {
                            // The clerk's choice wins over the font; a heading font still
                            // means capitals.
                            Some(f) if forced => {
                                let d = encoding::decode(&s, enc);
                                if enc == TextEncoding::Tcvn3 && encoding::is_heading_font(f) {
                                    d.to_uppercase()
                                } else {
                                    d
                                }
                            }
                            Some(f) => encoding::decode_with_font(&s, Some(f), enc),
                            None => encoding::decode(&s, enc),
                        };
                        // Without a font to say so, capitals typed with a heading font are
                        // recognised from the cell itself.
                        let tcvn3 = font.and_then(encoding::encoding_of_font).unwrap_or(enc)
                            == TextEncoding::Tcvn3;
                        Cell::Text(
                            if tcvn3 && font.is_none_or(|f| !encoding::is_heading_font(f)) {
                                restore_heading_caps(&d)
                            } else {
                                d
                            },
                        )
                    }
                    other => other,
                })
                .collect()
        })
        .collect();
    let grid = Grid {
        name: grid.name,
        rows,
        fonts,
    };
    let layout = find_layout(&grid)?;
    Some(((grid, enc, sure), layout))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_lettered_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn headers_are_found_by_their_words() {
        assert_eq!(field_of("Họ và tên", ""), Some(Field::Name));
        assert_eq!(field_of("HỌ VÀ TÊN", ""), Some(Field::Name));
        assert_eq!(field_of("Mã đối tượng", ""), Some(Field::Code));
        assert_eq!(field_of("Số hồ sơ", ""), Some(Field::Code));
        assert_eq!(field_of("Diện đối tượng", ""), Some(Field::Category));
        assert_eq!(field_of("Thôn/xóm", ""), Some(Field::Village));
        assert_eq!(field_of("Nam", "Năm sinh"), Some(Field::BirthYearMale));
        assert_eq!(field_of("Nữ", "Năm sinh"), Some(Field::BirthYearFemale));
        assert_eq!(
            field_of("Trợ cấp hàng tháng", "Số tiền (đồng)"),
            Some(Field::Monthly)
        );
        assert_eq!(
            field_of("Truy lĩnh", "Số tiền (đồng)"),
            Some(Field::Arrears)
        );
        assert_eq!(field_of("Tổng cộng", "Số tiền (đồng)"), Some(Field::Total));
        assert_eq!(field_of("Ký nhận", ""), Some(Field::Signature));
        assert_eq!(field_of("Ghi chú", ""), Some(Field::Note));
        assert_eq!(field_of("STT", ""), Some(Field::Stt));
    }

    #[test]
    fn amounts_are_read_or_refused() {
        assert_eq!(
            amount_of(&Cell::Text("1.624.000".into())).unwrap().as_i64(),
            1_624_000
        );
        assert_eq!(
            amount_of(&Cell::Text("1,624,000".into())).unwrap().as_i64(),
            1_624_000
        );
        assert_eq!(
            amount_of(&Cell::Number(2_789_000.0)).unwrap().as_i64(),
            2_789_000
        );
        assert_eq!(amount_of(&Cell::Empty).unwrap(), Dong::ZERO);
        assert!(amount_of(&Cell::Number(-5.0)).is_err());
        assert!(amount_of(&Cell::Number(1.5)).is_err());
        assert!(amount_of(&Cell::Text("-1.000".into())).is_err());
        assert!(amount_of(&Cell::Text("abc".into())).is_err());
    }

    #[test]
    fn heading_font_capitals_are_restored() {
        assert_eq!(restore_heading_caps("NGUYễN THị HƯờNG"), "NGUYỄN THỊ HƯỜNG");
        assert_eq!(restore_heading_caps("Nguyễn Thị Hường"), "Nguyễn Thị Hường");
        assert_eq!(restore_heading_caps("Lê Văn An"), "Lê Văn An");
        assert_eq!(restore_heading_caps("TRầN THị Lê"), "TRẦN THỊ LÊ");
        assert_eq!(restore_name_initials("Lê Thị Ngọc ánh"), "Lê Thị Ngọc Ánh");
        assert_eq!(restore_name_initials("Bùi ứng ước"), "Bùi Ứng Ước");
        assert_eq!(restore_name_initials("ánh"), "ánh");
    }
}
