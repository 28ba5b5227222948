//! The office's audit log, for administrators.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::format::{date_time, escape};
use super::lang::tr;
use super::pages::head;
use super::shell::*;
use crate::audit::AuditRow;
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
        &body(&rows),
    )
    .await
}

/// The office's audit log, newest first.
fn body(rows: &[AuditRow]) -> String {
    let mut html = format!(
        "<h1>{}</h1><p class=note>{}</p><table data-testid=audit>{}",
        tr("Nhật ký của đơn vị", "The office's audit log"),
        tr(
            "Mọi thao tác trên trang này và trên dòng lệnh của máy chủ, mọi lần đăng nhập (kể cả sai). Không sửa, không xóa được.",
            "Every action on these pages and at the hub's command line, every sign-in (failed ones too). Never changed, never deleted."
        ),
        head(&[
            ("Lúc", "When"),
            ("Ai", "Who"),
            ("Việc", "Action"),
            ("Chi tiết", "Detail"),
            ("Từ đâu", "From"),
        ])
    );
    for r in rows {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&date_time(&r.at)),
            escape(
                r.login
                    .as_deref()
                    .unwrap_or(tr("(dòng lệnh)", "(command line)"))
            ),
            escape(&r.action),
            escape(&r.detail),
            escape(&r.from),
        ));
    }
    html.push_str("</table>");
    html
}
