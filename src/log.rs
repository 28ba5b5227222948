//! The one way the programs write a log line (stderr, and the desktop's log file).
//!
//! Logs leave the encrypted ledger: they go to the system journal, to a support e-mail, to a
//! screenshot. So a log line never carries a PIN, a key, an ID card number or a person's name.
//! Callers pass no personal data on purpose; [`redact`] is the second guard for what slips
//! through inside an error's text (a file name, a cell quoted by a parser).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Mutex;

/// Where log lines go besides stderr (the desktop sets its data folder's log file).
static LOG_FILE: Mutex<Option<PathBuf>> = Mutex::new(None);

/// Largest log file kept before it is started afresh (a limit on everything we write).
const MAX_LOG_BYTES: u64 = 4 * 1024 * 1024;

/// Also append every log line to `path` (created readable by the owner only).
pub fn to_file(path: PathBuf) {
    *LOG_FILE.lock().unwrap_or_else(|p| p.into_inner()) = Some(path);
}

/// Writes `component: message` (redacted) to stderr and the log file, if one is set.
pub fn line(component: &str, message: impl std::fmt::Display) {
    let text = format!(
        "{} {component}: {}",
        chrono::Local::now().format("%Y-%m-%dT%H:%M:%S%:z"),
        redact(&message.to_string())
    );
    eprintln!("{text}");
    let file = LOG_FILE.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(path) = file {
        if std::fs::metadata(&path).is_ok_and(|m| m.len() > MAX_LOG_BYTES) {
            let _ = std::fs::remove_file(&path);
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        if let Ok(mut f) = opts.open(&path) {
            let _ = writeln!(f, "{text}");
        }
    }
}

/// Masks what must never reach a log: runs of 4 or more digits (ID card numbers, PINs, phone
/// numbers; amounts are written with dots, `1.200.000`, and stay readable), long hexadecimal
/// runs (keys, signatures, hashes), and two or more capitalised words in a row (a person's name:
/// "Nguyễn Văn An"; place names go too, which a log can do without).
pub fn redact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let words: Vec<&str> = split_keep(s);
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        if is_capitalised(w) {
            // Look ahead over "Word Word …" joined by single spaces.
            let mut j = i;
            let mut count = 0;
            while j < words.len() && is_capitalised(words[j]) {
                count += 1;
                if j + 2 < words.len() && words[j + 1] == " " && is_capitalised(words[j + 2]) {
                    j += 2;
                } else {
                    break;
                }
            }
            if count >= 2 {
                out.push_str("[tên]");
                i = j + 1;
                continue;
            }
        }
        out.push_str(&mask_token(w));
        i += 1;
    }
    out
}

/// Splits into alternating word and non-word pieces, keeping everything.
fn split_keep(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_word = None;
    for (i, c) in s.char_indices() {
        let w = c.is_alphanumeric();
        if in_word != Some(w) {
            if i > start {
                parts.push(&s[start..i]);
            }
            start = i;
            in_word = Some(w);
        }
    }
    if start < s.len() {
        parts.push(&s[start..]);
    }
    parts
}

fn is_capitalised(w: &str) -> bool {
    let mut cs = w.chars();
    matches!(cs.next(), Some(c) if c.is_uppercase())
        && w.chars().count() >= 2
        && cs.all(|c| c.is_lowercase())
}

fn mask_token(w: &str) -> String {
    let digits = w.chars().filter(char::is_ascii_digit).count();
    let hex = w.chars().all(|c| c.is_ascii_hexdigit());
    if digits >= 4 && w.chars().any(|c| c.is_ascii_digit()) {
        if hex && w.len() >= 16 {
            return "[khoá]".into();
        }
        return "[số]".into();
    }
    if hex && w.len() >= 16 {
        return "[khoá]".into();
    }
    w.to_string()
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn names_numbers_and_keys_are_masked_and_the_rest_stays_readable() {
        let r = redact(
            "không trả được cho Nguyễn Thị Hương (CCCD 044037453459, PIN 1234), khoá 9f86d081884c7d659a2feaa0c55ad015",
        );
        assert!(!r.contains("Nguyễn"), "{r}");
        assert!(!r.contains("Hương"), "{r}");
        assert!(!r.contains("044037453459"), "{r}");
        assert!(!r.contains("1234"), "{r}");
        assert!(!r.contains("9f86d08"), "{r}");
        assert!(
            r.starts_with("không trả được cho [tên] (CCCD [số], PIN [số]), khoá [khoá]"),
            "{r}"
        );
        // Amounts with thousands dots, codes and ordinary sentences survive.
        assert_eq!(
            redact("Sổ chi 1.200.000 đ cho QH01-000001"),
            "Sổ chi 1.200.000 đ cho QH01-[số]"
        );
        assert_eq!(redact("sync: hub unreachable"), "sync: hub unreachable");
    }
}
