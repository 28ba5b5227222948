//! `paypoint`: every workflow of the pay point ledger from the command line, for admins, scripts
//! and tests. Thin: it parses, calls the core, prints, and maps errors to an exit code.

mod print;
mod sync;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use paypoint::cash::CashCount;
use paypoint::clerk::{Pin, Role, SignedIn};
use paypoint::payout::{Approval, PayoutRequest, Recipient};
use paypoint::stop::StopReason;
use paypoint::vault::{self, KeyStore, Passphrase, VaultError};
use paypoint::visit::VisitOutcome;
use paypoint::{demo, BeneficiaryCode, Dong, Ledger, LedgerError, Period};
use serde_json::json;
use uuid::Uuid;

/// Prints a line on stdout. A closed pipe (`paypoint search | head`) is not an error of the
/// command: what was recorded stays recorded and the exit code says so.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

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
  paypoint --db so.sqlite roll demo --period 2026-12 --size 300
  PAYPOINT_PIN=1234 paypoint --db so.sqlite --clerk 1 cash advance 900.000.000
  paypoint --db so.sqlite search \"ng t huong\"
  PAYPOINT_PIN=1234 paypoint --db so.sqlite pay QH01-000001 --clerk 1
  PAYPOINT_PIN=1234 paypoint --db so.sqlite --clerk 1 cash count 500000=12 200000=3
  paypoint --db so.sqlite status --json

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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Khởi tạo sổ mới cho một điểm chi trả.
    Init {
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// Tên điểm chi trả, ví dụ "Bưu điện văn hóa xã Quảng Hưng".
        #[arg(long)]
        name: String,
        /// Sổ MẪU để tập: khoá bọc bằng mật khẩu mẫu công khai (sochitra-demo), không hỏi mật
        /// khẩu. Không dùng cho dữ liệu thật.
        #[arg(long)]
        demo: bool,
    },
    /// Mã hoá một sổ cũ chưa mã hoá (giữ nguyên mọi sự kiện và chuỗi băm). Đóng ứng dụng trước.
    Encrypt,
    /// Đổi mật khẩu của người phụ trách (mật khẩu cũ: PAYPOINT_PASSPHRASE; mới: PAYPOINT_NEW_PASSPHRASE, hoặc hỏi).
    Passphrase,
    /// Nhân viên chi trả và giám sát viên.
    #[command(subcommand)]
    Clerk(ClerkCommand),
    /// Danh sách chi trả của kỳ.
    #[command(subcommand)]
    Roll(RollCommand),
    /// Tìm đối tượng (không dấu, viết tắt đầu từ): "ng t huong", mã, số CCCD, thôn. Bỏ trống để liệt kê cả danh sách.
    Search {
        /// Từ khóa.
        #[arg(default_value = "")]
        query: String,
        /// Số kết quả tối đa.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Thẻ đối tượng: các khoản, đã trả, còn phải trả, báo giảm.
    Show {
        /// Mã đối tượng.
        code: String,
    },
    /// Chi trả mọi khoản chưa trả của đối tượng trong kỳ đang mở.
    Pay {
        /// Mã đối tượng.
        code: String,
        #[command(flatten)]
        proxy: ProxyArgs,
        /// Chi tại nhà.
        #[arg(long)]
        home: bool,
        /// Số tiền đã xác nhận với người nhận; từ chối nếu số phải trả đã khác.
        #[arg(long, value_name = "AMOUNT")]
        expect: Option<String>,
        #[command(flatten)]
        approval: ApprovalArgs,
    },
    /// Hủy một lần chi trả (cần giám sát viên duyệt bằng PIN).
    Reverse {
        /// Mã lần chi trả (payout_id).
        payout_id: String,
        /// Lý do hủy.
        #[arg(long)]
        reason: String,
        /// Giám sát viên duyệt (số ID); PIN từ PAYPOINT_APPROVER_PIN.
        #[arg(long, env = "PAYPOINT_APPROVER")]
        approver: i64,
    },
    /// Ghi kết quả đến nhà (chi tại nhà). "paid" chi trả luôn tại nhà.
    Visit {
        /// Mã đối tượng.
        code: String,
        /// Kết quả.
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        /// Ghi chú.
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        proxy: ProxyArgs,
        #[command(flatten)]
        approval: ApprovalArgs,
    },
    /// Báo giảm: dừng chi trả ngay (từ trần, chuyển đi, lý do khác).
    Stop {
        /// Mã đối tượng.
        code: String,
        /// Lý do.
        #[arg(long, value_enum)]
        reason: ReasonArg,
        /// Ngày mất / ngày chuyển (YYYY-MM-DD).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// Ghi chú.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Quỹ tiền mặt: tạm ứng, nộp trả, kiểm quỹ.
    #[command(subcommand)]
    Cash(CashCommand),
    /// Kỳ chi trả.
    #[command(subcommand)]
    Period(PeriodCommand),
    /// Tình hình kỳ đang mở: đã trả, chưa trả, tồn quỹ.
    Status,
    /// Kiểm tra chuỗi băm của nhật ký và nội dung danh sách; báo mắt xích hỏng đầu tiên.
    Verify,
    /// Nhật ký sự kiện.
    Events {
        /// Chỉ các sự kiện sau số thứ tự này.
        #[arg(long, default_value_t = 0)]
        after: u64,
        /// Số sự kiện tối đa.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// In giấy tờ ra PDF: danh sách ký nhận, biên nhận, báo cáo ngày, danh sách chưa nhận, quyết toán, niêm yết.
    Print(print::PrintArgs),
    /// Đồng bộ với máy chủ huyện: đăng ký thiết bị, nhận danh sách và báo giảm, gửi nhật ký.
    Sync(sync::SyncArgs),
    /// Đọc số tiền bằng chữ: 2055000 → "Hai triệu không trăm năm mươi lăm nghìn đồng".
    Words {
        /// Số tiền (1624000, 1.624.000 …).
        amount: String,
    },
}

#[derive(Args)]
struct ProxyArgs {
    /// Người nhận thay: họ tên (phải có giấy ủy quyền trong danh sách).
    #[arg(long, requires = "proxy_id")]
    proxy_name: Option<String>,
    /// Người nhận thay: số CCCD.
    #[arg(long, requires = "proxy_name")]
    proxy_id: Option<String>,
}

impl ProxyArgs {
    fn recipient(&self) -> Recipient {
        match (&self.proxy_name, &self.proxy_id) {
            (Some(name), Some(id)) => Recipient::Proxy {
                name: name.clone(),
                id_card: id.clone(),
            },
            _ => Recipient::Beneficiary,
        }
    }
}

/// A supervisor's approval, for a person to be confirmed (chờ xác minh).
#[derive(Args)]
struct ApprovalArgs {
    /// Người chờ xác minh: giám sát viên duyệt (số ID, không phải người chi); PIN từ
    /// PAYPOINT_APPROVER_PIN hoặc hỏi.
    #[arg(long, requires = "approval_note")]
    approver: Option<i64>,
    /// Ghi chú của giám sát viên: đã gặp ai, giấy tờ gì.
    #[arg(long, requires = "approver")]
    approval_note: Option<String>,
}

impl ApprovalArgs {
    /// Signs the supervisor in, after checking they are not the paying clerk (a wrong PIN counts).
    fn sign_in(&self, ledger: &mut Ledger, by: &SignedIn) -> Result<Option<Approval>, Failure> {
        let (Some(id), Some(note)) = (self.approver, &self.approval_note) else {
            return Ok(None);
        };
        if by.id() == id {
            return Err(paypoint::clerk::ClerkError::SamePerson.into());
        }
        let pin = read_pin(
            "PAYPOINT_APPROVER_PIN",
            &format!("PIN của giám sát viên số {id}: "),
        )?;
        Ok(Some(Approval {
            approver: ledger.sign_in(id, &pin)?,
            note: note.clone(),
        }))
    }
}

#[derive(Subcommand)]
enum ClerkCommand {
    /// Thêm nhân viên (PIN từ PAYPOINT_PIN hoặc hỏi).
    Add {
        /// Họ tên.
        #[arg(long)]
        name: String,
        /// Là giám sát viên (được duyệt hủy chi trả).
        #[arg(long)]
        supervisor: bool,
    },
    /// Danh sách nhân viên.
    List,
    /// Mở khóa cho nhân viên bị khóa vì nhập sai PIN nhiều lần (giám sát viên thực hiện:
    /// --clerk ID_GIÁM_SÁT_VIÊN và PIN của mình).
    Unlock {
        /// Nhân viên cần mở khóa (số ID).
        id: i64,
    },
}

#[derive(Subcommand)]
enum RollCommand {
    /// Nạp danh sách mẫu (dữ liệu giả, có đánh dấu DEMO) để tập và thử.
    Demo {
        /// Kỳ, dạng YYYY-MM.
        #[arg(long)]
        period: Period,
        /// Số đối tượng.
        #[arg(long, default_value_t = 300)]
        size: usize,
        /// Hạt giống: cùng hạt giống cho cùng danh sách.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Nạp danh sách chi trả từ tệp Excel (.xlsx, .xls) hoặc CSV của huyện. Tệp không khớp tổng,
    /// trùng mã, thiếu tên/mã, số tiền sai… bị từ chối cả tệp, lỗi ghi rõ dòng và cột. Nạp lại
    /// phiên bản mới của cùng kỳ: chỉ áp dụng phần thay đổi, không đụng đến khoản đã chi.
    Import {
        /// Tệp danh sách.
        file: PathBuf,
        /// Kỳ, dạng YYYY-MM.
        #[arg(long)]
        period: Period,
        /// Bảng mã chữ Việt của tệp: tự nhận biết, hoặc chỉ định khi nhận biết sai.
        #[arg(long, value_enum, default_value = "auto")]
        encoding: EncodingArg,
        /// Chỉ xem trước: đọc và kiểm tra, không ghi gì vào sổ.
        #[arg(long)]
        dry_run: bool,
    },
    /// Các phiên bản danh sách của kỳ đang mở.
    Versions,
}

#[derive(Clone, Copy, ValueEnum)]
enum EncodingArg {
    Auto,
    Unicode,
    Tcvn3,
    Vni,
}

#[derive(Subcommand)]
enum CashCommand {
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

#[derive(Subcommand)]
enum PeriodCommand {
    /// Khóa sổ kỳ đang mở: không ghi thêm chi trả.
    Close,
}

#[derive(Clone, Copy, ValueEnum)]
enum OutcomeArg {
    Paid,
    Absent,
    Hospital,
    Deceased,
    Moved,
    Refused,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReasonArg {
    Death,
    Moved,
    Other,
}

/// A refusal to print: the message the core gave, in Vietnamese. `reported` is set when the
/// command already printed its JSON answer (a failed `verify`), so stdout holds one document.
struct Failure {
    message: String,
    reported: bool,
}

impl Failure {
    fn new(message: impl Into<String>) -> Failure {
        Failure {
            message: message.into(),
            reported: false,
        }
    }
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::new(e.to_string())
    }
}

type Outcome = Result<(), Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure { message, reported }) => {
            if json && !reported {
                say!("{}", json!({"error": {"message": message}}));
            }
            eprintln!("Lỗi: {message}");
            ExitCode::FAILURE
        }
    }
}

fn db_path(cli: &Cli) -> PathBuf {
    cli.db
        .clone()
        .unwrap_or_else(paypoint::ledger::default_path)
}

fn code(s: &str) -> Result<BeneficiaryCode, Failure> {
    BeneficiaryCode::new(s).ok_or_else(|| Failure::new(format!("mã đối tượng “{s}” không hợp lệ")))
}

fn amount(s: &str) -> Result<Dong, Failure> {
    Ok(s.parse::<Dong>()?)
}

/// Reads a PIN from the environment, or asks for it on the terminal without echo.
fn read_pin(var: &str, prompt: &str) -> Result<Pin, Failure> {
    if let Ok(v) = std::env::var(var) {
        return Ok(Pin::new(&v)?);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(format!(
            "cần mã PIN: đặt biến môi trường {var} hoặc chạy trên terminal"
        )));
    }
    let pin = rpassword::prompt_password(prompt)
        .map_err(|e| Failure::new(format!("không đọc được PIN: {e}")))?;
    Ok(Pin::new(&pin)?)
}

/// Reads the supervisor's passphrase from `var`, or asks on the terminal (twice when `confirm`).
fn read_passphrase(var: &str, prompt: &str, confirm: bool) -> Result<Passphrase, Failure> {
    if let Ok(v) = std::env::var(var) {
        return Ok(Passphrase::new(&v)?);
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::new(format!(
            "cần mật khẩu của người phụ trách: đặt biến môi trường {var} hoặc chạy trên terminal"
        )));
    }
    let ask = |p: &str| {
        rpassword::prompt_password(p)
            .map(zeroize::Zeroizing::new)
            .map_err(|e| Failure::new(format!("không đọc được mật khẩu: {e}")))
    };
    let first = ask(prompt)?;
    if confirm && *ask("Nhập lại mật khẩu: ")? != *first {
        return Err(Failure::new("hai lần nhập mật khẩu không khớp"));
    }
    Ok(Passphrase::new(&first)?)
}

/// Opens the ledger: with its key when it is encrypted (from the OS key store, else by the
/// supervisor's passphrase); a plain one opens with a warning to encrypt it.
fn open_ledger(path: &Path) -> Result<Ledger, Failure> {
    let encrypted = match vault::is_encrypted(path) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(LedgerError::NotInitialised(path.to_path_buf()).into())
        }
        Err(e) => {
            return Err(Failure::new(format!(
                "không đọc được {}: {e}",
                path.display()
            )))
        }
    };
    if !encrypted {
        eprintln!(
            "Cảnh báo: sổ {} chưa được mã hoá; ai có tệp này đọc được tên và số CCCD. Mã hoá bằng `paypoint --db {} encrypt`.",
            path.display(),
            path.display()
        );
        return Ok(Ledger::open(path)?);
    }
    let store = KeyStore::from_env();
    let key = match vault::unlock(path, None, store) {
        Ok((key, _)) => key,
        Err(VaultError::PassphraseNeeded) => {
            let pass = read_passphrase(
                "PAYPOINT_PASSPHRASE",
                "Mật khẩu của người phụ trách: ",
                false,
            )?;
            vault::unlock(path, Some(&pass), store)?.0
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Ledger::open_encrypted(path, &key)?)
}

/// The acting clerk, signed in with their PIN.
fn sign_in(ledger: &mut Ledger, clerk: Option<i64>) -> Result<SignedIn, Failure> {
    let id = match clerk {
        Some(id) => id,
        None => {
            let clerks = ledger.clerks()?;
            match clerks.as_slice() {
                [only] => only.id,
                [] => {
                    return Err(Failure::new(
                        "sổ chưa có nhân viên: thêm bằng `paypoint clerk add --name TÊN`",
                    ))
                }
                _ => {
                    return Err(Failure::new(
                        "sổ có nhiều nhân viên: chọn người thực hiện bằng --clerk ID",
                    ))
                }
            }
        }
    };
    let pin = read_pin("PAYPOINT_PIN", &format!("PIN của nhân viên số {id}: "))?;
    Ok(ledger.sign_in(id, &pin)?)
}

fn print_json(v: &serde_json::Value) {
    say!(
        "{}",
        serde_json::to_string_pretty(v).expect("JSON values serialise")
    );
}

fn run(cli: Cli) -> Outcome {
    let path = db_path(&cli);
    let json = cli.json;
    match &cli.command {
        Command::Words { amount: a } => {
            let d = amount(a)?;
            if json {
                print_json(
                    &json!({"amount": d.as_i64(), "formatted": d.to_string(), "words": d.in_words()}),
                );
            } else {
                say!("{}", d.in_words());
            }
            Ok(())
        }
        Command::Init {
            pay_point,
            name,
            demo,
        } => {
            if path.exists() {
                // Checked before a key is made: a second key file must never replace the one
                // that opens an existing ledger.
                return Err(match open_ledger(&path) {
                    Ok(l) => LedgerError::AlreadyInitialised {
                        path: path.clone(),
                        code: l.device().pay_point_code.clone(),
                    }
                    .into(),
                    Err(_) => Failure::new(format!(
                        "tệp {} đã có: sổ đã được khởi tạo, không khởi tạo lại",
                        path.display()
                    )),
                });
            }
            let pass = if *demo {
                Passphrase::new(vault::DEMO_PASSPHRASE)?
            } else {
                read_passphrase(
                    "PAYPOINT_PASSPHRASE",
                    "Đặt mật khẩu của người phụ trách (ít nhất 10 ký tự): ",
                    true,
                )?
            };
            let (key, report) = vault::create(&path, &pass, KeyStore::from_env(), *demo)?;
            let ledger = match Ledger::init_encrypted(&path, pay_point, name, &key) {
                Ok(l) => l,
                Err(e) => {
                    let _ = std::fs::remove_file(vault::key_file_path(&path));
                    return Err(e.into());
                }
            };
            if let Some(note) = &report.os_store_note {
                eprintln!("Lưu ý: {note}; sổ sẽ mở bằng mật khẩu của người phụ trách.");
            }
            let d = ledger.device();
            if json {
                print_json(
                    &json!({"db": path, "pay_point": d.pay_point_code, "name": d.pay_point_name, "device": d.id}),
                );
            } else {
                say!(
                    "Đã khởi tạo sổ {} cho {} ({}).",
                    path.display(),
                    d.pay_point_name,
                    d.pay_point_code
                );
            }
            Ok(())
        }
        Command::Encrypt => {
            if vault::is_encrypted(&path).unwrap_or(false) {
                return Err(Failure::new(format!(
                    "sổ {} đã được mã hoá",
                    path.display()
                )));
            }
            // Open it plain first: a missing or foreign file is named before a key is made.
            drop(Ledger::open(&path)?);
            let pass = read_passphrase(
                "PAYPOINT_PASSPHRASE",
                "Đặt mật khẩu của người phụ trách (ít nhất 10 ký tự): ",
                true,
            )?;
            // A key file beside a plain ledger is what an interrupted `encrypt` leaves: the same
            // passphrase opens it and the conversion goes on with that key.
            let resumed = vault::has_key_file(&path);
            let key = if resumed {
                vault::unlock(&path, Some(&pass), KeyStore::from_env())?.0
            } else {
                vault::create(&path, &pass, KeyStore::from_env(), false)?.0
            };
            let report = match Ledger::encrypt_file(&path, &key) {
                Ok(r) => r,
                Err(e) => {
                    if !resumed {
                        let _ = std::fs::remove_file(vault::key_file_path(&path));
                    }
                    return Err(e.into());
                }
            };
            if json {
                print_json(&json!({"db": path, "events": report.events, "head": report.head}));
            } else {
                say!(
                    "Đã mã hoá sổ {}: {} sự kiện, chuỗi băm giữ nguyên. Sao lưu tệp khoá {} cùng sổ.",
                    path.display(),
                    report.events,
                    vault::key_file_path(&path).display()
                );
            }
            Ok(())
        }
        Command::Passphrase => {
            let old = read_passphrase("PAYPOINT_PASSPHRASE", "Mật khẩu hiện tại: ", false)?;
            let new = read_passphrase(
                "PAYPOINT_NEW_PASSPHRASE",
                "Mật khẩu mới (ít nhất 10 ký tự): ",
                true,
            )?;
            vault::change_passphrase(&path, &old, &new)?;
            say!("Đã đổi mật khẩu của người phụ trách.");
            Ok(())
        }
        _ => {
            let mut ledger = open_ledger(&path)?;
            run_on(&mut ledger, &cli, json)
        }
    }
}

fn run_on(ledger: &mut Ledger, cli: &Cli, json: bool) -> Outcome {
    match &cli.command {
        Command::Init { .. } | Command::Words { .. } | Command::Encrypt | Command::Passphrase => {
            unreachable!("handled before opening")
        }
        Command::Clerk(ClerkCommand::Add { name, supervisor }) => {
            let pin = read_pin("PAYPOINT_PIN", "PIN mới (4–12 chữ số): ")?;
            if std::env::var("PAYPOINT_PIN").is_err() {
                let again = read_pin("PAYPOINT_PIN", "Nhập lại PIN: ")?;
                if !pin.matches(&again) {
                    return Err(Failure::new("hai lần nhập PIN không khớp"));
                }
            }
            let role = if *supervisor {
                Role::Supervisor
            } else {
                Role::Clerk
            };
            let c = ledger.add_clerk(name, role, &pin)?;
            if json {
                print_json(&json!({"id": c.id, "name": c.name, "role": c.role}));
            } else {
                say!("Đã thêm {} {} (số ID {}).", role_vi(c.role), c.name, c.id);
            }
        }
        Command::Clerk(ClerkCommand::List) => {
            let clerks = ledger.clerks()?;
            if json {
                print_json(&serde_json::to_value(&clerks)?);
            } else {
                for c in clerks {
                    say!("{:>3}  {}  ({})", c.id, c.name, role_vi(c.role));
                }
            }
        }
        Command::Clerk(ClerkCommand::Unlock { id }) => {
            let supervisor = sign_in(ledger, cli.clerk)?;
            ledger.unlock_clerk(*id, &supervisor)?;
            if json {
                print_json(&json!({"unlocked": id, "by": supervisor.id()}));
            } else {
                say!(
                    "Đã mở khóa cho nhân viên số {id} (giám sát viên {}).",
                    supervisor.clerk().name
                );
            }
        }
        Command::Roll(RollCommand::Import {
            file,
            period,
            encoding,
            dry_run,
        }) => {
            use paypoint::encoding::TextEncoding;
            use paypoint::import::{EncodingChoice, ImportOptions};
            let opts = ImportOptions {
                period: *period,
                encoding: match encoding {
                    EncodingArg::Auto => EncodingChoice::Auto,
                    EncodingArg::Unicode => EncodingChoice::Force(TextEncoding::Unicode),
                    EncodingArg::Tcvn3 => EncodingChoice::Force(TextEncoding::Tcvn3),
                    EncodingArg::Vni => EncodingChoice::Force(TextEncoding::Vni),
                },
            };
            let preview = match ledger.preview_roll_file(file, &opts) {
                Ok(p) => p,
                Err(e) => {
                    if json {
                        say!(
                            "{}",
                            json!({"error": {"message": e.to_string(), "problems": e.problems()}})
                        );
                    }
                    return Err(Failure {
                        message: e.to_string(),
                        reported: json,
                    });
                }
            };
            let change = if *dry_run {
                None
            } else {
                Some(ledger.apply_roll(&preview.roll, &preview.file)?)
            };
            if json {
                print_json(&json!({
                    "file": preview.file, "sheet": preview.sheet, "period": period,
                    "beneficiaries": preview.beneficiaries, "lines": preview.lines,
                    "total": preview.total, "stated_total": preview.stated_total,
                    "encoding": preview.encoding, "encoding_sure": preview.encoding_sure,
                    "warnings": preview.warnings, "dry_run": dry_run, "change": change,
                }));
            } else {
                say!(
                    "{} {}: {} đối tượng, {} khoản, tổng {} đ (bảng mã {}{}).",
                    if *dry_run {
                        "Xem trước"
                    } else {
                        "Đã đọc"
                    },
                    preview.file,
                    preview.beneficiaries,
                    preview.lines,
                    preview.total,
                    preview.encoding.as_str(),
                    if preview.encoding_sure {
                        ""
                    } else {
                        ", chưa chắc chắn"
                    }
                );
                for w in &preview.warnings {
                    say!("Lưu ý: {w}");
                }
                match &change {
                    None => say!("Chưa ghi gì vào sổ (--dry-run)."),
                    Some(c) if c.outcome == "unchanged" => {
                        say!(
                            "Danh sách giống hệt phiên bản {} đã nạp: không có gì thay đổi.",
                            c.version
                        )
                    }
                    Some(c) => {
                        say!(
                            "Đã nạp kỳ {} phiên bản {}: thêm {} đối tượng, thêm {} khoản, rút {} khoản.",
                            c.period,
                            c.version,
                            c.added_beneficiaries,
                            c.added_lines,
                            c.removed_lines
                        );
                        for k in &c.conflicts {
                            say!(
                                "XUNG ĐỘT (báo huyện): {} ({}) đã nhận {} đ {}; danh sách mới {}.",
                                k.name,
                                k.code,
                                k.paid_amount,
                                k.kind.label_vi(),
                                match k.new_amount {
                                    Some(a) => format!("ghi {a} đ"),
                                    None => "không còn khoản này".to_string(),
                                }
                            );
                        }
                        for d in &c.detail_changes {
                            say!("Lưu ý: {d}");
                        }
                    }
                }
            }
        }
        Command::Roll(RollCommand::Versions) => {
            let period = ledger.require_open_period()?;
            let versions = ledger.roll_versions(period)?;
            if json {
                print_json(&json!(versions));
            } else {
                for v in versions {
                    let signed = match v.origin {
                        paypoint::roll::RollOrigin::Hub => "có chữ ký của đơn vị quản lý",
                        paypoint::roll::RollOrigin::File => paypoint::roll::UNSIGNED_ROLL_NOTICE,
                        paypoint::roll::RollOrigin::Demo => "dữ liệu mẫu",
                    };
                    say!(
                        "Kỳ {period} phiên bản {}: {} (nạp lúc {}; {signed})",
                        v.version,
                        v.source,
                        v.loaded_at
                    );
                }
            }
        }
        Command::Roll(RollCommand::Demo { period, size, seed }) => {
            if *size == 0 || *size > paypoint::roll::MAX_ENTRIES {
                return Err(Failure::new(format!(
                    "--size phải từ 1 đến {}",
                    paypoint::roll::MAX_ENTRIES
                )));
            }
            let roll = demo::roll(
                *period,
                *size,
                *seed,
                &ledger.device().pay_point_code.clone(),
            );
            let s = ledger.load_roll(&roll, "demo", true)?;
            if json {
                print_json(&json!({
                    "period": s.period, "version": s.version, "beneficiaries": s.beneficiaries,
                    "lines": s.lines, "total": s.total, "demo": true,
                }));
            } else {
                say!(
                    "Đã nạp danh sách MẪU kỳ {}: {} đối tượng, {} khoản, tổng {} đ.",
                    s.period,
                    s.beneficiaries,
                    s.lines,
                    s.total
                );
            }
        }
        Command::Search { query, limit } => {
            let hits = ledger.search(query, *limit)?;
            if json {
                print_json(&serde_json::to_value(&hits)?);
            } else if hits.is_empty() {
                say!("Không tìm thấy ai với “{query}”.");
            } else {
                say!(
                    "{:<14} {:<28} {:<16} {:>14} {:>14}",
                    "MÃ",
                    "HỌ TÊN",
                    "THÔN",
                    "CÒN PHẢI TRẢ",
                    "ĐÃ TRẢ"
                );
                for h in &hits {
                    say!(
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
                say!("{} người.", hits.len());
            }
        }
        Command::Show { code: c } => {
            let c = code(c)?;
            let card = ledger.beneficiary(&c)?.ok_or_else(|| {
                Failure::new(format!(
                    "không tìm thấy đối tượng có mã “{c}” trong kỳ đang mở"
                ))
            })?;
            if json {
                print_json(&serde_json::to_value(&card)?);
            } else {
                say!("{} — {} ({})", card.code, card.name, card.village);
                say!("Diện: {}", card.category);
                for l in &card.lines {
                    let state = if l.paid_by.is_some() {
                        "đã trả"
                    } else if l.stopped {
                        "dừng chi trả"
                    } else {
                        "chưa trả"
                    };
                    say!("  {:<24} {:>14} đ  {}", l.kind.label_vi(), l.amount, state);
                }
                if let Some(p) = &card.proxy {
                    say!(
                        "Người nhận thay: {} ({}), CCCD {}, ủy quyền đến {}",
                        p.name,
                        p.relationship,
                        p.id_card,
                        p.valid_until.format("%d/%m/%Y")
                    );
                }
                if let Some(s) = &card.stop {
                    say!("BÁO GIẢM: {}", s.reason.label_vi());
                }
                if let Some(h) = &card.to_confirm {
                    say!("{}", h.message_vi());
                }
                say!(
                    "Còn phải trả: {} đ — {}",
                    card.payable,
                    card.status.label_vi()
                );
                // Why not now, in the words the payout would refuse with.
                if let Some(why) = paypoint::payout::PayoutError::not_payable(&card) {
                    say!("Chưa chi được: {why}");
                }
            }
        }
        Command::Pay {
            code: c,
            proxy,
            home,
            expect,
            approval,
        } => {
            let mut req = PayoutRequest {
                code: code(c)?,
                recipient: proxy.recipient(),
                at_home: *home,
                expected_total: expect.as_deref().map(amount).transpose()?,
                approval: None,
            };
            let by = sign_in(ledger, cli.clerk)?;
            req.approval = approval.sign_in(ledger, &by)?;
            let r = ledger.record_payout(&by, &req)?;
            if json {
                print_json(&json!({
                    "payout_id": r.payout_id, "amount": r.amount, "amount_in_words": r.amount_in_words,
                    "code": r.code, "name": r.name, "seq": r.seq, "cash_on_hand": r.cash_on_hand,
                }));
            } else {
                say!(
                    "Đã chi {} đ ({}) cho {} ({}).",
                    r.amount,
                    r.amount_in_words,
                    r.name,
                    r.code
                );
                say!("Mã lần chi trả: {}", r.payout_id);
            }
        }
        Command::Reverse {
            payout_id,
            reason,
            approver,
        } => {
            let pid = Uuid::parse_str(payout_id.trim())
                .map_err(|_| Failure::new(format!("mã lần chi trả “{payout_id}” không hợp lệ")))?;
            let by = sign_in(ledger, cli.clerk)?;
            if by.id() == *approver {
                // Said before asking for the approver's PIN, which would count as a wrong try.
                return Err(paypoint::clerk::ClerkError::SamePerson.into());
            }
            let pin = read_pin(
                "PAYPOINT_APPROVER_PIN",
                &format!("PIN của giám sát viên số {approver}: "),
            )?;
            let ok = ledger.sign_in(*approver, &pin)?;
            let r = ledger.reverse_payout(&by, &ok, pid, reason)?;
            if json {
                print_json(
                    &json!({"reversal_id": r.reversal_id, "payout_id": r.payout_id, "amount": r.amount, "seq": r.seq}),
                );
            } else {
                say!(
                    "Đã hủy lần chi trả {} ({} đ trả lại quỹ).",
                    r.payout_id,
                    r.amount
                );
            }
        }
        Command::Visit {
            code: c,
            outcome,
            note,
            proxy,
            approval,
        } => {
            let c = code(c)?;
            let outcome = match outcome {
                OutcomeArg::Paid => VisitOutcome::Paid,
                OutcomeArg::Absent => VisitOutcome::Absent,
                OutcomeArg::Hospital => VisitOutcome::Hospital,
                OutcomeArg::Deceased => VisitOutcome::Deceased,
                OutcomeArg::Moved => VisitOutcome::Moved,
                OutcomeArg::Refused => VisitOutcome::Refused,
            };
            let by = sign_in(ledger, cli.clerk)?;
            let approval = approval.sign_in(ledger, &by)?;
            let req = PayoutRequest {
                recipient: proxy.recipient(),
                approval,
                ..PayoutRequest::at_counter(c.clone())
            };
            let r = ledger.record_visit_with(&by, outcome, note, &req)?;
            if json {
                print_json(&serde_json::to_value(&r)?);
            } else {
                say!("Đã ghi lần đến nhà {}: {}.", c, r.outcome.label_vi());
                if let Some(p) = &r.payout {
                    say!(
                        "Đã chi {} đ tại nhà. Mã lần chi trả: {}",
                        p.amount,
                        p.payout_id
                    );
                }
                if r.stop.is_some() {
                    say!("Đã báo giảm: dừng chi trả cho {c}.");
                }
            }
        }
        Command::Stop {
            code: c,
            reason,
            date,
            note,
        } => {
            let c = code(c)?;
            let reason = match reason {
                ReasonArg::Death => StopReason::Death,
                ReasonArg::Moved => StopReason::Moved,
                ReasonArg::Other => StopReason::Other,
            };
            let by = sign_in(ledger, cli.clerk)?;
            let r = ledger.report_stop(&by, &c, reason, *date, note)?;
            if json {
                print_json(&serde_json::to_value(&r)?);
            } else {
                say!(
                    "Đã báo giảm {} ({}): dừng chi trả ngay.",
                    r.code,
                    r.reason.label_vi()
                );
                for p in &r.paid_after_stop {
                    say!("CẢNH BÁO: lần chi trả {p} đã chi sau ngày báo giảm; cần báo huyện để thu hồi.");
                }
            }
        }
        Command::Cash(CashCommand::Advance { amount: a, note }) => {
            let a = amount(a)?;
            let by = sign_in(ledger, cli.clerk)?;
            let id = ledger.record_advance(&by, a, note)?;
            let on_hand = ledger.cash_on_hand()?;
            if json {
                print_json(&json!({"id": id, "amount": a, "cash_on_hand": on_hand}));
            } else {
                say!("Đã ghi nhận tạm ứng {a} đ. Tồn quỹ: {on_hand} đ.");
            }
        }
        Command::Cash(CashCommand::Return { amount: a, note }) => {
            let a = amount(a)?;
            let by = sign_in(ledger, cli.clerk)?;
            let id = ledger.record_return(&by, a, note)?;
            let on_hand = ledger.cash_on_hand()?;
            if json {
                print_json(&json!({"id": id, "amount": a, "cash_on_hand": on_hand}));
            } else {
                say!("Đã ghi nhận nộp trả {a} đ. Tồn quỹ: {on_hand} đ.");
            }
        }
        Command::Cash(CashCommand::Count { notes }) => {
            let count = CashCount::parse_entries(notes)?;
            let by = sign_in(ledger, cli.clerk)?;
            let r = ledger.record_count(&by, &count)?;
            if json {
                print_json(&serde_json::to_value(&r)?);
            } else {
                for (d, q) in count.notes().filter(|(_, q)| *q > 0) {
                    say!("  {:>9} đ × {:>5}", d, q);
                }
                say!(
                    "Tiền đếm được: {} đ. Tồn quỹ theo sổ: {} đ.",
                    r.counted,
                    r.expected
                );
                match r.difference.as_i64().signum() {
                    0 => say!("Khớp."),
                    -1 => say!(
                        "THIẾU {} đ — đã ghi nhận chênh lệch.",
                        Dong::new(-r.difference.as_i64())?
                    ),
                    _ => say!("THỪA {} đ — đã ghi nhận chênh lệch.", r.difference),
                }
            }
        }
        Command::Cash(CashCommand::Status) => {
            let s = ledger.cash_status()?;
            if json {
                print_json(&serde_json::to_value(&s)?);
            } else {
                say!("Tạm ứng:   {:>16} đ", s.advanced);
                say!("Đã chi:    {:>16} đ", s.paid_out);
                say!("Hủy chi:   {:>16} đ", s.reversed);
                say!("Nộp trả:   {:>16} đ", s.returned);
                say!("Tồn quỹ:   {:>16} đ", s.on_hand);
                if let Some(c) = &s.last_count {
                    say!(
                        "Kiểm quỹ gần nhất: đếm {} đ, chênh lệch {} đ.",
                        c.counted,
                        c.difference
                    );
                }
            }
        }
        Command::Period(PeriodCommand::Close) => {
            let by = sign_in(ledger, cli.clerk)?;
            let p = ledger.close_period(&by)?;
            if json {
                print_json(&json!({"closed": p}));
            } else {
                say!("Đã khóa sổ kỳ {p}.");
            }
        }
        Command::Status => {
            let s = ledger.status()?;
            if json {
                print_json(&serde_json::to_value(&s)?);
            } else {
                match s.period {
                    None => say!(
                        "{} ({}): chưa có kỳ chi trả đang mở. {} sự kiện.",
                        s.pay_point_name,
                        s.pay_point_code,
                        s.events
                    ),
                    Some(p) => {
                        say!(
                            "{} ({}) — kỳ {}{}",
                            s.pay_point_name,
                            s.pay_point_code,
                            p,
                            if s.demo { " — DỮ LIỆU MẪU" } else { "" }
                        );
                        say!(
                            "Đối tượng: {} (đã nhận {})",
                            s.beneficiaries,
                            s.paid_beneficiaries
                        );
                        say!("Phải trả:  {:>16} đ ({} khoản)", s.total_due, s.lines);
                        say!(
                            "Đã trả:    {:>16} đ ({} khoản)",
                            s.paid_amount,
                            s.paid_lines
                        );
                        say!(
                            "Chưa trả:  {:>16} đ (trong đó dừng chi trả {} đ)",
                            s.unpaid_amount,
                            s.stopped_amount
                        );
                        say!("Tồn quỹ:   {:>16} đ", s.cash_on_hand);
                        say!("Sự kiện:   {:>16}", s.events);
                    }
                }
            }
        }
        Command::Verify => {
            let chain = ledger.verify()?;
            let bad_roll = ledger.verify_rolls()?;
            if json {
                print_json(&json!({
                    "events": chain.events, "chain_ok": chain.chain_ok, "first_broken": chain.first_broken,
                    "head": chain.head, "rolls_ok": bad_roll.is_none(),
                    "bad_roll": bad_roll.map(|(p, v)| json!({"period": p, "version": v})),
                }));
            } else if let Some(b) = &chain.first_broken {
                say!("HỎNG: sự kiện số {}: {}", b.seq, b.reason);
            } else {
                say!("Chuỗi băm nguyên vẹn: {} sự kiện.", chain.events);
            }
            if let Some((p, v)) = bad_roll {
                if !json {
                    say!("HỎNG: nội dung danh sách kỳ {p} (phiên bản {v}) khác với lúc nạp.");
                }
            }
            if !chain.chain_ok || bad_roll.is_some() {
                return Err(Failure {
                    message: "sổ không còn nguyên vẹn; giữ nguyên tệp và báo cho huyện".into(),
                    reported: true,
                });
            }
        }
        Command::Print(args) => print::run(ledger, args, json).map_err(Failure::new)?,
        Command::Sync(args) => sync::run(ledger, args, json).map_err(Failure::new)?,
        Command::Events { after, limit } => {
            let events = ledger.events_after(*after, (*limit).min(10_000))?;
            if json {
                print_json(&serde_json::to_value(&events)?);
            } else {
                for e in events {
                    say!(
                        "{:>6}  {}  {:<18} {}",
                        e.seq,
                        e.time,
                        e.kind.as_str(),
                        paypoint::event::canonical_json(&e.payload)
                    );
                }
            }
        }
    }
    Ok(())
}

fn role_vi(r: Role) -> &'static str {
    match r {
        Role::Clerk => "nhân viên",
        Role::Supervisor => "giám sát viên",
    }
}
