//! The embedded fonts and what is measured with them: advance widths, the width and height of a
//! text, wrapping it into lines. Apart because every other part lays text out by these measures,
//! and they know nothing of pages or tables.

use std::sync::LazyLock;

use printpdf::ParsedFont;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Points per millimetre.
pub(super) const PT_PER_MM: f32 = 72.0 / 25.4;

/// Liberation Serif 2.1.5 (SIL OFL 1.1, metric-compatible with Times New Roman): see
/// `assets/fonts/LICENSE-OFL-1.1.txt`.
static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/LiberationSerif-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/LiberationSerif-Bold.ttf");
static ITALIC_TTF: &[u8] = include_bytes!("../../../assets/fonts/LiberationSerif-Italic.ttf");
static BOLD_ITALIC_TTF: &[u8] =
    include_bytes!("../../../assets/fonts/LiberationSerif-BoldItalic.ttf");

/// A face of the document font.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
    Italic,
    BoldItalic,
}

impl Face {
    pub(super) const ALL: [Face; 4] = [Face::Regular, Face::Bold, Face::Italic, Face::BoldItalic];

    pub(super) fn index(self) -> usize {
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
pub(super) struct FaceData {
    pub(super) font: ParsedFont,
    pub(super) units_per_em: f32,
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
    pub(super) fn glyph(&self, c: char) -> Option<u16> {
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

pub(super) fn face(f: Face) -> &'static FaceData {
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
pub(super) fn unprintable(s: &str, f: Face) -> Option<char> {
    let f = face(f);
    s.chars().find(|c| !c.is_control() && f.glyph(*c).is_none())
}

/// Width of `s` in millimetres at `size` points. Characters without a glyph count as nothing;
/// [`Page::text`] refuses them before they get here.
///
/// [`Page::text`]: super::Page::text
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
pub(super) fn ascent(size: f32) -> f32 {
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
pub(super) fn wrap_places(s: &str, f: Face, size: f32, max: f32) -> Vec<String> {
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
