//! The rows under the header: people, section rows, the sections' subtotals ("Cộng I"), the grand
//! total (TỔNG CỘNG) and the amount in words. Every amount a total row states is checked against
//! the rows it sums; a cell it leaves blank is "not stated" and is not checked (issue 11: many
//! offices state only the "Tổng cộng" column of their total rows).

use std::collections::HashMap;

use super::grid::{amount_of, Cell, Grid};
use super::layout::{Field, Layout};
use super::{ImportOptions, Problems};
use crate::encoding::TextEncoding;
use crate::model::{BeneficiaryCode, LineKind, Sex};
use crate::money::Dong;
use crate::roll::{RollEntry, RollLine};
use crate::text;

/// The amount columns a roll may have, in the order a row's cells are read and checked.
pub(super) const AMOUNT_FIELDS: [Field; 4] = [
    Field::Monthly,
    Field::MonthlyNext,
    Field::Arrears,
    Field::Total,
];

/// One person's amounts: the month's allowance, the next month's when the roll pays two months
/// together near Tết, and the arrears.
#[derive(Clone, Copy, Default)]
struct PersonAmounts {
    monthly: Dong,
    next: Dong,
    arrears: Dong,
}

impl PersonAmounts {
    /// Amounts are bounded by the file's size, far below the range of `Dong`: a saturating sum is
    /// exact here.
    fn total(&self) -> Dong {
        let plus = |a: Dong, b: Dong| a.checked_add(b).unwrap_or(a);
        plus(plus(self.monthly, self.next), self.arrears)
    }
}

/// What the rows give: the people, and what the file states of its own total.
pub(super) struct Rows {
    pub(super) entries: Vec<RollEntry>,
    /// The grand total the file states, when its TỔNG CỘNG row states one.
    pub(super) stated_total: Option<Dong>,
    pub(super) warnings: Vec<String>,
}

/// Sums of the rows read since a point (a section's start, or the file's).
#[derive(Clone, Copy, Default)]
struct Running {
    monthly: Dong,
    next: Dong,
    arrears: Dong,
    total: Dong,
}

impl Running {
    /// Adds a row. Amounts are bounded by the file's size, far below the range of `Dong`, so a
    /// saturating sum is exact here.
    fn add(&mut self, a: PersonAmounts) {
        let plus = |a: Dong, b: Dong| a.checked_add(b).unwrap_or(a);
        self.monthly = plus(self.monthly, a.monthly);
        self.next = plus(self.next, a.next);
        self.arrears = plus(self.arrears, a.arrears);
        self.total = plus(self.total, a.total());
    }

    fn of(&self, f: Field) -> Dong {
        match f {
            Field::Monthly => self.monthly,
            Field::MonthlyNext => self.next,
            Field::Arrears => self.arrears,
            _ => self.total,
        }
    }
}

/// The amounts one row states, by column. A blank cell is absent: not stated, not 0.
struct Amounts {
    stated: HashMap<Field, Dong>,
    /// A cell could not be read (its problem is already listed).
    bad: bool,
}

impl Amounts {
    fn get(&self, f: Field) -> Option<Dong> {
        self.stated.get(&f).copied()
    }

    fn any_positive(&self) -> bool {
        self.stated.values().any(|d| d.is_positive())
    }
}

/// What a row is, from its label and cells.
enum RowKind {
    GrandTotal,
    Subtotal,
    Section,
    Person,
}

/// Reads the rows of one sheet, listing every problem in `problems`.
pub(super) fn read_rows(
    grid: &Grid,
    layout: &Layout,
    opts: &ImportOptions,
    encoding: TextEncoding,
    problems: &mut Problems<'_>,
) -> Rows {
    let mut reader = Reader {
        grid,
        layout,
        opts,
        encoding,
        problems,
        amount_cols: AMOUNT_FIELDS
            .into_iter()
            .filter(|f| layout.columns.contains_key(f))
            .collect(),
        entries: Vec::new(),
        seen: HashMap::new(),
        section: Running::default(),
        all: Running::default(),
        section_name: String::new(),
        stated_total: None,
        grand_row: None,
        saw_subtotal: false,
        warnings: Vec::new(),
    };
    reader.read_all();
    reader.closing_warnings();
    Rows {
        entries: reader.entries,
        stated_total: reader.stated_total,
        warnings: reader.warnings,
    }
}

struct Reader<'a, 'p> {
    grid: &'a Grid,
    layout: &'a Layout,
    opts: &'a ImportOptions,
    encoding: TextEncoding,
    problems: &'a mut Problems<'p>,
    amount_cols: Vec<Field>,
    entries: Vec<RollEntry>,
    /// Each code read so far, with its row (1-based), to name a duplicate's first row.
    seen: HashMap<String, usize>,
    section: Running,
    all: Running,
    section_name: String,
    stated_total: Option<Dong>,
    /// The TỔNG CỘNG row (0-based), once read.
    grand_row: Option<usize>,
    saw_subtotal: bool,
    warnings: Vec<String>,
}

impl Reader<'_, '_> {
    fn col(&self, f: Field) -> Option<usize> {
        self.layout.columns.get(&f).copied()
    }

    fn text_at(&self, r: usize, f: Field) -> String {
        self.col(f)
            .map(|c| self.grid.cell(r, c).text())
            .unwrap_or_default()
    }

    fn read_all(&mut self) {
        for r in self.layout.first_data_row..self.grid.rows.len() {
            let row = &self.grid.rows[r];
            if row.iter().all(Cell::is_empty) {
                continue;
            }
            let first_text = row
                .iter()
                .find(|c| !c.is_empty())
                .map(Cell::text)
                .unwrap_or_default();
            if text::fold(&first_text).starts_with("bang chu") {
                self.check_in_words(r, &first_text);
                break;
            }
            let amounts = self.amounts(r);
            match self.kind_of(r, &first_text, &amounts) {
                RowKind::GrandTotal => self.grand_total(r, &amounts),
                RowKind::Subtotal => self.subtotal(r, &first_text, &amounts),
                RowKind::Section => self.start_section(r, &first_text),
                RowKind::Person => self.person(r, &amounts),
            }
        }
    }

    /// The row's amount cells, each read; a cell that cannot be read is a located problem.
    fn amounts(&mut self, r: usize) -> Amounts {
        let mut a = Amounts {
            stated: HashMap::new(),
            bad: false,
        };
        for f in self.amount_cols.clone() {
            let c = self.col(f).expect("amount_cols holds the layout's columns");
            match amount_of(self.grid.cell(r, c)) {
                Ok(Some(d)) => {
                    a.stated.insert(f, d);
                }
                Ok(None) => {}
                Err(m) => {
                    self.problems.add(r, Some(c), Some(f), m);
                    a.bad = true;
                }
            }
        }
        a
    }

    fn kind_of(&self, r: usize, first_text: &str, amounts: &Amounts) -> RowKind {
        let name_text = self.text_at(r, Field::Name);
        let stt_text = self.text_at(r, Field::Stt);
        let label = text::fold(if stt_text.is_empty() {
            &name_text
        } else {
            &stt_text
        });
        let label_name = text::fold(&name_text);
        let is_grand = label.starts_with("tong cong")
            || label_name.starts_with("tong cong")
            || label_name == "tong";
        if is_grand {
            return RowKind::GrandTotal;
        }
        if label.starts_with("cong") || label_name.starts_with("cong") {
            return RowKind::Subtotal;
        }
        // A section row: "I | THƯƠNG BINH", no code and no amount.
        if self.text_at(r, Field::Code).is_empty()
            && !amounts.any_positive()
            && !amounts.bad
            && (is_roman(&stt_text) || !name_text.is_empty() || !first_text.is_empty())
        {
            return RowKind::Section;
        }
        RowKind::Person
    }

    fn start_section(&mut self, r: usize, first_text: &str) {
        let name_text = self.text_at(r, Field::Name);
        self.section = Running::default();
        self.section_name = if name_text.is_empty() {
            first_text.to_string()
        } else {
            name_text
        };
    }

    fn grand_total(&mut self, r: usize, amounts: &Amounts) {
        let all = self.all;
        self.check_total(r, amounts, all, "dòng TỔNG CỘNG", "của cả danh sách");
        self.grand_row = Some(r);
        // What the file states as its total: the "Tổng cộng" cell, or its parts when the row
        // states every part column the file has.
        let parts: Vec<Field> = self
            .amount_cols
            .iter()
            .copied()
            .filter(|f| *f != Field::Total)
            .collect();
        self.stated_total = amounts.get(Field::Total).or_else(|| {
            let stated: Option<Vec<Dong>> = parts.iter().map(|f| amounts.get(*f)).collect();
            stated
                .filter(|v| !v.is_empty())
                .and_then(|v| Dong::sum(v).ok())
        });
    }

    fn subtotal(&mut self, r: usize, first_text: &str, amounts: &Amounts) {
        self.saw_subtotal = true;
        let of_what = if self.section_name.is_empty() {
            "phía trên".to_string()
        } else {
            format!("của mục “{}”", self.section_name)
        };
        let section = self.section;
        self.check_total(
            r,
            amounts,
            section,
            &format!("dòng “{first_text}”"),
            &of_what,
        );
        self.section = Running::default();
    }

    /// Checks each amount a total row states against the sum of the rows it totals. A column the
    /// row leaves blank is not checked; a row that states no amount at all cannot be checked,
    /// which the clerk is told in the preview (a warning, not a refusal).
    fn check_total(&mut self, r: usize, amounts: &Amounts, sums: Running, what: &str, of: &str) {
        let mut stated_any = false;
        for f in self.amount_cols.clone() {
            let Some(stated) = amounts.get(f) else {
                continue;
            };
            stated_any = true;
            let expected = sums.of(f);
            if !amounts.bad && stated != expected {
                self.problems.add(
                    r,
                    self.col(f),
                    Some(f),
                    format!("{what} ghi {stated} đ nhưng cộng các dòng {of} là {expected} đ"),
                );
            }
        }
        if !stated_any && !amounts.bad {
            self.warnings.push(format!(
                "{what} không ghi số tiền: không đối chiếu được (dòng {} của tệp)",
                r + 1
            ));
        }
    }

    /// "Bằng chữ: …" read against the total; a difference is a warning (the figures were checked).
    fn check_in_words(&mut self, r: usize, first_text: &str) {
        let stated = first_text.split_once(':').map(|x| x.1).unwrap_or("").trim();
        let total = self.stated_total.or(self.grand_row.map(|_| self.all.total));
        if let Some(expected) = total {
            if !stated.is_empty()
                && text::fold(stated).trim_end_matches('.') != text::fold(&expected.in_words())
            {
                self.warnings.push(format!(
                    "dòng {}: số tiền bằng chữ “{stated}” khác cách đọc của tổng {} đ (“{}”)",
                    r + 1,
                    expected,
                    expected.in_words()
                ));
            }
        }
    }

    fn closing_warnings(&mut self) {
        if self.grand_row.is_none() {
            self.warnings.push(if self.saw_subtotal {
                "tệp không có dòng TỔNG CỘNG; đã đối chiếu các dòng cộng mục".to_string()
            } else {
                "tệp không có dòng TỔNG CỘNG để đối chiếu; hãy so tổng dưới đây với văn bản của đơn vị quản lý"
                    .to_string()
            });
        }
        if self.entries.is_empty() && self.problems.list.is_empty() {
            self.problems.add(
                self.layout.first_data_row,
                None,
                None,
                "không có dòng đối tượng nào dưới tiêu đề".into(),
            );
        }
    }

    /// A person's row: read and checked; kept when every cell of it is right. Its amounts count
    /// in the sums either way, so that a subtotal is not also reported wrong because of it.
    fn person(&mut self, r: usize, amounts: &Amounts) {
        let mut ok = !amounts.bad;
        let name = self.name(r, &mut ok);
        let code = self.code(r, &mut ok);
        let sums = self.person_amounts(r, amounts, &mut ok);
        let (birth_year, sex) = self.birth(r, &mut ok);
        self.section.add(sums);
        self.all.add(sums);
        let Some(code) = code.filter(|_| ok) else {
            return;
        };
        let note = text::clean(&self.text_at(r, Field::Note));
        let category = match text::clean(&self.text_at(r, Field::Category)) {
            c if c.is_empty() => text::clean(&self.section_name),
            c => c,
        };
        let id_card = text::clean(&self.text_at(r, Field::IdCard));
        self.entries.push(RollEntry {
            code,
            name,
            birth_year,
            sex,
            village: text::clean(&self.text_at(r, Field::Village)),
            id_card: (!id_card.is_empty()).then_some(id_card),
            category,
            home_delivery: text::fold(&note).contains("tai nha"),
            proxy: None,
            note,
            lines: self.lines(sums),
        });
    }

    fn name(&mut self, r: usize, ok: &mut bool) -> String {
        let name = text::clean(&self.text_at(r, Field::Name));
        if name.is_empty() {
            let c = self.col(Field::Name);
            self.problems
                .add(r, c, Some(Field::Name), "thiếu họ tên".into());
            *ok = false;
        }
        if self.encoding == TextEncoding::Tcvn3 {
            restore_name_initials(&name)
        } else {
            name
        }
    }

    fn code(&mut self, r: usize, ok: &mut bool) -> Option<BeneficiaryCode> {
        let code_text = self.text_at(r, Field::Code);
        let c = self.col(Field::Code);
        let Some(code) = BeneficiaryCode::new(&code_text) else {
            let message = if code_text.is_empty() {
                "thiếu mã đối tượng".into()
            } else {
                format!("mã đối tượng “{code_text}” không hợp lệ")
            };
            self.problems.add(r, c, Some(Field::Code), message);
            *ok = false;
            return None;
        };
        if let Some(first) = self.seen.insert(code.to_string(), r + 1) {
            let message = format!("mã “{code}” trùng với dòng {first}");
            self.problems.add(r, c, Some(Field::Code), message);
            *ok = false;
        }
        Some(code)
    }

    /// The month's allowance (and the next month's, near Tết) and the arrears of a person's row.
    /// A blank part is not stated: with a "Tổng cộng" and no monthly amount, what the total holds
    /// beyond the other parts is the month's allowance; with parts and a blank total, the parts
    /// are the row. Parts and a total that are both stated must agree.
    fn person_amounts(&mut self, r: usize, a: &Amounts, ok: &mut bool) -> PersonAmounts {
        let arrears = a.get(Field::Arrears).unwrap_or(Dong::ZERO);
        let next = a.get(Field::MonthlyNext).unwrap_or(Dong::ZERO);
        let others = arrears.checked_add(next).unwrap_or(arrears);
        let total_col = self.col(Field::Total);
        let monthly = match (a.get(Field::Monthly), a.get(Field::Total)) {
            (Some(m), _) => m,
            (None, Some(t)) => match t.checked_sub(others) {
                Ok(d) if !d.is_negative() => d,
                _ => {
                    let message = if next.is_positive() {
                        "tổng cộng nhỏ hơn truy lĩnh cộng trợ cấp tháng sau".into()
                    } else {
                        "tổng cộng nhỏ hơn truy lĩnh".into()
                    };
                    self.problems.add(r, total_col, Some(Field::Total), message);
                    *ok = false;
                    Dong::ZERO
                }
            },
            (None, None) => Dong::ZERO,
        };
        let sums = PersonAmounts {
            monthly,
            next,
            arrears,
        };
        let row_total = sums.total();
        if let (Some(_), Some(stated)) = (a.get(Field::Monthly), a.get(Field::Total)) {
            if !a.bad && stated != row_total {
                let next_part = if next.is_positive() {
                    format!(" + trợ cấp tháng sau {next} đ")
                } else {
                    String::new()
                };
                self.problems.add(
                    r,
                    total_col,
                    Some(Field::Total),
                    format!("tổng cộng ghi {stated} đ nhưng trợ cấp {monthly} đ{next_part} + truy lĩnh {arrears} đ = {row_total} đ"),
                );
                *ok = false;
            }
        }
        if !row_total.is_positive() && !a.bad {
            let first = self.amount_cols.first().copied();
            let c = first.and_then(|f| self.col(f));
            self.problems
                .add(r, c, first, "không có khoản tiền nào".into());
            *ok = false;
        }
        sums
    }

    /// Birth year: one column, or the year written in the column of the person's sex.
    fn birth(&mut self, r: usize, ok: &mut bool) -> (Option<u16>, Option<Sex>) {
        let (mut birth_year, mut sex) = (None, None);
        for (f, s) in [
            (Field::BirthYearMale, Some(Sex::M)),
            (Field::BirthYearFemale, Some(Sex::F)),
            (Field::BirthYear, None),
        ] {
            let Some(c) = self.col(f) else {
                continue;
            };
            match year_of(self.grid.cell(r, c)) {
                Ok(Some(y)) if birth_year.is_none() => {
                    birth_year = Some(y);
                    sex = s;
                }
                Ok(_) => {}
                Err(m) => {
                    self.problems.add(r, Some(c), Some(f), m);
                    *ok = false;
                }
            }
        }
        (birth_year, sex)
    }

    fn lines(&self, a: PersonAmounts) -> Vec<RollLine> {
        let period = self.opts.period;
        // The months an arrears line covers are in the office's decision, not the roll: it is
        // recorded against the roll's month.
        [
            (LineKind::Monthly, a.monthly, period),
            (LineKind::Monthly, a.next, period.next()),
            (LineKind::Arrears, a.arrears, period),
        ]
        .into_iter()
        .filter(|(_, amount, _)| amount.is_positive())
        .map(|(kind, amount, month)| RollLine {
            kind,
            amount,
            covers_from: month,
            covers_to: month,
            note: String::new(),
        })
        .collect()
    }
}

fn year_of(cell: &Cell) -> Result<Option<u16>, String> {
    let t = cell.text();
    if t.is_empty() {
        return Ok(None);
    }
    // "1948", "15/03/1948", "1948.0".
    let digits: Vec<&str> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| s.len() == 4)
        .collect();
    match digits.last().and_then(|s| s.parse::<u16>().ok()) {
        Some(y) if (1880..=2100).contains(&y) => Ok(Some(y)),
        _ => Err(format!("năm sinh “{t}” không đọc được")),
    }
}

fn is_roman(t: &str) -> bool {
    let t = t.trim().trim_end_matches('.');
    !t.is_empty() && t.len() <= 6 && t.chars().all(|c| "IVXLivxl".contains(c))
}

/// Capitalises the first letter of each word of a TCVN3 name whose other words are capitalised:
/// the base font has no accented capitals, so "Ánh" was typed as "ánh". Every word of a
/// Vietnamese name starts with a capital.
pub(super) fn restore_name_initials(name: &str) -> String {
    let words: Vec<&str> = name.split(' ').collect();
    let capitalised = words
        .iter()
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
        .all(|w| w.chars().next().is_some_and(|c| c.is_uppercase()));
    if words.len() < 2 || !capitalised {
        return name.to_string();
    }
    words
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_uppercase().chain(cs).collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
