//! Layout primitives shared by every document: the embedded fonts and their advance widths, word
//! wrapping, pages with absolutely placed text and rules, tables whose header repeats on every page
//! (with an optional "Cộng trang" row per page and a grand total on the last), and the final pass
//! that numbers the pages "Trang x/y" and writes the PDF.
//!
//! Units: millimetres from the top-left corner of the page everywhere in this module; the
//! conversion to PDF points from the bottom-left happens only when the page's operations are
//! written. Text is measured from the font's own advance widths (no kerning, which is what the
//! PDF viewer applies too), so right alignment and wrapping are exact.

mod cores;
mod file;
mod font;
mod page;
mod stamp;
mod table;

pub(crate) use font::{line_height, prepare, width, wrap, Face};
pub(crate) use page::{Align, Margins, Orientation, Page, BODY};
pub(crate) use table::{Column, PageTotal, Row, Table, TableOptions, CELL};

use cores::on_every_core;
use font::{ascent, unprintable, wrap_places};
use stamp::{page_stamp, QrImage, STAMP_GAP, STAMP_MARGIN, STAMP_SIDE};
use table::{
    fill_pages, keep_closing_with_last, more_columns, page_sums, LastPage, Measured, TablePage,
    TablePlan, PAD, TOTAL_ROW,
};

use super::{DocumentError, Pdf};
use crate::money::Dong;
use crate::paper::PaperStamp;

/// A document being laid out: its pages, the page in progress and the vertical position on it.
pub(crate) struct Doc {
    title: String,
    subject: String,
    author: String,
    width: f32,
    height: f32,
    margins: Margins,
    /// Printed in grey at the top of every page (demo data, an unsigned roll).
    mark: Option<&'static str>,
    /// The stamp of every page (its QR code), when the paper carries one.
    stamp: Option<PaperStamp>,
    pages: Vec<Page>,
    /// Vertical position on the current page, from the top, in mm.
    pub y: f32,
}

impl Doc {
    /// A new document with one empty page.
    pub(crate) fn new(title: &str, orientation: Orientation, mark: Option<&'static str>) -> Doc {
        let (width, height) = match orientation {
            Orientation::Portrait => (210.0, 297.0),
            Orientation::Landscape => (297.0, 210.0),
        };
        let margins = Margins::DECREE_30;
        Doc {
            title: prepare(title),
            subject: String::new(),
            author: String::new(),
            width,
            height,
            margins,
            mark,
            stamp: None,
            pages: vec![Page::default()],
            y: margins.top,
        }
    }

    /// Changes the margins (before anything is drawn).
    /// Puts a QR code with `stamp` (completed per page: number, tagged rows and their total, or
    /// the stamp's own lines on a page without any) in the bottom right corner of every page, in
    /// a bottom margin made deep enough for it. Call before laying anything out.
    pub(crate) fn stamp(&mut self, stamp: PaperStamp) {
        self.margins.bottom = self.margins.bottom.max(STAMP_MARGIN);
        self.stamp = Some(stamp);
    }

    /// A QR code of `stamp`, `side` mm wide, its top left corner at (x, y) of the current page
    /// (a receipt has one in each of its two copies, between the signatures).
    pub(crate) fn qr_at(
        &mut self,
        x: f32,
        y: f32,
        side: f32,
        stamp: &PaperStamp,
    ) -> Result<(), DocumentError> {
        self.page().qr(x, y, side, &stamp.encode())
    }

    pub(crate) fn set_margins(&mut self, m: Margins) {
        self.margins = m;
        self.y = m.top;
    }

    /// Sets the subject and author written in the document's properties.
    pub(crate) fn describe(&mut self, subject: &str, author: &str) {
        self.subject = prepare(subject);
        self.author = prepare(author);
    }

    /// Left edge of the text area.
    pub(crate) fn left(&self) -> f32 {
        self.margins.left
    }

    /// Width of the text area.
    pub(crate) fn content_width(&self) -> f32 {
        self.width - self.margins.left - self.margins.right
    }

    /// Top of the text area.
    pub(crate) fn top(&self) -> f32 {
        self.margins.top
    }

    /// Bottom of the text area.
    pub(crate) fn bottom(&self) -> f32 {
        self.height - self.margins.bottom
    }

    /// Height left on the current page.
    pub(crate) fn remaining(&self) -> f32 {
        self.bottom() - self.y
    }

    /// The page being drawn.
    pub(crate) fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a document has a page")
    }

    /// Starts a new page and puts the position at its top.
    pub(crate) fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.margins.top;
    }

    /// Starts a new page unless `h` millimetres fit on this one.
    pub(crate) fn ensure(&mut self, h: f32) {
        if h > self.remaining() && self.y > self.margins.top {
            self.new_page();
        }
    }

    /// Moves down.
    pub(crate) fn skip(&mut self, h: f32) {
        self.y += h;
    }

    /// Writes a paragraph across the text area (or `[x, x + w]`), wrapped, breaking pages between
    /// lines. Returns the number of lines.
    pub(crate) fn paragraph(&mut self, s: &str, f: Face, size: f32, align: Align) -> usize {
        let (x, w) = (self.left(), self.content_width());
        self.paragraph_in(x, w, s, f, size, align)
    }

    /// Like [`Doc::paragraph`] inside `[x, x + w]`.
    pub(crate) fn paragraph_in(
        &mut self,
        x: f32,
        w: f32,
        s: &str,
        f: Face,
        size: f32,
        align: Align,
    ) -> usize {
        let s = prepare(s);
        let lines = wrap_places(&s, f, size, w);
        let lh = line_height(size);
        for line in &lines {
            self.ensure(lh);
            let baseline = self.y + ascent(size) - 0.6;
            self.page().text_in(x, w, baseline, line, f, size, align);
            self.y += lh;
        }
        lines.len()
    }

    /// Height a paragraph would take in `[_, w]`.
    pub(crate) fn paragraph_height(s: &str, f: Face, size: f32, w: f32) -> f32 {
        wrap_places(&prepare(s), f, size, w).len() as f32 * line_height(size)
    }

    /// Draws a table starting at the current position: the header (and numbering row) repeated at
    /// the top of every page it spans, the rows never split across pages, a "Cộng trang" row at
    /// the foot of every page when asked, and the grand total after the last row. `keep_with_last`
    /// is the height of what follows the table (amount in words, signatures): rows are moved to a
    /// new page, when needed, so that it fits on the table's last page with them.
    pub(crate) fn table(&mut self, t: &Table, rows: &[Row], opts: &TableOptions) {
        let measured: Vec<Measured> = on_every_core(rows, |r| t.measure(r));
        let plan = self.plan_table(t, &measured, opts);
        if plan.start_new {
            self.new_page();
            self.continuation_caption(opts);
        }
        let pages = plan.pages.len();
        let more = more_columns(rows);
        for (p, page_rows) in plan.pages.iter().enumerate() {
            if p > 0 {
                self.new_page();
                self.continuation_caption(opts);
            }
            let page = TablePage {
                rows: page_rows,
                more: &more,
                last: p + 1 == pages,
            };
            self.draw_table_page(t, (rows, &measured), &page, opts);
        }
    }

    /// Decides which rows go on which page, from the room left on this page and on a fresh one.
    fn plan_table(&self, t: &Table, measured: &[Measured], opts: &TableOptions) -> TablePlan {
        let header_h = t.header_height();
        let caption_h = if opts.continuation.is_some() {
            line_height(CELL) + 1.0
        } else {
            0.0
        };
        let page_total_h = if opts.page_total.is_some() {
            TOTAL_ROW
        } else {
            0.0
        };
        let grand_h = if opts.grand_total.is_some() {
            TOTAL_ROW
        } else {
            0.0
        };
        let fresh = self.bottom() - self.top() - caption_h - header_h - page_total_h;
        let mut start_new = false;
        let mut avail = self.remaining() - header_h - page_total_h;
        let first_h = measured.first().map_or(TOTAL_ROW, |m| m.height);
        if avail < first_h {
            start_new = true;
            avail = fresh;
        }
        let mut pages = fill_pages(measured, avail, fresh);
        // The last page must also hold the grand total, and preferably what follows the table.
        let last = LastPage {
            need: grand_h + opts.keep_with_last,
            grand_h,
        };
        if keep_closing_with_last(&mut pages, measured, (avail, fresh), last) {
            start_new = true;
        }
        TablePlan { pages, start_new }
    }

    /// One page of a table: the header, its rows (or the note of an empty table), its total
    /// rows, and the column rules down to where the total rows' labels begin.
    fn draw_table_page(
        &mut self,
        t: &Table,
        (rows, measured): (&[Row], &[Measured]),
        page: &TablePage,
        opts: &TableOptions,
    ) {
        let top = self.y;
        self.draw_header(t);
        if page.rows.is_empty() && rows.is_empty() {
            self.draw_empty_note(t, opts);
        }
        for &i in page.rows {
            self.draw_row(t, &measured[i], rows[i].bold);
            if let (Some(tag), Some(amount)) = (&rows[i].tag, rows[i].amount) {
                self.page().tagged.push((tag.clone(), amount));
            }
        }
        let totals_top = self.y;
        let mut span = t.columns.len();
        if let Some(pt) = &opts.page_total {
            let sums = page_sums(rows, page.rows, pt.amount_col, page.more);
            self.draw_total_row(t, &pt.label, &sums);
            span = span.min(sums.iter().map(|s| s.0).min().unwrap_or(pt.amount_col));
        }
        if page.last {
            if let Some((label, amount, col)) = &opts.grand_total {
                // The other amount columns (rows' `more`) total every row of the table.
                let all: Vec<usize> = (0..rows.len()).collect();
                let mut cells = vec![(*col, *amount)];
                cells.extend(page_sums(rows, &all, *col, page.more).into_iter().skip(1));
                self.draw_total_row(t, label, &cells);
                span = span.min(cells.iter().map(|s| s.0).min().unwrap_or(*col));
            }
        }
        self.draw_column_rules(t, top, totals_top, span);
    }

    /// The single row of a table without rows: "(Không có)" or the table's own note.
    fn draw_empty_note(&mut self, t: &Table, opts: &TableOptions) {
        let h = TOTAL_ROW;
        let y = self.y;
        let (x, w) = (self.left(), t.width());
        let note = opts.empty.as_deref().unwrap_or("(Không có)");
        self.page().text_in(
            x,
            w,
            y + (h - line_height(CELL)) / 2.0 + ascent(CELL) - 0.6,
            note,
            Face::Italic,
            CELL,
            Align::Center,
        );
        self.y += h;
        let y2 = self.y;
        self.page().rule(x, y2, x + w, y2, 0.5);
    }

    /// The vertical rules of a table's page from `top` down to the current position; those
    /// inside the label of the total rows (the first `span` columns) stop at `totals_top`.
    fn draw_column_rules(&mut self, t: &Table, top: f32, totals_top: f32, span: usize) {
        let bottom = self.y;
        let x0 = self.left();
        let mut x = x0;
        self.page().rule(x, top, x, bottom, 0.5);
        let n = t.columns.len();
        let upper = t.header_bands().0;
        for (b, c) in t.columns.iter().enumerate() {
            x += c.width;
            let end = if b + 1 < span && b + 1 < n {
                totals_top
            } else {
                bottom
            };
            // Between two columns of one group the rule starts under the group's title.
            let inner = b + 1 < n && c.group.is_some() && t.columns[b + 1].group == c.group;
            let start = if inner { top + upper } else { top };
            self.page().rule(x, start, x, end, 0.5);
        }
    }

    /// Height of a whole table drawn on one page (header, rows, totals).
    pub(crate) fn table_height(t: &Table, rows: &[Row], opts: &TableOptions) -> f32 {
        let body: f32 = if rows.is_empty() {
            TOTAL_ROW
        } else {
            rows.iter().map(|r| t.measure(r).height).sum()
        };
        let totals = [opts.page_total.is_some(), opts.grand_total.is_some()]
            .iter()
            .filter(|x| **x)
            .count() as f32
            * TOTAL_ROW;
        t.header_height() + body + totals
    }

    fn continuation_caption(&mut self, opts: &TableOptions) {
        if let Some(c) = &opts.continuation {
            let (x, w) = (self.left(), self.content_width());
            let baseline = self.y + ascent(CELL) - 0.6;
            let c = prepare(c);
            self.page()
                .text_in(x, w, baseline, &c, Face::Italic, CELL, Align::Left);
            self.y += line_height(CELL) + 1.0;
        }
    }

    fn draw_header(&mut self, t: &Table) {
        let x0 = self.left();
        let w = t.width();
        let y0 = self.y;
        self.page().rule(x0, y0, x0 + w, y0, 0.8);
        let (upper, h) = t.header_bands();
        let mut x = x0;
        for (c, lines) in t.columns.iter().zip(t.header_lines()) {
            // A grouped column's title sits in the lower band, under its group's.
            let (top, cell_h) = if c.group.is_some() {
                (y0 + upper, h - upper)
            } else {
                (y0, h)
            };
            self.header_text(x, c.width, top, cell_h, &lines, t.header_size);
            x += c.width;
        }
        for ((a, b, _), lines) in t.groups().into_iter().zip(t.group_lines()) {
            let gx = x0 + t.columns[..a].iter().map(|c| c.width).sum::<f32>();
            let gw: f32 = t.columns[a..b].iter().map(|c| c.width).sum();
            self.header_text(gx, gw, y0, upper, &lines, t.header_size);
            self.page().rule(gx, y0 + upper, gx + gw, y0 + upper, 0.5);
        }
        self.y += h;
        let y = self.y;
        self.page().rule(x0, y, x0 + w, y, 0.5);
        if t.numbering {
            let nh = line_height(9.0) + 1.0;
            let mut x = x0;
            for (i, c) in t.columns.iter().enumerate() {
                let label = format!("({})", i + 1);
                self.page().text_in(
                    x,
                    c.width,
                    y + ascent(9.0) + 0.2,
                    &label,
                    Face::Italic,
                    9.0,
                    Align::Center,
                );
                x += c.width;
            }
            self.y += nh;
            let y = self.y;
            self.page().rule(x0, y, x0 + w, y, 0.5);
        }
    }

    /// Bold header lines centred in the cell `[x, x + w] × [top, top + h]`.
    fn header_text(&mut self, x: f32, w: f32, top: f32, h: f32, lines: &[String], size: f32) {
        let lh = line_height(size);
        let block = lines.len() as f32 * lh;
        let mut baseline = top + (h - block) / 2.0 + ascent(size) - 0.6;
        for line in lines {
            self.page().text_in(
                x + PAD,
                w - 2.0 * PAD,
                baseline,
                line,
                Face::Bold,
                size,
                Align::Center,
            );
            baseline += lh;
        }
    }

    fn draw_row(&mut self, t: &Table, m: &Measured, bold: bool) {
        let x0 = self.left();
        let y0 = self.y;
        let face = if bold { Face::Bold } else { Face::Regular };
        let lh = line_height(t.body_size);
        let mut x = x0;
        for (c, lines) in t.columns.iter().zip(&m.cells) {
            let block = lines.len() as f32 * lh;
            let mut baseline = y0 + (m.height - block) / 2.0 + ascent(t.body_size) - 0.6;
            for line in lines {
                self.page().text_in(
                    x + PAD,
                    c.width - 2.0 * PAD,
                    baseline,
                    line,
                    face,
                    t.body_size,
                    c.align,
                );
                baseline += lh;
            }
            x += c.width;
        }
        self.y += m.height;
        let y = self.y;
        self.page().rule(x0, y, x0 + t.width(), y, 0.4);
    }

    /// A total row: the label across the columns before the first amount column, each amount
    /// in its column.
    fn draw_total_row(&mut self, t: &Table, label: &str, amounts: &[(usize, Dong)]) {
        let x0 = self.left();
        let y0 = self.y;
        let baseline = y0 + (TOTAL_ROW - line_height(t.body_size)) / 2.0 + ascent(t.body_size);
        let first = amounts.iter().map(|a| a.0).min().unwrap_or(t.columns.len());
        let label_w: f32 = t.columns[..first.min(t.columns.len())]
            .iter()
            .map(|c| c.width)
            .sum();
        let label = prepare(label);
        self.page().text_in(
            x0 + PAD,
            label_w - 2.0 * PAD,
            baseline,
            &label,
            Face::Bold,
            t.body_size,
            Align::Center,
        );
        for &(col, amount) in amounts.iter().filter(|a| a.0 < t.columns.len()) {
            let ax: f32 = x0 + t.columns[..col].iter().map(|c| c.width).sum::<f32>();
            let aw = t.columns[col].width;
            let text = amount.to_string();
            // A total never spills out of its cell: a smaller size if it must.
            let mut size = t.body_size;
            while size > 7.0 && width(&text, Face::Bold, size) > aw - 2.0 * PAD {
                size -= 0.5;
            }
            self.page().text_in(
                ax + PAD,
                aw - 2.0 * PAD,
                baseline,
                &text,
                Face::Bold,
                size,
                Align::Right,
            );
        }
        self.y += TOTAL_ROW;
        let y = self.y;
        self.page().rule(x0, y, x0 + t.width(), y, 0.8);
    }

    /// Numbers the pages "Trang x/y", marks every page (demo data, an unsigned roll), and writes
    /// the PDF.
    pub(crate) fn finish(mut self) -> Result<Pdf, DocumentError> {
        let total = self.pages.len();
        let (w, h) = (self.width, self.height);
        let footer_y = h - self.margins.bottom * 0.45;
        let mark = self.mark;
        let top = self.margins.top;
        let (left, cw) = (self.left(), self.content_width());
        let mut stamps = Vec::with_capacity(if self.stamp.is_some() { total } else { 0 });
        for (i, page) in self.pages.iter_mut().enumerate() {
            let label = format!("Trang {}/{}", i + 1, total);
            page.text_in(
                left,
                cw,
                footer_y,
                &label,
                Face::Italic,
                10.0,
                Align::Center,
            );
            if let Some(mark) = mark {
                let mw = width(mark, Face::Bold, 12.0);
                page.grey_text(left + (cw - mw) / 2.0, top * 0.6, mark, Face::Bold, 12.0);
            }
            if let Some(base) = &self.stamp {
                stamps.push(page_stamp(base, i, &page.tagged)?.encode());
            }
        }
        // One code a page, each page's made on whichever core is free (a third of a long
        // sheet's time when made one after another).
        let (x, y) = (left + cw - STAMP_SIDE, h - STAMP_MARGIN + STAMP_GAP);
        let codes = on_every_core(&stamps, |text| QrImage::new(x, y, STAMP_SIDE, text));
        for (page, code) in self.pages.iter_mut().zip(codes) {
            page.qr_codes.push(code?);
        }
        // Nothing reaches the PDF that the font cannot print.
        for page in &self.pages {
            for t in &page.texts {
                if let Some(c) = unprintable(&t.text, t.face) {
                    return Err(DocumentError::Unprintable {
                        character: c,
                        text: t.text.clone(),
                    });
                }
            }
        }

        let props = file::Properties {
            title: &self.title,
            subject: &self.subject,
            author: &self.author,
            created: chrono::Utc::now(),
        };
        let bytes = file::write(&props, (w, h), &self.pages)?;
        Ok(Pdf {
            bytes,
            pages: total,
            title: self.title,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_character_the_font_lacks_is_refused_not_dropped() {
        let mut doc = Doc::new("x", Orientation::Portrait, None);
        doc.paragraph("Nguyễn Văn 字", Face::Regular, BODY, Align::Left);
        match doc.finish() {
            Err(DocumentError::Unprintable { character, text }) => {
                assert_eq!(character, '字');
                assert_eq!(text, "Nguyễn Văn 字");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_table_keeps_its_rows_whole_and_its_header_on_every_page() {
        let t = Table {
            columns: vec![
                Column::new("STT", 12.0, Align::Center),
                Column::new("Họ và tên", 60.0, Align::Left),
                Column::new("Số tiền", 30.0, Align::Right),
            ],
            header_size: 11.0,
            body_size: 11.0,
            numbering: true,
            min_row: 12.0,
        };
        let rows: Vec<Row> = (1..=60)
            .map(|i| {
                Row::new(vec![i.to_string(), format!("Người {i}"), "1.000".into()])
                    .with_amount(Dong::new(1000).unwrap())
            })
            .collect();
        let mut doc = Doc::new("x", Orientation::Landscape, None);
        doc.table(
            &t,
            &rows,
            &TableOptions {
                page_total: Some(PageTotal {
                    label: "Cộng trang".into(),
                    amount_col: 2,
                }),
                grand_total: Some(("TỔNG CỘNG".into(), Dong::new(60_000).unwrap(), 2)),
                keep_with_last: 50.0,
                ..TableOptions::default()
            },
        );
        let pages = doc.pages.len();
        assert!(pages >= 6, "60 rows of 12 mm on landscape pages: {pages}");
        let mut names = 0;
        for p in &doc.pages {
            let texts: Vec<&str> = p.texts.iter().map(|t| t.text.as_str()).collect();
            assert!(texts.contains(&"Họ và tên"), "header on every page");
            assert!(texts.contains(&"Cộng trang"));
            names += texts.iter().filter(|t| t.starts_with("Người ")).count();
            // Nothing below the bottom margin.
            for t in &p.texts {
                assert!(
                    t.baseline <= doc.bottom() + 0.01,
                    "{} at {}",
                    t.text,
                    t.baseline
                );
            }
        }
        assert_eq!(names, 60);
        // The last page keeps room for what follows the table.
        assert!(doc.remaining() >= 50.0, "{}", doc.remaining());
        let last: Vec<&str> = doc.pages[pages - 1]
            .texts
            .iter()
            .map(|t| t.text.as_str())
            .collect();
        assert!(last.contains(&"TỔNG CỘNG"));
        assert!(last.iter().any(|t| t.starts_with("Người ")));
    }
}
