//! Issue 12: the hub's checks that point at an insider, each raised by a month made to trigger it,
//! and none raised by a demo month paid honestly. Real hub on loopback, real ledgers, the office's
//! thresholds set with `paypoint-district settings set`.

mod common;

use chrono::Timelike;
use common::*;
use paypoint::cash::{CashCount, Denomination};
use paypoint::clerk::{Pin, Role};
use paypoint::payout::{PayoutRequest, Recipient};
use paypoint::roll::{Proxy, Roll};
use paypoint::visit::VisitOutcome;

/// A hub with `roll` published for QH01 (clock checks off unless a test sets them), and an
/// enrolled device that pulled it.
fn hub_and_device(dir: &std::path::Path, roll: &Roll) -> (HubProc, Device) {
    let data = dir.join("hub");
    assert!(admin(
        &data,
        &["pay-point", "add", "QH01", "--name", "Bưu điện QH01"]
    )
    .status
    .success());
    {
        let hub = district::Hub::open(&data).unwrap();
        hub.store_roll("QH01", roll, "test").unwrap();
        hub.publish_roll("QH01", roll.period).unwrap();
    }
    without_clock_checks(&data);
    let hub = start_hub(&data);
    let mut dev = Device::new(dir, "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    (hub, dev)
}

fn kinds(flags: &[paypoint::sync::protocol::Flag]) -> Vec<&str> {
    flags.iter().map(|f| f.kind.as_str()).collect()
}

fn proxy_of(e: &paypoint::roll::RollEntry) -> Recipient {
    let p = e.proxy.as_ref().unwrap();
    Recipient::Proxy {
        name: p.name.clone(),
        id_card: p.id_card.clone(),
    }
}

/// 300 people of the demo generator, paid as a clerk pays them: in person at the counter, by their
/// registered proxy, at home with the visit recorded; a cash count that matches. No flag of any
/// kind (the clock checks, which read the hour the test runs at, are covered below).
#[test]
fn an_honest_demo_month_raises_no_flag() {
    let dir = tempfile::tempdir().unwrap();
    let roll = paypoint::demo::roll(period(), 300, 7, "QH01");
    let (hub, mut dev) = hub_and_device(dir.path(), &roll);
    for e in &roll.entries {
        let recipient = match e.proxy {
            Some(_) => proxy_of(e),
            None => Recipient::Beneficiary,
        };
        if e.home_delivery {
            dev.ledger
                .record_visit(&dev.clerk, &e.code, VisitOutcome::Paid, recipient, "")
                .unwrap();
        } else {
            let req = PayoutRequest {
                recipient,
                ..PayoutRequest::at_counter(e.code.clone())
            };
            dev.ledger.record_payout(&dev.clerk, &req).unwrap();
        }
    }
    let on_hand = dev.ledger.status().unwrap().cash_on_hand;
    let mut count = CashCount::new();
    let mut left = on_hand.as_i64();
    for v in [
        500_000, 200_000, 100_000, 50_000, 20_000, 10_000, 5_000, 2_000, 1_000,
    ] {
        count
            .set(Denomination::new(v).unwrap(), (left / i64::from(v)) as u32)
            .unwrap();
        left %= i64::from(v);
    }
    dev.ledger.record_count(&dev.clerk, &count).unwrap();
    let r = dev.sync().unwrap();
    assert!(r.flags.is_empty(), "{:#?}", r.flags);
    let s = hub.settlement("QH01", PERIOD);
    assert_eq!(s["unpaid_amount"], 0);
    assert_eq!(s["flagged_amount"], 0);
}

/// Age, proxies, a count that does not add up, a home payout with no visit: each raised with the
/// money at stake.
#[test]
fn each_anomaly_of_a_month_is_flagged_with_its_amount() {
    let dir = tempfile::tempdir().unwrap();
    let mut roll = paypoint::demo::roll(period(), 8, 7, "QH01");
    roll.entries[0].birth_year = Some(1921); // 105 in 2026
    let shared = Proxy {
        name: "Nguyễn Văn Nhận".into(),
        id_card: "044090001234".into(),
        relationship: "con trai".into(),
        valid_until: period().last_day(),
    };
    for e in &mut roll.entries[1..4] {
        e.proxy = Some(shared.clone());
        e.home_delivery = false;
    }
    roll.entries[4].home_delivery = false;
    let (hub, mut dev) = hub_and_device(dir.path(), &roll);

    dev.pay(roll.entries[0].code.as_str());
    for e in &roll.entries[1..4] {
        let req = PayoutRequest {
            recipient: proxy_of(e),
            ..PayoutRequest::at_counter(e.code.clone())
        };
        dev.ledger.record_payout(&dev.clerk, &req).unwrap();
    }
    let home = PayoutRequest {
        at_home: true,
        ..PayoutRequest::at_counter(roll.entries[4].code.clone())
    };
    let home_paid = dev.ledger.record_payout(&dev.clerk, &home).unwrap().amount;
    let mut count = CashCount::new();
    count.set(Denomination::new(500_000).unwrap(), 1).unwrap();
    dev.ledger.record_count(&dev.clerk, &count).unwrap();

    let r = dev.sync().unwrap();
    let k = kinds(&r.flags);
    let flag = |kind: &str| {
        r.flags
            .iter()
            .find(|f| f.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} in {k:?}"))
    };
    assert_eq!(flag("age_100").code, roll.entries[0].code.as_str());
    assert_eq!(
        flag("proxy_many").code,
        roll.entries[3].code.as_str(),
        "the third beneficiary of one proxy"
    );
    assert!(
        flag("proxy_many").detail.contains("…1234"),
        "only the last four digits"
    );
    assert!(!flag("proxy_many").detail.contains("044090001234"));
    assert_eq!(flag("home_without_visit").amount, Some(home_paid));
    assert!(flag("cash_difference").amount.unwrap().as_i64() > 500_000);
    // Listed for the office, grouped by kind with the amounts.
    let listed = hub.admin_ok(&["flags"]);
    assert!(listed.contains("age_100: 1 cảnh báo"), "{listed}");
    assert!(listed.contains("proxy_many: 1 cảnh báo"), "{listed}");
    let html = reqwest::blocking::get(hub.url()).unwrap().text().unwrap();
    assert!(
        html.contains("Cảnh báo theo loại") && html.contains("age_100"),
        "{html}"
    );
}

/// Payouts at night (the office's window, device's local time) and faster than a person can be
/// paid; a clerk whose reversals pass the threshold.
#[test]
fn night_speed_and_reversals_are_flagged_by_the_offices_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let roll = paypoint::demo::roll(period(), 8, 7, "QH01");
    let (hub, mut dev) = hub_and_device(dir.path(), &roll);
    // "Night" is the hour around now, wherever the test runs.
    let now = chrono::Local::now();
    let hhmm = |h: u32| format!("{:02}:00", h % 24);
    for (k, v) in [
        ("night_start", hhmm(now.hour() + 23)),
        ("night_end", hhmm(now.hour() + 1)),
        ("max_payouts_per_minute", "2".into()),
        ("max_reversals_per_clerk", "1".into()),
    ] {
        hub.admin_ok(&["settings", "set", k, &v]);
    }
    let settings: serde_json::Value = serde_json::from_str(&hub.admin_ok(&["settings"])).unwrap();
    assert_eq!(settings["max_payouts_per_minute"], 2);
    let out = hub.admin(&["settings", "set", "night_start", "25:99"]);
    assert!(!out.status.success(), "a wrong time is refused");

    let sup_pin = Pin::new("9999").unwrap();
    let s = dev
        .ledger
        .add_clerk("Lê Văn Nam", Role::Supervisor, &sup_pin)
        .unwrap();
    let sup = dev.ledger.sign_in(s.id, &sup_pin).unwrap();
    let paid: Vec<_> = (1..=3).map(|i| dev.pay(&code("QH01", i))).collect();
    for p in &paid[..2] {
        dev.ledger
            .reverse_payout(&dev.clerk, &sup, p.payout_id, "nhầm người nhận")
            .unwrap();
    }
    let r = dev.sync().unwrap();
    let k = kinds(&r.flags);
    assert!(k.contains(&"night_payout"), "{k:?}");
    assert!(k.contains(&"too_fast"), "{k:?}");
    assert_eq!(
        k.iter().filter(|x| **x == "many_reversals").count(),
        1,
        "{k:?}"
    );
}
