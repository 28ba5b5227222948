//! The app's state: the open ledger (and its key), who is signed in, and where the app keeps its
//! files.
//!
//! The ledger is encrypted at rest (`paypoint::vault`). At start the app looks for its key in the
//! OS key store; the demo ledger opens with its published passphrase; any other ledger whose key
//! is not in the key store waits, locked, for the supervisor's passphrase (the unlock screen,
//! [`AppState::unlock`]). A plain ledger from before encryption still opens, and the window asks
//! the supervisor to encrypt it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDate;
use paypoint::clerk::{Pin, Role, SignedIn};
use paypoint::vault::{self, KeyStore, LedgerKey, Passphrase, VaultError};
use paypoint::{demo, Dong, Ledger, Period};
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

use crate::log::log;

/// Name of the demo pay point created on first start.
pub const DEMO_PAY_POINT_NAME: &str = "Bưu điện văn hóa xã Quảng Hưng (MẪU)";
/// Its code.
pub const DEMO_PAY_POINT_CODE: &str = "DEMO";
/// People on the demo roll.
pub const DEMO_ROLL_SIZE: usize = 300;
/// The demo clerks: (name, role, PIN). Shown on the sign-in screen of a demo ledger only.
pub const DEMO_CLERKS: [(&str, Role, &str); 2] = [
    ("Trần Thị Mai", Role::Clerk, "1234"),
    ("Lê Văn Nam", Role::Supervisor, "9999"),
];
/// The demo cash advance.
pub const DEMO_ADVANCE: i64 = 2_000_000_000;

/// How the ledger file was found at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Protection {
    /// Encrypted, and open (its key came from the key store or a passphrase).
    Encrypted,
    /// Encrypted, and waiting for the supervisor's passphrase (the unlock screen).
    Locked,
    /// A plain ledger from before encryption: open, with a banner asking to encrypt it.
    Plain,
}

/// Everything the commands share. Each lock is held for one core call.
pub struct AppState {
    /// The ledger; `None` when it could not be opened (then `startup_error` says why) or while it
    /// waits for the supervisor's passphrase.
    pub ledger: Mutex<Option<Ledger>>,
    /// The ledger's key (none for a plain ledger), for the second connection.
    key: Mutex<Option<Arc<LedgerKey>>>,
    /// How the ledger file is protected (and whether it is still locked).
    protection: Mutex<Protection>,
    /// The clerk signed in at this window.
    pub signed_in: Mutex<Option<SignedIn>>,
    /// The app data folder (`$XDG_DATA_HOME/vn.paypoint.sochitra` on Linux).
    pub data_dir: PathBuf,
    /// Why the ledger could not be opened, to show instead of the screens.
    pub startup_error: Option<ApiError>,
    /// True when this start created the demo ledger.
    pub created_demo: bool,
    /// Whether the OS key store is used (`PAYPOINT_KEYSTORE=off`: never).
    store: KeyStore,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A command never panics while holding a lock; should one ever have, the data (a SQLite
    // connection whose transactions roll back on their own) is still sound.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What [`open_or_create`] found.
pub enum Opened {
    /// The ledger is open.
    Ready {
        /// The open ledger.
        ledger: Box<Ledger>,
        /// Its key (none for a plain ledger).
        key: Option<LedgerKey>,
        /// The demo ledger was created now.
        created_demo: bool,
    },
    /// The ledger is encrypted and its key is not in the OS key store: the supervisor's
    /// passphrase is needed.
    NeedsPassphrase,
}

impl AppState {
    /// Opens the ledger in `data_dir`, creating the (encrypted) demo ledger there on first start;
    /// the OS key store as `PAYPOINT_KEYSTORE` says.
    pub fn open(data_dir: &Path) -> AppState {
        AppState::open_with_store(data_dir, KeyStore::from_env())
    }

    /// [`AppState::open`] with the key store chosen by the caller (tests: [`KeyStore::Off`]).
    pub fn open_with_store(data_dir: &Path, store: KeyStore) -> AppState {
        let mut state = AppState {
            ledger: Mutex::new(None),
            key: Mutex::new(None),
            protection: Mutex::new(Protection::Plain),
            signed_in: Mutex::new(None),
            data_dir: data_dir.to_path_buf(),
            startup_error: None,
            created_demo: false,
            store,
        };
        match open_or_create(data_dir, store) {
            Ok(Opened::Ready {
                ledger,
                key,
                created_demo,
            }) => {
                let protection = if key.is_some() {
                    Protection::Encrypted
                } else {
                    log("the ledger is not encrypted: run `paypoint --db FILE encrypt` with the app closed");
                    Protection::Plain
                };
                state.ledger = Mutex::new(Some(*ledger));
                state.key = Mutex::new(key.map(Arc::new));
                state.protection = Mutex::new(protection);
                state.created_demo = created_demo;
            }
            Ok(Opened::NeedsPassphrase) => {
                log("the ledger key is not in the OS key store: waiting for the supervisor's passphrase");
                state.protection = Mutex::new(Protection::Locked);
            }
            Err(e) => {
                log(format_args!("the ledger could not be opened: {}", e.code));
                state.startup_error = Some(e);
            }
        }
        state
    }

    /// How the ledger is protected now.
    pub fn protection(&self) -> Protection {
        *lock(&self.protection)
    }

    /// Runs `f` on the ledger.
    pub fn with_ledger<T>(
        &self,
        f: impl FnOnce(&mut Ledger) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut guard = lock(&self.ledger);
        match guard.as_mut() {
            Some(l) => f(l),
            None => Err(match &self.startup_error {
                Some(e) => e.clone(),
                None if self.protection() == Protection::Locked => ApiError::ledger_locked(),
                None => ApiError::internal("mở sổ", "the ledger is not open"),
            }),
        }
    }

    /// Opens the locked ledger with the supervisor's passphrase (the unlock screen). The key is
    /// then kept in the OS key store, when there is one and it is allowed, so the next start
    /// needs no passphrase. A wrong passphrase changes nothing.
    pub fn unlock(&self, passphrase: &str) -> Result<(), ApiError> {
        let mut guard = lock(&self.ledger);
        if guard.is_some() {
            return Ok(());
        }
        if let Some(e) = &self.startup_error {
            return Err(e.clone());
        }
        let path = ledger_path(&self.data_dir);
        let pass = Passphrase::new(passphrase).map_err(|e| match e {
            // Shorter or longer than any passphrase can be: it is not this one.
            VaultError::WeakPassphrase => VaultError::WrongPassphrase,
            e => e,
        })?;
        let (key, report) = vault::unlock(&path, Some(&pass), self.store)?;
        drop(pass);
        let ledger = Ledger::open_encrypted(&path, &key)?;
        log(format_args!(
            "ledger unlocked with the supervisor's passphrase; key now in the OS key store: {}",
            report.in_os_store
        ));
        *guard = Some(ledger);
        *lock(&self.key) = Some(Arc::new(key));
        *lock(&self.protection) = Protection::Encrypted;
        Ok(())
    }

    /// A second connection to the open ledger, for work that waits on the network (a sync
    /// round, an enrolment), so that the window's commands never wait behind it for the lock
    /// above. The same file, opened the same way as the first connection (with the same key);
    /// SQLite orders the writes of the two.
    pub fn second_connection(&self) -> Result<Ledger, ApiError> {
        let path = self.with_ledger(|l| Ok(l.path().to_path_buf()))?;
        let key = lock(&self.key).clone();
        Ok(Ledger::open_with(&path, key.as_deref())?)
    }

    /// The clerk signed in, or the error that sends the window back to the sign-in screen.
    pub fn clerk(&self) -> Result<SignedIn, ApiError> {
        lock(&self.signed_in)
            .clone()
            .ok_or_else(ApiError::not_signed_in)
    }

    /// Records who is signed in (`None` signs out).
    pub fn set_clerk(&self, who: Option<SignedIn>) {
        *lock(&self.signed_in) = who;
    }

    /// Where documents are written.
    pub fn documents_dir(&self) -> PathBuf {
        self.data_dir.join("documents")
    }
}

/// The ledger file in the app data folder: the same file the command line uses by default.
pub fn ledger_path(data_dir: &Path) -> PathBuf {
    data_dir.join("ledger.sqlite")
}

/// Creates the data folder (owner only on Unix: it holds the ledger, its key file and the log).
pub fn ensure_data_dir(data_dir: &Path) -> Result<(), ApiError> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        log(format_args!("cannot create the data folder: {e}"));
        ApiError::new(
            "cannot_open",
            format!("Không tạo được thư mục dữ liệu {}. Hãy kiểm tra quyền ghi và ổ đĩa còn chỗ trống, rồi mở lại ứng dụng", data_dir.display()),
            format!("Cannot create the data folder {}. Check it is writable and the disk has space, then reopen the app", data_dir.display()),
        )
    })
}

/// Opens the ledger, or creates the encrypted demo one when there is none. Encrypted: the key
/// from the OS key store, or the demo's published passphrase for the demo ledger; otherwise
/// [`Opened::NeedsPassphrase`]. A plain (pre-encryption) ledger opens as it is.
pub fn open_or_create(data_dir: &Path, store: KeyStore) -> Result<Opened, ApiError> {
    ensure_data_dir(data_dir)?;
    let path = ledger_path(data_dir);
    let missing = match std::fs::metadata(&path) {
        Ok(m) => m.len() == 0,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
        Err(e) => return Err(ApiError::internal("mở sổ", e)),
    };
    if missing {
        if vault::has_key_file(&path) && vault::is_demo(&path) {
            // A demo start cut short between its key file and its ledger: the demo key guards
            // nothing, make a fresh one.
            let _ = std::fs::remove_file(vault::key_file_path(&path));
        }
        let _ = std::fs::remove_file(&path);
        let today = chrono::Local::now().date_naive();
        let (ledger, key) = create_demo(&path, today, store)?;
        log("created the demo ledger (encrypted under the published demo passphrase)");
        return Ok(Opened::Ready {
            ledger: Box::new(ledger),
            key: Some(key),
            created_demo: true,
        });
    }
    let encrypted = vault::is_encrypted(&path).map_err(|e| ApiError::internal("mở sổ", e))?;
    if !encrypted {
        return Ok(Opened::Ready {
            ledger: Box::new(Ledger::open(&path)?),
            key: None,
            created_demo: false,
        });
    }
    let key = match vault::unlock(&path, None, store) {
        Ok((key, _)) => key,
        Err(VaultError::PassphraseNeeded) => return Ok(Opened::NeedsPassphrase),
        Err(e) => return Err(e.into()),
    };
    Ok(Opened::Ready {
        ledger: Box::new(Ledger::open_encrypted(&path, &key)?),
        key: Some(key),
        created_demo: false,
    })
}

/// The demo ledger, encrypted under the published demo passphrase: the demo pay point, two
/// clerks, a roll of [`DEMO_ROLL_SIZE`] for the month of `today`, a cash advance and a few deaths
/// reported with their dates ([`demo::deaths`]), all marked as demo data.
pub fn create_demo(
    path: &Path,
    today: NaiveDate,
    store: KeyStore,
) -> Result<(Ledger, LedgerKey), ApiError> {
    let pass = Passphrase::new(vault::DEMO_PASSPHRASE)?;
    let (key, _) = vault::create(path, &pass, store, true)?;
    let mut ledger = Ledger::init_encrypted(path, DEMO_PAY_POINT_CODE, DEMO_PAY_POINT_NAME, &key)?;
    for (name, role, pin) in DEMO_CLERKS {
        ledger.add_clerk(name, role, &Pin::new(pin)?)?;
    }
    let period = Period::containing(today);
    let roll = demo::roll(period, DEMO_ROLL_SIZE, 1, DEMO_PAY_POINT_CODE);
    ledger.load_roll(&roll, "demo", true)?;
    let mai = ledger.sign_in(1, &Pin::new(DEMO_CLERKS[0].2)?)?;
    ledger.record_advance(&mai, Dong::new(DEMO_ADVANCE)?, "tạm ứng mẫu")?;
    // A few deaths the family came to report last month, with their dates: a month as it is.
    demo::report_deaths(&mut ledger, &mai, &roll, 1)?;
    Ok((ledger, key))
}

// ---------------------------------------------------------------------------------------------
// Settings

/// Minutes without input before the window locks, by default.
pub const DEFAULT_LOCK_MINUTES: u32 = 5;
/// The range a supervisor may choose.
pub const LOCK_MINUTES_RANGE: std::ops::RangeInclusive<u32> = 1..=60;

/// The app's settings (`settings.json` in the data folder).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Minutes without a key press, click or touch before the window locks.
    #[serde(default = "default_lock_minutes")]
    pub lock_minutes: u32,
}

fn default_lock_minutes() -> u32 {
    DEFAULT_LOCK_MINUTES
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            lock_minutes: DEFAULT_LOCK_MINUTES,
        }
    }
}

/// The settings file in the data folder.
pub fn settings_path(data_dir: &Path) -> PathBuf {
    data_dir.join("settings.json")
}

/// The settings, or the defaults when the file is missing or unreadable (said in the log).
pub fn load_settings(data_dir: &Path) -> Settings {
    let path = settings_path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) if t.len() <= 64 * 1024 => t,
        Ok(_) => {
            log("settings.json is too large: using the defaults");
            return Settings::default();
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Settings::default(),
        Err(e) => {
            log(format_args!(
                "cannot read settings.json ({e}): using the defaults"
            ));
            return Settings::default();
        }
    };
    match serde_json::from_str::<Settings>(&text) {
        Ok(s) if LOCK_MINUTES_RANGE.contains(&s.lock_minutes) => s,
        _ => {
            log("settings.json is not valid: using the defaults");
            Settings::default()
        }
    }
}

/// Writes the settings (whole file replaced at once).
pub fn save_settings(data_dir: &Path, s: &Settings) -> Result<(), ApiError> {
    let body = serde_json::to_string_pretty(s).map_err(|e| ApiError::internal("lưu cài đặt", e))?;
    paypoint::file::write_atomic(&settings_path(data_dir), body.as_bytes(), false)
        .map_err(|e| ApiError::internal("lưu cài đặt", e))
}

/// `PAYPOINT_LOCK_SECONDS`: the inactivity lock in seconds, overriding the setting (for tests
/// and kiosks). Unset, empty, 0 or unreadable: no override.
pub fn lock_seconds_override() -> Option<u64> {
    std::env::var("PAYPOINT_LOCK_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ready(o: Opened) -> (Ledger, Option<LedgerKey>, bool) {
        match o {
            Opened::Ready {
                ledger,
                key,
                created_demo,
            } => (*ledger, key, created_demo),
            Opened::NeedsPassphrase => panic!("the ledger should have opened"),
        }
    }

    #[test]
    fn first_start_creates_the_encrypted_demo_ledger_once() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("vn.paypoint.sochitra");
        let (ledger, key, created) = ready(open_or_create(&data, KeyStore::Off).unwrap());
        assert!(created);
        assert!(key.is_some());
        let s = ledger.status().unwrap();
        assert!(s.demo);
        assert_eq!(s.pay_point_name, DEMO_PAY_POINT_NAME);
        assert_eq!(s.beneficiaries, DEMO_ROLL_SIZE as u64);
        assert_eq!(s.cash_on_hand.as_i64(), DEMO_ADVANCE);
        assert!(
            s.stopped_amount.as_i64() > 0,
            "the demo's deaths are reported"
        );
        assert_eq!(
            s.period,
            Some(Period::containing(chrono::Local::now().date_naive()))
        );
        let clerks = ledger.clerks().unwrap();
        assert_eq!(clerks.len(), 2);
        assert_eq!(clerks[1].role, Role::Supervisor);
        drop(ledger);
        let path = ledger_path(&data);
        assert!(vault::is_encrypted(&path).unwrap());
        assert!(vault::is_demo(&path));
        // Without the key store, the demo opens with its published passphrase.
        let (again, _, created) = ready(open_or_create(&data, KeyStore::Off).unwrap());
        assert!(!created);
        assert_eq!(again.event_count().unwrap(), s.events);
    }

    #[test]
    fn the_second_connection_sees_the_same_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open_with_store(dir.path(), KeyStore::Off);
        assert_eq!(state.protection(), Protection::Encrypted);
        let mut second = state.second_connection().unwrap();
        let key = paypoint::sync::client::device_public_key(&mut second).unwrap();
        let first = state
            .with_ledger(|l| Ok(paypoint::sync::client::device_public_key(l).unwrap()))
            .unwrap();
        assert_eq!(key, first, "one device key, written by either connection");
        let pending = paypoint::sync::client::status(&second).unwrap().pending;
        assert_eq!(
            pending,
            state.with_ledger(|l| Ok(l.event_count()?)).unwrap(),
            "nothing sent before enrolment"
        );
    }

    #[test]
    fn a_real_ledger_waits_for_the_passphrase_and_refuses_a_wrong_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = ledger_path(dir.path());
        let pass = Passphrase::new("mat-khau-that-dai").unwrap();
        let (key, _) = vault::create(&path, &pass, KeyStore::Off, false).unwrap();
        drop(Ledger::init_encrypted(&path, "QH01", "Bưu điện xã", &key).unwrap());
        let state = AppState::open_with_store(dir.path(), KeyStore::Off);
        assert!(state.startup_error.is_none());
        assert_eq!(state.protection(), Protection::Locked);
        assert_eq!(
            state.with_ledger(|_| Ok(())).unwrap_err().code,
            "ledger_locked"
        );
        let before = std::fs::read(&path).unwrap();
        for wrong in ["sai-mat-khau-roi", "ngan"] {
            let e = state.unlock(wrong).unwrap_err();
            assert_eq!(e.code, "wrong_passphrase", "{e:?}");
            assert!(e.message_vi.contains("không đúng"), "{}", e.message_vi);
        }
        assert_eq!(std::fs::read(&path).unwrap(), before, "nothing changed");
        assert_eq!(state.protection(), Protection::Locked);
        state.unlock("mat-khau-that-dai").unwrap();
        assert_eq!(state.protection(), Protection::Encrypted);
        let s = state.with_ledger(|l| Ok(l.status()?)).unwrap();
        assert_eq!(s.pay_point_code, "QH01");
        let second = state.second_connection().unwrap();
        assert_eq!(second.status().unwrap().events, s.events);
    }

    #[test]
    fn a_plain_ledger_still_opens_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        drop(Ledger::init(&ledger_path(dir.path()), "QH01", "Bưu điện xã").unwrap());
        let state = AppState::open_with_store(dir.path(), KeyStore::Off);
        assert_eq!(state.protection(), Protection::Plain);
        assert!(state.second_connection().is_ok());
    }

    #[test]
    fn a_broken_ledger_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(ledger_path(dir.path()), vec![7u8; 4096]).unwrap();
        let state = AppState::open_with_store(dir.path(), KeyStore::Off);
        let e = state.startup_error.clone().unwrap();
        assert!(e.message_vi.ends_with('.'));
        assert_eq!(
            std::fs::read(ledger_path(dir.path())).unwrap(),
            vec![7u8; 4096]
        );
        assert_eq!(state.with_ledger(|_| Ok(())).unwrap_err(), e);
    }

    #[test]
    fn settings_are_checked_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load_settings(dir.path()), Settings::default());
        save_settings(dir.path(), &Settings { lock_minutes: 12 }).unwrap();
        assert_eq!(load_settings(dir.path()).lock_minutes, 12);
        std::fs::write(settings_path(dir.path()), r#"{"lock_minutes": 0}"#).unwrap();
        assert_eq!(load_settings(dir.path()), Settings::default());
        std::fs::write(settings_path(dir.path()), "not json").unwrap();
        assert_eq!(load_settings(dir.path()), Settings::default());
    }
}
