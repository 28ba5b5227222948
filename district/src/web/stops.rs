//! The stops page: record a death, a move or another end of payment, and every stop known.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::format::{date, escape};
use super::lang::{lang as current_lang, tr, Lang};
use super::pages::{csrf_field, head};
use super::posted::{csrf_field, Posted};
use super::shell::*;
use crate::staff::{Power, Session};
use crate::state::AppState;

pub(crate) async fn stops_page(State(st): State<AppState>, who: SignedIn) -> Response {
    stops_answer(&st, who.viewer(), StatusCode::OK, Outcome::None).await
}

async fn stops_answer(st: &AppState, v: Viewer, status: StatusCode, outcome: Outcome) -> Response {
    let stops = match blocking(&st.hub, |h| h.stops(None)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let body = body(v.session(), &stops, &outcome.html());
    render(st, &v, status, tr("Báo giảm", "Stops"), &body).await
}

#[derive(Deserialize)]
pub(crate) struct StopForm {
    csrf: String,
    pay_point: String,
    code: String,
    reason: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn record_stop(State(st): State<AppState>, posted: Posted<StopForm>) -> Response {
    let Posted { who, from, form: f } = posted;
    let date = match f.date.trim() {
        "" => None,
        d => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let msg = match current_lang() {
                    Lang::Vi => format!("Ngày “{d}” không đọc được: chọn ngày trong ô Ngày."),
                    Lang::En => {
                        format!("The date “{d}” cannot be read: pick it in the Date field.")
                    }
                };
                let v = who.viewer();
                return stops_answer(
                    &st,
                    v,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Outcome::Refused(msg),
                )
                .await;
            }
        },
    };
    let action = crate::action::Action::RecordStop {
        pay_point: f.pay_point.trim().to_string(),
        code: f.code.trim().to_string(),
        reason: f.reason,
        date,
        note: f.note,
    };
    let (status, outcome) = match act(&st, &who.session, from.clone(), action).await {
        Ok(crate::action::Done::Amendment(id)) => (
            StatusCode::OK,
            Outcome::Done({
                let (c, pp) = (f.code.trim(), f.pay_point.trim());
                match current_lang() {
                    Lang::Vi => format!("Đã ghi báo giảm {c} của điểm {pp}: thiết bị của điểm dừng chi ở lần đồng bộ sau (thay đổi số {id})."),
                    Lang::En => format!("Stop of {c} at {pp} recorded: the pay point's devices stop paying at their next sync (amendment {id})."),
                }
            }),
        ),
        Ok(_) => (
            StatusCode::OK,
            Outcome::Done(tr("Đã ghi.", "Recorded.").into()),
        ),
        Err((s, o)) => (s, o),
    };
    stops_answer(&st, who.viewer(), status, outcome).await
}

csrf_field!(StopForm);

/// The stops: the form to record one (for those who may decide), and every stop known.
fn body(session: Option<&Session>, stops: &[crate::admin::StopRow], outcome: &str) -> String {
    let mut html = format!("<h1>{}</h1>{outcome}", tr("Báo giảm", "Stops"));
    if let Some(s) = session.filter(|s| s.staff.role.may(Power::Decide)) {
        html.push_str(&format!(
            "<form class=box method=post action=\"/bao-giam\" data-testid=stop-form>{}\
             <label for=pay_point>{}</label><input id=pay_point name=pay_point required>\
             <label for=code>{}</label><input id=code name=code required>\
             <label for=reason>{}</label><select id=reason name=reason>\
             <option value=death>{}</option><option value=moved>{}</option><option value=other>{}</option></select>\
             <label for=date>{}</label><input id=date name=date type=date>\
             <label for=note>{}</label><input id=note name=note>\
             <button type=submit id=record-stop>{}</button>\
             <p class=note>{}</p></form>",
            csrf_field(s),
            tr("Mã điểm chi trả", "Pay point code"),
            tr("Mã đối tượng", "Beneficiary code"),
            tr("Lý do", "Reason"),
            stop_reason("death"),
            stop_reason("moved"),
            stop_reason("other"),
            tr("Ngày (chết, chuyển đi…)", "Date (of death, of the move…)"),
            tr("Ghi chú (giấy tờ, ai báo)", "Note (papers, who reported it)"),
            tr("Ghi báo giảm", "Record the stop"),
            tr(
                "Thiết bị của điểm chi trả nhận ở lần đồng bộ sau và dừng chi ngay cho người này.",
                "The pay point's devices receive it at their next sync and stop paying this person at once."
            ),
        ));
    }
    html.push_str(&format!(
        "<h2>{}</h2><table data-testid=stops>{}",
        tr("Đã báo giảm", "Stops recorded"),
        head(&[
            ("Điểm", "Pay point"),
            ("Mã đối tượng", "Beneficiary"),
            ("Lý do", "Reason"),
            ("Ngày", "Date"),
            ("Nguồn", "Source"),
        ])
    ));
    for r in stops {
        let reason = stop_reason(&r.reason);
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.pay_point),
            escape(&r.code),
            escape(&reason),
            escape(&r.date.as_deref().map_or("—".to_string(), date)),
            if r.by_office {
                tr("đơn vị quản lý", "managing office")
            } else {
                tr("điểm chi trả báo", "reported by the pay point")
            }
        ));
    }
    html.push_str("</table>");
    html
}

/// A stop's reason in the request's language (the stored code if unknown).
pub(crate) fn stop_reason(reason: &str) -> String {
    match (paypoint::stop::StopReason::parse(reason), current_lang()) {
        (Some(r), Lang::Vi) => r.label_vi().to_string(),
        (Some(paypoint::stop::StopReason::Death), Lang::En) => "Death".to_string(),
        (Some(paypoint::stop::StopReason::Moved), Lang::En) => "Moved away".to_string(),
        (Some(paypoint::stop::StopReason::Other), Lang::En) => "Other reason".to_string(),
        (None, _) => reason.to_string(),
    }
}
