//! A citizen ID card scanned at the counter: whose card it is on the roll of the open period —
//! the beneficiary, or the registered proxy of one — and what differs from the roll. Matched on
//! the ID number only, never on the address (addresses predate the 2025 mergers). What the desktop's
//! scanner and `paypoint id parse` both read.

use serde::Serialize;

use crate::beneficiary::BeneficiaryView;
use crate::idcard::{self, CardField, Expected, IdCardQr, IdQrError};
use crate::ledger::{Ledger, LedgerError};
use crate::model::BeneficiaryCode;

/// Whose card a scan is, on the roll.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Holder {
    /// The beneficiary concerned (the card's holder, or the person they receive for).
    pub code: BeneficiaryCode,
    /// The beneficiary's name on the roll.
    pub name: String,
    /// The card is the registered proxy's, not the beneficiary's.
    pub as_proxy: bool,
    /// The name on the roll the card was compared with: the beneficiary's, or the proxy's.
    pub expected_name: String,
    /// The year of birth on the roll the card was compared with (none for a proxy).
    pub expected_birth_year: Option<u16>,
    /// Fields of the card that differ from the roll (empty: it matches).
    pub differed: Vec<CardField>,
}

/// A scan: the card read, and every person on the roll it belongs to (none: "không có trong
/// danh sách", and nothing else happens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Scan {
    /// The card, read and checked.
    pub card: IdCardQr,
    /// Whom it belongs to on the roll.
    pub holders: Vec<Holder>,
}

/// Why a scan gives nothing.
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Card(#[from] IdQrError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

impl ScanError {
    /// Stable code for programs and tests.
    pub fn code(&self) -> &'static str {
        match self {
            ScanError::Card(e) => e.code(),
            ScanError::Ledger(e) => e.code(),
        }
    }
}

impl Ledger {
    /// Reads a scanned card and finds it on the open period's roll by its ID number.
    pub fn scan(&self, text: &str) -> Result<Scan, ScanError> {
        let card = idcard::parse(text, chrono::Local::now().date_naive())?;
        let period = self.require_open_period()?;
        let codes: Vec<String> = self
            .conn
            .prepare_cached(
                "SELECT code FROM beneficiaries WHERE period = ?1 AND (id_card = ?2 OR proxy_id_card = ?2) ORDER BY code",
            )
            .map_err(LedgerError::from)?
            .query_map(rusqlite::params![period.to_string(), card.id_number], |r| r.get(0))
            .map_err(LedgerError::from)?
            .collect::<Result<_, _>>()
            .map_err(LedgerError::from)?;
        let mut holders = Vec::new();
        for code in codes {
            let code = BeneficiaryCode::new(&code)
                .ok_or_else(|| LedgerError::Corrupt(format!("mã “{code}”")))?;
            if let Some(b) = self.beneficiary_in(period, &code)? {
                holders.push(holder_of(&card, &b));
            }
        }
        Ok(Scan { card, holders })
    }
}

/// What the roll says of the beneficiary themself, to compare a card with: the one reading the
/// scan and the payout's identity check both use.
pub(crate) fn expected_of(b: &BeneficiaryView) -> Expected<'_> {
    Expected {
        id_number: b.id_card.as_deref(),
        name: &b.name,
        birth_year: b.birth_year,
        sex: b.sex,
    }
}

/// What the roll (or the clerk, for a new proxy) says of a proxy: a name and an ID number only.
pub(crate) fn expected_of_proxy<'a>(name: &'a str, id_card: &'a str) -> Expected<'a> {
    Expected {
        id_number: Some(id_card),
        name,
        birth_year: None,
        sex: None,
    }
}

fn holder_of(card: &IdCardQr, b: &BeneficiaryView) -> Holder {
    let own = b.id_card.as_deref() == Some(card.id_number.as_str());
    let expected = match (&b.proxy, own) {
        (Some(p), false) => expected_of_proxy(&p.name, &p.id_card),
        _ => expected_of(b),
    };
    Holder {
        code: b.code.clone(),
        name: b.name.clone(),
        as_proxy: !own,
        expected_name: expected.name.to_string(),
        expected_birth_year: expected.birth_year,
        differed: idcard::differences(card, expected),
    }
}
