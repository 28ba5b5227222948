//! The office's accounts, for administrators: add, unlock, disable, enable.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::format::{date_time, escape};
use super::lang::tr;
use super::pages::{csrf_field, head, role_label};
use super::posted::{csrf_field, Posted};
use super::shell::*;
use crate::staff::{Session, StaffError, StaffRow, MIN_PASSWORD_CHARS};
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
    let body = body(session, &rows, &outcome.html());
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

/// The office's accounts, with the administrator's forms.
fn body(session: &Session, rows: &[StaffRow], outcome: &str) -> String {
    let mut html = format!(
        "<h1>{}</h1>{outcome}<table data-testid=staff>{}",
        tr("Tài khoản của đơn vị", "The office's accounts"),
        head(&[
            ("Tên đăng nhập", "Login"),
            ("Họ tên", "Name"),
            ("Quyền", "Role"),
            ("Tình trạng", "State"),
            ("Tạo lúc", "Created"),
            ("", ""),
        ])
    );
    for r in rows {
        let state = if r.disabled {
            tr("vô hiệu hóa", "disabled").to_string()
        } else if let Some(t) = r.locked_until {
            format!(
                "{} {}",
                tr("khóa đến", "locked until"),
                super::format::unix_date_time(t)
            )
        } else {
            tr("đang dùng", "in use").to_string()
        };
        let button = |what: &str, label: &str| {
            format!(
                "<form method=post action=\"/tai-khoan\" style=display:inline>{}<input type=hidden name=what value={what}>\
                 <input type=hidden name=login value=\"{}\"><button type=submit>{label}</button></form>",
                csrf_field(session),
                escape(&r.staff.login)
            )
        };
        let disable = tr("Vô hiệu hóa", "Disable");
        let actions = if r.disabled {
            button("enable", tr("Cho dùng lại", "Enable"))
        } else if r.locked_until.is_some() {
            button("unlock", tr("Mở khóa", "Unlock")) + &button("disable", disable)
        } else {
            button("disable", disable)
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{actions}</td></tr>",
            escape(&r.staff.login),
            escape(&r.staff.name),
            role_label(r.staff.role),
            state,
            escape(&date_time(&r.created_at)),
        ));
    }
    html.push_str(&format!(
        "</table><h2>{}</h2><form class=box method=post action=\"/tai-khoan\" data-testid=add-staff>{}\
         <input type=hidden name=what value=add>\
         <label for=login>{}</label><input id=login name=login required>\
         <label for=name>{}</label><input id=name name=name required>\
         <label for=role>{}</label><select id=role name=role><option value=viewer>{}</option>\
         <option value=officer>{}</option><option value=admin>{}</option></select>\
         <label for=password>{} ({MIN_PASSWORD_CHARS}+)</label><input id=password name=password type=password autocomplete=new-password required>\
         <button type=submit>{}</button></form>",
        tr("Thêm tài khoản", "Add an account"),
        csrf_field(session),
        tr("Tên đăng nhập", "Login"),
        tr("Họ tên", "Full name"),
        tr("Quyền", "Role"),
        tr("Xem", "Viewer"),
        tr(
            "Cán bộ nghiệp vụ (phát hành danh sách, báo giảm, xác minh)",
            "Officer (publishes rolls, records stops, confirms)"
        ),
        tr(
            "Quản trị (cả tài khoản, điểm chi trả, thiết bị)",
            "Administrator (also accounts, pay points, devices)"
        ),
        tr("Mật khẩu ban đầu, số ký tự", "First password, characters"),
        tr("Thêm", "Add"),
    ));
    html
}
