//! The hub's HTTP contract: `district/openapi.yaml` is valid OpenAPI 3.0 (checked with
//! `openapi-spec-validator`), and the live hub answers every request, refusals included, with a
//! status the document lists for the operation and the body its schema allows: the refusals the
//! framework makes itself (a path, query or body that cannot be read, a body too large, an
//! encoding other than gzip, an unknown path or method) one by one, then a property-based run of
//! `schemathesis` against the real hub process with every request signed by an enrolled device
//! (`tests/schemathesis_hooks.py`).
//!
//! Needs python3 with `openapi-spec-validator`, `schemathesis` and `cryptography` (`bash
//! scripts/test` installs the pinned versions). Alone: `cargo test -p paypoint-district --test
//! api_contract`.
// A test or bench reads as one story: the 100-line limit is for shipped code.
#![allow(clippy::too_many_lines)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::*;
use paypoint::sync::client;
use paypoint::sync::protocol::{
    self, PushBatch, HEADER_DEVICE, HEADER_NONCE, HEADER_SIGNATURE, HEADER_TIMESTAMP,
};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn openapi() -> PathBuf {
    manifest_dir().join("openapi.yaml")
}

/// Fails, naming the install command, when a Python module the contract test needs is missing.
fn require_python_module(module: &str, package: &str) {
    let ok = Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "python3 cannot import {module}: the API contract test needs it. `bash scripts/test` \
         installs it, or: python3 -m pip install '{package}'"
    );
}

#[test]
fn the_openapi_document_is_valid_openapi() {
    require_python_module("openapi_spec_validator", "openapi-spec-validator==0.9.0");
    let out = Command::new("python3")
        .args(["-m", "openapi_spec_validator"])
        .arg(openapi())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{} is not valid OpenAPI:\n{}{}",
        openapi().display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A refusal as the document says every one is: JSON, an `error` string, the status expected.
fn assert_error(what: &str, resp: reqwest::blocking::Response, status: u16) -> serde_json::Value {
    let got = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = resp.text().unwrap();
    assert_eq!(got, status, "{what}: status (body: {text})");
    assert!(
        content_type.starts_with("application/json"),
        "{what}: content type {content_type:?}, body {text:?}"
    );
    let body: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{what}: the body is not JSON ({e}): {text:?}"));
    assert!(
        body["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{what}: no `error` in {text}"
    );
    body
}

#[test]
fn refusals_the_framework_makes_are_the_documented_json_error() {
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    let url = hub.url();
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // A query value of the wrong type (it used to be axum's plain-text 400).
    let e = assert_error(
        "a malformed query",
        http.get(format!("{url}/v1/pay-points/QH01/amendments?after=abc"))
            .send()
            .unwrap(),
        400,
    );
    assert!(
        e["error"].as_str().unwrap().contains("after=abc"),
        "the refusal names the query: {e}"
    );
    assert_error(
        "a negative cursor",
        http.get(format!("{url}/v1/pay-points/QH01/amendments?after=-1"))
            .send()
            .unwrap(),
        400,
    );
    // An empty and a malformed enrolment (400, which the document did not list).
    for body in ["", "{", "{\"code\": 1}"] {
        assert_error(
            &format!("an enrolment body {body:?}"),
            http.post(format!("{url}/v1/enrol"))
                .header(HEADER_DEVICE, uuid::Uuid::nil().to_string())
                .body(body)
                .send()
                .unwrap(),
            400,
        );
    }
    // A path segment that is not UTF-8 once decoded.
    assert_error(
        "a path that does not decode",
        http.get(format!("{url}/v1/pay-points/%FF/status"))
            .send()
            .unwrap(),
        400,
    );
    // A body over the limit, once decompressed, and a gzip stream that does not decompress.
    let big = vec![b' '; district::http::MAX_BODY_BYTES + 1];
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&big).unwrap();
    let e = assert_error(
        "a body over the limit once decompressed",
        http.post(format!("{url}/v1/pay-points/QH01/batches"))
            .header("Content-Encoding", "gzip")
            .body(gz.finish().unwrap())
            .send()
            .unwrap(),
        413,
    );
    assert!(e["error"].as_str().unwrap().contains("MiB"), "{e}");
    assert_error(
        "a body that is not gzip",
        http.post(format!("{url}/v1/pay-points/QH01/batches"))
            .header("Content-Encoding", "gzip")
            .body("not gzip at all")
            .send()
            .unwrap(),
        400,
    );
    // The same with zstd (devices since issue 21): over the limit, not zstd, and a frame that
    // asks the hub for a 128 MiB window (a body is never that large: refused before allocating).
    let e = assert_error(
        "a zstd body over the limit once decompressed",
        http.post(format!("{url}/v1/pay-points/QH01/batches"))
            .header("Content-Encoding", "zstd")
            .body(zstd::encode_all(&big[..], 3).unwrap())
            .send()
            .unwrap(),
        413,
    );
    assert!(e["error"].as_str().unwrap().contains("MiB"), "{e}");
    assert_error(
        "a body that is not zstd",
        http.post(format!("{url}/v1/pay-points/QH01/batches"))
            .header("Content-Encoding", "zstd")
            .body("not zstd at all")
            .send()
            .unwrap(),
        400,
    );
    let mut wide = zstd::stream::Encoder::new(Vec::new(), 1).unwrap();
    wide.window_log(27).unwrap();
    wide.include_contentsize(false).unwrap();
    wide.write_all(b"{}").unwrap();
    let e = assert_error(
        "a zstd frame asking for a 128 MiB window",
        http.post(format!("{url}/v1/pay-points/QH01/batches"))
            .header("Content-Encoding", "zstd")
            .body(wide.finish().unwrap())
            .send()
            .unwrap(),
        400,
    );
    assert!(e["error"].as_str().unwrap().contains("zstd"), "{e}");
    // An encoding the hub does not take (the decompression layer's own answer).
    let resp = http
        .post(format!("{url}/v1/enrol"))
        .header("Content-Encoding", "br")
        .body("{}")
        .send()
        .unwrap();
    assert_error("a Content-Encoding other than zstd or gzip", resp, 415);
    // An unknown path and a method the path does not have.
    assert_error(
        "an unknown path",
        http.get(format!("{url}/v1/nothing-here")).send().unwrap(),
        404,
    );
    let resp = http.delete(format!("{url}/v1/enrol")).send().unwrap();
    let allow = resp
        .headers()
        .get(reqwest::header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert_error("a method the path does not have", resp, 405);
    assert!(allow.contains("POST"), "405 keeps Allow: {allow:?}");
    // The office's page relayed by a proxy without a token or a session: the browser is sent to
    // sign in (issue 20), as the document says.
    let no_follow = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let relayed = no_follow
        .get(&url)
        .header("X-Forwarded-For", "203.0.113.9")
        .send()
        .unwrap();
    assert_eq!(relayed.status().as_u16(), 303);
    assert_eq!(relayed.headers()["location"], "/dang-nhap");
    // A refusal the hub makes itself is unchanged: unsigned is 401.
    assert_error(
        "an unsigned request",
        http.get(format!("{url}/v1/pay-points/QH01/status"))
            .header(HEADER_DEVICE, uuid::Uuid::nil().to_string())
            .header(HEADER_TIMESTAMP, "0")
            .header(HEADER_NONCE, "00")
            .send()
            .unwrap(),
        401,
    );
    // Each refusal is logged (status and reason; never a body).
    let log = hub.log();
    assert!(log.contains("refused 415"), "{log}");
}

/// The device's signing key, from its (unencrypted, test) ledger.
fn device_secret(dev: &Device) -> String {
    rusqlite::Connection::open(&dev.path)
        .unwrap()
        .query_row("SELECT secret_key FROM sync_device_key", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_cursor_past_every_amendment_is_an_empty_page_not_a_server_error() {
    // u64::MAX is a documented `after`; SQLite's integers stop at i64::MAX (it was a 500).
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 3);
    let mut dev = Device::new(dir.path(), "a", "QH01");
    dev.enrol_and_pull(&hub, &hub.url(), "QH01");
    let key = protocol::parse_secret_key(&device_secret(&dev)).unwrap();
    let http = reqwest::blocking::Client::new();
    for after in [u64::MAX, i64::MAX as u64 + 1, i64::MAX as u64] {
        let path = format!("/v1/pay-points/QH01/amendments?after={after}");
        let ts = chrono::Utc::now().timestamp();
        let nonce = format!("{:032x}", after ^ 0x5a5a);
        let resp = http
            .get(format!("{}{path}", hub.url()))
            .header(HEADER_DEVICE, dev.ledger.device().id.to_string())
            .header(HEADER_TIMESTAMP, ts.to_string())
            .header(HEADER_NONCE, &nonce)
            .header(
                HEADER_SIGNATURE,
                protocol::sign_request(&key, "GET", &path, ts, &nonce, b""),
            )
            .send()
            .unwrap();
        let status = resp.status().as_u16();
        let text = resp.text().unwrap();
        assert_eq!(status, 200, "after={after}: {text}");
        let page: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(page["amendments"], serde_json::json!([]), "after={after}");
        assert_eq!(page["more"], false, "after={after}");
    }
}

/// An enrolled device that has paid (one payout after a stop, flagged) and synced; what the
/// hooks need to sign as it and to send its real enrolment and batch again.
fn enrolled_device(dir: &Path, hub: &HubProc) -> serde_json::Value {
    let mut dev = Device::new(dir, "a", "QH01");
    let code = hub.enrol_code("QH01");
    client::enrol(&mut dev.ledger, &hub.url(), &code, &fast_opts()).unwrap();
    dev.sync().unwrap();
    dev.ledger
        .record_advance(
            &dev.clerk,
            paypoint::Dong::new(100_000_000).unwrap(),
            "tạm ứng",
        )
        .unwrap();
    // Stopped at the district before the device hears of it: the payout is flagged.
    hub.admin_ok(&[
        "stop",
        &common::code("QH01", 2),
        "--pay-point",
        "QH01",
        "--reason",
        "death",
    ]);
    dev.pay_first("QH01", 2);
    let r = dev.sync().unwrap();
    assert!(
        r.events_acknowledged > 0,
        "the device's events reach the hub"
    );
    let secret = device_secret(&dev);
    let key = protocol::parse_secret_key(&secret).unwrap();
    let device = dev.ledger.device().id;
    serde_json::json!({
        "device": device.to_string(),
        "secret_key": secret,
        "pay_point": "QH01",
        "period": PERIOD,
        "enrol": {
            "code": code,
            "device": device.to_string(),
            "pay_point": "QH01",
            "public_key": protocol::public_key_hex(&key.verifying_key()),
        },
        "batch": PushBatch::new(device, &dev.events()),
    })
}

#[test]
fn a_property_based_run_against_the_live_hub_finds_no_server_error_undocumented_status_or_schema_break(
) {
    for (module, package) in [
        ("schemathesis", "schemathesis==4.32.5"),
        ("cryptography", "cryptography"),
    ] {
        require_python_module(module, package);
    }
    let dir = tempfile::tempdir().unwrap();
    let hub = hub_with_roll(dir.path(), &["QH01"], 5);
    let device_file = dir.path().join("device.json");
    std::fs::write(&device_file, enrolled_device(dir.path(), &hub).to_string()).unwrap();
    let log_file = dir.path().join("answers.jsonl");
    let work = dir.path().join("schemathesis");
    std::fs::create_dir_all(&work).unwrap();

    let started = Instant::now();
    let out = Command::new("python3")
        .args(["-m", "schemathesis.cli", "--config-file"])
        .arg(manifest_dir().join("tests/schemathesis.toml"))
        .arg("run")
        .arg(openapi())
        .args(["--url", &hub.url()])
        .args(["--request-timeout", "10"])
        .args(["--max-failures", "20"])
        .env(
            "SCHEMATHESIS_HOOKS",
            manifest_dir().join("tests/schemathesis_hooks.py"),
        )
        .env("PAYPOINT_CONTRACT_DEVICE", &device_file)
        .env("PAYPOINT_CONTRACT_LOG", &log_file)
        .env("NO_COLOR", "1")
        .current_dir(&work)
        .output()
        .expect("python3 runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "schemathesis ran {:.0} s:\n{report}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        out.status.success(),
        "schemathesis found responses that break district/openapi.yaml (a 5xx, an undocumented \
         status or a body its schema refuses); its report:\n{report}\nthe hub's log:\n{}",
        hub.log()
    );

    // What the run reached, from the hooks' log: every operation answered, none with a 5xx, and
    // each signed operation accepted the signature at least once (a broken signer gives only 401s,
    // which the document allows, so the run alone would not see it).
    let answers: Vec<serde_json::Value> = std::fs::read_to_string(&log_file)
        .expect("the hooks logged the answers")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let mut seen: BTreeMap<String, BTreeSet<u64>> = BTreeMap::new();
    for a in &answers {
        let op = format!(
            "{} {}",
            a["method"].as_str().unwrap(),
            a["path"].as_str().unwrap()
        );
        let status = a["status"].as_u64().unwrap();
        assert!(status < 500, "{op} answered {status}: {a}");
        if status >= 400 {
            assert!(
                a["content_type"]
                    .as_str()
                    .unwrap()
                    .starts_with("application/json"),
                "{op}: a {status} that is not JSON: {a}"
            );
        }
        seen.entry(op).or_default().insert(status);
    }
    eprintln!("{} answers; statuses by operation: {seen:?}", answers.len());
    for op in [
        "POST /v1/enrol",
        "GET /v1/pay-points/{code}/rolls/{period}",
        "GET /v1/pay-points/{code}/amendments",
        "POST /v1/pay-points/{code}/batches",
        "GET /v1/pay-points/{code}/status",
        "GET /",
    ] {
        let statuses = seen.get(op).cloned().unwrap_or_default();
        assert!(
            statuses.contains(&200),
            "{op} never answered 200 in the run (statuses {statuses:?}): is the hooks' signature \
             still the hub's?"
        );
    }
    for (op, status) in [
        ("POST /v1/enrol", 400),
        ("GET /v1/pay-points/{code}/amendments", 400),
        ("GET /v1/pay-points/{code}/status", 401),
        ("GET /v1/pay-points/{code}/status", 403),
    ] {
        assert!(
            seen.get(op).is_some_and(|s| s.contains(&status)),
            "{op} never answered {status}: the run did not reach that refusal ({seen:?})"
        );
    }
}
