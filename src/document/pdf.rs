//! Layout primitives shared by every document: the embedded fonts and their advance widths, word
//! wrapping, pages with absolutely placed text and rules, tables whose header repeats on every page
//! (with an optional "Cộng trang" row per page and a grand total on the last), and the final pass
//! that numbers the pages "Trang x/y" and writes the PDF.
//!
//! Units: millimetres from the top-left corner of the page everywhere in this module; the
//! conversion to PDF points from the bottom-left happens only when the page's operations are
//! written. Text is measured from the font's own advance widths (no kerning, which is what the
//! PDF viewer applies too), so right alignment and wrapping are exact.

use std::sync::LazyLock;

use printpdf::ParsedFont;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

mod file;

use super::{DocumentError, Pdf};
use crate::money::Dong;
use crate::paper::PaperStamp;

/// Points per millimetre.
pub(crate) const PT_PER_MM: f32 = 72.0 / 25.4;

/// Liberation Serif 2.1.5 (SIL OFL 1.1, metric-compatible with Times New Roman): see
/// `assets/fonts/LICENSE-OFL-1.1.txt`.
static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/LiberationSerif-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/LiberationSerif-Bold.ttf");
static ITALIC_TTF: &[u8] = include_bytes!("../../assets/fonts/LiberationSerif-Italic.ttf");
static BOLD_ITALIC_TTF: &[u8] = include_bytes!("../../assets/fonts/LiberationSerif-BoldItalic.ttf");

/// A face of the document font.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

impl Face {
    const ALL: [Face; 4] = [Face::Regular, Face::Bold, Face::Italic, Face::BoldItalic];

    fn index(self) -> usize {
        match self {
            Face::Regular => 0,
            Face::Bold => 1,
            Face::Italic => 2,
            Face::BoldItalic => 3,
        }
    }
}

/// Characters below this code point have their advance precomputed (Latin, Vietnamese in Latin
/// Extended Additional, general punctuation, the đồng sign); others are looked up when met.
const TABLE_LIMIT: u32 = 0x2100;
/// Marks "no glyph" in the advance table.
const NO_GLYPH: u16 = u16::MAX;

/// One parsed face and its advance widths.
struct FaceData {
    font: ParsedFont,
    units_per_em: f32,
    advances: Vec<u16>,
    /// Glyph number of each character below [`TABLE_LIMIT`], 0 for none.
    glyphs: Vec<u16>,
}

impl FaceData {
    fn parse(bytes: &[u8]) -> FaceData {
        let font = ParsedFont::from_bytes(bytes, 0, &mut Vec::new())
            .expect("the embedded Liberation Serif font parses");
        let units_per_em = f32::from(font.pdf_font_metrics.units_per_em.max(1));
        let glyphs: Vec<u16> = (0..TABLE_LIMIT)
            .map(|cp| font.lookup_glyph_index(cp).unwrap_or(0))
            .collect();
        let advances = glyphs
            .iter()
            .map(|&g| match g {
                0 => NO_GLYPH,
                g => font.get_horizontal_advance(g),
            })
            .collect();
        FaceData {
            font,
            units_per_em,
            advances,
            glyphs,
        }
    }

    /// The glyph of a character, or `None` when the font has none.
    fn glyph(&self, c: char) -> Option<u16> {
        let g = match self.glyphs.get(c as usize) {
            Some(&g) => g,
            None => self.font.lookup_glyph_index(c as u32).unwrap_or(0),
        };
        (g != 0).then_some(g)
    }

    /// Advance of a character in font units, or `None` when the font has no glyph for it.
    fn advance(&self, c: char) -> Option<u16> {
        let cp = c as u32;
        if cp < TABLE_LIMIT {
            let a = self.advances[cp as usize];
            (a != NO_GLYPH).then_some(a)
        } else {
            self.glyph(c).map(|g| self.font.get_horizontal_advance(g))
        }
    }
}

static FACES: LazyLock<[FaceData; 4]> = LazyLock::new(|| {
    [
        FaceData::parse(REGULAR_TTF),
        FaceData::parse(BOLD_TTF),
        FaceData::parse(ITALIC_TTF),
        FaceData::parse(BOLD_ITALIC_TTF),
    ]
});

fn face(f: Face) -> &'static FaceData {
    &FACES[f.index()]
}

/// Characters that carry no ink and that spreadsheets leave behind (zero-width space, joiners,
/// byte-order mark, soft hyphen): dropped before layout rather than printed as empty boxes.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}'
    )
}

/// The text as it is laid out: NFC (the font maps characters to glyphs without shaping, so a
/// decomposed "ễ" would print with misplaced marks), invisible characters dropped, tabs and
/// non-breaking spaces as plain spaces.
pub(crate) fn prepare(s: &str) -> String {
    let cleaned = |s: &str| -> String {
        s.chars()
            .filter(|c| !is_invisible(*c))
            .map(|c| match c {
                '\t' | '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
                c => c,
            })
            .collect()
    };
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        cleaned(s)
    } else {
        cleaned(&s.nfc().collect::<String>())
    }
}

/// The first character of `s` (after [`prepare`]) that face `f` cannot print, if any. Control
/// characters have no ink and are left out of the page.
pub(crate) fn unprintable(s: &str, f: Face) -> Option<char> {
    let f = face(f);
    s.chars().find(|c| !c.is_control() && f.glyph(*c).is_none())
}

/// Width of `s` in millimetres at `size` points. Characters without a glyph count as nothing;
/// [`Page::text`] refuses them before they get here.
pub(crate) fn width(s: &str, f: Face, size: f32) -> f32 {
    let fd = face(f);
    let units: u32 = s.chars().map(|c| fd.advance(c).unwrap_or(0) as u32).sum();
    units as f32 / fd.units_per_em * size / PT_PER_MM
}

/// Height of one line of text at `size` points, in millimetres (1.2 em, as word processors set
/// single spacing for Times).
pub(crate) fn line_height(size: f32) -> f32 {
    size * 1.2 / PT_PER_MM
}

/// Distance from the top of a line box to its baseline, in millimetres.
fn ascent(size: f32) -> f32 {
    size * 0.93 / PT_PER_MM
}

/// Splits `s` into lines no wider than `max` millimetres: at spaces, and inside a word only when
/// the word alone is wider than the line. Nothing is ever dropped: the lines joined by spaces give
/// back the words of `s`. Explicit newlines start a new line.
pub(crate) fn wrap(s: &str, f: Face, size: f32, max: f32) -> Vec<String> {
    let mut out = Vec::new();
    let space = width(" ", f, size);
    for para in s.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        for word in para.split_whitespace() {
            let w = width(word, f, size);
            if line.is_empty() && w <= max {
                line.push_str(word);
                line_w = w;
            } else if !line.is_empty() && line_w + space + w <= max {
                line.push(' ');
                line.push_str(word);
                line_w += space + w;
            } else {
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                if w <= max {
                    line.push_str(word);
                    line_w = w;
                } else {
                    // A word wider than the cell (a long code): break it between characters.
                    let mut piece = String::new();
                    let mut piece_w = 0.0;
                    for c in word.chars() {
                        let cw = width(c.encode_utf8(&mut [0; 4]), f, size);
                        if !piece.is_empty() && piece_w + cw > max {
                            out.push(std::mem::take(&mut piece));
                            piece_w = 0.0;
                        }
                        piece.push(c);
                        piece_w += cw;
                    }
                    line = piece;
                    line_w = piece_w;
                }
            }
        }
        out.push(line);
    }
    // A paragraph that was only white space still takes its line; trailing empty lines do not.
    while out.len() > 1 && out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// The words that name a kind of place ("xã Quảng Hưng", "tỉnh Quảng Trị"), folded; the
/// two-word ones ("thị trấn") by their first word and the second.
const PLACE_WORDS: [&str; 9] = [
    "xa", "phuong", "huyen", "quan", "tinh", "thon", "xom", "ap", "ban",
];
const PLACE_PAIRS: [(&str, &str); 4] = [
    ("thi", "tran"),
    ("thi", "xa"),
    ("thanh", "pho"),
    ("dac", "khu"),
];

/// The units of a paragraph that a line never splits: each word alone, except a place name,
/// kept whole: the word for the kind of place and the capitalised words that follow it
/// ("xã Quảng Hưng", "XÃ QUẢNG HƯNG").
fn place_units(s: &str) -> Vec<String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    let folded: Vec<String> = words.iter().map(|w| crate::text::fold(w)).collect();
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let next = folded.get(i + 1).map(String::as_str);
        let kind_len = if PLACE_PAIRS
            .iter()
            .any(|(a, b)| folded[i] == *a && next == Some(b))
        {
            2
        } else if PLACE_WORDS.contains(&folded[i].as_str()) {
            1
        } else {
            0
        };
        let mut end = i + kind_len.max(1);
        if kind_len > 0 {
            while end < words.len() && capital(words[end]) {
                end += 1;
            }
        }
        out.push(words[i..end].join(" "));
        i = end;
    }
    out
}

/// [`wrap`] that keeps a place name on one line whenever it fits on a line at all: a header
/// reads "BƯU ĐIỆN VĂN HÓA / XÃ QUẢNG HƯNG", never "…XÃ QUẢNG / HƯNG".
pub(crate) fn wrap_places(s: &str, f: Face, size: f32, max: f32) -> Vec<String> {
    let mut out = Vec::new();
    let space = width(" ", f, size);
    for para in s.split('\n') {
        let mut line = String::new();
        let mut line_w = 0.0;
        for unit in place_units(para) {
            let w = width(&unit, f, size);
            if !line.is_empty() && line_w + space + w <= max {
                line.push(' ');
                line.push_str(&unit);
                line_w += space + w;
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            // A unit wider than a line is wrapped word by word, as any text.
            let mut pieces = wrap(&unit, f, size, max);
            let last = pieces.pop().unwrap_or_default();
            out.extend(pieces);
            line_w = width(&last, f, size);
            line = last;
        }
        out.push(line);
    }
    while out.len() > 1 && out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

/// Horizontal alignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// Page orientation (A4 either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Orientation {
    Portrait,
    Landscape,
}

#[derive(Debug, Clone)]
struct TextRun {
    x: f32,
    baseline: f32,
    text: String,
    face: Face,
    size: f32,
    grey: bool,
}

#[derive(Debug, Clone, Copy)]
struct Rule {
    x1: f32,
    y1: f32,
    x2: f32,
    y2: f32,
    thickness: f32,
}

/// One page being drawn.
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    texts: Vec<TextRun>,
    rules: Vec<Rule>,
    /// QR codes, written into the page's own content as inline images (see [`QrImage`]).
    qr_codes: Vec<QrImage>,
    /// The tagged rows placed on this page (a beneficiary's code and amount), for its stamp.
    tagged: Vec<(String, Dong)>,
}

impl Page {
    /// Places `s` with its left end at `x` and its baseline at `baseline`.
    pub(crate) fn text(&mut self, x: f32, baseline: f32, s: &str, face: Face, size: f32) {
        if s.is_empty() {
            return;
        }
        self.texts.push(TextRun {
            x,
            baseline,
            text: s.to_string(),
            face,
            size,
            grey: false,
        });
    }

    /// Places `s` inside `[x, x + w]` with the given alignment.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text_in(
        &mut self,
        x: f32,
        w: f32,
        baseline: f32,
        s: &str,
        face: Face,
        size: f32,
        align: Align,
    ) {
        let tw = width(s, face, size);
        let x = match align {
            Align::Left => x,
            Align::Center => x + (w - tw) / 2.0,
            Align::Right => x + w - tw,
        };
        self.text(x, baseline, s, face, size);
    }

    /// A grey text, for the demo mark.
    fn grey_text(&mut self, x: f32, baseline: f32, s: &str, face: Face, size: f32) {
        self.texts.push(TextRun {
            x,
            baseline,
            text: s.to_string(),
            face,
            size,
            grey: true,
        });
    }

    /// A straight rule from (x1, y1) to (x2, y2), `thickness` in points.
    pub(crate) fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, thickness: f32) {
        self.rules.push(Rule {
            x1,
            y1,
            x2,
            y2,
            thickness,
        });
    }
}

/// Page margins in millimetres (Decree 30/2020: top and bottom 20–25, left 30–35, right 15–20).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Margins {
    pub top: f32,
    pub bottom: f32,
    pub left: f32,
    pub right: f32,
}

impl Margins {
    pub(crate) const DECREE_30: Margins = Margins {
        top: 20.0,
        bottom: 20.0,
        left: 30.0,
        right: 15.0,
    };
}

/// Body text size (Decree 30: 13–14 pt).
pub(crate) const BODY: f32 = 13.0;
/// Text size inside tables.
pub(crate) const CELL: f32 = 11.0;
/// Space between a cell's border and its text.
const PAD: f32 = 1.2;
/// Height of a total row ("Cộng trang", "TỔNG CỘNG").
const TOTAL_ROW: f32 = 7.5;

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

/// `f` of each item, the items shared out over the cores, in order. For the work of a long
/// document that is the same for each page or row and needs nothing from the others.
fn on_every_core<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let share = items.len().div_ceil(cores).max(1);
    if items.len() <= share || items.len() < ON_ONE_CORE {
        return items.iter().map(&f).collect();
    }
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(share)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// Fewer items than this are done on the calling thread: starting a thread costs about what a
/// few rows or a page's code do (a receipt, a one-page notice).
const ON_ONE_CORE: usize = 8;

/// Side of a page's QR code, mm: about 0,3 mm a module for a page of codes (version 10–12),
/// which a 300 dpi printer and an ordinary scanner both resolve.
const STAMP_SIDE: f32 = 19.0;
/// Space between the content and the QR code, mm.
const STAMP_GAP: f32 = 1.0;
/// Bottom margin of a page with a QR code: the code, the gap, and 5 mm a printer cannot reach —
/// 25 mm, the deepest bottom margin Decree 30/2020 allows.
const STAMP_MARGIN: f32 = STAMP_SIDE + STAMP_GAP + 5.0;

/// The stamp of page `i`: its tagged rows and their total, or the document's own lines.
fn page_stamp(
    base: &PaperStamp,
    i: usize,
    tagged: &[(String, Dong)],
) -> Result<PaperStamp, DocumentError> {
    let mut s = base.clone();
    s.page = u32::try_from(i + 1).unwrap_or(u32::MAX);
    if !tagged.is_empty() {
        s.lines = tagged
            .iter()
            .take(crate::paper::MAX_LINES)
            .cloned()
            .collect();
        s.total = Dong::sum(s.lines.iter().map(|l| l.1))?;
    }
    Ok(s)
}

/// The modules of the QR code of `text`, row by row (error correction M, the smallest version
/// that holds it). One fixed mask rather than the best of eight: scoring the eight is 95% of the
/// encoder's time (2 ms a page, which made a 500-row sheet five times slower to print), and any
/// mask is a valid code; the tests read every page's code back from the rendered page.
fn qr_modules(text: &str) -> Result<Vec<qrcode::Color>, DocumentError> {
    use qrcode::canvas::{Canvas, MaskPattern};
    let failed = |e: qrcode::types::QrError| DocumentError::Pdf(format!("mã QR: {e}"));
    let level = qrcode::EcLevel::M;
    let bits = qrcode::bits::encode_auto(text.as_bytes(), level).map_err(failed)?;
    let version = bits.version();
    let data = bits.into_bytes();
    let (data, ec) = qrcode::ec::construct_codewords(&data, version, level).map_err(failed)?;
    let mut canvas = Canvas::new(version, level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    canvas.apply_mask(MaskPattern::Checkerboard);
    Ok(canvas.into_colors())
}

/// A page's QR code: one bit a module, quiet zone included, drawn as an inline image in the page's
/// own content stream (`BI … ID … EI`). As an image object of its own (one grey byte a module,
/// compressed one by one) it cost about 0,9 KB and 0,1 ms a page; inline it is compressed with the
/// page's text, and has no object, no resource entry and no cross-reference entry.
#[derive(Debug, Clone)]
struct QrImage {
    /// Top left corner and side, mm.
    x: f32,
    y: f32,
    side: f32,
    /// Modules a side, quiet zone included.
    modules: usize,
    /// Rows from the top, each packed 8 modules a byte, high bit first; 1 is white.
    rows: Vec<u8>,
}

impl QrImage {
    /// The content-stream operators that draw it on a page `page_h` mm high: the image's unit
    /// square scaled to `side` and placed, its samples in hex (`/AHx`), so that no run of binary
    /// data can be mistaken for the `EI` that ends it.
    fn content(&self, page_h: f32) -> Vec<u8> {
        let side = self.side * PT_PER_MM;
        let (x, y) = (
            self.x * PT_PER_MM,
            (page_h - self.y - self.side) * PT_PER_MM,
        );
        format!(
            "\nq {side:.2} 0 0 {side:.2} {x:.2} {y:.2} cm BI /W {m} /H {m} /CS /G /BPC 1 /F /AHx ID {}> EI Q\n",
            hex::encode_upper(&self.rows),
            m = self.modules
        )
        .into_bytes()
    }
}

impl Page {
    /// A QR code of `text` with its top left corner at (x, y), `side` wide.
    fn qr(&mut self, x: f32, y: f32, side: f32, text: &str) -> Result<(), DocumentError> {
        self.qr_codes.push(QrImage::new(x, y, side, text)?);
        Ok(())
    }
}

impl QrImage {
    /// The code of `text` with its top left corner at (x, y), `side` wide, a quiet zone of two
    /// modules inside.
    fn new(x: f32, y: f32, side: f32, text: &str) -> Result<QrImage, DocumentError> {
        let colors = qr_modules(text)?;
        let n = (colors.len() as f64).sqrt() as usize;
        let quiet = 2;
        let m = n + 2 * quiet;
        let stride = m.div_ceil(8);
        let mut rows = vec![0xFFu8; stride * m];
        for (k, c) in colors.into_iter().enumerate() {
            if c == qrcode::Color::Dark {
                let (r, col) = (k / n + quiet, k % n + quiet);
                rows[r * stride + col / 8] &= !(0x80 >> (col % 8));
            }
        }
        Ok(QrImage {
            x,
            y,
            side,
            modules: m,
            rows,
        })
    }
}

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

struct Measured {
    cells: Vec<Vec<String>>,
    height: f32,
}

/// Which rows of a table go on which page.
struct TablePlan {
    /// The indices of the rows on each page, in order.
    pages: Vec<Vec<usize>>,
    /// Whether the table starts on a new page (its first row does not fit on this one).
    start_new: bool,
}

/// One page of a planned table.
struct TablePage<'a> {
    /// The indices of its rows.
    rows: &'a [usize],
    /// The table's other amount columns (rows' `more`), totalled on every page.
    more: &'a [usize],
    /// Whether it is the table's last page (the one with the grand total).
    last: bool,
}

/// What a table's last page must hold under its rows.
#[derive(Clone, Copy)]
struct LastPage {
    /// The grand total row and what follows the table (`keep_with_last`).
    need: f32,
    /// The grand total row alone.
    grand_h: f32,
}

/// The other amount columns any row of the table carries (rows' `more`), in order: read once a
/// table, not once a page (5.000 rows on 800 pages were 4 million reads).
fn more_columns(rows: &[Row]) -> Vec<usize> {
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
fn page_sums(
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
fn fill_pages(measured: &[Measured], first: f32, fresh: f32) -> Vec<Vec<usize>> {
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
fn keep_closing_with_last(
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

    fn header_lines(&self) -> Vec<Vec<String>> {
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
    fn groups(&self) -> Vec<(usize, usize, &str)> {
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
    fn group_lines(&self) -> Vec<Vec<String>> {
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
    fn header_bands(&self) -> (f32, f32) {
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

    fn measure(&self, row: &Row) -> Measured {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_covers_vietnamese() {
        let lower = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";
        let all: String = lower.chars().chain(lower.to_uppercase().chars()).collect();
        // 72 vowel forms (a ă â e ê i o ô ơ u ư y, each with its five tones) and đ, both cases.
        assert_eq!(all.chars().count(), 2 * 73);
        for f in Face::ALL {
            for c in all.chars() {
                assert!(face(f).advance(c).is_some(), "{c} in {f:?}");
            }
        }
        for f in Face::ALL {
            assert_eq!(unprintable("Nguyễn Thị Hường ₫ – “x”", f), None);
            assert_eq!(unprintable("字", f), Some('字'));
        }
    }

    #[test]
    fn widths_follow_times_metrics() {
        // Times New Roman: digits are half an em; at 12 pt "0" is 6 pt.
        let w = width("0000000000", Face::Regular, 12.0);
        assert!((w - 60.0 / PT_PER_MM).abs() < 0.01, "{w}");
        assert!(width("Đ", Face::Bold, 12.0) > width("Đ", Face::Regular, 12.0) * 0.95);
    }

    #[test]
    fn wrapping_never_loses_text() {
        let s = "Thương binh suy giảm khả năng lao động từ 81% trở lên có vết thương đặc biệt nặng";
        let lines = wrap(s, Face::Regular, 11.0, 30.0);
        assert!(lines.len() > 2);
        assert_eq!(lines.join(" "), s);
        for l in &lines {
            assert!(width(l, Face::Regular, 11.0) <= 30.0 + 1e-3, "{l}");
        }
        // A word wider than the cell is broken between characters, never cut.
        let code = "QH01-0000000000000000000000001";
        let lines = wrap(code, Face::Regular, 11.0, 15.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), code);
        assert_eq!(wrap("", Face::Regular, 11.0, 10.0), vec![String::new()]);
    }

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

    #[test]
    fn a_place_name_stays_on_one_line() {
        let header = "BƯU ĐIỆN VĂN HÓA XÃ QUẢNG HƯNG";
        let w = width("BƯU ĐIỆN VĂN HÓA XÃ QUẢNG", Face::Bold, 12.0) + 0.5;
        // Plain wrapping breaks inside the name; a place name moves to the next line whole.
        assert_eq!(
            wrap(header, Face::Bold, 12.0, w),
            vec!["BƯU ĐIỆN VĂN HÓA XÃ QUẢNG", "HƯNG"]
        );
        assert_eq!(
            wrap_places(header, Face::Bold, 12.0, w),
            vec!["BƯU ĐIỆN VĂN HÓA", "XÃ QUẢNG HƯNG"]
        );
        let s = "Bưu điện tỉnh Quảng Trị – Bưu điện văn hóa thị trấn Ba Đồn thông báo";
        for max in [45.0, 60.0, 90.0] {
            let lines = wrap_places(s, Face::Regular, 12.0, max);
            assert_eq!(lines.join(" "), s, "nothing lost at {max}");
            for l in &lines {
                assert!(width(l, Face::Regular, 12.0) <= max + 1e-3, "{l}");
                assert!(!l.ends_with("Quảng") && !l.ends_with("Ba"), "{l} at {max}");
            }
        }
        // A name longer than a line still wraps, and nothing is lost.
        let lines = wrap_places(header, Face::Bold, 12.0, 20.0);
        assert_eq!(lines.join(" "), header);
    }

    #[test]
    fn text_is_normalised_before_layout() {
        assert_eq!(prepare("Nguye\u{302}\u{303}n\u{200B}\tA"), "Nguyễn A");
    }
}
