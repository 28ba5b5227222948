//! Roll import: the district's Excel and CSV rolls as they come, in any Vietnamese encoding.
//!
//! A roll file is a grid of cells with a title block, a header of one or two rows (columns found
//! by their text, never by position), section rows, subtotal rows, a grand total and the amount in
//! words. Reading it is pure ([`read_roll`]: nothing is written); loading it is one ledger commit
//! ([`Ledger::import_roll`]). A file that does not add up, or has any row that cannot be read, is
//! refused whole, with every problem located by file, sheet, row and column.

mod grid;
mod layout;
mod rows;

use std::fmt;
use std::path::Path;

use serde::Serialize;

use crate::encoding::TextEncoding;
use crate::money::Dong;
use crate::period::Period;
use crate::roll::{Roll, RollError};
use grid::{column_letter, file_name, read_grids};
use layout::{find_layout, title_period, Field};

/// Largest roll file read (a pay point's roll is tens of kilobytes).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Most rows looked at in a sheet.
pub const MAX_ROWS: usize = 200_000;
/// Most columns looked at in a sheet.
pub const MAX_COLS: usize = 64;
/// Most problems listed before the rest are counted only.
const MAX_PROBLEMS: usize = 50;
/// How far down a sheet the header is looked for.
const HEADER_SEARCH_ROWS: usize = 40;

/// One thing wrong with a file, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
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

/// The problems found so far, each located; past [`MAX_PROBLEMS`] only counted.
struct Problems<'a> {
    file: &'a str,
    sheet: Option<&'a str>,
    pub(super) list: Vec<Problem>,
    more: usize,
}

impl Problems<'_> {
    pub(super) fn add(
        &mut self,
        row: usize,
        column: Option<usize>,
        field: Option<Field>,
        message: String,
    ) {
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
    let found = read_grids(path)?.into_iter().find_map(|g| {
        let (grid, encoding, sure) = grid::decoded(g, opts);
        find_layout(&grid).map(|layout| (grid, encoding, sure, layout))
    });
    let Some((grid, encoding, encoding_sure, layout)) = found else {
        return Err(ImportError::Unreadable {
            file,
            reason: "không tìm thấy dòng tiêu đề bảng có cột “Họ và tên” và “Mã đối tượng” (hoặc “Số hồ sơ”, “Mã số”)".into(),
        });
    };
    if let Some(found) = title_period(&grid, layout.header_row) {
        if found != opts.period {
            return Err(ImportError::WrongPeriod {
                file,
                found: found.label_vi(),
                expected: opts.period,
            });
        }
    }
    let mut problems = Problems {
        file: &file,
        sheet: grid.name.as_deref(),
        list: Vec::new(),
        more: 0,
    };
    let mut layout = layout;
    layout.place_months(opts.period, &mut problems);
    missing_columns(&layout, &mut problems);
    let read = rows::read_rows(&grid, &layout, opts, encoding, &mut problems);
    if !problems.list.is_empty() {
        return Err(ImportError::Problems(problems.list, problems.more));
    }
    let mut warnings = Vec::new();
    if !encoding_sure {
        warnings.push(format!(
            "không chắc bảng mã của tệp: đang đọc theo {}; nếu tên hiển thị sai, hãy chọn bảng mã (--encoding)",
            encoding_label(encoding)
        ));
    }
    if layout.columns.contains_key(&Field::MonthlyNext) {
        warnings.push(format!(
            "danh sách chi trả gộp hai tháng (dịp Tết): tháng {} và tháng {}; mỗi người nhận cả hai tháng trong một lần chi",
            opts.period.mm_yyyy(),
            opts.period.next().mm_yyyy()
        ));
    }
    warnings.extend(read.warnings);
    let roll = Roll {
        period: opts.period,
        version: 1,
        entries: read.entries,
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
        stated_total: read.stated_total,
        warnings,
        roll,
    })
}

/// A file without a name, a code or any amount column cannot be a roll.
fn missing_columns(layout: &layout::Layout, problems: &mut Problems<'_>) {
    for f in [Field::Name, Field::Code] {
        if !layout.columns.contains_key(&f) {
            problems.add(
                layout.header_row,
                None,
                Some(f),
                format!("không có cột “{}”", f.label()),
            );
        }
    }
    if !rows::AMOUNT_FIELDS
        .iter()
        .any(|f| layout.columns.contains_key(f))
    {
        problems.add(
            layout.header_row,
            None,
            Some(Field::Monthly),
            "không có cột số tiền (“Trợ cấp hàng tháng”, “Số tiền” hoặc “Tổng cộng”)".into(),
        );
    }
}

impl crate::Ledger {
    /// Reads and checks a roll file for this ledger: refused at once on a device enrolled with a
    /// hub (rolls then come only from the hub), else [`read_roll`]. Writes nothing.
    pub fn preview_roll_file(
        &self,
        path: &Path,
        opts: &ImportOptions,
    ) -> Result<ImportPreview, ImportError> {
        self.roll_files_allowed()?;
        read_roll(path, opts)
    }
}

fn encoding_label(e: TextEncoding) -> &'static str {
    match e {
        TextEncoding::Unicode => "Unicode",
        TextEncoding::Tcvn3 => "TCVN3 (ABC, phông .VnTime)",
        TextEncoding::Vni => "VNI-Windows (phông VNI-Times)",
    }
}

#[cfg(test)]
mod tests {
    use super::grid::{amount_of, column_letter, restore_heading_caps, Cell};
    use super::layout::{field_of, Field};
    use super::rows::restore_name_initials;
    use crate::money::Dong;

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
            amount_of(&Cell::Text("1.624.000".into()))
                .unwrap()
                .unwrap()
                .as_i64(),
            1_624_000
        );
        assert_eq!(
            amount_of(&Cell::Text("1,624,000".into()))
                .unwrap()
                .unwrap()
                .as_i64(),
            1_624_000
        );
        assert_eq!(
            amount_of(&Cell::Number(2_789_000.0))
                .unwrap()
                .unwrap()
                .as_i64(),
            2_789_000
        );
        // Blank is "not stated"; a dash or 0 is a stated zero (issue 11).
        assert_eq!(amount_of(&Cell::Empty).unwrap(), None);
        assert_eq!(amount_of(&Cell::Text("  ".into())).unwrap(), None);
        assert_eq!(
            amount_of(&Cell::Text("-".into())).unwrap(),
            Some(Dong::ZERO)
        );
        assert_eq!(amount_of(&Cell::Number(0.0)).unwrap(), Some(Dong::ZERO));
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
