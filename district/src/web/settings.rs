//! The administrator's page of the office's settings: the names on its papers, the pay
//! schedule, the anomaly checks' thresholds; and the pay points, with the form that adds one.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::format::escape;
use super::lang::tr;
use super::pages::csrf_field;
use super::posted::{csrf_field, Posted};
use super::shell::{
    act, administrators_only, blocking, page_answer, render, Outcome, SignedIn, Viewer,
};
use crate::action::Action;
use crate::staff::Session;
use crate::state::AppState;

/// `GET /thiet-lap`.
pub async fn settings_page(State(st): State<AppState>, who: SignedIn) -> Response {
    answer(&st, who.viewer(), StatusCode::OK, Outcome::None).await
}

async fn answer(st: &AppState, v: Viewer, status: StatusCode, outcome: Outcome) -> Response {
    let Some(session) = v.session() else {
        return Redirect::to("/dang-nhap").into_response();
    };
    if let Some(refused) = administrators_only(session) {
        return refused;
    }
    let data = blocking(&st.hub, |h| Ok((h.settings()?, h.pay_points()?))).await;
    let (settings, pay_points) = match data {
        Ok(d) => d,
        Err(r) => return r,
    };
    let values = serde_json::to_value(&settings).unwrap_or_default();
    let body = page(session, &values, &pay_points, &outcome.html());
    render(st, &v, status, tr("Thiết lập", "Settings"), &body).await
}

fn page(
    s: &Session,
    values: &serde_json::Value,
    pay_points: &[(String, String)],
    outcome: &str,
) -> String {
    let mut html = format!(
        "<h1>{}</h1>{outcome}<table data-testid=settings>{}",
        tr("Thiết lập của đơn vị", "The office's settings"),
        super::pages::head(&[
            ("Thiết lập", "Setting"),
            ("Ý nghĩa", "Meaning"),
            ("Giá trị", "Value"),
        ])
    );
    for (key, vi, en) in crate::admin::SETTING_LABELS {
        let label = tr(vi, en);
        let value = match &values[key] {
            serde_json::Value::String(t) => t.clone(),
            other => other.to_string(),
        };
        html.push_str(&format!(
            "<tr><td><code>{key}</code></td><td>{label}</td><td><form method=post action=\"/thiet-lap\" data-testid=\"set-{key}\">{}\
             <input type=hidden name=what value=set><input type=hidden name=key value={key}>\
             <input name=value value=\"{}\" size=32> <button type=submit>{}</button></form></td></tr>",
            csrf_field(s),
            escape(&value),
            tr("Lưu", "Save"),
        ));
    }
    html.push_str(&format!(
        "</table><h2>{}</h2><table data-testid=pay-points>{}",
        tr("Điểm chi trả", "Pay points"),
        super::pages::head(&[("Mã", "Code"), ("Tên", "Name")])
    ));
    for (code, name) in pay_points {
        html.push_str(&format!(
            "<tr><td><a href=\"/diem/{c}\">{c}</a></td><td>{}</td></tr>",
            escape(name),
            c = escape(code)
        ));
    }
    html.push_str(&format!(
        "</table><form class=box method=post action=\"/thiet-lap\" data-testid=add-pay-point>{}<input type=hidden name=what value=add_pay_point>\
         <label for=code>{}</label><input id=code name=key required>\
         <label for=name>{}</label><input id=name name=value required>\
         <button type=submit>{}</button></form>",
        csrf_field(s),
        tr("Mã điểm chi trả", "Pay point code"),
        tr(
            "Tên (ví dụ Bưu điện văn hóa xã Quảng Hưng)",
            "Name (e.g. Bưu điện văn hóa xã Quảng Hưng)"
        ),
        tr("Thêm điểm chi trả", "Add the pay point"),
    ));
    html
}

#[derive(Deserialize)]
pub struct SettingForm {
    csrf: String,
    /// `set` or `add_pay_point`.
    what: String,
    key: String,
    #[serde(default)]
    value: String,
}

/// `POST /thiet-lap`: one setting, or a new pay point.
pub async fn settings_action(State(st): State<AppState>, posted: Posted<SettingForm>) -> Response {
    let Posted { who, from, form: f } = posted;
    let (key, value) = (f.key.trim().to_string(), f.value);
    let action = if f.what == "add_pay_point" {
        Action::AddPayPoint {
            code: key.clone(),
            name: value,
        }
    } else {
        Action::SetSetting {
            key: key.clone(),
            value,
        }
    };
    let (status, outcome) = match act(&st, &who.session, from.clone(), action).await {
        Ok(_) => (
            StatusCode::OK,
            Outcome::Done(format!("{} “{key}”.", tr("Đã lưu", "Saved"))),
        ),
        Err((s, o)) => (s, o),
    };
    if status == StatusCode::FORBIDDEN {
        return page_answer(status, tr("Không đủ quyền", "Not allowed"), &outcome.html());
    }
    answer(&st, who.viewer(), status, outcome).await
}

csrf_field!(SettingForm);
