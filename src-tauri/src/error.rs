//! Every error that reaches the window: a stable `code` for the UI and the tests, a Vietnamese
//! sentence that says what to do (the core's own words wherever they already do), and an English
//! one for the English UI. Raw system errors go to the log (`crate::log::log`: stderr and the
//! data folder's `paypoint-desktop.log`, redacted), never to the clerk.

use paypoint::authorisation::AuthorisationError;
use paypoint::cash::CashError;
use paypoint::clerk::ClerkError;
use paypoint::hold::HoldError;
use paypoint::idcard::IdCheckError;
use paypoint::import::{ImportError, Problem};
use paypoint::money::MoneyError;
use paypoint::org::OrgError;
use paypoint::payout::PayoutError;
use paypoint::policy::PolicyError;
use paypoint::roll::RollError;
use paypoint::scan::ScanError;
use paypoint::stop::{StopError, StopReason};
use paypoint::supervisor::SupervisorError;
use paypoint::sync::client::SyncError;
use paypoint::vault::VaultError;
use paypoint::visit::VisitError;
use paypoint::LedgerError;
use serde::Serialize;

use crate::log::log;

/// An error as the UI receives it (the `catch` of `invoke`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ApiError {
    /// Stable identifier: `wrong_pin`, `locked_out`, `already_paid`, `not_signed_in` …
    pub code: &'static str,
    /// What happened and what to do, in Vietnamese.
    pub message_vi: String,
    /// The same in English.
    pub message_en: String,
    /// Located problems of a refused roll file (row, column …), empty otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message_vi)
    }
}

/// A message as a sentence: capital first letter, final full stop.
pub fn sentence(s: &str) -> String {
    let s = s.trim();
    let mut chars = s.chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !out.ends_with(['.', '!', '?', ':']) {
        out.push('.');
    }
    out
}

impl ApiError {
    /// An error with both sentences given.
    pub fn new(code: &'static str, vi: impl AsRef<str>, en: impl AsRef<str>) -> ApiError {
        ApiError {
            code,
            message_vi: sentence(vi.as_ref()),
            message_en: sentence(en.as_ref()),
            problems: Vec::new(),
        }
    }

    /// Nobody is signed in (or the session ended).
    pub fn not_signed_in() -> ApiError {
        ApiError::new(
            "not_signed_in",
            "Chưa đăng nhập: hãy chọn tên nhân viên và nhập mã PIN",
            "Not signed in: choose your name and enter your PIN",
        )
    }

    /// A field the clerk typed that cannot be read.
    pub fn invalid(vi: impl AsRef<str>, en: impl AsRef<str>) -> ApiError {
        ApiError::new("invalid_input", vi, en)
    }

    /// The ledger is encrypted and waits for the supervisor's passphrase (the unlock screen).
    pub fn ledger_locked() -> ApiError {
        ApiError::new(
            "ledger_locked",
            "Sổ đang khóa: người phụ trách cần nhập mật khẩu của sổ để mở",
            "The ledger is locked: the supervisor must enter the ledger's passphrase to open it",
        )
    }

    /// Something failed that the clerk cannot fix by retyping: logged (redacted), told plainly
    /// on screen.
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> ApiError {
        log(format_args!("{context}: {detail}"));
        ApiError::new(
            "internal",
            format!("Có lỗi khi {context}. Hãy thử lại; nếu vẫn lỗi, đóng và mở lại ứng dụng rồi báo cho đơn vị quản lý"),
            format!("Something went wrong while trying to {context}. Try again; if it persists, restart the app and tell the district office"),
        )
    }
}

impl From<LedgerError> for ApiError {
    fn from(e: LedgerError) -> Self {
        match &e {
            LedgerError::NotInitialised(_) => ApiError::new(
                "not_initialised",
                "Sổ chưa được khởi tạo. Hãy đóng và mở lại ứng dụng; nếu vẫn lỗi, báo cho đơn vị quản lý",
                "The ledger is not set up. Close and reopen the app; if it persists, tell the district office",
            ),
            LedgerError::NoOpenPeriod => ApiError::new(
                "no_open_period",
                "Chưa có kỳ chi trả nào đang mở: hãy nạp danh sách chi trả của tháng ở màn hình Danh sách",
                "No pay period is open: load this month's roll on the Roll screen",
            ),
            LedgerError::Money(m) => m.clone().into(),
            LedgerError::Corrupt(what) => {
                log(format_args!("corrupt ledger: {what}"));
                ApiError::new(
                    "corrupt",
                    format!("Sổ có dữ liệu không đọc được ({what}). Đừng xóa tệp sổ: mở màn hình Nhật ký, bấm “Kiểm tra chuỗi” và báo cho đơn vị quản lý"),
                    format!("The ledger holds data that cannot be read ({what}). Do not delete the file: open the Journal, run the chain check and tell the district office"),
                )
            }
            LedgerError::Open { path, reason } => {
                log(format_args!("cannot open {}: {reason}", path.display()));
                ApiError::new(
                    "cannot_open",
                    format!("Không mở được tệp sổ {}. Hãy kiểm tra ổ đĩa còn chỗ trống và quyền ghi thư mục, rồi mở lại ứng dụng", path.display()),
                    format!("Cannot open the ledger file {}. Check the disk has free space and the folder is writable, then reopen the app", path.display()),
                )
            }
            LedgerError::Storage(inner) => {
                log(format_args!("storage: {inner}"));
                storage(e.code())
            }
            LedgerError::Refused(r) => {
                // The core checks first; the store refusing means a race or a bug: say so plainly.
                log(format_args!("the store refused: {r:?}"));
                ApiError::new(
                    r.code(),
                    format!("{r}. Chưa có gì được ghi; hãy mở lại thẻ và thử lại, nếu vẫn lỗi hãy báo cơ quan quản lý"),
                    format!("The ledger refused this ({}). Nothing was recorded; open the card again and retry, and tell the managing office if it persists", r.code()),
                )
            }
            LedgerError::Encrypted(_) => {
                log("the ledger is encrypted and was opened without its key");
                ApiError::ledger_locked()
            }
            LedgerError::WrongKey(path) => {
                log("the key does not open the ledger file");
                ApiError::new(
                    "wrong_key",
                    format!("Khoá không mở được sổ {}: tệp khoá bên cạnh không phải của sổ này, hoặc tệp không phải sổ chi trả. Đừng xóa tệp nào; hãy báo cho đơn vị quản lý", path.display()),
                    format!("The key does not open the ledger {}: the key file beside it belongs to another ledger, or the file is not a ledger. Do not delete any file; tell the district office", path.display()),
                )
            }
            _ => {
                log(format_args!("ledger: {e}"));
                ApiError::new(
                    "ledger",
                    e.to_string(),
                    "The ledger refused this. Restart the app; if it persists, tell the district office",
                )
            }
        }
    }
}

/// A storage failure by its kind (`LedgerError::code`): busy, disk, or anything else.
fn storage(code: &'static str) -> ApiError {
    match code {
        "busy" => ApiError::new(
            "busy",
            "Sổ đang bận vì một chương trình khác đang ghi. Hãy chờ vài giây rồi thử lại",
            "The ledger is busy: another program is writing to it. Wait a few seconds and try again",
        ),
        "disk" => ApiError::new(
            "disk",
            "Không ghi được vào ổ đĩa. Hãy kiểm tra ổ đĩa còn chỗ trống, rồi thử lại; chưa có gì được ghi",
            "Cannot write to the disk. Check there is free space and try again; nothing was recorded",
        ),
        _ => ApiError::new(
            "storage",
            "Không ghi/đọc được sổ; chưa có gì được ghi. Hãy thử lại; nếu vẫn lỗi, đóng và mở lại ứng dụng rồi báo cho đơn vị quản lý",
            "The ledger could not be read or written; nothing was recorded. Try again; if it persists, restart the app and tell the district office",
        ),
    }
}

impl From<MoneyError> for ApiError {
    fn from(e: MoneyError) -> Self {
        let en = match &e {
            MoneyError::Invalid(s) => {
                format!("“{s}” is not an amount: type whole đồng, e.g. 1.624.000")
            }
            MoneyError::Fractional(s) => format!("{s} has a fraction: the đồng has no minor unit"),
            MoneyError::Overflow => "The amount is beyond what the ledger can record".into(),
        };
        ApiError::new("invalid_amount", e.to_string(), en)
    }
}

impl From<ClerkError> for ApiError {
    fn from(e: ClerkError) -> Self {
        let (code, en) = match &e {
            ClerkError::BadPinFormat => ("bad_pin_format", "The PIN must be 4 to 12 digits".to_string()),
            ClerkError::BadName => ("invalid_input", "The clerk's name must be 1 to 100 characters".into()),
            ClerkError::Unknown(id) => ("unknown_clerk", format!("There is no clerk number {id}: choose a name from the list")),
            ClerkError::WrongPin { left, .. } => (
                "wrong_pin",
                format!("Wrong PIN. {left} tries left before this clerk is locked for {} minutes", paypoint::clerk::LOCKOUT_MINUTES),
            ),
            ClerkError::LockedOut { minutes_left, until, .. } => (
                "locked_out",
                format!("Locked after {} wrong PINs. Try again in {minutes_left} minutes (at {until}), or sign in as another clerk", paypoint::clerk::MAX_PIN_FAILURES),
            ),
            ClerkError::NotSupervisor(_) => ("not_supervisor", "The approver must be a supervisor: choose a supervisor and enter their PIN".into()),
            ClerkError::SamePerson => ("same_person", "The approver must be someone other than the clerk who asks".into()),
            ClerkError::Ledger(_) => {
                let ClerkError::Ledger(l) = e else { unreachable!() };
                return l.into();
            }
        };
        let mut vi = e.to_string();
        if code == "locked_out" {
            vi.push_str(", hoặc đăng nhập bằng nhân viên khác");
        }
        ApiError::new(code, vi, en)
    }
}

impl From<PayoutError> for ApiError {
    fn from(e: PayoutError) -> Self {
        let limit = paypoint::payout::MAX_REASON_LEN;
        let en = match &e {
            PayoutError::UnknownBeneficiary(c) => format!("No beneficiary with code “{c}” on this period's roll"),
            PayoutError::AlreadyPaid { name, code, paid } => format!("{name} ({code}) has already received everything due this period ({paid} đ): no second payment. If it was paid by mistake, reverse it in the Journal (needs a supervisor's PIN)"),
            PayoutError::NothingOwed { .. } => "Nothing is owed to this person this period".into(),
            PayoutError::Stopped { name, code, reason, date } => format!(
                "{name} ({code}): stop reported ({}{}): payment is stopped. If the report was wrong, tell the managing office",
                match reason {
                    StopReason::Death => "death",
                    StopReason::Moved => "moved away",
                    StopReason::Other => "other reason",
                },
                date.map(|d| format!(" on {}", d.format("%d/%m/%Y"))).unwrap_or_default()
            ),
            PayoutError::PeriodClosed => "The period is closed: no more payments can be recorded".into(),
            PayoutError::HeldElsewhere { name, code, device } => format!("{name} ({code}) is handed over to device {device}: not paid on this one"),
            PayoutError::ByAccount { name, code, from } => format!("{name} ({code}) is paid by bank account from {}: not paid in cash. If the transfer did not arrive, ask the managing office to put them back on cash for this period", from.mm_yyyy()),
            PayoutError::AmountChanged { expected, actual } => format!("The amount changed: the screen showed {expected} đ but {actual} đ is now due; open the card again"),
            PayoutError::NotEnoughCash { on_hand, needed } => format!("Not enough cash: {on_hand} đ in the box, {needed} đ needed. Record the cash advance on the Cash screen"),
            PayoutError::ProxyNotAuthorised(_) => "This person is not the authorised proxy on the roll, or the authorisation has expired: pay only the beneficiary or a valid proxy".into(),
            PayoutError::NeedsApproval { name, code } => format!("{name} ({code}) is to be confirmed: a supervisor (not the paying clerk) must type their PIN and a note to pay"),
            PayoutError::NoteRequired => format!("The supervisor must write a note: who was seen, which papers (at most {limit} characters)"),
            PayoutError::UnknownPayout(id) => format!("No payout {id}"),
            PayoutError::AlreadyReversed(id) => format!("Payout {id} was already reversed"),
            PayoutError::ReasonRequired => format!("Write the reason for the reversal (at most {limit} characters)"),
            PayoutError::IdCheck(c) => match c {
                IdCheckError::Qr(_) => "This is not the QR code of a citizen ID card: scan the card again".into(),
                IdCheckError::MismatchNeedsNote(_) => "The ID card differs from the roll: check who is taking the money; if it is the right person, write why in the note".into(),
                IdCheckError::OtherIdNeedsSupervisor => "The card carries another ID number than the roll's: a supervisor must approve with their PIN and a note".into(),
                IdCheckError::BadManualNumber => "An ID number has 12 digits (or 9 for an old CMND)".into(),
                IdCheckError::ReasonRequired => "Write why no identity paper was checked".into(),
            },
            PayoutError::Authorisation(a) => authorisation_en(a),
            PayoutError::Clerk(_) | PayoutError::Money(_) | PayoutError::Ledger(_) => {
                return match e {
                    PayoutError::Clerk(c) => c.into(),
                    PayoutError::Money(m) => m.into(),
                    PayoutError::Ledger(l) => l.into(),
                    _ => unreachable!(),
                };
            }
        };
        // The core's Vietnamese words, with the screen where the clerk does what they say.
        let vi = match &e {
            PayoutError::AlreadyPaid { .. } => format!("{e} ở màn hình Nhật ký"),
            PayoutError::NotEnoughCash { .. } => format!("{e} (màn hình Quỹ)"),
            _ => e.to_string(),
        };
        ApiError::new(e.code(), vi, en)
    }
}

/// The English of a proxy's authorisation refused at the counter.
fn authorisation_en(a: &AuthorisationError) -> String {
    let d = |d: &chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    match a {
        AuthorisationError::MissingField => {
            "Type the proxy's name as on their ID card and their relationship to the beneficiary"
                .into()
        }
        AuthorisationError::BadIdNumber => {
            "The proxy's ID number has 12 digits (or 9 for an old CMND)".into()
        }
        AuthorisationError::SelfAsProxy => {
            "The proxy cannot be the beneficiary: choose “The beneficiary”".into()
        }
        AuthorisationError::NotYetAuthorised(on) => format!(
            "The authorisation's date {} is in the future: check the paper",
            d(on)
        ),
        AuthorisationError::Expired(until) => format!(
            "The authorisation expired on {}: a new one certified by the commune is needed",
            d(until)
        ),
        AuthorisationError::TooLong(from, to) => format!(
            "An authorisation runs at most {} months ({} to {}): check the expiry date",
            paypoint::authorisation::MAX_AUTHORISATION_MONTHS,
            d(from),
            d(to)
        ),
        AuthorisationError::NeedsSupervisor => {
            "A new proxy needs a supervisor's PIN and a note (which authorisation was seen)".into()
        }
    }
}

impl From<ScanError> for ApiError {
    fn from(e: ScanError) -> Self {
        match e {
            ScanError::Ledger(l) => l.into(),
            ScanError::Card(c) => ApiError::new(
                c.code(),
                c.to_string(),
                "This is not the QR code of a citizen ID card: scan the card again, or type the number by hand",
            ),
        }
    }
}

impl From<PolicyError> for ApiError {
    fn from(e: PolicyError) -> Self {
        let en = match &e {
            PolicyError::Ledger(_) => {
                let PolicyError::Ledger(l) = e else {
                    unreachable!()
                };
                return l.into();
            }
            PolicyError::NoneInForce { .. } => "No rate table applies on that date".to_string(),
            PolicyError::AlreadyLoaded { .. } => "This rate table is already in the ledger".to_string(),
            _ => "The rate table file was refused; nothing was loaded (the Vietnamese message names the field)".to_string(),
        };
        ApiError::new(e.code(), e.to_string(), en)
    }
}

impl From<StopError> for ApiError {
    fn from(e: StopError) -> Self {
        let en = match &e {
            StopError::UnknownBeneficiary(c) => {
                format!("No beneficiary with code “{c}” on the roll")
            }
            StopError::AlreadyStopped { code, .. } => format!("{code} already has a stop report"),
            StopError::DateInFuture(d) => format!("{d} is in the future: check the date"),
            StopError::DeathDateMissing => {
                "The date of death is missing: type it (day/month/year) as on the death notice or the commune's confirmation".into()
            }
            StopError::Ledger(_) => {
                let StopError::Ledger(l) = e else {
                    unreachable!()
                };
                return l.into();
            }
        };
        ApiError::new(e.code(), e.to_string(), en)
    }
}

impl From<HoldError> for ApiError {
    fn from(e: HoldError) -> Self {
        // The core's words name the command line's options; the window names its fields.
        let (vi, en) = match &e {
            HoldError::Ledger(_) => {
                let HoldError::Ledger(l) = e else {
                    unreachable!()
                };
                return l.into();
            }
            HoldError::NotSupervisor => (e.to_string(), "Only a supervisor hands people over to another device".to_string()),
            HoldError::NobodyChosen => (
                "Không chọn được ai để giao: chọn thôn hoặc ghi mã đối tượng".to_string(),
                "Nobody chosen: choose a village or type beneficiary codes".to_string(),
            ),
            HoldError::EmptyVillage(v) => (e.to_string(), format!("Nobody of village “{v}” is held by this device")),
            HoldError::UnknownBeneficiary(c) => (e.to_string(), format!("No beneficiary with code “{c}” on this period's roll")),
            HoldError::NotHeldHere { code, device, .. } => (e.to_string(), format!("{code} is held by device {device}, not this one: only the device that holds a person can hand them over")),
            HoldError::PaidHere { code, .. } => (e.to_string(), format!("{code} was already paid this period on this device: not handed over, so that nobody pays twice")),
            HoldError::BadDevice(d) => (
                format!("Mã máy nhận “{d}” không đúng: ghi 8 ký tự mã của máy kia (ở màn hình Hôm nay của máy đó)"),
                format!("The receiving device's id “{d}” is not right: type the 8 characters shown on that device's Today screen"),
            ),
            HoldError::ToSelf => (e.to_string(), "The receiving device must be another device, not this one".to_string()),
            HoldError::UnknownHandover(h) => (e.to_string(), format!("No hand-over “{h}” on this device")),
            HoldError::Unreadable(why) => (e.to_string(), format!("The hand-over file cannot be read ({why}): copy it again from the giving device")),
            HoldError::BadSignature => (e.to_string(), "The hand-over file was altered or damaged (its signature does not match): not taken; copy it again from the giving device".to_string()),
            HoldError::OtherPayPoint { file, here } => (e.to_string(), format!("The hand-over file is for pay point {file}, not {here}: not taken")),
            HoldError::OtherDevice { to, here } => (e.to_string(), format!("The hand-over file is for device {to}, not this one ({here}): not taken")),
            HoldError::OtherPeriod { file, open } => (e.to_string(), format!("The hand-over file is for period {file}, the ledger is on {open}: not taken")),
            HoldError::AlreadyTaken(at) => (e.to_string(), format!("This hand-over file was already taken on this device on {at}: not taken twice")),
            HoldError::FromSelf => (e.to_string(), "This hand-over file was written by this device: take it on the receiving device".to_string()),
        };
        ApiError::new(e.code(), vi, en)
    }
}

impl From<paypoint::account::AccountError> for ApiError {
    fn from(e: paypoint::account::AccountError) -> Self {
        use paypoint::account::AccountError as A;
        let en = match &e {
            A::Ledger(_) => {
                let A::Ledger(l) = e else { unreachable!() };
                return l.into();
            }
            A::UnknownBeneficiary(c) => format!("No beneficiary with code “{c}” on this period's roll"),
            A::UnknownBank(b) => format!("Bank “{b}” is not on the list: choose it from the list"),
            A::NumberNotDigits => "The account number is digits only, no spaces, dots or letters: check it on the bank book or card".into(),
            A::NumberLength { bank, min, max, got } => format!("A {bank} account number has {min}–{max} digits; this one has {got}: check it on the bank book or card"),
            A::NoHolder => "Type the account holder exactly as the bank prints it".into(),
            A::HolderNotBeneficiary { holder, name } => format!("The holder “{holder}” is not the beneficiary “{name}”: fill in the relationship if it is a relative's account"),
            A::BadPhone => "A phone number has 10 digits (e.g. 0912345678); leave it empty if there is none".into(),
            A::TooLong(what) => format!("{what} is too long"),
        };
        // The core's words name the command line's option; the window names its field.
        let vi = e.to_string().replace(
            " (--relationship, ví dụ “con trai”)",
            " (ô Quan hệ, ví dụ “con trai”)",
        );
        ApiError::new(e.code(), vi, en)
    }
}

impl From<VisitError> for ApiError {
    fn from(e: VisitError) -> Self {
        match e {
            VisitError::UnknownBeneficiary(c) => ApiError::new(
                "unknown_beneficiary",
                format!("không tìm thấy đối tượng có mã “{c}” trong danh sách kỳ này"),
                format!("No beneficiary with code “{c}” on this period's roll"),
            ),
            VisitError::DateWithoutStop(_) => ApiError::new(
                e.code(),
                e.to_string(),
                "A date of death or move goes only with the outcome “deceased” or “moved”",
            ),
            VisitError::Payout(p) => p.into(),
            VisitError::Stop(s) => s.into(),
            VisitError::Ledger(l) => l.into(),
        }
    }
}

impl From<SupervisorError> for ApiError {
    fn from(e: SupervisorError) -> Self {
        // The core's words name the command line's options; the window names its fields.
        let (vi, en) = match &e {
            SupervisorError::NoName => (
                "Hãy nhập họ tên người giám sát do xã (đơn vị quản lý) cử đến buổi chi trả".to_string(),
                "Type the name of the supervisor the commune (managing office) sent to the payout".to_string(),
            ),
            SupervisorError::NoOffice => (
                "Hãy nhập chức vụ, đơn vị của người giám sát, ví dụ “Công chức Văn hóa - Xã hội, UBND xã Quảng Hưng”".to_string(),
                "Type the supervisor's position and office, e.g. “Culture and Society officer, People's Committee of Quảng Hưng”".to_string(),
            ),
            SupervisorError::TooLong { len, max, .. } => (
                e.to_string(),
                format!("{len} characters is more than the {max} allowed: check the text"),
            ),
            SupervisorError::Ledger(_) => {
                let SupervisorError::Ledger(l) = e else {
                    unreachable!()
                };
                return l.into();
            }
        };
        ApiError::new(e.code(), vi, en)
    }
}

impl From<OrgError> for ApiError {
    fn from(e: OrgError) -> Self {
        let en = match &e {
            OrgError::BadText { .. } => "A name or title must be 1 to 200 characters, without control characters".to_string(),
            OrgError::BadFeeRate(r) => format!("The fee “{r}” is not a percentage with at most two decimals up to 20, e.g. 0,55 (meaning 0,55%)"),
            OrgError::NotSupervisor(id) => format!("Clerk number {id} is not a supervisor: only a supervisor changes the organisation settings"),
            OrgError::Ledger(_) => {
                let OrgError::Ledger(l) = e else {
                    unreachable!()
                };
                return l.into();
            }
        };
        ApiError::new(e.code(), e.to_string(), en)
    }
}

impl From<CashError> for ApiError {
    fn from(e: CashError) -> Self {
        let (code, en) = match &e {
            CashError::NotPositive => (
                "invalid_amount",
                "The amount must be above zero".to_string(),
            ),
            CashError::MoreThanOnHand { amount, on_hand } => (
                "more_than_on_hand",
                format!("Cannot hand back {amount} đ: only {on_hand} đ in the box"),
            ),
            CashError::UnknownDenomination(d) => {
                ("unknown_denomination", format!("There is no {d} đ note"))
            }
            CashError::BadCountEntry(s) => ("invalid_input", format!("“{s}” cannot be read")),
            CashError::TooManyNotes(n) => (
                "too_many_notes",
                format!("{n} notes is too many for one denomination: check the count"),
            ),
            CashError::Money(_) | CashError::Ledger(_) => {
                return match e {
                    CashError::Money(m) => m.into(),
                    CashError::Ledger(l) => l.into(),
                    _ => unreachable!(),
                };
            }
        };
        ApiError::new(code, e.to_string(), en)
    }
}

impl From<RollError> for ApiError {
    fn from(e: RollError) -> Self {
        let (code, en) = match &e {
            RollError::Entry {
                index,
                code,
                problem,
            } => (
                "roll_entry",
                format!("Row {index} (code “{code}”): {problem}"),
            ),
            RollError::DuplicateCode {
                code,
                first,
                second,
            } => (
                "roll_duplicate",
                format!("Code “{code}” appears twice (rows {first} and {second})"),
            ),
            RollError::TotalMismatch { expected, actual } => (
                "roll_total",
                format!("The lines add up to {actual} đ but the file states {expected} đ"),
            ),
            RollError::Size(_) => ("roll_size", "The roll is empty or too large".into()),
            RollError::AlreadyLoaded { period, version } => (
                "roll_already_loaded",
                format!("Period {period} already has a roll (version {version})"),
            ),
            RollError::PeriodClosed(p) => (
                "period_closed",
                format!("Period {p} is closed: no roll can be loaded into it"),
            ),
            RollError::FromHubOnly { hub } => (
                "roll_from_hub_only",
                format!("This device is enrolled with the managing office's hub ({hub}): rolls come only from the hub, signed by the office, never from a file. Sync (Sync screen) to get the roll"),
            ),
            RollError::Money(_) | RollError::Ledger(_) => {
                return match e {
                    RollError::Money(m) => m.into(),
                    RollError::Ledger(l) => l.into(),
                    _ => unreachable!(),
                };
            }
        };
        ApiError::new(
            code,
            format!("Danh sách bị từ chối, không nạp gì: {e}"),
            format!("Roll refused, nothing loaded: {en}"),
        )
    }
}

impl From<ImportError> for ApiError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Problems(problems, more) => {
                let n = problems.len() + more;
                let mut err = ApiError::new(
                    "roll_problems",
                    format!("Danh sách bị từ chối, không nạp gì: có {n} lỗi, ghi rõ dòng và cột bên dưới. Hãy sửa tệp (hoặc báo đơn vị quản lý gửi lại) rồi nạp lại"),
                    format!("Roll refused, nothing loaded: {n} problems, located by row and column below. Fix the file (or ask the district for a new one) and import again"),
                );
                err.problems = problems;
                err
            }
            ImportError::Unreadable { file, reason } => ApiError::new(
                "roll_unreadable",
                format!("Không đọc được tệp “{file}”: {reason}. Hãy chọn tệp Excel (.xlsx, .xls, .ods) hoặc CSV của đơn vị quản lý"),
                format!("Cannot read “{file}”: it is not a roll spreadsheet we can read. Choose the district's Excel (.xlsx, .xls, .ods) or CSV file"),
            ),
            ImportError::WrongPeriod { file, found, expected } => ApiError::new(
                "roll_wrong_period",
                format!("Tệp “{file}” là danh sách {found}, không phải kỳ {expected}: hãy chọn đúng kỳ hoặc đúng tệp"),
                format!("“{file}” is the roll of {found}, not of period {expected}: choose the right period or file"),
            ),
            ImportError::Roll(r) => r.into(),
        }
    }
}

impl From<SyncError> for ApiError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::NotEnrolled => ApiError::new(
                "not_enrolled",
                "Máy này chưa đăng ký với máy chủ của đơn vị quản lý: hãy nhập địa chỉ máy chủ và mã đăng ký do đơn vị quản lý cấp ở màn hình Đồng bộ. Sổ vẫn giữ đủ mọi sự kiện trên máy này",
                "This computer is not enrolled with the district server: type the server's address and the enrolment code the district gave you on the Sync screen. Everything stays recorded on this computer",
            ),
            SyncError::AlreadyEnrolled(url) => ApiError::new(
                "already_enrolled",
                format!("Máy này đã đăng ký với máy chủ của đơn vị quản lý {url}; không cần đăng ký lại. Bấm “Đồng bộ ngay” để gửi số liệu"),
                format!("This computer is already enrolled with the district server {url}; no need to enrol again. Press “Sync now” to send the records"),
            ),
            SyncError::BadUrl(url) => ApiError::new(
                "bad_url",
                format!("Địa chỉ máy chủ của đơn vị quản lý “{url}” không đúng: cần dạng https://… (ví dụ https://chitra.quangtri.gov.vn). Hãy hỏi đơn vị quản lý địa chỉ đúng"),
                format!("“{url}” is not a district server address: it must look like https://… (e.g. https://chitra.quangtri.gov.vn). Ask the district for the right one"),
            ),
            SyncError::Network(detail) => {
                log(format_args!("sync: hub unreachable: {detail}"));
                ApiError::new(
                    "hub_unreachable",
                    "Chưa kết nối được máy chủ của đơn vị quản lý. Sổ vẫn giữ đủ mọi sự kiện trên máy này, không mất gì. Hãy kiểm tra mạng (dây mạng, Wi-Fi hoặc 3G/4G) rồi bấm “Đồng bộ ngay”; máy cũng tự thử lại sau mỗi 5 phút",
                    "Cannot reach the district server. Everything stays recorded on this computer; nothing is lost. Check the network (cable, Wi-Fi or mobile data), then press “Sync now”; the app also tries again every 5 minutes",
                )
            }
            SyncError::Refused { status, message } => {
                log(format_args!("sync: hub refused ({status}): {message}"));
                let (vi, en) = match status {
                    401 | 403 | 404 | 410 => (
                        "Hãy kiểm tra lại địa chỉ máy chủ và mã đăng ký (mã chỉ dùng một lần, hạn 7 ngày), hoặc gọi đơn vị quản lý cấp mã mới",
                        "Check the server address and the enrolment code (a code works once, for 7 days), or ask the district for a new code",
                    ),
                    _ => (
                        "Sổ trên máy không bị ảnh hưởng. Hãy thử lại sau; nếu vẫn bị từ chối, báo cho đơn vị quản lý nội dung này",
                        "The ledger on this computer is unaffected. Try again later; if it is still refused, tell the district office this message",
                    ),
                };
                ApiError::new(
                    "hub_refused",
                    format!("Máy chủ của đơn vị quản lý từ chối (mã {status}): {}. {vi}", message.trim_end_matches('.')),
                    format!("The district server refused (status {status}): {}. {en}", message.trim_end_matches('.')),
                )
            }
            SyncError::BadSignature(detail) => {
                log(format_args!("sync: bad signature: {detail}"));
                ApiError::new(
                    "bad_signature",
                    "Dữ liệu nhận về không mang chữ ký của đơn vị quản lý nên không được dùng; sổ trên máy không thay đổi. Hãy báo ngay cho đơn vị quản lý (có thể máy chủ bị giả mạo)",
                    "What came back is not signed by the district, so it was not used; the ledger is unchanged. Tell the district office at once (the server may be an impostor)",
                )
            }
            SyncError::Protocol(detail) => {
                log(format_args!("sync: protocol: {detail}"));
                ApiError::new(
                    "hub_protocol",
                    format!("Máy chủ của đơn vị quản lý trả lời không đúng giao thức ({detail}). Sổ trên máy không bị ảnh hưởng; hãy báo cho đơn vị quản lý"),
                    format!("The district server answered outside the protocol ({detail}). The ledger on this computer is unaffected; tell the district office"),
                )
            }
            SyncError::Roll(r) => r.into(),
            SyncError::Ledger(l) => l.into(),
        }
    }
}

impl From<VaultError> for ApiError {
    fn from(e: VaultError) -> Self {
        match e {
            VaultError::WrongPassphrase | VaultError::WeakPassphrase => {
                log("unlock refused: wrong passphrase");
                ApiError::new(
                    "wrong_passphrase",
                    "Mật khẩu của người phụ trách không đúng; sổ vẫn khóa, không có gì thay đổi. Hãy gõ lại (chú ý chữ hoa, chữ thường và bộ gõ tiếng Việt)",
                    "The supervisor's passphrase is wrong; the ledger stays locked and nothing changed. Type it again (mind capitals and the Vietnamese keyboard)",
                )
            }
            VaultError::PassphraseNeeded => ApiError::ledger_locked(),
            VaultError::NoKeyFile(path) => {
                log("the key file beside the ledger is missing");
                ApiError::new(
                    "no_key_file",
                    format!("Không tìm thấy tệp khoá {} bên cạnh sổ: sổ đã mã hoá không mở được nếu thiếu tệp này. Đừng xóa tệp sổ; hãy chép lại tệp khoá từ bản sao lưu, hoặc báo cho đơn vị quản lý", path.display()),
                    format!("The key file {} beside the ledger is missing: an encrypted ledger cannot be opened without it. Do not delete the ledger; copy the key file back from the backup, or tell the district office", path.display()),
                )
            }
            VaultError::KeyFileExists(path) => {
                log("a key file is there without its ledger");
                ApiError::new(
                    "key_file_exists",
                    format!("Có tệp khoá {} nhưng không có tệp sổ bên cạnh. Đừng xóa tệp khoá; hãy chép lại tệp sổ từ bản sao lưu, hoặc báo cho đơn vị quản lý", path.display()),
                    format!("The key file {} is there but the ledger beside it is not. Do not delete the key file; copy the ledger back from the backup, or tell the district office", path.display()),
                )
            }
            VaultError::BadKeyFile { path, reason } => {
                log(format_args!("bad key file: {reason}"));
                ApiError::new(
                    "bad_key_file",
                    format!("Tệp khoá {} bị hỏng hoặc không đúng định dạng. Đừng xóa tệp nào; hãy chép lại tệp khoá từ bản sao lưu, hoặc báo cho đơn vị quản lý", path.display()),
                    format!("The key file {} is damaged or not a key file. Do not delete any file; copy the key file back from the backup, or tell the district office", path.display()),
                )
            }
            VaultError::Io { path, reason } => {
                log(format_args!("key file: {reason}"));
                ApiError::new(
                    "cannot_open",
                    format!("Không đọc/ghi được tệp khoá {}. Hãy kiểm tra quyền ghi thư mục và ổ đĩa, rồi mở lại ứng dụng", path.display()),
                    format!("Cannot read or write the key file {}. Check the folder is writable and the disk is sound, then reopen the app", path.display()),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_start_with_a_capital_and_end_with_a_stop() {
        assert_eq!(sentence("đã nhận đủ tiền"), "Đã nhận đủ tiền.");
        assert_eq!(sentence("Xong."), "Xong.");
    }

    #[test]
    fn sync_errors_say_what_to_do() {
        let e: ApiError = SyncError::Network("tcp connect error".into()).into();
        assert_eq!(e.code, "hub_unreachable");
        assert!(e
            .message_vi
            .starts_with("Chưa kết nối được máy chủ của đơn vị quản lý"));
        assert!(e.message_vi.contains("không mất gì"), "{}", e.message_vi);
        assert!(!e.message_vi.contains("tcp"), "raw errors stay on stderr");
        let e: ApiError = SyncError::Refused {
            status: 403,
            message: "mã đăng ký không đúng hoặc đã dùng".into(),
        }
        .into();
        assert_eq!(e.code, "hub_refused");
        assert!(e.message_vi.contains("mã đăng ký"), "{}", e.message_vi);
        let e: ApiError = SyncError::NotEnrolled.into();
        assert!(
            e.message_vi.contains("màn hình Đồng bộ"),
            "{}",
            e.message_vi
        );
        assert!(e.message_en.ends_with('.'));
    }

    #[test]
    fn core_errors_become_sentences_in_both_languages() {
        let e: ApiError = ClerkError::WrongPin { clerk: 1, left: 3 }.into();
        assert_eq!(e.code, "wrong_pin");
        assert!(e.message_vi.starts_with("Sai mã PIN"), "{}", e.message_vi);
        assert!(e.message_en.contains("3 tries left"));
        let e: ApiError = ClerkError::LockedOut {
            clerk: 1,
            until: "10:15".into(),
            minutes_left: 14,
        }
        .into();
        assert_eq!(e.code, "locked_out");
        assert!(e.message_vi.contains("14 phút"), "{}", e.message_vi);
        // A raw SQLite failure never reaches the clerk as such.
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.sqlite");
        std::fs::write(&p, vec![7u8; 4096]).unwrap();
        let Err(err) = paypoint::Ledger::open(&p) else {
            panic!("a file of garbage is no ledger")
        };
        let e: ApiError = err.into();
        assert!(!e.message_vi.contains("not a database"), "{}", e.message_vi);
        assert!(e.message_vi.ends_with('.'));
    }
}
