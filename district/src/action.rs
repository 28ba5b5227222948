//! The office's actions that change something (issue 20), each checked against the actor's role
//! and recorded in the audit log, whichever shell asked: the web app or the command line. A shell
//! builds the [`Action`] from what it read and calls [`Hub::act`]; it never checks a role itself.

use crate::audit::Actor;
use crate::staff::{Power, Role, Staff, StaffChange};
use crate::{Hub, HubError};

/// Something the office does.
#[derive(Debug, Clone)]
pub enum Action {
    /// A death, a move or another end of payment, reported at the office; sent to the pay
    /// point's devices.
    RecordStop {
        /// The pay point.
        pay_point: String,
        /// The person.
        code: String,
        /// `death`, `moved` or `other`.
        reason: String,
        /// The day it took effect.
        date: Option<chrono::NaiveDate>,
        /// Free text.
        note: String,
    },
    /// A person held "to be confirmed" was seen alive.
    Confirm {
        /// The pay point.
        pay_point: String,
        /// The person.
        code: String,
        /// Who checked, where, which papers.
        note: String,
    },
    /// A flag closed: recovered, explained or a false alarm, with a note.
    ResolveFlag {
        /// The flag's number.
        id: i64,
        /// How.
        resolution: crate::resolution::Resolution,
        /// What was checked.
        note: String,
    },
    /// A new account.
    AddStaff {
        /// Its login.
        login: String,
        /// The person's name.
        name: String,
        /// Its role.
        role: Role,
        /// Its first password (never recorded).
        password: String,
    },
    /// An account unlocked, disabled, enabled or given a new password.
    ChangeStaff {
        /// Whose.
        login: String,
        /// What.
        change: StaffChange,
    },
}

/// What an action made.
#[derive(Debug, Clone)]
pub enum Done {
    /// The amendment sent to the pay point's devices.
    Amendment(u64),
    /// The account made.
    Staff(Staff),
    /// Done.
    Changed,
}

impl Action {
    /// What it takes.
    pub fn power(&self) -> Power {
        match self {
            Action::RecordStop { .. } | Action::Confirm { .. } | Action::ResolveFlag { .. } => {
                Power::Decide
            }
            Action::AddStaff { .. } | Action::ChangeStaff { .. } => Power::Administer,
        }
    }

    /// Its stable code in the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            Action::RecordStop { .. } => "record_stop",
            Action::Confirm { .. } => "confirm",
            Action::ResolveFlag { .. } => "resolve_flag",
            Action::AddStaff { .. } => "add_staff",
            Action::ChangeStaff { change, .. } => match change {
                StaffChange::Unlock => "unlock_staff",
                StaffChange::Disable => "disable_staff",
                StaffChange::Enable => "enable_staff",
                StaffChange::Password(_) => "set_staff_password",
            },
        }
    }

    /// What it is about, for the log: never a password.
    pub fn detail(&self) -> String {
        match self {
            Action::RecordStop {
                pay_point,
                code,
                reason,
                date,
                note,
            } => format!(
                "điểm {pay_point}, đối tượng {code}, lý do {reason}, ngày {}, ghi chú “{note}”",
                date.map_or("—".to_string(), |d| d.format("%d/%m/%Y").to_string())
            ),
            Action::Confirm {
                pay_point,
                code,
                note,
            } => format!("điểm {pay_point}, đối tượng {code}, ghi chú “{note}”"),
            Action::ResolveFlag {
                id,
                resolution,
                note,
            } => format!("cảnh báo số {id}: {}, ghi chú “{note}”", resolution.label()),
            Action::AddStaff {
                login, name, role, ..
            } => format!(
                "tài khoản {} ({name}), quyền {}",
                login.trim().to_lowercase(),
                role.as_str()
            ),
            Action::ChangeStaff { login, .. } => {
                format!("tài khoản {}", login.trim().to_lowercase())
            }
        }
    }
}

impl Hub {
    /// Does `action` for `actor` if their role allows it, and records it in the audit log,
    /// refused or done.
    pub fn act(&self, actor: &Actor, action: Action) -> Result<Done, HubError> {
        let (code, detail) = (action.code(), action.detail());
        let result = if actor.role.may(action.power()) {
            self.carry_out(actor, action)
        } else {
            Err(HubError::Forbidden(format!(
                "Tài khoản quyền “{}” không được làm việc này.",
                actor.role.label()
            )))
        };
        let outcome = match &result {
            Ok(Done::Amendment(id)) => {
                format!("{detail} — xong (thay đổi số {id} gửi điểm chi trả)")
            }
            Ok(_) => format!("{detail} — xong"),
            Err(e) => format!("{detail} — từ chối: {e}"),
        };
        self.audit(actor.login.as_deref(), code, &outcome, &actor.from)?;
        result
    }

    fn carry_out(&self, actor: &Actor, action: Action) -> Result<Done, HubError> {
        let invalid = |e: crate::staff::StaffError| match e {
            crate::staff::StaffError::Storage(e) => HubError::Storage(e),
            e => HubError::Refused(e.to_string()),
        };
        Ok(match action {
            Action::RecordStop {
                pay_point,
                code,
                reason,
                date,
                note,
            } => Done::Amendment(self.record_stop(&pay_point, &code, &reason, date, &note)?),
            Action::Confirm {
                pay_point,
                code,
                note,
            } => Done::Amendment(self.confirm(&pay_point, &code, &note)?),
            Action::ResolveFlag {
                id,
                resolution,
                note,
            } => {
                self.resolve_flag(id, resolution, &note, actor.login.as_deref())?;
                Done::Changed
            }
            Action::AddStaff {
                login,
                name,
                role,
                password,
            } => Done::Staff(
                self.insert_staff(&login, &name, role, &password)
                    .map_err(invalid)?,
            ),
            Action::ChangeStaff { login, change } => {
                self.change_staff(&login, &change).map_err(invalid)?;
                Done::Changed
            }
        })
    }
}
