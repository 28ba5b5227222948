//! `paypoint print …`: writes one of the pay point's documents as an A4 PDF.

use std::path::PathBuf;

use chrono::{Local, NaiveDate};
use clap::Args;
use paypoint::document::{
    self, day::DayOptions, notice::NoticeOptions, receipt::ReceiptOptions,
    settlement::SettlementOptions, sheet::SheetOptions, unpaid::UnpaidOptions, DocumentKind, Pdf,
};
use paypoint::{Ledger, Period};
use serde_json::{json, Value};

use crate::choice::{self, Choice};
use crate::failure::Failure;
use crate::report::{done, put, Outcome, Report};

impl Choice for DocumentKind {
    fn all() -> &'static [Self] {
        &DocumentKind::ALL
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
    fn help(self) -> &'static str {
        match self {
            DocumentKind::Sheet => {
                "Danh sách chi trả có ký nhận (cả danh sách hoặc một thôn: --village)"
            }
            DocumentKind::Receipt => {
                "Biên nhận chi trả tại nhà, hai liên trên một tờ A4 (--code MÃ hoặc --payout MÃ_LẦN_CHI)"
            }
            DocumentKind::Day => {
                "Báo cáo cuối ngày: chi trả, hủy, đến nhà, báo giảm, kiểm quỹ (--date YYYY-MM-DD)"
            }
            DocumentKind::Unpaid => {
                "Danh sách đối tượng chưa nhận tiền (cả danh sách hoặc một thôn: --village)"
            }
            DocumentKind::Settlement => {
                "Bảng tổng hợp thanh quyết toán của kỳ, kèm phụ lục trạng thái từng đối tượng"
            }
            DocumentKind::Notice => {
                "Thông báo niêm yết: lịch chi trả, đối tượng tăng, giảm so với kỳ trước"
            }
        }
    }
}

/// Arguments of `paypoint print`.
#[derive(Args)]
pub struct PrintArgs {
    /// Giấy tờ cần in.
    #[arg(value_parser = choice::parser::<DocumentKind>())]
    kind: DocumentKind,
    /// Tệp PDF ghi ra.
    #[arg(long, value_name = "FILE.pdf")]
    out: PathBuf,
    /// Chỉ một thôn/xóm (sheet, unpaid); không phân biệt dấu, hoa thường.
    #[arg(long, value_name = "THÔN")]
    village: Option<String>,
    /// Mã đối tượng (receipt: lần chi trả gần nhất chưa hủy của đối tượng trong kỳ).
    #[arg(long, value_name = "MÃ")]
    code: Option<String>,
    /// Mã lần chi trả (receipt), đủ hoặc ít nhất 8 ký tự đầu.
    #[arg(long, value_name = "MÃ_LẦN_CHI")]
    payout: Option<String>,
    /// Ngày (YYYY-MM-DD): ngày báo cáo (day) và ngày ghi ở dòng địa danh. Mặc định hôm nay
    /// (receipt: ngày chi trả).
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,
    /// Kỳ (YYYY-MM). Mặc định kỳ đang mở, hoặc kỳ gần nhất khi đã khóa sổ.
    #[arg(long, value_name = "YYYY-MM")]
    period: Option<Period>,
    /// Địa danh ở dòng ngày tháng ("Quảng Hưng, ngày … tháng … năm …"). Mặc định: xã đã ghi
    /// bằng `paypoint org set --commune`, nếu không thì phần sau chữ "xã" trong tên điểm chi trả.
    #[arg(long, value_name = "ĐỊA_DANH")]
    place: Option<String>,
    /// Ngày chi trả trong tháng (notice), ví dụ 1-5 hoặc 1,2,3,6.
    #[arg(long, value_name = "NGÀY", default_value = "1-5")]
    days: String,
    /// Giờ chi trả (notice).
    #[arg(long, value_name = "GIỜ", default_value = document::notice::DEFAULT_HOURS)]
    hours: String,
    /// Địa điểm chi trả (notice). Mặc định tên điểm chi trả.
    #[arg(long, value_name = "ĐỊA_ĐIỂM")]
    venue: Option<String>,
    /// Tỷ lệ phí chi trả theo hợp đồng (settlement), phần trăm của số tiền đã chi trả, ví dụ
    /// 0,5% (TT 44/2022/TT-BTC Điều 7, sửa đổi bởi TT 95/2025/TT-BTC). Phí làm tròn đến đồng.
    /// Không ghi thì dùng tỷ lệ đã đặt (`paypoint org set --fee-rate`); chưa đặt thì ô phí để
    /// trống cho đơn vị quản lý điền.
    #[arg(long, value_name = "TỶ_LỆ")]
    fee_rate: Option<paypoint::fee::FeeRate>,
}

impl PrintArgs {
    /// Refuses options that the document does not use, rather than silently ignoring them.
    fn check(&self) -> Result<(), Failure> {
        let used: &[(&str, bool)] = &[
            ("--village", self.village.is_some()),
            ("--code", self.code.is_some()),
            ("--payout", self.payout.is_some()),
            ("--period", self.period.is_some()),
            ("--venue", self.venue.is_some()),
            ("--fee-rate", self.fee_rate.is_some()),
        ];
        let allowed: &[&str] = match self.kind {
            DocumentKind::Sheet | DocumentKind::Unpaid => &["--village", "--period"],
            DocumentKind::Receipt => &["--code", "--payout", "--period"],
            DocumentKind::Day => &[],
            DocumentKind::Settlement => &["--period", "--fee-rate"],
            DocumentKind::Notice => &["--period", "--venue"],
        };
        for (name, given) in used {
            if *given && !allowed.contains(name) {
                return Err(Failure::new(
                    "invalid_input",
                    format!(
                        "tùy chọn {name} không dùng cho `print {}`",
                        self.kind.as_str()
                    ),
                ));
            }
        }
        if self.kind == DocumentKind::Receipt && self.code.is_none() && self.payout.is_none() {
            return Err(document::DocumentError::ReceiptTarget.into());
        }
        Ok(())
    }
}

fn render(ledger: &Ledger, args: &PrintArgs) -> Result<Pdf, document::DocumentError> {
    let today = Local::now().date_naive();
    let date = args.date.unwrap_or(today);
    match args.kind {
        DocumentKind::Sheet => document::sheet::render(
            ledger,
            &SheetOptions {
                period: args.period,
                village: args.village.clone(),
                place: args.place.clone(),
                date,
            },
        ),
        DocumentKind::Receipt => document::receipt::render(
            ledger,
            &ReceiptOptions {
                period: args.period,
                code: args.code.clone(),
                payout: args.payout.clone(),
                place: args.place.clone(),
                date: args.date,
            },
        ),
        DocumentKind::Day => document::day::render(
            ledger,
            &DayOptions {
                day: date,
                place: args.place.clone(),
                date,
            },
        ),
        DocumentKind::Unpaid => document::unpaid::render(
            ledger,
            &UnpaidOptions {
                period: args.period,
                village: args.village.clone(),
                place: args.place.clone(),
                date,
                as_of: Local::now().naive_local(),
            },
        ),
        DocumentKind::Settlement => document::settlement::render(
            ledger,
            &SettlementOptions {
                period: args.period,
                place: args.place.clone(),
                date,
                fee_rate: args.fee_rate,
            },
        ),
        DocumentKind::Notice => document::notice::render(
            ledger,
            &NoticeOptions {
                period: args.period,
                days: document::notice::parse_days(&args.days)?,
                hours: args.hours.clone(),
                venue: args.venue.clone(),
                place: args.place.clone(),
                date,
            },
        ),
    }
}

/// A document written.
struct Printed {
    out: PathBuf,
    pdf: Pdf,
}

impl Report for Printed {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(
            out,
            "Đã in “{}”: {} ({} trang, {} byte).",
            self.pdf.title,
            self.out.display(),
            self.pdf.pages,
            self.pdf.bytes.len()
        );
        out
    }

    fn json(&self) -> Value {
        json!({
            "out": self.out.display().to_string(),
            "pages": self.pdf.pages,
            "bytes": self.pdf.bytes.len(),
            "title": self.pdf.title,
        })
    }

    /// On one line, as `print` always wrote it.
    fn json_text(&self) -> String {
        self.json().to_string()
    }
}

/// Writes the document asked for and says where it went.
pub fn run(ledger: &Ledger, args: &PrintArgs) -> Outcome {
    args.check()?;
    let pdf = render(ledger, args)?;
    pdf.write_to(&args.out)?;
    done(Printed {
        out: args.out.clone(),
        pdf,
    })
}
