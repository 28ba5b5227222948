//! Writing a file so that a crash or a full disk leaves the old file or the new one, never half
//! of one: the key file and the printed documents.

use std::io::Write;
use std::path::{Path, PathBuf};

/// `path` with `suffix` added to its name: `ledger.sqlite` → `ledger.sqlite-wal`,
/// `ledger.sqlite.key` (SQLite and our own companions of a file are named this way).
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes `bytes` to `path` through a temporary file in the same folder, synced, then renamed
/// over `path` (and the folder synced, so the rename itself survives power loss). With
/// `owner_only` the file is readable by its owner alone (mode 0600 on Unix).
pub fn write_atomic(path: &Path, bytes: &[u8], owner_only: bool) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if owner_only { 0o600 } else { 0o644 };
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = owner_only;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    let tmp = tmp.into_temp_path();
    replace(&tmp, path)?;
    // Renamed away: there is nothing left for the guard to delete.
    let _ = tmp.keep();
    Ok(())
}

/// Renames `from` over `to` (same folder) so that the rename survives a power cut: on Unix the
/// folder is synced after `rename`; on Windows `MoveFileExW` with `MOVEFILE_WRITE_THROUGH`, which
/// returns only once the move is on the disk (the `atomicwrites` crate: our own code may not call
/// the Windows API, `unsafe` is forbidden in the workspace).
pub fn replace(from: &Path, to: &Path) -> std::io::Result<()> {
    #[cfg(windows)]
    {
        atomicwrites::replace_atomic(from, to)
    }
    #[cfg(not(windows))]
    {
        std::fs::rename(from, to)?;
        let dir = to
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// The app's identifier: the folder of its data under the OS data directory, shared by the
/// desktop app and the command line.
pub const APP_IDENTIFIER: &str = "vn.paypoint.sochitra";
