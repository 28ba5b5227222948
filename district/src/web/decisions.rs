//! What waits for the office's decision: proof of life, bank accounts, counter proxies.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::lang::tr;
use super::pages;
use super::posted::{csrf_field, Posted};
use super::shell::*;
use crate::state::AppState;

/// What waits for the office's decision: people to confirm alive, requests to be paid by
/// account, proxies added at a counter.
pub struct Waiting {
    holds: Vec<crate::life::Hold>,
    accounts: Vec<crate::account::AccountRow>,
    proxies: Vec<crate::proxy::CounterProxy>,
}

pub(crate) async fn decisions_page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let Some(v) = viewer(&st, peer, &headers, None).await else {
        return Redirect::to("/dang-nhap").into_response();
    };
    decisions_answer(&st, v, StatusCode::OK, Outcome::None).await
}

async fn decisions_answer(
    st: &AppState,
    v: Viewer,
    status: StatusCode,
    outcome: Outcome,
) -> Response {
    let waiting = blocking(&st.hub, |h| {
        Ok(Waiting {
            holds: h.holds(None, false)?,
            accounts: h.account_requests(None, false)?,
            proxies: h.counter_proxies(None, false)?,
        })
    })
    .await;
    let w = match waiting {
        Ok(w) => w,
        Err(r) => return r,
    };
    let body = pages::decisions(
        v.session(),
        &w.holds,
        &w.accounts,
        &w.proxies,
        &outcome.html(),
    );
    render(st, &v, status, tr("Chờ quyết định", "Decisions"), &body).await
}

#[derive(Deserialize)]
pub(crate) struct DecisionForm {
    csrf: String,
    /// `confirm_life`, `confirm_account`, `refuse_account`, `confirm_proxy` or `refuse_proxy`.
    what: String,
    pay_point: String,
    code: String,
    #[serde(default)]
    note: String,
    /// `YYYY-MM`, for `confirm_account`.
    #[serde(default)]
    from: String,
}

/// The action a decision form asks for, or what cannot be read in it.
fn decision_action(f: DecisionForm) -> Result<crate::action::Action, String> {
    use crate::action::Action;
    let (pay_point, code, note) = (
        f.pay_point.trim().to_string(),
        f.code.trim().to_string(),
        f.note,
    );
    Ok(match f.what.as_str() {
        "confirm_life" => Action::Confirm {
            pay_point,
            code,
            note,
        },
        "confirm_account" => Action::ConfirmAccount {
            pay_point,
            code,
            from: f.from.trim().parse().map_err(|_| {
                format!(
                    "{} “{}”: {}",
                    tr("Kỳ không đọc được", "Period cannot be read"),
                    f.from,
                    tr(
                        "chọn tháng bắt đầu nhận qua tài khoản.",
                        "pick the first month paid by account."
                    )
                )
            })?,
        },
        "refuse_account" => Action::RefuseAccount {
            pay_point,
            code,
            reason: note,
        },
        "confirm_proxy" | "refuse_proxy" => Action::DecideProxy {
            pay_point,
            code,
            confirm: f.what == "confirm_proxy",
            note,
        },
        other => {
            return Err(format!(
                "{} “{other}”.",
                tr("Không có thao tác", "No such action")
            ))
        }
    })
}

pub(crate) async fn decide(State(st): State<AppState>, posted: Posted<DecisionForm>) -> Response {
    let Posted { who, from, form: f } = posted;
    let code = f.code.trim().to_string();
    let (status, outcome) = match decision_action(f) {
        Err(m) => (StatusCode::UNPROCESSABLE_ENTITY, Outcome::Refused(m)),
        Ok(action) => {
            let what = action.detail();
            match act(&st, &who.session, from.clone(), action).await {
                Ok(_) => (
                    StatusCode::OK,
                    Outcome::Done(format!(
                        "{} {code}: {what}.",
                        tr("Đã ghi quyết định cho", "Decision recorded for")
                    )),
                ),
                Err((s, o)) => (s, o),
            }
        }
    };
    decisions_answer(&st, who.viewer(), status, outcome).await
}

csrf_field!(DecisionForm);
