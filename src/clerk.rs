//! Clerks and supervisors: who may record money, signed in with a PIN.
//!
//! PINs are stored as argon2id hashes. Five wrong PINs in a row lock the clerk for 15 minutes.
//! Every money event names the clerk; a reversal needs a second person who is a supervisor.

use std::fmt;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, Duration, Local};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::event::{payload, EventPayload};
use crate::ledger::{Ledger, LedgerError};
// The shared types moved to `model` (issue 13); their old paths keep working.
pub use crate::model::Role;

/// Wrong PINs in a row before the clerk is locked out.
pub const MAX_PIN_FAILURES: u32 = 5;
/// How long a lock-out lasts.
pub const LOCKOUT_MINUTES: i64 = 15;

/// Why a clerk could not be added or signed in.
#[derive(Debug, thiserror::Error)]
pub enum ClerkError {
    /// PIN of the wrong shape.
    #[error("mã PIN phải gồm 4 đến 12 chữ số")]
    BadPinFormat,
    /// Empty or over-long name.
    #[error("tên nhân viên không hợp lệ: cần 1–100 ký tự")]
    BadName,
    /// No such clerk.
    #[error("không có nhân viên số {0}")]
    Unknown(i64),
    /// Wrong PIN; says how many tries are left.
    #[error("sai mã PIN của nhân viên số {clerk}; còn {left} lần thử trước khi bị khóa {LOCKOUT_MINUTES} phút")]
    WrongPin {
        /// The clerk.
        clerk: i64,
        /// Tries left before the lock-out.
        left: u32,
    },
    /// Locked out after repeated wrong PINs.
    #[error("nhân viên số {clerk} bị khóa do nhập sai PIN {MAX_PIN_FAILURES} lần; thử lại sau {minutes_left} phút (lúc {until})")]
    LockedOut {
        /// The clerk.
        clerk: i64,
        /// When the lock ends (local time, HH:MM).
        until: String,
        /// Minutes left, rounded up.
        minutes_left: i64,
    },
    /// The approver of a reversal is not a supervisor.
    #[error(
        "người duyệt (nhân viên số {0}) không phải giám sát viên: cần mã PIN của giám sát viên"
    )]
    NotSupervisor(i64),
    /// The approver is the same person as the clerk.
    #[error("người duyệt phải là người khác với người thực hiện")]
    SamePerson,
    /// Storage failure.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl ClerkError {
    /// Stable identifier, for the window, the CLI's JSON and the tests.
    pub fn code(&self) -> &'static str {
        match self {
            ClerkError::BadPinFormat => "bad_pin_format",
            ClerkError::BadName => "invalid_input",
            ClerkError::Unknown(_) => "unknown_clerk",
            ClerkError::WrongPin { .. } => "wrong_pin",
            ClerkError::LockedOut { .. } => "locked_out",
            ClerkError::NotSupervisor(_) => "not_supervisor",
            ClerkError::SamePerson => "same_person",
            ClerkError::Ledger(e) => e.code(),
        }
    }
}

impl From<rusqlite::Error> for ClerkError {
    fn from(e: rusqlite::Error) -> Self {
        ClerkError::Ledger(LedgerError::from(e))
    }
}

/// A PIN as typed. Its `Debug` never shows the digits, so it cannot leak into a log.
#[derive(Clone)]
pub struct Pin(String);

impl Pin {
    /// A PIN of 4 to 12 digits.
    pub fn new(s: &str) -> Result<Pin, ClerkError> {
        let s = s.trim();
        if (4..=12).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Pin(s.to_string()))
        } else {
            Err(ClerkError::BadPinFormat)
        }
    }
}

impl Pin {
    /// True when two PINs are the same (to confirm a new PIN typed twice).
    pub fn matches(&self, other: &Pin) -> bool {
        self.0 == other.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin(***)")
    }
}

/// A clerk as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Clerk {
    /// Local id, named in events.
    pub id: i64,
    /// Full name.
    pub name: String,
    /// Clerk or supervisor.
    pub role: Role,
}

/// A clerk who has just proved their PIN. Only [`Ledger::sign_in`] makes one, so a function that
/// takes `&SignedIn` cannot be called on behalf of someone who did not sign in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    clerk: Clerk,
}

impl SignedIn {
    /// Who signed in.
    pub fn clerk(&self) -> &Clerk {
        &self.clerk
    }

    /// Their id.
    pub fn id(&self) -> i64 {
        self.clerk.id
    }

    /// Checks that `approver` may approve what `self` does: another person, and a supervisor.
    pub fn approved_by<'a>(&self, approver: &'a SignedIn) -> Result<&'a SignedIn, ClerkError> {
        if approver.id() == self.id() {
            return Err(ClerkError::SamePerson);
        }
        if approver.clerk.role != Role::Supervisor {
            return Err(ClerkError::NotSupervisor(approver.id()));
        }
        Ok(approver)
    }
}

fn hash_pin(pin: &Pin) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.0.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail on a short PIN")
        .to_string()
}

impl Ledger {
    /// Adds a clerk or supervisor and records it in the log (the PIN hash stays local, never in
    /// an event).
    pub fn add_clerk(&mut self, name: &str, role: Role, pin: &Pin) -> Result<Clerk, ClerkError> {
        let name = crate::text::clean(name);
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ClerkError::BadName);
        }
        let pin_hash = hash_pin(pin);
        self.write(|w| {
            let id: i64 = w.tx.prepare_cached("SELECT coalesce(max(id), 0) + 1 FROM clerks")?.query_row( [], |r| r.get(0))?;
            let ev = w.append(
                None,
                EventPayload::ClerkAdded(payload::ClerkAdded {
                    clerk: id,
                    name: name.clone(),
                    role,
                }),
            )?;
            w.tx.prepare_cached("INSERT INTO clerks (id, name, role, pin_hash, event_seq) VALUES (?1, ?2, ?3, ?4, ?5)")?.execute(
                params![id, name, role.as_str(), pin_hash, ev.seq],
            )?;
            Ok(Clerk { id, name: name.clone(), role })
        })
    }

    /// Lifts a clerk's lock-out (too many wrong PINs) before its time runs out. Only a
    /// supervisor, signed in with their own PIN, and not for themselves: a locked-out supervisor
    /// waits, or another supervisor unlocks them. Recorded as an event, so the district sees who
    /// unlocked whom and when.
    pub fn unlock_clerk(&mut self, clerk_id: i64, by: &SignedIn) -> Result<(), ClerkError> {
        if by.clerk.role != Role::Supervisor {
            return Err(ClerkError::NotSupervisor(by.id()));
        }
        if by.id() == clerk_id {
            return Err(ClerkError::SamePerson);
        }
        if !self.clerks()?.iter().any(|c| c.id == clerk_id) {
            return Err(ClerkError::Unknown(clerk_id));
        }
        self.write(|w| {
            w.append(
                None,
                EventPayload::ClerkUnlocked(payload::ClerkUnlocked {
                    clerk: clerk_id,
                    by: by.id(),
                }),
            )?;
            w.tx.prepare_cached("DELETE FROM clerk_lockout WHERE clerk_id = ?1")?
                .execute([clerk_id])?;
            Ok(())
        })
    }

    /// Every clerk, in order of their id.
    pub fn clerks(&self) -> Result<Vec<Clerk>, ClerkError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, role FROM clerks ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            let role: String = r.get(2)?;
            Ok(Clerk {
                id: r.get(0)?,
                name: r.get(1)?,
                role: if role == "supervisor" {
                    Role::Supervisor
                } else {
                    Role::Clerk
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Checks a clerk's PIN. Counts failures and locks the clerk out after
    /// [`MAX_PIN_FAILURES`] in a row; a success clears the count.
    pub fn sign_in(&mut self, clerk_id: i64, pin: &Pin) -> Result<SignedIn, ClerkError> {
        let row: Option<(String, String, String)> = self
            .conn
            .prepare_cached("SELECT name, role, pin_hash FROM clerks WHERE id = ?1")?
            .query_row([clerk_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((name, role, pin_hash)) = row else {
            return Err(ClerkError::Unknown(clerk_id));
        };
        let now = Local::now();
        if let Some(until) = self.locked_until(clerk_id)? {
            if until > now {
                return Err(locked(clerk_id, until, now));
            }
        }
        let parsed = PasswordHash::new(&pin_hash).map_err(|_| {
            LedgerError::Corrupt(format!("mã PIN đã lưu của nhân viên số {clerk_id}"))
        })?;
        let ok = Argon2::default()
            .verify_password(pin.0.as_bytes(), &parsed)
            .is_ok();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        if ok {
            tx.prepare_cached("DELETE FROM clerk_lockout WHERE clerk_id = ?1")?
                .execute([clerk_id])?;
            tx.commit()?;
            return Ok(SignedIn {
                clerk: Clerk {
                    id: clerk_id,
                    name,
                    role: if role == "supervisor" {
                        Role::Supervisor
                    } else {
                        Role::Clerk
                    },
                },
            });
        }
        let failures: u32 = tx
            .prepare_cached(
                "INSERT INTO clerk_lockout (clerk_id, failures) VALUES (?1, 1)
             ON CONFLICT (clerk_id) DO UPDATE SET failures = failures + 1
             RETURNING failures",
            )?
            .query_row([clerk_id], |r| r.get(0))?;
        if failures >= MAX_PIN_FAILURES {
            let until = now + Duration::minutes(LOCKOUT_MINUTES);
            tx.prepare_cached(
                "UPDATE clerk_lockout SET failures = 0, locked_until = ?2 WHERE clerk_id = ?1",
            )?
            .execute(params![clerk_id, until.to_rfc3339()])?;
            tx.commit()?;
            return Err(locked(clerk_id, until, now));
        }
        tx.commit()?;
        Err(ClerkError::WrongPin {
            clerk: clerk_id,
            left: MAX_PIN_FAILURES - failures,
        })
    }

    fn locked_until(&self, clerk_id: i64) -> Result<Option<DateTime<Local>>, ClerkError> {
        let until: Option<String> = self
            .conn
            .prepare_cached("SELECT locked_until FROM clerk_lockout WHERE clerk_id = ?1")?
            .query_row([clerk_id], |r| r.get(0))
            .optional()?
            .flatten();
        Ok(until
            .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
            .map(|t| t.with_timezone(&Local)))
    }
}

fn locked(clerk: i64, until: DateTime<Local>, now: DateTime<Local>) -> ClerkError {
    let secs = (until - now).num_seconds().max(0);
    ClerkError::LockedOut {
        clerk,
        until: until.format("%H:%M").to_string(),
        minutes_left: (secs + 59) / 60,
    }
}
