//! `paypoint stop`: a stop report (death, move, other), which stops payment at once.

use clap::{Args, ValueEnum};
use paypoint::stop::{StopReason, StopReceipt};
use paypoint::Ledger;
use serde_json::Value;

use crate::access::sign_in;
use crate::input::code;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Args)]
pub struct StopArgs {
    /// Mã đối tượng.
    code: String,
    /// Lý do.
    #[arg(long, value_enum)]
    reason: ReasonArg,
    /// Ngày mất (bắt buộc khi --reason death) / ngày chuyển (YYYY-MM-DD).
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    /// Ghi chú.
    #[arg(long, default_value = "")]
    note: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReasonArg {
    Death,
    Moved,
    Other,
}

impl From<ReasonArg> for StopReason {
    fn from(r: ReasonArg) -> Self {
        match r {
            ReasonArg::Death => StopReason::Death,
            ReasonArg::Moved => StopReason::Moved,
            ReasonArg::Other => StopReason::Other,
        }
    }
}

struct Stopped(StopReceipt);

impl Report for Stopped {
    fn text(&self) -> String {
        let mut out = String::new();
        let r = &self.0;
        put!(
            out,
            "Đã báo giảm {} ({}): dừng chi trả ngay.",
            r.code,
            r.reason.label_vi()
        );
        for p in &r.paid_after_stop {
            put!(
                out,
                "CẢNH BÁO: lần chi trả {p} đã chi sau ngày báo giảm; cần báo đơn vị quản lý để thu hồi."
            );
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// `paypoint stop CODE --reason …`, by the signed-in clerk.
pub fn run(ledger: &mut Ledger, clerk: Option<i64>, args: &StopArgs) -> Outcome {
    let c = code(&args.code)?;
    let by = sign_in(ledger, clerk)?;
    let receipt = ledger.report_stop(&by, &c, args.reason.into(), args.date, &args.note)?;
    done(Stopped(receipt))
}
