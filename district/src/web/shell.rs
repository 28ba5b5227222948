//! What the app's pages share: who is asking ([`Viewer`]), the session's cookie, where a request
//! comes from, the checks of a form's origin, the page around a body, the refusals, and the one
//! way a page does an office action ([`act`]).

use std::net::SocketAddr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::format::escape;
use super::lang::tr;
use super::pages;
pub(crate) use super::request::{cookie, from_addr, Viewer};
use crate::audit::Actor;
use crate::staff::Session;
use crate::state::AppState;
use crate::{Hub, HubError};

/// The session cookie: random, HttpOnly, SameSite=Strict, valid on every path.
pub(crate) const SESSION_COOKIE: &str = "sct_phien";

/// The session of the request's cookie, if any and still open.
async fn session_of(hub: &std::sync::Arc<Hub>, headers: &HeaderMap) -> Option<Viewer> {
    let token = cookie(headers, SESSION_COOKIE)?.to_string();
    let hub = hub.clone();
    tokio::task::spawn_blocking(move || hub.session(&token).map(|s| Viewer::Staff(s, token)))
        .await
        .ok()?
        .ok()
}

/// Who is asking: a session, else monitoring when the token (or a direct local request) allows
/// it, else nobody (the sign-in page).
pub async fn viewer(
    st: &AppState,
    peer: SocketAddr,
    headers: &HeaderMap,
    token: Option<&str>,
) -> Option<Viewer> {
    if let Some(v) = session_of(&st.hub, headers).await {
        return Some(v);
    }
    // A request relayed by a reverse proxy arrives from loopback too: only a direct local
    // request is let in without the token.
    let relayed = ["forwarded", "x-forwarded-for", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    let allowed = match &st.token {
        Some(t) => token.is_some_and(|q| crate::staff::same_secret(q, t)),
        None => peer.ip().is_loopback() && !relayed,
    };
    allowed.then_some(Viewer::Monitor)
}

/// A signed-in person: what a page only staff see takes, as an extractor. Anyone else is sent to
/// the sign-in page before the handler runs, so a handler that takes one cannot forget to ask.
pub(crate) struct SignedIn {
    /// Who.
    pub session: Session,
    /// Their cookie's token (to draw the next page for them).
    pub token: String,
}

impl SignedIn {
    /// The viewer the pages are drawn for.
    pub(crate) fn viewer(self) -> Viewer {
        Viewer::Staff(self.session, self.token)
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Response> {
        match session_of(&st.hub, &parts.headers).await {
            Some(Viewer::Staff(session, token)) => Ok(SignedIn { session, token }),
            _ => Err(Redirect::to("/dang-nhap").into_response()),
        }
    }
}

/// Whether the browser says the form came from this site: `Origin` (or, failing it, `Referer`)
/// naming the host the request was sent to — `Host`, or the `X-Forwarded-Host` a reverse proxy
/// adds when it rewrites `Host`. A browser sends one of them with every form, and a page of
/// another site cannot set them.
pub(crate) fn same_site(headers: &HeaderMap) -> bool {
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
    };
    let hosts: Vec<&str> = [header(header::HOST.as_str()), header("x-forwarded-host")]
        .into_iter()
        .flatten()
        .flat_map(|h| h.split(',').map(str::trim).take(1))
        .collect();
    let origin = header(header::ORIGIN.as_str()).or_else(|| header(header::REFERER.as_str()));
    match origin {
        Some(origin) => {
            let rest = origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                .unwrap_or("");
            let named = rest.split('/').next().unwrap_or("");
            hosts.contains(&named)
        }
        // No Origin nor Referer: not a browser's form (a script, a test); the token decides.
        None => !hosts.is_empty(),
    }
}

/// What every page of the app answers with: never inside another site's frame (a click there
/// could be made to press our buttons), nothing loaded from elsewhere, forms sent only here, and
/// no address of a page with a person's name sent to another site.
pub async fn page_headers(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    for (name, value) in [
        ("x-frame-options", "DENY"),
        (
            "content-security-policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
        ),
        ("referrer-policy", "same-origin"),
        ("x-content-type-options", "nosniff"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    r
}

/// A form refused as forged: 403, the page says so.
pub(crate) fn forged() -> Response {
    page_answer(
        StatusCode::FORBIDDEN,
        tr("Yêu cầu bị từ chối", "Request refused"),
        tr("<p class=err>Biểu mẫu không đến từ trang này hoặc đã cũ (mã chống giả mạo không khớp). Mở lại trang và gửi lại.</p>", "<p class=err>The form did not come from this site or is out of date (its anti-forgery token does not match). Open the page again and send it again.</p>"),
    )
}

/// The refusal of a page only administrators may open, for anyone else; `None` for them.
pub(crate) fn administrators_only(session: &Session) -> Option<Response> {
    (!session.staff.role.may(crate::staff::Power::Administer)).then(|| {
        page_answer(
            StatusCode::FORBIDDEN,
            tr("Không đủ quyền", "Not allowed"),
            tr(
                "<p class=err>Chỉ quản trị viên mở được trang này.</p>",
                "<p class=err>Only administrators may open this page.</p>",
            ),
        )
    })
}

/// A bare page with a status: refusals and failures.
pub(crate) fn page_answer(status: StatusCode, title: &str, body: &str) -> Response {
    let html = pages::layout(title, None, "", body);
    (status, Html(html)).into_response()
}

/// The hub failed while building a page: logged, 500.
pub(crate) fn failed(e: impl std::fmt::Display) -> Response {
    paypoint::log::line("paypoint-district", format_args!("web: failed: {e}"));
    page_answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        tr("Lỗi máy chủ", "Server error"),
        &format!(
            "<p class=err>{}: {}</p>",
            tr("Lỗi máy chủ", "Server error"),
            escape(&e.to_string())
        ),
    )
}

/// Runs a blocking hub call (the store) off the async runtime.
pub(crate) async fn blocking<T: Send + 'static>(
    hub: &std::sync::Arc<Hub>,
    f: impl FnOnce(&Hub) -> Result<T, HubError> + Send + 'static,
) -> Result<T, Response> {
    let hub = hub.clone();
    match tokio::task::spawn_blocking(move || f(&hub)).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(failed(e)),
        Err(e) => Err(failed(e)),
    }
}

/// The page of `viewer` titled `title` around `body`, answered with `status` (a refused action's
/// page is a 4xx); if the page itself cannot be built, the 500 that says so.
pub(crate) async fn render(
    st: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    title: &str,
    body: &str,
) -> Response {
    let office = match blocking(&st.hub, |h| h.office()).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let html = pages::layout(title, Some(viewer), &office.managing_office, body);
    (status, Html(html)).into_response()
}

/// The outcome of an action, shown above the page's form.
pub(crate) enum Outcome {
    None,
    Done(String),
    Refused(String),
}

impl Outcome {
    pub(crate) fn html(&self) -> String {
        match self {
            Outcome::None => String::new(),
            Outcome::Done(m) => format!("<p class=ok role=status>{}</p>", escape(m)),
            Outcome::Refused(m) => format!("<p class=err role=alert>{}</p>", escape(m)),
        }
    }
}

/// Does an action for a signed-in person from a checked form; the status to answer and what to
/// say.
pub(crate) async fn act(
    st: &AppState,
    session: &Session,
    from: String,
    action: crate::action::Action,
) -> Result<crate::action::Done, (StatusCode, Outcome)> {
    let actor = Actor::staff(&session.staff, &from);
    let hub = st.hub.clone();
    match tokio::task::spawn_blocking(move || hub.act(&actor, action)).await {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(HubError::Forbidden(m))) => Err((StatusCode::FORBIDDEN, Outcome::Refused(m))),
        Ok(Err(HubError::Refused(m))) => {
            Err((StatusCode::UNPROCESSABLE_ENTITY, Outcome::Refused(m)))
        }
        Ok(Err(e)) => Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            Outcome::Refused(e.to_string()),
        )),
        Err(e) => Err((
            StatusCode::INTERNAL_SERVER_ERROR,
            Outcome::Refused(e.to_string()),
        )),
    }
}
