//! The flags' work list: each open flag closed once, with how and a note.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::format::{date_time, escape, flag_kind, money, open_by_kind_rows, period};
use super::lang::tr;
use super::pages::{csrf_field, head};
use super::posted::{csrf_field, Posted};
use super::shell::*;
use crate::resolution::Resolution;
use crate::staff::{Power, Session};
use crate::state::AppState;

pub(crate) async fn flags_page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let Some(v) = viewer(&st, peer, &headers, None).await else {
        return Redirect::to("/dang-nhap").into_response();
    };
    flags_answer(&st, v, StatusCode::OK, Outcome::None).await
}

async fn flags_answer(st: &AppState, v: Viewer, status: StatusCode, outcome: Outcome) -> Response {
    let flags = match blocking(&st.hub, |h| h.flags(None)).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let body = body(v.session(), &flags, &outcome.html());
    render(st, &v, status, tr("Cảnh báo", "Flags"), &body).await
}

#[derive(Deserialize)]
pub(crate) struct ResolveForm {
    csrf: String,
    id: i64,
    resolution: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn resolve_flag(
    State(st): State<AppState>,
    posted: Posted<ResolveForm>,
) -> Response {
    let Posted { who, from, form: f } = posted;
    let Some(resolution) = crate::resolution::Resolution::parse(&f.resolution) else {
        let msg = format!(
            "{} “{}”.",
            tr("Không có cách xử lý", "No such resolution"),
            f.resolution
        );
        let v = who.viewer();
        return flags_answer(&st, v, StatusCode::BAD_REQUEST, Outcome::Refused(msg)).await;
    };
    let action = crate::action::Action::ResolveFlag {
        id: f.id,
        resolution,
        note: f.note,
    };
    let (status, outcome) = match act(&st, &who.session, from.clone(), action).await {
        Ok(_) => (
            StatusCode::OK,
            Outcome::Done(format!(
                "{} {}: {}.",
                tr("Đã xử lý cảnh báo số", "Resolved flag"),
                f.id,
                resolution_label(resolution)
            )),
        ),
        Err((s, o)) => (s, o),
    };
    flags_answer(&st, who.viewer(), status, outcome).await
}

csrf_field!(ResolveForm);

/// The flags: open ones by kind with the money at stake, each with the form that closes it (for
/// those who may decide), then the ones closed, with how and why.
fn body(session: Option<&Session>, flags: &[crate::FlagRow], outcome: &str) -> String {
    let mut html = format!(
        "<h1>{}</h1>{outcome}<h2>{}</h2><table data-testid=open-by-kind>{}",
        tr("Cảnh báo", "Flags"),
        tr("Chưa xử lý, theo loại", "Open, by kind"),
        head(&[
            ("Loại", "Kind"),
            ("Số cảnh báo", "Flags"),
            ("Số tiền cần kiểm tra (đ)", "Money to check (đ)"),
        ])
    );
    open_by_kind_rows(&mut html, flags);
    let decide = session.filter(|s| s.staff.role.may(Power::Decide));
    html.push_str(&format!(
        "</table><h2>{}</h2><table data-testid=open-flags>{}",
        tr("Cần xử lý", "To resolve"),
        head(&[
            ("Số", "No."),
            ("Điểm", "Pay point"),
            ("Loại", "Kind"),
            ("Mã đối tượng", "Beneficiary"),
            ("Kỳ", "Period"),
            ("Số tiền (đ)", "Amount (đ)"),
            ("Chi tiết", "Detail"),
            ("Lúc", "When"),
            ("Xử lý", "Resolution"),
        ])
    ));
    for f in flags.iter().filter(|f| f.closed.is_none()) {
        let form = decide.map_or(String::new(), |s| {
            format!(
                "<form method=post action=\"/canh-bao\" data-testid=resolve-{id}>{}<input type=hidden name=id value={id}>\
                 <select name=resolution><option value=recovered>{}</option><option value=explained>{}</option>\
                 <option value=false_alarm>{}</option></select> <input name=note placeholder=\"{}\" required size=28> \
                 <button type=submit>{}</button></form>",
                csrf_field(s),
                resolution_label(Resolution::Recovered),
                resolution_label(Resolution::Explained),
                resolution_label(Resolution::FalseAlarm),
                tr("Ghi chú: đã kiểm tra gì", "Note: what was checked"),
                tr("Ghi", "Record"),
                id = f.id
            )
        });
        html.push_str(&format!(
            "<tr><td class=n>{}</td><td>{}</td><td class=flag>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{form}</td></tr>",
            f.id,
            escape(&f.pay_point),
            flag_kind(&f.flag.kind),
            escape(&f.flag.code),
            escape(&period(&f.flag.period)),
            money(f.flag.amount.map_or(0, |d| d.as_i64())),
            escape(&f.flag.detail),
            escape(&date_time(&f.created_at)),
        ));
    }
    html.push_str(&format!(
        "</table><h2>{}</h2><table data-testid=closed-flags>{}",
        tr("Đã xử lý", "Resolved"),
        head(&[
            ("Số", "No."),
            ("Điểm", "Pay point"),
            ("Loại", "Kind"),
            ("Mã đối tượng", "Beneficiary"),
            ("Số tiền (đ)", "Amount (đ)"),
            ("Kết quả", "Resolution"),
            ("Ghi chú", "Note"),
            ("Ai", "Who"),
            ("Lúc", "When"),
        ])
    ));
    for f in flags.iter().filter(|f| f.closed.is_some()) {
        let c = f.closed.as_ref().expect("filtered");
        html.push_str(&format!(
            "<tr><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            f.id,
            escape(&f.pay_point),
            flag_kind(&f.flag.kind),
            escape(&f.flag.code),
            money(f.flag.amount.map_or(0, |d| d.as_i64())),
            resolution_label(c.resolution),
            escape(&c.note),
            escape(c.login.as_deref().unwrap_or(tr("(dòng lệnh)", "(command line)"))),
            escape(&date_time(&c.resolved_at)),
        ));
    }
    html.push_str("</table>");
    html
}

/// How a flag was closed, in the request's language.
pub(crate) fn resolution_label(r: Resolution) -> &'static str {
    match r {
        Resolution::Recovered => tr(r.label(), "Money recovered"),
        Resolution::Explained => tr(r.label(), "Explained"),
        Resolution::FalseAlarm => tr(r.label(), "False alarm"),
    }
}
