//! `paypoint account`: a beneficiary's request to be paid by bank account (issue 18): record it,
//! print the form they sign, list the requests with the office's decisions, list the banks.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use paypoint::account::{self, AccountRequestInput, AccountView};
use paypoint::document::account_form::{self, AccountFormOptions};
use paypoint::document::Pdf;
use paypoint::Ledger;
use serde_json::{json, Value};

use crate::access::sign_in;
use crate::input::code;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Subcommand)]
pub enum AccountCommand {
    /// Ghi đề nghị nhận trợ cấp qua tài khoản của đối tượng (số tài khoản chỉ hiện 4 số cuối).
    Request(RequestArgs),
    /// Các đề nghị đã ghi trên máy này và quyết định của đơn vị quản lý.
    List,
    /// In giấy đề nghị nhận trợ cấp qua tài khoản (PDF) để đối tượng ký.
    Form(FormArgs),
    /// Danh sách ngân hàng (mã NAPAS) dùng cho --bank.
    Banks,
}

#[derive(Args)]
pub struct RequestArgs {
    /// Mã đối tượng.
    code: String,
    /// Ngân hàng: mã NAPAS 6 số (970405 Agribank, 970449 LPBank …) hoặc tên viết tắt.
    #[arg(long)]
    bank: String,
    /// Số tài khoản (chỉ chữ số).
    #[arg(long)]
    number: String,
    /// Chủ tài khoản, đúng như ngân hàng in (không dấu cũng được).
    #[arg(long)]
    holder: String,
    /// Quan hệ với đối tượng khi chủ tài khoản là người khác ("con trai").
    #[arg(long)]
    relationship: Option<String>,
    /// Số điện thoại (không bắt buộc).
    #[arg(long)]
    phone: Option<String>,
    /// In luôn giấy đề nghị ra tệp PDF này.
    #[arg(long)]
    pdf: Option<PathBuf>,
}

#[derive(Args)]
pub struct FormArgs {
    /// Mã đối tượng.
    code: String,
    /// Tệp PDF.
    #[arg(long)]
    out: PathBuf,
    /// Nơi viết trên dòng ngày tháng (mặc định: xã của điểm chi trả).
    #[arg(long)]
    place: Option<String>,
    /// Ngày trên giấy (YYYY-MM-DD; mặc định hôm nay).
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
}

/// One request as the list and `request` print it.
fn line(a: &AccountView) -> String {
    let who = a
        .relationship
        .as_ref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    let state = match (a.state.as_str(), a.from, &a.reason) {
        ("confirmed", Some(from), _) => format!(
            "đã xác nhận, nhận qua tài khoản từ tháng {}",
            from.mm_yyyy()
        ),
        ("refused", _, reason) => format!("bị từ chối: {}", reason.as_deref().unwrap_or("")),
        _ => "chờ đơn vị quản lý xác nhận".to_string(),
    };
    format!(
        "{} {} – {} {} – chủ TK {}{who} – {state}",
        a.code, a.name, a.bank_name, a.masked, a.holder
    )
}

struct Requested(AccountView, Option<(PathBuf, Pdf)>);

impl Report for Requested {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(
            out,
            "Đã ghi đề nghị nhận trợ cấp qua tài khoản: {}",
            line(&self.0)
        );
        put!(
            out,
            "Đối tượng vẫn nhận tiền mặt cho đến khi đơn vị quản lý xác nhận (sau khi đồng bộ)."
        );
        if let Some((path, _)) = &self.1 {
            put!(out, "Giấy đề nghị để đối tượng ký: {}", path.display());
        }
        out
    }

    fn json(&self) -> Value {
        let mut v = to_json(&self.0);
        if let Some((path, pdf)) = &self.1 {
            v["form"] = json!({"out": path.display().to_string(), "pages": pdf.pages});
        }
        v
    }
}

struct Listed(Vec<AccountView>);

impl Report for Listed {
    fn text(&self) -> String {
        let mut out = String::new();
        if self.0.is_empty() {
            put!(
                out,
                "Chưa có đề nghị nhận trợ cấp qua tài khoản nào trên máy này."
            );
        }
        for a in &self.0 {
            put!(out, "{}", line(a));
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

struct Banks;

impl Report for Banks {
    fn text(&self) -> String {
        let list = account::banks();
        let mut out = String::new();
        for b in &list.banks {
            put!(out, "{}  {:<18} {}", b.code, b.short, b.name);
        }
        put!(out, "(Danh sách ngày {}; nguồn: VietQR/NAPAS)", list.as_of);
        out
    }

    fn json(&self) -> Value {
        to_json(account::banks())
    }
}

struct Form(PathBuf, Pdf);

impl Report for Form {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(
            out,
            "Đã in “{}”: {} ({} trang).",
            self.1.title,
            self.0.display(),
            self.1.pages
        );
        out
    }

    fn json(&self) -> Value {
        json!({"out": self.0.display().to_string(), "pages": self.1.pages, "title": self.1.title})
    }
}

fn form(
    ledger: &Ledger,
    c: paypoint::BeneficiaryCode,
    out: &std::path::Path,
    args: Option<&FormArgs>,
) -> Result<Pdf, crate::failure::Failure> {
    let pdf = account_form::render(
        ledger,
        &AccountFormOptions {
            code: c,
            period: None,
            place: args.and_then(|a| a.place.clone()),
            date: args.and_then(|a| a.date),
        },
    )?;
    pdf.write_to(out)?;
    Ok(pdf)
}

/// `paypoint account …`.
pub fn run(ledger: &mut Ledger, clerk: Option<i64>, cmd: &AccountCommand) -> Outcome {
    match cmd {
        AccountCommand::Request(a) => {
            let c = code(&a.code)?;
            let by = sign_in(ledger, clerk)?;
            let view = ledger.request_account(
                &by,
                &AccountRequestInput {
                    code: c.to_string(),
                    bank: a.bank.clone(),
                    number: a.number.clone(),
                    holder: a.holder.clone(),
                    relationship: a.relationship.clone(),
                    phone: a.phone.clone(),
                },
            )?;
            let printed = match &a.pdf {
                Some(path) => Some((path.clone(), form(ledger, c, path, None)?)),
                None => None,
            };
            done(Requested(view, printed))
        }
        AccountCommand::List => done(Listed(ledger.accounts()?)),
        AccountCommand::Form(a) => {
            let c = code(&a.code)?;
            let pdf = form(ledger, c, &a.out, Some(a))?;
            done(Form(a.out.clone(), pdf))
        }
        AccountCommand::Banks => done(Banks),
    }
}
