//! The beneficiary search index's terms, written when a roll is loaded and when the index is
//! rebuilt, and the marks both the terms and the queries use ([`crate::search`] reads it).
//!
//! Apart from the ledger and the roll on purpose: the ledger rebuilds the index during a migration
//! and the roll writes it at a load, and neither depends on the other through it.

use rusqlite::params;

use crate::period::Period;
use crate::text;

/// The alphanumeric characters of a word, in order: how codes are indexed and queried.
pub(crate) fn squash(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The token that marks a beneficiary's period in the index, so that one index serves every
/// period and the period filter runs inside the index, before the limit.
pub(crate) fn period_term(period: &str) -> String {
    format!("period{}", period.replace('-', ""))
}

/// Accent-folded search terms of one beneficiary: name, code, ID card and its suffixes (so the
/// last digits of a CCCD find the person), village.
pub(crate) fn search_terms(
    period: Period,
    code: &str,
    name: &str,
    id_card: Option<&str>,
    village: &str,
) -> String {
    // The code as one term ("qh01000123"), and its last part on its own ("000123") so that the
    // number alone finds it; never its pay point prefix alone, which every code shares.
    let folded_code = text::fold(code);
    let code_tail = folded_code
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("");
    let mut terms = format!(
        "{} {} {} {} {}",
        period_term(&period.to_string()),
        text::fold(name),
        squash(&folded_code),
        code_tail,
        text::fold(village)
    );
    if let Some(id) = id_card {
        // Every tail of four digits or more, so that the last digits read off a card find it.
        // Shorter tails would match half the roll and make every prefix lookup merge thousands
        // of terms.
        let digits: String = id.chars().filter(|c| c.is_ascii_digit()).collect();
        for i in 0..digits.len().saturating_sub(3) {
            terms.push(' ');
            terms.push_str(&digits[i..]);
        }
    }
    terms
}

/// Fills the search index from `beneficiaries`, each row's terms as a roll's load writes
/// them: the ledger's upgrade to a new index (migration 0014), inside its transaction.
pub(crate) fn rebuild_search_index(conn: &rusqlite::Connection) -> Result<(), rusqlite::Error> {
    let mut read = conn.prepare(
        "SELECT id, period, code, name, id_card, village FROM beneficiaries ORDER BY id",
    )?;
    let mut rows = read.query([])?;
    while let Some(r) = rows.next()? {
        let period_text: String = r.get(1)?;
        // The column's CHECK keeps it `YYYY-MM`; a row that still fails is a broken file.
        let period: Period = period_text.parse().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Text,
                format!("kỳ “{period_text}” của người có mã trong sổ").into(),
            )
        })?;
        let (code, name, id_card, village): (String, String, Option<String>, String) =
            (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
        index_beneficiary(
            conn,
            r.get(0)?,
            period,
            &code,
            &name,
            id_card.as_deref(),
            &village,
        )?;
    }
    Ok(())
}

/// Writes one beneficiary's search terms (see [`search_terms`]) under their row id: at a roll
/// load and at the index's rebuild alike.
pub(crate) fn index_beneficiary(
    conn: &rusqlite::Connection,
    id: i64,
    period: Period,
    code: &str,
    name: &str,
    id_card: Option<&str>,
    village: &str,
) -> Result<(), rusqlite::Error> {
    conn.prepare_cached("INSERT INTO beneficiary_search (rowid, terms) VALUES (?1, ?2)")?
        .execute(params![
            id,
            search_terms(period, code, name, id_card, village)
        ])?;
    Ok(())
}
