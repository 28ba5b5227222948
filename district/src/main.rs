//! `paypoint-district`: the district hub server and its admin commands. Thin over [`district::Hub`].

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use district::action::{Action, Done};
use district::audit::Actor;
use district::http::{router, AppState};
use district::seal::SealKey;
use district::{Hub, StoreAt};
use paypoint::Period;

/// Máy chủ của đơn vị quản lý (Sổ chi trả): nhận dữ liệu của các điểm chi trả, phát hành danh sách có chữ ký.
#[derive(Parser)]
#[command(name = "paypoint-district", version, about)]
struct Cli {
    /// Thư mục dữ liệu của máy chủ (tệp hub.sqlite ở trong đó).
    #[arg(
        long,
        global = true,
        env = "PAYPOINT_DISTRICT_DATA",
        default_value = "district-data"
    )]
    data: PathBuf,
    /// Kho PostgreSQL dùng chung cho nhiều máy chủ (postgres://người_dùng@máy:cổng/tên_kho) thay
    /// cho tệp hub.sqlite; khóa ký của máy chủ được niêm phong trong kho bằng khóa niêm phong.
    #[arg(
        long,
        global = true,
        env = "PAYPOINT_DISTRICT_DATABASE",
        hide_env_values = true
    )]
    database: Option<String>,
    /// Tệp chứa khóa niêm phong (64 chữ số hex, `openssl rand -hex 32`), cấp cho mọi máy chủ
    /// dùng chung kho PostgreSQL; hoặc đặt thẳng khóa vào PAYPOINT_DISTRICT_SEAL_KEY.
    #[arg(long, global = true, env = "PAYPOINT_DISTRICT_SEAL_KEY_FILE")]
    seal_key_file: Option<PathBuf>,
    /// Số kết nối mỗi máy chủ giữ tới kho PostgreSQL (1–64). Nên theo số lõi của máy chủ
    /// PostgreSQL, chia cho số máy chủ hub: khoảng gấp đôi số lõi cho tất cả các máy chủ cộng lại.
    #[arg(
        long,
        global = true,
        env = "PAYPOINT_DISTRICT_PG_POOL",
        default_value_t = district::store::PG_POOL_SIZE,
        value_parser = clap::value_parser!(u32).range(1..=i64::from(district::store::PG_POOL_MAX))
    )]
    pg_pool: u32,
    /// In kết quả dạng JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum StoreCommand {
    /// Chép toàn bộ kho SQLite (--data) sang một kho PostgreSQL mới tạo, rồi đối chiếu chuỗi sự
    /// kiện của từng thiết bị và quyết toán mọi kỳ trên hai kho. Cần khóa niêm phong
    /// (--seal-key-file hoặc PAYPOINT_DISTRICT_SEAL_KEY) như khi chạy trên PostgreSQL.
    Copy {
        /// Kho PostgreSQL đích (postgres://…), chưa có dữ liệu.
        #[arg(long)]
        to: String,
    },
    /// Sao lưu kho SQLite thành một tệp nhất quán, kể cả khi máy chủ đang nhận dữ liệu
    /// (kho PostgreSQL: dùng pg_dump).
    Backup {
        /// Tệp sao lưu (chưa có).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum Command {
    /// Chạy máy chủ (mặc định chỉ nghe trên 127.0.0.1; đặt TLS phía trước khi mở ra ngoài).
    /// Trang web của đơn vị quản lý ở địa chỉ gốc (/): đăng nhập bằng tài khoản tạo bằng
    /// `staff add`.
    Serve {
        /// Địa chỉ nghe, ví dụ 127.0.0.1:8750 (cổng 0: chọn cổng trống, in ra khi chạy).
        #[arg(long, default_value = "127.0.0.1:8750")]
        bind: SocketAddr,
        /// Mã truy cập trang tổng quan, chỉ xem, không cần đăng nhập (màn hình theo dõi:
        /// /?token=…); không đặt: chỉ xem được từ chính máy chủ.
        #[arg(long, env = "PAYPOINT_DISTRICT_TOKEN")]
        token: Option<String>,
    },
    /// Điểm chi trả.
    #[command(subcommand)]
    PayPoint(PayPointCommand),
    /// Kho dữ liệu: sao lưu tệp SQLite khi máy chủ đang chạy; chuyển sang PostgreSQL.
    #[command(subcommand)]
    Store(StoreCommand),
    /// Danh sách chi trả.
    #[command(subcommand)]
    Roll(RollCommand),
    /// Cấp mã đăng ký dùng một lần cho thiết bị của một điểm chi trả (hạn 7 ngày).
    EnrolCode {
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
    },
    /// Ghi nhận báo giảm tại đơn vị quản lý; thiết bị của điểm nhận ở lần đồng bộ sau và dừng chi ngay.
    Stop {
        /// Mã đối tượng.
        code: String,
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// death, moved hoặc other.
        #[arg(long)]
        reason: String,
        /// Ngày (YYYY-MM-DD).
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// Ghi chú.
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Cảnh báo, gộp theo loại với số tiền cần kiểm tra: chi sau báo giảm, chi trên hai thiết bị,
    /// khoản không có trong danh sách đã công bố (not_on_roll), sai số tiền (amount_differs),
    /// khoản đã rút (line_withdrawn), người từ 100 tuổi (age_100), một người nhận thay cho nhiều
    /// đối tượng (proxy_many), chi ban đêm (night_payout), chi quá nhanh (too_fast), nhận dồn sau
    /// nhiều kỳ (lump_after_unpaid), giấy ủy quyền hết hạn (proxy_expired), kiểm quỹ lệch
    /// (cash_difference), hủy chi nhiều (many_reversals), chi tại nhà không ghi lần đến nhà
    /// (home_without_visit).
    Flags {
        /// Chỉ một điểm chi trả.
        #[arg(long)]
        pay_point: Option<String>,
    },
    /// Xử lý xong một cảnh báo (số ở cột đầu của `flags`): recovered (đã thu hồi tiền), explained
    /// (đã giải trình) hoặc false_alarm (cảnh báo nhầm), kèm ghi chú đã kiểm tra gì. Mỗi cảnh báo
    /// xử lý một lần, ghi vào nhật ký của đơn vị.
    ResolveFlag {
        /// Số cảnh báo.
        id: i64,
        /// recovered, explained hoặc false_alarm.
        #[arg(long = "as", value_parser = ["recovered", "explained", "false_alarm"])]
        resolution: String,
        /// Ghi chú: đã kiểm tra gì, thu hồi bao nhiêu, giấy tờ nào.
        #[arg(long)]
        note: String,
    },
    /// Quyết toán tổng hợp các điểm chi trả; dạng chữ kèm các điểm chưa báo cáo kỳ và hạn báo
    /// cáo (ngày 20 tháng sau, TT 44/2022/TT-BTC Điều 8 sửa đổi bởi TT 95/2025/TT-BTC).
    Settlement {
        /// Kỳ (YYYY-MM); mặc định mọi kỳ.
        #[arg(long)]
        period: Option<Period>,
        /// In dạng CSV.
        #[arg(long)]
        csv: bool,
        /// Ghi bảng tổng hợp ra tệp PDF (in và ký).
        #[arg(long, value_name = "TỆP")]
        pdf: Option<PathBuf>,
        /// Đơn vị lập biểu (góc trái trên của bảng PDF); mặc định thiết lập `payer`
        /// ("Bưu điện tỉnh Quảng Trị"; cơ quan chủ quản trước dấu " — ").
        #[arg(long)]
        organisation: Option<String>,
        /// Địa danh ở dòng ngày tháng của bảng PDF; mặc định thiết lập `place`, hoặc địa danh
        /// trong tên đơn vị lập biểu, hoặc để trống cho viết tay.
        #[arg(long)]
        place: Option<String>,
        /// Ngày ở dòng ngày tháng (YYYY-MM-DD); mặc định hôm nay.
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
        /// Tỷ lệ phí chi trả theo hợp đồng (bảng PDF), phần trăm của số tiền đã chi trả, ví dụ
        /// 0,5%; phí của mỗi điểm làm tròn đến đồng. Không ghi thì cột phí để trống.
        #[arg(long, value_name = "TỶ_LỆ")]
        fee_rate: Option<paypoint::fee::FeeRate>,
    },
    /// Khóa công khai của đơn vị quản lý (hex).
    Key,
    /// Người chờ xác minh: chỉ nhận qua người nhận thay hoặc tại nhà, chưa gặp tại quầy, nhiều
    /// kỳ liền (thiết lập unseen_periods_before_confirm, mặc định 3). Thiết bị vẫn chi được,
    /// nhưng cần PIN giám sát viên và ghi chú, cho đến khi xã xác minh (`confirm`).
    ToConfirm {
        /// Chỉ một điểm chi trả.
        #[arg(long)]
        pay_point: Option<String>,
        /// Kể cả người đã được xác minh.
        #[arg(long)]
        all: bool,
    },
    /// Kiểm tra một trang giấy in (danh sách ký nhận, biên nhận) theo mã QR trên trang: máy quét
    /// USB gõ nội dung mã vào dòng lệnh. So với danh sách đơn vị quản lý đã phát hành, các lần
    /// chi trả, hủy chi và báo giảm mà đơn vị quản lý nhận được; in chỗ không khớp. Mã thoát 0: khớp;
    /// 1: không khớp hoặc mã không đọc được.
    CheckPaper {
        /// Nội dung mã QR (bắt đầu bằng SCT1/).
        text: String,
    },
    /// Xác nhận đối tượng còn sống (đã gặp, đã xem giấy tờ): gỡ "chờ xác minh" ở thiết bị của
    /// điểm chi trả tại lần đồng bộ sau.
    Confirm {
        /// Mã đối tượng.
        code: String,
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// Ai xác minh, gặp ở đâu, giấy tờ gì.
        #[arg(long)]
        note: String,
    },
    /// Thiết bị của các điểm chi trả: xem (máy nào giữ ai), thu hồi máy mất hoặc hỏng (người máy
    /// đó giữ mà chưa báo đã chi chuyển sang máy còn lại), và danh sách người chưa chắc đã nhận
    /// tiền của máy đã thu hồi để xã kiểm tra trên giấy.
    Devices {
        #[command(subcommand)]
        action: DeviceCommand,
    },
    /// Đề nghị nhận trợ cấp qua tài khoản ngân hàng: xem, xuất cho ngân hàng (CSV, .xlsx), xác
    /// nhận từ kỳ nào, từ chối, cho nhận tiền mặt lại một kỳ khi chuyển khoản không thành.
    Accounts {
        #[command(subcommand)]
        action: AccountCommand,
    },
    /// Người nhận thay mới được thêm tại quầy: xem, xác nhận cho các tháng sau, hoặc từ chối.
    Proxies {
        #[command(subcommand)]
        action: ProxyCommand,
    },
    /// Phát hành bảng mức trợ cấp mới (tệp JSON theo mẫu assets/policy/nd-77-2024.json) cho mọi
    /// điểm chi trả: thiết bị kiểm tra và ghi nhận ở lần đồng bộ sau, áp dụng từ ngày hiệu lực của
    /// bảng. Tệp sai bị từ chối cả tệp, lỗi ghi rõ trường và mục. Điểm thêm sau: phát hành lại.
    PublishPolicy {
        /// Tệp bảng mức (JSON).
        file: PathBuf,
    },
    /// Tài khoản của cán bộ đơn vị quản lý cho trang web của máy chủ (quyền viewer: chỉ xem;
    /// officer: báo giảm, xác minh; admin: cả tài khoản). Quản trị viên đầu tiên tạo ở đây:
    /// `staff add TÊN --name "Họ tên" --role admin`. Mật khẩu (ít nhất 10 ký tự) lấy từ biến
    /// PAYPOINT_STAFF_PASSWORD, hoặc hỏi hai lần trên terminal.
    Staff {
        #[command(subcommand)]
        action: StaffCommand,
    },
    /// Nhật ký của đơn vị: mọi thao tác trên trang web và dòng lệnh (báo giảm, xác minh, tài
    /// khoản), mọi lần đăng nhập kể cả sai; mới nhất trước.
    Audit {
        /// Số dòng (mặc định 50).
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Ngưỡng của các kiểm tra bất thường: xem tất cả, hoặc `set TÊN GIÁ_TRỊ` (max_age,
    /// proxy_max_beneficiaries, night_start, night_end (HH:MM; bằng nhau: tắt kiểm tra ban đêm),
    /// max_payouts_per_minute, unpaid_periods_before_lump (tối đa 120 kỳ), cash_difference_max,
    /// max_reversals_per_clerk, unseen_periods_before_confirm (0: tắt xác minh; tối đa 120 kỳ),
    /// max_unchecked_percent (tỷ lệ % lần chi không kiểm tra giấy tờ của một nhân viên trong kỳ,
    /// mặc định 20), unchecked_min_payouts (số lần chi tối thiểu để xét tỷ lệ, mặc định 20)); tên
    /// của đơn vị (managing_office, payer, place, title_head); pay_last_day (ngày cuối của lịch
    /// chi trả hằng tháng, 1–28, mặc định 5). Quản trị viên cũng đổi được ở trang Thiết lập.
    Settings {
        /// `set`.
        action: Option<String>,
        /// Tên thiết lập.
        key: Option<String>,
        /// Giá trị.
        value: Option<String>,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Tạo tài khoản.
    Add {
        /// Tên đăng nhập (2–40 chữ thường không dấu, chữ số, . _ -).
        login: String,
        /// Họ tên.
        #[arg(long)]
        name: String,
        /// viewer, officer hoặc admin.
        #[arg(long, value_parser = ["viewer", "officer", "admin"])]
        role: String,
    },
    /// Các tài khoản, quyền và tình trạng (khóa, vô hiệu hóa).
    List,
    /// Mở khóa tài khoản bị khóa sau 5 lần nhập sai.
    Unlock {
        /// Tên đăng nhập.
        login: String,
    },
    /// Vô hiệu hóa tài khoản (người nghỉ việc); các phiên đang mở của tài khoản kết thúc.
    Disable {
        /// Tên đăng nhập.
        login: String,
    },
    /// Cho dùng lại tài khoản đã vô hiệu hóa.
    Enable {
        /// Tên đăng nhập.
        login: String,
    },
    /// Đặt mật khẩu mới (PAYPOINT_STAFF_PASSWORD hoặc hỏi trên terminal); các phiên đang mở kết thúc.
    Password {
        /// Tên đăng nhập.
        login: String,
    },
}

#[derive(Subcommand)]
enum DeviceCommand {
    /// Các thiết bị, máy nào giữ mọi người (máy thứ nhất) hay chỉ người được giao (máy thứ hai).
    List {
        /// Chỉ một điểm chi trả.
        #[arg(long)]
        pay_point: Option<String>,
    },
    /// Thu hồi máy mất hoặc hỏng: người máy đó giữ và chưa báo đã chi trong kỳ mới nhất chuyển
    /// sang máy `--to` ở lần đồng bộ sau của máy đó, và được ghi là chưa chắc đã nhận. Chạy lại
    /// để chuyển những người máy đó còn giữ (ví dụ khi có danh sách kỳ mới).
    Revoke {
        /// Mã máy bị thu hồi (đủ mã hoặc 8 ký tự cuối).
        device: String,
        /// Máy còn lại nhận những người đó.
        #[arg(long)]
        to: String,
    },
    /// Người máy đã thu hồi giữ mà chưa báo đã chi: xã kiểm tra trên giấy.
    Uncertain {
        /// Chỉ một điểm chi trả.
        #[arg(long)]
        pay_point: Option<String>,
    },
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Đề nghị chờ quyết định (--all: cả đã xác nhận, đã từ chối); số tài khoản chỉ hiện 4 số cuối.
    List {
        /// Chỉ một điểm chi trả.
        #[arg(long)]
        pay_point: Option<String>,
        /// Kể cả đề nghị đã quyết định.
        #[arg(long)]
        all: bool,
    },
    /// Xuất danh sách đề nghị đủ số tài khoản cho ngân hàng: CSV (mặc định) hoặc .xlsx, theo thứ
    /// tự cột của đơn vị quản lý.
    Export {
        /// Tệp ghi ra (.csv hoặc .xlsx theo đuôi tệp).
        #[arg(long)]
        out: PathBuf,
        /// Chỉ một điểm chi trả.
        #[arg(long)]
        pay_point: Option<String>,
        /// Kể cả đề nghị đã quyết định.
        #[arg(long)]
        all: bool,
    },
    /// Xác nhận: từ kỳ --from, đối tượng nhận qua tài khoản; thiết bị không chi tiền mặt nữa.
    Confirm {
        /// Mã đối tượng.
        code: String,
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// Kỳ đầu tiên nhận qua tài khoản (YYYY-MM).
        #[arg(long)]
        from: Period,
    },
    /// Từ chối đề nghị, kèm lý do (điểm chi trả báo lại cho đối tượng); đối tượng vẫn nhận tiền mặt.
    Refuse {
        /// Mã đối tượng.
        code: String,
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// Lý do.
        #[arg(long)]
        reason: String,
    },
    /// Chuyển khoản kỳ --period không thành: cho đối tượng nhận tiền mặt tại điểm chi trả kỳ đó.
    ToCash {
        /// Mã đối tượng.
        code: String,
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// Kỳ nhận tiền mặt (YYYY-MM).
        #[arg(long)]
        period: Period,
        /// Lý do (ví dụ "chuyển khoản bị trả lại").
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum ProxyCommand {
    /// Người nhận thay mới được nhận tiền tại quầy (giấy ủy quyền mới, người phụ trách duyệt),
    /// chờ đơn vị quản lý quyết định.
    List {
        /// Chỉ một điểm chi trả.
        #[arg(long)]
        pay_point: Option<String>,
        /// Kể cả những người đã xác nhận hoặc từ chối.
        #[arg(long)]
        all: bool,
    },
    /// Xác nhận: các danh sách nạp sau đó ghi người này là người nhận thay, đến hết hạn giấy.
    Confirm {
        /// Mã đối tượng.
        code: String,
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// Ghi chú (không bắt buộc).
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Từ chối, kèm lý do: lần chi sau cho người này thay đối tượng đó bị cảnh báo.
    Refuse {
        /// Mã đối tượng.
        code: String,
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// Lý do.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum PayPointCommand {
    /// Thêm điểm chi trả.
    Add {
        /// Mã điểm.
        code: String,
        /// Tên điểm.
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum RollCommand {
    /// Nạp danh sách (Excel/CSV) cho một điểm và kỳ, bằng bộ đọc của lõi; chưa phát hành.
    Import {
        /// Tệp.
        file: PathBuf,
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// Kỳ (YYYY-MM).
        #[arg(long)]
        period: Period,
    },
    /// Ký và phát hành phiên bản mới nhất của danh sách cho thiết bị của điểm.
    Publish {
        /// Mã điểm chi trả.
        #[arg(long)]
        pay_point: String,
        /// Kỳ (YYYY-MM).
        #[arg(long)]
        period: Period,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(m) => {
            eprintln!("Lỗi: {m}");
            ExitCode::FAILURE
        }
    }
}

fn out(s: &str) {
    let mut o = std::io::stdout().lock();
    let _ = writeln!(o, "{s}");
    let _ = o.flush();
}

/// `publish-policy FILE`: the table to every pay point.
fn publish_policy(hub: &Hub, file: &std::path::Path) -> Result<(), String> {
    let (t, pay_points) = hub.publish_policy(file).map_err(|e| e.to_string())?;
    out(&format!(
        "Đã phát hành bảng mức Nghị định {} (áp dụng từ {}) cho {} điểm chi trả: {}.",
        t.basis,
        t.effective_from.format("%d/%m/%Y"),
        pay_points.len(),
        pay_points.join(", ")
    ));
    Ok(())
}

/// Where the store is: the SQLite file in `--data`, or the PostgreSQL database given, with the
/// seal key from its file or the environment.
fn store_at(cli: &Cli, seal: Option<SealKey>) -> Result<StoreAt, String> {
    let Some(url) = &cli.database else {
        return Ok(StoreAt::Sqlite(cli.data.clone()));
    };
    Ok(StoreAt::Postgres {
        url: url.clone(),
        seal: seal.ok_or_else(|| NO_SEAL.to_string())?,
        pool: cli.pg_pool,
    })
}

const NO_SEAL: &str = "kho PostgreSQL cần khóa niêm phong: --seal-key-file TỆP hoặc \
    PAYPOINT_DISTRICT_SEAL_KEY (64 chữ số hex, tạo bằng `openssl rand -hex 32`; mọi máy chủ \
    dùng chung kho phải có cùng khóa)";

/// The seal key, from its file or the environment, if given.
fn seal_key(cli: &Cli) -> Result<Option<SealKey>, String> {
    let key = match (
        &cli.seal_key_file,
        std::env::var("PAYPOINT_DISTRICT_SEAL_KEY"),
    ) {
        (Some(file), _) => SealKey::from_file(file),
        (None, Ok(hex)) => SealKey::from_hex(&hex),
        (None, Err(_)) => return Ok(None),
    };
    key.map(Some).map_err(|e| e.to_string())
}

/// `store copy` and `store backup`.
fn store(hub: &Hub, seal: &Option<SealKey>, c: StoreCommand, json: bool) -> Result<(), String> {
    match c {
        StoreCommand::Copy { to } => {
            let seal = seal.as_ref().ok_or_else(|| NO_SEAL.to_string())?;
            let r = hub.copy_to_postgres(&to, seal).map_err(|e| e.to_string())?;
            if json {
                out(&serde_json::to_string(&r).expect("serialises"));
                return Ok(());
            }
            for (table, n) in &r.tables {
                out(&format!("{table}: {n} dòng"));
            }
            out(&format!(
                "Đã chép sang {} và đối chiếu: chuỗi sự kiện của {} thiết bị, {} dòng quyết toán khớp.",
                district::store::shown(&to),
                r.devices_checked,
                r.settlement_rows_checked
            ));
            Ok(())
        }
        StoreCommand::Backup { out: file } => {
            hub.backup(&file).map_err(|e| e.to_string())?;
            out(&format!("Đã sao lưu kho vào {}.", file.display()));
            Ok(())
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    let cli_seal = seal_key(&cli)?;
    let hub = Hub::open_at(store_at(&cli, cli_seal.clone())?).map_err(|e| e.to_string())?;
    let json = cli.json;
    let e = |e: district::HubError| e.to_string();
    match cli.command {
        Command::Serve { bind, token } => serve(hub, bind, token),
        Command::Roll(c) => roll(&hub, c, json),
        Command::PublishPolicy { file } => publish_policy(&hub, &file),
        Command::Flags { pay_point } => flags(&hub, pay_point.as_deref(), json),
        c @ (Command::PayPoint(_)
        | Command::EnrolCode { .. }
        | Command::Stop { .. }
        | Command::ResolveFlag { .. }
        | Command::Confirm { .. }) => office_action(&hub, c, json),
        Command::Settlement {
            period,
            csv,
            pdf,
            organisation,
            place,
            date,
            fee_rate,
        } => {
            let options = hub
                .settlement_options(organisation, place, date, fee_rate)
                .map_err(e)?;
            settlement(&hub, period, csv, pdf, options, json)
        }
        Command::Store(c) => store(&hub, &cli_seal, c, json),
        Command::Key => {
            out(&hub.public_key_hex());
            Ok(())
        }
        Command::CheckPaper { text } => check_paper(&hub, &text, json),
        Command::ToConfirm { pay_point, all } => to_confirm(&hub, pay_point.as_deref(), all, json),
        Command::Settings { action, key, value } => settings(&hub, action, key, value),
        Command::Proxies { action } => proxies(&hub, action, json),
        Command::Accounts { action } => accounts(&hub, action, json),
        Command::Devices { action } => devices(&hub, action, json),
        Command::Staff { action } => staff(&hub, action, json),
        Command::Audit { limit } => audit(&hub, limit, json),
    }
}

/// The commands that change something at the office, each an audited action of the operator at
/// the command line ([`Hub::act`]).
fn office_action(hub: &Hub, command: Command, json: bool) -> Result<(), String> {
    match command {
        Command::PayPoint(PayPointCommand::Add { code, name }) => {
            act(
                hub,
                Action::AddPayPoint {
                    code: code.clone(),
                    name,
                },
            )?;
            out(&format!("Đã thêm điểm chi trả {code}."));
            Ok(())
        }
        Command::EnrolCode { pay_point } => {
            let code = match act(
                hub,
                Action::EnrolCode {
                    pay_point: pay_point.clone(),
                },
            )? {
                Done::EnrolCode(c) => c,
                _ => return Err("không đọc lại được mã vừa cấp".to_string()),
            };
            if json {
                out(&serde_json::json!({"code": code, "pay_point": pay_point}).to_string());
            } else {
                out(&code);
            }
            Ok(())
        }
        Command::Stop {
            code,
            pay_point,
            reason,
            date,
            note,
        } => {
            let id = amendment(
                hub,
                Action::RecordStop {
                    pay_point: pay_point.clone(),
                    code: code.clone(),
                    reason,
                    date,
                    note,
                },
            )?;
            out(&format!(
                "Đã ghi báo giảm {code} (thay đổi số {id} của điểm {pay_point})."
            ));
            Ok(())
        }
        Command::ResolveFlag {
            id,
            resolution,
            note,
        } => {
            let resolution = district::resolution::Resolution::parse(&resolution)
                .ok_or_else(|| format!("“{resolution}”: recovered, explained hoặc false_alarm"))?;
            act(
                hub,
                Action::ResolveFlag {
                    id,
                    resolution,
                    note,
                },
            )?;
            out(&format!(
                "Đã xử lý cảnh báo số {id}: {}.",
                resolution.label()
            ));
            Ok(())
        }
        Command::Confirm {
            code,
            pay_point,
            note,
        } => {
            let id = amendment(
                hub,
                Action::Confirm {
                    pay_point: pay_point.clone(),
                    code: code.clone(),
                    note,
                },
            )?;
            out(&format!(
                "Đã xác minh {code}: thiết bị của điểm {pay_point} gỡ \"chờ xác minh\" ở lần đồng bộ sau (thay đổi số {id})."
            ));
            Ok(())
        }
        _ => Err("không phải thao tác của đơn vị".to_string()),
    }
}

/// Does `action` as the operator at the server's command line: checked and audited as the web
/// app's are.
fn act(hub: &Hub, action: Action) -> Result<Done, String> {
    hub.act(&Actor::command_line(), action)
        .map_err(|e| e.to_string())
}

/// `roll import|publish`.
fn roll(hub: &Hub, c: RollCommand, json: bool) -> Result<(), String> {
    let e = |e: district::HubError| e.to_string();
    match c {
        RollCommand::Import {
            file,
            pay_point,
            period,
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|err| format!("không đọc được tệp {}: {err}", file.display()))?;
            let done = hub
                .act(
                    &Actor::command_line(),
                    Action::ImportRoll {
                        pay_point: pay_point.clone(),
                        period,
                        file_name: file.file_name().map_or_else(
                            || file.display().to_string(),
                            |n| n.to_string_lossy().to_string(),
                        ),
                        bytes,
                    },
                )
                .map_err(e)?;
            let Done::Imported(version, p) = done else {
                return Err("không đọc lại được danh sách vừa nạp".to_string());
            };
            if json {
                out(&serde_json::json!({"version": version, "beneficiaries": p.beneficiaries, "lines": p.lines, "total": p.total.as_i64()}).to_string());
            } else {
                out(&format!(
                    "Đã nạp danh sách {pay_point} kỳ {period} phiên bản {version}: {} người, {} khoản, {} đ (chưa phát hành).",
                    p.beneficiaries, p.lines, p.total
                ));
            }
            Ok(())
        }
        RollCommand::Publish { pay_point, period } => {
            let v = match hub
                .act(
                    &Actor::command_line(),
                    Action::PublishRoll {
                        pay_point: pay_point.clone(),
                        period,
                    },
                )
                .map_err(e)?
            {
                Done::Published(v) => v,
                _ => return Err("không đọc lại được phiên bản vừa phát hành".to_string()),
            };
            out(&format!(
                "Đã phát hành danh sách {pay_point} kỳ {period} phiên bản {v}."
            ));
            Ok(())
        }
    }
}

/// A command's answer as `--json` prints it.
fn pretty<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string_pretty(v).expect("serialises")
}

/// The amendment an action sent, or its refusal.
fn amendment(hub: &Hub, action: Action) -> Result<u64, String> {
    match act(hub, action)? {
        Done::Amendment(id) => Ok(id),
        _ => Err("không đọc lại được thay đổi vừa gửi".to_string()),
    }
}

/// The request an action decided, or its refusal.
fn account(hub: &Hub, action: Action) -> Result<district::account::AccountRow, String> {
    match act(hub, action)? {
        Done::Account(a) => Ok(*a),
        _ => Err("không đọc lại được quyết định vừa ghi".to_string()),
    }
}

/// The proxy an action decided, or its refusal.
fn proxy(r: Result<Done, district::HubError>) -> Result<district::proxy::CounterProxy, String> {
    match r.map_err(|e| e.to_string())? {
        Done::Proxy(p) => Ok(*p),
        _ => Err("không đọc lại được quyết định vừa ghi".to_string()),
    }
}

/// A password from PAYPOINT_STAFF_PASSWORD, or asked twice on the terminal.
fn read_staff_password() -> Result<String, String> {
    if let Ok(p) = std::env::var("PAYPOINT_STAFF_PASSWORD") {
        return Ok(p);
    }
    if !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        return Err(
            "cần mật khẩu: đặt biến môi trường PAYPOINT_STAFF_PASSWORD hoặc chạy trên terminal"
                .to_string(),
        );
    }
    let ask = |p: &str| {
        rpassword::prompt_password(p).map_err(|e| format!("không đọc được mật khẩu: {e}"))
    };
    let first = ask("Mật khẩu (ít nhất 10 ký tự): ")?;
    if ask("Nhập lại mật khẩu: ")? != first {
        return Err("hai lần nhập mật khẩu không khớp".to_string());
    }
    Ok(first)
}

/// `staff add|list|unlock|disable|enable|password`.
fn staff(hub: &Hub, action: StaffCommand, json: bool) -> Result<(), String> {
    use district::staff::{Role, StaffChange};
    let change = |login: String, change: StaffChange| Action::ChangeStaff { login, change };
    let action = match action {
        StaffCommand::List => {
            let list = hub.staff().map_err(|e| e.to_string())?;
            if json {
                out(&pretty(&list));
            }
            for r in list.iter().filter(|_| !json) {
                let state = if r.disabled {
                    "vô hiệu hóa".to_string()
                } else if let Some(t) = r.locked_until {
                    format!("khóa đến {}", district::web::format::unix_date_time(t))
                } else {
                    "đang dùng".to_string()
                };
                out(&format!(
                    "{}\t{}\t{}\t{state}",
                    r.staff.login,
                    r.staff.name,
                    r.staff.role.as_str()
                ));
            }
            return Ok(());
        }
        StaffCommand::Add { login, name, role } => Action::AddStaff {
            login,
            name,
            role: Role::parse(&role)
                .ok_or_else(|| format!("quyền “{role}”: viewer, officer hoặc admin"))?,
            password: read_staff_password()?,
        },
        StaffCommand::Unlock { login } => change(login, StaffChange::Unlock),
        StaffCommand::Disable { login } => change(login, StaffChange::Disable),
        StaffCommand::Enable { login } => change(login, StaffChange::Enable),
        StaffCommand::Password { login } => {
            change(login, StaffChange::Password(read_staff_password()?))
        }
    };
    let detail = action.detail();
    hub.act(&Actor::command_line(), action)
        .map_err(|e| e.to_string())?;
    out(&format!("Xong: {detail}."));
    Ok(())
}

/// `audit`: the newest rows of the office's audit log.
fn audit(hub: &Hub, limit: u32, json: bool) -> Result<(), String> {
    let rows = hub.audit_log(limit).map_err(|e| e.to_string())?;
    if json {
        out(&pretty(&rows));
        return Ok(());
    }
    for r in rows {
        out(&format!(
            "{}\t{}\t{}\t{}\t{}",
            district::web::format::date_time(&r.at),
            r.login.as_deref().unwrap_or("(dòng lệnh)"),
            r.action,
            r.detail,
            r.from
        ));
    }
    Ok(())
}

/// `devices list|revoke|uncertain`.
fn devices(hub: &Hub, action: DeviceCommand, json: bool) -> Result<(), String> {
    let e = |e: district::HubError| e.to_string();
    match action {
        DeviceCommand::List { pay_point } => {
            let list = hub.devices(pay_point.as_deref()).map_err(e)?;
            if json {
                out(&pretty(&list));
            }
            for d in list.iter().filter(|_| !json) {
                out(&format!(
                    "{}\t{}\t{}\t{} sự kiện\tđồng bộ {}{}",
                    d.pay_point,
                    d.short_id,
                    if d.holds_all {
                        "giữ mọi người chưa giao"
                    } else {
                        "giữ người được giao"
                    },
                    d.events,
                    d.last_sync_at.as_deref().unwrap_or("chưa"),
                    d.revoked_at
                        .as_ref()
                        .map(|at| format!(
                            "\tđã thu hồi {at}, giao cho máy {}",
                            d.revoked_to.as_deref().unwrap_or("?")
                        ))
                        .unwrap_or_default()
                ));
            }
        }
        DeviceCommand::Revoke { device, to } => {
            let r = match hub
                .act(&Actor::command_line(), Action::RevokeDevice { device, to })
                .map_err(e)?
            {
                Done::Revoked(r) => *r,
                _ => return Err("không đọc lại được việc thu hồi".to_string()),
            };
            if json {
                out(&pretty(&r));
            } else {
                out(&format!(
                    "Đã thu hồi máy {}: {} người chưa báo đã chi kỳ {} chuyển sang máy {} ở lần đồng bộ sau của máy đó. Xã kiểm tra những người này trên giấy: `paypoint-district devices uncertain --pay-point {}`.",
                    paypoint::device::short_id(&r.device),
                    r.moved.len(),
                    r.period,
                    paypoint::device::short_id(&r.to),
                    r.pay_point
                ));
            }
        }
        DeviceCommand::Uncertain { pay_point } => {
            let list = hub.uncertain(pay_point.as_deref()).map_err(e)?;
            if json {
                out(&pretty(&list));
            } else if list.is_empty() {
                out("Không có người nào chưa chắc đã nhận.");
            }
            for u in list.iter().filter(|_| !json) {
                let paid = if u.reported_paid_by.is_empty() {
                    "chưa máy nào báo đã chi".to_string()
                } else {
                    format!("máy {} báo đã chi", u.reported_paid_by.join(", "))
                };
                out(&format!(
                    "{}\t{}\t{}\tkỳ {}\tmáy {} (thu hồi {})\t{paid}",
                    u.pay_point, u.code, u.name, u.period, u.device, u.revoked_at
                ));
            }
        }
    }
    Ok(())
}

/// The requests to be paid by account, as JSON or a line each.
fn print_accounts(list: &[district::account::AccountRow], json: bool) {
    if json {
        out(&pretty(&list));
        return;
    }
    if list.is_empty() {
        out("Không có đề nghị nhận qua tài khoản nào chờ quyết định.");
    }
    for a in list {
        let state = match (a.state.as_str(), &a.from, &a.reason) {
            ("confirmed", Some(f), _) => format!("đã xác nhận từ kỳ {f}"),
            ("refused", _, r) => format!("đã từ chối: {}", r.as_deref().unwrap_or("")),
            _ => "chờ quyết định".to_string(),
        };
        out(&format!(
            "{}\t{}\t{}\t{} {}\tchủ TK {}{}\t{state}",
            a.pay_point,
            a.code,
            a.name,
            a.bank_name,
            a.masked,
            a.holder,
            a.relationship
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ));
    }
}

/// `accounts list|export|confirm|refuse|to-cash`: requests to be paid by bank account.
fn accounts(hub: &Hub, action: AccountCommand, json: bool) -> Result<(), String> {
    let e = |e: district::HubError| e.to_string();
    let list = match action {
        AccountCommand::List { pay_point, all } => {
            hub.account_requests(pay_point.as_deref(), all).map_err(e)?
        }
        AccountCommand::Export {
            out: file,
            pay_point,
            all,
        } => {
            let xlsx = file
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("xlsx"));
            let bytes = if xlsx {
                hub.accounts_xlsx(pay_point.as_deref(), all).map_err(e)?
            } else {
                hub.accounts_csv(pay_point.as_deref(), all)
                    .map_err(e)?
                    .into_bytes()
            };
            std::fs::write(&file, bytes)
                .map_err(|err| format!("không ghi được tệp {}: {err}", file.display()))?;
            let n = hub
                .account_requests(pay_point.as_deref(), all)
                .map_err(e)?
                .len();
            out(&format!("Đã xuất {n} đề nghị ra {}.", file.display()));
            return Ok(());
        }
        AccountCommand::Confirm {
            code,
            pay_point,
            from,
        } => {
            vec![account(
                hub,
                Action::ConfirmAccount {
                    pay_point,
                    code,
                    from,
                },
            )?]
        }
        AccountCommand::Refuse {
            code,
            pay_point,
            reason,
        } => {
            vec![account(
                hub,
                Action::RefuseAccount {
                    pay_point,
                    code,
                    reason,
                },
            )?]
        }
        AccountCommand::ToCash {
            code,
            pay_point,
            period,
            reason,
        } => {
            let id = amendment(
                hub,
                Action::AccountToCash {
                    pay_point: pay_point.clone(),
                    code: code.clone(),
                    period,
                    reason,
                },
            )?;
            out(&format!(
                "{code} nhận tiền mặt tại điểm {pay_point} kỳ {period}: thiết bị biết ở lần đồng bộ sau (thay đổi số {id})."
            ));
            return Ok(());
        }
    };
    print_accounts(&list, json);
    Ok(())
}

/// `proxies list|confirm|refuse`: the proxies added at counters, and the office's decisions.
fn proxies(hub: &Hub, action: ProxyCommand, json: bool) -> Result<(), String> {
    let e = |e: district::HubError| e.to_string();
    let list = match action {
        ProxyCommand::List { pay_point, all } => {
            hub.counter_proxies(pay_point.as_deref(), all).map_err(e)?
        }
        ProxyCommand::Confirm {
            code,
            pay_point,
            note,
        } => {
            vec![proxy(hub.act(
                &Actor::command_line(),
                Action::DecideProxy {
                    pay_point,
                    code,
                    confirm: true,
                    note,
                },
            ))?]
        }
        ProxyCommand::Refuse {
            code,
            pay_point,
            reason,
        } => {
            vec![proxy(hub.act(
                &Actor::command_line(),
                Action::DecideProxy {
                    pay_point,
                    code,
                    confirm: false,
                    note: reason,
                },
            ))?]
        }
    };
    if json {
        out(&pretty(&list));
        return Ok(());
    }
    if list.is_empty() {
        out("Không có người nhận thay mới nào chờ quyết định.");
    }
    for p in &list {
        let state = match p.decision.as_deref() {
            Some("confirmed") => "đã xác nhận",
            Some(_) => "đã từ chối",
            None => "chờ quyết định",
        };
        out(&format!(
            "{}\t{}\tkỳ {}\t{} ({}, CCCD {})\tủy quyền {} đến {}\t{state}",
            p.pay_point,
            p.code,
            p.period,
            p.proxy_name,
            p.relationship,
            p.proxy_id_card,
            p.authorised_on,
            p.valid_until
        ));
    }
    Ok(())
}

/// `settings [set KEY VALUE]`: the anomaly thresholds, or one of them changed.
fn settings(
    hub: &Hub,
    action: Option<String>,
    key: Option<String>,
    value: Option<String>,
) -> Result<(), String> {
    let e = |e: district::HubError| e.to_string();
    let s = match (action.as_deref(), key, value) {
        (None, None, None) => hub.settings().map_err(e)?,
        (Some("set"), Some(key), Some(value)) => {
            act(hub, Action::SetSetting { key, value })?;
            hub.settings().map_err(e)?
        }
        _ => return Err("cú pháp: settings, hoặc settings set TÊN GIÁ_TRỊ".into()),
    };
    out(&pretty(&s));
    Ok(())
}

fn serve(hub: Hub, bind: SocketAddr, token: Option<String>) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| format!("không nghe được trên {bind}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        if !addr.ip().is_loopback() && token.is_none() {
            eprintln!(
                "Cảnh báo: máy chủ nghe trên {addr} (không phải 127.0.0.1) — đặt TLS phía trước và --token cho trang tình hình."
            );
        }
        out(&format!("paypoint-district: listening on http://{addr}"));
        let app = router(AppState {
            hub: Arc::new(hub),
            token,
        });
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| e.to_string())
    })
}

/// `flags`: the office's list of flags, totalled by kind.
fn flags(hub: &Hub, pay_point: Option<&str>, json: bool) -> Result<(), String> {
    let e = |e: district::HubError| e.to_string();
    let flags = hub.flags(pay_point).map_err(e)?;
    if json {
        out(&pretty(&flags));
    } else if flags.is_empty() {
        out("Không có cảnh báo.");
    } else {
        for k in district::reports::open_by_kind(&flags) {
            out(&format!(
                "{}: {} cảnh báo chưa xử lý, {} đ cần kiểm tra",
                k.kind,
                k.count,
                paypoint::Dong::new(k.amount).unwrap_or_default()
            ));
        }
        out("");
        for f in &flags {
            out(&format!(
                "{}\t{}\t{}\t{}\t{}\t{} đ\t{}\t{}",
                f.id,
                f.pay_point,
                f.flag.kind,
                f.flag.code,
                f.flag.period,
                f.flag.amount.unwrap_or_default(),
                f.flag.detail,
                f.closed
                    .as_ref()
                    .map_or("chưa xử lý".to_string(), |c| format!(
                        "{}: {}",
                        c.resolution.label(),
                        c.note
                    ))
            ));
        }
    }
    Ok(())
}

/// `settlement`: the consolidated settlement as text, JSON, CSV or a signed-for PDF.
fn settlement(
    hub: &Hub,
    period: Option<Period>,
    csv: bool,
    pdf: Option<PathBuf>,
    options: paypoint::document::district::DistrictOptions,
    json: bool,
) -> Result<(), String> {
    let e = |e: district::HubError| e.to_string();
    if let Some(path) = pdf {
        let doc = hub.settlement_pdf(period, &options).map_err(e)?;
        doc.write_to(&path).map_err(|e| e.to_string())?;
        if json {
            out(
                &serde_json::json!({"file": path, "pages": doc.pages, "title": doc.title})
                    .to_string(),
            );
        } else {
            out(&format!(
                "Đã ghi {} ({} trang): {}.",
                path.display(),
                doc.pages,
                doc.title
            ));
        }
        return Ok(());
    }
    if csv {
        print!("{}", hub.settlement_csv(period).map_err(e)?);
        return Ok(());
    }
    let rows = hub.settlement(period).map_err(e)?;
    if json {
        out(&pretty(&rows));
    } else {
        for r in rows {
            out(&format!(
                        "{} {} kỳ {}: phải chi {} đ, đã chi {} đ ({} lần; đúng danh sách {} đ, cần kiểm tra, thu hồi {} đ), còn {} đ (chuyển kỳ sau {} đ, dừng chi trả {} đ), báo giảm {}, cảnh báo {}",
                        r.pay_point,
                        r.name,
                        r.period,
                        r.total_due,
                        r.paid_amount,
                        r.payouts,
                        r.paid_as_roll,
                        r.flagged_amount,
                        r.unpaid_amount,
                        r.carried_amount,
                        r.stopped_amount,
                        r.stops,
                        r.flags
                    ));
        }
        // Then who has not reported yet, with the due date (the 20th of the next month).
        let today = chrono::Local::now().date_naive();
        for r in hub.reports_missing(period, today).map_err(e)? {
            out(&format!(
                "Chưa báo cáo: {} {} kỳ {}, hạn {}{}",
                r.pay_point,
                r.name,
                r.period,
                r.due_dmy(),
                if r.overdue { " (quá hạn)" } else { "" }
            ));
        }
    }
    Ok(())
}

/// `check-paper`: a printed page's QR code against the office's own figures.
fn check_paper(hub: &Hub, text: &str, json: bool) -> Result<(), String> {
    let Done::Paper(c) = act(
        hub,
        Action::CheckPaper {
            text: text.to_string(),
        },
    )?
    else {
        return Err("không đọc lại được kết quả kiểm tra".to_string());
    };
    if json {
        out(&pretty(&c));
    } else {
        out(&format!("{}:", c.page));
        for f in &c.findings {
            out(&format!("  KHÔNG KHỚP: {}", f.detail));
        }
        for n in &c.notes {
            out(&format!("  {n}"));
        }
    }
    if c.agrees {
        if !json {
            out("Khớp với số liệu của đơn vị quản lý.");
        }
        Ok(())
    } else {
        Err(format!(
            "trang không khớp với số liệu của đơn vị quản lý ({} chỗ)",
            c.findings.len()
        ))
    }
}

/// `to-confirm`: the people held for proof of life.
fn to_confirm(hub: &Hub, pay_point: Option<&str>, all: bool, json: bool) -> Result<(), String> {
    let e = |e: district::HubError| e.to_string();
    let holds = hub.holds(pay_point, all).map_err(e)?;
    if json {
        out(&pretty(&holds));
    } else if holds.is_empty() {
        out("Không có ai chờ xác minh.");
    } else {
        for h in &holds {
            let state = match &h.confirmed_at {
                None => "chờ xác minh".to_string(),
                Some(at) => format!("đã xác minh {at}"),
            };
            out(&format!(
                "{}\t{}\t{}\tkhông gặp tại quầy các kỳ {}",
                h.pay_point,
                h.code,
                state,
                h.periods.join(", ")
            ));
        }
    }
    Ok(())
}
