//! The hub's test suite's own part of the test kit: the hub binary cargo built for this run.
//! Everything else (the hub process, devices, roll files) is `paypoint-testkit`'s.
// Not every test file uses every helper.
#![allow(dead_code, unused_imports)]

pub mod proxy;
pub mod web;

use std::path::Path;
use std::process::Output;

pub use paypoint_testkit::device::*;
pub use paypoint_testkit::hub::{self, Hub as HubProc};
pub use paypoint_testkit::{rollfile, PERIOD};

/// The hub binary of this run.
pub fn hub_bin() -> &'static str {
    env!("CARGO_BIN_EXE_paypoint-district")
}

/// `paypoint --db DB ARGS…` (this run's binary, or a Windows paypoint.exe under Wine), with the
/// test PIN and passphrase and never the developer's OS key store, whatever its exit code.
pub fn paypoint(bin: &Path, db: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = paypoint_testkit::bins::command(bin);
    c.envs(env.iter().copied())
        .arg("--db")
        .arg(paypoint_testkit::bins::path_arg(bin, db))
        .args(args)
        .env("PAYPOINT_PIN", PIN)
        .env("PAYPOINT_PASSPHRASE", "mat-khau-kiem-thu")
        .env("PAYPOINT_KEYSTORE", "off")
        .env_remove("PAYPOINT_DB")
        .env_remove("PAYPOINT_CLERK")
        .stdin(std::process::Stdio::null());
    paypoint_testkit::bins::output(bin, &mut c)
}

/// The officer's page, fetched from loopback as a browser would.
pub fn page(hub: &HubProc) -> String {
    let resp = reqwest::blocking::get(hub.url()).unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    resp.text().unwrap()
}

/// Starts this run's hub on `data` on a free loopback port.
pub fn start_hub(data: &Path) -> HubProc {
    HubProc::start(hub_bin(), data)
}

/// Starts this run's hub on `addr` (to restart it where the devices expect it).
pub fn start_hub_on(data: &Path, addr: std::net::SocketAddr) -> HubProc {
    HubProc::start_on(hub_bin(), data, addr)
}

/// An admin command of this run's hub on `data`, whatever its exit code.
pub fn admin(data: &Path, args: &[&str]) -> Output {
    hub::admin(Path::new(hub_bin()), data, args)
}

/// Turns off the hub's clock checks on `data` (see [`hub::without_clock_checks`]).
pub fn without_clock_checks(data: &Path) {
    hub::without_clock_checks(Path::new(hub_bin()), data);
}

/// A hub with one pay point and a published demo roll of `size` people, imported from a CSV
/// written like the district's files.
pub fn hub_with_roll(dir: &Path, pay_points: &[&str], size: usize) -> HubProc {
    let data = dir.join("hub");
    for pp in pay_points {
        let out = admin(
            &data,
            &["pay-point", "add", pp, "--name", &format!("Bưu điện {pp}")],
        );
        assert!(out.status.success());
        let roll = paypoint::demo::roll(PERIOD.parse().unwrap(), size, 7, pp);
        let file = dir.join(format!("{pp}.csv"));
        // Total rows that state only "Tổng cộng", as many offices write them (issue 11): the
        // hub's import must check what they state and read no blank as 0.
        let shape = rollfile::Shape {
            totals: rollfile::TotalsStated::OnlyTotal,
            ..rollfile::Shape::standard(&roll)
        };
        rollfile::write_csv(&roll, &shape, &file, b',', true);
        for args in [
            vec![
                "roll",
                "import",
                file.to_str().unwrap(),
                "--pay-point",
                pp,
                "--period",
                PERIOD,
            ],
            vec!["roll", "publish", "--pay-point", pp, "--period", PERIOD],
        ] {
            let out = admin(&data, &args);
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    hub::without_clock_checks(Path::new(hub_bin()), &data);
    start_hub(&data)
}

/// The hub's store opened in this process, on the engine the run uses (`PAYPOINT_TEST_STORE`).
pub fn open_hub(data: &Path) -> district::Hub {
    let at = match paypoint_testkit::database_url_for(data) {
        Some(url) => district::StoreAt::Postgres {
            url,
            seal: district::seal::SealKey::from_hex(paypoint_testkit::store::TEST_SEAL_KEY)
                .unwrap(),
            pool: district::store::PG_POOL_SIZE,
        },
        None => district::StoreAt::Sqlite(data.to_path_buf()),
    };
    district::Hub::open_at(at).unwrap()
}
