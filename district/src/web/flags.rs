//! The flags' work list: each open flag closed once, with how and a note.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::lang::tr;
use super::pages;
use super::posted::{csrf_field, Posted};
use super::shell::*;
use crate::state::AppState;

pub(crate) async fn flags_page(
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
    render(st, &v, status, tr("Cảnh báo", "Flags"), &body).await
}

#[derive(Deserialize)]
pub(crate) struct ResolveForm {
    csrf: String,
    id: i64,
    resolution: String,
    #[serde(default)]
    note: String,
}

pub(crate) async fn resolve_flag(
    State(st): State<AppState>,
    posted: Posted<ResolveForm>,
) -> Response {
    let Posted { who, from, form: f } = posted;
    let Some(resolution) = crate::resolution::Resolution::parse(&f.resolution) else {
        let msg = format!(
            "{} “{}”.",
            tr("Không có cách xử lý", "No such resolution"),
            f.resolution
        );
        let v = who.viewer();
        return flags_answer(&st, v, StatusCode::BAD_REQUEST, Outcome::Refused(msg)).await;
    };
    let action = crate::action::Action::ResolveFlag {
        id: f.id,
        resolution,
        note: f.note,
    };
    let (status, outcome) = match act(&st, &who.session, from.clone(), action).await {
        Ok(_) => (
            StatusCode::OK,
            Outcome::Done(format!(
                "{} {}: {}.",
                tr("Đã xử lý cảnh báo số", "Resolved flag"),
                f.id,
                pages::resolution(resolution)
            )),
        ),
        Err((s, o)) => (s, o),
    };
    flags_answer(&st, who.viewer(), status, outcome).await
}

csrf_field!(ResolveForm);
