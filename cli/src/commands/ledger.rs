//! The ledger file itself: `paypoint init`, `encrypt` and `passphrase`. These run before (or
//! instead of) opening the ledger.

use std::path::{Path, PathBuf};

use clap::Args;
use paypoint::ledger::{Device, EncryptReport};
use paypoint::vault::{self, KeyStore, Passphrase};
use paypoint::{Ledger, LedgerError};
use serde_json::{json, Value};

use crate::access::open_ledger;
use crate::failure::Failure;
use crate::input::read_passphrase;
use crate::report::{done, put, Outcome, Report};

const NEW_PASSPHRASE_PROMPT: &str = "Đặt mật khẩu của người phụ trách (ít nhất 10 ký tự): ";

#[derive(Args)]
pub struct InitArgs {
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
}

struct Initialised {
    path: PathBuf,
    device: Device,
}

impl Report for Initialised {
    fn text(&self) -> String {
        let mut out = String::new();
        let d = &self.device;
        put!(
            out,
            "Đã khởi tạo sổ {} cho {} ({}).",
            self.path.display(),
            d.pay_point_name,
            d.pay_point_code
        );
        out
    }

    fn json(&self) -> Value {
        let d = &self.device;
        json!({"db": self.path, "pay_point": d.pay_point_code, "name": d.pay_point_name, "device": d.id})
    }
}

/// `paypoint init`: a new encrypted ledger, its key in the OS key store or wrapped by the
/// supervisor's passphrase.
pub fn init(path: &Path, args: &InitArgs) -> Outcome {
    if path.exists() {
        // Checked before a key is made: a second key file must never replace the one that
        // opens an existing ledger.
        return Err(match open_ledger(path) {
            Ok(l) => LedgerError::AlreadyInitialised {
                path: path.to_path_buf(),
                code: l.device().pay_point_code.clone(),
            }
            .into(),
            Err(_) => Failure::new(
                "already_initialised",
                format!(
                    "tệp {} đã có: sổ đã được khởi tạo, không khởi tạo lại",
                    path.display()
                ),
            ),
        });
    }
    let pass = if args.demo {
        Passphrase::new(vault::DEMO_PASSPHRASE)?
    } else {
        read_passphrase("PAYPOINT_PASSPHRASE", NEW_PASSPHRASE_PROMPT, true)?
    };
    let (key, report) = vault::create(path, &pass, KeyStore::from_env(), args.demo)?;
    let ledger = match Ledger::init_encrypted(path, &args.pay_point, &args.name, &key) {
        Ok(l) => l,
        Err(e) => {
            let _ = std::fs::remove_file(vault::key_file_path(path));
            return Err(e.into());
        }
    };
    if let Some(note) = &report.os_store_note {
        eprintln!("Lưu ý: {note}; sổ sẽ mở bằng mật khẩu của người phụ trách.");
    }
    done(Initialised {
        path: path.to_path_buf(),
        device: ledger.device().clone(),
    })
}

struct Encrypted {
    path: PathBuf,
    report: EncryptReport,
}

impl Report for Encrypted {
    fn text(&self) -> String {
        let mut out = String::new();
        put!(
            out,
            "Đã mã hoá sổ {}: {} sự kiện, chuỗi băm giữ nguyên. Sao lưu tệp khoá {} cùng sổ.",
            self.path.display(),
            self.report.events,
            vault::key_file_path(&self.path).display()
        );
        out
    }

    fn json(&self) -> Value {
        json!({"db": self.path, "events": self.report.events, "head": self.report.head})
    }
}

/// `paypoint encrypt`: a plain ledger of an older release, encrypted in place.
pub fn encrypt(path: &Path) -> Outcome {
    if vault::is_encrypted(path).unwrap_or(false) {
        return Err(Failure::new(
            "already_encrypted",
            format!("sổ {} đã được mã hoá", path.display()),
        ));
    }
    // Open it plain first: a missing or foreign file is named before a key is made.
    drop(Ledger::open(path)?);
    let pass = read_passphrase("PAYPOINT_PASSPHRASE", NEW_PASSPHRASE_PROMPT, true)?;
    // A key file beside a plain ledger is what an interrupted `encrypt` leaves: the same
    // passphrase opens it and the conversion goes on with that key.
    let resumed = vault::has_key_file(path);
    let key = if resumed {
        vault::unlock(path, Some(&pass), KeyStore::from_env())?.0
    } else {
        vault::create(path, &pass, KeyStore::from_env(), false)?.0
    };
    match Ledger::encrypt_file(path, &key) {
        Ok(report) => done(Encrypted {
            path: path.to_path_buf(),
            report,
        }),
        Err(e) => {
            if !resumed {
                let _ = std::fs::remove_file(vault::key_file_path(path));
            }
            Err(e.into())
        }
    }
}

struct PassphraseChanged;

impl PassphraseChanged {
    const SENTENCE: &'static str = "Đã đổi mật khẩu của người phụ trách.";
}

impl Report for PassphraseChanged {
    fn text(&self) -> String {
        format!("{}\n", Self::SENTENCE)
    }

    fn json(&self) -> Value {
        Value::Null
    }

    /// This command has no JSON form: `--json` prints the sentence too, as it always has.
    fn json_text(&self) -> String {
        Self::SENTENCE.to_string()
    }
}

/// `paypoint passphrase`: the supervisor's passphrase changed (the key stays the same).
pub fn passphrase(path: &Path) -> Outcome {
    let old = read_passphrase("PAYPOINT_PASSPHRASE", "Mật khẩu hiện tại: ", false)?;
    let new = read_passphrase(
        "PAYPOINT_NEW_PASSPHRASE",
        "Mật khẩu mới (ít nhất 10 ký tự): ",
        true,
    )?;
    vault::change_passphrase(path, &old, &new)?;
    done(PassphraseChanged)
}
