//! `paypoint period close`: the open period locked; no more payouts in it.

use clap::Subcommand;
use paypoint::{Ledger, Period};
use serde_json::{json, Value};

use crate::access::sign_in;
use crate::report::{done, put, Outcome, Report};

#[derive(Subcommand)]
pub enum PeriodCommand {
    /// Khóa sổ kỳ đang mở: không ghi thêm chi trả.
    Close,
}

struct Closed(Period);

impl Report for Closed {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(out, "Đã khóa sổ kỳ {}.", self.0);
        out
    }

    fn json(&self) -> Value {
        json!({"closed": self.0})
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
