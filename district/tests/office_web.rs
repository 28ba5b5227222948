//! The office's web app at the HTTP level (issue 20): accounts, roles, lock-out, sessions, forged
//! forms and the audit log, against the real hub on loopback with its real store (SQLite, or
//! PostgreSQL with `PAYPOINT_TEST_STORE=postgres`). The same app in a real browser is
//! `office_browser.rs`.

mod common;

use chrono::Datelike;
use common::web::{add_staff, csrf_of, Web, PASSWORD};
use common::*;

fn stops_of(hub: &HubProc) -> i64 {
    hub.store()
        .value("SELECT count(*) FROM stops", &[])
        .unwrap()
        .int()
}

fn audit_actions(hub: &HubProc) -> Vec<String> {
    hub.store()
        .rows(
            "SELECT action || ' ' || coalesce(login, '-') || ' ' || detail FROM office_audit ORDER BY id",
            &[],
        )
        .unwrap()
        .into_iter()
        .map(|r| r[0].text())
        .collect()
}

#[test]
fn a_wrong_password_is_refused_and_the_fifth_in_a_row_locks_the_account_until_an_administrator_unlocks_it(
) {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    add_staff(&hub.data, "lan", "officer");
    let mut web = Web::new(&hub.url());
    let wrong = web.sign_in("lan", "khong-dung-mat-khau");
    assert_eq!(wrong.status, 401);
    assert!(
        wrong.body.contains("Sai tên đăng nhập hoặc mật khẩu"),
        "{}",
        wrong.body
    );
    assert!(!web.cookies.contains_key("sct_phien"));
    // An unknown login gets the very same answer: logins cannot be guessed one by one.
    let unknown = web.sign_in("khong-co", "khong-dung-mat-khau");
    assert_eq!(unknown.status, 401);
    assert!(unknown.body.contains("Sai tên đăng nhập hoặc mật khẩu"));
    for _ in 0..3 {
        assert_eq!(web.sign_in("lan", "van-sai-mat-khau").status, 401);
    }
    let fifth = web.sign_in("lan", "van-sai-mat-khau");
    assert!(fifth.body.contains("bị khóa"), "{}", fifth.body);
    // Locked: even the right password is refused, and no session is opened.
    let right = web.sign_in("lan", PASSWORD);
    assert_eq!(right.status, 401);
    assert!(right.body.contains("bị khóa 15 phút"), "{}", right.body);
    assert!(!web.cookies.contains_key("sct_phien"));
    let list = hub.admin_ok(&["staff", "list"]);
    assert!(list.contains("khóa đến"), "{list}");
    hub.admin_ok(&["staff", "unlock", "lan"]);
    let ok = web.sign_in("lan", PASSWORD);
    assert_eq!((ok.status, ok.location()), (303, "/"));
    assert!(web.cookies.contains_key("sct_phien"));
    let home = web.get("/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Cán bộ lan"), "{}", home.body);
    // Every attempt is in the audit log, never a password.
    let log = audit_actions(&hub);
    assert_eq!(
        log.iter()
            .filter(|l| l.starts_with("sign_in_refused lan"))
            .count(),
        6,
        "{log:?}"
    );
    assert!(
        log.iter().any(|l| l.starts_with("unlock_staff - ")),
        "{log:?}"
    );
    assert!(log.last().unwrap().starts_with("sign_in lan"), "{log:?}");
    assert!(!log
        .iter()
        .any(|l| l.contains(PASSWORD) || l.contains("van-sai")));
}

#[test]
fn an_officer_records_a_stop_in_the_browser_form_and_the_device_stops_paying_at_its_next_sync() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 5);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    add_staff(&hub.data, "lan", "officer");
    let mut web = Web::new(&hub.url());
    web.sign_in("lan", PASSWORD);
    let csrf = web.csrf();
    let person = code("QH01", 2);
    let done = web.post(
        "/bao-giam",
        &[
            ("csrf", &csrf),
            ("pay_point", "QH01"),
            ("code", &person),
            ("reason", "death"),
            ("date", "2026-11-28"),
            ("note", "Giấy báo tử số 12"),
        ],
    );
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Đã ghi báo giảm"), "{}", done.body);
    assert!(done.body.contains("28/11/2026"), "{}", done.body);
    let r = dev.sync().unwrap();
    assert_eq!(r.stops_applied, 1);
    let refused = dev.ledger.record_payout(
        &dev.clerk,
        &paypoint::payout::PayoutRequest::at_counter(
            paypoint::BeneficiaryCode::new(&person).unwrap(),
        ),
    );
    assert!(matches!(
        refused,
        Err(paypoint::payout::PayoutError::Stopped { .. })
    ));
    let log = audit_actions(&hub);
    let row = log
        .iter()
        .find(|l| l.starts_with("record_stop lan"))
        .unwrap();
    assert!(row.contains(&person) && row.contains("xong"), "{row}");
}

#[test]
fn a_viewer_cannot_record_a_stop_the_server_refuses_it_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    add_staff(&hub.data, "xem", "viewer");
    let mut web = Web::new(&hub.url());
    web.sign_in("xem", PASSWORD);
    let page = web.get("/bao-giam");
    // Not offered on the page …
    assert!(
        !page.body.contains("data-testid=stop-form"),
        "{}",
        page.body
    );
    // … and refused by the server when sent all the same.
    let csrf = csrf_of(&page.body);
    let person = code("QH01", 1);
    let refused = web.post(
        "/bao-giam",
        &[
            ("csrf", &csrf),
            ("pay_point", "QH01"),
            ("code", &person),
            ("reason", "death"),
        ],
    );
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(stops_of(&hub), 0);
    // Nor may a viewer open the accounts or the audit log.
    assert_eq!(web.get("/tai-khoan").status, 403);
    assert_eq!(web.get("/nhat-ky").status, 403);
    let log = audit_actions(&hub);
    assert!(
        log.iter()
            .any(|l| l.starts_with("record_stop xem") && l.contains("từ chối")),
        "{log:?}"
    );
}

#[test]
fn every_form_refuses_a_forged_cross_site_request_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    add_staff(&hub.data, "admin", "admin");
    let mut web = Web::new(&hub.url());
    web.sign_in("admin", PASSWORD);
    let csrf = web.csrf();
    let person = code("QH01", 1);
    let stop = |csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("pay_point", "QH01".to_string()),
            ("code", person.clone()),
            ("reason", "moved".to_string()),
        ]
    };
    let fields = |v: &[(&'static str, String)]| -> Vec<(&'static str, String)> { v.to_vec() };
    let send = |web: &mut Web, origin: &str, path: &str, f: Vec<(&'static str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        web.post_from(origin, path, &f).status
    };
    let base = hub.url();
    // The session's cookie, but no token, a wrong one, or the right one from another site.
    assert_eq!(send(&mut web, &base, "/bao-giam", fields(&stop(""))), 403);
    assert_eq!(
        send(&mut web, &base, "/bao-giam", fields(&stop("00ff"))),
        403
    );
    assert_eq!(
        send(
            &mut web,
            "http://ke-gia-mao.example",
            "/bao-giam",
            fields(&stop(&csrf))
        ),
        403
    );
    let add = |csrf: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("what", "add".to_string()),
            ("login", "ke-gian".to_string()),
            ("name", "Kẻ gian".to_string()),
            ("role", "admin".to_string()),
            ("password", "mat-khau-ke-gian".to_string()),
        ]
    };
    assert_eq!(send(&mut web, &base, "/tai-khoan", add("")), 403);
    assert_eq!(
        send(
            &mut web,
            "http://ke-gia-mao.example",
            "/tai-khoan",
            add(&csrf)
        ),
        403
    );
    assert_eq!(
        send(
            &mut web,
            "http://ke-gia-mao.example",
            "/dang-xuat",
            vec![("csrf", csrf.clone())]
        ),
        403
    );
    // The sign-in form has its own token: a page elsewhere cannot sign a browser in.
    let mut other = Web::new(&base);
    let forged_sign_in = other.post(
        "/dang-nhap",
        &[("login", "admin"), ("password", PASSWORD), ("csrf", "abc")],
    );
    assert_eq!(forged_sign_in.status, 403);
    assert!(!other.cookies.contains_key("sct_phien"));
    assert_eq!(stops_of(&hub), 0);
    assert!(!hub.admin_ok(&["staff", "list"]).contains("ke-gian"));
    // The same forms with their token from the hub's own page are done.
    assert_eq!(
        send(&mut web, &base, "/bao-giam", fields(&stop(&csrf))),
        200
    );
    assert_eq!(stops_of(&hub), 1);
    assert_eq!(send(&mut web, &base, "/tai-khoan", add(&csrf)), 200);
    assert!(hub.admin_ok(&["staff", "list"]).contains("ke-gian"));
}

#[test]
fn signing_out_or_disabling_an_account_ends_its_session() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    add_staff(&hub.data, "lan", "officer");
    let mut a = Web::new(&hub.url());
    a.sign_in("lan", PASSWORD);
    let mut b = Web::new(&hub.url());
    b.sign_in("lan", PASSWORD);
    assert_eq!(a.get("/bao-giam").status, 200);
    let csrf = a.csrf();
    let out = a.post("/dang-xuat", &[("csrf", &csrf)]);
    assert_eq!((out.status, out.location()), (303, "/dang-nhap"));
    let after = a.get("/bao-giam");
    assert_eq!((after.status, after.location()), (303, "/dang-nhap"));
    // The other browser's session is still open until the account is disabled.
    assert_eq!(b.get("/bao-giam").status, 200);
    hub.admin_ok(&["staff", "disable", "lan"]);
    assert_eq!(b.get("/bao-giam").status, 303);
    let again = b.sign_in("lan", PASSWORD);
    assert_eq!(again.status, 401);
    assert!(again.body.contains("vô hiệu hóa"), "{}", again.body);
}

#[test]
fn the_overview_writes_dates_money_periods_and_shares_as_vietnamese_papers_do() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 4);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    dev.pay_first("QH01", 1);
    dev.sync().unwrap();
    add_staff(&hub.data, "lan", "viewer");
    let mut web = Web::new(&hub.url());
    web.sign_in("lan", PASSWORD);
    let page = web.get("/").body;
    let period = PERIOD.split('-').rev().collect::<Vec<_>>().join("/");
    assert!(page.contains(&format!("<td>{period}</td>")), "{page}");
    assert!(page.contains(",0%") || page.contains(",5%") || page.contains('%'));
    assert!(
        !page.contains("T0") && !page.contains("+00:00") && !page.contains("+07:00"),
        "{page}"
    );
    let paid = paypoint::Dong::new(dev.paid_amount()).unwrap().to_string();
    assert!(
        page.contains(&format!("<td class=n>{paid}</td>")),
        "{paid}: {page}"
    );
    // A stored time is shown as dd/mm/yyyy HH:MM.
    let shown = regex_like_date_time(&page);
    assert!(shown, "{page}");
}

/// Whether the page shows a `dd/mm/yyyy HH:MM` somewhere.
fn regex_like_date_time(page: &str) -> bool {
    let b = page.as_bytes();
    (0..b.len().saturating_sub(16)).any(|i| {
        let w = &b[i..i + 16];
        w[2] == b'/'
            && w[5] == b'/'
            && w[10] == b' '
            && w[13] == b':'
            && [0, 1, 3, 4, 6, 7, 8, 9, 11, 12, 14, 15]
                .iter()
                .all(|&k| w[k].is_ascii_digit())
    })
}

#[test]
fn the_audit_log_is_never_changed_nor_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 1);
    add_staff(&hub.data, "lan", "admin");
    // The pay point, the roll's import and publication, the settings, the account: all in the log.
    let before = audit_actions(&hub);
    for action in [
        "add_pay_point",
        "import_roll",
        "publish_roll",
        "set_setting",
        "add_staff",
    ] {
        assert!(
            before.iter().any(|l| l.starts_with(action)),
            "{action}: {before:?}"
        );
    }
    for sql in [
        "UPDATE office_audit SET detail = 'x'",
        "DELETE FROM office_audit",
    ] {
        let e = paypoint_testkit::store::HubStore::write(&hub.data, sql).unwrap_err();
        assert!(e.contains("office audit log is never"), "{e}");
    }
    assert_eq!(audit_actions(&hub), before);
}

#[test]
fn an_account_with_a_short_password_or_a_login_taken_is_refused_by_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("hub");
    add_staff(&data, "lan", "admin");
    let short = hub::hub_command(std::path::Path::new(hub_bin()), &data)
        .args(["staff", "add", "minh", "--name", "Minh", "--role", "viewer"])
        .env("PAYPOINT_STAFF_PASSWORD", "ngan")
        .output()
        .unwrap();
    assert!(!short.status.success());
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("ít nhất 10 ký tự")
            || String::from_utf8_lossy(&short.stderr).contains("từ 10 ký tự")
    );
    let taken = hub::hub_command(std::path::Path::new(hub_bin()), &data)
        .args([
            "staff",
            "add",
            "LAN",
            "--name",
            "Lan khác",
            "--role",
            "viewer",
        ])
        .env("PAYPOINT_STAFF_PASSWORD", PASSWORD)
        .output()
        .unwrap();
    assert!(!taken.status.success());
    assert!(String::from_utf8_lossy(&taken.stderr).contains("đã có tài khoản “lan”"));
    let list = admin(&data, &["staff", "list"]);
    assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), 1);
}

#[test]
fn an_officer_closes_a_flag_once_with_a_note_and_the_overview_counts_it_no_more() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 4);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let dead = code("QH01", 1);
    hub.admin_ok(&["stop", &dead, "--pay-point", "QH01", "--reason", "death"]);
    dev.pay(&dead);
    dev.sync().unwrap();
    let flags: serde_json::Value =
        serde_json::from_str(&hub.admin_ok(&["flags", "--json"])).unwrap();
    let id = flags[0]["id"].as_i64().unwrap();
    assert!(flags[0]["closed"].is_null());
    add_staff(&hub.data, "lan", "officer");
    add_staff(&hub.data, "xem", "viewer");
    let id_text = id.to_string();
    // A viewer sees the flag but cannot close it.
    let mut viewer = Web::new(&hub.url());
    viewer.sign_in("xem", PASSWORD);
    let page = viewer.get("/canh-bao");
    assert!(!page.body.contains("data-testid=resolve-"), "{}", page.body);
    let csrf = csrf_of(&page.body);
    let resolve = |csrf: &str, note: &str| {
        vec![
            ("csrf", csrf.to_string()),
            ("id", id_text.clone()),
            ("resolution", "recovered".to_string()),
            ("note", note.to_string()),
        ]
    };
    let post = |web: &mut Web, f: Vec<(&'static str, String)>| {
        let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        web.post("/canh-bao", &f)
    };
    assert_eq!(post(&mut viewer, resolve(&csrf, "thu hồi")).status, 403);
    let mut web = Web::new(&hub.url());
    web.sign_in("lan", PASSWORD);
    let csrf = web.csrf();
    // Without a note: refused, still open.
    let empty = post(&mut web, resolve(&csrf, "  "));
    assert_eq!(empty.status, 422, "{}", empty.body);
    assert!(empty.body.contains("cần ghi chú"));
    let done = post(&mut web, resolve(&csrf, "Gia đình nộp lại 2.000.000 đ"));
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body.contains("Đã xử lý cảnh báo số"));
    // Once only: a second decision is refused and the first stays.
    let again = post(&mut web, resolve(&csrf, "lần nữa"));
    assert_eq!(again.status, 422);
    assert!(again.body.contains("đã được xử lý"));
    let flags: serde_json::Value =
        serde_json::from_str(&hub.admin_ok(&["flags", "--json"])).unwrap();
    assert_eq!(flags[0]["closed"]["resolution"], "recovered");
    assert_eq!(flags[0]["closed"]["login"], "lan");
    assert_eq!(flags[0]["closed"]["note"], "Gia đình nộp lại 2.000.000 đ");
    let overview = web.get("/").body;
    let row = &overview[overview.find(">QH01</a></td>").unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.ends_with("<td class=\"n\">0</td>"), "{row}");
    let log = audit_actions(&hub);
    assert_eq!(
        log.iter()
            .filter(|l| l.starts_with("resolve_flag lan"))
            .count(),
        3,
        "{log:?}"
    );
    assert!(log
        .iter()
        .any(|l| l.starts_with("resolve_flag xem") && l.contains("từ chối")));
}

#[test]
fn an_officer_confirms_a_request_to_be_paid_by_account_from_the_page_and_the_device_hears_it() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 4);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let (first, second) = request_accounts(&mut dev);
    add_staff(&hub.data, "lan", "officer");
    let mut web = Web::new(&hub.url());
    web.sign_in("lan", PASSWORD);
    let page = web.get("/cho-quyet-dinh");
    let form_of = |c: &str| format!("data-testid=\"confirm_account-{c}\"");
    assert!(page.body.contains(&form_of(&first)), "{}", page.body);
    // The full account number is never on the page.
    assert!(!page.body.contains("1234567890123"));
    let csrf = csrf_of(&page.body);
    let next = PERIOD
        .parse::<paypoint::Period>()
        .unwrap()
        .next()
        .to_string();
    let decide = |web: &mut Web, what: &str, code: &str, extra: (&str, &str)| {
        let f = [
            ("csrf", csrf.as_str()),
            ("what", what),
            ("pay_point", "QH01"),
            ("code", code),
            extra,
        ];
        web.post("/cho-quyet-dinh", &f)
    };
    let bad = decide(&mut web, "confirm_account", &first, ("from", "12-2026"));
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("không đọc được"), "{}", bad.body);
    let ok = decide(&mut web, "confirm_account", &first, ("from", &next));
    assert_eq!(ok.status, 200, "{}", ok.body);
    let why = ("note", "Chủ tài khoản không khớp CCCD");
    let refused = decide(&mut web, "refuse_account", &second, why);
    assert_eq!(refused.status, 200, "{}", refused.body);
    assert!(!refused.body.contains(&form_of(&first)) && !refused.body.contains(&form_of(&second)));
    let decided: serde_json::Value =
        serde_json::from_str(&hub.admin_ok(&["accounts", "list", "--all", "--json"])).unwrap();
    let state = |c: &str| {
        let all = decided.as_array().unwrap();
        all.iter().find(|a| a["code"] == c).unwrap()["state"].clone()
    };
    assert_eq!(
        (state(&first), state(&second)),
        ("confirmed".into(), "refused".into())
    );
    // The device hears both at its next sync.
    dev.sync().unwrap();
    let on_device = dev.ledger.accounts().unwrap();
    let st = |c: &str| {
        on_device
            .iter()
            .find(|a| a.code == c)
            .unwrap()
            .state
            .clone()
    };
    assert_eq!(
        (st(&first).as_str(), st(&second).as_str()),
        ("confirmed", "refused")
    );
    let log = audit_actions(&hub);
    for action in ["confirm_account lan", "refuse_account lan"] {
        assert!(
            log.iter()
                .any(|l| l.starts_with(action) && l.contains("xong")),
            "{log:?}"
        );
    }
}

/// The first two people of the demo roll ask to be paid by account on the device, which syncs.
fn request_accounts(dev: &mut Device) -> (String, String) {
    let roll = paypoint::demo::roll(PERIOD.parse().unwrap(), 4, 7, "QH01");
    let request = |i: usize, number: &str| paypoint::account::AccountRequestInput {
        code: roll.entries[i].code.to_string(),
        bank: "970405".into(),
        number: number.into(),
        holder: paypoint::text::fold(&roll.entries[i].name).to_uppercase(),
        relationship: None,
        phone: None,
    };
    let clerk = dev.clerk.clone();
    for (i, number) in [(0, "1234567890123"), (1, "5550001112223")] {
        dev.ledger
            .request_account(&clerk, &request(i, number))
            .unwrap();
    }
    dev.sync().unwrap();
    (
        roll.entries[0].code.to_string(),
        roll.entries[1].code.to_string(),
    )
}

/// A roll of `size` people for QH01 as a CSV file's bytes, the office's way (`grand_total_error`
/// makes the TỔNG CỘNG row state a wrong sum).
fn roll_csv(
    dir: &std::path::Path,
    size: usize,
    grand_total_error: i64,
) -> (paypoint::roll::Roll, Vec<u8>) {
    let roll = paypoint::demo::roll(PERIOD.parse().unwrap(), size, 7, "QH01");
    let shape = rollfile::Shape {
        grand_total_error,
        ..rollfile::Shape::standard(&roll)
    };
    let file = dir.join("roll.csv");
    rollfile::write_csv(&roll, &shape, &file, b',', true);
    (roll, std::fs::read(file).unwrap())
}

#[test]
fn an_officer_uploads_a_roll_sees_its_errors_by_row_then_publishes_a_good_one_the_device_pulls() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 4);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    add_staff(&hub.data, "lan", "officer");
    add_staff(&hub.data, "xem", "viewer");
    let mut web = Web::new(&hub.url());
    web.sign_in("lan", PASSWORD);
    let page = web.get("/danh-sach");
    assert!(page.body.contains("data-testid=upload"), "{}", page.body);
    let csrf = csrf_of(&page.body);
    let versions = |hub: &HubProc| {
        hub.store()
            .value("SELECT count(*) FROM rolls WHERE pay_point = 'QH01'", &[])
            .unwrap()
            .int()
    };
    // A file whose TỔNG CỘNG is wrong: refused, the problem at its row and column, nothing kept.
    let (_, bad) = roll_csv(dir.path(), 5, 1000);
    let fields = [
        ("csrf", csrf.as_str()),
        ("pay_point", "QH01"),
        ("period", PERIOD),
    ];
    let refused = web.post_file("/danh-sach", &fields, ("file", "DS T12 sai.csv", &bad));
    assert_eq!(refused.status, 422, "{}", refused.body);
    let problems = &refused.body[refused.body.find("data-testid=import-problems").unwrap()..];
    assert!(problems.contains("DS T12 sai.csv"), "{problems}");
    assert!(
        problems.contains("<td class=n>1") || problems.contains("<td class=n>2"),
        "{problems}"
    );
    assert_eq!(versions(&hub), 1);
    // A good one: kept as version 2, not yet published, with what changed.
    let (roll, good) = roll_csv(dir.path(), 5, 0);
    let ok = web.post_file("/danh-sach", &fields, ("file", "DS T12.csv", &good));
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert!(
        ok.body.contains("phiên bản 2") && ok.body.contains("Chưa phát hành"),
        "{}",
        ok.body
    );
    let changes = &ok.body[ok.body.find("data-testid=roll-changes").unwrap()..];
    let added = roll.entries[4].code.to_string();
    assert!(
        changes.contains(&format!("<td>Thêm</td><td>{added}</td>")),
        "{changes}"
    );
    assert_eq!(versions(&hub), 2);
    dev.sync().unwrap();
    assert!(dev.ledger.search(&added, None).unwrap().is_empty());
    // A viewer cannot publish it; the officer can, and the device pulls it.
    let mut viewer = Web::new(&hub.url());
    viewer.sign_in("xem", PASSWORD);
    let vcsrf = csrf_of(&viewer.get("/bao-giam").body);
    let publish = [("pay_point", "QH01"), ("period", PERIOD)];
    let mut f = vec![("csrf", vcsrf.as_str())];
    f.extend(publish);
    assert_eq!(viewer.post("/danh-sach/phat-hanh", &f).status, 403);
    dev.sync().unwrap();
    assert!(dev.ledger.search(&added, None).unwrap().is_empty());
    let mut f = vec![("csrf", csrf.as_str())];
    f.extend(publish);
    let published = web.post("/danh-sach/phat-hanh", &f);
    assert_eq!(published.status, 200, "{}", published.body);
    assert!(published.body.contains("Đã phát hành danh sách điểm QH01"));
    dev.sync().unwrap();
    assert_eq!(dev.ledger.search(&added, None).unwrap().len(), 1);
    // The pay point's page finds a person as the clerk's window does.
    let name = paypoint::text::fold(&roll.entries[2].name);
    let words: Vec<&str> = name.split_whitespace().collect();
    let q = format!("{} {}", &words[0][..2], words.last().unwrap());
    let found = web.get(&format!(
        "/diem/QH01?q={}",
        common::web::form_body(&[("q", &q)]).trim_start_matches("q=")
    ));
    let people = &found.body[found.body.find("data-testid=people").unwrap()..];
    let people = &people[..people.find("</table>").unwrap()];
    assert!(
        people.contains(&roll.entries[2].code.to_string()),
        "{q}: {people}"
    );
    assert!(found.body.contains("phiên bản 1") || found.body.contains("data-testid=roll-versions"));
    let log = audit_actions(&hub);
    for action in ["import_roll lan", "publish_roll lan", "publish_roll xem"] {
        assert!(
            log.iter().any(|l| l.starts_with(action)),
            "{action}: {log:?}"
        );
    }
}

#[test]
fn an_administrator_gives_an_enrolment_code_from_the_pay_points_page_and_it_is_never_logged() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 2);
    add_staff(&hub.data, "quantri", "admin");
    add_staff(&hub.data, "lan", "officer");
    let mut officer = Web::new(&hub.url());
    officer.sign_in("lan", PASSWORD);
    let page = officer.get("/diem/QH01");
    assert!(!page.body.contains("data-testid=enrol-code"));
    let csrf = csrf_of(&page.body);
    assert_eq!(
        officer
            .post("/diem/QH01", &[("csrf", &csrf), ("what", "enrol_code")])
            .status,
        403
    );
    let mut web = Web::new(&hub.url());
    web.sign_in("quantri", PASSWORD);
    let csrf = csrf_of(&web.get("/diem/QH01").body);
    let answer = web.post("/diem/QH01", &[("csrf", &csrf), ("what", "enrol_code")]);
    assert_eq!(answer.status, 200, "{}", answer.body);
    let at = answer
        .body
        .find("Mã đăng ký thiết bị của điểm QH01: ")
        .unwrap();
    let code: String = answer.body[at..]
        .chars()
        .skip("Mã đăng ký thiết bị của điểm QH01: ".chars().count())
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    assert_eq!(code.len(), 12, "{code}");
    // The code enrols a device.
    let mut dev = Device::new(dir.path(), "a", "QH01");
    paypoint::sync::client::enrol(&mut dev.ledger, &hub.url(), &code, &fast_opts())
        .expect("the code from the page enrols a device");
    let log = audit_actions(&hub);
    assert!(
        log.iter().any(|l| l.starts_with("enrol_code quantri")),
        "{log:?}"
    );
    assert!(!log.iter().any(|l| l.contains(&code)), "{log:?}");
}

#[test]
fn the_settlement_downloads_as_xlsx_and_csv_with_the_same_money_and_the_overview_counts_the_days_left(
) {
    use calamine::{DataType, Reader};
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 5);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    dev.pay_first("QH01", 3);
    dev.sync().unwrap();
    hub.admin_ok(&["settings", "set", "pay_last_day", "10"]);
    assert!(!hub
        .admin(&["settings", "set", "pay_last_day", "31"])
        .status
        .success());
    add_staff(&hub.data, "xem", "viewer");
    let mut web = Web::new(&hub.url());
    web.sign_in("xem", PASSWORD);
    let xlsx = web.get(&format!("/quyet-toan.xlsx?ky={PERIOD}"));
    assert_eq!(xlsx.status, 200);
    assert!(xlsx.headers["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&format!("quyet-toan-{PERIOD}.xlsx")));
    let csv = web.get(&format!("/quyet-toan.csv?ky={PERIOD}"));
    assert!(csv.body.starts_with("pay_point,name,period"));
    // The body is bytes: fetched again as such for the workbook reader.
    let bytes = reqwest::blocking::Client::new()
        .get(format!("{}/quyet-toan.xlsx?ky={PERIOD}", hub.url()))
        .header("cookie", format!("sct_phien={}", web.cookies["sct_phien"]))
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = book.worksheet_range("Quyet toan").unwrap();
    let rows: Vec<Vec<calamine::Data>> = sheet.rows().map(|r| r.to_vec()).collect();
    assert_eq!(rows[0][7].to_string(), "Đã chi (đ)");
    assert_eq!(rows[1][0].to_string(), "QH01");
    let paid = dev.paid_amount() as f64;
    assert_eq!(rows[1][7].as_f64(), Some(paid));
    assert_eq!(rows[2][1].to_string(), "Tổng cộng");
    assert_eq!(rows[2][7].as_f64(), Some(paid));
    // The overview names the period's last pay day and the report's, with the days left.
    let p: paypoint::Period = PERIOD.parse().unwrap();
    let pay_by = p.first_day().with_day(10).unwrap();
    let today = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .date_naive();
    let page = web.get("/").body;
    let line = &page[page.find("data-testid=deadlines").unwrap()..];
    let line = &line[..line.find("</p>").unwrap()];
    assert!(
        line.contains(&pay_by.format("%d/%m/%Y").to_string()),
        "{line}"
    );
    assert!(
        line.contains(&p.report_due().format("%d/%m/%Y").to_string()),
        "{line}"
    );
    let left = (pay_by - today).num_days();
    let said = match left {
        0 => "hôm nay".to_string(),
        d if d > 0 => format!("còn {d} ngày"),
        d => format!("đã qua {} ngày", -d),
    };
    assert!(line.contains(&said), "{said}: {line}");
}

#[test]
fn an_administrator_changes_a_setting_and_adds_a_pay_point_a_bad_value_is_refused_with_its_rule() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 2);
    add_staff(&hub.data, "quantri", "admin");
    add_staff(&hub.data, "lan", "officer");
    let mut officer = Web::new(&hub.url());
    officer.sign_in("lan", PASSWORD);
    assert_eq!(officer.get("/thiet-lap").status, 403);
    let mut web = Web::new(&hub.url());
    web.sign_in("quantri", PASSWORD);
    let page = web.get("/thiet-lap");
    assert!(
        page.body.contains("data-testid=\"set-pay_last_day\""),
        "{}",
        page.body
    );
    let csrf = csrf_of(&page.body);
    let set = |web: &mut Web, key: &str, value: &str| {
        web.post(
            "/thiet-lap",
            &[
                ("csrf", &csrf),
                ("what", "set"),
                ("key", key),
                ("value", value),
            ],
        )
    };
    let bad = set(&mut web, "pay_last_day", "31");
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("từ 1 đến 28"), "{}", bad.body);
    assert_eq!(
        set(&mut web, "managing_office", "Sở Nội vụ tỉnh Quảng Trị").status,
        200
    );
    let settings: serde_json::Value = serde_json::from_str(&hub.admin_ok(&["settings"])).unwrap();
    assert_eq!(settings["pay_last_day"], 5);
    assert_eq!(settings["managing_office"], "Sở Nội vụ tỉnh Quảng Trị");
    let added = web.post(
        "/thiet-lap",
        &[
            ("csrf", &csrf),
            ("what", "add_pay_point"),
            ("key", "QH09"),
            ("value", "Bưu điện xã Hải Lăng"),
        ],
    );
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(added.body.contains("Bưu điện xã Hải Lăng"));
    assert!(web
        .get("/")
        .body
        .contains("Sổ chi trả — Sở Nội vụ tỉnh Quảng Trị"));
    let log = audit_actions(&hub);
    assert!(
        log.iter()
            .any(|l| l.starts_with("set_setting quantri pay_last_day") && l.contains("từ chối")),
        "{log:?}"
    );
    assert!(
        log.iter().any(|l| l.starts_with("add_pay_point quantri")),
        "{log:?}"
    );
}

/// The text of a receipt's QR code for `receipt`, as the device prints it, with `total` stated.
fn receipt_stamp(dev: &Device, receipt: &paypoint::payout::PayoutReceipt, total: i64) -> String {
    let head = dev
        .events()
        .iter()
        .find(|e| e.seq == receipt.seq)
        .unwrap()
        .hash
        .to_uppercase();
    paypoint::paper::PaperStamp {
        kind: paypoint::paper::PaperKind::Receipt,
        pay_point: "QH01".into(),
        period: PERIOD.parse().unwrap(),
        document: receipt.payout_id.simple().to_string().to_uppercase(),
        page: 1,
        total: paypoint::Dong::new(total).unwrap(),
        head: head[..paypoint::paper::HEAD_HEX].to_string(),
        lines: vec![(receipt.code.clone(), paypoint::Dong::new(total).unwrap())],
    }
    .encode()
}

#[test]
fn a_viewer_checks_a_printed_receipt_by_its_code_an_edited_one_is_named_and_each_check_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let receipt = dev.pay(&code("QH01", 1));
    dev.sync().unwrap();
    add_staff(&hub.data, "xem", "viewer");
    let mut web = Web::new(&hub.url());
    web.sign_in("xem", PASSWORD);
    let csrf = csrf_of(&web.get("/kiem-tra-giay").body);
    let amount = receipt.amount.as_i64();
    let good = web.post(
        "/kiem-tra-giay",
        &[
            ("csrf", &csrf),
            ("text", &receipt_stamp(&dev, &receipt, amount)),
        ],
    );
    assert_eq!(good.status, 200, "{}", good.body);
    assert!(
        good.body.contains("data-testid=paper-agrees"),
        "{}",
        good.body
    );
    let raised = receipt_stamp(&dev, &receipt, amount + 500_000);
    let bad = web.post("/kiem-tra-giay", &[("csrf", &csrf), ("text", &raised)]);
    assert!(
        bad.body.contains("data-testid=paper-differs"),
        "{}",
        bad.body
    );
    let garbage = web.post("/kiem-tra-giay", &[("csrf", &csrf), ("text", "hello")]);
    assert_eq!(garbage.status, 422);
    assert!(
        garbage.body.contains("mã QR không phải của Sổ chi trả"),
        "{}",
        garbage.body
    );
    let log = audit_actions(&hub);
    let checks: Vec<_> = log
        .iter()
        .filter(|l| l.starts_with("check_paper xem"))
        .collect();
    assert_eq!(checks.len(), 3, "{log:?}");
    assert!(
        checks[0].contains("khớp") && checks[1].contains("KHÔNG KHỚP"),
        "{checks:?}"
    );
}

#[test]
fn every_other_form_of_the_app_refuses_a_request_without_its_token_or_from_another_site() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 2);
    add_staff(&hub.data, "quantri", "admin");
    let mut web = Web::new(&hub.url());
    web.sign_in("quantri", PASSWORD);
    let csrf = web.csrf();
    let audit_before = audit_actions(&hub).len();
    let forms: [(&str, Vec<(&str, &str)>); 6] = [
        (
            "/canh-bao",
            vec![("id", "1"), ("resolution", "recovered"), ("note", "x")],
        ),
        (
            "/cho-quyet-dinh",
            vec![
                ("what", "confirm_life"),
                ("pay_point", "QH01"),
                ("code", "QH01-000001"),
                ("note", "x"),
            ],
        ),
        ("/diem/QH01", vec![("what", "enrol_code")]),
        (
            "/thiet-lap",
            vec![("what", "set"), ("key", "max_age"), ("value", "90")],
        ),
        (
            "/danh-sach/phat-hanh",
            vec![("pay_point", "QH01"), ("period", PERIOD)],
        ),
        ("/kiem-tra-giay", vec![("text", "SCT1/R/QH01")]),
    ];
    for (path, fields) in &forms {
        for (origin, token) in [
            (hub.url(), "sai"),
            ("https://ke-gia-mao.example".to_string(), csrf.as_str()),
        ] {
            let mut f = fields.clone();
            f.push(("csrf", token));
            let answer = web.post_from(&origin, path, &f);
            assert_eq!(answer.status, 403, "{path} from {origin}: {}", answer.body);
        }
    }
    let (_, bytes) = roll_csv(dir.path(), 2, 0);
    let upload = web.post_file(
        "/danh-sach",
        &[("csrf", "sai"), ("pay_point", "QH01"), ("period", PERIOD)],
        ("file", "DS.csv", &bytes),
    );
    assert_eq!(upload.status, 403);
    // Nothing was done: no action reached the audit log, the settings are as they were.
    assert_eq!(audit_actions(&hub).len(), audit_before);
    let settings: serde_json::Value = serde_json::from_str(&hub.admin_ok(&["settings"])).unwrap();
    assert_eq!(settings["max_age"], 100);
}

#[test]
fn the_pages_switch_to_english_and_back_and_the_switch_never_leaves_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 2);
    add_staff(&hub.data, "lan", "officer");
    let mut web = Web::new(&hub.url());
    assert!(web.get("/dang-nhap").body.contains("Tên đăng nhập"));
    let to_en = web.get("/ngon-ngu?l=en&ve=/dang-nhap");
    assert_eq!((to_en.status, to_en.location()), (303, "/dang-nhap"));
    let sign_in = web.get("/dang-nhap").body;
    assert!(
        sign_in.contains("<html lang=\"en\">") && sign_in.contains("Password"),
        "{sign_in}"
    );
    web.sign_in("lan", PASSWORD);
    let overview = web.get("/").body;
    assert!(
        overview.contains("Payments at the pay points"),
        "{overview}"
    );
    assert!(overview.contains(">Sign out</button>") && overview.contains("(Officer)"));
    assert!(overview.contains("Paid / people") && !overview.contains("Tình hình chi trả"));
    // The office's data stays as it is; the hub's own refusals stay in Vietnamese.
    assert!(overview.contains("Bưu điện QH01"));
    let flags = web.get("/canh-bao").body;
    assert!(
        flags.contains("Open, by kind") && flags.contains("To resolve"),
        "{flags}"
    );
    // Back to Vietnamese; a switch that names another site goes home instead.
    for evil in [
        "//ke-gia-mao.example/",
        "https://ke-gia-mao.example/",
        "/%0d%0aSet-Cookie:x=1",
    ] {
        let back = web.get(&format!("/ngon-ngu?l=vi&ve={evil}"));
        assert_eq!((back.status, back.location()), (303, "/"), "{evil}");
    }
    assert!(web.get("/").body.contains("Tình hình chi trả các điểm"));
}

/// Runs `sql` on the hub's store, as an operator with the database's own tools would.
fn store_write(hub: &HubProc, sql: &str) {
    match paypoint_testkit::store::database_url_for(&hub.data) {
        Some(url) => {
            let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            c.batch_execute(sql).unwrap();
        }
        None => {
            let c = rusqlite::Connection::open(hub.data.join("hub.sqlite")).unwrap();
            c.execute_batch(sql).unwrap();
        }
    }
}

#[test]
fn a_session_unused_for_half_an_hour_or_open_for_a_working_day_ends_and_asks_to_sign_in_again() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 2);
    add_staff(&hub.data, "lan", "officer");
    let mut web = Web::new(&hub.url());
    web.sign_in("lan", PASSWORD);
    assert_eq!(web.get("/bao-giam").status, 200);
    // Left unused past the limit: the next page asks to sign in.
    let idle = district::staff::SESSION_IDLE_SECS + 60;
    store_write(
        &hub,
        &format!("UPDATE staff_sessions SET last_seen = last_seen - {idle}"),
    );
    let after = web.get("/bao-giam");
    assert_eq!((after.status, after.location()), (303, "/dang-nhap"));
    // Used a moment ago but opened a working day before: ended too.
    web.sign_in("lan", PASSWORD);
    assert_eq!(web.get("/bao-giam").status, 200);
    store_write(
        &hub,
        "UPDATE staff_sessions SET created_at = created_at - 36001, expires_at = last_seen - 1",
    );
    assert_eq!(web.get("/bao-giam").status, 303);
    // The store never held the cookie itself, only its SHA-256.
    let cookie = web.cookies.get("sct_phien").cloned().unwrap_or_default();
    let held = hub
        .store()
        .rows("SELECT token_sha256 FROM staff_sessions", &[])
        .unwrap();
    assert!(held
        .iter()
        .all(|r| r[0].text() != cookie && r[0].text().len() == 64));
}

#[test]
fn behind_a_reverse_proxy_a_form_of_the_proxied_site_is_taken_and_no_page_can_be_framed() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 2);
    add_staff(&hub.data, "lan", "officer");
    let mut web = Web::new(&hub.url());
    web.sign_in("lan", PASSWORD);
    let page = web.get("/bao-giam");
    for (name, value) in [
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("x-content-type-options", "nosniff"),
    ] {
        assert_eq!(page.headers[name], value, "{name}");
    }
    let csp = page.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("frame-ancestors 'none'") && csp.contains("form-action 'self'"),
        "{csp}"
    );
    // nginx's proxy_pass sends Host: 127.0.0.1:PORT and, told to, X-Forwarded-Host: the site.
    let csrf = csrf_of(&page.body);
    let stop = |code: &str, forwarded: &str| {
        let body = common::web::form_body(&[
            ("csrf", &csrf),
            ("pay_point", "QH01"),
            ("code", code),
            ("reason", "moved"),
        ]);
        reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .post(format!("{}/bao-giam", hub.url()))
            .header("cookie", format!("sct_phien={}", web.cookies["sct_phien"]))
            .header("origin", "https://chitra.quangtri.gov.vn")
            .header("x-forwarded-host", forwarded)
            .header("x-forwarded-for", "203.0.113.7")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .unwrap()
            .status()
            .as_u16()
    };
    assert_eq!(stop(&code("QH01", 1), "ke-gia-mao.example"), 403);
    assert_eq!(stop(&code("QH01", 1), "chitra.quangtri.gov.vn"), 200);
    let log = audit_actions(&hub);
    let row = log
        .iter()
        .find(|l| l.starts_with("record_stop lan"))
        .unwrap();
    assert!(row.contains("xong"), "{row}");
    let from = hub
        .store()
        .value(
            "SELECT from_addr FROM office_audit WHERE action = 'record_stop'",
            &[],
        )
        .unwrap()
        .text();
    assert!(from.starts_with("203.0.113.7 (qua 127.0.0.1)"), "{from}");
}

/// Every page only staff see, and every form that changes something, sends a browser without a
/// session to the sign-in page before anything is read or done (the `SignedIn` extractor and
/// `Posted`): a monitoring screen's token opens the overview, not these.
#[test]
fn a_browser_without_a_session_is_sent_to_sign_in_from_every_staff_page_and_form() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    let mut web = Web::new(&hub.url());
    for page in [
        "/bao-giam",
        "/thiet-lap",
        "/kiem-tra-giay",
        "/nhat-ky",
        "/tai-khoan",
    ] {
        let a = web.get(page);
        assert_eq!((a.status, a.location()), (303, "/dang-nhap"), "GET {page}");
    }
    let stop = [
        ("csrf", "x"),
        ("pay_point", "QH01"),
        ("code", "QH01-000001"),
        ("reason", "death"),
    ];
    for form in [
        "/bao-giam",
        "/thiet-lap",
        "/kiem-tra-giay",
        "/tai-khoan",
        "/canh-bao",
        "/cho-quyet-dinh",
        "/diem/QH01",
        "/danh-sach/phat-hanh",
        "/dang-xuat",
    ] {
        let a = web.post(form, &stop);
        assert_eq!((a.status, a.location()), (303, "/dang-nhap"), "POST {form}");
    }
    let upload = web.post_file(
        "/danh-sach",
        &[("csrf", "x"), ("pay_point", "QH01"), ("period", "2026-12")],
        ("file", "DS.csv", b"ma,ho_ten\n"),
    );
    assert_eq!((upload.status, upload.location()), (303, "/dang-nhap"));
    assert_eq!(stops_of(&hub), 0, "nothing was done");
}
