//! The frame every page of the app shares (its style, header and menu) and the small pieces many
//! pages use (a table's head, a form's anti-forgery field, a role's name). Each page's body is in
//! the module of its handler. Every text that comes from the store is escaped ([`escape`]);
//! numbers, dates and periods are written as Vietnamese papers write them ([`super::format`]).

use super::format::escape;
use super::lang::{lang, tr, Lang};
use super::request::Viewer;
use crate::staff::{Power, Session};

/// The app's look: one small style sheet in the page, nothing fetched from anywhere.
const STYLE: &str = "body{font:16px/1.45 system-ui,'Segoe UI',Arial,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}\
header{background:#7a1015;color:#fff;padding:.6em 1.2em;display:flex;flex-wrap:wrap;gap:1em;align-items:center}\
header a{color:#fff;text-decoration:none;padding:.2em .5em;border-radius:3px}header a:hover,header a.here{background:#a5242b}\
header .who{margin-left:auto}header form{display:inline}header button{font:inherit}\
main{padding:1em 1.2em;max-width:80em}h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}\
table{border-collapse:collapse;background:#fff;margin:.4em 0}td,th{border:1px solid #c9ccd1;padding:.3em .6em;vertical-align:top}\
th{background:#eceef1;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}\
.flag{color:#a00;font-weight:bold}.ok{background:#e6f4ea;border:1px solid #7cb68b;padding:.5em}\
.err{background:#fdecea;border:1px solid #d88;padding:.5em}.note{color:#555}\
form.box{background:#fff;border:1px solid #c9ccd1;padding:1em;max-width:40em}\
form.box label{display:block;margin:.5em 0 .2em}form.box input,form.box select{font:inherit;padding:.3em;width:100%;box-sizing:border-box}\
button{font:inherit;padding:.35em .9em;margin-top:.8em;cursor:pointer}";

/// The page around `body`: the office's name, the menu for what `viewer` may open, who is
/// signed in and the sign-out button. `None`: a bare page (sign-in, refusals).
pub fn layout(title: &str, viewer: Option<&Viewer>, office: &str, body: &str) -> String {
    let header = match viewer {
        None => String::new(),
        Some(v) => header(v, office),
    };
    let office = if office.is_empty() {
        String::new()
    } else {
        format!(" — {}", escape(office))
    };
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}{office} — Sổ chi trả</title><style>{STYLE}</style></head><body>{header}<main>{body}</main></body></html>",
        if lang() == Lang::En { "en" } else { "vi" },
        escape(title)
    )
}

fn header(v: &Viewer, office: &str) -> String {
    let mut links = vec![
        ("/", tr("Tổng quan", "Overview")),
        ("/danh-sach", tr("Danh sách chi trả", "Rolls")),
        ("/canh-bao", tr("Cảnh báo", "Flags")),
        ("/cho-quyet-dinh", tr("Chờ quyết định", "Decisions")),
        ("/quyet-toan", tr("Quyết toán", "Settlement")),
    ];
    let who = match v {
        Viewer::Monitor => {
            format!(
                "<span class=who>{} · <a href=\"/dang-nhap\">{}</a></span>",
                tr("Chỉ xem (trang theo dõi)", "Read-only (monitoring)"),
                tr("Đăng nhập", "Sign in")
            )
        }
        Viewer::Staff(s, _) => {
            links.insert(1, ("/bao-giam", tr("Báo giảm", "Stops")));
            links.push(("/kiem-tra-giay", tr("Kiểm tra giấy in", "Check paper")));
            if s.staff.role.may(Power::Administer) {
                links.push(("/tai-khoan", tr("Tài khoản", "Accounts")));
                links.push(("/thiet-lap", tr("Thiết lập", "Settings")));
                links.push(("/nhat-ky", tr("Nhật ký", "Audit log")));
            }
            format!(
                "<span class=who data-testid=who>{} ({}) <form method=post action=\"/dang-xuat\">{}<button type=submit>{}</button></form></span>",
                escape(&s.staff.name),
                role_label(s.staff.role),
                csrf_field(s),
                tr("Đăng xuất", "Sign out")
            )
        }
    };
    let nav: String = links
        .iter()
        .map(|(href, label)| format!("<a href=\"{href}\">{label}</a>"))
        .collect();
    // The other language, always named in itself.
    let other = match lang() {
        Lang::Vi => "<a href=\"/ngon-ngu?l=en\" data-testid=lang>English</a>",
        Lang::En => "<a href=\"/ngon-ngu?l=vi\" data-testid=lang>Tiếng Việt</a>",
    };
    format!(
        "<header><strong>Sổ chi trả — {}</strong><nav>{nav}</nav>{other}{who}</header>",
        escape(office)
    )
}

/// A table's header row, each column in the request's language.
pub(crate) fn head(columns: &[(&'static str, &'static str)]) -> String {
    let cells: String = columns
        .iter()
        .map(|(vi, en)| format!("<th>{}</th>", tr(vi, en)))
        .collect();
    format!("<tr>{cells}</tr>")
}

/// A role's name in the request's language.
pub(crate) fn role_label(role: crate::staff::Role) -> &'static str {
    use crate::staff::Role;
    match role {
        Role::Viewer => tr("Xem", "Viewer"),
        Role::Officer => tr("Cán bộ nghiệp vụ", "Officer"),
        Role::Admin => tr("Quản trị", "Administrator"),
    }
}

/// The hidden field every form of a session carries.
pub(crate) fn csrf_field(s: &Session) -> String {
    format!(
        "<input type=hidden name=csrf value=\"{}\">",
        escape(&s.csrf)
    )
}
