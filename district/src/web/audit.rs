//! The office's audit log, for administrators.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::lang::tr;
use super::pages;
use super::shell::*;
use crate::state::AppState;

pub(crate) async fn audit_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
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
        StatusCode::OK,
        tr("Nhật ký", "Audit log"),
        &pages::audit(&rows),
    )
    .await
}
