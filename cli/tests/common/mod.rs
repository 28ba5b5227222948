//! The command line's test suite's own part of the test kit: the `paypoint` binary cargo built for
//! this run. The runner, the ready ledger and the roll files are `paypoint-testkit`'s.
// Not every test file uses every helper.
#![allow(dead_code, unused_imports)]

use std::path::PathBuf;

pub use paypoint_testkit::cli::*;
pub use paypoint_testkit::PERIOD;

/// Path of the binary under test: the one cargo built, or `PAYPOINT_CLI_BIN` (a Windows
/// `paypoint.exe` runs under Wine: `bash scripts/test windows`).
pub fn bin() -> PathBuf {
    paypoint_testkit::bins::cli_under_test(env!("CARGO_BIN_EXE_paypoint"))
}

/// This run's `paypoint` on the ledger file `db`.
pub fn cli(db: impl Into<PathBuf>) -> Cli {
    Cli::new(bin(), db)
}

/// A fresh ledger of `size` people, ready to pay (see [`Fixture`]).
pub fn setup_ledger(size: usize) -> Fixture {
    paypoint_testkit::cli::setup_ledger(bin(), size)
}

/// [`setup_ledger`] in the folder `dir`.
pub fn setup_ledger_in(size: usize, dir: tempfile::TempDir) -> Fixture {
    paypoint_testkit::cli::setup_ledger_in(bin(), size, dir)
}
