//! Checking a printed page (a signature sheet, a receipt) by its QR code: the office's USB
//! scanner types the code into the field, the hub compares what the page states with the
//! published roll, the payouts, reversals and stops it received. Each check is recorded.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use super::format::escape;
use super::pages::csrf_field;
use super::{act, forged, from_addr, render, same_site, signed_in, Viewer};
use crate::action::{Action, Done};
use crate::http::AppState;
use crate::paper::PaperCheck;
use crate::staff::Session;

/// `GET /kiem-tra-giay`.
pub async fn paper_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let (session, token) = match signed_in(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let body = page(&session, "");
    render(
        &st,
        &Viewer::Staff(session, token),
        "Kiểm tra giấy in",
        &body,
    )
    .await
}

fn page(s: &Session, result: &str) -> String {
    format!(
        "<h1>Kiểm tra giấy in theo mã QR</h1>{result}<form class=box method=post action=\"/kiem-tra-giay\" data-testid=check-paper>{}\
         <label for=text>Mã QR ở chân trang (quét bằng máy quét, hoặc gõ: bắt đầu bằng SCT1/)</label>\
         <input id=text name=text autofocus required autocomplete=off>\
         <button type=submit id=check>Kiểm tra</button>\
         <p class=note>So với danh sách đơn vị quản lý đã phát hành và các lần chi trả, hủy chi, báo giảm mà máy chủ nhận được. Mỗi lần kiểm tra được ghi vào nhật ký.</p></form>",
        csrf_field(s)
    )
}

fn result(c: &PaperCheck) -> String {
    let mut html = if c.agrees {
        format!(
            "<div class=ok role=status data-testid=paper-agrees><p><strong>Khớp</strong> với số liệu của đơn vị quản lý: {}.</p>",
            escape(&c.page)
        )
    } else {
        let mut h = format!(
            "<div class=err role=alert data-testid=paper-differs><p><strong>Không khớp</strong> ({} chỗ): {}.</p><ul>",
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
pub async fn check(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<PaperForm>,
) -> Response {
    let (session, token) = match signed_in(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !same_site(&headers) || !session.csrf_matches(&f.csrf) {
        return forged();
    }
    let action = Action::CheckPaper { text: f.text };
    let (status, above) = match act(&st, &session, from_addr(peer, &headers), action).await {
        Ok((s, _, Done::Paper(c))) => (s, result(&c)),
        Ok((s, _, _)) => (s, String::new()),
        Err((s, o)) => (s, o.html()),
    };
    let body = page(&session, &above);
    let mut r = render(
        &st,
        &Viewer::Staff(session, token),
        "Kiểm tra giấy in",
        &body,
    )
    .await;
    *r.status_mut() = status;
    r
}
