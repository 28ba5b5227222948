//! The app's language: Vietnamese first, English on request (the link in the page's header sets a
//! cookie). The pages' own words are written in both, side by side (`tr("Tổng quan",
//! "Overview")`); what the hub's rules say (a refusal, an importer's problem, a flag's detail) and
//! the office's own data stay as they are, in Vietnamese.
//!
//! The language is the request's, set once by [`with_lang`] around every handler, the way a locale
//! is: the pages read it with [`tr`] instead of carrying it through every function.

use axum::extract::{Query, Request};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// The cookie that keeps the choice.
const LANG_COOKIE: &str = "sct_ngon_ngu";

/// A language of the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt, the default.
    Vi,
    /// English.
    En,
}

tokio::task_local! {
    static LANG: Lang;
}

/// The language of this request (Vietnamese outside one).
pub fn lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or(Lang::Vi)
}

/// `vi` or `en`, in the request's language.
pub fn tr(vi: &'static str, en: &'static str) -> &'static str {
    match lang() {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// The language the browser chose (the cookie), else Vietnamese.
fn of(headers: &HeaderMap) -> Lang {
    match super::request::cookie(headers, LANG_COOKIE) {
        Some("en") => Lang::En,
        _ => Lang::Vi,
    }
}

/// Runs the request in its language.
pub async fn with_lang(req: Request, next: Next) -> Response {
    let lang = of(req.headers());
    LANG.scope(lang, next.run(req)).await
}

/// `?l=vi|en&ve=/path` of the language switch.
#[derive(Deserialize)]
pub struct Switch {
    l: String,
    #[serde(default)]
    ve: String,
}

/// `GET /ngon-ngu`: keeps the choice and goes back to the page (only a path of this site).
pub async fn switch(Query(q): Query<Switch>) -> Response {
    let value = if q.l == "en" { "en" } else { "vi" };
    // Only a path of this site, in plain visible ASCII (the browser sends it encoded): never
    // another site, never a header's line break.
    let local = q.ve.starts_with('/')
        && !q.ve.starts_with("//")
        && q.ve
            .bytes()
            .all(|b| (0x21..0x7f).contains(&b) && b != b'\\');
    let back = if local { q.ve } else { "/".to_string() };
    let mut r = Redirect::to(&back).into_response();
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={value}; Path=/; SameSite=Lax; Max-Age=31536000"
        ))
        .expect("a valid header"),
    );
    r
}
