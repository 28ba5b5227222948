//! The pay point's documents, generated from real ledger files through the real `paypoint print`
//! command and read back with poppler's own tools (`pdftotext`, `pdfinfo`, `pdffonts`,
//! `pdftoppm`): what a district accountant's PDF viewer or search would see.
//!
//! Needs poppler-utils (`apt-get install poppler-utils`). Page 1 of every document is rendered to
//! `docs/documents/*.png` for a reviewer to look at (refreshed with `PAYPOINT_KEEP_DOCS=1`).

mod common;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::{
    cli, process_dir, setup_ledger, setup_ledger_in, Cli, Fixture, CLERK_ID, PERIOD, SUPERVISOR_ID,
};
use paypoint::{demo, Ledger, Period};
use paypoint_testkit::pictures::keep_png;
use paypoint_testkit::qr;
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

/// The fixed date printed on the date line, so that the text is the same on every run.
const DATE: &str = "2026-12-05";
const DATE_LINE: &str = "Quảng Hưng, ngày 05 tháng 12 năm 2026";

fn tool(name: &str) -> Command {
    let probe = Command::new(name).arg("-v").output();
    if probe.is_err() {
        panic!(
            "`{name}` (poppler-utils) is missing: these tests read the PDFs back with it. \
             Install it with `apt-get install poppler-utils` (CI does)."
        );
    }
    Command::new(name)
}

fn run_tool(name: &str, args: &[&str]) -> String {
    let out = tool(name).args(args).output().expect("tool runs");
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("poppler prints UTF-8")
}

/// The document's text as `pdftotext -layout` extracts it, one string per page.
fn pages_of(pdf: &Path) -> Vec<String> {
    let text = run_tool("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    // pdftotext ends the last page with a form feed too.
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The text in the order it is drawn (`pdftotext -raw`), white space collapsed: a cell's wrapped
/// lines come one after the other, so a phrase split over lines of a cell reads whole.
fn flat_of(pdf: &Path) -> String {
    collapse(&run_tool(
        "pdftotext",
        &["-raw", pdf.to_str().unwrap(), "-"],
    ))
}

/// What is printed on the row of `code`: from the code to the next code (in drawing order).
fn row_of<'a>(flat: &'a str, code: &str) -> &'a str {
    let start = flat
        .find(code)
        .unwrap_or_else(|| panic!("{code} not printed"));
    let rest = &flat[start + code.len()..];
    let end = rest.find("QH01-").unwrap_or(rest.len());
    &rest[..end]
}

/// `pdfinfo -isodates` as a map.
fn info_of(pdf: &Path) -> HashMap<String, String> {
    // The first of each key: the PDF/X block after "PDF subtype" repeats "Title".
    let mut out = HashMap::new();
    for l in run_tool("pdfinfo", &["-isodates", pdf.to_str().unwrap()]).lines() {
        if let Some((k, v)) = l.split_once(':') {
            out.entry(k.trim().to_string())
                .or_insert_with(|| v.trim().to_string());
        }
    }
    out
}

/// White space collapsed: for phrases that may wrap over two lines.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reads "1.624.000" (or "-10.000", "3").
fn is_amount(tok: &str) -> bool {
    let t = tok.strip_prefix('-').unwrap_or(tok);
    let groups: Vec<&str> = t.split('.').collect();
    !t.is_empty()
        && groups
            .iter()
            .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()))
        && groups[0].len() <= 3
        && groups[1..].iter().all(|g| g.len() == 3)
}

fn amount(tok: &str) -> i64 {
    assert!(is_amount(tok), "not an amount: {tok}");
    tok.replace('.', "").parse().unwrap()
}

/// The amounts written on a line of text, left to right.
fn amounts(line: &str) -> Vec<i64> {
    line.split_whitespace()
        .filter(|t| is_amount(t))
        .map(amount)
        .collect()
}

/// Lines of a page containing `label`.
fn lines_with<'a>(page: &'a str, label: &str) -> Vec<&'a str> {
    page.lines().filter(|l| l.contains(label)).collect()
}

/// Runs `paypoint print ARGS --out DIR/NAME.pdf --json`, requires success, checks what the JSON
/// says against the file, and returns the file.
fn print(cli: &Cli, dir: &Path, name: &str, args: &[&str]) -> PathBuf {
    let out = dir.join(format!("{name}.pdf"));
    let mut a = vec!["print"];
    a.extend_from_slice(args);
    a.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let v = cli.json(&a);
    assert_eq!(v["out"], out.to_str().unwrap());
    let bytes = std::fs::metadata(&out).expect("the PDF is written").len();
    assert_eq!(v["bytes"].as_u64(), Some(bytes));
    let info = info_of(&out);
    assert_eq!(
        info["Pages"].parse::<u64>().unwrap(),
        v["pages"].as_u64().unwrap(),
        "pages in JSON and in the file"
    );
    assert!(
        info["Page size"].contains("(A4)"),
        "{:?}",
        info["Page size"]
    );
    // To look at every page: PAYPOINT_TEST_PDF_DIR=/some/dir cargo test --test documents
    if let Ok(keep) = std::env::var("PAYPOINT_TEST_PDF_DIR") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::copy(&out, Path::new(&keep).join(format!("{name}.pdf"))).unwrap();
    }
    out
}

/// Checks what every document must have: title and creation date in its properties, the font
/// embedded and subset with a Unicode map, "Trang x/y" on every page, text in NFC.
fn check_common(pdf: &Path, title_starts: &str, demo: bool) -> Vec<String> {
    let info = info_of(pdf);
    assert!(
        info["Title"].starts_with(title_starts),
        "title {:?} should start with {title_starts:?}",
        info["Title"]
    );
    // Creation date: set (printpdf's default is 1970), and now.
    let created = chrono::DateTime::parse_from_rfc3339(&info["CreationDate"])
        .unwrap_or_else(|e| panic!("creation date {:?}: {e}", info["CreationDate"]));
    let age = chrono::Utc::now().signed_duration_since(created);
    assert!(
        age.num_seconds().abs() < 600,
        "creation date {created} is not now"
    );
    let fonts = run_tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no font in {pdf:?}");
    for row in rows {
        assert!(row.contains("LiberationSerif"), "{row}");
        // name, type…, then emb sub uni.
        assert!(
            row.contains(" yes yes yes "),
            "font not embedded, subset and mapped to Unicode: {row}"
        );
    }
    let pages = pages_of(pdf);
    let n = pages.len();
    assert_eq!(n.to_string(), info["Pages"]);
    for (i, p) in pages.iter().enumerate() {
        let label = format!("Trang {}/{}", i + 1, n);
        assert_eq!(
            p.matches(&label).count(),
            1,
            "page {} should say {label} once:\n{p}",
            i + 1
        );
        assert_eq!(
            p.contains("DỮ LIỆU MẪU"),
            demo,
            "demo mark on page {} (demo data: {demo})",
            i + 1
        );
        let nfc: String = p.nfc().collect();
        assert_eq!(&nfc, p, "text of page {} is not NFC", i + 1);
    }
    pages
}

/// Codes `QH01-…` in the text, with how often each appears.
fn code_counts(text: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for tok in text.split_whitespace() {
        let tok = tok.trim_matches(|c: char| !c.is_alphanumeric() && c != '-');
        if tok.starts_with("QH01-") {
            *out.entry(tok.to_string()).or_insert(0) += 1;
        }
    }
    out
}

/// The "Cộng trang" amounts, one per page, and the TỔNG CỘNG amount (last page).
fn page_totals(pages: &[String]) -> (Vec<i64>, i64) {
    let mut per_page = Vec::new();
    for (i, p) in pages.iter().enumerate() {
        let lines = lines_with(p, "Cộng trang");
        assert_eq!(lines.len(), 1, "one Cộng trang on page {}:\n{p}", i + 1);
        per_page.push(*amounts(lines[0]).last().expect("an amount on Cộng trang"));
    }
    let last = pages.last().unwrap();
    let grand = lines_with(last, "TỔNG CỘNG");
    assert_eq!(grand.len(), 1, "TỔNG CỘNG once on the last page");
    for p in &pages[..pages.len() - 1] {
        assert!(!p.contains("TỔNG CỘNG"), "TỔNG CỘNG only on the last page");
    }
    (per_page, *amounts(grand[0]).last().unwrap())
}

/// Word boxes of `pdftotext -bbox` on one page: (word, xMin, yMin, xMax, yMax) in points.
fn words_on(pdf: &Path, page: usize) -> Vec<(String, f32, f32, f32, f32)> {
    let p = page.to_string();
    let html = run_tool(
        "pdftotext",
        &["-bbox", "-f", &p, "-l", &p, pdf.to_str().unwrap(), "-"],
    );
    let attr = |l: &str, k: &str| -> f32 {
        let start = l.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
        let end = start + l[start..].find('"').unwrap();
        l[start..end].parse().unwrap()
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word"))
        .map(|l| {
            let text = l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()].to_string();
            let text = text
                .replace("&amp;", "&")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"");
            (
                text,
                attr(l, "xMin"),
                attr(l, "yMin"),
                attr(l, "xMax"),
                attr(l, "yMax"),
            )
        })
        .collect()
}

const PT_PER_MM: f32 = 72.0 / 25.4;

fn roll_total(cli: &Cli) -> i64 {
    cli.status()["total_due"].as_i64().unwrap()
}

#[test]
fn signature_sheet_of_the_demo_roll() {
    let fx = setup_ledger(120);
    let dir = fx.dir.path();
    let pdf = print(&fx.cli, dir, "sheet", &["sheet", "--date", DATE]);
    let pages = check_common(
        &pdf,
        "Danh sách chi trả có ký nhận tháng 12 năm 2026 – Bưu điện văn hóa xã Quảng Hưng",
        true,
    );
    keep_png(&pdf, "sheet");
    let n = pages.len();
    assert!(
        n >= 5,
        "120 people on 12 mm rows take several pages, not {n}"
    );
    let first = &pages[0];
    for s in [
        "BƯU ĐIỆN VĂN HÓA XÃ QUẢNG HƯNG",
        "Điểm chi trả: QH01",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "DANH SÁCH CHI TRẢ TRỢ CẤP ƯU ĐÃI NGƯỜI CÓ CÔNG",
        "Tháng 12 năm 2026",
    ] {
        assert!(first.contains(s), "page 1 lacks {s:?}:\n{first}");
    }
    // The header and the numbering row on every page.
    for (i, p) in pages.iter().enumerate() {
        for s in [
            "STT",
            "Họ và tên",
            "Mã đối tượng",
            "Ký nhận",
            "Ghi chú",
            "(1)",
            "(14)",
        ] {
            assert!(p.contains(s), "page {} lacks the header {s:?}", i + 1);
        }
    }
    // Every name, exactly as written (NFC, diacritics intact; in drawing order, as a name may
    // wrap in its cell), and every code once.
    let roll = fx.cli.roll();
    let text = pages.join("\n");
    let drawn = flat_of(&pdf);
    for (code, hit) in &roll {
        let name = hit["name"].as_str().unwrap();
        assert!(drawn.contains(name), "{code}: name {name:?} not found");
    }
    let counts = code_counts(&text);
    assert_eq!(
        counts.keys().cloned().collect::<BTreeSet<_>>(),
        roll.keys().cloned().collect::<BTreeSet<_>>()
    );
    assert!(counts.values().all(|&c| c == 1), "a code printed twice");
    // Totals: the page totals add up to TỔNG CỘNG, which is the roll's total, in words too.
    let (per_page, grand) = page_totals(&pages);
    assert_eq!(per_page.len(), n);
    assert_eq!(per_page.iter().sum::<i64>(), grand);
    assert_eq!(grand, roll_total(&fx.cli));
    assert_eq!(grand, fx.total_due);
    let words = fx.cli.json(&["words", &grand.to_string()])["words"]
        .as_str()
        .unwrap()
        .to_string();
    let last = collapse(&pages[n - 1]);
    assert!(
        last.contains(&format!("Bằng chữ: {words}.")),
        "amount in words {words:?} not on the last page:\n{last}"
    );
    for s in [
        DATE_LINE,
        "Người lập biểu",
        "Kế toán",
        "Giám đốc Bưu điện",
        "Nhân viên chi trả",
        "Người giám sát",
    ] {
        assert!(last.contains(s), "last page lacks {s:?}");
    }
    // Proxies are named in the note column.
    let with_proxy: Vec<Value> = roll
        .keys()
        .take(40)
        .map(|c| fx.cli.json(&["show", c]))
        .filter(|v| !v["proxy"].is_null())
        .collect();
    assert!(!with_proxy.is_empty());
    let flat = flat_of(&pdf);
    for v in &with_proxy {
        let name = v["proxy"]["name"].as_str().unwrap();
        assert!(flat.contains(&format!("Nhận thay: {name}")), "proxy {name}");
    }
    // Rows are tall enough to sign in: 12 mm between consecutive codes on a page.
    for page in [1, 2, n] {
        let mut ys: Vec<f32> = words_on(&pdf, page)
            .into_iter()
            .filter(|w| w.0.starts_with("QH01-"))
            .map(|w| w.2)
            .collect();
        ys.sort_by(f32::total_cmp);
        assert!(ys.len() >= 2 || page == n);
        for pair in ys.windows(2) {
            let gap = (pair[1] - pair[0]) / PT_PER_MM;
            assert!(gap >= 11.99, "row of {gap:.2} mm on page {page}");
        }
    }
}

#[test]
fn a_1000_row_sheet_has_every_beneficiary_exactly_once() {
    let fx = setup_ledger(1000);
    let pdf = print(
        &fx.cli,
        fx.dir.path(),
        "sheet1000",
        &["sheet", "--date", DATE],
    );
    let pages = check_common(&pdf, "Danh sách chi trả có ký nhận", true);
    let text = pages.join("\n");
    let counts = code_counts(&text);
    assert_eq!(counts.len(), 1000);
    let expected: BTreeSet<String> = fx.codes.iter().cloned().collect();
    assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), expected);
    for (code, c) in &counts {
        assert_eq!(*c, 1, "{code} printed {c} times");
    }
    // Row numbers 1…1000, each once, in order.
    let mut stt = Vec::new();
    for p in &pages {
        for l in p.lines() {
            let toks: Vec<&str> = l.split_whitespace().collect();
            if toks.iter().any(|t| t.starts_with("QH01-")) {
                stt.push(toks[0].parse::<usize>().expect("STT first on a row's line"));
            }
        }
    }
    assert_eq!(stt, (1..=1000).collect::<Vec<_>>());
    let (per_page, grand) = page_totals(&pages);
    assert_eq!(per_page.len(), pages.len());
    assert_eq!(per_page.iter().sum::<i64>(), grand);
    assert_eq!(grand, fx.total_due);
}

#[test]
fn sheet_of_one_village() {
    let fx = setup_ledger(80);
    let roll = fx.cli.roll();
    let village = "Thôn Đông";
    let ours: BTreeSet<String> = roll
        .iter()
        .filter(|(_, h)| h["village"] == village)
        .map(|(c, _)| c.clone())
        .collect();
    assert!(!ours.is_empty());
    let total: i64 = ours
        .iter()
        .map(|c| roll[c]["due"].as_i64().unwrap() + roll[c]["paid"].as_i64().unwrap())
        .sum();
    // Typed without accents, as a clerk would.
    let pdf = print(
        &fx.cli,
        fx.dir.path(),
        "village",
        &["sheet", "--village", "thon dong", "--date", DATE],
    );
    let pages = check_common(&pdf, "Danh sách chi trả có ký nhận", true);
    let text = pages.join("\n");
    assert!(text.contains("Thôn/xóm: Thôn Đông"));
    assert_eq!(
        code_counts(&text).keys().cloned().collect::<BTreeSet<_>>(),
        ours
    );
    let (per_page, grand) = page_totals(&pages);
    assert_eq!(per_page.iter().sum::<i64>(), grand);
    assert_eq!(grand, total);

    // A village that is not there: refused, with the villages that are.
    let out = fx.cli.run(&[
        "print",
        "sheet",
        "--village",
        "Thôn Không Có",
        "--out",
        fx.dir.path().join("x.pdf").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr
            .contains("Lỗi: không có thôn/xóm “Thôn Không Có”"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Thôn Đông"), "{}", out.stderr);
    assert!(!fx.dir.path().join("x.pdf").exists());
}

#[test]
fn long_text_wraps_inside_its_cell_and_nothing_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("so.sqlite");
    let period: Period = PERIOD.parse().unwrap();
    let mut roll = demo::roll(period, 3, 1, "QH01");
    for e in &mut roll.entries {
        e.proxy = None;
    }
    // Decomposed (NFD) on input, as some Excel exports write it.
    let long_name = "Công Tằng Tôn Nữ Hoàng Phương Khuê Diễm Kiều Trinh Nguyệt Ánh";
    let nfd: String = long_name.nfd().collect();
    roll.entries[1].name = nfd;
    roll.entries[1].village =
        "Xóm Đồng Bàu Mới phía nam đường liên xã gần Trường Tiểu học số hai".into();
    roll.entries[1].category =
        "Người hoạt động kháng chiến bị nhiễm chất độc hóa học suy giảm khả năng lao động từ 81% trở lên".into();
    {
        let mut ledger = Ledger::init(&db, "QH01", "Bưu điện văn hóa xã Quảng Hưng").unwrap();
        ledger.load_roll(&roll, "test", false).unwrap();
    }
    let cli = cli(&db);
    let pdf = print(&cli, dir.path(), "wrap", &["sheet", "--date", DATE]);
    let pages = check_common(&pdf, "Danh sách chi trả có ký nhận", false);
    let text = pages.join("\n");
    let flat = collapse(&text);
    // Every word is there, in NFC.
    for w in long_name
        .split(' ')
        .chain(roll.entries[1].village.split(' '))
        .chain(roll.entries[1].category.split(' '))
    {
        assert!(flat.contains(w), "word {w:?} lost");
    }
    assert!(
        !text.contains('\u{303}'),
        "a combining mark leaked into the text"
    );
    assert_eq!(code_counts(&text)["QH01-000002"], 1);
    // The name's words stay inside the name column: x from 40 to 68 mm (left margin 30, STT 10),
    // on more than one line; the row grew to hold it while the others kept their 12 mm.
    let name_words: BTreeSet<&str> = ["Tằng", "Khuê", "Diễm", "Kiều", "Trinh", "Nguyệt", "Ánh"]
        .into_iter()
        .collect();
    let mut lines = BTreeSet::new();
    let mut found = BTreeSet::new();
    for page in 1..=pages.len() {
        let words = words_on(&pdf, page);
        for (w, x0, y0, x1, _) in &words {
            if name_words.contains(w.as_str()) {
                assert!(
                    *x0 >= 40.0 * PT_PER_MM - 0.5 && *x1 <= 68.0 * PT_PER_MM + 0.5,
                    "{w} at {x0}..{x1} pt is outside the name column"
                );
                lines.insert((page, (*y0 * 10.0) as i64));
                found.insert(w.clone());
            }
        }
        let mut codes: Vec<(&str, f32)> = words
            .iter()
            .filter(|w| w.0.starts_with("QH01-"))
            .map(|w| (w.0.as_str(), w.2))
            .collect();
        codes.sort_by(|a, b| a.1.total_cmp(&b.1));
        for pair in codes.windows(2) {
            let gap = (pair[1].1 - pair[0].1) / PT_PER_MM;
            let least = if pair[0].0 == "QH01-000002" {
                14.0
            } else {
                11.99
            };
            assert!(gap >= least, "row {} is {gap:.1} mm", pair[0].0);
        }
    }
    assert_eq!(found.len(), name_words.len(), "{found:?}");
    assert!(lines.len() >= 2, "the long name should wrap over lines");
}

/// A day at the counter and on the road, for the day report, receipt, unpaid list and
/// settlement.
struct Day {
    fx: Fixture,
    /// Paid and not reversed: code → amount.
    paid: BTreeMap<String, i64>,
    /// Paid then reversed.
    reversed: String,
    /// Paid at home to a proxy: code, proxy name, proxy ID card.
    proxy: (String, String, String),
    /// Visited, nobody home.
    absent: String,
    /// Found deceased at the home.
    deceased: String,
    /// Their date of death, given at the visit (dd/mm/yyyy).
    deceased_on: String,
    /// Stop report: moved.
    moved: String,
    /// Every payout of the day, reversed or not: amounts.
    payouts: Vec<i64>,
    /// The cash count's shortage.
    shortage: i64,
}

/// The busy day, built once per test process and copied into each test's own folder: building it
/// takes about fifty runs of the binary (10 s on a quiet machine, several times that under Wine).
fn busy_day() -> Day {
    static DAY: OnceLock<Day> = OnceLock::new();
    let day = DAY.get_or_init(|| {
        let root = process_dir(Path::new(env!("CARGO_TARGET_TMPDIR")), "busy-day");
        build_busy_day(tempfile::tempdir_in(root).expect("temp dir"))
    });
    Day {
        fx: day.fx.copy(),
        paid: day.paid.clone(),
        reversed: day.reversed.clone(),
        proxy: day.proxy.clone(),
        absent: day.absent.clone(),
        deceased: day.deceased.clone(),
        deceased_on: day.deceased_on.clone(),
        moved: day.moved.clone(),
        payouts: day.payouts.clone(),
        shortage: day.shortage,
    }
}

fn build_busy_day(dir: tempfile::TempDir) -> Day {
    let fx = setup_ledger_in(40, dir);
    let cli = &fx.cli;
    let cards: Vec<Value> = fx.codes.iter().map(|c| cli.json(&["show", c])).collect();
    let clerk = CLERK_ID.to_string();
    let mut paid = BTreeMap::new();
    let mut payouts = Vec::new();
    let mut used = BTreeSet::new();
    // A home visit that pays the authorised proxy.
    let card = cards
        .iter()
        .find(|c| !c["proxy"].is_null() && c["home_delivery"] == true)
        .expect("the demo roll has a proxy at home");
    let code = card["code"].as_str().unwrap().to_string();
    let pname = card["proxy"]["name"].as_str().unwrap().to_string();
    let pid = card["proxy"]["id_card"].as_str().unwrap().to_string();
    let v = cli.json(&[
        "--clerk",
        &clerk,
        "visit",
        &code,
        "--outcome",
        "paid",
        "--proxy-name",
        &pname,
        "--proxy-id",
        &pid,
    ]);
    let a = v["payout"]["amount"].as_i64().unwrap();
    paid.insert(code.clone(), a);
    payouts.push(a);
    used.insert(code.clone());
    let proxy = (code, pname, pid);
    // Three at the counter.
    let counter: Vec<String> = fx
        .codes
        .iter()
        .filter(|c| !used.contains(*c))
        .take(4)
        .cloned()
        .collect();
    for c in &counter {
        let v = cli.json(&["pay", c, "--clerk", &clerk]);
        let a = v["amount"].as_i64().unwrap();
        payouts.push(a);
        paid.insert(c.clone(), a);
        used.insert(c.clone());
    }
    // The fourth is reversed.
    let reversed = counter[3].clone();
    let pay_id = cli.json(&["show", &reversed])["lines"][0]["paid_by"]
        .as_str()
        .unwrap()
        .to_string();
    cli.json(&[
        "reverse",
        &pay_id,
        "--reason",
        "Nhầm người nhận, chi lại sau",
        "--clerk",
        &clerk,
        "--approver",
        &SUPERVISOR_ID.to_string(),
    ]);
    paid.remove(&reversed);
    // Home visits: nobody home, deceased.
    let home: Vec<String> = cards
        .iter()
        .filter(|c| c["home_delivery"] == true && !used.contains(c["code"].as_str().unwrap()))
        .map(|c| c["code"].as_str().unwrap().to_string())
        .take(2)
        .collect();
    let absent = home[0].clone();
    let deceased = home[1].clone();
    cli.json(&[
        "--clerk",
        &clerk,
        "visit",
        &absent,
        "--outcome",
        "absent",
        "--note",
        "Đi viện tỉnh",
    ]);
    let died = chrono::Local::now().date_naive() - chrono::Duration::days(4);
    let v = cli.json(&[
        "--clerk",
        &clerk,
        "visit",
        &deceased,
        "--outcome",
        "deceased",
        "--date",
        &died.to_string(),
    ]);
    assert_eq!(v["stop"]["date"], died.to_string(), "{v}");
    let deceased_on = died.format("%d/%m/%Y").to_string();
    used.insert(absent.clone());
    used.insert(deceased.clone());
    // A stop report: moved away, three days ago.
    let moved = fx
        .codes
        .iter()
        .rev()
        .find(|c| !used.contains(*c))
        .unwrap()
        .clone();
    let when = (chrono::Local::now().date_naive() - chrono::Duration::days(3)).to_string();
    cli.json(&[
        "--clerk",
        &clerk,
        "stop",
        &moved,
        "--reason",
        "moved",
        "--date",
        &when,
        "--note",
        "Theo con vào TP. Hồ Chí Minh",
    ]);
    // Count the cash: ten thousand short.
    let expected = cli.status()["cash_on_hand"].as_i64().unwrap();
    let shortage = 10_000;
    let counted = expected - shortage;
    let big = counted / 500_000;
    let rest = (counted % 500_000) / 1_000;
    let c = cli.json(&[
        "--clerk",
        &clerk,
        "cash",
        "count",
        &format!("500000={big}"),
        &format!("1000={rest}"),
    ]);
    assert_eq!(c["difference"].as_i64(), Some(-shortage));
    Day {
        fx,
        paid,
        reversed,
        proxy,
        absent,
        deceased,
        deceased_on,
        moved,
        payouts,
        shortage,
    }
}

#[test]
fn home_delivery_receipt_has_two_copies() {
    let d = busy_day();
    let cli = &d.fx.cli;
    let (code, pname, pid) = &d.proxy;
    let pdf = print(
        cli,
        d.fx.dir.path(),
        "receipt",
        &["receipt", "--code", code],
    );
    let pages = check_common(&pdf, "Biên nhận chi trả tháng 12 năm 2026", true);
    keep_png(&pdf, "receipt");
    assert_eq!(pages.len(), 1, "two copies on one A4 sheet");
    let text = flat_of(&pdf);
    let card = cli.json(&["show", code]);
    let name = card["name"].as_str().unwrap();
    let amount = d.paid[code];
    let formatted = paypoint::Dong::new(amount).unwrap().to_string();
    let words = paypoint::Dong::new(amount).unwrap().in_words();
    assert_eq!(text.matches("BIÊN NHẬN CHI TRẢ TẠI NHÀ").count(), 2);
    assert!(text.contains("Liên 1: lưu tại điểm chi trả"));
    assert!(text.contains("Liên 2: giao người nhận tiền"));
    for (what, n) in [
        (format!("Họ và tên đối tượng: {name}"), 2),
        (format!("Mã đối tượng: {code}"), 2),
        (format!("Số tiền bằng chữ: {words}."), 2),
        (
            format!("Người nhận tiền: {pname} – người nhận thay theo giấy ủy quyền, CCCD số {pid}"),
            2,
        ),
        ("nhân viên chi trả: Trần Thị Mai".to_string(), 2),
        ("tại nhà đối tượng".to_string(), 2),
    ] {
        assert_eq!(text.matches(&what).count(), n, "{what:?} in:\n{text}");
    }
    // The amount: on each line of the table and on the total row, in both copies.
    let cong: Vec<&str> = lines_with(&pages[0], "Cộng");
    assert_eq!(cong.len(), 2);
    for l in cong {
        assert_eq!(amounts(l).last(), Some(&amount), "{l}");
    }
    assert!(text.contains(&formatted));
    // Someone not paid has no receipt.
    let unpaid =
        d.fx.codes
            .iter()
            .find(|c| !d.paid.contains_key(*c) && **c != d.reversed)
            .unwrap();
    let out = cli.run(&[
        "print",
        "receipt",
        "--code",
        unpaid,
        "--out",
        d.fx.dir.path().join("r.pdf").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("chưa được chi trả"), "{}", out.stderr);
    // Nor a reversed payout; and the receipt needs to know whom.
    let out = cli.run(&[
        "print",
        "receipt",
        "--code",
        &d.reversed,
        "--out",
        "/tmp/none.pdf",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = cli.run(&["print", "receipt", "--out", "/tmp/none.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("--code"), "{}", out.stderr);
}

#[test]
fn day_report_shows_the_day_and_the_cash_count() {
    let d = busy_day();
    let cli = &d.fx.cli;
    let pdf = print(cli, d.fx.dir.path(), "day", &["day"]);
    let pages = check_common(&pdf, "Báo cáo chi trả cuối ngày", true);
    keep_png(&pdf, "day");
    let text = pages.join("\n");
    let flat = flat_of(&pdf);
    let roll = cli.roll();
    let name = |c: &str| roll[c]["name"].as_str().unwrap().to_string();
    for c in d.paid.keys().chain(std::iter::once(&d.reversed)) {
        assert!(flat.contains(&name(c)), "payout of {c} missing");
        assert!(flat.contains(c.as_str()));
    }
    let gross: i64 = d.payouts.iter().sum();
    let line = lines_with(&text, "Cộng các lần chi");
    assert_eq!(amounts(line[0]).last(), Some(&gross));
    assert!(flat.contains(&format!(
        "I. Chi trả trong ngày: {} lần chi",
        d.payouts.len() - 1
    )));
    assert!(flat.contains("Đã hủy"));
    assert!(flat.contains("Nhầm người nhận, chi lại sau"));
    assert!(flat.contains("Trần Thị Mai / Lê Văn Nam"));
    assert!(flat.contains(&format!("Nhận thay: {}", d.proxy.1)));
    // Visits and outcomes.
    assert!(flat.contains("III. Chi trả tại nhà – kết quả đến nhà: 3 lượt"));
    for (c, outcome) in [
        (&d.absent, "Vắng nhà"),
        (&d.deceased, "Đã từ trần"),
        (&d.proxy.0, "Đã chi trả"),
    ] {
        // The visits table is the only place where a row carries an outcome.
        assert!(
            flat.matches(c.as_str()).any(|_| true) && flat.contains(outcome),
            "{c} {outcome}"
        );
        let visit_rows: Vec<&str> = flat
            .match_indices(c.as_str())
            .map(|(i, _)| &flat[i..])
            .collect();
        assert!(
            visit_rows.iter().any(|r| row_of(r, c).contains(outcome)),
            "{c}: {outcome} not on its visit row"
        );
    }
    assert!(flat.contains("Đi viện tỉnh"));
    // Stop reports: the move, and the death found at the door.
    assert!(flat.contains("IV. Báo giảm trong ngày: 2 đối tượng"));
    assert!(flat.contains(&name(&d.moved)));
    assert!(flat.contains("chuyển đi"));
    assert!(flat.contains("Theo con vào TP. Hồ Chí Minh"));
    // Cash: the box over the day and the count.
    let status = cli.status();
    let on_hand = status["cash_on_hand"].as_i64().unwrap();
    let closing = lines_with(&text, "Tồn quỹ cuối ngày theo sổ");
    assert_eq!(amounts(closing[0]).last(), Some(&on_hand));
    let advance = lines_with(&text, "Tạm ứng nhận trong ngày");
    assert_eq!(amounts(advance[0]).last(), Some(&d.fx.advance));
    let counted = lines_with(&text, "Tổng số tiền kiểm đếm");
    assert_eq!(amounts(counted[0]).last(), Some(&(on_hand - d.shortage)));
    assert!(flat.contains("500.000"));
    assert!(flat.contains("Chênh lệch (thực tế − sổ): -10.000 đồng (thiếu so với sổ)."));
    let words = paypoint::Dong::new(on_hand - d.shortage)
        .unwrap()
        .in_words();
    assert!(flat.contains(&format!("Bằng chữ: {words}.")));
    for s in ["Nhân viên chi trả", "Kế toán", "Giám đốc Bưu điện"] {
        assert!(collapse(pages.last().unwrap()).contains(s));
    }
}

#[test]
fn unpaid_list_at_any_time() {
    let d = busy_day();
    let cli = &d.fx.cli;
    let pdf = print(cli, d.fx.dir.path(), "unpaid", &["unpaid", "--date", DATE]);
    let pages = check_common(&pdf, "Danh sách đối tượng chưa nhận trợ cấp", true);
    keep_png(&pdf, "unpaid");
    let text = pages.join("\n");
    let roll = cli.roll();
    let unpaid: BTreeSet<String> = roll
        .iter()
        .filter(|(_, h)| h["due"].as_i64().unwrap() > 0)
        .map(|(c, _)| c.clone())
        .collect();
    assert!(unpaid.contains(&d.reversed));
    assert!(unpaid.contains(&d.moved), "stopped, so still unpaid");
    let counts = code_counts(&text);
    assert_eq!(counts.keys().cloned().collect::<BTreeSet<_>>(), unpaid);
    assert!(counts.values().all(|&c| c == 1));
    for c in d.paid.keys() {
        assert!(!counts.contains_key(c), "{c} is paid");
    }
    // Part I carries its page totals; the two parts' totals add up to what is unpaid.
    let status = cli.status();
    let stopped = status["stopped_amount"].as_i64().unwrap();
    let unpaid_amount = status["unpaid_amount"].as_i64().unwrap();
    let carried_line = lines_with(&text, "Cộng chưa nhận, chuyển kỳ sau");
    assert_eq!(carried_line.len(), 1, "{text}");
    let carried = *amounts(carried_line[0]).last().unwrap();
    let stopped_line = lines_with(&text, "Cộng dừng chi trả");
    assert_eq!(amounts(stopped_line[0]).last(), Some(&stopped));
    assert_eq!(carried + stopped, unpaid_amount);
    let sums: i64 = pages
        .iter()
        .flat_map(|p| lines_with(p, "Cộng trang"))
        .map(|l| *amounts(l).last().unwrap())
        .sum();
    assert_eq!(sums, carried, "page totals of part I");
    let flat = flat_of(&pdf);
    assert!(flat.contains(&format!(
        "Tổng số: {} / 40 đối tượng chưa nhận",
        unpaid.len() - 2
    )));
    // The last visit's outcome, and the home-delivery flag.
    let absent_row = row_of(&flat, &d.absent);
    assert!(
        absent_row.contains(" x Vắng nhà ("),
        "home delivery flag and last visit: {absent_row}"
    );
    assert!(flat.contains(DATE_LINE));
    let words = paypoint::Dong::new(carried).unwrap().in_words();
    assert!(flat.contains(&format!("Số tiền chuyển kỳ sau bằng chữ: {words}.")));
}

/// The amounts of the lines of `page` that contain `label`, one list per line.
fn amounts_on(page: &str, label: &str) -> Vec<Vec<i64>> {
    lines_with(page, label).into_iter().map(amounts).collect()
}

#[test]
fn month_settlement_reconciles() {
    let d = busy_day();
    let cli = &d.fx.cli;
    // A cash return before closing the month.
    cli.json(&[
        "--clerk",
        &CLERK_ID.to_string(),
        "cash",
        "return",
        "1000000",
    ]);
    let before_close = cli.status();
    cli.json(&["--clerk", &CLERK_ID.to_string(), "period", "close"]);
    // After closing, the settlement is of the latest period.
    let pdf = print(
        cli,
        d.fx.dir.path(),
        "settlement",
        &["settlement", "--date", DATE, "--fee-rate", "0,5%"],
    );
    let pages = check_common(
        &pdf,
        "Bảng tổng hợp thanh quyết toán tháng 12 năm 2026",
        true,
    );
    keep_png(&pdf, "settlement");
    let text = pages.join("\n");
    let flat = flat_of(&pdf);
    let total_due = before_close["total_due"].as_i64().unwrap();
    let paid = before_close["paid_amount"].as_i64().unwrap();
    let stopped = before_close["stopped_amount"].as_i64().unwrap();
    let unpaid = before_close["unpaid_amount"].as_i64().unwrap() - stopped;
    // Two-level headers: each group over its lines and đồng.
    for s in [
        "Phải trả theo danh sách",
        "Đã chi trả",
        "Chưa chi trả, chuyển kỳ sau",
        "Dừng chi trả (báo giảm)",
        "Số khoản",
    ] {
        assert!(flat.contains(s), "{s}");
    }
    // The summary's total row: on the roll, paid, unpaid (carried over), stopped; lines and đồng.
    let total_row = amounts_on(&pages[0], "TỔNG CỘNG");
    assert_eq!(total_row.len(), 1, "{}", pages[0]);
    let n = &total_row[0];
    assert_eq!(n.len(), 8, "{n:?}");
    assert_eq!(n[1], total_due);
    assert_eq!(n[3], paid);
    assert_eq!(n[5], unpaid);
    assert_eq!(n[7], stopped);
    assert_eq!(
        n[0],
        n[2] + n[4] + n[6],
        "lines: roll = paid + unpaid + stopped"
    );
    assert_eq!(n[1], n[3] + n[5] + n[7]);
    assert_eq!(n[0], before_close["lines"].as_i64().unwrap());
    // The review found "40" people in TỔNG CỘNG over rows of 40 + 1 + 4: every column of the
    // rows now adds up to the total.
    let kinds = [
        "Trợ cấp hàng tháng",
        "Phụ cấp",
        "Trợ cấp người phục vụ",
        "Truy lĩnh",
        "Trợ cấp một lần",
        "Mai táng phí",
    ];
    let rows: Vec<Vec<i64>> = kinds
        .iter()
        .flat_map(|k| amounts_on(&pages[0], k))
        .map(|r| r[1..].to_vec()) // without the STT
        .collect();
    assert!(rows.len() >= 2, "{}", pages[0]);
    for col in 0..8 {
        let sum: i64 = rows.iter().map(|r| r[col]).sum();
        assert_eq!(sum, n[col], "column {} of the summary adds up", col + 3);
    }
    // People: each once, by status, and the parts add up.
    let people = format!(
        "Số đối tượng trong danh sách: 40 người, gồm: đã trả đủ {} người;",
        d.paid.len()
    );
    assert!(flat.contains(&people), "{people}");
    let counts: Vec<i64> = amounts(&flat[flat.find("Số đối tượng trong danh sách").unwrap()..])
        .into_iter()
        .take(5)
        .collect();
    assert_eq!(counts[0], counts[1..].iter().sum::<i64>(), "{counts:?}");
    // Money: received, paid, left, carried over, returned, still to return.
    let line = |label: &str| {
        amounts(lines_with(&text, label)[0])
            .last()
            .copied()
            .unwrap()
    };
    let paid_out = d.payouts.iter().sum::<i64>();
    let reversed = paid_out - paid;
    assert_eq!(line("Kinh phí tạm ứng nhận trong kỳ"), d.fx.advance);
    assert_eq!(line("Đã chi trả cho đối tượng"), paid_out);
    assert_eq!(line("Hoàn quỹ do hủy chi trả"), reversed);
    let left = d.fx.advance - paid_out + reversed;
    assert_eq!(line("Kinh phí còn lại"), left);
    assert_eq!(line("chưa chi trả, chuyển kỳ sau (giữ lại"), unpaid);
    assert_eq!(line("dừng chi trả (báo giảm), phải nộp trả"), stopped);
    assert_eq!(line("Đã nộp trả trong kỳ"), 1_000_000);
    assert_eq!(line("Còn phải nộp trả"), left - unpaid - 1_000_000);
    let on_hand = before_close["cash_on_hand"].as_i64().unwrap();
    assert_eq!(line("Tồn quỹ cuối kỳ theo sổ"), on_hand);
    assert_eq!(unpaid + line("Còn phải nộp trả"), on_hand);
    assert!(flat.contains("-10.000 đồng (thiếu so với sổ)"));
    // The fee: 0,5% of the amount paid, rounded to the đồng.
    let fee = (paid * 50 + 5_000) / 10_000;
    let fee_row = amounts_on(&text, "0,5%");
    assert_eq!(fee_row.len(), 1, "{text}");
    assert_eq!(fee_row[0], vec![paid, fee], "{text}");
    let words = paypoint::Dong::new(fee).unwrap().in_words();
    assert!(flat.contains(&format!("Phí chi trả bằng chữ: {words}.")));
    assert!(flat.contains("Thông tư 44/2022/TT-BTC"));
    // The appendix: each beneficiary once, with their status.
    let appendix: Vec<String> = pages
        .iter()
        .skip_while(|p| !p.contains("PHỤ LỤC: TRẠNG THÁI CHI TRẢ TỪNG ĐỐI TƯỢNG"))
        .cloned()
        .collect();
    assert!(!appendix.is_empty());
    let appendix_text = appendix.join("\n");
    let counts = code_counts(&appendix_text);
    assert_eq!(counts.len(), 40);
    let appendix_flat = &flat[flat.find("PHỤ LỤC").unwrap()..];
    let status_of = |c: &str| row_of(appendix_flat, c).to_string();
    for c in d.paid.keys() {
        assert!(status_of(c).contains(" Đã trả"), "{}", status_of(c));
    }
    for c in [&d.moved, &d.deceased] {
        assert!(
            status_of(c).contains("Chưa trả và dừng chi trả"),
            "{}",
            status_of(c)
        );
    }
    for c in [&d.reversed, &d.absent] {
        let s = status_of(c);
        assert!(s.contains("Chưa trả") && !s.contains("dừng"), "{s}");
    }
    // Every amount column of the appendix is totalled, per page and in all; the stopped apart
    // from those carried over.
    let mut sums = [0i64; 4];
    for (i, p) in appendix.iter().enumerate() {
        let per_page = amounts_on(p, "Cộng trang");
        assert_eq!(
            per_page.len(),
            1,
            "one Cộng trang on appendix page {}",
            i + 1
        );
        assert_eq!(per_page[0].len(), 4, "{:?}", per_page[0]);
        for (s, a) in sums.iter_mut().zip(&per_page[0]) {
            *s += a;
        }
    }
    let grand = amounts_on(appendix.last().unwrap(), "TỔNG CỘNG");
    assert_eq!(grand, vec![sums.to_vec()]);
    assert_eq!(sums, [total_due, paid, unpaid, stopped]);
    for s in [DATE_LINE, "Người lập biểu", "Giám đốc Bưu điện"] {
        assert!(flat.contains(s), "{s}");
    }
}

/// Without a rate the fee is left blank for the managing office, and an option the settlement
/// does not read is refused rather than ignored.
#[test]
fn the_settlement_fee_needs_a_rate_and_only_the_settlement_takes_one() {
    let fx = setup_ledger(5);
    let pdf = print(&fx.cli, fx.dir.path(), "settlement-no-fee", &["settlement"]);
    let flat = flat_of(&pdf);
    assert!(flat.contains("Tỷ lệ phí theo hợp đồng"), "{flat}");
    assert!(!flat.contains("Phí chi trả bằng chữ"));
    let out = fx.dir.path().join("x.pdf");
    let out = out.to_str().unwrap();
    let r = fx
        .cli
        .run(&["print", "sheet", "--fee-rate", "0,5%", "--out", out]);
    assert_eq!(r.status.code(), Some(1));
    assert!(r.stderr.contains("--fee-rate"), "{}", r.stderr);
    let r = fx
        .cli
        .run(&["print", "settlement", "--fee-rate", "0,125%", "--out", out]);
    assert_eq!(r.status.code(), Some(2));
    assert!(r.stderr.contains("hai chữ số thập phân"), "{}", r.stderr);

    // A rate the supervisor set in the organisation settings is the settlement's default.
    let set = fx.cli.run_env(
        &["--clerk", "2", "org", "set", "--fee-rate", "0,5"],
        &[("PAYPOINT_PIN", common::SUPERVISOR_PIN)],
    );
    assert!(set.ok(), "{}", set.stderr);
    let pdf = print(
        &fx.cli,
        fx.dir.path(),
        "settlement-org-fee",
        &["settlement"],
    );
    let flat = flat_of(&pdf);
    assert!(flat.contains("0,5%"), "{flat}");
    assert!(flat.contains("Phí chi trả bằng chữ"), "{flat}");
}

/// The codes a table of the notice lists, in order: those between `from` and `to` in the text.
fn codes_between(flat: &str, from: &str, to: &str) -> Vec<String> {
    let start = flat
        .find(from)
        .unwrap_or_else(|| panic!("{from:?} not in the notice"));
    let rest = &flat[start..];
    let end = rest.find(to).unwrap_or(rest.len());
    code_counts(&rest[..end]).into_keys().collect()
}

/// The review found a person the notice called "no longer on the December list" who is #5 on
/// the December sheet. The notice was right about the ledger it was printed from: the test that
/// drew it had deleted QH01-000005 from its December roll, with no stop report, while the sheet's
/// picture came from another ledger where he is still on the roll. So the data was wrong, and
/// the two papers could not be compared (the notice had no code). Now the notice names everyone
/// by code, and its picture comes from a December roll that is the sheet's own: the notice and
/// the sheet of one ledger agree on who left and who joined.
#[test]
fn public_notice_lists_the_schedule_and_the_changes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("so.sqlite");
    let nov: Period = "2026-11".parse().unwrap();
    let dec: Period = PERIOD.parse().unwrap();
    // December: the very roll of the sheet's picture (120 people, seed 1). November: three more
    // people, who leave (two died in November, one left the roll without a report here), and
    // without two who join in December.
    let current = demo::roll(dec, 120, 1, "QH01");
    let mut previous = demo::roll(nov, 123, 1, "QH01");
    let joined_at = [7usize, 30];
    let joined: Vec<String> = joined_at
        .iter()
        .map(|&i| current.entries[i].code.as_str().to_string())
        .collect();
    for &i in joined_at.iter().rev() {
        previous.entries.remove(i);
    }
    let gone: Vec<String> = (121..=123).map(|n| format!("QH01-{n:06}")).collect();
    let cli = cli(&db);
    {
        let mut ledger = Ledger::init(&db, "QH01", "Bưu điện văn hóa xã Quảng Hưng").unwrap();
        ledger.load_roll(&previous, "nov.xlsx", false).unwrap();
        let pin = paypoint::clerk::Pin::new("1234").unwrap();
        let clerk = ledger
            .add_clerk("Trần Thị Mai", paypoint::model::Role::Clerk, &pin)
            .unwrap();
        let by = ledger.sign_in(clerk.id, &pin).unwrap();
        for (code, day) in [(&gone[0], 14), (&gone[1], 20)] {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 11, day);
            let code = paypoint::BeneficiaryCode::new(code).unwrap();
            ledger
                .report_stop(&by, &code, paypoint::model::StopReason::Death, date, "")
                .unwrap();
        }
    }
    // With only one roll there is nothing to compare with.
    let pdf = print(
        &cli,
        dir.path(),
        "notice-first",
        &["notice", "--date", "2026-11-28"],
    );
    check_common(&pdf, "Thông báo lịch chi trả", false);
    assert!(flat_of(&pdf).contains("Sổ chưa có danh sách chi trả kỳ trước để so sánh"));
    {
        let mut ledger = Ledger::open(&db).unwrap();
        ledger.load_roll(&current, "dec.xlsx", false).unwrap();
    }
    let pdf = print(
        &cli,
        dir.path(),
        "notice",
        &["notice", "--date", "2026-11-28"],
    );
    let pages = check_common(
        &pdf,
        "Thông báo lịch chi trả và danh sách đối tượng tăng, giảm tháng 12 năm 2026",
        false,
    );
    keep_png(&pdf, "notice");
    let text = pages.join("\n");
    let flat = flat_of(&pdf);
    for s in [
        "THÔNG BÁO",
        "I. Lịch chi trả",
        "Thứ Ba, 01/12/2026",
        "Thứ Bảy, 05/12/2026",
        "Thứ Ba, 01/12/2026 7h30 – 11h30 và 13h30 – 17h00 Bưu điện văn hóa xã Quảng Hưng",
        "Quảng Hưng, ngày 28 tháng 11 năm 2026",
        "II. Đối tượng được bổ sung (báo tăng) so với danh sách tháng 11 năm 2026: 2 người",
        "III. Đối tượng thôi hưởng, dừng chi trả (báo giảm) so với danh sách tháng 11 năm 2026: 3 người",
        "Mã đối tượng",
        "Báo giảm: từ trần ngày 14/11/2026",
        "Báo giảm: từ trần ngày 20/11/2026",
        "Không còn trong danh sách tháng 12 năm 2026",
    ] {
        assert!(flat.contains(s), "{s:?} not in:\n{text}");
    }
    assert!(!flat.contains("Thứ Bảy, 06/12/2026"));
    // The notice names them by code, and the sheet of the same ledger agrees.
    let added = codes_between(
        &flat,
        "II. Đối tượng được bổ sung",
        "III. Đối tượng thôi hưởng",
    );
    let removed = codes_between(
        &flat,
        "III. Đối tượng thôi hưởng",
        "Danh sách chi trả tháng 12",
    );
    assert_eq!(added, joined, "added, by code");
    assert_eq!(removed, gone, "removed, by code");
    let sheet = print(&cli, dir.path(), "notice-sheet", &["sheet", "--date", DATE]);
    let on_sheet = code_counts(&pages_of(&sheet).join("\n"));
    assert_eq!(on_sheet.len(), current.entries.len());
    for c in &added {
        assert!(
            on_sheet.contains_key(c),
            "{c} joined and is on the December sheet"
        );
    }
    for c in &removed {
        assert!(
            !on_sheet.contains_key(c),
            "{c} left, yet is on the December sheet"
        );
    }
    // Every one gone is named as November's roll named them.
    for c in &gone {
        let name = &previous
            .entries
            .iter()
            .find(|e| e.code.as_str() == c)
            .unwrap()
            .name;
        assert!(flat.contains(name.as_str()), "{c} {name}");
    }
    // An amended December roll drops one more person: off the sheet, onto the removed list.
    let dropped = current.entries[40].clone();
    let mut amended = current.clone();
    amended.entries.remove(40);
    {
        let mut ledger = Ledger::open(&db).unwrap();
        let change = ledger.apply_roll(&amended, "dec-v2.xlsx").unwrap();
        assert_eq!(change.outcome, "amended");
    }
    let pdf = print(
        &cli,
        dir.path(),
        "sheet-amended",
        &["sheet", "--date", DATE],
    );
    let text = pages_of(&pdf).join("\n");
    assert!(!code_counts(&text).contains_key(dropped.code.as_str()));
    assert_eq!(code_counts(&text).len(), amended.entries.len());
    let pdf = print(&cli, dir.path(), "notice-amended", &["notice"]);
    let flat_amended = flat_of(&pdf);
    assert!(flat_amended.contains(&dropped.name), "{}", dropped.name);
    assert!(flat_amended.contains("so với danh sách tháng 11 năm 2026: 4 người"));
    // A schedule from options.
    let pdf = print(
        &cli,
        dir.path(),
        "notice2",
        &[
            "notice",
            "--days",
            "2,4",
            "--hours",
            "Cả ngày",
            "--venue",
            "Nhà văn hóa thôn Đông",
        ],
    );
    let flat = flat_of(&pdf);
    assert!(
        flat.contains("Thứ Tư, 02/12/2026 Cả ngày Nhà văn hóa thôn Đông"),
        "{flat}"
    );
    assert!(!flat.contains("01/12/2026"));
    let out = cli.run(&["print", "notice", "--days", "31,32", "--out", "/tmp/n.pdf"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("không có ngày 32"), "{}", out.stderr);
}

#[test]
fn print_refuses_what_it_cannot_do() {
    let fx = setup_ledger(5);
    let out_pdf = fx.dir.path().join("x.pdf");
    let out = out_pdf.to_str().unwrap();
    for (args, says) in [
        (
            vec!["print", "day", "--village", "Thôn Đông", "--out", out],
            "--village",
        ),
        (
            vec!["print", "sheet", "--period", "2025-01", "--out", out],
            "2025-01",
        ),
        (
            vec!["print", "receipt", "--payout", "abc", "--out", out],
            "abc",
        ),
    ] {
        let r = fx.cli.run(&args);
        assert_eq!(r.status.code(), Some(1), "{args:?}");
        assert!(r.stderr.starts_with("Lỗi: "), "{}", r.stderr);
        assert!(r.stderr.contains(says), "{args:?}: {}", r.stderr);
        assert!(!out_pdf.exists());
    }
    // No roll yet.
    let dir = tempfile::tempdir().unwrap();
    let cli = cli(dir.path().join("so.sqlite"));
    cli.json(&[
        "init",
        "--pay-point",
        "QH01",
        "--name",
        "Bưu điện văn hóa xã Quảng Hưng",
    ]);
    let r = cli.run(&["print", "sheet", "--out", out]);
    assert_eq!(r.status.code(), Some(1));
    assert!(
        r.stderr.contains("chưa có danh sách chi trả"),
        "{}",
        r.stderr
    );
}

/// Issue 12: a roll the pay point loaded itself (before its device enrolled with a hub) is marked
/// on every page of every paper as not signed by the managing office; the demo roll keeps its own
/// mark and is not called unsigned.
#[test]
fn a_roll_the_pay_point_loaded_itself_is_marked_unsigned_on_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("so.sqlite");
    let period: Period = PERIOD.parse().unwrap();
    let roll = demo::roll(period, 40, 3, "QH01");
    {
        let mut ledger = Ledger::init(&db, "QH01", "Bưu điện văn hóa xã Quảng Hưng").unwrap();
        ledger.load_roll(&roll, "ds-tu-nap.xlsx", false).unwrap();
    }
    let cli = cli(&db);
    assert_eq!(cli.status()["roll_origin"], "file");
    let versions = cli.json(&["roll", "versions"]);
    assert_eq!(versions[0]["origin"], "file");
    for (name, args) in [
        ("sheet", &["sheet", "--date", DATE][..]),
        ("unpaid", &["unpaid"][..]),
        ("notice", &["notice"][..]),
    ] {
        let pdf = print(&cli, dir.path(), name, args);
        let pages = pages_of(&pdf);
        assert!(
            pages.len() >= 2 || name != "sheet",
            "a sheet of 40 people has pages"
        );
        for (i, page) in pages.iter().enumerate() {
            assert!(
                collapse(page).contains(paypoint::roll::UNSIGNED_ROLL_NOTICE),
                "{name}, page {}: {page}",
                i + 1
            );
        }
    }

    let demo_db = dir.path().join("demo.sqlite");
    {
        let mut ledger = Ledger::init(&demo_db, "QH01", "Bưu điện văn hóa xã Quảng Hưng").unwrap();
        ledger.load_roll(&roll, "demo", true).unwrap();
    }
    let cli = common::cli(&demo_db);
    assert_eq!(cli.status()["roll_origin"], "demo");
    let pdf = print(&cli, dir.path(), "demo-sheet", &["sheet", "--date", DATE]);
    let text = collapse(&pages_of(&pdf).join(" "));
    assert!(text.contains("DỮ LIỆU MẪU"));
    assert!(!text.contains(paypoint::roll::UNSIGNED_ROLL_NOTICE));
}

/// Issue 12, paper that proves itself: every page of the signature sheet carries a QR code with
/// the pay point, period, page, the codes printed on that page with their amounts, the page's
/// total ("Cộng trang") and the ledger's head hash; every copy of a receipt carries the payout,
/// its code and amount.
#[test]
fn every_page_and_every_receipt_carries_a_qr_code_that_reads_back() {
    let fx = setup_ledger(40);
    let dir = fx.dir.path();
    let head = fx.cli.verify()["head"]
        .as_str()
        .unwrap()
        .to_ascii_uppercase();
    let pdf = print(&fx.cli, dir, "sheet", &["sheet", "--date", DATE]);
    let pages = pages_of(&pdf);
    let (page_sums, _) = page_totals(&pages);
    let codes = qr::qr_codes_of(&pdf);
    assert_eq!(codes.len(), pages.len());
    let mut seen = Vec::new();
    for (i, (qr, text)) in codes.iter().zip(&pages).enumerate() {
        assert_eq!(qr.len(), 1, "one QR code on page {}", i + 1);
        let s = paypoint::paper::PaperStamp::parse(&qr[0]).unwrap();
        assert_eq!(s.kind, paypoint::paper::PaperKind::Sheet);
        assert_eq!(
            (s.pay_point.as_str(), s.period.to_string()),
            ("QH01", PERIOD.to_string())
        );
        assert_eq!(s.page as usize, i + 1);
        assert_eq!(s.head, head[..paypoint::paper::HEAD_HEX]);
        let on_page: Vec<&String> = fx
            .codes
            .iter()
            .filter(|c| text.contains(c.as_str()))
            .collect();
        let in_qr: Vec<&String> = s.lines.iter().map(|l| &l.0).collect();
        assert_eq!(in_qr, on_page, "page {}", i + 1);
        if let Some(sum) = page_sums.get(i) {
            assert_eq!(s.total.as_i64(), *sum, "the page's total, page {}", i + 1);
        }
        seen.extend(s.lines.iter().map(|l| l.0.clone()));
    }
    assert_eq!(seen, fx.codes, "every person on exactly one page's code");

    let code = &fx.codes[0];
    let paid = fx
        .cli
        .json(&["--clerk", &CLERK_ID.to_string(), "pay", code]);
    let pdf = print(&fx.cli, dir, "receipt", &["receipt", "--code", code]);
    let stamps: Vec<_> = qr::qr_codes_of(&pdf)
        .concat()
        .iter()
        .map(|t| paypoint::paper::PaperStamp::parse(t).unwrap())
        .collect();
    assert_eq!(stamps.len(), 2, "one code in each copy");
    for s in &stamps {
        assert_eq!(s.kind, paypoint::paper::PaperKind::Receipt);
        assert_eq!(
            s.document,
            paid["payout_id"]
                .as_str()
                .unwrap()
                .replace('-', "")
                .to_ascii_uppercase()
        );
        assert_eq!(s.total.as_i64(), paid["amount"].as_i64().unwrap());
        assert_eq!(s.lines, [(code.clone(), s.total)]);
    }
}

/// The review found "Anh hùng lao động" on the sheet: the title is "Anh hùng Lao động" (as
/// "Anh hùng Lực lượng vũ trang nhân dân"). The category comes from the rate table the demo roll
/// draws from, so it is printed as the table writes it.
#[test]
fn heroes_of_labour_are_written_with_a_capital_l() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("so.sqlite");
    let dec: Period = PERIOD.parse().unwrap();
    let roll = demo::roll(dec, 120, 1, "QH01");
    let heroes = roll
        .entries
        .iter()
        .filter(|e| paypoint::text::fold(&e.category).contains("anh hung lao dong"))
        .count();
    assert!(heroes > 0, "the demo roll has heroes of labour to print");
    {
        let mut ledger = Ledger::init(&db, "QH01", "Bưu điện văn hóa xã Quảng Hưng").unwrap();
        ledger.load_roll(&roll, "dec.xlsx", false).unwrap();
    }
    let cli = cli(&db);
    let pdf = print(&cli, dir.path(), "heroes", &["sheet", "--date", DATE]);
    let flat = flat_of(&pdf);
    assert!(flat.contains("Anh hùng Lao động"), "{flat}");
    assert!(!flat.contains("Anh hùng lao động"));
}

/// The review found headers broken as "…XÃ QUẢNG / HƯNG". On every paper, portrait or
/// landscape, the words of the place name in the header stand on one line.
#[test]
fn a_place_name_in_the_header_is_never_split_over_two_lines() {
    let d = busy_day();
    let cli = &d.fx.cli;
    let dir = d.fx.dir.path();
    let (code, _, _) = &d.proxy;
    for (name, args) in [
        ("h-sheet", vec!["sheet"]),
        ("h-receipt", vec!["receipt", "--code", code.as_str()]),
        ("h-day", vec!["day"]),
        ("h-unpaid", vec!["unpaid"]),
        ("h-settlement", vec!["settlement"]),
        ("h-notice", vec!["notice"]),
    ] {
        let pdf = print(cli, dir, name, &args);
        let words = words_on(&pdf, 1);
        let find = |w: &str| {
            words
                .iter()
                .find(|x| x.0 == w)
                .unwrap_or_else(|| panic!("{name}: {w} not on page 1"))
                .clone()
        };
        // The first "QUẢNG" of the page is the header's.
        let (xa, quang, hung) = (find("XÃ"), find("QUẢNG"), find("HƯNG"));
        for w in [&xa, &hung] {
            assert!(
                (w.2 - quang.2).abs() < 1.0,
                "{name}: “XÃ QUẢNG HƯNG” split over lines: {xa:?} {quang:?} {hung:?}"
            );
        }
    }
}

/// Issue 14: the sheet has the managing office's columns — birth year under Nam / Nữ, the ID
/// card, the amounts as monthly / arrears and once / total, each totalled, the day received —
/// and names the roll's version as an accountant does, with no software words on paper.
#[test]
fn the_sheet_has_the_managing_offices_columns_each_amount_totalled() {
    let fx = setup_ledger(30);
    let clerk = CLERK_ID.to_string();
    let first = fx.codes[0].clone();
    fx.cli.json(&["--clerk", &clerk, "pay", &first]);
    let pdf = print(
        &fx.cli,
        fx.dir.path(),
        "sheet-cols",
        &["sheet", "--date", DATE],
    );
    let pages = check_common(&pdf, "Danh sách chi trả có ký nhận", true);
    // In drawing order: a header cell's wrapped lines read one after the other.
    let first_page = collapse(flat_of(&pdf).split("Trang 1/").next().unwrap());
    for s in [
        "Năm sinh",
        "Nam",
        "Nữ",
        "Số CCCD",
        "Trợ cấp hàng tháng",
        "Truy lĩnh",
        "Tổng cộng",
        "Ngày nhận",
        "Căn cứ danh sách chi trả của đơn vị quản lý (danh sách lần đầu, nhận ngày",
    ] {
        assert!(first_page.contains(s), "page 1 lacks {s:?}:\n{first_page}");
    }
    let all = collapse(&pages.join(" "));
    for s in ["Phiên bản", "Cảnh báo"] {
        assert!(!all.contains(s), "software words on paper: {s:?}");
    }
    // Each person's ID card number and birth year are on the page; the one paid has the day.
    let flat = flat_of(&pdf);
    for c in fx.codes.iter().take(10) {
        let card = fx.cli.json(&["show", c]);
        let id = card["id_card"].as_str().unwrap_or_default();
        if !id.is_empty() {
            assert!(flat.contains(id), "{c}: ID card {id} not printed");
        }
    }
    let today = chrono::Local::now()
        .date_naive()
        .format("%d/%m")
        .to_string();
    assert!(
        row_of(&flat, &first).contains(&today),
        "{first} was paid today: {}",
        row_of(&flat, &first)
    );
    // TỔNG CỘNG: monthly + once = total, which is the roll's total.
    let grand = lines_with(pages.last().unwrap(), "TỔNG CỘNG");
    let a = amounts(grand[0]);
    assert_eq!(a.len(), 3, "three amounts totalled: {}", grand[0]);
    assert_eq!(a[0] + a[1], a[2]);
    assert_eq!(a[2], fx.total_due);
    for p in &pages {
        let line = lines_with(p, "Cộng trang");
        let a = amounts(line[0]);
        assert_eq!(a.len(), 3, "three amounts on Cộng trang: {}", line[0]);
        assert_eq!(a[0] + a[1], a[2]);
    }
}

/// Issue 14: an amended roll is named on the sheet as "danh sách điều chỉnh lần 1".
#[test]
fn an_amended_roll_is_named_on_the_sheet_as_an_adjustment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("so.sqlite");
    let period: Period = PERIOD.parse().unwrap();
    let roll = demo::roll(period, 5, 1, "QH01");
    {
        let mut ledger = Ledger::init(&db, "QH01", "Bưu điện văn hóa xã Quảng Hưng").unwrap();
        ledger.load_roll(&roll, "ds-12.xlsx", false).unwrap();
        let mut amended = roll.clone();
        amended.version = 2;
        amended.entries.pop();
        ledger.apply_roll(&amended, "ds-12-dc.xlsx").unwrap();
    }
    let cli = cli(&db);
    let pdf = print(&cli, dir.path(), "amended", &["sheet", "--date", DATE]);
    let text = collapse(&pages_of(&pdf).join(" "));
    assert!(
        text.contains("(danh sách điều chỉnh lần 1, nhận ngày"),
        "{text}"
    );
    assert!(!text.contains("Phiên bản"));
}

/// Issue 14 (TT 44/2022/TT-BTC Điều 8 as amended by TT 95/2025/TT-BTC): the commune's supervisor
/// recorded for a day is named under their signature block on the sheet and the day report of
/// that day; on another day the block is there, blank to sign.
#[test]
fn the_supervisor_recorded_for_the_day_is_named_on_the_sheet_and_the_day_report() {
    let fx = setup_ledger(12);
    let cli = &fx.cli;
    let clerk = CLERK_ID.to_string();
    let name = "Nguyễn Thị Hoa";
    let office = "Công chức Văn hóa - Xã hội, UBND xã Quảng Hưng";
    // Refused without a name, in Vietnamese, and nothing recorded.
    let out = cli.run(&[
        "--clerk",
        &clerk,
        "day",
        "supervisor",
        "--name",
        " ",
        "--office",
        office,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains("thiếu họ tên người giám sát"),
        "{}",
        out.stderr
    );
    let v = cli.json(&[
        "--clerk",
        &clerk,
        "day",
        "supervisor",
        "--name",
        name,
        "--office",
        office,
        "--date",
        DATE,
    ]);
    assert_eq!(v["supervisor"]["name"], name);
    let shown = cli.json(&["day", "show", "--date", DATE]);
    assert_eq!(shown["supervisor"]["office"], office);
    let events = cli.events();
    let recorded = common::events_of(&events, "day_supervisor");
    assert_eq!(recorded.len(), 1, "one event, nothing for the refused one");
    assert_eq!(recorded[0]["payload"]["date"], DATE);

    let sheet = print(cli, fx.dir.path(), "sheet-sup", &["sheet", "--date", DATE]);
    let last = collapse(pages_of(&sheet).last().unwrap());
    for s in ["Nhân viên chi trả", "Người giám sát", name, office] {
        assert!(last.contains(s), "sheet lacks {s:?}:\n{last}");
    }
    let day = print(cli, fx.dir.path(), "day-sup", &["day", "--date", DATE]);
    let last = collapse(pages_of(&day).last().unwrap());
    for s in ["Nhân viên chi trả", "Người giám sát", name, office] {
        assert!(last.contains(s), "day report lacks {s:?}:\n{last}");
    }
    // Another day: the block, without a name.
    let other = print(
        cli,
        fx.dir.path(),
        "sheet-other",
        &["sheet", "--date", "2026-12-04"],
    );
    let last = collapse(pages_of(&other).last().unwrap());
    assert!(last.contains("Người giám sát"));
    assert!(!last.contains(name), "{last}");
    assert!(cli.verify()["chain_ok"].as_bool().unwrap());
}

/// Issue 14: the day report counts the payouts gross, takes the reversed ones out and shows the
/// net; each death shows its date, and one reported without a date says it is still to be given.
#[test]
fn the_day_report_nets_out_reversed_payouts_and_dates_each_death() {
    let d = busy_day();
    let cli = &d.fx.cli;
    let clerk = CLERK_ID.to_string();
    let dead =
        d.fx.codes
            .iter()
            .find(|c| {
                !d.paid.contains_key(*c)
                    && **c != d.reversed
                    && **c != d.moved
                    && **c != d.absent
                    && **c != d.deceased
            })
            .unwrap()
            .clone();
    let died = (chrono::Local::now().date_naive() - chrono::Duration::days(2)).to_string();
    cli.json(&[
        "--clerk", &clerk, "stop", &dead, "--reason", "death", "--date", &died,
    ]);
    let pdf = print(cli, d.fx.dir.path(), "day-net", &["day"]);
    let text = pages_of(&pdf).join("\n");
    let flat = flat_of(&pdf);
    let gross: i64 = d.payouts.iter().sum();
    let reversed = gross - d.paid.values().sum::<i64>();
    let net = gross - reversed;
    let money = |n: i64| paypoint::Dong::new(n).unwrap().to_string();
    let n = d.payouts.len();
    assert!(
        flat.contains(&format!(
            "I. Chi trả trong ngày: {} lần chi, {} đồng (đã trừ 1 lần chi bị hủy)",
            n - 1,
            money(net)
        )),
        "{flat}"
    );
    let line = lines_with(&text, &format!("Cộng các lần chi ({n} lần)"));
    assert_eq!(amounts(line[0]).last(), Some(&gross));
    assert!(flat.contains(&format!(
        "Trừ các lần chi đã hủy (1 lần): {} đồng.",
        money(reversed)
    )));
    assert!(flat.contains(&format!(
        "Số tiền chi trả thực trong ngày ({} lần): {} đồng.",
        n - 1,
        money(net)
    )));
    // The clerk's line counts only what stands.
    assert!(flat.contains(&format!("Trần Thị Mai: {} lần, {} đồng", n - 1, money(net))));
    // Deaths: each shows its date, the one reported at the counter and the one found at the door.
    let died_dmy = chrono::NaiveDate::parse_from_str(&died, "%Y-%m-%d")
        .unwrap()
        .format("%d/%m/%Y")
        .to_string();
    let stops = &flat[flat.find("IV. Báo giảm trong ngày").unwrap()..];
    assert!(
        row_of(stops, &dead).contains(&died_dmy),
        "{}",
        row_of(stops, &dead)
    );
    assert!(
        row_of(stops, &d.deceased).contains(&d.deceased_on),
        "{}",
        row_of(stops, &d.deceased)
    );
}

/// Issue 14: the unpaid list keeps those whose payment is stopped (dead, moved) apart from those
/// carried over, and says why each is unpaid: "Chưa đến nhà" for a home delivery not visited yet.
#[test]
fn the_unpaid_list_keeps_the_stopped_apart_and_says_why_each_is_unpaid() {
    let d = busy_day();
    let cli = &d.fx.cli;
    let pdf = print(
        cli,
        d.fx.dir.path(),
        "unpaid-parts",
        &["unpaid", "--date", DATE],
    );
    let flat = flat_of(&pdf);
    let part2 = flat
        .find("II. Dừng chi trả (báo giảm), không chuyển kỳ sau: 2 đối tượng")
        .unwrap_or_else(|| panic!("part II heading:\n{flat}"));
    let (carried, stopped) = flat.split_at(part2);
    assert!(carried.contains("I. Chưa nhận, chuyển kỳ sau"));
    for c in [&d.moved, &d.deceased] {
        assert!(
            !carried.contains(c.as_str()),
            "{c} stopped, yet carried over"
        );
        assert!(stopped.contains(c.as_str()), "{c} not in part II");
    }
    assert!(row_of(stopped, &d.moved).contains("Chuyển đi"));
    assert!(row_of(stopped, &d.deceased).contains(&format!("Từ trần {}", d.deceased_on)));
    assert!(carried.contains(d.reversed.as_str()));
    assert!(row_of(carried, &d.absent).contains("Vắng nhà (đến nhà"));
    let roll = cli.roll();
    // Cards read one by one until one fits (each `show` is a run of the binary).
    let cards = || roll.keys().map(|c| cli.json(&["show", c]));
    let unvisited = cards()
        .find(|c| {
            c["home_delivery"] == true
                && roll[c["code"].as_str().unwrap()]["due"].as_i64().unwrap() > 0
                && [&d.absent, &d.deceased, &d.moved]
                    .iter()
                    .all(|x| x.as_str() != c["code"].as_str().unwrap())
        })
        .expect("a home delivery not visited yet");
    let row = row_of(carried, unvisited["code"].as_str().unwrap());
    assert!(row.contains("Chưa đến nhà"), "{row}");
    let counter = cards()
        .find(|c| {
            c["home_delivery"] == false
                && c["code"].as_str().unwrap() != d.reversed
                && roll[c["code"].as_str().unwrap()]["due"].as_i64().unwrap() > 0
                && c["stop"].is_null()
        })
        .expect("someone who has not come to the counter");
    let row = row_of(carried, counter["code"].as_str().unwrap());
    assert!(row.contains("Chưa đến nhận"), "{row}");
}

/// December's roll paying January with it, as offices do before Tết: two people, one with arrears.
const TET_ROLL: &str = "DANH SÁCH CHI TRẢ TRỢ CẤP THÁNG 12/2026 VÀ THÁNG 01/2027\n\
     STT,Họ và tên,Năm sinh,Mã đối tượng,Thôn,Diện đối tượng,Số tiền,,,\n\
     ,,,,,,Tháng 12/2026,Tháng 01/2027,Truy lĩnh,Tổng cộng\n\
     1,Nguyễn Thị Hường,1948,QH-0001,Thôn Đông,Thân nhân liệt sĩ,2789000,2789000,,5578000\n\
     2,Trần Văn Bình,1945,QH-0002,Thôn Tây,Thương binh,1878000,1878000,3756000,7512000\n\
     ,TỔNG CỘNG,,,,,4667000,4667000,3756000,13090000\n";

#[test]
fn a_two_month_roll_near_tet_shows_both_months_on_the_sheet_the_receipt_and_the_settlement() {
    let dir = tempfile::tempdir().unwrap();
    let cli = cli(dir.path().join("so.sqlite"));
    cli.json(&[
        "init",
        "--pay-point",
        "QH01",
        "--name",
        "Bưu điện văn hóa xã Quảng Hưng",
    ]);
    let add = cli.run_env(
        &["clerk", "add", "--name", "Trần Thị Mai", "--json"],
        &[("PAYPOINT_PIN", common::CLERK_PIN)],
    );
    assert!(add.ok(), "{}", add.stderr);
    let file = dir.path().join("tet.csv");
    std::fs::write(&file, TET_ROLL).unwrap();
    let loaded = cli.json(&["roll", "import", file.to_str().unwrap(), "--period", PERIOD]);
    assert_eq!(loaded["change"]["outcome"], "loaded", "{loaded}");
    let clerk = CLERK_ID.to_string();
    cli.json(&["--clerk", &clerk, "cash", "advance", "20000000"]);
    let paid = cli.json(&["--clerk", &clerk, "pay", "QH-0002"]);
    assert_eq!(
        paid["amount"], 7_512_000,
        "one payout pays both months and the arrears"
    );
    // The clerk's card tells the two monthly lines apart by their month.
    let card = cli.run(&["show", "QH-0002"]).stdout;
    for month in ["12/2026", "01/2027"] {
        assert!(
            lines_with(&card, "Trợ cấp hàng tháng")
                .iter()
                .any(|l| l.contains(month)),
            "{card}"
        );
    }

    let sheet = print(&cli, dir.path(), "tet-sheet", &["sheet", "--date", DATE]);
    let flat = flat_of(&sheet);
    assert!(
        flat.contains("Tháng 12 năm 2026 và tháng 01 năm 2027 (chi trả gộp hai tháng)"),
        "{flat}"
    );
    assert!(
        flat.contains("Tháng 12/2026") && flat.contains("Tháng 01/2027"),
        "{flat}"
    );
    let text = pages_of(&sheet).join("\n");
    let line = lines_with(&text, "QH-0002")[0];
    let row = &line[line.find("QH-0002").unwrap()..];
    assert_eq!(
        amounts(row),
        vec![1_878_000, 1_878_000, 3_756_000, 7_512_000],
        "December, January, arrears, total: {row}"
    );
    let total = lines_with(&text, "TỔNG CỘNG");
    assert_eq!(
        amounts(total[0]),
        vec![4_667_000, 4_667_000, 3_756_000, 13_090_000],
        "every amount column totalled: {total:?}"
    );

    let receipt = print(
        &cli,
        dir.path(),
        "tet-receipt",
        &["receipt", "--code", "QH-0002"],
    );
    let text = pages_of(&receipt).join("\n");
    for month in ["12/2026", "01/2027"] {
        assert!(
            lines_with(&text, "Trợ cấp hàng tháng")
                .iter()
                .any(|l| l.contains(month) && l.contains("1.878.000")),
            "the receipt names {month}: {text}"
        );
    }

    let settlement = print(
        &cli,
        dir.path(),
        "tet-settlement",
        &["settlement", "--date", DATE],
    );
    let text = pages_of(&settlement).join("\n");
    for (n, month) in [(1, "12/2026"), (2, "01/2027")] {
        let rows = amounts_on(&text, &format!("Trợ cấp hàng tháng {month}"));
        assert_eq!(rows.len(), 1, "one row for {month}: {text}");
        assert_eq!(
            rows[0],
            vec![n, 2, 4_667_000, 1, 1_878_000, 1, 2_789_000, 0, 0],
            "{month}: on the roll, paid, carried over, stopped"
        );
    }
}
