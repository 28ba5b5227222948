//! `paypoint search` and `paypoint show`: finding a person on the roll, and their card.

use clap::Args;
use paypoint::beneficiary::BeneficiaryView;
use paypoint::payout::PayoutError;
use paypoint::search::SearchHit;
use paypoint::Ledger;
use serde_json::Value;

use crate::failure::Failure;
use crate::input::code;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Args)]
pub struct SearchArgs {
    /// Từ khóa.
    #[arg(default_value = "")]
    query: String,
    /// Số kết quả tối đa.
    #[arg(long)]
    limit: Option<usize>,
}

#[derive(Args)]
pub struct ShowArgs {
    /// Mã đối tượng.
    code: String,
}

struct Hits {
    query: String,
    hits: Vec<SearchHit>,
}

impl Report for Hits {
    fn text(&self) -> String {
        let mut out = String::new();
        if self.hits.is_empty() {
            put!(out, "Không tìm thấy ai với “{}”.", self.query);
            return out;
        }
        put!(
            out,
            "{:<14} {:<28} {:<16} {:>14} {:>14}",
            "MÃ",
            "HỌ TÊN",
            "THÔN",
            "CÒN PHẢI TRẢ",
            "ĐÃ TRẢ"
        );
        for h in &self.hits {
            put!(
                out,
                "{:<14} {:<28} {:<16} {:>14} {:>14}{}",
                h.code,
                h.name,
                h.village,
                h.due,
                h.paid,
                if h.home_delivery {
                    "  (chi tại nhà)"
                } else {
                    ""
                }
            );
        }
        put!(out, "{} người.", self.hits.len());
        out
    }

    fn json(&self) -> Value {
        to_json(&self.hits)
    }
}

/// `paypoint search [QUERY] [--limit N]`.
pub fn search(ledger: &mut Ledger, args: &SearchArgs) -> Outcome {
    let hits = ledger.search(&args.query, args.limit)?;
    done(Hits {
        query: args.query.clone(),
        hits,
    })
}

struct Card(BeneficiaryView);

impl Report for Card {
    fn text(&self) -> String {
        let mut out = String::new();
        let card = &self.0;
        put!(out, "{} — {} ({})", card.code, card.name, card.village);
        put!(out, "Diện: {}", card.category);
        for l in &card.lines {
            let state = if l.paid_by.is_some() {
                "đã trả"
            } else if l.stopped {
                "dừng chi trả"
            } else if l.by_account {
                "chuyển khoản"
            } else {
                "chưa trả"
            };
            put!(
                out,
                "  {:<24} {:<15} {:>14} đ  {}",
                l.kind.label_vi(),
                l.months(),
                l.amount,
                state
            );
        }
        if let Some(p) = &card.proxy {
            put!(
                out,
                "Người nhận thay: {} ({}), CCCD {}, ủy quyền đến {}",
                p.name,
                p.relationship,
                p.id_card,
                p.valid_until.format("%d/%m/%Y")
            );
        }
        if let Some(s) = &card.stop {
            match s.date {
                Some(d) => put!(
                    out,
                    "BÁO GIẢM: {}, ngày {}",
                    s.reason.label_vi(),
                    d.format("%d/%m/%Y")
                ),
                None => put!(out, "BÁO GIẢM: {}", s.reason.label_vi()),
            }
        }
        if let Some(h) = &card.to_confirm {
            put!(out, "{}", h.message_vi());
        }
        if let Some(a) = &card.by_account {
            put!(out, "{}", a.message_vi());
        }
        put!(
            out,
            "Còn phải trả: {} đ — {}",
            card.payable,
            card.status.label_vi()
        );
        // Why not now, in the words the payout would refuse with.
        if let Some(why) = PayoutError::not_payable(card) {
            put!(out, "Chưa chi được: {why}");
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// `paypoint show CODE`: the card of a person in the open period.
pub fn show(ledger: &mut Ledger, args: &ShowArgs) -> Outcome {
    let c = code(&args.code)?;
    let card = ledger.beneficiary(&c)?.ok_or_else(|| {
        Failure::new(
            "unknown_beneficiary",
            format!("không tìm thấy đối tượng có mã “{c}” trong kỳ đang mở"),
        )
    })?;
    done(Card(card))
}
