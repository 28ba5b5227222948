//! The documented commands of the `paypoint` binary, and each money-safety invariant attacked
//! through it: a refusal exits 1 with a clear Vietnamese reason and writes nothing.

mod common;

use common::{
    assert_verified, cli, events_of, setup_ledger, Cli, CLERK_ID, PERIOD, SUPERVISOR_ID,
    SUPERVISOR_PIN,
};

/// Events in the log, to show that a refusal wrote nothing.
fn event_count(cli: &Cli) -> u64 {
    cli.status()["events"].as_u64().unwrap()
}

fn refused(cli: &Cli, args: &[&str], reason: &str) {
    let before = event_count(cli);
    let out = cli.run(args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{args:?} should be refused: {out:?}"
    );
    assert!(
        out.stderr.contains(reason),
        "{args:?}: expected “{reason}” in {:?}",
        out.stderr
    );
    assert!(out.stderr.starts_with("Lỗi: "), "{:?}", out.stderr);
    assert_eq!(
        event_count(cli),
        before,
        "{args:?} wrote something although refused"
    );
}

#[test]
fn a_day_at_the_counter_through_the_command_line() {
    let f = setup_ledger(30);
    let cli = &f.cli;
    let clerk = CLERK_ID.to_string();

    let s = cli.status();
    for field in [
        "period",
        "beneficiaries",
        "lines",
        "total_due",
        "paid_lines",
        "paid_amount",
        "unpaid_amount",
        "cash_on_hand",
        "events",
    ] {
        assert!(s.get(field).is_some(), "status lacks {field}: {s}");
    }
    assert_eq!(s["period"], "2026-12");
    assert_eq!(s["beneficiaries"], 30);
    assert_eq!(s["total_due"], f.total_due);
    assert_eq!(s["cash_on_hand"], f.advance);

    let code = &f.codes[3];
    let found = cli.json(&["search", code]);
    let hit = &found[0];
    for field in ["code", "name", "village", "due", "paid"] {
        assert!(hit.get(field).is_some(), "search hit lacks {field}: {hit}");
    }
    let due = hit["due"].as_i64().unwrap();
    assert_eq!(hit["paid"], 0);

    let paid = cli.json(&["pay", code, "--clerk", &clerk]);
    assert_eq!(paid["amount"], due);
    let payout_id = paid["payout_id"].as_str().unwrap().to_string();

    // Invariant 1 through the CLI: the second payment is refused and writes nothing.
    refused(cli, &["pay", code, "--clerk", &clerk], "đã nhận đủ tiền");
    let hit = &cli.json(&["search", code])[0];
    assert_eq!(
        (hit["due"].as_i64(), hit["paid"].as_i64()),
        (Some(0), Some(due))
    );

    // Reversal: needs the approver to be a supervisor, and a different person.
    refused(
        cli,
        &[
            "reverse",
            &payout_id,
            "--reason",
            "nhầm",
            "--clerk",
            &clerk,
            "--approver",
            &clerk,
        ],
        "người khác",
    );
    let rev = cli.json(&[
        "reverse",
        &payout_id,
        "--reason",
        "trả nhầm người",
        "--clerk",
        &clerk,
        "--approver",
        &SUPERVISOR_ID.to_string(),
    ]);
    assert_eq!(rev["amount"], due);
    assert_eq!(cli.status()["cash_on_hand"], f.advance);
    // Wrong approver PIN: refused.
    let out = cli.run_env(
        &[
            "reverse",
            &payout_id,
            "--reason",
            "x",
            "--clerk",
            &clerk,
            "--approver",
            "2",
        ],
        &[("PAYPOINT_APPROVER_PIN", "0000")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("sai mã PIN"), "{}", out.stderr);

    // Home visit outcomes.
    let other = &f.codes[4];
    let v = cli.json(&[
        "visit",
        other,
        "--outcome",
        "absent",
        "--note",
        "đi vắng",
        "--clerk",
        &clerk,
    ]);
    assert_eq!(v["outcome"], "absent");
    let v = cli.json(&["visit", other, "--outcome", "paid", "--clerk", &clerk]);
    assert!(v["payout"]["payout_id"].is_string());

    // Invariant 2 through the CLI: a stopped beneficiary cannot be paid.
    let dead = &f.codes[5];
    let st = cli.json(&[
        "stop",
        dead,
        "--reason",
        "death",
        "--date",
        "2026-11-20",
        "--clerk",
        &clerk,
    ]);
    assert_eq!(st["reason"], "death");
    refused(cli, &["pay", dead, "--clerk", &clerk], "báo giảm");

    // Cash count with a discrepancy, recorded as found.
    let on_hand = cli.status()["cash_on_hand"].as_i64().unwrap();
    let notes_500k = on_hand / 500_000;
    let count = cli.json(&[
        "cash",
        "count",
        &format!("500000={notes_500k}"),
        "--clerk",
        &clerk,
    ]);
    assert_eq!(count["expected"], on_hand);
    assert_eq!(count["difference"], notes_500k * 500_000 - on_hand);
    let cash = cli.json(&["cash", "status"]);
    assert_eq!(
        cash["on_hand"], on_hand,
        "a count never changes cash on hand"
    );

    // Close the period: nothing more can be paid; the report is due by the 20th of the next month.
    let closed = cli.json(&["period", "close", "--clerk", &clerk]);
    assert_eq!(closed["report_due"], "2027-01-20", "{closed}");
    refused(
        cli,
        &["pay", &f.codes[6], "--clerk", &clerk],
        "không có kỳ chi trả nào đang mở",
    );

    assert_verified(cli);
    let v = cli.verify();
    assert_eq!(v["chain_ok"], true);
    assert!(v["events"].as_u64().unwrap() > 10);
}

#[test]
fn bad_input_is_refused_with_a_reason_and_changes_nothing() {
    let f = setup_ledger(5);
    let cli = &f.cli;
    let clerk = CLERK_ID.to_string();
    refused(
        cli,
        &["pay", "KHONG-CO", "--clerk", &clerk],
        "không tìm thấy",
    );
    refused(
        cli,
        &["pay", &f.codes[0], "--clerk", "99"],
        "không có nhân viên số 99",
    );
    refused(
        cli,
        &["cash", "advance", "1,5", "--clerk", &clerk],
        "phần lẻ",
    );
    refused(
        cli,
        &["cash", "advance", "abc", "--clerk", &clerk],
        "không phải số tiền",
    );
    refused(
        cli,
        &["cash", "count", "300000=2", "--clerk", &clerk],
        "mệnh giá",
    );
    refused(
        cli,
        &["cash", "return", "999999999999999", "--clerk", &clerk],
        "không thể nộp trả",
    );
    refused(
        cli,
        &[
            "reverse",
            "not-a-uuid",
            "--reason",
            "x",
            "--clerk",
            &clerk,
            "--approver",
            "2",
        ],
        "không hợp lệ",
    );
    refused(
        cli,
        &[
            "stop",
            &f.codes[0],
            "--reason",
            "death",
            "--date",
            "2999-01-01",
            "--clerk",
            &clerk,
        ],
        "tương lai",
    );
    refused(
        cli,
        &["roll", "demo", "--period", "2026-12", "--size", "3"],
        "đã có danh sách",
    );
    refused(
        cli,
        &[
            "pay",
            &f.codes[0],
            "--proxy-name",
            "Ai Đó",
            "--proxy-id",
            "1",
            "--clerk",
            &clerk,
        ],
        "ủy quyền",
    );
    // Wrong PIN: refused, and counted toward the lock-out.
    let out = cli.run_env(
        &["pay", &f.codes[0], "--clerk", &clerk],
        &[("PAYPOINT_PIN", "1111")],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("còn 4 lần thử"), "{}", out.stderr);
    // No PIN and no terminal: a clear message, not a hang.
    let mut c = cli.command(&["pay", &f.codes[0], "--clerk", &clerk]);
    c.env_remove("PAYPOINT_PIN");
    let out = paypoint_testkit::bins::output(&common::bin(), &mut c);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PAYPOINT_PIN"));
    // Usage errors exit 2.
    assert_eq!(cli.run(&["pay"]).status.code(), Some(2));
    assert_eq!(
        cli.run(&["visit", &f.codes[0], "--outcome", "gone"])
            .status
            .code(),
        Some(2)
    );
    // A JSON refusal is one JSON object naming the error.
    let out = cli.run(&["pay", "KHONG-CO", "--clerk", &clerk, "--json"]);
    assert!(out.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("KHONG-CO"));
    assert_verified(cli);
}

#[test]
fn init_and_open_say_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let cli = cli(dir.path().join("none.sqlite"));
    let out = cli.run(&["status"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.contains("chưa được khởi tạo") && out.stderr.contains("init"),
        "{}",
        out.stderr
    );
    assert!(!cli.db.exists());
    cli.json(&[
        "init",
        "--pay-point",
        "QH01",
        "--name",
        "Bưu điện văn hóa xã Quảng Hưng",
    ]);
    let out = cli.run(&["init", "--pay-point", "QH02", "--name", "Khác"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("đã được khởi tạo"));
    // With no roll yet, status answers and pay says what is missing.
    assert!(cli.status()["period"].is_null());
    let out = cli.run_env(
        &["clerk", "add", "--name", "Mai"],
        &[("PAYPOINT_PIN", "1234")],
    );
    assert!(out.ok(), "{}", out.stderr);
    let out = cli.run(&["pay", "X", "--clerk", "1"]);
    assert!(out.stderr.contains("nạp danh sách"), "{}", out.stderr);
    // The sole clerk is used when --clerk is left out.
    cli.json(&["roll", "demo", "--period", "2026-12", "--size", "3"]);
    let out = cli.run(&["cash", "advance", "100000000", "--json"]);
    assert!(out.ok(), "{}", out.stderr);
}

#[test]
fn words_reads_amounts_aloud() {
    let cli = cli("unused.sqlite");
    for (amount, words) in [
        ("0", "Không đồng"),
        ("5", "Năm đồng"),
        ("15", "Mười lăm đồng"),
        ("21", "Hai mươi mốt đồng"),
        ("25", "Hai mươi lăm đồng"),
        ("105", "Một trăm linh năm đồng"),
        ("1.005", "Một nghìn không trăm linh năm đồng"),
        ("10.005", "Mười nghìn không trăm linh năm đồng"),
        ("1.000.105", "Một triệu một trăm linh năm đồng"),
        ("2.055.000", "Hai triệu không trăm năm mươi lăm nghìn đồng"),
        ("511.000.000.000", "Năm trăm mười một tỷ đồng"),
    ] {
        let out = cli.run(&["words", amount]);
        assert!(out.ok(), "{amount}: {}", out.stderr);
        assert_eq!(out.stdout.trim(), words, "{amount}");
    }
    assert_eq!(cli.run(&["words", "1,5"]).status.code(), Some(1));
}

#[test]
fn search_through_the_cli_is_accent_insensitive() {
    let f = setup_ledger(200);
    let all = f.cli.json(&["search", ""]);
    assert_eq!(
        all.as_array().unwrap().len(),
        200,
        "an empty query lists the whole roll"
    );
    // Take a real name from the roll and type it without accents, in part.
    let name = all[17]["name"].as_str().unwrap().to_string();
    let folded = paypoint::text::fold(&name);
    let initials: Vec<String> = folded
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| {
            if i == 2 {
                w.to_string()
            } else {
                w[..w.len().min(2)].to_string()
            }
        })
        .collect();
    for q in [name.clone(), folded.clone(), initials.join(" ")] {
        let hits = f.cli.json(&["search", &q]);
        assert!(
            hits.as_array()
                .unwrap()
                .iter()
                .any(|h| h["name"] == name.as_str()),
            "{q:?} should find {name}"
        );
    }
    // The human table says how many were found.
    let out = f.cli.run(&["search", &folded]);
    assert!(out.stdout.contains("người."), "{}", out.stdout);
}

#[test]
fn a_supervisor_unlocks_a_locked_out_clerk_and_the_journal_says_who() {
    let f = setup_ledger(3);
    let cli = &f.cli;
    let clerk = CLERK_ID.to_string();
    for _ in 0..5 {
        let out = cli.run_env(
            &["pay", &f.codes[0], "--clerk", &clerk],
            &[("PAYPOINT_PIN", "1111")],
        );
        assert_eq!(out.status.code(), Some(1));
    }
    // Locked: even the right PIN is refused now.
    let out = cli.run(&["pay", &f.codes[0], "--clerk", &clerk]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.contains("khóa"), "{}", out.stderr);
    // A clerk cannot unlock anyone; a supervisor cannot unlock with a wrong PIN.
    let out = cli.run(&["clerk", "unlock", &clerk, "--clerk", &clerk]);
    assert_eq!(out.status.code(), Some(1));
    let supervisor = SUPERVISOR_ID.to_string();
    let out = cli.run_env(
        &["clerk", "unlock", &clerk, "--clerk", &supervisor],
        &[("PAYPOINT_PIN", "0000")],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = cli.run_env(
        &["clerk", "unlock", &clerk, "--clerk", &supervisor, "--json"],
        &[("PAYPOINT_PIN", SUPERVISOR_PIN)],
    );
    assert!(out.ok(), "{}", out.stderr);
    cli.json(&["pay", &f.codes[0], "--clerk", &clerk]);
    let unlocked = events_of(&cli.events(), "clerk_unlocked")
        .into_iter()
        .cloned()
        .collect::<Vec<_>>();
    assert_eq!(unlocked.len(), 1);
    assert_eq!(unlocked[0]["payload"]["by"], SUPERVISOR_ID);
    assert_verified(cli);
}

/// The values `print KIND` and `visit --outcome` take are the core's own lists, each with a help
/// line: a kind or outcome added to the core is offered here, and a typo is refused with the list
/// and writes nothing.
/// Issue 14: a death found at a home visit carries its date of death (`visit --date`), which the
/// core requires of every death reported here, at the counter (`stop`) as at the home.
#[test]
fn a_death_found_at_the_home_carries_its_date() {
    let f = setup_ledger(3);
    let cli = &f.cli;
    let clerk = CLERK_ID.to_string();
    let dead = &f.codes[0];
    refused(
        cli,
        &["visit", dead, "--outcome", "deceased", "--clerk", &clerk],
        "chưa có ngày mất",
    );
    refused(
        cli,
        &["stop", dead, "--reason", "death", "--clerk", &clerk],
        "chưa có ngày mất",
    );
    let out = cli.run(&[
        "visit",
        dead,
        "--outcome",
        "deceased",
        "--clerk",
        &clerk,
        "--json",
    ]);
    assert_eq!(out.json()["error"]["code"], "death_date_missing");
    let died = chrono::Local::now().date_naive() - chrono::Duration::days(2);
    let died = died.to_string();
    refused(
        cli,
        &[
            "visit",
            dead,
            "--outcome",
            "absent",
            "--date",
            &died,
            "--clerk",
            &clerk,
        ],
        "chỉ ghi khi kết quả đến nhà",
    );
    let v = cli.json(&[
        "visit",
        dead,
        "--outcome",
        "deceased",
        "--date",
        &died,
        "--note",
        "Con trai báo",
        "--clerk",
        &clerk,
    ]);
    assert_eq!(v["stop"]["reason"], "death", "{v}");
    assert_eq!(v["stop"]["date"], died.as_str(), "{v}");
    let card = cli.json(&["show", dead]);
    assert_eq!(card["stop"]["date"], died.as_str(), "{card}");
    let (y, m, d) = (&died[0..4], &died[5..7], &died[8..10]);
    let text = cli.run(&["show", dead]).stdout;
    assert!(
        text.contains(&format!("BÁO GIẢM: từ trần, ngày {d}/{m}/{y}")),
        "{text}"
    );
    // A move found at the door may go without a date.
    let v = cli.json(&[
        "visit",
        &f.codes[1],
        "--outcome",
        "moved",
        "--clerk",
        &clerk,
    ]);
    assert_eq!(v["stop"]["reason"], "moved", "{v}");
    assert_verified(cli);
}

#[test]
fn print_and_visit_take_exactly_the_cores_kinds_and_outcomes() {
    let f = setup_ledger(1);
    let before = f.cli.status()["events"].clone();
    let cases: [(&[&str], Vec<&str>); 2] = [
        (
            &["print", "sheett", "--out", "x.pdf"],
            paypoint::document::DocumentKind::ALL
                .iter()
                .map(|k| k.as_str())
                .collect(),
        ),
        (
            &["visit", "QH01-000001", "--outcome", "dead"],
            paypoint::visit::VisitOutcome::ALL
                .iter()
                .map(|o| o.as_str())
                .collect(),
        ),
    ];
    for (args, names) in cases {
        let out = f.cli.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", out.stderr);
        let listed = format!("[possible values: {}]", names.join(", "));
        assert!(out.stderr.contains(&listed), "{args:?}: {}", out.stderr);
        let help = f.cli.run(&[args[0], "--help"]).stdout;
        for name in names {
            assert!(
                help.lines()
                    .any(|l| l.trim_start().starts_with(&format!("- {name}:"))),
                "`{} --help` explains {name}:\n{help}",
                args[0]
            );
        }
    }
    assert_eq!(
        f.cli.status()["events"],
        before,
        "a refused value writes nothing"
    );
}

/// `roll demo` says which of its people the family reported dead, with the date, and the clerk
/// records them with `stop`: the demo month then has its deaths with their dates, as a month has.
#[test]
fn the_demo_roll_names_its_deaths_with_their_dates_and_stop_records_them() {
    let f = setup_ledger(8);
    let cli = &f.cli;
    let out = cli.run(&[
        "roll", "demo", "--period", "2027-01", "--size", "200", "--seed", "3",
    ]);
    assert!(out.ok(), "{}", out.stderr);
    assert!(out.stdout.contains("người mất"), "{}", out.stdout);
    let dir = tempfile::tempdir().unwrap();
    let other = common::cli(dir.path().join("b.sqlite"));
    other.json(&["init", "--pay-point", "QH01", "--name", "Điểm chi trả"]);
    let v = other.json(&[
        "roll", "demo", "--period", "2026-12", "--size", "200", "--seed", "3",
    ]);
    let deaths = v["deaths"].as_array().unwrap();
    assert_eq!(deaths.len(), 2, "one in a hundred: {v}");
    let roll = other.roll();
    for d in deaths {
        let code = d["code"].as_str().unwrap();
        assert!(roll.contains_key(code), "{code} is on the roll");
        let date: chrono::NaiveDate = d["date"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            paypoint::Period::containing(date).to_string(),
            "2026-11",
            "died the month before"
        );
    }
    let add = other.run_env(
        &["clerk", "add", "--name", "Trần Thị Mai", "--json"],
        &[("PAYPOINT_PIN", common::CLERK_PIN)],
    );
    assert!(add.ok(), "{}", add.stderr);
    let (code, date) = (
        deaths[0]["code"].as_str().unwrap(),
        deaths[0]["date"].as_str().unwrap(),
    );
    let stop = other.json(&[
        "--clerk", "1", "stop", code, "--reason", "death", "--date", date,
    ]);
    assert_eq!(stop["date"], date, "{stop}");
    assert_eq!(
        other.roll()[code]["status"],
        "stopped",
        "{}",
        other.roll()[code]
    );
}

/// `PAYPOINT_DEMO_CLOCK` (or `--demo-clock`): a scripted demo month's payouts carry a time within
/// the posted schedule (the 1st to the 5th, working hours), whatever time the test runs; "0"
/// leaves the machine's clock; a ledger holding a real roll refuses it and writes nothing.
#[test]
fn on_the_demo_clock_payouts_fall_in_the_posted_schedule() {
    let f = setup_ledger(8);
    let cli = &f.cli;
    let clerk = CLERK_ID.to_string();
    let period: paypoint::Period = common::PERIOD.parse().unwrap();
    for code in &f.codes[..5] {
        let out = cli.run_env(
            &["pay", code, "--clerk", &clerk],
            &[("PAYPOINT_DEMO_CLOCK", "1")],
        );
        assert!(out.ok(), "{}", out.stderr);
    }
    let out = cli.run_env(
        &["pay", &f.codes[5], "--clerk", &clerk],
        &[("PAYPOINT_DEMO_CLOCK", "0")],
    );
    assert!(out.ok(), "{}", out.stderr);
    let events = cli.events();
    let times: Vec<chrono::NaiveDateTime> = events_of(&events, "payout")
        .iter()
        .map(|e| {
            chrono::DateTime::parse_from_rfc3339(e["time"].as_str().unwrap())
                .unwrap()
                .naive_local()
        })
        .collect();
    assert_eq!(times.len(), 6);
    for t in &times[..5] {
        assert!(paypoint::clock::within_schedule(period, *t), "paid at {t}");
    }
    assert!(times.windows(2).take(4).all(|w| w[0] < w[1]), "{times:?}");
    // Off: the machine's own time, now.
    let now = chrono::Local::now().naive_local();
    assert!(
        (now - times[5]).num_minutes().abs() < 5,
        "{} vs {now}",
        times[5]
    );

    // A real roll in the ledger: refused, in words, nothing written.
    let real = f.dir.path().join("that.csv");
    let roll = paypoint::demo::roll(period.next(), 3, 9, "QH01");
    paypoint_testkit::rollfile::write_csv(
        &roll,
        &paypoint_testkit::rollfile::Shape::standard(&roll),
        &real,
        b',',
        true,
    );
    let out = cli.run(&[
        "roll",
        "import",
        real.to_str().unwrap(),
        "--period",
        &period.next().to_string(),
    ]);
    assert!(out.ok(), "{}", out.stderr);
    let before = event_count(cli);
    let out = cli.run(&["--demo-clock", "status"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        out.stderr.contains("chỉ dùng cho sổ dữ liệu mẫu"),
        "{}",
        out.stderr
    );
    assert_eq!(event_count(cli), before);
}

/// A broken chain: `verify` exits 1, says why on stderr, and stdout holds one document, what it
/// found (under `--json` that report, not the error object), naming the first broken event.
#[test]
fn verify_of_a_broken_ledger_prints_what_it_found_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("so.sqlite");
    {
        let mut ledger =
            paypoint::Ledger::init(&db, "QH01", "Bưu điện văn hóa xã Quảng Hưng").unwrap();
        let roll = paypoint::demo::roll(PERIOD.parse().unwrap(), 3, 1, "QH01");
        ledger.load_roll(&roll, "demo", true).unwrap();
    }
    // A plain ledger of an older release, edited by someone who dropped the guard.
    let raw = rusqlite::Connection::open(&db).unwrap();
    raw.execute_batch(
        "DROP TRIGGER events_no_update;
         UPDATE events SET payload = json_set(payload, '$.tampered', 1) WHERE seq = 1;",
    )
    .unwrap();
    drop(raw);
    let cli = cli(&db);

    let out = cli.run(&["verify", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", out.stderr);
    let docs: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&out.stdout)
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("stdout is JSON");
    assert_eq!(docs.len(), 1, "one document on stdout: {}", out.stdout);
    assert_eq!(docs[0]["chain_ok"], false);
    assert_eq!(docs[0]["first_broken"]["seq"], 1);
    assert!(docs[0].get("error").is_none(), "{}", out.stdout);
    assert!(
        out.stderr.lines().any(|l| l.starts_with("Lỗi: ")),
        "{}",
        out.stderr
    );

    let text = cli.run(&["verify"]);
    assert_eq!(text.status.code(), Some(1));
    assert!(
        !text.stdout.trim().is_empty() && !text.stdout.contains('{'),
        "{}",
        text.stdout
    );
    assert!(
        text.stderr.lines().any(|l| l.starts_with("Lỗi: ")),
        "{}",
        text.stderr
    );
}
