//! `paypoint sync …`: enrol with the district hub, one full sync round, where the exchange stands.

use std::time::Duration;

use clap::{Args, Subcommand};
use paypoint::sync::client::{self, SyncOptions};
use paypoint::Ledger;

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
    /// Đăng ký thiết bị với máy chủ huyện bằng mã dùng một lần do huyện cấp.
    Enrol {
        /// Địa chỉ máy chủ huyện (https://… ; http:// chỉ dùng trong mạng nội bộ).
        url: String,
        /// Mã đăng ký.
        code: String,
    },
    /// Tình hình đồng bộ: chờ gửi, đã gửi, huyện đã nhận, cảnh báo, biên nhận gần nhất.
    Status,
}

fn say(s: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stdout().lock(), "{s}");
}

fn json_out<T: serde::Serialize>(v: &T) {
    say(&serde_json::to_string_pretty(v).expect("serialises"));
}

/// Runs the sync command asked for.
pub fn run(ledger: &mut Ledger, args: &SyncArgs, json: bool) -> Result<(), String> {
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
            let r = client::enrol(ledger, url, code, &opts).map_err(|e| e.to_string())?;
            if json {
                json_out(&r);
            } else {
                say(&format!(
                    "Đã đăng ký thiết bị với huyện cho điểm {} ({}).",
                    r.pay_point_name, r.pay_point
                ));
            }
        }
        Some(SyncCommand::Status) => {
            let s = client::status(ledger).map_err(|e| e.to_string())?;
            if json {
                json_out(&s);
            } else {
                print_status(&s);
            }
        }
        None => {
            let r = client::sync(ledger, &opts).map_err(|e| e.to_string())?;
            if json {
                json_out(&r);
            } else {
                say(&format!(
                    "Đồng bộ xong: {} thay đổi từ huyện ({} báo giảm, {} danh sách), {} lô gửi, {} sự kiện được huyện xác nhận.",
                    r.amendments_applied,
                    r.stops_applied,
                    r.rolls.len(),
                    r.batches,
                    r.events_acknowledged
                ));
                for f in &r.flags {
                    say(&format!("Cảnh báo của huyện: {}", f.detail));
                }
                print_status(&r.status);
            }
        }
    }
    Ok(())
}

fn print_status(s: &client::SyncStatus) {
    if !s.enrolled {
        say("Thiết bị chưa đăng ký với huyện.");
        return;
    }
    say(&format!(
        "Máy chủ huyện: {}\nChờ gửi: {}  Đã gửi chờ xác nhận: {}  Huyện đã nhận: {}  Cảnh báo: {}  Biên nhận: {}",
        s.hub_url.as_deref().unwrap_or(""),
        s.pending,
        s.sent,
        s.acknowledged,
        s.flagged,
        s.receipts
    ));
    if let Some(t) = &s.last_success_at {
        say(&format!("Đồng bộ thành công gần nhất: {t}"));
    }
    if let Some(e) = &s.last_error {
        say(&format!("Lỗi lần trước: {e}"));
    }
}
