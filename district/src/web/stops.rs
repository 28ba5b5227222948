//! The stops page: record a death, a move or another end of payment, and every stop known.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::lang::{lang as current_lang, tr, Lang};
use super::pages;
use super::posted::{csrf_field, Posted};
use super::shell::*;
use crate::state::AppState;

pub(crate) async fn stops_page(State(st): State<AppState>, who: SignedIn) -> Response {
    stops_answer(&st, who.viewer(), StatusCode::OK, Outcome::None).await
}

async fn stops_answer(st: &AppState, v: Viewer, status: StatusCode, outcome: Outcome) -> Response {
    let stops = match blocking(&st.hub, |h| h.stops(None)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let body = pages::stops(v.session(), &stops, &outcome.html());
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
