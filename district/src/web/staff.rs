//! The office's accounts, for administrators: add, unlock, disable, enable.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::lang::tr;
use super::pages;
use super::posted::{csrf_field, Posted};
use super::shell::*;
use crate::staff::StaffError;
use crate::state::AppState;
use crate::HubError;

pub(crate) async fn staff_page(State(st): State<AppState>, who: SignedIn) -> Response {
    staff_answer(&st, who.viewer(), StatusCode::OK, Outcome::None).await
}

async fn staff_answer(st: &AppState, v: Viewer, status: StatusCode, outcome: Outcome) -> Response {
    let Some(session) = v.session() else {
        return Redirect::to("/dang-nhap").into_response();
    };
    if let Some(refused) = administrators_only(session) {
        return refused;
    }
    let rows = match blocking(&st.hub, |h| h.staff().map_err(staff_error)).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let body = pages::staff(session, &rows, &outcome.html());
    render(st, &v, status, tr("Tài khoản", "Accounts"), &body).await
}

fn staff_error(e: StaffError) -> HubError {
    match e {
        StaffError::Storage(e) => HubError::Storage(e),
        e => HubError::Refused(e.to_string()),
    }
}

#[derive(Deserialize)]
pub(crate) struct StaffForm {
    csrf: String,
    /// `add`, `unlock`, `disable`, `enable` or `password`.
    what: String,
    login: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    password: String,
}

pub(crate) async fn staff_action(
    State(st): State<AppState>,
    posted: Posted<StaffForm>,
) -> Response {
    let Posted { who, from, form: f } = posted;
    use crate::action::Action;
    use crate::staff::{Role, StaffChange};
    let action = match f.what.as_str() {
        "add" => Action::AddStaff {
            login: f.login.clone(),
            name: f.name,
            role: Role::parse(&f.role).unwrap_or(Role::Viewer),
            password: f.password,
        },
        "unlock" => Action::ChangeStaff {
            login: f.login.clone(),
            change: StaffChange::Unlock,
        },
        "disable" => Action::ChangeStaff {
            login: f.login.clone(),
            change: StaffChange::Disable,
        },
        "enable" => Action::ChangeStaff {
            login: f.login.clone(),
            change: StaffChange::Enable,
        },
        "password" => Action::ChangeStaff {
            login: f.login.clone(),
            change: StaffChange::Password(f.password),
        },
        other => {
            let msg = format!("{} “{other}”.", tr("Không có thao tác", "No such action"));
            let v = who.viewer();
            return staff_answer(&st, v, StatusCode::BAD_REQUEST, Outcome::Refused(msg)).await;
        }
    };
    let (status, outcome) = match act(&st, &who.session, from.clone(), action).await {
        Ok(_) => (
            StatusCode::OK,
            Outcome::Done(format!(
                "{} “{}”.",
                tr("Đã cập nhật tài khoản", "Account updated:"),
                f.login.trim()
            )),
        ),
        Err((s, o)) => (s, o),
    };
    if status == StatusCode::FORBIDDEN {
        return page_answer(status, tr("Không đủ quyền", "Not allowed"), &outcome.html());
    }
    staff_answer(&st, who.viewer(), status, outcome).await
}

csrf_field!(StaffForm);
