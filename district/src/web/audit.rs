//! The office's audit log, for administrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::lang::tr;
use super::pages;
use super::shell::*;
use crate::state::AppState;

pub(crate) async fn audit_page(State(st): State<AppState>, who: SignedIn) -> Response {
    if let Some(refused) = administrators_only(&who.session) {
        return refused;
    }
    let rows = match blocking(&st.hub, |h| h.audit_log(crate::audit::AUDIT_PAGE_ROWS)).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    render(
        &st,
        &who.viewer(),
        StatusCode::OK,
        tr("Nhật ký", "Audit log"),
        &pages::audit(&rows),
    )
    .await
}
