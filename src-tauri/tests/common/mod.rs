//! Drives the real app binary in a real window through WebDriver: `tauri-driver` (which starts
//! `WebKitWebDriver`, which starts the app) with a fresh `XDG_DATA_HOME` per test, a `fantoccini`
//! client, and SIGTERM to stop the driver (it ends WebKitWebDriver only on TERM/INT/QUIT).
//!
//! Needs a display (run under `xvfb-run -a`), `WebKitWebDriver` (Debian `webkit2gtk-driver`) and
//! `tauri-driver` (`cargo install tauri-driver --locked`): `bash scripts/test` installs them.

#![allow(dead_code)]

use std::future::Future;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub use fantoccini::elements::Element;
pub use fantoccini::error::CmdError;
pub use fantoccini::key::Key;
pub use fantoccini::{Client, Locator};
use serde_json::{json, Value};

/// One window at a time: the machine has two cores, and WebKit is heavy.
static SERIAL: Mutex<()> = Mutex::new(());

/// How long a UI step may take before the test fails.
pub const STEP: Duration = Duration::from_secs(20);

/// The app binary cargo built for this test run.
pub fn app_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_paypoint-desktop"))
}

/// Where screenshots go: `docs/screens/` of the repository when `PAYPOINT_KEEP_SCREENS=1` (to
/// refresh the committed pictures), else under `target/`, so an ordinary test run leaves the
/// work tree clean (the screens show today's date and counts).
pub fn screens_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if std::env::var("PAYPOINT_KEEP_SCREENS").is_ok_and(|v| v == "1") {
        root.join("../docs/screens")
    } else {
        root.join("../target/screens")
    }
}

fn tauri_driver() -> PathBuf {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(p);
    }
    let home_bin = std::env::var_os("HOME")
        .map(|h| PathBuf::from(h).join(".cargo/bin/tauri-driver"))
        .filter(|p| p.exists());
    home_bin.unwrap_or_else(|| PathBuf::from("tauri-driver"))
}

/// Why the E2E tests cannot run here, said plainly instead of a confusing failure.
fn preflight() {
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    assert!(
        display,
        "E2E tests need a display: run them with `bash scripts/test` (which uses xvfb-run -a), \
         or `xvfb-run -a cargo test -p paypoint-desktop`"
    );
    let ok = Command::new(tauri_driver())
        .arg("--help")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    assert!(
        ok,
        "tauri-driver not found: `cargo install tauri-driver --locked` (bash scripts/test does it)"
    );
}

/// A running tauri-driver; stopped with SIGTERM on drop.
pub struct Driver {
    child: Child,
    /// Its WebDriver port.
    pub port: u16,
}

impl Driver {
    /// Starts tauri-driver with the app's environment: its own data folder, no PDF viewer, and
    /// never the developer's OS key store (`PAYPOINT_KEYSTORE=off`). What tauri-driver, WebKit
    /// and the app write to stderr goes to the test's stderr and to `stderr_log`.
    pub fn start(xdg_data_home: &Path, extra_env: &[(&str, &str)], stderr_log: &Path) -> Driver {
        let port = free_port();
        let native = free_port();
        let mut cmd = Command::new(tauri_driver());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
        ])
        .env("XDG_DATA_HOME", xdg_data_home)
        .env("PAYPOINT_NO_OPEN", "1")
        .env("PAYPOINT_KEYSTORE", "off")
        .env_remove("PAYPOINT_PASSPHRASE")
        .env_remove("PAYPOINT_LOCK_SECONDS")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start tauri-driver");
        let mut from = child.stderr.take().expect("stderr");
        let mut to = std::fs::File::create(stderr_log).expect("the stderr log");
        std::thread::spawn(move || {
            use std::io::{Read, Write};
            let mut buf = [0u8; 8192];
            while let Ok(n) = from.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let _ = std::io::stderr().write_all(&buf[..n]);
                let _ = to.write_all(&buf[..n]);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "tauri-driver did not listen on {port}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: tauri-driver ends WebKitWebDriver (and so the app) only on it.
        sigterm(self.child.id());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            match self.child.try_wait() {
                Ok(Some(_)) => return,
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(50))
                }
                _ => break,
            }
        }
        eprintln!("tauri-driver did not stop on SIGTERM within 10 s; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The app processes started for one data folder (by their binary and `XDG_DATA_HOME`).
pub fn app_pids(xdg_data_home: &Path) -> Vec<u32> {
    let binary = std::fs::canonicalize(app_binary()).unwrap_or_else(|_| app_binary());
    let want = format!("XDG_DATA_HOME={}", xdg_data_home.display());
    let mut out = Vec::new();
    for e in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        if std::fs::read_link(format!("/proc/{pid}/exe"))
            .ok()
            .as_deref()
            != Some(&binary)
        {
            continue;
        }
        let env = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
        if env.split(|b| *b == 0).any(|kv| kv == want.as_bytes()) {
            out.push(pid);
        }
    }
    out
}

/// Waits for the app of this data folder to end after its driver stopped; an app still running
/// after a few seconds is sent SIGTERM (it is ours: started for this folder).
pub fn reap_app(xdg_data_home: &Path) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if app_pids(xdg_data_home).is_empty() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    for pid in app_pids(xdg_data_home) {
        sigterm(pid);
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !app_pids(xdg_data_home).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Opens a WebDriver session on the app.
pub async fn session(port: u16) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert("browserName".into(), json!("wry"));
    caps.insert(
        "tauri:options".into(),
        json!({ "application": app_binary() }),
    );
    // tauri-driver listens before WebKitWebDriver behind it is ready: the first request can be
    // cut short. Try again a few times.
    let mut last = None;
    for _ in 0..5 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match fantoccini::ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => return c,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    panic!("WebDriver session on the app: {:?}", last.unwrap());
}

/// Everything one test needs: the window, and the data folder the app uses.
pub struct Ctx {
    /// The WebDriver client.
    pub c: Client,
    /// `$XDG_DATA_HOME` of this app.
    pub xdg: PathBuf,
    /// The app's data folder (`$XDG_DATA_HOME/vn.paypoint.sochitra`).
    pub data_dir: PathBuf,
    /// Everything tauri-driver, WebKit and the app wrote to stderr so far.
    pub stderr_log: PathBuf,
}

/// The app's data folder under `xdg` (`$XDG_DATA_HOME/vn.paypoint.sochitra`).
pub fn data_dir_of(xdg: &Path) -> PathBuf {
    xdg.join("vn.paypoint.sochitra")
}

/// Runs one E2E test: a fresh data folder, tauri-driver, a session; closes all of it after.
///
/// The window runs with WebKit's compositing on (`PAYPOINT_WEBKIT_COMPOSITING=1`): in the app's
/// default non-composited mode, WebKitWebDriver's "take screenshot" hangs for good on WebKitGTK
/// 2.50 under Xvfb once the page has changed, and every test saves screenshots.
/// [`run_default_mode`] drives the app as shipped, without screenshots.
pub fn run<F, Fut>(test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<(), CmdError>>,
{
    run_with_env(&[("PAYPOINT_WEBKIT_COMPOSITING", "1")], test)
}

/// Runs one E2E test on the app in its default (non-composited) WebKit mode. Take no screenshot
/// in it (see [`run`]).
pub fn run_default_mode<F, Fut>(test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<(), CmdError>>,
{
    run_with_env(&[], test)
}

/// Runs one E2E test as [`run`] does, with more variables in the app's environment.
pub fn run_env<F, Fut>(extra: &[(&str, &str)], test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<(), CmdError>>,
{
    let mut env = vec![("PAYPOINT_WEBKIT_COMPOSITING", "1")];
    env.extend_from_slice(extra);
    run_with_env(&env, test)
}

/// Runs one E2E test as [`run_env`] does, after `prepare` has set up the app's data folder
/// (given as its argument, not yet created) before the app starts.
pub fn run_prepared<P, F, Fut>(extra: &[(&str, &str)], prepare: P, test: F)
where
    P: FnOnce(&Path),
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<(), CmdError>>,
{
    let mut env = vec![("PAYPOINT_WEBKIT_COMPOSITING", "1")];
    env.extend_from_slice(extra);
    run_full(&env, prepare, test)
}

fn run_with_env<F, Fut>(env: &[(&str, &str)], test: F)
where
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<(), CmdError>>,
{
    run_full(env, |_| {}, test)
}

fn run_full<P, F, Fut>(env: &[(&str, &str)], prepare: P, test: F)
where
    P: FnOnce(&Path),
    F: FnOnce(Ctx) -> Fut,
    Fut: Future<Output = Result<(), CmdError>>,
{
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    preflight();
    let xdg = tempfile::tempdir().expect("temp dir");
    prepare(&data_dir_of(xdg.path()));
    let stderr_log = xdg.path().join("driver-stderr.log");
    let driver = Driver::start(xdg.path(), env, &stderr_log);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = rt.block_on(async {
        let c = session(driver.port).await;
        let ctx = Ctx {
            c: c.clone(),
            xdg: xdg.path().to_path_buf(),
            data_dir: data_dir_of(xdg.path()),
            stderr_log: stderr_log.clone(),
        };
        let r = test(ctx).await;
        if r.is_err() {
            if let Ok(png) = c.screenshot().await {
                let _ = std::fs::write(std::env::temp_dir().join("paypoint-e2e-failure.png"), png);
            }
        }
        let errors = c
            .execute("return (window.__errors || []).join('\\n')", vec![])
            .await;
        let _ = c.close().await;
        (r, errors)
    });
    drop(driver);
    reap_app(xdg.path());
    let (r, errors) = result;
    r.expect("E2E step failed (screenshot of the window: $TMPDIR/paypoint-e2e-failure.png)");
    if let Ok(Value::String(e)) = errors {
        assert!(e.is_empty(), "JavaScript errors in the window:\n{e}");
    }
}

/// CSS for a test id.
pub fn tid(id: &str) -> String {
    format!("[data-testid=\"{id}\"]")
}

/// Waits for an element by CSS.
pub async fn wait(c: &Client, css: &str) -> Result<Element, CmdError> {
    c.wait().at_most(STEP).for_element(Locator::Css(css)).await
}

/// Waits for an element by test id.
pub async fn wait_id(c: &Client, id: &str) -> Result<Element, CmdError> {
    wait(c, &tid(id)).await
}

fn is_stale(e: &CmdError) -> bool {
    matches!(e, CmdError::Standard(w) if w.error == fantoccini::error::ErrorStatus::StaleElementReference)
}

/// Finds the element by CSS and clicks it, finding it again if the page re-rendered it in
/// between (the UI rebuilds lists and panels after every answer from the ledger).
pub async fn click(c: &Client, css: &str) -> Result<(), CmdError> {
    let deadline = Instant::now() + STEP;
    loop {
        let e = wait(c, css).await?;
        match e.click().await {
            Err(err) if is_stale(&err) && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            r => return r,
        }
    }
}

/// Clicks the element with this test id (see [`click`]).
pub async fn click_id(c: &Client, id: &str) -> Result<(), CmdError> {
    click(c, &tid(id)).await
}

/// Chooses an option of the `<select>` with this test id, finding it again if it was re-rendered.
pub async fn select_id(c: &Client, id: &str, value: &str) -> Result<(), CmdError> {
    let deadline = Instant::now() + STEP;
    loop {
        let e = wait_id(c, id).await?;
        match e.select_by_value(value).await {
            Err(err) if is_stale(&err) && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            r => return r,
        }
    }
}

/// Types into the element with this test id, finding it again if it was re-rendered.
pub async fn type_id(c: &Client, id: &str, text: &str) -> Result<(), CmdError> {
    let deadline = Instant::now() + STEP;
    loop {
        let e = wait_id(c, id).await?;
        match e.send_keys(text).await {
            Err(err) if is_stale(&err) && Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            r => return r,
        }
    }
}

/// Types `text` into the (empty) field with this test id and checks it arrived whole: WebDriver
/// keystrokes can land while the page is still handling earlier ones. Retries a few times.
pub async fn fill_id(c: &Client, id: &str, text: &str) -> Result<(), CmdError> {
    for _ in 0..4 {
        let e = wait_id(c, id).await?;
        let _ = e.clear().await;
        if e.send_keys(text).await.is_ok() && e.prop("value").await?.as_deref() == Some(text) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not type “{text}” into {id}");
}

/// Waits until the element's text contains `needle`; returns the text.
pub async fn wait_text(c: &Client, css: &str, needle: &str) -> Result<String, CmdError> {
    let deadline = Instant::now() + STEP;
    loop {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if let Ok(t) = e.text().await {
                if t.contains(needle) {
                    return Ok(t);
                }
                if Instant::now() > deadline {
                    panic!("“{css}” says “{t}”, not “{needle}”");
                }
            }
        }
        assert!(Instant::now() < deadline, "“{css}” never said “{needle}”");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Waits until a JS expression is truthy; returns its value.
pub async fn wait_js(c: &Client, expr: &str) -> Result<Value, CmdError> {
    let deadline = Instant::now() + STEP;
    loop {
        let v = c.execute(&format!("return ({expr});"), vec![]).await?;
        if !matches!(v, Value::Null | Value::Bool(false)) && v != json!("") && v != json!(0) {
            return Ok(v);
        }
        assert!(Instant::now() < deadline, "never true: {expr}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Calls a Tauri command from the page, as the UI does; returns `{ok}` or `{err}`.
pub async fn invoke(c: &Client, cmd: &str, args: Value) -> Result<Value, CmdError> {
    c.execute_async(
        "const [cmd, args, done] = arguments;
         window.__TAURI__.core.invoke(cmd, args).then((ok) => done({ ok }), (err) => done({ err }));",
        vec![json!(cmd), args],
    )
    .await
}

/// Saves a PNG of the window to NAME.png in [`screens_dir`].
pub async fn screenshot(c: &Client, name: &str) -> Result<(), CmdError> {
    // Let the last frame paint (fonts, layout) before the picture.
    c.execute_async(
        "const done = arguments[0]; window.scrollTo(0, 0); requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
        vec![],
    )
    .await?;
    let png = c.screenshot().await?;
    let dir = screens_dir();
    std::fs::create_dir_all(&dir).expect("the screenshots folder");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    Ok(())
}

/// Signs in from the sign-in screen: clerk `n` of the list (0-based, moved to with ↓), PIN.
pub async fn sign_in(c: &Client, clerk_index: usize, pin: &str) -> Result<(), CmdError> {
    let pin_field = wait_id(c, "pin").await?;
    for _ in 0..clerk_index {
        pin_field.send_keys(&Key::Down.to_string()).await?;
    }
    fill_id(c, "pin", pin).await?;
    wait_id(c, "pin")
        .await?
        .send_keys(&Key::Enter.to_string())
        .await?;
    Ok(())
}

/// Signs in as the demo clerk Trần Thị Mai and waits for the Pay screen.
pub async fn sign_in_demo(c: &Client) -> Result<(), CmdError> {
    sign_in(c, 0, "1234").await?;
    wait_js(
        c,
        "document.activeElement && document.activeElement.id === 'pay-search'",
    )
    .await?;
    Ok(())
}

/// Clicks a navigation button.
pub async fn nav(c: &Client, screen: &str) -> Result<(), CmdError> {
    click_id(c, &format!("nav-{screen}")).await?;
    wait_js(c, &format!("document.body.dataset.screen === '{screen}'")).await?;
    Ok(())
}

/// The demo ledger the app holds (encrypted under the demo passphrase), opened beside it.
pub fn app_ledger(data_dir: &Path) -> rusqlite::Connection {
    let db = data_dir.join("ledger.sqlite");
    let (key, _) = paypoint::vault::unlock(&db, None, paypoint::vault::KeyStore::Off).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"{}\";", *key.sqlcipher_key()))
        .unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn
}

/// Lower case without Vietnamese accents.
pub fn fold(s: &str) -> String {
    paypoint::text::fold(s)
}

/// The first beneficiaries of the open roll that can be paid now (unpaid, not stopped, not at
/// home), as the search command returns them.
pub async fn payable(c: &Client, n: usize) -> Result<Vec<Value>, CmdError> {
    let all = invoke(c, "search", json!({"query": "", "limit": 300})).await?;
    Ok(all["ok"]
        .as_array()
        .expect("search results")
        .iter()
        .filter(|h| h["status"] == "unpaid" && h["home_delivery"] == false)
        .take(n)
        .cloned()
        .collect())
}

/// Types `query` into the Pay search, moves with ↓ to `code` and opens the card with Enter.
pub async fn open_card(c: &Client, field: &str, query: &str, code: &str) -> Result<(), CmdError> {
    let search = wait_id(c, field).await?;
    search.clear().await?;
    search.send_keys(query).await?;
    wait(
        c,
        &format!("[data-testid=\"result\"][data-code=\"{code}\"]"),
    )
    .await?;
    for _ in 0..60 {
        let active = c
            .execute(
                "const a = document.querySelector('.result.active'); return a ? a.dataset.code : null;",
                vec![],
            )
            .await?;
        if active == json!(code) {
            break;
        }
        search.send_keys(&Key::Down.to_string()).await?;
    }
    search.send_keys(&Key::Enter.to_string()).await?;
    wait(c, &format!("[data-testid=\"card\"][data-code=\"{code}\"]")).await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The command line (`paypoint`), to prepare a ledger the app then opens, and the hub the app
// syncs with: the test kit's, the binaries built by it (`cargo build`, a no-op when fresh).

pub use paypoint_testkit::hub::Hub;
use paypoint_testkit::{bins, free_port, sigterm};

/// `paypoint --db DB ARGS…` with the passphrase and PIN given (never the OS key store); panics
/// with its stderr when it fails; returns its stdout.
pub fn cli(db: &Path, args: &[&str], passphrase: &str, pin: Option<&str>) -> String {
    let cli = paypoint_testkit::cli::Cli::new(bins::cli(), db);
    let mut env = vec![("PAYPOINT_PASSPHRASE", passphrase)];
    env.extend(pin.map(|p| ("PAYPOINT_PIN", p)));
    let out = cli.run_env(args, &env);
    assert!(out.ok(), "paypoint {args:?}: {}", out.stderr);
    out.stdout
}

/// An admin command of the hub on `data`; panics with its stderr when it fails.
pub fn hub_admin(data: &Path, args: &[&str]) -> String {
    paypoint_testkit::hub::admin_ok(&bins::hub(), data, args)
}

/// Starts the hub on `data` on a free loopback port.
pub fn start_hub(data: &Path) -> Hub {
    Hub::start(bins::hub(), data)
}
