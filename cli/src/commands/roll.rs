//! `paypoint roll …`: the period's pay roll — a demo roll, a district file imported (or only
//! previewed), the versions loaded.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use paypoint::encoding::TextEncoding;
use paypoint::import::{EncodingChoice, ImportOptions, ImportPreview};
use paypoint::roll::{RollChange, RollOrigin, RollSummary, RollVersion};
use paypoint::{demo, Ledger, Period};
use serde_json::{json, Value};

use crate::failure::Failure;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Subcommand)]
pub enum RollCommand {
    /// Nạp danh sách mẫu (dữ liệu giả, có đánh dấu DEMO) để tập và thử: số CCCD 12 chữ số đúng
    /// cấu trúc (mã tỉnh, giới tính và thế kỷ, năm sinh), người nhận thay hợp với tên và giới tính.
    /// Dùng kèm --demo-clock để giờ chi trả nằm trong lịch niêm yết.
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
    /// Nạp danh sách chi trả từ tệp Excel (.xlsx, .xls) hoặc CSV của đơn vị quản lý. Tệp không khớp tổng,
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
pub enum EncodingArg {
    Auto,
    Unicode,
    Tcvn3,
    Vni,
}

impl EncodingArg {
    fn choice(self) -> EncodingChoice {
        match self {
            EncodingArg::Auto => EncodingChoice::Auto,
            EncodingArg::Unicode => EncodingChoice::Force(TextEncoding::Unicode),
            EncodingArg::Tcvn3 => EncodingChoice::Force(TextEncoding::Tcvn3),
            EncodingArg::Vni => EncodingChoice::Force(TextEncoding::Vni),
        }
    }
}

/// `paypoint roll demo|import|versions`.
pub fn run(ledger: &mut Ledger, command: &RollCommand) -> Outcome {
    match command {
        RollCommand::Demo { period, size, seed } => load_demo(ledger, *period, *size, *seed),
        RollCommand::Import {
            file,
            period,
            encoding,
            dry_run,
        } => import(ledger, file, *period, *encoding, *dry_run),
        RollCommand::Versions => {
            let period = ledger.require_open_period()?;
            let versions = ledger.roll_versions(period)?;
            done(Versions { period, versions })
        }
    }
}

/// The demo roll loaded, and the deaths its people's families came to report: the clerk records
/// them with `paypoint stop` (the window's demo ledger records them itself).
struct DemoLoaded(RollSummary, Vec<demo::DemoDeath>);

impl Report for DemoLoaded {
    fn text(&self) -> String {
        let mut out = String::new();
        let s = &self.0;
        put!(
            out,
            "Đã nạp danh sách MẪU kỳ {}: {} đối tượng, {} khoản, tổng {} đ.",
            s.period,
            s.beneficiaries,
            s.lines,
            s.total
        );
        if !self.1.is_empty() {
            put!(
                out,
                "Gia đình đã báo tin {} người mất (báo giảm bằng: paypoint --clerk N stop MÃ --reason death --date NGÀY):",
                self.1.len()
            );
            for d in &self.1 {
                put!(out, "  {}  mất ngày {}", d.code, d.date.format("%d/%m/%Y"));
            }
        }
        out
    }

    fn json(&self) -> Value {
        let s = &self.0;
        json!({
            "period": s.period, "version": s.version, "beneficiaries": s.beneficiaries,
            "lines": s.lines, "total": s.total, "demo": true,
            "deaths": self.1.iter().map(|d| json!({"code": d.code.to_string(), "date": d.date.to_string()})).collect::<Vec<_>>(),
        })
    }
}

fn load_demo(ledger: &mut Ledger, period: Period, size: usize, seed: u64) -> Outcome {
    if size == 0 || size > paypoint::roll::MAX_ENTRIES {
        return Err(Failure::new(
            "invalid_input",
            format!("--size phải từ 1 đến {}", paypoint::roll::MAX_ENTRIES),
        ));
    }
    // The amounts of the table in force in that month: the ones the Policy screen shows.
    let table = ledger.policy_table_on(period.first_day())?;
    let roll = demo::roll_with(
        &table,
        period,
        size,
        seed,
        &ledger.device().pay_point_code.clone(),
    );
    let deaths = demo::deaths(&roll, seed);
    done(DemoLoaded(ledger.load_roll(&roll, "demo", true)?, deaths))
}

/// A roll file read and checked, and what loading it changed (`None` for a dry run).
struct Imported {
    preview: ImportPreview,
    period: Period,
    dry_run: bool,
    change: Option<RollChange>,
}

impl Report for Imported {
    fn text(&self) -> String {
        let mut out = String::new();
        let p = &self.preview;
        put!(
            out,
            "{} {}: {} đối tượng, {} khoản, tổng {} đ (bảng mã {}{}).",
            if self.dry_run {
                "Xem trước"
            } else {
                "Đã đọc"
            },
            p.file,
            p.beneficiaries,
            p.lines,
            p.total,
            p.encoding.as_str(),
            if p.encoding_sure {
                ""
            } else {
                ", chưa chắc chắn"
            }
        );
        for w in &p.warnings {
            put!(out, "Lưu ý: {w}");
        }
        match &self.change {
            None => put!(out, "Chưa ghi gì vào sổ (--dry-run)."),
            Some(c) => change_text(&mut out, c),
        }
        out
    }

    fn json(&self) -> Value {
        let p = &self.preview;
        json!({
            "file": p.file, "sheet": p.sheet, "period": self.period,
            "beneficiaries": p.beneficiaries, "lines": p.lines,
            "total": p.total, "stated_total": p.stated_total,
            "encoding": p.encoding, "encoding_sure": p.encoding_sure,
            "warnings": p.warnings, "dry_run": self.dry_run, "change": self.change,
        })
    }
}

/// What a roll loaded into the ledger changed: versions, people, lines, and the conflicts with
/// lines already paid, which are the district's to settle.
fn change_text(out: &mut String, c: &RollChange) {
    if c.outcome == "unchanged" {
        put!(
            out,
            "Danh sách giống hệt phiên bản {} đã nạp: không có gì thay đổi.",
            c.version
        );
        return;
    }
    put!(
        out,
        "Đã nạp kỳ {} phiên bản {}: thêm {} đối tượng, thêm {} khoản, rút {} khoản.",
        c.period,
        c.version,
        c.added_beneficiaries,
        c.added_lines,
        c.removed_lines
    );
    for k in &c.conflicts {
        put!(
            out,
            "XUNG ĐỘT (báo đơn vị quản lý): {} ({}) đã nhận {} đ {}; danh sách mới {}.",
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
        put!(out, "Lưu ý: {d}");
    }
}

fn import(
    ledger: &mut Ledger,
    file: &std::path::Path,
    period: Period,
    encoding: EncodingArg,
    dry_run: bool,
) -> Outcome {
    let opts = ImportOptions {
        period,
        encoding: encoding.choice(),
    };
    let preview = match ledger.preview_roll_file(file, &opts) {
        Ok(p) => p,
        Err(e) => {
            // Each problem located by row and column, for a script to show.
            let problems = to_json(&e.problems());
            return Err(Failure::from(e).with("problems", problems));
        }
    };
    let change = if dry_run {
        None
    } else {
        Some(ledger.apply_roll(&preview.roll, &preview.file)?)
    };
    done(Imported {
        preview,
        period,
        dry_run,
        change,
    })
}

struct Versions {
    period: Period,
    versions: Vec<RollVersion>,
}

impl Report for Versions {
    fn text(&self) -> String {
        let mut out = String::new();
        for v in &self.versions {
            let signed = match v.origin {
                RollOrigin::Hub => "có chữ ký của đơn vị quản lý",
                RollOrigin::File => paypoint::roll::UNSIGNED_ROLL_NOTICE,
                RollOrigin::Demo => "dữ liệu mẫu",
            };
            put!(
                out,
                "Kỳ {} phiên bản {}: {} (nạp lúc {}; {signed})",
                self.period,
                v.version,
                v.source,
                v.loaded_at
            );
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.versions)
    }
}
