//! The QR code stamped on a page: what it says (the page's tagged rows and their total) and the
//! code itself, drawn as an inline image. Apart because nothing else in the layout deals with QR
//! codes, and making them is a good part of a long document's time.

use super::font::PT_PER_MM;
use crate::document::DocumentError;
use crate::money::Dong;
use crate::paper::PaperStamp;

/// Side of a page's QR code, mm: about 0,3 mm a module for a page of codes (version 10–12),
/// which a 300 dpi printer and an ordinary scanner both resolve.
pub(super) const STAMP_SIDE: f32 = 19.0;
/// Space between the content and the QR code, mm.
pub(super) const STAMP_GAP: f32 = 1.0;
/// Bottom margin of a page with a QR code: the code, the gap, and 5 mm a printer cannot reach —
/// 25 mm, the deepest bottom margin Decree 30/2020 allows.
pub(super) const STAMP_MARGIN: f32 = STAMP_SIDE + STAMP_GAP + 5.0;

/// The stamp of page `i`: its tagged rows and their total, or the document's own lines.
pub(super) fn page_stamp(
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
pub(super) struct QrImage {
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
    pub(super) fn content(&self, page_h: f32) -> Vec<u8> {
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

impl QrImage {
    /// The code of `text` with its top left corner at (x, y), `side` wide, a quiet zone of two
    /// modules inside.
    pub(super) fn new(x: f32, y: f32, side: f32, text: &str) -> Result<QrImage, DocumentError> {
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
