//! The overview: each pay point's progress in its latest period, the reports not in, the flags
//! by kind with the money at stake, and the lists that wait for the office's decision. The same
//! page for a signed-in person and for read-only monitoring (the shared token or the server's
//! own screen).

use super::format::{
    date_time, days_left, escape, money, open_by_kind_rows, percent, period, periods,
};
use super::lang::tr;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::shell::{blocking, viewer};
use crate::state::AppState;
use crate::Hub;

/// What the overview shows, read in one blocking call: each pay point's progress, the flags, the
/// people held, the reports not in, and the office's own names.
pub struct PageData {
    rows: Vec<crate::PayPointOverview>,
    flags: Vec<crate::FlagRow>,
    holds: Vec<crate::life::Hold>,
    missing: Vec<crate::ReportDue>,
    /// The office's names (the page's title).
    pub office: crate::office::Office,
    proxies: Vec<crate::proxy::CounterProxy>,
    uncertain: Vec<crate::handover::Uncertain>,
    accounts: Vec<crate::account::AccountRow>,
    shares: Vec<crate::account::PayPointShare>,
    deadlines: Option<crate::due::Deadlines>,
}

/// Reads [`PageData`] (blocking: off the async runtime).
pub fn page_data(hub: &Hub) -> Result<PageData, crate::HubError> {
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
        deadlines: hub.deadlines(super::format::office_today())?,
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
    html.push_str(tr(
        "</table><h2>Máy đã thu hồi: người chưa chắc đã nhận tiền</h2><p>Máy mất hoặc hỏng giữ những người này và chưa báo đã chi; họ đã chuyển sang máy còn lại. Xã kiểm tra từng người với danh sách đã ký của máy cũ và với chính người nhận; lần chi nào máy cũ báo sau đó cho người đã giao đi bị cảnh báo (paid_after_revoke). Thu hồi máy ở trang của điểm chi trả.</p><table data-testid=uncertain><tr><th>Điểm</th><th>Mã đối tượng</th><th>Họ tên</th><th>Kỳ</th><th>Máy đã thu hồi</th><th>Đã báo chi</th></tr>",
        "</table><h2>Revoked devices: people who may not have been paid</h2><p>A lost or broken device held these people and had not reported them paid; they went to the device left. The commune checks each one against the old device's signed list and with the person; a payout the old device reports later for someone handed over is flagged (paid_after_revoke). Revoke a device on its pay point's page.</p><table data-testid=uncertain><tr><th>Pay point</th><th>Beneficiary</th><th>Name</th><th>Period</th><th>Device revoked</th><th>Reported paid</th></tr>",
    ));
    for u in people {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td></tr>",
            escape(&u.pay_point),
            escape(&u.code),
            escape(&u.name),
            escape(&period(&u.period)),
            escape(&u.device),
            escape(&date_time(&u.revoked_at)),
            if u.reported_paid_by.is_empty() {
                tr("chưa", "not yet").to_string()
            } else {
                escape(&format!(
                    "{} {}",
                    tr("máy", "device"),
                    u.reported_paid_by.join(", ")
                ))
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
    html.push_str(tr(
        "</table><h2>Chi trả qua tài khoản</h2><p>Tỷ lệ người và số tiền nhận qua tài khoản ngân hàng trong kỳ mới nhất của mỗi điểm. Xác nhận hoặc từ chối: trang <a href=\"/cho-quyet-dinh\">Chờ quyết định</a>; xuất đề nghị cho ngân hàng: <code>paypoint-district accounts export --out de-nghi.xlsx</code></p><table data-testid=account-shares><tr><th>Điểm</th><th>Kỳ</th><th>Người qua tài khoản</th><th>Tỷ lệ người</th><th>Tiền qua tài khoản (đ)</th><th>Tỷ lệ tiền</th></tr>",
        "</table><h2>Paid by bank account</h2><p>The share of people and of money paid by bank account in each pay point's latest period. Confirm or refuse on the <a href=\"/cho-quyet-dinh\">Decisions</a> page; the list for the bank: <code>paypoint-district accounts export --out de-nghi.xlsx</code></p><table data-testid=account-shares><tr><th>Pay point</th><th>Period</th><th>People by account</th><th>Share of people</th><th>Money by account (đ)</th><th>Share of money</th></tr>",
    ));
    for s in shares {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=n>{} / {}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            escape(&s.pay_point),
            escape(&period(&s.period)),
            s.share.by_account_people,
            s.share.people,
            escape(&s.people_percent),
            money(s.share.by_account_amount.as_i64()),
            escape(&s.amount_percent),
        ));
    }
    html.push_str(tr(
        "</table><h3>Đề nghị chờ quyết định</h3><table data-testid=account-requests><tr><th>Điểm</th><th>Mã đối tượng</th><th>Họ tên</th><th>Ngân hàng</th><th>Số tài khoản</th><th>Chủ tài khoản</th><th>Ngày đề nghị</th></tr>",
        "</table><h3>Requests waiting for a decision</h3><table data-testid=account-requests><tr><th>Pay point</th><th>Beneficiary</th><th>Name</th><th>Bank</th><th>Account</th><th>Holder</th><th>Requested</th></tr>",
    ));
    for a in pending {
        html.push_str(&format!("<tr>{}</tr>", super::decisions::account_cells(a)));
    }
}

/// The proxies paid on a fresh authorisation at a counter, for the office to decide on.
fn counter_proxy_section(html: &mut String, proxies: &[crate::proxy::CounterProxy]) {
    html.push_str(tr(
        "</table><h2>Người nhận thay mới tại quầy</h2><p>Đã nhận tiền bằng giấy ủy quyền mới, người phụ trách điểm chi trả duyệt. Xác nhận cho các tháng sau hoặc từ chối: trang <a href=\"/cho-quyet-dinh\">Chờ quyết định</a>.</p><table data-testid=counter-proxies><tr><th>Điểm</th><th>Mã đối tượng</th><th>Kỳ</th><th>Người nhận thay</th><th>Quan hệ</th><th>Giấy ủy quyền</th></tr>",
        "</table><h2>Proxies added at a counter</h2><p>Paid on a new authorisation, approved by the pay point's supervisor. Confirm them for the months after, or refuse, on the <a href=\"/cho-quyet-dinh\">Decisions</a> page.</p><table data-testid=counter-proxies><tr><th>Pay point</th><th>Beneficiary</th><th>Period</th><th>Proxy</th><th>Relationship</th><th>Authorisation</th></tr>",
    ));
    for p in proxies {
        html.push_str(&format!("<tr>{}</tr>", super::decisions::proxy_cells(p)));
    }
}

/// The pay points whose report of a period has not reached the office, with its due date.
fn report_section(html: &mut String, missing: &[crate::ReportDue]) {
    html.push_str(tr(
        "</table><h2>Chưa báo cáo kỳ chi trả</h2><p>Hạn: ngày 20 tháng sau (TT 44/2022/TT-BTC Điều 8, sửa đổi bởi TT 95/2025/TT-BTC): người đã nhận, người chưa nhận, số tiền còn lại, danh sách đã ký nhận. Đã báo cáo khi điểm chi trả chốt kỳ và đồng bộ.</p><table data-testid=reports-missing><tr><th>Mã</th><th>Điểm chi trả</th><th>Kỳ</th><th>Hạn báo cáo</th><th>Tình trạng</th></tr>",
        "</table><h2>Periods not reported</h2><p>Due by the 20th of the next month (TT 44/2022/TT-BTC art. 8, as amended by TT 95/2025/TT-BTC): who was paid, who was not, the money left, the signed list. Reported once the pay point has closed the period and synced.</p><table data-testid=reports-missing><tr><th>Code</th><th>Pay point</th><th>Period</th><th>Report due</th><th>State</th></tr>",
    ));
    for r in missing {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td{}>{}</td></tr>",
            escape(&r.pay_point),
            escape(&r.name),
            escape(&period(&r.period)),
            r.due_dmy(),
            if r.overdue { " class=flag" } else { "" },
            if r.overdue {
                tr("quá hạn", "overdue")
            } else {
                tr("chưa đến hạn", "not yet due")
            },
        ));
    }
}

/// The overview's body.
pub fn body(d: &PageData) -> String {
    let mut html = format!(
        "<h1>{}</h1>",
        tr("Tình hình chi trả các điểm", "Payments at the pay points")
    );
    if let Some(d) = &d.deadlines {
        let day = |x: chrono::NaiveDate| x.format("%d/%m/%Y").to_string();
        html.push_str(&format!(
            "<p data-testid=deadlines>{} {}: {} {} ({}); {} {} ({}).</p>",
            tr("Kỳ", "Period"),
            d.period.mm_yyyy(),
            tr("chi trả đến hết ngày", "paid until the end of"),
            day(d.pay_by),
            days_left(d.days_to_pay),
            tr("hạn báo cáo kết quả chi trả", "the report is due"),
            day(d.report_by),
            days_left(d.days_to_report),
        ));
    }
    html.push_str(&format!(
        "<table data-testid=overview>{}",
        super::pages::head(&[
            ("Mã", "Code"),
            ("Điểm chi trả", "Pay point"),
            ("Kỳ", "Period"),
            ("Đã chi / tổng số người", "Paid / people"),
            ("Tiến độ", "Progress"),
            ("Đã chi (đ)", "Paid (đ)"),
            ("Còn phải chi (đ)", "Left to pay (đ)"),
            ("Thiết bị", "Devices"),
            ("Đồng bộ gần nhất", "Last sync"),
            ("Sự kiện", "Events"),
            ("Cảnh báo", "Open flags"),
        ])
    ));
    for r in &d.rows {
        html.push_str(&format!(
            "<tr><td><a href=\"/diem/{}\">{}</a></td><td>{}</td><td>{}</td><td class=n>{} / {}</td><td class=n>{}</td><td class=n>{}</td>\
             <td class=n>{}</td><td class=n>{}</td><td>{}</td><td class=n>{}</td><td class=\"n{}\">{}</td></tr>",
            escape(&r.code),
            escape(&r.code),
            escape(&r.name),
            escape(&r.period.as_deref().map_or("—".to_string(), period)),
            r.paid_beneficiaries,
            r.beneficiaries,
            percent(r.paid_amount, r.total_due),
            money(r.paid_amount),
            money(r.total_due - r.paid_amount),
            r.devices,
            escape(&r.last_sync_at.as_deref().map_or(tr("chưa", "never").to_string(), date_time)),
            r.events,
            if r.flags > 0 { " flag" } else { "" },
            r.flags,
        ));
    }
    report_section(&mut html, &d.missing);
    flags_by_kind(&mut html, &d.flags);
    html.push_str(tr(
        "</table><h2>Chờ xác minh</h2><p>Chỉ nhận qua người nhận thay hoặc tại nhà, chưa gặp tại quầy, nhiều kỳ liền. Xã xác minh rồi ghi ở trang <a href=\"/cho-quyet-dinh\">Chờ quyết định</a>.</p><table data-testid=to-confirm><tr><th>Điểm</th><th>Mã đối tượng</th><th>Các kỳ không gặp</th><th>Từ lúc</th></tr>",
        "</table><h2>Proof of life</h2><p>Paid only through a proxy or at home, not seen at the counter, for several periods. The commune checks, then records it on the <a href=\"/cho-quyet-dinh\">Decisions</a> page.</p><table data-testid=to-confirm><tr><th>Pay point</th><th>Beneficiary</th><th>Periods unseen</th><th>Since</th></tr>",
    ));
    for h in &d.holds {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&h.pay_point),
            escape(&h.code),
            escape(&periods(&h.periods)),
            escape(&date_time(&h.raised_at)),
        ));
    }
    counter_proxy_section(&mut html, &d.proxies);
    account_section(&mut html, &d.shares, &d.accounts);
    uncertain_section(&mut html, &d.uncertain);
    html.push_str("</table>");
    html
}

/// The open flags grouped by kind, with the money at stake: where the office starts.
fn flags_by_kind(html: &mut String, flags: &[crate::FlagRow]) {
    html.push_str(tr(
        "</table><h2>Cảnh báo chưa xử lý theo loại</h2><p><a href=\"/canh-bao\">Xử lý cảnh báo</a></p><table data-testid=flags-by-kind><tr><th>Loại</th><th>Số cảnh báo</th><th>Số tiền cần kiểm tra (đ)</th></tr>",
        "</table><h2>Open flags by kind</h2><p><a href=\"/canh-bao\">Resolve flags</a></p><table data-testid=flags-by-kind><tr><th>Kind</th><th>Flags</th><th>Money to check (đ)</th></tr>",
    ));
    open_by_kind_rows(html, flags);
}

/// `?token=` of the monitoring page.
#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

/// The overview at `/`: for a signed-in person, or read-only monitoring; anyone else is sent to
/// the sign-in page.
pub(crate) async fn overview_page(
    State(st): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(v) = viewer(&st, peer, &headers, q.token.as_deref()).await else {
        return Redirect::to("/dang-nhap").into_response();
    };
    let data = match blocking(&st.hub, page_data).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let body = body(&data);
    let mut page = Html(super::pages::layout(
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
