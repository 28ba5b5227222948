//! The grid: a roll file's sheets as rows of cells, read from .xlsx, .xls, .ods or CSV, and their
//! text decoded from TCVN3 or VNI to Unicode. Nothing here knows what a column means.

use std::collections::HashMap;
use std::path::Path;

use calamine::{Data, Reader};

use super::{EncodingChoice, ImportError, ImportOptions, HEADER_SEARCH_ROWS, MAX_COLS};
use super::{MAX_FILE_BYTES, MAX_ROWS};
use crate::encoding::{self, TextEncoding};
use crate::money::Dong;

/// One cell of a sheet, as read.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Number(f64),
}

impl Cell {
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            Cell::Number(_) => false,
        }
    }

    pub(super) fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
        }
    }
}

/// A sheet: its name and its rows, row 0 being the spreadsheet's row 1.
pub(super) struct Grid {
    pub(super) name: Option<String>,
    pub(super) rows: Vec<Vec<Cell>>,
    /// Font of each text cell, where the reader exposes it (.xlsx): (row, column) → font name.
    pub(super) fonts: HashMap<(usize, usize), String>,
}

impl Grid {
    pub(super) fn cell(&self, row: usize, col: usize) -> &Cell {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .unwrap_or(&Cell::Empty)
    }
}

/// "A", "B", … "Z", "AA" …: the spreadsheet's name of a 0-based column.
pub(super) fn column_letter(mut col: usize) -> String {
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

pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

pub(super) fn read_grids(path: &Path) -> Result<Vec<Grid>, ImportError> {
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
            // calamine can panic on a damaged file (an overflowing cell reference in a sheet's XML,
            // found by `tests/import.rs` `damaged_files_never_panic`): a bad file is refused with
            // a reason, never a crash of the clerk's program.
            std::panic::catch_unwind(|| read_workbook(path, &unreadable)).unwrap_or_else(|_| {
                Err(unreadable(
                    "tệp Excel bị hỏng, không đọc được: mở và lưu lại bằng Excel, hoặc xin tệp khác"
                        .to_string(),
                ))
            })
        }
        _ => Err(unreadable(
            "chỉ nhận tệp .xlsx, .xls, .ods hoặc .csv".to_string(),
        )),
    }
}

/// Every sheet of the workbook at `path`, as grids.
fn read_workbook(
    path: &Path,
    unreadable: &dyn Fn(String) -> ImportError,
) -> Result<Vec<Grid>, ImportError> {
    let mut wb = calamine::open_workbook_auto(path)
        .map_err(|e| unreadable(format!("không phải tệp Excel đọc được ({e})")))?;
    let mut grids = Vec::new();
    for name in wb.sheet_names().to_vec() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| unreadable(format!("trang “{name}”: {e}")))?;
        // Fonts say which legacy encoding a cell was typed in (.VnTime, VNI-Times) and whether it
        // was a TCVN3 heading font (capitals). Only .xlsx exposes them.
        let styles = wb.worksheet_style(&name).ok();
        grids.push(grid_of_range(Some(name), &range, styles.as_ref()));
    }
    Ok(grids)
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

/// Reads an amount cell: a number, or text like "1.624.000" / "1,624,000". An empty cell is
/// `None`, "not stated": offices leave the part columns of their total rows blank and state only
/// "Tổng cộng", so a blank must never be read as 0 (issue 11). A "-" or a 0 is a stated zero.
pub(super) fn amount_of(cell: &Cell) -> Result<Option<Dong>, String> {
    match cell {
        Cell::Empty => Ok(None),
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
            Dong::new(*n as i64).map(Some).map_err(|e| e.to_string())
        }
        Cell::Text(s) => {
            let t = s.trim();
            if t.is_empty() {
                return Ok(None);
            }
            if t == "-" {
                return Ok(Some(Dong::ZERO));
            }
            let d: Dong = t
                .parse()
                .map_err(|e: crate::money::MoneyError| e.to_string())?;
            if d.is_negative() {
                return Err(format!("số tiền âm ({t})"));
            }
            Ok(Some(d))
        }
    }
}

/// Upper-case a cell that was typed in a TCVN3 heading font: its accented letters came back in
/// lower case while its plain letters are capitals ("NGUYễN" → "NGUYỄN"). A cell counts as typed
/// in capitals when a word has two or more capital ASCII letters and no small ASCII letter.
pub(super) fn restore_heading_caps(s: &str) -> String {
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

/// A sheet's text decoded to Unicode in the chosen or detected encoding, with the encoding used
/// and whether it is sure. The sheet's name is decoded too: a workbook typed in TCVN3 names its
/// sheet in TCVN3 ("Th¸ng 12"), and the clerk must read "Tháng 12" in an error.
pub(super) fn decoded(grid: Grid, opts: &ImportOptions) -> (Grid, TextEncoding, bool) {
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
        name: grid.name.map(|n| encoding::decode(&n, enc)),
        rows,
        fonts,
    };
    (grid, enc, sure)
}
