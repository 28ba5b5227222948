//! The managing office's people (issue 20): named accounts with a role, passwords kept as
//! argon2id hashes, sign-in with a lock-out after repeated failures, and sessions that expire.
//!
//! A session is a random token in the browser's cookie; the store keeps only its SHA-256, so a
//! copy of the store (a backup, `pg_dump`) signs nobody in. Each session has its own anti-forgery
//! token that every form sends back ([`Session::csrf_matches`]).
//!
//! What each role may do is [`Role::may`]; the office's actions check it in [`crate::action`],
//! never in the web pages.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{params, OptionalExtension, TransactionBehavior};
use crate::{now, Hub, HubError};

/// Failed sign-ins in a row that lock an account: the clerk's PIN rule (`paypoint::clerk`).
pub const MAX_FAILED_SIGN_INS: i64 = paypoint::clerk::MAX_PIN_FAILURES as i64;
/// How long a locked account stays locked, unless an administrator unlocks it sooner.
pub const LOCK_OUT_SECS: i64 = paypoint::clerk::LOCKOUT_MINUTES * 60;
/// A session left alone this long ends (an office PC left signed in at lunch).
pub const SESSION_IDLE_SECS: i64 = 30 * 60;
/// A session ends after this long whatever its use: a working day.
pub const SESSION_MAX_SECS: i64 = 10 * 60 * 60;
/// The shortest password accepted: long enough that five guesses are nothing.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest: argon2 takes any length, a form should not make the hub hash megabytes.
pub const MAX_PASSWORD_BYTES: usize = 256;

/// What a person at the office may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Sees everything, changes nothing.
    Viewer,
    /// Publishes rolls, records stops, confirms, resolves flags.
    Officer,
    /// Also manages the office's accounts, pay points and devices.
    Admin,
}

/// The kinds of things the office does, each allowed from one role up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Power {
    /// Read the pages, download the settlement.
    See,
    /// Decide about people and money: rolls, stops, confirmations, flags.
    Decide,
    /// Manage accounts, pay points and devices.
    Administer,
}

impl Role {
    /// Parses `viewer`, `officer` or `admin`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "viewer" => Some(Role::Viewer),
            "officer" => Some(Role::Officer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Officer => "officer",
            Role::Admin => "admin",
        }
    }

    /// As the office reads it.
    pub fn label(self) -> &'static str {
        match self {
            Role::Viewer => "Xem",
            Role::Officer => "Cán bộ nghiệp vụ",
            Role::Admin => "Quản trị",
        }
    }

    /// Whether this role has `power`.
    pub fn may(self, power: Power) -> bool {
        let least = match power {
            Power::See => Role::Viewer,
            Power::Decide => Role::Officer,
            Power::Administer => Role::Admin,
        };
        self >= least
    }
}

/// Why a sign-in or a session was refused, or an account could not be changed. Each has a
/// stable code for the log and the tests; the text is for the office.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// Unknown login or wrong password: the same answer for both, so that logins cannot be
    /// guessed one at a time.
    #[error("Sai tên đăng nhập hoặc mật khẩu.")]
    WrongPassword,
    /// Too many failures in a row.
    #[error("Tài khoản bị khóa {minutes} phút sau {MAX_FAILED_SIGN_INS} lần nhập sai. Chờ hết thời gian, hoặc nhờ quản trị viên mở khóa (`paypoint-district staff unlock TÊN`).")]
    LockedOut {
        /// Minutes left, rounded up.
        minutes: i64,
    },
    /// The account was disabled by an administrator.
    #[error("Tài khoản đã bị vô hiệu hóa. Liên hệ quản trị viên.")]
    Disabled,
    /// No session, an expired one, or one signed out.
    #[error("Phiên làm việc đã hết hạn hoặc chưa đăng nhập. Hãy đăng nhập lại.")]
    NoSession,
    /// A field of an account that cannot be taken.
    #[error("{0}")]
    Invalid(String),
    /// The store failed.
    #[error("lỗi kho dữ liệu của đơn vị quản lý: {0}")]
    Storage(#[from] crate::db::Error),
}

impl StaffError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            StaffError::WrongPassword => "wrong_password",
            StaffError::LockedOut { .. } => "locked_out",
            StaffError::Disabled => "disabled",
            StaffError::NoSession => "no_session",
            StaffError::Invalid(_) => "invalid",
            StaffError::Storage(_) => "storage",
        }
    }
}

/// A person of the office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staff {
    /// The row's id.
    pub id: i64,
    /// What they sign in with.
    pub login: String,
    /// Their full name, as the audit log and the pages show it.
    pub name: String,
    /// What they may do.
    pub role: Role,
}

/// An account as the administrator's list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct StaffRow {
    /// Who.
    #[serde(flatten)]
    pub staff: Staff,
    /// Disabled by an administrator.
    pub disabled: bool,
    /// Locked until this Unix time, after too many failures.
    pub locked_until: Option<i64>,
    /// Failed sign-ins since the last good one.
    pub failed_attempts: i64,
    /// When the account was made.
    pub created_at: String,
}

/// A signed-in person, as each request finds them.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who.
    pub staff: Staff,
    /// The anti-forgery token every form of this session carries.
    pub csrf: String,
}

impl Session {
    /// Whether a form's anti-forgery token is this session's (compared in constant time).
    pub fn csrf_matches(&self, sent: &str) -> bool {
        same_secret(&self.csrf, sent)
    }
}

/// A change to an account, made by an administrator.
#[derive(Debug, Clone)]
pub enum StaffChange {
    /// Lifts a lock-out before its time.
    Unlock,
    /// Nobody can sign in with it any more; its sessions end.
    Disable,
    /// It can be used again.
    Enable,
    /// A new password; its sessions end.
    Password(String),
}

/// A session just opened: the cookie's token, given once and never stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// For the cookie.
    pub token: String,
    /// Who and the anti-forgery token.
    pub session: Session,
}

/// Two secrets compared without stopping at the first difference.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// 32 random bytes, hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// A password's argon2id hash, after the length rules.
pub fn hash_password(password: &str) -> Result<String, StaffError> {
    check_password(password)?;
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StaffError::Invalid(format!("không băm được mật khẩu: {e}")))
}

fn check_password(password: &str) -> Result<(), StaffError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(StaffError::Invalid(format!(
            "mật khẩu cần từ {MIN_PASSWORD_CHARS} ký tự (tối đa {MAX_PASSWORD_BYTES} byte)"
        )));
    }
    Ok(())
}

/// Whether `password` is the one `hash` was made from; a hash that cannot be read matches nothing.
fn verify(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of nothing anybody knows: an unknown login costs the same time as a known one.
static DECOY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_password(&random_token()).expect("a random token is a valid password")
});

/// A login as accepted: 2 to 40 lowercase letters, digits, `.`, `_` or `-`.
pub fn check_login(login: &str) -> Result<String, StaffError> {
    let l = login.trim().to_lowercase();
    let ok = (2..=40).contains(&l.len())
        && l.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !ok {
        return Err(StaffError::Invalid(format!(
            "tên đăng nhập “{login}”: cần 2–40 chữ thường không dấu, chữ số, “.”, “_” hoặc “-”"
        )));
    }
    Ok(l)
}

type Row = (i64, String, String, String, String, i64, Option<i64>, i64);

impl Hub {
    /// Makes an account. The first administrator is made this way from the command line.
    pub(crate) fn insert_staff(
        &self,
        login: &str,
        name: &str,
        role: Role,
        password: &str,
    ) -> Result<Staff, StaffError> {
        let login = check_login(login)?;
        let name = paypoint::text::clean(name);
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StaffError::Invalid(
                "họ tên cần từ 1 đến 100 ký tự".to_string(),
            ));
        }
        let hash = hash_password(password)?;
        let mut db = self.db()?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let taken: Option<i64> = tx
            .query_row("SELECT id FROM staff WHERE login = ?1", [&login], |r| {
                r.get(0)
            })
            .optional()?;
        if taken.is_some() {
            return Err(StaffError::Invalid(format!(
                "đã có tài khoản “{login}”: chọn tên khác"
            )));
        }
        let id: i64 = tx.query_row(
            "INSERT INTO staff (login, name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING id",
            params![login, name, role.as_str(), hash, now()],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(Staff {
            id,
            login,
            name,
            role,
        })
    }

    /// Every account, by login.
    pub fn staff(&self) -> Result<Vec<StaffRow>, StaffError> {
        let db = self.db()?;
        let rows = db
            .prepare_cached(
                "SELECT id, login, name, role, created_at, failed_attempts, locked_until, disabled
                 FROM staff ORDER BY login",
            )?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })?
            .collect::<Result<Vec<Row>, _>>()?;
        Ok(rows
            .into_iter()
            .map(
                |(id, login, name, role, created_at, failed, locked, disabled)| StaffRow {
                    staff: Staff {
                        id,
                        login,
                        name,
                        role: Role::parse(&role).unwrap_or(Role::Viewer),
                    },
                    disabled: disabled != 0,
                    locked_until: locked.filter(|&t| t > unix_now()),
                    failed_attempts: failed,
                    created_at,
                },
            )
            .collect())
    }

    /// Unlocks, disables, enables an account or sets its password. Disabling it or setting its
    /// password ends its open sessions.
    pub(crate) fn change_staff(&self, login: &str, change: &StaffChange) -> Result<(), StaffError> {
        let login = check_login(login)?;
        let (set, value, ends_sessions) = match change {
            StaffChange::Unlock => ("failed_attempts = 0, locked_until = NULL", None, false),
            StaffChange::Disable => ("disabled = 1", None, true),
            StaffChange::Enable => (
                "disabled = 0, failed_attempts = 0, locked_until = NULL",
                None,
                false,
            ),
            StaffChange::Password(p) => ("password_hash = ?2", Some(hash_password(p)?), true),
        };
        let mut db = self.db()?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let sql = format!("UPDATE staff SET {set} WHERE login = ?1");
        let n = match value {
            Some(v) => tx.execute(&sql, params![login, v])?,
            None => tx.execute(&sql, [&login])?,
        };
        if n == 0 {
            return Err(StaffError::Invalid(format!(
                "không có tài khoản “{login}”; xem danh sách bằng `paypoint-district staff list`"
            )));
        }
        if ends_sessions {
            tx.execute(
                "DELETE FROM staff_sessions WHERE staff = (SELECT id FROM staff WHERE login = ?1)",
                [&login],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Signs a person in: a new session, or why not. Every attempt is recorded in the audit log
    /// (the login as typed, never the password), and every failure counts toward the lock-out.
    pub fn sign_in(
        &self,
        login: &str,
        password: &str,
        from: &str,
    ) -> Result<NewSession, StaffError> {
        let login = login.trim().to_lowercase();
        let result = self.check_sign_in(&login, password, from);
        let (action, detail) = match &result {
            Ok(_) => ("sign_in", "đăng nhập".to_string()),
            Err(e) => ("sign_in_refused", format!("từ chối ({}): {e}", e.code())),
        };
        // Whoever typed it: a login of any length or shape is kept short in the log.
        let shown: String = login.chars().take(40).collect();
        self.audit(Some(&shown), action, &detail, from)
            .map_err(|e| match e {
                crate::HubError::Storage(e) => StaffError::Storage(e),
                e => StaffError::Invalid(e.to_string()),
            })?;
        result
    }

    fn check_sign_in(
        &self,
        login: &str,
        password: &str,
        from: &str,
    ) -> Result<NewSession, StaffError> {
        let found: Option<Row> = self
            .db()?
            .query_row(
                "SELECT id, login, name, role, password_hash, failed_attempts, locked_until, disabled
                 FROM staff WHERE login = ?1",
                [&login],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                        r.get(6)?,
                        r.get(7)?,
                    ))
                },
            )
            .optional()?;
        let Some((id, login, name, role, hash, _, locked_until, disabled)) = found else {
            let _ = verify(&DECOY, password);
            return Err(StaffError::WrongPassword);
        };
        let t = unix_now();
        if let Some(until) = locked_until.filter(|&u| u > t) {
            return Err(StaffError::LockedOut {
                minutes: (until - t + 59) / 60,
            });
        }
        // Slow on purpose (argon2id), and outside any write lock.
        if !verify(&hash, password) {
            return Err(self.failed_sign_in(id)?);
        }
        if disabled != 0 {
            return Err(StaffError::Disabled);
        }
        let staff = Staff {
            id,
            login,
            name,
            role: Role::parse(&role).unwrap_or(Role::Viewer),
        };
        self.open_session(staff, from)
    }

    /// Counts a failure; the fifth in a row locks the account. Returns the error to answer.
    fn failed_sign_in(&self, id: i64) -> Result<StaffError, StaffError> {
        let t = unix_now();
        let db = self.db()?;
        // One statement: two nodes counting failures at once both count.
        let locked: Option<i64> = db.query_row(
            "UPDATE staff SET failed_attempts = failed_attempts + 1,
                    locked_until = CASE WHEN failed_attempts + 1 >= ?2 THEN ?3 ELSE locked_until END
             WHERE id = ?1 RETURNING CASE WHEN failed_attempts >= ?2 THEN locked_until END",
            params![id, MAX_FAILED_SIGN_INS, t + LOCK_OUT_SECS],
            |r| r.get(0),
        )?;
        Ok(match locked {
            Some(until) if until > t => StaffError::LockedOut {
                minutes: (until - t + 59) / 60,
            },
            _ => StaffError::WrongPassword,
        })
    }

    fn open_session(&self, staff: Staff, from: &str) -> Result<NewSession, StaffError> {
        let t = unix_now();
        let token = random_token();
        let csrf = random_token();
        let mut db = self.db()?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "UPDATE staff SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
            [staff.id],
        )?;
        // Sessions that ended are forgotten as new ones begin: the table stays small.
        tx.execute("DELETE FROM staff_sessions WHERE expires_at <= ?1", [t])?;
        tx.execute(
            "INSERT INTO staff_sessions (token_sha256, staff, csrf, from_addr, created_at, last_seen, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)",
            params![sha256_hex(&token), staff.id, csrf, from, t, t + SESSION_MAX_SECS],
        )?;
        tx.commit()?;
        Ok(NewSession {
            token,
            session: Session { staff, csrf },
        })
    }

    /// The session of a cookie's token, still open (and now used again), or [`StaffError::NoSession`].
    pub fn session(&self, token: &str) -> Result<Session, StaffError> {
        let t = unix_now();
        let db = self.db()?;
        let found: Option<(i64, String, String, String, String)> = db
            .query_row(
                "UPDATE staff_sessions SET last_seen = ?2
                 WHERE token_sha256 = ?1 AND expires_at > ?2 AND last_seen > ?3
                   AND staff IN (SELECT id FROM staff WHERE disabled = 0)
                 RETURNING staff, csrf,
                   (SELECT login FROM staff WHERE id = staff_sessions.staff),
                   (SELECT name FROM staff WHERE id = staff_sessions.staff),
                   (SELECT role FROM staff WHERE id = staff_sessions.staff)",
                params![sha256_hex(token), t, t - SESSION_IDLE_SECS],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let (id, csrf, login, name, role) = found.ok_or(StaffError::NoSession)?;
        Ok(Session {
            staff: Staff {
                id,
                login,
                name,
                role: Role::parse(&role).unwrap_or(Role::Viewer),
            },
            csrf,
        })
    }

    /// Ends the session of a cookie's token (nothing if it had ended), recorded in the log.
    pub fn sign_out(&self, session: &Session, token: &str, from: &str) -> Result<(), HubError> {
        self.db()?.execute(
            "DELETE FROM staff_sessions WHERE token_sha256 = ?1",
            [sha256_hex(token)],
        )?;
        self.audit(Some(&session.staff.login), "sign_out", "đăng xuất", from)
    }
}
