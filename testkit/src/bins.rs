//! The workspace's binaries for a suite that does not build them itself (the desktop's tests run
//! the command line and the hub). A suite that owns a binary passes `env!("CARGO_BIN_EXE_…")`
//! instead: cargo built it for that very run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

/// `paypoint`, the command line (`PAYPOINT_CLI_BIN` points at another one).
pub fn cli() -> PathBuf {
    built("PAYPOINT_CLI_BIN", "paypoint-cli", "paypoint")
}

/// `paypoint-district`, the hub (`PAYPOINT_DISTRICT_BIN` points at another one).
pub fn hub() -> PathBuf {
    built(
        "PAYPOINT_DISTRICT_BIN",
        "paypoint-district",
        "paypoint-district",
    )
}

/// The binary `bin` of `package`, built first by `cargo build -p PACKAGE --bin BIN` (a no-op when
/// it is fresh), once per test process; or the one the variable `var` names.
fn built(var: &str, package: &str, bin: &str) -> PathBuf {
    if let Some(p) = std::env::var_os(var) {
        return PathBuf::from(p);
    }
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut done = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !done.iter().any(|b| b == bin) {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "-p", package, "--bin", bin])
            .current_dir(workspace_root())
            .status()
            .expect("cargo runs");
        assert!(
            status.success(),
            "cargo build -p {package} --bin {bin} failed"
        );
        done.push(bin.to_string());
    }
    let path = target_dir().join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    assert!(path.exists(), "{} was not built", path.display());
    path
}

/// The workspace's root: the folder above this crate.
pub fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("testkit/ is in the workspace")
}

/// `target/debug` (or wherever cargo put the running test): a test binary lives in its `deps/`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let deps = exe.parent().expect("deps/");
    deps.parent().unwrap_or(deps).to_path_buf()
}
