//! Finding a beneficiary as the clerk types: accent- and case-insensitive, every word a prefix.
//!
//! "nguyen thi huong", "ng t huong", "Hường", a beneficiary code, the first or last digits of an
//! ID card, or a village all find "Nguyễn Thị Hường". The index is SQLite FTS5 over accent-folded
//! terms (see `search_index::search_terms`), queried with one prefix term per word, all required.

use rusqlite::params;
use serde::Serialize;

use crate::ledger::{Ledger, LedgerError};
use crate::model::PayStatus;
use crate::money::Dong;
use crate::search_index::{period_term, squash};
use crate::text;

/// Most words a query may have; more are ignored (a name has a handful).
const MAX_QUERY_WORDS: usize = 8;

/// One search result: what the result list shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    /// Beneficiary code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Village.
    pub village: String,
    /// Year of birth.
    pub birth_year: Option<u16>,
    /// Category.
    pub category: String,
    /// ID card number.
    pub id_card: Option<String>,
    /// Paid at home.
    pub home_delivery: bool,
    /// Unpaid amount.
    pub due: Dong,
    /// Paid amount, net of reversals.
    pub paid: Dong,
    /// Status.
    pub status: PayStatus,
}

/// The words of what the clerk typed, folded, each a prefix to find.
fn query_words(query: &str) -> Vec<String> {
    // A chunk between spaces is one word with its punctuation dropped: "QH01-000123" becomes the
    // code's own term "qh01000123", not "qh01" (a term every code of the pay point shares, whose
    // doclist a prefix query would have to read whole).
    text::fold(query)
        .split_whitespace()
        .map(squash)
        .filter(|w| !w.is_empty())
        .take(MAX_QUERY_WORDS)
        .collect()
}

/// The FTS5 query for what the clerk typed: each folded word becomes a quoted prefix term.
/// Returns `None` when nothing searchable is left (an empty query lists the whole roll).
fn fts_query(query: &str) -> Option<String> {
    let words: Vec<String> = query_words(query)
        .into_iter()
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

/// Whether a roll entry is found by `query` under the ledger's rules (every word a prefix of one
/// of its terms: name, code, village, ID card tails), for a list held in memory: the managing
/// office's pages search a pay point's published roll this way. An empty query finds everyone.
pub fn entry_matches(
    query: &str,
    period: crate::period::Period,
    e: &crate::roll::RollEntry,
) -> bool {
    let words = query_words(query);
    if words.is_empty() {
        return true;
    }
    let terms = crate::search_index::search_terms(
        period,
        e.code.as_str(),
        &e.name,
        e.id_card.as_deref(),
        &e.village,
    );
    let terms: Vec<String> = terms.split_whitespace().map(squash).collect();
    words
        .iter()
        .all(|w| terms.iter().any(|t| t.starts_with(w.as_str())))
}

impl Ledger {
    /// Beneficiaries of the open period matching `query`, in roll order, at most `limit` (all
    /// when `None`). An empty query lists the whole roll.
    pub fn search(&self, query: &str, limit: Option<usize>) -> Result<Vec<SearchHit>, LedgerError> {
        let period = self.require_open_period()?.to_string();
        let limit = limit.map(|l| l as i64).unwrap_or(-1);
        // Drive from the index: the matching rows of this period, in roll order, cut at the
        // limit before anything is joined, so that a common word costs no more than the page.
        let filter = match fts_query(query) {
            Some(q) => format!("{} AND {q}", period_term(&period)),
            None => period_term(&period),
        };
        let sql = "WITH m AS (SELECT rowid AS id FROM beneficiary_search WHERE beneficiary_search MATCH ?1
                              ORDER BY rowid LIMIT ?2)
             SELECT b.code, b.name, b.village, b.birth_year, b.category, b.id_card, b.home_delivery,
                    coalesce(sum(CASE WHEN ls.paid_by IS NULL THEN ls.amount END), 0) AS due,
                    coalesce(sum(CASE WHEN ls.paid_by IS NOT NULL THEN ls.amount END), 0) AS paid,
                    coalesce(sum(CASE WHEN ls.paid_by IS NULL AND ls.stopped THEN ls.amount END), 0) AS stopped,
                    coalesce(sum(CASE WHEN ls.paid_by IS NULL AND ls.by_account THEN ls.amount END), 0) AS by_account
             FROM m JOIN beneficiaries b ON b.id = m.id
             JOIN line_state ls ON ls.beneficiary_id = b.id AND ls.live
             GROUP BY b.id ORDER BY b.id";
        let mut out = Vec::new();
        let mut stmt = self.conn.prepare_cached(sql)?;
        let rows: Vec<_> = stmt
            .query_map(params![filter, limit], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<u16>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, bool>(6)?,
                    r.get::<_, i64>(7)?,
                    r.get::<_, i64>(8)?,
                    r.get::<_, i64>(9)?,
                    r.get::<_, i64>(10)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        for (
            code,
            name,
            village,
            birth_year,
            category,
            id_card,
            home_delivery,
            due,
            paid,
            stopped,
            by_account,
        ) in rows
        {
            let (due, paid, stopped) = (Dong::new(due)?, Dong::new(paid)?, Dong::new(stopped)?);
            let status = PayStatus::from_amounts(due, stopped, paid, Dong::new(by_account)?);
            out.push(SearchHit {
                code,
                name,
                village,
                birth_year,
                category,
                id_card,
                home_delivery,
                due,
                paid,
                status,
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_entry_in_memory_is_found_as_the_index_finds_it() {
        let period: crate::period::Period = "2026-12".parse().unwrap();
        let roll = crate::demo::roll(period, 3, 7, "QH01");
        let e = &roll.entries[0];
        let folded = crate::text::fold(&e.name);
        let words: Vec<&str> = folded.split_whitespace().collect();
        let short = format!("{} {}", &words[0][..2], words.last().unwrap());
        assert!(super::entry_matches(&short, period, e), "{short}");
        assert!(super::entry_matches(e.code.as_str(), period, e));
        assert!(super::entry_matches("", period, e));
        assert!(!super::entry_matches("zzzz", period, e));
    }

    use super::*;

    #[test]
    fn queries_are_folded_prefix_terms() {
        assert_eq!(
            fts_query("Ng T Hường").as_deref(),
            Some("\"ng\"* AND \"t\"* AND \"huong\"*")
        );
        assert_eq!(fts_query("  ").as_deref(), None);
        assert_eq!(fts_query("\"*)(").as_deref(), None);
        assert_eq!(fts_query("QH-00012").as_deref(), Some("\"qh00012\"*"));
        assert_eq!(
            fts_query("Nguyễn-Thị  hường").as_deref(),
            Some("\"nguyenthi\"* AND \"huong\"*")
        );
    }
}
