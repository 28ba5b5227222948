//! `paypoint sync …`: enrol with the district hub, one full sync round, where the exchange stands.

use std::time::Duration;

use clap::{Args, Subcommand};
use paypoint::sync::client::{self, SyncOptions, SyncReport, SyncStatus};
use paypoint::sync::protocol::EnrolResponse;
use paypoint::Ledger;
use serde::Serialize;
use serde_json::Value;

use crate::report::{done, put, to_json, Outcome, Report};

/// Arguments of `paypoint sync`.
#[derive(Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    command: Option<SyncCommand>,
    /// Số lần thử mỗi yêu cầu khi mạng lỗi (lần đầu tính là một).
    #[arg(long, env = "PAYPOINT_SYNC_ATTEMPTS", default_value_t = 6)]
    attempts: u32,
    /// Thời gian chờ tối đa của một yêu cầu (giây).
    #[arg(long, env = "PAYPOINT_SYNC_TIMEOUT", default_value_t = 30)]
    timeout: u64,
    /// Số sự kiện mỗi lô gửi lên.
    #[arg(long, env = "PAYPOINT_SYNC_BATCH", default_value_t = paypoint::sync::protocol::BATCH_EVENTS)]
    batch: usize,
}

#[derive(Subcommand)]
enum SyncCommand {
    /// Đăng ký thiết bị với máy chủ của đơn vị quản lý bằng mã dùng một lần do đơn vị quản lý cấp.
    Enrol {
        /// Địa chỉ máy chủ của đơn vị quản lý (https://… ; http:// chỉ dùng trong mạng nội bộ).
        url: String,
        /// Mã đăng ký.
        code: String,
    },
    /// Tình hình đồng bộ: chờ gửi, đã gửi, đơn vị quản lý đã nhận, cảnh báo, biên nhận gần nhất.
    Status,
}

/// `--json` of the sync commands: the core's answer with its fields in their declared order.
fn pretty(v: &impl Serialize) -> String {
    serde_json::to_string_pretty(v).expect("serialises")
}

/// The hub's answer, and this device's short id (for the second device's hint).
struct Enrolled(EnrolResponse, String);

impl Report for Enrolled {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(
            out,
            "Đã đăng ký thiết bị với đơn vị quản lý cho điểm {} ({}).",
            self.0.pay_point_name,
            self.0.pay_point
        );
        if !self.0.other_devices.is_empty() {
            put!(
                out,
                "Điểm đã có máy khác: máy này là máy thứ hai, chỉ chi cho người được giao (máy kia chạy `paypoint hold give --to {}`).",
                self.1
            );
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }

    fn json_text(&self) -> String {
        pretty(&self.0)
    }
}

struct Exchange(SyncStatus);

impl Report for Exchange {
    fn text(&self) -> String {
        let mut out = String::new();
        status_text(&mut out, &self.0);
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }

    fn json_text(&self) -> String {
        pretty(&self.0)
    }
}

struct Synced(SyncReport);

impl Report for Synced {
    fn text(&self) -> String {
        let mut out = String::new();
        let r = &self.0;
        put!(
            out,
            "Đồng bộ xong: {} thay đổi từ đơn vị quản lý ({} báo giảm, {} danh sách), {} lô gửi, {} sự kiện được đơn vị quản lý xác nhận.",
            r.amendments_applied,
            r.stops_applied,
            r.rolls.len(),
            r.batches,
            r.events_acknowledged
        );
        for f in &r.flags {
            put!(out, "Cảnh báo của đơn vị quản lý: {}", f.detail);
        }
        status_text(&mut out, &r.status);
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }

    fn json_text(&self) -> String {
        pretty(&self.0)
    }
}

/// Runs the sync command asked for.
pub fn run(ledger: &mut Ledger, args: &SyncArgs) -> Outcome {
    let opts = SyncOptions {
        attempts: args.attempts.max(1),
        timeout: Duration::from_secs(args.timeout.max(1)),
        batch_events: args
            .batch
            .clamp(1, paypoint::sync::protocol::MAX_BATCH_EVENTS),
        ..SyncOptions::default()
    };
    match &args.command {
        Some(SyncCommand::Enrol { url, code }) => {
            let me = ledger.device_short_id();
            done(Enrolled(client::enrol(ledger, url, code, &opts)?, me))
        }
        Some(SyncCommand::Status) => done(Exchange(client::status(ledger)?)),
        None => done(Synced(client::sync(ledger, &opts)?)),
    }
}

fn status_text(out: &mut String, s: &SyncStatus) {
    if !s.enrolled {
        put!(out, "Thiết bị chưa đăng ký với đơn vị quản lý.");
        return;
    }
    put!(
        out,
        "Máy chủ của đơn vị quản lý: {}\nChờ gửi: {}  Đã gửi chờ xác nhận: {}  Đơn vị quản lý đã nhận: {}  Cảnh báo: {}  Biên nhận: {}",
        s.hub_url.as_deref().unwrap_or(""),
        s.pending,
        s.sent,
        s.acknowledged,
        s.flagged,
        s.receipts
    );
    if let Some(t) = &s.last_success_at {
        put!(out, "Đồng bộ thành công gần nhất: {t}");
    }
    if let Some(e) = &s.last_error {
        put!(out, "Lỗi lần trước: {e}");
    }
}
