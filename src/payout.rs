//! Payouts (chi trả) and their reversals.
//!
//! A payout pays every unpaid, payable line of one beneficiary in the open period, to them or to
//! their authorised proxy, in one event. The checks here give the clerk a clear reason; the
//! triggers in the ledger check the same invariants again for any writer.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use uuid::Uuid;

use crate::authorisation::{self, AuthorisationError, CounterAuthorisation, NewAuthorisation};
use crate::beneficiary::BeneficiaryView;
use crate::clerk::{ClerkError, SignedIn};
use crate::event::payload::{self, RecipientKind};
use crate::event::EventPayload;
use crate::idcard::{self, IdCheck, IdCheckError, IdCheckRequest};
use crate::ledger::{Ledger, LedgerError, Writer};
use crate::model::BeneficiaryCode;
use crate::money::{Dong, MoneyError};
use crate::payability::Payability;
use crate::text;

/// Longest reversal reason or approval note kept.
pub const MAX_REASON_LEN: usize = 500;

/// Why a payout or reversal was refused. Nothing is written when one is returned.
#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    /// No such beneficiary in the open period.
    #[error("không tìm thấy đối tượng có mã “{0}” trong danh sách kỳ này")]
    UnknownBeneficiary(String),
    /// Every line is already paid.
    #[error("{name} ({code}) đã nhận đủ tiền kỳ này ({paid} đ): không chi trả lần hai. Nếu đã chi nhầm, hãy hủy lần chi đó (cần PIN giám sát viên)")]
    AlreadyPaid {
        /// Code.
        code: String,
        /// Name.
        name: String,
        /// Paid this period, net of reversals.
        paid: Dong,
    },
    /// The roll owes this person nothing this period.
    #[error("kỳ này không có khoản nào phải trả cho {name} ({code})")]
    NothingOwed {
        /// Code.
        code: String,
        /// Name.
        name: String,
    },
    /// A stop report blocks payment.
    #[error("{name} ({code}) đã bị báo giảm ({}{}): dừng chi trả, không được chi. Nếu báo giảm nhầm, hãy báo cơ quan quản lý", reason.label_vi(), date.map(|d| format!(", ngày {}", d.format("%d/%m/%Y"))).unwrap_or_default())]
    Stopped {
        /// Code.
        code: String,
        /// Name.
        name: String,
        /// The stop's reason.
        reason: crate::model::StopReason,
        /// Date of death or move, when known.
        date: Option<chrono::NaiveDate>,
    },
    /// The period is closed.
    #[error("kỳ chi trả đã khóa sổ; không ghi thêm chi trả")]
    PeriodClosed,
    /// The office pays this person by bank account in this period.
    #[error("{name} ({code}): nhận trợ cấp qua tài khoản ngân hàng từ tháng {}; không chi tiền mặt. Nếu tiền chuyển khoản không đến, báo đơn vị quản lý để cho nhận tiền mặt kỳ này", from.mm_yyyy())]
    ByAccount {
        /// Code.
        code: String,
        /// Name.
        name: String,
        /// The first period paid by account.
        from: crate::period::Period,
    },
    /// Another device of the pay point holds this person.
    #[error("{name} ({code}): đang giao cho máy {device} — không chi ở máy này")]
    HeldElsewhere {
        /// Code.
        code: String,
        /// Name.
        name: String,
        /// The device that holds them (short id).
        device: String,
    },
    /// The amount on screen is no longer what is owed (someone else paid a line meanwhile).
    #[error("số tiền đã thay đổi: màn hình ghi {expected} đ nhưng số còn phải trả là {actual} đ; hãy xem lại")]
    AmountChanged {
        /// What the clerk confirmed.
        expected: Dong,
        /// What is owed now.
        actual: Dong,
    },
    /// Not enough cash in the box.
    #[error(
        "không đủ tiền mặt: quỹ còn {on_hand} đ, cần chi {needed} đ; hãy ghi nhận tạm ứng trước"
    )]
    NotEnoughCash {
        /// Cash in the box.
        on_hand: Dong,
        /// Amount to pay.
        needed: Dong,
    },
    /// The person is to be confirmed (proof of life) and no supervisor approved the payout.
    #[error("{name} ({code}) đang chờ xác minh: cần mã PIN của giám sát viên (không phải người chi) và ghi chú để chi trả")]
    NeedsApproval {
        /// Code.
        code: String,
        /// Name.
        name: String,
    },
    /// Proxy not authorised in the roll, or authorisation expired.
    #[error("{0}")]
    ProxyNotAuthorised(String),
    /// No such payout.
    #[error("không tìm thấy lần chi trả {0}")]
    UnknownPayout(String),
    /// The payout was already reversed.
    #[error("lần chi trả {0} đã được hủy trước đó")]
    AlreadyReversed(String),
    /// A supervisor's approval without a note.
    #[error(
        "cần ghi chú của giám sát viên: đã gặp ai, giấy tờ gì (tối đa {MAX_REASON_LEN} ký tự)"
    )]
    NoteRequired,
    /// A reversal without a reason.
    #[error("cần ghi lý do hủy (tối đa {MAX_REASON_LEN} ký tự)")]
    ReasonRequired,
    /// The identity check cannot be recorded as asked (a card that differs needs a note).
    #[error(transparent)]
    IdCheck(#[from] IdCheckError),
    /// A proxy's authorisation brought to the counter cannot be accepted.
    #[error(transparent)]
    Authorisation(#[from] AuthorisationError),
    /// Sign-in or approval problem.
    #[error(transparent)]
    Clerk(#[from] ClerkError),
    /// Amount out of range.
    #[error(transparent)]
    Money(#[from] MoneyError),
    /// Storage failure, or an invariant refused by the store itself.
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl From<rusqlite::Error> for PayoutError {
    fn from(e: rusqlite::Error) -> Self {
        // The store's own refusals are read back in one place (`refusal::StoreRefusal`).
        PayoutError::Ledger(LedgerError::from(e))
    }
}

impl PayoutError {
    /// Why this card cannot be paid now, as the refusal the payout gives; `None` when it can.
    pub fn not_payable(card: &BeneficiaryView) -> Option<PayoutError> {
        let (code, name) = (card.code.to_string(), card.name.clone());
        Some(match &card.payability {
            Payability::Payable { .. } => return None,
            Payability::Stopped { reason, date } => PayoutError::Stopped {
                code,
                name,
                reason: *reason,
                date: *date,
            },
            Payability::PeriodClosed => PayoutError::PeriodClosed,
            Payability::ByAccount { from } => PayoutError::ByAccount {
                code,
                name,
                from: *from,
            },
            Payability::HeldElsewhere { device } => PayoutError::HeldElsewhere {
                code,
                name,
                device: device.clone(),
            },
            Payability::NothingOwed => PayoutError::NothingOwed { code, name },
            Payability::AlreadyPaid { paid } => PayoutError::AlreadyPaid {
                code,
                name,
                paid: *paid,
            },
            Payability::NotEnoughCash { on_hand, needed } => PayoutError::NotEnoughCash {
                on_hand: *on_hand,
                needed: *needed,
            },
        })
    }

    /// Stable identifier, for the window, the CLI's JSON and the tests.
    pub fn code(&self) -> &'static str {
        match self {
            PayoutError::UnknownBeneficiary(_) => "unknown_beneficiary",
            PayoutError::AlreadyPaid { .. } => "already_paid",
            PayoutError::NothingOwed { .. } => "no_lines",
            PayoutError::Stopped { .. } => "stopped",
            PayoutError::PeriodClosed => "period_closed",
            PayoutError::ByAccount { .. } => "by_account",
            PayoutError::HeldElsewhere { .. } => "held_elsewhere",
            PayoutError::AmountChanged { .. } => "amount_changed",
            PayoutError::NotEnoughCash { .. } => "not_enough_cash",
            PayoutError::NeedsApproval { .. } => "needs_approval",
            PayoutError::ProxyNotAuthorised(_) => "proxy_not_authorised",
            PayoutError::UnknownPayout(_) => "unknown_payout",
            PayoutError::AlreadyReversed(_) => "already_reversed",
            PayoutError::NoteRequired => "note_required",
            PayoutError::IdCheck(e) => e.code(),
            PayoutError::Authorisation(e) => e.code(),
            PayoutError::ReasonRequired => "reason_required",
            PayoutError::Clerk(e) => e.code(),
            PayoutError::Money(e) => e.code(),
            PayoutError::Ledger(e) => e.code(),
        }
    }
}

/// Who receives the money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// The beneficiary in person.
    Beneficiary,
    /// The authorised proxy; name and ID card as presented at the counter.
    Proxy {
        /// Name as on the ID card.
        name: String,
        /// ID card number.
        id_card: String,
    },
    /// A proxy not on the roll (or whose authorisation on the roll has expired) with a fresh
    /// authorisation brought to the counter; needs a supervisor's approval.
    NewProxy(NewAuthorisation),
}

/// What the clerk asks to pay.
#[derive(Debug, Clone)]
pub struct PayoutRequest {
    /// Whom.
    pub code: BeneficiaryCode,
    /// To whom the money is handed.
    pub recipient: Recipient,
    /// Paid at the beneficiary's home.
    pub at_home: bool,
    /// The total the clerk confirmed on screen; refused if what is owed has changed since.
    pub expected_total: Option<Dong>,
    /// A supervisor's approval, needed while the person is to be confirmed (proof of life), and
    /// when a scanned card carries another ID number than the roll's.
    pub approval: Option<Approval>,
    /// How the clerk checked the identity of whoever takes the money; `None`: not stated (the
    /// payout then records no check, and the day report counts it as such).
    pub id_check: Option<IdCheckRequest>,
}

/// A supervisor, signed in with their own PIN, lets a payout go ahead and says why.
#[derive(Debug, Clone)]
pub struct Approval {
    /// The supervisor.
    pub approver: SignedIn,
    /// Who was seen, which paper was shown.
    pub note: String,
}

impl PayoutRequest {
    /// Pay the beneficiary in person at the counter whatever is owed.
    pub fn at_counter(code: BeneficiaryCode) -> PayoutRequest {
        PayoutRequest {
            code,
            recipient: Recipient::Beneficiary,
            at_home: false,
            expected_total: None,
            approval: None,
            id_check: None,
        }
    }
}

/// A recorded payout.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PayoutReceipt {
    /// The payout's id (its event's UUIDv7).
    pub payout_id: Uuid,
    /// Total paid.
    pub amount: Dong,
    /// Amount in words.
    pub amount_in_words: String,
    /// Beneficiary code.
    pub code: String,
    /// Beneficiary name.
    pub name: String,
    /// Lines paid: (line id, amount).
    pub lines: Vec<(i64, Dong)>,
    /// Event sequence number.
    pub seq: u64,
    /// Cash left in the box.
    pub cash_on_hand: Dong,
}

/// A recorded reversal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReversalReceipt {
    /// The reversal's id.
    pub reversal_id: Uuid,
    /// The payout reversed.
    pub payout_id: Uuid,
    /// Amount returned to the cash box.
    pub amount: Dong,
    /// Event sequence number.
    pub seq: u64,
}

fn normalise_id(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_uppercase()
}

/// The approval a payout carries: required while the person is to be confirmed (another person,
/// a supervisor, and a note); kept when given otherwise.
fn approval_for(
    card: &BeneficiaryView,
    by: &SignedIn,
    approval: Option<&Approval>,
) -> Result<Option<payload::Approval>, PayoutError> {
    let Some(a) = approval else {
        if card.to_confirm.is_some() {
            return Err(PayoutError::NeedsApproval {
                code: card.code.to_string(),
                name: card.name.clone(),
            });
        }
        return Ok(None);
    };
    by.approved_by(&a.approver)?;
    let note = text::clean(&a.note);
    if note.is_empty() || note.chars().count() > MAX_REASON_LEN {
        return Err(PayoutError::NoteRequired);
    }
    Ok(Some(payload::Approval {
        approver: a.approver.id(),
        note,
    }))
}

/// What is recorded of the identity check, against whom the roll expects: the beneficiary, or the
/// proxy the clerk named (whom `recipient_of` has already checked against the roll).
fn id_check_of(
    card: &BeneficiaryView,
    req: &PayoutRequest,
    supervised: bool,
    today: NaiveDate,
) -> Result<Option<IdCheck>, PayoutError> {
    let Some(asked) = &req.id_check else {
        return Ok(None);
    };
    let expected = match &req.recipient {
        Recipient::Beneficiary => crate::scan::expected_of(card),
        Recipient::Proxy { name, id_card }
        | Recipient::NewProxy(NewAuthorisation { name, id_card, .. }) => {
            crate::scan::expected_of_proxy(name, id_card)
        }
    };
    Ok(Some(idcard::decide(asked, expected, supervised, today)?))
}

/// The day of a ledger time (`w.now()`): the one clock a payout's date checks read.
fn day_of(at: &str) -> Result<NaiveDate, LedgerError> {
    at.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or_else(|| LedgerError::Corrupt(format!("giờ “{at}”")))
}

/// Who takes the money, as the payout records it.
struct Taker {
    kind: RecipientKind,
    name: Option<String>,
    id_card: Option<String>,
    added_at_counter: Option<CounterAuthorisation>,
}

/// Who receives the money, checked against the roll: the person, the proxy the roll authorises
/// (same ID card, authorisation valid today), or a new proxy with a fresh authorisation and a
/// supervisor's approval.
fn recipient_of(
    card: &BeneficiaryView,
    recipient: &Recipient,
    supervised: bool,
    today: NaiveDate,
) -> Result<Taker, PayoutError> {
    let taker = |name: String, id: String, added| Taker {
        kind: RecipientKind::Proxy,
        name: Some(name),
        id_card: Some(id),
        added_at_counter: added,
    };
    Ok(match recipient {
        Recipient::Beneficiary => Taker {
            kind: RecipientKind::Beneficiary,
            name: None,
            id_card: None,
            added_at_counter: None,
        },
        Recipient::NewProxy(a) => {
            let (name, id, added) =
                authorisation::accept(a, card.id_card.as_deref(), supervised, today)?;
            taker(name, id, Some(added))
        }
        Recipient::Proxy { name, id_card } => {
            let Some(p) = &card.proxy else {
                return Err(PayoutError::ProxyNotAuthorised(format!(
                    "{} không có người nhận thay được ủy quyền trong danh sách; người nhận thay có giấy ủy quyền mới thì nhập giấy tại quầy (người phụ trách duyệt)",
                    card.name
                )));
            };
            if normalise_id(&p.id_card) != normalise_id(id_card) {
                return Err(PayoutError::ProxyNotAuthorised(format!(
                    "số CCCD “{}” không khớp với người nhận thay được ủy quyền ({})",
                    id_card.trim(),
                    p.name
                )));
            }
            if p.valid_until < today {
                return Err(PayoutError::ProxyNotAuthorised(format!(
                    "giấy ủy quyền của {} đã hết hạn ngày {}; cần giấy ủy quyền mới có xác nhận của UBND xã, nhập tại quầy (người phụ trách duyệt)",
                    p.name,
                    p.valid_until.format("%d/%m/%Y")
                )));
            }
            taker(text::clean(name), id_card.trim().to_string(), None)
        }
    })
}

/// Records a payout inside an open write transaction. Shared by the counter and the home visit
/// so that both obey exactly the same rules.
pub(crate) fn pay_in(
    w: &Writer<'_>,
    card: &BeneficiaryView,
    by: &SignedIn,
    req: &PayoutRequest,
) -> Result<PayoutReceipt, PayoutError> {
    let code = card.code.to_string();
    let Payability::Payable { amount, .. } = card.payability else {
        return Err(PayoutError::not_payable(card).expect("a card that is not payable says why"));
    };
    let to_pay: Vec<_> = card.lines.iter().filter(|l| l.payable).collect();
    // Paired with the decision: what it said is payable is what these lines add up to.
    assert_eq!(
        Dong::sum(to_pay.iter().map(|l| l.amount))?,
        amount,
        "the payable lines must add up to the payable amount"
    );
    if let Some(expected) = req.expected_total {
        if expected != amount {
            return Err(PayoutError::AmountChanged {
                expected,
                actual: amount,
            });
        }
    }
    let approval = approval_for(card, by, req.approval.as_ref())?;
    let paid_at = w.now();
    let today = day_of(&paid_at)?;
    let taker = recipient_of(card, &req.recipient, approval.is_some(), today)?;
    // The cash was checked when the card was read, in this same transaction.
    let on_hand = crate::ledger::cash_on_hand_in(&w.tx)?;
    let id_check = id_check_of(card, req, approval.is_some(), today)?;
    let lines: Vec<(i64, Dong)> = to_pay.iter().map(|l| (l.id, l.amount)).collect();
    let ev = w.append(
        Some(by.id()),
        EventPayload::Payout(payload::Payout {
            period: card.period,
            code: code.clone(),
            amount,
            // The kind goes with each line: the hub tells a funeral allowance (payable after a
            // death) from the lines a stop blocks.
            lines: to_pay
                .iter()
                .map(|l| payload::PaidLine {
                    line: l.id,
                    amount: l.amount,
                    kind: Some(l.kind),
                })
                .collect(),
            recipient: taker.kind,
            proxy_name: taker.name.clone(),
            proxy_id_card: taker.id_card.clone(),
            at_home: req.at_home,
            approval: approval.clone(),
            id_check: id_check.clone(),
            proxy_added_at_counter: taker.added_at_counter.clone(),
        }),
    )?;
    let payout_id = ev.id;
    let (approver, note) = approval.map(|a| (a.approver, a.note)).unzip();
    let method = id_check.as_ref().map(IdCheck::method);
    w.tx.prepare_cached("INSERT INTO payouts (id, event_seq, beneficiary_id, recipient, proxy_name, proxy_id_card, at_home, clerk_id, paid_at, approver_id, approval_note, id_check, proxy_added_at_counter)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")?.execute(
        params![payout_id.to_string(), ev.seq, card.id, taker.kind.as_str(), taker.name, taker.id_card, req.at_home, by.id(), paid_at, approver, note, method, taker.added_at_counter.is_some()],
    )?;
    let mut ins = w.tx.prepare_cached(
        "INSERT INTO payout_lines (payout_id, line_id, amount) VALUES (?1, ?2, ?3)",
    )?;
    for (line, a) in &lines {
        ins.execute(params![payout_id.to_string(), line, a.as_i64()])?;
    }
    let cash_on_hand = on_hand.checked_sub(amount)?;
    // The store moved the cash itself (trigger); both sides of the write must agree.
    assert_eq!(
        crate::ledger::cash_on_hand_in(&w.tx)?,
        cash_on_hand,
        "cash movement must follow the payout"
    );
    Ok(PayoutReceipt {
        payout_id,
        amount,
        amount_in_words: amount.in_words(),
        code: card.code.to_string(),
        name: card.name.clone(),
        lines,
        seq: ev.seq,
        cash_on_hand,
    })
}

impl Ledger {
    /// Pays every unpaid, payable line of one beneficiary in the open period.
    pub fn record_payout(
        &mut self,
        by: &SignedIn,
        req: &PayoutRequest,
    ) -> Result<PayoutReceipt, PayoutError> {
        let period = self.require_open_period()?;
        self.write(|w| {
            // Read the card inside the write transaction: another process may have paid a line
            // between the clerk's search and this commit.
            let card = crate::beneficiary::card_in(&w.tx, period, &req.code)?
                .ok_or_else(|| PayoutError::UnknownBeneficiary(req.code.to_string()))?;
            pay_in(w, &card, by, req)
        })
    }

    /// Reverses a payout: the lines become unpaid again and the cash returns to the box. Needs the
    /// clerk and a different person who is a supervisor; the reason is kept.
    pub fn reverse_payout(
        &mut self,
        by: &SignedIn,
        approver: &SignedIn,
        payout_id: Uuid,
        reason: &str,
    ) -> Result<ReversalReceipt, PayoutError> {
        by.approved_by(approver)?;
        let reason = text::clean(reason);
        if reason.is_empty() || reason.chars().count() > MAX_REASON_LEN {
            return Err(PayoutError::ReasonRequired);
        }
        let pid = payout_id.to_string();
        self.write(|w| {
            let found: Option<(String, String)> = w
                .tx
                .prepare_cached("SELECT b.code, b.period FROM payouts p JOIN beneficiaries b ON b.id = p.beneficiary_id WHERE p.id = ?1")?.query_row(
                    [&pid],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let Some((code, period)) = found else {
                return Err(PayoutError::UnknownPayout(pid.clone()));
            };
            let reversed: bool = w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM reversals WHERE payout_id = ?1)")?.query_row(
                [&pid],
                |r| r.get(0),
            )?;
            if reversed {
                return Err(PayoutError::AlreadyReversed(pid.clone()));
            }
            let closed: bool = w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM period_closes WHERE period = ?1)")?.query_row(
                [&period],
                |r| r.get(0),
            )?;
            if closed {
                return Err(PayoutError::PeriodClosed);
            }
            let amount: i64 = w.tx.prepare_cached("SELECT coalesce(sum(amount), 0) FROM payout_lines WHERE payout_id = ?1")?.query_row(
                [&pid],
                |r| r.get(0),
            )?;
            let amount = Dong::new(amount)?;
            let ev = w.append(
                Some(by.id()),
                EventPayload::Reversal(payload::Reversal {
                    payout: pid.clone(),
                    code: code.clone(),
                    period: period
                        .parse()
                        .map_err(|_| LedgerError::Corrupt(format!("kỳ “{period}”")))?,
                    amount,
                    reason: reason.clone(),
                    approver: approver.id(),
                }),
            )?;
            w.tx.prepare_cached("INSERT INTO reversals (id, event_seq, payout_id, reason, clerk_id, approver_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?.execute(
                params![ev.id.to_string(), ev.seq, pid, reason, by.id(), approver.id()],
            )?;
            Ok(ReversalReceipt {
                reversal_id: ev.id,
                payout_id,
                amount,
                seq: ev.seq,
            })
        })
    }
}
