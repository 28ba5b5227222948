//! The workspace's binaries for a suite that does not build them itself (the desktop's tests run
//! the command line and the hub). A suite that owns a binary passes `env!("CARGO_BIN_EXE_…")`
//! instead: cargo built it for that very run.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;

/// The command line under test: the one cargo built for this suite (`cargo_built`), or the one
/// `PAYPOINT_CLI_BIN` names (a Windows `paypoint.exe` runs under Wine, see [`command`]).
pub fn cli_under_test(cargo_built: &str) -> PathBuf {
    std::env::var_os("PAYPOINT_CLI_BIN").map_or_else(|| PathBuf::from(cargo_built), PathBuf::from)
}

/// True when `bin` is a Windows program and this is not Windows: it runs under Wine.
pub fn under_wine(bin: &Path) -> bool {
    !cfg!(windows)
        && bin
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("exe"))
}

/// A command that runs `bin`: itself, or a Windows `.exe` through Wine. Debian's `wine` execs the
/// loader, which runs the program in that same process: killing the child with SIGKILL is what
/// Wine's own `TerminateProcess` does to a process, so the crash tests hold for Windows too.
pub fn command(bin: &Path) -> Command {
    if under_wine(bin) {
        wine_session();
        let mut c = Command::new("wine");
        // No Wine debug output on the program's stderr (tests read it).
        c.arg(bin)
            .env("TMPDIR", WINE_TMPDIR)
            .env("WINEDEBUG", "-all");
        c
    } else {
        Command::new(bin)
    }
}

/// A run under Wine that failed and printed nothing at all. Our binary never does: a refusal, bad
/// usage and a panic all say why on stderr (and a refusal under `--json` on stdout too). On a
/// loaded machine, about one Wine run in a few thousand ends so (seen in CI beside the other Wine
/// suites, in setup and in the crash loop; never on Linux, never reproduced alone): Wine, not the
/// program, lost the run and what it printed.
pub fn wine_lost_the_run(bin: &Path, out: &Output) -> bool {
    under_wine(bin)
        && out.status.code() == Some(1)
        && out.stdout.trim_ascii().is_empty()
        && out.stderr.trim_ascii().is_empty()
}

/// Runs `c` (made by [`command`] for `bin`) to the end. A run Wine lost ([`wine_lost_the_run`])
/// is run once more, and the test's stderr says so; a second such end is returned like any other
/// and fails the test. Only for runs whose repetition the test can tell: a command that would
/// record something twice is refused the second time, and the test sees that refusal.
pub fn output(bin: &Path, c: &mut Command) -> Output {
    let out = c.output().expect("the binary runs");
    if wine_lost_the_run(bin, &out) {
        eprintln!(
            "wine: {:?} ended with {:?} and no output; running it once more",
            c.get_args().collect::<Vec<_>>(),
            out.status
        );
        return c.output().expect("the binary runs");
    }
    out
}

/// Wine finds its server through a folder under `TMPDIR`; the tests set `TMPDIR` to a folder named
/// like a clerk's (for their ledgers), so Wine's own is pinned here: one server for every run.
const WINE_TMPDIR: &str = "/tmp";

/// Starts Wine's session once per test process, before any test runs a program: a persistent
/// server, and Wine's own services (`wineboot`), all with their output closed. Left to the first
/// `wine` of a test, the server and the services it starts would inherit that test's stdout and
/// stderr pipes and hold them open for as long as they live: the test would wait for the end of
/// the output forever. `bash scripts/test` stops the server at the end.
fn wine_session() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        for (program, arg) in [("wineserver", "-p"), ("wine", "wineboot")] {
            // A server already running, or a session already booted, is fine.
            let _ = Command::new(program)
                .arg(arg)
                .env("TMPDIR", WINE_TMPDIR)
                .env("WINEDEBUG", "-all")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    });
}

/// `path` as `bin` sees it: under Wine, drive `Z:` is `/` and the separator `\`, so a test's
/// folder is given as a Windows user would type it.
pub fn path_arg(bin: &Path, path: &Path) -> OsString {
    match path.to_str() {
        Some(s) if under_wine(bin) && s.starts_with('/') => {
            format!("Z:{}", s.replace('/', "\\")).into()
        }
        _ => path.as_os_str().to_owned(),
    }
}

/// A path the binary printed, as this OS names it (the reverse of [`path_arg`]).
pub fn host_path(printed: &str) -> PathBuf {
    let rest = printed
        .strip_prefix("Z:")
        .or_else(|| printed.strip_prefix("z:"));
    match rest {
        Some(rest) if !cfg!(windows) => PathBuf::from(rest.replace('\\', "/")),
        _ => PathBuf::from(printed),
    }
}

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
