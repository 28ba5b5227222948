//! The test kit: what the test suites of the core (`tests/`), the command line (`cli/tests/`),
//! the hub (`district/tests/`) and the desktop (`src-tauri/tests/`) share, written once.
//!
//! - [`bins`]: the workspace's real binaries, for a suite that does not build them itself;
//! - [`cli`]: the real `paypoint` binary on a real ledger file, and a ledger ready to pay;
//! - [`hub`]: the real `paypoint-district` binary on a free loopback port, and its admin commands;
//! - [`store`]: which store the hub under test keeps, its SQLite file or (with
//!   `PAYPOINT_TEST_STORE=postgres`) a PostgreSQL database per data folder on the test server;
//! - [`device`]: a device's ledger driven through the core, synced with a hub, and the check that
//!   the hub holds exactly what the devices recorded;
//! - [`rollfile`], [`sample_roll`]: the managing office's roll files (XLSX, XLS, CSV) written as
//!   offices fill the template, and the roll whose names break naive readers;
//! - [`qr`]: the QR codes of a printed page, read back as the office's scanner would;
//! - [`pictures`]: page 1 of a paper as the PNG reviewers see in `docs/documents/`.
//!
//! Nothing here is a mock: each helper runs the binaries and files we ship.

pub mod bins;
pub mod cli;
pub mod device;
pub mod hub;
pub mod pictures;
pub mod qr;
pub mod rollfile;
pub mod sample_roll;
pub mod store;

pub use store::{database_url_for, fresh_database, store_is_postgres};

/// The period of the test rolls.
pub const PERIOD: &str = "2026-12";

/// Sends SIGTERM through the system's `kill` (there is no unsafe code in this workspace).
pub fn sigterm(pid: u32) {
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status();
}

/// A free loopback port (free when asked: bind it soon).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}
