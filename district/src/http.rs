//! The hub's HTTP face: `/v1` (JSON; requests in zstd or gzip, answers in gzip; every request signed by a device) and the
//! managing office's web app at `/` ([`crate::web`]). Each handler parses, calls one [`Hub`] method on a blocking
//! thread, and maps the error.
//!
//! Every refusal, the framework's included (a path, query or body that cannot be read, a body
//! over [`MAX_BODY_BYTES`], an unknown path or method, an encoding other than zstd or gzip), answers the
//! documented JSON `Error` with a status `district/openapi.yaml` lists; `tests/api_contract.rs`
//! checks that against the live hub.

use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use paypoint::sync::protocol::{
    self as protocol, ErrorBody, ENCODING_ZSTD, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE,
    HEADER_TIMESTAMP,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;

use crate::{ApiError, DeviceInfo, Hub, Nonce, Refusal, RequestAuth};

pub use crate::state::AppState;

/// The largest request body the hub reads, once decompressed: axum's default, named so that the
/// 413 can say it and the document can list it (one value with the devices' side).
pub const MAX_BODY_BYTES: usize = paypoint::sync::protocol::MAX_BODY_BYTES;

/// The router: `/v1/…` and `/`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::web::routes())
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
        .layer(axum::middleware::from_fn(zstd_bodies))
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
/// for an encoding other than zstd or gzip) becomes the documented `Error`, with its status and headers
/// kept. Handlers and extractors already answer JSON and pass through untouched.
async fn json_refusals(response: Response) -> Response {
    let status = response.status();
    // The office's web app answers its own refusals as pages.
    let answered = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || answered {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 64 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let reason = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "nội dung yêu cầu chỉ được nén bằng zstd hoặc gzip (Content-Encoding: zstd, gzip) hoặc không nén"
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

/// A body sent with `Content-Encoding: zstd` (devices since issue 21), decompressed here within
/// [`MAX_BODY_BYTES`] and a bounded window (`protocol::unzstd_body`); gzip is left to tower-http's
/// layer inside this one, and any other encoding to its 415.
async fn zstd_bodies(req: Request, next: axum::middleware::Next) -> Response {
    let zstd = req
        .headers()
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(ENCODING_ZSTD.as_bytes()));
    if !zstd {
        return next.run(req).await;
    }
    let path = req.uri().path().to_string();
    let (mut parts, body) = req.into_parts();
    let compressed = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(e) if is_length_limit(&e) => return body_too_large(&path),
        Err(e) => return body_unreadable(StatusCode::BAD_REQUEST, &path, e),
    };
    match protocol::unzstd_body(&compressed) {
        Ok(raw) => {
            parts.headers.remove(header::CONTENT_ENCODING);
            parts.headers.remove(header::CONTENT_LENGTH);
            next.run(Request::from_parts(parts, Body::from(raw))).await
        }
        Err(protocol::BodyError::TooLarge(_)) => body_too_large(&path),
        Err(e) => body_unreadable(StatusCode::BAD_REQUEST, &path, e),
    }
}

/// The 413 for a body over [`MAX_BODY_BYTES`] once decompressed, whatever its encoding.
fn body_too_large(path: &str) -> Response {
    refusal(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "nội dung gửi tới {path} quá lớn: tối đa {} MiB sau khi giải nén",
            MAX_BODY_BYTES / (1024 * 1024)
        ),
    )
}

/// A body that could not be read (cut, or not in the encoding it names).
fn body_unreadable(status: StatusCode, path: &str, why: impl std::fmt::Display) -> Response {
    refusal(
        status,
        format!("nội dung gửi tới {path} không đọc được: {why}"),
    )
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
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
            Err(r) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(body_too_large(&path)),
            Err(r) => Err(body_unreadable(r.status(), &path, r.body_text())),
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

/// What a signed request brings besides its path's parameters.
struct SignedRequest {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
}

/// Runs `f` for a request signed by an enrolled device: the signature and timestamp are checked
/// first, the one way into every device endpoint but enrolment, and the nonce spent before `f`.
async fn signed<F>(what: &'static str, st: AppState, req: SignedRequest, f: F) -> Response
where
    F: FnOnce(&Hub, &DeviceInfo, &Bytes) -> Result<String, ApiError> + Send + 'static,
{
    signed_spending(what, st, req, false, move |hub, dev, body, _| {
        f(hub, dev, body)
    })
    .await
}

/// [`signed`], for an `f` that spends the nonce in the transaction of what it writes (`spends`),
/// or not.
async fn signed_spending<F>(
    what: &'static str,
    st: AppState,
    req: SignedRequest,
    spends: bool,
    f: F,
) -> Response
where
    F: FnOnce(&Hub, &DeviceInfo, &Bytes, &Nonce) -> Result<String, ApiError> + Send + 'static,
{
    let auth = auth_of(&req.headers);
    call(what, move || {
        let hub = &st.hub;
        let path = path_of(&req.uri);
        let (dev, nonce) = hub.authenticate(req.method.as_str(), &path, &auth, &req.body)?;
        hub.spending(&nonce, spends, || f(hub, &dev, &req.body, &nonce))
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
        SignedRequest {
            method,
            uri,
            headers,
            body,
        },
        move |hub, dev, _| hub.roll_document(dev, &code, &period),
    )
    .await
}

/// A parameter the document does not list is a 400 (`deny_unknown_fields`), as on every `/v1`
/// path that takes a query: what a device sends is exactly what the document says.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
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
        SignedRequest {
            method,
            uri,
            headers,
            body,
        },
        move |hub, dev, _| hub.amendments(dev, &code, q.after).map(|r| to_json(&r)),
    )
    .await
}

/// `?amendments=1`: the device asks its receipt to say the pay point's latest amendment.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchQuery {
    #[serde(default)]
    amendments: Asked,
}

/// `0` or `1`, nothing else (a 400 names the value).
#[derive(Deserialize, Default, PartialEq)]
enum Asked {
    #[default]
    #[serde(rename = "0")]
    No,
    #[serde(rename = "1")]
    Yes,
}

async fn batches(
    State(st): State<AppState>,
    PathOf(code): PathOf<String>,
    QueryOf(q): QueryOf<BatchQuery>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    BodyOf(body): BodyOf,
) -> Response {
    let req = SignedRequest {
        method,
        uri,
        headers,
        body,
    };
    // The nonce is spent in the batch's own transaction: one commit per push.
    signed_spending("batches", st, req, true, move |hub, dev, body, nonce| {
        let tell = q.amendments == Asked::Yes;
        let receipt = hub.ingest_telling(dev, &code, body, tell, Some(nonce))?;
        paypoint::log::line(
            "paypoint-district",
            format_args!(
                "batches: pay point {code}: batch of {} bytes answered",
                body.len()
            ),
        );
        Ok(receipt)
    })
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
        SignedRequest {
            method,
            uri,
            headers,
            body,
        },
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
