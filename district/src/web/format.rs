//! How the office's pages write dates, periods, money and shares: as Vietnamese paperwork does
//! (`30/11/2026 20:42`, `12/2026`, `1.624.000`, `72,5%`), never as the store keeps them.

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::lang::Lang;

/// Vietnam's one time zone, UTC+7 all year (no summer time since 1975): the office's times are
/// shown in it, whatever the server's own zone is.
pub const OFFICE_UTC_OFFSET_SECS: i32 = 7 * 3600;

fn office_zone() -> FixedOffset {
    FixedOffset::east_opt(OFFICE_UTC_OFFSET_SECS).expect("UTC+7 is a valid offset")
}

/// Today in the office's zone.
pub fn office_today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&office_zone())
        .date_naive()
}

/// "còn 3 ngày", "hôm nay", "đã qua 2 ngày" ("3 days left", "today", "2 days ago").
pub fn days_left(days: i64) -> String {
    match (days, super::lang::lang()) {
        (0, Lang::Vi) => "hôm nay".to_string(),
        (0, Lang::En) => "today".to_string(),
        (d, Lang::Vi) if d > 0 => format!("còn {d} ngày"),
        (d, Lang::En) if d > 0 => format!("{d} days left"),
        (d, Lang::Vi) => format!("đã qua {} ngày", -d),
        (d, Lang::En) => format!("{} days ago", -d),
    }
}

/// A stored time (RFC 3339) as `dd/mm/yyyy HH:MM` in the office's zone; text that is not a time
/// is shown as it is.
pub fn date_time(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored)
        .map(|t| {
            t.with_timezone(&office_zone())
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| stored.to_string())
}

/// A Unix time as `dd/mm/yyyy HH:MM` in the office's zone.
pub fn unix_date_time(secs: i64) -> String {
    DateTime::from_timestamp(secs, 0)
        .map(|t| {
            t.with_timezone(&office_zone())
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// A stored day (`2026-11-30`, or the start of a time) as `30/11/2026`.
pub fn date(stored: &str) -> String {
    let day = stored.get(..10).unwrap_or(stored);
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|_| stored.to_string())
}

/// A period (`2026-12`) as `12/2026`.
pub fn period(stored: &str) -> String {
    match stored.split_once('-') {
        Some((y, m)) if y.len() == 4 && m.len() == 2 => format!("{m}/{y}"),
        _ => stored.to_string(),
    }
}

/// Stored periods as a list, `10/2026, 11/2026`.
pub fn periods(stored: &[String]) -> String {
    stored
        .iter()
        .map(|p| period(p))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The open flags' rows by kind: the kind, how many, the money at stake (the overview and the
/// flags page start from it).
pub(crate) fn open_by_kind_rows(html: &mut String, flags: &[crate::FlagRow]) {
    for k in crate::reports::open_by_kind(flags) {
        html.push_str(&format!(
            "<tr><td class=flag>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            flag_kind(&k.kind),
            k.count,
            money(k.amount)
        ));
    }
}

/// An amount in đồng, `1.624.000`.
pub fn money(n: i64) -> String {
    paypoint::Dong::new(n)
        .map(|d| d.to_string())
        .unwrap_or_else(|_| n.to_string())
}

/// `part` of `whole` as a percentage with one decimal and a decimal comma, `72,5%`; `—` of nothing.
pub fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".to_string();
    }
    // In tenths of a percent, rounded half up, in integers: no float prints "72.49999".
    let tenths = (i128::from(part) * 1000 + i128::from(whole) / 2) / i128::from(whole);
    format!("{},{}%", tenths / 10, (tenths % 10).abs())
}

/// A flag's kind as HTML: what it means, then its code small (the code is what the command line
/// and the exports show).
pub fn flag_kind(kind: &str) -> String {
    let label = match super::lang::lang() {
        Lang::Vi => crate::reports::kind_label(kind),
        Lang::En => kind_label_en(kind),
    };
    format!("{} <small>({})</small>", escape(label), escape(kind))
}

/// A flag's kind in English.
fn kind_label_en(kind: &str) -> &str {
    match kind {
        "paid_after_stop" => "Paid after a stop",
        "paid_by_two_devices" => "Paid on two devices",
        "not_on_roll" => "Not on the published roll",
        "amount_differs" => "Amount differs from the roll",
        "line_withdrawn" => "Line withdrawn from the roll",
        "age_100" => "Aged 100 or more",
        "proxy_many" => "One proxy for many beneficiaries",
        "proxy_expired" => "Proxy authorisation expired",
        "proxy_refused_paid" => "Paid to a refused proxy",
        "night_payout" => "Paid at night",
        "too_fast" => "Paid too fast",
        "lump_after_unpaid" => "Lump sum after unpaid periods",
        "cash_difference" => "Cash count differs",
        "many_reversals" => "Many reversals",
        "home_without_visit" => "Paid at home without a visit",
        "unchecked_share" => "Many payouts without an ID check",
        "paid_after_revoke" => "Revoked device still paying",
        "handover_mismatch" | "handover_unmatched" | "handover_unknown_device" => {
            "Hand-over between devices does not match"
        }
        "unreadable_payload" => "Unreadable event",
        other => other,
    }
}

/// Text made safe for HTML, in an element or a quoted attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_in_vietnam_whatever_zone_they_were_stored_in() {
        assert_eq!(
            date_time("2026-11-30T20:42:51.610+00:00"),
            "01/12/2026 03:42"
        );
        assert_eq!(
            date_time("2026-11-30T20:42:51.610+07:00"),
            "30/11/2026 20:42"
        );
        assert_eq!(date_time("chưa"), "chưa");
        assert_eq!(unix_date_time(0), "01/01/1970 07:00");
    }

    #[test]
    fn days_periods_money_and_shares_read_as_vietnamese_papers_write_them() {
        assert_eq!(date("2026-12-20"), "20/12/2026");
        assert_eq!(period("2026-12"), "12/2026");
        assert_eq!(money(1_624_000), "1.624.000");
        assert_eq!(percent(725, 1000), "72,5%");
        assert_eq!(percent(1, 3), "33,3%");
        assert_eq!(percent(2, 3), "66,7%");
        assert_eq!(percent(5, 0), "—");
        assert_eq!(percent(1000, 1000), "100,0%");
        assert_eq!(days_left(3), "còn 3 ngày");
        assert_eq!(days_left(0), "hôm nay");
        assert_eq!(days_left(-2), "đã qua 2 ngày");
    }

    #[test]
    fn markup_in_names_is_shown_not_run() {
        assert_eq!(
            escape("<b>\"Lê\" & 'Văn'</b>"),
            "&lt;b&gt;&quot;Lê&quot; &amp; &#39;Văn&#39;&lt;/b&gt;"
        );
    }
}
