//! A pay point's page: its people (searched as the clerk's window searches), paid, unpaid or
//! stopped; the home visits; its open flags; its devices, with an enrolment code and revocation
//! for the administrator; the versions of its rolls.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::format::{date_time, escape, flag_kind, money, percent, period};
use super::lang::{lang, tr, Lang};
use super::pages::csrf_field;
use super::pages::head;
use super::posted::{csrf_field, Posted};
use super::shell::{act, blocking, render, viewer, Outcome, Viewer};
use crate::action::{Action, Done};
use crate::handover::DeviceRow;
use crate::people::{PayPointView, Standing};
use crate::staff::{Power, Session};
use crate::state::AppState;
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
    let title = format!("{} {}", tr("Điểm", "Pay point"), view.code);
    render(st, &v, status, &title, &body).await
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
    Path(code): Path<String>,
    posted: Posted<DeviceForm>,
) -> Response {
    let Posted { who, from, form: f } = posted;
    let action = match f.what.as_str() {
        "revoke" => Action::RevokeDevice {
            device: f.device.trim().to_string(),
            to: f.to.trim().to_string(),
        },
        _ => Action::EnrolCode {
            pay_point: code.clone(),
        },
    };
    let (status, outcome) = match act(&st, &who.session, from.clone(), action).await {
        Ok(Done::EnrolCode(c)) => (
            StatusCode::OK,
            Outcome::Done(match lang() {
                Lang::Vi => format!(
                    "Mã đăng ký thiết bị của điểm {code}: {c} (dùng một lần, hạn 7 ngày). Đưa cho nhân viên điểm chi trả nhập ở máy mới; mã không hiện lại."
                ),
                Lang::En => format!(
                    "Enrolment code for a device of {code}: {c} (single use, valid 7 days). Give it to the pay point's clerk for the new device; it is not shown again."
                ),
            }),
        ),
        Ok(Done::Revoked(r)) => (
            StatusCode::OK,
            Outcome::Done({
                let (lost, kept, n) = (
                    paypoint::device::short_id(&r.device),
                    paypoint::device::short_id(&r.to),
                    r.moved.len(),
                );
                match lang() {
                    Lang::Vi => format!("Đã thu hồi máy {lost}: {n} người chưa báo đã chi chuyển sang máy {kept} ở lần đồng bộ sau của máy đó."),
                    Lang::En => format!("Device {lost} revoked: {n} people not reported paid go to device {kept} at its next sync."),
                }
            }),
        ),
        Ok(_) => (StatusCode::OK, Outcome::Done(tr("Đã ghi.", "Recorded.").into())),
        Err((s, o)) => (s, o),
    };
    answer(&st, who.viewer(), &code, "", status, outcome).await
}

fn standing(s: &Standing) -> String {
    match s {
        Standing::Paid => format!("<span class=ok-text>{}</span>", tr("Đã nhận", "Paid")),
        Standing::Unpaid => tr("Chưa nhận", "Not paid").to_string(),
        Standing::Stopped(r) => format!(
            "<span class=flag>{}: {}</span>",
            tr("Báo giảm", "Stopped"),
            escape(&super::stops::stop_reason(r))
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
    let summary = match lang() {
        Lang::Vi => format!(
            "Kỳ {}: {} người trong danh sách. Tìm thấy {}, trong đó đã nhận {} ({} số tiền).",
            v.period
                .as_deref()
                .map_or("— (chưa phát hành danh sách)".to_string(), period),
            v.on_roll,
            v.found,
            paid.len(),
            percent(paid_amount, due)
        ),
        Lang::En => format!(
            "Period {}: {} people on the roll. {} found, {} of them paid ({} of the money).",
            v.period
                .as_deref()
                .map_or("— (no roll published)".to_string(), period),
            v.on_roll,
            v.found,
            paid.len(),
            percent(paid_amount, due)
        ),
    };
    let mut html = format!(
        "<h1>{} {} — {}</h1>{outcome}<p>{}</p>\
         <form method=get><input name=q value=\"{}\" placeholder=\"{}\" size=40 autofocus> <button type=submit>{}</button></form>",
        tr("Điểm chi trả", "Pay point"),
        escape(&v.code),
        escape(&v.name),
        escape(&summary),
        escape(query),
        tr(
            "Tên, mã, thôn, số CCCD… (ví dụ: ng t huong)",
            "Name, code, village, ID card digits… (e.g. ng t huong)"
        ),
        tr("Tìm", "Search"),
    );
    if v.found > v.people.len() {
        html.push_str(&format!(
            "<p class=note>{} {}; {}</p>",
            tr("Hiện", "Showing the first"),
            v.people.len(),
            tr("gõ thêm để thu hẹp.", "type more to narrow it.")
        ));
    }
    html.push_str(&format!(
        "<table data-testid=people>{}",
        head(&[
            ("Mã", "Code"),
            ("Họ tên", "Name"),
            ("Thôn", "Village"),
            ("Diện", "Category"),
            ("Phải nhận (đ)", "Due (đ)"),
            ("Đã nhận (đ)", "Paid (đ)"),
            ("Tình trạng", "State"),
            ("Người nhận thay", "Proxy"),
            ("Tại nhà", "At home"),
        ])
    ));
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
            if p.home_delivery { tr("có", "yes") } else { "" },
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
    html.push_str(&format!(
        "<h2>{}</h2><table data-testid=visits>{}",
        tr("Lần đến nhà trong kỳ", "Home visits in the period"),
        head(&[
            ("Mã đối tượng", "Beneficiary"),
            ("Kết quả", "Outcome"),
            ("Ghi chú", "Note"),
            ("Lúc", "When"),
        ])
    ));
    for x in &v.visits {
        let outcome =
            paypoint::model::VisitOutcome::parse(&x.outcome).map_or(x.outcome.clone(), |o| {
                match lang() {
                    Lang::Vi => o.label_vi().to_string(),
                    Lang::En => o.as_str().replace('_', " "),
                }
            });
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
    html.push_str(&format!(
        "<h2>{}</h2><p><a href=\"/canh-bao\">{}</a></p><table data-testid=pay-point-flags>{}",
        tr("Cảnh báo chưa xử lý", "Open flags"),
        tr("Xử lý ở trang Cảnh báo", "Resolve them on the Flags page"),
        head(&[
            ("Số", "No."),
            ("Loại", "Kind"),
            ("Mã đối tượng", "Beneficiary"),
            ("Số tiền (đ)", "Amount (đ)"),
            ("Chi tiết", "Detail"),
        ])
    ));
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
    html.push_str(&format!(
        "<h2>{}</h2><table data-testid=devices>{}",
        tr("Thiết bị", "Devices"),
        head(&[
            ("Máy", "Device"),
            ("Giữ", "Holds"),
            ("Sự kiện", "Events"),
            ("Đồng bộ gần nhất", "Last sync"),
            ("Tình trạng", "State"),
        ])
    ));
    for d in devices {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&d.short_id),
            if d.holds_all {
                tr("mọi người chưa giao", "everyone not handed over")
            } else {
                tr("người được giao", "the people handed to it")
            },
            d.events,
            escape(
                &d.last_sync_at
                    .as_deref()
                    .map_or(tr("chưa", "never").to_string(), date_time)
            ),
            d.revoked_at
                .as_deref()
                .map_or(tr("đang dùng", "in use").to_string(), |at| format!(
                    "{} {}, {} {}",
                    tr("đã thu hồi", "revoked"),
                    date_time(at),
                    tr("giao cho máy", "people moved to"),
                    escape(d.revoked_to.as_deref().unwrap_or("?"))
                )),
        ));
    }
    html.push_str("</table>");
    if let Some(s) = admin {
        html.push_str(&format!(
            "<form method=post action=\"/diem/{c}\" data-testid=enrol-code>{f}<input type=hidden name=what value=enrol_code>\
             <button type=submit id=enrol-code>{}</button></form>\
             <form class=box method=post action=\"/diem/{c}\" data-testid=revoke>{f}<input type=hidden name=what value=revoke>\
             <p>{}</p><label for=device>{}</label><input id=device name=device required>\
             <label for=to>{}</label><input id=to name=to required><button type=submit>{}</button></form>",
            tr("Cấp mã đăng ký thiết bị mới", "Enrolment code for a new device"),
            tr(
                "Thu hồi máy mất hoặc hỏng: người máy đó giữ mà chưa báo đã chi chuyển sang máy còn lại, và được ghi là chưa chắc đã nhận để xã kiểm tra trên giấy.",
                "Revoke a lost or broken device: the people it held and had not reported paid go to the device left, listed as possibly unpaid for the commune to check on paper."
            ),
            tr("Máy thu hồi (8 ký tự cuối)", "Device to revoke (last 8 characters)"),
            tr("Giao cho máy", "Give its people to device"),
            tr("Thu hồi", "Revoke"),
            c = escape(code),
            f = csrf_field(s)
        ));
    }
}

fn rolls_section(html: &mut String, v: &PayPointView) {
    html.push_str(&format!(
        "<h2>{}</h2><p><a href=\"/danh-sach\">{}</a></p><table data-testid=roll-versions>{}</table>",
        tr("Các phiên bản danh sách", "Roll versions"),
        tr("Nạp danh sách mới", "Upload a new roll"),
        roll_versions(&v.rolls, false)
    ));
}

/// The versions of rolls as a table's rows, with a link to what changed since the version before;
/// with the pay point's code first when `with_pay_point` (the list of every pay point's rolls).
pub(crate) fn roll_versions(rolls: &[crate::people::RollVersion], with_pay_point: bool) -> String {
    let mut columns = vec![
        ("Kỳ", "Period"),
        ("Phiên bản", "Version"),
        ("Số người", "People"),
        ("Tổng tiền (đ)", "Total (đ)"),
        ("Tệp", "File"),
        ("Nạp lúc", "Uploaded"),
        ("Phát hành", "Published"),
        ("", ""),
    ];
    if with_pay_point {
        columns.insert(0, ("Điểm", "Pay point"));
    }
    let mut html = head(&columns);
    for r in rolls {
        let diff = if r.version > 1 {
            format!(
                "<a href=\"/danh-sach/thay-doi?diem={}&amp;ky={}&amp;tu={}&amp;den={}\">{} {}</a>",
                escape(&r.pay_point),
                escape(&r.period),
                r.version - 1,
                r.version,
                tr("Thay đổi so với phiên bản", "Changes since version"),
                r.version - 1
            )
        } else {
            String::new()
        };
        let first = if with_pay_point {
            format!(
                "<td><a href=\"/diem/{c}\">{c}</a></td>",
                c = escape(&r.pay_point)
            )
        } else {
            String::new()
        };
        html.push_str(&format!(
            "<tr>{first}<td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{diff}</td></tr>",
            escape(&period(&r.period)),
            r.version,
            r.beneficiaries,
            money(r.total),
            escape(&r.source),
            escape(&date_time(&r.imported_at)),
            escape(
                &r.published_at
                    .as_deref()
                    .map_or(tr("chưa", "not yet").to_string(), date_time)
            ),
        ));
    }
    html
}

csrf_field!(DeviceForm);
