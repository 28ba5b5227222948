//! `paypoint period close`: the open period locked; no more payouts in it.

use clap::Subcommand;
use paypoint::{Ledger, Period};
use serde_json::{json, Value};

use crate::access::sign_in;
use crate::report::{done, put, Outcome, Report};

#[derive(Subcommand)]
pub enum PeriodCommand {
    /// Khóa sổ kỳ đang mở: không ghi thêm chi trả. Kỳ đã khóa và đồng bộ là đã báo cáo đơn vị
    /// quản lý; hạn báo cáo là ngày 20 tháng sau (TT 44/2022/TT-BTC Điều 8, sửa đổi bởi
    /// TT 95/2025/TT-BTC).
    Close,
}

struct Closed(Period);

impl Report for Closed {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(out, "Đã khóa sổ kỳ {}.", self.0);
        put!(
            out,
            "Báo cáo đơn vị quản lý (người đã nhận, người chưa nhận, số tiền còn lại, danh sách đã ký nhận) chậm nhất ngày {}; đồng bộ để gửi.",
            self.0.report_due().format("%d/%m/%Y")
        );
        out
    }

    fn json(&self) -> Value {
        json!({"closed": self.0, "report_due": self.0.report_due()})
    }
}

/// `paypoint period close`, by the signed-in clerk.
pub fn run(ledger: &mut Ledger, clerk: Option<i64>, command: &PeriodCommand) -> Outcome {
    match command {
        PeriodCommand::Close => {
            let by = sign_in(ledger, clerk)?;
            done(Closed(ledger.close_period(&by)?))
        }
    }
}
