//! Printing: the core writes the PDF; the shell saves it in the app data folder's `documents/`
//! and hands it to the system: the PDF viewer (`xdg-open`, `start`, `open`) or the default
//! printer (`lp`, the shell's print verb). Never the webview's own printing.
//!
//! `PAYPOINT_NO_OPEN=1` saves the file without opening or printing it (tests, headless use).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use paypoint::document::{self, DocumentError, DocumentKind, Pdf};
use paypoint::{Ledger, Period};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// What to do with a document once written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PrintAction {
    /// Open it in the system's PDF viewer.
    #[default]
    Open,
    /// Send it to the default printer.
    Print,
    /// Only write the file.
    Save,
}

/// What was done with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Delivered {
    /// Opened in the PDF viewer.
    Opened,
    /// Sent to the printer.
    Printed,
    /// Written only (`save`, or `PAYPOINT_NO_OPEN`).
    Saved,
}

impl Delivered {
    /// As the log and the window write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Delivered::Opened => "opened",
            Delivered::Printed => "printed",
            Delivered::Saved => "saved",
        }
    }
}

/// What the window asks to print.
#[derive(Debug, Clone, Deserialize, specta::Type)]
pub struct PrintRequest {
    /// Which paper.
    pub kind: DocumentKind,
    /// One village (signature sheet, unpaid list); the whole roll when empty.
    #[serde(default)]
    pub village: Option<String>,
    /// The beneficiary of a receipt.
    #[serde(default)]
    pub code: Option<String>,
    /// Or the payout of a receipt.
    #[serde(default)]
    pub payout: Option<String>,
    /// Open in the PDF viewer, print, or only write the file.
    pub action: PrintAction,
}

/// What was done.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Printed {
    /// The PDF file written.
    pub path: String,
    /// Its pages.
    pub pages: usize,
    /// Its title.
    pub title: String,
    /// Opened, printed or saved.
    pub done: Delivered,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl From<DocumentError> for ApiError {
    fn from(e: DocumentError) -> Self {
        let (code, en) = match &e {
            DocumentError::NoRoll | DocumentError::NoRollForPeriod(_) => {
                return ApiError::new(
                    "no_roll",
                    "Sổ chưa có danh sách chi trả của kỳ này: hãy nạp danh sách ở màn hình Danh sách rồi in lại",
                    "There is no roll for this period yet: load it on the Roll screen, then print again",
                )
            }
            DocumentError::UnknownVillage { village, .. } => (
                "unknown_village",
                format!("There is no village “{village}” on the roll: choose one from the list"),
            ),
            DocumentError::UnknownBeneficiary { code, .. } => (
                "unknown_beneficiary",
                format!("No beneficiary with code “{code}” on the roll"),
            ),
            DocumentError::NotPaid { name, code, .. } => (
                "not_paid",
                format!("{name} ({code}) has not been paid this period: a receipt is printed after the payment is recorded"),
            ),
            DocumentError::UnknownPayout(p) => ("unknown_payout", format!("No payout “{p}”")),
            DocumentError::AmbiguousPayout(p) => ("ambiguous_payout", format!("Several payouts start with “{p}”: type more of the id")),
            DocumentError::PayoutReversed(p) => ("payout_reversed", format!("Payout {p} was reversed: no receipt for a reversed payout")),
            DocumentError::NoAccountRequest(c) => (
                "no_account_request",
                format!("{c} has no request to be paid by account on this device: record the request first"),
            ),
            DocumentError::ReceiptTarget => {
                return ApiError::new(
                    "receipt_target",
                    "Hãy chọn người đã nhận tiền (ở màn hình Chi trả hoặc Chi tại nhà) để in biên nhận",
                    "Choose a person who has been paid (Pay or Home delivery screen) to print their receipt",
                )
            }
            DocumentError::Unprintable { character, .. } => (
                "unprintable",
                format!("The character “{character}” cannot be printed with the documents' font: correct the source roll and load it again"),
            ),
            DocumentError::Write { path, .. } => {
                return ApiError::new(
                    "cannot_write",
                    format!("Không ghi được tệp {}: hãy kiểm tra ổ đĩa còn chỗ trống rồi in lại", path.display()),
                    format!("Cannot write {}: check the disk has free space, then print again", path.display()),
                )
            }
            DocumentError::Money(_) | DocumentError::Ledger(_) => {
                return match e {
                    DocumentError::Money(m) => m.into(),
                    DocumentError::Ledger(l) => l.into(),
                    _ => unreachable!(),
                }
            }
            _ => {
                crate::log::log(format_args!("document: {e}"));
                ("document", "The document could not be made; try again, and tell the district office if it persists".into())
            }
        };
        ApiError::new(code, e.to_string(), en)
    }
}

/// Makes the PDF asked for.
pub fn render(ledger: &Ledger, req: &PrintRequest) -> Result<Pdf, ApiError> {
    use document::{day, notice, receipt, settlement, sheet, unpaid};
    let village = nonempty(&req.village);
    Ok(match req.kind {
        DocumentKind::Sheet => sheet::render(
            ledger,
            &sheet::SheetOptions {
                village,
                ..Default::default()
            },
        )?,
        DocumentKind::Receipt => receipt::render(
            ledger,
            &receipt::ReceiptOptions {
                code: nonempty(&req.code),
                payout: nonempty(&req.payout),
                ..Default::default()
            },
        )?,
        DocumentKind::Day => day::render(ledger, &day::DayOptions::default())?,
        DocumentKind::Unpaid => unpaid::render(
            ledger,
            &unpaid::UnpaidOptions {
                village,
                ..Default::default()
            },
        )?,
        DocumentKind::Settlement => {
            settlement::render(ledger, &settlement::SettlementOptions::default())?
        }
        DocumentKind::Notice => notice::render(ledger, &notice::NoticeOptions::default())?,
    })
}

/// A file name that says what the document is: `danh-sach-ky-nhan-2026-12-thon-dong.pdf`.
pub fn file_name(req: &PrintRequest, period: Option<Period>) -> String {
    let base = match req.kind {
        DocumentKind::Sheet => "danh-sach-ky-nhan",
        DocumentKind::Receipt => "bien-nhan",
        DocumentKind::Day => "bao-cao-ngay",
        DocumentKind::Unpaid => "danh-sach-chua-nhan",
        DocumentKind::Settlement => "thanh-quyet-toan",
        DocumentKind::Notice => "niem-yet",
    };
    let mut parts = vec![base.to_string()];
    if let Some(p) = period {
        parts.push(p.to_string());
    }
    for extra in [&req.village, &req.code, &req.payout] {
        if let Some(x) = nonempty(extra) {
            parts.push(slug(&x));
        }
    }
    if matches!(req.kind, DocumentKind::Day | DocumentKind::Receipt) {
        parts.push(chrono::Local::now().format("%Y%m%d-%H%M%S").to_string());
    }
    format!("{}.pdf", parts.join("-"))
}

fn slug(s: &str) -> String {
    let folded = paypoint::text::fold(s);
    let mut out = String::new();
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(40).collect()
}

/// Writes the PDF into `dir` and hands it to the system as asked.
pub fn deliver(
    pdf: &Pdf,
    dir: &Path,
    name: &str,
    action: PrintAction,
) -> Result<Printed, ApiError> {
    std::fs::create_dir_all(dir).map_err(|e| {
        crate::log::log(format_args!("cannot create the documents folder: {e}"));
        ApiError::new(
            "cannot_write",
            format!(
                "Không tạo được thư mục {}: hãy kiểm tra ổ đĩa còn chỗ trống rồi in lại",
                dir.display()
            ),
            format!(
                "Cannot create {}: check the disk has free space, then print again",
                dir.display()
            ),
        )
    })?;
    let path = dir.join(name);
    pdf.write_to(&path)?;
    let done = if std::env::var_os("PAYPOINT_NO_OPEN").is_some_and(|v| !v.is_empty() && v != "0") {
        Delivered::Saved
    } else {
        match action {
            PrintAction::Print => {
                send_to_printer(&path)?;
                Delivered::Printed
            }
            PrintAction::Save => Delivered::Saved,
            PrintAction::Open => {
                open_in_viewer(&path)?;
                Delivered::Opened
            }
        }
    };
    Ok(Printed {
        path: path.display().to_string(),
        pages: pdf.pages,
        title: pdf.title.clone(),
        done,
    })
}

/// Opens a file in the system's viewer, without waiting for the viewer to close.
pub fn open_in_viewer(path: &Path) -> Result<(), ApiError> {
    launch_viewer(path).map_err(|e| {
        crate::log::log(format_args!("cannot open a PDF viewer: {e}"));
        ApiError::new(
            "no_viewer",
            format!("Không mở được trình xem PDF. Tệp đã lưu ở {}: hãy mở tệp đó bằng trình xem PDF (trên Linux cần gói xdg-utils)", path.display()),
            format!("Could not open a PDF viewer. The file is saved at {}: open it with a PDF viewer (on Linux, install xdg-utils)", path.display()),
        )
    })
}

/// Windows: the default PDF app through ShellExecuteW (the `open` crate), never `cmd /C start`,
/// whose parser would split a path holding `&` or `^` (a folder "Lương & phụ cấp").
#[cfg(windows)]
fn launch_viewer(path: &Path) -> std::io::Result<()> {
    open::that_detached(path)
}

#[cfg(not(windows))]
fn launch_viewer(path: &Path) -> std::io::Result<()> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let child = Command::new(opener)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    reap(child);
    Ok(())
}

/// Sends a PDF to the default printer and waits for the spooler's answer.
pub fn send_to_printer(path: &Path) -> Result<(), ApiError> {
    let failed = |why: String| {
        crate::log::log(format_args!("cannot print: {}", why.trim()));
        ApiError::new(
            "no_printer",
            format!("Không gửi được tới máy in ({}). Tệp PDF đã lưu ở {}: hãy kiểm tra máy in mặc định đã được cài và bật, hoặc bấm “Mở” để in từ trình xem PDF", why.trim(), path.display()),
            format!("Could not send to the printer ({}). The PDF is saved at {}: check a default printer is set up and on, or use “Open” and print from the viewer", why.trim(), path.display()),
        )
    };
    match print_command(path).stdin(Stdio::null()).output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) if cfg!(windows) => print_from_viewer(path, &o.stderr),
        Ok(o) => Err(failed(String::from_utf8_lossy(&o.stderr).into_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(failed(
            "chưa cài hệ thống in: cups-client / no printing system installed".into(),
        )),
        Err(e) => Err(failed(e.to_string())),
    }
}

/// Windows: the print verb of the default PDF app, through PowerShell with no console window.
/// The path is a single-quoted PowerShell literal: nothing in it (`&`, `$`, backquote) is read.
#[cfg(windows)]
fn print_command(path: &Path) -> Command {
    use std::os::windows::process::CommandExt;
    /// `CREATE_NO_WINDOW`: no black console flashing up behind the app.
    const CREATE_NO_WINDOW: u32 = 0x0800_0000;
    let ps = format!(
        "Start-Process -FilePath '{}' -Verb Print",
        path.display().to_string().replace('\'', "''")
    );
    let mut c = Command::new("powershell");
    c.args(["-NoProfile", "-NonInteractive", "-Command", &ps])
        .creation_flags(CREATE_NO_WINDOW);
    c
}

#[cfg(not(windows))]
fn print_command(path: &Path) -> Command {
    let mut c = Command::new("lp");
    c.arg("--").arg(path);
    c
}

/// Windows' own PDF viewer (Microsoft Edge, the default on Windows 10 and 11) has no print verb:
/// open the document there instead and tell the clerk to print it with Ctrl+P.
fn print_from_viewer(path: &Path, stderr: &[u8]) -> Result<(), ApiError> {
    crate::log::log(format_args!(
        "the print verb failed ({}): opening the viewer",
        String::from_utf8_lossy(stderr).trim()
    ));
    open_in_viewer(path)?;
    Err(ApiError::new(
        "print_in_viewer",
        format!("Trình xem PDF mặc định không nhận lệnh in trực tiếp, nên tài liệu đã được mở ra: hãy bấm Ctrl+P trong cửa sổ đó để in. Tệp đã lưu ở {}", path.display()),
        format!("The default PDF viewer does not take print requests, so the document was opened: press Ctrl+P in that window to print it. The file is saved at {}", path.display()),
    ))
}

#[cfg(not(windows))]
fn reap(mut child: std::process::Child) {
    std::thread::spawn(move || {
        let _ = child.wait();
    });
}

/// The documents already written, newest first.
pub fn list(dir: &Path) -> Vec<(PathBuf, std::time::SystemTime)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .filter_map(|p| {
            let m = std::fs::metadata(&p).and_then(|m| m.modified()).ok()?;
            Some((p, m))
        })
        .collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.1));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_was_done_is_sent_and_logged_by_the_same_name() {
        for d in [Delivered::Opened, Delivered::Printed, Delivered::Saved] {
            assert_eq!(
                serde_json::to_value(d).unwrap(),
                serde_json::json!(d.as_str())
            );
        }
        let action: PrintAction = serde_json::from_str("\"print\"").unwrap();
        assert_eq!(action, PrintAction::Print);
    }

    #[test]
    fn file_names_say_what_and_for_whom() {
        let req = PrintRequest {
            kind: DocumentKind::Sheet,
            village: Some("Thôn Đông".into()),
            code: None,
            payout: None,
            action: PrintAction::Save,
        };
        assert_eq!(
            file_name(&req, "2026-12".parse().ok()),
            "danh-sach-ky-nhan-2026-12-thon-dong.pdf"
        );
        assert_eq!(slug("../../etc/passwd"), "etc-passwd");
    }
}
