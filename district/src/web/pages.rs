//! The app's pages as HTML: the frame every page shares, and each page's body. Every text that
//! comes from the store is escaped here ([`escape`]); numbers, dates and periods are written as
//! Vietnamese papers write them ([`super::format`]).

use super::format::{date, date_time, escape, flag_kind, money, percent, period};
use super::Viewer;
use crate::audit::AuditRow;
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
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{}{office} — Sổ chi trả</title><style>{STYLE}</style></head><body>{header}<main>{body}</main></body></html>",
        escape(title)
    )
}

fn header(v: &Viewer, office: &str) -> String {
    let mut links = vec![
        ("/", "Tổng quan"),
        ("/danh-sach", "Danh sách chi trả"),
        ("/canh-bao", "Cảnh báo"),
        ("/cho-quyet-dinh", "Chờ quyết định"),
        ("/quyet-toan", "Quyết toán"),
    ];
    let who = match v {
        Viewer::Monitor => {
            "<span class=who>Chỉ xem (trang theo dõi) · <a href=\"/dang-nhap\">Đăng nhập</a></span>"
                .to_string()
        }
        Viewer::Staff(s, _) => {
            links.insert(1, ("/bao-giam", "Báo giảm"));
            links.push(("/kiem-tra-giay", "Kiểm tra giấy in"));
            if s.staff.role.may(Power::Administer) {
                links.push(("/tai-khoan", "Tài khoản"));
                links.push(("/thiet-lap", "Thiết lập"));
                links.push(("/nhat-ky", "Nhật ký"));
            }
            format!(
                "<span class=who data-testid=who>{} ({}) <form method=post action=\"/dang-xuat\">{}<button type=submit>Đăng xuất</button></form></span>",
                escape(&s.staff.name),
                s.staff.role.label(),
                csrf_field(s)
            )
        }
    };
    let nav: String = links
        .iter()
        .map(|(href, label)| format!("<a href=\"{href}\">{label}</a>"))
        .collect();
    format!(
        "<header><strong>Sổ chi trả — {}</strong><nav>{nav}</nav>{who}</header>",
        escape(office)
    )
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
        "<h1>Đăng nhập</h1>{error}<form class=box method=post action=\"/dang-nhap\">\
         <input type=hidden name=csrf value=\"{}\">\
         <label for=login>Tên đăng nhập</label><input id=login name=login autocomplete=username required value=\"{}\">\
         <label for=password>Mật khẩu</label><input id=password name=password type=password autocomplete=current-password required>\
         <button type=submit id=sign-in>Đăng nhập</button>\
         <p class=note>Nhập sai 5 lần liền thì tài khoản bị khóa 15 phút. Quên mật khẩu: nhờ quản trị viên đặt lại.</p></form>",
        escape(csrf),
        escape(login)
    );
    layout("Đăng nhập", None, "", &body)
}

/// The stops: the form to record one (for those who may decide), and every stop known.
pub fn stops(session: Option<&Session>, stops: &[crate::admin::StopRow], outcome: &str) -> String {
    let mut html = format!("<h1>Báo giảm</h1>{outcome}");
    if let Some(s) = session.filter(|s| s.staff.role.may(Power::Decide)) {
        html.push_str(&format!(
            "<form class=box method=post action=\"/bao-giam\" data-testid=stop-form>{}\
             <label for=pay_point>Mã điểm chi trả</label><input id=pay_point name=pay_point required>\
             <label for=code>Mã đối tượng</label><input id=code name=code required>\
             <label for=reason>Lý do</label><select id=reason name=reason>\
             <option value=death>Chết</option><option value=moved>Chuyển đi nơi khác</option><option value=other>Lý do khác</option></select>\
             <label for=date>Ngày (chết, chuyển đi…)</label><input id=date name=date type=date>\
             <label for=note>Ghi chú (giấy tờ, ai báo)</label><input id=note name=note>\
             <button type=submit id=record-stop>Ghi báo giảm</button>\
             <p class=note>Thiết bị của điểm chi trả nhận ở lần đồng bộ sau và dừng chi ngay cho người này.</p></form>",
            csrf_field(s)
        ));
    }
    html.push_str("<h2>Đã báo giảm</h2><table data-testid=stops><tr><th>Điểm</th><th>Mã đối tượng</th><th>Lý do</th><th>Ngày</th><th>Nguồn</th></tr>");
    for r in stops {
        let reason = paypoint::stop::StopReason::parse(&r.reason)
            .map_or(r.reason.clone(), |s| s.label_vi().to_string());
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.pay_point),
            escape(&r.code),
            escape(&reason),
            escape(&r.date.as_deref().map_or("—".to_string(), date)),
            if r.by_office {
                "đơn vị quản lý"
            } else {
                "điểm chi trả báo"
            }
        ));
    }
    html.push_str("</table>");
    html
}

/// The consolidated settlement on screen, with its downloads.
pub fn settlement(rows: &[crate::SettlementRow], ky: &str) -> String {
    let q = if ky.is_empty() {
        String::new()
    } else {
        format!("?ky={}", escape(ky))
    };
    let mut html = format!(
        "<h1>Quyết toán tổng hợp</h1><form method=get action=\"/quyet-toan\">Kỳ (YYYY-MM, để trống: mọi kỳ) \
         <input name=ky value=\"{}\" size=8> <button type=submit>Xem</button></form>\
         <p>Tải về: <a href=\"/quyet-toan.pdf{q}\" data-testid=settlement-pdf>bảng PDF (in và ký)</a> · \
         <a href=\"/quyet-toan.xlsx{q}\" data-testid=settlement-xlsx>Excel (.xlsx)</a> · \
         <a href=\"/quyet-toan.csv{q}\" data-testid=settlement-csv>CSV</a></p>\
         <table data-testid=settlement><tr><th>Điểm</th><th>Tên</th><th>Kỳ</th><th>Số người</th><th>Phải chi (đ)</th>\
         <th>Đã chi (đ)</th><th>Tỷ lệ</th><th>Chưa chi (đ)</th><th>Báo giảm</th><th>Cảnh báo</th><th>Tiền cần kiểm tra (đ)</th></tr>",
        escape(ky)
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
    let mut html = String::from(
        "<h1>Nhật ký của đơn vị</h1><p class=note>Mọi thao tác trên trang này và trên dòng lệnh của máy chủ, mọi lần đăng nhập (kể cả sai). Không sửa, không xóa được.</p>\
         <table data-testid=audit><tr><th>Lúc</th><th>Ai</th><th>Việc</th><th>Chi tiết</th><th>Từ đâu</th></tr>",
    );
    for r in rows {
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&date_time(&r.at)),
            escape(r.login.as_deref().unwrap_or("(dòng lệnh)")),
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
        "<h1>Tài khoản của đơn vị</h1>{outcome}<table data-testid=staff><tr><th>Tên đăng nhập</th><th>Họ tên</th><th>Quyền</th><th>Tình trạng</th><th>Tạo lúc</th><th></th></tr>"
    );
    for r in rows {
        let state = if r.disabled {
            "vô hiệu hóa".to_string()
        } else if let Some(t) = r.locked_until {
            format!("khóa đến {}", super::format::unix_date_time(t))
        } else {
            "đang dùng".to_string()
        };
        let button = |what: &str, label: &str| {
            format!(
                "<form method=post action=\"/tai-khoan\" style=display:inline>{}<input type=hidden name=what value={what}>\
                 <input type=hidden name=login value=\"{}\"><button type=submit>{label}</button></form>",
                csrf_field(session),
                escape(&r.staff.login)
            )
        };
        let actions = if r.disabled {
            button("enable", "Cho dùng lại")
        } else if r.locked_until.is_some() {
            button("unlock", "Mở khóa") + &button("disable", "Vô hiệu hóa")
        } else {
            button("disable", "Vô hiệu hóa")
        };
        html.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{actions}</td></tr>",
            escape(&r.staff.login),
            escape(&r.staff.name),
            r.staff.role.label(),
            state,
            escape(&date_time(&r.created_at)),
        ));
    }
    html.push_str(&format!(
        "</table><h2>Thêm tài khoản</h2><form class=box method=post action=\"/tai-khoan\" data-testid=add-staff>{}\
         <input type=hidden name=what value=add>\
         <label for=login>Tên đăng nhập</label><input id=login name=login required>\
         <label for=name>Họ tên</label><input id=name name=name required>\
         <label for=role>Quyền</label><select id=role name=role><option value=viewer>Xem</option>\
         <option value=officer>Cán bộ nghiệp vụ (phát hành danh sách, báo giảm, xác minh)</option>\
         <option value=admin>Quản trị (cả tài khoản, điểm chi trả, thiết bị)</option></select>\
         <label for=password>Mật khẩu ban đầu (ít nhất {MIN_PASSWORD_CHARS} ký tự)</label><input id=password name=password type=password autocomplete=new-password required>\
         <button type=submit>Thêm</button></form>",
        csrf_field(session)
    ));
    html
}

/// The flags: open ones by kind with the money at stake, each with the form that closes it (for
/// those who may decide), then the ones closed, with how and why.
pub fn flags(session: Option<&Session>, flags: &[crate::FlagRow], outcome: &str) -> String {
    let mut html = format!(
        "<h1>Cảnh báo</h1>{outcome}<h2>Chưa xử lý, theo loại</h2><table data-testid=open-by-kind>\
         <tr><th>Loại</th><th>Số cảnh báo</th><th>Số tiền cần kiểm tra (đ)</th></tr>"
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
    html.push_str("</table><h2>Cần xử lý</h2><table data-testid=open-flags><tr><th>Số</th><th>Điểm</th><th>Loại</th><th>Mã đối tượng</th><th>Kỳ</th><th>Số tiền (đ)</th><th>Chi tiết</th><th>Lúc</th><th>Xử lý</th></tr>");
    for f in flags.iter().filter(|f| f.closed.is_none()) {
        let form = decide.map_or(String::new(), |s| {
            format!(
                "<form method=post action=\"/canh-bao\" data-testid=resolve-{id}>{}<input type=hidden name=id value={id}>\
                 <select name=resolution><option value=recovered>Đã thu hồi tiền</option><option value=explained>Đã giải trình</option>\
                 <option value=false_alarm>Cảnh báo nhầm</option></select> <input name=note placeholder=\"Ghi chú: đã kiểm tra gì\" required size=28> \
                 <button type=submit>Ghi</button></form>",
                csrf_field(s),
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
    html.push_str("</table><h2>Đã xử lý</h2><table data-testid=closed-flags><tr><th>Số</th><th>Điểm</th><th>Loại</th><th>Mã đối tượng</th><th>Số tiền (đ)</th><th>Kết quả</th><th>Ghi chú</th><th>Ai</th><th>Lúc</th></tr>");
    for f in flags.iter().filter(|f| f.closed.is_some()) {
        let c = f.closed.as_ref().expect("filtered");
        html.push_str(&format!(
            "<tr><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            f.id,
            escape(&f.pay_point),
            flag_kind(&f.flag.kind),
            escape(&f.flag.code),
            money(f.flag.amount.map_or(0, |d| d.as_i64())),
            c.resolution.label(),
            escape(&c.note),
            escape(c.login.as_deref().unwrap_or("(dòng lệnh)")),
            escape(&date_time(&c.resolved_at)),
        ));
    }
    html.push_str("</table>");
    html
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
        "<h1>Chờ quyết định</h1>{outcome}<h2>Xác minh còn sống</h2><p class=note>Chỉ nhận qua người nhận thay hoặc tại nhà, chưa gặp tại quầy, nhiều kỳ liền. Thiết bị vẫn chi được nhưng cần PIN giám sát viên, cho đến khi xã xác minh.</p>\
         <table data-testid=to-confirm><tr><th>Điểm</th><th>Mã đối tượng</th><th>Các kỳ không gặp</th><th>Từ lúc</th><th>Xác minh</th></tr>"
    );
    for h in holds {
        let form = forms(&|s| {
            decision_form(s, "confirm_life", &h.pay_point, &h.code,
                "<input name=note required size=30 placeholder=\"Ai xác minh, gặp ở đâu, giấy tờ gì\">", "Đã xác minh")
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
    html.push_str("</table><h2>Đề nghị nhận qua tài khoản ngân hàng</h2><table data-testid=account-requests><tr><th>Điểm</th><th>Mã đối tượng</th><th>Họ tên</th><th>Ngân hàng</th><th>Số tài khoản</th><th>Chủ tài khoản</th><th>Ngày đề nghị</th><th>Quyết định</th></tr>");
    for a in accounts {
        let form = forms(&|s| {
            decision_form(
                s,
                "confirm_account",
                &a.pay_point,
                &a.code,
                "từ kỳ <input name=from type=month required>",
                "Xác nhận",
            ) + &decision_form(
                s,
                "refuse_account",
                &a.pay_point,
                &a.code,
                "<input name=note required size=20 placeholder=\"Lý do từ chối\">",
                "Từ chối",
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
    html.push_str("</table><h2>Người nhận thay mới tại quầy</h2><table data-testid=counter-proxies><tr><th>Điểm</th><th>Mã đối tượng</th><th>Kỳ</th><th>Người nhận thay</th><th>Quan hệ</th><th>Giấy ủy quyền</th><th>Quyết định</th></tr>");
    for p in proxies {
        let form = forms(&|s| {
            decision_form(
                s,
                "confirm_proxy",
                &p.pay_point,
                &p.code,
                "<input name=note size=16 placeholder=\"Ghi chú\">",
                "Xác nhận cho các tháng sau",
            ) + &decision_form(
                s,
                "refuse_proxy",
                &p.pay_point,
                &p.code,
                "<input name=note required size=16 placeholder=\"Lý do từ chối\">",
                "Từ chối",
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
    html.push_str("</table>");
    html
}
