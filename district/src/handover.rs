//! Two devices at one pay point (issue 17), at the hub. Each device pays only the people it holds
//! (the device's store keeps that rule); the hub follows who holds whom from the devices' events,
//! passes a hand-over a device released on to the device it names (a signed `hold_granted`
//! amendment, taken at that device's next sync), checks that both sides of every hand-over agree
//! (a file taken by one device and released by the other), and lets the office revoke a lost or
//! broken device: the people it held and had not reported paid go to the device left, and are
//! listed as uncertain until the commune has checked them on paper.

use std::collections::HashMap;

use crate::db::{params, Connection, OptionalExtension, TransactionBehavior};
use paypoint::event::payload::{HoldReceived, HoldReleased};
use paypoint::event::{Event, EventPayload};
use paypoint::sync::protocol::{AmendmentKind, GrantVia, HoldGrant};
use paypoint::Period;
use serde::Serialize;
use uuid::Uuid;

use crate::{now, refused, Hub, HubError};

/// Both sides of a hand-over arrived and they differ (people, devices or the release event).
pub const HANDOVER_MISMATCH: &str = "handover_mismatch";
/// A device took a hand-over the device it names never released (a forged or altered file).
pub const HANDOVER_UNMATCHED: &str = "handover_unmatched";
/// A hand-over to a device id no enrolled device of the pay point has.
pub const HANDOVER_UNKNOWN_DEVICE: &str = "handover_unknown_device";
/// A revoked device reported paying someone the office had given to the device left.
pub const PAID_AFTER_REVOKE: &str = "paid_after_revoke";

/// A flag the batch's hold events raise, for the ingest to store and return in the receipt.
pub(crate) struct HoldFlag<'e> {
    pub event: &'e Event,
    pub kind: &'static str,
    pub code: String,
    pub period: String,
    pub detail: String,
}

/// A device of a pay point, as the office sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRow {
    /// Full id.
    pub id: String,
    /// The last 8 characters, as the devices show it.
    pub short_id: String,
    /// Pay point.
    pub pay_point: String,
    /// Holds everyone not handed over (the first device) or nobody (a second device).
    pub holds_all: bool,
    /// Events received from it.
    pub events: u64,
    /// Its last sync.
    pub last_sync_at: Option<String>,
    /// When the office revoked it, and to which device its people went.
    pub revoked_at: Option<String>,
    pub revoked_to: Option<String>,
}

/// What a revocation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revoked {
    pub device: String,
    pub to: String,
    pub pay_point: String,
    pub period: String,
    /// The people moved to `to`: held by the revoked device, not reported paid in `period`.
    pub moved: Vec<String>,
    /// The amendment that carries them (none when nobody moved).
    pub amendment: Option<u64>,
}

/// A person a revoked device held and had not reported paid when it was revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uncertain {
    pub pay_point: String,
    pub code: String,
    pub name: String,
    pub period: String,
    /// The revoked device (short id).
    pub device: String,
    pub revoked_at: String,
    /// Devices (short ids) that have since reported paying them in that period.
    pub reported_paid_by: Vec<String>,
}

fn short(id: &str) -> String {
    paypoint::device::short_id(id)
}

impl Hub {
    /// The hold events of a batch, already stored: who holds whom, the hand-overs passed on, and
    /// the checks of both sides. `through` is the device's last event after the batch.
    pub(crate) fn take_holds<'e>(
        &self,
        tx: &Connection,
        pay_point: &str,
        dev_id: &str,
        new: &[&'e Event],
    ) -> Result<Vec<HoldFlag<'e>>, HubError> {
        let mut flags = Vec::new();
        let away = granted_away(tx, dev_id)?;
        for &e in new {
            match e.facts() {
                Ok(EventPayload::HoldDefault(d)) => {
                    tx.prepare_cached("UPDATE devices SET holds_all = ?1 WHERE id = ?2")?
                        .execute(params![d.holds_all, dev_id])?;
                }
                Ok(EventPayload::HoldReleased(r)) => {
                    self.released(tx, pay_point, dev_id, e, &r, &mut flags)?
                }
                Ok(EventPayload::HoldReceived(r)) => {
                    received(tx, pay_point, dev_id, e, &r, &mut flags)?
                }
                Ok(EventPayload::Payout(p)) => {
                    if let Some(to) = away.get(&p.code) {
                        flags.push(HoldFlag {
                            event: e,
                            kind: PAID_AFTER_REVOKE,
                            code: p.code.clone(),
                            period: p.period.to_string(),
                            detail: format!(
                                "máy {} đã bị thu hồi, vẫn báo chi {} đ cho {} (lúc {}), người này đã giao cho máy {}: kiểm tra máy {} có chi lần nữa không",
                                short(dev_id), p.amount.as_i64(), p.code, e.time, short(to), short(to)
                            ),
                        });
                    }
                }
                _ => {}
            }
        }
        if let Some(last) = new.last() {
            unmatched(tx, dev_id, last, &mut flags)?;
        }
        Ok(flags)
    }

    /// A release: recorded, its people held by the device it names, passed on to that device
    /// unless it already took the file, and checked against the taking side if that is in.
    fn released<'e>(
        &self,
        tx: &Connection,
        pay_point: &str,
        dev_id: &str,
        e: &'e Event,
        r: &HoldReleased,
        flags: &mut Vec<HoldFlag<'e>>,
    ) -> Result<(), HubError> {
        let to = resolve(tx, pay_point, dev_id, &r.to_device)?;
        let claimed_from: Option<String> = tx
            .prepare_cached("SELECT from_device FROM handovers WHERE id = ?1")?
            .query_row([&r.handover], |x| x.get(0))
            .optional()?;
        tx.prepare_cached(
            "INSERT INTO handovers (id, pay_point, period, via, from_device, to_typed, to_device, codes, released_seq, released_event)
             VALUES (?1, ?2, ?3, 'handover', ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (id) DO UPDATE SET to_typed = excluded.to_typed, to_device = excluded.to_device,
                 codes = excluded.codes, released_seq = excluded.released_seq, released_event = excluded.released_event",
        )?
        .execute(params![
            r.handover,
            pay_point,
            r.period.to_string(),
            dev_id,
            r.to_device,
            to,
            json(&r.codes),
            e.seq,
            e.id.to_string()
        ])?;
        let period = r.period.to_string();
        let Some(to) = to else {
            flags.push(HoldFlag {
                event: e,
                kind: HANDOVER_UNKNOWN_DEVICE,
                code: String::new(),
                period,
                detail: format!(
                    "máy {} giao {} người cho máy “{}”, không có máy nào như vậy ở điểm này: những người này chưa ai chi được; giao lại cho đúng máy",
                    short(dev_id), r.codes.len(), r.to_device
                ),
            });
            return Ok(());
        };
        set_holder(tx, pay_point, &r.codes, &to, &r.handover)?;
        if claimed_from.is_none() {
            let grant = HoldGrant {
                handover: r.handover.clone(),
                from_device: dev_id.to_string(),
                to_device: to.clone(),
                released_seq: e.seq,
                period: r.period,
                codes: r.codes.clone(),
                via: GrantVia::Handover,
            };
            let id = self.add_amendment(tx, pay_point, AmendmentKind::HoldGranted(grant))?;
            tx.prepare_cached("UPDATE handovers SET amendment = ?1 WHERE id = ?2")?
                .execute(params![id, r.handover])?;
        } else if claimed_from.as_deref() != Some(dev_id) {
            mismatch(
                tx,
                e,
                &r.handover,
                period,
                "máy giao khác với máy ghi trong tệp",
                flags,
            )?;
            return Ok(());
        }
        check_pair(tx, e, &r.handover, flags)
    }
}

/// A take: its people held by the taking device; checked against the release if that is in, or
/// flagged if the device it names has synced past the release it claims without it.
fn received<'e>(
    tx: &Connection,
    pay_point: &str,
    dev_id: &str,
    e: &'e Event,
    r: &HoldReceived,
    flags: &mut Vec<HoldFlag<'e>>,
) -> Result<(), HubError> {
    let revoked: bool = tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM handovers WHERE id = ?1 AND via = 'revoked')",
        )?
        .query_row([&r.handover], |x| x.get(0))?;
    if revoked {
        // The hub's own grant of a revoked device's people, checked when it was made.
        return Ok(set_holder(tx, pay_point, &r.codes, dev_id, &r.handover)?);
    }
    let release: Option<(String, Option<i64>)> = tx
        .prepare_cached(
            "SELECT from_device, released_seq FROM handovers WHERE id = ?1 AND released_event IS NOT NULL",
        )?
        .query_row([&r.handover], |x| Ok((x.get(0)?, x.get(1)?)))
        .optional()?;
    tx.prepare_cached(
        "INSERT INTO handovers (id, pay_point, period, via, from_device, released_seq, received_device, received_codes, received_event)
         VALUES (?1, ?2, ?3, 'handover', ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (id) DO UPDATE SET received_device = excluded.received_device,
             received_codes = excluded.received_codes, received_event = excluded.received_event",
    )?
    .execute(params![
        r.handover,
        pay_point,
        r.period.to_string(),
        r.from_device,
        r.released_seq,
        dev_id,
        json(&r.codes),
        e.id.to_string()
    ])?;
    set_holder(tx, pay_point, &r.codes, dev_id, &r.handover)?;
    let Some((from, seq)) = release else {
        // The giver has already sent the events past the release the file names, without it.
        let accepted: Option<u64> = tx
            .prepare_cached("SELECT accepted_seq FROM devices WHERE id = ?1 AND pay_point = ?2")?
            .query_row(params![r.from_device, pay_point], |x| x.get(0))
            .optional()?;
        if accepted.is_none_or(|a| a >= r.released_seq) {
            let (id, period) = (r.handover.as_str(), r.period.to_string());
            flag_unmatched(
                tx,
                e,
                id,
                period,
                dev_id,
                &r.from_device,
                r.codes.len(),
                flags,
            )?;
        }
        return Ok(());
    };
    if from != r.from_device || seq != Some(r.released_seq as i64) {
        let why = "máy giao hoặc lần giao ghi trong tệp khác với lần giao máy đó đã gửi";
        return mismatch(tx, e, &r.handover, r.period.to_string(), why, flags);
    }
    check_pair(tx, e, &r.handover, flags)
}

/// Both sides in: they must name the same people, the same taking device and the same release.
fn check_pair<'e>(
    tx: &Connection,
    e: &'e Event,
    id: &str,
    flags: &mut Vec<HoldFlag<'e>>,
) -> Result<(), HubError> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
        Option<String>,
    );
    let row: Row = tx
        .prepare_cached(
            "SELECT period, to_device, codes, received_device, received_codes,
                    released_event IS NOT NULL, checked FROM handovers WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
    let (period, to, codes, taker, taken, released, checked) = row;
    let (Some(codes), Some(taken), true) = (codes, taken, released) else {
        return Ok(());
    };
    if checked.is_some() {
        return Ok(());
    }
    let (mut a, mut b): (Vec<String>, Vec<String>) = (
        serde_json::from_str(&codes).unwrap_or_default(),
        serde_json::from_str(&taken).unwrap_or_default(),
    );
    a.sort();
    b.sort();
    let why = if to != taker {
        Some("máy nhận khác với máy được giao")
    } else if a != b {
        Some("danh sách người nhận khác danh sách người giao")
    } else {
        None
    };
    match why {
        Some(why) => mismatch(tx, e, id, period, why, flags),
        None => {
            tx.prepare_cached("UPDATE handovers SET checked = 'matched' WHERE id = ?1")?
                .execute([id])?;
            Ok(())
        }
    }
}

fn mismatch<'e>(
    tx: &Connection,
    e: &'e Event,
    id: &str,
    period: String,
    why: &str,
    flags: &mut Vec<HoldFlag<'e>>,
) -> Result<(), HubError> {
    tx.prepare_cached("UPDATE handovers SET checked = 'flagged' WHERE id = ?1")?
        .execute([id])?;
    flags.push(HoldFlag {
        event: e,
        kind: HANDOVER_MISMATCH,
        code: String::new(),
        period,
        detail: format!("lần giao người {id}: {why}; kiểm tra hai máy và danh sách đã ký"),
    });
    Ok(())
}

/// Takes that name this device as the giver, for a release this device has now synced past
/// without sending: the file was not made by it.
fn unmatched<'e>(
    tx: &Connection,
    dev_id: &str,
    last: &'e Event,
    flags: &mut Vec<HoldFlag<'e>>,
) -> Result<(), HubError> {
    let rows: Vec<(String, String, String, Option<String>)> = tx
        .prepare_cached(
            "SELECT id, period, coalesce(received_device, ''), received_codes FROM handovers
             WHERE from_device = ?1 AND released_event IS NULL AND received_event IS NOT NULL
               AND checked IS NULL AND released_seq <= ?2",
        )?
        .query_map(params![dev_id, last.seq], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    for (id, period, taker, codes) in rows {
        let n = codes
            .and_then(|c| serde_json::from_str::<Vec<String>>(&c).ok())
            .map_or(0, |c| c.len());
        flag_unmatched(tx, last, &id, period, &taker, dev_id, n, flags)?;
    }
    Ok(())
}

/// A take no release of the device it names matches: the file was not made by that device.
#[allow(clippy::too_many_arguments)]
fn flag_unmatched<'e>(
    tx: &Connection,
    e: &'e Event,
    id: &str,
    period: String,
    taker: &str,
    from: &str,
    people: usize,
    flags: &mut Vec<HoldFlag<'e>>,
) -> Result<(), HubError> {
    tx.prepare_cached("UPDATE handovers SET checked = 'flagged' WHERE id = ?1")?
        .execute([id])?;
    flags.push(HoldFlag {
        event: e,
        kind: HANDOVER_UNMATCHED,
        code: String::new(),
        period,
        detail: format!(
            "máy {} đã nhận {people} người theo lần giao {id} ghi là của máy {}, nhưng máy {} không có lần giao đó: tệp không do máy này viết; kiểm tra ngay hai máy",
            short(taker), short(from), short(from)
        ),
    });
    Ok(())
}

/// The enrolled, not revoked device of the pay point whose id ends with what was typed (only
/// one), other than the giver.
fn resolve(
    tx: &Connection,
    pay_point: &str,
    from: &str,
    typed: &str,
) -> Result<Option<String>, HubError> {
    let typed = typed.trim().to_ascii_lowercase();
    if typed.len() < paypoint::device::SHORT_ID_LEN {
        return Ok(None);
    }
    let ids: Vec<String> = tx
        .prepare_cached(
            "SELECT id FROM devices WHERE pay_point = ?1 AND id != ?2 AND revoked_at IS NULL
               AND substr(id, length(id) - length(?3) + 1) = ?3",
        )?
        .query_map(params![pay_point, from, typed], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok((ids.len() == 1).then(|| ids[0].clone()))
}

fn set_holder(
    tx: &Connection,
    pay_point: &str,
    codes: &[String],
    device: &str,
    handover: &str,
) -> crate::db::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO hub_holds (pay_point, code, device, handover) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (pay_point, code) DO UPDATE SET device = excluded.device, handover = excluded.handover",
    )?;
    for code in codes {
        stmt.execute(params![pay_point, code, device, handover])?;
    }
    Ok(())
}

/// The people this device gave up when it was revoked, each with the device they were given to
/// (none unless it is revoked). Read once for a batch: only revoking the device, a whole-store
/// writer that waits for the batch, changes it.
fn granted_away(tx: &Connection, dev_id: &str) -> crate::db::Result<HashMap<String, String>> {
    tx.prepare_cached(
        "SELECT u.code, d.revoked_to FROM uncertain_people u JOIN devices d ON d.id = u.device
         WHERE u.device = ?1 AND d.revoked_to IS NOT NULL",
    )?
    .query_map(params![dev_id], |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

fn json(codes: &[String]) -> String {
    serde_json::to_string(codes).expect("serialises")
}

impl Hub {
    /// Revokes a lost or broken device: from now on the people it held and had not reported paid
    /// in the pay point's latest period are held by `to` (a signed `hold_granted` it takes at its
    /// next sync), and listed as uncertain. Its events are still taken when it syncs (a payout it
    /// made is money paid): it lets those people go at that sync, and a payout it reports for one
    /// of them is flagged. Run again, it moves whoever it still holds.
    pub fn revoke_device(&self, device: &str, to: &str) -> Result<Revoked, HubError> {
        let mut db = self.db()?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (lost, pay_point, holds_all) = find_device(&tx, device)?;
        let (kept, kept_pp, _) = find_device(&tx, to)?;
        if kept == lost || kept_pp != pay_point {
            return Err(refused(format!(
                "máy nhận phải là một máy khác của điểm chi trả {pay_point}"
            )));
        }
        let revoked: Option<String> = tx.query_row(
            "SELECT revoked_at FROM devices WHERE id = ?1",
            [&kept],
            |r| r.get(0),
        )?;
        if revoked.is_some() {
            return Err(refused(format!("máy {} cũng đã bị thu hồi", short(&kept))));
        }
        let period: Option<String> = tx.query_row(
            "SELECT max(period) FROM rolls WHERE pay_point = ?1 AND published_at IS NOT NULL",
            [&pay_point],
            |r| r.get(0),
        )?;
        let period = period.ok_or_else(|| {
            refused(format!(
                "điểm {pay_point} chưa có danh sách nào được phát hành"
            ))
        })?;
        let moved = held_unpaid(&tx, &pay_point, &period, &lost, holds_all)?;
        let at = now();
        let amendment = if moved.is_empty() {
            None
        } else {
            let handover = Uuid::now_v7().to_string();
            tx.execute(
                "INSERT INTO handovers (id, pay_point, period, via, from_device, to_typed, to_device, codes, released_seq,
                     received_device, received_codes, checked)
                 VALUES (?1, ?2, ?3, 'revoked', ?4, ?5, ?5, ?6, 0, ?5, ?6, 'matched')",
                params![handover, pay_point, period, lost, kept, json(&moved)],
            )?;
            set_holder(&tx, &pay_point, &moved, &kept, &handover)?;
            let mut stmt = tx.prepare(
                "INSERT INTO uncertain_people (pay_point, device, period, code, revoked_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (device, code) DO UPDATE SET pay_point = excluded.pay_point, period = excluded.period, revoked_at = excluded.revoked_at",
            )?;
            for code in &moved {
                stmt.execute(params![pay_point, lost, period, code, at])?;
            }
            let grant = HoldGrant {
                handover,
                from_device: lost.clone(),
                to_device: kept.clone(),
                released_seq: 0,
                period: period
                    .parse::<Period>()
                    .map_err(|e| refused(e.to_string()))?,
                codes: moved.clone(),
                via: GrantVia::Revoked,
            };
            Some(self.add_amendment(&tx, &pay_point, AmendmentKind::HoldGranted(grant))?)
        };
        tx.execute(
            "UPDATE devices SET revoked_at = coalesce(revoked_at, ?1), revoked_to = ?2 WHERE id = ?3",
            params![at, kept, lost],
        )?;
        tx.commit()?;
        Ok(Revoked {
            device: lost,
            to: kept,
            pay_point,
            period,
            moved,
            amendment,
        })
    }

    /// The devices of every pay point (or one), with whom they hold and whether revoked.
    pub fn devices(&self, pay_point: Option<&str>) -> Result<Vec<DeviceRow>, HubError> {
        let db = self.db()?;
        let mut stmt = db.prepare(
            "SELECT id, pay_point, holds_all, accepted_seq, last_sync_at, revoked_at, revoked_to FROM devices
             WHERE CAST(?1 AS TEXT) IS NULL OR pay_point = ?1 ORDER BY pay_point, enrolled_at, id",
        )?;
        let rows = stmt
            .query_map([pay_point], |r| {
                let id: String = r.get(0)?;
                Ok(DeviceRow {
                    short_id: short(&id),
                    id,
                    pay_point: r.get(1)?,
                    holds_all: r.get(2)?,
                    events: r.get(3)?,
                    last_sync_at: r.get(4)?,
                    revoked_at: r.get(5)?,
                    revoked_to: r.get::<_, Option<String>>(6)?.map(|t| short(&t)),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The people revoked devices held and had not reported paid: the commune checks each.
    pub fn uncertain(&self, pay_point: Option<&str>) -> Result<Vec<Uncertain>, HubError> {
        let db = self.db()?;
        let mut stmt = db.prepare(
            "SELECT u.pay_point, u.code, u.period, u.device, u.revoked_at,
                    (SELECT group_concat(p.device) FROM payouts p WHERE p.pay_point = u.pay_point
                       AND p.period = u.period AND p.code = u.code AND p.reversed_by IS NULL),
                    (SELECT json_extract(e.value, '$.name') FROM rolls r, json_each(r.roll, '$.entries') e
                     WHERE r.pay_point = u.pay_point AND r.period = u.period AND r.published_at IS NOT NULL
                       AND json_extract(e.value, '$.code') = u.code ORDER BY r.version DESC LIMIT 1)
             FROM uncertain_people u WHERE CAST(?1 AS TEXT) IS NULL OR u.pay_point = ?1
             ORDER BY u.pay_point, u.code",
        )?;
        let rows = stmt
            .query_map([pay_point], |r| {
                let paid: Option<String> = r.get(5)?;
                Ok(Uncertain {
                    pay_point: r.get(0)?,
                    code: r.get(1)?,
                    period: r.get(2)?,
                    device: short(&r.get::<_, String>(3)?),
                    revoked_at: r.get(4)?,
                    reported_paid_by: paid
                        .map(|p| p.split(',').map(short).collect())
                        .unwrap_or_default(),
                    name: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }
}

/// A device by its id or the end of it (one device only): its id, pay point, and whether it holds
/// everyone by default.
fn find_device(tx: &Connection, typed: &str) -> Result<(String, String, bool), HubError> {
    let typed = typed.trim().to_ascii_lowercase();
    let ids: Vec<(String, String, bool)> = if typed.len() < paypoint::device::SHORT_ID_LEN {
        Vec::new()
    } else {
        tx.prepare(
            "SELECT id, pay_point, holds_all FROM devices WHERE substr(id, length(id) - length(?1) + 1) = ?1",
        )?
        .query_map([&typed], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?
    };
    match ids.len() {
        1 => Ok(ids.into_iter().next().expect("one")),
        0 => Err(refused(format!(
            "không có thiết bị nào mã “{typed}”: xem `paypoint-district devices list`"
        ))),
        _ => Err(refused(format!(
            "mã “{typed}” trùng nhiều thiết bị: ghi đủ mã"
        ))),
    }
}

/// The people of the period's latest roll a device holds and nobody has reported paid.
fn held_unpaid(
    tx: &Connection,
    pay_point: &str,
    period: &str,
    device: &str,
    holds_all: bool,
) -> crate::db::Result<Vec<String>> {
    tx.prepare(
        "SELECT DISTINCT rp.code FROM roll_people rp
         LEFT JOIN hub_holds h ON h.pay_point = rp.pay_point AND h.code = rp.code
         WHERE rp.pay_point = ?1 AND rp.period = ?2
           AND rp.version = (SELECT max(version) FROM roll_people WHERE pay_point = ?1 AND period = ?2)
           AND (h.device = ?3 OR (h.device IS NULL AND ?4))
           AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.pay_point = ?1 AND p.period = ?2
                           AND p.code = rp.code AND p.reversed_by IS NULL)
         ORDER BY rp.code",
    )?
    .query_map(params![pay_point, period, device, holds_all], |r| r.get(0))?
    .collect()
}
