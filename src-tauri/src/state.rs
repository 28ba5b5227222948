//! The app's state: the open ledger, who is signed in, and where the app keeps its files.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use chrono::NaiveDate;
use paypoint::clerk::{Pin, Role, SignedIn};
use paypoint::{demo, Dong, Ledger, LedgerError, Period};

use crate::error::ApiError;

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

/// Everything the commands share. Each lock is held for one core call.
pub struct AppState {
    /// The ledger; `None` when it could not be opened (then `startup_error` says why).
    pub ledger: Mutex<Option<Ledger>>,
    /// The clerk signed in at this window.
    pub signed_in: Mutex<Option<SignedIn>>,
    /// The app data folder (`$XDG_DATA_HOME/vn.paypoint.sochitra` on Linux).
    pub data_dir: PathBuf,
    /// Why the ledger could not be opened, to show instead of the screens.
    pub startup_error: Option<ApiError>,
    /// True when this start created the demo ledger.
    pub created_demo: bool,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A command never panics while holding a lock; should one ever have, the data (a SQLite
    // connection whose transactions roll back on their own) is still sound.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl AppState {
    /// Opens the ledger in `data_dir`, creating the demo ledger there on first start.
    pub fn open(data_dir: &Path) -> AppState {
        match open_or_create(data_dir) {
            Ok((ledger, created_demo)) => AppState {
                ledger: Mutex::new(Some(ledger)),
                signed_in: Mutex::new(None),
                data_dir: data_dir.to_path_buf(),
                startup_error: None,
                created_demo,
            },
            Err(e) => AppState {
                ledger: Mutex::new(None),
                signed_in: Mutex::new(None),
                data_dir: data_dir.to_path_buf(),
                startup_error: Some(e),
                created_demo: false,
            },
        }
    }

    /// Runs `f` on the ledger.
    pub fn with_ledger<T>(
        &self,
        f: impl FnOnce(&mut Ledger) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut guard = lock(&self.ledger);
        match guard.as_mut() {
            Some(l) => f(l),
            None => Err(self
                .startup_error
                .clone()
                .unwrap_or_else(|| ApiError::internal("mở sổ", "the ledger is not open"))),
        }
    }

    /// A second connection to the open ledger, for work that waits on the network (a sync
    /// round, an enrolment), so that the window's commands never wait behind it for the lock
    /// above. The same file, opened the same way as the first connection (whatever unlocks the
    /// first must unlock this one too); SQLite orders the writes of the two.
    pub fn second_connection(&self) -> Result<Ledger, ApiError> {
        let path = self.with_ledger(|l| Ok(l.path().to_path_buf()))?;
        Ok(Ledger::open(&path)?)
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

/// Opens the ledger, or creates the demo one when there is none. Returns it and whether the demo
/// was created now.
pub fn open_or_create(data_dir: &Path) -> Result<(Ledger, bool), ApiError> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        eprintln!("paypoint-desktop: cannot create {}: {e}", data_dir.display());
        ApiError::new(
            "cannot_open",
            format!("Không tạo được thư mục dữ liệu {}. Hãy kiểm tra quyền ghi và ổ đĩa còn chỗ trống, rồi mở lại ứng dụng", data_dir.display()),
            format!("Cannot create the data folder {}. Check it is writable and the disk has space, then reopen the app", data_dir.display()),
        )
    })?;
    let path = ledger_path(data_dir);
    match Ledger::open(&path) {
        Ok(l) => Ok((l, false)),
        Err(LedgerError::NotInitialised(_)) => {
            let today = chrono::Local::now().date_naive();
            Ok((create_demo(&path, today)?, true))
        }
        Err(e) => Err(e.into()),
    }
}

/// The demo ledger: the demo pay point, two clerks, a roll of [`DEMO_ROLL_SIZE`] for the month of
/// `today`, and a cash advance, all marked as demo data.
pub fn create_demo(path: &Path, today: NaiveDate) -> Result<Ledger, ApiError> {
    let mut ledger = Ledger::init(path, DEMO_PAY_POINT_CODE, DEMO_PAY_POINT_NAME)?;
    for (name, role, pin) in DEMO_CLERKS {
        ledger.add_clerk(name, role, &Pin::new(pin)?)?;
    }
    let period = Period::containing(today);
    let roll = demo::roll(period, DEMO_ROLL_SIZE, 1, DEMO_PAY_POINT_CODE);
    ledger.load_roll(&roll, "demo", true)?;
    let mai = ledger.sign_in(1, &Pin::new(DEMO_CLERKS[0].2)?)?;
    ledger.record_advance(&mai, Dong::new(DEMO_ADVANCE)?, "tạm ứng mẫu")?;
    Ok(ledger)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_start_creates_the_demo_ledger_once() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("vn.paypoint.sochitra");
        let (ledger, created) = open_or_create(&data).unwrap();
        assert!(created);
        let s = ledger.status().unwrap();
        assert!(s.demo);
        assert_eq!(s.pay_point_name, DEMO_PAY_POINT_NAME);
        assert_eq!(s.beneficiaries, DEMO_ROLL_SIZE as u64);
        assert_eq!(s.cash_on_hand.as_i64(), DEMO_ADVANCE);
        assert_eq!(
            s.period,
            Some(Period::containing(chrono::Local::now().date_naive()))
        );
        let clerks = ledger.clerks().unwrap();
        assert_eq!(clerks.len(), 2);
        assert_eq!(clerks[1].role, Role::Supervisor);
        drop(ledger);
        let (again, created) = open_or_create(&data).unwrap();
        assert!(!created);
        assert_eq!(again.event_count().unwrap(), s.events);
    }

    #[test]
    fn the_second_connection_sees_the_same_ledger() {
        let dir = tempfile::tempdir().unwrap();
        let state = AppState::open(dir.path());
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
    fn a_broken_ledger_file_is_reported_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(ledger_path(dir.path()), vec![7u8; 4096]).unwrap();
        let state = AppState::open(dir.path());
        let e = state.startup_error.clone().unwrap();
        assert!(e.message_vi.ends_with('.'));
        assert_eq!(
            std::fs::read(ledger_path(dir.path())).unwrap(),
            vec![7u8; 4096]
        );
        assert_eq!(state.with_ledger(|_| Ok(())).unwrap_err(), e);
    }
}
