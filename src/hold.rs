//! Two devices at one pay point (issue 17): each beneficiary is held by exactly one device, and a
//! device pays only the people it holds, a rule the store keeps (`payouts_held_here` in
//! migrations/0012_holds.sql). Prevention, not detection: nobody can be paid twice by two devices
//! that are offline all day.
//!
//! The first device of a pay point holds everyone; one set up as the second (`hold second`) holds
//! nobody. People move by a hand-over, which a supervisor makes on the device that holds them: it
//! records `hold_released` (from that commit it does not pay them) and keeps a signed hand-over
//! file; the device named in the file imports it (`hold_received`) and pays them from then on. A
//! file is taken once, only by the device it names, for the period it was made in, and holds only
//! people unpaid on the giving device when it let them go: between the release and the import
//! nobody can pay them, never two devices.

use std::path::Path;

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::beneficiary::{card_in, held_elsewhere};
use crate::clerk::{Role, SignedIn};
use crate::device::{held_elsewhere_sql, names, short_id, SHORT_ID_LEN};
use crate::event::{payload, EventPayload};
use crate::ledger::{local_now, Ledger, LedgerError, Writer};
use crate::model::BeneficiaryCode;
use crate::period::Period;
use crate::sync::protocol::{self, Signed};
use crate::text;

/// The hand-over file's format, first in the file.
pub const HANDOVER_FORMAT: &str = "paypoint-handover/1";
/// Most people in one hand-over: a commune's roll is a few thousand people at most.
pub const MAX_HANDOVER_PEOPLE: usize = 20_000;
/// Largest hand-over file read: 20.000 codes and a signature are well under it.
pub const MAX_HANDOVER_BYTES: u64 = 2 * 1024 * 1024;

/// A hand-over as signed by the giving device and written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// [`HANDOVER_FORMAT`].
    pub format: String,
    /// The hand-over's id (UUIDv7).
    pub handover: Uuid,
    /// The pay point.
    pub pay_point: String,
    /// The period it was made in.
    pub period: Period,
    /// The giving device.
    pub from_device: Uuid,
    /// Its public key (hex): what the signature is checked against.
    pub from_public_key: String,
    /// The device that takes them: its id, or its short id (the last characters) as typed.
    pub to_device: String,
    /// The giving device's event that released them.
    pub released_seq: u64,
    /// Beneficiary codes.
    pub codes: Vec<String>,
    /// When it was made (giving device's clock).
    pub made_at: String,
}

/// Whom a supervisor hands over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Everyone of a village (thôn/xóm) held here, as the roll spells it (accents and case aside).
    Village(String),
    /// These people.
    Codes(Vec<BeneficiaryCode>),
}

/// Who this device holds, for the Today screen and `hold list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Holds {
    /// This device's short id.
    pub device: String,
    /// Without a hand-over, this device holds everyone (the first device) or nobody (the second).
    pub holds_all: bool,
    /// People of the open period's roll this device holds.
    pub here: u32,
    /// People held by other devices, by device (short id), in order.
    pub elsewhere: Vec<(String, u32)>,
    /// People another device handed over to this one who still have a line to pay: End of day
    /// reminds the clerk of them.
    pub received_unpaid: Vec<HeldPerson>,
}

/// A person of [`Holds::received_unpaid`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct HeldPerson {
    pub code: String,
    pub name: String,
    pub village: String,
}

/// Why a hand-over cannot be made or taken. Nothing is written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum HoldError {
    #[error("chỉ giám sát viên giao người cho máy khác")]
    NotSupervisor,
    #[error("không chọn được ai để giao: ghi thôn (--village) hoặc mã đối tượng")]
    NobodyChosen,
    #[error("thôn “{0}” không có ai mà máy này đang giữ")]
    EmptyVillage(String),
    #[error("không tìm thấy đối tượng có mã “{0}” trong danh sách kỳ này")]
    UnknownBeneficiary(String),
    #[error("{name} ({code}) không do máy này giữ (đang giao cho máy {device}): chỉ máy đang giữ mới giao được")]
    NotHeldHere {
        code: String,
        name: String,
        device: String,
    },
    #[error("{name} ({code}) đã nhận tiền kỳ này ở máy này: không giao, để không ai chi lần hai")]
    PaidHere { code: String, name: String },
    #[error("mã máy nhận “{0}” không đúng: ghi {SHORT_ID_LEN} ký tự mã của máy kia (xem `paypoint hold list` trên máy đó)")]
    BadDevice(String),
    #[error("máy nhận phải là máy khác, không phải chính máy này")]
    ToSelf,
    #[error("không có lần giao nào mã “{0}” ở máy này")]
    UnknownHandover(String),
    #[error("tệp giao người không đọc được ({0}): chép lại tệp từ máy giao")]
    Unreadable(String),
    #[error("tệp giao người đã bị sửa hoặc hỏng (chữ ký không khớp): không nhận; chép lại tệp từ máy giao")]
    BadSignature,
    #[error("tệp giao người của điểm chi trả {file}, không phải điểm {here}: không nhận")]
    OtherPayPoint { file: String, here: String },
    #[error("tệp giao người này dành cho máy {to}, không phải máy này ({here}): không nhận")]
    OtherDevice { to: String, here: String },
    #[error("tệp giao người này của kỳ {file}, sổ đang ở kỳ {open}: không nhận")]
    OtherPeriod { file: Period, open: Period },
    #[error("tệp giao người này đã được nhận ở máy này ngày {0}: không nhận lần hai")]
    AlreadyTaken(String),
    #[error("tệp giao người này do chính máy này viết: nhập ở máy nhận")]
    FromSelf,
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl HoldError {
    /// Stable code for programs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            HoldError::NotSupervisor => "not_supervisor",
            HoldError::NobodyChosen => "hold_nobody_chosen",
            HoldError::EmptyVillage(_) => "hold_empty_village",
            HoldError::UnknownBeneficiary(_) => "unknown_beneficiary",
            HoldError::NotHeldHere { .. } => "held_elsewhere",
            HoldError::PaidHere { .. } => "hold_paid_here",
            HoldError::BadDevice(_) => "hold_bad_device",
            HoldError::ToSelf => "hold_to_self",
            HoldError::UnknownHandover(_) => "handover_unknown",
            HoldError::Unreadable(_) => "handover_unreadable",
            HoldError::BadSignature => "handover_bad_signature",
            HoldError::OtherPayPoint { .. } => "handover_other_pay_point",
            HoldError::OtherDevice { .. } => "handover_other_device",
            HoldError::OtherPeriod { .. } => "handover_other_period",
            HoldError::AlreadyTaken(_) => "handover_already_taken",
            HoldError::FromSelf => "handover_from_self",
            HoldError::Ledger(e) => e.code(),
        }
    }
}

impl From<rusqlite::Error> for HoldError {
    fn from(e: rusqlite::Error) -> Self {
        HoldError::Ledger(LedgerError::from(e))
    }
}

/// A device id as typed: hex digits and dashes, at least the short id's length.
fn device_ref(s: &str) -> Result<String, HoldError> {
    let s = s.trim().to_ascii_lowercase();
    let ok = s.len() >= SHORT_ID_LEN
        && s.len() <= 36
        && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    ok.then_some(s.clone()).ok_or(HoldError::BadDevice(s))
}

/// The people a choice names, each checked: held here, and not paid here this period.
fn chosen(w: &Writer<'_>, period: Period, choice: &Choice) -> Result<Vec<String>, HoldError> {
    let codes: Vec<String> = match choice {
        Choice::Codes(codes) => codes.iter().map(|c| c.to_string()).collect(),
        Choice::Village(v) => {
            let wanted = text::fold(v);
            let held_here: Vec<(String, String)> = w
                .tx
                .prepare_cached(&format!(
                    "SELECT b.code, b.village FROM beneficiaries b WHERE b.period = ?1 AND {} IS NULL ORDER BY b.code",
                    held_elsewhere_sql("b.code")
                ))?
                .query_map([period.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let in_village: Vec<String> = held_here
                .into_iter()
                .filter(|(_, village)| text::fold(village) == wanted)
                .map(|(code, _)| code)
                .collect();
            if in_village.is_empty() {
                return Err(HoldError::EmptyVillage(v.trim().to_string()));
            }
            in_village
        }
    };
    if codes.is_empty() {
        return Err(HoldError::NobodyChosen);
    }
    if codes.len() > MAX_HANDOVER_PEOPLE {
        return Err(HoldError::Unreadable(format!(
            "quá {MAX_HANDOVER_PEOPLE} người"
        )));
    }
    for code in &codes {
        let c = BeneficiaryCode::new(code)
            .ok_or_else(|| HoldError::UnknownBeneficiary(code.clone()))?;
        let card = card_in(&w.tx, period, &c)?
            .ok_or_else(|| HoldError::UnknownBeneficiary(code.clone()))?;
        if let Some(device) = held_elsewhere(&w.tx, code)? {
            return Err(HoldError::NotHeldHere {
                code: code.clone(),
                name: card.name,
                device,
            });
        }
        if card.paid.is_positive() {
            return Err(HoldError::PaidHere {
                code: code.clone(),
                name: card.name,
            });
        }
    }
    Ok(codes)
}

/// Writes who holds these people now, in the hand-over's own transaction.
fn set_holds(
    w: &Writer<'_>,
    codes: &[String],
    held_here: bool,
    device: Option<&str>,
    handover: &Uuid,
    seq: u64,
) -> rusqlite::Result<()> {
    let name = device.map(short_id);
    let mut stmt = w.tx.prepare_cached(
        "INSERT INTO holds (code, held_here, device_id, device_name, handover, event_seq) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (code) DO UPDATE SET held_here = excluded.held_here, device_id = excluded.device_id,
             device_name = excluded.device_name, handover = excluded.handover, event_seq = excluded.event_seq",
    )?;
    for code in codes {
        stmt.execute(params![
            code,
            held_here,
            device,
            name,
            handover.to_string(),
            seq
        ])?;
    }
    Ok(())
}

impl Ledger {
    /// Who this device holds in the open period.
    pub fn holds(&self) -> Result<Holds, LedgerError> {
        let period = self.require_open_period()?;
        let holds_all: bool = self
            .conn
            .prepare_cached("SELECT holds_all FROM hold_default")?
            .query_row([], |r| r.get(0))?;
        let rows: Vec<(Option<bool>, Option<String>)> = self
            .conn
            .prepare_cached(
                "SELECT h.held_here, h.device_name FROM beneficiaries b LEFT JOIN holds h ON h.code = b.code
                 WHERE b.period = ?1",
            )?
            .query_map([period.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        let mut here = 0;
        let mut elsewhere: std::collections::BTreeMap<String, u32> = Default::default();
        for (held, device) in rows {
            match held.unwrap_or(holds_all) {
                true => here += 1,
                false => {
                    *elsewhere
                        .entry(device.unwrap_or_else(|| "khác".into()))
                        .or_default() += 1
                }
            }
        }
        let received_unpaid = self
            .conn
            .prepare_cached(
                "SELECT b.code, b.name, b.village FROM holds h JOIN beneficiaries b ON b.code = h.code
                 WHERE b.period = ?1 AND h.held_here = 1
                   AND EXISTS (SELECT 1 FROM line_state ls WHERE ls.beneficiary_id = b.id AND ls.payable)
                 ORDER BY b.village, b.name",
            )?
            .query_map([period.to_string()], |r| {
                Ok(HeldPerson {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    village: r.get(2)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Holds {
            device: self.device_short_id(),
            holds_all,
            here,
            elsewhere: elsewhere.into_iter().collect(),
            received_unpaid,
        })
    }

    /// Sets this device up as the second of its pay point: it holds nobody until people are
    /// handed over to it. A supervisor does it once, before the device pays anyone.
    pub fn hold_second(&mut self, by: &SignedIn) -> Result<u64, HoldError> {
        supervisor(by)?;
        self.write(|w| Ok(second_in(w, Some(by.id()))?))
    }

    /// Enrolled beside another device of the pay point: this one becomes the second and holds
    /// nobody, unless it has already paid or handed anyone (a device used alone before it
    /// enrolled keeps what it holds; the supervisor sorts it out with `hold give`). Returns the
    /// event, when one was written.
    pub fn become_second(&mut self) -> Result<Option<u64>, LedgerError> {
        self.write(|w| {
            let untouched: bool = w.tx.query_row(
                "SELECT (SELECT holds_all FROM hold_default) = 1
                    AND NOT EXISTS (SELECT 1 FROM holds) AND NOT EXISTS (SELECT 1 FROM payouts)",
                [],
                |r| r.get(0),
            )?;
            if !untouched {
                return Ok(None);
            }
            second_in(w, None).map(Some)
        })
    }

    /// Hands people over to another device of the pay point: from this commit this device does
    /// not pay them; the signed hand-over is returned (and kept) for the file the other device
    /// imports.
    pub fn give(
        &mut self,
        by: &SignedIn,
        to: &str,
        choice: &Choice,
    ) -> Result<Signed<Handover>, HoldError> {
        supervisor(by)?;
        let to = device_ref(to)?;
        let me = self.device().id.to_string();
        if names(&to, &me) {
            return Err(HoldError::ToSelf);
        }
        let period = self.require_open_period()?;
        let key = self.device_key()?;
        let (pay_point, from_device) = (self.device().pay_point_code.clone(), self.device().id);
        self.write(|w| {
            let codes = chosen(w, period, choice)?;
            let handover = Uuid::now_v7();
            let released_seq = release_in(w, Some(by.id()), &handover, &to, period, &codes)?;
            let file = Signed::sign(
                &key,
                Handover {
                    format: HANDOVER_FORMAT.into(),
                    handover,
                    pay_point: pay_point.clone(),
                    period,
                    from_device,
                    from_public_key: protocol::public_key_hex(&key.verifying_key()),
                    to_device: to.clone(),
                    released_seq,
                    codes,
                    made_at: local_now(),
                },
            );
            w.tx.prepare_cached(
                "INSERT INTO handovers_given (handover, to_device, file, event_seq) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![handover.to_string(), to, serde_json::to_string(&file).expect("serialises"), released_seq])?;
            Ok(file)
        })
    }

    /// A hand-over this device gave, to write its file again (lost, or the device stopped
    /// between the release and the file).
    pub fn handover_given(&self, id: &str) -> Result<Signed<Handover>, HoldError> {
        let file: Option<String> = self
            .conn
            .prepare_cached("SELECT file FROM handovers_given WHERE handover = ?1 OR handover LIKE ?1 || '%' LIMIT 1")?
            .query_row([id.trim()], |r| r.get(0))
            .optional()?;
        let file = file.ok_or_else(|| HoldError::UnknownHandover(id.trim().to_string()))?;
        serde_json::from_str(&file)
            .map_err(|e| HoldError::Ledger(LedgerError::Corrupt(e.to_string())))
    }

    /// Takes the people of a hand-over file made for this device: from this commit it pays them.
    pub fn take(
        &mut self,
        by: &SignedIn,
        file: &Signed<Handover>,
    ) -> Result<Vec<String>, HoldError> {
        supervisor(by)?;
        let h = self.check_handover(file)?;
        let period = h.period;
        self.write(|w| {
            if let Some(at) = taken_at(w, &h.handover)? {
                return Err(HoldError::AlreadyTaken(at.chars().take(10).collect()));
            }
            for code in &h.codes {
                let c = BeneficiaryCode::new(code)
                    .ok_or_else(|| HoldError::UnknownBeneficiary(code.clone()))?;
                card_in(&w.tx, period, &c)?
                    .ok_or_else(|| HoldError::UnknownBeneficiary(code.clone()))?;
            }
            let from = h.from_device.to_string();
            receive_in(
                w,
                Some(by.id()),
                &h.handover,
                &from,
                h.released_seq,
                period,
                &h.codes,
            )?;
            Ok(h.codes.clone())
        })
    }

    /// The checks a file passes before anything is written: signed by the key it names, this pay
    /// point, this device, this period, not from this device.
    fn check_handover<'a>(&self, file: &'a Signed<Handover>) -> Result<&'a Handover, HoldError> {
        let key = protocol::parse_public_key(&file.body.from_public_key)
            .map_err(|_| HoldError::BadSignature)?;
        let h = file.verify(&key).map_err(|_| HoldError::BadSignature)?;
        if h.format != HANDOVER_FORMAT || h.codes.len() > MAX_HANDOVER_PEOPLE {
            return Err(HoldError::Unreadable(format!("dạng “{}”", h.format)));
        }
        let here = self.device();
        if h.pay_point != here.pay_point_code {
            return Err(HoldError::OtherPayPoint {
                file: h.pay_point.clone(),
                here: here.pay_point_code.clone(),
            });
        }
        if h.from_device == here.id {
            return Err(HoldError::FromSelf);
        }
        if !names(&h.to_device, &here.id.to_string()) {
            return Err(HoldError::OtherDevice {
                to: short_id(&h.to_device),
                here: self.device_short_id(),
            });
        }
        let open = self.require_open_period()?;
        if h.period != open {
            return Err(HoldError::OtherPeriod {
                file: h.period,
                open,
            });
        }
        Ok(h)
    }
}

/// A hold the hub granted (issue 17), applied inside the amendment's transaction. On the device
/// it names: `hold_received` and it pays them from this commit (nothing when it already took the
/// same hand-over by file). On the device they come from: `hold_released` unless it released them
/// itself (a revoked device that syncs again stops paying them). Elsewhere: nothing.
// Amendments from the hub arrive through the sync client, which only device builds have.
#[cfg_attr(not(feature = "device"), allow(dead_code))]
pub(crate) fn grant_in(
    w: &Writer<'_>,
    me: &Uuid,
    g: &protocol::HoldGrant,
) -> Result<Option<u64>, HoldError> {
    if g.codes.len() > MAX_HANDOVER_PEOPLE {
        return Err(HoldError::Unreadable(format!(
            "quá {MAX_HANDOVER_PEOPLE} người"
        )));
    }
    let handover = Uuid::parse_str(&g.handover)
        .map_err(|_| HoldError::Unreadable(format!("mã lần giao “{}”", g.handover)))?;
    let me = me.to_string();
    if g.to_device == me {
        if taken_at(w, &handover)?.is_some() {
            return Ok(None);
        }
        let (from, (seq, period)) = (&g.from_device, (g.released_seq, g.period));
        return Ok(Some(receive_in(
            w, None, &handover, from, seq, period, &g.codes,
        )?));
    }
    let given: bool =
        w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM handovers_given WHERE handover = ?1)")?
            .query_row([handover.to_string()], |r| r.get(0))?;
    if g.from_device == me && !given {
        let to = &g.to_device;
        return Ok(Some(release_in(
            w, None, &handover, to, g.period, &g.codes,
        )?));
    }
    Ok(None)
}

/// Sets this device up as the second (holds nobody by default), in an open transaction.
fn second_in(w: &Writer<'_>, clerk: Option<i64>) -> Result<u64, LedgerError> {
    let ev = w.append(
        clerk,
        EventPayload::HoldDefault(payload::HoldDefault { holds_all: false }),
    )?;
    w.tx.prepare_cached("UPDATE hold_default SET holds_all = 0, event_seq = ?1")?
        .execute([ev.seq])?;
    Ok(ev.seq)
}

/// A release (`give`, or a revoked device told by the hub), in its transaction: the event, and
/// from its commit the people held by `to`. Returns the event's sequence.
fn release_in(
    w: &Writer<'_>,
    clerk: Option<i64>,
    handover: &Uuid,
    to: &str,
    period: Period,
    codes: &[String],
) -> Result<u64, HoldError> {
    let ev = w.append(
        clerk,
        EventPayload::HoldReleased(payload::HoldReleased {
            handover: handover.to_string(),
            to_device: to.to_string(),
            period,
            codes: codes.to_vec(),
        }),
    )?;
    set_holds(w, codes, false, Some(to), handover, ev.seq)?;
    Ok(ev.seq)
}

/// A take (`take` of a file, or the hub's grant), in its transaction: the event, the people held
/// here from its commit, and the hand-over marked taken. Returns the event's sequence.
fn receive_in(
    w: &Writer<'_>,
    clerk: Option<i64>,
    handover: &Uuid,
    from: &str,
    released_seq: u64,
    period: Period,
    codes: &[String],
) -> Result<u64, HoldError> {
    let ev = w.append(
        clerk,
        EventPayload::HoldReceived(payload::HoldReceived {
            handover: handover.to_string(),
            from_device: from.to_string(),
            released_seq,
            period,
            codes: codes.to_vec(),
        }),
    )?;
    set_holds(w, codes, true, None, handover, ev.seq)?;
    w.tx.prepare_cached(
        "INSERT INTO handovers_received (handover, from_device, event_seq) VALUES (?1, ?2, ?3)",
    )?
    .execute(params![handover.to_string(), from, ev.seq])?;
    Ok(ev.seq)
}

/// When this device took a hand-over (its event's local time), if it did.
fn taken_at(w: &Writer<'_>, handover: &Uuid) -> rusqlite::Result<Option<String>> {
    w.tx.prepare_cached(
        "SELECT e.local_time FROM handovers_received r JOIN events e ON e.seq = r.event_seq WHERE r.handover = ?1",
    )?
    .query_row([handover.to_string()], |r| r.get(0))
    .optional()
}

/// Reads a hand-over file: bounded, JSON of a signed hand-over.
pub fn read_file(path: &Path) -> Result<Signed<Handover>, HoldError> {
    let meta = std::fs::metadata(path).map_err(|e| HoldError::Unreadable(e.to_string()))?;
    if meta.len() > MAX_HANDOVER_BYTES {
        return Err(HoldError::Unreadable(format!(
            "{} byte, quá lớn",
            meta.len()
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| HoldError::Unreadable(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| HoldError::Unreadable(e.to_string()))
}

/// Writes a hand-over file whole or not at all (a stick pulled out mid-write leaves no half file).
pub fn write_file(path: &Path, file: &Signed<Handover>) -> Result<(), HoldError> {
    let json = serde_json::to_vec_pretty(file).expect("serialises");
    crate::file::write_atomic(path, &json, false).map_err(|e| HoldError::Unreadable(e.to_string()))
}

fn supervisor(by: &SignedIn) -> Result<(), HoldError> {
    (by.clerk().role == Role::Supervisor)
        .then_some(())
        .ok_or(HoldError::NotSupervisor)
}
