//! A refusal: the core's message, in Vietnamese, and a stable code for scripts. Under `--json`
//! it is printed as `{"error": {"code": "…", "message": "…"}}`.
//!
//! The codes are the core's own (`code()` of `LedgerError`, `ClerkError`, `MoneyError`,
//! `PayoutError`, `StopError`, `VisitError` …) wherever it has them; for the core's other errors they are the ones the desktop
//! window uses for the same refusal (`src-tauri/src/error.rs`), until the core carries them too.

use paypoint::account::AccountError;
use paypoint::cash::CashError;
use paypoint::clerk::ClerkError;
use paypoint::document::DocumentError;
use paypoint::import::ImportError;
use paypoint::money::MoneyError;
use paypoint::org::OrgError;
use paypoint::payout::PayoutError;
use paypoint::policy::PolicyError;
use paypoint::roll::RollError;
use paypoint::scan::ScanError;
use paypoint::stop::StopError;
use paypoint::supervisor::SupervisorError;
use paypoint::sync::client::SyncError;
use paypoint::vault::VaultError;
use paypoint::visit::VisitError;
use paypoint::LedgerError;
use serde_json::{json, Value};

/// Why a command refused; nothing was recorded.
pub struct Failure {
    code: &'static str,
    message: String,
    /// More for scripts, inside the error object: the located problems of a refused roll file.
    detail: Option<(&'static str, Value)>,
    /// What the command found before refusing (a failed `verify`), as text and as JSON: printed
    /// instead of the error object, so that stdout holds one document. Rendered already, so that
    /// this module needs nothing of `report` (which needs this one).
    found: Option<Box<(String, Value)>>,
}

impl Failure {
    /// A refusal with its code and message.
    pub fn new(code: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
            detail: None,
            found: None,
        }
    }

    /// The same, with `key` added to the error object.
    pub fn with(mut self, key: &'static str, value: Value) -> Failure {
        self.detail = Some((key, value));
        self
    }

    /// The same, answering with what was found (its text, its JSON) rather than the error
    /// object; `Failure::after` (in `report`) renders a report into it.
    pub fn found(mut self, text: String, json: Value) -> Failure {
        self.found = Some(Box::new((text, json)));
        self
    }

    /// The sentence for stderr.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// What to print instead of the error object, if anything: text, JSON.
    pub fn what_was_found(&self) -> Option<(&str, &Value)> {
        self.found.as_deref().map(|(t, j)| (t.as_str(), j))
    }

    /// `{"error": {"code": …, "message": …}}`.
    pub fn json(&self) -> Value {
        let mut error = json!({"code": self.code, "message": self.message});
        if let Some((key, value)) = &self.detail {
            error[*key] = value.clone();
        }
        json!({ "error": error })
    }
}

/// The core's errors that carry their code.
macro_rules! coded {
    ($($t:ty),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure::new(e.code(), e.to_string())
            }
        }
    )*};
}
coded!(
    LedgerError,
    ClerkError,
    MoneyError,
    PayoutError,
    PolicyError,
    OrgError,
    SupervisorError,
    StopError,
    VisitError,
    ScanError,
    AccountError
);

/// The core's other errors, with the code the window gives the same refusal.
macro_rules! mapped {
    ($($t:ty => $code:ident),*) => {$(
        impl From<$t> for Failure {
            fn from(e: $t) -> Self {
                Failure::new($code(&e), e.to_string())
            }
        }
    )*};
}
mapped!(
    VaultError => vault_code,
    CashError => cash_code,
    RollError => roll_code,
    ImportError => import_code,
    SyncError => sync_code,
    DocumentError => document_code
);

fn vault_code(e: &VaultError) -> &'static str {
    match e {
        VaultError::NoKeyFile(_) => "no_key_file",
        VaultError::KeyFileExists(_) => "key_file_exists",
        VaultError::BadKeyFile { .. } => "bad_key_file",
        VaultError::PassphraseNeeded => "ledger_locked",
        VaultError::WrongPassphrase => "wrong_passphrase",
        VaultError::WeakPassphrase => "weak_passphrase",
        VaultError::Io { .. } => "cannot_open",
    }
}

fn cash_code(e: &CashError) -> &'static str {
    match e {
        CashError::NotPositive => "invalid_amount",
        CashError::MoreThanOnHand { .. } => "more_than_on_hand",
        CashError::UnknownDenomination(_) => "unknown_denomination",
        CashError::BadCountEntry(_) => "invalid_input",
        CashError::TooManyNotes(_) => "too_many_notes",
        CashError::Money(m) => m.code(),
        CashError::Ledger(l) => l.code(),
    }
}

fn roll_code(e: &RollError) -> &'static str {
    match e {
        RollError::Entry { .. } => "roll_entry",
        RollError::DuplicateCode { .. } => "roll_duplicate",
        RollError::TotalMismatch { .. } => "roll_total",
        RollError::Size(_) => "roll_size",
        RollError::AlreadyLoaded { .. } => "roll_already_loaded",
        RollError::PeriodClosed(_) => "period_closed",
        RollError::FromHubOnly { .. } => "roll_from_hub_only",
        RollError::Money(m) => m.code(),
        RollError::Ledger(l) => l.code(),
    }
}

fn import_code(e: &ImportError) -> &'static str {
    match e {
        ImportError::Unreadable { .. } => "roll_unreadable",
        ImportError::Problems(..) => "roll_problems",
        ImportError::WrongPeriod { .. } => "roll_wrong_period",
        ImportError::Roll(r) => roll_code(r),
    }
}

fn sync_code(e: &SyncError) -> &'static str {
    match e {
        SyncError::NotEnrolled => "not_enrolled",
        SyncError::AlreadyEnrolled(_) => "already_enrolled",
        SyncError::BadUrl(_) => "bad_url",
        SyncError::Network(_) => "hub_unreachable",
        SyncError::Refused { .. } => "hub_refused",
        SyncError::BadSignature(_) => "bad_signature",
        SyncError::Protocol(_) => "hub_protocol",
        SyncError::Roll(r) => roll_code(r),
        SyncError::Ledger(l) => l.code(),
    }
}

fn document_code(e: &DocumentError) -> &'static str {
    match e {
        DocumentError::NoRoll | DocumentError::NoRollForPeriod(_) => "no_roll",
        DocumentError::UnknownVillage { .. } => "unknown_village",
        DocumentError::UnknownBeneficiary { .. } => "unknown_beneficiary",
        DocumentError::NotPaid { .. } => "not_paid",
        DocumentError::UnknownPayout(_) => "unknown_payout",
        DocumentError::AmbiguousPayout(_) => "ambiguous_payout",
        DocumentError::PayoutReversed(_) => "payout_reversed",
        DocumentError::ReceiptTarget => "receipt_target",
        DocumentError::NoAccountRequest(_) => "no_account_request",
        DocumentError::BadSchedule(_) => "bad_schedule",
        DocumentError::Unprintable { .. } => "unprintable",
        DocumentError::Pdf(_) => "document",
        DocumentError::Write { .. } => "cannot_write",
        DocumentError::Money(m) => m.code(),
        DocumentError::Ledger(l) => l.code(),
    }
}
