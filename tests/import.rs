//! Roll import from real files: each shape, each encoding, each way of being wrong, the amended
//! roll, a round-trip property and a no-panic property over random bytes. The command line's
//! `roll import` is tested in `cli/tests/import.rs`.

use std::path::{Path, PathBuf};

use paypoint::encoding::TextEncoding;
use paypoint::import::{read_roll, EncodingChoice, ImportError, ImportOptions};
use paypoint::roll::{BeneficiaryCode, LineKind, Roll, RollEntry, Sex};
use paypoint::{Dong, Ledger};
use paypoint_testkit::{rollfile, sample_roll};
use proptest::prelude::*;
use rollfile::{write_csv, write_xls, write_xlsx, Shape, TotalsStated, ALL_TOTALS_STATED};
use sample_roll::{line, period, person, sample_roll};

fn opts() -> ImportOptions {
    ImportOptions {
        period: period(),
        encoding: EncodingChoice::Auto,
    }
}

fn dir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The roll as the import gives it back: what the file can carry.
fn expected(roll: &Roll) -> Roll {
    roll.normalised()
}

fn read(path: &Path) -> Result<paypoint::import::ImportPreview, ImportError> {
    read_roll(path, &opts())
}

#[test]
fn the_standard_xlsx_reads_back_exactly() {
    let d = dir();
    let roll = sample_roll();
    let path = d.path().join("ds.xlsx");
    write_xlsx(&roll, &Shape::standard(&roll), &path);
    let p = read(&path).unwrap();
    assert_eq!(p.roll, expected(&roll));
    assert_eq!(p.encoding, TextEncoding::Unicode);
    assert!(p.encoding_sure);
    assert_eq!(p.beneficiaries, 8);
    assert_eq!(p.lines, 10);
    assert_eq!(p.total, roll.total().unwrap());
    assert_eq!(p.stated_total, Some(roll.total().unwrap()));
    assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    assert_eq!(p.sheet.as_deref(), Some("DS chi tra"));
}

#[test]
fn every_shape_reads_back() {
    let d = dir();
    let roll = sample_roll();
    let base = Shape::standard(&roll);
    let shapes = [
        (
            "text-amounts",
            Shape {
                amounts_as_text: true,
                ..base.clone()
            },
        ),
        (
            "no-sections",
            Shape {
                sections: false,
                ..base.clone()
            },
        ),
        (
            "no-total",
            Shape {
                grand_total: false,
                sections: false,
                ..base.clone()
            },
        ),
    ];
    for (name, shape) in shapes {
        let path = d.path().join(format!("{name}.xlsx"));
        write_xlsx(&roll, &shape, &path);
        let p = read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(p.roll, expected(&roll), "{name}");
        if !shape.grand_total {
            assert!(
                p.warnings.iter().any(|w| w.contains("TỔNG CỘNG")),
                "{name}: {:?}",
                p.warnings
            );
        }
    }
    // One header row: "Năm sinh" in one column (sex unknown), "Số tiền" one column (the total).
    let path = d.path().join("single.xlsx");
    write_xlsx(
        &roll,
        &Shape {
            single_header: true,
            ..base.clone()
        },
        &path,
    );
    let p = read(&path).unwrap();
    assert_eq!(p.total, roll.total().unwrap());
    assert_eq!(p.roll.entries[0].name, "Nguyễn Thị Hường");
    assert_eq!(p.roll.entries[0].sex, None);
    assert_eq!(p.roll.entries[0].birth_year, Some(1948));
}

#[test]
fn csv_in_utf8_with_or_without_bom_comma_or_semicolon() {
    let d = dir();
    let roll = sample_roll();
    let shape = Shape::standard(&roll);
    for (name, delim, bom) in [
        ("a.csv", b',', false),
        ("b.csv", b';', true),
        ("c.csv", b';', false),
        ("d.csv", b',', true),
    ] {
        let path = d.path().join(name);
        write_csv(
            &roll,
            &Shape {
                amounts_as_text: delim == b';',
                ..shape.clone()
            },
            &path,
            delim,
            bom,
        );
        let p = read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(p.roll, expected(&roll), "{name}");
    }
}

#[test]
fn legacy_encodings_are_detected_and_names_come_back_exactly() {
    let d = dir();
    let roll = sample_roll();
    for enc in [TextEncoding::Tcvn3, TextEncoding::Vni] {
        let shape = Shape {
            encoding: enc,
            ..Shape::standard(&roll)
        };
        for (name, writer) in [("x.xlsx", 0), ("x.csv", 1)] {
            let path = d.path().join(format!("{}-{name}", enc.as_str()));
            if writer == 0 {
                write_xlsx(&roll, &shape, &path);
            } else {
                write_csv(&roll, &shape, &path, b',', false);
            }
            let p = read(&path).unwrap_or_else(|e| panic!("{enc:?} {name}: {e}"));
            assert_eq!(p.encoding, enc, "{name}");
            assert_eq!(p.roll, expected(&roll), "{enc:?} {name}");
            let names: Vec<&str> = p.roll.entries.iter().map(|e| e.name.as_str()).collect();
            assert!(
                names.contains(&"Nguyễn Thị Hường") && names.contains(&"Đặng Đình Đức"),
                "{names:?}"
            );
            // Forcing the right encoding gives the same; forcing Unicode gives mojibake, not a crash.
            let forced = read_roll(
                &path,
                &ImportOptions {
                    encoding: EncodingChoice::Force(enc),
                    ..opts()
                },
            )
            .unwrap();
            assert_eq!(forced.roll, p.roll);
            let _ = read_roll(
                &path,
                &ImportOptions {
                    encoding: EncodingChoice::Force(TextEncoding::Unicode),
                    ..opts()
                },
            );
        }
    }
}

#[test]
fn the_cell_font_says_the_encoding_and_the_heading_font_says_capitals() {
    let d = dir();
    let roll = sample_roll();
    // Names typed in capitals with .VnTimeH: the accented letters come back as lower-case codes.
    let path = d.path().join("hoa.xlsx");
    write_xlsx(
        &roll,
        &Shape {
            encoding: TextEncoding::Tcvn3,
            heading_names: true,
            ..Shape::standard(&roll)
        },
        &path,
    );
    let p = read(&path).unwrap();
    let names: Vec<&str> = p.roll.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names[0], "NGUYỄN THỊ HƯỜNG");
    assert_eq!(names[2], "ĐẶNG ĐÌNH ĐỨC");
    assert_eq!(names[7], "BÙI ỨNG ƯỚC");
    assert_eq!(
        p.roll.entries[0].village, "Thôn Đông",
        "other cells keep their case"
    );
    // A roll whose text alone is ambiguous ("Lê" reads as valid in several encodings) is still
    // read right when its cells are in .VnTime.
    let mut tiny = sample_roll();
    tiny.entries.truncate(1);
    tiny.entries[0].name = "Lê Lê".into();
    tiny.entries[0].village = "Thôn Mỹ".into();
    tiny.entries[0].category = "Thương binh".into();
    let path = d.path().join("mo-ho.xlsx");
    write_xlsx(
        &tiny,
        &Shape {
            encoding: TextEncoding::Tcvn3,
            sections: false,
            ..Shape::standard(&tiny)
        },
        &path,
    );
    let p = read(&path).unwrap();
    assert_eq!(p.encoding, TextEncoding::Tcvn3);
    assert!(p.encoding_sure);
    assert_eq!(p.roll.entries[0].name, "Lê Lê");
}

#[test]
fn a_csv_with_one_header_row_and_no_numbering_row_keeps_its_first_person() {
    let d = dir();
    let path = d.path().join("g.csv");
    std::fs::write(
        &path,
        "STT,Họ và tên,Năm sinh,Mã đối tượng,Thôn,Diện đối tượng,Số tiền\n\
         1,Nguyễn Thị Hường,1948,QH-0001,Thôn Đông,Thân nhân liệt sĩ,2789000\n\
         2,Trần Văn Bình,1945,QH-0002,Thôn Tây,Thương binh,1878000\n\
         3,Lê Văn An,1950,QH-0003,Thôn Hạ,Thương binh,2789000\n",
    )
    .unwrap();
    let p = read(&path).unwrap();
    assert_eq!(
        p.beneficiaries, 3,
        "the first person must not be taken for a header row"
    );
    assert_eq!(p.roll.entries[0].name, "Nguyễn Thị Hường");
    assert_eq!(p.total.as_i64(), 7_456_000);
}

/// Near Tết the office pays two months together: December's roll has a column for each month.
const TET_CSV: &str = "DANH SÁCH CHI TRẢ TRỢ CẤP THÁNG 12/2026 VÀ THÁNG 01/2027\n\
     STT,Họ và tên,Mã đối tượng,Thôn,Số tiền,,,\n\
     ,,,,Tháng 12/2026,Tháng 01/2027,Truy lĩnh,Tổng cộng\n\
     1,Nguyễn Thị Hường,QH-0001,Thôn Đông,2789000,2789000,,5578000\n\
     2,Trần Văn Bình,QH-0002,Thôn Tây,1878000,1878000,3756000,7512000\n\
     ,TỔNG CỘNG,,,4667000,4667000,3756000,13090000\n";

#[test]
fn a_two_month_roll_near_tet_gives_each_month_its_own_line() {
    let d = dir();
    let path = d.path().join("tet.csv");
    std::fs::write(&path, TET_CSV).unwrap();
    let p = read(&path).unwrap();
    assert_eq!(p.total.as_i64(), 13_090_000);
    assert!(
        p.warnings.iter().any(|w| w.contains("gộp hai tháng")),
        "the preview says so: {:?}",
        p.warnings
    );
    let months = |i: usize| -> Vec<(LineKind, String, i64)> {
        p.roll.entries[i]
            .lines
            .iter()
            .map(|l| (l.kind, l.covers_from.to_string(), l.amount.as_i64()))
            .collect()
    };
    assert_eq!(
        months(1),
        vec![
            (LineKind::Monthly, "2026-12".into(), 1_878_000),
            (LineKind::Monthly, "2027-01".into(), 1_878_000),
            (LineKind::Arrears, "2026-12".into(), 3_756_000),
        ]
    );
    // The next month's column is checked in the totals like any other.
    std::fs::write(
        &path,
        TET_CSV.replace(",4667000,3756000", ",4667001,3756000"),
    )
    .unwrap();
    let problems = refused(&path);
    assert_eq!(problems[0].column.as_deref(), Some("F"), "{problems:?}");
}

#[test]
fn a_month_column_that_is_neither_the_rolls_month_nor_the_next_is_refused_where_it_stands() {
    let d = dir();
    let path = d.path().join("tet.csv");
    std::fs::write(&path, TET_CSV.replace("Tháng 01/2027,", "Tháng 03/2027,")).unwrap();
    let problems = refused(&path);
    let p = &problems[0];
    assert_eq!(
        (p.row, p.column.as_deref()),
        (Some(3), Some("F")),
        "{problems:?}"
    );
    assert!(p.message.contains("03/2027"), "{}", p.message);
}

fn refused(path: &Path) -> Vec<paypoint::import::Problem> {
    match read(path) {
        Err(ImportError::Problems(p, _)) => p,
        other => panic!(
            "{} should be refused with located problems, got {other:?}",
            path.display()
        ),
    }
}

#[test]
fn a_wrong_grand_total_is_refused_with_its_row_and_both_amounts() {
    let d = dir();
    let roll = sample_roll();
    let path = d.path().join("sai-tong.xlsx");
    write_xlsx(
        &roll,
        &Shape {
            grand_total_error: 1000,
            ..Shape::standard(&roll)
        },
        &path,
    );
    let problems = refused(&path);
    let p = problems
        .iter()
        .find(|p| p.message.contains("TỔNG CỘNG"))
        .expect("the total's problem");
    let total = roll.total().unwrap();
    assert!(p.message.contains(&total.to_string()), "{p}");
    assert!(
        p.message.contains(
            &total
                .checked_add(Dong::new(1000).unwrap())
                .unwrap()
                .to_string()
        ),
        "{p}"
    );
    assert_eq!(p.column.as_deref(), Some("J"));
    assert_eq!(p.file, "sai-tong.xlsx");
    assert_eq!(p.sheet.as_deref(), Some("DS chi tra"));
    let text = p.to_string();
    assert!(
        text.contains("dòng") && text.contains("cột J") && text.contains("sai-tong.xlsx"),
        "{text}"
    );
}

/// Writes the sample roll, then edits one cell of the written rows (by row of the roll and column).
fn broken(d: &Path, name: &str, edit: impl Fn(&mut Vec<Vec<rollfile::V>>)) -> PathBuf {
    let roll = sample_roll();
    let shape = Shape::standard(&roll);
    let mut rows = rollfile::rows(&roll, &shape);
    edit(&mut rows);
    write_rows_csv(d, name, &rows)
}

/// Writes rows as a UTF-8 CSV file.
fn write_rows_csv(d: &Path, name: &str, rows: &[Vec<rollfile::V>]) -> PathBuf {
    let path = d.join(name);
    std::fs::write(&path, rollfile::csv_text(rows, b',')).unwrap();
    path
}

/// Row index (0-based) in the written rows of the data row with this code.
fn row_of(rows: &[Vec<rollfile::V>], code: &str) -> usize {
    rows.iter()
        .position(|r| matches!(r.get(4), Some(rollfile::V::T(s)) if s == code))
        .unwrap()
}

#[test]
fn each_way_of_being_wrong_is_named_with_its_place() {
    use rollfile::V;
    let d = dir();
    type Edit = Box<dyn Fn(&mut Vec<Vec<V>>)>;
    let cases: Vec<(&str, Edit, &str, &str)> = vec![
        (
            "trung-ma.csv",
            Box::new(|r| {
                let i = row_of(r, "QH-0003");
                r[i][4] = V::T("QH-0001".into());
            }),
            "E",
            "trùng",
        ),
        (
            "am.csv",
            Box::new(|r| {
                let i = row_of(r, "QH-0002");
                r[i][7] = V::N(-1_878_000);
            }),
            "H",
            "âm",
        ),
        (
            "le.csv",
            Box::new(|r| {
                let i = row_of(r, "QH-0002");
                r[i][7] = V::T("1878000.5".into());
            }),
            "H",
            "lẻ",
        ),
        (
            "thieu-ten.csv",
            Box::new(|r| {
                let i = row_of(r, "QH-0004");
                r[i][1] = V::E;
            }),
            "B",
            "thiếu họ tên",
        ),
        (
            "thieu-ma.csv",
            Box::new(|r| {
                let i = row_of(r, "QH-0004");
                r[i][4] = V::E;
            }),
            "E",
            "thiếu mã",
        ),
        (
            "tong-dong.csv",
            Box::new(|r| {
                let i = row_of(r, "QH-0002");
                r[i][9] = V::N(9_000_000);
            }),
            "J",
            "trợ cấp",
        ),
        (
            "chu.csv",
            Box::new(|r| {
                let i = row_of(r, "QH-0005");
                r[i][7] = V::T("hai triệu".into());
            }),
            "H",
            "không phải số tiền",
        ),
    ];
    for (name, edit, column, words) in cases {
        let path = broken(d.path(), name, edit);
        let problems = refused(&path);
        let p = problems
            .iter()
            .find(|p| p.column.as_deref() == Some(column) && p.message.contains(words))
            .unwrap_or_else(|| panic!("{name}: expected a problem in column {column} saying “{words}”, got {problems:#?}"));
        assert!(p.row.is_some() && p.field.is_some(), "{name}: {p:?}");
        assert_eq!(p.file, name);
    }
    // The row named is the row of the spreadsheet (1-based).
    let path = broken(d.path(), "dong.csv", |r: &mut Vec<Vec<V>>| {
        let i = row_of(r, "QH-0004");
        r[i][1] = V::E;
    });
    let rows = rollfile::rows(&sample_roll(), &Shape::standard(&sample_roll()));
    let expected_row = row_of(&rows, "QH-0004") + 1;
    assert_eq!(refused(&path)[0].row, Some(expected_row));
}

#[test]
fn a_subtotal_that_disagrees_is_refused() {
    use rollfile::V;
    let d = dir();
    let path = broken(d.path(), "cong-muc.csv", |r| {
        let i = r
            .iter()
            .position(|row| matches!(row.get(1), Some(V::T(s)) if s == "Cộng I"))
            .unwrap();
        r[i][7] = V::N(1);
    });
    let problems = refused(&path);
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("Cộng I") && p.column.as_deref() == Some("H")),
        "{problems:#?}"
    );
}

/// The label of a total row in the written rows ("Cộng I", "TỔNG CỘNG"), as its 0-based index.
fn total_row(rows: &[Vec<rollfile::V>], label: &str) -> usize {
    rows.iter()
        .position(|row| matches!(row.get(1), Some(rollfile::V::T(s)) if s == label))
        .unwrap()
}

/// Issue 11: offices state only "Tổng cộng" in their subtotal and TỔNG CỘNG rows, or no amount
/// at all. A blank is "not stated": the roll loads exactly, in every file format and encoding,
/// and a total row that states nothing is a warning in the preview, not a refusal.
#[test]
fn total_rows_that_leave_columns_blank_load_in_every_format_and_encoding() {
    let d = dir();
    let roll = sample_roll();
    let total = roll.total().unwrap();
    for enc in [
        TextEncoding::Unicode,
        TextEncoding::Tcvn3,
        TextEncoding::Vni,
    ] {
        for totals in ALL_TOTALS_STATED {
            let shape = Shape {
                encoding: enc,
                totals,
                ..Shape::standard(&roll)
            };
            for ext in ["xlsx", "xls", "csv"] {
                let name = format!("{enc:?}-{totals:?}.{ext}");
                let path = d.path().join(&name);
                match ext {
                    "xlsx" => write_xlsx(&roll, &shape, &path),
                    "xls" => write_xls(&roll, &shape, &path),
                    _ => write_csv(&roll, &shape, &path, b',', false),
                }
                let p = read_roll(
                    &path,
                    &ImportOptions {
                        encoding: EncodingChoice::Force(enc),
                        ..opts()
                    },
                )
                .unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(p.roll, expected(&roll), "{name}");
                assert_eq!(p.total, total, "{name}");
                let unchecked: Vec<&String> = p
                    .warnings
                    .iter()
                    .filter(|w| w.contains("không ghi số tiền: không đối chiếu được"))
                    .collect();
                match totals {
                    TotalsStated::None => {
                        assert_eq!(p.stated_total, None, "{name}");
                        assert!(
                            unchecked.iter().any(|w| w.starts_with(
                                "dòng TỔNG CỘNG không ghi số tiền: không đối chiếu được"
                            )),
                            "{name}: {:?}",
                            p.warnings
                        );
                        assert!(
                            unchecked.iter().any(|w| w.starts_with("dòng “Cộng I”")),
                            "{name}: {:?}",
                            p.warnings
                        );
                    }
                    _ => {
                        assert_eq!(p.stated_total, Some(total), "{name}");
                        assert!(unchecked.is_empty(), "{name}: {:?}", p.warnings);
                    }
                }
            }
        }
    }
}

/// Only what a total row states is checked, but what it states is checked: a wrong "Tổng cộng"
/// with blank parts, and a part that holds 0 explicitly, still refuse the file.
#[test]
fn a_stated_total_or_an_explicit_zero_is_still_checked() {
    use rollfile::V;
    let d = dir();
    let roll = sample_roll();
    let only_total = Shape {
        totals: TotalsStated::OnlyTotal,
        ..Shape::standard(&roll)
    };
    let path = d.path().join("sai-tong.xlsx");
    write_xlsx(
        &roll,
        &Shape {
            grand_total_error: 1000,
            ..only_total.clone()
        },
        &path,
    );
    let problems = refused(&path);
    assert!(
        problems.iter().any(
            |p| p.message.starts_with("dòng TỔNG CỘNG ghi") && p.column.as_deref() == Some("J")
        ),
        "{problems:#?}"
    );
    assert!(
        !problems.iter().any(|p| p.column.as_deref() == Some("H")),
        "a blank monthly cell is not read as 0: {problems:#?}"
    );

    let mut rows = rollfile::rows(&roll, &only_total);
    let i = total_row(&rows, "Cộng I");
    rows[i][7] = V::N(0);
    let path = write_rows_csv(d.path(), "so-khong.csv", &rows);
    let problems = refused(&path);
    assert!(
        problems.iter().any(|p| p.message.contains("Cộng I")
            && p.message.contains("ghi 0 đ")
            && p.column.as_deref() == Some("H")),
        "{problems:#?}"
    );
}

/// A person's row with its parts and a blank "Tổng cộng" is the sum of its parts; with a
/// "Tổng cộng" and blank parts it is one monthly line.
#[test]
fn a_persons_blank_total_or_blank_parts_are_not_zeros() {
    use rollfile::V;
    let d = dir();
    let roll = sample_roll();
    let mut rows = rollfile::rows(&roll, &Shape::standard(&roll));
    let parts_only = row_of(&rows, "QH-0001");
    rows[parts_only][9] = V::E;
    // A person with no arrears: with blank parts, the whole "Tổng cộng" is the month's line.
    let no_arrears = roll.entries[1..]
        .iter()
        .find(|e| e.lines.len() == 1)
        .unwrap()
        .code
        .to_string();
    let total_only = row_of(&rows, &no_arrears);
    rows[total_only][7] = V::E;
    rows[total_only][8] = V::E;
    let path = write_rows_csv(d.path(), "o-trong.csv", &rows);
    let p = read(&path).unwrap();
    assert_eq!(p.roll, expected(&roll));
}

/// The sheet is named in Unicode in an error even when the workbook names it in TCVN3 or VNI.
#[test]
fn a_legacy_sheet_name_is_shown_in_unicode() {
    let d = dir();
    let roll = sample_roll();
    for enc in [TextEncoding::Tcvn3, TextEncoding::Vni] {
        let shape = Shape {
            encoding: enc,
            sheet_name: "Tháng 12".into(),
            grand_total_error: 1000,
            ..Shape::standard(&roll)
        };
        for ext in ["xlsx", "xls"] {
            let path = d.path().join(format!("{enc:?}.{ext}"));
            if ext == "xlsx" {
                write_xlsx(&roll, &shape, &path);
            } else {
                write_xls(&roll, &shape, &path);
            }
            let problems = refused(&path);
            assert_eq!(
                problems[0].sheet.as_deref(),
                Some("Tháng 12"),
                "{enc:?} {ext}"
            );
            assert!(problems[0].to_string().contains("trang “Tháng 12”"));
        }
    }
}

#[test]
fn a_file_of_another_month_or_without_a_table_is_refused() {
    let d = dir();
    let roll = sample_roll();
    let path = d.path().join("thang11.xlsx");
    write_xlsx(
        &roll,
        &Shape {
            title: "DANH SÁCH CHI TRẢ THÁNG 11 NĂM 2026".into(),
            ..Shape::standard(&roll)
        },
        &path,
    );
    match read(&path) {
        Err(ImportError::WrongPeriod { found, .. }) => assert_eq!(found, "tháng 11 năm 2026"),
        other => panic!("expected WrongPeriod, got {other:?}"),
    }
    let path = d.path().join("rong.csv");
    std::fs::write(&path, "a,b,c\n1,2,3\n").unwrap();
    let e = read(&path).unwrap_err().to_string();
    assert!(e.contains("Họ và tên"), "{e}");
    let path = d.path().join("hong.xlsx");
    std::fs::write(&path, b"PK\x03\x04 not really a zip").unwrap();
    assert!(matches!(read(&path), Err(ImportError::Unreadable { .. })));
    let path = d.path().join("ds.pdf");
    std::fs::write(&path, b"%PDF").unwrap();
    assert!(read(&path).unwrap_err().to_string().contains(".xlsx"));
    assert!(matches!(
        read(&d.path().join("khong-co.xlsx")),
        Err(ImportError::Unreadable { .. })
    ));
}

#[test]
fn import_loads_the_ledger_exactly_and_a_refused_file_changes_nothing() {
    let d = dir();
    let roll = sample_roll();
    let path = d.path().join("ds.xlsx");
    write_xlsx(
        &roll,
        &Shape {
            encoding: TextEncoding::Tcvn3,
            ..Shape::standard(&roll)
        },
        &path,
    );
    let mut ledger = Ledger::init(&d.path().join("l.sqlite"), "QH01", "Điểm").unwrap();
    let bad = d.path().join("bad.xlsx");
    write_xlsx(
        &roll,
        &Shape {
            grand_total_error: -1000,
            ..Shape::standard(&roll)
        },
        &bad,
    );
    assert!(read(&bad).is_err());
    assert_eq!(ledger.event_count().unwrap(), 1);

    let p = read(&path).unwrap();
    let change = ledger.apply_roll(&p.roll, &p.file).unwrap();
    assert_eq!(change.outcome, "loaded");
    let s = ledger.status().unwrap();
    assert_eq!(s.total_due, roll.total().unwrap());
    assert_eq!(s.beneficiaries, 8);
    for e in &roll.entries {
        let hit = &ledger.search(e.code.as_str(), None).unwrap()[0];
        assert_eq!(hit.name, e.name);
        assert_eq!(hit.due, e.total().unwrap());
    }
    // The same file again: nothing changes.
    let again = ledger.apply_roll(&p.roll, &p.file).unwrap();
    assert_eq!(again.outcome, "unchanged");
    assert_eq!(ledger.roll_versions(period()).unwrap().len(), 1);
    assert!(ledger.verify().unwrap().chain_ok);
    assert_eq!(ledger.verify_rolls().unwrap(), None);
}

#[test]
fn an_amended_roll_applies_the_difference_and_never_touches_a_payout() {
    use paypoint::clerk::{Pin, Role};
    use paypoint::payout::PayoutRequest;
    let d = dir();
    let mut ledger = Ledger::init(&d.path().join("l.sqlite"), "QH01", "Điểm").unwrap();
    ledger
        .add_clerk("Mai", Role::Clerk, &Pin::new("1234").unwrap())
        .unwrap();
    let v1 = sample_roll();
    ledger.apply_roll(&v1, "v1.xlsx").unwrap();
    let clerk = ledger.sign_in(1, &Pin::new("1234").unwrap()).unwrap();
    ledger
        .record_advance(&clerk, Dong::new(100_000_000).unwrap(), "")
        .unwrap();
    // Paid before the amendment arrives: QH-0002 (monthly + arrears) and QH-0003.
    for c in ["QH-0002", "QH-0003"] {
        ledger
            .record_payout(
                &clerk,
                &PayoutRequest::at_counter(BeneficiaryCode::new(c).unwrap()),
            )
            .unwrap();
    }
    let paid_before = ledger.status().unwrap().paid_amount;

    let mut v2 = v1.clone();
    v2.version = 2;
    // Changed amount on an unpaid line: applied.
    v2.entries[0].lines[0].amount = Dong::new(2_900_000).unwrap();
    // Changed amount on a paid line: conflict, not applied.
    v2.entries[2].lines[0].amount = Dong::new(9_000_000).unwrap();
    // Dropped person already paid (QH-0002): conflict; dropped person unpaid (QH-0006): withdrawn.
    v2.entries
        .retain(|e| e.code.as_str() != "QH-0002" && e.code.as_str() != "QH-0006");
    // New person, and a new arrears line for an existing one.
    v2.entries.push(person(
        "QH-0009",
        "Ngô Thị Xuân",
        1953,
        Sex::F,
        "Thôn Tây",
        "Thân nhân liệt sĩ",
        2_789_000,
        0,
    ));
    v2.entries[2 - 1]
        .lines
        .push(line(LineKind::Arrears, 1_000_000)); // QH-0003 is now at index 1

    let change = ledger.apply_roll(&v2, "v2.xlsx").unwrap();
    assert_eq!(change.outcome, "amended");
    assert_eq!(change.version, 2);
    assert_eq!(change.added_beneficiaries, 1);
    assert_eq!(
        change.added_lines, 3,
        "QH-0001's new amount, QH-0003's arrears, QH-0009"
    );
    assert_eq!(
        change.removed_lines, 2,
        "QH-0001's old amount, QH-0006's line"
    );
    let mut conflicts: Vec<(String, Option<i64>)> = change
        .conflicts
        .iter()
        .map(|c| (c.code.clone(), c.new_amount.map(Dong::as_i64)))
        .collect();
    conflicts.sort();
    assert_eq!(
        conflicts,
        vec![
            ("QH-0002".to_string(), None),
            ("QH-0002".to_string(), None),
            ("QH-0003".to_string(), Some(9_000_000)),
        ]
    );
    // Payouts untouched.
    let s = ledger.status().unwrap();
    assert_eq!(s.paid_amount, paid_before);
    let card = ledger
        .beneficiary(&BeneficiaryCode::new("QH-0001").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(card.due, Dong::new(2_900_000).unwrap());
    assert!(ledger
        .beneficiary(&BeneficiaryCode::new("QH-0006").unwrap())
        .unwrap()
        .unwrap()
        .lines
        .is_empty());
    let card = ledger
        .beneficiary(&BeneficiaryCode::new("QH-0003").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        card.payable,
        Dong::new(1_000_000).unwrap(),
        "the new arrears line can be paid"
    );
    assert_eq!(
        ledger.search("QH-0009", None).unwrap()[0].name,
        "Ngô Thị Xuân"
    );
    assert_eq!(ledger.roll_versions(period()).unwrap().len(), 2);
    assert!(ledger.verify().unwrap().chain_ok);
    assert_eq!(ledger.verify_rolls().unwrap(), None);
    // Applying v2 again changes nothing.
    assert_eq!(
        ledger.apply_roll(&v2, "v2.xlsx").unwrap().outcome,
        "unchanged"
    );
}

// A roll written to xlsx and read back is the same roll.

const SYLLABLES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Đặng", "Thị", "Văn", "Hường", "Ánh", "Đức", "Quỳnh", "Hương",
    "Ước", "Ứng", "Lộc", "Thủy", "Xuân", "Yến", "Bích", "Kiều", "Mỹ", "Tuệ", "Khuê", "Oanh",
    "Ngọc", "Sơn", "Dũng", "Cường", "Hữu", "Nhẫn",
];

fn arb_entry(i: usize) -> impl Strategy<Value = RollEntry> {
    (
        proptest::collection::vec(proptest::sample::select(SYLLABLES), 2..5),
        1920u16..1990,
        any::<bool>(),
        proptest::sample::select(&["Thôn Đông", "Xóm Trại", "Thôn Phú Lộc", "Bản Nà Ươi"][..]),
        proptest::sample::select(&["Thương binh", "Thân nhân liệt sĩ", "Bệnh binh"][..]),
        1_000u32..10_000u32,
        proptest::option::of(1_000u32..40_000u32),
    )
        .prop_map(move |(name, year, female, village, cat, m, a)| {
            person(
                &format!("QH-{:05}", i + 1),
                &name.join(" "),
                year,
                if female { Sex::F } else { Sex::M },
                village,
                cat,
                m as i64 * 1000,
                a.map(|a| a as i64 * 1000).unwrap_or(0),
            )
        })
}

fn arb_roll() -> impl Strategy<Value = Roll> {
    (1usize..40)
        .prop_flat_map(|n| (0..n).map(arb_entry).collect::<Vec<_>>())
        .prop_map(|entries| Roll {
            period: period(),
            version: 1,
            entries,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn a_roll_written_to_xlsx_reads_back_the_same(
        roll in arb_roll(),
        enc in proptest::sample::select(&[TextEncoding::Unicode, TextEncoding::Tcvn3, TextEncoding::Vni][..]),
        text_amounts in any::<bool>(),
        sections in any::<bool>(),
        totals in proptest::sample::select(&ALL_TOTALS_STATED[..]),
    ) {
        let d = dir();
        let path = d.path().join("ds.xlsx");
        let shape = Shape { encoding: enc, amounts_as_text: text_amounts, sections, totals, ..Shape::standard(&roll) };
        write_xlsx(&roll, &shape, &path);
        let p = read_roll(&path, &ImportOptions { encoding: EncodingChoice::Force(enc), ..opts() }).unwrap();
        prop_assert_eq!(p.roll, expected(&roll));
    }
}

// Random bytes, and damaged real files, give errors, never a panic.

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4000), ext in proptest::sample::select(&["csv", "xlsx", "xls"][..])) {
        let d = dir();
        let path = d.path().join(format!("x.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        let _ = read(&path);
    }

    #[test]
    fn damaged_files_never_panic(flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8), csv in any::<bool>()) {
        let d = dir();
        let roll = sample_roll();
        let path = d.path().join(if csv { "x.csv" } else { "x.xlsx" });
        if csv {
            write_csv(&roll, &Shape::standard(&roll), &path, b',', true);
        } else {
            write_xlsx(&roll, &Shape::standard(&roll), &path);
        }
        let mut bytes = std::fs::read(&path).unwrap();
        for (i, b) in flips {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        std::fs::write(&path, &bytes).unwrap();
        let _ = read(&path);
    }
}

/// Every single byte of a standard .xlsx replaced by 202 (the damage proptest found making
/// calamine overflow while reading a cell reference, in two places): each file is read or refused
/// with a reason, never a panic.
#[test]
fn an_xlsx_damaged_at_any_one_byte_is_read_or_refused_never_a_panic() {
    let d = dir();
    let roll = sample_roll();
    let path = d.path().join("x.xlsx");
    write_xlsx(&roll, &Shape::standard(&roll), &path);
    let bytes = std::fs::read(&path).unwrap();
    let mut refused = 0;
    for at in 0..bytes.len() {
        let mut damaged = bytes.clone();
        damaged[at] = 202;
        std::fs::write(&path, &damaged).unwrap();
        refused += usize::from(read(&path).is_err());
    }
    assert!(refused > 0, "damage is noticed");
}
