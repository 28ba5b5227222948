//! How the office closes a flag (issue 20): the money was recovered, the payout was explained
//! (a proxy's new paper, a roll corrected late), or it was a false alarm; always with a note of
//! what was checked. Recorded once, by [`crate::Hub::act`], which also keeps it in the audit log.

use serde::Serialize;

use crate::db::{params, OptionalExtension, TransactionBehavior};
use crate::{now, refused, Hub, HubError};

/// The longest note kept: a few sentences, not a file.
pub const MAX_NOTE_CHARS: usize = 1000;

/// How a flag was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The money paid wrongly came back.
    Recovered,
    /// The payout was right after all, and why is in the note.
    Explained,
    /// Nothing was wrong.
    FalseAlarm,
}

impl Resolution {
    /// Parses `recovered`, `explained` or `false_alarm`.
    pub fn parse(s: &str) -> Option<Resolution> {
        match s {
            "recovered" => Some(Resolution::Recovered),
            "explained" => Some(Resolution::Explained),
            "false_alarm" => Some(Resolution::FalseAlarm),
            _ => None,
        }
    }

    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Recovered => "recovered",
            Resolution::Explained => "explained",
            Resolution::FalseAlarm => "false_alarm",
        }
    }

    /// As the office reads it.
    pub fn label(self) -> &'static str {
        match self {
            Resolution::Recovered => "Đã thu hồi tiền",
            Resolution::Explained => "Đã giải trình",
            Resolution::FalseAlarm => "Cảnh báo nhầm",
        }
    }
}

/// A flag's closing, as the lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct Closed {
    /// How.
    pub resolution: Resolution,
    /// What was checked.
    pub note: String,
    /// Who (`None`: the hub's command line).
    pub login: Option<String>,
    /// When.
    pub resolved_at: String,
}

impl Hub {
    /// Closes flag `id` with `resolution` and `note`, once. Returns the flag's pay point.
    pub(crate) fn resolve_flag(
        &self,
        id: i64,
        resolution: Resolution,
        note: &str,
        login: Option<&str>,
    ) -> Result<String, HubError> {
        let note = paypoint::text::clean(note);
        if note.is_empty() || note.chars().count() > MAX_NOTE_CHARS {
            return Err(refused(format!(
                "cần ghi chú (tối đa {MAX_NOTE_CHARS} ký tự): đã kiểm tra gì, thu hồi bao nhiêu, giấy tờ nào"
            )));
        }
        let mut db = self.db()?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT f.pay_point, r.resolution FROM flags f
                 LEFT JOIN flag_resolutions r ON r.flag = f.id WHERE f.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let pay_point = match found {
            None => return Err(refused(format!("không có cảnh báo số {id}"))),
            Some((_, Some(done))) => {
                let how = Resolution::parse(&done).map_or(done.clone(), |r| r.label().to_string());
                return Err(refused(format!(
                    "cảnh báo số {id} đã được xử lý ({how}); không sửa được"
                )));
            }
            Some((pay_point, None)) => pay_point,
        };
        tx.execute(
            "INSERT INTO flag_resolutions (flag, resolution, note, login, resolved_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, resolution.as_str(), note, login, now()],
        )?;
        tx.commit()?;
        Ok(pay_point)
    }
}
