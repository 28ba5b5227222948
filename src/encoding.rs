//! Legacy Vietnamese encodings: text typed in TCVN3 (ABC) or VNI-Windows, as it comes out of the
//! district's Excel and CSV files, turned into Unicode NFC; and a detector that tells which of
//! them a roll was typed in.
//!
//! Both encodings are font tricks of the 1990s: the bytes are those of Windows-1252, and only a
//! special font (`.VnTime`, `VNI-Times`…) draws them as Vietnamese letters.
//!
//! - **TCVN3** (TCVN 5712:1993, the ABC fonts `.VnTime`, `.VnArial`…) gives each letter one byte:
//!   the lower-case letters and the capitals Ă Â Ê Ô Ơ Ư Đ sit in 0xA1–0xFE ("NguyÔn ThÞ H­êng" is
//!   "Nguyễn Thị Hường", with the soft hyphen 0xAD as ư). The ABC fonts have no accented
//!   capitals: a heading font (`.VnTimeH`, `.VnArialH`) draws the same lower-case codes as
//!   capitals. The full form of the standard (VN1) also places the accented capitals in the
//!   remaining gaps of 0xA1–0xFF, in 0x80–0x9F and at a few C0 positions (0x01–0x17); those are
//!   decoded too, though the usual input methods never produce them.
//! - **VNI-Windows** (`VNI-Times`, `VNI-Helve`…) writes an ASCII base letter followed by one
//!   mark byte ("Nguyeãn Thò Höôøng"); a few letters are single bytes (Ñ ñ = Đ đ, Ô ô = Ơ ơ,
//!   Ö ö = Ư ư, the toned i and ỵ). Capitals are a capital base letter and the capital form of the
//!   mark.
//!
//! Reading an .xlsx file gives each legacy byte back as the character that byte has in
//! Windows-1252: the Latin-1 character for most bytes, the cp1252 punctuation (€ ‚ ƒ „ … “ ” …)
//! for 0x80–0x9F, and sometimes a C1 control for the five bytes cp1252 leaves undefined. The
//! importer decodes non-UTF-8 CSV files as Windows-1252 as well, so both paths meet here: every
//! character is mapped back to its byte (both forms of 0x80–0x9F are accepted) before the
//! legacy table is applied. Characters that no byte gives (ễ, ư, CJK…) are left as they are.
//!
//! Nothing here panics, whatever the input.

use std::fmt;

use serde::{Deserialize, Serialize};

use unicode_normalization::UnicodeNormalization;

use crate::text::nfc;

/// Which encoding text was typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum TextEncoding {
    /// Unicode: the text is already right and is only brought to NFC.
    Unicode,
    /// TCVN3 (ABC): one byte per letter, fonts `.VnTime`, `.VnArial`, heading fonts `.VnTimeH`…
    Tcvn3,
    /// VNI-Windows: base letter followed by mark bytes, fonts `VNI-Times`, `VNI-Helve`…
    Vni,
}

impl TextEncoding {
    /// Every encoding, in the order detection breaks ties: Unicode first, since leaving text
    /// alone is the least harmful mistake.
    pub const ALL: [TextEncoding; 3] = [
        TextEncoding::Unicode,
        TextEncoding::Tcvn3,
        TextEncoding::Vni,
    ];

    /// The stable name: `"unicode"`, `"tcvn3"` or `"vni"` (the same as the serde form).
    pub fn as_str(self) -> &'static str {
        match self {
            TextEncoding::Unicode => "unicode",
            TextEncoding::Tcvn3 => "tcvn3",
            TextEncoding::Vni => "vni",
        }
    }

    /// Parses a name given by [`TextEncoding::as_str`]; case and surrounding blanks are ignored.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        TextEncoding::ALL
            .into_iter()
            .find(|e| e.as_str().eq_ignore_ascii_case(s))
    }

    fn index(self) -> usize {
        match self {
            TextEncoding::Unicode => 0,
            TextEncoding::Tcvn3 => 1,
            TextEncoding::Vni => 2,
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

/// Tone indices, the column order of [`VOWELS`]: không dấu, sắc, huyền, hỏi, ngã, nặng.
const ACUTE: usize = 1;
const GRAVE: usize = 2;
const HOOK: usize = 3;
const TILDE: usize = 4;
const DOT: usize = 5;

/// The twelve Vietnamese vowels (lower case), each with its five tones in the order: none,
/// acute (sắc), grave (huyền), hook above (hỏi), tilde (ngã), dot below (nặng).
const VOWELS: [[char; 6]; 12] = [
    ['a', 'á', 'à', 'ả', 'ã', 'ạ'],
    ['ă', 'ắ', 'ằ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ấ', 'ầ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'é', 'è', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ế', 'ề', 'ể', 'ễ', 'ệ'],
    ['i', 'í', 'ì', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ó', 'ò', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ố', 'ồ', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ớ', 'ờ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ú', 'ù', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ứ', 'ừ', 'ử', 'ữ', 'ự'],
    ['y', 'ý', 'ỳ', 'ỷ', 'ỹ', 'ỵ'],
];

/// Rows of [`VOWELS`] that VNI builds from a base byte and a mark.
const ROW_A: usize = 0;
const ROW_A_BREVE: usize = 1;
const ROW_A_CIRC: usize = 2;
const ROW_E: usize = 3;
const ROW_E_CIRC: usize = 4;
const ROW_I: usize = 5;
const ROW_O: usize = 6;
const ROW_O_CIRC: usize = 7;
const ROW_O_HORN: usize = 8;
const ROW_U: usize = 9;
const ROW_U_HORN: usize = 10;
const ROW_Y: usize = 11;

/// Windows-1252 characters of bytes 0x80–0x9F (0x81, 0x8D, 0x8F, 0x90 and 0x9D are undefined in
/// cp1252 and arrive as the C1 controls U+0081… instead).
const CP1252_HIGH: [(char, u8); 27] = [
    ('€', 0x80),
    ('‚', 0x82),
    ('ƒ', 0x83),
    ('„', 0x84),
    ('…', 0x85),
    ('†', 0x86),
    ('‡', 0x87),
    ('ˆ', 0x88),
    ('‰', 0x89),
    ('Š', 0x8A),
    ('‹', 0x8B),
    ('Œ', 0x8C),
    ('Ž', 0x8E),
    ('‘', 0x91),
    ('’', 0x92),
    ('“', 0x93),
    ('”', 0x94),
    ('•', 0x95),
    ('–', 0x96),
    ('—', 0x97),
    ('˜', 0x98),
    ('™', 0x99),
    ('š', 0x9A),
    ('›', 0x9B),
    ('œ', 0x9C),
    ('ž', 0x9E),
    ('Ÿ', 0x9F),
];

/// TCVN 5712:1993 for bytes 0x80–0xFF. The ABC (VN3) letters are the 7 capitals and 7 plain
/// lower-case letters at 0xA1–0xAE and the toned lower-case letters at 0xB5–0xFE; every other
/// position holds an accented capital of the full (VN1) set, or at 0xB0–0xB4 a combining tone
/// mark. 0xA0 is the no-break space.
const TCVN3_HIGH: [char; 128] = [
    // 0x80
    'À', 'Ả', 'Ã', 'Á', 'Ạ', 'Ặ', 'Ậ', 'È', 'Ẻ', 'Ẽ', 'É', 'Ẹ', 'Ệ', 'Ì', 'Ỉ', 'Ĩ',
    // 0x90
    'Í', 'Ị', 'Ò', 'Ỏ', 'Õ', 'Ó', 'Ọ', 'Ộ', 'Ờ', 'Ở', 'Ỡ', 'Ớ', 'Ợ', 'Ù', 'Ủ', 'Ũ',
    // 0xA0
    '\u{A0}', 'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', 'Ằ',
    // 0xB0
    '\u{300}', '\u{309}', '\u{303}', '\u{301}', '\u{323}', 'à', 'ả', 'ã', 'á', 'ạ', 'Ẳ', 'ằ', 'ẳ',
    'ẵ', 'ắ', 'Ẵ', // 0xC0
    'Ắ', 'Ầ', 'Ẩ', 'Ẫ', 'Ấ', 'Ề', 'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', 'Ể', 'ẻ', 'ẽ',
    // 0xD0
    'é', 'ẹ', 'ề', 'ể', 'ễ', 'ế', 'ệ', 'ì', 'ỉ', 'Ễ', 'Ế', 'Ồ', 'ĩ', 'í', 'ị', 'ò',
    // 0xE0
    'Ổ', 'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ', 'ù',
    // 0xF0
    'Ỗ', 'ủ', 'ũ', 'ú', 'ụ', 'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ', 'Ố',
];

/// The accented capitals TCVN 5712 (VN1) places among the C0 controls.
const TCVN3_LOW: [(u8, char); 12] = [
    (0x01, 'Ú'),
    (0x02, 'Ụ'),
    (0x04, 'Ừ'),
    (0x05, 'Ử'),
    (0x06, 'Ữ'),
    (0x11, 'Ứ'),
    (0x12, 'Ự'),
    (0x13, 'Ỳ'),
    (0x14, 'Ỷ'),
    (0x15, 'Ỹ'),
    (0x16, 'Ý'),
    (0x17, 'Ỵ'),
];

/// VNI-Windows bytes that are a whole letter by themselves.
const VNI_LETTERS: [(u8, char); 18] = [
    (0xD1, 'Đ'),
    (0xF1, 'đ'),
    (0xD4, 'Ơ'),
    (0xF4, 'ơ'),
    (0xD6, 'Ư'),
    (0xF6, 'ư'),
    (0xCD, 'Í'),
    (0xED, 'í'),
    (0xCC, 'Ì'),
    (0xEC, 'ì'),
    (0xC6, 'Ỉ'),
    (0xE6, 'ỉ'),
    (0xD3, 'Ĩ'),
    (0xF3, 'ĩ'),
    (0xD2, 'Ị'),
    (0xF2, 'ị'),
    (0xCE, 'Ỵ'),
    (0xEE, 'ỵ'),
];

/// What a VNI mark adds to the base letter besides the tone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hat {
    /// Tone only.
    Plain,
    /// Circumflex (â ê ô), with or without a tone.
    Circumflex,
    /// Breve (ă), with or without a tone.
    Breve,
}

/// VNI-Windows mark bytes in their lower-case form; the capital form is the byte minus 0x20
/// (ù 0xF9 → Ù 0xD9). Each gives a hat and a tone.
const VNI_MARKS: [(u8, Hat, usize); 17] = [
    (0xF9, Hat::Plain, ACUTE),      // ù
    (0xF8, Hat::Plain, GRAVE),      // ø
    (0xFB, Hat::Plain, HOOK),       // û
    (0xF5, Hat::Plain, TILDE),      // õ
    (0xEF, Hat::Plain, DOT),        // ï
    (0xE2, Hat::Circumflex, 0),     // â
    (0xE1, Hat::Circumflex, ACUTE), // á
    (0xE0, Hat::Circumflex, GRAVE), // à
    (0xE5, Hat::Circumflex, HOOK),  // å
    (0xE3, Hat::Circumflex, TILDE), // ã
    (0xE4, Hat::Circumflex, DOT),   // ä
    (0xEA, Hat::Breve, 0),          // ê
    (0xE9, Hat::Breve, ACUTE),      // é
    (0xE8, Hat::Breve, GRAVE),      // è
    (0xFA, Hat::Breve, HOOK),       // ú
    (0xFC, Hat::Breve, TILDE),      // ü
    (0xEB, Hat::Breve, DOT),        // ë
];

// ---------------------------------------------------------------------------------------------
// Byte recovery
// ---------------------------------------------------------------------------------------------

/// The legacy byte a character stands for: U+0000–U+00FF are the byte itself (Latin-1, and the
/// C1 controls for the bytes cp1252 leaves undefined), the cp1252 punctuation is 0x80–0x9F.
fn legacy_byte(c: char) -> Option<u8> {
    match u8::try_from(u32::from(c)) {
        Ok(b) => Some(b),
        Err(_) => CP1252_HIGH.iter().find(|(ch, _)| *ch == c).map(|&(_, b)| b),
    }
}

/// Whether the text holds letters only Unicode has (ă đ ơ ư ĩ ũ, the precomposed block
/// U+1EA0–U+1EF9, or combining Vietnamese marks): legacy text read as Windows-1252 never does,
/// so such a cell is Unicode whatever the roll's encoding.
fn has_unicode_vietnamese(text: &str) -> bool {
    text.chars().any(|c| {
        matches!(
            c,
            'Ă' | 'ă' | 'Đ' | 'đ' | 'Ĩ' | 'ĩ' | 'Ũ' | 'ũ' | 'Ơ' | 'ơ' | 'Ư' | 'ư' | '\u{1EA0}'
                ..='\u{1EF9}'
                    | '\u{300}'
                    | '\u{301}'
                    | '\u{302}'
                    | '\u{303}'
                    | '\u{306}'
                    | '\u{309}'
                    | '\u{31B}'
                    | '\u{323}'
        )
    })
}

// ---------------------------------------------------------------------------------------------
// TCVN3
// ---------------------------------------------------------------------------------------------

/// The letter a TCVN3 byte stands for; `None` for bytes that are themselves (ASCII, controls).
fn tcvn3_char(b: u8) -> Option<char> {
    if b >= 0x80 {
        TCVN3_HIGH.get(usize::from(b - 0x80)).copied()
    } else {
        TCVN3_LOW
            .iter()
            .find(|(code, _)| *code == b)
            .map(|&(_, c)| c)
    }
}

/// Whether a byte is one of the ABC (VN3) letters that input methods actually type.
fn tcvn3_is_abc(b: u8) -> bool {
    matches!(
        b,
        0xA1..=0xAE | 0xB5..=0xB9 | 0xBB..=0xBE | 0xC6..=0xCC | 0xCE..=0xD8 | 0xDC..=0xDF
            | 0xE1..=0xEF | 0xF1..=0xFE
    )
}

/// Decodes TCVN3 (not yet NFC). The flag says whether the text was plain ABC: every character
/// came from a byte, and no letter needed the full-set positions.
fn decode_tcvn3(text: &str) -> (String, bool) {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut abc = true;
    for c in text.chars() {
        match legacy_byte(c) {
            None => {
                abc = false;
                out.push(c);
            }
            Some(b) => match tcvn3_char(b) {
                Some(letter) => {
                    if b != 0xA0 && !tcvn3_is_abc(b) {
                        abc = false;
                    }
                    out.push(letter);
                }
                None => out.push(c),
            },
        }
    }
    (out, abc)
}

// ---------------------------------------------------------------------------------------------
// VNI
// ---------------------------------------------------------------------------------------------

/// A VNI byte that takes marks: its row in [`VOWELS`] and whether it is a capital.
fn vni_base(b: u8) -> Option<(usize, bool)> {
    let row = match b.to_ascii_lowercase() {
        b'a' => ROW_A,
        b'e' => ROW_E,
        b'i' => ROW_I,
        b'o' => ROW_O,
        b'u' => ROW_U,
        b'y' => ROW_Y,
        0xF4 | 0xD4 => ROW_O_HORN,
        0xF6 | 0xD6 => ROW_U_HORN,
        _ => return None,
    };
    Some((row, b.is_ascii_uppercase() || b == 0xD4 || b == 0xD6))
}

/// A VNI mark byte, capital or lower-case form.
fn vni_mark(b: u8) -> Option<(Hat, usize)> {
    let lower = if (0xC0..=0xDF).contains(&b) {
        b + 0x20
    } else {
        b
    };
    VNI_MARKS
        .iter()
        .find(|(code, _, _)| *code == lower)
        .map(|&(_, hat, tone)| (hat, tone))
}

/// A single-byte VNI letter.
fn vni_letter(b: u8) -> Option<char> {
    VNI_LETTERS
        .iter()
        .find(|(code, _)| *code == b)
        .map(|&(_, c)| c)
}

/// The row a hat turns a base row into, if that base takes it.
fn with_hat(row: usize, hat: Hat) -> Option<usize> {
    match (hat, row) {
        (Hat::Plain, _) => Some(row),
        (Hat::Circumflex, ROW_A) => Some(ROW_A_CIRC),
        (Hat::Circumflex, ROW_E) => Some(ROW_E_CIRC),
        (Hat::Circumflex, ROW_O) => Some(ROW_O_CIRC),
        (Hat::Breve, ROW_A) => Some(ROW_A_BREVE),
        _ => None,
    }
}

/// The letter of a vowel row and tone, in the asked case.
fn vowel(row: usize, tone: usize, capital: bool, out: &mut String) {
    let Some(&c) = VOWELS.get(row).and_then(|r| r.get(tone)) else {
        return;
    };
    if capital {
        out.extend(c.to_uppercase());
    } else {
        out.push(c);
    }
}

/// Decodes VNI-Windows (not yet NFC). The flag says whether the text was clean VNI: every
/// character came from a byte and every mark byte followed a letter that takes it. A mark that
/// follows no such letter is left as the character it arrived as.
fn decode_vni(text: &str) -> (String, bool) {
    let chars: Vec<char> = text.chars().collect();
    let byte_at = |i: usize| chars.get(i).copied().and_then(legacy_byte);
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut clean = true;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let Some(b) = legacy_byte(c) else {
            clean = false;
            out.push(c);
            i += 1;
            continue;
        };
        if let Some((base_row, capital)) = vni_base(b) {
            let mut row = base_row;
            let mut tone = 0;
            let mut used = 1;
            if let Some((hat, t)) = byte_at(i + 1).and_then(vni_mark) {
                if let Some(r) = with_hat(base_row, hat) {
                    row = r;
                    tone = t;
                    used = 2;
                    // Lenient: a hat without tone followed by a plain tone mark ("aâù" for ấ).
                    if hat != Hat::Plain && t == 0 {
                        if let Some((Hat::Plain, t2)) = byte_at(i + 2).and_then(vni_mark) {
                            tone = t2;
                            used = 3;
                        }
                    }
                }
            }
            vowel(row, tone, capital, &mut out);
            i += used;
            continue;
        }
        if let Some(letter) = vni_letter(b) {
            out.push(letter);
        } else {
            if vni_mark(b).is_some() {
                clean = false;
            }
            out.push(c);
        }
        i += 1;
    }
    (out, clean)
}

// ---------------------------------------------------------------------------------------------
// Public conversion
// ---------------------------------------------------------------------------------------------

/// Converts one cell's text from `enc` to Unicode NFC. Unicode input is only NFC-normalised.
///
/// Each character is first mapped back to the byte it stands for (its Windows-1252 form, or a
/// C1 control for the bytes cp1252 leaves undefined) and then through the legacy table;
/// characters no byte gives are kept. A cell that already holds letters only Unicode has (ư ơ
/// đ ă ĩ ũ, U+1EA0–U+1EF9, combining marks) is Unicode whatever `enc` says, since a roll partly
/// retyped in Unicode would otherwise have those cells garbled; it is only NFC-normalised.
pub fn decode(text: &str, enc: TextEncoding) -> String {
    decode_cell(text, enc, false)
}

/// Like [`decode`], but a TCVN3 heading font (name ends in 'H', e.g. ".VnTimeH") makes the
/// letters capitals; a VNI or TCVN3 font name also says which encoding the cell is in.
///
/// `font` is the name of the cell's font; when it names neither a TCVN3 nor a VNI font (or is
/// `None`), `fallback` (usually the roll's detected or chosen encoding) is used. A heading
/// font turns every letter of the cell to a capital, as the font draws it.
pub fn decode_with_font(text: &str, font: Option<&str>, fallback: TextEncoding) -> String {
    let by_font = font.and_then(encoding_of_font);
    let enc = by_font.unwrap_or(fallback);
    let heading = by_font == Some(TextEncoding::Tcvn3) && font.is_some_and(is_heading_font);
    decode_cell(text, enc, heading)
}

fn decode_cell(text: &str, enc: TextEncoding, heading: bool) -> String {
    if enc == TextEncoding::Unicode || has_unicode_vietnamese(text) {
        return nfc(text);
    }
    let decoded = match enc {
        TextEncoding::Tcvn3 => decode_tcvn3(text).0,
        _ => decode_vni(text).0,
    };
    if heading {
        let upper: String = decoded.chars().flat_map(char::to_uppercase).collect();
        nfc(&upper)
    } else {
        nfc(&decoded)
    }
}

/// The encoding a font name implies: ".VnTime"/".VnArial"/".Vn*" → Tcvn3, "VNI-*" → Vni, else
/// None. Case and surrounding blanks are ignored.
pub fn encoding_of_font(font: &str) -> Option<TextEncoding> {
    let f = font.trim();
    let starts = |prefix: &str| {
        f.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    if starts(".vn") {
        Some(TextEncoding::Tcvn3)
    } else if starts("vni-") || starts("vni ") || starts("vni_") {
        Some(TextEncoding::Vni)
    } else {
        None
    }
}

/// Whether a font is a TCVN3 heading font (".VnTimeH", ".VnArialH"…), which draws the
/// lower-case codes as capitals. The final 'H' must be a capital: ".VnBrush" is not one.
pub fn is_heading_font(font: &str) -> bool {
    encoding_of_font(font) == Some(TextEncoding::Tcvn3) && font.trim_end().ends_with('H')
}

// ---------------------------------------------------------------------------------------------
// Detection
// ---------------------------------------------------------------------------------------------

/// The guess of [`detect`] about a roll's encoding.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// The most likely encoding (Unicode when nothing points elsewhere).
    pub encoding: TextEncoding,
    /// How strongly the samples back it, in 0..=1: the share of the marked words that decode
    /// to valid syllables in this encoding, times how one-sided the words that tell it from each
    /// other encoding are.
    pub confidence: f64,
    /// Whether the guess can be used without asking: enough words tell it apart and nearly all
    /// agree. When false the clerk should choose (force) the encoding.
    pub sure: bool,
}

/// Confidence needed for [`Detection::sure`].
const SURE_CONFIDENCE: f64 = 0.75;
/// Words that must speak for the winner against each rival for [`Detection::sure`].
const SURE_EVIDENCE: usize = 3;

/// Guess from sample texts (the names and villages of a roll): counts evidence for each
/// encoding and returns the best with a confidence in 0..=1 and whether it is sure.
///
/// Every word with a non-ASCII character is read three ways (as Unicode, decoded as TCVN3,
/// decoded as VNI) and each reading is checked to be a well-formed Vietnamese syllable (onset,
/// vowel nucleus, final, at most one tone, stop finals only with sắc or nặng). A word in
/// Unicode-only letters always counts for Unicode; a legacy reading counts only if every
/// character came from a byte and the word uses what input methods type (no stray VNI mark,
/// no full-set TCVN3 capital). Text without any non-ASCII letter is Unicode, and sure; empty
/// input, mixed encodings or too few telling words give `sure == false`.
pub fn detect<'a, I: IntoIterator<Item = &'a str>>(samples: I) -> Detection {
    let mut words_seen = 0usize;
    let mut readings: Vec<Reading> = Vec::new();
    for sample in samples {
        for word in sample.split(|c: char| !is_word_char(c)) {
            if word.is_empty() {
                continue;
            }
            words_seen += 1;
            if !word.is_ascii() {
                readings.push(Reading::of(word));
            }
        }
    }
    if readings.is_empty() {
        return Detection {
            encoding: TextEncoding::Unicode,
            confidence: if words_seen > 0 { 1.0 } else { 0.0 },
            sure: words_seen > 0,
        };
    }

    let valid_count = |e: TextEncoding| readings.iter().filter(|r| r.valid[e.index()]).count();
    let mut best = TextEncoding::Unicode;
    for e in TextEncoding::ALL {
        if valid_count(e) > valid_count(best) {
            best = e;
        }
    }
    let b = best.index();
    let best_valid = valid_count(best);
    let coverage = best_valid as f64 / readings.len() as f64;

    let mut margin = 1.0f64;
    let mut evidence = usize::MAX;
    for rival in TextEncoding::ALL {
        let x = rival.index();
        if x == b {
            continue;
        }
        let differ = readings
            .iter()
            .filter(|r| r.valid[b] != r.valid[x] || r.text[b] != r.text[x])
            .count();
        if differ == 0 {
            continue; // the two readings agree on every word: nothing to choose
        }
        let pro = readings
            .iter()
            .filter(|r| r.valid[b] && !r.valid[x])
            .count();
        let con = readings
            .iter()
            .filter(|r| r.valid[x] && !r.valid[b])
            .count();
        let m = if pro + con == 0 {
            0.0
        } else {
            (pro as f64 - con as f64) / (pro + con) as f64
        };
        margin = margin.min(m);
        evidence = evidence.min(pro);
    }
    let confidence = (coverage * margin).clamp(0.0, 1.0);
    Detection {
        encoding: best,
        confidence,
        sure: best_valid > 0 && confidence >= SURE_CONFIDENCE && evidence >= SURE_EVIDENCE,
    }
}

/// Characters that belong to words: ASCII letters and any non-ASCII character except blanks,
/// controls and general punctuation. The TCVN3 letters include Latin-1 symbols (§ ¨ © ª « ¬ ®)
/// and the soft hyphen, which must stay inside their words.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else {
        !c.is_whitespace() && !('\u{2000}'..='\u{206F}').contains(&c)
    }
}

/// One word read in each encoding: the NFC text and whether it is a valid syllable.
struct Reading {
    text: [String; 3],
    valid: [bool; 3],
}

impl Reading {
    fn of(word: &str) -> Self {
        let unicode = nfc(word);
        let unicode_valid = has_unicode_vietnamese(word) || is_vietnamese_syllable(&unicode);
        let (tcvn3, tcvn3_abc) = decode_tcvn3(word);
        let tcvn3 = nfc(&tcvn3);
        let tcvn3_valid = tcvn3_abc && is_vietnamese_syllable(&tcvn3);
        let (vni, vni_clean) = decode_vni(word);
        let vni = nfc(&vni);
        let vni_valid = vni_clean && is_vietnamese_syllable(&vni);
        Reading {
            text: [unicode, tcvn3, vni],
            valid: [unicode_valid, tcvn3_valid, vni_valid],
        }
    }
}

/// Consonants that spell Vietnamese onsets and finals.
const CONSONANTS: [char; 17] = [
    'b', 'c', 'd', 'đ', 'g', 'h', 'k', 'l', 'm', 'n', 'p', 'q', 'r', 's', 't', 'v', 'x',
];

/// Onsets (âm đầu), including none.
const ONSETS: [&str; 28] = [
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
];

/// Rimes (vần) as a nucleus (with its medial glide) and the finals it takes; "" is an open
/// syllable.
const RIMES: [(&str, &[&str]); 25] = [
    (
        "a",
        &[
            "", "c", "ch", "i", "m", "n", "ng", "nh", "o", "p", "t", "u", "y",
        ],
    ),
    ("ă", &["c", "m", "n", "ng", "p", "t"]),
    ("â", &["c", "m", "n", "ng", "p", "t", "u", "y"]),
    ("e", &["", "c", "m", "n", "ng", "o", "p", "t"]),
    ("ê", &["", "ch", "m", "n", "nh", "p", "t", "u"]),
    ("i", &["", "a", "ch", "m", "n", "nh", "p", "t", "u"]),
    ("iê", &["c", "m", "n", "ng", "p", "t", "u"]),
    ("yê", &["c", "m", "n", "ng", "p", "t", "u"]),
    ("o", &["", "c", "i", "m", "n", "ng", "p", "t"]),
    ("oo", &["c", "ng"]),
    ("ô", &["", "c", "i", "m", "n", "ng", "p", "t"]),
    ("ơ", &["", "i", "m", "n", "p", "t"]),
    ("u", &["", "a", "c", "i", "m", "n", "ng", "p", "t"]),
    ("uô", &["c", "i", "m", "n", "ng", "t"]),
    ("ư", &["", "a", "c", "i", "m", "n", "ng", "t", "u"]),
    ("ươ", &["c", "i", "m", "n", "ng", "p", "t", "u"]),
    ("y", &["", "ch", "n", "nh", "p", "t", "u"]),
    (
        "oa",
        &["", "c", "ch", "i", "m", "n", "ng", "nh", "o", "p", "t", "y"],
    ),
    ("oă", &["c", "m", "n", "ng", "t"]),
    ("oe", &["", "n", "o", "t"]),
    ("uâ", &["n", "ng", "t", "y"]),
    ("uê", &["", "ch", "n", "nh"]),
    ("uy", &["", "a", "ch", "n", "nh", "p", "t", "u"]),
    ("uyê", &["n", "t"]),
    ("uơ", &[""]),
];

/// Whether a word (NFC) is a well-formed Vietnamese syllable, in any case.
fn is_vietnamese_syllable(word: &str) -> bool {
    let mut letters = String::with_capacity(word.len());
    let mut tone = 0usize;
    let mut count = 0usize;
    for c in word.chars() {
        let mut lower = c.to_lowercase();
        let (Some(l), None) = (lower.next(), lower.next()) else {
            return false;
        };
        count += 1;
        if count > 7 {
            return false; // "nghiêng" is the longest syllable
        }
        if let Some((row, t)) = VOWELS
            .iter()
            .enumerate()
            .find_map(|(row, r)| r.iter().position(|&v| v == l).map(|t| (row, t)))
        {
            if t != 0 {
                if tone != 0 {
                    return false;
                }
                tone = t;
            }
            letters.push(VOWELS[row][0]);
        } else if CONSONANTS.contains(&l) {
            letters.push(l);
        } else {
            return false;
        }
    }
    ONSETS.iter().any(|onset| {
        letters
            .strip_prefix(onset)
            .is_some_and(|rime| rime_is_valid(rime, tone))
    })
}

fn rime_is_valid(rime: &str, tone: usize) -> bool {
    RIMES.iter().any(|(nucleus, finals)| {
        rime.strip_prefix(nucleus).is_some_and(|fin| {
            finals.contains(&fin)
                && (!matches!(fin, "c" | "ch" | "p" | "t") || tone == ACUTE || tone == DOT)
        })
    })
}

// The encoder, written from the tables as the converters lay them out (unikey's vnconv rows:
// base, sắc, huyền, hỏi, ngã, nặng), independently of the decoding tables above, so that the
// round-trip tests compare two transcriptions. It makes legacy files for tests and for sending
// to offices whose tools still need them.

/// TCVN3 lower-case codes per row of VOWELS.
const TCVN3_VOWELS: [[u8; 6]; 12] = [
    [b'a', 0xB8, 0xB5, 0xB6, 0xB7, 0xB9],
    [0xA8, 0xBE, 0xBB, 0xBC, 0xBD, 0xC6],
    [0xA9, 0xCA, 0xC7, 0xC8, 0xC9, 0xCB],
    [b'e', 0xD0, 0xCC, 0xCE, 0xCF, 0xD1],
    [0xAA, 0xD5, 0xD2, 0xD3, 0xD4, 0xD6],
    [b'i', 0xDD, 0xD7, 0xD8, 0xDC, 0xDE],
    [b'o', 0xE3, 0xDF, 0xE1, 0xE2, 0xE4],
    [0xAB, 0xE8, 0xE5, 0xE6, 0xE7, 0xE9],
    [0xAC, 0xED, 0xEA, 0xEB, 0xEC, 0xEE],
    [b'u', 0xF3, 0xEF, 0xF1, 0xF2, 0xF4],
    [0xAD, 0xF8, 0xF5, 0xF6, 0xF7, 0xF9],
    [b'y', 0xFD, 0xFA, 0xFB, 0xFC, 0xFE],
];

/// VNI spelling (lower case) per row of VOWELS; capitals are the upper-cased spelling.
const VNI_VOWELS: [[&str; 6]; 12] = [
    ["a", "aù", "aø", "aû", "aõ", "aï"],
    ["aê", "aé", "aè", "aú", "aü", "aë"],
    ["aâ", "aá", "aà", "aå", "aã", "aä"],
    ["e", "eù", "eø", "eû", "eõ", "eï"],
    ["eâ", "eá", "eà", "eå", "eã", "eä"],
    ["i", "í", "ì", "æ", "ó", "ò"],
    ["o", "où", "oø", "oû", "oõ", "oï"],
    ["oâ", "oá", "oà", "oå", "oã", "oä"],
    ["ô", "ôù", "ôø", "ôû", "ôõ", "ôï"],
    ["u", "uù", "uø", "uû", "uõ", "uï"],
    ["ö", "öù", "öø", "öû", "öõ", "öï"],
    ["y", "yù", "yø", "yû", "yõ", "î"],
];

/// Byte as it comes back from an .xlsx file: its Windows-1252 character.
fn cp1252(b: u8) -> char {
    CP1252_HIGH
        .iter()
        .find(|(_, code)| *code == b)
        .map(|&(c, _)| c)
        .unwrap_or(char::from(b))
}

/// Unicode → TCVN3, as .xlsx gives it back. Accented capitals have no code of their own in the
/// base font: they get the lower-case code, as a typist's .VnTimeH heading font does.
fn encode_tcvn3(s: &str) -> String {
    s.nfc()
        .map(|c| {
            let plain_caps = [
                ('Ă', 0xA1),
                ('Â', 0xA2),
                ('Ê', 0xA3),
                ('Ô', 0xA4),
                ('Ơ', 0xA5),
                ('Ư', 0xA6),
                ('Đ', 0xA7),
                ('đ', 0xAE),
            ];
            if let Some(&(_, b)) = plain_caps.iter().find(|(u, _)| *u == c) {
                return cp1252(b);
            }
            if c.is_ascii() {
                return c;
            }
            let lower = c.to_lowercase().next().unwrap_or(c);
            for (row, tones) in VOWELS.iter().enumerate() {
                if let Some(t) = tones.iter().position(|&v| v == lower) {
                    return cp1252(TCVN3_VOWELS[row][t]);
                }
            }
            c
        })
        .collect()
}

/// Unicode → VNI-Windows.
fn encode_vni(s: &str) -> String {
    let mut out = String::new();
    for c in s.nfc() {
        match c {
            'đ' => out.push('ñ'),
            'Đ' => out.push('Ñ'),
            _ => {
                let lower = c.to_lowercase().next().unwrap_or(c);
                let found = VOWELS.iter().enumerate().find_map(|(row, tones)| {
                    tones.iter().position(|&v| v == lower).map(|t| (row, t))
                });
                match found {
                    Some((row, t)) if lower != c => {
                        out.push_str(&VNI_VOWELS[row][t].to_uppercase())
                    }
                    Some((row, t)) => out.push_str(VNI_VOWELS[row][t]),
                    None => out.push(c),
                }
            }
        }
    }
    out
}

/// Converts Unicode text to a legacy encoding (as the characters an .xlsx file gives back for
/// the legacy bytes). Unicode is returned in NFC. For tests, and for offices whose tools still
/// need legacy files.
pub fn encode(text: &str, enc: TextEncoding) -> String {
    match enc {
        TextEncoding::Unicode => text.nfc().collect(),
        TextEncoding::Tcvn3 => encode_tcvn3(text),
        TextEncoding::Vni => encode_vni(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    fn all_lower_letters() -> Vec<char> {
        let mut v: Vec<char> = VOWELS.iter().flatten().copied().collect();
        v.push('đ');
        v
    }

    #[test]
    fn vowel_table_is_unicode_composition() {
        let bases = [
            "a", "a\u{306}", "a\u{302}", "e", "e\u{302}", "i", "o", "o\u{302}", "o\u{31B}", "u",
            "u\u{31B}", "y",
        ];
        let marks = ["", "\u{301}", "\u{300}", "\u{309}", "\u{303}", "\u{323}"];
        for (row, base) in bases.iter().enumerate() {
            for (t, mark) in marks.iter().enumerate() {
                let composed: String = format!("{base}{mark}").nfc().collect();
                assert_eq!(composed, VOWELS[row][t].to_string(), "row {row} tone {t}");
            }
        }
    }

    #[test]
    fn tcvn3_round_trips_every_lower_case_letter() {
        for c in all_lower_letters() {
            let legacy = encode_tcvn3(&c.to_string());
            assert_eq!(
                decode(&legacy, TextEncoding::Tcvn3),
                c.to_string(),
                "{c} via {legacy:?}"
            );
        }
        for c in ['Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ'] {
            let legacy = encode_tcvn3(&c.to_string());
            assert_eq!(decode(&legacy, TextEncoding::Tcvn3), c.to_string());
        }
        // Every ABC letter code is used exactly once by the encoder table.
        let mut codes: Vec<u8> = TCVN3_VOWELS
            .iter()
            .flatten()
            .copied()
            .filter(|b| *b >= 0x80)
            .collect();
        codes.extend([0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xAE]);
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n);
        assert!(codes.iter().all(|&b| tcvn3_is_abc(b)));
        assert_eq!((0x80..=0xFFu8).filter(|&b| tcvn3_is_abc(b)).count(), n);
    }

    #[test]
    fn tcvn3_words_round_trip() {
        let text = "Nguyễn Thị Hường, Trần Văn Bình, Đặng Đình Đức; thôn Đông, xã Quỳnh Lưu";
        let lower_caps_only: String = text.to_string();
        assert_eq!(
            decode(&encode_tcvn3(&lower_caps_only), TextEncoding::Tcvn3),
            text
        );
    }

    #[test]
    fn tcvn3_capitals_through_heading_font() {
        for c in all_lower_letters() {
            let legacy = encode_tcvn3(&c.to_string());
            let upper: String = c.to_uppercase().collect();
            for font in [".VnTimeH", ".VnArialH", " .VnTimeH "] {
                assert_eq!(
                    decode_with_font(&legacy, Some(font), TextEncoding::Unicode),
                    upper
                );
            }
            // The body font keeps lower case.
            assert_eq!(
                decode_with_font(&legacy, Some(".VnTime"), TextEncoding::Unicode),
                c.to_string()
            );
        }
        assert_eq!(
            decode_with_font(
                "NguyÔn ThÞ H\u{AD}êng",
                Some(".VnTimeH"),
                TextEncoding::Unicode
            ),
            "NGUYỄN THỊ HƯỜNG"
        );
        assert_eq!(
            decode_with_font("§Æng §×nh §øc", Some(".VnArialH"), TextEncoding::Vni),
            "ĐẶNG ĐÌNH ĐỨC"
        );
        assert_eq!(
            decode_with_font("TrÇn V¨n B×nh", Some(".VnTime"), TextEncoding::Unicode),
            "Trần Văn Bình"
        );
    }

    #[test]
    fn tcvn3_real_strings() {
        let cases = [
            ("NguyÔn ThÞ H\u{AD}êng", "Nguyễn Thị Hường"),
            ("TrÇn V¨n B×nh", "Trần Văn Bình"),
            ("§Æng §×nh §øc", "Đặng Đình Đức"),
            ("Lª ThÞ Hoa", "Lê Thị Hoa"),
            ("Ph¹m V¨n Nam", "Phạm Văn Nam"),
            ("Hoµng V¨n Th¾ng", "Hoàng Văn Thắng"),
            ("Th«n §«ng", "Thôn Đông"),
            ("X· Quúnh L\u{AD}u", "Xã Quỳnh Lưu"),
            ("HuyÖn NghÜa §µn, NghÖ An", "Huyện Nghĩa Đàn, Nghệ An"),
            ("Bïi ThÞ Thu Hµ", "Bùi Thị Thu Hà"),
            ("Vò V¨n Dòng", "Vũ Văn Dũng"),
            ("Ng« ThÞ Lîi", "Ngô Thị Lợi"),
            ("D\u{AD}¬ng V¨n Tr\u{AD}êng", "Dương Văn Trường"),
            ("¡", "Ă"),
        ];
        for (legacy, unicode) in cases {
            assert_eq!(decode(legacy, TextEncoding::Tcvn3), unicode, "{legacy}");
            assert_eq!(encode_tcvn3(unicode), legacy);
        }
    }

    #[test]
    fn tcvn3_full_set_positions() {
        // Windows-1252 characters and C1 controls of bytes 0x80–0x9F decode alike.
        for b in 0x80..=0x9Fu8 {
            let as_cp1252 = cp1252(b).to_string();
            let as_control = char::from(b).to_string();
            let want = decode(&as_control, TextEncoding::Tcvn3);
            assert_eq!(decode(&as_cp1252, TextEncoding::Tcvn3), want, "byte {b:#x}");
            assert_eq!(want.chars().count(), 1);
            assert!(
                want.chars().all(char::is_uppercase),
                "byte {b:#x} gave {want}"
            );
        }
        assert_eq!(decode("€", TextEncoding::Tcvn3), "À");
        assert_eq!(decode("\u{81}", TextEncoding::Tcvn3), "Ả");
        assert_eq!(decode("“”", TextEncoding::Tcvn3), "ỎÕ");
        assert_eq!(decode("Ÿ", TextEncoding::Tcvn3), "Ũ");
        assert_eq!(decode("\u{1}\u{17}", TextEncoding::Tcvn3), "ÚỴ");
        assert_eq!(decode("ÿ", TextEncoding::Tcvn3), "Ố");
        // Combining tone marks at 0xB0–0xB4 compose with the letter before.
        assert_eq!(decode("a³", TextEncoding::Tcvn3), "á");
        // Tab, newline and no-break space stay.
        assert_eq!(decode("a\tb\n\u{A0}", TextEncoding::Tcvn3), "a\tb\n\u{A0}");
        // Every upper-half position and the twelve C0 ones give the 60 toned capitals once.
        let mut caps: Vec<char> = (0x00..=0xFFu8)
            .filter_map(tcvn3_char)
            .filter(|c| c.is_uppercase() && !"ĂÂÊÔƠƯĐ".contains(*c))
            .collect();
        caps.sort_unstable();
        assert_eq!(caps.len(), 60);
        caps.dedup();
        let want: Vec<char> = {
            let mut v: Vec<char> = VOWELS
                .iter()
                .flat_map(|r| r[1..].iter())
                .flat_map(|c| c.to_uppercase())
                .collect();
            v.sort_unstable();
            v
        };
        assert_eq!(caps, want);
    }

    #[test]
    fn vni_round_trips_every_letter_both_cases() {
        for c in all_lower_letters() {
            for letter in [c, c.to_uppercase().next().unwrap_or(c)] {
                let legacy = encode_vni(&letter.to_string());
                assert_eq!(
                    decode(&legacy, TextEncoding::Vni),
                    letter.to_string(),
                    "{letter} via {legacy:?}"
                );
            }
        }
        let text = "NGUYỄN THỊ HƯỜNG, Trần Văn Bình, ĐẶNG ĐÌNH ĐỨC, Khuỷu Tay";
        assert_eq!(decode(&encode_vni(text), TextEncoding::Vni), text);
    }

    #[test]
    fn vni_real_strings() {
        let cases = [
            ("Nguyeãn Thò Höôøng", "Nguyễn Thị Hường"),
            ("Ñaëng Ñình Ñöùc", "Đặng Đình Đức"),
            ("Thoân Ñoâng", "Thôn Đông"),
            ("Traàn Vaên Bình", "Trần Văn Bình"),
            ("Leâ Thò Hoa", "Lê Thị Hoa"),
            ("Phaïm Vaên Nam", "Phạm Văn Nam"),
            ("Hoaøng Vaên Thaéng", "Hoàng Văn Thắng"),
            ("Xaõ Quyønh Löu", "Xã Quỳnh Lưu"),
            ("Buøi Thò Thu Haø", "Bùi Thị Thu Hà"),
            ("Vuõ Vaên Duõng", "Vũ Văn Dũng"),
            ("Ngoâ Thò Lôïi", "Ngô Thị Lợi"),
            ("Döông Vaên Tröôøng", "Dương Văn Trường"),
            ("Huyeän Nghóa Ñaøn, Ngheä An", "Huyện Nghĩa Đàn, Nghệ An"),
            ("NGUYEÃN THÒ HÖÔØNG", "NGUYỄN THỊ HƯỜNG"),
            ("ÑAËNG ÑÌNH ÑÖÙC", "ĐẶNG ĐÌNH ĐỨC"),
            ("Thuûy Tieân", "Thủy Tiên"),
        ];
        for (legacy, unicode) in cases {
            assert_eq!(decode(legacy, TextEncoding::Vni), unicode, "{legacy}");
            assert_eq!(encode_vni(unicode), legacy);
        }
        // Lenient forms: a mark in the other case, a hat followed by a separate tone.
        assert_eq!(decode("Aù", TextEncoding::Vni), "Á");
        assert_eq!(decode("aâù", TextEncoding::Vni), "ấ");
        // A stray mark with no letter to sit on is left as it came.
        assert_eq!(decode("Hù 5ø", TextEncoding::Vni), "Hù 5ø");
        // The five undefined cp1252 bytes and the C1 controls are harmless.
        assert_eq!(decode("a\u{81}b€", TextEncoding::Vni), "a\u{81}b€");
    }

    #[test]
    fn unicode_is_only_normalised() {
        assert_eq!(
            decode("Nguye\u{302}\u{303}n", TextEncoding::Unicode),
            "Nguyễn"
        );
        assert_eq!(decode("NguyÔn", TextEncoding::Unicode), "NguyÔn");
        // Cells already in Unicode Vietnamese are left alone whatever the roll's encoding.
        assert_eq!(
            decode("Hoàng Văn Thắng", TextEncoding::Tcvn3),
            "Hoàng Văn Thắng"
        );
        assert_eq!(decode("Bùi Thị Hà", TextEncoding::Vni), "Bùi Thị Hà");
        assert_eq!(decode("", TextEncoding::Vni), "");
    }

    #[test]
    fn fonts() {
        assert_eq!(encoding_of_font(".VnTime"), Some(TextEncoding::Tcvn3));
        assert_eq!(encoding_of_font(".VnArialH"), Some(TextEncoding::Tcvn3));
        assert_eq!(encoding_of_font(" .vntime "), Some(TextEncoding::Tcvn3));
        assert_eq!(encoding_of_font("VNI-Times"), Some(TextEncoding::Vni));
        assert_eq!(encoding_of_font("VNI-Helve"), Some(TextEncoding::Vni));
        assert_eq!(encoding_of_font("vni-times"), Some(TextEncoding::Vni));
        assert_eq!(encoding_of_font("Times New Roman"), None);
        assert_eq!(encoding_of_font("Arial"), None);
        assert_eq!(encoding_of_font(""), None);
        assert_eq!(encoding_of_font("Vn"), None);
        assert_eq!(encoding_of_font("ẞ"), None);
        assert!(is_heading_font(".VnTimeH"));
        assert!(!is_heading_font(".VnTime"));
        assert!(!is_heading_font(".VnBrush"));
        assert!(!is_heading_font("ArialH"));
        // A VNI font beats the fallback; an unknown font falls back.
        assert_eq!(
            decode_with_font("Thoân Ñoâng", Some("VNI-Times"), TextEncoding::Tcvn3),
            "Thôn Đông"
        );
        assert_eq!(
            decode_with_font("Th«n §«ng", Some("Arial"), TextEncoding::Tcvn3),
            "Thôn Đông"
        );
        assert_eq!(
            decode_with_font("Th«n §«ng", None, TextEncoding::Tcvn3),
            "Thôn Đông"
        );
        assert_eq!(
            decode_with_font("Thôn Đông", Some("Arial"), TextEncoding::Unicode),
            "Thôn Đông"
        );
    }

    #[test]
    fn names_and_serde() {
        for e in TextEncoding::ALL {
            assert_eq!(TextEncoding::parse(e.as_str()), Some(e));
            assert_eq!(
                serde_json::to_string(&e).ok(),
                Some(format!("\"{}\"", e.as_str()))
            );
            assert_eq!(e.to_string(), e.as_str());
        }
        assert_eq!(TextEncoding::parse(" TCVN3 "), Some(TextEncoding::Tcvn3));
        assert_eq!(TextEncoding::parse("utf8"), None);
        let back: TextEncoding = serde_json::from_str("\"vni\"").expect("vni parses");
        assert_eq!(back, TextEncoding::Vni);
    }

    #[test]
    fn syllables() {
        for w in [
            "nguyễn", "thị", "hường", "trần", "văn", "bình", "đặng", "đức", "HOÀNG", "Thắng",
            "ngọc", "quỳnh", "giữa", "gì", "nghiêng", "khuỷu", "khuya", "xoong", "yến", "oanh",
            "huỳnh", "quyết", "thuở", "tuấn", "huế", "mười", "a", "ạ", "tran", "bát", "phang",
        ] {
            assert!(is_vietnamese_syllable(w), "{w}");
        }
        for w in [
            "nguyôn",
            "thþ",
            "h\u{AD}êng",
            "nguyeãn",
            "höôøng",
            "bớnh",
            "hửụứng",
            "bat",
            "bàt",
            "xyz",
            "",
            "ngươươi",
            "đđ",
            "thaéng",
            "vaên",
            "hầ",
            "bènh",
        ] {
            assert!(!is_vietnamese_syllable(w), "{w}");
        }
    }

    const UNICODE_ROLL: [&str; 9] = [
        "Nguyễn Thị Hường",
        "Trần Văn Bình",
        "Đặng Đình Đức",
        "Lê Thị Hoa",
        "Phạm Văn Nam",
        "Hoàng Văn Thắng",
        "Thôn Đông",
        "Xã Quỳnh Lưu",
        "Bùi Thị Thu Hà",
    ];

    const TCVN3_ROLL: [&str; 9] = [
        "NguyÔn ThÞ H\u{AD}êng",
        "TrÇn V¨n B×nh",
        "§Æng §×nh §øc",
        "Lª ThÞ Hoa",
        "Ph¹m V¨n Nam",
        "Hoµng V¨n Th¾ng",
        "Th«n §«ng",
        "X· Quúnh L\u{AD}u",
        "Bïi ThÞ Thu Hµ",
    ];

    const VNI_ROLL: [&str; 9] = [
        "Nguyeãn Thò Höôøng",
        "Traàn Vaên Bình",
        "Ñaëng Ñình Ñöùc",
        "Leâ Thò Hoa",
        "Phaïm Vaên Nam",
        "Hoaøng Vaên Thaéng",
        "Thoân Ñoâng",
        "Xaõ Quyønh Löu",
        "Buøi Thò Thu Haø",
    ];

    #[test]
    fn detects_typical_rolls() {
        let d = detect(UNICODE_ROLL);
        assert_eq!(d.encoding, TextEncoding::Unicode, "{d:?}");
        assert!(d.sure && d.confidence > 0.9, "{d:?}");

        let d = detect(TCVN3_ROLL);
        assert_eq!(d.encoding, TextEncoding::Tcvn3, "{d:?}");
        assert!(d.sure && d.confidence > 0.9, "{d:?}");

        let d = detect(VNI_ROLL);
        assert_eq!(d.encoding, TextEncoding::Vni, "{d:?}");
        assert!(d.sure && d.confidence > 0.9, "{d:?}");

        // Capitals: VNI capitals, TCVN3 heading-font cells typed with capital ASCII.
        let d = detect([
            "NGUYEÃN THÒ HÖÔØNG",
            "TRAÀN VAÊN BÌNH",
            "ÑAËNG ÑÌNH ÑÖÙC",
            "THOÂN ÑOÂNG",
        ]);
        assert_eq!((d.encoding, d.sure), (TextEncoding::Vni, true), "{d:?}");
        let d = detect([
            "NGUYÔN THÞ H\u{AD}êNG",
            "TRÇN V¨N B×NH",
            "§ÆNG §×NH §øC",
            "TH«N §«NG",
        ]);
        assert_eq!((d.encoding, d.sure), (TextEncoding::Tcvn3, true), "{d:?}");

        // Decomposed Unicode is still Unicode.
        let nfd: Vec<String> = UNICODE_ROLL.iter().map(|s| s.nfd().collect()).collect();
        let d = detect(nfd.iter().map(String::as_str));
        assert_eq!((d.encoding, d.sure), (TextEncoding::Unicode, true), "{d:?}");

        // Plain ASCII is Unicode, and sure.
        let d = detect(["Nguyen Van An", "Tran Thi Binh", "Thon 3"]);
        assert_eq!(
            d,
            Detection {
                encoding: TextEncoding::Unicode,
                confidence: 1.0,
                sure: true
            }
        );
    }

    #[test]
    fn ambiguous_or_empty_is_not_sure() {
        let d = detect(std::iter::empty::<&str>());
        assert_eq!(
            d,
            Detection {
                encoding: TextEncoding::Unicode,
                confidence: 0.0,
                sure: false
            }
        );
        assert!(!detect(["", "  ", "123, 456"]).sure);
        // "Thò" reads as Unicode thò, TCVN3 thũ and VNI thị: nothing to tell them apart.
        assert!(!detect(["Thò"]).sure);
        // One telling word is too little.
        let d = detect(["Nguyeãn"]);
        assert_eq!(d.encoding, TextEncoding::Vni);
        assert!(!d.sure, "{d:?}");
        // Half TCVN3, half VNI.
        let mixed: Vec<&str> = TCVN3_ROLL[..5]
            .iter()
            .chain(VNI_ROLL[4..].iter())
            .copied()
            .collect();
        let d = detect(mixed);
        assert!(!d.sure, "{d:?}");
        // Half TCVN3, half Unicode.
        let mixed: Vec<&str> = TCVN3_ROLL[..5]
            .iter()
            .chain(UNICODE_ROLL[4..].iter())
            .copied()
            .collect();
        assert!(!detect(mixed).sure);
        // Text in no Vietnamese encoding at all.
        let d = detect(["東京都", "Ωμέγα"]);
        assert!(!d.sure, "{d:?}");
        assert!((0.0..=1.0).contains(&d.confidence));
    }

    proptest! {
        #[test]
        fn decoding_never_panics(s in any::<String>(), font in proptest::option::of(any::<String>())) {
            for e in TextEncoding::ALL {
                let _ = decode(&s, e);
                let _ = decode_with_font(&s, font.as_deref(), e);
            }
            let _ = encoding_of_font(&s);
            let d = detect([s.as_str()]);
            prop_assert!((0.0..=1.0).contains(&d.confidence));
        }

        #[test]
        fn legacy_looking_text_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let s: String = bytes.iter().map(|&b| cp1252(b)).collect();
            for e in TextEncoding::ALL {
                let out = decode(&s, e);
                prop_assert!(!out.is_empty() || s.is_empty());
            }
            let d = detect([s.as_str(), "Nguyeãn"]);
            prop_assert!((0.0..=1.0).contains(&d.confidence));
        }

        #[test]
        fn encoders_round_trip(idx in proptest::collection::vec(0usize..73, 1..12)) {
            let letters = all_lower_letters();
            let word: String = idx.iter().filter_map(|&i| letters.get(i)).collect();
            prop_assert_eq!(decode(&encode_tcvn3(&word), TextEncoding::Tcvn3), word.clone());
            prop_assert_eq!(decode(&encode_vni(&word), TextEncoding::Vni), word);
        }
    }
}
