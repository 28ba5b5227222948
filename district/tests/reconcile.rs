//! Issue 12: the managing office's published roll is the only truth. Every payout line is checked
//! at the hub against the versions it published, whatever roll the device paid from: a line on
//! no version (`not_on_roll`), an amount other than the published one (`amount_differs`), a line
//! a later version withdrew before it was paid (`line_withdrawn`). Each is flagged with the money
//! at stake; the settlement sets that money apart from what was paid as the roll says, and the
//! two add up to what the devices paid. Real hub on loopback, real ledgers.

mod common;

use common::*;
use paypoint::Dong;

fn flags_of(hub: &HubProc) -> Vec<serde_json::Value> {
    serde_json::from_str(&hub.admin_ok(&["flags", "--json"])).unwrap()
}

/// A pay point that ran standalone (before the office ran a hub) loaded a roll file of its own
/// with one extra person and one raised amount, paid from it, then enrolled: at its first sync
/// each off-roll payout is flagged with its amount, an honest one is not.
#[test]
fn a_standalone_device_that_paid_from_its_own_roll_is_flagged_at_its_first_sync() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 10);
    let published = paypoint::demo::roll(period(), 10, 7, "QH01");
    let mut own = published.clone();
    let mut ghost = own.entries[0].clone();
    ghost.code = paypoint::roll::BeneficiaryCode::new("QH01-009999").unwrap();
    ghost.name = "Người Không Có Thật".into();
    ghost.proxy = None;
    let ghost_total = ghost.total().unwrap().as_i64();
    own.entries.push(ghost);
    let raise = Dong::new(1_000_000).unwrap();
    own.entries[1].lines[0].amount = own.entries[1].lines[0].amount.checked_add(raise).unwrap();

    // Loaded as a clerk would: a file in the office's format, read by the importer.
    let file = dir.path().join("ds-tu-nap.csv");
    rollfile::write_csv(&own, &rollfile::Shape::standard(&own), &file, b',', true);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    let opts = paypoint::import::ImportOptions {
        period: period(),
        encoding: paypoint::import::EncodingChoice::Auto,
    };
    let preview = dev.ledger.preview_roll_file(&file, &opts).unwrap();
    dev.ledger.apply_roll(&preview.roll, &preview.file).unwrap();
    assert_eq!(
        dev.ledger.status().unwrap().roll_origin,
        Some(paypoint::roll::RollOrigin::File)
    );
    dev.ledger
        .record_advance(&dev.clerk, Dong::new(900_000_000).unwrap(), "tạm ứng")
        .unwrap();
    dev.pay("QH01-009999");
    dev.pay(&code("QH01", 2));
    dev.pay(&code("QH01", 3)); // honest: on the roll, at its amount
    let paid = dev.paid_amount();

    let enrol = hub.enrol_code("QH01");
    paypoint::sync::client::enrol(&mut dev.ledger, &hub.url(), &enrol, &fast_opts()).unwrap();
    let report = dev.sync().unwrap();
    let kinds: Vec<(&str, &str)> = report
        .flags
        .iter()
        .map(|f| (f.kind.as_str(), f.code.as_str()))
        .collect();
    assert!(kinds.contains(&("not_on_roll", "QH01-009999")), "{kinds:?}");
    assert!(
        kinds.contains(&("amount_differs", "QH01-000002")),
        "{kinds:?}"
    );
    assert!(
        !kinds.iter().any(|(_, c)| *c == "QH01-000003"),
        "an honest payout is not flagged: {kinds:?}"
    );
    let at_stake = |kind: &str| -> i64 {
        flags_of(&hub)
            .iter()
            .filter(|f| f["kind"] == kind)
            .map(|f| f["amount"].as_i64().unwrap())
            .sum()
    };
    assert_eq!(at_stake("not_on_roll"), ghost_total);
    assert_eq!(at_stake("amount_differs"), raise.as_i64());

    let s = hub.settlement("QH01", PERIOD);
    assert_eq!(
        s["paid_amount"].as_i64().unwrap(),
        paid,
        "cash paid was paid"
    );
    assert_eq!(
        s["flagged_amount"].as_i64().unwrap(),
        ghost_total + raise.as_i64()
    );
    assert_eq!(
        s["paid_as_roll"].as_i64().unwrap() + s["flagged_amount"].as_i64().unwrap(),
        paid,
        "paid as the roll says and flagged add up to what the device paid"
    );
    let csv = hub.admin_ok(&["settlement", "--period", PERIOD, "--csv"]);
    let header = csv.lines().next().unwrap();
    assert!(
        header.ends_with(
            "paid_as_roll,flagged_amount,carried_amount,stopped_amount,by_account_people,by_account_amount"
        ),
        "{header}"
    );
    // The officer's page lists each flag with its amount.
    let html = reqwest::blocking::get(hub.url()).unwrap().text().unwrap();
    assert!(
        html.contains("not_on_roll") && html.contains("Số tiền"),
        "{html}"
    );
}

/// The office withdraws a person's line in a new version; a device still offline on the old
/// version pays it after the withdrawal was published: flagged `line_withdrawn` with its amount.
/// The serving hub keeps the rolls it has read between batches (issue 19); a version published
/// since, here by another process as another node would, is what the next batch is checked
/// against.
#[test]
fn a_line_the_office_withdrew_and_a_device_paid_after_is_flagged_even_when_the_hub_read_the_roll_before(
) {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 10);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    // A first payout checked against version 1: the hub has read it.
    dev.pay_first("QH01", 1);
    let report = dev.sync().unwrap();
    assert!(report.flags.is_empty(), "{:?}", report.flags);

    let mut v2 = paypoint::demo::roll(period(), 10, 7, "QH01");
    let dropped = v2.entries.remove(3);
    let file = dir.path().join("v2.csv");
    rollfile::write_csv(&v2, &rollfile::Shape::standard(&v2), &file, b',', true);
    let f = file.to_str().unwrap();
    hub.admin_ok(&[
        "roll",
        "import",
        f,
        "--pay-point",
        "QH01",
        "--period",
        PERIOD,
    ]);
    hub.admin_ok(&["roll", "publish", "--pay-point", "QH01", "--period", PERIOD]);

    // Still on version 1 locally: the clerk pays the person, then the link comes back.
    dev.pay(dropped.code.as_str());
    let report = dev.sync().unwrap();
    let withdrawn: Vec<_> = report
        .flags
        .iter()
        .filter(|f| f.kind == "line_withdrawn")
        .collect();
    assert!(!withdrawn.is_empty(), "{:?}", report.flags);
    assert!(withdrawn.iter().all(|f| f.code == dropped.code.as_str()));
    let s = hub.settlement("QH01", PERIOD);
    assert_eq!(
        s["flagged_amount"].as_i64().unwrap(),
        dropped.total().unwrap().as_i64()
    );
    assert_eq!(
        s["paid_as_roll"].as_i64().unwrap() + s["flagged_amount"].as_i64().unwrap(),
        s["paid_amount"].as_i64().unwrap()
    );
}
