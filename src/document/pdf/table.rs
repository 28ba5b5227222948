//! Tables: their columns, rows and totals, measuring the rows, and deciding which rows go on which
//! page. Apart from `Doc`, which draws what is decided here, so that the planning reads on its own.

use super::font::{line_height, prepare, wrap, Face};
use super::page::Align;
use crate::money::Dong;

/// Text size inside tables.
pub(crate) const CELL: f32 = 11.0;
/// Space between a cell's border and its text.
pub(super) const PAD: f32 = 1.2;
/// Height of a total row ("Cộng trang", "TỔNG CỘNG").
pub(super) const TOTAL_ROW: f32 = 7.5;

/// A column of a table.
#[derive(Debug, Clone)]
pub(crate) struct Column {
    pub title: String,
    pub width: f32,
    pub align: Align,
    /// The title of the upper header cell this column shares with its neighbours of the same
    /// group (a two-level header: "Đã chi trả" over "Số khoản" and "Số tiền").
    pub group: Option<String>,
}

impl Column {
    pub(crate) fn new(title: &str, width: f32, align: Align) -> Column {
        Column {
            title: title.to_string(),
            width,
            align,
            group: None,
        }
    }

    /// A column under a group title; consecutive columns of the same group share its cell.
    pub(crate) fn under(group: &str, title: &str, width: f32, align: Align) -> Column {
        Column {
            group: Some(group.to_string()),
            ..Column::new(title, width, align)
        }
    }
}

/// A table's shape.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub columns: Vec<Column>,
    pub header_size: f32,
    pub body_size: f32,
    /// A row "(1) (2) …" under the header, as on state forms.
    pub numbering: bool,
    /// Least height of a row (12 mm on the signature sheet, to sign in).
    pub min_row: f32,
}

impl Table {
    /// The small table of the notices and reports: 11 pt header, body at [`CELL`], no
    /// numbering row, rows of at least 7 mm.
    pub(crate) fn plain(columns: Vec<Column>) -> Table {
        Table {
            columns,
            header_size: 11.0,
            body_size: CELL,
            numbering: false,
            min_row: 7.0,
        }
    }
}

/// One row's cell texts; `amount` is what the page total adds up.
#[derive(Debug, Clone, Default)]
pub(crate) struct Row {
    pub cells: Vec<String>,
    pub amount: Option<Dong>,
    pub bold: bool,
    /// The beneficiary's code, when the page's stamp lists it.
    pub tag: Option<String>,
    /// Amounts of other columns that the page total adds up too, by column.
    pub more: Vec<(usize, Dong)>,
}

impl Row {
    pub(crate) fn new(cells: Vec<String>) -> Row {
        Row {
            cells,
            amount: None,
            bold: false,
            tag: None,
            more: Vec::new(),
        }
    }

    /// Adds the amount of column `col` to what the page total of that column adds up.
    pub(crate) fn with_amount_in(mut self, col: usize, amount: Dong) -> Row {
        self.more.push((col, amount));
        self
    }

    /// Names the row in its page's stamp (QR code) with its amount.
    pub(crate) fn with_tag(mut self, code: &str) -> Row {
        self.tag = Some(code.to_string());
        self
    }

    pub(crate) fn with_amount(mut self, amount: Dong) -> Row {
        self.amount = Some(amount);
        self
    }
}

/// The per-page total row.
#[derive(Debug, Clone)]
pub(crate) struct PageTotal {
    pub label: String,
    /// The column whose amounts are added; the label spans the columns before it.
    pub amount_col: usize,
}

/// How a table flows over pages.
#[derive(Debug, Clone, Default)]
pub(crate) struct TableOptions {
    pub page_total: Option<PageTotal>,
    /// Label, amount and amount column of the grand total row after the last row.
    pub grand_total: Option<(String, Dong, usize)>,
    /// Height that should stay on the same page as the last row.
    pub keep_with_last: f32,
    /// Caption printed above the repeated header on continuation pages.
    pub continuation: Option<String>,
    /// Text of the single row of an empty table ("(Không có)" by default).
    pub empty: Option<String>,
}

pub(super) struct Measured {
    pub(super) cells: Vec<Vec<String>>,
    pub(super) height: f32,
}

/// Which rows of a table go on which page.
pub(super) struct TablePlan {
    /// The indices of the rows on each page, in order.
    pub(super) pages: Vec<Vec<usize>>,
    /// Whether the table starts on a new page (its first row does not fit on this one).
    pub(super) start_new: bool,
}

/// One page of a planned table.
pub(super) struct TablePage<'a> {
    /// The indices of its rows.
    pub(super) rows: &'a [usize],
    /// The table's other amount columns (rows' `more`), totalled on every page.
    pub(super) more: &'a [usize],
    /// Whether it is the table's last page (the one with the grand total).
    pub(super) last: bool,
}

/// What a table's last page must hold under its rows.
#[derive(Clone, Copy)]
pub(super) struct LastPage {
    /// The grand total row and what follows the table (`keep_with_last`).
    pub(super) need: f32,
    /// The grand total row alone.
    pub(super) grand_h: f32,
}

/// The other amount columns any row of the table carries (rows' `more`), in order: read once a
/// table, not once a page (5.000 rows on 800 pages were 4 million reads).
pub(super) fn more_columns(rows: &[Row]) -> Vec<usize> {
    let mut cols: Vec<usize> = rows
        .iter()
        .flat_map(|r| r.more.iter().map(|m| m.0))
        .collect();
    cols.sort_unstable();
    cols.dedup();
    cols
}

/// The page total of each amount column: the rows' `amount` in `amount_col`, then each of the
/// table's `more` columns (a column with nothing on this page totals 0).
pub(super) fn page_sums(
    rows: &[Row],
    page: &[usize],
    amount_col: usize,
    more: &[usize],
) -> Vec<(usize, Dong)> {
    let main = Dong::sum(page.iter().filter_map(|&i| rows[i].amount)).unwrap_or(Dong::ZERO);
    let mut out = vec![(amount_col, main)];
    for &col in more {
        let sum = Dong::sum(
            page.iter()
                .flat_map(|&i| rows[i].more.iter())
                .filter(|m| m.0 == col)
                .map(|m| m.1),
        )
        .unwrap_or(Dong::ZERO);
        out.push((col, sum));
    }
    out
}

/// Fills pages with rows in order: `first` mm of room on the first page, `fresh` on the others.
/// A row taller than a whole page still gets a page of its own.
pub(super) fn fill_pages(measured: &[Measured], first: f32, fresh: f32) -> Vec<Vec<usize>> {
    let mut plan: Vec<Vec<usize>> = Vec::new();
    let mut cur: Vec<usize> = Vec::new();
    let mut used = 0.0;
    let mut page_avail = first;
    for (i, m) in measured.iter().enumerate() {
        if !cur.is_empty() && used + m.height > page_avail {
            plan.push(std::mem::take(&mut cur));
            used = 0.0;
            page_avail = fresh;
        }
        cur.push(i);
        used += m.height;
    }
    plan.push(cur);
    plan
}

/// Moves the last rows of the last page to a new page when what must follow them does not fit
/// under them: as many as fit on the new page with it, one at least, never all of them (the page
/// they leave keeps a row under its header). Returns true when the table must rather start on a
/// new page: a single row on the first page that cannot take the grand total under it.
pub(super) fn keep_closing_with_last(
    plan: &mut Vec<Vec<usize>>,
    measured: &[Measured],
    (avail, fresh): (f32, f32),
    needs: LastPage,
) -> bool {
    let need = needs.need;
    let last_avail = if plan.len() == 1 { avail } else { fresh };
    let last = plan.last().expect("plan has a page").clone();
    let used_last: f32 = last.iter().map(|&i| measured[i].height).sum();
    let overflows = used_last + need > last_avail && !last.is_empty();
    if !overflows {
        return false;
    }
    // How many rows fit on a fresh page together with the closing block.
    let mut fit = 0;
    let mut h = 0.0;
    for &i in last.iter().rev() {
        if h + measured[i].height + need > fresh {
            break;
        }
        h += measured[i].height;
        fit += 1;
    }
    let fit = fit.max(1);
    if last.len() >= 2 {
        let k = fit.min(last.len() - 1);
        let split = last.len() - k;
        let (keep, moved) = last.split_at(split);
        let n = plan.len();
        plan[n - 1] = keep.to_vec();
        plan.push(moved.to_vec());
        false
    } else {
        // A lone row that cannot take the grand total under it starts on a new page.
        plan.len() == 1 && used_last + needs.grand_h > last_avail
    }
}

impl Table {
    pub(crate) fn width(&self) -> f32 {
        self.columns.iter().map(|c| c.width).sum()
    }

    pub(super) fn header_lines(&self) -> Vec<Vec<String>> {
        self.columns
            .iter()
            .map(|c| {
                wrap(
                    &prepare(&c.title),
                    Face::Bold,
                    self.header_size,
                    c.width - 2.0 * PAD,
                )
            })
            .collect()
    }

    fn header_cells_height(&self) -> f32 {
        self.header_bands().1
    }

    /// The groups of a two-level header: first column, end (exclusive) and title of each run of
    /// consecutive columns under the same group title.
    pub(super) fn groups(&self) -> Vec<(usize, usize, &str)> {
        let mut out: Vec<(usize, usize, &str)> = Vec::new();
        for (i, c) in self.columns.iter().enumerate() {
            let Some(g) = c.group.as_deref() else {
                continue;
            };
            match out.last_mut() {
                Some(last) if last.1 == i && last.2 == g => last.1 = i + 1,
                _ => out.push((i, i + 1, g)),
            }
        }
        out
    }

    /// The wrapped title of each group, over the width of its columns.
    pub(super) fn group_lines(&self) -> Vec<Vec<String>> {
        self.groups()
            .iter()
            .map(|&(a, b, g)| {
                let w: f32 = self.columns[a..b].iter().map(|c| c.width).sum();
                wrap(&prepare(g), Face::Bold, self.header_size, w - 2.0 * PAD)
            })
            .collect()
    }

    /// Heights of the header: its upper band (the group titles; 0 without groups) and the whole.
    /// A column without a group spans both bands.
    pub(super) fn header_bands(&self) -> (f32, f32) {
        let lh = line_height(self.header_size);
        let lines = self.header_lines();
        let tallest = |grouped: bool| {
            self.columns
                .iter()
                .zip(&lines)
                .filter(|(c, _)| c.group.is_some() == grouped)
                .map(|(_, l)| l.len())
                .max()
                .unwrap_or(0)
        };
        let cell = |n: usize| n.max(1) as f32 * lh + 2.0 * PAD + 0.8;
        let groups = self.group_lines();
        if groups.is_empty() {
            return (0.0, cell(tallest(false)));
        }
        let upper = cell(groups.iter().map(Vec::len).max().unwrap_or(1));
        let whole = (upper + cell(tallest(true))).max(cell(tallest(false)));
        (upper, whole)
    }

    /// Height of the header and numbering rows.
    pub(crate) fn header_height(&self) -> f32 {
        self.header_cells_height()
            + if self.numbering {
                line_height(9.0) + 1.0
            } else {
                0.0
            }
    }

    pub(super) fn measure(&self, row: &Row) -> Measured {
        let face = if row.bold { Face::Bold } else { Face::Regular };
        let cells: Vec<Vec<String>> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let text = row.cells.get(i).map(String::as_str).unwrap_or("");
                let text = prepare(text);
                if text.trim().is_empty() {
                    Vec::new()
                } else {
                    wrap(&text, face, self.body_size, c.width - 2.0 * PAD)
                }
            })
            .collect();
        let lines = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let height = (lines as f32 * line_height(self.body_size) + 2.0 * PAD).max(self.min_row);
        Measured { cells, height }
    }
}
