//! The PDF file of a laid-out document, written by us from the pages' texts, rules and QR codes:
//! the page content with glyph numbers straight into each stream, the four faces subset (by
//! printpdf's `subset_font`, which is allsorts underneath) and embedded as Type 0 fonts with
//! their widths and a Unicode map, and the small objects packed into compressed object streams
//! with a cross-reference stream (PDF 1.5).
//!
//! Why not printpdf's own writer: turning our operations into printpdf's, then into lopdf's, then
//! into bytes was half of a 5.000-row sheet's time (BENCHMARKS.md, issue 21). Here each page's
//! content is written once, as bytes, and the pages are written and compressed on every core.

use std::collections::BTreeMap;
use std::io::Write as _;

use lopdf::{dictionary, Dictionary, Object, Stream, StringFormat};

use super::cores::on_every_core;
use super::font::{face, Face, PT_PER_MM};
use super::page::{Page, Rule, TextRun};
use crate::document::DocumentError;

/// Resource names of the four faces in every page's content.
const FONT_IDS: [&str; 4] = ["SCTREG", "SCTBLD", "SCTITA", "SCTBIT"];

/// PostScript names of the four faces of Liberation Serif.
const FONT_NAMES: [&str; 4] = [
    "LiberationSerif",
    "LiberationSerif-Bold",
    "LiberationSerif-Italic",
    "LiberationSerif-BoldItalic",
];

/// Streams smaller than this are left uncompressed: the filter's name and zlib's header would
/// cost more than they save (lopdf's own rule).
const WORTH_COMPRESSING: usize = 19;

/// zlib's level for the streams: 6 (zlib's default), not printpdf's 9. Level 6 with the object
/// streams and the streams spread over the cores made the 5.000-row sheet 8–15 % faster and
/// 9–11 % smaller (BENCHMARKS.md, issue 21).
const DEFLATE_LEVEL: u32 = 6;

/// Grey of the demo mark (0 black, 1 white).
const MARK_GREY: &str = "0.45";

/// What the document's properties say.
pub(super) struct Properties<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    pub author: &'a str,
    pub created: chrono::DateTime<chrono::Utc>,
}

/// One face as embedded: its subset program and the glyph numbers of the subset.
struct Subset {
    /// Six capitals naming this subset (ISO 32000-1, 9.6.4): from the glyphs it holds, so that a
    /// printer or a tool that merges files never takes one document's subset for another's,
    /// and the same document always gets the same tag.
    tag: String,
    program: Vec<u8>,
    /// Glyph number in the whole font → in the subset (0 where unused).
    renumber: Vec<u16>,
    /// (glyph in the subset, its text), ascending: for the widths and the Unicode map.
    glyphs: Vec<(u16, String)>,
    /// (glyph in the subset, its advance in 1/1000 em), ascending.
    widths: Vec<(u16, i64)>,
}

/// The bytes of the PDF of `pages`, each `size` mm (width, height).
pub(super) fn write(
    props: &Properties,
    size: (f32, f32),
    pages: &[Page],
) -> Result<Vec<u8>, DocumentError> {
    let used = used_glyphs(pages);
    let subsets = subset_all(&used)?;
    let contents = on_every_core(pages, |p| {
        let mut s = Stream::new(Dictionary::new(), page_content(p, size.1, &subsets));
        deflate(&mut s);
        s
    });
    let mut doc = lopdf::Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut fonts = Dictionary::new();
    for (f, subset) in Face::ALL.iter().zip(&subsets) {
        if let Some(subset) = subset {
            let id = embed_font(&mut doc, *f, subset);
            fonts.set(FONT_IDS[f.index()], Object::Reference(id));
        }
    }
    let kids: Vec<Object> = contents
        .into_iter()
        .map(|content| {
            let content = doc.add_object(content);
            let page = dictionary! {
                "Type" => "Page",
                "Parent" => pages_id,
                "Contents" => content,
            };
            Object::Reference(doc.add_object(page))
        })
        .collect();
    let count = kids.len() as i64;
    let pt = |mm: f32| Object::Real(hundredths(mm) as f32 / 100.0);
    let tree = dictionary! {
        "Type" => "Pages",
        "Kids" => kids,
        "Count" => count,
        // Inherited by every page: one copy instead of one a page.
        "MediaBox" => vec![0.into(), 0.into(), pt(size.0), pt(size.1)],
        "Resources" => dictionary! { "Font" => fonts },
    };
    doc.objects.insert(pages_id, Object::Dictionary(tree));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    let info = doc.add_object(info(props));
    doc.trailer.set("Root", catalog);
    doc.trailer.set("Info", info);
    let id = Object::String(file_id(props, &subsets, count), StringFormat::Hexadecimal);
    doc.trailer.set("ID", vec![id.clone(), id]);
    save(doc)
}

/// Saves with object streams and a cross-reference stream: a 500-page sheet holds thousands of
/// small objects, and written one by one their dictionaries and the cross-reference table were
/// a fifth of the file.
fn save(mut doc: lopdf::Document) -> Result<Vec<u8>, DocumentError> {
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .compression_level(DEFLATE_LEVEL)
        .build();
    let mut bytes = Vec::new();
    doc.save_with_options(&mut bytes, options)
        .map_err(|e| DocumentError::Pdf(e.to_string()))?;
    Ok(bytes)
}

/// For each face, the character of each glyph the pages use, by glyph number ('\0' unused).
fn used_glyphs(pages: &[Page]) -> [Vec<char>; 4] {
    let mut used: [Vec<char>; 4] =
        Face::ALL.map(|f| vec!['\0'; usize::from(face(f).font.num_glyphs.max(1))]);
    for page in pages {
        for t in &page.texts {
            let data = face(t.face);
            let chars = &mut used[t.face.index()];
            for c in t.text.chars() {
                if let Some(slot) = data.glyph(c).and_then(|g| chars.get_mut(usize::from(g))) {
                    if *slot == '\0' {
                        *slot = c;
                    }
                }
            }
        }
    }
    used
}

/// The subset of each face used (none for a face no text uses). About a millisecond for the
/// four: not worth a thread.
fn subset_all(used: &[Vec<char>; 4]) -> Result<[Option<Subset>; 4], DocumentError> {
    let mut out: [Option<Subset>; 4] = Default::default();
    for (f, u) in Face::ALL.into_iter().zip(used) {
        if u.iter().any(|c| *c != '\0') {
            out[f.index()] = Some(subset(f, u)?);
        }
    }
    Ok(out)
}

/// The subset of face `f` holding the glyphs `used`.
fn subset(f: Face, used: &[char]) -> Result<Subset, DocumentError> {
    let data = face(f);
    let ids: BTreeMap<u16, String> = (0u16..)
        .zip(used)
        .filter(|(_, c)| **c != '\0')
        .map(|(g, c)| (g, c.to_string()))
        .collect();
    let made = printpdf::subset_font(&data.font, &ids)
        .map_err(|e| DocumentError::Pdf(format!("phông chữ {}: {e}", FONT_NAMES[f.index()])))?;
    let mut renumber = vec![0u16; usize::from(data.font.num_glyphs.max(1))];
    let mut glyphs = Vec::with_capacity(made.glyph_mapping.len());
    let mut widths = Vec::with_capacity(made.glyph_mapping.len());
    for (old, (new, text)) in made.glyph_mapping {
        if let Some(slot) = renumber.get_mut(usize::from(old)) {
            *slot = new;
        }
        let advance = f32::from(data.font.get_horizontal_advance(old));
        widths.push((new, (advance * 1000.0 / data.units_per_em).round() as i64));
        glyphs.push((new, text));
    }
    glyphs.sort_unstable_by_key(|g| g.0);
    widths.sort_unstable_by_key(|w| w.0);
    Ok(Subset {
        tag: subset_tag(f, &ids),
        program: made.bytes,
        renumber,
        glyphs,
        widths,
    })
}

/// Six capitals from a hash of the face and the glyphs of its subset.
fn subset_tag(f: Face, glyphs: &BTreeMap<u16, String>) -> String {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    h.update(FONT_NAMES[f.index()]);
    for g in glyphs.keys() {
        h.update(g.to_be_bytes());
    }
    h.finalize()
        .iter()
        .take(6)
        .map(|b| char::from(b'A' + b % 26))
        .collect()
}

/// Adds face `f`'s font (Type 0, Identity-H, with its descendant, descriptor, program and Unicode
/// map) and returns the font's object.
fn embed_font(doc: &mut lopdf::Document, f: Face, subset: &Subset) -> lopdf::ObjectId {
    let name = format!("{}+{}", subset.tag, FONT_NAMES[f.index()]);
    let mut program = Stream::new(
        dictionary! { "Length1" => subset.program.len() as i64 },
        subset.program.clone(),
    );
    deflate(&mut program);
    let program = doc.add_object(program);
    let descriptor = doc.add_object(descriptor(f, &name, program));
    let cmap = printpdf::generate_cmap_string(
        &face(f).font,
        &printpdf::FontId(FONT_IDS[f.index()].to_string()),
        &subset.glyphs,
    );
    let mut cmap = Stream::new(Dictionary::new(), cmap.into_bytes());
    deflate(&mut cmap);
    let cmap = doc.add_object(cmap);
    let descendant = dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(name.clone().into_bytes()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "W" => widths(&subset.widths),
        "CIDToGIDMap" => "Identity",
    };
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(name.into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Dictionary(descendant)],
        "ToUnicode" => cmap,
    })
}

/// The `/W` array: runs of consecutive glyph numbers, each `first [w w …]`.
fn widths(widths: &[(u16, i64)]) -> Vec<Object> {
    let mut out = Vec::new();
    let mut run: Vec<Object> = Vec::new();
    let mut first = 0u16;
    let mut next = None;
    for &(g, w) in widths {
        if next != Some(g) && !run.is_empty() {
            out.push(i64::from(first).into());
            out.push(Object::Array(std::mem::take(&mut run)));
        }
        if run.is_empty() {
            first = g;
        }
        run.push(w.into());
        next = g.checked_add(1);
    }
    if !run.is_empty() {
        out.push(i64::from(first).into());
        out.push(Object::Array(run));
    }
    out
}

/// The font descriptor of face `f`, its metrics in 1/1000 em (PDF 32000-1, 9.8).
fn descriptor(f: Face, name: &str, program: lopdf::ObjectId) -> Dictionary {
    let font = &face(f).font;
    let m = &font.pdf_font_metrics;
    let scale = 1000.0 / face(f).units_per_em;
    let s = |v: f32| (v * scale).round() as i64;
    let italic_angle = if m.caret_slope_rise == 0 {
        0
    } else {
        (-f32::from(m.caret_slope_run).atan2(f32::from(m.caret_slope_rise)))
            .to_degrees()
            .round() as i64
    };
    // Flags: non-symbolic (Latin), italic when slanted. StemV from the weight class, the
    // producers' usual estimate (no font table carries it).
    let flags = (1 << 5) | if italic_angle == 0 { 0 } else { 1 << 6 };
    let stem_v = 50 + (f32::from(m.us_weight_class) / 65.0).powi(2).round() as i64;
    let ascent = s(f32::from(m.ascender));
    let cap_height = font.font_metrics.cap_height.map_or(ascent, s);
    dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(name.as_bytes().to_vec()),
        "Flags" => flags,
        "FontBBox" => vec![
            s(f32::from(m.x_min)).into(),
            s(f32::from(m.y_min)).into(),
            s(f32::from(m.x_max)).into(),
            s(f32::from(m.y_max)).into(),
        ],
        "ItalicAngle" => italic_angle,
        "Ascent" => ascent,
        "Descent" => s(f32::from(m.descender)),
        "CapHeight" => cap_height,
        "StemV" => stem_v,
        "FontFile2" => program,
    }
}

/// The file's identifier (ISO 32000-1, 14.4): a hash of its properties, its length in pages and
/// its fonts' subsets, so that it differs from one document to the next and a render is still
/// the same file each time but for the dates.
fn file_id(props: &Properties, subsets: &[Option<Subset>; 4], pages: i64) -> Vec<u8> {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    for part in [props.title, props.subject, props.author] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.update(props.created.timestamp_micros().to_be_bytes());
    h.update(pages.to_be_bytes());
    for s in subsets.iter().flatten() {
        h.update(s.tag.as_bytes());
    }
    h.finalize()[..16].to_vec()
}

/// The document's properties: title, subject, author, who made it and when.
fn info(props: &Properties) -> Dictionary {
    let date = Object::string_literal(props.created.format("D:%Y%m%d%H%M%S+00'00'").to_string());
    dictionary! {
        "Title" => text_string(props.title),
        "Subject" => text_string(props.subject),
        "Author" => text_string(props.author),
        "Creator" => text_string("Sổ chi trả (paypoint)"),
        "Producer" => text_string(&format!("paypoint {}", env!("CARGO_PKG_VERSION"))),
        "CreationDate" => date.clone(),
        "ModDate" => date,
    }
}

/// A PDF text string: ASCII as it is, anything else in UTF-16 with its byte-order mark.
fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        return Object::string_literal(s);
    }
    let mut bytes = vec![0xFE, 0xFF];
    bytes.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
    Object::String(bytes, StringFormat::Hexadecimal)
}

thread_local! {
    /// One zlib compressor a thread, reset between streams: a new one a stream allocated and
    /// zeroed its window and hash tables each time (hundreds of KiB, fresh pages from the kernel
    /// for each of a long sheet's 800 pages). The page writers' threads end with the document;
    /// a thread that writes documents (the app's, the hub's) keeps its one, about 300 KiB.
    static ZLIB: std::cell::RefCell<flate2::Compress> = std::cell::RefCell::new(
        flate2::Compress::new(flate2::Compression::new(DEFLATE_LEVEL), true),
    );
}

/// Compresses one stream with zlib, when that makes it smaller.
fn deflate(s: &mut Stream) {
    if s.content.len() <= WORTH_COMPRESSING {
        return;
    }
    if let Some(packed) = zlib(&s.content) {
        if packed.len() + WORTH_COMPRESSING < s.content.len() {
            s.dict.set("Filter", "FlateDecode");
            s.set_content(packed);
        }
    }
}

/// `data` compressed as a zlib stream.
fn zlib(data: &[u8]) -> Option<Vec<u8>> {
    ZLIB.with_borrow_mut(|z| {
        z.reset();
        let mut out = Vec::with_capacity(data.len() / 2 + 64);
        loop {
            let read = usize::try_from(z.total_in()).ok()?;
            let status = z
                .compress_vec(data.get(read..)?, &mut out, flate2::FlushCompress::Finish)
                .ok()?;
            if status == flate2::Status::StreamEnd {
                return Some(out);
            }
            out.reserve(out.capacity().max(256));
        }
    })
}

/// The content of one page `page_h` mm high: its rules, its texts, its QR codes.
fn page_content(page: &Page, page_h: f32, subsets: &[Option<Subset>; 4]) -> Vec<u8> {
    let mut out = Vec::with_capacity(page.texts.len() * 40 + page.rules.len() * 30 + 64);
    rules(&mut out, &page.rules, page_h);
    texts(&mut out, &page.texts, page_h, subsets);
    for q in &page.qr_codes {
        out.extend_from_slice(&q.content(page_h));
    }
    out
}

/// Points in hundredths: as exact as any printer, and shorter to write ("85.04" rather than
/// "85.039375") in a stream that repeats them thousands of times.
fn centipoints(pt: f32) -> i64 {
    (pt * 100.0).round() as i64
}

/// A length in millimetres, in hundredths of a point.
fn hundredths(mm: f32) -> i64 {
    centipoints(mm * PT_PER_MM)
}

/// Writes `v` hundredths as a PDF number: "85.04", "12.5", "3", "-0.4".
fn number(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    let v = v.unsigned_abs();
    let whole = v / 100;
    // Digits of the whole part, most significant first, without the formatter's machinery (a
    // long sheet writes a million numbers).
    let mut digits = [0u8; 20];
    let mut n = 0;
    let mut rest = whole;
    loop {
        digits[n] = b'0' + (rest % 10) as u8;
        n += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[..n].iter().rev());
    let cents = v % 100;
    if cents != 0 {
        out.push(b'.');
        out.push(b'0' + (cents / 10) as u8);
        if cents % 10 != 0 {
            out.push(b'0' + (cents % 10) as u8);
        }
    }
}

fn rules(out: &mut Vec<u8>, rules: &[Rule], page_h: f32) {
    if rules.is_empty() {
        return;
    }
    out.extend_from_slice(b"q\n");
    let mut thickness = f32::NAN;
    for r in rules {
        if r.thickness != thickness {
            thickness = r.thickness;
            number(out, centipoints(thickness));
            out.extend_from_slice(b" w\n");
        }
        for (x, y, op) in [(r.x1, r.y1, b" m "), (r.x2, r.y2, b" l ")] {
            number(out, hundredths(x));
            out.push(b' ');
            number(out, hundredths(page_h - y));
            out.extend_from_slice(op);
        }
        out.extend_from_slice(b"S\n");
    }
    out.extend_from_slice(b"Q\n");
}

/// The texts, each placed relative to the one before (`Td`) from exact hundredths of a point, so
/// nothing drifts and no absolute matrix is repeated; each text a string of two-byte glyph
/// numbers of its face's subset.
fn texts(out: &mut Vec<u8>, texts: &[TextRun], page_h: f32, subsets: &[Option<Subset>; 4]) {
    if texts.is_empty() {
        return;
    }
    out.extend_from_slice(b"BT\n");
    let mut current: Option<(Face, f32)> = None;
    let mut grey = false;
    let mut at: (i64, i64) = (0, 0);
    for t in texts {
        // A run of only characters without ink (a stray carriage return) selects no font.
        let Some(subset) = subsets[t.face.index()].as_ref() else {
            continue;
        };
        if t.grey != grey {
            grey = t.grey;
            out.extend_from_slice(if grey { MARK_GREY.as_bytes() } else { b"0" });
            out.extend_from_slice(b" g\n");
        }
        if current != Some((t.face, t.size)) {
            current = Some((t.face, t.size));
            let _ = write!(out, "/{} ", FONT_IDS[t.face.index()]);
            number(out, centipoints(t.size));
            out.extend_from_slice(b" Tf\n");
        }
        let to = (hundredths(t.x), hundredths(page_h - t.baseline));
        number(out, to.0 - at.0);
        out.push(b' ');
        number(out, to.1 - at.1);
        out.extend_from_slice(b" Td\n");
        at = to;
        glyph_string(out, t, subset);
        out.extend_from_slice(b" Tj\n");
    }
    out.extend_from_slice(b"ET\n");
}

/// A text as a literal string of big-endian glyph numbers, escaping the bytes a literal string
/// cannot hold as they are (parentheses, backslash, and the line ends a reader would rewrite).
/// A character without a glyph is left out: `Doc::finish` refused every visible one, so it is a
/// control character, which has no ink and no width (`width` counts it as nothing).
fn glyph_string(out: &mut Vec<u8>, t: &TextRun, subset: &Subset) {
    let data = face(t.face);
    out.push(b'(');
    for c in t.text.chars() {
        let Some(old) = data.glyph(c) else {
            continue;
        };
        let new = subset.renumber.get(usize::from(old)).copied().unwrap_or(0);
        debug_assert!(new != 0, "glyph {old} of {c:?} is in the subset");
        for b in new.to_be_bytes() {
            match b {
                b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
                b'\r' => out.extend_from_slice(b"\\r"),
                b'\n' => out.extend_from_slice(b"\\n"),
                _ => out.push(b),
            }
        }
    }
    out.push(b')');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(v: i64) -> String {
        let mut out = Vec::new();
        number(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_are_written_as_short_as_they_can_be() {
        assert_eq!(num(8504), "85.04");
        assert_eq!(num(1250), "12.5");
        assert_eq!(num(300), "3");
        assert_eq!(num(-40), "-0.4");
        assert_eq!(num(-5), "-0.05");
        assert_eq!(num(0), "0");
    }

    #[test]
    fn widths_are_written_as_runs_of_consecutive_glyphs() {
        let w = widths(&[(0, 0), (1, 250), (2, 500), (5, 333), (6, 444)]);
        let i = |v: i64| Object::Integer(v);
        assert_eq!(
            w,
            vec![
                i(0),
                Object::Array(vec![i(0), i(250), i(500)]),
                i(5),
                Object::Array(vec![i(333), i(444)]),
            ]
        );
    }

    #[test]
    fn one_compressor_a_thread_makes_whole_zlib_streams_one_after_another() {
        use std::io::Read as _;
        // Text that compresses well, then bytes that do not (the output outgrows its first
        // allocation), then the first again: each a whole stream, none carrying the last's state.
        let text = b"0.4 w 85.04 100 m 700 100 l S\n".repeat(500);
        let noise: Vec<u8> = (0u32..60_000)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for data in [&text[..], &noise[..], &text[..]] {
            let packed = zlib(data).unwrap();
            let mut back = Vec::new();
            flate2::read::ZlibDecoder::new(&packed[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, data);
        }
    }

    fn file_of(texts: &[(&str, Face)]) -> Vec<u8> {
        let mut page = Page::default();
        for (i, (t, f)) in texts.iter().enumerate() {
            page.text(20.0, 20.0 + 10.0 * i as f32, t, *f, 10.0);
        }
        let props = Properties {
            title: "Danh sách chi trả",
            subject: "",
            author: "",
            created: chrono::DateTime::from_timestamp(1_796_000_000, 0).unwrap(),
        };
        write(&props, (210.0, 297.0), &[page]).unwrap()
    }

    /// The fonts (resource name → base font) and the decoded content of the file's only page.
    fn fonts_and_content(bytes: &[u8]) -> (BTreeMap<String, String>, Vec<u8>) {
        let doc = lopdf::Document::load_mem(bytes).unwrap();
        let (_, page) = doc.get_pages().into_iter().next().unwrap();
        // The fonts are inherited from the page tree's root, as written.
        let parent = doc.get_dictionary(page).unwrap().get(b"Parent").unwrap();
        let tree = doc.get_dictionary(parent.as_reference().unwrap()).unwrap();
        let resources = tree.get(b"Resources").unwrap().as_dict().unwrap();
        let fonts = resources.get(b"Font").unwrap().as_dict().unwrap();
        let named = fonts
            .iter()
            .map(|(k, v)| {
                let font = doc.get_dictionary(v.as_reference().unwrap()).unwrap();
                let base = font.get(b"BaseFont").unwrap().as_name().unwrap();
                (
                    String::from_utf8_lossy(k).into_owned(),
                    String::from_utf8_lossy(base).into_owned(),
                )
            })
            .collect();
        (named, doc.get_page_content(page))
    }

    #[test]
    fn a_control_character_is_left_out_and_a_face_with_nothing_to_draw_is_not_embedded() {
        let (fonts, content) =
            fonts_and_content(&file_of(&[("A\rB", Face::Regular), ("\r", Face::Bold)]));
        assert_eq!(fonts.keys().collect::<Vec<_>>(), ["SCTREG"]);
        assert!(!content.windows(7).any(|w| w == b"/SCTBLD"));
        // "A" and "B" as two glyphs of the subset, nothing between them.
        let shown = content
            .split(|b| *b == b'\n')
            .find(|l| l.ends_with(b" Tj"))
            .unwrap();
        assert_eq!(
            shown.len(),
            "(AABB) Tj".len(),
            "{}",
            String::from_utf8_lossy(shown)
        );
    }

    #[test]
    fn the_same_document_is_the_same_file_and_another_subset_has_another_tag() {
        let one = file_of(&[("Nguyễn Văn An", Face::Regular)]);
        assert_eq!(one, file_of(&[("Nguyễn Văn An", Face::Regular)]));
        let other = file_of(&[("Trần Thị Bình", Face::Regular)]);
        let tag = |b: &[u8]| fonts_and_content(b).0["SCTREG"].clone();
        assert!(tag(&one).ends_with("+LiberationSerif"), "{}", tag(&one));
        assert_eq!(tag(&one).len(), "ABCDEF+LiberationSerif".len());
        assert_ne!(tag(&one), tag(&other));
    }

    #[test]
    fn glyph_numbers_that_look_like_delimiters_are_escaped() {
        let run = TextRun {
            x: 0.0,
            baseline: 0.0,
            text: "A".into(),
            face: Face::Regular,
            size: 10.0,
            grey: false,
        };
        let old = usize::from(face(Face::Regular).glyph('A').unwrap());
        let mut renumber = vec![0u16; old + 1];
        // 0x285C: "(" then "\".
        renumber[old] = 0x285C;
        let subset = Subset {
            tag: String::new(),
            program: Vec::new(),
            renumber,
            glyphs: Vec::new(),
            widths: Vec::new(),
        };
        let mut out = Vec::new();
        glyph_string(&mut out, &run, &subset);
        assert_eq!(out, b"(\\(\\\\)");
    }
}
