//! Sync with the district hub from the window: the Sync screen's commands and the background
//! round. The core's client does all of the exchange (what to send, resuming, receipts, each
//! event applied once at the hub); this module only decides *when* a round runs and keeps it off
//! the window's way:
//!
//! - a round runs on its own connection to the ledger ([`AppState::second_connection`]), so the
//!   network waits of a round never hold the lock the window's commands use; SQLite orders the
//!   writes of the two connections (every write is one `BEGIN IMMEDIATE` transaction);
//! - one round at a time: the background round skips its turn while another runs, a round the
//!   clerk asks for waits for the running one to end, then runs;
//! - in the background, every [`interval`] (5 minutes) and [`first_delay`] (20 s) after start,
//!   only when the device is enrolled, silently when the hub cannot be reached: the Sync screen
//!   shows "chưa kết nối được" and when the last attempt was.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::Local;
use paypoint::sync::client::{self, SyncOptions, SyncReport, SyncStatus};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};

use crate::error::ApiError;
use crate::state::AppState;

type R<T> = Result<T, ApiError>;

/// The event the window listens to: a round ended (its counts changed).
pub const CHANGED_EVENT: &str = crate::bindings::ShellEvent::SyncChanged.name();

/// One attempt at a round, as the Sync screen shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Attempt {
    /// Local time it ended (ISO 8601).
    pub at: String,
    /// It completed.
    pub ok: bool,
    /// Started by the background timer, not by the clerk.
    pub background: bool,
    /// The hub could not be reached ("chưa kết nối được").
    pub offline: bool,
    /// Why it did not complete.
    pub error: Option<ApiError>,
    /// Events the hub acknowledged in this round.
    pub events_acknowledged: u64,
}

/// What the app knows of sync beyond the ledger: whether a round runs, the last attempt.
#[derive(Default)]
pub struct SyncRuntime {
    /// Held for the whole of a round (and an enrolment): one at a time.
    round: Mutex<()>,
    /// A round is running now.
    running: AtomicBool,
    /// The last attempt since the app started.
    last: Mutex<Option<Attempt>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn seconds_from_env(var: &str, default: u64) -> Duration {
    Duration::from_secs(
        std::env::var(var)
            .ok()
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default),
    )
}

/// Between two background rounds: 5 minutes (`PAYPOINT_SYNC_INTERVAL`, seconds, 0 turns the
/// background round off).
pub fn interval() -> Duration {
    seconds_from_env("PAYPOINT_SYNC_INTERVAL", 300)
}

/// From the start of the app to its first background round: 20 s (`PAYPOINT_SYNC_FIRST_DELAY`).
pub fn first_delay() -> Duration {
    seconds_from_env("PAYPOINT_SYNC_FIRST_DELAY", 20)
}

/// A round the clerk waits for: a few quick tries, then the answer (the next background round
/// tries again).
pub fn interactive_options() -> SyncOptions {
    SyncOptions {
        attempts: 3,
        backoff: Duration::from_millis(300),
        max_backoff: Duration::from_secs(2),
        timeout: Duration::from_secs(20),
        ..SyncOptions::default()
    }
}

/// The background round: fewer tries still; it comes back in five minutes anyway.
pub fn background_options() -> SyncOptions {
    SyncOptions {
        attempts: 2,
        backoff: Duration::from_millis(500),
        max_backoff: Duration::from_secs(2),
        timeout: Duration::from_secs(20),
        ..SyncOptions::default()
    }
}

/// The Sync screen: the ledger's side of the exchange and the app's.
#[derive(Serialize, specta::Type)]
pub struct SyncView {
    /// Enrolled, counts, last receipt, last success and error (from the ledger).
    pub status: SyncStatus,
    /// This device's public key (hex), made on first use: the district may ask for it.
    pub device_public_key: String,
    /// This ledger's pay point code: the hub must enrol the device for the same one.
    pub pay_point_code: String,
    /// A round is running now.
    pub running: bool,
    /// The last attempt since the app started.
    pub last_attempt: Option<Attempt>,
    /// Seconds between background rounds (0: off).
    pub interval_secs: u64,
}

fn view(app: &AppHandle) -> R<SyncView> {
    let state = app.state::<AppState>();
    let rt = app.state::<SyncRuntime>();
    let (status, device_public_key, pay_point_code) = state.with_ledger(|l| {
        Ok((
            client::status(l)?,
            client::device_public_key(l)?,
            l.device().pay_point_code.clone(),
        ))
    })?;
    let last_attempt = lock(&rt.last).clone();
    Ok(SyncView {
        status,
        device_public_key,
        pay_point_code,
        running: rt.running.load(Ordering::SeqCst),
        last_attempt,
        interval_secs: interval().as_secs(),
    })
}

/// What a round the clerk asked for did.
#[derive(Serialize, specta::Type)]
pub struct SyncDone {
    /// The core's report: amendments, rolls, batches, events acknowledged, flags.
    pub report: SyncReport,
    /// Where things stand after it.
    pub view: SyncView,
}

/// Runs one round on a second connection. In the background: skipped (`Ok(None)`) while another
/// runs. Records the attempt and tells the window.
fn run_round(app: &AppHandle, background: bool) -> R<Option<SyncReport>> {
    let rt = app.state::<SyncRuntime>();
    let _guard = if background {
        match rt.round.try_lock() {
            Ok(g) => g,
            Err(std::sync::TryLockError::WouldBlock) => return Ok(None),
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
        }
    } else {
        lock(&rt.round)
    };
    rt.running.store(true, Ordering::SeqCst);
    let _ = app.emit(CHANGED_EVENT, ());
    let opts = if background {
        background_options()
    } else {
        interactive_options()
    };
    let out = app
        .state::<AppState>()
        .second_connection()
        .and_then(|mut l| client::sync(&mut l, &opts).map_err(ApiError::from));
    let attempt = Attempt {
        at: Local::now().to_rfc3339(),
        ok: out.is_ok(),
        background,
        offline: matches!(&out, Err(e) if e.code == "hub_unreachable"),
        error: out.as_ref().err().cloned(),
        events_acknowledged: out.as_ref().map(|r| r.events_acknowledged).unwrap_or(0),
    };
    *lock(&rt.last) = Some(attempt);
    rt.running.store(false, Ordering::SeqCst);
    let _ = app.emit(CHANGED_EVENT, ());
    out.map(Some)
}

/// Starts the background round: [`first_delay`] after start, then every [`interval`], when the
/// device is enrolled.
pub fn start_background(app: AppHandle) {
    let every = interval();
    if every.is_zero() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("sync".into())
        .spawn(move || {
            std::thread::sleep(first_delay());
            loop {
                let enrolled = app
                    .state::<AppState>()
                    .with_ledger(|l| Ok(client::status(l)?.enrolled))
                    .unwrap_or(false);
                if enrolled {
                    if let Err(e) = run_round(&app, true) {
                        crate::log::log(format_args!("background sync: {}", e.code));
                    }
                }
                std::thread::sleep(every);
            }
        });
    if let Err(e) = spawned {
        crate::log::log(format_args!("cannot start the background sync: {e}"));
    }
}

/// Where the exchange with the district stands.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn sync_status(app: AppHandle, state: State<'_, AppState>) -> R<SyncView> {
    state.clerk()?;
    view(&app)
}

/// Enrols this device with the hub at `url` with the district's one-time `code`.
#[tauri::command(rename_all = "snake_case")]
#[specta::specta]
pub async fn sync_enrol(
    app: AppHandle,
    state: State<'_, AppState>,
    url: String,
    code: String,
) -> R<SyncView> {
    state.clerk()?;
    let url = url.trim().to_string();
    let code = code.trim().to_string();
    if url.is_empty() || code.is_empty() {
        return Err(ApiError::invalid(
            "Hãy nhập địa chỉ máy chủ của đơn vị quản lý (ví dụ https://chitra.quangtri.gov.vn) và mã đăng ký đơn vị quản lý cấp",
            "Type the district server's address (e.g. https://chitra.quangtri.gov.vn) and the enrolment code the district gave you",
        ));
    }
    let handle = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let rt = handle.state::<SyncRuntime>();
        let _guard = lock(&rt.round);
        let mut l = handle.state::<AppState>().second_connection()?;
        client::enrol(&mut l, &url, &code, &interactive_options())?;
        drop(l);
        view(&handle)
    })
    .await
    .map_err(|e| ApiError::internal("đăng ký với đơn vị quản lý", e))?
}

/// One sync round now, off the window's thread; waits for a round already running to end first.
#[tauri::command(rename_all = "snake_case")]
#[specta::specta]
pub async fn sync_now(app: AppHandle, state: State<'_, AppState>) -> R<SyncDone> {
    state.clerk()?;
    let handle = app.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let report = run_round(&handle, false)?.unwrap_or_default();
        Ok(SyncDone {
            report,
            view: view(&handle)?,
        })
    })
    .await
    .map_err(|e| ApiError::internal("đồng bộ với đơn vị quản lý", e))?
}
