//! The store's own refusals, read back once.
//!
//! The ledger's triggers and CHECK constraints enforce the money rules for every writer, and speak
//! in `ledger: …` messages (migrations/). When one of them refuses a write of ours, the core
//! checked first and should have said why in the clerk's words; reaching the store means another
//! writer raced us or a rule in Rust drifted from the rule in SQL. Either way the refusal is
//! mapped here, and only here, to a typed value with a stable code: no caller reads message text.

use serde::Serialize;

/// A write the store refused, by the rule that refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum StoreRefusal {
    /// The line is already paid (net of reversals).
    #[error("sổ từ chối: khoản này đã được chi trả; không chi trả lần hai")]
    LineAlreadyPaid,
    /// The line's month was paid by another roll (two months paid together near Tết).
    #[error("sổ từ chối: tháng này đã được chi trả theo danh sách khác (chi gộp dịp Tết); không chi trả lần hai")]
    MonthPaidElsewhere,
    /// The line was withdrawn by a later version of the roll.
    #[error("sổ từ chối: khoản này đã bị rút khỏi danh sách chi trả")]
    LineWithdrawn,
    /// A stop report blocks the line.
    #[error("sổ từ chối: đối tượng đã bị báo giảm; không được chi trả")]
    Stopped,
    /// The period is closed.
    #[error("sổ từ chối: kỳ chi trả đã khóa sổ")]
    PeriodClosed,
    /// The office pays the person by bank account in this period.
    #[error("sổ từ chối: đối tượng nhận trợ cấp qua tài khoản ngân hàng trong kỳ này; không chi tiền mặt")]
    ByAccount,
    /// The person is to be confirmed and the payout has no supervisor's approval and note.
    #[error("sổ từ chối: đối tượng đang chờ xác minh, cần giám sát viên duyệt và ghi chú")]
    ToBeConfirmed,
    /// The cash in the box would go below zero.
    #[error("sổ từ chối: không đủ tiền mặt trong quỹ")]
    NotEnoughCash,
    /// A reversal without a supervisor's approval.
    #[error("sổ từ chối: cần giám sát viên duyệt")]
    NeedsSupervisor,
    /// The person is held by another device of the pay point.
    #[error("sổ từ chối: người này đang giao cho máy khác của điểm chi trả; không chi ở máy này")]
    HeldElsewhere,
    /// An edit or deletion of something the ledger only ever appends.
    #[error("sổ từ chối: dữ liệu đã ghi không bao giờ bị sửa hay xóa")]
    AppendOnly,
    /// Another of the store's rules (a payout line of another person, a wrong amount, a chain
    /// out of sequence …): a bug in a writer, never something the clerk did.
    #[error("sổ từ chối một thao tác sai quy tắc")]
    Other,
}

/// The message fragments of migrations/, each with the refusal it means. The first match wins.
const MESSAGES: &[(&str, StoreRefusal)] = &[
    ("ledger: line already paid", StoreRefusal::LineAlreadyPaid),
    (
        "ledger: month already paid",
        StoreRefusal::MonthPaidElsewhere,
    ),
    ("ledger: line withdrawn", StoreRefusal::LineWithdrawn),
    ("ledger: payment stopped", StoreRefusal::Stopped),
    ("ledger: period closed", StoreRefusal::PeriodClosed),
    ("ledger: paid by bank account", StoreRefusal::ByAccount),
    ("ledger: to be confirmed", StoreRefusal::ToBeConfirmed),
    ("balance_after >= 0", StoreRefusal::NotEnoughCash),
    ("needs a supervisor", StoreRefusal::NeedsSupervisor),
    ("held by another device", StoreRefusal::HeldElsewhere),
    ("are never changed", StoreRefusal::AppendOnly),
    ("are never deleted", StoreRefusal::AppendOnly),
    ("is never changed", StoreRefusal::AppendOnly),
    ("is never deleted", StoreRefusal::AppendOnly),
    ("ledger: append-only", StoreRefusal::AppendOnly),
    ("ledger: ", StoreRefusal::Other),
];

impl StoreRefusal {
    /// The refusal behind a SQLite error, if the store's rules refused (a trigger's `RAISE` or a
    /// CHECK constraint); `None` for every other failure (busy, disk, I/O …).
    pub fn of(e: &rusqlite::Error) -> Option<StoreRefusal> {
        let rusqlite::Error::SqliteFailure(f, Some(msg)) = e else {
            return None;
        };
        if f.code != rusqlite::ErrorCode::ConstraintViolation {
            return None;
        }
        MESSAGES
            .iter()
            .find(|(m, _)| msg.contains(m))
            .map(|&(_, r)| r)
    }

    /// Stable identifier, for the window, the CLI's JSON and the tests.
    pub fn code(self) -> &'static str {
        match self {
            StoreRefusal::LineAlreadyPaid => "already_paid",
            StoreRefusal::MonthPaidElsewhere => "month_paid_elsewhere",
            StoreRefusal::LineWithdrawn => "line_withdrawn",
            StoreRefusal::Stopped => "stopped",
            StoreRefusal::PeriodClosed => "period_closed",
            StoreRefusal::ByAccount => "by_account",
            StoreRefusal::ToBeConfirmed => "needs_approval",
            StoreRefusal::NotEnoughCash => "not_enough_cash",
            StoreRefusal::NeedsSupervisor => "needs_supervisor",
            StoreRefusal::HeldElsewhere => "held_elsewhere",
            StoreRefusal::AppendOnly => "append_only",
            StoreRefusal::Other => "store_refused",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_of_the_migrations_is_read_back() {
        // Every migration, so that a new one's messages are read back too.
        let sql = crate::ledger::MIGRATION_FILES.concat();
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let mut seen = Vec::new();
        for (i, msg) in sql.split("RAISE(ABORT, '").skip(1).enumerate() {
            let literal = msg.split("')").next().unwrap();
            let e = conn
                .execute_batch(&format!(
                    "CREATE TEMP TABLE t{i} (x);
                     CREATE TEMP TRIGGER g{i} BEFORE INSERT ON t{i} BEGIN SELECT RAISE(ABORT, '{literal}'); END;
                     INSERT INTO t{i} VALUES (1);"
                ))
                .unwrap_err();
            let msg = literal.replace("''", "'");
            let r = StoreRefusal::of(&e).unwrap_or_else(|| panic!("{msg}: {e}"));
            seen.push((msg, r));
        }
        // The CHECK that keeps the cash box from going below zero.
        let e = conn
            .execute_batch("CREATE TEMP TABLE c (balance_after INTEGER CHECK (balance_after >= 0)); INSERT INTO c VALUES (-1);")
            .unwrap_err();
        assert_eq!(StoreRefusal::of(&e), Some(StoreRefusal::NotEnoughCash));
        assert!(seen.len() > 30, "{seen:?}");
        let of = |m: &str| seen.iter().find(|(s, _)| s.starts_with(m)).unwrap().1;
        assert_eq!(
            of("ledger: line already paid"),
            StoreRefusal::LineAlreadyPaid
        );
        assert_eq!(of("ledger: period closed"), StoreRefusal::PeriodClosed);
        assert_eq!(
            of("ledger: month already paid"),
            StoreRefusal::MonthPaidElsewhere
        );
        assert_eq!(
            of("ledger: payouts are never changed"),
            StoreRefusal::AppendOnly
        );
        assert_eq!(of("ledger: to be confirmed"), StoreRefusal::ToBeConfirmed);
    }

    #[test]
    fn a_busy_or_failed_disk_is_not_a_refusal() {
        let e = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            Some("database is locked".into()),
        );
        assert_eq!(StoreRefusal::of(&e), None);
    }
}
