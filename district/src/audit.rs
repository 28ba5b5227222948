//! The office's audit log (issue 20): who did what, when, from where, for every action taken
//! through the web app or the hub's command line, and every sign-in, refused or not. Rows are
//! only ever added (the store's triggers refuse a change or a deletion).

use serde::Serialize;

use crate::db::params;
use crate::staff::Role;
use crate::{now, Hub, HubError};

/// Rows the audit page shows at most: a month of an office's work fits, the page stays light.
pub const AUDIT_PAGE_ROWS: u32 = 500;

/// Who acts: a person of the office signed in to the web app, or the operator at the server's
/// command line.
#[derive(Debug, Clone)]
pub struct Actor {
    /// Their login; `None` for the command line.
    pub login: Option<String>,
    /// What they may do (the command line may do everything: it runs on the server itself).
    pub role: Role,
    /// Where from: the browser's address (and the proxy it came through), or the command line.
    pub from: String,
}

impl Actor {
    /// The operator at the hub's own command line.
    pub fn command_line() -> Actor {
        Actor {
            login: None,
            role: Role::Admin,
            from: "dòng lệnh trên máy chủ".to_string(),
        }
    }

    /// A signed-in person, from `from`.
    pub fn staff(staff: &crate::staff::Staff, from: &str) -> Actor {
        Actor {
            login: Some(staff.login.clone()),
            role: staff.role,
            from: from.to_string(),
        }
    }
}

/// One row of the log.
#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    /// When (the hub's local time, RFC 3339).
    pub at: String,
    /// Who (`None`: the command line).
    pub login: Option<String>,
    /// What, as a stable code (`record_stop`, `sign_in`, …).
    pub action: String,
    /// What exactly, and how it ended.
    pub detail: String,
    /// From where.
    pub from: String,
}

impl Hub {
    /// Adds a row to the audit log.
    pub fn audit(
        &self,
        login: Option<&str>,
        action: &str,
        detail: &str,
        from: &str,
    ) -> Result<(), HubError> {
        self.db()?.execute(
            "INSERT INTO office_audit (at, login, action, detail, from_addr) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![now(), login, action, detail, from],
        )?;
        Ok(())
    }

    /// The newest `limit` rows, newest first.
    pub fn audit_log(&self, limit: u32) -> Result<Vec<AuditRow>, HubError> {
        let db = self.db()?;
        let rows = db
            .prepare_cached(
                "SELECT at, login, action, detail, from_addr FROM office_audit ORDER BY id DESC LIMIT ?1",
            )?
            .query_map([i64::from(limit)], |r| {
                Ok(AuditRow {
                    at: r.get(0)?,
                    login: r.get(1)?,
                    action: r.get(2)?,
                    detail: r.get(3)?,
                    from: r.get(4)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}
