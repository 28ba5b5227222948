//! `scripts/pg-test-server` for real: a server started in a fresh folder, the hub's databases made
//! on it through the test kit (from many threads at once, and over one made by another process),
//! then stopped, its folder and processes gone.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use paypoint_testkit::hub::admin_ok;
use paypoint_testkit::store::{database_name, database_url_on, psql};
use paypoint_testkit::{database_url_for, fresh_database, store_is_postgres};

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/pg-test-server")
}

fn run_script(action: &str, dir: &Path) -> Output {
    let out = Command::new(script())
        .arg(action)
        .arg(dir)
        .output()
        .expect("scripts/pg-test-server runs");
    assert!(
        out.status.success(),
        "pg-test-server {action}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// The server in `dir`; stopped on drop, so that a failed assertion leaves no server behind.
struct Server {
    dir: PathBuf,
    url: String,
}

impl Server {
    fn start(dir: PathBuf) -> Server {
        let out = run_script("start", &dir);
        let url = String::from_utf8(out.stdout).expect("UTF-8");
        let lines: Vec<&str> = url.lines().collect();
        assert_eq!(lines.len(), 1, "one line, the URL: {url:?}");
        let url = lines[0].to_string();
        Server { dir, url }
    }

    fn stop(&mut self) {
        run_script("stop", &self.dir);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Stopping twice is fine: the second finds no folder.
        let _ = Command::new(script()).arg("stop").arg(&self.dir).output();
    }
}

/// `SQL`'s output on the database at `url`, which must succeed.
fn query(url: &str, sql: &str) -> String {
    let out = psql(url).args(["-c", sql]).output().expect("psql runs");
    assert!(
        out.status.success(),
        "psql {url} -c {sql:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("UTF-8")
        .trim()
        .to_string()
}

/// True when a process runs with `dir` in its command line (the server's postmaster has `-D DIR`).
fn server_runs_in(dir: &Path) -> bool {
    let out = Command::new("pgrep")
        .arg("-af")
        .arg(dir)
        .output()
        .expect("pgrep runs");
    !String::from_utf8_lossy(&out.stdout).trim().is_empty()
}

/// The kit's hub commands, run on a stand-in for the hub that prints the database it was given.
/// Env is set here, in the one test of this binary, with no other thread running.
fn hub_commands_get_their_folders_database(server: &str, tmp: &Path) {
    let hub = tmp.join("stand-in-hub");
    std::fs::write(&hub, "#!/bin/sh\necho \"$PAYPOINT_DISTRICT_DATABASE\"\n").unwrap();
    std::fs::set_permissions(&hub, std::fs::Permissions::from_mode(0o755)).unwrap();
    let data = tmp.join("admin-data");
    std::env::set_var("PAYPOINT_TEST_STORE", "postgres");
    std::env::remove_var("PAYPOINT_TEST_PG");
    assert!(store_is_postgres());
    let missing = std::panic::catch_unwind(|| database_url_for(&data)).unwrap_err();
    let message = missing.downcast_ref::<String>().expect("a formatted panic");
    assert!(
        message.contains("bash scripts/test") && message.contains("pg-test-server start"),
        "{message}"
    );

    std::env::set_var("PAYPOINT_TEST_PG", server);
    let given = admin_ok(&hub, &data, &["status"]).trim().to_string();
    assert_eq!(Some(given.clone()), database_url_for(&data));
    assert!(given.ends_with(&database_name(&data)), "{given}");
    assert_eq!(query(&given, "select 1"), "1", "created on first use");

    // On SQLite the hub never sees a database a developer's shell may have exported.
    std::env::set_var("PAYPOINT_TEST_STORE", "sqlite");
    std::env::set_var("PAYPOINT_DISTRICT_DATABASE", server);
    assert_eq!(admin_ok(&hub, &data, &["status"]).trim(), "");
    assert_eq!(database_url_for(&data), None);
    std::env::remove_var("PAYPOINT_DISTRICT_DATABASE");
}

#[test]
fn the_test_server_starts_serves_the_hubs_databases_and_stops_clean() {
    let tmp = tempfile::tempdir().unwrap();
    // Open to others: run as root, the script runs the server as `nobody`, who must reach DIR.
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = tmp.path().join("pg");
    let mut server = Server::start(dir.clone());
    let port = server
        .url
        .strip_prefix("postgres://hub@127.0.0.1:")
        .and_then(|rest| rest.strip_suffix("/postgres"))
        .and_then(|port| port.parse::<u16>().ok());
    assert!(
        port.is_some(),
        "the URL names a loopback port: {}",
        server.url
    );
    assert_eq!(query(&server.url, "select 1"), "1");
    assert!(dir.join("log").is_file(), "the server logs to DIR/log");
    assert_eq!(
        query(&server.url, "show listen_addresses"),
        "127.0.0.1",
        "loopback only"
    );

    // Test threads of one hub suite start hubs on the same data folder at once.
    let data = tmp.path().join("hub-data");
    let urls: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| s.spawn(|| database_url_on(&server.url, &data)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let name = database_name(&data);
    assert!(urls.iter().all(|u| *u == urls[0]), "{urls:?}");
    assert!(urls[0].ends_with(&format!("/{name}")), "{}", urls[0]);
    assert_eq!(query(&urls[0], "select current_database()"), name);

    // Another process (another test binary) created this one first.
    query(&server.url, "CREATE DATABASE hub_made_elsewhere");
    let other = fresh_database(&server.url, "hub_made_elsewhere");
    assert_eq!(
        query(&other, "select current_database()"),
        "hub_made_elsewhere"
    );

    hub_commands_get_their_folders_database(&server.url, tmp.path());

    assert!(
        server_runs_in(&dir),
        "the check below sees a running server"
    );
    server.stop();
    assert!(!dir.exists(), "stop removes DIR");
    assert!(!server_runs_in(&dir), "no server process is left");
}
