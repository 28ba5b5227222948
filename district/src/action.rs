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
    /// A request to be paid by bank account, confirmed from a period.
    ConfirmAccount {
        /// The pay point.
        pay_point: String,
        /// The person.
        code: String,
        /// The first period paid by account.
        from: paypoint::Period,
    },
    /// A request to be paid by bank account, refused with the reason the clerk tells the person.
    RefuseAccount {
        /// The pay point.
        pay_point: String,
        /// The person.
        code: String,
        /// Why.
        reason: String,
    },
    /// A person paid by account is paid in cash for one period (the transfer failed).
    AccountToCash {
        /// The pay point.
        pay_point: String,
        /// The person.
        code: String,
        /// The period.
        period: paypoint::Period,
        /// Why.
        reason: String,
    },
    /// A proxy added at a counter, confirmed for the months after, or refused.
    DecideProxy {
        /// The pay point.
        pay_point: String,
        /// The person the proxy receives for.
        code: String,
        /// Confirmed (else refused).
        confirm: bool,
        /// A note when confirmed; the reason when refused.
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
    /// A roll file read by the core's importer and kept as the next version (not yet published).
    ImportRoll {
        /// The pay point.
        pay_point: String,
        /// The period.
        period: paypoint::Period,
        /// The file's name as the office chose it (its type is read from its extension).
        file_name: String,
        /// The file.
        bytes: Vec<u8>,
    },
    /// The latest version of a roll signed and sent to the pay point's devices.
    PublishRoll {
        /// The pay point.
        pay_point: String,
        /// The period.
        period: paypoint::Period,
    },
    /// A one-time code to enrol a device of a pay point.
    EnrolCode {
        /// The pay point.
        pay_point: String,
    },
    /// A lost or broken device revoked; the people it held go to the one left.
    RevokeDevice {
        /// The device revoked (its id or last 8 characters).
        device: String,
        /// The device that takes its people.
        to: String,
    },
    /// A printed page's QR code checked against the office's records (the check is recorded: who
    /// checked which page, and whether it agreed).
    CheckPaper {
        /// What the scanner typed.
        text: String,
    },
    /// A new pay point.
    AddPayPoint {
        /// Its code.
        code: String,
        /// Its name.
        name: String,
    },
    /// One of the office's settings (a name on its papers, the pay schedule, a threshold).
    SetSetting {
        /// Its name.
        key: String,
        /// Its new value.
        value: String,
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
    /// The request to be paid by account, as decided.
    Account(Box<crate::account::AccountRow>),
    /// The proxy, as decided.
    Proxy(Box<crate::proxy::CounterProxy>),
    /// The roll kept: its version and what the importer read.
    Imported(u32, Box<paypoint::import::ImportPreview>),
    /// The version published.
    Published(u32),
    /// What a paper check found.
    Paper(Box<crate::paper::PaperCheck>),
    /// The enrolment code, to give the clerk once.
    EnrolCode(String),
    /// What a revocation did.
    Revoked(Box<crate::handover::Revoked>),
    /// Done.
    Changed,
}

impl Done {
    /// How it ended, for the audit log: never a secret (an enrolment code is a secret until used).
    fn summary(&self) -> String {
        match self {
            Done::Amendment(id) => format!("xong (thay đổi số {id} gửi điểm chi trả)"),
            Done::Imported(v, _) => format!("xong (phiên bản {v}, chưa phát hành)"),
            Done::Published(v) => format!("xong (phiên bản {v})"),
            Done::EnrolCode(_) => "xong (mã dùng một lần, hạn 7 ngày)".to_string(),
            Done::Paper(c) if c.agrees => format!("{}: khớp", c.page),
            Done::Paper(c) => format!("{}: KHÔNG KHỚP ({} chỗ)", c.page, c.findings.len()),
            Done::Revoked(r) => format!("xong ({} người chuyển sang máy còn lại)", r.moved.len()),
            Done::Staff(_) | Done::Account(_) | Done::Proxy(_) | Done::Changed => {
                "xong".to_string()
            }
        }
    }
}

impl Action {
    /// What it takes.
    pub fn power(&self) -> Power {
        match self {
            Action::CheckPaper { .. } => Power::See,
            Action::RecordStop { .. }
            | Action::Confirm { .. }
            | Action::ConfirmAccount { .. }
            | Action::RefuseAccount { .. }
            | Action::AccountToCash { .. }
            | Action::DecideProxy { .. }
            | Action::ResolveFlag { .. }
            | Action::ImportRoll { .. }
            | Action::PublishRoll { .. } => Power::Decide,
            Action::AddStaff { .. }
            | Action::ChangeStaff { .. }
            | Action::EnrolCode { .. }
            | Action::RevokeDevice { .. }
            | Action::AddPayPoint { .. }
            | Action::SetSetting { .. } => Power::Administer,
        }
    }

    /// Its stable code in the audit log.
    pub fn code(&self) -> &'static str {
        match self {
            Action::RecordStop { .. } => "record_stop",
            Action::Confirm { .. } => "confirm",
            Action::ResolveFlag { .. } => "resolve_flag",
            Action::ConfirmAccount { .. } => "confirm_account",
            Action::RefuseAccount { .. } => "refuse_account",
            Action::AccountToCash { .. } => "account_to_cash",
            Action::DecideProxy { confirm: true, .. } => "confirm_proxy",
            Action::DecideProxy { confirm: false, .. } => "refuse_proxy",
            Action::ImportRoll { .. } => "import_roll",
            Action::PublishRoll { .. } => "publish_roll",
            Action::EnrolCode { .. } => "enrol_code",
            Action::RevokeDevice { .. } => "revoke_device",
            Action::CheckPaper { .. } => "check_paper",
            Action::AddPayPoint { .. } => "add_pay_point",
            Action::SetSetting { .. } => "set_setting",
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
            Action::ConfirmAccount {
                pay_point,
                code,
                from,
            } => format!("điểm {pay_point}, đối tượng {code}, nhận qua tài khoản từ kỳ {from}"),
            Action::RefuseAccount {
                pay_point,
                code,
                reason,
            } => format!("điểm {pay_point}, đối tượng {code}, lý do “{reason}”"),
            Action::AccountToCash {
                pay_point,
                code,
                period,
                reason,
            } => format!(
                "điểm {pay_point}, đối tượng {code}, tiền mặt kỳ {period}, lý do “{reason}”"
            ),
            Action::DecideProxy {
                pay_point,
                code,
                note,
                ..
            } => format!("điểm {pay_point}, người nhận thay của {code}, “{note}”"),
            Action::ImportRoll {
                pay_point,
                period,
                file_name,
                bytes,
            } => format!(
                "điểm {pay_point}, kỳ {period}, tệp “{file_name}” ({} byte)",
                bytes.len()
            ),
            Action::PublishRoll { pay_point, period } => {
                format!("điểm {pay_point}, kỳ {period}")
            }
            Action::EnrolCode { pay_point } => format!("điểm {pay_point}"),
            Action::AddPayPoint { code, name } => format!("điểm {code} ({name})"),
            // The code's text names a page, never a person: kept short all the same.
            Action::CheckPaper { text } => {
                format!("mã “{}”", text.trim().chars().take(80).collect::<String>())
            }
            Action::SetSetting { key, value } => format!("{key} = “{value}”"),
            Action::RevokeDevice { device, to } => format!("máy {device}, giao cho máy {to}"),
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
            Ok(done) => format!("{detail} — {}", done.summary()),
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
            Action::ConfirmAccount {
                pay_point,
                code,
                from,
            } => Done::Account(Box::new(self.confirm_account(&pay_point, &code, from)?)),
            Action::RefuseAccount {
                pay_point,
                code,
                reason,
            } => Done::Account(Box::new(self.refuse_account(&pay_point, &code, &reason)?)),
            Action::AccountToCash {
                pay_point,
                code,
                period,
                reason,
            } => Done::Amendment(self.account_to_cash(&pay_point, &code, period, &reason)?),
            Action::DecideProxy {
                pay_point,
                code,
                confirm,
                note,
            } => Done::Proxy(Box::new(
                self.decide_counter_proxy(&pay_point, &code, confirm, &note)?,
            )),
            Action::ResolveFlag {
                id,
                resolution,
                note,
            } => {
                self.resolve_flag(id, resolution, &note, actor.login.as_deref())?;
                Done::Changed
            }
            Action::ImportRoll {
                pay_point,
                period,
                file_name,
                bytes,
            } => {
                let (v, preview) =
                    self.import_roll_bytes(&pay_point, period, &file_name, &bytes)?;
                Done::Imported(v, Box::new(preview))
            }
            Action::PublishRoll { pay_point, period } => {
                Done::Published(self.publish_roll(&pay_point, period)?)
            }
            Action::EnrolCode { pay_point } => Done::EnrolCode(self.enrol_code(&pay_point)?),
            Action::CheckPaper { text } => Done::Paper(Box::new(self.check_paper(&text)?)),
            Action::AddPayPoint { code, name } => {
                self.add_pay_point(&code, &name)?;
                Done::Changed
            }
            Action::SetSetting { key, value } => {
                self.set_setting(&key, &value)?;
                Done::Changed
            }
            Action::RevokeDevice { device, to } => {
                Done::Revoked(Box::new(self.revoke_device(&device, &to)?))
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
