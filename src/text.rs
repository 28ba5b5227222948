//! Vietnamese text: normal form and the accent-free form that search matches on.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The text in Unicode NFC, as stored and printed. Decomposed input (NFD, common from macOS and
/// some Excel exports) would otherwise look equal on screen yet compare and render differently.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Lower case without diacritics, đ folded to d: "Nguyễn Thị Hường" → "nguyen thi huong".
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Collapses runs of white space to one space and trims the ends, after NFC.
pub fn clean(s: &str) -> String {
    nfc(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Nguyễn Thị Hường"), "nguyen thi huong");
        assert_eq!(fold("ĐẶNG Đình Đức"), "dang dinh duc");
        assert_eq!(fold("Nguye\u{303}n"), "nguyen");
        assert_eq!(nfc("Nguye\u{302}\u{303}n"), "Nguyễn");
        assert_eq!(clean("  Thôn   Đông \t"), "Thôn Đông");
    }
}
