//! One page as drawn: its texts and rules placed in millimetres, its QR codes and the rows tagged
//! on it, with the alignment, orientation and margins a page is laid out by. Apart from `Doc`,
//! which decides what goes on which page, and from `file`, which writes the pages.

use super::font::{width, Face};
use super::stamp::QrImage;
use crate::document::DocumentError;
use crate::money::Dong;

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
pub(super) struct TextRun {
    pub(super) x: f32,
    pub(super) baseline: f32,
    pub(super) text: String,
    pub(super) face: Face,
    pub(super) size: f32,
    pub(super) grey: bool,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Rule {
    pub(super) x1: f32,
    pub(super) y1: f32,
    pub(super) x2: f32,
    pub(super) y2: f32,
    pub(super) thickness: f32,
}

/// One page being drawn.
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    pub(super) texts: Vec<TextRun>,
    pub(super) rules: Vec<Rule>,
    /// QR codes, written into the page's own content as inline images (see [`QrImage`]).
    pub(super) qr_codes: Vec<QrImage>,
    /// The tagged rows placed on this page (a beneficiary's code and amount), for its stamp.
    pub(super) tagged: Vec<(String, Dong)>,
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
    pub(super) fn grey_text(&mut self, x: f32, baseline: f32, s: &str, face: Face, size: f32) {
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

impl Page {
    /// A QR code of `text` with its top left corner at (x, y), `side` wide.
    pub(super) fn qr(
        &mut self,
        x: f32,
        y: f32,
        side: f32,
        text: &str,
    ) -> Result<(), DocumentError> {
        self.qr_codes.push(QrImage::new(x, y, side, text)?);
        Ok(())
    }
}
