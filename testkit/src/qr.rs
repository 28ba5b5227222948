//! Reads the QR codes of a PDF as the office's scanner would see the printed page: each page
//! rendered by poppler's `pdftoppm` (400 dpi, grey, PGM) and decoded by `rqrr`. 400 and not 300
//! dpi: poppler smooths an image it enlarges less than 4×, which blurs the modules; a printer
//! does not. Used by the command line's document tests and the hub's.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Every QR code on the pages of `pdf`, page by page: each page rendered by `pdftoppm` (400 dpi,
/// grey) and read by `rqrr`, as the office's scanner would see the printed page.
pub fn qr_codes_of(pdf: &Path) -> Vec<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    let out = Command::new("pdftoppm")
        .args(["-r", "400", "-gray"])
        .arg(pdf)
        .arg(&prefix)
        .output()
        .expect("pdftoppm (poppler-utils) runs: apt-get install poppler-utils");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let (w, h, pixels) = read_pgm(&std::fs::read(f).unwrap());
            let mut img =
                rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
            img.detect_grids()
                .iter()
                .map(|g| g.decode().expect("a QR code that decodes").1)
                .collect()
        })
        .collect()
}

/// A binary PGM (P5, 8 bits) as pdftoppm writes it: width, height, pixels.
fn read_pgm(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..i]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[i + 1..i + 1 + w * h].to_vec())
}
