//! Signing in and out: the sign-in form with its own anti-forgery cookie, the session's cookie
//! set and cleared.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::format::escape;
use super::lang::{lang, tr, Lang};
use super::pages::layout;
use super::posted::{csrf_field, Posted};
use super::shell::*;
use crate::staff::StaffError;
use crate::state::AppState;

/// The sign-in form's own anti-forgery cookie (there is no session yet to hold one).
const SIGN_IN_COOKIE: &str = "sct_dang_nhap";

pub(crate) async fn sign_in_form(headers: HeaderMap) -> Response {
    let token = cookie(&headers, SIGN_IN_COOKIE)
        .filter(|t| t.len() == 64)
        .map(str::to_string)
        .unwrap_or_else(crate::staff::random_token);
    sign_in_answer(StatusCode::OK, &token, "", "")
}

fn sign_in_answer(status: StatusCode, token: &str, login: &str, error: &str) -> Response {
    let mut r = (status, Html(form_page(token, login, error))).into_response();
    let c = format!("{SIGN_IN_COOKIE}={token}; Path=/dang-nhap; HttpOnly; SameSite=Strict");
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&c).expect("hex is a valid header"),
    );
    r
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    login: String,
    password: String,
    csrf: String,
}

pub(crate) async fn sign_in(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(f): Form<SignInForm>,
) -> Response {
    let expected = cookie(&headers, SIGN_IN_COOKIE).unwrap_or_default();
    if !same_site(&headers) || expected.is_empty() || !crate::staff::same_secret(expected, &f.csrf)
    {
        return forged();
    }
    let from = from_addr(peer, &headers);
    let hub = st.hub.clone();
    let (login, password) = (f.login.clone(), f.password);
    let result = tokio::task::spawn_blocking(move || hub.sign_in(&login, &password, &from)).await;
    match result {
        Ok(Ok(new)) => {
            let secure = headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes() == b"https");
            let cookie = format!(
                "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
                new.token,
                crate::staff::SESSION_MAX_SECS,
                if secure { "; Secure" } else { "" }
            );
            let mut r = Redirect::to("/").into_response();
            r.headers_mut().append(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).expect("hex is a valid header"),
            );
            r
        }
        Ok(Err(StaffError::Storage(e))) => failed(e),
        Ok(Err(e)) => sign_in_answer(StatusCode::UNAUTHORIZED, &f.csrf, &f.login, &e.to_string()),
        Err(e) => failed(e),
    }
}

/// A form's anti-forgery token.
#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

pub(crate) async fn sign_out(State(st): State<AppState>, posted: Posted<CsrfForm>) -> Response {
    let Posted { who, from, .. } = posted;
    let SignedIn { session, token } = who;
    if let Err(r) = blocking(&st.hub, move |h| h.sign_out(&session, &token, &from)).await {
        return r;
    }
    let mut r = Redirect::to("/dang-nhap").into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("sct_phien=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    r
}

csrf_field!(CsrfForm);

/// The sign-in page; `error` above the form when the last try failed.
fn form_page(csrf: &str, login: &str, error: &str) -> String {
    let error = if error.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=err role=alert data-testid=sign-in-error>{}</p>",
            escape(error)
        )
    };
    let body = format!(
        "<h1>{title}</h1>{error}<form class=box method=post action=\"/dang-nhap\">\
         <input type=hidden name=csrf value=\"{}\">\
         <label for=login>{}</label><input id=login name=login autocomplete=username required value=\"{}\">\
         <label for=password>{}</label><input id=password name=password type=password autocomplete=current-password required>\
         <button type=submit id=sign-in>{title}</button>\
         <p class=note>{}</p></form><p>{}</p>",
        escape(csrf),
        tr("Tên đăng nhập", "Login"),
        escape(login),
        tr("Mật khẩu", "Password"),
        tr(
            "Nhập sai 5 lần liền thì tài khoản bị khóa 15 phút. Quên mật khẩu: nhờ quản trị viên đặt lại.",
            "Five wrong passwords in a row lock the account for 15 minutes. Forgotten password: ask an administrator to set a new one."
        ),
        match lang() {
            Lang::Vi => "<a href=\"/ngon-ngu?l=en&amp;ve=/dang-nhap\" data-testid=lang>English</a>",
            Lang::En => "<a href=\"/ngon-ngu?l=vi&amp;ve=/dang-nhap\" data-testid=lang>Tiếng Việt</a>",
        },
        title = tr("Đăng nhập", "Sign in"),
    );
    layout(tr("Đăng nhập", "Sign in"), None, "", &body)
}
