//! Writes district-style roll files for the import tests: the fixtures are made by this code, not
//! kept as opaque binaries. Shapes follow the ministry template as local offices fill it: a title
//! block, a two-row header with merged cells ("Năm sinh" over "Nam" | "Nữ", "Số tiền (đồng)" over
//! "Trợ cấp hàng tháng" | "Truy lĩnh" | "Tổng cộng"), a numbering row, section rows with their
//! subtotals, the grand total, the amount in words and the signature lines.

use std::path::Path;

use paypoint::encoding::{encode, TextEncoding};
use paypoint::roll::{LineKind, Roll, Sex};
use paypoint::Dong;
use rust_xlsxwriter::{Format, FormatBorder, Workbook};

/// Which amount columns the subtotal ("Cộng I") and TỔNG CỘNG rows state; the others are left
/// blank, as many offices leave them (issue 11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotalsStated {
    /// Trợ cấp hàng tháng, Truy lĩnh and Tổng cộng.
    All,
    /// Only Tổng cộng.
    OnlyTotal,
    /// No amount at all: the rows are labels only.
    None,
}

/// Every way of stating the totals, for loops over the shapes.
pub const ALL_TOTALS_STATED: [TotalsStated; 3] = [
    TotalsStated::All,
    TotalsStated::OnlyTotal,
    TotalsStated::None,
];

/// How to write the file.
#[derive(Clone)]
pub struct Shape {
    /// Text encoding of every text cell.
    pub encoding: TextEncoding,
    /// Amounts as text ("1.624.000") instead of numbers.
    pub amounts_as_text: bool,
    /// Write section rows and subtotals (by category).
    pub sections: bool,
    /// Write the TỔNG CỘNG row.
    pub grand_total: bool,
    /// Added to the grand total written (to make a wrong file).
    pub grand_total_error: i64,
    /// One header row ("Năm sinh" single column, "Số tiền" single column) instead of two.
    pub single_header: bool,
    /// Title month written in the title block.
    pub title: String,
    /// Names typed in capitals with the TCVN3 heading font (.VnTimeH), as many offices do.
    pub heading_names: bool,
    /// Which amount columns the total rows state.
    pub totals: TotalsStated,
    /// The workbook's sheet name, written in the file's encoding (e.g. "Tháng 12" in TCVN3 is
    /// "Th¸ng 12").
    pub sheet_name: String,
}

impl Shape {
    pub fn standard(roll: &Roll) -> Shape {
        Shape {
            encoding: TextEncoding::Unicode,
            amounts_as_text: false,
            sections: true,
            grand_total: true,
            grand_total_error: 0,
            single_header: false,
            heading_names: false,
            totals: TotalsStated::All,
            sheet_name: "DS chi tra".into(),
            title: format!(
                "DANH SÁCH CHI TRẢ TRỢ CẤP ƯU ĐÃI NGƯỜI CÓ CÔNG {}",
                roll.period.label_vi().to_uppercase()
            ),
        }
    }
}

/// A cell value before it is written.
#[derive(Clone, Debug)]
pub enum V {
    T(String),
    N(i64),
    E,
}

fn monthly(e: &paypoint::roll::RollEntry) -> i64 {
    e.lines
        .iter()
        .filter(|l| l.kind != LineKind::Arrears)
        .map(|l| l.amount.as_i64())
        .sum()
}

fn arrears(e: &paypoint::roll::RollEntry) -> i64 {
    e.lines
        .iter()
        .filter(|l| l.kind == LineKind::Arrears)
        .map(|l| l.amount.as_i64())
        .sum()
}

/// The rows of the sheet, as values: what both the xlsx and the csv writers lay out.
#[allow(clippy::too_many_lines)] // test helper: one sheet, written in one place
pub fn rows(roll: &Roll, shape: &Shape) -> Vec<Vec<V>> {
    let t = |s: &str| V::T(encode(s, shape.encoding));
    let amount = |n: i64| {
        if shape.amounts_as_text {
            V::T(Dong::new(n).unwrap().to_string())
        } else {
            V::N(n)
        }
    };
    // An amount of a total row: a part column (monthly, arrears) or the row's "Tổng cộng".
    let part = |n: i64| match shape.totals {
        TotalsStated::All => amount(n),
        _ => V::E,
    };
    let sum = |n: i64| match shape.totals {
        TotalsStated::None => V::E,
        _ => amount(n),
    };
    let mut out: Vec<Vec<V>> = vec![
        vec![
            t("UBND XÃ QUẢNG HƯNG"),
            V::E,
            V::E,
            V::E,
            V::E,
            V::E,
            t("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ],
        vec![
            t("BƯU ĐIỆN VĂN HÓA XÃ"),
            V::E,
            V::E,
            V::E,
            V::E,
            V::E,
            t("Độc lập - Tự do - Hạnh phúc"),
        ],
        vec![],
        vec![t(&shape.title)],
        vec![t("Điểm chi trả: Bưu điện văn hóa xã Quảng Hưng")],
        vec![],
    ];
    if shape.single_header {
        out.push(
            [
                "STT",
                "Họ và tên",
                "Năm sinh",
                "Mã đối tượng",
                "Địa chỉ",
                "Diện đối tượng",
                "Số tiền (đồng)",
                "Ký nhận",
                "Ghi chú",
            ]
            .iter()
            .map(|s| t(s))
            .collect(),
        );
    } else {
        out.push(vec![
            t("STT"),
            t("Họ và tên"),
            t("Năm sinh"),
            V::E,
            t("Mã đối tượng"),
            t("Địa chỉ"),
            t("Diện đối tượng"),
            t("Số tiền (đồng)"),
            V::E,
            V::E,
            t("Ký nhận"),
            t("Ghi chú"),
        ]);
        out.push(vec![
            V::E,
            V::E,
            t("Nam"),
            t("Nữ"),
            V::E,
            V::E,
            V::E,
            t("Trợ cấp hàng tháng"),
            t("Truy lĩnh"),
            t("Tổng cộng"),
            V::E,
            V::E,
        ]);
    }
    let width = if shape.single_header { 9 } else { 12 };
    out.push((1..=width).map(|i| V::T(format!("({i})"))).collect());

    // A section for each run of entries of one category, keeping the roll's order.
    let mut groups: Vec<(String, Vec<&paypoint::roll::RollEntry>)> = Vec::new();
    for e in &roll.entries {
        let key = if shape.sections {
            e.category.clone()
        } else {
            String::new()
        };
        match groups.last_mut() {
            Some((k, v)) if *k == key => v.push(e),
            _ => groups.push((key, vec![e])),
        }
    }
    let romans = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV",
        "XV", "XVI", "XVII", "XVIII", "XIX", "XX",
    ];
    let (mut all_m, mut all_a) = (0, 0);
    let mut stt = 0;
    for (gi, (cat, entries)) in groups.iter().enumerate() {
        if shape.sections {
            out.push(vec![
                V::T(romans[gi % romans.len()].into()),
                t(&cat.to_uppercase()),
            ]);
        }
        let (mut m_sum, mut a_sum) = (0, 0);
        for e in entries {
            stt += 1;
            let (m, a) = (monthly(e), arrears(e));
            m_sum += m;
            a_sum += a;
            let year = e.birth_year.map(|y| V::N(y as i64)).unwrap_or(V::E);
            let note = t(&e.note);
            let name = if shape.heading_names {
                t(&e.name.to_uppercase())
            } else {
                t(&e.name)
            };
            if shape.single_header {
                out.push(vec![
                    V::N(stt),
                    name.clone(),
                    year,
                    V::T(e.code.to_string()),
                    t(&e.village),
                    t(&e.category),
                    amount(m + a),
                    V::E,
                    note,
                ]);
            } else {
                let (male, female) = match e.sex {
                    Some(Sex::F) => (V::E, year),
                    _ => (year, V::E),
                };
                out.push(vec![
                    V::N(stt),
                    name.clone(),
                    male,
                    female,
                    V::T(e.code.to_string()),
                    t(&e.village),
                    t(&e.category),
                    amount(m),
                    if a > 0 { amount(a) } else { V::E },
                    amount(m + a),
                    V::E,
                    note,
                ]);
            }
        }
        all_m += m_sum;
        all_a += a_sum;
        if shape.sections {
            let label = t(&format!("Cộng {}", romans[gi % romans.len()]));
            out.push(if shape.single_header {
                vec![V::E, label, V::E, V::E, V::E, V::E, sum(m_sum + a_sum)]
            } else {
                vec![
                    V::E,
                    label,
                    V::E,
                    V::E,
                    V::E,
                    V::E,
                    V::E,
                    part(m_sum),
                    part(a_sum),
                    sum(m_sum + a_sum),
                ]
            });
        }
    }
    let total = all_m + all_a + shape.grand_total_error;
    if shape.grand_total {
        out.push(if shape.single_header {
            vec![V::E, t("TỔNG CỘNG"), V::E, V::E, V::E, V::E, sum(total)]
        } else {
            vec![
                V::E,
                t("TỔNG CỘNG"),
                V::E,
                V::E,
                V::E,
                V::E,
                V::E,
                part(all_m),
                part(all_a),
                sum(total),
            ]
        });
    }
    out.push(vec![t(&format!(
        "Bằng chữ: {}",
        Dong::new(total).unwrap().in_words()
    ))]);
    out.push(vec![]);
    out.push(vec![
        V::E,
        t("Người lập biểu"),
        V::E,
        V::E,
        V::E,
        t("Kế toán"),
        V::E,
        V::E,
        t("Giám đốc"),
    ]);
    out
}

/// Writes the roll as an .xlsx file shaped like a district's.
pub fn write_xlsx(roll: &Roll, shape: &Shape, path: &Path) {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(encode(&shape.sheet_name, shape.encoding))
        .unwrap();
    let font = match shape.encoding {
        TextEncoding::Unicode => "Times New Roman",
        TextEncoding::Tcvn3 => ".VnTime",
        TextEncoding::Vni => "VNI-Times",
    };
    let fmt = Format::new()
        .set_font_name(font)
        .set_border(FormatBorder::Thin);
    let heading = Format::new()
        .set_font_name(".VnTimeH")
        .set_border(FormatBorder::Thin);
    let rows = rows(roll, shape);
    let header = 6; // the (first) header row, after the title block
    if !shape.single_header {
        // The merged header cells, as the template has them.
        let h = Format::new()
            .set_font_name(font)
            .set_bold()
            .set_border(FormatBorder::Thin);
        let cell = |r: usize, c: usize| match rows[r].get(c) {
            Some(V::T(s)) => s.clone(),
            _ => String::new(),
        };
        ws.merge_range(header as u32, 2, header as u32, 3, &cell(header, 2), &h)
            .unwrap();
        ws.merge_range(header as u32, 7, header as u32, 9, &cell(header, 7), &h)
            .unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !shape.single_header && r == header && (c == 2 || c == 3 || (7..=9).contains(&c)) {
                continue; // written by merge_range
            }
            match v {
                V::T(s) => {
                    let data_row = matches!(row.first(), Some(V::N(_)));
                    let f = if shape.heading_names && data_row && c == 1 {
                        &heading
                    } else {
                        &fmt
                    };
                    ws.write_string_with_format(r as u32, c as u16, s, f)
                        .unwrap();
                }
                V::N(n) => {
                    ws.write_number_with_format(r as u32, c as u16, *n as f64, &fmt)
                        .unwrap();
                }
                V::E => {}
            }
        }
    }
    wb.save(path).unwrap();
}

/// Rows as CSV text, one record a row (an empty row keeps its line, so that row numbers stay
/// those of the sheet).
pub fn csv_text(rows: &[Vec<V>], delimiter: u8) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        let rec: Vec<String> = row
            .iter()
            .map(|v| match v {
                V::T(s) => s.clone(),
                V::N(n) => n.to_string(),
                V::E => String::new(),
            })
            .collect();
        w.write_record(if rec.is_empty() {
            vec![String::new()]
        } else {
            rec
        })
        .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

/// Writes the roll as CSV: UTF-8 (with a BOM when asked) for Unicode, the legacy bytes
/// themselves for TCVN3 and VNI (as Excel saves "CSV" in the Windows code page).
pub fn write_csv(roll: &Roll, shape: &Shape, path: &Path, delimiter: u8, bom: bool) {
    let text = csv_text(&rows(roll, shape), delimiter);
    let bytes = match shape.encoding {
        TextEncoding::Unicode => {
            let mut b = if bom {
                b"\xEF\xBB\xBF".to_vec()
            } else {
                Vec::new()
            };
            b.extend_from_slice(text.as_bytes());
            b
        }
        // The legacy text is made of Windows-1252 characters: write their bytes.
        _ => encoding_rs::WINDOWS_1252.encode(&text).0.into_owned(),
    };
    std::fs::write(path, bytes).unwrap();
}

/// Writes the roll as an Excel 97–2003 workbook (.xls), through `testkit/write_xls.py`
/// (Python's `xlwt`, the kept writer of that format; `scripts/test` installs it). Text cells
/// hold the legacy characters for TCVN3 and VNI, as a legacy .xls does.
pub fn write_xls(roll: &Roll, shape: &Shape, path: &Path) {
    use std::io::Write;
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n")
    };
    let mut text = String::new();
    for row in rows(roll, shape) {
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v {
                V::T(s) => format!("T{}", escape(s)),
                V::N(n) => format!("N{n}"),
                V::E => String::new(),
            })
            .collect();
        // An empty row still takes its line, so that row numbers stay those of the sheet.
        text.push_str(&cells.join("\t"));
        text.push_str("\tE\n");
    }
    // Found from the workspace root: the fuzz seeds compile this file by `#[path]` too.
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .map(|a| a.join("testkit/write_xls.py"))
        .find(|p| p.exists())
        .expect("testkit/write_xls.py in the workspace");
    let mut child = std::process::Command::new("python3")
        .arg(&script)
        .arg(path)
        .arg(encode(&shape.sheet_name, shape.encoding))
        .stdin(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs (scripts/test installs it with xlwt)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "write_xls.py failed: is xlwt installed (pip install xlwt)?"
    );
}
