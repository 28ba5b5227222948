//! `paypoint day …`: facts of one payout day. `day supervisor` records who the managing office
//! (or the commune) sent to supervise the payout (người giám sát, TT 44/2022/TT-BTC Điều 8 as
//! amended by TT 95/2025/TT-BTC); the signature sheet and the day report print their name under
//! their signature block. `day show` reads it back.

use chrono::NaiveDate;
use clap::Subcommand;
use paypoint::supervisor::DaySupervisor;
use paypoint::Ledger;
use serde_json::{json, Value};

use crate::access::sign_in;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Subcommand)]
pub enum DayCommand {
    /// Ghi người giám sát buổi chi trả (do xã / đơn vị quản lý cử). Ghi lại lần nữa trong cùng ngày thì lần sau thay lần trước trên giấy tờ; cả hai vẫn lưu trong sổ.
    Supervisor {
        /// Họ và tên người giám sát.
        #[arg(long)]
        name: String,
        /// Chức vụ, đơn vị, ví dụ "Công chức Văn hóa - Xã hội, UBND xã Quảng Hưng".
        #[arg(long)]
        office: String,
        /// Ngày chi trả được giám sát (YYYY-MM-DD). Mặc định: hôm nay.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
    /// Xem người giám sát đã ghi cho một ngày.
    Show {
        /// Ngày (YYYY-MM-DD). Mặc định: hôm nay.
        #[arg(long)]
        date: Option<NaiveDate>,
    },
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// `paypoint day supervisor|show`; the record by the signed-in clerk.
pub fn run(ledger: &mut Ledger, clerk: Option<i64>, command: &DayCommand) -> Outcome {
    match command {
        DayCommand::Supervisor { name, office, date } => {
            let by = sign_in(ledger, clerk)?;
            let date = date.unwrap_or_else(today);
            let recorded = ledger.record_day_supervisor(&by, date, name, office)?;
            done(Supervised {
                date,
                supervisor: Some(recorded),
                recorded: true,
            })
        }
        DayCommand::Show { date } => {
            let date = date.unwrap_or_else(today);
            done(Supervised {
                date,
                supervisor: ledger.day_supervisor(date)?,
                recorded: false,
            })
        }
    }
}

struct Supervised {
    date: NaiveDate,
    supervisor: Option<DaySupervisor>,
    /// Just recorded (rather than read back).
    recorded: bool,
}

impl Report for Supervised {
    fn text(&self) -> String {
        let mut out = String::new();
        let day = self.date.format("%d/%m/%Y");
        match (&self.supervisor, self.recorded) {
            (Some(s), true) => put!(
                out,
                "Đã ghi người giám sát ngày {day}: {} – {}.",
                s.name,
                s.office
            ),
            (Some(s), false) => put!(out, "Người giám sát ngày {day}: {} – {}.", s.name, s.office),
            (None, _) => put!(
                out,
                "Chưa ghi người giám sát ngày {day}: giấy tờ in khối chữ ký để trống. Ghi bằng `paypoint day supervisor --name … --office …`."
            ),
        }
        out
    }

    fn json(&self) -> Value {
        json!({"date": self.date, "supervisor": self.supervisor.as_ref().map(to_json)})
    }
}
