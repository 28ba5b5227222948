//! Page 1 of a printed paper as a PNG for reviewers, the same way for every suite that prints.

use std::path::Path;
use std::process::Command;

/// Page 1 of `pdf` as `NAME.png` (60 dpi, poppler's `pdftoppm`): into the repository's
/// `docs/documents/` when `PAYPOINT_KEEP_DOCS=1` (to refresh the committed pictures), else under
/// `target/document-previews/`, so that an ordinary test run leaves the work tree clean (dated
/// papers differ on every run).
pub fn keep_png(pdf: &Path, name: &str) {
    let root = crate::bins::workspace_root();
    let dir = if std::env::var("PAYPOINT_KEEP_DOCS").is_ok_and(|v| v == "1") {
        root.join("docs/documents")
    } else {
        root.join("target/document-previews")
    };
    std::fs::create_dir_all(&dir).expect("the pictures' folder");
    let base = dir.join(name);
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(pdf)
        .arg(&base)
        .output()
        .expect("pdftoppm runs (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.join(format!("{name}.png")).exists());
}
