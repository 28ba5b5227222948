//! The request to be paid by bank account (giấy đề nghị nhận trợ cấp qua tài khoản, issue 18):
//! who asks, the bank, the account and its holder, the undertaking, the date, the beneficiary's
//! signature or fingerprint and the clerk's, with the same QR code as the other papers (kind `A`,
//! the request's number on the device) for the managing office to check it against the request
//! it received. The account number is printed whole: this is the paper the office checks it on.

use chrono::{Local, NaiveDate};

use super::pdf::{Align, Doc, Face, Margins, Orientation};
use super::{DocumentError, Pdf};
use crate::ledger::Ledger;
use crate::model::BeneficiaryCode;
use crate::paper::PaperKind;
use crate::period::Period;

/// What to print.
#[derive(Debug, Clone)]
pub struct AccountFormOptions {
    /// The beneficiary: their latest request.
    pub code: BeneficiaryCode,
    /// The period whose roll names them; the open one when `None`.
    pub period: Option<Period>,
    /// The place on the date line; the configured one when `None`.
    pub place: Option<String>,
    /// The date on the date line; today when `None`.
    pub date: Option<NaiveDate>,
}

const SIZE: f32 = 12.0;
/// Side of the QR code, mm, between the two signatures.
const FORM_QR: f32 = 20.0;

/// Renders the request form of a beneficiary's latest request.
pub fn render(ledger: &Ledger, opts: &AccountFormOptions) -> Result<Pdf, DocumentError> {
    let _snapshot = ledger.document_snapshot()?;
    let ctx = ledger.document_context(opts.period)?;
    let code = opts.code.as_str();
    let (seq, req) = ledger
        .account_request(&opts.code)?
        .ok_or_else(|| DocumentError::NoAccountRequest(code.to_string()))?;
    let person = ledger
        .document_person(ctx.period, code)?
        .ok_or_else(|| DocumentError::NoAccountRequest(code.to_string()))?;
    let bank = crate::account::bank(&req.bank);
    let title = format!(
        "Giấy đề nghị nhận trợ cấp qua tài khoản – {} ({code})",
        person.name
    );
    let mut doc = Doc::new(&title, Orientation::Portrait, ctx.page_mark());
    doc.set_margins(Margins {
        top: 15.0,
        bottom: 15.0,
        left: 25.0,
        right: 15.0,
    });
    doc.describe(
        "Giấy đề nghị nhận trợ cấp ưu đãi người có công qua tài khoản",
        &ctx.pay_point_name,
    );
    super::header_block(&mut doc, &ctx);
    super::title(
        &mut doc,
        "Giấy đề nghị nhận trợ cấp qua tài khoản",
        &["Trợ cấp ưu đãi người có công với cách mạng".to_string()],
    );
    let mut lines = vec![
        format!("Kính gửi: {}.", ctx.org.managing_office),
        format!(
            "Tôi là: {}    Mã đối tượng: {code}    Năm sinh: {}",
            person.name,
            person.birth_year.map(|y| y.to_string()).unwrap_or_default()
        ),
        format!(
            "Địa chỉ: {}    Diện đối tượng: {}",
            person.village, person.category
        ),
    ];
    if let Some(c) = &person.id_card {
        lines.push(format!("Số CCCD: {c}"));
    }
    lines.push("Đề nghị được nhận trợ cấp ưu đãi hằng tháng qua tài khoản sau:".into());
    lines.push(format!(
        "Ngân hàng: {} (mã {})",
        bank.map_or(req.bank.clone(), |b| format!("{} – {}", b.short, b.name)),
        req.bank
    ));
    lines.push(format!("Số tài khoản: {}", req.number));
    lines.push(format!(
        "Chủ tài khoản: {}{}",
        req.holder,
        req.relationship
            .as_ref()
            .map(|r| format!(" (quan hệ với đối tượng: {r})"))
            .unwrap_or_default()
    ));
    if let Some(p) = &req.phone {
        lines.push(format!("Số điện thoại: {p}"));
    }
    for l in &lines {
        doc.paragraph(l, Face::Regular, SIZE, Align::Left);
        doc.skip(1.0);
    }
    doc.paragraph(
        "Tôi cam đoan thông tin trên là đúng. Từ tháng được đơn vị quản lý xác nhận, tôi nhận trợ cấp qua tài khoản này và không nhận tiền mặt tại điểm chi trả. Khi tài khoản thay đổi hoặc không nhận được tiền, tôi báo ngay cho đơn vị quản lý hoặc điểm chi trả.",
        Face::Italic,
        SIZE,
        Align::Left,
    );
    let place = super::place_or_pay_point(opts.place.as_deref(), &ctx);
    let date = opts.date.unwrap_or_else(|| Local::now().date_naive());
    let mut stamp = ctx.stamp(PaperKind::AccountForm, seq.to_string());
    stamp.lines = vec![(code.to_string(), crate::money::Dong::ZERO)];
    doc.skip(3.0);
    let left = ("Người đề nghị", "(Ký hoặc điểm chỉ, ghi rõ họ tên)");
    let date_line = super::date_line(&place, date);
    super::receipt::signatures_with_qr(&mut doc, &date_line, &stamp, FORM_QR, left)?;
    doc.skip(FORM_QR + 4.0);
    doc.finish()
}
