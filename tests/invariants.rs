//! The money-safety invariants of the ledger, each attacked directly: through the core's API, and
//! through raw SQL on the same SQLite file, as a careless tool or a tamperer would.

use chrono::NaiveDate;
use paypoint::authorisation::{AuthorisationError, NewAuthorisation};
use paypoint::cash::CashCount;
use paypoint::clerk::{ClerkError, Pin, Role, SignedIn};
use paypoint::payout::{Approval, PayoutError, PayoutRequest, Recipient};
use paypoint::refusal::StoreRefusal;
use paypoint::roll::{BeneficiaryCode, LineKind, Proxy, Roll, RollEntry, RollLine, Sex};
use paypoint::stop::{StopError, StopReason};
use paypoint::visit::{VisitError, VisitOutcome};
use paypoint::{Dong, Ledger, LedgerError, Period};
use rusqlite::Connection;

struct Fixture {
    _dir: tempfile::TempDir,
    path: std::path::PathBuf,
    ledger: Ledger,
    clerk: SignedIn,
    supervisor: SignedIn,
}

fn period() -> Period {
    "2026-12".parse().unwrap()
}

fn dong(n: i64) -> Dong {
    Dong::new(n).unwrap()
}

fn code(s: &str) -> BeneficiaryCode {
    BeneficiaryCode::new(s).unwrap()
}

fn line(kind: LineKind, amount: i64) -> RollLine {
    RollLine {
        kind,
        amount: dong(amount),
        covers_from: period(),
        covers_to: period(),
        note: String::new(),
    }
}

fn entry(c: &str, name: &str, village: &str, id_card: &str, lines: Vec<RollLine>) -> RollEntry {
    RollEntry {
        code: code(c),
        name: name.into(),
        birth_year: Some(1950),
        sex: Some(Sex::F),
        village: village.into(),
        id_card: Some(id_card.into()),
        category: "Thân nhân liệt sĩ (1 liệt sĩ)".into(),
        home_delivery: false,
        proxy: None,
        note: String::new(),
        lines,
    }
}

fn small_roll() -> Roll {
    let mut with_proxy = entry(
        "QH-0004",
        "Trần Văn Bình",
        "Thôn Tây",
        "044055001234",
        vec![line(LineKind::Monthly, 1_878_000)],
    );
    with_proxy.proxy = Some(Proxy {
        name: "Trần Thị Lan".into(),
        id_card: "044188009999".into(),
        relationship: "con gái".into(),
        valid_until: NaiveDate::from_ymd_opt(2099, 12, 31).unwrap(),
    });
    let mut expired = entry(
        "QH-0005",
        "Lê Văn Cường",
        "Thôn Tây",
        "044055007777",
        vec![line(LineKind::Monthly, 1_639_000)],
    );
    expired.proxy = Some(Proxy {
        name: "Lê Thị Hoa".into(),
        id_card: "044188001111".into(),
        relationship: "vợ".into(),
        valid_until: NaiveDate::from_ymd_opt(2020, 1, 31).unwrap(),
    });
    Roll {
        period: period(),
        version: 1,
        entries: vec![
            entry(
                "QH-0001",
                "Nguyễn Thị Hường",
                "Thôn Đông",
                "044150012345",
                vec![
                    line(LineKind::Monthly, 2_789_000),
                    line(LineKind::Arrears, 5_578_000),
                ],
            ),
            entry(
                "QH-0002",
                "Đặng Đình Đức",
                "Xóm Trại",
                "044052098765",
                vec![line(LineKind::Monthly, 8_941_000)],
            ),
            entry(
                "QH-0003",
                "Phạm Văn An",
                "Thôn Đông",
                "044048011111",
                vec![
                    line(LineKind::Monthly, 2_911_000),
                    line(LineKind::Funeral, 1_800_000),
                ],
            ),
            with_proxy,
            expired,
        ],
    }
}

fn fixture() -> Fixture {
    fixture_with(&small_roll())
}

/// A ledger with a clerk (1234), a supervisor (9999), `roll` loaded and 100.000.000 đ in the box.
fn fixture_with(roll: &Roll) -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let mut ledger = Ledger::init(&path, "QH01", "Bưu điện văn hóa xã Quảng Hưng").unwrap();
    ledger
        .add_clerk("Trần Thị Mai", Role::Clerk, &Pin::new("1234").unwrap())
        .unwrap();
    ledger
        .add_clerk("Lê Văn Nam", Role::Supervisor, &Pin::new("9999").unwrap())
        .unwrap();
    ledger.load_roll(roll, "test", false).unwrap();
    let clerk = ledger.sign_in(1, &Pin::new("1234").unwrap()).unwrap();
    let supervisor = ledger.sign_in(2, &Pin::new("9999").unwrap()).unwrap();
    ledger
        .record_advance(&clerk, dong(100_000_000), "tạm ứng")
        .unwrap();
    Fixture {
        _dir: dir,
        path,
        ledger,
        clerk,
        supervisor,
    }
}

fn raw(f: &Fixture) -> Connection {
    let c = Connection::open(&f.path).unwrap();
    c.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    c.pragma_update(None, "foreign_keys", "ON").unwrap();
    c
}

fn pay(f: &mut Fixture, c: &str) -> Result<paypoint::payout::PayoutReceipt, PayoutError> {
    let clerk = f.clerk.clone();
    f.ledger
        .record_payout(&clerk, &PayoutRequest::at_counter(code(c)))
}

fn line_id(conn: &Connection, c: &str, kind: &str) -> i64 {
    conn.query_row(
        "SELECT l.id FROM lines l JOIN beneficiaries b ON b.id = l.beneficiary_id WHERE b.code = ?1 AND l.kind = ?2",
        [c, kind],
        |r| r.get(0),
    )
    .unwrap()
}

/// Inserts a payout row for a beneficiary (of the latest period) behind the core's back; returns
/// its id.
fn raw_payout(conn: &Connection, c: &str) -> rusqlite::Result<String> {
    let id = uuid::Uuid::now_v7().to_string();
    // A payout row needs its own event row, linked to the head as the events trigger demands
    // (its hash is made up: `verify` would catch it, which is not what these tests attack).
    let fake_hash = format!("{:064x}", rand_u128());
    conn.execute(
        "INSERT INTO events (seq, id, device_id, clerk_id, local_time, kind, payload, prev_hash, hash)
         SELECT max(seq) + 1, ?1, 'x', 1, '2026-12-02', 'payout', '{}',
                (SELECT hash FROM events ORDER BY seq DESC LIMIT 1), ?2 FROM events",
        [&id, &fake_hash],
    )?;
    conn.execute(
        "INSERT INTO payouts (id, event_seq, beneficiary_id, recipient, at_home, clerk_id, paid_at)
         SELECT ?1, (SELECT max(seq) FROM events), b.id, 'self', 0, 1, '2026-12-02'
         FROM beneficiaries b WHERE b.code = ?2 ORDER BY b.period DESC LIMIT 1",
        [&id, c],
    )?;
    Ok(id)
}

fn rand_u128() -> u128 {
    uuid::Uuid::now_v7().as_u128()
}

fn event_and_projection_counts(conn: &Connection) -> (i64, i64, i64) {
    conn.query_row(
        "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM payout_lines), (SELECT count(*) FROM cash_movements)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .unwrap()
}

// Invariant 1: a line is paid at most once, net of reversals; a payout pays exactly its amount.

#[test]
fn double_payment_is_refused_by_the_api_and_by_the_store() {
    let mut f = fixture();
    let r = pay(&mut f, "QH-0001").unwrap();
    assert_eq!(r.amount, dong(8_367_000));
    assert_eq!(
        r.amount_in_words,
        "Tám triệu ba trăm sáu mươi bảy nghìn đồng"
    );
    let before = event_and_projection_counts(&raw(&f));
    match pay(&mut f, "QH-0001") {
        Err(PayoutError::AlreadyPaid { name, .. }) => assert_eq!(name, "Nguyễn Thị Hường"),
        other => panic!("expected AlreadyPaid, got {other:?}"),
    }
    let conn = raw(&f);
    assert_eq!(
        event_and_projection_counts(&conn),
        before,
        "a refused payout writes nothing"
    );

    // Behind the core's back: a second payout row for the same line is refused by the trigger.
    let lid = line_id(&conn, "QH-0001", "monthly");
    let pid = raw_payout(&conn, "QH-0001").unwrap();
    let err = conn
        .execute(
            "INSERT INTO payout_lines (payout_id, line_id, amount) VALUES (?1, ?2, 2789000)",
            rusqlite::params![pid, lid],
        )
        .unwrap_err();
    assert!(err.to_string().contains("line already paid"), "{err}");
}

#[test]
fn a_payout_of_a_different_amount_is_refused() {
    let mut f = fixture();
    let conn = raw(&f);
    let lid = line_id(&conn, "QH-0002", "monthly");
    let pid = raw_payout(&conn, "QH-0002").unwrap();
    for wrong in [8_940_000, 8_942_000, 0, -8_941_000] {
        let err = conn
            .execute(
                "INSERT INTO payout_lines (payout_id, line_id, amount) VALUES (?1, ?2, ?3)",
                rusqlite::params![pid, lid, wrong],
            )
            .unwrap_err();
        assert!(err.to_string().contains("amount"), "{wrong}: {err}");
    }
    // Through the API: the amount the clerk confirmed must still be what is owed.
    let clerk = f.clerk.clone();
    let req = PayoutRequest {
        expected_total: Some(dong(8_000_000)),
        ..PayoutRequest::at_counter(code("QH-0002"))
    };
    match f.ledger.record_payout(&clerk, &req) {
        Err(PayoutError::AmountChanged { expected, actual }) => {
            assert_eq!((expected, actual), (dong(8_000_000), dong(8_941_000)))
        }
        other => panic!("expected AmountChanged, got {other:?}"),
    }
    let req = PayoutRequest {
        expected_total: Some(dong(8_941_000)),
        ..PayoutRequest::at_counter(code("QH-0002"))
    };
    assert_eq!(
        f.ledger.record_payout(&clerk, &req).unwrap().amount,
        dong(8_941_000)
    );
}

#[test]
fn a_line_of_another_beneficiary_cannot_be_slipped_into_a_payout() {
    let f = fixture();
    let conn = raw(&f);
    let other_line = line_id(&conn, "QH-0002", "monthly");
    let pid = raw_payout(&conn, "QH-0001").unwrap();
    let err = conn
        .execute(
            "INSERT INTO payout_lines (payout_id, line_id, amount) VALUES (?1, ?2, 8941000)",
            rusqlite::params![pid, other_line],
        )
        .unwrap_err();
    assert!(err.to_string().contains("does not belong"), "{err}");
}

#[test]
fn reversal_makes_the_line_payable_again_exactly_once() {
    let mut f = fixture();
    let first = pay(&mut f, "QH-0002").unwrap();
    let cash_after_pay = f.ledger.cash_on_hand().unwrap();
    let (clerk, sup) = (f.clerk.clone(), f.supervisor.clone());
    let rev = f
        .ledger
        .reverse_payout(&clerk, &sup, first.payout_id, "trả nhầm người")
        .unwrap();
    assert_eq!(rev.amount, dong(8_941_000));
    assert_eq!(
        f.ledger.cash_on_hand().unwrap(),
        cash_after_pay.checked_add(dong(8_941_000)).unwrap()
    );
    // The same payout cannot be reversed twice.
    assert!(matches!(
        f.ledger
            .reverse_payout(&clerk, &sup, first.payout_id, "lần hai"),
        Err(PayoutError::AlreadyReversed(_))
    ));
    let second = pay(&mut f, "QH-0002").unwrap();
    assert_ne!(second.payout_id, first.payout_id);
    assert!(matches!(
        pay(&mut f, "QH-0002"),
        Err(PayoutError::AlreadyPaid { .. })
    ));
    let s = f.ledger.status().unwrap();
    assert_eq!(s.paid_amount, dong(8_941_000));
    assert_eq!(s.cash_on_hand, dong(100_000_000 - 8_941_000));
}

#[test]
fn reversal_needs_a_second_person_who_is_a_supervisor() {
    let mut f = fixture();
    let p = pay(&mut f, "QH-0002").unwrap();
    let clerk = f.clerk.clone();
    assert!(matches!(
        f.ledger.reverse_payout(&clerk, &clerk, p.payout_id, "x"),
        Err(PayoutError::Clerk(ClerkError::SamePerson))
    ));
    f.ledger
        .add_clerk("Ngô Văn Tư", Role::Clerk, &Pin::new("5555").unwrap())
        .unwrap();
    let other = f.ledger.sign_in(3, &Pin::new("5555").unwrap()).unwrap();
    assert!(matches!(
        f.ledger.reverse_payout(&clerk, &other, p.payout_id, "x"),
        Err(PayoutError::Clerk(ClerkError::NotSupervisor(3)))
    ));
    let sup = f.supervisor.clone();
    assert!(matches!(
        f.ledger.reverse_payout(&clerk, &sup, p.payout_id, "  "),
        Err(PayoutError::ReasonRequired)
    ));
    // Behind the core's back: a reversal approved by a plain clerk is refused by the store.
    let conn = raw(&f);
    let err = conn
        .execute(
            "INSERT INTO reversals (id, event_seq, payout_id, reason, clerk_id, approver_id)
             VALUES ('r1', (SELECT max(seq) FROM events), ?1, 'x', 1, 3)",
            [p.payout_id.to_string()],
        )
        .unwrap_err();
    assert!(err.to_string().contains("supervisor"), "{err}");
}

// Invariant 2: no payout on a stopped line, or on a closed period.

#[test]
fn payout_on_a_stopped_beneficiary_is_refused_but_the_funeral_allowance_is_not() {
    let mut f = fixture();
    let clerk = f.clerk.clone();
    let r = f
        .ledger
        .report_stop(
            &clerk,
            &code("QH-0003"),
            StopReason::Death,
            NaiveDate::from_ymd_opt(2026, 11, 20),
            "UBND xã báo",
        )
        .unwrap();
    assert!(r.paid_after_stop.is_empty());
    let card = f.ledger.beneficiary(&code("QH-0003")).unwrap().unwrap();
    assert_eq!(
        card.payable,
        dong(1_800_000),
        "only the funeral allowance stays payable"
    );
    // The counter pays the funeral allowance to the family, never the monthly line.
    let paid = pay(&mut f, "QH-0003").unwrap();
    assert_eq!(paid.amount, dong(1_800_000));
    match pay(&mut f, "QH-0003") {
        Err(PayoutError::Stopped { name, .. }) => assert_eq!(name, "Phạm Văn An"),
        other => panic!("expected Stopped, got {other:?}"),
    }
    // Stop a second beneficiary and attack through SQL.
    f.ledger
        .report_stop(&clerk, &code("QH-0002"), StopReason::Moved, None, "")
        .unwrap();
    assert!(matches!(
        pay(&mut f, "QH-0002"),
        Err(PayoutError::Stopped { .. })
    ));
    let conn = raw(&f);
    let lid = line_id(&conn, "QH-0002", "monthly");
    let pid = raw_payout(&conn, "QH-0002").unwrap();
    let err = conn
        .execute(
            "INSERT INTO payout_lines (payout_id, line_id, amount) VALUES (?1, ?2, 8941000)",
            rusqlite::params![pid, lid],
        )
        .unwrap_err();
    assert!(err.to_string().contains("payment stopped"), "{err}");
    let s = f.ledger.status().unwrap();
    assert_eq!(s.stopped_amount, dong(2_911_000 + 8_941_000));
}

#[test]
fn a_stop_after_payment_reports_the_payout_for_recovery() {
    let mut f = fixture();
    let p = pay(&mut f, "QH-0002").unwrap();
    let clerk = f.clerk.clone();
    let yesterday = chrono::Local::now().date_naive().pred_opt().unwrap();
    let r = f
        .ledger
        .report_stop(
            &clerk,
            &code("QH-0002"),
            StopReason::Death,
            Some(yesterday),
            "",
        )
        .unwrap();
    assert_eq!(r.paid_after_stop, vec![p.payout_id.to_string()]);
    let tomorrow = chrono::Local::now().date_naive().succ_opt().unwrap();
    assert!(f
        .ledger
        .report_stop(
            &clerk,
            &code("QH-0001"),
            StopReason::Death,
            Some(tomorrow),
            ""
        )
        .is_err());
}

#[test]
fn payout_on_a_closed_period_is_refused() {
    let mut f = fixture();
    let paid = pay(&mut f, "QH-0001").unwrap();
    let clerk = f.clerk.clone();
    assert_eq!(f.ledger.close_period(&clerk).unwrap(), period());
    assert!(matches!(
        pay(&mut f, "QH-0002"),
        Err(PayoutError::Ledger(LedgerError::NoOpenPeriod))
    ));
    let sup = f.supervisor.clone();
    assert!(f
        .ledger
        .reverse_payout(&clerk, &sup, paid.payout_id, "x")
        .is_err());
    let conn = raw(&f);
    let lid = line_id(&conn, "QH-0002", "monthly");
    let pid = raw_payout(&conn, "QH-0002").unwrap();
    let err = conn
        .execute(
            "INSERT INTO payout_lines (payout_id, line_id, amount) VALUES (?1, ?2, 8941000)",
            rusqlite::params![pid, lid],
        )
        .unwrap_err();
    assert!(err.to_string().contains("period closed"), "{err}");
    let err = conn.execute("DELETE FROM period_closes", []).unwrap_err();
    assert!(err.to_string().contains("stays closed"), "{err}");
}

// A month is paid once, whichever roll carries it: near Tết December's roll pays January too.

fn month_line(kind: LineKind, amount: i64, month: &str) -> RollLine {
    RollLine {
        covers_from: month.parse().unwrap(),
        covers_to: month.parse().unwrap(),
        ..line(kind, amount)
    }
}

/// December's roll pays December and January to QH-0002; January's roll then carries January.
fn tet_fixture() -> Fixture {
    let jan: Period = "2027-01".parse().unwrap();
    let mut dec = small_roll();
    dec.entries[1]
        .lines
        .push(month_line(LineKind::Monthly, 8_941_000, "2027-01"));
    let mut f = fixture_with(&dec);
    let paid = pay(&mut f, "QH-0002").unwrap();
    assert_eq!(
        paid.amount,
        dong(2 * 8_941_000),
        "December's payout pays both months"
    );
    let mut january = small_roll();
    january.period = jan;
    for e in &mut january.entries {
        for l in &mut e.lines {
            (l.covers_from, l.covers_to) = (jan, jan);
        }
    }
    f.ledger.load_roll(&january, "test", false).unwrap();
    f
}

#[test]
fn a_month_paid_with_decembers_roll_is_not_paid_again_by_januarys() {
    let mut f = tet_fixture();
    // The core: January's roll owes QH-0002 nothing; the others are paid as usual.
    assert!(pay(&mut f, "QH-0002").is_err());
    pay(&mut f, "QH-0001").unwrap();
    // The store, behind the core's back: the January line of January's roll is refused.
    let conn = raw(&f);
    let jan_line: i64 = conn
        .query_row(
            "SELECT l.id FROM lines l JOIN beneficiaries b ON b.id = l.beneficiary_id
             WHERE b.code = 'QH-0002' AND b.period = '2027-01'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let pid = raw_payout(&conn, "QH-0002").unwrap();
    let err = conn
        .execute(
            "INSERT INTO payout_lines (payout_id, line_id, amount) VALUES (?1, ?2, 8941000)",
            rusqlite::params![pid, jan_line],
        )
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("month already paid by another roll"),
        "{err}"
    );
}

#[test]
fn reversing_the_december_payout_makes_januarys_line_payable_again_exactly_once() {
    let mut f = tet_fixture();
    let conn = raw(&f);
    let dec_payout: String = conn
        .query_row(
            "SELECT p.id FROM payouts p JOIN beneficiaries b ON b.id = p.beneficiary_id
             WHERE b.code = 'QH-0002' AND b.period = '2026-12'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (clerk, sup) = (f.clerk.clone(), f.supervisor.clone());
    f.ledger
        .reverse_payout(
            &clerk,
            &sup,
            dec_payout.parse().unwrap(),
            "chi gộp nhầm tháng",
        )
        .unwrap();
    let jan = pay(&mut f, "QH-0002").unwrap();
    assert_eq!(jan.amount, dong(8_941_000));
    assert!(pay(&mut f, "QH-0002").is_err());
}

#[test]
fn a_monthly_line_for_a_month_other_than_the_rolls_or_the_next_is_refused_at_load() {
    let mut f = fixture();
    let mut roll = small_roll();
    roll.period = "2027-02".parse().unwrap();
    for e in &mut roll.entries {
        for l in &mut e.lines {
            (l.covers_from, l.covers_to) = (roll.period, roll.period);
        }
    }
    roll.entries[0]
        .lines
        .push(month_line(LineKind::Monthly, 2_789_000, "2027-04"));
    let err = f.ledger.load_roll(&roll, "test", false).unwrap_err();
    assert!(err.to_string().contains("04/2027"), "{err}");
    roll.entries[0].lines.pop();
    roll.entries[0]
        .lines
        .push(month_line(LineKind::Monthly, 2_789_000, "2027-02"));
    let err = f.ledger.load_roll(&roll, "test", false).unwrap_err();
    assert!(err.to_string().contains("hai lần"), "{err}");
}

// Invariant 3: nothing is updated or deleted; cash is derived and never negative.

#[test]
fn events_and_money_rows_cannot_be_updated_or_deleted() {
    let mut f = fixture();
    pay(&mut f, "QH-0001").unwrap();
    let clerk = f.clerk.clone();
    let mut count = CashCount::new();
    count
        .set(paypoint::cash::Denomination::new(500_000).unwrap(), 10)
        .unwrap();
    f.ledger.record_count(&clerk, &count).unwrap();
    let conn = raw(&f);
    for sql in [
        "UPDATE events SET payload = '{}' WHERE seq = 1",
        "DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)",
        "UPDATE payouts SET beneficiary_id = 2",
        "DELETE FROM payouts",
        "UPDATE payout_lines SET amount = 1",
        "DELETE FROM payout_lines",
        "UPDATE lines SET amount = 1",
        "DELETE FROM lines",
        "UPDATE beneficiaries SET name = 'x'",
        "UPDATE cash_advances SET amount = 1",
        "DELETE FROM cash_advances",
        "UPDATE cash_movements SET balance_after = 0",
        "DELETE FROM cash_movements",
        "UPDATE cash_counts SET counted = expected",
        "DELETE FROM cash_count_notes",
        "DELETE FROM rolls",
        "DELETE FROM clerks",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("ledger:"), "{sql}: {err}");
    }
    assert!(f.ledger.verify().unwrap().chain_ok);
}

#[test]
fn cash_on_hand_never_goes_negative() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.sqlite");
    let mut ledger = Ledger::init(&path, "QH01", "Điểm chi trả").unwrap();
    ledger
        .add_clerk("Mai", Role::Clerk, &Pin::new("1234").unwrap())
        .unwrap();
    ledger.load_roll(&small_roll(), "test", false).unwrap();
    let clerk = ledger.sign_in(1, &Pin::new("1234").unwrap()).unwrap();
    // No advance yet: nothing can be paid.
    match ledger.record_payout(&clerk, &PayoutRequest::at_counter(code("QH-0002"))) {
        Err(PayoutError::NotEnoughCash { on_hand, needed }) => {
            assert_eq!((on_hand, needed), (Dong::ZERO, dong(8_941_000)))
        }
        other => panic!("expected NotEnoughCash, got {other:?}"),
    }
    ledger.record_advance(&clerk, dong(10_000_000), "").unwrap();
    ledger
        .record_payout(&clerk, &PayoutRequest::at_counter(code("QH-0002")))
        .unwrap();
    assert_eq!(ledger.cash_on_hand().unwrap(), dong(1_059_000));
    assert!(matches!(
        ledger.record_payout(&clerk, &PayoutRequest::at_counter(code("QH-0001"))),
        Err(PayoutError::NotEnoughCash { .. })
    ));
    assert!(ledger.record_return(&clerk, dong(1_059_001), "").is_err());
    ledger
        .record_return(&clerk, dong(1_059_000), "nộp trả")
        .unwrap();
    assert_eq!(ledger.cash_on_hand().unwrap(), Dong::ZERO);
    // Behind the core's back: a return the box cannot cover is refused by the store.
    let conn = Connection::open(&path).unwrap();
    let err = conn
        .execute(
            "INSERT INTO cash_returns (id, event_seq, amount) VALUES ('x', 1, 1000)",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("balance_after"), "{err}");
    // And a movement whose balance does not follow from the one before is refused.
    let err = conn
        .execute(
            "INSERT INTO cash_movements (seq, event_seq, kind, delta, balance_after)
             VALUES ((SELECT max(seq) + 1 FROM cash_movements), 1, 'advance', 1000, 5000000)",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("does not follow"), "{err}");
}

#[test]
fn a_count_that_differs_is_recorded_not_smoothed() {
    let mut f = fixture();
    pay(&mut f, "QH-0002").unwrap(); // on hand: 91.059.000
    let clerk = f.clerk.clone();
    let count = CashCount::parse_entries(&["500000=182", "50000=1"]).unwrap(); // 91.050.000
    let r = f.ledger.record_count(&clerk, &count).unwrap();
    assert_eq!(
        (r.counted, r.expected, r.difference),
        (dong(91_050_000), dong(91_059_000), dong(-9_000))
    );
    // Cash on hand stays what the events say.
    assert_eq!(f.ledger.cash_on_hand().unwrap(), dong(91_059_000));
    let st = f.ledger.cash_status().unwrap();
    assert_eq!(st.last_count.unwrap().difference, dong(-9_000));
    assert_eq!(st.advanced, dong(100_000_000));
    assert_eq!(st.paid_out, dong(8_941_000));
}

// Invariant 4: the hash chain detects a deleted or altered event.

#[test]
fn every_event_is_chained_and_tampering_is_detected() {
    let mut f = fixture();
    pay(&mut f, "QH-0001").unwrap();
    pay(&mut f, "QH-0002").unwrap();
    let events = f.ledger.events_after(0, 1000).unwrap();
    assert!(events.len() >= 7);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.seq, i as u64 + 1);
        assert_eq!(e.id.get_version_num(), 7, "UUIDv7");
        assert_eq!(e.device, f.ledger.device().id);
        assert_eq!(e.hash, e.compute_hash());
        if i > 0 {
            assert_eq!(e.prev, events[i - 1].hash);
        }
    }
    let payouts: Vec<_> = events
        .iter()
        .filter(|e| e.kind == paypoint::event::EventKind::Payout)
        .collect();
    assert!(
        payouts.iter().all(|e| e.clerk == Some(1)),
        "money events name the clerk"
    );
    let report = f.ledger.verify().unwrap();
    assert!(report.chain_ok);
    assert_eq!(report.events, events.len() as u64);

    // A tamperer who drops the guard and edits an amount is caught at that event.
    let conn = raw(&f);
    conn.execute_batch("DROP TRIGGER events_no_update").unwrap();
    let target = payouts[0].seq;
    conn.execute(
        "UPDATE events SET payload = json_set(payload, '$.amount', 1) WHERE seq = ?1",
        [target],
    )
    .unwrap();
    let report = f.ledger.verify().unwrap();
    assert!(!report.chain_ok);
    assert_eq!(report.first_broken.unwrap().seq, target);
}

#[test]
fn a_deleted_event_is_detected() {
    let mut f = fixture();
    pay(&mut f, "QH-0001").unwrap();
    pay(&mut f, "QH-0002").unwrap();
    let conn = raw(&f);
    conn.execute_batch("PRAGMA foreign_keys = OFF; DROP TRIGGER events_no_delete;")
        .unwrap();
    let victim: i64 = conn
        .query_row(
            "SELECT min(seq) FROM events WHERE kind = 'payout'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    conn.execute("DELETE FROM events WHERE seq = ?1", [victim])
        .unwrap();
    let report = f.ledger.verify().unwrap();
    assert!(!report.chain_ok);
    assert_eq!(report.first_broken.unwrap().seq, victim as u64 + 1);
}

#[test]
fn an_altered_roll_amount_is_detected() {
    let f = fixture();
    assert_eq!(f.ledger.verify_rolls().unwrap(), None);
    let conn = raw(&f);
    conn.execute_batch(
        "DROP TRIGGER lines_no_update; UPDATE lines SET amount = amount + 1000 WHERE id = 1;",
    )
    .unwrap();
    assert_eq!(f.ledger.verify_rolls().unwrap(), Some((period(), 1)));
}

// Invariant 5 (crash safety) is attacked with SIGKILL in tests/cli_crash.rs.

#[test]
fn a_refused_roll_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("l.sqlite");
    let mut ledger = Ledger::init(&path, "QH01", "Điểm chi trả").unwrap();
    let mut roll = small_roll();
    roll.entries[2].code = code("QH-0001");
    let err = ledger.load_roll(&roll, "test", false).unwrap_err();
    assert!(err.to_string().contains("QH-0001"), "{err}");
    let mut roll = small_roll();
    roll.entries[1].name = "  ".into();
    assert!(ledger.load_roll(&roll, "test", false).is_err());
    assert!(small_roll().verify_total(dong(1)).is_err());
    small_roll()
        .verify_total(dong(
            2_789_000 + 5_578_000 + 8_941_000 + 2_911_000 + 1_800_000 + 1_878_000 + 1_639_000,
        ))
        .unwrap();
    assert_eq!(ledger.event_count().unwrap(), 1);
    assert_eq!(ledger.open_period().unwrap(), None);
    ledger.load_roll(&small_roll(), "test", false).unwrap();
    assert!(
        ledger.load_roll(&small_roll(), "test", false).is_err(),
        "a period's roll loads once"
    );
}

// Proxies and home visits follow the counter's rules.

#[test]
fn only_the_authorised_proxy_with_a_valid_authorisation_is_paid() {
    let mut f = fixture();
    let clerk = f.clerk.clone();
    let proxy = |name: &str, id: &str| PayoutRequest {
        recipient: Recipient::Proxy {
            name: name.into(),
            id_card: id.into(),
        },
        ..PayoutRequest::at_counter(code("QH-0004"))
    };
    assert!(matches!(
        f.ledger
            .record_payout(&clerk, &proxy("Ai Đó", "000000000000")),
        Err(PayoutError::ProxyNotAuthorised(_))
    ));
    f.ledger
        .record_payout(&clerk, &proxy("Trần Thị Lan", "044 188 009 999"))
        .unwrap();
    let expired = PayoutRequest {
        recipient: Recipient::Proxy {
            name: "Lê Thị Hoa".into(),
            id_card: "044188001111".into(),
        },
        ..PayoutRequest::at_counter(code("QH-0005"))
    };
    match f.ledger.record_payout(&clerk, &expired) {
        Err(PayoutError::ProxyNotAuthorised(m)) => assert!(m.contains("hết hạn"), "{m}"),
        other => panic!("expected an expired authorisation, got {other:?}"),
    }
    let no_proxy = PayoutRequest {
        recipient: Recipient::Proxy {
            name: "X".into(),
            id_card: "1".into(),
        },
        ..PayoutRequest::at_counter(code("QH-0001"))
    };
    assert!(matches!(
        f.ledger.record_payout(&clerk, &no_proxy),
        Err(PayoutError::ProxyNotAuthorised(_))
    ));
}

/// A proxy not on the roll, or whose authorisation expired, is paid on a fresh authorisation only
/// with a supervisor's approval: the core says so, and the store refuses a row that claims a
/// proxy added at the counter without an approver, whoever writes it.
#[test]
fn a_new_proxy_at_the_counter_needs_a_supervisor_in_the_core_and_in_the_store() {
    let mut f = fixture();
    let (clerk, supervisor) = (f.clerk.clone(), f.supervisor.clone());
    let today = chrono::Local::now().date_naive();
    let renewal = |approval: Option<Approval>| PayoutRequest {
        recipient: Recipient::NewProxy(NewAuthorisation {
            name: "Lê Thị Hoa".into(),
            id_card: "044188001111".into(),
            relationship: "con gái".into(),
            authorised_on: today - chrono::Duration::days(3),
            valid_until: today + chrono::Duration::days(200),
        }),
        approval,
        ..PayoutRequest::at_counter(code("QH-0005"))
    };
    match f.ledger.record_payout(&clerk, &renewal(None)) {
        Err(PayoutError::Authorisation(AuthorisationError::NeedsSupervisor)) => {}
        other => panic!("expected the supervisor to be asked for, got {other:?}"),
    }
    let approval = Approval {
        approver: supervisor,
        note: "giấy ủy quyền mới, UBND xã xác nhận".into(),
    };
    let paid = f
        .ledger
        .record_payout(&clerk, &renewal(Some(approval)))
        .unwrap();
    let conn = raw(&f);
    let (added, approver): (bool, Option<i64>) = conn
        .query_row(
            "SELECT proxy_added_at_counter, approver_id FROM payouts WHERE id = ?1",
            [paid.payout_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(added && approver == Some(2));
    // Behind the core's back: a row claiming a counter proxy with nobody approving.
    let id = uuid::Uuid::now_v7().to_string();
    conn.execute(
        "INSERT INTO events (seq, id, device_id, clerk_id, local_time, kind, payload, prev_hash, hash)
         SELECT max(seq) + 1, ?1, 'x', 1, '2026-12-02', 'payout', '{}',
                (SELECT hash FROM events ORDER BY seq DESC LIMIT 1), ?2 FROM events",
        [&id, &format!("{:064x}", rand_u128())],
    )
    .unwrap();
    let err = conn
        .execute(
            "INSERT INTO payouts (id, event_seq, beneficiary_id, recipient, proxy_name, proxy_id_card, at_home, clerk_id, paid_at, proxy_added_at_counter)
             SELECT ?1, (SELECT max(seq) FROM events), b.id, 'proxy', 'X', '001080012345', 0, 1, '2026-12-02', 1
             FROM beneficiaries b WHERE b.code = 'QH-0002'",
            [&id],
        )
        .unwrap_err();
    assert_eq!(
        StoreRefusal::of(&err),
        Some(StoreRefusal::NeedsSupervisor),
        "{err}"
    );
}

/// Two devices at one pay point (issue 17): once a person is handed to another device, this one
/// refuses to pay them, through the core and through raw SQL; and a second device holds nobody
/// until people are handed to it.
#[test]
fn a_person_held_by_another_device_is_never_paid_here() {
    let mut f = fixture();
    let (clerk, supervisor) = (f.clerk.clone(), f.supervisor.clone());
    let choice = paypoint::hold::Choice::Codes(vec![code("QH-0002")]);
    assert_eq!(
        f.ledger
            .give(&clerk, "0193a5c2", &choice)
            .unwrap_err()
            .code(),
        "not_supervisor",
        "only a supervisor hands people over"
    );
    let file = f.ledger.give(&supervisor, "0193a5c2", &choice).unwrap();
    assert_eq!(file.body.codes, vec!["QH-0002".to_string()]);
    match pay(&mut f, "QH-0002") {
        Err(PayoutError::HeldElsewhere { device, .. }) => assert_eq!(device, "0193a5c2"),
        other => panic!("expected held elsewhere, got {other:?}"),
    }
    let conn = raw(&f);
    let err = raw_payout(&conn, "QH-0002").unwrap_err();
    assert_eq!(
        StoreRefusal::of(&err),
        Some(StoreRefusal::HeldElsewhere),
        "{err}"
    );
    // The others are still paid here; a device set up as the second holds nobody.
    pay(&mut f, "QH-0001").unwrap();
    f.ledger.hold_second(&supervisor).unwrap();
    let err = raw_payout(&conn, "QH-0003").unwrap_err();
    assert_eq!(
        StoreRefusal::of(&err),
        Some(StoreRefusal::HeldElsewhere),
        "{err}"
    );
    assert!(matches!(
        pay(&mut f, "QH-0003"),
        Err(PayoutError::HeldElsewhere { .. })
    ));
}

#[test]
fn home_visits_pay_or_stop_in_the_same_commit() {
    let mut f = fixture();
    let clerk = f.clerk.clone();
    let absent = f
        .ledger
        .record_visit(
            &clerk,
            &code("QH-0001"),
            VisitOutcome::Absent,
            Recipient::Beneficiary,
            "đi vắng",
        )
        .unwrap();
    assert!(absent.payout.is_none());
    let paid = f
        .ledger
        .record_visit(
            &clerk,
            &code("QH-0001"),
            VisitOutcome::Paid,
            Recipient::Beneficiary,
            "",
        )
        .unwrap();
    assert_eq!(paid.payout.unwrap().amount, dong(8_367_000));
    // A second "paid" visit cannot pay twice, and writes nothing.
    let before = f.ledger.event_count().unwrap();
    assert!(f
        .ledger
        .record_visit(
            &clerk,
            &code("QH-0001"),
            VisitOutcome::Paid,
            Recipient::Beneficiary,
            ""
        )
        .is_err());
    assert_eq!(f.ledger.event_count().unwrap(), before);
    let died = NaiveDate::from_ymd_opt(2026, 11, 28);
    let dead = f
        .ledger
        .record_visit_with(
            &clerk,
            VisitOutcome::Deceased,
            died,
            "",
            &PayoutRequest::at_counter(code("QH-0002")),
        )
        .unwrap();
    let stop = dead.stop.unwrap();
    assert_eq!((stop.reason, stop.date), (StopReason::Death, died));
    assert!(matches!(
        pay(&mut f, "QH-0002"),
        Err(PayoutError::Stopped { .. })
    ));
}

/// Issue 14: a death is reported with its date, at the counter and at the home alike (the rule is
/// the stop's, in the core); a visit's date goes only with an outcome that stops; a move may go
/// without; a stop the managing office sent without a date is still taken as sent.
#[test]
fn a_death_needs_its_date_at_the_counter_and_at_the_home() {
    let mut f = fixture();
    let clerk = f.clerk.clone();
    let before = f.ledger.event_count().unwrap();
    let err = f
        .ledger
        .report_stop(&clerk, &code("QH-0001"), StopReason::Death, None, "")
        .unwrap_err();
    assert!(matches!(err, StopError::DeathDateMissing), "{err:?}");
    assert_eq!(err.code(), "death_date_missing");
    assert!(err.to_string().contains("ngày mất"), "{err}");
    let at_home = |f: &mut Fixture, outcome, date| {
        f.ledger.record_visit_with(
            &clerk,
            outcome,
            date,
            "",
            &PayoutRequest::at_counter(code("QH-0001")),
        )
    };
    let err = at_home(&mut f, VisitOutcome::Deceased, None).unwrap_err();
    assert!(
        matches!(err, VisitError::Stop(StopError::DeathDateMissing)),
        "{err:?}"
    );
    assert_eq!(err.code(), "death_date_missing");
    let yesterday = chrono::Local::now().date_naive().pred_opt();
    let err = at_home(&mut f, VisitOutcome::Absent, yesterday).unwrap_err();
    assert_eq!(err.code(), "date_without_stop", "{err}");
    assert_eq!(
        f.ledger.event_count().unwrap(),
        before,
        "a refused visit writes nothing, not even the visit"
    );
    assert!(f
        .ledger
        .beneficiary(&code("QH-0001"))
        .unwrap()
        .unwrap()
        .stop
        .is_none());

    let tomorrow = chrono::Local::now().date_naive().succ_opt();
    let err = at_home(&mut f, VisitOutcome::Deceased, tomorrow).unwrap_err();
    assert_eq!(err.code(), "date_in_future", "{err}");
    let r = at_home(&mut f, VisitOutcome::Deceased, yesterday).unwrap();
    assert_eq!(r.stop.unwrap().date, yesterday);
    let card = f.ledger.beneficiary(&code("QH-0001")).unwrap().unwrap();
    assert_eq!(
        card.stop.unwrap().date,
        yesterday,
        "the card and the papers read it"
    );
    // A move found at the door may not have a date.
    let moved = f
        .ledger
        .record_visit_with(
            &clerk,
            VisitOutcome::Moved,
            None,
            "",
            &PayoutRequest::at_counter(code("QH-0002")),
        )
        .unwrap();
    assert_eq!(moved.stop.unwrap().date, None);
    // A stop the managing office sent without a date (as older releases reported deaths): taken.
    let seq = f
        .ledger
        .write(|w| paypoint::sync::client::apply_stop_in(w, 1, "QH-0003", "death", None, "báo tử"))
        .unwrap();
    assert!(seq.is_some());
    let card = f.ledger.beneficiary(&code("QH-0003")).unwrap().unwrap();
    assert_eq!(card.stop.map(|s| s.date), Some(None));
}

// Clerks: PINs, lock-out.

#[test]
fn five_wrong_pins_lock_the_clerk_out() {
    let mut f = fixture();
    let wrong = Pin::new("0000").unwrap();
    for left in (1..=4).rev() {
        match f.ledger.sign_in(1, &wrong) {
            Err(ClerkError::WrongPin { left: l, .. }) => assert_eq!(l, left),
            other => panic!("expected WrongPin, got {other:?}"),
        }
    }
    assert!(matches!(
        f.ledger.sign_in(1, &wrong),
        Err(ClerkError::LockedOut {
            minutes_left: 15,
            ..
        })
    ));
    // Even the right PIN is refused while locked.
    assert!(matches!(
        f.ledger.sign_in(1, &Pin::new("1234").unwrap()),
        Err(ClerkError::LockedOut { .. })
    ));
    // Another clerk is not affected.
    f.ledger.sign_in(2, &Pin::new("9999").unwrap()).unwrap();
    assert!(Pin::new("12").is_err());
    assert!(Pin::new("12a4").is_err());
    assert_eq!(format!("{:?}", Pin::new("1234").unwrap()), "Pin(***)");
}

#[test]
fn a_right_pin_clears_the_failure_count() {
    let mut f = fixture();
    let wrong = Pin::new("0000").unwrap();
    for _ in 0..4 {
        assert!(f.ledger.sign_in(1, &wrong).is_err());
    }
    f.ledger.sign_in(1, &Pin::new("1234").unwrap()).unwrap();
    assert!(matches!(
        f.ledger.sign_in(1, &wrong),
        Err(ClerkError::WrongPin { left: 4, .. })
    ));
}

// Status reflects the roll exactly.

#[test]
fn status_adds_up() {
    let mut f = fixture();
    pay(&mut f, "QH-0001").unwrap();
    let s = f.ledger.status().unwrap();
    let total = 2_789_000 + 5_578_000 + 8_941_000 + 2_911_000 + 1_800_000 + 1_878_000 + 1_639_000;
    assert_eq!(s.period, Some(period()));
    assert_eq!(
        (s.beneficiaries, s.lines, s.paid_lines, s.paid_beneficiaries),
        (5, 7, 2, 1)
    );
    assert_eq!(s.total_due, dong(total));
    assert_eq!(s.paid_amount, dong(8_367_000));
    assert_eq!(s.unpaid_amount, dong(total - 8_367_000));
    assert_eq!(s.cash_on_hand, dong(100_000_000 - 8_367_000));
}

#[test]
fn the_roll_reads_back_exactly_as_loaded() {
    let f = fixture();
    let back = f.ledger.roll(period(), 1).unwrap().unwrap();
    assert_eq!(back, small_roll().normalised());
    assert_eq!(back.content_hash(), small_roll().content_hash());
}

#[test]
fn reopening_an_uninitialised_or_initialised_file_is_clear() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.sqlite");
    assert!(matches!(
        Ledger::open(&path),
        Err(LedgerError::NotInitialised(_))
    ));
    assert!(!path.exists(), "opening must not create a file");
    Ledger::init(&path, "QH01", "Điểm").unwrap();
    assert!(matches!(
        Ledger::init(&path, "QH02", "Khác"),
        Err(LedgerError::AlreadyInitialised { .. })
    ));
    assert!(Ledger::init(&dir.path().join("x.sqlite"), "", "Điểm").is_err());
    let nested = dir.path().join("a/b/c.sqlite");
    Ledger::init(&nested, "QH01", "Điểm").unwrap();
    let l = Ledger::open(&nested).unwrap();
    assert_eq!(l.device().pay_point_code, "QH01");
}

// Proof of life (issue 12): a person the managing office holds "to be confirmed" is still paid,
// but only with a supervisor (another person) and a note — through the API and in the store.
#[test]
fn a_person_to_be_confirmed_is_paid_only_with_a_supervisor_and_a_note() {
    let mut f = fixture();
    // The hold as the sync client records it from the hub's amendment (its event is any event).
    raw(&f)
        .execute(
            "INSERT INTO life_holds (code, periods, event_seq) VALUES ('QH-0004', '2026-09 2026-10 2026-11', 1)",
            [],
        )
        .unwrap();
    let card = f.ledger.beneficiary(&code("QH-0004")).unwrap().unwrap();
    let hold = card.to_confirm.expect("the card says so");
    assert_eq!(hold.periods, ["2026-09", "2026-10", "2026-11"]);
    assert!(hold.message_vi().contains("Chờ xác minh: 3 kỳ liền"));
    let before = event_and_projection_counts(&raw(&f));

    let clerk = f.clerk.clone();
    let unapproved = PayoutRequest::at_counter(code("QH-0004"));
    assert!(matches!(
        f.ledger.record_payout(&clerk, &unapproved),
        Err(PayoutError::NeedsApproval { .. })
    ));
    let with = |approver: &SignedIn, note: &str| PayoutRequest {
        approval: Some(Approval {
            approver: approver.clone(),
            note: note.into(),
        }),
        ..PayoutRequest::at_counter(code("QH-0004"))
    };
    assert!(matches!(
        f.ledger.record_payout(&clerk, &with(&clerk, "tự duyệt")),
        Err(PayoutError::Clerk(ClerkError::SamePerson))
    ));
    let sup = f.supervisor.clone();
    assert!(matches!(
        f.ledger.record_payout(&clerk, &with(&sup, "  ")),
        Err(PayoutError::NoteRequired)
    ));
    assert_eq!(
        event_and_projection_counts(&raw(&f)),
        before,
        "nothing written"
    );
    // Behind the core's back: the store refuses a payout row without its approval (the helper's
    // made-up event row stays; the payout does not).
    let err = raw_payout(&raw(&f), "QH-0004").unwrap_err();
    assert!(err.to_string().contains("to be confirmed"), "{err}");
    let rows: i64 = raw(&f)
        .query_row("SELECT count(*) FROM payouts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(rows, 0);

    let paid = f
        .ledger
        .record_payout(&clerk, &with(&sup, "Đã gặp cụ tại quầy, xem CCCD"))
        .unwrap();
    let (approver, note): (i64, String) = raw(&f)
        .query_row(
            "SELECT approver_id, approval_note FROM payouts WHERE id = ?1",
            [paid.payout_id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (approver, note.as_str()),
        (2, "Đã gặp cụ tại quầy, xem CCCD")
    );
    // Others are paid as before.
    pay(&mut f, "QH-0001").unwrap();
}

// One rule, one place (issue 13): the store defines a line's state once (`line_state`); every
// reader agrees with it, and the core's rule for stops says what the store says.

#[test]
fn the_card_search_and_status_agree_on_every_lines_state() {
    let mut f = fixture();
    pay(&mut f, "QH-0001").unwrap();
    let reversed = pay(&mut f, "QH-0002").unwrap();
    let (clerk, sup) = (f.clerk.clone(), f.supervisor.clone());
    f.ledger
        .reverse_payout(&clerk, &sup, reversed.payout_id, "chi nhầm")
        .unwrap();
    f.ledger
        .report_stop(
            &clerk,
            &code("QH-0003"),
            StopReason::Death,
            NaiveDate::from_ymd_opt(2026, 11, 20),
            "",
        )
        .unwrap();
    // An amended roll withdraws QH-0005's only line: they leave the roll.
    let mut v2 = small_roll();
    v2.version = 2;
    v2.entries.retain(|e| e.code.as_str() != "QH-0005");
    f.ledger.apply_roll(&v2, "test v2").unwrap();

    let hits = f.ledger.search("", None).unwrap();
    let codes: Vec<_> = hits.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(codes, ["QH-0001", "QH-0002", "QH-0003", "QH-0004"]);
    let (mut paid, mut due, mut stopped) = (0, 0, 0);
    for hit in &hits {
        let card = f.ledger.beneficiary(&code(&hit.code)).unwrap().unwrap();
        assert_eq!(
            (hit.due, hit.paid, hit.status),
            (card.due, card.paid, card.status),
            "{}",
            hit.code
        );
        paid += card.paid.as_i64();
        due += card.due.as_i64();
        stopped += card.due.as_i64() - card.payable.as_i64();
    }
    let s = f.ledger.status().unwrap();
    assert_eq!(s.paid_amount, dong(paid));
    assert_eq!(s.unpaid_amount, dong(due));
    assert_eq!(s.stopped_amount, dong(stopped));
    assert_eq!(
        (paid, stopped),
        (2_789_000 + 5_578_000, 2_911_000),
        "QH-0001 paid, QH-0002 reversed, QH-0003's monthly line stopped and its funeral line not"
    );
}

#[test]
fn the_store_blocks_after_a_stop_exactly_the_line_kinds_the_core_says() {
    let kinds = LineKind::ALL;
    let mut f = fixture();
    let mut roll = small_roll();
    roll.version = 2;
    roll.entries[1].lines = kinds.iter().map(|&k| line(k, 1_000_000)).collect();
    f.ledger.apply_roll(&roll, "every kind").unwrap();
    let clerk = f.clerk.clone();
    f.ledger
        .report_stop(
            &clerk,
            &code("QH-0002"),
            StopReason::Death,
            NaiveDate::from_ymd_opt(2026, 11, 20),
            "",
        )
        .unwrap();
    let conn = raw(&f);
    let mut stmt = conn
        .prepare("SELECT kind, stopped FROM line_state WHERE code = 'QH-0002' AND NOT withdrawn")
        .unwrap();
    let seen: Vec<(String, bool)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(seen.len(), kinds.len());
    for (kind, stopped) in seen {
        let k = LineKind::parse(&kind).unwrap();
        assert_eq!(stopped, k.blocked_by_stop(), "{kind}");
    }
    // And the payout pays exactly the line the rule leaves payable.
    assert_eq!(pay(&mut f, "QH-0002").unwrap().amount, dong(1_000_000));
}

#[test]
fn the_card_says_why_not_before_the_payout_refuses_with_the_same_code() {
    let mut f = fixture();
    let card = |f: &Fixture, c: &str| f.ledger.beneficiary(&code(c)).unwrap().unwrap();
    assert_eq!(
        card(&f, "QH-0001").payability,
        paypoint::payability::Payability::Payable {
            amount: dong(2_789_000 + 5_578_000),
            needs_approval: false
        }
    );
    pay(&mut f, "QH-0001").unwrap();
    let clerk = f.clerk.clone();
    f.ledger
        .report_stop(&clerk, &code("QH-0002"), StopReason::Moved, None, "")
        .unwrap();
    for (c, why) in [("QH-0001", "already_paid"), ("QH-0002", "stopped")] {
        let view = card(&f, c);
        assert_eq!(view.payability.code(), why, "{c}");
        assert_eq!(PayoutError::not_payable(&view).map(|e| e.code()), Some(why));
        let before = event_and_projection_counts(&raw(&f));
        assert_eq!(pay(&mut f, c).unwrap_err().code(), why, "{c}");
        assert_eq!(event_and_projection_counts(&raw(&f)), before);
    }
    // After the period closes, the card of that period says so.
    f.ledger.close_period(&clerk).unwrap();
    let closed = f
        .ledger
        .beneficiary_in(period(), &code("QH-0004"))
        .unwrap()
        .unwrap();
    assert_eq!(closed.payability.code(), "period_closed");
}

/// Issue 14: the day's supervisor is a recorded fact like money: the latest record of a day is
/// the one in force, the earlier one stays; a record without a name or an office is refused by
/// the API and by the store; nothing recorded is edited or deleted.
#[test]
fn the_days_supervisor_is_recorded_once_per_event_and_never_edited() {
    use paypoint::supervisor::SupervisorError;
    let mut f = fixture();
    let clerk = f.clerk.clone();
    let day = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    assert_eq!(f.ledger.day_supervisor(day).unwrap(), None);
    let before = f.ledger.event_count().unwrap();
    assert!(matches!(
        f.ledger
            .record_day_supervisor(&clerk, day, "  ", "UBND xã Quảng Hưng"),
        Err(SupervisorError::NoName)
    ));
    assert!(matches!(
        f.ledger
            .record_day_supervisor(&clerk, day, "Nguyễn Thị Hoa", ""),
        Err(SupervisorError::NoOffice)
    ));
    assert!(matches!(
        f.ledger
            .record_day_supervisor(&clerk, day, &"x".repeat(200), "UBND xã"),
        Err(SupervisorError::TooLong { .. })
    ));
    assert_eq!(f.ledger.event_count().unwrap(), before, "nothing written");
    f.ledger
        .record_day_supervisor(
            &clerk,
            day,
            "Nguyễn  Thị Hoa",
            "Công chức, UBND xã Quảng Hưng",
        )
        .unwrap();
    let second = f
        .ledger
        .record_day_supervisor(
            &clerk,
            day,
            "Phạm Văn Tâm",
            "Phó Chủ tịch UBND xã Quảng Hưng",
        )
        .unwrap();
    let now = f.ledger.day_supervisor(day).unwrap().unwrap();
    assert_eq!(now, second, "the latest record of the day is in force");
    assert_eq!(
        f.ledger.day_supervisor(day.succ_opt().unwrap()).unwrap(),
        None
    );
    let conn = raw(&f);
    for sql in [
        "UPDATE day_supervisors SET name = 'x'",
        "DELETE FROM day_supervisors",
    ] {
        let err = conn.execute(sql, []).unwrap_err();
        assert!(err.to_string().contains("ledger:"), "{sql}: {err}");
    }
    // The store's own CHECK refuses an empty name from any writer.
    let err = conn
        .execute(
            "INSERT INTO day_supervisors (event_seq, day, name, office)
             VALUES (1, '2026-12-04', ' ', 'UBND xã')",
            [],
        )
        .unwrap_err();
    assert!(err.to_string().contains("CHECK"), "{err}");
    let names: Vec<String> = conn
        .prepare("SELECT name FROM day_supervisors ORDER BY event_seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        names,
        ["Nguyễn Thị Hoa", "Phạm Văn Tâm"],
        "both kept, cleaned"
    );
    assert!(f.ledger.verify().unwrap().chain_ok);
}

/// Records the office's decision on an account behind the sync client's back, as its amendment
/// would (the store's rule is what is under test, not the protocol).
fn raw_account_decision(conn: &Connection, c: &str, decision: &str, period: &str, amendment: i64) {
    conn.execute(
        "INSERT INTO account_decisions (code, decision, period, bank, masked, reason, amendment, event_seq)
         VALUES (?1, ?2, ?3, '970405', '*********0123', '', ?4, ?4)",
        rusqlite::params![c, decision, period, amendment],
    )
    .unwrap();
}

#[test]
fn a_person_paid_by_account_is_never_paid_in_cash_unless_put_back_for_the_period() {
    let mut f = fixture();
    let conn = raw(&f);
    let p = period().to_string();
    raw_account_decision(&conn, "QH-0002", "confirmed", &p, 1);
    match pay(&mut f, "QH-0002") {
        Err(PayoutError::ByAccount { from, .. }) => assert_eq!(from, period()),
        other => panic!("expected by account, got {other:?}"),
    }
    let card = f.ledger.beneficiary(&code("QH-0002")).unwrap().unwrap();
    assert_eq!(card.status, paypoint::model::PayStatus::ByAccount);
    assert!(card.lines.iter().all(|l| l.by_account && !l.payable));
    // Behind the core's back, the store refuses the line too.
    let lid = line_id(&conn, "QH-0002", "monthly");
    let pid = raw_payout(&conn, "QH-0002").unwrap();
    let err = conn
        .execute(
            "INSERT INTO payout_lines (payout_id, line_id, amount) SELECT ?1, id, amount FROM lines WHERE id = ?2",
            rusqlite::params![pid, lid],
        )
        .unwrap_err();
    assert_eq!(
        StoreRefusal::of(&err),
        Some(StoreRefusal::ByAccount),
        "{err}"
    );
    let s = f.ledger.status().unwrap();
    assert_eq!(s.by_account.by_account_people, 1);
    // Confirmed from a later period: paid in cash now. Put back on cash for this one: paid once.
    raw_account_decision(
        &conn,
        "QH-0001",
        "confirmed",
        &period().next().to_string(),
        2,
    );
    pay(&mut f, "QH-0001").unwrap();
    raw_account_decision(&conn, "QH-0002", "to_cash", &p, 3);
    pay(&mut f, "QH-0002").unwrap();
    assert!(matches!(
        pay(&mut f, "QH-0002"),
        Err(PayoutError::AlreadyPaid { .. })
    ));
}
