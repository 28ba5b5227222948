//! The office's web app in a real browser (issue 20): headless Chromium over WebDriver against
//! the real hub on loopback, with a real device syncing. What a browser cannot be made to do (a
//! forged form, a refused role sent anyway) is `office_web.rs`.

#[path = "common/browser.rs"]
mod browser;
mod common;

use std::path::{Path, PathBuf};

use browser::{downloaded, fill, screenshot, submit, text, wait, Client, CmdError, Driver};
use common::web::{add_staff, PASSWORD};
use common::*;

fn run<F: std::future::Future<Output = Result<(), CmdError>>>(f: F) {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
        .expect("a browser step failed");
}

/// The roll of version 2, one person more, written as the office's .xlsx: with a wrong TỔNG
/// CỘNG, and right. Returns both files and the newcomer's code.
fn roll_files(dir: &Path) -> (PathBuf, PathBuf, String) {
    let roll = paypoint::demo::roll(PERIOD.parse().unwrap(), 7, 7, "QH01");
    let write = |name: &str, error: i64| {
        let shape = rollfile::Shape {
            grand_total_error: error,
            ..rollfile::Shape::standard(&roll)
        };
        let file = dir.join(name);
        rollfile::write_xlsx(&roll, &shape, &file);
        file
    };
    (
        write("DS T12 sai.xlsx", 5000),
        write("DS T12.xlsx", 0),
        roll.entries[6].code.to_string(),
    )
}

/// Signs in as `lan`, once with a wrong password; the overview shows what was paid.
async fn sign_in(c: &Client, url: &str, paid: &str) -> Result<(), CmdError> {
    c.goto(&format!("{url}/dang-nhap")).await?;
    wait(c, "#sign-in").await?;
    screenshot(c, "dang-nhap").await?;
    fill(c, "#login", "lan").await?;
    fill(c, "#password", "khong-phai-mat-khau").await?;
    submit(c, "#sign-in", "[data-testid=sign-in-error]").await?;
    assert!(text(c).await?.contains("Sai tên đăng nhập hoặc mật khẩu"));
    fill(c, "#login", "lan").await?;
    fill(c, "#password", PASSWORD).await?;
    submit(c, "#sign-in", "[data-testid=overview]").await?;
    let overview = text(c).await?;
    assert!(
        overview.contains("Cán bộ lan (Cán bộ nghiệp vụ)"),
        "{overview}"
    );
    assert!(overview.contains(paid), "{paid}: {overview}");
    screenshot(c, "tong-quan").await
}

/// A roll uploaded: its error shown at its row; then a good one, published.
async fn upload_and_publish(
    c: &Client,
    url: &str,
    bad: &Path,
    good: &Path,
    newcomer: &str,
) -> Result<(), CmdError> {
    for (file, then) in [
        (bad, "[data-testid=import-problems]"),
        (good, "[data-testid=imported]"),
    ] {
        c.goto(&format!("{url}/danh-sach")).await?;
        // A month field is typed differently in every locale: set as the picker would.
        c.execute(
            "document.getElementById('period').value = arguments[0]",
            vec![serde_json::json!(PERIOD)],
        )
        .await?;
        wait(c, "#file")
            .await?
            .send_keys(&file.display().to_string())
            .await?;
        submit(c, "#upload", then).await?;
        if file == bad {
            let problems = wait(c, then).await?.text().await?;
            assert!(problems.contains("DS T12 sai.xlsx"), "{problems}");
            screenshot(c, "danh-sach-loi").await?;
        }
    }
    let imported = wait(c, "[data-testid=imported]").await?.text().await?;
    assert!(
        imported.contains("phiên bản 2") && imported.contains(newcomer),
        "{imported}"
    );
    screenshot(c, "danh-sach").await?;
    submit(c, "#publish", ".ok").await?;
    assert!(text(c).await?.contains("Đã phát hành danh sách điểm QH01"));
    Ok(())
}

/// A stop, recorded in the form.
async fn record_stop(c: &Client, url: &str, person: &str) -> Result<(), CmdError> {
    c.goto(&format!("{url}/bao-giam")).await?;
    fill(c, "#pay_point", "QH01").await?;
    fill(c, "#code", person).await?;
    wait(c, "#reason option[value=moved]")
        .await?
        .click()
        .await?;
    fill(c, "#note", "Chuyển về ở với con tại Huế").await?;
    submit(c, "#record-stop", ".ok").await?;
    let page = text(c).await?;
    assert!(page.contains("Đã ghi báo giảm"), "{page}");
    let moved = paypoint::stop::StopReason::Moved.label_vi();
    assert!(page.contains(moved), "{moved}: {page}");
    screenshot(c, "bao-giam").await
}

/// The flag, closed with what was done about it.
async fn close_flag(c: &Client, url: &str) -> Result<(), CmdError> {
    c.goto(&format!("{url}/canh-bao")).await?;
    let page = text(c).await?;
    assert!(page.contains("paid_after_stop"), "{page}");
    screenshot(c, "canh-bao").await?;
    let form = "[data-testid=open-flags] form";
    wait(c, &format!("{form} option[value=recovered]"))
        .await?
        .click()
        .await?;
    fill(
        c,
        &format!("{form} input[name=note]"),
        "Gia đình đã nộp lại tiền, biên lai số 7",
    )
    .await?;
    submit(c, &format!("{form} button"), ".ok").await?;
    let closed = wait(c, "[data-testid=closed-flags]").await?.text().await?;
    assert!(
        closed.contains("Đã thu hồi tiền") && closed.contains("biên lai số 7"),
        "{closed}"
    );
    let open = wait(c, "[data-testid=open-flags]").await?.text().await?;
    assert!(open.lines().count() <= 1, "{open}");
    Ok(())
}

/// The settlement, on screen and as the PDF to print and sign, read back.
async fn settlement_pdf(
    c: &Client,
    url: &str,
    downloads: &Path,
    paid: &str,
) -> Result<(), CmdError> {
    c.goto(&format!("{url}/quyet-toan")).await?;
    let page = text(c).await?;
    assert!(page.contains(paid), "{page}");
    screenshot(c, "quyet-toan").await?;
    wait(c, "[data-testid=settlement-pdf]")
        .await?
        .click()
        .await?;
    let pdf = downloaded(downloads);
    let text = pdf_text(&pdf);
    assert!(text.contains("QH01") && text.contains(paid), "{text}");
    Ok(())
}

#[test]
fn an_officer_publishes_a_roll_records_a_stop_closes_a_flag_and_prints_the_settlement_in_the_browser(
) {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 6);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    dev.pay_first("QH01", 2);
    // A payout after a death the device had not heard of: the hub flags it for the office.
    let dead = code("QH01", 5);
    hub.admin_ok(&["stop", &dead, "--pay-point", "QH01", "--reason", "death"]);
    dev.pay(&dead);
    let r = dev.sync().unwrap();
    assert!(r.flags.iter().any(|f| f.kind == "paid_after_stop"));
    add_staff(&hub.data, "lan", "officer");
    let (bad, good, newcomer) = roll_files(dir.path());
    let paid = paypoint::Dong::new(dev.paid_amount()).unwrap().to_string();
    let person = code("QH01", 4);
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let driver = Driver::start();
    let url = hub.url();
    run(async {
        let c = driver
            .browser(&dir.path().join("profile"), &downloads)
            .await;
        sign_in(&c, &url, &paid).await?;
        upload_and_publish(&c, &url, &bad, &good, &newcomer).await?;
        record_stop(&c, &url, &person).await?;
        close_flag(&c, &url).await?;
        settlement_pdf(&c, &url, &downloads, &paid).await?;
        // Signing out ends the session: the app asks to sign in again.
        c.goto(&format!("{url}/bao-giam")).await?;
        submit(&c, "header button", "#sign-in").await?;
        c.goto(&format!("{url}/bao-giam")).await?;
        wait(&c, "#sign-in").await?;
        c.close().await
    });
    // The device pulls the new roll and hears of the stop at its next sync: it pays the
    // newcomer, and the person stopped no more.
    let r = dev.sync().unwrap();
    assert_eq!(r.stops_applied, 1);
    assert_eq!(dev.ledger.search(&newcomer, None).unwrap().len(), 1);
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
}

#[test]
fn five_wrong_passwords_lock_the_account_and_the_administrator_sees_it_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 2);
    add_staff(&hub.data, "minh", "viewer");
    add_staff(&hub.data, "quantri", "admin");
    let driver = Driver::start();
    let url = hub.url();
    run(async {
        let c = driver
            .browser(&dir.path().join("profile"), dir.path())
            .await;
        c.goto(&format!("{url}/dang-nhap")).await?;
        for _ in 0..5 {
            fill(&c, "#login", "minh").await?;
            fill(&c, "#password", "mat-khau-sai-roi").await?;
            submit(&c, "#sign-in", "[data-testid=sign-in-error]").await?;
        }
        fill(&c, "#login", "minh").await?;
        fill(&c, "#password", PASSWORD).await?;
        submit(&c, "#sign-in", "[data-testid=sign-in-error]").await?;
        let page = text(&c).await?;
        assert!(page.contains("bị khóa 15 phút"), "{page}");
        fill(&c, "#login", "quantri").await?;
        fill(&c, "#password", PASSWORD).await?;
        submit(&c, "#sign-in", "[data-testid=overview]").await?;
        c.goto(&format!("{url}/tai-khoan")).await?;
        let page = text(&c).await?;
        assert!(page.contains("khóa đến"), "{page}");
        screenshot(&c, "tai-khoan").await?;
        // The administrator unlocks it from the page.
        submit(&c, "[data-testid=staff] button", ".ok").await?;
        assert!(!text(&c).await?.contains("khóa đến"));
        for (page, name) in [
            ("/diem/QH01", "diem"),
            ("/cho-quyet-dinh", "cho-quyet-dinh"),
            ("/thiet-lap", "thiet-lap"),
            ("/kiem-tra-giay", "kiem-tra-giay"),
        ] {
            c.goto(&format!("{url}{page}")).await?;
            wait(&c, "main h1").await?;
            screenshot(&c, name).await?;
        }
        c.goto(&format!("{url}/nhat-ky")).await?;
        let log = text(&c).await?;
        assert!(
            log.contains("sign_in_refused") && log.contains("unlock_staff"),
            "{log}"
        );
        screenshot(&c, "nhat-ky").await?;
        // The header's link switches the pages to English.
        c.goto(&format!("{url}/")).await?;
        submit(&c, "[data-testid=lang]", "[data-testid=overview]").await?;
        let overview = text(&c).await?;
        assert!(
            overview.contains("Payments at the pay points"),
            "{overview}"
        );
        screenshot(&c, "tong-quan-en").await?;
        c.close().await
    });
}

/// A PDF's text, read back by poppler's `pdftotext`.
fn pdf_text(pdf: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "{}: {} ({} bytes)",
        pdf.display(),
        String::from_utf8_lossy(&out.stderr),
        std::fs::metadata(pdf).map_or(0, |m| m.len())
    );
    String::from_utf8(out.stdout).unwrap()
}
