//! Where the ledger stands: `paypoint status` (the open period), `verify` (the hash chain and the
//! rolls as loaded) and `events` (the journal itself).

use clap::Args;
use paypoint::event::{ChainReport, Event};
use paypoint::{Ledger, Period, Status};
use serde_json::{json, Value};

use crate::failure::Failure;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Args)]
pub struct EventsArgs {
    /// Chỉ các sự kiện sau số thứ tự này.
    #[arg(long, default_value_t = 0)]
    after: u64,
    /// Số sự kiện tối đa.
    #[arg(long, default_value_t = 100)]
    limit: usize,
}

/// Most events one `paypoint events` prints, whatever `--limit` says.
const MAX_EVENTS: usize = 10_000;

struct Standing(Status);

impl Report for Standing {
    fn text(&self) -> String {
        let mut out = String::new();
        let s = &self.0;
        let Some(p) = s.period else {
            put!(
                out,
                "{} ({}): chưa có kỳ chi trả đang mở. {} sự kiện.",
                s.pay_point_name,
                s.pay_point_code,
                s.events
            );
            return out;
        };
        put!(
            out,
            "{} ({}) — kỳ {}{}",
            s.pay_point_name,
            s.pay_point_code,
            p,
            if s.demo { " — DỮ LIỆU MẪU" } else { "" }
        );
        put!(
            out,
            "Đối tượng: {} (đã nhận {})",
            s.beneficiaries,
            s.paid_beneficiaries
        );
        put!(out, "Phải trả:  {:>16} đ ({} khoản)", s.total_due, s.lines);
        put!(
            out,
            "Đã trả:    {:>16} đ ({} khoản)",
            s.paid_amount,
            s.paid_lines
        );
        put!(
            out,
            "Chưa trả:  {:>16} đ (trong đó dừng chi trả {} đ)",
            s.unpaid_amount,
            s.stopped_amount
        );
        let a = &s.by_account;
        if a.by_account_people > 0 {
            put!(
                out,
                "Qua tài khoản: {} người, {} đ ({} số người, {} số tiền; không chi tiền mặt)",
                a.by_account_people,
                a.by_account_amount,
                paypoint::account::percent_vi(a.people_permille()),
                paypoint::account::percent_vi(a.amount_permille())
            );
        }
        put!(out, "Tồn quỹ:   {:>16} đ", s.cash_on_hand);
        put!(out, "Sự kiện:   {:>16}", s.events);
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// `paypoint status`.
pub fn status(ledger: &Ledger) -> Outcome {
    done(Standing(ledger.status()?))
}

/// The chain recomputed, and the first roll whose content differs from when it was loaded.
struct Verified {
    chain: ChainReport,
    bad_roll: Option<(Period, u32)>,
}

impl Report for Verified {
    fn text(&self) -> String {
        let mut out = String::new();
        if let Some(b) = &self.chain.first_broken {
            put!(out, "HỎNG: sự kiện số {}: {}", b.seq, b.reason);
        } else {
            put!(out, "Chuỗi băm nguyên vẹn: {} sự kiện.", self.chain.events);
        }
        if let Some((p, v)) = self.bad_roll {
            put!(
                out,
                "HỎNG: nội dung danh sách kỳ {p} (phiên bản {v}) khác với lúc nạp."
            );
        }
        out
    }

    fn json(&self) -> Value {
        let chain = &self.chain;
        json!({
            "events": chain.events, "chain_ok": chain.chain_ok, "first_broken": chain.first_broken,
            "head": chain.head, "rolls_ok": self.bad_roll.is_none(),
            "bad_roll": self.bad_roll.map(|(p, v)| json!({"period": p, "version": v})),
        })
    }
}

/// `paypoint verify`: refuses (exit 1) when the ledger is not intact, after saying where.
pub fn verify(ledger: &Ledger) -> Outcome {
    let report = Verified {
        chain: ledger.verify()?,
        bad_roll: ledger.verify_rolls()?,
    };
    if !report.chain.chain_ok || report.bad_roll.is_some() {
        return Err(Failure::new(
            "not_intact",
            "sổ không còn nguyên vẹn; giữ nguyên tệp và báo cho đơn vị quản lý",
        )
        .after(report));
    }
    done(report)
}

struct Journal(Vec<Event>);

impl Report for Journal {
    fn text(&self) -> String {
        let mut out = String::new();
        for e in &self.0 {
            put!(
                out,
                "{:>6}  {}  {:<18} {}",
                e.seq,
                e.time,
                e.kind.as_str(),
                paypoint::event::canonical_json(&paypoint::account::payload_for_display(
                    e.kind, &e.payload
                ))
            );
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

/// `paypoint events [--after N] [--limit N]`.
pub fn events(ledger: &Ledger, args: &EventsArgs) -> Outcome {
    done(Journal(
        ledger.events_after(args.after, args.limit.min(MAX_EVENTS))?,
    ))
}
