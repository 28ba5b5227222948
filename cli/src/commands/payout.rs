//! Paying: `paypoint pay` (at the counter or at home), `visit` (a home visit, paid or not) and
//! `reverse` (a payout undone, approved by a supervisor).

use clap::Args;
use paypoint::authorisation::NewAuthorisation;
use paypoint::clerk::SignedIn;
use paypoint::idcard::IdCheckRequest;
use paypoint::payout::{Approval, PayoutReceipt, PayoutRequest, Recipient, ReversalReceipt};
use paypoint::visit::{VisitOutcome, VisitReceipt};
use paypoint::{BeneficiaryCode, Ledger};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::access::{sign_in, sign_in_approver};
use crate::choice::{self, Choice};
use crate::failure::Failure;
use crate::input::{amount, code};
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Args)]
pub struct PayArgs {
    /// Mã đối tượng.
    code: String,
    #[command(flatten)]
    proxy: ProxyArgs,
    /// Chi tại nhà.
    #[arg(long)]
    home: bool,
    /// Số tiền đã xác nhận với người nhận; từ chối nếu số phải trả đã khác.
    #[arg(long, value_name = "AMOUNT")]
    expect: Option<String>,
    #[command(flatten)]
    approval: ApprovalArgs,
    #[command(flatten)]
    id: IdArgs,
}

#[derive(Args)]
pub struct ReverseArgs {
    /// Mã lần chi trả (payout_id).
    payout_id: String,
    /// Lý do hủy.
    #[arg(long)]
    reason: String,
    /// Giám sát viên duyệt (số ID); PIN từ PAYPOINT_APPROVER_PIN.
    #[arg(long, env = "PAYPOINT_APPROVER")]
    approver: i64,
}

#[derive(Args)]
pub struct VisitArgs {
    /// Mã đối tượng.
    code: String,
    /// Kết quả.
    #[arg(long, value_parser = choice::parser::<VisitOutcome>())]
    outcome: VisitOutcome,
    /// Ngày mất (bắt buộc với --outcome deceased) hoặc ngày chuyển đi (với --outcome moved), YYYY-MM-DD.
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// Ghi chú.
    #[arg(long, default_value = "")]
    note: String,
    #[command(flatten)]
    proxy: ProxyArgs,
    #[command(flatten)]
    approval: ApprovalArgs,
    #[command(flatten)]
    id: IdArgs,
}

impl Choice for VisitOutcome {
    fn all() -> &'static [Self] {
        &VisitOutcome::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn help(self) -> &'static str {
        match self {
            VisitOutcome::Paid => "đã gặp, chi trả luôn tại nhà",
            VisitOutcome::Absent => "vắng nhà, hẹn lần sau",
            VisitOutcome::Hospital => "đang nằm viện",
            VisitOutcome::Deceased => "đã từ trần: dừng chi trả (ghi ngày mất bằng --date)",
            VisitOutcome::Moved => "đã chuyển đi: dừng chi trả",
            VisitOutcome::Refused => "từ chối nhận tiền",
        }
    }
}

#[derive(Args)]
struct ProxyArgs {
    /// Người nhận thay: họ tên (có giấy ủy quyền trong danh sách, hoặc giấy mới: --authorised-on).
    #[arg(long, requires = "proxy_id")]
    proxy_name: Option<String>,
    /// Người nhận thay: số CCCD.
    #[arg(long, requires = "proxy_name")]
    proxy_id: Option<String>,
    /// Người nhận thay mới (không có trong danh sách, hoặc giấy cũ đã hết hạn): ngày UBND xã xác
    /// nhận giấy ủy quyền, YYYY-MM-DD. Cần --valid-until, --relationship và giám sát viên
    /// (--approver, --approval-note); đơn vị quản lý xác nhận cho các tháng sau.
    #[arg(long, value_name = "YYYY-MM-DD", requires_all = ["proxy_name", "valid_until", "relationship"])]
    authorised_on: Option<chrono::NaiveDate>,
    /// Giấy ủy quyền mới: ngày hết hạn, YYYY-MM-DD (tối đa 12 tháng).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "authorised_on")]
    valid_until: Option<chrono::NaiveDate>,
    /// Giấy ủy quyền mới: quan hệ với đối tượng (ví dụ: con trai).
    #[arg(long, requires = "authorised_on")]
    relationship: Option<String>,
}

impl ProxyArgs {
    fn recipient(&self) -> Recipient {
        let (Some(name), Some(id)) = (&self.proxy_name, &self.proxy_id) else {
            return Recipient::Beneficiary;
        };
        match (self.authorised_on, self.valid_until, &self.relationship) {
            (Some(authorised_on), Some(valid_until), Some(relationship)) => {
                Recipient::NewProxy(NewAuthorisation {
                    name: name.clone(),
                    id_card: id.clone(),
                    relationship: relationship.clone(),
                    authorised_on,
                    valid_until,
                })
            }
            _ => Recipient::Proxy {
                name: name.clone(),
                id_card: id.clone(),
            },
        }
    }
}

// How the identity of whoever takes the money was checked: recorded in the payout.
#[derive(Args)]
struct IdArgs {
    /// Kiểm tra giấy tờ bằng mã QR của thẻ căn cước: văn bản máy quét gõ ra (đối chiếu với danh
    /// sách; thẻ khác danh sách cần --id-note, thẻ mang số định danh khác cần thêm giám sát viên).
    #[arg(long, value_name = "QR", conflicts_with_all = ["id_manual", "id_none"])]
    id_qr: Option<String>,
    /// Ghi chú khi thẻ quét được khác danh sách: vì sao vẫn chi.
    #[arg(long, requires = "id_qr")]
    id_note: Option<String>,
    /// Đã xem thẻ bằng mắt; kèm số CCCD nếu nhập (12 chữ số, hoặc 9 của CMND cũ).
    #[arg(long, value_name = "SỐ", num_args = 0..=1, default_missing_value = "", conflicts_with = "id_none")]
    id_manual: Option<String>,
    /// Không kiểm tra giấy tờ, và lý do (ví dụ: cụ nằm liệt giường, nhân viên biết mặt).
    #[arg(long, value_name = "LÝ DO")]
    id_none: Option<String>,
}

impl IdArgs {
    fn request(&self) -> Option<IdCheckRequest> {
        if let Some(text) = &self.id_qr {
            return Some(IdCheckRequest::Qr {
                text: text.clone(),
                note: self.id_note.clone(),
            });
        }
        if let Some(n) = &self.id_manual {
            return Some(IdCheckRequest::Manual {
                id_number: Some(n.clone()).filter(|n| !n.is_empty()),
            });
        }
        self.id_none.as_ref().map(|reason| IdCheckRequest::None {
            reason: reason.clone(),
        })
    }
}

// A supervisor's approval, for a person to be confirmed (chờ xác minh).
#[derive(Args)]
struct ApprovalArgs {
    /// Người chờ xác minh: giám sát viên duyệt (số ID, không phải người chi); PIN từ
    /// PAYPOINT_APPROVER_PIN hoặc hỏi.
    #[arg(long, requires = "approval_note")]
    approver: Option<i64>,
    /// Ghi chú của giám sát viên: đã gặp ai, giấy tờ gì.
    #[arg(long, requires = "approver")]
    approval_note: Option<String>,
}

impl ApprovalArgs {
    /// Signs the supervisor in, after checking they are not the paying clerk (a wrong PIN counts).
    fn sign_in(&self, ledger: &mut Ledger, by: &SignedIn) -> Result<Option<Approval>, Failure> {
        let (Some(id), Some(note)) = (self.approver, &self.approval_note) else {
            return Ok(None);
        };
        Ok(Some(Approval {
            approver: sign_in_approver(ledger, by, id)?,
            note: note.clone(),
        }))
    }
}

struct Paid(PayoutReceipt);

impl Report for Paid {
    fn text(&self) -> String {
        let mut out = String::new();
        let r = &self.0;
        put!(
            out,
            "Đã chi {} đ ({}) cho {} ({}).",
            r.amount,
            r.amount_in_words,
            r.name,
            r.code
        );
        put!(out, "Mã lần chi trả: {}", r.payout_id);
        out
    }

    fn json(&self) -> Value {
        let r = &self.0;
        json!({
            "payout_id": r.payout_id, "amount": r.amount, "amount_in_words": r.amount_in_words,
            "code": r.code, "name": r.name, "seq": r.seq, "cash_on_hand": r.cash_on_hand,
        })
    }
}

/// `paypoint pay CODE`: every unpaid line of the person, by the signed-in clerk.
pub fn pay(ledger: &mut Ledger, clerk: Option<i64>, args: &PayArgs) -> Outcome {
    let mut req = PayoutRequest {
        code: code(&args.code)?,
        recipient: args.proxy.recipient(),
        at_home: args.home,
        expected_total: args.expect.as_deref().map(amount).transpose()?,
        approval: None,
        id_check: args.id.request(),
    };
    let by = sign_in(ledger, clerk)?;
    req.approval = args.approval.sign_in(ledger, &by)?;
    done(Paid(ledger.record_payout(&by, &req)?))
}

struct Reversed(ReversalReceipt);

impl Report for Reversed {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(
            out,
            "Đã hủy lần chi trả {} ({} đ trả lại quỹ).",
            self.0.payout_id,
            self.0.amount
        );
        out
    }

    fn json(&self) -> Value {
        let r = &self.0;
        json!({"reversal_id": r.reversal_id, "payout_id": r.payout_id, "amount": r.amount, "seq": r.seq})
    }
}

/// `paypoint reverse PAYOUT_ID --reason … --approver ID`.
pub fn reverse(ledger: &mut Ledger, clerk: Option<i64>, args: &ReverseArgs) -> Outcome {
    let pid = Uuid::parse_str(args.payout_id.trim()).map_err(|_| {
        Failure::new(
            "invalid_input",
            format!("mã lần chi trả “{}” không hợp lệ", args.payout_id),
        )
    })?;
    let by = sign_in(ledger, clerk)?;
    let ok = sign_in_approver(ledger, &by, args.approver)?;
    done(Reversed(ledger.reverse_payout(
        &by,
        &ok,
        pid,
        &args.reason,
    )?))
}

struct Visited {
    code: BeneficiaryCode,
    receipt: VisitReceipt,
}

impl Report for Visited {
    fn text(&self) -> String {
        let mut out = String::new();
        let (c, r) = (&self.code, &self.receipt);
        put!(out, "Đã ghi lần đến nhà {}: {}.", c, r.outcome.label_vi());
        if let Some(p) = &r.payout {
            put!(
                out,
                "Đã chi {} đ tại nhà. Mã lần chi trả: {}",
                p.amount,
                p.payout_id
            );
        }
        if let Some(s) = &r.stop {
            match s.date {
                Some(d) => put!(
                    out,
                    "Đã báo giảm ({}, ngày {}): dừng chi trả cho {c}.",
                    s.reason.label_vi(),
                    d.format("%d/%m/%Y")
                ),
                None => put!(
                    out,
                    "Đã báo giảm ({}): dừng chi trả cho {c}.",
                    s.reason.label_vi()
                ),
            }
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.receipt)
    }
}

/// `paypoint visit CODE --outcome …`: a home visit; `paid` pays at the home, `deceased` (with
/// `--date`, the date of death) and `moved` report the stop.
pub fn visit(ledger: &mut Ledger, clerk: Option<i64>, args: &VisitArgs) -> Outcome {
    let c = code(&args.code)?;
    let by = sign_in(ledger, clerk)?;
    let approval = args.approval.sign_in(ledger, &by)?;
    let req = PayoutRequest {
        recipient: args.proxy.recipient(),
        approval,
        id_check: args.id.request(),
        ..PayoutRequest::at_counter(c.clone())
    };
    let receipt = ledger.record_visit_with(&by, args.outcome, args.date, &args.note, &req)?;
    done(Visited { code: c, receipt })
}
