//! The app's log: one writer (the core's, which masks personal data), one file in the data
//! folder. Below the state and the errors, which both write to it.

use std::path::{Path, PathBuf};

/// The component name of the app's log lines.
pub const LOG: &str = "paypoint-desktop";

/// Writes one log line (redacted by the core's writer). Callers pass codes, ids and kinds, never a
/// person's name, an ID card number, a PIN, a passphrase or a key.
pub fn log(message: impl std::fmt::Display) {
    paypoint::log::line(LOG, message);
}

/// The app's log file in the data folder.
pub fn log_path(data_dir: &Path) -> PathBuf {
    data_dir.join("paypoint-desktop.log")
}
