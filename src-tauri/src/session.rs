//! The window's session: unlocking an encrypted ledger with the supervisor's passphrase, locking
//! the window after inactivity (the signed-in clerk is dropped until their PIN is entered again),
//! a supervisor lifting a clerk's lock-out at the sign-in screen, and the settings a supervisor
//! may change (the inactivity limit).

use paypoint::clerk::{Pin, Role};
use serde::{Deserialize, Serialize};
use tauri::State;

use crate::error::ApiError;
use crate::log::log;
use crate::state::{
    load_settings, lock_seconds_override, save_settings, AppState, Protection, Settings,
    LOCK_MINUTES_RANGE,
};

type R<T> = Result<T, ApiError>;

/// Opens the locked ledger with the supervisor's passphrase. A wrong one is refused and changes
/// nothing. The passphrase is wiped from memory when done.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn unlock_ledger(state: State<'_, AppState>, passphrase: String) -> R<()> {
    let passphrase = Wiped::new(passphrase);
    state.unlock(&passphrase)
}

/// A secret the window sent (passphrase, PIN), overwritten with zeros when dropped.
type Wiped = zeroize::Zeroizing<String>;

/// Why the window locked itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// No input for the inactivity limit.
    Inactivity,
    /// The machine woke from sleep past the limit.
    Sleep,
    /// The window was hidden (minimised, screen locked) past the limit.
    Hidden,
}

/// Locks the window: the clerk signed in is dropped, so every command refuses until someone
/// signs in again with their PIN. Called by the window after the inactivity limit, and when the
/// machine wakes from sleep past it.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn lock_session(state: State<'_, AppState>, reason: Option<LockReason>) -> R<()> {
    let was = state.clerk().ok().map(|s| s.id());
    state.set_clerk(None);
    if let Some(id) = was {
        let why = match reason.unwrap_or(LockReason::Inactivity) {
            LockReason::Sleep => "sleep",
            LockReason::Hidden => "hidden",
            LockReason::Inactivity => "inactivity",
        };
        log(format_args!("session of clerk {id} locked ({why})"));
    }
    Ok(())
}

/// A supervisor lifts a clerk's lock-out (too many wrong PINs) at the sign-in screen, with their
/// own PIN. Whoever is signed in at the window stays so: the supervisor is signed in for this
/// one action only. Recorded as an event (`clerk_unlocked`, naming the supervisor).
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn unlock_clerk(
    state: State<'_, AppState>,
    clerk_id: i64,
    supervisor_id: i64,
    supervisor_pin: String,
) -> R<()> {
    let supervisor_pin = Wiped::new(supervisor_pin);
    let pin = Pin::new(&supervisor_pin)?;
    let r = state.with_ledger(|l| {
        let supervisor = l.sign_in(supervisor_id, &pin)?;
        l.unlock_clerk(clerk_id, &supervisor)?;
        Ok(())
    });
    match &r {
        Ok(()) => log(format_args!(
            "clerk {clerk_id} unlocked by supervisor {supervisor_id}"
        )),
        Err(e) => log(format_args!(
            "unlock of clerk {clerk_id} by {supervisor_id} refused: {}",
            e.code
        )),
    }
    r
}

/// The settings as the window uses them.
#[derive(Serialize, specta::Type)]
pub struct SettingsView {
    /// Minutes without input before the window locks (the supervisor's setting).
    pub lock_minutes: u32,
    /// The limit in force, in seconds (`PAYPOINT_LOCK_SECONDS` overrides the setting).
    pub lock_seconds: u64,
    /// True when `PAYPOINT_LOCK_SECONDS` is set (tests, kiosks): the setting is not in force.
    pub lock_overridden: bool,
    /// The range a supervisor may choose.
    pub min_minutes: u32,
    /// The range a supervisor may choose.
    pub max_minutes: u32,
    /// The clerk signed in is a supervisor (may change the settings).
    pub can_edit: bool,
    /// How the ledger file is protected.
    pub protection: Protection,
}

fn view(state: &AppState) -> SettingsView {
    let s = load_settings(&state.data_dir);
    let over = lock_seconds_override();
    SettingsView {
        lock_minutes: s.lock_minutes,
        lock_seconds: over.unwrap_or(u64::from(s.lock_minutes) * 60),
        lock_overridden: over.is_some(),
        min_minutes: *LOCK_MINUTES_RANGE.start(),
        max_minutes: *LOCK_MINUTES_RANGE.end(),
        can_edit: state
            .clerk()
            .is_ok_and(|c| c.clerk().role == Role::Supervisor),
        protection: state.protection(),
    }
}

/// The settings (readable before sign-in: the window needs the inactivity limit).
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn settings_get(state: State<'_, AppState>) -> R<SettingsView> {
    Ok(view(&state))
}

/// Changes the inactivity limit: supervisors only, 1 to 60 minutes.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn settings_set(state: State<'_, AppState>, lock_minutes: i64) -> R<SettingsView> {
    let who = state.clerk()?;
    if who.clerk().role != Role::Supervisor {
        log(format_args!(
            "settings change refused: clerk {} is not a supervisor",
            who.id()
        ));
        return Err(ApiError::new(
            "not_supervisor",
            "Chỉ giám sát viên được đổi cài đặt: hãy đăng nhập bằng tài khoản giám sát viên",
            "Only a supervisor may change the settings: sign in as a supervisor",
        ));
    }
    let (lo, hi) = (*LOCK_MINUTES_RANGE.start(), *LOCK_MINUTES_RANGE.end());
    let minutes = u32::try_from(lock_minutes)
        .ok()
        .filter(|m| LOCK_MINUTES_RANGE.contains(m))
        .ok_or_else(|| {
            ApiError::invalid(
                format!("Thời gian tự khóa phải từ {lo} đến {hi} phút"),
                format!("The lock time must be {lo} to {hi} minutes"),
            )
        })?;
    save_settings(
        &state.data_dir,
        &Settings {
            lock_minutes: minutes,
        },
    )?;
    log(format_args!(
        "inactivity lock set to {minutes} minutes by supervisor {}",
        who.id()
    ));
    Ok(view(&state))
}
