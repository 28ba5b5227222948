//! The demo clock: the time a demo ledger's events carry when they are made by a script (the
//! documents' pictures, a training session) instead of a clerk at the counter. A clerk who reads
//! the papers of a demo month must see payments during the posted schedule and working hours,
//! never at 02:37 at night or before the first day of the schedule, whatever time the script ran.
//!
//! The instant depends only on the period and the event's sequence number: the same script gives
//! the same times on every machine, and each event is a few minutes after the one before.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};

use crate::period::Period;

/// The days of the month of the default posted schedule (the public notice's default).
pub const PAY_DAYS: [u32; 5] = [1, 2, 3, 4, 5];

/// Working hours of the default posted schedule, in minutes after midnight: 7h30 – 11h30 and
/// 13h30 – 17h00 (the public notice prints them).
pub const WORKING_HOURS: [(u32, u32); 2] = [(7 * 60 + 30, 11 * 60 + 30), (13 * 60 + 30, 17 * 60)];

/// Working minutes in one day of the schedule.
fn minutes_per_day() -> u32 {
    WORKING_HOURS.iter().map(|(a, b)| b - a).sum()
}

/// Minutes of work between the first instant of the schedule and the event numbered `seq`: about
/// four minutes an event (an ID check, counting the notes, a signature), never less than two.
fn offset_minutes(seq: u64) -> u64 {
    seq.saturating_mul(4).saturating_add((seq % 3) * 7 % 3)
}

/// The day of the schedule numbered `n` (0 = its first day): the schedule's days in the period,
/// then, for a script longer than the schedule, the days after it (late payments), never a day
/// before the first one.
fn schedule_day(period: Period, n: u64) -> NaiveDate {
    let first = period.first_day();
    let days: Vec<NaiveDate> = PAY_DAYS
        .iter()
        .filter_map(|d| {
            NaiveDate::from_ymd_opt(i32::from(period.year()), u32::from(period.month()), *d)
        })
        .collect();
    if let Some(d) = usize::try_from(n).ok().and_then(|i| days.get(i)) {
        return *d;
    }
    let last = days.last().copied().unwrap_or(first);
    // Past the schedule: the days after its last one, one by one (a script of a thousand years
    // stops at the calendar's end rather than overflow).
    let beyond = n.saturating_sub(days.len().saturating_sub(1) as u64);
    i64::try_from(beyond)
        .ok()
        .and_then(|b| last.checked_add_signed(Duration::try_days(b)?))
        .unwrap_or(NaiveDate::MAX)
}

/// The demo clock's instant (local time) for the event numbered `seq` of a demo ledger paying
/// `period`: within the working hours of a day of the posted schedule.
pub fn demo_instant(period: Period, seq: u64) -> NaiveDateTime {
    let per_day = u64::from(minutes_per_day());
    let offset = offset_minutes(seq);
    let day = schedule_day(period, offset / per_day);
    let mut minute = u32::try_from(offset % per_day).unwrap_or(0);
    let mut at = WORKING_HOURS[0].0;
    for (from, to) in WORKING_HOURS {
        if minute < to - from {
            at = from + minute;
            break;
        }
        minute -= to - from;
    }
    let second = u32::try_from((seq % 60) * 37 % 60).unwrap_or(0);
    let time = NaiveTime::from_hms_opt(at / 60, at % 60, second).unwrap_or(NaiveTime::MIN);
    day.and_time(time)
}

/// True when a local time falls in the working hours of a day of the posted schedule of `period`.
pub fn within_schedule(period: Period, t: NaiveDateTime) -> bool {
    use chrono::{Datelike as _, Timelike as _};
    let minute = t.hour() * 60 + t.minute();
    Period::containing(t.date()) == period
        && PAY_DAYS.contains(&t.day())
        && WORKING_HOURS
            .iter()
            .any(|(from, to)| (*from..*to).contains(&minute))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_instants_are_in_the_schedule_in_working_hours_and_always_later() {
        for p in ["2026-12", "2027-01", "2027-02", "2026-06"] {
            let p: Period = p.parse().unwrap();
            let mut before = None;
            // Up to 500 events: more than a demo month of a pay point writes.
            for seq in 1..500 {
                let t = demo_instant(p, seq);
                assert!(within_schedule(p, t), "event {seq} at {t}");
                if let Some(b) = before {
                    let gap = t - b;
                    assert!(
                        gap >= Duration::minutes(1),
                        "event {seq} at {t}, {b} before"
                    );
                }
                before = Some(t);
            }
        }
        let p: Period = "2026-12".parse().unwrap();
        assert_eq!(
            demo_instant(p, 0),
            "2026-12-01T07:30:00".parse::<NaiveDateTime>().unwrap()
        );
        assert_eq!(demo_instant(p, 42), demo_instant(p, 42));
    }

    #[test]
    fn a_script_longer_than_the_schedule_goes_on_later_never_earlier_nor_at_night() {
        let p: Period = "2026-12".parse().unwrap();
        let first = demo_instant(p, 0);
        let mut before = first;
        for seq in 1..3000 {
            let t = demo_instant(p, seq);
            assert!(t > before, "event {seq}");
            let m = chrono::Timelike::hour(&t) * 60 + chrono::Timelike::minute(&t);
            assert!(
                WORKING_HOURS.iter().any(|(a, b)| (*a..*b).contains(&m)),
                "{t}"
            );
            before = t;
        }
        assert!(!within_schedule(p, before), "past the 5th: a late payment");
    }

    #[test]
    fn the_notice_prints_the_hours_the_demo_clock_keeps() {
        let hm = |m: u32| format!("{}h{:02}", m / 60, m % 60);
        let text: Vec<String> = WORKING_HOURS
            .iter()
            .map(|(a, b)| format!("{} – {}", hm(*a), hm(*b)))
            .collect();
        assert_eq!(text.join(" và "), crate::document::notice::DEFAULT_HOURS);
        assert_eq!(PAY_DAYS, crate::document::notice::DEFAULT_DAYS);
    }
}
