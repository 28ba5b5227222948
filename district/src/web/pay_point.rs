//! A pay point's page: its people (searched as the clerk's window searches), paid, unpaid or
//! stopped; the home visits; its open flags; its devices, with an enrolment code and revocation
//! for the administrator; the versions of its rolls.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::format::{date_time, escape, flag_kind, money, percent, period};
use super::pages::csrf_field;
use super::{
    act, blocking, forged, from_addr, render, same_site, signed_in, viewer, Outcome, Viewer,
};
use crate::action::{Action, Done};
use crate::handover::DeviceRow;
use crate::http::AppState;
use crate::people::{PayPointView, Standing};
use crate::staff::{Power, Session};
use crate::FlagRow;

/// `?q=` of the people's search.
#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /diem/{code}`.
pub async fn pay_point_page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    Query(q): Query<SearchQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(v) = viewer(&st, peer, &headers, None).await else {
        return Redirect::to("/dang-nhap").into_response();
    };
    answer(&st, v, &code, &q.q, StatusCode::OK, Outcome::None).await
}

async fn answer(
    st: &AppState,
    v: Viewer,
    code: &str,
    query: &str,
    status: StatusCode,
    outcome: Outcome,
) -> Response {
    let (c, q) = (code.to_string(), query.to_string());
    let data = blocking(&st.hub, move |h| {
        Ok((
            h.pay_point_view(&c, &q)?,
            h.devices(Some(&c))?,
            h.flags(Some(&c))?,
        ))
    })
    .await;
    let (view, devices, flags) = match data {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = page(&view, &devices, &flags, v.session(), query, &outcome.html());
    let mut r = render(st, &v, &format!("Điểm {}", view.code), &body).await;
    *r.status_mut() = status;
    r
}

#[derive(Deserialize)]
pub struct DeviceForm {
    csrf: String,
    /// `enrol_code` or `revoke`.
    what: String,
    #[serde(default)]
    device: String,
    #[serde(default)]
    to: String,
}

/// `POST /diem/{code}`: an enrolment code, or a device revoked (administrators).
pub async fn pay_point_action(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(code): Path<String>,
    headers: HeaderMap,
    Form(f): Form<DeviceForm>,
) -> Response {
    let (session, token) = match signed_in(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !same_site(&headers) || !session.csrf_matches(&f.csrf) {
        return forged();
    }
    let action = match f.what.as_str() {
        "revoke" => Action::RevokeDevice {
            device: f.device.trim().to_string(),
            to: f.to.trim().to_string(),
        },
        _ => Action::EnrolCode {
            pay_point: code.clone(),
        },
    };
    let (status, outcome) = match act(&st, &session, from_addr(peer, &headers), action).await {
        Ok((s, _, Done::EnrolCode(c))) => (
            s,
            Outcome::Done(format!(
                "Mã đăng ký thiết bị của điểm {code}: {c} (dùng một lần, hạn 7 ngày). Đưa cho nhân viên điểm chi trả nhập ở máy mới; mã không hiện lại."
            )),
        ),
        Ok((s, _, Done::Revoked(r))) => (
            s,
            Outcome::Done(format!(
                "Đã thu hồi máy {}: {} người chưa báo đã chi chuyển sang máy {} ở lần đồng bộ sau của máy đó.",
                paypoint::device::short_id(&r.device),
                r.moved.len(),
                paypoint::device::short_id(&r.to)
            )),
        ),
        Ok((s, _, _)) => (s, Outcome::Done("Đã ghi.".into())),
        Err((s, o)) => (s, o),
    };
    answer(
        &st,
        Viewer::Staff(session, token),
        &code,
        "",
        status,
        outcome,
    )
    .await
}

fn standing(s: &Standing) -> String {
    match s {
        Standing::Paid => "<span class=ok-text>Đã nhận</span>".to_string(),
        Standing::Unpaid => "Chưa nhận".to_string(),
        Standing::Stopped(r) => format!(
            "<span class=flag>Báo giảm: {}</span>",
            paypoint::stop::StopReason::parse(r).map_or(escape(r), |s| s.label_vi().to_string())
        ),
    }
}

fn page(
    v: &PayPointView,
    devices: &[DeviceRow],
    flags: &[FlagRow],
    session: Option<&Session>,
    query: &str,
    outcome: &str,
) -> String {
    let paid: Vec<_> = v
        .people
        .iter()
        .filter(|p| p.standing == Standing::Paid)
        .collect();
    let (due, paid_amount): (i64, i64) = v
        .people
        .iter()
        .fold((0, 0), |(d, p), x| (d + x.due, p + x.paid));
    let mut html = format!(
        "<h1>Điểm chi trả {} — {}</h1>{outcome}<p>Kỳ {}: {} người trong danh sách. Tìm thấy {}, trong đó đã nhận {} ({} số tiền).</p>\
         <form method=get><input name=q value=\"{}\" placeholder=\"Tên, mã, thôn, số CCCD… (ví dụ: ng t huong)\" size=40 autofocus> <button type=submit>Tìm</button></form>",
        escape(&v.code),
        escape(&v.name),
        escape(&v.period.as_deref().map_or("— (chưa phát hành danh sách)".to_string(), period)),
        v.on_roll,
        v.found,
        paid.len(),
        percent(paid_amount, due),
        escape(query),
    );
    if v.found > v.people.len() {
        html.push_str(&format!(
            "<p class=note>Hiện {} người đầu; gõ thêm để thu hẹp.</p>",
            v.people.len()
        ));
    }
    html.push_str("<table data-testid=people><tr><th>Mã</th><th>Họ tên</th><th>Thôn</th><th>Diện</th><th>Phải nhận (đ)</th><th>Đã nhận (đ)</th><th>Tình trạng</th><th>Người nhận thay</th><th>Tại nhà</th></tr>");
    for p in &v.people {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&p.code),
            escape(&p.name),
            escape(&p.village),
            escape(&p.category),
            money(p.due),
            money(p.paid),
            standing(&p.standing),
            escape(p.proxy.as_deref().unwrap_or("")),
            if p.home_delivery { "có" } else { "" },
        ));
    }
    html.push_str("</table>");
    visits(&mut html, v);
    open_flags(&mut html, flags);
    devices_section(&mut html, devices, session, &v.code);
    rolls_section(&mut html, v);
    html
}

fn visits(html: &mut String, v: &PayPointView) {
    html.push_str("<h2>Lần đến nhà trong kỳ</h2><table data-testid=visits><tr><th>Mã đối tượng</th><th>Kết quả</th><th>Ghi chú</th><th>Lúc</th></tr>");
    for x in &v.visits {
        let outcome = paypoint::model::VisitOutcome::parse(&x.outcome)
            .map_or(x.outcome.clone(), |o| o.label_vi().to_string());
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&x.code),
            escape(&outcome),
            escape(&x.note),
            escape(&date_time(&x.at)),
        ));
    }
    html.push_str("</table>");
}

fn open_flags(html: &mut String, flags: &[FlagRow]) {
    html.push_str("<h2>Cảnh báo chưa xử lý</h2><p><a href=\"/canh-bao\">Xử lý ở trang Cảnh báo</a></p><table data-testid=pay-point-flags><tr><th>Số</th><th>Loại</th><th>Mã đối tượng</th><th>Số tiền (đ)</th><th>Chi tiết</th></tr>");
    for f in flags.iter().filter(|f| f.closed.is_none()) {
        html.push_str(&format!(
            "<tr><td class=n>{}</td><td class=flag>{}</td><td>{}</td><td class=n>{}</td><td>{}</td></tr>",
            f.id,
            flag_kind(&f.flag.kind),
            escape(&f.flag.code),
            money(f.flag.amount.map_or(0, |d| d.as_i64())),
            escape(&f.flag.detail),
        ));
    }
    html.push_str("</table>");
}

fn devices_section(
    html: &mut String,
    devices: &[DeviceRow],
    session: Option<&Session>,
    code: &str,
) {
    let admin = session.filter(|s| s.staff.role.may(Power::Administer));
    html.push_str("<h2>Thiết bị</h2><table data-testid=devices><tr><th>Máy</th><th>Giữ</th><th>Sự kiện</th><th>Đồng bộ gần nhất</th><th>Tình trạng</th></tr>");
    for d in devices {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&d.short_id),
            if d.holds_all {
                "mọi người chưa giao"
            } else {
                "người được giao"
            },
            d.events,
            escape(
                &d.last_sync_at
                    .as_deref()
                    .map_or("chưa".to_string(), date_time)
            ),
            d.revoked_at
                .as_deref()
                .map_or("đang dùng".to_string(), |at| format!(
                    "đã thu hồi {}, giao cho máy {}",
                    date_time(at),
                    escape(d.revoked_to.as_deref().unwrap_or("?"))
                )),
        ));
    }
    html.push_str("</table>");
    if let Some(s) = admin {
        html.push_str(&format!(
            "<form method=post action=\"/diem/{c}\" data-testid=enrol-code>{f}<input type=hidden name=what value=enrol_code>\
             <button type=submit id=enrol-code>Cấp mã đăng ký thiết bị mới</button></form>\
             <form class=box method=post action=\"/diem/{c}\" data-testid=revoke>{f}<input type=hidden name=what value=revoke>\
             <p>Thu hồi máy mất hoặc hỏng: người máy đó giữ mà chưa báo đã chi chuyển sang máy còn lại, và được ghi là chưa chắc đã nhận để xã kiểm tra trên giấy.</p>\
             <label for=device>Máy thu hồi (8 ký tự cuối)</label><input id=device name=device required>\
             <label for=to>Giao cho máy</label><input id=to name=to required><button type=submit>Thu hồi</button></form>",
            c = escape(code),
            f = csrf_field(s)
        ));
    }
}

fn rolls_section(html: &mut String, v: &PayPointView) {
    html.push_str("<h2>Các phiên bản danh sách</h2><p><a href=\"/danh-sach\">Nạp danh sách mới</a></p><table data-testid=roll-versions><tr><th>Kỳ</th><th>Phiên bản</th><th>Số người</th><th>Tổng tiền (đ)</th><th>Tệp</th><th>Nạp lúc</th><th>Phát hành</th><th></th></tr>");
    for r in &v.rolls {
        let diff = if r.version > 1 {
            format!(
                "<a href=\"/danh-sach/thay-doi?diem={}&ky={}&tu={}&den={}\">Thay đổi so với phiên bản {}</a>",
                escape(&v.code),
                escape(&r.period),
                r.version - 1,
                r.version,
                r.version - 1
            )
        } else {
            String::new()
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{diff}</td></tr>",
            escape(&period(&r.period)),
            r.version,
            r.beneficiaries,
            money(r.total),
            escape(&r.source),
            escape(&date_time(&r.imported_at)),
            escape(&r.published_at.as_deref().map_or("chưa".to_string(), date_time)),
        ));
    }
    html.push_str("</table>");
}
