//! `paypoint policy …`: the allowance rate table — the one in force on a day (its legal basis and
//! since when), and a newer table the managing office sends, loaded without a new release.

use std::path::PathBuf;

use clap::Subcommand;
use paypoint::policy::{PolicyInForce, PolicyLoadReceipt, TableHeading};
use paypoint::Ledger;
use serde_json::Value;

use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Subcommand)]
pub enum PolicyCommand {
    /// Nạp bảng mức trợ cấp mới từ tệp JSON của đơn vị quản lý (mẫu: assets/policy/nd-77-2024.json).
    /// Tệp được kiểm tra toàn bộ: sai một trường là từ chối cả tệp, lỗi ghi rõ trường và mục, sổ
    /// không thay đổi. Bảng mới áp dụng từ ngày hiệu lực của nó, không áp dụng cho ngày trước đó.
    Load {
        /// Tệp bảng mức (JSON).
        file: PathBuf,
    },
    /// Bảng mức đang áp dụng vào một ngày: căn cứ (số hiệu, ngày ký), áp dụng từ ngày nào, nguồn
    /// (kèm chương trình hay nạp từ tệp), mức chuẩn và các diện; bảng mới đã nạp nếu có.
    Show {
        /// Ngày (YYYY-MM-DD). Mặc định: hôm nay.
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
        /// Chỉ các diện khớp các từ này (không dấu): "thuong binh".
        #[arg(long, default_value = "")]
        query: String,
    },
}

/// `paypoint policy load|show`.
pub fn run(ledger: &mut Ledger, command: &PolicyCommand) -> Outcome {
    match command {
        PolicyCommand::Load { file } => done(Loaded(ledger.load_policy_file(file)?)),
        PolicyCommand::Show { on, query } => {
            let on = on.unwrap_or_else(|| chrono::Local::now().date_naive());
            done(InForce(ledger.policy_on(on)?.matching(query)))
        }
    }
}

fn dmy(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// "Nghị định 77/2024/NĐ-CP (ký ngày 01/07/2024), áp dụng từ 01/07/2024, mức chuẩn 2.789.000 đ".
fn describe(h: &TableHeading) -> String {
    format!(
        "Nghị định {} (ký ngày {}), áp dụng từ {}, mức chuẩn {} đ",
        h.basis,
        dmy(h.signed_on),
        dmy(h.effective_from),
        h.base_rate
    )
}

fn origin(h: &TableHeading) -> String {
    match (&h.origin.event_seq, &h.origin.loaded_at) {
        (Some(seq), Some(at)) => {
            format!("nạp từ tệp {} lúc {at} (sự kiện số {seq})", h.origin.source)
        }
        _ => "kèm chương trình".to_string(),
    }
}

struct Loaded(PolicyLoadReceipt);

impl Report for Loaded {
    fn text(&self) -> String {
        let mut out = String::new();
        let h = &self.0.heading;
        put!(
            out,
            "Đã nạp bảng mức: {}; {} diện.",
            describe(h),
            h.categories
        );
        put!(out, "Nguồn: {}.", origin(h));
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

struct InForce(PolicyInForce);

impl Report for InForce {
    fn text(&self) -> String {
        let mut out = String::new();
        let p = &self.0;
        put!(
            out,
            "Bảng mức áp dụng ngày {}: {}.",
            dmy(p.on),
            describe(&p.heading)
        );
        put!(out, "Nguồn: {}.", origin(&p.heading));
        put!(
            out,
            "Trợ cấp người phục vụ: {} đ (trường hợp nặng nhất {} đ).",
            p.carer,
            p.carer_severe
        );
        for r in &p.rates {
            match r.supplement {
                Some(s) => put!(
                    out,
                    "  {:<50} {:>11} đ + phụ cấp {} đ",
                    r.category,
                    r.monthly.to_string(),
                    s
                ),
                None => put!(out, "  {:<50} {:>11} đ", r.category, r.monthly.to_string()),
            }
        }
        if let Some(u) = &p.upcoming {
            put!(
                out,
                "Bảng mới đã nạp, chưa đến ngày áp dụng: {}.",
                describe(u)
            );
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}
