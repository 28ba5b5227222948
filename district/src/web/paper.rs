//! Checking a printed page (a signature sheet, a receipt) by its QR code: the office's USB
//! scanner types the code into the field, the hub compares what the page states with the
//! published roll, the payouts, reversals and stops it received. Each check is recorded.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::format::escape;
use super::lang::tr;
use super::pages::csrf_field;
use super::posted::{csrf_field, Posted};
use super::shell::{act, render, SignedIn};
use crate::action::{Action, Done};
use crate::paper::PaperCheck;
use crate::staff::Session;
use crate::state::AppState;

/// `GET /kiem-tra-giay`.
pub async fn paper_page(State(st): State<AppState>, who: SignedIn) -> Response {
    let body = page(&who.session, "");
    render(
        &st,
        &who.viewer(),
        StatusCode::OK,
        tr("Kiểm tra giấy in", "Check paper"),
        &body,
    )
    .await
}

fn page(s: &Session, result: &str) -> String {
    format!(
        "<h1>{}</h1>{result}<form class=box method=post action=\"/kiem-tra-giay\" data-testid=check-paper>{}\
         <label for=text>{}</label><input id=text name=text autofocus required autocomplete=off>\
         <button type=submit id=check>{}</button><p class=note>{}</p></form>",
        tr("Kiểm tra giấy in theo mã QR", "Check a printed page by its QR code"),
        csrf_field(s),
        tr(
            "Mã QR ở chân trang (quét bằng máy quét, hoặc gõ: bắt đầu bằng SCT1/)",
            "The QR code at the foot of the page (scan it, or type it: it starts with SCT1/)"
        ),
        tr("Kiểm tra", "Check"),
        tr(
            "So với danh sách đơn vị quản lý đã phát hành và các lần chi trả, hủy chi, báo giảm mà máy chủ nhận được. Mỗi lần kiểm tra được ghi vào nhật ký.",
            "Compared with the roll the office published and the payouts, reversals and stops the hub received. Every check is kept in the audit log."
        ),
    )
}

fn result(c: &PaperCheck) -> String {
    let mut html = if c.agrees {
        format!(
            "<div class=ok role=status data-testid=paper-agrees><p><strong>{}</strong>: {}.</p>",
            tr(
                "Khớp với số liệu của đơn vị quản lý",
                "Agrees with the office's records"
            ),
            escape(&c.page)
        )
    } else {
        let mut h = format!(
            "<div class=err role=alert data-testid=paper-differs><p><strong>{}</strong> ({}): {}.</p><ul>",
            tr("Không khớp", "Does not agree"),
            c.findings.len(),
            escape(&c.page)
        );
        for f in &c.findings {
            h.push_str(&format!("<li>{}</li>", escape(&f.detail)));
        }
        h.push_str("</ul>");
        h
    };
    for n in &c.notes {
        html.push_str(&format!("<p class=note>{}</p>", escape(n)));
    }
    html.push_str("</div>");
    html
}

#[derive(Deserialize)]
pub struct PaperForm {
    csrf: String,
    text: String,
}

/// `POST /kiem-tra-giay`.
pub async fn check(State(st): State<AppState>, posted: Posted<PaperForm>) -> Response {
    let Posted { who, from, form: f } = posted;
    let action = Action::CheckPaper { text: f.text };
    let (status, above) = match act(&st, &who.session, from.clone(), action).await {
        Ok(Done::Paper(c)) => (StatusCode::OK, result(&c)),
        Ok(_) => (StatusCode::OK, String::new()),
        Err((s, o)) => (s, o.html()),
    };
    let body = page(&who.session, &above);
    render(
        &st,
        &who.viewer(),
        status,
        tr("Kiểm tra giấy in", "Check paper"),
        &body,
    )
    .await
}

csrf_field!(PaperForm);
