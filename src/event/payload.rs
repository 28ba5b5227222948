//! The facts of each kind of event, typed. Every writer builds one of these and every reader
//! (the ledger's checks, the sync client, the hub's projection, the desktop's journal) parses
//! one, so that a field is named and typed in one place.
//!
//! The canonical bytes of an event, and so the hash chain, are those of the JSON value this
//! serialises to: field names, types and which fields are absent or `null` are part of the chain
//! and must never change for an existing kind. `tests/event_payloads.rs` pins them against the
//! events written by release 0.1 (`tests/fixtures/events-release-0.1.json`). A field added later
//! is `Option`, absent from the JSON when `None`, so older events read and hash as written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::EventKind;
use crate::model::Role;
use crate::model::StopReason;
use crate::model::VisitOutcome;
use crate::model::{LineKind, RollOrigin};
use crate::money::Dong;
use crate::period::Period;

/// An event's payload, one variant per [`EventKind`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventPayload {
    /// The ledger was set up for a pay point.
    LedgerInitialised(LedgerInitialised),
    /// A clerk or supervisor was added.
    ClerkAdded(ClerkAdded),
    /// A roll was loaded.
    RollLoaded(RollLoaded),
    /// A newer version of a period's roll was applied.
    RollAmended(RollAmended),
    /// Lines were paid.
    Payout(Payout),
    /// A payout was reversed.
    Reversal(Reversal),
    /// A home visit.
    Visit(Visit),
    /// A stop report.
    Stop(Stop),
    /// Cash received.
    CashAdvance(CashMovement),
    /// Cash handed back.
    CashReturn(CashMovement),
    /// Cash counted.
    CashCount(CashCount),
    /// The period was closed.
    PeriodClosed(PeriodClosed),
    /// A supervisor lifted a clerk's lock-out.
    ClerkUnlocked(ClerkUnlocked),
    /// The managing office put a beneficiary on hold, to be confirmed.
    LifeHold(LifeHold),
    /// The managing office confirmed the beneficiary: the hold is lifted.
    LifeConfirmed(LifeConfirmed),
    /// A rate table was recorded.
    PolicyLoaded(PolicyLoaded),
    /// The organisation settings changed.
    OrgSet(OrgSet),
    /// Who supervised a day's payout.
    DaySupervisor(DaySupervisor),
    /// Whom this device holds by default (the second device of a pay point: nobody).
    HoldDefault(HoldDefault),
    /// People handed over to another device: this one no longer pays them.
    HoldReleased(HoldReleased),
    /// People handed over from another device: this one now pays them.
    HoldReceived(HoldReceived),
    /// A beneficiary asked to be paid by bank account.
    AccountRequested(AccountRequested),
    /// The managing office decided on a request to be paid by account.
    AccountDecided(AccountDecided),
}

/// A payload that does not have the shape its kind says.
#[derive(Debug, thiserror::Error)]
#[error("nội dung sự kiện {kind} không đúng dạng: {reason}")]
pub struct PayloadError {
    /// The kind the event claims.
    pub kind: &'static str,
    /// What serde found wrong.
    pub reason: String,
}

impl EventPayload {
    /// The kind of event this payload belongs to: the writer cannot pair a payload with the
    /// wrong kind.
    pub fn kind(&self) -> EventKind {
        match self {
            EventPayload::LedgerInitialised(_) => EventKind::LedgerInitialised,
            EventPayload::ClerkAdded(_) => EventKind::ClerkAdded,
            EventPayload::RollLoaded(_) => EventKind::RollLoaded,
            EventPayload::RollAmended(_) => EventKind::RollAmended,
            EventPayload::Payout(_) => EventKind::Payout,
            EventPayload::Reversal(_) => EventKind::Reversal,
            EventPayload::Visit(_) => EventKind::Visit,
            EventPayload::Stop(_) => EventKind::Stop,
            EventPayload::CashAdvance(_) => EventKind::CashAdvance,
            EventPayload::CashReturn(_) => EventKind::CashReturn,
            EventPayload::CashCount(_) => EventKind::CashCount,
            EventPayload::PeriodClosed(_) => EventKind::PeriodClosed,
            EventPayload::ClerkUnlocked(_) => EventKind::ClerkUnlocked,
            EventPayload::LifeHold(_) => EventKind::LifeHold,
            EventPayload::LifeConfirmed(_) => EventKind::LifeConfirmed,
            EventPayload::PolicyLoaded(_) => EventKind::PolicyLoaded,
            EventPayload::OrgSet(_) => EventKind::OrgSet,
            EventPayload::DaySupervisor(_) => EventKind::DaySupervisor,
            EventPayload::HoldDefault(_) => EventKind::HoldDefault,
            EventPayload::HoldReleased(_) => EventKind::HoldReleased,
            EventPayload::HoldReceived(_) => EventKind::HoldReceived,
            EventPayload::AccountRequested(_) => EventKind::AccountRequested,
            EventPayload::AccountDecided(_) => EventKind::AccountDecided,
        }
    }

    /// The JSON value that is stored, hashed and sent.
    pub fn to_value(&self) -> Value {
        let v = match self {
            EventPayload::LedgerInitialised(p) => serde_json::to_value(p),
            EventPayload::ClerkAdded(p) => serde_json::to_value(p),
            EventPayload::RollLoaded(p) => serde_json::to_value(p),
            EventPayload::RollAmended(p) => serde_json::to_value(p),
            EventPayload::Payout(p) => serde_json::to_value(p),
            EventPayload::Reversal(p) => serde_json::to_value(p),
            EventPayload::Visit(p) => serde_json::to_value(p),
            EventPayload::Stop(p) => serde_json::to_value(p),
            EventPayload::CashAdvance(p) | EventPayload::CashReturn(p) => serde_json::to_value(p),
            EventPayload::CashCount(p) => serde_json::to_value(p),
            EventPayload::PeriodClosed(p) => serde_json::to_value(p),
            EventPayload::ClerkUnlocked(p) => serde_json::to_value(p),
            EventPayload::LifeHold(p) => serde_json::to_value(p),
            EventPayload::LifeConfirmed(p) => serde_json::to_value(p),
            EventPayload::PolicyLoaded(p) => serde_json::to_value(p),
            EventPayload::OrgSet(p) => serde_json::to_value(p),
            EventPayload::DaySupervisor(p) => serde_json::to_value(p),
            EventPayload::HoldDefault(p) => serde_json::to_value(p),
            EventPayload::HoldReleased(p) => serde_json::to_value(p),
            EventPayload::HoldReceived(p) => serde_json::to_value(p),
            EventPayload::AccountRequested(p) => serde_json::to_value(p),
            EventPayload::AccountDecided(p) => serde_json::to_value(p),
        };
        // Plain structs of strings, integers, booleans and maps with string keys.
        v.expect("a payload always serialises")
    }

    /// Reads the payload of an event of `kind`.
    pub fn parse(kind: EventKind, v: &Value) -> Result<EventPayload, PayloadError> {
        fn de<T: for<'de> Deserialize<'de>>(k: EventKind, v: &Value) -> Result<T, PayloadError> {
            T::deserialize(v).map_err(|e| PayloadError {
                kind: k.as_str(),
                reason: e.to_string(),
            })
        }
        Ok(match kind {
            EventKind::LedgerInitialised => EventPayload::LedgerInitialised(de(kind, v)?),
            EventKind::ClerkAdded => EventPayload::ClerkAdded(de(kind, v)?),
            EventKind::RollLoaded => EventPayload::RollLoaded(de(kind, v)?),
            EventKind::RollAmended => EventPayload::RollAmended(de(kind, v)?),
            EventKind::Payout => EventPayload::Payout(de(kind, v)?),
            EventKind::Reversal => EventPayload::Reversal(de(kind, v)?),
            EventKind::Visit => EventPayload::Visit(de(kind, v)?),
            EventKind::Stop => EventPayload::Stop(de(kind, v)?),
            EventKind::CashAdvance => EventPayload::CashAdvance(de(kind, v)?),
            EventKind::CashReturn => EventPayload::CashReturn(de(kind, v)?),
            EventKind::CashCount => EventPayload::CashCount(de(kind, v)?),
            EventKind::PeriodClosed => EventPayload::PeriodClosed(de(kind, v)?),
            EventKind::ClerkUnlocked => EventPayload::ClerkUnlocked(de(kind, v)?),
            EventKind::LifeHold => EventPayload::LifeHold(de(kind, v)?),
            EventKind::LifeConfirmed => EventPayload::LifeConfirmed(de(kind, v)?),
            EventKind::PolicyLoaded => EventPayload::PolicyLoaded(de(kind, v)?),
            EventKind::OrgSet => EventPayload::OrgSet(de(kind, v)?),
            EventKind::DaySupervisor => EventPayload::DaySupervisor(de(kind, v)?),
            EventKind::HoldDefault => EventPayload::HoldDefault(de(kind, v)?),
            EventKind::HoldReleased => EventPayload::HoldReleased(de(kind, v)?),
            EventKind::HoldReceived => EventPayload::HoldReceived(de(kind, v)?),
            EventKind::AccountRequested => EventPayload::AccountRequested(de(kind, v)?),
            EventKind::AccountDecided => EventPayload::AccountDecided(de(kind, v)?),
        })
    }

    /// The beneficiary code the event is about, if it is about one person.
    pub fn code(&self) -> Option<&str> {
        match self {
            EventPayload::Payout(p) => Some(&p.code),
            EventPayload::Reversal(p) => Some(&p.code),
            EventPayload::Visit(p) => Some(&p.code),
            EventPayload::Stop(p) => Some(&p.code),
            EventPayload::LifeHold(p) => Some(&p.code),
            EventPayload::LifeConfirmed(p) => Some(&p.code),
            EventPayload::AccountRequested(p) => Some(&p.code),
            EventPayload::AccountDecided(p) => Some(p.decision.code()),
            _ => None,
        }
    }
}

/// `ledger_initialised`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerInitialised {
    /// Pay point code.
    pub pay_point: String,
    /// Pay point name.
    pub name: String,
    /// Number of migrations applied when the ledger was made.
    pub schema: u32,
}

/// `clerk_added`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClerkAdded {
    /// The clerk's number in this ledger.
    pub clerk: i64,
    /// Name.
    pub name: String,
    /// Clerk or supervisor.
    pub role: Role,
}

/// `roll_loaded`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollLoaded {
    /// The period.
    pub period: Period,
    /// Version of the roll.
    pub version: u32,
    /// Where it came from (file name, `demo`, the hub).
    pub source: String,
    /// A demo roll.
    pub demo: bool,
    /// People.
    pub beneficiaries: u64,
    /// Lines.
    pub lines: u64,
    /// Sum of the lines.
    pub total: Dong,
    /// SHA-256 of the roll's canonical content.
    pub content_sha256: String,
    /// Where the roll came from: the hub reconciles a device's payouts from a roll it loaded
    /// itself like any other. Absent in events of release 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<RollOrigin>,
}

/// One line added by an amendment, as the amendment records it and `verify` recomputes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedLine {
    /// Beneficiary code.
    pub code: String,
    /// Line kind.
    pub kind: LineKind,
    /// First month covered.
    pub covers_from: Period,
    /// Last month covered.
    pub covers_to: Period,
    /// Amount.
    pub amount: Dong,
    /// Note.
    pub note: String,
}

/// A change of the roll that touches a line already paid: reported, not applied.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Conflict {
    /// Beneficiary code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The line's kind.
    pub kind: LineKind,
    /// The amount already paid.
    pub paid_amount: Dong,
    /// The amount in the new roll, or `None` when it drops the line.
    pub new_amount: Option<Dong>,
}

/// `roll_amended`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollAmended {
    /// The period.
    pub period: Period,
    /// The new version.
    pub version: u32,
    /// Where it came from.
    pub source: String,
    /// Sum of the new roll.
    pub total: Dong,
    /// SHA-256 of the new roll's content.
    pub content_sha256: String,
    /// SHA-256 of the sorted added lines.
    pub lines_sha256: String,
    /// Lines added.
    pub added: Vec<AddedLine>,
    /// Ids of the lines withdrawn.
    pub removed: Vec<i64>,
    /// Changes not applied because the line was paid.
    pub conflicts: Vec<Conflict>,
    /// Where the new version came from. Absent in events of release 0.1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<RollOrigin>,
}

/// Who took the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecipientKind {
    /// The beneficiary.
    #[serde(rename = "self")]
    Beneficiary,
    /// An authorised proxy.
    #[serde(rename = "proxy")]
    Proxy,
}

impl RecipientKind {
    /// The name stored in the ledger's `payouts.recipient`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecipientKind::Beneficiary => "self",
            RecipientKind::Proxy => "proxy",
        }
    }
}

/// One line a payout pays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaidLine {
    /// The line's id in the ledger.
    pub line: i64,
    /// Its amount.
    pub amount: Dong,
    /// Its kind; absent in events of devices from before the kinds were sent (the hub then
    /// counts the line as one a stop blocks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<LineKind>,
}

/// `payout`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payout {
    /// The period.
    pub period: Period,
    /// Beneficiary code.
    pub code: String,
    /// Sum of the lines paid.
    pub amount: Dong,
    /// The lines paid.
    pub lines: Vec<PaidLine>,
    /// Who took the money.
    pub recipient: RecipientKind,
    /// The proxy's name, when a proxy took it.
    pub proxy_name: Option<String>,
    /// The proxy's ID card number, when a proxy took it.
    pub proxy_id_card: Option<String>,
    /// Paid at home.
    pub at_home: bool,
    /// The supervisor who let the payout go ahead while the person was to be confirmed, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<Approval>,
    /// How the identity of whoever took the money was checked; absent in payouts recorded before
    /// the check was recorded (issue 16) and when the clerk did not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_check: Option<crate::idcard::IdCheck>,
    /// A proxy not on the roll, paid on a fresh authorisation shown at the counter and approved by
    /// a supervisor: for the managing office to confirm or refuse for later months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_added_at_counter: Option<crate::authorisation::CounterAuthorisation>,
}

/// A supervisor's approval of a payout under a proof-of-life hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The supervisor.
    pub approver: i64,
    /// Why the payout went ahead (who was seen, which paper was shown).
    pub note: String,
}

/// `reversal`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reversal {
    /// The payout reversed (its event id).
    pub payout: String,
    /// Beneficiary code.
    pub code: String,
    /// The payout's period.
    pub period: Period,
    /// The amount returned to the cash box.
    pub amount: Dong,
    /// Why.
    pub reason: String,
    /// The supervisor who approved.
    pub approver: i64,
}

/// `visit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// Beneficiary code.
    pub code: String,
    /// The period.
    pub period: Period,
    /// What the clerk found.
    pub outcome: VisitOutcome,
    /// Note.
    pub note: String,
    /// The payout made at the visit, if any.
    pub payout: Option<String>,
}

/// Where a stop report came from, when not from this device's clerk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopSource {
    /// The managing office, through the hub.
    District,
}

/// `stop`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    /// Beneficiary code.
    pub code: String,
    /// Death, move, other.
    pub reason: StopReason,
    /// Date of death or move, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Note.
    pub note: String,
    /// The managing office, for a stop pulled from the hub; absent for the clerk's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<StopSource>,
    /// The hub's amendment number, for a stop pulled from the hub.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amendment: Option<u64>,
}

/// `cash_advance` and `cash_return`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashMovement {
    /// Amount.
    pub amount: Dong,
    /// Note.
    pub note: String,
}

/// `cash_count`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashCount {
    /// Notes counted: denomination (as text, the JSON key) → quantity.
    pub notes: BTreeMap<String, u32>,
    /// Sum counted.
    pub counted: Dong,
    /// What the ledger expected.
    pub expected: Dong,
    /// Counted minus expected: a discrepancy is recorded, never smoothed away.
    pub difference: Dong,
}

/// `period_closed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodClosed {
    /// The period.
    pub period: Period,
    /// What was due.
    pub total_due: Dong,
    /// What was paid.
    pub paid_amount: Dong,
    /// What was left unpaid.
    pub unpaid_amount: Dong,
    /// Cash on hand at closing.
    pub cash_on_hand: Dong,
}

/// `clerk_unlocked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClerkUnlocked {
    /// The clerk whose lock-out was lifted.
    pub clerk: i64,
    /// The supervisor who lifted it.
    pub by: i64,
}

/// `life_hold`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeHold {
    /// Beneficiary code.
    pub code: String,
    /// The periods in which the person was paid without being seen at the counter.
    pub periods: Vec<Period>,
    /// The hub's amendment number.
    pub amendment: u64,
}

/// `life_confirmed`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifeConfirmed {
    /// Beneficiary code.
    pub code: String,
    /// The office's note (who confirmed, how).
    pub note: String,
    /// The hub's amendment number.
    pub amendment: u64,
}

/// `policy_loaded`: a rate table checked and recorded (its content is in the ledger's
/// `policy_tables`, hashed here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyLoaded {
    /// The legal basis's number ("77/2024/NĐ-CP").
    pub basis: String,
    /// The day it was signed, `YYYY-MM-DD`.
    pub signed_on: String,
    /// The first day its amounts apply, `YYYY-MM-DD`.
    pub effective_from: String,
    /// The base rate.
    pub base_rate: Dong,
    /// How many categories.
    pub categories: u64,
    /// SHA-256 of the table's canonical content.
    pub content_sha256: String,
    /// The file's name.
    pub source: String,
}

/// `org_set`: the organisation settings as they are after the change, whole, so that the
/// journal shows what the papers print from then on (and who changed it: the event's clerk).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSet {
    /// The settings in force from this event on.
    pub settings: crate::model::OrgSettings,
}

/// `day_supervisor`: the person the managing office (or the commune) sent to supervise the
/// payout of a day (người giám sát, TT 44/2022/TT-BTC Điều 8 as amended by TT 95/2025/TT-BTC).
/// A later event for the same day supersedes an earlier one; both stay in the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DaySupervisor {
    /// The day supervised, `YYYY-MM-DD` (device local date).
    pub date: String,
    /// The supervisor's full name.
    pub name: String,
    /// Their office and position ("Công chức Văn hóa - Xã hội, UBND xã Quảng Hưng").
    pub office: String,
}

/// `hold_default`: whom this device holds when no hand-over says otherwise. The first device of a
/// pay point holds everyone; one set up as the second holds nobody until people are handed to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldDefault {
    /// Everyone (true) or nobody (false).
    pub holds_all: bool,
}

/// `hold_released`: a hand-over given. From this event on the device does not pay these people;
/// the device named takes them (by the file, or through the hub).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldReleased {
    /// The hand-over's id (UUIDv7), the same in the receiving device's `hold_received`.
    pub handover: String,
    /// The device that takes them (its id, or its last 8 characters as typed).
    pub to_device: String,
    /// The period the hand-over was made in.
    pub period: Period,
    /// Beneficiary codes.
    pub codes: Vec<String>,
}

/// `hold_received`: a hand-over taken. From this event on the device pays these people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoldReceived {
    /// The hand-over's id, as the giving device recorded it.
    pub handover: String,
    /// The device that gave them.
    pub from_device: String,
    /// The giving device's event that released them.
    pub released_seq: u64,
    /// The period.
    pub period: Period,
    /// Beneficiary codes.
    pub codes: Vec<String>,
}

/// `account_requested`: a beneficiary's request to be paid by bank account, as recorded at the
/// counter. The number travels to the office, which hands it to the bank; it is never logged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRequested {
    /// Beneficiary code.
    pub code: String,
    /// The bank's NAPAS code.
    pub bank: String,
    /// The account number, digits only.
    pub number: String,
    /// The holder, as the bank prints it.
    pub holder: String,
    /// The holder's relationship to the beneficiary, when not the beneficiary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<String>,
    /// Phone number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// `account_decided`: the office's signed decision on a request, as applied here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountDecided {
    /// The decision.
    pub decision: crate::model::AccountDecision,
    /// The hub's amendment number.
    pub amendment: u64,
}
