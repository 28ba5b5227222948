//! The managing office's own names, for its papers and its page: who it is (đơn vị quản lý), who
//! consolidates the payers' reports (the provincial post office under contract), the place on the
//! date line and the title of the head who signs. Since the 2025 reform there is no district: the
//! code name "district" stays, the texts say what the office is called, as set with
//! `paypoint-district settings set` (stored beside the anomaly thresholds).

use crate::db::Connection;
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
}

impl Default for Office {
    fn default() -> Office {
        Office {
            managing_office: "Đơn vị quản lý".into(),
            payer: "Bưu điện tỉnh".into(),
            place: String::new(),
            title_head: "Thủ trưởng đơn vị".into(),
        }
    }
}

/// The setting names, as `paypoint-district settings set` takes them.
pub const OFFICE_SETTING_NAMES: [&str; 4] = ["managing_office", "payer", "place", "title_head"];

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

    /// Sets one name, cleaned; empty puts the default back (the place may stay empty).
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let v = paypoint::text::clean(value);
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
