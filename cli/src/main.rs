//! `paypoint`: every workflow of the pay point ledger from the command line, for admins, scripts
//! and tests. Thin: it parses, opens the ledger, hands the command to its module
//! (`commands::*`), prints the report it returns once, as text or as JSON (`report`), and maps a
//! refusal to an exit code (`failure`).
#![warn(clippy::too_many_lines)]

mod access;
mod choice;
mod commands;
mod failure;
mod input;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use commands::{
    account, cash, clerk, day, hold, id, journal, ledger, lookup, org, payout, period, policy,
    print, roll, stop, sync, words,
};
use paypoint::Ledger;
use report::Outcome;

const AFTER_HELP: &str = "\
PIN: đọc từ biến môi trường PAYPOINT_PIN (người duyệt: PAYPOINT_APPROVER_PIN), nếu không có thì hỏi
trên terminal. Nhân viên: --clerk ID hoặc PAYPOINT_CLERK; bỏ trống được khi sổ chỉ có một nhân viên.

Mã hoá: sổ được mã hoá (SQLCipher). Khoá nằm trong kho khoá của máy; nếu máy không có kho khoá, sổ
mở bằng mật khẩu của người phụ trách (ít nhất 10 ký tự): biến PAYPOINT_PASSPHRASE, hoặc hỏi trên
terminal. PAYPOINT_KEYSTORE=off: không dùng kho khoá của máy. Tệp khoá nằm cạnh sổ (so.sqlite.key):
sao lưu cùng sổ; mất cả kho khoá lẫn mật khẩu thì không đọc lại được sổ (xem docs/SECURITY.md).

Ví dụ một ngày chi trả:
  paypoint --db so.sqlite init --pay-point QH01 --name \"Bưu điện văn hóa xã Quảng Hưng\"
  PAYPOINT_PIN=1234 paypoint --db so.sqlite clerk add --name \"Trần Thị Mai\"
  PAYPOINT_PIN=9999 paypoint --db so.sqlite clerk add --name \"Lê Văn Nam\" --supervisor
  PAYPOINT_PIN=9999 paypoint --db so.sqlite --clerk 2 org set --province \"Quảng Trị\" --fee-rate 0,55
  paypoint --db so.sqlite roll demo --period 2026-12 --size 300
  PAYPOINT_PIN=1234 paypoint --db so.sqlite --clerk 1 cash advance 900.000.000
  paypoint --db so.sqlite search \"ng t huong\"
  PAYPOINT_PIN=1234 paypoint --db so.sqlite pay QH01-000001 --clerk 1
  PAYPOINT_PIN=1234 paypoint --db so.sqlite --clerk 1 cash count 500000=12 200000=3
  paypoint --db so.sqlite status --json

Trên Windows: cmd.exe đặt biến bằng `set PAYPOINT_PIN=1234` rồi chạy `paypoint.exe …`; PowerShell bằng
`$env:PAYPOINT_PIN = \"1234\"`. Sổ mặc định nằm trong %APPDATA%\\vn.paypoint.sochitra\\.

Mã thoát: 0 thành công; 1 bị từ chối (lý do in ra, sổ không thay đổi); 2 sai cú pháp lệnh.";

/// Sổ chi trả: sổ chi trả trợ cấp ưu đãi người có công tại điểm chi trả (offline).
#[derive(Parser)]
#[command(name = "paypoint", version, about, after_help = AFTER_HELP)]
struct Cli {
    /// Tệp sổ (SQLite). Mặc định: thư mục dữ liệu của ứng dụng, dùng chung với ứng dụng máy tính.
    #[arg(long, global = true, env = "PAYPOINT_DB", value_name = "FILE")]
    db: Option<PathBuf>,
    /// Nhân viên thực hiện (số ID). Mặc định: nhân viên duy nhất của sổ.
    #[arg(long, global = true, env = "PAYPOINT_CLERK", value_name = "ID")]
    clerk: Option<i64>,
    /// In kết quả dạng JSON (số tiền là số nguyên đồng).
    #[arg(long, global = true)]
    json: bool,
    /// Đồng hồ mẫu, chỉ cho sổ dữ liệu mẫu (tập huấn, ảnh chụp giấy tờ): mỗi sự kiện ghi giờ trong
    /// lịch chi trả niêm yết của kỳ (ngày 1–5, 7h30–11h30 và 13h30–17h00), cách nhau vài phút, thay
    /// cho giờ của máy. Sổ có danh sách thật thì bị từ chối.
    #[arg(long, global = true, env = "PAYPOINT_DEMO_CLOCK", value_parser = clap::builder::FalseyValueParser::new())]
    demo_clock: bool,
    #[command(subcommand)]
    command: Command,
}

// The doc comment of each variant is its line in `paypoint --help`; the arguments are declared
// in the command's module.
#[derive(Subcommand)]
enum Command {
    /// Khởi tạo sổ mới cho một điểm chi trả.
    Init(ledger::InitArgs),
    /// Mã hoá một sổ cũ chưa mã hoá (giữ nguyên mọi sự kiện và chuỗi băm). Đóng ứng dụng trước.
    Encrypt,
    /// Đổi mật khẩu của người phụ trách (mật khẩu cũ: PAYPOINT_PASSPHRASE; mới: PAYPOINT_NEW_PASSPHRASE, hoặc hỏi).
    Passphrase,
    /// Nhân viên chi trả và giám sát viên.
    #[command(subcommand)]
    Clerk(clerk::ClerkCommand),
    /// Danh sách chi trả của kỳ.
    #[command(subcommand)]
    Roll(roll::RollCommand),
    /// Tìm đối tượng (không dấu, viết tắt đầu từ): "ng t huong", mã, số CCCD, thôn. Bỏ trống để liệt kê cả danh sách.
    Search(lookup::SearchArgs),
    /// Thẻ đối tượng: các khoản, đã trả, còn phải trả, báo giảm.
    Show(lookup::ShowArgs),
    /// Thẻ căn cước: đọc mã QR (máy quét gõ ra) và tìm chủ thẻ trong danh sách.
    #[command(subcommand)]
    Id(id::IdCommand),
    /// Chi trả mọi khoản chưa trả của đối tượng trong kỳ đang mở.
    Pay(payout::PayArgs),
    /// Hủy một lần chi trả (cần giám sát viên duyệt bằng PIN).
    Reverse(payout::ReverseArgs),
    /// Ghi kết quả đến nhà (chi tại nhà). "paid" chi trả luôn tại nhà.
    Visit(payout::VisitArgs),
    /// Báo giảm: dừng chi trả ngay (từ trần, chuyển đi, lý do khác).
    Stop(stop::StopArgs),
    /// Quỹ tiền mặt: tạm ứng, nộp trả, kiểm quỹ.
    #[command(subcommand)]
    Cash(cash::CashCommand),
    /// Kỳ chi trả.
    #[command(subcommand)]
    Period(period::PeriodCommand),
    /// Bảng mức trợ cấp: bảng đang áp dụng (căn cứ, từ ngày nào), nạp bảng mới của đơn vị quản lý.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Thông tin đơn vị in trên giấy tờ: đơn vị quản lý, đơn vị chi trả, tỉnh, xã, chức danh người
    /// ký, phí chi trả.
    #[command(subcommand)]
    Org(org::OrgCommand),
    /// Ngày chi trả: ghi người giám sát của xã / đơn vị quản lý (TT 44/2022 Điều 8).
    #[command(subcommand)]
    Day(day::DayCommand),
    /// Hai máy ở một điểm chi trả: mỗi người do một máy giữ và chỉ máy đó chi; giao người sang máy kia bằng tệp.
    #[command(subcommand)]
    Hold(hold::HoldCommand),
    /// Nhận trợ cấp qua tài khoản ngân hàng: ghi đề nghị, in giấy đề nghị, xem quyết định của đơn vị quản lý.
    #[command(subcommand)]
    Account(account::AccountCommand),
    /// Tình hình kỳ đang mở: đã trả, chưa trả, tồn quỹ.
    Status,
    /// Kiểm tra chuỗi băm của nhật ký và nội dung danh sách; báo mắt xích hỏng đầu tiên.
    Verify,
    /// Nhật ký sự kiện.
    Events(journal::EventsArgs),
    /// In giấy tờ ra PDF: danh sách ký nhận, biên nhận, báo cáo ngày, danh sách chưa nhận, quyết toán, niêm yết.
    Print(print::PrintArgs),
    /// Đồng bộ với máy chủ của đơn vị quản lý: đăng ký thiết bị, nhận danh sách và báo giảm, gửi nhật ký.
    Sync(sync::SyncArgs),
    /// Đọc số tiền bằng chữ: 2055000 → "Hai triệu không trăm năm mươi lăm nghìn đồng".
    Words(words::WordsArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    report::finish(run(cli), json)
}

/// Runs the command: the few that make, convert or unlock the file itself first, then the
/// others on the opened ledger.
fn run(cli: Cli) -> Outcome {
    let path = cli.db.unwrap_or_else(paypoint::ledger::default_path);
    match cli.command {
        Command::Words(args) => words::run(&args),
        Command::Init(args) => ledger::init(&path, &args),
        Command::Encrypt => ledger::encrypt(&path),
        Command::Passphrase => ledger::passphrase(&path),
        command => {
            let mut ledger = access::open_ledger(&path)?;
            if cli.demo_clock {
                ledger.use_demo_clock()?;
            }
            run_on(&mut ledger, cli.clerk, command)
        }
    }
}

/// A command on an open ledger; `clerk` is `--clerk`, for the commands that sign in.
fn run_on(ledger: &mut Ledger, clerk: Option<i64>, command: Command) -> Outcome {
    match command {
        Command::Init(_) | Command::Words(_) | Command::Encrypt | Command::Passphrase => {
            unreachable!("handled before opening")
        }
        Command::Clerk(c) => clerk::run(ledger, clerk, &c),
        Command::Roll(c) => roll::run(ledger, &c),
        Command::Search(args) => lookup::search(ledger, &args),
        Command::Show(args) => lookup::show(ledger, &args),
        Command::Id(c) => id::run(ledger, &c),
        Command::Pay(args) => payout::pay(ledger, clerk, &args),
        Command::Reverse(args) => payout::reverse(ledger, clerk, &args),
        Command::Visit(args) => payout::visit(ledger, clerk, &args),
        Command::Stop(args) => stop::run(ledger, clerk, &args),
        Command::Cash(c) => cash::run(ledger, clerk, &c),
        Command::Period(c) => period::run(ledger, clerk, &c),
        Command::Policy(c) => policy::run(ledger, &c),
        Command::Org(c) => org::run(ledger, clerk, &c),
        Command::Day(c) => day::run(ledger, clerk, &c),
        Command::Hold(c) => hold::run(ledger, clerk, &c),
        Command::Account(c) => account::run(ledger, clerk, &c),
        Command::Status => journal::status(ledger),
        Command::Verify => journal::verify(ledger),
        Command::Events(args) => journal::events(ledger, &args),
        Command::Print(args) => print::run(ledger, &args),
        Command::Sync(args) => sync::run(ledger, &args),
    }
}
