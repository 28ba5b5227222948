//! The roll (danh sách chi trả): a period's beneficiaries and the lines owed to each.

use std::collections::HashSet;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::event::payload::{self, AddedLine};
use crate::event::{canonical_json, sha256_hex, EventKind, EventPayload};
use crate::ledger::{Ledger, LedgerError, Writer};
use crate::money::{Dong, MoneyError};
use crate::period::Period;
use crate::text;
// The shared types moved to `model` (issue 13); their old paths keep working.
pub use crate::model::{BeneficiaryCode, LineKind, Proxy, RollOrigin, Sex};

/// Most beneficiaries one roll may hold: a pay point has hundreds; the bound keeps a malformed
/// file from filling the disk.
pub const MAX_ENTRIES: usize = 2_000_000;
/// Most lines one beneficiary may have in a period.
pub const MAX_LINES_PER_ENTRY: usize = 50;

/// Why a roll was refused. Nothing of a refused roll is written.
#[derive(Debug, thiserror::Error)]
pub enum RollError {
    /// An entry is wrong; says which (1-based position in the roll) and why.
    #[error("dòng {index} (mã “{code}”): {problem}")]
    Entry {
        /// 1-based position in the roll.
        index: usize,
        /// The beneficiary code as given.
        code: String,
        /// What is wrong.
        problem: String,
    },
    /// Two entries share a code.
    #[error("mã đối tượng “{code}” xuất hiện hai lần (dòng {first} và dòng {second})")]
    DuplicateCode {
        /// The code.
        code: String,
        /// First position.
        first: usize,
        /// Second position.
        second: usize,
    },
    /// The roll's total is not what the file says.
    #[error("tổng danh sách {actual} đ khác tổng ghi trong tệp {expected} đ")]
    TotalMismatch {
        /// The total stated by the source.
        expected: Dong,
        /// The sum of the lines.
        actual: Dong,
    },
    /// The roll is empty or too large.
    #[error("{0}")]
    Size(String),
    /// A roll for this period and version is already loaded.
    #[error("kỳ {period} đã có danh sách chi trả (phiên bản {version}); không nạp lại")]
    AlreadyLoaded {
        /// The period.
        period: Period,
        /// The version in the ledger.
        version: u32,
    },
    /// The roll belongs to a closed period.
    #[error("kỳ {0} đã khóa sổ; không nạp danh sách vào kỳ đã khóa")]
    PeriodClosed(Period),
    /// This device is enrolled with a hub: rolls come only from the hub, signed by the managing
    /// office. A file the pay point loads itself is how an insider adds a person or raises an
    /// amount (issue 12).
    #[error("máy này đã đăng ký với máy chủ của đơn vị quản lý ({hub}): danh sách chi trả chỉ nhận từ máy chủ, có chữ ký của đơn vị quản lý, không nạp từ tệp. Hãy đồng bộ (màn hình Đồng bộ, hoặc lệnh `paypoint sync`) để tải danh sách")]
    FromHubOnly {
        /// The hub's address.
        hub: String,
    },
    /// An amount is out of range.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Storage failure.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// One version of a period's roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RollVersion {
    /// The period.
    pub period: Period,
    /// Version number, from 1.
    pub version: u32,
    /// Where it came from, in words (a file name, the hub's version, "demo").
    pub source: String,
    /// When it was loaded (the device's local time).
    pub loaded_at: String,
    /// Hub (signed), file (the pay point's own, unsigned) or demo.
    pub origin: RollOrigin,
}

/// The words printed on every sheet of a roll the pay point loaded itself.
pub const UNSIGNED_ROLL_NOTICE: &str =
    "Danh sách do điểm chi trả tự nạp, chưa có chữ ký của đơn vị quản lý";

/// Refuses a roll that is not the hub's on a device enrolled with a hub. Read inside the write
/// transaction, so that an enrolment and a file import cannot interleave.
fn only_hub_rolls_once_enrolled(
    tx: &rusqlite::Connection,
    origin: RollOrigin,
) -> Result<(), RollError> {
    if origin == RollOrigin::Hub {
        return Ok(());
    }
    let hub: Option<String> = tx
        .prepare_cached("SELECT url FROM sync_hub")?
        .query_row([], |r| r.get(0))
        .optional()?;
    match hub {
        Some(hub) => Err(RollError::FromHubOnly { hub }),
        None => Ok(()),
    }
}

impl From<rusqlite::Error> for RollError {
    fn from(e: rusqlite::Error) -> Self {
        RollError::Ledger(LedgerError::from(e))
    }
}

/// One amount owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollLine {
    /// What it is.
    pub kind: LineKind,
    /// How much, whole đồng, above zero.
    pub amount: Dong,
    /// First month it covers.
    pub covers_from: Period,
    /// Last month it covers.
    pub covers_to: Period,
    /// Free note from the district.
    pub note: String,
}

/// One beneficiary and the lines owed to them this period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollEntry {
    /// Mã đối tượng.
    pub code: BeneficiaryCode,
    /// Full name, NFC.
    pub name: String,
    /// Year of birth.
    pub birth_year: Option<u16>,
    /// Sex.
    pub sex: Option<Sex>,
    /// Village or address.
    pub village: String,
    /// ID card number.
    pub id_card: Option<String>,
    /// Diện đối tượng ("Thương binh 61%" …).
    pub category: String,
    /// Paid at home (sick, very old, disabled).
    pub home_delivery: bool,
    /// Authorised recipient, if any.
    pub proxy: Option<Proxy>,
    /// Note from the district.
    pub note: String,
    /// Lines owed.
    pub lines: Vec<RollLine>,
}

impl RollEntry {
    /// Sum of the entry's lines.
    pub fn total(&self) -> Result<Dong, MoneyError> {
        Dong::sum(self.lines.iter().map(|l| l.amount))
    }
}

/// A period's roll for this pay point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roll {
    /// The month paid.
    pub period: Period,
    /// Version, from 1; an amended roll has a higher one.
    pub version: u32,
    /// The entries, in the order of the source.
    pub entries: Vec<RollEntry>,
}

/// What a loaded roll amounts to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollSummary {
    /// The period.
    pub period: Period,
    /// The version.
    pub version: u32,
    /// People.
    pub beneficiaries: usize,
    /// Lines.
    pub lines: usize,
    /// Sum of all lines.
    pub total: Dong,
    /// SHA-256 of the canonical roll, recorded in the event.
    pub content_sha256: String,
}

impl Roll {
    /// Sum of every line.
    pub fn total(&self) -> Result<Dong, MoneyError> {
        self.entries
            .iter()
            .try_fold(Dong::ZERO, |acc, e| acc.checked_add(e.total()?))
    }

    /// Checks the total against the one the source states (the TỔNG CỘNG row).
    pub fn verify_total(&self, expected: Dong) -> Result<(), RollError> {
        let actual = self.total()?;
        if actual != expected {
            return Err(RollError::TotalMismatch { expected, actual });
        }
        Ok(())
    }

    /// Checks every rule a roll must meet before it may be loaded.
    pub fn validate(&self) -> Result<(), RollError> {
        if self.entries.is_empty() {
            return Err(RollError::Size("danh sách không có đối tượng nào".into()));
        }
        if self.entries.len() > MAX_ENTRIES {
            return Err(RollError::Size(format!(
                "danh sách có hơn {MAX_ENTRIES} đối tượng"
            )));
        }
        let mut seen = std::collections::HashMap::with_capacity(self.entries.len());
        for (i, e) in self.entries.iter().enumerate() {
            let index = i + 1;
            let bad = |problem: String| RollError::Entry {
                index,
                code: e.code.to_string(),
                problem,
            };
            if let Some(first) = seen.insert(e.code.clone(), index) {
                return Err(RollError::DuplicateCode {
                    code: e.code.to_string(),
                    first,
                    second: index,
                });
            }
            if e.name.trim().is_empty() || e.name.chars().count() > 120 {
                return Err(bad("thiếu họ tên hoặc họ tên quá dài".into()));
            }
            if e.lines.is_empty() {
                return Err(bad("không có khoản chi nào".into()));
            }
            if e.lines.len() > MAX_LINES_PER_ENTRY {
                return Err(bad(format!("có hơn {MAX_LINES_PER_ENTRY} khoản chi")));
            }
            if let Some(y) = e.birth_year {
                if !(1880..=2100).contains(&y) {
                    return Err(bad(format!("năm sinh {y} không hợp lệ")));
                }
            }
            for l in &e.lines {
                if !l.amount.is_positive() {
                    return Err(bad(format!("số tiền {} đ phải lớn hơn 0", l.amount)));
                }
                if l.covers_to < l.covers_from {
                    return Err(bad(format!(
                        "khoản chi từ {} đến {}: tháng cuối trước tháng đầu",
                        l.covers_from, l.covers_to
                    )));
                }
                if let Some(problem) = self.month_problem(l) {
                    return Err(bad(problem));
                }
            }
            if let Some(problem) = month_paid_twice(&e.lines) {
                return Err(bad(problem));
            }
            if let Some(p) = &e.proxy {
                if p.name.trim().is_empty() || p.id_card.trim().is_empty() {
                    return Err(bad("người nhận thay thiếu họ tên hoặc số CCCD".into()));
                }
            }
        }
        self.total()?;
        Ok(())
    }

    /// What is wrong with the month of a monthly line, if anything: it covers one month, the
    /// roll's, or the next one when a roll pays two months together near Tết (TT 44/2022/TT-BTC
    /// Điều 7 as amended by TT 95/2025/TT-BTC). A month further away is a typing error of the
    /// office's, and paying it now would pay it early.
    fn month_problem(&self, l: &RollLine) -> Option<String> {
        if !l.kind.is_monthly() {
            return None;
        }
        let (this, next) = (self.period, self.period.next());
        if l.covers_from != l.covers_to {
            return Some(format!(
                "{} ghi từ tháng {} đến tháng {}: mỗi khoản hàng tháng chỉ trả cho một tháng",
                l.kind.label_vi(),
                l.covers_from.mm_yyyy(),
                l.covers_to.mm_yyyy()
            ));
        }
        if l.covers_from != this && l.covers_from != next {
            return Some(format!(
                "{} tháng {}: danh sách {} chỉ trả tháng {} (hoặc gộp thêm tháng {} dịp Tết)",
                l.kind.label_vi(),
                l.covers_from.mm_yyyy(),
                this.mm_yyyy(),
                this.mm_yyyy(),
                next.mm_yyyy()
            ));
        }
        None
    }

    /// The roll with its text in the form the ledger stores: NFC, white space collapsed. Loading
    /// and hashing use this form, so the roll read back from the ledger hashes the same.
    pub fn normalised(&self) -> Roll {
        let opt = |s: &Option<String>| s.as_deref().map(text::clean).filter(|x| !x.is_empty());
        Roll {
            period: self.period,
            version: self.version,
            entries: self
                .entries
                .iter()
                .map(|e| RollEntry {
                    code: e.code.clone(),
                    name: text::clean(&e.name),
                    birth_year: e.birth_year,
                    sex: e.sex,
                    village: text::clean(&e.village),
                    id_card: opt(&e.id_card),
                    category: text::clean(&e.category),
                    home_delivery: e.home_delivery,
                    proxy: e.proxy.as_ref().map(|p| Proxy {
                        name: text::clean(&p.name),
                        id_card: text::clean(&p.id_card),
                        relationship: text::clean(&p.relationship),
                        valid_until: p.valid_until,
                    }),
                    note: text::clean(&e.note),
                    lines: e
                        .lines
                        .iter()
                        .map(|l| RollLine {
                            note: text::clean(&l.note),
                            ..l.clone()
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    /// SHA-256 of the roll's canonical JSON: recorded in the `roll_loaded` event, so that an
    /// amount altered in the ledger's roll tables is detected by `verify`.
    pub fn content_hash(&self) -> String {
        let v = serde_json::to_value(self).expect("a roll always serialises");
        sha256_hex(canonical_json(&v).as_bytes())
    }
}

/// The proxy stored in a beneficiary row's four proxy columns (name, ID card, relationship,
/// valid until), or the text that could not be read.
pub(crate) fn proxy_from_columns(
    cols: (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ),
) -> Result<Option<Proxy>, String> {
    match cols {
        (Some(name), Some(id_card), relationship, Some(until)) => Ok(Some(Proxy {
            name,
            id_card,
            relationship: relationship.unwrap_or_default(),
            valid_until: until
                .parse()
                .map_err(|_| format!("ngày ủy quyền “{until}”"))?,
        })),
        _ => Ok(None),
    }
}

/// The columns of a beneficiary row, in the order [`entry_of_row`] reads them.
pub(crate) const ENTRY_COLUMNS: &str =
    "id, code, name, birth_year, sex, village, id_card, category, \
     home_delivery, proxy_name, proxy_id_card, proxy_relationship, proxy_valid_until, note";

/// A beneficiary row (selected with [`ENTRY_COLUMNS`]) as its id and a line-less entry; the
/// inner error names a stored value that cannot be read back.
pub(crate) fn entry_of_row(
    r: &rusqlite::Row<'_>,
) -> rusqlite::Result<Result<(i64, RollEntry), String>> {
    let code: String = r.get(1)?;
    let proxy = proxy_from_columns((r.get(9)?, r.get(10)?, r.get(11)?, r.get(12)?));
    let Some(code_ok) = BeneficiaryCode::new(&code) else {
        return Ok(Err(format!("mã “{code}”")));
    };
    let proxy = match proxy {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let sex: Option<String> = r.get(4)?;
    Ok(Ok((
        r.get(0)?,
        RollEntry {
            code: code_ok,
            name: r.get(2)?,
            birth_year: r.get(3)?,
            sex: match sex.as_deref() {
                Some("M") => Some(Sex::M),
                Some("F") => Some(Sex::F),
                _ => None,
            },
            village: r.get(5)?,
            id_card: r.get(6)?,
            category: r.get(7)?,
            home_delivery: r.get(8)?,
            proxy,
            note: r.get(13)?,
            lines: Vec::new(),
        },
    )))
}

/// A month paid twice within one person's lines: two lines of one monthly kind for one month.
fn month_paid_twice(lines: &[RollLine]) -> Option<String> {
    let mut seen = std::collections::HashSet::new();
    lines
        .iter()
        .filter(|l| l.kind.is_monthly())
        .find(|l| !seen.insert((l.kind, l.covers_from)))
        .map(|l| {
            format!(
                "{} tháng {} có hai lần trong danh sách",
                l.kind.label_vi(),
                l.covers_from.mm_yyyy()
            )
        })
}

/// Inserts one beneficiary row and its search terms; returns its id.
fn insert_beneficiary(
    conn: &rusqlite::Connection,
    roll_id: i64,
    period: Period,
    e: &RollEntry,
) -> Result<i64, rusqlite::Error> {
    let proxy = e.proxy.as_ref();
    conn.prepare_cached(
        "INSERT INTO beneficiaries (roll_id, period, code, name, birth_year, sex, village, id_card, category,
            home_delivery, proxy_name, proxy_id_card, proxy_relationship, proxy_valid_until, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        roll_id,
        period.to_string(),
        e.code.as_str(),
        e.name,
        e.birth_year,
        e.sex.map(|s| match s {
            Sex::M => "M",
            Sex::F => "F",
        }),
        e.village,
        e.id_card,
        e.category,
        e.home_delivery,
        proxy.map(|x| &x.name),
        proxy.map(|x| &x.id_card),
        proxy.map(|x| &x.relationship),
        proxy.map(|x| x.valid_until.to_string()),
        e.note,
    ])?;
    let bid = conn.last_insert_rowid();
    crate::search_index::index_beneficiary(
        conn,
        bid,
        period,
        e.code.as_str(),
        &e.name,
        e.id_card.as_deref(),
        &e.village,
    )?;
    Ok(bid)
}

/// Inserts one entitlement line.
fn insert_line(
    conn: &rusqlite::Connection,
    roll_id: i64,
    bid: i64,
    l: &RollLine,
) -> Result<(), rusqlite::Error> {
    conn.prepare_cached(
        "INSERT INTO lines (roll_id, beneficiary_id, kind, amount, covers_from, covers_to, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        roll_id,
        bid,
        l.kind.as_str(),
        l.amount.as_i64(),
        l.covers_from.to_string(),
        l.covers_to.to_string(),
        l.note
    ])?;
    Ok(())
}

fn insert_origin(
    tx: &rusqlite::Connection,
    roll_id: i64,
    origin: RollOrigin,
) -> Result<(), rusqlite::Error> {
    tx.prepare_cached("INSERT INTO roll_origins (roll_id, origin) VALUES (?1, ?2)")?
        .execute(params![roll_id, origin.as_str()])?;
    Ok(())
}

impl Ledger {
    /// Loads a roll into the ledger as one event, after checking every rule. A refused roll
    /// writes nothing. `source` names where it came from (a file name, "demo"); a demo roll is
    /// marked so, any other is a roll the pay point loaded itself (unsigned), refused once the
    /// device is enrolled with a hub.
    pub fn load_roll(
        &mut self,
        roll: &Roll,
        source: &str,
        is_demo: bool,
    ) -> Result<RollSummary, RollError> {
        let origin = if is_demo {
            RollOrigin::Demo
        } else {
            RollOrigin::File
        };
        self.load_roll_from(roll, source, origin)
    }

    /// Refuses, before anything is read, a roll file on a device enrolled with a hub (the same
    /// rule [`Ledger::apply_roll`] enforces when writing).
    pub fn roll_files_allowed(&self) -> Result<(), RollError> {
        only_hub_rolls_once_enrolled(&self.conn, RollOrigin::File)
    }

    fn load_roll_from(
        &mut self,
        roll: &Roll,
        source: &str,
        origin: RollOrigin,
    ) -> Result<RollSummary, RollError> {
        let is_demo = origin == RollOrigin::Demo;
        let roll = &roll.normalised();
        roll.validate()?;
        let total = roll.total()?;
        let content_sha256 = roll.content_hash();
        let period = roll.period;
        let p = period.to_string();
        let line_count: usize = roll.entries.iter().map(|e| e.lines.len()).sum();
        self.write(|w| {
            if let Some(version) = w
                .tx
                .prepare_cached("SELECT max(version) FROM rolls WHERE period = ?1")?.query_row( [&p], |r| r.get::<_, Option<u32>>(0))?
            {
                return Err(RollError::AlreadyLoaded { period, version });
            }
            let closed: Option<String> = w
                .tx
                .prepare_cached("SELECT period FROM period_closes WHERE period = ?1")?.query_row( [&p], |r| r.get(0))
                .optional()?;
            if closed.is_some() {
                return Err(RollError::PeriodClosed(period));
            }
            only_hub_rolls_once_enrolled(&w.tx, origin)?;
            let ev = w.append(
                None,
                EventPayload::RollLoaded(payload::RollLoaded {
                    period,
                    version: roll.version,
                    source: source.to_string(),
                    demo: is_demo,
                    beneficiaries: roll.entries.len() as u64,
                    lines: line_count as u64,
                    total,
                    content_sha256: content_sha256.clone(),
                    origin: Some(origin),
                }),
            )?;
            w.tx.prepare_cached("INSERT INTO rolls (period, version, source, is_demo, content_sha256, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(
                params![p, roll.version, source, is_demo, content_sha256, ev.seq],
            )?;
            let roll_id = w.tx.last_insert_rowid();
            insert_origin(&w.tx, roll_id, origin)?;
            for e in &roll.entries {
                let bid = insert_beneficiary(&w.tx, roll_id, period, e)?;
                for l in &e.lines {
                    insert_line(&w.tx, roll_id, bid, l)?;
                }
            }
            Ok(RollSummary {
                period,
                version: roll.version,
                beneficiaries: roll.entries.len(),
                lines: line_count,
                total,
                content_sha256: content_sha256.clone(),
            })
        })
    }
}

impl Ledger {
    /// The roll of a period as loaded (its first version), read back from the ledger.
    pub fn roll(&self, period: Period, version: u32) -> Result<Option<Roll>, RollError> {
        let p = period.to_string();
        let roll_id: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM rolls WHERE period = ?1 AND version = ?2")?
            .query_row(params![p, version], |r| r.get(0))
            .optional()?;
        let Some(roll_id) = roll_id else {
            return Ok(None);
        };
        let corrupt = |what: String| RollError::Ledger(LedgerError::Corrupt(what));
        let mut lines_stmt = self.conn.prepare_cached(
            "SELECT beneficiary_id, kind, amount, covers_from, covers_to, note FROM lines WHERE roll_id = ?1 ORDER BY id",
        )?;
        let mut lines: std::collections::HashMap<i64, Vec<RollLine>> =
            std::collections::HashMap::new();
        let rows = lines_stmt.query_map([roll_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            let (bid, kind, amount, from, to, note) = row?;
            lines.entry(bid).or_default().push(RollLine {
                kind: LineKind::parse(&kind)
                    .ok_or_else(|| corrupt(format!("loại khoản chi “{kind}”")))?,
                amount: Dong::new(amount)?,
                covers_from: from.parse().map_err(|_| corrupt(format!("kỳ “{from}”")))?,
                covers_to: to.parse().map_err(|_| corrupt(format!("kỳ “{to}”")))?,
                note,
            });
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {ENTRY_COLUMNS} FROM beneficiaries WHERE roll_id = ?1 ORDER BY id"
        ))?;
        let mut entries = Vec::new();
        for row in stmt.query_map([roll_id], entry_of_row)? {
            let (bid, mut entry) = row?.map_err(corrupt)?;
            entry.lines = lines.remove(&bid).unwrap_or_default();
            entries.push(entry);
        }
        Ok(Some(Roll {
            period,
            version,
            entries,
        }))
    }

    /// Recomputes each loaded roll's content hash from the ledger's tables and compares it with the
    /// hash its event recorded. Returns the first roll that differs.
    pub fn verify_rolls(&self) -> Result<Option<(Period, u32)>, RollError> {
        // The hashes are read from the events, which the chain protects, not from the rolls table.
        // A first version is checked whole; an amendment by the lines it added.
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.period, r.version, e.kind,
                    coalesce(json_extract(e.payload, '$.content_sha256'), ''),
                    coalesce(json_extract(e.payload, '$.lines_sha256'), '')
             FROM rolls r JOIN events e ON e.seq = r.event_seq ORDER BY r.id",
        )?;
        let rolls: Vec<(i64, String, u32, String, String, String)> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        for (roll_id, p, version, kind, content, lines) in rolls {
            let period: Period = p
                .parse()
                .map_err(|_| RollError::Ledger(LedgerError::Corrupt(format!("kỳ “{p}”"))))?;
            let intact = if kind == EventKind::RollAmended.as_str() {
                lines_hash(&lines_of_roll(&self.conn, roll_id)?) == lines
            } else {
                self.roll(period, version)?.map(|r| r.content_hash()) == Some(content)
            };
            if !intact {
                return Ok(Some((period, version)));
            }
        }
        Ok(None)
    }
}

/// An added line in the order and form the amendment's `lines_sha256` sorts and hashes: by its
/// text fields as strings (the order release 0.1 used, which the recorded hashes depend on).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
struct LinePrint {
    code: String,
    kind: &'static str,
    covers_from: String,
    covers_to: String,
    amount: i64,
    note: String,
}

impl LinePrint {
    fn of(l: &AddedLine) -> LinePrint {
        LinePrint {
            code: l.code.clone(),
            kind: l.kind.as_str(),
            covers_from: l.covers_from.to_string(),
            covers_to: l.covers_to.to_string(),
            amount: l.amount.as_i64(),
            note: l.note.clone(),
        }
    }
}

/// SHA-256 of the sorted added lines: what an amendment's event records.
fn lines_hash(lines: &[AddedLine]) -> String {
    let mut prints: Vec<LinePrint> = lines.iter().map(LinePrint::of).collect();
    prints.sort();
    sha256_hex(canonical_json(&serde_json::to_value(&prints).expect("serialises")).as_bytes())
}

fn lines_of_roll(conn: &rusqlite::Connection, roll_id: i64) -> Result<Vec<AddedLine>, RollError> {
    let mut stmt = conn.prepare_cached(
        "SELECT b.code, l.kind, l.covers_from, l.covers_to, l.amount, l.note
         FROM lines l JOIN beneficiaries b ON b.id = l.beneficiary_id WHERE l.roll_id = ?1",
    )?;
    let rows = stmt.query_map([roll_id], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let corrupt = |what: String| RollError::Ledger(LedgerError::Corrupt(what));
    let mut out = Vec::new();
    for row in rows {
        let (code, kind, covers_from, covers_to, amount, note) = row?;
        let period = |p: &str| {
            p.parse::<Period>()
                .map_err(|_| corrupt(format!("kỳ “{p}”")))
        };
        out.push(AddedLine {
            code,
            kind: LineKind::parse(&kind)
                .ok_or_else(|| corrupt(format!("loại khoản chi “{kind}”")))?,
            covers_from: period(&covers_from)?,
            covers_to: period(&covers_to)?,
            amount: Dong::new(amount)?,
            note,
        });
    }
    Ok(out)
}

/// A difference between the amended roll and what was already paid: for the district to settle.
/// The amendment event records these as they are.
pub type RollConflict = payload::Conflict;

/// What loading a roll did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RollOutcome {
    /// The first roll of the period.
    Loaded,
    /// A newer version: lines added and withdrawn.
    Amended,
    /// The same content as the version in force: nothing written.
    Unchanged,
}

impl RollOutcome {
    /// As the window and the CLI's JSON write it.
    pub fn as_str(self) -> &'static str {
        match self {
            RollOutcome::Loaded => "loaded",
            RollOutcome::Amended => "amended",
            RollOutcome::Unchanged => "unchanged",
        }
    }
}

/// Compares with the written name (`c.outcome == "unchanged"`).
impl PartialEq<&str> for RollOutcome {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// What loading a roll file changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RollChange {
    /// The period.
    pub period: Period,
    /// The version now in force.
    pub version: u32,
    /// A first roll of the period, an amendment, or nothing written (same content).
    pub outcome: RollOutcome,
    /// People added.
    pub added_beneficiaries: usize,
    /// Lines added (new, or replacing a changed amount).
    pub added_lines: usize,
    /// Lines withdrawn (dropped, or replaced by a changed amount).
    pub removed_lines: usize,
    /// Changes that touch lines already paid: not applied, reported.
    pub conflicts: Vec<RollConflict>,
    /// Details of people that differ in the new roll but are kept as first loaded (name, village,
    /// proxy …): a warning for the clerk to check with the district.
    pub detail_changes: Vec<String>,
}

struct LiveLine {
    id: i64,
    kind: LineKind,
    amount: Dong,
    covers_from: String,
    covers_to: String,
    paid: bool,
}

impl Ledger {
    /// Loads the roll of a period, or, when the period already has one, applies the new version's
    /// difference: new people and lines are added, dropped or changed lines are withdrawn (a
    /// changed amount is a withdrawal and a new line), all in one event. A line already paid is
    /// never touched: a change to it is reported as a conflict for the district. Loading the same
    /// roll again changes nothing.
    ///
    /// This is a roll the pay point loaded itself (unsigned), refused once the device is
    /// enrolled with a hub: see [`Ledger::apply_hub_roll`] for the managing office's.
    pub fn apply_roll(&mut self, roll: &Roll, source: &str) -> Result<RollChange, RollError> {
        self.apply_roll_from(roll, source, RollOrigin::File)
    }

    /// Applies a roll pulled from the hub, its signature already verified by the caller.
    pub fn apply_hub_roll(&mut self, roll: &Roll, source: &str) -> Result<RollChange, RollError> {
        self.apply_roll_from(roll, source, RollOrigin::Hub)
    }

    fn apply_roll_from(
        &mut self,
        roll: &Roll,
        source: &str,
        origin: RollOrigin,
    ) -> Result<RollChange, RollError> {
        let period = roll.period;
        let p = period.to_string();
        let existing: Option<u32> = self
            .conn
            .prepare_cached("SELECT max(version) FROM rolls WHERE period = ?1")?
            .query_row([&p], |r| r.get(0))?;
        if existing.is_none() {
            let s = self.load_roll_from(
                &Roll {
                    version: 1,
                    ..roll.clone()
                },
                source,
                origin,
            )?;
            return Ok(RollChange {
                period,
                version: s.version,
                outcome: RollOutcome::Loaded,
                added_beneficiaries: s.beneficiaries,
                added_lines: s.lines,
                removed_lines: 0,
                conflicts: Vec::new(),
                detail_changes: Vec::new(),
            });
        }
        let roll = roll.normalised();
        roll.validate()?;
        self.write(|w| {
            let version: u32 =
                w.tx.prepare_cached("SELECT max(version) FROM rolls WHERE period = ?1")?
                    .query_row([&p], |r| r.get(0))?;
            let closed: bool = w
                .tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM period_closes WHERE period = ?1)")?
                .query_row([&p], |r| r.get(0))?;
            if closed {
                return Err(RollError::PeriodClosed(period));
            }
            only_hub_rolls_once_enrolled(&w.tx, origin)?;
            // The period as it stands: each person and their live lines.
            let current = live_state(&w.tx, &p)?;
            let mut change = RollChange {
                period,
                version: version + 1,
                outcome: RollOutcome::Amended,
                added_beneficiaries: 0,
                added_lines: 0,
                removed_lines: 0,
                conflicts: Vec::new(),
                detail_changes: Vec::new(),
            };
            let diff = diff(&current, &roll, &mut change);
            change.conflicts.sort_by(|a, b| a.code.cmp(&b.code));
            if diff.to_add.is_empty() && diff.to_remove.is_empty() {
                change.version = version;
                change.outcome = RollOutcome::Unchanged;
                // Nothing written: the transaction ends without a commit of anything.
                return Ok(change);
            }
            write_amendment(w, &roll, source, origin, version, &diff, &mut change)?;
            Ok(change)
        })
    }

    /// The versions of a period's roll, oldest first, each with where it came from.
    pub fn roll_versions(&self, period: Period) -> Result<Vec<RollVersion>, RollError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.version, r.source, e.local_time, coalesce(o.origin, '') FROM rolls r
             JOIN events e ON e.seq = r.event_seq LEFT JOIN roll_origins o ON o.roll_id = r.id
             WHERE r.period = ?1 ORDER BY r.version",
        )?;
        let rows = stmt.query_map([period.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (version, source, loaded_at, origin) = row?;
            let origin = RollOrigin::parse(&origin).ok_or_else(|| {
                RollError::Ledger(LedgerError::Corrupt(format!("nguồn danh sách “{origin}”")))
            })?;
            out.push(RollVersion {
                period,
                version,
                source,
                loaded_at,
                origin,
            });
        }
        Ok(out)
    }
}

/// Writes an amendment: its event, the new roll version and origin, the people and lines it
/// adds, and the lines it withdraws.
fn write_amendment(
    w: &Writer<'_>,
    roll: &Roll,
    source: &str,
    origin: RollOrigin,
    version: u32,
    diff: &Diff<'_>,
    change: &mut RollChange,
) -> Result<(), RollError> {
    let (period, p) = (roll.period, roll.period.to_string());
    let added: Vec<AddedLine> = diff
        .to_add
        .iter()
        .flat_map(|(_, e, lines)| {
            lines.iter().map(|l| AddedLine {
                code: e.code.to_string(),
                kind: l.kind,
                covers_from: l.covers_from,
                covers_to: l.covers_to,
                amount: l.amount,
                note: l.note.clone(),
            })
        })
        .collect();
    let total = roll.total()?;
    let ev = w.append(
        None,
        EventPayload::RollAmended(payload::RollAmended {
            period,
            version: version + 1,
            source: source.to_string(),
            total,
            content_sha256: roll.content_hash(),
            lines_sha256: lines_hash(&added),
            added,
            removed: diff.to_remove.clone(),
            conflicts: change.conflicts.clone(),
            origin: Some(origin),
        }),
    )?;
    w.tx.prepare_cached(
        "INSERT INTO rolls (period, version, source, is_demo, content_sha256, event_seq) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
    )?
    .execute(params![p, version + 1, source, roll.content_hash(), ev.seq])?;
    let roll_id = w.tx.last_insert_rowid();
    insert_origin(&w.tx, roll_id, origin)?;
    for (bid, e, lines) in &diff.to_add {
        let bid = match bid {
            Some(b) => *b,
            None => {
                change.added_beneficiaries += 1;
                insert_beneficiary(&w.tx, roll_id, period, e)?
            }
        };
        for l in lines {
            insert_line(&w.tx, roll_id, bid, l)?;
            change.added_lines += 1;
        }
    }
    for id in &diff.to_remove {
        w.tx.prepare_cached("INSERT INTO line_removals (line_id, event_seq) VALUES (?1, ?2)")?
            .execute(params![id, ev.seq])?;
    }
    change.removed_lines = diff.to_remove.len();
    Ok(())
}

/// What an amended roll adds (new people, and new lines of known people, by their row id) and
/// withdraws (unpaid lines it no longer carries or carries at another amount).
struct Diff<'r> {
    to_add: Vec<(Option<i64>, &'r RollEntry, Vec<&'r RollLine>)>,
    to_remove: Vec<i64>,
}

/// The amended roll against the period as it stands. A paid line is never withdrawn or changed:
/// a difference on it is a conflict for the office to settle.
fn diff<'r>(current: &LiveState, roll: &'r Roll, change: &mut RollChange) -> Diff<'r> {
    let mut d = Diff {
        to_add: Vec::new(),
        to_remove: Vec::new(),
    };
    let mut seen = HashSet::new();
    for e in &roll.entries {
        seen.insert(e.code.to_string());
        let Some((bid, old_entry, old_lines)) = current.get(e.code.as_str()) else {
            d.to_add.push((None, e, e.lines.iter().collect()));
            continue;
        };
        if *old_entry
            != (RollEntry {
                lines: Vec::new(),
                ..e.clone()
            })
        {
            change.detail_changes.push(format!(
                "{} ({}): thông tin trong danh sách mới khác danh sách đã nạp; giữ thông tin cũ",
                e.name, e.code
            ));
        }
        let new_lines = match_lines(e, old_lines, change, &mut d.to_remove);
        if !new_lines.is_empty() {
            d.to_add.push((Some(*bid), e, new_lines));
        }
    }
    // People the amended roll dropped: their unpaid lines are withdrawn.
    for (code, (_, old_entry, old_lines)) in current {
        if !seen.contains(code.as_str()) {
            for o in old_lines {
                withdraw(code, &old_entry.name, o, None, change, &mut d.to_remove);
            }
        }
    }
    d
}

/// One person's lines in the amended roll against their live lines, matched by kind and months
/// covered; returns the lines to add.
fn match_lines<'r>(
    e: &'r RollEntry,
    old_lines: &[LiveLine],
    change: &mut RollChange,
    to_remove: &mut Vec<i64>,
) -> Vec<&'r RollLine> {
    let code = e.code.to_string();
    let mut unmatched_old: Vec<&LiveLine> = old_lines.iter().collect();
    let mut new_lines = Vec::new();
    for l in &e.lines {
        let key = (l.kind, l.covers_from.to_string(), l.covers_to.to_string());
        let pos = unmatched_old
            .iter()
            .position(|o| (o.kind, o.covers_from.clone(), o.covers_to.clone()) == key);
        match pos.map(|i| unmatched_old.remove(i)) {
            Some(o) if o.amount == l.amount => {}
            Some(o) if o.paid => withdraw(&code, &e.name, o, Some(l.amount), change, to_remove),
            Some(o) => {
                to_remove.push(o.id);
                new_lines.push(l);
            }
            None => new_lines.push(l),
        }
    }
    for o in unmatched_old {
        withdraw(&code, &e.name, o, None, change, to_remove);
    }
    new_lines
}

/// A live line the amended roll no longer carries as it is: withdrawn when unpaid, a conflict
/// (with the new amount, if any) when paid.
fn withdraw(
    code: &str,
    name: &str,
    o: &LiveLine,
    new_amount: Option<Dong>,
    change: &mut RollChange,
    to_remove: &mut Vec<i64>,
) {
    if o.paid {
        change.conflicts.push(RollConflict {
            code: code.to_string(),
            name: name.to_string(),
            kind: o.kind,
            paid_amount: o.amount,
            new_amount,
        });
    } else {
        to_remove.push(o.id);
    }
}

type LiveState = std::collections::BTreeMap<String, (i64, RollEntry, Vec<LiveLine>)>;

/// Every beneficiary of a period with their details (as a line-less entry) and live lines.
fn live_state(conn: &rusqlite::Connection, period: &str) -> Result<LiveState, RollError> {
    let corrupt = |what: String| RollError::Ledger(LedgerError::Corrupt(what));
    let mut out = LiveState::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ENTRY_COLUMNS} FROM beneficiaries WHERE period = ?1"
    ))?;
    for row in stmt.query_map([period], entry_of_row)? {
        let (bid, entry) = row?.map_err(corrupt)?;
        out.insert(entry.code.to_string(), (bid, entry, Vec::new()));
    }
    let mut stmt = conn.prepare_cached(
        "SELECT code, line_id, kind, amount, covers_from, covers_to, paid_by IS NOT NULL
         FROM line_state WHERE period = ?1 AND NOT withdrawn ORDER BY line_id",
    )?;
    let rows = stmt.query_map([period], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, i64>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, bool>(6)?,
        ))
    })?;
    for row in rows {
        let (code, id, kind, amount, covers_from, covers_to, paid) = row?;
        let line = LiveLine {
            id,
            kind: LineKind::parse(&kind)
                .ok_or_else(|| corrupt(format!("loại khoản chi “{kind}”")))?,
            amount: Dong::new(amount)?,
            covers_from,
            covers_to,
            paid,
        };
        if let Some(b) = out.get_mut(&code) {
            b.2.push(line);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod outcome_tests {
    use super::RollOutcome;

    #[test]
    fn roll_outcomes_are_written_as_their_names() {
        for o in [
            RollOutcome::Loaded,
            RollOutcome::Amended,
            RollOutcome::Unchanged,
        ] {
            assert_eq!(
                serde_json::to_value(o).unwrap(),
                serde_json::json!(o.as_str())
            );
            assert!(o == o.as_str());
        }
    }
}
