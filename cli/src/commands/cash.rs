//! `paypoint cash …`: the cash box — advances received, cash handed back, counts by
//! denomination, the position.

use clap::Subcommand;
use paypoint::cash::{CashCount, CashStatus, CountReceipt};
use paypoint::{Dong, Ledger};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::access::sign_in;
use crate::input::amount;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Subcommand)]
pub enum CashCommand {
    /// Ghi nhận tiền tạm ứng nhận về.
    Advance {
        /// Số tiền.
        amount: String,
        /// Ghi chú.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Ghi nhận nộp trả tiền thừa.
    Return {
        /// Số tiền.
        amount: String,
        /// Ghi chú.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Kiểm quỹ theo mệnh giá: 500000=12 200000=3 … (mệnh giá không ghi tính là 0 tờ).
    Count {
        /// MỆNH_GIÁ=SỐ_TỜ.
        #[arg(required = true)]
        notes: Vec<String>,
    },
    /// Tạm ứng, đã chi, tồn quỹ, lần kiểm quỹ gần nhất.
    Status,
}

/// `paypoint cash advance|return|count|status`; the movements by the signed-in clerk.
pub fn run(ledger: &mut Ledger, clerk: Option<i64>, command: &CashCommand) -> Outcome {
    match command {
        CashCommand::Advance { amount: a, note } => {
            let a = amount(a)?;
            let by = sign_in(ledger, clerk)?;
            let id = ledger.record_advance(&by, a, note)?;
            done(Moved {
                id,
                amount: a,
                on_hand: ledger.cash_on_hand()?,
                what: "tạm ứng",
            })
        }
        CashCommand::Return { amount: a, note } => {
            let a = amount(a)?;
            let by = sign_in(ledger, clerk)?;
            let id = ledger.record_return(&by, a, note)?;
            done(Moved {
                id,
                amount: a,
                on_hand: ledger.cash_on_hand()?,
                what: "nộp trả",
            })
        }
        CashCommand::Count { notes } => {
            let count = CashCount::parse_entries(notes)?;
            let by = sign_in(ledger, clerk)?;
            let receipt = ledger.record_count(&by, &count)?;
            let shortage = match receipt.difference.as_i64() {
                d if d < 0 => Some(Dong::new(-d)?),
                _ => None,
            };
            done(Counted {
                count,
                receipt,
                shortage,
            })
        }
        CashCommand::Status => done(Position(ledger.cash_status()?)),
    }
}

/// An advance or a return recorded.
struct Moved {
    id: Uuid,
    amount: Dong,
    on_hand: Dong,
    /// "tạm ứng" or "nộp trả".
    what: &'static str,
}

impl Report for Moved {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(
            out,
            "Đã ghi nhận {} {} đ. Tồn quỹ: {} đ.",
            self.what,
            self.amount,
            self.on_hand
        );
        out
    }

    fn json(&self) -> Value {
        json!({"id": self.id, "amount": self.amount, "cash_on_hand": self.on_hand})
    }
}

struct Counted {
    count: CashCount,
    receipt: CountReceipt,
    /// What is missing from the box, when the count is short.
    shortage: Option<Dong>,
}

impl Report for Counted {
    fn text(&self) -> String {
        let mut out = String::new();
        let r = &self.receipt;
        for (d, q) in self.count.notes().filter(|(_, q)| *q > 0) {
            put!(out, "  {:>9} đ × {:>5}", d, q);
        }
        put!(
            out,
            "Tiền đếm được: {} đ. Tồn quỹ theo sổ: {} đ.",
            r.counted,
            r.expected
        );
        match (self.shortage, r.difference.as_i64()) {
            (Some(short), _) => put!(out, "THIẾU {short} đ — đã ghi nhận chênh lệch."),
            (None, 0) => put!(out, "Khớp."),
            (None, _) => put!(out, "THỪA {} đ — đã ghi nhận chênh lệch.", r.difference),
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.receipt)
    }
}

struct Position(CashStatus);

impl Report for Position {
    fn text(&self) -> String {
        let mut out = String::new();
        let s = &self.0;
        put!(out, "Tạm ứng:   {:>16} đ", s.advanced);
        put!(out, "Đã chi:    {:>16} đ", s.paid_out);
        put!(out, "Hủy chi:   {:>16} đ", s.reversed);
        put!(out, "Nộp trả:   {:>16} đ", s.returned);
        put!(out, "Tồn quỹ:   {:>16} đ", s.on_hand);
        if let Some(c) = &s.last_count {
            put!(
                out,
                "Kiểm quỹ gần nhất: đếm {} đ, chênh lệch {} đ.",
                c.counted,
                c.difference
            );
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}
