//! The managing office's own names, for its papers and its page: who it is (đơn vị quản lý), who
//! consolidates the payers' reports (the provincial post office under contract), the place on the
//! date line and the title of the head who signs. Since the 2025 reform there is no district: the
//! code name "district" stays, the texts say what the office is called, as set with
//! `paypoint-district settings set` (stored beside the anomaly thresholds).

use crate::db::Connection;
use chrono::Datelike;
use serde::Serialize;

/// Longest name accepted.
const MAX_LEN: usize = 200;

/// The office's names, each with its default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Office {
    /// The managing office ("Sở Nội vụ tỉnh Quảng Trị"); its page says "Đơn vị quản lý" until set.
    pub managing_office: String,
    /// Who issues the consolidated settlement ("Bưu điện tỉnh Quảng Trị").
    pub payer: String,
    /// The place on the date line; empty: taken from the payer's name, or left blank to write in.
    pub place: String,
    /// Title of the head who signs the consolidated settlement.
    pub title_head: String,
    /// The last day of the month's pay schedule (the days the public notice posts): 5, "in hand
    /// before the 5th", unless the province set another. Not a rule of the circular, which sets
    /// only the transfer (by the 25th) and the report (by the 20th of the next month).
    pub pay_last_day: u32,
}

/// The last day of the pay schedule unless set.
pub const PAY_LAST_DAY: u32 = 5;
/// The latest last day accepted: every month has it.
pub const PAY_LAST_DAY_MAX: u32 = 28;

impl Default for Office {
    fn default() -> Office {
        Office {
            managing_office: "Đơn vị quản lý".into(),
            payer: "Bưu điện tỉnh".into(),
            place: String::new(),
            title_head: "Thủ trưởng đơn vị".into(),
            pay_last_day: PAY_LAST_DAY,
        }
    }
}

/// The setting names, as `paypoint-district settings set` takes them.
pub const OFFICE_SETTING_NAMES: [&str; 5] = [
    "managing_office",
    "payer",
    "place",
    "title_head",
    "pay_last_day",
];

impl Office {
    /// The defaults, overridden by the rows of the `settings` table.
    pub fn load(db: &Connection) -> crate::db::Result<Office> {
        let mut o = Office::default();
        let rows: Vec<(String, String)> = db
            .prepare_cached("SELECT key, value FROM settings")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (k, v) in rows {
            // Values were checked when set; the thresholds' rows are not ours.
            let _ = o.set(&k, &v);
        }
        Ok(o)
    }

    /// The managing office to address the settlement to, once it has been named (the default
    /// is a placeholder, not a name to print).
    pub fn addressee(&self) -> Option<String> {
        (self.managing_office != Office::default().managing_office)
            .then(|| self.managing_office.clone())
    }

    /// Whether `key` names one of the office's names (and not a threshold).
    pub fn is_name(key: &str) -> bool {
        OFFICE_SETTING_NAMES.contains(&key)
    }

    /// The last day of period `p`'s pay schedule.
    pub fn pay_by(&self, p: paypoint::Period) -> chrono::NaiveDate {
        p.first_day()
            .with_day(self.pay_last_day.clamp(1, PAY_LAST_DAY_MAX))
            .expect("days 1 to 28 are in every month")
    }

    /// Sets one name, cleaned; empty puts the default back (the place may stay empty).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let v = paypoint::text::clean(value);
        if key == "pay_last_day" {
            self.pay_last_day = match v.as_str() {
                "" => PAY_LAST_DAY,
                v => v
                    .parse()
                    .ok()
                    .filter(|d| (1..=PAY_LAST_DAY_MAX).contains(d))
                    .ok_or_else(|| {
                        format!("“pay_last_day”: cần một ngày từ 1 đến {PAY_LAST_DAY_MAX}")
                    })?,
            };
            return Ok(());
        }
        if v.chars().count() > MAX_LEN || v.chars().any(char::is_control) {
            return Err(format!(
                "“{key}”: cần tối đa {MAX_LEN} ký tự, không có ký tự điều khiển"
            ));
        }
        let d = Office::default();
        let or_default = |v: String, d: String| if v.is_empty() { d } else { v };
        match key {
            "managing_office" => self.managing_office = or_default(v, d.managing_office),
            "payer" => self.payer = or_default(v, d.payer),
            "place" => self.place = v,
            "title_head" => self.title_head = or_default(v, d.title_head),
            _ => return Err(format!("không có thiết lập “{key}”")),
        }
        Ok(())
    }
}
