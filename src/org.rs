//! The organisation as data: who manages the allowances (the managing office, đơn vị quản lý),
//! who pays them (the payer, the post office under contract), the province and commune, the
//! titles of those who sign the papers, and the payer's fee rate.
//!
//! Since 1 July 2025 local government has two tiers (province, commune): districts and their
//! labour offices are gone, and the merit-allowance work sits with the commune's People's
//! Committee or the province's Department of Home Affairs. Who signs what differs from province to
//! province, so none of it is written into the papers: it is set here, recorded as an event
//! (`org_set`, naming the supervisor who changed it), and every paper reads it through
//! [`Ledger::organisation`]. What is not set falls back to the two-tier defaults; nothing says
//! "huyện" unless someone configures it.
//!
//! The fee (TT 44/2022/TT-BTC Điều 7.2.g, as amended by TT 95/2025/TT-BTC) is a percentage of the
//! amount paid set in the payer's contract; it is stored in basis points (1/100 of a percent) so
//! that money never meets a float.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::clerk::SignedIn;
use crate::event::{payload, EventPayload};
use crate::fee::FeeRate;
use crate::ledger::{Ledger, LedgerError};
use crate::model::Role;
use crate::text;

/// Longest name or title accepted.
const MAX_LEN: usize = 200;
/// Highest fee rate accepted: 20% (a contract's fee is a few percent at most; more is a typo).
pub const MAX_FEE_RATE_BP: u32 = 2_000;

// The settings as stored live in `model` with the other plain types: the `org_set` event carries
// them, and the events must not depend on the module that writes them.
pub use crate::model::OrgSettings;

/// A change asked for: `None` keeps a setting, an empty text puts it back to its default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgChange {
    /// See [`OrgSettings::managing_office`].
    pub managing_office: Option<String>,
    /// See [`OrgSettings::payer`].
    pub payer: Option<String>,
    /// See [`OrgSettings::province`].
    pub province: Option<String>,
    /// See [`OrgSettings::commune`].
    pub commune: Option<String>,
    /// See [`OrgSettings::title_preparer`].
    pub title_preparer: Option<String>,
    /// See [`OrgSettings::title_accountant`].
    pub title_accountant: Option<String>,
    /// See [`OrgSettings::title_head`].
    pub title_head: Option<String>,
    /// See [`OrgSettings::title_clerk`].
    pub title_clerk: Option<String>,
    /// See [`OrgSettings::title_managing`].
    pub title_managing: Option<String>,
    /// See [`OrgSettings::title_supervisor`].
    pub title_supervisor: Option<String>,
    /// The fee as a percentage, as typed ("0,55", "0.55%", "1"); empty: no fee set.
    pub fee_rate: Option<String>,
}

/// Why a change of the settings was refused. Nothing is recorded when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum OrgError {
    /// A name or title that cannot be printed as asked.
    #[error("thiết lập “{field}” không hợp lệ: cần 1–{MAX_LEN} ký tự, không có ký tự điều khiển")]
    BadText {
        /// Which setting.
        field: &'static str,
    },
    /// A fee rate that is not a percentage with at most two decimals, within the limit.
    #[error("phí chi trả “{0}” không hợp lệ: ghi tỷ lệ phần trăm, tối đa hai chữ số thập phân và không quá 20, ví dụ 0,55 (nghĩa là 0,55%)")]
    BadFeeRate(String),
    /// Only a supervisor changes what the papers say.
    #[error(
        "nhân viên số {0} không phải giám sát viên: chỉ giám sát viên được đổi thông tin đơn vị"
    )]
    NotSupervisor(i64),
    /// The ledger could not be read or written.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl OrgError {
    /// Stable identifier, for the window, the CLI's JSON and the tests.
    pub fn code(&self) -> &'static str {
        match self {
            OrgError::BadText { .. } => "invalid_input",
            OrgError::BadFeeRate(_) => "bad_fee_rate",
            OrgError::NotSupervisor(_) => "not_supervisor",
            OrgError::Ledger(e) => e.code(),
        }
    }
}

impl From<rusqlite::Error> for OrgError {
    fn from(e: rusqlite::Error) -> Self {
        OrgError::Ledger(LedgerError::from(e))
    }
}

/// Reads a percentage as typed ("0,55", "0.55%", "1") into basis points, exactly, as the
/// settlement reads it (`fee::FeeRate`); empty or "không" means no fee set.
pub fn parse_fee_rate(s: &str) -> Result<Option<u32>, OrgError> {
    let t = s.trim();
    if t.trim_end_matches('%').trim().is_empty() || text::fold(t) == "khong" {
        return Ok(None);
    }
    let bad = || OrgError::BadFeeRate(t.to_string());
    let rate: FeeRate = t.parse().map_err(|_| bad())?;
    if rate.basis_points() > MAX_FEE_RATE_BP {
        return Err(bad());
    }
    Ok(Some(rate.basis_points()))
}

/// Basis points as a Vietnamese percentage: 55 → "0,55%", 100 → "1%", 150 → "1,5%".
pub fn fee_rate_label(bp: u32) -> String {
    FeeRate::from_basis_points(bp).map_or_else(|_| format!("{bp}‱"), |r| r.to_string())
}

/// One text setting after a change: kept, cleared (empty), or replaced by the checked new text.
fn changed(
    field: &'static str,
    old: &Option<String>,
    new: &Option<String>,
) -> Result<Option<String>, OrgError> {
    let Some(new) = new else {
        return Ok(old.clone());
    };
    let t = text::clean(new);
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().count() > MAX_LEN || t.chars().any(char::is_control) {
        return Err(OrgError::BadText { field });
    }
    Ok(Some(t))
}

impl OrgSettings {
    /// These settings with `change` applied, every text checked and cleaned.
    pub fn with(&self, c: &OrgChange) -> Result<OrgSettings, OrgError> {
        Ok(OrgSettings {
            managing_office: changed("đơn vị quản lý", &self.managing_office, &c.managing_office)?,
            payer: changed("đơn vị chi trả", &self.payer, &c.payer)?,
            province: changed("tỉnh", &self.province, &c.province)?,
            commune: changed("xã", &self.commune, &c.commune)?,
            title_preparer: changed("người lập biểu", &self.title_preparer, &c.title_preparer)?,
            title_accountant: changed("kế toán", &self.title_accountant, &c.title_accountant)?,
            title_head: changed("thủ trưởng", &self.title_head, &c.title_head)?,
            title_clerk: changed("nhân viên chi trả", &self.title_clerk, &c.title_clerk)?,
            title_managing: changed(
                "đại diện đơn vị quản lý",
                &self.title_managing,
                &c.title_managing,
            )?,
            title_supervisor: changed(
                "người giám sát",
                &self.title_supervisor,
                &c.title_supervisor,
            )?,
            fee_rate_bp: match &c.fee_rate {
                None => self.fee_rate_bp,
                Some(s) => parse_fee_rate(s)?,
            },
        })
    }
}

/// The signers' titles as printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Titles {
    /// Who drew up the paper.
    pub preparer: String,
    /// The accountant.
    pub accountant: String,
    /// The payer's head.
    pub head: String,
    /// The paying clerk.
    pub clerk: String,
    /// Who signs for the managing office.
    pub managing: String,
    /// The managing office's supervisor at the payout (TT 44/2022 Điều 8).
    pub supervisor: String,
}

/// The organisation as the papers print it: the settings, with the defaults filled in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Organisation {
    /// The managing office.
    pub managing_office: String,
    /// The payer, whole ("Bưu điện tỉnh Quảng Trị — Bưu điện văn hóa xã Quảng Hưng").
    pub payer: String,
    /// The payer's parent, printed above it in the header ("Bưu điện tỉnh Quảng Trị").
    pub payer_parent: Option<String>,
    /// The payer's unit that pays here ("Bưu điện văn hóa xã Quảng Hưng").
    pub payer_unit: String,
    /// The province, when known.
    pub province: Option<String>,
    /// The commune, when known.
    pub commune: Option<String>,
    /// The place on the date line.
    pub place: String,
    /// The signers' titles.
    pub titles: Titles,
    /// The payer's fee in basis points, when a rate is set.
    pub fee_rate_bp: Option<u32>,
    /// What is stored (for showing which values are defaults).
    pub settings: OrgSettings,
}

/// The words that name a commune-level unit, folded: "xã", "phường", "thị trấn".
const COMMUNE_UNITS: &[&[&str]] = &[&["xa"], &["phuong"], &["thi", "tran"]];
/// The words that name a province-level unit, folded: "tỉnh", "thành phố".
const PROVINCE_UNITS: &[&[&str]] = &[&["tinh"], &["thanh", "pho"]];

/// The commune in a pay point's name: the words after "xã", "phường" or "thị trấn"
/// ("Bưu điện văn hóa xã Quảng Hưng" → "Quảng Hưng"), if there is one.
pub fn commune_in(name: &str) -> Option<String> {
    place_after(name, COMMUNE_UNITS)
}

/// The province in an office's name: the words after "tỉnh" or "thành phố"
/// ("Sở Nội vụ tỉnh Quảng Trị" → "Quảng Trị"), if there is one.
pub fn province_in(name: &str) -> Option<String> {
    place_after(name, PROVINCE_UNITS)
}

/// The words after the last word (or pair of words) of `units` in `name`, compared folded.
fn place_after(name: &str, units: &[&[&str]]) -> Option<String> {
    let name = text::clean(name);
    let words: Vec<&str> = name.split(' ').collect();
    let folded: Vec<String> = words.iter().map(|w| text::fold(w)).collect();
    let mut start = None;
    for i in 0..words.len() {
        for unit in units {
            let end = i + unit.len();
            if end <= folded.len() && folded[i..end].iter().zip(*unit).all(|(w, u)| w == u) {
                start = Some(end);
            }
        }
    }
    start
        .filter(|s| *s < words.len())
        .map(|s| words[s..].join(" "))
}

/// Splits "Bưu điện tỉnh Quảng Trị — Bưu điện văn hóa xã Quảng Hưng" into its parent and unit.
pub fn split_payer(payer: &str) -> (Option<String>, String) {
    for dash in [" — ", " – ", " / "] {
        if let Some((a, b)) = payer.split_once(dash) {
            if !a.trim().is_empty() && !b.trim().is_empty() {
                return (Some(a.trim().to_string()), b.trim().to_string());
            }
        }
    }
    (None, payer.to_string())
}

impl Organisation {
    /// The settings of the pay point called `pay_point_name`, defaults filled in.
    pub fn resolve(settings: &OrgSettings, pay_point_name: &str) -> Organisation {
        let s = settings.clone();
        let commune = s.commune.clone().or_else(|| commune_in(pay_point_name));
        let managing_office = s.managing_office.clone().unwrap_or_else(|| match &commune {
            Some(c) => format!("UBND xã {c}"),
            None => "UBND cấp xã".to_string(),
        });
        let payer = s.payer.clone().unwrap_or_else(|| match &s.province {
            Some(p) => format!("Bưu điện tỉnh {p} — {}", text::clean(pay_point_name)),
            None => text::clean(pay_point_name),
        });
        let (payer_parent, payer_unit) = split_payer(&payer);
        let place = commune
            .clone()
            .unwrap_or_else(|| text::clean(pay_point_name));
        let or = |v: &Option<String>, d: &str| v.clone().unwrap_or_else(|| d.to_string());
        let titles = Titles {
            preparer: or(&s.title_preparer, "Người lập biểu"),
            accountant: or(&s.title_accountant, "Kế toán"),
            head: or(&s.title_head, "Giám đốc Bưu điện"),
            clerk: or(&s.title_clerk, "Nhân viên chi trả"),
            // A named office signs by its name; the default office as "UBND xã", which
            // fits a signature block without breaking the commune's name over two lines.
            managing: s
                .title_managing
                .clone()
                .unwrap_or_else(|| match &s.managing_office {
                    Some(m) => format!("Đại diện {m}"),
                    None => "Đại diện UBND xã".to_string(),
                }),
            supervisor: or(&s.title_supervisor, "Người giám sát"),
        };
        Organisation {
            managing_office,
            payer,
            payer_parent,
            payer_unit,
            province: s.province.clone(),
            commune,
            place,
            titles,
            fee_rate_bp: s.fee_rate_bp,
            settings: s,
        }
    }
}

impl Ledger {
    /// The organisation settings as last set (all defaults when never set).
    pub fn org_settings(&self) -> Result<OrgSettings, LedgerError> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT settings FROM org_settings ORDER BY event_seq DESC LIMIT 1")?
            .query_row([], |r| r.get(0))
            .optional()?;
        match json {
            None => Ok(OrgSettings::default()),
            Some(j) => serde_json::from_str(&j)
                .map_err(|_| LedgerError::Corrupt("thông tin đơn vị".to_string())),
        }
    }

    /// The organisation as the papers print it.
    pub fn organisation(&self) -> Result<Organisation, LedgerError> {
        Ok(Organisation::resolve(
            &self.org_settings()?,
            &self.device().pay_point_name,
        ))
    }

    /// The payer's fee rate in basis points, when one is set (TT 44/2022 Điều 7.2.g).
    pub fn fee_rate_bp(&self) -> Result<Option<u32>, LedgerError> {
        Ok(self.org_settings()?.fee_rate_bp)
    }

    /// The payer's fee rate as the settlement uses it, when one is set.
    pub fn fee_rate(&self) -> Result<Option<FeeRate>, LedgerError> {
        // Stored rates were checked against MAX_FEE_RATE_BP (below 100%) when set.
        Ok(self
            .fee_rate_bp()?
            .and_then(|bp| FeeRate::from_basis_points(bp).ok()))
    }

    /// Applies `change`, by a supervisor, recorded as an `org_set` event naming them. Returns
    /// the settings now in force and whether anything changed (an identical change records
    /// nothing).
    pub fn set_org(
        &mut self,
        by: &SignedIn,
        change: &OrgChange,
    ) -> Result<(OrgSettings, bool), OrgError> {
        if by.clerk().role != Role::Supervisor {
            return Err(OrgError::NotSupervisor(by.id()));
        }
        let old = self.org_settings()?;
        let new = old.with(change)?;
        if new == old {
            return Ok((new, false));
        }
        self.write(|w| {
            let ev = w.append(
                Some(by.id()),
                EventPayload::OrgSet(payload::OrgSet {
                    settings: new.clone(),
                }),
            )?;
            let json = serde_json::to_string(&new).expect("plain settings serialise");
            w.tx.prepare_cached("INSERT INTO org_settings (event_seq, settings) VALUES (?1, ?2)")?
                .execute(params![ev.seq, json])?;
            Ok::<_, OrgError>(())
        })?;
        Ok((new, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fee_rates_are_read_exactly_in_basis_points() {
        assert_eq!(parse_fee_rate("0,55").unwrap(), Some(55));
        assert_eq!(parse_fee_rate("0.55%").unwrap(), Some(55));
        assert_eq!(parse_fee_rate("1").unwrap(), Some(100));
        assert_eq!(parse_fee_rate("1,5").unwrap(), Some(150));
        assert_eq!(parse_fee_rate(" ").unwrap(), None);
        assert_eq!(parse_fee_rate("không").unwrap(), None);
        for bad in ["0,555", "abc", "-1", "25", "1,2,3", ",5", "1e3"] {
            assert!(parse_fee_rate(bad).is_err(), "{bad}");
        }
        assert_eq!(fee_rate_label(55), "0,55%");
        assert_eq!(fee_rate_label(100), "1%");
        assert_eq!(fee_rate_label(150), "1,5%");
        assert_eq!(fee_rate_label(5), "0,05%");
    }

    #[test]
    fn defaults_follow_the_two_tier_structure_and_never_say_huyen() {
        let o = Organisation::resolve(&OrgSettings::default(), "Bưu điện văn hóa xã Quảng Hưng");
        assert_eq!(o.managing_office, "UBND xã Quảng Hưng");
        assert_eq!(o.payer, "Bưu điện văn hóa xã Quảng Hưng");
        assert_eq!(o.place, "Quảng Hưng");
        assert_eq!(o.titles.managing, "Đại diện UBND xã");
        let all = serde_json::to_string(&o).unwrap();
        assert!(!text::fold(&all).contains("huyen"), "{all}");
    }

    #[test]
    fn the_province_puts_the_provincial_post_office_above_the_pay_point() {
        let s = OrgSettings {
            province: Some("Quảng Trị".into()),
            ..OrgSettings::default()
        };
        let o = Organisation::resolve(&s, "Bưu điện văn hóa xã Quảng Hưng");
        assert_eq!(
            o.payer,
            "Bưu điện tỉnh Quảng Trị — Bưu điện văn hóa xã Quảng Hưng"
        );
        assert_eq!(o.payer_parent.as_deref(), Some("Bưu điện tỉnh Quảng Trị"));
        assert_eq!(o.payer_unit, "Bưu điện văn hóa xã Quảng Hưng");
    }

    #[test]
    fn a_change_keeps_what_it_does_not_name_and_an_empty_text_restores_the_default() {
        let s = OrgSettings {
            managing_office: Some("Sở Nội vụ tỉnh Quảng Trị".into()),
            commune: Some("Quảng Hưng".into()),
            ..OrgSettings::default()
        };
        let c = OrgChange {
            commune: Some("  ".into()),
            fee_rate: Some("0,6".into()),
            title_head: Some("  Trưởng   bưu cục ".into()),
            ..OrgChange::default()
        };
        let n = s.with(&c).unwrap();
        assert_eq!(
            n.managing_office.as_deref(),
            Some("Sở Nội vụ tỉnh Quảng Trị")
        );
        assert_eq!(n.commune, None);
        assert_eq!(n.fee_rate_bp, Some(60));
        assert_eq!(n.title_head.as_deref(), Some("Trưởng bưu cục"));
        let bad = OrgChange {
            payer: Some("a\u{7}b".into()),
            ..OrgChange::default()
        };
        assert!(matches!(s.with(&bad), Err(OrgError::BadText { .. })));
    }
}
