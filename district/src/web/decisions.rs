//! What waits for the office's decision: proof of life, bank accounts, counter proxies.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::format::{date, date_time, escape, period, periods};
use super::lang::tr;
use super::pages::{csrf_field, head};
use super::posted::{csrf_field, Posted};
use super::shell::*;
use crate::staff::{Power, Session};
use crate::state::AppState;

/// What waits for the office's decision: people to confirm alive, requests to be paid by
/// account, proxies added at a counter.
pub struct Waiting {
    holds: Vec<crate::life::Hold>,
    accounts: Vec<crate::account::AccountRow>,
    proxies: Vec<crate::proxy::CounterProxy>,
}

pub(crate) async fn decisions_page(
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
    let body = body(
        v.session(),
        &w.holds,
        &w.accounts,
        &w.proxies,
        &outcome.html(),
    );
    render(st, &v, status, tr("Chờ quyết định", "Decisions"), &body).await
}

#[derive(Deserialize)]
pub(crate) struct DecisionForm {
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

pub(crate) async fn decide(State(st): State<AppState>, posted: Posted<DecisionForm>) -> Response {
    let Posted { who, from, form: f } = posted;
    let code = f.code.trim().to_string();
    let (status, outcome) = match decision_action(f) {
        Err(m) => (StatusCode::UNPROCESSABLE_ENTITY, Outcome::Refused(m)),
        Ok(action) => {
            let what = action.detail();
            match act(&st, &who.session, from.clone(), action).await {
                Ok(_) => (
                    StatusCode::OK,
                    Outcome::Done(format!(
                        "{} {code}: {what}.",
                        tr("Đã ghi quyết định cho", "Decision recorded for")
                    )),
                ),
                Err((s, o)) => (s, o),
            }
        }
    };
    decisions_answer(&st, who.viewer(), status, outcome).await
}

csrf_field!(DecisionForm);

/// One decision's small form: the hidden fields, the inputs, the button.
fn decision_form(
    s: &Session,
    what: &str,
    pay_point: &str,
    code: &str,
    inputs: &str,
    label: &str,
) -> String {
    format!(
        "<form method=post action=\"/cho-quyet-dinh\" data-testid=\"{what}-{}\">{}<input type=hidden name=what value={what}>\
         <input type=hidden name=pay_point value=\"{}\"><input type=hidden name=code value=\"{}\">{inputs} <button type=submit>{label}</button></form>",
        escape(code),
        csrf_field(s),
        escape(pay_point),
        escape(code)
    )
}

/// What waits for the office: each list with its decision's forms (for those who may decide).
fn body(
    session: Option<&Session>,
    holds: &[crate::life::Hold],
    accounts: &[crate::account::AccountRow],
    proxies: &[crate::proxy::CounterProxy],
    outcome: &str,
) -> String {
    let decide = session.filter(|s| s.staff.role.may(Power::Decide));
    let forms = |f: &dyn Fn(&Session) -> String| decide.map_or(String::new(), f);
    let mut html = format!(
        "<h1>{}</h1>{outcome}<h2>{}</h2><p class=note>{}</p><table data-testid=to-confirm>{}",
        tr("Chờ quyết định", "Waiting for a decision"),
        tr("Xác minh còn sống", "Proof of life"),
        tr(
            "Chỉ nhận qua người nhận thay hoặc tại nhà, chưa gặp tại quầy, nhiều kỳ liền. Thiết bị vẫn chi được nhưng cần PIN giám sát viên, cho đến khi xã xác minh.",
            "Paid only through a proxy or at home, not seen at the counter, for several periods. The devices still pay them, with a supervisor's PIN, until the commune confirms."
        ),
        head(&[
            ("Điểm", "Pay point"),
            ("Mã đối tượng", "Beneficiary"),
            ("Các kỳ không gặp", "Periods unseen"),
            ("Từ lúc", "Since"),
            ("Xác minh", "Confirm"),
        ])
    );
    for h in holds {
        let form = forms(&|s| {
            let input = format!(
                "<input name=note required size=30 placeholder=\"{}\">",
                tr(
                    "Ai xác minh, gặp ở đâu, giấy tờ gì",
                    "Who checked, where, which papers"
                )
            );
            decision_form(
                s,
                "confirm_life",
                &h.pay_point,
                &h.code,
                &input,
                tr("Đã xác minh", "Confirmed alive"),
            )
        });
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{form}</td></tr>",
            escape(&h.pay_point),
            escape(&h.code),
            escape(&periods(&h.periods)),
            escape(&date_time(&h.raised_at)),
        ));
    }
    accounts_section(&mut html, decide, accounts);
    proxies_section(&mut html, decide, proxies);
    html.push_str("</table>");
    html
}

/// The requests to be paid by bank account, with their forms.
fn accounts_section(
    html: &mut String,
    decide: Option<&Session>,
    accounts: &[crate::account::AccountRow],
) {
    let forms = |f: &dyn Fn(&Session) -> String| decide.map_or(String::new(), f);
    html.push_str(&format!(
        "</table><h2>{}</h2><table data-testid=account-requests>{}",
        tr(
            "Đề nghị nhận qua tài khoản ngân hàng",
            "Requests to be paid by bank account"
        ),
        head(&[
            ("Điểm", "Pay point"),
            ("Mã đối tượng", "Beneficiary"),
            ("Họ tên", "Name"),
            ("Ngân hàng", "Bank"),
            ("Số tài khoản", "Account"),
            ("Chủ tài khoản", "Holder"),
            ("Ngày đề nghị", "Requested"),
            ("Quyết định", "Decision"),
        ])
    ));
    let why = format!(
        "<input name=note required size=20 placeholder=\"{}\">",
        tr("Lý do từ chối", "Why refused")
    );
    for a in accounts {
        let form = forms(&|s| {
            decision_form(
                s,
                "confirm_account",
                &a.pay_point,
                &a.code,
                &format!(
                    "{} <input name=from type=month required>",
                    tr("từ kỳ", "from")
                ),
                tr("Xác nhận", "Confirm"),
            ) + &decision_form(
                s,
                "refuse_account",
                &a.pay_point,
                &a.code,
                &why,
                tr("Từ chối", "Refuse"),
            )
        });
        html.push_str(&format!("<tr>{}<td>{form}</td></tr>", account_cells(a)));
    }
}

/// A request to be paid by bank account, as cells: pay point, person, name, bank, the account's
/// masked number, its holder, the day asked.
pub(crate) fn account_cells(a: &crate::account::AccountRow) -> String {
    format!(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
        escape(&a.pay_point),
        escape(&a.code),
        escape(&a.name),
        escape(&a.bank_name),
        escape(&a.masked),
        escape(&a.holder),
        escape(&date(&a.requested_at)),
    )
}

/// The proxies added at a counter, with their forms.
fn proxies_section(
    html: &mut String,
    decide: Option<&Session>,
    proxies: &[crate::proxy::CounterProxy],
) {
    let forms = |f: &dyn Fn(&Session) -> String| decide.map_or(String::new(), f);
    let why = format!(
        "<input name=note required size=20 placeholder=\"{}\">",
        tr("Lý do từ chối", "Why refused")
    );
    html.push_str(&format!(
        "</table><h2>{}</h2><table data-testid=counter-proxies>{}",
        tr("Người nhận thay mới tại quầy", "Proxies added at a counter"),
        head(&[
            ("Điểm", "Pay point"),
            ("Mã đối tượng", "Beneficiary"),
            ("Kỳ", "Period"),
            ("Người nhận thay", "Proxy"),
            ("Quan hệ", "Relationship"),
            ("Giấy ủy quyền", "Authorisation"),
            ("Quyết định", "Decision"),
        ])
    ));
    for p in proxies {
        let form = forms(&|s| {
            decision_form(
                s,
                "confirm_proxy",
                &p.pay_point,
                &p.code,
                &format!(
                    "<input name=note size=16 placeholder=\"{}\">",
                    tr("Ghi chú", "Note")
                ),
                tr("Xác nhận cho các tháng sau", "Confirm for the months after"),
            ) + &decision_form(
                s,
                "refuse_proxy",
                &p.pay_point,
                &p.code,
                &why,
                tr("Từ chối", "Refuse"),
            )
        });
        html.push_str(&format!("<tr>{}<td>{form}</td></tr>", proxy_cells(p)));
    }
}

/// A counter proxy's cells: pay point, person, period, the proxy (last digits of their card),
/// relationship, and the dates the authorisation covers.
pub(crate) fn proxy_cells(p: &crate::proxy::CounterProxy) -> String {
    format!(
        "<td>{}</td><td>{}</td><td>{}</td><td>{} (CCCD …{})</td><td>{}</td><td>{} – {}</td>",
        escape(&p.pay_point),
        escape(&p.code),
        escape(&period(&p.period)),
        escape(&p.proxy_name),
        escape(&crate::anomaly::last4(&p.proxy_id_card)),
        escape(&p.relationship),
        escape(&date(&p.authorised_on)),
        escape(&date(&p.valid_until)),
    )
}
