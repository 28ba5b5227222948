//! Checks at the hub that point at the person who holds the cash (issue 12): the frauds reported
//! in the press — the dead kept on the list, one person collecting for many, payouts typed in at
//! night or faster than anyone can be served, a count that does not add up, reversals to hide a
//! shortfall, home payouts with no visit. Each is a flag with the money at stake for the office to
//! check; none refuses anything. Thresholds are the office's settings ([`Settings`]).

use crate::db::{params, Connection};
use crate::facts::BatchFacts;
use crate::reconcile::OnRoll;
use chrono::{DateTime, FixedOffset, NaiveTime, Timelike};
use paypoint::event::payload::{Payout, RecipientKind};
use paypoint::event::Event;
use serde::Serialize;

/// A beneficiary aged `max_age` or more paid.
pub const AGE: &str = "age_100";
/// One proxy ID number collecting for many beneficiaries in a period.
pub const PROXY_MANY: &str = "proxy_many";
/// A payout recorded at night (device's local time).
pub const NIGHT: &str = "night_payout";
/// Payouts faster than a person can be paid, on one device.
pub const TOO_FAST: &str = "too_fast";
/// A person unpaid for several periods, then paid.
pub const LUMP: &str = "lump_after_unpaid";
/// A proxy paid after the authorisation on the roll expired.
pub const PROXY_EXPIRED: &str = "proxy_expired";
/// A cash count whose difference is beyond the threshold.
pub const CASH_DIFFERENCE: &str = "cash_difference";
/// A clerk with more reversals in a period than the threshold.
pub const MANY_REVERSALS: &str = "many_reversals";
/// A payout at home with no visit recorded for it.
pub const HOME_NO_VISIT: &str = "home_without_visit";
/// A clerk whose share of payouts without an identity check in a period passed the threshold.
pub const UNCHECKED_SHARE: &str = "unchecked_share";

/// The office's thresholds, each with its default and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// Age (period's year − birth year) from which a payout is flagged: few people live to 100,
    /// and a dead person kept on the list ages on.
    pub max_age: i64,
    /// Beneficiaries one proxy ID may collect for in a period before it is flagged.
    pub proxy_max_beneficiaries: i64,
    /// Start of the night (device's local time, `HH:MM`): a pay point is not open then.
    pub night_start: String,
    /// End of the night. Equal to `night_start`: no night check.
    pub night_end: String,
    /// Payouts per minute on one device above which they are flagged: counting notes, an ID
    /// check and a signature take more than ten seconds.
    pub max_payouts_per_minute: i64,
    /// Consecutive unpaid periods before a payout is flagged as a lump.
    pub unpaid_periods_before_lump: i64,
    /// A cash count differing by more than this (đồng) is flagged.
    pub cash_difference_max: i64,
    /// Reversals by one clerk in a period above which they are flagged.
    pub max_reversals_per_clerk: i64,
    /// Consecutive periods paid only through a proxy or at home after which the person is held
    /// "to be confirmed" (proof of life); 0 turns the check off.
    pub unseen_periods_before_confirm: i64,
    /// Percentage of a clerk's payouts in a period with no identity check (none, or not said)
    /// above which they are flagged: a bedridden person known to the clerk is the exception,
    /// not a fifth of the month.
    pub max_unchecked_percent: i64,
    /// Payouts of a clerk in a period before the share is judged: a few payouts say nothing.
    pub unchecked_min_payouts: i64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            max_age: 100,
            proxy_max_beneficiaries: 2,
            night_start: "21:00".into(),
            night_end: "06:00".into(),
            max_payouts_per_minute: 6,
            unpaid_periods_before_lump: 2,
            cash_difference_max: 500_000,
            max_reversals_per_clerk: 5,
            unseen_periods_before_confirm: i64::from(paypoint::life::DEFAULT_UNSEEN_PERIODS),
            max_unchecked_percent: 20,
            unchecked_min_payouts: 20,
        }
    }
}

/// Most periods a setting that counts periods may name (`unpaid_periods_before_lump`,
/// `unseen_periods_before_confirm`): ten years.
pub const MAX_PERIODS_BACK: i64 = 120;

/// The setting names, as `paypoint-district settings set` takes them.
pub const SETTING_NAMES: [&str; 11] = [
    "max_age",
    "proxy_max_beneficiaries",
    "night_start",
    "night_end",
    "max_payouts_per_minute",
    "unpaid_periods_before_lump",
    "cash_difference_max",
    "max_reversals_per_clerk",
    "unseen_periods_before_confirm",
    "max_unchecked_percent",
    "unchecked_min_payouts",
];

impl Settings {
    /// The defaults, overridden by the rows of the `settings` table.
    pub fn load(db: &Connection) -> crate::db::Result<Settings> {
        let mut s = Settings::default();
        let rows: Vec<(String, String)> = db
            .prepare_cached("SELECT key, value FROM settings")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (k, v) in rows {
            // Values were checked when set; an unreadable one keeps the default.
            let _ = s.set(&k, &v);
        }
        Ok(s)
    }

    /// Sets one value, checked: a number for the counts and amounts, `HH:MM` for the night.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let number = || {
            value
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| format!("“{value}” không phải số không âm"))
        };
        // A count of periods looks back that many months, a query each: ten years is more
        // than any roll the hub holds, and keeps a mistyped value from walking back centuries.
        let periods = || {
            number().and_then(|n| {
                if n <= MAX_PERIODS_BACK {
                    Ok(n)
                } else {
                    Err(format!(
                        "“{value}” kỳ là quá nhiều: tối đa {MAX_PERIODS_BACK} kỳ (mười năm)"
                    ))
                }
            })
        };
        let time = || {
            NaiveTime::parse_from_str(value.trim(), "%H:%M")
                .map(|_| value.trim().to_string())
                .map_err(|_| format!("“{value}” không phải giờ dạng HH:MM"))
        };
        match key {
            "max_age" => self.max_age = number()?,
            "proxy_max_beneficiaries" => self.proxy_max_beneficiaries = number()?,
            "night_start" => self.night_start = time()?,
            "night_end" => self.night_end = time()?,
            "max_payouts_per_minute" => self.max_payouts_per_minute = number()?,
            "unpaid_periods_before_lump" => self.unpaid_periods_before_lump = periods()?,
            "cash_difference_max" => self.cash_difference_max = number()?,
            "max_reversals_per_clerk" => self.max_reversals_per_clerk = number()?,
            "unseen_periods_before_confirm" => self.unseen_periods_before_confirm = periods()?,
            "max_unchecked_percent" => self.max_unchecked_percent = number()?.min(100),
            "unchecked_min_payouts" => self.unchecked_min_payouts = number()?,
            _ => {
                return Err(format!(
                    "không có thiết lập “{key}”; các thiết lập: {}",
                    SETTING_NAMES.join(", ")
                ))
            }
        }
        Ok(())
    }

    /// True when a local time of day falls in the night window.
    fn is_night(&self, t: NaiveTime) -> bool {
        let parse = |s: &str| NaiveTime::parse_from_str(s, "%H:%M").ok();
        match (parse(&self.night_start), parse(&self.night_end)) {
            (Some(a), Some(b)) if a == b => false,
            (Some(a), Some(b)) if a < b => t >= a && t < b,
            (Some(a), Some(b)) => t >= a || t < b,
            _ => false,
        }
    }
}

/// One anomaly found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anomaly {
    /// The flag kind.
    pub kind: &'static str,
    /// The money at stake.
    pub amount: i64,
    /// In words, for the office.
    pub detail: String,
}

fn time_of(s: &str) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(s).ok()
}

/// The checks of one payout, made before it is stored at the hub; `person` is the payout's
/// beneficiary as the office's roll of the period has them, `facts` what the batch read of the
/// store (and paid so far).
pub fn check_payout(
    db: &Connection,
    facts: &mut BatchFacts,
    settings: &Settings,
    e: &Event,
    p: &Payout,
    person: OnRoll,
) -> crate::db::Result<Vec<Anomaly>> {
    let mut out = Vec::new();
    let (code, period, amount) = (p.code.as_str(), p.period.to_string(), p.amount.as_i64());
    let valid_until = person.proxy_valid_until;
    if let Some(y) = person.birth_year {
        let age = i64::from(p.period.year()) - y;
        if age >= settings.max_age {
            out.push(Anomaly {
                kind: AGE,
                amount,
                detail: format!(
                    "chi {amount} đ cho {code}, {age} tuổi (sinh năm {y}): xác minh người còn sống"
                ),
            });
        }
    }
    let paid_at = time_of(&e.time);
    if p.recipient == RecipientKind::Proxy {
        out.extend(proxy_checks(
            db,
            facts,
            settings,
            &period,
            p,
            paid_at,
            valid_until,
        )?);
    }
    if let Some(t) = paid_at {
        if settings.is_night(t.time()) {
            out.push(Anomaly {
                kind: NIGHT,
                amount,
                detail: format!(
                    "chi {amount} đ cho {code} lúc {} (giờ của máy chi trả), ngoài giờ chi trả",
                    t.format("%H:%M %d/%m/%Y")
                ),
            });
        }
        out.extend(speed_check(db, facts, settings, code, amount, t)?);
    }
    out.extend(lump_check(db, facts, settings, p)?);
    Ok(out)
}

fn proxy_checks(
    db: &Connection,
    facts: &mut BatchFacts,
    settings: &Settings,
    period: &str,
    p: &Payout,
    paid_at: Option<DateTime<FixedOffset>>,
    valid_until: Option<String>,
) -> crate::db::Result<Vec<Anomaly>> {
    let mut out = Vec::new();
    let (code, amount) = (p.code.as_str(), p.amount.as_i64());
    let expired = valid_until
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .zip(paid_at)
        .filter(|(until, at)| at.date_naive() > *until);
    if let Some((until, _)) = expired {
        out.push(Anomaly {
            kind: PROXY_EXPIRED,
            amount,
            detail: format!(
                "chi {amount} đ cho người nhận thay của {code}, giấy ủy quyền hết hạn ngày {}",
                until.format("%d/%m/%Y")
            ),
        });
    }
    let Some(id) = p.proxy_id_card.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(out);
    };
    let others = i64::try_from(facts.proxy_others(db, period, id, code)?).unwrap_or(i64::MAX);
    if others + 1 > settings.proxy_max_beneficiaries {
        out.push(Anomaly {
            kind: PROXY_MANY,
            amount,
            detail: format!(
                "một người nhận thay (CCCD …{}) đã nhận cho {} đối tượng kỳ {period}: xác minh giấy ủy quyền",
                last4(id),
                others + 1
            ),
        });
    }
    Ok(out)
}

/// The last four characters of an ID number: enough for the office to find it, no more.
pub(crate) fn last4(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    chars[chars.len().saturating_sub(4)..].iter().collect()
}

fn speed_check(
    db: &Connection,
    facts: &mut BatchFacts,
    settings: &Settings,
    code: &str,
    amount: i64,
    t: DateTime<FixedOffset>,
) -> crate::db::Result<Option<Anomaly>> {
    if settings.max_payouts_per_minute <= 0 {
        return Ok(None);
    }
    let recent = facts.recent_payouts(db, settings.max_payouts_per_minute)?;
    let within = recent
        .iter()
        .filter_map(|s| time_of(s))
        .filter(|x| (t - *x).num_seconds().abs() < 60)
        .count() as i64;
    Ok((within + 1 > settings.max_payouts_per_minute).then(|| Anomaly {
        kind: TOO_FAST,
        amount,
        detail: format!(
            "{} lần chi trong một phút trên một máy (chi cho {code} lúc {}): nhanh hơn mức một người có thể được chi",
            within + 1,
            t.format("%H:%M:%S")
        ),
    }))
}

fn lump_check(
    db: &Connection,
    facts: &mut BatchFacts,
    settings: &Settings,
    p: &Payout,
) -> crate::db::Result<Option<Anomaly>> {
    let n = settings.unpaid_periods_before_lump;
    if n <= 0 {
        return Ok(None);
    }
    let code = p.code.as_str();
    let mut before = p.period;
    let mut unpaid = 0;
    for _ in 0..n {
        before = before.prev();
        let (on_roll, paid) = facts.on_roll_and_paid(db, &before.to_string(), code)?;
        if !on_roll || paid {
            return Ok(None);
        }
        unpaid += 1;
    }
    let amount = p.amount.as_i64();
    Ok(Some(Anomaly {
        kind: LUMP,
        amount,
        detail: format!("{code} không nhận {unpaid} kỳ liền rồi nhận {amount} đ kỳ {}: xác minh người còn sống và ai đã nhận", p.period),
    }))
}

/// A cash count whose difference is beyond the threshold.
pub fn check_cash_count(settings: &Settings, difference: i64) -> Option<Anomaly> {
    (difference.abs() > settings.cash_difference_max).then(|| Anomaly {
        kind: CASH_DIFFERENCE,
        amount: difference.abs(),
        detail: format!(
            "kiểm quỹ lệch {difference} đ so với sổ (ngưỡng {} đ): kiểm tra quỹ tiền mặt",
            settings.cash_difference_max
        ),
    })
}

/// A clerk whose reversals in the period pass the threshold (raised once, when it is passed).
pub fn check_reversals(
    db: &Connection,
    settings: &Settings,
    pay_point: &str,
    clerk: Option<i64>,
    period: &str,
    amount: i64,
) -> crate::db::Result<Option<Anomaly>> {
    let Some(clerk) = clerk else {
        return Ok(None);
    };
    let count: i64 = db
        .prepare_cached(
            "SELECT count(*) FROM events WHERE pay_point = ?1 AND kind = 'reversal' AND clerk = ?2
             AND json_extract(payload, '$.period') = ?3",
        )?
        .query_row(params![pay_point, clerk, period], |r| r.get(0))?;
    Ok((count == settings.max_reversals_per_clerk + 1).then(|| Anomaly {
        kind: MANY_REVERSALS,
        amount,
        detail: format!(
            "nhân viên số {clerk} đã hủy {count} lần chi trả kỳ {period} (ngưỡng {}): kiểm tra lý do từng lần",
            settings.max_reversals_per_clerk
        ),
    }))
}

/// A clerk whose payouts without an identity check (`none`, or not said) are more than the
/// office's share of their payouts in the period; raised once per clerk and period.
pub fn check_unchecked_share(
    db: &Connection,
    settings: &Settings,
    pay_point: &str,
    clerk: i64,
    period: &str,
) -> crate::db::Result<Option<Anomaly>> {
    let (total, unchecked, amount): (i64, i64, i64) = db
        .prepare_cached(
            "SELECT count(*), coalesce(sum(CASE WHEN id_check IS NULL OR id_check = 'none' THEN 1 ELSE 0 END), 0),
                    coalesce(sum(CASE WHEN id_check IS NULL OR id_check = 'none' THEN amount END), 0)
             FROM payouts WHERE pay_point = ?1 AND period = ?2 AND clerk = ?3 AND reversed_by IS NULL",
        )?
        .query_row(params![pay_point, period, clerk], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    if total == 0
        || total < settings.unchecked_min_payouts
        || unchecked * 100 <= total * settings.max_unchecked_percent
    {
        return Ok(None);
    }
    let raised: bool = db
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM flags WHERE pay_point = ?1 AND kind = ?2 AND period = ?3 AND other = ?4)",
        )?
        .query_row(params![pay_point, UNCHECKED_SHARE, period, format!("clerk:{clerk}")], |r| r.get(0))?;
    Ok((!raised).then(|| Anomaly {
        kind: UNCHECKED_SHARE,
        amount,
        detail: format!(
            "nhân viên số {clerk} chi {unchecked}/{total} lần kỳ {period} không kiểm tra giấy tờ người nhận (ngưỡng {}%): kiểm tra ai đã nhận",
            settings.max_unchecked_percent
        ),
    }))
}

/// The home payouts of a batch with no visit event naming them: checked once the whole batch is
/// in, since a visit is recorded just after its payout.
pub fn home_payouts_without_visit<'a>(
    db: &Connection,
    device: &str,
    events: &[&'a Event],
) -> crate::db::Result<Vec<(&'a Event, Payout, Anomaly)>> {
    use paypoint::event::EventPayload;
    let mut out = Vec::new();
    let mut payouts = Vec::new();
    // The visits of the batch itself, where a visit usually is: the store is asked only of the
    // home payouts whose visit is not among them.
    let mut visited = std::collections::HashSet::new();
    for e in events {
        match e.facts() {
            Ok(EventPayload::Payout(p)) if p.at_home => payouts.push((*e, p)),
            Ok(EventPayload::Visit(v)) => visited.extend(v.payout),
            _ => {}
        }
    }
    for (e, p) in payouts {
        if visited.contains(&e.id.to_string()) {
            continue;
        }
        let has_visit: bool = db
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM events WHERE device = ?1 AND kind = 'visit'
                 AND json_extract(payload, '$.payout') = ?2)",
            )?
            .query_row(params![device, e.id.to_string()], |r| r.get(0))?;
        if !has_visit {
            let amount = p.amount.as_i64();
            out.push((
                e,
                p.clone(),
                Anomaly {
                    kind: HOME_NO_VISIT,
                    amount,
                    detail: format!(
                        "chi tại nhà {amount} đ cho {} lúc {} nhưng không có lần đến nhà nào ghi cho lần chi này",
                        p.code,
                        time_of(&e.time).map_or(e.time.clone(), |t| format!("{:02}:{:02}", t.hour(), t.minute()))
                    ),
                },
            ));
        }
    }
    Ok(out)
}
