//! The real `paypoint` command line on a real ledger file: run it, read its JSON, and make a
//! ledger ready to pay.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use serde_json::Value;

use crate::PERIOD;

/// The clerk added first by [`setup_ledger`], and the PIN they sign in with.
pub const CLERK_ID: i64 = 1;
pub const CLERK_PIN: &str = "1234";
/// The supervisor added second by [`setup_ledger`], and their PIN.
pub const SUPERVISOR_ID: i64 = 2;
pub const SUPERVISOR_PIN: &str = "9999";
/// The supervisor's passphrase that wraps the test ledgers' keys.
pub const PASSPHRASE: &str = "mat-khau-kiem-thu";
/// Pay point of the fixture; the demo roll's codes are `QH01-000001` …
pub const PAY_POINT: &str = "QH01";

/// Variables the binary reads from the environment; cleared so that the caller's shell cannot
/// change what a test does.
const PAYPOINT_VARS: &[&str] = &[
    "PAYPOINT_DB",
    "PAYPOINT_CLERK",
    "PAYPOINT_PIN",
    "PAYPOINT_APPROVER",
    "PAYPOINT_APPROVER_PIN",
    "PAYPOINT_PASSPHRASE",
    "PAYPOINT_NEW_PASSPHRASE",
    "PAYPOINT_KEYSTORE",
];

fn output_of(bin: &Path, c: &mut Command) -> CliOutput {
    crate::bins::output(bin, c).into()
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct CliOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl From<std::process::Output> for CliOutput {
    /// What a finished run printed, as text.
    fn from(out: std::process::Output) -> CliOutput {
        CliOutput {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl CliOutput {
    /// True when the process exited with code 0.
    pub fn ok(&self) -> bool {
        self.status.success()
    }

    /// The first JSON value on stdout (a failing `verify --json` prints its report and then the
    /// error object, so stdout can hold more than one).
    pub fn json(&self) -> Value {
        first_json(&self.stdout).unwrap_or_else(|| {
            panic!(
                "no JSON on stdout\nstatus: {:?}\nstdout: {}\nstderr: {}",
                self.status, self.stdout, self.stderr
            )
        })
    }
}

/// The first complete JSON value in `s`, if there is one.
pub fn first_json(s: &str) -> Option<Value> {
    serde_json::Deserializer::from_str(s)
        .into_iter::<Value>()
        .next()
        .and_then(Result::ok)
}

/// One ledger file, driven through the CLI. Every run gets `--db`, and the clerk's and the
/// supervisor's PINs in `PAYPOINT_PIN` / `PAYPOINT_APPROVER_PIN` (override with
/// [`Cli::run_env`]); PINs never go through a shell.
pub struct Cli {
    pub db: PathBuf,
    bin: PathBuf,
}

impl Cli {
    /// The binary `bin` (the command line's own suite passes `env!("CARGO_BIN_EXE_paypoint")`,
    /// others [`crate::bins::cli`]) on the ledger file `db`.
    pub fn new(bin: impl Into<PathBuf>, db: impl Into<PathBuf>) -> Cli {
        Cli {
            db: db.into(),
            bin: bin.into(),
        }
    }

    /// A command for `paypoint --db DB ARGS…` with the default PINs, stdin closed and stdout and
    /// stderr piped; the caller may change it and spawn it (for tests that kill or race it).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = crate::bins::command(&self.bin);
        for v in PAYPOINT_VARS {
            c.env_remove(v);
        }
        c.arg("--db")
            .arg(crate::bins::path_arg(&self.bin, &self.db))
            .args(args)
            .env("PAYPOINT_PIN", CLERK_PIN)
            .env("PAYPOINT_APPROVER_PIN", SUPERVISOR_PIN)
            // The ledger is encrypted; tests never touch the developer's own OS key store.
            .env("PAYPOINT_PASSPHRASE", PASSPHRASE)
            .env("PAYPOINT_KEYSTORE", "off")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        c
    }

    /// `path` as an argument of the binary under test: a Windows path under Wine (see
    /// [`crate::bins::path_arg`]), else the path itself.
    pub fn path(&self, path: &Path) -> String {
        crate::bins::path_arg(&self.bin, path)
            .into_string()
            .expect("test paths are UTF-8")
    }

    /// True when the binary under test is a Windows program run under Wine.
    pub fn under_wine(&self) -> bool {
        crate::bins::under_wine(&self.bin)
    }

    /// Runs `paypoint --db DB ARGS…` with the default PINs and waits for it.
    pub fn run(&self, args: &[&str]) -> CliOutput {
        self.run_env(args, &[])
    }

    /// Like [`Cli::run`], with extra environment variables (e.g. another `PAYPOINT_PIN`).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> CliOutput {
        let mut c = self.command(args);
        for (k, v) in env {
            c.env(k, v);
        }
        output_of(&self.bin, &mut c)
    }

    /// Runs `ARGS… --json`, requires exit 0, and returns the JSON it printed.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let out = self.run(&a);
        assert!(
            out.ok(),
            "paypoint {a:?} failed\nstatus: {:?}\nstdout: {}\nstderr: {}",
            out.status,
            out.stdout,
            out.stderr
        );
        out.json()
    }

    /// `status --json`.
    pub fn status(&self) -> Value {
        self.json(&["status"])
    }

    /// `verify --json`, whatever its exit code (it exits 1 when the ledger is broken).
    pub fn verify(&self) -> Value {
        self.run(&["verify", "--json"]).json()
    }

    /// Every event, in order, fetched in pages through `events --after N --limit 10000 --json`.
    pub fn events(&self) -> Vec<Value> {
        let mut all: Vec<Value> = Vec::new();
        loop {
            let after = all.last().map_or(0, |e| e["seq"].as_u64().expect("seq"));
            let page = self.json(&["events", "--after", &after.to_string(), "--limit", "10000"]);
            let page = page.as_array().expect("events is an array").clone();
            if page.is_empty() {
                return all;
            }
            all.extend(page);
        }
    }

    /// `search "" --json`: the whole roll of the open period, by code.
    pub fn roll(&self) -> BTreeMap<String, Value> {
        self.json(&["search", ""])
            .as_array()
            .expect("search is an array")
            .iter()
            .map(|h| (h["code"].as_str().expect("code").to_string(), h.clone()))
            .collect()
    }
}

/// A fresh ledger in its own temporary directory, ready to pay: clerk 1 (PIN [`CLERK_PIN`]),
/// supervisor 2 (PIN [`SUPERVISOR_PIN`]), a demo roll of `size` beneficiaries for [`PERIOD`],
/// and a cash advance larger than everything the roll owes.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub cli: Cli,
    /// Codes of the roll, in roll order.
    pub codes: Vec<String>,
    /// Total owed by the roll.
    pub total_due: i64,
    /// Cash advanced.
    pub advance: i64,
}

impl Fixture {
    pub fn db(&self) -> &Path {
        &self.cli.db
    }

    /// The same ledger in a new temporary folder: its file and its wrapped key copied, so that a
    /// suite builds a costly day once and each test changes its own copy (every run of the binary
    /// unlocks the key with argon2id, about 0,2 s: a day of fifty runs is 10 s a test).
    pub fn copy(&self) -> Fixture {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir
            .path()
            .join(self.cli.db.file_name().expect("a ledger file name"));
        copy_ledger(&self.cli.db, &db);
        Fixture {
            dir,
            cli: Cli::new(self.cli.bin.clone(), db),
            codes: self.codes.clone(),
            total_due: self.total_due,
            advance: self.advance,
        }
    }
}

/// Copies the ledger file `from` to `to` with what lives beside it: its wrapped key, and the
/// write-ahead log should a run have left one (each run ends by closing the ledger, which folds
/// the log back into the file; copied all the same, a copy never depends on that).
fn copy_ledger(from: &Path, to: &Path) {
    use paypoint::file::with_suffix;
    for suffix in ["", ".key", "-wal", "-shm"] {
        if with_suffix(from, suffix).exists() {
            std::fs::copy(with_suffix(from, suffix), with_suffix(to, suffix))
                .expect("copy the ledger");
        }
    }
}

/// A folder for a fixture that a suite builds once and copies for each test (see
/// [`Fixture::copy`]), under `root` (the suite's `CARGO_TARGET_TMPDIR`). Named for this process:
/// suites of one binary run side by side in CI (on Linux and under Wine) and never share one. A
/// test process ends without dropping what statics hold, so the folders of processes that have
/// ended are removed here first.
pub fn process_dir(root: &Path, name: &str) -> PathBuf {
    let prefix = format!("{name}-");
    if let Ok(entries) = std::fs::read_dir(root) {
        for e in entries.flatten() {
            let file = e.file_name();
            let Some(pid) = file.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
                continue;
            };
            // Linux names a live process in /proc; elsewhere nothing is removed.
            if Path::new("/proc/self").exists() && !Path::new("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let dir = root.join(format!("{prefix}{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the fixture's folder");
    dir
}

/// Builds a [`Fixture`] of `size` beneficiaries with the command line `bin`.
pub fn setup_ledger(bin: impl Into<PathBuf>, size: usize) -> Fixture {
    setup_ledger_in(bin, size, tempfile::tempdir().expect("temp dir"))
}

/// [`setup_ledger`] in the folder `dir` (e.g. one under [`process_dir`], for a fixture that is
/// built once and copied).
pub fn setup_ledger_in(bin: impl Into<PathBuf>, size: usize, dir: tempfile::TempDir) -> Fixture {
    let cli = Cli::new(bin, dir.path().join("so.sqlite"));
    cli.json(&[
        "init",
        "--pay-point",
        PAY_POINT,
        "--name",
        "Bưu điện văn hóa xã Quảng Hưng",
    ]);
    let clerk = cli.run_env(
        &["clerk", "add", "--name", "Trần Thị Mai", "--json"],
        &[("PAYPOINT_PIN", CLERK_PIN)],
    );
    assert!(clerk.ok(), "clerk add: {:?}", clerk);
    assert_eq!(clerk.json()["id"], CLERK_ID);
    let supervisor = cli.run_env(
        &[
            "clerk",
            "add",
            "--name",
            "Lê Văn Nam",
            "--supervisor",
            "--json",
        ],
        &[("PAYPOINT_PIN", SUPERVISOR_PIN)],
    );
    assert!(supervisor.ok(), "clerk add: {:?}", supervisor);
    assert_eq!(supervisor.json()["id"], SUPERVISOR_ID);
    let roll = cli.json(&[
        "roll",
        "demo",
        "--period",
        PERIOD,
        "--size",
        &size.to_string(),
        "--seed",
        "1",
    ]);
    assert_eq!(roll["beneficiaries"], size as u64);
    let total_due = roll["total"].as_i64().expect("total");
    // Round up to a whole million and add a margin: enough to pay everyone, twice over.
    let advance = (total_due * 2 / 1_000_000 + 1) * 1_000_000;
    let adv = cli.json(&[
        "--clerk",
        &CLERK_ID.to_string(),
        "cash",
        "advance",
        &advance.to_string(),
    ]);
    assert_eq!(adv["cash_on_hand"], advance);
    let codes: Vec<String> = cli.roll().into_keys().collect();
    assert_eq!(codes.len(), size);
    assert_eq!(codes[0], format!("{PAY_POINT}-000001"));
    Fixture {
        dir,
        cli,
        codes,
        total_due,
        advance,
    }
}

/// Events of one kind.
pub fn events_of<'a>(events: &'a [Value], kind: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["kind"] == kind).collect()
}

/// Asserts that the events are numbered 1, 2, 3 … without gaps or repeats.
pub fn assert_no_gaps(events: &[Value]) {
    for (i, e) in events.iter().enumerate() {
        assert_eq!(
            e["seq"].as_u64(),
            Some(i as u64 + 1),
            "event sequence has a gap or repeat at position {i}: {e}"
        );
    }
}

/// Asserts `verify --json` reports an intact chain and unchanged rolls.
pub fn assert_verified(cli: &Cli) {
    let v = cli.verify();
    assert_eq!(v["chain_ok"], true, "hash chain broken: {v}");
    assert_eq!(v["rolls_ok"], true, "roll content changed: {v}");
}

/// The cash in the box after each event, by sequence number, replayed from the events alone:
/// advances and reversals add, payouts and returns take away.
pub fn cash_after_each_event(events: &[Value]) -> BTreeMap<u64, i64> {
    let mut cash = 0;
    let mut out = BTreeMap::new();
    for e in events {
        let amount = || e["payload"]["amount"].as_i64().expect("amount");
        match e["kind"].as_str().expect("kind") {
            "cash_advance" | "reversal" => cash += amount(),
            "payout" | "cash_return" => cash -= amount(),
            _ => {}
        }
        out.insert(e["seq"].as_u64().expect("seq"), cash);
    }
    out
}
