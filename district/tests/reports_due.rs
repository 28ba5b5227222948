//! The payer's report of a period is due by the 20th of the next month (TT 44/2022/TT-BTC Điều 8,
//! as amended by TT 95/2025/TT-BTC). The office sees which pay points have not reported, with
//! the due date, in `paypoint-district settlement` and on its page; a pay point that closed the
//! period and synced has reported.

mod common;

use common::*;

#[test]
fn the_office_sees_who_has_not_reported_the_period_and_by_when() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01", "QH02"], 6);
    let mut a = Device::new(dir.path(), "a", "QH01");
    let mut b = Device::new(dir.path(), "b", "QH02");
    a.enrol_and_pull(&hub, &hub.url(), "QH01");
    b.enrol_and_pull(&hub, &hub.url(), "QH02");
    a.pay_first("QH01", 3);
    b.pay_first("QH02", 2);
    // QH01 closes the month and syncs: its report is in. QH02 only syncs its payouts.
    let clerk = a.clerk.clone();
    a.ledger.close_period(&clerk).unwrap();
    a.sync().unwrap();
    b.sync().unwrap();

    let due = "2026-12".parse::<paypoint::Period>().unwrap().report_due();
    assert_eq!(due.to_string(), "2027-01-20");
    let text = hub.admin_ok(&["settlement", "--period", PERIOD]);
    let missing: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("Chưa báo cáo"))
        .collect();
    assert_eq!(missing.len(), 1, "{text}");
    assert!(missing[0].contains("QH02"), "{text}");
    assert!(missing[0].contains("kỳ 2026-12, hạn 20/01/2027"), "{text}");
    // Overdue only after the 20th (the machine's clock decides today).
    let today = chrono::Local::now().date_naive();
    assert_eq!(missing[0].ends_with("(quá hạn)"), today > due, "{text}");
    // The settlement lines themselves are still there, one per pay point.
    assert_eq!(
        text.lines()
            .filter(|l| l.contains("kỳ 2026-12: phải chi"))
            .count(),
        2,
        "{text}"
    );

    let html = page(&hub);
    let section = html
        .split("data-testid=reports-missing")
        .nth(1)
        .expect("the page lists missing reports");
    let section = section.split("</table>").next().unwrap();
    assert!(section.contains("<td>QH02</td>"), "{section}");
    assert!(section.contains("<td>20/01/2027</td>"), "{section}");
    assert!(!section.contains("QH01"), "QH01 has reported: {section}");

    // Once QH02 closes and syncs, nobody is missing.
    let clerk = b.clerk.clone();
    b.ledger.close_period(&clerk).unwrap();
    b.sync().unwrap();
    let text = hub.admin_ok(&["settlement", "--period", PERIOD]);
    assert!(!text.contains("Chưa báo cáo"), "{text}");
}
