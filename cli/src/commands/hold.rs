//! `paypoint hold …`: two devices at one pay point (issue 17). Each person is held by one device,
//! which alone pays them; a supervisor hands people over to the other device with a signed file
//! (a USB stick), which that device imports. `list` says whom this device holds and its id (what
//! the other device's supervisor types after `--to`).

use std::path::PathBuf;

use clap::Subcommand;
use paypoint::hold::{self, Choice, Handover, Holds};
use paypoint::sync::protocol::Signed;
use paypoint::{BeneficiaryCode, Ledger};
use serde_json::{json, Value};

use crate::access::sign_in;
use crate::failure::Failure;
use crate::report::{done, put, to_json, Outcome, Report};

#[derive(Subcommand)]
pub enum HoldCommand {
    /// Máy này giữ bao nhiêu người (chỉ chi cho người mình giữ), máy khác giữ bao nhiêu; mã của máy này.
    List,
    /// Máy thứ hai của điểm chi trả: không giữ ai cho đến khi nhận bàn giao. Giám sát viên làm một lần, trước khi chi.
    Second,
    /// Giao người cho máy khác của điểm (giám sát viên): từ lúc này máy này không chi cho họ; viết tệp
    /// bàn giao có chữ ký để máy kia nhập (`hold take`).
    Give {
        /// Mã máy nhận (8 ký tự, xem `paypoint hold list` trên máy đó).
        #[arg(long)]
        to: String,
        /// Giao mọi người của một thôn/xóm mà máy này đang giữ.
        #[arg(long, conflicts_with = "codes")]
        village: Option<String>,
        /// Tệp bàn giao sẽ viết (ví dụ trên USB).
        #[arg(long)]
        out: PathBuf,
        /// Hoặc: các mã đối tượng.
        codes: Vec<String>,
    },
    /// Viết lại tệp của một lần giao đã ghi (mất tệp, hoặc máy tắt giữa chừng).
    File {
        /// Mã lần giao (hoặc phần đầu của mã).
        handover: String,
        /// Tệp sẽ viết.
        #[arg(long)]
        out: PathBuf,
    },
    /// Nhận người từ tệp bàn giao của máy kia (giám sát viên): từ lúc này máy này chi cho họ.
    Take {
        /// Tệp bàn giao.
        file: PathBuf,
    },
}

/// `paypoint hold list|second|give|file|take`.
pub fn run(ledger: &mut Ledger, clerk: Option<i64>, command: &HoldCommand) -> Outcome {
    match command {
        HoldCommand::List => done(Listed(ledger.holds()?)),
        HoldCommand::Second => {
            let by = sign_in(ledger, clerk)?;
            ledger.hold_second(&by).map_err(hold_failure)?;
            done(Listed(ledger.holds()?))
        }
        HoldCommand::Give {
            to,
            village,
            out,
            codes,
        } => {
            let choice = match village {
                Some(v) => Choice::Village(v.clone()),
                None => Choice::Codes(codes.iter().map(|c| code(c)).collect::<Result<_, _>>()?),
            };
            let by = sign_in(ledger, clerk)?;
            let file = ledger.give(&by, to, &choice).map_err(hold_failure)?;
            hold::write_file(out, &file).map_err(hold_failure)?;
            done(Given {
                file,
                out: out.clone(),
            })
        }
        HoldCommand::File { handover, out } => {
            let file = ledger.handover_given(handover).map_err(hold_failure)?;
            hold::write_file(out, &file).map_err(hold_failure)?;
            done(Given {
                file,
                out: out.clone(),
            })
        }
        HoldCommand::Take { file } => {
            let signed = hold::read_file(file).map_err(hold_failure)?;
            let by = sign_in(ledger, clerk)?;
            let codes = ledger.take(&by, &signed).map_err(hold_failure)?;
            done(Taken {
                from: paypoint::device::short_id(&signed.body.from_device.to_string()),
                codes,
            })
        }
    }
}

fn code(s: &str) -> Result<BeneficiaryCode, Failure> {
    BeneficiaryCode::new(s.trim()).ok_or_else(|| {
        Failure::new(
            "unknown_beneficiary",
            format!("mã đối tượng “{}” không hợp lệ", s.trim()),
        )
    })
}

fn hold_failure(e: hold::HoldError) -> Failure {
    Failure::new(e.code(), e.to_string())
}

struct Listed(Holds);

impl Report for Listed {
    fn text(&self) -> String {
        let h = &self.0;
        let mut out = String::new();
        put!(
            out,
            "Máy này: {} ({}).",
            h.device,
            if h.holds_all {
                "máy thứ nhất: giữ mọi người trừ người đã giao"
            } else {
                "máy thứ hai: chỉ giữ người được giao"
            }
        );
        put!(
            out,
            "Đang giữ (chỉ chi cho những người này): {} người.",
            h.here
        );
        for (device, n) in &h.elsewhere {
            put!(
                out,
                "Đang giao cho máy {device}: {n} người (không chi ở máy này)."
            );
        }
        if !h.received_unpaid.is_empty() {
            put!(
                out,
                "Máy khác giao cho máy này, chưa nhận tiền: {} người.",
                h.received_unpaid.len()
            );
            for p in &h.received_unpaid {
                put!(out, "  {}  {} — {}", p.code, p.name, p.village);
            }
        }
        out
    }

    fn json(&self) -> Value {
        to_json(&self.0)
    }
}

struct Given {
    file: Signed<Handover>,
    out: PathBuf,
}

impl Report for Given {
    fn text(&self) -> String {
        let h = &self.file.body;
        let mut out = String::new();
        put!(
            out,
            "Đã giao {} người cho máy {}: máy này không chi cho họ nữa.",
            h.codes.len(),
            paypoint::device::short_id(&h.to_device)
        );
        put!(out, "Tệp bàn giao: {} (mã lần giao {}). Mang sang máy kia và nhập bằng `paypoint hold take`.", self.out.display(), h.handover);
        out
    }

    fn json(&self) -> Value {
        let h = &self.file.body;
        json!({"handover": h.handover, "to_device": h.to_device, "codes": h.codes, "released_seq": h.released_seq, "file": self.out})
    }
}

struct Taken {
    from: String,
    codes: Vec<String>,
}

impl Report for Taken {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(
            out,
            "Đã nhận {} người từ máy {}: máy này chi cho họ từ bây giờ.",
            self.codes.len(),
            self.from
        );
        out
    }

    fn json(&self) -> Value {
        json!({"from_device": self.from, "codes": self.codes})
    }
}
