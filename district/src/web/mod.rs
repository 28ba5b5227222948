//! The managing office's web app (issue 20): pages rendered on the server, plain HTML forms and
//! no script, so that it works in any office PC's browser with no internet. Vietnamese first.
//!
//! Who is asking is a [`Viewer`]: a person signed in (a session cookie), or read-only monitoring
//! (the shared `--token`, or the server's own screen on loopback). Every form that changes
//! something carries its session's anti-forgery token and is refused without it, or when the
//! browser says it was sent from another site; the cookie is `SameSite=Strict` as well. What a
//! role may do is decided by [`crate::Hub::act`], never here.

pub mod format;
pub mod lang;
pub mod overview;
mod pages;
mod paper;
mod pay_point;
mod posted;
mod rolls;
mod settings;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use crate::audit::Actor;
use crate::http::AppState;
use crate::staff::{Session, StaffError};
use crate::{Hub, HubError};
use format::escape;
use lang::{lang as current_lang, tr, Lang};
use posted::{csrf_field, Posted};

/// The session cookie: random, HttpOnly, SameSite=Strict, valid on every path.
const SESSION_COOKIE: &str = "sct_phien";
/// The sign-in form's own anti-forgery cookie (there is no session yet to hold one).
const SIGN_IN_COOKIE: &str = "sct_dang_nhap";

/// The app's pages, merged into the hub's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview_page))
        .route("/dang-nhap", get(sign_in_form).post(sign_in))
        .route("/dang-xuat", post(sign_out))
        .route("/bao-giam", get(stops_page).post(record_stop))
        .route("/canh-bao", get(flags_page).post(resolve_flag))
        .route("/cho-quyet-dinh", get(decisions_page).post(decide))
        .route(
            "/diem/{code}",
            get(pay_point::pay_point_page).post(pay_point::pay_point_action),
        )
        .route(
            "/thiet-lap",
            get(settings::settings_page).post(settings::settings_action),
        )
        .route("/kiem-tra-giay", get(paper::paper_page).post(paper::check))
        .merge(rolls::routes())
        .route("/quyet-toan", get(settlement_page))
        .route("/quyet-toan.csv", get(settlement_csv))
        .route("/quyet-toan.pdf", get(settlement_pdf))
        .route("/quyet-toan.xlsx", get(settlement_xlsx))
        .route("/nhat-ky", get(audit_page))
        .route("/tai-khoan", get(staff_page).post(staff_action))
        .route("/ngon-ngu", get(lang::switch))
        // Every page in its request's language (the cookie), with the browser's guards.
        .layer(axum::middleware::from_fn(lang::with_lang))
        .layer(axum::middleware::from_fn(page_headers))
}

/// Who is looking at a page.
pub enum Viewer {
    /// A person signed in, with their cookie's token.
    Staff(Session, String),
    /// Read-only monitoring: the shared token, or the server's own screen.
    Monitor,
}

impl Viewer {
    pub(crate) fn session(&self) -> Option<&Session> {
        match self {
            Viewer::Staff(s, _) => Some(s),
            Viewer::Monitor => None,
        }
    }
}

/// A cookie's value from the request.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Where a request comes from, for the audit log: the peer, and what a proxy in front says.
pub fn from_addr(peer: SocketAddr, headers: &HeaderMap) -> String {
    let relayed = headers
        .get("x-forwarded-for")
        .or_else(|| headers.get("x-real-ip"))
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(100).collect::<String>());
    match relayed {
        Some(r) => format!("{r} (qua {})", peer.ip()),
        None => peer.ip().to_string(),
    }
}

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

/// A signed-in person, or the answer that sends the browser to the sign-in page.
pub(crate) async fn signed_in(
    st: &AppState,
    headers: &HeaderMap,
) -> Result<(Session, String), Response> {
    match session_of(&st.hub, headers).await {
        Some(Viewer::Staff(s, t)) => Ok((s, t)),
        _ => Err(Redirect::to("/dang-nhap").into_response()),
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

/// The page of `viewer` titled `title` around `body`.
pub(crate) async fn render(st: &AppState, viewer: &Viewer, title: &str, body: &str) -> Response {
    let office = match blocking(&st.hub, |h| h.office()).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    Html(pages::layout(
        title,
        Some(viewer),
        &office.managing_office,
        body,
    ))
    .into_response()
}

/// `?token=` of the monitoring page.
#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The overview at `/`: for a signed-in person, or read-only monitoring; anyone else is sent to
/// the sign-in page.
pub async fn overview_page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(v) = viewer(&st, peer, &headers, q.token.as_deref()).await else {
        return Redirect::to("/dang-nhap").into_response();
    };
    let data = match blocking(&st.hub, overview::page_data).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = overview::body(&data);
    let mut page = Html(pages::layout(
        tr("Tổng quan", "Overview"),
        Some(&v),
        &data.office.managing_office,
        &body,
    ))
    .into_response();
    // The overview refreshes itself each minute on a wall screen; no form on it loses anything.
    page.headers_mut()
        .insert(header::REFRESH, HeaderValue::from_static("60"));
    page
}

async fn sign_in_form(headers: HeaderMap) -> Response {
    let token = cookie(&headers, SIGN_IN_COOKIE)
        .filter(|t| t.len() == 64)
        .map(str::to_string)
        .unwrap_or_else(crate::staff::random_token);
    sign_in_answer(StatusCode::OK, &token, "", "")
}

fn sign_in_answer(status: StatusCode, token: &str, login: &str, error: &str) -> Response {
    let mut r = (status, Html(pages::sign_in(token, login, error))).into_response();
    let c = format!("{SIGN_IN_COOKIE}={token}; Path=/dang-nhap; HttpOnly; SameSite=Strict");
    r.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_str(&c).expect("hex is a valid header"),
    );
    r
}

#[derive(Deserialize)]
struct SignInForm {
    login: String,
    password: String,
    csrf: String,
}

async fn sign_in(
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
struct CsrfForm {
    csrf: String,
}

async fn sign_out(State(st): State<AppState>, posted: Posted<CsrfForm>) -> Response {
    let Posted {
        session,
        token,
        from,
        ..
    } = posted;
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
) -> Result<(StatusCode, Outcome, crate::action::Done), (StatusCode, Outcome)> {
    let actor = Actor::staff(&session.staff, &from);
    let hub = st.hub.clone();
    match tokio::task::spawn_blocking(move || hub.act(&actor, action)).await {
        Ok(Ok(done)) => Ok((StatusCode::OK, Outcome::None, done)),
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

async fn stops_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let (session, token) = match signed_in(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    stops_answer(
        &st,
        Viewer::Staff(session, token),
        StatusCode::OK,
        Outcome::None,
    )
    .await
}

async fn stops_answer(st: &AppState, v: Viewer, status: StatusCode, outcome: Outcome) -> Response {
    let stops = match blocking(&st.hub, |h| h.stops(None)).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let body = pages::stops(v.session(), &stops, &outcome.html());
    let mut r = render(st, &v, tr("Báo giảm", "Stops"), &body).await;
    *r.status_mut() = status;
    r
}

#[derive(Deserialize)]
struct StopForm {
    csrf: String,
    pay_point: String,
    code: String,
    reason: String,
    #[serde(default)]
    date: String,
    #[serde(default)]
    note: String,
}

async fn record_stop(State(st): State<AppState>, posted: Posted<StopForm>) -> Response {
    let Posted {
        session,
        token,
        from,
        form: f,
    } = posted;
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
                let v = Viewer::Staff(session, token);
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
    let (status, outcome) = match act(&st, &session, from.clone(), action).await {
        Ok((s, _, crate::action::Done::Amendment(id))) => (
            s,
            Outcome::Done({
                let (c, pp) = (f.code.trim(), f.pay_point.trim());
                match current_lang() {
                    Lang::Vi => format!("Đã ghi báo giảm {c} của điểm {pp}: thiết bị của điểm dừng chi ở lần đồng bộ sau (thay đổi số {id})."),
                    Lang::En => format!("Stop of {c} at {pp} recorded: the pay point's devices stop paying at their next sync (amendment {id})."),
                }
            }),
        ),
        Ok((s, _, _)) => (s, Outcome::Done(tr("Đã ghi.", "Recorded.").into())),
        Err((s, o)) => (s, o),
    };
    stops_answer(&st, Viewer::Staff(session, token), status, outcome).await
}

async fn flags_page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let Some(v) = viewer(&st, peer, &headers, None).await else {
        return Redirect::to("/dang-nhap").into_response();
    };
    flags_answer(&st, v, StatusCode::OK, Outcome::None).await
}

async fn flags_answer(st: &AppState, v: Viewer, status: StatusCode, outcome: Outcome) -> Response {
    let flags = match blocking(&st.hub, |h| h.flags(None)).await {
        Ok(f) => f,
        Err(r) => return r,
    };
    let body = pages::flags(v.session(), &flags, &outcome.html());
    let mut r = render(st, &v, tr("Cảnh báo", "Flags"), &body).await;
    *r.status_mut() = status;
    r
}

#[derive(Deserialize)]
struct ResolveForm {
    csrf: String,
    id: i64,
    resolution: String,
    #[serde(default)]
    note: String,
}

async fn resolve_flag(State(st): State<AppState>, posted: Posted<ResolveForm>) -> Response {
    let Posted {
        session,
        token,
        from,
        form: f,
    } = posted;
    let Some(resolution) = crate::resolution::Resolution::parse(&f.resolution) else {
        let msg = format!(
            "{} “{}”.",
            tr("Không có cách xử lý", "No such resolution"),
            f.resolution
        );
        let v = Viewer::Staff(session, token);
        return flags_answer(&st, v, StatusCode::BAD_REQUEST, Outcome::Refused(msg)).await;
    };
    let action = crate::action::Action::ResolveFlag {
        id: f.id,
        resolution,
        note: f.note,
    };
    let (status, outcome) = match act(&st, &session, from.clone(), action).await {
        Ok((s, _, _)) => (
            s,
            Outcome::Done(format!(
                "{} {}: {}.",
                tr("Đã xử lý cảnh báo số", "Resolved flag"),
                f.id,
                pages::resolution(resolution)
            )),
        ),
        Err((s, o)) => (s, o),
    };
    flags_answer(&st, Viewer::Staff(session, token), status, outcome).await
}

/// What waits for the office's decision: people to confirm alive, requests to be paid by
/// account, proxies added at a counter.
pub struct Waiting {
    holds: Vec<crate::life::Hold>,
    accounts: Vec<crate::account::AccountRow>,
    proxies: Vec<crate::proxy::CounterProxy>,
}

async fn decisions_page(
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
    let mut r = render(st, &v, tr("Chờ quyết định", "Decisions"), &body).await;
    *r.status_mut() = status;
    r
}

#[derive(Deserialize)]
struct DecisionForm {
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

async fn decide(State(st): State<AppState>, posted: Posted<DecisionForm>) -> Response {
    let Posted {
        session,
        token,
        from,
        form: f,
    } = posted;
    let who = f.code.trim().to_string();
    let (status, outcome) = match decision_action(f) {
        Err(m) => (StatusCode::UNPROCESSABLE_ENTITY, Outcome::Refused(m)),
        Ok(action) => {
            let what = action.detail();
            match act(&st, &session, from.clone(), action).await {
                Ok((s, _, _)) => (
                    s,
                    Outcome::Done(format!(
                        "{} {who}: {what}.",
                        tr("Đã ghi quyết định cho", "Decision recorded for")
                    )),
                ),
                Err((s, o)) => (s, o),
            }
        }
    };
    decisions_answer(&st, Viewer::Staff(session, token), status, outcome).await
}

/// `?ky=YYYY-MM` of the settlement's pages; none: every period.
#[derive(Deserialize)]
struct PeriodQuery {
    ky: Option<String>,
}

/// The period asked for, or the page that says why it cannot be read.
fn period_of(q: &PeriodQuery) -> Result<Option<paypoint::Period>, Box<Response>> {
    match q.ky.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => Ok(None),
        Some(k) => k.parse().map(Some).map_err(|_| {
            Box::new(page_answer(
                StatusCode::BAD_REQUEST,
                tr("Kỳ không hợp lệ", "Period not valid"),
                &format!(
                    "<p class=err>{} “{}”: {}</p>",
                    tr("Kỳ không đọc được", "Period cannot be read"),
                    escape(k),
                    tr(
                        "cần dạng YYYY-MM, ví dụ 2026-12.",
                        "write it YYYY-MM, e.g. 2026-12."
                    )
                ),
            ))
        }),
    }
}

async fn settlement_page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(v) = viewer(&st, peer, &headers, None).await else {
        return Redirect::to("/dang-nhap").into_response();
    };
    let period = match period_of(&q) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let rows = match blocking(&st.hub, move |h| h.settlement(period)).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let body = pages::settlement(&rows, q.ky.as_deref().unwrap_or(""));
    render(&st, &v, tr("Quyết toán", "Settlement"), &body).await
}

/// A download, with its file name.
fn download(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
                    .expect("an ASCII file name"),
            ),
        ],
        bytes,
    )
        .into_response()
}

fn file_stem(period: Option<paypoint::Period>) -> String {
    period.map_or("quyet-toan".to_string(), |p| format!("quyet-toan-{p}"))
}

/// A file of the settlement to download.
#[derive(Clone, Copy)]
enum Export {
    Csv,
    Xlsx,
    Pdf,
}

impl Export {
    /// The file's bytes, type and extension.
    fn make(
        self,
        hub: &Hub,
        period: Option<paypoint::Period>,
    ) -> Result<(Vec<u8>, &'static str, &'static str), HubError> {
        Ok(match self {
            Export::Csv => (
                hub.settlement_csv(period)?.into_bytes(),
                "text/csv; charset=utf-8",
                "csv",
            ),
            Export::Xlsx => (
                hub.settlement_xlsx(period)?,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
            ),
            Export::Pdf => {
                let options = hub.settlement_options(None, None, None, None)?;
                (
                    hub.settlement_pdf(period, &options)?.bytes,
                    "application/pdf",
                    "pdf",
                )
            }
        })
    }
}

/// The settlement as a file, for anyone who may see the pages.
async fn settlement_file(
    st: AppState,
    peer: SocketAddr,
    q: PeriodQuery,
    headers: HeaderMap,
    export: Export,
) -> Response {
    if viewer(&st, peer, &headers, None).await.is_none() {
        return Redirect::to("/dang-nhap").into_response();
    }
    let period = match period_of(&q) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    match blocking(&st.hub, move |h| export.make(h, period)).await {
        Ok((bytes, kind, ext)) => download(bytes, kind, &format!("{}.{ext}", file_stem(period))),
        Err(r) => r,
    }
}

async fn settlement_csv(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Response {
    settlement_file(st, peer, q, headers, Export::Csv).await
}

async fn settlement_xlsx(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Response {
    settlement_file(st, peer, q, headers, Export::Xlsx).await
}

async fn settlement_pdf(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Response {
    settlement_file(st, peer, q, headers, Export::Pdf).await
}

async fn audit_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let (session, token) = match signed_in(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Some(refused) = administrators_only(&session) {
        return refused;
    }
    let rows = match blocking(&st.hub, |h| h.audit_log(crate::audit::AUDIT_PAGE_ROWS)).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    render(
        &st,
        &Viewer::Staff(session, token),
        tr("Nhật ký", "Audit log"),
        &pages::audit(&rows),
    )
    .await
}

async fn staff_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let (session, token) = match signed_in(&st, &headers).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    staff_answer(
        &st,
        Viewer::Staff(session, token),
        StatusCode::OK,
        Outcome::None,
    )
    .await
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
    let mut r = render(st, &v, tr("Tài khoản", "Accounts"), &body).await;
    *r.status_mut() = status;
    r
}

fn staff_error(e: StaffError) -> HubError {
    match e {
        StaffError::Storage(e) => HubError::Storage(e),
        e => HubError::Refused(e.to_string()),
    }
}

#[derive(Deserialize)]
struct StaffForm {
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

async fn staff_action(State(st): State<AppState>, posted: Posted<StaffForm>) -> Response {
    let Posted {
        session,
        token,
        from,
        form: f,
    } = posted;
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
            let v = Viewer::Staff(session, token);
            return staff_answer(&st, v, StatusCode::BAD_REQUEST, Outcome::Refused(msg)).await;
        }
    };
    let (status, outcome) = match act(&st, &session, from.clone(), action).await {
        Ok((s, _, _)) => (
            s,
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
    staff_answer(&st, Viewer::Staff(session, token), status, outcome).await
}

csrf_field!(CsrfForm, StopForm, ResolveForm, DecisionForm, StaffForm);
