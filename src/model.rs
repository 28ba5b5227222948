//! The words the whole system shares: value types that every part reads and no part owns.
//!
//! They sit below the store and every workflow (issue 13), so that the import graph has no
//! circles: the event payloads, the ledger, the roll, the card, the hub and the shells all take
//! them from here. Each is a closed set or a checked value; none touches storage.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::Dong;
use crate::text;

/// Where a roll version came from: what the Today screen and every printed sheet say of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum RollOrigin {
    /// Pulled from the hub, its signature verified: the managing office's roll.
    Hub,
    /// A file the pay point loaded itself, before the device enrolled: unsigned.
    File,
    /// Demo data.
    Demo,
}

impl RollOrigin {
    /// The name stored in `roll_origins`.
    pub fn as_str(self) -> &'static str {
        match self {
            RollOrigin::Hub => "hub",
            RollOrigin::File => "file",
            RollOrigin::Demo => "demo",
        }
    }

    /// The origin of a stored name.
    pub fn parse(s: &str) -> Option<RollOrigin> {
        [RollOrigin::Hub, RollOrigin::File, RollOrigin::Demo]
            .into_iter()
            .find(|o| o.as_str() == s)
    }
}

/// A beneficiary code (mã đối tượng / số hồ sơ): trimmed, 1–40 characters, no control characters.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "specta", derive(specta::Type), specta(type = String))]
pub struct BeneficiaryCode(String);

impl BeneficiaryCode {
    /// A code from text, or `None` when it is empty, too long or has control characters.
    pub fn new(s: &str) -> Option<BeneficiaryCode> {
        let s = text::nfc(s.trim());
        (!s.is_empty() && s.chars().count() <= 40 && !s.chars().any(char::is_control))
            .then_some(BeneficiaryCode(s))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BeneficiaryCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        BeneficiaryCode::new(&s).ok_or_else(|| format!("mã đối tượng “{s}” không hợp lệ"))
    }
}

impl From<BeneficiaryCode> for String {
    fn from(c: BeneficiaryCode) -> String {
        c.0
    }
}

impl fmt::Display for BeneficiaryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BeneficiaryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BeneficiaryCode({})", self.0)
    }
}

/// Sex as the roll records it (the birth year column is split Nam / Nữ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Sex {
    /// Nam.
    M,
    /// Nữ.
    F,
}

/// The kind of an entitlement line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum LineKind {
    /// Trợ cấp hàng tháng.
    Monthly,
    /// Phụ cấp.
    Supplement,
    /// Trợ cấp người phục vụ.
    Carer,
    /// Truy lĩnh.
    Arrears,
    /// Trợ cấp một lần.
    OneOff,
    /// Mai táng phí: paid to the family, so a death stop does not block it.
    Funeral,
}

impl LineKind {
    /// The name stored in the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Monthly => "monthly",
            LineKind::Supplement => "supplement",
            LineKind::Carer => "carer",
            LineKind::Arrears => "arrears",
            LineKind::OneOff => "one_off",
            LineKind::Funeral => "funeral",
        }
    }

    /// Whether a stop report blocks this line: every line but the funeral allowance (mai táng
    /// phí), which is paid to the family after a death. The store's `line_state` view says the
    /// same in SQL (migration 0005); `tests/invariants.rs` checks that the two agree.
    pub fn blocked_by_stop(self) -> bool {
        self != LineKind::Funeral
    }

    /// Whether the line is one month's allowance (the allowance, a supplement, the carer's
    /// allowance): such a line covers exactly one month, and a month is paid once, whichever roll
    /// carries it (near Tết a roll pays two months together; TT 44/2022/TT-BTC Điều 7 as amended).
    /// The store's `line_state.paid_elsewhere` (migration 0009) says the same in SQL.
    pub fn is_monthly(self) -> bool {
        matches!(
            self,
            LineKind::Monthly | LineKind::Supplement | LineKind::Carer
        )
    }

    /// The Vietnamese label printed on sheets and shown on screen.
    pub fn label_vi(self) -> &'static str {
        match self {
            LineKind::Monthly => "Trợ cấp hàng tháng",
            LineKind::Supplement => "Phụ cấp",
            LineKind::Carer => "Trợ cấp người phục vụ",
            LineKind::Arrears => "Truy lĩnh",
            LineKind::OneOff => "Trợ cấp một lần",
            LineKind::Funeral => "Mai táng phí",
        }
    }

    /// Every kind, in the order the settlement's columns list them.
    pub const ALL: [LineKind; 6] = [
        LineKind::Monthly,
        LineKind::Supplement,
        LineKind::Carer,
        LineKind::Arrears,
        LineKind::OneOff,
        LineKind::Funeral,
    ];

    /// The kind of a stored name.
    pub fn parse(s: &str) -> Option<LineKind> {
        LineKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// An authorised recipient (người nhận thay), confirmed by the commune; valid at most 12 months.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Proxy {
    /// Full name.
    pub name: String,
    /// ID card number (CCCD).
    pub id_card: String,
    /// Relationship to the beneficiary ("con trai", "vợ" …).
    pub relationship: String,
    /// Last day the authorisation is valid.
    pub valid_until: NaiveDate,
}

/// Why payment stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum StopReason {
    /// Death.
    Death,
    /// Moved away.
    Moved,
    /// Anything else (imprisonment, missing, …).
    Other,
}

impl StopReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::Death => "death",
            StopReason::Moved => "moved",
            StopReason::Other => "other",
        }
    }

    /// The reason of a stored name.
    pub fn parse(s: &str) -> Option<StopReason> {
        match s {
            "death" => Some(StopReason::Death),
            "moved" => Some(StopReason::Moved),
            "other" => Some(StopReason::Other),
            _ => None,
        }
    }

    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            StopReason::Death => "từ trần",
            StopReason::Moved => "chuyển đi",
            StopReason::Other => "lý do khác",
        }
    }
}

/// What the clerk found at the home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum VisitOutcome {
    /// Paid at the home.
    Paid,
    /// Nobody home.
    Absent,
    /// In hospital.
    Hospital,
    /// Deceased: payment stops.
    Deceased,
    /// Moved away: payment stops.
    Moved,
    /// Refused the money.
    Refused,
}

impl VisitOutcome {
    /// Every outcome, in the order the forms list them.
    pub const ALL: [VisitOutcome; 6] = [
        VisitOutcome::Paid,
        VisitOutcome::Absent,
        VisitOutcome::Hospital,
        VisitOutcome::Deceased,
        VisitOutcome::Moved,
        VisitOutcome::Refused,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            VisitOutcome::Paid => "paid",
            VisitOutcome::Absent => "absent",
            VisitOutcome::Hospital => "hospital",
            VisitOutcome::Deceased => "deceased",
            VisitOutcome::Moved => "moved",
            VisitOutcome::Refused => "refused",
        }
    }

    /// The outcome of a stored name.
    pub fn parse(s: &str) -> Option<VisitOutcome> {
        VisitOutcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            VisitOutcome::Paid => "Đã chi trả",
            VisitOutcome::Absent => "Vắng nhà",
            VisitOutcome::Hospital => "Đang nằm viện",
            VisitOutcome::Deceased => "Đã từ trần",
            VisitOutcome::Moved => "Đã chuyển đi",
            VisitOutcome::Refused => "Từ chối nhận",
        }
    }
}

/// A clerk's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Role {
    /// Pays, visits, counts cash.
    Clerk,
    /// Also approves reversals.
    Supervisor,
}

impl Role {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Supervisor => "supervisor",
        }
    }
}

/// Payment status of a beneficiary in the period, in the terms the state's software uses with
/// the post office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum PayStatus {
    /// Đã trả: every payable line paid.
    Paid,
    /// Some lines paid, some not.
    PartlyPaid,
    /// Chưa trả.
    Unpaid,
    /// Chưa trả và dừng chi trả: a stop blocks the rest.
    Stopped,
    /// Nhận qua tài khoản: the office pays the rest by bank account this period.
    ByAccount,
}

impl PayStatus {
    /// The status from what is unpaid (`due`), the unpaid part a stop blocks, what is paid, and
    /// the unpaid part the office pays by bank account.
    pub fn from_amounts(due: Dong, stopped: Dong, paid: Dong, by_account: Dong) -> PayStatus {
        if due.is_positive() && stopped == due {
            PayStatus::Stopped
        } else if due.is_positive() && by_account.is_positive() && by_account >= due {
            PayStatus::ByAccount
        } else if !due.is_positive() {
            PayStatus::Paid
        } else if paid.is_positive() {
            PayStatus::PartlyPaid
        } else {
            PayStatus::Unpaid
        }
    }

    /// The Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            PayStatus::Paid => "Đã trả",
            PayStatus::PartlyPaid => "Đã trả một phần",
            PayStatus::Unpaid => "Chưa trả",
            PayStatus::Stopped => "Chưa trả và dừng chi trả",
            PayStatus::ByAccount => "Nhận qua tài khoản",
        }
    }
}

/// The stop that applies to a beneficiary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StopView {
    /// Why.
    pub reason: StopReason,
    /// Date of death or move, when known.
    pub date: Option<NaiveDate>,
    /// Note.
    pub note: String,
}

/// The settings as stored: what someone set, nothing else. `None` means "the default".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgSettings {
    /// The managing office ("UBND xã Quảng Hưng", "Sở Nội vụ tỉnh Quảng Trị").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managing_office: Option<String>,
    /// The payer, its parent first ("Bưu điện tỉnh Quảng Trị — Bưu điện văn hóa xã Quảng Hưng").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payer: Option<String>,
    /// The province ("Quảng Trị").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// The commune ("Quảng Hưng"): the place on the date line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commune: Option<String>,
    /// Title of who drew up the paper ("Người lập biểu").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_preparer: Option<String>,
    /// Title of the accountant ("Kế toán").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_accountant: Option<String>,
    /// Title of the payer's head ("Giám đốc Bưu điện").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_head: Option<String>,
    /// Title of the paying clerk ("Nhân viên chi trả").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_clerk: Option<String>,
    /// Title of who signs for the managing office ("Đại diện UBND xã").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_managing: Option<String>,
    /// Title of the managing office's supervisor at the payout ("Người giám sát").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_supervisor: Option<String>,
    /// The payer's fee, in basis points of the amount paid (55 = 0,55%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee_rate_bp: Option<u32>,
}

/// The office's decision on a request, as its signed amendment carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum AccountDecision {
    /// Paid by account from `from` on: the device no longer pays them in cash.
    Confirmed {
        /// Beneficiary code.
        code: String,
        /// The first period paid by account.
        from: crate::period::Period,
        /// The bank's NAPAS code.
        bank: String,
        /// The account number, masked but for the last four digits.
        masked: String,
    },
    /// Refused: the person stays on cash.
    Refused {
        /// Beneficiary code.
        code: String,
        /// Why, for the clerk to tell the beneficiary.
        reason: String,
    },
    /// The transfer of `period` failed: paid in cash in that period.
    ToCash {
        /// Beneficiary code.
        code: String,
        /// The period paid in cash.
        period: crate::period::Period,
        /// Why.
        reason: String,
    },
}

impl AccountDecision {
    /// The beneficiary it is about.
    pub fn code(&self) -> &str {
        match self {
            AccountDecision::Confirmed { code, .. }
            | AccountDecision::Refused { code, .. }
            | AccountDecision::ToCash { code, .. } => code,
        }
    }
}
