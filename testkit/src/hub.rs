//! The real hub: the `paypoint-district` binary serving on a loopback port, administered through
//! its own command line, its store read back read-only.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::store;

/// A running hub process; killed on drop.
pub struct Hub {
    pub child: Option<Child>,
    /// Its data folder.
    pub data: PathBuf,
    pub addr: SocketAddr,
    bin: PathBuf,
}

impl Hub {
    /// Starts the hub binary `bin` on `data` on a free loopback port.
    pub fn start(bin: impl AsRef<Path>, data: &Path) -> Hub {
        Self::start_on(bin, data, "127.0.0.1:0".parse().expect("an address"))
    }

    /// Starts the hub on `addr` (to restart it where the devices expect it). Its log goes to
    /// `DATA/hub.log`, for the log audits (no names, numbers or keys in it).
    pub fn start_on(bin: impl AsRef<Path>, data: &Path, addr: SocketAddr) -> Hub {
        let bin = bin.as_ref().to_path_buf();
        // On PostgreSQL nothing else makes the data folder the log goes to.
        let _ = std::fs::create_dir_all(data);
        for _ in 0..50 {
            let log = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(data.join("hub.log"))
                .map_or_else(|_| Stdio::null(), Stdio::from);
            let mut child = hub_command(&bin, data)
                .args(["serve", "--bind", &addr.to_string()])
                .env_remove("PAYPOINT_DISTRICT_TOKEN")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(log)
                .spawn()
                .expect("the hub binary runs");
            let stdout = child.stdout.take().expect("stdout");
            let (tx, rx) = mpsc::channel();
            std::thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = tx.send(line);
            });
            let listening = rx
                .recv_timeout(Duration::from_secs(30))
                .ok()
                .filter(|l| l.contains("listening on http://"))
                .and_then(|l| l.trim().rsplit("http://").next()?.parse().ok());
            if let Some(addr) = listening {
                return Hub {
                    child: Some(child),
                    data: data.to_path_buf(),
                    addr,
                    bin,
                };
            }
            // The port may still be held by the process just killed: try again.
            let _ = child.kill();
            let _ = child.wait();
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the hub did not start on {addr}: {}", log_of(data));
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Everything the hub has logged so far.
    pub fn log(&self) -> String {
        log_of(&self.data)
    }

    /// SIGKILL: the link to the managing office is down.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// An admin command on the same data folder, whatever its exit code.
    pub fn admin(&self, args: &[&str]) -> Output {
        admin(&self.bin, &self.data, args)
    }

    /// An admin command that must succeed; its stdout.
    pub fn admin_ok(&self, args: &[&str]) -> String {
        admin_ok(&self.bin, &self.data, args)
    }

    /// A one-time enrolment code for the pay point.
    pub fn enrol_code(&self, pay_point: &str) -> String {
        self.admin_ok(&["enrol-code", "--pay-point", pay_point])
            .trim()
            .to_string()
    }

    /// Its store, read back (`hub.sqlite`, or its PostgreSQL database).
    pub fn store(&self) -> store::HubStore {
        store::HubStore::open(&self.data)
    }

    /// The settlement row of a pay point for `period`, from `settlement --json`.
    pub fn settlement(&self, pay_point: &str, period: &str) -> Value {
        let out = self.admin_ok(&["settlement", "--period", period, "--json"]);
        let rows: Vec<Value> = serde_json::from_str(&out).expect("settlement JSON");
        rows.into_iter()
            .find(|r| r["pay_point"] == pay_point)
            .unwrap_or_else(|| panic!("no settlement row for {pay_point}: {out}"))
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.kill();
    }
}

fn log_of(data: &Path) -> String {
    std::fs::read_to_string(data.join("hub.log")).unwrap_or_default()
}

/// `BIN --data DATA ARGS…`, whatever its exit code.
pub fn admin(bin: &Path, data: &Path, args: &[&str]) -> Output {
    hub_command(bin, data)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the hub binary runs")
}

/// `BIN --data DATA`, on the store the run asked for ([`crate::store`]): with
/// `PAYPOINT_TEST_STORE=postgres` the database of that data folder, created on first use; else its
/// SQLite file, whatever `PAYPOINT_DISTRICT_DATABASE` the developer's shell may have set.
pub fn hub_command(bin: &Path, data: &Path) -> Command {
    let mut c = Command::new(bin);
    c.arg("--data").arg(data);
    match store::database_url_for(data) {
        Some(url) => c
            .env(store::HUB_DATABASE_ENV, url)
            .env("PAYPOINT_DISTRICT_SEAL_KEY", store::TEST_SEAL_KEY),
        None => c.env_remove(store::HUB_DATABASE_ENV),
    };
    c
}

/// `BIN --data DATA ARGS…`, which must succeed; its stdout.
pub fn admin_ok(bin: &Path, data: &Path, args: &[&str]) -> String {
    let out = admin(bin, data, args);
    assert!(
        out.status.success(),
        "paypoint-district {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Turns off the hub's checks that read the device's clock (payouts at night, faster than a
/// person can be paid): tests pay in a loop at whatever hour they run. The tests of those checks
/// (`district/tests/anomaly.rs`) set them as they need.
pub fn without_clock_checks(bin: &Path, data: &Path) {
    for (k, v) in [
        ("night_start", "00:00"),
        ("night_end", "00:00"),
        ("max_payouts_per_minute", "0"),
    ] {
        admin_ok(bin, data, &["settings", "set", k, v]);
    }
}
