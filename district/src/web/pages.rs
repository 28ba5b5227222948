//! The app's pages as HTML: the frame every page shares, and each page's body. Every text that
//! comes from the store is escaped here ([`escape`]); numbers, dates and periods are written as
//! Vietnamese papers write them ([`super::format`]).

use super::format::{date, date_time, escape, flag_kind, money, percent, period};
use super::lang::{lang, tr, Lang};
use super::request::Viewer;
use crate::audit::AuditRow;
use crate::resolution::Resolution;
use crate::staff::{Power, Session, StaffRow, MIN_PASSWORD_CHARS};

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

/// The sign-in page; `error` above the form when the last try failed.
pub fn sign_in(csrf: &str, login: &str, error: &str) -> String {
    let error = if error.is_empty() {
        String::new()
    } else {
        format!(
            "<p class=err role=alert data-testid=sign-in-error>{}</p>",
            escape(error)
        )
    };
    let body = format!(
        "<h1>{title}</h1>{error}<form class=box method=post action=\"/dang-nhap\">\
         <input type=hidden name=csrf value=\"{}\">\
         <label for=login>{}</label><input id=login name=login autocomplete=username required value=\"{}\">\
         <label for=password>{}</label><input id=password name=password type=password autocomplete=current-password required>\
         <button type=submit id=sign-in>{title}</button>\
         <p class=note>{}</p></form><p>{}</p>",
        escape(csrf),
        tr("Tên đăng nhập", "Login"),
        escape(login),
        tr("Mật khẩu", "Password"),
        tr(
            "Nhập sai 5 lần liền thì tài khoản bị khóa 15 phút. Quên mật khẩu: nhờ quản trị viên đặt lại.",
            "Five wrong passwords in a row lock the account for 15 minutes. Forgotten password: ask an administrator to set a new one."
        ),
        match lang() {
            Lang::Vi => "<a href=\"/ngon-ngu?l=en&amp;ve=/dang-nhap\" data-testid=lang>English</a>",
            Lang::En => "<a href=\"/ngon-ngu?l=vi&amp;ve=/dang-nhap\" data-testid=lang>Tiếng Việt</a>",
        },
        title = tr("Đăng nhập", "Sign in"),
    );
    layout(tr("Đăng nhập", "Sign in"), None, "", &body)
}

/// The stops: the form to record one (for those who may decide), and every stop known.
pub fn stops(session: Option<&Session>, stops: &[crate::admin::StopRow], outcome: &str) -> String {
    let mut html = format!("<h1>{}</h1>{outcome}", tr("Báo giảm", "Stops"));
    if let Some(s) = session.filter(|s| s.staff.role.may(Power::Decide)) {
        html.push_str(&format!(
            "<form class=box method=post action=\"/bao-giam\" data-testid=stop-form>{}\
             <label for=pay_point>{}</label><input id=pay_point name=pay_point required>\
             <label for=code>{}</label><input id=code name=code required>\
             <label for=reason>{}</label><select id=reason name=reason>\
             <option value=death>{}</option><option value=moved>{}</option><option value=other>{}</option></select>\
             <label for=date>{}</label><input id=date name=date type=date>\
             <label for=note>{}</label><input id=note name=note>\
             <button type=submit id=record-stop>{}</button>\
             <p class=note>{}</p></form>",
            csrf_field(s),
            tr("Mã điểm chi trả", "Pay point code"),
            tr("Mã đối tượng", "Beneficiary code"),
            tr("Lý do", "Reason"),
            stop_reason("death"),
            stop_reason("moved"),
            stop_reason("other"),
            tr("Ngày (chết, chuyển đi…)", "Date (of death, of the move…)"),
            tr("Ghi chú (giấy tờ, ai báo)", "Note (papers, who reported it)"),
            tr("Ghi báo giảm", "Record the stop"),
            tr(
                "Thiết bị của điểm chi trả nhận ở lần đồng bộ sau và dừng chi ngay cho người này.",
                "The pay point's devices receive it at their next sync and stop paying this person at once."
            ),
        ));
    }
    html.push_str(&format!(
        "<h2>{}</h2><table data-testid=stops>{}",
        tr("Đã báo giảm", "Stops recorded"),
        head(&[
            ("Điểm", "Pay point"),
            ("Mã đối tượng", "Beneficiary"),
            ("Lý do", "Reason"),
            ("Ngày", "Date"),
            ("Nguồn", "Source"),
        ])
    ));
    for r in stops {
        let reason = stop_reason(&r.reason);
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.pay_point),
            escape(&r.code),
            escape(&reason),
            escape(&r.date.as_deref().map_or("—".to_string(), date)),
            if r.by_office {
                tr("đơn vị quản lý", "managing office")
            } else {
                tr("điểm chi trả báo", "reported by the pay point")
            }
        ));
    }
    html.push_str("</table>");
    html
}

/// A stop's reason in the request's language (the stored code if unknown).
pub(crate) fn stop_reason(reason: &str) -> String {
    match (paypoint::stop::StopReason::parse(reason), lang()) {
        (Some(r), Lang::Vi) => r.label_vi().to_string(),
        (Some(paypoint::stop::StopReason::Death), Lang::En) => "Death".to_string(),
        (Some(paypoint::stop::StopReason::Moved), Lang::En) => "Moved away".to_string(),
        (Some(paypoint::stop::StopReason::Other), Lang::En) => "Other reason".to_string(),
        (None, _) => reason.to_string(),
    }
}

/// The consolidated settlement on screen, with its downloads.
pub fn settlement(rows: &[crate::SettlementRow], ky: &str) -> String {
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

/// The office's audit log, newest first.
pub fn audit(rows: &[AuditRow]) -> String {
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

/// The office's accounts, with the administrator's forms.
pub fn staff(session: &Session, rows: &[StaffRow], outcome: &str) -> String {
    let mut html = format!(
        "<h1>{}</h1>{outcome}<table data-testid=staff>{}",
        tr("Tài khoản của đơn vị", "The office's accounts"),
        head(&[
            ("Tên đăng nhập", "Login"),
            ("Họ tên", "Name"),
            ("Quyền", "Role"),
            ("Tình trạng", "State"),
            ("Tạo lúc", "Created"),
            ("", ""),
        ])
    );
    for r in rows {
        let state = if r.disabled {
            tr("vô hiệu hóa", "disabled").to_string()
        } else if let Some(t) = r.locked_until {
            format!(
                "{} {}",
                tr("khóa đến", "locked until"),
                super::format::unix_date_time(t)
            )
        } else {
            tr("đang dùng", "in use").to_string()
        };
        let button = |what: &str, label: &str| {
            format!(
                "<form method=post action=\"/tai-khoan\" style=display:inline>{}<input type=hidden name=what value={what}>\
                 <input type=hidden name=login value=\"{}\"><button type=submit>{label}</button></form>",
                csrf_field(session),
                escape(&r.staff.login)
            )
        };
        let disable = tr("Vô hiệu hóa", "Disable");
        let actions = if r.disabled {
            button("enable", tr("Cho dùng lại", "Enable"))
        } else if r.locked_until.is_some() {
            button("unlock", tr("Mở khóa", "Unlock")) + &button("disable", disable)
        } else {
            button("disable", disable)
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{actions}</td></tr>",
            escape(&r.staff.login),
            escape(&r.staff.name),
            role_label(r.staff.role),
            state,
            escape(&date_time(&r.created_at)),
        ));
    }
    html.push_str(&format!(
        "</table><h2>{}</h2><form class=box method=post action=\"/tai-khoan\" data-testid=add-staff>{}\
         <input type=hidden name=what value=add>\
         <label for=login>{}</label><input id=login name=login required>\
         <label for=name>{}</label><input id=name name=name required>\
         <label for=role>{}</label><select id=role name=role><option value=viewer>{}</option>\
         <option value=officer>{}</option><option value=admin>{}</option></select>\
         <label for=password>{} ({MIN_PASSWORD_CHARS}+)</label><input id=password name=password type=password autocomplete=new-password required>\
         <button type=submit>{}</button></form>",
        tr("Thêm tài khoản", "Add an account"),
        csrf_field(session),
        tr("Tên đăng nhập", "Login"),
        tr("Họ tên", "Full name"),
        tr("Quyền", "Role"),
        tr("Xem", "Viewer"),
        tr(
            "Cán bộ nghiệp vụ (phát hành danh sách, báo giảm, xác minh)",
            "Officer (publishes rolls, records stops, confirms)"
        ),
        tr(
            "Quản trị (cả tài khoản, điểm chi trả, thiết bị)",
            "Administrator (also accounts, pay points, devices)"
        ),
        tr("Mật khẩu ban đầu, số ký tự", "First password, characters"),
        tr("Thêm", "Add"),
    ));
    html
}

/// The flags: open ones by kind with the money at stake, each with the form that closes it (for
/// those who may decide), then the ones closed, with how and why.
pub fn flags(session: Option<&Session>, flags: &[crate::FlagRow], outcome: &str) -> String {
    let mut html = format!(
        "<h1>{}</h1>{outcome}<h2>{}</h2><table data-testid=open-by-kind>{}",
        tr("Cảnh báo", "Flags"),
        tr("Chưa xử lý, theo loại", "Open, by kind"),
        head(&[
            ("Loại", "Kind"),
            ("Số cảnh báo", "Flags"),
            ("Số tiền cần kiểm tra (đ)", "Money to check (đ)"),
        ])
    );
    for k in crate::reports::open_by_kind(flags) {
        html.push_str(&format!(
            "<tr><td class=flag>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            flag_kind(&k.kind),
            k.count,
            money(k.amount)
        ));
    }
    let decide = session.filter(|s| s.staff.role.may(Power::Decide));
    html.push_str(&format!(
        "</table><h2>{}</h2><table data-testid=open-flags>{}",
        tr("Cần xử lý", "To resolve"),
        head(&[
            ("Số", "No."),
            ("Điểm", "Pay point"),
            ("Loại", "Kind"),
            ("Mã đối tượng", "Beneficiary"),
            ("Kỳ", "Period"),
            ("Số tiền (đ)", "Amount (đ)"),
            ("Chi tiết", "Detail"),
            ("Lúc", "When"),
            ("Xử lý", "Resolution"),
        ])
    ));
    for f in flags.iter().filter(|f| f.closed.is_none()) {
        let form = decide.map_or(String::new(), |s| {
            format!(
                "<form method=post action=\"/canh-bao\" data-testid=resolve-{id}>{}<input type=hidden name=id value={id}>\
                 <select name=resolution><option value=recovered>{}</option><option value=explained>{}</option>\
                 <option value=false_alarm>{}</option></select> <input name=note placeholder=\"{}\" required size=28> \
                 <button type=submit>{}</button></form>",
                csrf_field(s),
                resolution(Resolution::Recovered),
                resolution(Resolution::Explained),
                resolution(Resolution::FalseAlarm),
                tr("Ghi chú: đã kiểm tra gì", "Note: what was checked"),
                tr("Ghi", "Record"),
                id = f.id
            )
        });
        html.push_str(&format!(
            "<tr><td class=n>{}</td><td>{}</td><td class=flag>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{form}</td></tr>",
            f.id,
            escape(&f.pay_point),
            flag_kind(&f.flag.kind),
            escape(&f.flag.code),
            escape(&period(&f.flag.period)),
            money(f.flag.amount.map_or(0, |d| d.as_i64())),
            escape(&f.flag.detail),
            escape(&date_time(&f.created_at)),
        ));
    }
    html.push_str(&format!(
        "</table><h2>{}</h2><table data-testid=closed-flags>{}",
        tr("Đã xử lý", "Resolved"),
        head(&[
            ("Số", "No."),
            ("Điểm", "Pay point"),
            ("Loại", "Kind"),
            ("Mã đối tượng", "Beneficiary"),
            ("Số tiền (đ)", "Amount (đ)"),
            ("Kết quả", "Resolution"),
            ("Ghi chú", "Note"),
            ("Ai", "Who"),
            ("Lúc", "When"),
        ])
    ));
    for f in flags.iter().filter(|f| f.closed.is_some()) {
        let c = f.closed.as_ref().expect("filtered");
        html.push_str(&format!(
            "<tr><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            f.id,
            escape(&f.pay_point),
            flag_kind(&f.flag.kind),
            escape(&f.flag.code),
            money(f.flag.amount.map_or(0, |d| d.as_i64())),
            resolution(c.resolution),
            escape(&c.note),
            escape(c.login.as_deref().unwrap_or(tr("(dòng lệnh)", "(command line)"))),
            escape(&date_time(&c.resolved_at)),
        ));
    }
    html.push_str("</table>");
    html
}

/// How a flag was closed, in the request's language.
pub(crate) fn resolution(r: Resolution) -> &'static str {
    match r {
        Resolution::Recovered => tr(r.label(), "Money recovered"),
        Resolution::Explained => tr(r.label(), "Explained"),
        Resolution::FalseAlarm => tr(r.label(), "False alarm"),
    }
}

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
pub fn decisions(
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
            escape(
                &h.periods
                    .iter()
                    .map(|p| period(p))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
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
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{form}</td></tr>",
            escape(&a.pay_point),
            escape(&a.code),
            escape(&a.name),
            escape(&a.bank_name),
            escape(&a.masked),
            escape(&a.holder),
            escape(&date(&a.requested_at)),
        ));
    }
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
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} (CCCD …{})</td><td>{}</td><td>{} – {}</td><td>{form}</td></tr>",
            escape(&p.pay_point),
            escape(&p.code),
            escape(&period(&p.period)),
            escape(&p.proxy_name),
            escape(&crate::anomaly::last4(&p.proxy_id_card)),
            escape(&p.relationship),
            escape(&date(&p.authorised_on)),
            escape(&date(&p.valid_until)),
        ));
    }
}
