//! `paypoint id parse`: the QR code of a citizen ID card, read and found on the roll — what the
//! window does when the scanner types a card at the Pay screen.

use clap::{Args, Subcommand};
use paypoint::idcard;
use paypoint::scan::Scan;
use paypoint::Ledger;
use serde_json::{json, Value};

use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Subcommand)]
pub enum IdCommand {
    /// Đọc văn bản mã QR trên thẻ căn cước (như máy quét gõ ra, các trường cách nhau bởi "|") và
    /// tìm người có số định danh đó trong danh sách của kỳ đang mở (chủ thẻ hoặc người nhận thay).
    Parse(ParseArgs),
}

#[derive(Args)]
pub struct ParseArgs {
    /// Văn bản mã QR (đặt trong ngoặc kép).
    text: String,
}

struct Scanned(Scan);

impl Report for Scanned {
    fn text(&self) -> String {
        let mut out = String::new();
        let c = &self.0.card;
        put!(
            out,
            "Thẻ căn cước số {}: {}, sinh {}, {}, cấp ngày {}.",
            c.id_number,
            c.name,
            c.birth_date.format("%d/%m/%Y"),
            if c.sex == paypoint::model::Sex::F {
                "Nữ"
            } else {
                "Nam"
            },
            c.issued.format("%d/%m/%Y")
        );
        if self.0.holders.is_empty() {
            put!(out, "Không có trong danh sách: không chi cho người này.");
        }
        for h in &self.0.holders {
            let whose = if h.as_proxy {
                format!("Người nhận thay của {} {}", h.code, h.name)
            } else {
                format!("Chủ thẻ: {} {}", h.code, h.name)
            };
            if h.differed.is_empty() {
                put!(out, "{whose} — khớp với danh sách.");
            } else {
                put!(
                    out,
                    "{whose} — thẻ khác danh sách ở: {}. Xem lại người nhận trước khi chi.",
                    idcard::labels(&h.differed)
                );
            }
        }
        out
    }

    fn json(&self) -> Value {
        json!({"card": to_json(&self.0.card), "holders": to_json(&self.0.holders)})
    }
}

pub fn run(ledger: &Ledger, c: &IdCommand) -> Outcome {
    match c {
        IdCommand::Parse(args) => done(Scanned(ledger.scan(&args.text)?)),
    }
}
