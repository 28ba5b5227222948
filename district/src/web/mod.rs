//! The managing office's web app (issue 20): pages rendered on the server, plain HTML forms and
//! no script, so that it works in any office PC's browser with no internet. Vietnamese first.
//!
//! Who is asking is a [`request::Viewer`]: a person signed in (a session cookie), or read-only monitoring
//! (the shared `--token`, or the server's own screen on loopback). Every form that changes
//! something carries its session's anti-forgery token and is refused without it, or when the
//! browser says it was sent from another site; the cookie is `SameSite=Strict` as well. What a
//! role may do is decided by [`crate::Hub::act`], never here.

mod audit;
mod decisions;
mod flags;
pub mod format;
pub mod lang;
pub mod overview;
mod pages;
mod paper;
mod pay_point;
mod posted;
pub mod request;
mod rolls;
mod settings;
mod settlement;
mod shell;
mod sign_in;
mod staff;
mod stops;

use axum::routing::{get, post};
use axum::Router;

use crate::state::AppState;

/// The app's pages, merged into the hub's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::overview_page))
        .route(
            "/dang-nhap",
            get(sign_in::sign_in_form).post(sign_in::sign_in),
        )
        .route("/dang-xuat", post(sign_in::sign_out))
        .route("/bao-giam", get(stops::stops_page).post(stops::record_stop))
        .route(
            "/canh-bao",
            get(flags::flags_page).post(flags::resolve_flag),
        )
        .route(
            "/cho-quyet-dinh",
            get(decisions::decisions_page).post(decisions::decide),
        )
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
        .route("/quyet-toan", get(settlement::settlement_page))
        .route("/quyet-toan.csv", get(settlement::settlement_csv))
        .route("/quyet-toan.pdf", get(settlement::settlement_pdf))
        .route("/quyet-toan.xlsx", get(settlement::settlement_xlsx))
        .route("/nhat-ky", get(audit::audit_page))
        .route(
            "/tai-khoan",
            get(staff::staff_page).post(staff::staff_action),
        )
        .route("/ngon-ngu", get(lang::switch))
        // Every page in its request's language (the cookie), with the browser's guards.
        .layer(axum::middleware::from_fn(lang::with_lang))
        .layer(axum::middleware::from_fn(shell::page_headers))
}
