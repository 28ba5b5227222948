//! The hub's HTTP face: `/v1` (JSON, gzip both ways, every request signed by a device) and the
//! managing office's page at `/`. Each handler parses, calls one [`Hub`] method on a blocking
//! thread, and maps the error.
//!
//! Every refusal, the framework's included (a path, query or body that cannot be read, a body
//! over [`MAX_BODY_BYTES`], an unknown path or method, an encoding other than gzip), answers the
//! documented JSON `Error` with a status `district/openapi.yaml` lists; `tests/api_contract.rs`
//! checks that against the live hub.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{
    ConnectInfo, DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State,
};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use paypoint::sync::protocol::{
    ErrorBody, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;

use crate::{ApiError, DeviceInfo, Hub, Refusal, RequestAuth};

/// What the handlers share.
#[derive(Clone)]
pub struct AppState {
    /// The hub.
    pub hub: Arc<Hub>,
    /// Token for the officer's page from anywhere but loopback; `None`: loopback only.
    pub token: Option<String>,
}

/// The largest request body the hub reads, once decompressed: axum's default, named so that the
/// 413 can say it and the document can list it.
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The router: `/v1/…` and `/`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/healthz", get(healthz))
        .route("/v1/enrol", post(enrol))
        .route("/v1/pay-points/{code}/rolls/{period}", get(roll))
        .route("/v1/pay-points/{code}/amendments", get(amendments))
        .route("/v1/pay-points/{code}/batches", post(batches))
        .route("/v1/pay-points/{code}/status", get(status))
        .fallback(no_such_path)
        .method_not_allowed_fallback(no_such_method)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(RequestDecompressionLayer::new())
        // Outside decompression, so that its 415 is answered like every other refusal.
        .layer(axum::middleware::map_response(json_refusals))
        .layer(CompressionLayer::new())
        .with_state(state)
}

fn json_answer(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The documented `Error` answer: `status` and the reason, in Vietnamese.
fn refusal(status: StatusCode, reason: impl Into<String>) -> Response {
    let body = ErrorBody {
        error: reason.into(),
        resume_from: None,
        event_seq: None,
    };
    json_answer(status, serde_json::to_string(&body).expect("serialises"))
}

/// The status code of each refusal: the one place the hub's rules meet HTTP.
fn status_of(r: Refusal) -> StatusCode {
    match r {
        Refusal::BadRequest => StatusCode::BAD_REQUEST,
        Refusal::Unauthenticated => StatusCode::UNAUTHORIZED,
        Refusal::Forbidden => StatusCode::FORBIDDEN,
        Refusal::NotFound => StatusCode::NOT_FOUND,
        Refusal::Conflict => StatusCode::CONFLICT,
        Refusal::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
        Refusal::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn error(e: ApiError) -> Response {
    json_answer(
        status_of(e.refusal),
        serde_json::to_string(&e.body).expect("serialises"),
    )
}

/// A path the hub does not serve: 404, as an `Error`.
async fn no_such_path(method: Method, uri: Uri) -> Response {
    refusal(
        StatusCode::NOT_FOUND,
        format!(
            "máy chủ của đơn vị quản lý không có đường dẫn {method} {}",
            uri.path()
        ),
    )
}

/// A method a path does not have: 405 (axum adds `Allow`), as an `Error`.
async fn no_such_method(method: Method, uri: Uri) -> Response {
    refusal(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "đường dẫn {} không nhận phương thức {method} (xem tiêu đề Allow)",
            uri.path()
        ),
    )
}

/// The last guard: a refusal that a layer answered itself (today: the decompression layer's 415
/// for an encoding other than gzip) becomes the documented `Error`, with its status and headers
/// kept. Handlers and extractors already answer JSON and pass through untouched.
async fn json_refusals(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let reason = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "nội dung yêu cầu chỉ được nén bằng gzip (Content-Encoding: gzip) hoặc không nén"
                .to_string()
        }
        _ => format!("yêu cầu bị từ chối ({status})"),
    };
    let reason = if text.is_empty() {
        reason
    } else {
        format!("{reason}: {text}")
    };
    paypoint::log::line(
        "paypoint-district",
        format_args!("refused {}: {reason}", status.as_u16()),
    );
    let mut answer = refusal(status, reason);
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    *answer.headers_mut() = parts.headers;
    answer
}

/// The path's parameters, or a 400 `Error` that says which path could not be read.
struct PathOf<T>(T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathOf<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(v)) => Ok(PathOf(v)),
            Err(r) => Err(refusal(
                r.status(),
                format!(
                    "đường dẫn {} không đọc được: {}",
                    parts.uri.path(),
                    r.body_text()
                ),
            )),
        }
    }
}

/// The query string, or a 400 `Error` that says what in it could not be read.
struct QueryOf<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryOf<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(QueryOf(v)),
            Err(r) => Err(refusal(
                r.status(),
                format!(
                    "chuỗi truy vấn ?{} của {} không đọc được: {}",
                    parts.uri.query().unwrap_or(""),
                    parts.uri.path(),
                    r.body_text()
                ),
            )),
        }
    }
}

/// The whole body, decompressed: a 413 `Error` over [`MAX_BODY_BYTES`], a 400 one when it cannot
/// be read (a gzip stream that does not decompress, a cut connection).
struct BodyOf(Bytes);

impl<S: Send + Sync> FromRequest<S> for BodyOf {
    type Rejection = Response;

    async fn from_request(req: Request<Body>, state: &S) -> Result<Self, Response> {
        let path = req.uri().path().to_string();
        match Bytes::from_request(req, state).await {
            Ok(b) => Ok(BodyOf(b)),
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(refusal(
                r.status(),
                format!(
                    "nội dung gửi tới {path} quá lớn: tối đa {} MiB sau khi giải nén",
                    MAX_BODY_BYTES / (1024 * 1024)
                ),
            )),
            Err(r) => Err(refusal(
                r.status(),
                format!("nội dung gửi tới {path} không đọc được: {}", r.body_text()),
            )),
        }
    }
}

fn auth_of(headers: &HeaderMap) -> RequestAuth {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    RequestAuth {
        device: h(HEADER_DEVICE),
        timestamp: h(HEADER_TIMESTAMP),
        nonce: h(HEADER_NONCE),
        signature: h(HEADER_SIGNATURE),
    }
}

fn path_of(uri: &Uri) -> String {
    uri.path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| uri.path().to_string())
}

/// Runs a hub call on a blocking thread (SQLite and signatures) and answers its JSON. Every
/// refusal is logged (what, status, reason: never a body, which holds names), so the district
/// sees a device that keeps failing.
async fn call<F>(what: &'static str, f: F) -> Response
where
    F: FnOnce() -> Result<String, ApiError> + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(body)) => json_answer(StatusCode::OK, body),
        Ok(Err(e)) => {
            paypoint::log::line(
                "paypoint-district",
                format_args!("{what}: refused {}: {}", status_of(e.refusal), e.body.error),
            );
            error(e)
        }
        Err(e) => {
            paypoint::log::line("paypoint-district", format_args!("{what}: failed: {e}"));
            error(ApiError::new(
                Refusal::Internal,
                format!("lỗi máy chủ: {e}"),
            ))
        }
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialises")
}

async fn enrol(
    State(st): State<AppState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    BodyOf(body): BodyOf,
) -> Response {
    let auth = auth_of(&headers);
    call("enrol", move || {
        st.hub
            .enrol(method.as_str(), &path_of(&uri), &auth, &body)
            .map(|r| to_json(&r))
    })
    .await
}

/// Runs `f` for a request signed by an enrolled device: the signature, timestamp and nonce are
/// checked first, the one way into every device endpoint but enrolment.
async fn signed<F>(
    what: &'static str,
    st: AppState,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
    f: F,
) -> Response
where
    F: FnOnce(&Hub, &DeviceInfo, &Bytes) -> Result<String, ApiError> + Send + 'static,
{
    let auth = auth_of(&headers);
    call(what, move || {
        let dev = st
            .hub
            .authenticate(method.as_str(), &path_of(&uri), &auth, &body)?;
        f(&st.hub, &dev, &body)
    })
    .await
}

async fn roll(
    State(st): State<AppState>,
    PathOf((code, period)): PathOf<(String, String)>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    BodyOf(body): BodyOf,
) -> Response {
    signed(
        "roll",
        st,
        method,
        uri,
        headers,
        body,
        move |hub, dev, _| hub.roll_document(dev, &code, &period),
    )
    .await
}

#[derive(Deserialize)]
struct After {
    #[serde(default)]
    after: u64,
}

async fn amendments(
    State(st): State<AppState>,
    PathOf(code): PathOf<String>,
    QueryOf(q): QueryOf<After>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    BodyOf(body): BodyOf,
) -> Response {
    signed(
        "amendments",
        st,
        method,
        uri,
        headers,
        body,
        move |hub, dev, _| hub.amendments(dev, &code, q.after).map(|r| to_json(&r)),
    )
    .await
}

async fn batches(
    State(st): State<AppState>,
    PathOf(code): PathOf<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    BodyOf(body): BodyOf,
) -> Response {
    signed(
        "batches",
        st,
        method,
        uri,
        headers,
        body,
        move |hub, dev, body| {
            let receipt = hub.ingest(dev, &code, body)?;
            paypoint::log::line(
                "paypoint-district",
                format_args!(
                    "batches: pay point {code}: batch of {} bytes answered",
                    body.len()
                ),
            );
            Ok(receipt)
        },
    )
    .await
}

async fn status(
    State(st): State<AppState>,
    PathOf(code): PathOf<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    BodyOf(body): BodyOf,
) -> Response {
    signed(
        "status",
        st,
        method,
        uri,
        headers,
        body,
        move |hub, dev, _| hub.device_status(dev, &code).map(|r| to_json(&r)),
    )
    .await
}

/// For a load balancer: 200 while this node reaches the store, 503 (an `Error`) when it does not.
async fn healthz(State(st): State<AppState>) -> Response {
    let hub = st.hub.clone();
    match tokio::task::spawn_blocking(move || hub.healthy()).await {
        Ok(Ok(())) => json_answer(StatusCode::OK, r#"{"ok":true}"#.to_string()),
        Ok(Err(e)) => refusal(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
        Err(_) => refusal(StatusCode::SERVICE_UNAVAILABLE, "máy chủ đang dừng"),
    }
}

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn money(n: i64) -> String {
    paypoint::Dong::new(n)
        .map(|d| d.to_string())
        .unwrap_or_else(|_| n.to_string())
}

/// The page could not be built: logged, and a 500 `Error`.
fn page_failed(reason: String) -> Response {
    paypoint::log::line("paypoint-district", format_args!("page: failed: {reason}"));
    refusal(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("lỗi máy chủ: {reason}"),
    )
}

/// The page's head and the first table's header, titled with the office as it is configured
/// (`settings set managing_office …`), never a district.
fn page_head(office: &str) -> String {
    let office = escape(office);
    format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"60\">\
         <title>Sổ chi trả — {office}</title><style>body{{font:16px system-ui,sans-serif;margin:2em}}\
         table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:.3em .6em}}td.n{{text-align:right}}\
         .flag{{color:#a00;font-weight:bold}}</style></head><body><h1>Tình hình chi trả các điểm — {office}</h1>\
         <table><tr><th>Mã</th><th>Điểm chi trả</th><th>Kỳ</th><th>Đã chi / tổng số người</th><th>Tiến độ</th>\
         <th>Đã chi (đ)</th><th>Phải chi (đ)</th><th>Thiết bị</th><th>Đồng bộ gần nhất</th><th>Sự kiện</th><th>Cảnh báo</th></tr>",
    )
}

/// What the page shows: the overview, the flags, the people held, the reports not in, and the
/// office's own names.
/// What the office's page shows, read in one blocking call.
struct PageData {
    rows: Vec<crate::PayPointOverview>,
    flags: Vec<crate::FlagRow>,
    holds: Vec<crate::life::Hold>,
    missing: Vec<crate::ReportDue>,
    office: crate::office::Office,
    proxies: Vec<crate::proxy::CounterProxy>,
    uncertain: Vec<crate::handover::Uncertain>,
    accounts: Vec<crate::account::AccountRow>,
    shares: Vec<crate::account::PayPointShare>,
}

/// Reads [`PageData`] (blocking: off the async runtime).
fn page_data(hub: &Hub) -> Result<PageData, crate::HubError> {
    let today = chrono::Local::now().date_naive();
    let rows = hub.overview()?;
    // Each pay point's share paid by account in its latest published period.
    let mut shares = Vec::new();
    let periods: std::collections::BTreeSet<&str> =
        rows.iter().filter_map(|r| r.period.as_deref()).collect();
    for p in periods.into_iter().filter_map(|p| p.parse().ok()) {
        shares.extend(hub.account_shares(p)?.into_iter().filter(|s| {
            rows.iter()
                .any(|r| r.code == s.pay_point && r.period.as_deref() == Some(s.period.as_str()))
        }));
    }
    Ok(PageData {
        accounts: hub.account_requests(None, false)?,
        shares,
        rows,
        flags: hub.flags(None)?,
        holds: hub.holds(None, false)?,
        missing: hub.reports_missing(None, today)?,
        office: hub.office()?,
        proxies: hub.counter_proxies(None, false)?,
        uncertain: hub.uncertain(None)?,
    })
}

/// The people a revoked (lost or broken) device held and had not reported paid: the commune
/// checks each on paper.
fn uncertain_section(html: &mut String, people: &[crate::handover::Uncertain]) {
    html.push_str("</table><h2>Máy đã thu hồi: người chưa chắc đã nhận tiền</h2><p>Máy mất hoặc hỏng giữ những người này và chưa báo đã chi; họ đã chuyển sang máy còn lại. Xã kiểm tra từng người với danh sách đã ký của máy cũ và với chính người nhận; lần chi nào máy cũ báo sau đó cho người đã giao đi bị cảnh báo (paid_after_revoke). Thu hồi máy: <code>paypoint-district devices revoke MÃ_MÁY --to MÃ_MÁY_CÒN_LẠI</code></p><table data-testid=uncertain><tr><th>Điểm</th><th>Mã đối tượng</th><th>Họ tên</th><th>Kỳ</th><th>Máy đã thu hồi</th><th>Đã báo chi</th></tr>");
    for u in people {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td></tr>",
            escape(&u.pay_point),
            escape(&u.code),
            escape(&u.name),
            escape(&u.period),
            escape(&u.device),
            escape(&u.revoked_at),
            if u.reported_paid_by.is_empty() {
                "chưa".to_string()
            } else {
                escape(&format!("máy {}", u.reported_paid_by.join(", ")))
            },
        ));
    }
}

/// Payment by bank account: each pay point's share (the figure the province reports), and the
/// requests waiting for the office's decision.
fn account_section(
    html: &mut String,
    shares: &[crate::account::PayPointShare],
    pending: &[crate::account::AccountRow],
) {
    html.push_str("</table><h2>Chi trả qua tài khoản</h2><p>Tỷ lệ người và số tiền nhận qua tài khoản ngân hàng trong kỳ mới nhất của mỗi điểm. Xuất đề nghị cho ngân hàng: <code>paypoint-district accounts export --out de-nghi.xlsx</code>; xác nhận: <code>accounts confirm MÃ --pay-point ĐIỂM --from YYYY-MM</code>; từ chối: <code>accounts refuse MÃ --pay-point ĐIỂM --reason \"…\"</code></p><table data-testid=account-shares><tr><th>Điểm</th><th>Kỳ</th><th>Người qua tài khoản</th><th>Tỷ lệ người</th><th>Tiền qua tài khoản (đ)</th><th>Tỷ lệ tiền</th></tr>");
    for s in shares {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{} / {}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            escape(&s.pay_point),
            escape(&s.period),
            s.share.by_account_people,
            s.share.people,
            escape(&s.people_percent),
            money(s.share.by_account_amount.as_i64()),
            escape(&s.amount_percent),
        ));
    }
    html.push_str("</table><h3>Đề nghị chờ quyết định</h3><table data-testid=account-requests><tr><th>Điểm</th><th>Mã đối tượng</th><th>Họ tên</th><th>Ngân hàng</th><th>Số tài khoản</th><th>Chủ tài khoản</th><th>Ngày đề nghị</th></tr>");
    for a in pending {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&a.pay_point),
            escape(&a.code),
            escape(&a.name),
            escape(&a.bank_name),
            escape(&a.masked),
            escape(&a.holder),
            escape(&a.requested_at.chars().take(10).collect::<String>()),
        ));
    }
}

/// The proxies paid on a fresh authorisation at a counter, for the office to decide on.
fn counter_proxy_section(html: &mut String, proxies: &[crate::proxy::CounterProxy]) {
    html.push_str("</table><h2>Người nhận thay mới tại quầy</h2><p>Đã nhận tiền bằng giấy ủy quyền mới, người phụ trách điểm chi trả duyệt. Xác nhận cho các tháng sau: <code>paypoint-district proxies confirm MÃ --pay-point ĐIỂM</code>; từ chối: <code>proxies refuse MÃ --pay-point ĐIỂM --reason \"…\"</code></p><table data-testid=counter-proxies><tr><th>Điểm</th><th>Mã đối tượng</th><th>Kỳ</th><th>Người nhận thay</th><th>Quan hệ</th><th>Giấy ủy quyền</th></tr>");
    for p in proxies {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} (CCCD …{})</td><td>{}</td><td>{} – {}</td></tr>",
            escape(&p.pay_point),
            escape(&p.code),
            escape(&p.period),
            escape(&p.proxy_name),
            escape(&crate::anomaly::last4(&p.proxy_id_card)),
            escape(&p.relationship),
            escape(&p.authorised_on),
            escape(&p.valid_until),
        ));
    }
}

/// The pay points whose report of a period has not reached the office, with its due date.
fn report_section(html: &mut String, missing: &[crate::ReportDue]) {
    html.push_str("</table><h2>Chưa báo cáo kỳ chi trả</h2><p>Hạn: ngày 20 tháng sau (TT 44/2022/TT-BTC Điều 8, sửa đổi bởi TT 95/2025/TT-BTC): người đã nhận, người chưa nhận, số tiền còn lại, danh sách đã ký nhận. Đã báo cáo khi điểm chi trả chốt kỳ và đồng bộ.</p><table data-testid=reports-missing><tr><th>Mã</th><th>Điểm chi trả</th><th>Kỳ</th><th>Hạn báo cáo</th><th>Tình trạng</th></tr>");
    for r in missing {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td></tr>",
            escape(&r.pay_point),
            escape(&r.name),
            escape(&r.period),
            r.due_dmy(),
            if r.overdue { " class=flag" } else { "" },
            if r.overdue {
                "quá hạn"
            } else {
                "chưa đến hạn"
            },
        ));
    }
}

/// The managing office's page: each pay point's progress, last sync, flags and totals. Open on
/// loopback; from anywhere else (or whenever a token is configured) `?token=` is required.
async fn page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    QueryOf(q): QueryOf<TokenQuery>,
    headers: HeaderMap,
) -> Response {
    // A request relayed by a reverse proxy arrives from loopback too: only a direct local
    // request is let in without the token.
    let relayed = ["forwarded", "x-forwarded-for", "x-real-ip"]
        .iter()
        .any(|h| headers.contains_key(*h));
    let allowed = match &st.token {
        Some(t) => q.token.as_deref() == Some(t.as_str()),
        None => peer.ip().is_loopback() && !relayed,
    };
    if !allowed {
        return refusal(
            StatusCode::FORBIDDEN,
            "Cần mã truy cập (?token=…) để xem trang này từ ngoài máy chủ.",
        );
    }
    let hub = st.hub.clone();
    let data = tokio::task::spawn_blocking(move || page_data(&hub)).await;
    let PageData {
        rows,
        flags,
        holds,
        missing,
        office,
        proxies,
        uncertain,
        accounts,
        shares,
    } = match data {
        Ok(Ok(d)) => d,
        Ok(Err(e)) => return page_failed(e.to_string()),
        Err(e) => return page_failed(e.to_string()),
    };
    let mut html = page_head(&office.managing_office);
    for r in &rows {
        let pct = if r.total_due > 0 {
            r.paid_amount as f64 * 100.0 / r.total_due as f64
        } else {
            0.0
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{} / {}</td><td class=n>{pct:.1}%</td><td class=n>{}</td>\
             <td class=n>{}</td><td class=n>{}</td><td>{}</td><td class=n>{}</td><td class=\"n{}\">{}</td></tr>",
            escape(&r.code),
            escape(&r.name),
            escape(r.period.as_deref().unwrap_or("—")),
            r.paid_beneficiaries,
            r.beneficiaries,
            money(r.paid_amount),
            money(r.total_due),
            r.devices,
            escape(r.last_sync_at.as_deref().unwrap_or("chưa")),
            r.events,
            if r.flags > 0 { " flag" } else { "" },
            r.flags,
        ));
    }
    report_section(&mut html, &missing);
    // Grouped by kind, with the money at stake: where the office starts.
    let mut by_kind: std::collections::BTreeMap<&str, (u64, i64)> = Default::default();
    for f in &flags {
        let k = by_kind.entry(f.flag.kind.as_str()).or_default();
        k.0 += 1;
        k.1 += f.flag.amount.map_or(0, |d| d.as_i64());
    }
    html.push_str("</table><h2>Cảnh báo theo loại</h2><table><tr><th>Loại</th><th>Số cảnh báo</th><th>Số tiền cần kiểm tra (đ)</th></tr>");
    for (kind, (n, amount)) in &by_kind {
        html.push_str(&format!(
            "<tr><td class=flag>{}</td><td class=n>{n}</td><td class=n>{}</td></tr>",
            escape(kind),
            money(*amount)
        ));
    }
    html.push_str("</table><h2>Chờ xác minh</h2><p>Chỉ nhận qua người nhận thay hoặc tại nhà, chưa gặp tại quầy, nhiều kỳ liền. Xã xác minh rồi ghi: <code>paypoint-district confirm MÃ --pay-point ĐIỂM --note \"…\"</code></p><table data-testid=to-confirm><tr><th>Điểm</th><th>Mã đối tượng</th><th>Các kỳ không gặp</th><th>Từ lúc</th></tr>");
    for h in &holds {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&h.pay_point),
            escape(&h.code),
            escape(&h.periods.join(", ")),
            escape(&h.raised_at),
        ));
    }
    counter_proxy_section(&mut html, &proxies);
    account_section(&mut html, &shares, &accounts);
    uncertain_section(&mut html, &uncertain);
    html.push_str("</table><h2>Cảnh báo cần xử lý</h2><table><tr><th>Điểm</th><th>Loại</th><th>Mã đối tượng</th><th>Kỳ</th><th>Số tiền (đ)</th><th>Chi tiết</th><th>Lúc</th></tr>");
    for f in &flags {
        html.push_str(&format!(
            "<tr><td>{}</td><td class=flag>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&f.pay_point),
            escape(&f.flag.kind),
            escape(&f.flag.code),
            escape(&f.flag.period),
            money(f.flag.amount.map_or(0, |d| d.as_i64())),
            escape(&f.flag.detail),
            escape(&f.created_at),
        ));
    }
    html.push_str("</table></body></html>");
    Html(html).into_response()
}
