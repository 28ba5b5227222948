//! End to end: the real `paypoint-desktop` binary in a real window (Xvfb), driven through
//! tauri-driver and WebKitWebDriver, each test on a fresh `XDG_DATA_HOME` (so a fresh demo
//! ledger). Each test saves a screenshot of its screen to docs/screens/.

mod common;

use std::process::Command;

use common::*;
use serde_json::json;

/// Sign in (a wrong PIN first), find a beneficiary by an unaccented partial name, pay with the
/// amount confirmed in figures and words, see the card refuse a second payment and the core
/// refuse one sent anyway; the Today screen counts the payment.
#[test]
fn sign_in_search_pay_and_double_payment_refused() {
    run(|Ctx { c, .. }| async move {
        wait_id(&c, "demo-panel").await?;
        wait_text(&c, &tid("demo-panel"), "PIN 1234").await?;
        screenshot(&c, "01-sign-in").await?;
        sign_in(&c, 0, "0000").await?;
        let msg = wait_text(&c, &tid("signin-error"), "Sai mã PIN").await?;
        assert!(msg.contains("còn 4 lần thử"), "{msg}");
        wait_id(&c, "pin").await?.clear().await?;
        sign_in_demo(&c).await?;

        let who = payable(&c, 1).await?.remove(0);
        let code = who["code"].as_str().unwrap().to_string();
        let name = who["name"].as_str().unwrap().to_string();
        // "Nguyễn Văn Hùng" → "ngu van hung": no accents, the first word cut short.
        let words: Vec<String> = fold(&name).split(' ').map(str::to_string).collect();
        let query = format!(
            "{} {}",
            &words[0][..words[0].len().min(3)],
            words[1..].join(" ")
        );
        open_card(&c, "pay-search", &query, &code).await?;
        let total = wait_id(&c, "card-total").await?.text().await?;
        assert!(total.ends_with(" đ"), "{total}");
        let button = wait_id(&c, "pay-button").await?;
        screenshot(&c, "03-pay").await?;
        assert_eq!(
            c.active_element().await?.attr("id").await?.as_deref(),
            Some("pay-button"),
            "the pay button has focus once the card opens"
        );
        button.send_keys(&Key::Enter.to_string()).await?;
        let amount = wait_id(&c, "confirm-amount").await?.text().await?;
        assert_eq!(amount, total, "the dialog confirms the card's amount");
        let words_shown = wait_id(&c, "confirm-words").await?.text().await?;
        assert!(words_shown.ends_with("đồng"), "{words_shown}");
        screenshot(&c, "03b-pay-confirm").await?;
        c.active_element()
            .await?
            .send_keys(&Key::Enter.to_string())
            .await?;
        wait_text(
            &c,
            &tid("paid-message"),
            &format!("Đã chi {amount} cho {name}"),
        )
        .await?;
        // Enter: next person. The card now says why it cannot be paid again.
        c.active_element()
            .await?
            .send_keys(&Key::Enter.to_string())
            .await?;
        wait_js(
            &c,
            "document.querySelector('[data-testid=card-blocked]')?.dataset.reason === 'already_paid'",
        )
        .await?;
        assert!(c.find(Locator::Css(&tid("pay-button"))).await.is_err());
        wait_text(&c, &tid("card-blocked"), "không chi trả lần hai").await?;

        // Even if something asked anyway, the core refuses, in words.
        let r = invoke(
            &c,
            "pay",
            json!({"code": code, "recipient": {"kind": "self"}, "expected_total": 1}),
        )
        .await?;
        assert_eq!(r["err"]["code"], "already_paid", "{r}");
        assert!(
            r["err"]["message_vi"]
                .as_str()
                .unwrap()
                .contains("không chi trả lần hai"),
            "{r}"
        );

        nav(&c, "today").await?;
        wait_text(&c, &tid("tile-people"), "1 / 300").await?;
        wait_id(&c, "warn-expiring").await?;
        wait_id(&c, "warn-not-visited").await?;
        screenshot(&c, "02-today").await?;
        Ok(())
    });
}

/// Home delivery: the list by village, record "not at home" for someone, then pay another at the
/// home under the counter's rules.
#[test]
fn home_visit_recorded_and_paid_at_home() {
    run(|Ctx { c, .. }| async move {
        sign_in_demo(&c).await?;
        nav(&c, "home").await?;
        wait_id(&c, "home-table").await?;
        click_id(&c, "home-waiting").await?;
        let rows = c.find_all(Locator::Css(&tid("home-row"))).await?;
        assert!(rows.len() >= 2, "the demo roll has home deliveries");
        let first = rows[0].attr("data-code").await?.unwrap();
        click(
            &c,
            &format!("[data-testid=home-row][data-code=\"{first}\"] [data-testid=home-name]"),
        )
        .await?;
        wait(&c, &format!("[data-testid=card][data-code=\"{first}\"]")).await?;
        type_id(&c, "visit-note", "hàng xóm nói đi viện huyện").await?;
        click_id(&c, "outcome-absent").await?;
        wait_text(&c, &tid("home-message"), "Vắng nhà").await?;
        // Visited: gone from the "not yet visited" list; in the full list with its outcome.
        wait_js(
            &c,
            &format!("!document.querySelector('[data-testid=home-row][data-code=\"{first}\"]')"),
        )
        .await?;
        click_id(&c, "home-waiting").await?;
        wait_text(
            &c,
            &format!("[data-testid=home-row][data-code=\"{first}\"] [data-testid=home-last]"),
            "Vắng nhà",
        )
        .await?;

        // Pay the next one at home.
        let second = c
            .execute(
                "return [...document.querySelectorAll('[data-testid=home-row]')].map(r => r.dataset.code).find(c => c !== arguments[0])",
                vec![json!(first)],
            )
            .await?;
        let second = second.as_str().unwrap().to_string();
        click(
            &c,
            &format!("[data-testid=home-row][data-code=\"{second}\"] [data-testid=home-name]"),
        )
        .await?;
        wait(&c, &format!("[data-testid=card][data-code=\"{second}\"]")).await?;
        click_id(&c, "outcome-paid").await?;
        click_id(&c, "confirm-pay").await?;
        wait_id(&c, "paid-message").await?;
        click_id(&c, "print-receipt").await?;
        wait_text(&c, &tid("receipt-printed"), ".pdf").await?;
        click_id(&c, "next-person").await?;
        wait_text(&c, &tid("home-message"), "Đã chi trả").await?;
        screenshot(&c, "04-home").await?;
        Ok(())
    });
}

/// Stop report: death with a date; the card shows the stop and payment is refused.
#[test]
fn stop_report_stops_payment_at_once() {
    run(|Ctx { c, .. }| async move {
        sign_in_demo(&c).await?;
        let who = payable(&c, 2).await?.remove(1);
        let code = who["code"].as_str().unwrap().to_string();
        nav(&c, "stop").await?;
        open_card(&c, "stop-search", &code, &code).await?;
        click_id(&c, "stop-reason-death").await?;
        let today = chrono::Local::now()
            .date_naive()
            .format("%d/%m/%Y")
            .to_string();
        type_id(&c, "stop-date", &today).await?;
        type_id(&c, "stop-note", "giấy báo tử của UBND xã").await?;
        click_id(&c, "stop-submit").await?;
        click_id(&c, "confirm-yes").await?;
        wait_text(&c, &tid("stop-message"), "dừng chi trả ngay").await?;
        wait_id(&c, "card-stop").await?;
        wait_js(
            &c,
            "document.querySelector('[data-testid=card-blocked]')?.dataset.reason === 'stopped'",
        )
        .await?;
        screenshot(&c, "05-stop").await?;
        let r = invoke(
            &c,
            "pay",
            json!({"code": code, "recipient": {"kind": "self"}, "expected_total": who["due"]}),
        )
        .await?;
        assert_eq!(r["err"]["code"], "stopped", "{r}");
        Ok(())
    });
}

/// Cash: an advance, then a count by denomination that comes out short; the shortage is shown
/// live and recorded.
#[test]
fn cash_count_with_a_discrepancy_is_recorded() {
    run(|Ctx { c, .. }| async move {
        sign_in_demo(&c).await?;
        nav(&c, "cash").await?;
        wait_text(&c, &tid("cash-on-hand"), "2.000.000.000 đ").await?;
        let adv = wait_id(&c, "advance-amount").await?;
        adv.send_keys("50000000").await?;
        click_id(&c, "advance-submit").await?;
        wait_text(&c, &tid("cash-on-hand"), "2.050.000.000 đ").await?;
        // 4.000 × 500.000 + 240 × 200.000 = 2.048.000.000: 2.000.000 short.
        type_id(&c, "count-500000", "4000").await?;
        type_id(&c, "count-200000", "240").await?;
        wait_text(&c, &tid("count-total"), "2.048.000.000 đ").await?;
        wait_text(&c, &tid("count-diff"), "THIẾU 2.000.000 đ").await?;
        screenshot(&c, "06-cash").await?;
        click_id(&c, "count-submit").await?;
        wait_text(&c, &tid("count-result"), "THIẾU 2.000.000 đ").await?;
        wait_text(&c, &tid("last-count"), "-2.000.000").await?;
        Ok(())
    });
}

fn write_roll_csv(path: &std::path::Path, rows: &[(&str, &str, &str, i64)]) {
    // The header, then the numbering row "(1) (2) …" as district files have it.
    let mut s = String::from(
        "STT,Họ và tên,Mã đối tượng,Thôn,Diện đối tượng,Trợ cấp hàng tháng,Tổng cộng,Ghi chú\n\
         (1),(2),(3),(4),(5),(6),(7),(8)\n",
    );
    for (i, (name, code, village, amount)) in rows.iter().enumerate() {
        s.push_str(&format!(
            "{},{name},{code},{village},Thương binh 21%,{amount},{amount},\n",
            i + 1
        ));
    }
    std::fs::write(path, s).unwrap();
}

/// Roll import: a file with a mistake is refused with its row and column listed; the corrected
/// file previews, loads, and shows as a version.
#[test]
fn roll_import_lists_errors_by_row_and_column_then_loads() {
    run(|Ctx { c, xdg, .. }| async move {
        sign_in_demo(&c).await?;
        let next = paypoint::Period::containing(chrono::Local::now().date_naive()).next();
        let bad = xdg.join("ds-loi.csv");
        write_roll_csv(
            &bad,
            &[
                ("Nguyễn Văn Thử", "T-000001", "Thôn Đông", 1_878_000),
                ("", "T-000002", "Thôn Đông", 1_878_000),
                ("Lê Thị Ba", "T-000003", "Thôn Tây", 2_789_000),
            ],
        );
        nav(&c, "roll").await?;
        let period = wait_id(&c, "roll-period").await?;
        period.clear().await?;
        period.send_keys(&next.to_string()).await?;
        let path = wait_id(&c, "roll-path").await?;
        path.send_keys(bad.to_str().unwrap()).await?;
        path.send_keys(&Key::Enter.to_string()).await?;
        wait_text(&c, &tid("roll-error"), "không nạp gì").await?;
        wait_id(&c, "roll-problems").await?;
        let row = wait_id(&c, "problem-row").await?.text().await?;
        let col = wait_id(&c, "problem-column").await?.text().await?;
        assert_eq!(
            (row.as_str(), col.as_str()),
            ("4", "B"),
            "the empty name is on row 4, column B"
        );
        screenshot(&c, "07-roll").await?;

        let good = xdg.join("ds-dung.csv");
        write_roll_csv(
            &good,
            &[
                ("Nguyễn Văn Thử", "T-000001", "Thôn Đông", 1_878_000),
                ("Trần Văn Hai", "T-000002", "Thôn Đông", 1_878_000),
                ("Lê Thị Ba", "T-000003", "Thôn Tây", 2_789_000),
            ],
        );
        let path = wait_id(&c, "roll-path").await?;
        path.clear().await?;
        path.send_keys(good.to_str().unwrap()).await?;
        click_id(&c, "roll-preview-button").await?;
        wait_text(&c, &tid("roll-preview"), "3 đối tượng").await?;
        wait_text(&c, &tid("roll-preview"), "6.545.000").await?;
        click_id(&c, "roll-apply").await?;
        wait_text(&c, &tid("roll-applied"), "phiên bản 1").await?;
        wait_text(&c, &tid("roll-versions"), "ds-dung.csv").await?;

        // A file chosen with the file chooser arrives as bytes and is kept in the import folder.
        let saved = c
            .execute_async(
                "const [bytes, done] = arguments;
                 window.__TAURI__.core.invoke('upload_roll_file', new Uint8Array(bytes),
                   { headers: { 'x-file-name': encodeURIComponent('../DS tháng.csv') } })
                   .then((ok) => done({ ok }), (err) => done({ err }));",
                vec![json!(std::fs::read(&good).unwrap())],
            )
            .await?;
        let saved = saved["ok"].as_str().expect("saved path").to_string();
        assert!(
            saved.ends_with("vn.paypoint.sochitra/import/DS tháng.csv"),
            "{saved}"
        );
        assert_eq!(
            std::fs::read(&saved).unwrap(),
            std::fs::read(&good).unwrap()
        );
        Ok(())
    });
}

/// Print: the signature sheet of one village is written as a PDF that reads back with the
/// village's beneficiaries in it.
#[test]
fn print_signature_sheet_writes_a_readable_pdf() {
    run(|Ctx { c, data_dir, .. }| async move {
        sign_in_demo(&c).await?;
        let hits = invoke(&c, "search", json!({"query": "", "limit": 300})).await?;
        let first = hits["ok"][0].clone();
        let village = first["village"].as_str().unwrap().to_string();
        nav(&c, "print").await?;
        click_id(&c, "doc-sheet").await?;
        select_id(&c, "print-village", &village).await?;
        click_id(&c, "print-open").await?;
        let el = wait_id(&c, "print-result").await?;
        let path = el.attr("data-path").await?.expect("the PDF's path");
        assert!(
            path.starts_with(data_dir.join("documents").to_str().unwrap()),
            "{path}"
        );
        screenshot(&c, "08-print").await?;
        let out = Command::new("pdftotext")
            .args(["-layout", &path, "-"])
            .output()
            .expect("pdftotext (poppler-utils)");
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        let in_village: Vec<String> = hits["ok"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|h| h["village"] == village.as_str())
            .map(|h| h["name"].as_str().unwrap().to_string())
            .collect();
        assert!(!in_village.is_empty());
        for name in &in_village {
            assert!(
                text.contains(name.as_str()),
                "{name} is not in the sheet:\n{text}"
            );
        }
        // Every other document of the pay point, written and readable.
        for (doc, file, words) in [
            ("day", "bao-cao-ngay", "BÁO CÁO"),
            ("unpaid", "danh-sach-chua-nhan", "CHƯA NHẬN"),
            ("settlement", "thanh-quyet-toan", "QUYẾT TOÁN"),
            ("notice", "niem-yet", "NIÊM YẾT"),
        ] {
            click_id(&c, &format!("doc-{doc}")).await?;
            click_id(&c, "print-save").await?;
            let el = wait(
                &c,
                &format!("[data-testid=print-result][data-path*=\"{file}\"]"),
            )
            .await?;
            let path = el.attr("data-path").await?.unwrap();
            let out = Command::new("pdftotext")
                .args([&path, "-"])
                .output()
                .unwrap();
            let text = String::from_utf8_lossy(&out.stdout).to_uppercase();
            assert!(
                out.status.success() && text.contains(words),
                "{doc}: {path}\n{text}"
            );
        }
        Ok(())
    });
}

/// Journal: a payout reversed with the supervisor's PIN (a wrong PIN first); the chain check
/// passes; the person can be paid again.
#[test]
fn reversal_needs_the_supervisor_pin() {
    run(|Ctx { c, .. }| async move {
        sign_in_demo(&c).await?;
        let who = payable(&c, 1).await?.remove(0);
        let code = who["code"].as_str().unwrap().to_string();
        let r = invoke(
            &c,
            "pay",
            json!({"code": code, "recipient": {"kind": "self"}, "expected_total": who["due"]}),
        )
        .await?;
        let payout = r["ok"]["payout_id"].as_str().expect("paid").to_string();
        nav(&c, "journal").await?;
        select_id(&c, "journal-group", "payout").await?;
        wait_js(
            &c,
            "(rows => rows.length > 0 && rows.every(r => r.dataset.kind === 'payout'))([...document.querySelectorAll('[data-testid=journal-row]')])",
        )
        .await?;
        click(
            &c,
            &format!("[data-testid=reverse-button][data-payout=\"{payout}\"]"),
        )
        .await?;
        type_id(&c, "rev-reason", "chi nhầm người").await?;
        fill_id(&c, "rev-pin", "1111").await?;
        click_id(&c, "rev-confirm").await?;
        wait_text(&c, &tid("reverse-error"), "Sai mã PIN").await?;
        fill_id(&c, "rev-pin", "9999").await?;
        wait_id(&c, "rev-pin")
            .await?
            .send_keys(&Key::Enter.to_string())
            .await?;
        wait_text(&c, &tid("reverse-result"), "trả lại quỹ").await?;
        select_id(&c, "journal-group", "all").await?;
        wait(&c, "[data-testid=journal-row][data-kind=reversal]").await?;
        click_id(&c, "verify-button").await?;
        wait_text(&c, &tid("verify-result"), "nguyên vẹn").await?;
        screenshot(&c, "09-journal").await?;
        let card = invoke(&c, "beneficiary", json!({"code": code})).await?;
        assert_eq!(card["ok"]["can_pay"], true, "{card}");
        Ok(())
    });
}

/// Policy reference, searchable without accents; English switch; a lock-out after five wrong
/// PINs says how long it lasts.
#[test]
fn policy_language_and_lockout() {
    run(|Ctx { c, .. }| async move {
        for attempt in 1..=5 {
            sign_in(&c, 1, "0000").await?;
            wait(
                &c,
                &format!("[data-testid=signin-error][data-attempt=\"{attempt}\"]"),
            )
            .await?;
        }
        wait_text(&c, &tid("signin-error"), "bị khóa").await?;
        wait_text(&c, &tid("signin-error"), "15 phút").await?;
        wait_id(&c, "pin").await?.clear().await?;
        // The other clerk is not locked.
        wait_id(&c, "pin")
            .await?
            .send_keys(&Key::Up.to_string())
            .await?;
        sign_in_demo(&c).await?;
        // Keyboard: Alt+9 opens the policy reference from the Pay screen's search field.
        wait_id(&c, "pay-search")
            .await?
            .send_keys(&(Key::Alt + "9"))
            .await?;
        wait_js(&c, "document.body.dataset.screen === 'policy'").await?;
        type_id(&c, "policy-search", "thuong binh").await?;
        wait_js(
            &c,
            "[...document.querySelectorAll('[data-testid=rate]')].every(r => r.textContent.includes('Thương binh')) && document.querySelectorAll('[data-testid=rate]').length > 0",
        )
        .await?;
        screenshot(&c, "10-policy").await?;
        click_id(&c, "lang-switch").await?;
        wait_text(&c, &tid("nav-pay"), "Pay").await?;
        nav(&c, "pay").await?;
        wait_text(&c, "label[for=pay-search]", "Find the recipient").await?;
        Ok(())
    });
}

/// The app as shipped (WebKit compositing off, see `common::run`): sign in, find by a partial
/// unaccented name, pay with the keyboard, the second payment refused. No screenshots here.
#[test]
fn default_webkit_mode_pays_with_the_keyboard() {
    run_default_mode(|Ctx { c, .. }| async move {
        sign_in_demo(&c).await?;
        let who = payable(&c, 1).await?.remove(0);
        let code = who["code"].as_str().unwrap().to_string();
        let query = fold(who["name"].as_str().unwrap());
        open_card(&c, "pay-search", &query, &code).await?;
        wait_id(&c, "pay-button")
            .await?
            .send_keys(&Key::Enter.to_string())
            .await?;
        wait_id(&c, "confirm-pay").await?;
        c.active_element()
            .await?
            .send_keys(&Key::Enter.to_string())
            .await?;
        wait_id(&c, "paid-message").await?;
        c.active_element()
            .await?
            .send_keys(&Key::Enter.to_string())
            .await?;
        wait_js(
            &c,
            "document.querySelector('[data-testid=card-blocked]')?.dataset.reason === 'already_paid'",
        )
        .await?;
        Ok(())
    });
}

/// Without a display the app says so in Vietnamese and English and exits 1, instead of panicking.
#[test]
fn no_display_is_a_clear_message() {
    let out = Command::new(app_binary())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Không có màn hình") && err.contains("xvfb-run"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}
