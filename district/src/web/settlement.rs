//! The consolidated settlement on screen, and as PDF, .xlsx and CSV files.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::format::{escape, money, percent, period};
use super::lang::tr;
use super::pages::head;
use super::shell::*;
use crate::state::AppState;
use crate::{Hub, HubError};

/// `?ky=YYYY-MM` of the settlement's pages; none: every period.
#[derive(Deserialize)]
pub(crate) struct PeriodQuery {
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

pub(crate) async fn settlement_page(
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
    let body = body(&rows, q.ky.as_deref().unwrap_or(""));
    render(
        &st,
        &v,
        StatusCode::OK,
        tr("Quyết toán", "Settlement"),
        &body,
    )
    .await
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

pub(crate) async fn settlement_csv(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Response {
    settlement_file(st, peer, q, headers, Export::Csv).await
}

pub(crate) async fn settlement_xlsx(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Response {
    settlement_file(st, peer, q, headers, Export::Xlsx).await
}

pub(crate) async fn settlement_pdf(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<PeriodQuery>,
    headers: HeaderMap,
) -> Response {
    settlement_file(st, peer, q, headers, Export::Pdf).await
}

/// The consolidated settlement on screen, with its downloads.
fn body(rows: &[crate::SettlementRow], ky: &str) -> String {
    let q = if ky.is_empty() {
        String::new()
    } else {
        format!("?ky={}", escape(ky))
    };
    let mut html = format!(
        "<h1>{}</h1><form method=get action=\"/quyet-toan\">{} \
         <input name=ky value=\"{}\" size=8> <button type=submit>{}</button></form>\
         <p>{} <a href=\"/quyet-toan.pdf{q}\" data-testid=settlement-pdf>{}</a> · \
         <a href=\"/quyet-toan.xlsx{q}\" data-testid=settlement-xlsx>Excel (.xlsx)</a> · \
         <a href=\"/quyet-toan.csv{q}\" data-testid=settlement-csv>CSV</a></p>\
         <table data-testid=settlement>{}",
        tr("Quyết toán tổng hợp", "Consolidated settlement"),
        tr(
            "Kỳ (YYYY-MM, để trống: mọi kỳ)",
            "Period (YYYY-MM, empty: every period)"
        ),
        escape(ky),
        tr("Xem", "Show"),
        tr("Tải về:", "Download:"),
        tr("bảng PDF (in và ký)", "PDF (to print and sign)"),
        head(&[
            ("Điểm", "Pay point"),
            ("Tên", "Name"),
            ("Kỳ", "Period"),
            ("Số người", "People"),
            ("Phải chi (đ)", "Due (đ)"),
            ("Đã chi (đ)", "Paid (đ)"),
            ("Tỷ lệ", "Share"),
            ("Chưa chi (đ)", "Unpaid (đ)"),
            ("Báo giảm", "Stops"),
            ("Cảnh báo", "Flags"),
            ("Tiền cần kiểm tra (đ)", "To check (đ)"),
        ])
    );
    for r in rows {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td>\
             <td class=n>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            escape(&r.pay_point),
            escape(&r.name),
            escape(&period(&r.period)),
            r.beneficiaries,
            money(r.total_due),
            money(r.paid_amount),
            percent(r.paid_amount, r.total_due),
            money(r.unpaid_amount),
            r.stops,
            r.flags,
            money(r.flagged_amount),
        ));
    }
    html.push_str("</table>");
    html
}
