//! The rolls: upload an Excel or CSV roll (read by the core's importer: the same checks and the
//! same problems, each at its row and column, as the clerk's window), see what it holds and what
//! changed since the version before, and publish it (signed, sent to the pay point's devices).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::format::{escape, money, period};
use super::lang::{lang, tr, Lang};
use super::pages::csrf_field;
use super::posted::{csrf_field, Posted};
use super::shell::{
    act, blocking, forged, page_answer, render, same_site, viewer, Outcome, SignedIn, Viewer,
};
use crate::action::{Action, Done};
use crate::people::RollChanges;
use crate::staff::{Power, Session};
use crate::state::AppState;
use crate::HubError;

/// The largest roll file taken: a province's roll of tens of thousands of lines as .xlsx is a
/// few MiB; past this it is not a roll.
pub const MAX_ROLL_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

/// The roll pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/danh-sach",
            get(rolls_page)
                .post(upload)
                .layer(DefaultBodyLimit::max(MAX_ROLL_UPLOAD_BYTES)),
        )
        .route("/danh-sach/phat-hanh", post(publish))
        .route("/danh-sach/thay-doi", get(changes_page))
}

/// Every pay point's rolls, with the upload form.
async fn rolls_page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let Some(v) = viewer(&st, peer, &headers, None).await else {
        return Redirect::to("/dang-nhap").into_response();
    };
    answer(&st, v, StatusCode::OK, String::new()).await
}

async fn answer(st: &AppState, v: Viewer, status: StatusCode, above: String) -> Response {
    let (pay_points, rolls) =
        match blocking(&st.hub, |h| Ok((h.pay_points()?, h.roll_versions(None)?))).await {
            Ok(r) => r,
            Err(r) => return r,
        };
    let mut html = format!(
        "<h1>{}</h1>{above}",
        tr("Danh sách chi trả", "Payment rolls")
    );
    if let Some(s) = v.session().filter(|s| s.staff.role.may(Power::Decide)) {
        html.push_str(&upload_form(s, &pay_points));
    }
    html.push_str(&format!(
        "<h2>{}</h2><table data-testid=rolls>{}</table>",
        tr("Các phiên bản", "Versions"),
        super::pay_point::roll_versions(&rolls, true)
    ));
    render(st, &v, status, tr("Danh sách chi trả", "Rolls"), &html).await
}

fn upload_form(s: &Session, pay_points: &[(String, String)]) -> String {
    let options: String = pay_points
        .iter()
        .map(|(c, n)| {
            format!(
                "<option value=\"{}\">{} — {}</option>",
                escape(c),
                escape(c),
                escape(n)
            )
        })
        .collect();
    format!(
        "<form class=box method=post action=\"/danh-sach\" enctype=\"multipart/form-data\" data-testid=upload>{}\
         <label for=pay_point>{}</label><select id=pay_point name=pay_point>{options}</select>\
         <label for=period>{}</label><input id=period name=period type=month required>\
         <label for=file>{} (.xlsx, .xls, .ods, .csv)</label><input id=file name=file type=file accept=\".xlsx,.xls,.ods,.csv\" required>\
         <button type=submit id=upload>{}</button><p class=note>{}</p></form>",
        csrf_field(s),
        tr("Điểm chi trả", "Pay point"),
        tr("Kỳ chi trả", "Period"),
        tr("Tệp danh sách", "Roll file"),
        tr("Nạp và kiểm tra", "Upload and check"),
        tr(
            "Danh sách được kiểm tra như ở máy của điểm chi trả; lỗi ghi rõ dòng, cột. Nạp xong chưa phát hành: xem lại rồi bấm Phát hành.",
            "The roll is checked as the pay point's computer checks it; each problem names its row and column. Once uploaded it is not yet published: look it over, then press Publish."
        ),
    )
}

/// The fields of the upload form, read from the multipart body.
#[derive(Default)]
struct Upload {
    csrf: String,
    pay_point: String,
    period: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_upload(mut m: Multipart) -> Result<Upload, String> {
    let mut u = Upload::default();
    while let Some(field) = m
        .next_field()
        .await
        .map_err(|e| format!("không đọc được biểu mẫu: {e}"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            u.file_name = field.file_name().unwrap_or_default().to_string();
            u.bytes = field
                .bytes()
                .await
                .map_err(|e| format!("không nhận được tệp: {e}"))?
                .to_vec();
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|e| format!("không đọc được biểu mẫu: {e}"))?;
        match name.as_str() {
            "csrf" => u.csrf = text,
            "pay_point" => u.pay_point = text,
            "period" => u.period = text,
            _ => {}
        }
    }
    Ok(u)
}

async fn upload(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    who: SignedIn,
    m: Multipart,
) -> Response {
    let u = match read_upload(m).await {
        Ok(u) => u,
        Err(msg) => {
            return page_answer(
                StatusCode::BAD_REQUEST,
                tr("Không nạp được", "Not uploaded"),
                &Outcome::Refused(msg).html(),
            )
        }
    };
    if !same_site(&headers) || !who.session.csrf_matches(&u.csrf) {
        return forged();
    }
    let session = who.session.clone();
    let v = who.viewer();
    let Ok(p) = u.period.trim().parse::<paypoint::Period>() else {
        let msg = format!(
            "{} “{}”: {}",
            tr("Kỳ không đọc được", "Period cannot be read"),
            u.period,
            tr("chọn tháng chi trả.", "pick the month paid.")
        );
        return answer(
            &st,
            v,
            StatusCode::UNPROCESSABLE_ENTITY,
            Outcome::Refused(msg).html(),
        )
        .await;
    };
    let action = Action::ImportRoll {
        pay_point: u.pay_point.trim().to_string(),
        period: p,
        file_name: u.file_name,
        bytes: u.bytes,
    };
    let actor =
        crate::audit::Actor::staff(&session.staff, &super::shell::from_addr(peer, &headers));
    let hub = st.hub.clone();
    let done = tokio::task::spawn_blocking(move || hub.act(&actor, action)).await;
    let above = match done {
        Ok(Ok(Done::Imported(version, preview))) => {
            let pp = u.pay_point.trim().to_string();
            let changes = if version > 1 {
                let (c, per) = (pp.clone(), p.to_string());
                blocking(&st.hub, move |h| {
                    h.roll_changes(&c, &per, i64::from(version) - 1, i64::from(version))
                })
                .await
                .ok()
            } else {
                None
            };
            imported(&session, &pp, p, version, &preview, changes.as_ref())
        }
        Ok(Err(HubError::Import(e))) => {
            return answer(&st, v, StatusCode::UNPROCESSABLE_ENTITY, problems(&e)).await
        }
        Ok(Err(HubError::Forbidden(m))) => {
            return page_answer(
                StatusCode::FORBIDDEN,
                tr("Không đủ quyền", "Not allowed"),
                &Outcome::Refused(m).html(),
            )
        }
        Ok(Err(e)) => {
            return answer(
                &st,
                v,
                StatusCode::UNPROCESSABLE_ENTITY,
                Outcome::Refused(e.to_string()).html(),
            )
            .await
        }
        Ok(Ok(_)) => String::new(),
        Err(e) => return super::shell::failed(e),
    };
    answer(&st, v, StatusCode::OK, above).await
}

/// The importer's problems, each at its place, as a table.
fn problems(e: &paypoint::import::ImportError) -> String {
    let paypoint::import::ImportError::Problems(list, more) = e else {
        return Outcome::Refused(e.to_string()).html();
    };
    let mut html = format!(
        "<div class=err role=alert data-testid=import-problems><p>{}</p><table>{}",
        tr(
            "<strong>Danh sách không nạp được</strong> (không có gì thay đổi). Sửa tệp rồi nạp lại:",
            "<strong>The roll was not taken</strong> (nothing changed). Correct the file and upload it again:"
        ),
        super::pages::head(&[
            ("Tệp", "File"),
            ("Trang tính", "Sheet"),
            ("Dòng", "Row"),
            ("Cột", "Column"),
            ("Lỗi", "Problem"),
        ])
    );
    for p in list {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&p.file),
            escape(p.sheet.as_deref().unwrap_or("")),
            p.row.map_or(String::new(), |r| r.to_string()),
            escape(p.column.as_deref().unwrap_or("")),
            escape(&p.to_string()),
        ));
    }
    html.push_str("</table>");
    if *more > 0 {
        html.push_str(&format!(
            "<p>… {} {more} {}</p>",
            tr("và", "and"),
            tr("lỗi nữa.", "more problems.")
        ));
    }
    html.push_str("</div>");
    html
}

/// What was read, what changed since the version before, and the button that publishes it.
fn imported(
    s: &Session,
    pay_point: &str,
    p: paypoint::Period,
    version: u32,
    preview: &paypoint::import::ImportPreview,
    changes: Option<&RollChanges>,
) -> String {
    let (pp, per, file) = (
        escape(pay_point),
        period(&p.to_string()),
        escape(&preview.file),
    );
    let (people, lines, total) = (preview.beneficiaries, preview.lines, preview.total);
    let mut html = match lang() {
        Lang::Vi => format!(
            "<div class=ok role=status data-testid=imported><p>Đã nạp danh sách điểm {pp} kỳ {per} phiên bản {version} từ “{file}”: {people} người, {lines} khoản, tổng {total} đ. <strong>Chưa phát hành.</strong></p>"
        ),
        Lang::En => format!(
            "<div class=ok role=status data-testid=imported><p>Roll of {pp} for {per} taken as version {version} from “{file}”: {people} people, {lines} lines, {total} đ in all. <strong>Not yet published.</strong></p>"
        ),
    };
    for w in &preview.warnings {
        html.push_str(&format!(
            "<p class=note>{}: {}</p>",
            tr("Lưu ý", "Note"),
            escape(w)
        ));
    }
    if let Some(c) = changes {
        html.push_str(&changes_html(c, version));
    }
    html.push_str(&format!(
        "<form method=post action=\"/danh-sach/phat-hanh\">{}<input type=hidden name=pay_point value=\"{}\"><input type=hidden name=period value=\"{p}\">\
         <button type=submit id=publish>{}</button></form></div>",
        csrf_field(s),
        escape(pay_point),
        tr(
            "Phát hành (ký và gửi cho thiết bị của điểm)",
            "Publish (sign it and send it to the pay point's devices)"
        ),
    ));
    html
}

fn changes_html(c: &RollChanges, version: u32) -> String {
    let mut html = format!(
        "<h3>{} {}</h3><table data-testid=roll-changes>{}",
        tr("Thay đổi so với phiên bản", "Changes since version"),
        version.saturating_sub(1),
        super::pages::head(&[
            ("Thay đổi", "Change"),
            ("Mã", "Code"),
            ("Họ tên", "Name"),
            ("Trước (đ)", "Before (đ)"),
            ("Sau (đ)", "After (đ)"),
        ])
    );
    for (code, name, amount) in &c.added {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td></td><td class=n>{}</td></tr>",
            tr("Thêm", "Added"),
            escape(code),
            escape(name),
            money(*amount)
        ));
    }
    for (code, name, amount) in &c.removed {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td></td></tr>",
            tr("Bỏ", "Removed"),
            escape(code),
            escape(name),
            money(*amount)
        ));
    }
    for (code, name, before, after) in &c.changed {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            tr("Đổi số tiền", "Amount changed"),
            escape(code),
            escape(name),
            money(*before),
            money(*after)
        ));
    }
    if c.added.is_empty() && c.removed.is_empty() && c.changed.is_empty() {
        html.push_str(&format!(
            "<tr><td colspan=5>{}</td></tr>",
            tr(
                "Không có người nào thêm, bỏ hay đổi số tiền.",
                "Nobody added, removed or paid a different amount."
            )
        ));
    }
    html.push_str("</table>");
    html
}

#[derive(Deserialize)]
struct PublishForm {
    csrf: String,
    pay_point: String,
    period: String,
}

async fn publish(State(st): State<AppState>, posted: Posted<PublishForm>) -> Response {
    let Posted { who, from, form: f } = posted;
    let session = who.session.clone();
    let v = who.viewer();
    let Ok(p) = f.period.trim().parse::<paypoint::Period>() else {
        let msg = format!(
            "{} “{}”.",
            tr("Kỳ không đọc được", "Period cannot be read"),
            f.period
        );
        return answer(
            &st,
            v,
            StatusCode::UNPROCESSABLE_ENTITY,
            Outcome::Refused(msg).html(),
        )
        .await;
    };
    let action = Action::PublishRoll {
        pay_point: f.pay_point.trim().to_string(),
        period: p,
    };
    let (status, outcome) = match act(&st, &session, from.clone(), action).await {
        Ok(Done::Published(version)) => (
            StatusCode::OK,
            Outcome::Done({
                let (pp, per) = (f.pay_point.trim(), period(&p.to_string()));
                match lang() {
                    Lang::Vi => format!("Đã phát hành danh sách điểm {pp} kỳ {per} phiên bản {version}: thiết bị của điểm nhận ở lần đồng bộ sau."),
                    Lang::En => format!("Published the roll of {pp} for {per}, version {version}: the pay point's devices pull it at their next sync."),
                }
            }),
        ),
        Ok(_) => (
            StatusCode::OK,
            Outcome::Done(tr("Đã phát hành.", "Published.").into()),
        ),
        Err((s, o)) => (s, o),
    };
    if status == StatusCode::FORBIDDEN {
        return page_answer(status, tr("Không đủ quyền", "Not allowed"), &outcome.html());
    }
    answer(&st, v, status, outcome.html()).await
}

#[derive(Deserialize)]
struct ChangesQuery {
    diem: String,
    ky: String,
    tu: i64,
    den: i64,
}

async fn changes_page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<ChangesQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(v) = viewer(&st, peer, &headers, None).await else {
        return Redirect::to("/dang-nhap").into_response();
    };
    let (c, k) = (q.diem.clone(), q.ky.clone());
    let changes = match blocking(&st.hub, move |h| h.roll_changes(&c, &k, q.tu, q.den)).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let body = format!(
        "<h1>{} {} — {} {}: {} {} / {}</h1>{}",
        tr("Danh sách điểm", "Roll of"),
        escape(&q.diem),
        tr("kỳ", "period"),
        escape(&period(&q.ky)),
        tr("phiên bản", "version"),
        q.den,
        q.tu,
        changes_html(&changes, u32::try_from(q.den).unwrap_or(1))
    );
    render(
        &st,
        &v,
        StatusCode::OK,
        tr("Thay đổi danh sách", "Roll changes"),
        &body,
    )
    .await
}

csrf_field!(PublishForm);
