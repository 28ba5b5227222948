//! The allowance rate table (bảng mức trợ cấp) as data: the categories and their monthly amounts,
//! with a short explanation each (the clerk's reference when a beneficiary asks why they receive
//! what they receive), the base rate, the legal basis and the date from which it applies.
//!
//! The table of Decree 77/2024/NĐ-CP (from 1/7/2024, base rate 2.789.000 đ) ships with the
//! program (`assets/policy/nd-77-2024.json`). A rise of the base rate comes as a new decree, and
//! the managing office sends its table as a file in the same form: `paypoint policy load FILE`
//! checks it and records it in the ledger, with an event, so that no new release is needed. The
//! table in force on a date is decided in one place, [`in_force`]; the Policy screen and the demo
//! roll read the same table.

use std::sync::LazyLock;

use chrono::NaiveDate;
use rusqlite::params;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::event::{canonical_json, payload, sha256_hex, EventPayload};
use crate::ledger::{Ledger, LedgerError, Writer};
use crate::money::Dong;

/// The table shipped with the program, as its file is written.
pub const SHIPPED_JSON: &str = include_str!("../assets/policy/nd-77-2024.json");

/// The version of the file's form this program reads.
pub const FORMAT: i64 = 1;

/// Most categories a table may hold: the decree's annexes have a few hundred rows.
const MAX_CATEGORIES: usize = 1000;
/// Longest text of a field.
const MAX_TEXT: usize = 1000;
/// Largest monthly amount accepted: ten times the highest of today's table. A typo with extra
/// zeros is refused instead of paid.
const MAX_AMOUNT: i64 = 100_000_000;
/// The decrees round every amount to the thousand đồng; an amount that is not is a typo.
const ROUNDING: i64 = 1_000;

/// One category and its monthly amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Rate {
    /// The category as rolls write it.
    pub category: String,
    /// Monthly allowance, đồng.
    pub monthly: Dong,
    /// Monthly supplement (phụ cấp), if any.
    pub supplement: Option<Dong>,
    /// A short explanation for the beneficiary.
    pub explanation: String,
}

impl Rate {
    /// Monthly allowance.
    pub fn monthly_dong(&self) -> Dong {
        self.monthly
    }
}

/// A whole rate table, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PolicyTable {
    /// The legal basis: the document's number (số hiệu), "77/2024/NĐ-CP".
    pub basis: String,
    /// The document's title.
    pub title: String,
    /// The day it was signed (ngày ký).
    pub signed_on: NaiveDate,
    /// The first day its amounts apply.
    pub effective_from: NaiveDate,
    /// The base rate (mức chuẩn).
    pub base_rate: Dong,
    /// The carer allowance (trợ cấp người phục vụ), ordinary rate.
    pub carer: Dong,
    /// The carer allowance for the most severe cases.
    pub carer_severe: Dong,
    /// The categories, in the file's order.
    pub rates: Vec<Rate>,
}

/// Why a table was refused, or could not be read back. Nothing is recorded.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The file could not be read.
    #[error("không đọc được tệp bảng mức {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// What the system said.
        reason: String,
    },
    /// The file is not JSON.
    #[error("tệp bảng mức không phải JSON hợp lệ ({reason}); không nạp gì")]
    NotJson {
        /// Where the parser stopped.
        reason: String,
    },
    /// A field is missing or wrong.
    #[error("bảng mức: {}trường “{field}” {problem}; không nạp gì", place(.entry, .category))]
    Field {
        /// The category's place in `categories`, from 1; `None` for a field of the table.
        entry: Option<usize>,
        /// The category's name, when it has one.
        category: Option<String>,
        /// The field.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The same table is already known (shipped, or loaded before).
    #[error("bảng mức {basis} (áp dụng từ {}) đã có trong sổ; không nạp lại", .effective_from.format("%d/%m/%Y"))]
    AlreadyLoaded {
        /// Its legal basis.
        basis: String,
        /// Its date.
        effective_from: NaiveDate,
    },
    /// No table applies on the date asked about.
    #[error("không có bảng mức nào áp dụng ngày {}: bảng sớm nhất áp dụng từ {}", .on.format("%d/%m/%Y"), .earliest.format("%d/%m/%Y"))]
    NoneInForce {
        /// The date asked about.
        on: NaiveDate,
        /// The earliest table's date.
        earliest: NaiveDate,
    },
    /// The ledger failed.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

fn place(entry: &Option<usize>, category: &Option<String>) -> String {
    match (entry, category) {
        (Some(n), Some(c)) => format!("mục {n} của categories (“{c}”): "),
        (Some(n), None) => format!("mục {n} của categories: "),
        _ => String::new(),
    }
}

impl From<rusqlite::Error> for PolicyError {
    fn from(e: rusqlite::Error) -> Self {
        PolicyError::Ledger(e.into())
    }
}

impl PolicyError {
    /// Stable identifier, for the window, the CLI's JSON and the tests.
    pub fn code(&self) -> &'static str {
        match self {
            PolicyError::Read { .. } => "policy_unreadable",
            PolicyError::NotJson { .. } => "policy_not_json",
            PolicyError::Field { .. } => "policy_field",
            PolicyError::AlreadyLoaded { .. } => "policy_already_loaded",
            PolicyError::NoneInForce { .. } => "policy_none_in_force",
            PolicyError::Ledger(l) => l.code(),
        }
    }
}

/// Reads the fields of one JSON object, naming the field and the entry in every refusal.
struct Fields<'a> {
    obj: &'a Map<String, Value>,
    entry: Option<usize>,
    category: Option<String>,
}

impl<'a> Fields<'a> {
    fn new(v: &'a Value, entry: Option<usize>, known: &[&str]) -> Result<Fields<'a>, PolicyError> {
        let Some(obj) = v.as_object() else {
            return Err(PolicyError::Field {
                entry,
                category: None,
                field: if entry.is_some() {
                    "categories"
                } else {
                    "(bảng)"
                }
                .to_string(),
                problem: "phải là một đối tượng JSON {…}".to_string(),
            });
        };
        let fields = Fields {
            obj,
            entry,
            category: None,
        };
        // A misspelt field ("suplement") would otherwise be silently left out of the table.
        if let Some(unknown) = obj.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(fields.refuse(
                unknown,
                format!(
                    "không có trong mẫu bảng mức (các trường: {})",
                    known.join(", ")
                ),
            ));
        }
        Ok(fields)
    }

    fn refuse(&self, field: &str, problem: impl Into<String>) -> PolicyError {
        PolicyError::Field {
            entry: self.entry,
            category: self.category.clone(),
            field: field.to_string(),
            problem: problem.into(),
        }
    }

    fn required(&self, field: &str) -> Result<&'a Value, PolicyError> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Err(self.refuse(field, "bị thiếu")),
            Some(v) => Ok(v),
        }
    }

    fn text(&self, field: &str) -> Result<String, PolicyError> {
        let Some(s) = self.required(field)?.as_str() else {
            return Err(self.refuse(field, "phải là chuỗi chữ"));
        };
        let s = crate::text::clean(s);
        if s.is_empty() {
            return Err(self.refuse(field, "bị bỏ trống"));
        }
        if s.chars().count() > MAX_TEXT || s.chars().any(char::is_control) {
            return Err(self.refuse(
                field,
                format!("quá dài hoặc có ký tự điều khiển (tối đa {MAX_TEXT} ký tự)"),
            ));
        }
        Ok(s)
    }

    fn date(&self, field: &str) -> Result<NaiveDate, PolicyError> {
        let v = self.required(field)?;
        v.as_str()
            .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .ok_or_else(|| {
                self.refuse(
                    field,
                    format!("phải là ngày dạng YYYY-MM-DD, ví dụ \"2024-07-01\" (gặp {v})"),
                )
            })
    }

    fn amount(&self, field: &str) -> Result<Dong, PolicyError> {
        let v = self.required(field)?;
        let n = v.as_i64().ok_or_else(|| {
            self.refuse(
                field,
                format!("phải là số nguyên đồng, không dấu chấm, ví dụ 2789000 (gặp {v})"),
            )
        })?;
        if !(1..=MAX_AMOUNT).contains(&n) {
            return Err(self.refuse(
                field,
                format!("phải từ 1.000 đến 100.000.000 đồng (gặp {n})"),
            ));
        }
        if n % ROUNDING != 0 {
            return Err(self.refuse(
                field,
                format!("phải làm tròn đến nghìn đồng như nghị định (gặp {n})"),
            ));
        }
        Dong::new(n).map_err(|e| self.refuse(field, e.to_string()))
    }

    fn optional_amount(&self, field: &str) -> Result<Option<Dong>, PolicyError> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.amount(field).map(Some),
        }
    }
}

const TABLE_FIELDS: &[&str] = &[
    "format",
    "basis",
    "title",
    "signed_on",
    "effective_from",
    "base_rate",
    "carer",
    "carer_severe",
    "categories",
];
const RATE_FIELDS: &[&str] = &["category", "monthly", "supplement", "explanation"];

impl PolicyTable {
    /// Reads and checks a table file's text. A refusal names the field, and the entry of
    /// `categories` it is in; never panics on input.
    pub fn parse(text: &str) -> Result<PolicyTable, PolicyError> {
        let v: Value = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            PolicyError::NotJson {
                reason: e.to_string(),
            }
        })?;
        let f = Fields::new(&v, None, TABLE_FIELDS)?;
        if f.required("format")?.as_i64() != Some(FORMAT) {
            return Err(f.refuse(
                "format",
                format!("phải là {FORMAT} (mẫu bảng mức mà chương trình này đọc được)"),
            ));
        }
        let mut table = PolicyTable {
            basis: f.text("basis")?,
            title: f.text("title")?,
            signed_on: f.date("signed_on")?,
            effective_from: f.date("effective_from")?,
            base_rate: f.amount("base_rate")?,
            carer: f.amount("carer")?,
            carer_severe: f.amount("carer_severe")?,
            rates: Vec::new(),
        };
        let Some(entries) = f.required("categories")?.as_array() else {
            return Err(f.refuse("categories", "phải là một danh sách [{…}, …]"));
        };
        if entries.is_empty() || entries.len() > MAX_CATEGORIES {
            return Err(f.refuse(
                "categories",
                format!("phải có từ 1 đến {MAX_CATEGORIES} diện"),
            ));
        }
        table.rates = entries
            .iter()
            .enumerate()
            .map(|(i, e)| rate_of(e, i + 1))
            .collect::<Result<Vec<_>, _>>()?;
        refuse_duplicates(&table.rates)?;
        Ok(table)
    }

    /// The table in the file's form: what is stored, hashed and can be parsed back.
    pub fn to_file_json(&self) -> Value {
        let rates: Vec<Value> = self
            .rates
            .iter()
            .map(|r| {
                let mut o = json!({"category": r.category, "monthly": r.monthly, "explanation": r.explanation});
                if let Some(s) = r.supplement {
                    o["supplement"] = json!(s);
                }
                o
            })
            .collect();
        json!({
            "format": FORMAT,
            "basis": self.basis,
            "title": self.title,
            "signed_on": self.signed_on.format("%Y-%m-%d").to_string(),
            "effective_from": self.effective_from.format("%Y-%m-%d").to_string(),
            "base_rate": self.base_rate,
            "carer": self.carer,
            "carer_severe": self.carer_severe,
            "categories": rates,
        })
    }

    /// SHA-256 of the canonical form: the same table, however the file was laid out, has the
    /// same hash.
    pub fn content_hash(&self) -> String {
        sha256_hex(canonical_json(&self.to_file_json()).as_bytes())
    }

    /// Rates whose category or explanation matches every word of `query` (accent-insensitive).
    pub fn find(&self, query: &str) -> Vec<&Rate> {
        matching(&self.rates, query)
    }
}

/// The rates whose category or explanation matches every word of `query` (accent-insensitive).
pub fn matching<'a>(rates: &'a [Rate], query: &str) -> Vec<&'a Rate> {
    let words: Vec<String> = crate::text::fold(query)
        .split_whitespace()
        .map(str::to_string)
        .collect();
    rates
        .iter()
        .filter(|r| {
            let hay = crate::text::fold(&format!("{} {}", r.category, r.explanation));
            words.iter().all(|w| hay.contains(w.as_str()))
        })
        .collect()
}

fn rate_of(v: &Value, entry: usize) -> Result<Rate, PolicyError> {
    let mut f = Fields::new(v, Some(entry), RATE_FIELDS)?;
    let category = f.text("category")?;
    f.category = Some(category.clone());
    Ok(Rate {
        monthly: f.amount("monthly")?,
        supplement: f.optional_amount("supplement")?,
        explanation: f.text("explanation")?,
        category,
    })
}

fn refuse_duplicates(rates: &[Rate]) -> Result<(), PolicyError> {
    let mut seen = std::collections::HashMap::new();
    for (i, r) in rates.iter().enumerate() {
        if let Some(first) = seen.insert(crate::text::fold(&r.category), i + 1) {
            return Err(PolicyError::Field {
                entry: Some(i + 1),
                category: Some(r.category.clone()),
                field: "category".to_string(),
                problem: format!("trùng với mục {first}"),
            });
        }
    }
    Ok(())
}

static SHIPPED: LazyLock<PolicyTable> = LazyLock::new(|| {
    // The file is part of the program, checked by a test: not input.
    PolicyTable::parse(SHIPPED_JSON).expect("the shipped rate table is valid")
});

/// The table shipped with the program (NĐ 77/2024/NĐ-CP).
pub fn shipped() -> &'static PolicyTable {
    &SHIPPED
}

/// Where a table came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TableOrigin {
    /// The `policy_loaded` event that recorded it; `None` for the table shipped with the program.
    pub event_seq: Option<u64>,
    /// The file's name, or "kèm chương trình".
    pub source: String,
    /// When it was loaded (the event's local time); `None` for the shipped table.
    pub loaded_at: Option<String>,
}

/// A table's heading: what it is, from when, from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TableHeading {
    /// The legal basis's number.
    pub basis: String,
    /// Its title.
    pub title: String,
    /// The day it was signed.
    pub signed_on: NaiveDate,
    /// The first day it applies.
    pub effective_from: NaiveDate,
    /// The base rate.
    pub base_rate: Dong,
    /// How many categories.
    pub categories: u64,
    /// Where it came from.
    pub origin: TableOrigin,
}

impl TableHeading {
    fn of(t: &PolicyTable, origin: TableOrigin) -> TableHeading {
        TableHeading {
            basis: t.basis.clone(),
            title: t.title.clone(),
            signed_on: t.signed_on,
            effective_from: t.effective_from,
            base_rate: t.base_rate,
            categories: t.rates.len() as u64,
            origin,
        }
    }

    /// The order of loading: the shipped table first, then by event.
    fn loaded_order(&self) -> u64 {
        self.origin.event_seq.unwrap_or(0)
    }
}

/// The rule: the table in force on `on` is the one with the latest effective date on or before
/// it; of two with the same date, the one loaded later (a corrected reissue of the same decree).
/// A table loaded late for an earlier date never displaces a newer one.
pub fn in_force(tables: &[TableHeading], on: NaiveDate) -> Option<&TableHeading> {
    tables
        .iter()
        .filter(|t| t.effective_from <= on)
        .max_by_key(|t| (t.effective_from, t.loaded_order()))
}

/// The next table to apply after `on`, if one is already loaded.
pub fn upcoming(tables: &[TableHeading], on: NaiveDate) -> Option<&TableHeading> {
    tables
        .iter()
        .filter(|t| t.effective_from > on)
        .min_by_key(|t| (t.effective_from, std::cmp::Reverse(t.loaded_order())))
}

/// The table in force on a day, and the next one if it is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PolicyInForce {
    /// The day asked about.
    pub on: NaiveDate,
    /// The table in force: its heading.
    pub heading: TableHeading,
    /// Its categories (all of them, or those matching a search: [`PolicyInForce::matching`]).
    pub rates: Vec<Rate>,
    /// The carer allowance, ordinary and most severe.
    pub carer: Dong,
    /// The carer allowance for the most severe cases.
    pub carer_severe: Dong,
    /// A table loaded that applies later, if any.
    pub upcoming: Option<TableHeading>,
}

impl PolicyInForce {
    /// The same, with only the categories matching every word of `query` (accent-insensitive).
    pub fn matching(mut self, query: &str) -> PolicyInForce {
        self.rates = matching(&self.rates, query).into_iter().cloned().collect();
        self
    }
}

/// What loading a table recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PolicyLoadReceipt {
    /// The table's heading, with its event.
    pub heading: TableHeading,
    /// SHA-256 of its canonical content.
    pub content_sha256: String,
}

/// Reads and checks a table file (see [`PolicyTable::parse`]).
pub fn read_file(path: &std::path::Path) -> Result<PolicyTable, PolicyError> {
    let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Read {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    PolicyTable::parse(&text)
}

impl Ledger {
    /// Reads, checks and records a table file the managing office sent; refused whole, with
    /// nothing recorded, if any field is wrong.
    pub fn load_policy_file(
        &mut self,
        path: &std::path::Path,
    ) -> Result<PolicyLoadReceipt, PolicyError> {
        let table = read_file(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        self.load_policy(&table, &name)
    }

    /// Records a checked table (from the managing office, or a hub publication) in the ledger:
    /// one `policy_loaded` event and its row, together. The same table twice is refused.
    pub fn load_policy(
        &mut self,
        table: &PolicyTable,
        source: &str,
    ) -> Result<PolicyLoadReceipt, PolicyError> {
        let seq = self.write(|w| load_in(w, table, source))?;
        let heading = self
            .policy_tables()?
            .into_iter()
            .map(|(h, _)| h)
            .find(|h| h.origin.event_seq == Some(seq))
            .ok_or_else(|| LedgerError::Corrupt("bảng mức vừa nạp".into()))?;
        Ok(PolicyLoadReceipt {
            heading,
            content_sha256: table.content_hash(),
        })
    }

    /// Every table known to the ledger: the shipped one, then those loaded, in loading order.
    pub fn policy_tables(&self) -> Result<Vec<(TableHeading, PolicyTable)>, PolicyError> {
        let shipped_origin = TableOrigin {
            event_seq: None,
            source: "kèm chương trình".to_string(),
            loaded_at: None,
        };
        let mut out = vec![(
            TableHeading::of(shipped(), shipped_origin),
            shipped().clone(),
        )];
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.event_seq, p.content, e.local_time, coalesce(json_extract(e.payload, '$.source'), ''),
                    coalesce(json_extract(e.payload, '$.content_sha256'), '')
             FROM policy_tables p JOIN events e ON e.seq = p.event_seq ORDER BY p.event_seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, u64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (seq, content, time, source, chained_sha) = row?;
            let corrupt = |what: String| {
                LedgerError::Corrupt(format!("bảng mức của sự kiện số {seq}: {what}"))
            };
            // Checked when it was loaded, and hashed in its chained event: a row that no longer
            // parses, or no longer gives that hash, was changed behind the ledger. Never used.
            let table = PolicyTable::parse(&content).map_err(|e| corrupt(e.to_string()))?;
            if table.content_hash() != chained_sha {
                return Err(
                    corrupt("nội dung không khớp mã băm trong nhật ký (đã bị sửa)".into()).into(),
                );
            }
            let origin = TableOrigin {
                event_seq: Some(seq),
                source,
                loaded_at: Some(time),
            };
            out.push((TableHeading::of(&table, origin), table));
        }
        Ok(out)
    }

    /// The table in force on `on` (see [`in_force`]), and the next one if already loaded.
    pub fn policy_on(&self, on: NaiveDate) -> Result<PolicyInForce, PolicyError> {
        let tables = self.policy_tables()?;
        let headings: Vec<TableHeading> = tables.iter().map(|(h, _)| h.clone()).collect();
        let upcoming = upcoming(&headings, on).cloned();
        let (heading, table) = chosen(tables, &headings, on)?;
        Ok(PolicyInForce {
            on,
            heading,
            rates: table.rates,
            carer: table.carer,
            carer_severe: table.carer_severe,
            upcoming,
        })
    }

    /// The whole table in force on `on`, for what computes from it (the demo roll).
    pub fn policy_table_on(&self, on: NaiveDate) -> Result<PolicyTable, PolicyError> {
        let tables = self.policy_tables()?;
        let headings: Vec<TableHeading> = tables.iter().map(|(h, _)| h.clone()).collect();
        Ok(chosen(tables, &headings, on)?.1)
    }
}

/// Records `table` inside an open write transaction (a file loaded by hand, or a table the hub
/// published, applied with its amendment). Returns the event's sequence.
pub(crate) fn load_in(
    w: &Writer<'_>,
    table: &PolicyTable,
    source: &str,
) -> Result<u64, PolicyError> {
    let sha = table.content_hash();
    let known: bool =
        w.tx.prepare_cached("SELECT count(*) FROM policy_tables WHERE content_sha256 = ?1")?
            .query_row([&sha], |r| r.get::<_, i64>(0))?
            > 0;
    if known || sha == shipped().content_hash() {
        return Err(PolicyError::AlreadyLoaded {
            basis: table.basis.clone(),
            effective_from: table.effective_from,
        });
    }
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let ev = w.append(
        None,
        EventPayload::PolicyLoaded(payload::PolicyLoaded {
            basis: table.basis.clone(),
            signed_on: day(table.signed_on),
            effective_from: day(table.effective_from),
            base_rate: table.base_rate,
            categories: table.rates.len() as u64,
            content_sha256: sha.clone(),
            source: crate::text::clean(source),
        }),
    )?;
    w.tx.prepare_cached(
        "INSERT INTO policy_tables (event_seq, effective_from, content, content_sha256) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        ev.seq,
        day(table.effective_from),
        canonical_json(&table.to_file_json()),
        sha
    ])?;
    Ok(ev.seq)
}

/// The table [`in_force`] picks among `tables` (whose headings are `headings`).
fn chosen(
    tables: Vec<(TableHeading, PolicyTable)>,
    headings: &[TableHeading],
    on: NaiveDate,
) -> Result<(TableHeading, PolicyTable), PolicyError> {
    let pick = in_force(headings, on).cloned();
    tables
        .into_iter()
        .find(|(h, _)| Some(h) == pick.as_ref())
        .ok_or_else(|| PolicyError::NoneInForce {
            on,
            earliest: headings
                .iter()
                .map(|h| h.effective_from)
                .min()
                .unwrap_or(on),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(from: &str, seq: Option<u64>) -> TableHeading {
        TableHeading {
            basis: format!("{from}/{seq:?}"),
            title: String::new(),
            signed_on: from.parse().unwrap(),
            effective_from: from.parse().unwrap(),
            base_rate: Dong::new(1_000).unwrap(),
            categories: 1,
            origin: TableOrigin {
                event_seq: seq,
                source: String::new(),
                loaded_at: None,
            },
        }
    }

    #[test]
    fn the_latest_effective_table_on_or_before_the_day_is_in_force() {
        let t = [
            heading("2024-07-01", None),
            heading("2026-07-01", Some(5)),
            heading("2025-01-01", Some(9)),
            heading("2026-07-01", Some(12)),
        ];
        let on = |d: &str| in_force(&t, d.parse().unwrap()).map(|h| h.basis.clone());
        assert_eq!(on("2024-06-30"), None);
        assert_eq!(on("2024-07-01").as_deref(), Some("2024-07-01/None"));
        assert_eq!(on("2025-06-30").as_deref(), Some("2025-01-01/Some(9)"));
        assert_eq!(on("2026-06-30").as_deref(), Some("2025-01-01/Some(9)"));
        // The same date twice: the later load is the correction.
        assert_eq!(on("2026-07-01").as_deref(), Some("2026-07-01/Some(12)"));
        assert_eq!(
            upcoming(&t, "2026-06-30".parse().unwrap()).map(|h| h.basis.as_str()),
            Some("2026-07-01/Some(12)")
        );
        assert!(upcoming(&t, "2026-07-01".parse().unwrap()).is_none());
    }

    #[test]
    fn a_table_read_back_from_its_canonical_form_is_the_same() {
        let t = shipped();
        let again = PolicyTable::parse(&canonical_json(&t.to_file_json())).unwrap();
        assert_eq!(&again, t);
        assert_eq!(again.content_hash(), t.content_hash());
    }
}
