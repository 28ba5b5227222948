//! A real browser on the office's web app: Debian's Chromium, headless, driven over WebDriver by
//! its ChromeDriver with `fantoccini` (the client the desktop's tests use), downloads into a
//! folder of the test's own.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use fantoccini::error::CmdError;
pub use fantoccini::{Client, Locator};
use serde_json::json;

/// Where the pages' screenshots go: `docs/hub/` of the repository with `PAYPOINT_KEEP_SCREENS=1`
/// (to refresh the README's pictures), else `target/screens/hub/`.
pub fn screens_dir() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = if std::env::var_os("PAYPOINT_KEEP_SCREENS").is_some() {
        root.join("../docs/hub")
    } else {
        root.join("../target/screens/hub")
    };
    std::fs::create_dir_all(&dir).expect("the screenshots' folder");
    dir
}

fn which(name: &str, debian_path: &str) -> Option<PathBuf> {
    let p = PathBuf::from(debian_path);
    if p.exists() {
        return Some(p);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.exists())
    })
}

/// ChromeDriver, started on a free port; stopped on drop.
pub struct Driver {
    child: Child,
    /// Its port.
    pub port: u16,
}

impl Driver {
    /// Starts ChromeDriver, or says plainly what is missing.
    pub fn start() -> Driver {
        let driver = which("chromedriver", "/usr/bin/chromedriver").expect(
            "ChromeDriver is missing: `sudo apt-get install chromium chromium-driver` (scripts/test installs them)",
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not listen"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver { child, port }
    }

    /// A new headless Chromium with its own profile, downloading into `downloads`.
    pub async fn browser(&self, profile: &Path, downloads: &Path) -> Client {
        let chromium = which("chromium", "/usr/bin/chromium")
            .expect("Chromium is missing: `sudo apt-get install chromium chromium-driver`");
        // The flags the machine's notes give for a closed network: without the background ones
        // Chromium keeps trying to reach Google's hosts.
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    "--lang=vi", format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                    "intl.accept_languages": "vi,en",
                }
            }
        });
        let caps = caps.as_object().expect("an object").clone();
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        fantoccini::ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{}", self.port))
            .await
            .expect("a WebDriver session in Chromium")
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits for the element `css` (a page just loaded).
pub async fn wait(c: &Client, css: &str) -> Result<fantoccini::elements::Element, CmdError> {
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::Css(css))
        .await
}

/// Types `text` into the field `css`, after clearing it.
pub async fn fill(c: &Client, css: &str, text: &str) -> Result<(), CmdError> {
    let e = wait(c, css).await?;
    e.clear().await?;
    e.send_keys(text).await
}

/// Clicks `css` and waits for the next page's `then`: first for this page to go (its root
/// element goes stale), so that `then` is not found on the page being left.
pub async fn submit(c: &Client, css: &str, then: &str) -> Result<(), CmdError> {
    let old = c.find(Locator::Css("html")).await?;
    wait(c, css).await?.click().await?;
    let start = Instant::now();
    while old.tag_name().await.is_ok() {
        if start.elapsed() > Duration::from_secs(20) {
            panic!("the page did not change after clicking {css}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    wait(c, then).await.map(|_| ())
}

/// Saves a screenshot of the page as `name.png` in [`screens_dir`].
pub async fn screenshot(c: &Client, name: &str) -> Result<(), CmdError> {
    let png = c.screenshot().await?;
    std::fs::write(screens_dir().join(format!("{name}.png")), png).expect("screenshot saved");
    Ok(())
}

/// The page's visible text.
pub async fn text(c: &Client) -> Result<String, CmdError> {
    wait(c, "body").await?.text().await
}

/// The file downloaded into `dir`, once finished: Chromium reserves the name with an empty file
/// and writes `NAME.crdownload` (and hidden temporary files) beside it until the download ends.
pub fn downloaded(dir: &Path) -> PathBuf {
    let start = Instant::now();
    loop {
        let files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .map(|v: Vec<PathBuf>| {
                // Chromium's own temporary files are hidden (`.org.chromium.Chromium.…`).
                v.into_iter()
                    .filter(|p| {
                        p.file_name()
                            .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let writing = files
            .iter()
            .any(|p| p.extension().is_some_and(|x| x == "crdownload"));
        let done = files
            .iter()
            .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.len() > 0));
        if let (false, Some(p)) = (writing, done) {
            return p.clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "nothing downloaded into {}",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
