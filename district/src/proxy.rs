//! Proxies added at the counter (issue 16): a person not on the roll as the beneficiary's proxy,
//! or whose authorisation had expired, paid on a fresh authorisation that a supervisor approved
//! at the pay point. The hub lists them; the office confirms each, and the rolls it stores from
//! then on carry that proxy for the months the paper covers, or refuses it with a reason, and a
//! later payout to that proxy for that person is flagged.

use std::collections::HashMap;

use crate::db::{params, Connection, OptionalExtension, TransactionBehavior};
use chrono::NaiveDate;
use paypoint::authorisation::CounterAuthorisation;
use paypoint::event::payload::Payout;
use paypoint::model::Proxy;
use paypoint::roll::Roll;
use serde::Serialize;

use crate::{now, refused, Hub, HubError};

/// A refused proxy paid again for the same person.
pub const REFUSED_PROXY: &str = "proxy_refused_paid";

/// A proxy added at a counter, as the office sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CounterProxy {
    /// The payout that added it.
    pub payout_id: String,
    /// Pay point.
    pub pay_point: String,
    /// Period of the payout.
    pub period: String,
    /// Beneficiary code.
    pub code: String,
    /// The proxy's name.
    pub proxy_name: String,
    /// The proxy's ID number.
    pub proxy_id_card: String,
    /// Relationship to the beneficiary.
    pub relationship: String,
    /// Date the commune certified the authorisation.
    pub authorised_on: String,
    /// Its last day.
    pub valid_until: String,
    /// When the payout was made (device time).
    pub paid_at: String,
    /// `confirmed` or `refused`; none while the office has not decided.
    pub decision: Option<String>,
    /// Why it was refused, or the confirming note.
    pub reason: Option<String>,
}

/// Records the proxy a payout added at the counter (once: a batch retried changes nothing).
pub(crate) fn record(
    tx: &Connection,
    pay_point: &str,
    payout_id: &str,
    paid_at: &str,
    p: &Payout,
    a: &CounterAuthorisation,
) -> crate::db::Result<()> {
    tx.prepare_cached(
        "INSERT INTO counter_proxies (payout_id, pay_point, period, code, proxy_name, proxy_id_card,
             relationship, authorised_on, valid_until, approver, paid_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        payout_id,
        pay_point,
        p.period.to_string(),
        p.code,
        p.proxy_name.as_deref().unwrap_or_default(),
        p.proxy_id_card.as_deref().unwrap_or_default(),
        a.relationship,
        a.authorised_on.to_string(),
        a.valid_until.to_string(),
        p.approval.as_ref().map(|x| x.approver),
        paid_at,
    ])?;
    Ok(())
}

/// True when the office refused this proxy for this person.
pub(crate) fn was_refused(
    tx: &Connection,
    pay_point: &str,
    code: &str,
    proxy_id: &str,
) -> crate::db::Result<bool> {
    tx.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM counter_proxies WHERE pay_point = ?1 AND code = ?2
             AND proxy_id_card = ?3 AND decision = 'refused')",
    )?
    .query_row(params![pay_point, code, proxy_id], |r| r.get(0))
}

/// Puts each confirmed proxy into the roll's entry of that person, for a period its paper still
/// covers, where the roll has no proxy valid then (the latest decided, when there are several).
/// Returns how many entries were given one. One query for the whole roll.
pub(crate) fn apply_confirmed(
    tx: &Connection,
    pay_point: &str,
    roll: &mut Roll,
) -> crate::db::Result<usize> {
    let first_day = roll.period.first_day();
    let mut latest: HashMap<String, Proxy> = HashMap::new();
    let confirmed = tx
        .prepare_cached(
            "SELECT code, proxy_name, proxy_id_card, relationship, valid_until FROM counter_proxies
             WHERE pay_point = ?1 AND decision = 'confirmed' AND valid_until >= ?2
             ORDER BY decided_at DESC",
        )?
        .query_map(params![pay_point, first_day.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    for row in confirmed {
        let (code, name, id_card, relationship, until): (String, String, String, String, String) =
            row?;
        // Stored from a typed payload: always a date.
        let Ok(valid_until) = NaiveDate::parse_from_str(&until, "%Y-%m-%d") else {
            continue;
        };
        latest.entry(code).or_insert(Proxy {
            name,
            id_card,
            relationship,
            valid_until,
        });
    }
    let mut applied = 0;
    for entry in &mut roll.entries {
        if entry
            .proxy
            .as_ref()
            .is_some_and(|p| p.valid_until >= first_day)
        {
            continue;
        }
        if let Some(p) = latest.get(entry.code.as_str()) {
            entry.proxy = Some(p.clone());
            applied += 1;
        }
    }
    Ok(applied)
}

impl Hub {
    /// The proxies added at counters, of one pay point or all; only those not yet decided unless
    /// `all`.
    pub fn counter_proxies(
        &self,
        pay_point: Option<&str>,
        all: bool,
    ) -> Result<Vec<CounterProxy>, HubError> {
        let db = self.db()?;
        let mut stmt = db.prepare(
            "SELECT payout_id, pay_point, period, code, proxy_name, proxy_id_card, relationship,
                    authorised_on, valid_until, paid_at, decision, reason FROM counter_proxies
             WHERE (CAST(?1 AS TEXT) IS NULL OR pay_point = ?1) AND (?2 OR decision IS NULL) ORDER BY paid_at",
        )?;
        let rows = stmt.query_map(params![pay_point, all], |r| {
            Ok(CounterProxy {
                payout_id: r.get(0)?,
                pay_point: r.get(1)?,
                period: r.get(2)?,
                code: r.get(3)?,
                proxy_name: r.get(4)?,
                proxy_id_card: r.get(5)?,
                relationship: r.get(6)?,
                authorised_on: r.get(7)?,
                valid_until: r.get(8)?,
                paid_at: r.get(9)?,
                decision: r.get(10)?,
                reason: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The office decides on the latest undecided proxy added at the counter for `code`:
    /// confirmed (later rolls carry it) or refused with a reason. Returns the proxy decided.
    pub fn decide_counter_proxy(
        &self,
        pay_point: &str,
        code: &str,
        confirm: bool,
        reason: &str,
    ) -> Result<CounterProxy, HubError> {
        let reason = paypoint::text::clean(reason);
        if !confirm && reason.is_empty() {
            return Err(refused("cần ghi lý do từ chối (--reason)"));
        }
        let mut db = self.db()?;
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let id: Option<String> = tx
            .query_row(
                "SELECT payout_id FROM counter_proxies WHERE pay_point = ?1 AND code = ?2
                 AND decision IS NULL ORDER BY paid_at DESC LIMIT 1",
                params![pay_point, code],
                |r| r.get(0),
            )
            .optional()?;
        let Some(id) = id else {
            return Err(refused(format!(
                "điểm {pay_point} không có người nhận thay mới nào của “{code}” đang chờ quyết định; xem `proxies list`"
            )));
        };
        tx.execute(
            "UPDATE counter_proxies SET decision = ?1, decided_at = ?2, reason = ?3 WHERE payout_id = ?4",
            params![
                if confirm { "confirmed" } else { "refused" },
                now(),
                Some(reason).filter(|r| !r.is_empty()),
                id
            ],
        )?;
        tx.commit()?;
        drop(db);
        let decided = self.counter_proxies(Some(pay_point), true)?;
        decided
            .into_iter()
            .find(|p| p.payout_id == id)
            .ok_or_else(|| refused("không đọc lại được quyết định vừa ghi"))
    }
}
