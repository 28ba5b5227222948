//! Whether a beneficiary can be paid now and, if not, why.
//!
//! Decided once, here, when the card is read (`beneficiary::card_in`, inside the payout's own
//! write transaction when it pays), from the lines' states the store defines (`line_state`), the
//! stop, the proof-of-life hold, the period and the cash in the box. The payout refuses on it,
//! the card and the payment dialog show it, the CLI prints it: none of them decides again.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::StopReason;
use crate::money::Dong;

/// Can this person be paid now?
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum Payability {
    /// Yes: this amount, every unpaid line not blocked. While the person is held "to be
    /// confirmed" (proof of life) the payout needs a supervisor's PIN and a note.
    Payable {
        /// What the payout pays.
        amount: Dong,
        /// A supervisor must approve it, with a note.
        needs_approval: bool,
    },
    /// A stop report blocks every unpaid line (a funeral allowance would still be payable).
    Stopped {
        /// Why.
        reason: StopReason,
        /// Date of death or move, when known.
        date: Option<NaiveDate>,
    },
    /// The period is closed: nothing more is paid in it.
    PeriodClosed,
    /// The office pays this person by bank account in this period: no cash.
    ByAccount {
        /// The first period paid by account.
        from: crate::period::Period,
    },
    /// Another device of the pay point holds this person: it pays them, this one does not.
    HeldElsewhere {
        /// That device's short id.
        device: String,
    },
    /// The roll owes this person nothing this period.
    NothingOwed,
    /// Every line is paid.
    AlreadyPaid {
        /// What was paid, net of reversals.
        paid: Dong,
    },
    /// The box holds less than the payout.
    NotEnoughCash {
        /// Cash in the box.
        on_hand: Dong,
        /// What the payout needs.
        needed: Dong,
    },
}

/// What [`Payability::decide`] reads.
pub(crate) struct Facts {
    /// The stop report, if any: why and when.
    pub stop: Option<(StopReason, Option<NaiveDate>)>,
    /// The line's period is closed.
    pub closed: bool,
    /// The person has lines this period.
    pub has_lines: bool,
    /// Unpaid.
    pub due: Dong,
    /// Paid, net of reversals.
    pub paid: Dong,
    /// Unpaid and payable now.
    pub payable: Dong,
    /// Held "to be confirmed".
    pub held: bool,
    /// The other device of the pay point that holds the person, if this one does not.
    pub held_elsewhere: Option<String>,
    /// The first period of the account the office pays the person by in this period, if any.
    pub by_account: Option<crate::period::Period>,
    /// Cash in the box.
    pub on_hand: Dong,
}

impl Payability {
    /// The one decision. The order is the order a clerk needs to hear the reasons in: a stop
    /// first (never pay the dead), then a closed period, then another device holding the person
    /// (this one cannot know what that one paid), then nothing owed or all paid, then cash.
    pub(crate) fn decide(f: &Facts) -> Payability {
        if let Some((reason, date)) = f.stop {
            if !f.payable.is_positive() {
                return Payability::Stopped { reason, date };
            }
        }
        if f.closed {
            return Payability::PeriodClosed;
        }
        // Paid by account: nothing is payable in cash, whatever is still due (the line's state
        // says so in the store too); a funeral allowance, paid in cash to the family, still is.
        if let Some(from) = f.by_account {
            if f.due.is_positive() && !f.payable.is_positive() {
                return Payability::ByAccount { from };
            }
        }
        if let Some(device) = &f.held_elsewhere {
            return Payability::HeldElsewhere {
                device: device.clone(),
            };
        }
        if !f.has_lines {
            return Payability::NothingOwed;
        }
        if !f.due.is_positive() {
            return Payability::AlreadyPaid { paid: f.paid };
        }
        if f.payable > f.on_hand {
            return Payability::NotEnoughCash {
                on_hand: f.on_hand,
                needed: f.payable,
            };
        }
        Payability::Payable {
            amount: f.payable,
            needs_approval: f.held,
        }
    }

    /// Whether the payout can go ahead (with an approval when it needs one).
    pub fn is_payable(&self) -> bool {
        matches!(self, Payability::Payable { .. })
    }

    /// Stable identifier, the same as the payout's refusal would carry.
    pub fn code(&self) -> &'static str {
        match self {
            Payability::Payable { .. } => "payable",
            Payability::Stopped { .. } => "stopped",
            Payability::PeriodClosed => "period_closed",
            Payability::ByAccount { .. } => "by_account",
            Payability::HeldElsewhere { .. } => "held_elsewhere",
            Payability::NothingOwed => "no_lines",
            Payability::AlreadyPaid { .. } => "already_paid",
            Payability::NotEnoughCash { .. } => "not_enough_cash",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Dong {
        Dong::new(n).unwrap()
    }

    fn facts() -> Facts {
        Facts {
            stop: None,
            closed: false,
            has_lines: true,
            due: d(3_000_000),
            paid: Dong::ZERO,
            payable: d(3_000_000),
            held: false,
            held_elsewhere: None,
            by_account: None,
            on_hand: d(10_000_000),
        }
    }

    #[test]
    fn a_stop_is_said_first_unless_a_funeral_allowance_is_still_payable() {
        let mut f = facts();
        f.stop = Some((StopReason::Death, None));
        f.payable = Dong::ZERO;
        f.on_hand = Dong::ZERO;
        assert_eq!(Payability::decide(&f).code(), "stopped");
        f.payable = d(1_800_000);
        f.on_hand = d(10_000_000);
        assert_eq!(
            Payability::decide(&f),
            Payability::Payable {
                amount: d(1_800_000),
                needs_approval: false
            }
        );
    }

    #[test]
    fn each_reason_has_its_code() {
        let mut f = facts();
        f.closed = true;
        assert_eq!(Payability::decide(&f).code(), "period_closed");
        let mut f = facts();
        f.held_elsewhere = Some("0193a5c2".into());
        assert_eq!(Payability::decide(&f).code(), "held_elsewhere");
        let mut f = facts();
        (f.by_account, f.payable) = (Some("2027-01".parse().unwrap()), Dong::ZERO);
        assert_eq!(Payability::decide(&f).code(), "by_account");
        let mut f = facts();
        f.has_lines = false;
        assert_eq!(Payability::decide(&f).code(), "no_lines");
        let mut f = facts();
        (f.due, f.payable, f.paid) = (Dong::ZERO, Dong::ZERO, d(3_000_000));
        assert_eq!(
            Payability::decide(&f),
            Payability::AlreadyPaid { paid: d(3_000_000) }
        );
        let mut f = facts();
        f.on_hand = d(2_999_999);
        assert_eq!(Payability::decide(&f).code(), "not_enough_cash");
        let mut f = facts();
        f.held = true;
        assert_eq!(
            Payability::decide(&f),
            Payability::Payable {
                amount: d(3_000_000),
                needs_approval: true
            }
        );
    }
}
