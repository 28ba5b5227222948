//! A device's batch of events, taken exactly once: verified against the chain, stored, projected
//! into the hub's tables, and checked (stops, second devices, the published roll, anomalies,
//! proof of life); the flags go back in the signed receipt.

use crate::db::{params, Connection, OptionalExtension};
use paypoint::event::payload;
use paypoint::event::{sha256_hex, Event, EventPayload, PayloadError, GENESIS_HASH};
use paypoint::roll::LineKind;
use paypoint::sync::protocol::{BatchFault, Flag, PushBatch, ReceiptBody, Signed};

use crate::db::Value;
use crate::facts::{BatchFacts, Stop, Whom};
use crate::writes::{BatchWrites, EventRow, PayoutRow, Unwritten};
use crate::{anomaly, now, proxy, reconcile, ApiError, DeviceInfo, Hub, Nonce, Refusal};

impl Hub {
    /// Ingests a batch: verifies it whole, applies each new event once, flags what the district
    /// must look at, and answers the signed receipt (the same one for the same batch). A gap is
    /// a 409 with where to resume; a malformed or tampered batch is refused whole (422) and
    /// changes nothing.
    pub fn ingest(
        &self,
        dev: &DeviceInfo,
        pay_point: &str,
        body: &[u8],
    ) -> Result<String, ApiError> {
        self.ingest_telling(dev, pay_point, body, false, None)
    }

    /// [`Hub::ingest`], the receipt also saying the pay point's latest amendment when
    /// `tell_amendments` (a device that asks, so that it pulls after a push only when there is
    /// something to pull). The request's `nonce`, when there is one, is spent in the batch's
    /// transaction.
    pub fn ingest_telling(
        &self,
        dev: &DeviceInfo,
        pay_point: &str,
        body: &[u8],
        tell_amendments: bool,
        nonce: Option<&Nonce>,
    ) -> Result<String, ApiError> {
        Self::own_pay_point(dev, pay_point)?;
        let batch = read_batch(dev, body)?;
        // Rebuilt before the store is locked; chained inside, from the hash the hub holds.
        let mut events = batch.events().map_err(named)?;
        let mut db = self.db()?;
        // Everything a batch writes belongs to its pay point (checked above).
        let tx = db.transaction_for(pay_point)?;
        if let Some(n) = nonce {
            n.spend(&tx)?;
        }
        let dev_id = dev.id.to_string();
        let (accepted, head): (u64, String) = tx
            .prepare_cached("SELECT accepted_seq, head_hash FROM devices WHERE id = ?1")?
            .query_row([&dev_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let start_prev = start_of(&tx, &dev_id, &batch, accepted, &head)?;
        batch.chain(&mut events, &start_prev).map_err(named)?;
        let duplicates = already_held(&tx, &dev_id, &events, accepted)?;
        let fingerprint = fingerprint(&events);
        let seen: Option<(String, String)> = tx
            .prepare_cached("SELECT body_sha256, receipt FROM batches WHERE batch_id = ?1")?
            .query_row([batch.batch_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((sha, receipt)) = seen {
            if sha == fingerprint {
                // Committed for the nonce: the same receipt, the request spent.
                tx.commit()?;
                return Ok(receipt);
            }
            return Err(refuse(format!(
                "lô {} đã được nhận với nội dung khác",
                batch.batch_id
            )));
        }
        let new: Vec<_> = events.iter().filter(|e| e.seq > accepted).collect();
        let received_at = now();
        let flags = self.take_in(&tx, pay_point, &dev_id, &new, &received_at)?;
        // Read after the batch's own holds were written, in the same transaction.
        let amendments_through = if tell_amendments {
            Some(crate::feed::latest_amendment(&tx, pay_point)?)
        } else {
            None
        };
        let (through, head_hash) = match new.last() {
            Some(e) => (e.seq, e.hash.clone()),
            None => (accepted, head),
        };
        tx.prepare_cached(
            "UPDATE devices SET accepted_seq = ?1, head_hash = ?2, last_sync_at = ?3 WHERE id = ?4",
        )?
        .execute(params![through, head_hash, received_at, dev_id])?;
        let receipt = Signed::sign(
            &self.key,
            ReceiptBody {
                batch_id: batch.batch_id,
                device: dev.id,
                pay_point: pay_point.to_string(),
                accepted_through: through,
                head_hash,
                new_events: new.len() as u64,
                duplicate_events: duplicates,
                flags,
                received_at: received_at.clone(),
                amendments_through,
            },
        );
        let text = serde_json::to_string(&receipt).expect("serialises");
        tx.prepare_cached(
            "INSERT INTO batches (batch_id, device, body_sha256, receipt, received_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![batch.batch_id.to_string(), dev_id, fingerprint, text, received_at])?;
        tx.commit()?;
        Ok(text)
    }

    /// Stores the batch's new events, projects each and raises its flags, then the checks that
    /// need the whole batch (a home payout's visit, proof of life). Returns the flags raised.
    fn take_in(
        &self,
        tx: &Connection,
        pay_point: &str,
        dev_id: &str,
        new: &[&Event],
        received_at: &str,
    ) -> Result<Vec<Flag>, ApiError> {
        let mut flags = Vec::new();
        let mut paid = Vec::new();
        let settings = anomaly::Settings::load(tx)?;
        let payloads: Vec<_> = new.iter().map(|e| e.facts()).collect();
        let whom = Whom::of(payloads.iter().filter_map(|p| match p {
            Ok(EventPayload::Payout(p)) => Some(p),
            _ => None,
        }));
        let mut facts = BatchFacts::load(tx, pay_point, dev_id, whom, self.published.clone())?;
        let mut writes = BatchWrites::new(dev_id, pay_point);
        for (e, payload) in new.iter().zip(payloads) {
            writes.event(event_row(e, received_at));
            let mut raiser = Raiser::new(
                tx,
                pay_point,
                e,
                received_at,
                &mut flags,
                &settings,
                &mut paid,
            );
            project(&mut raiser, payload, &mut facts, &mut writes, dev_id)
                .map_err(|u| unwritten(u, new))?;
        }
        writes.flush(tx).map_err(|u| unwritten(u, new))?;
        // Once the whole batch is in: a visit is recorded just after its home payout.
        for (e, p, a) in anomaly::home_payouts_without_visit(tx, dev_id, new)? {
            let period = p.period.to_string();
            Raiser::new(
                tx,
                pay_point,
                e,
                received_at,
                &mut flags,
                &settings,
                &mut paid,
            )
            .raise(a.kind, &p.code, &period, None, a.detail, a.amount)?;
        }
        for f in self.take_holds(tx, pay_point, dev_id, new)? {
            Raiser::new(
                tx,
                pay_point,
                f.event,
                received_at,
                &mut flags,
                &settings,
                &mut paid,
            )
            .raise(f.kind, &f.code, &f.period, None, f.detail, 0)?;
        }
        self.hold_unseen(tx, &settings, pay_point, &paid)?;
        unchecked_shares(tx, &settings, pay_point, new, received_at, &mut flags)?;
        Ok(flags)
    }
}

/// The clerks of the batch's payouts whose share of payouts without an identity check in a period
/// has passed the office's threshold (raised once per clerk and period, on their latest payout).
fn unchecked_shares(
    tx: &Connection,
    settings: &anomaly::Settings,
    pay_point: &str,
    new: &[&Event],
    received_at: &str,
    flags: &mut Vec<Flag>,
) -> Result<(), crate::db::Error> {
    let mut latest: std::collections::BTreeMap<(i64, String), &Event> = Default::default();
    for e in new {
        if let (Some(clerk), Ok(EventPayload::Payout(p))) = (e.clerk, e.facts()) {
            latest.insert((clerk, p.period.to_string()), e);
        }
    }
    for ((clerk, period), e) in latest {
        if let Some(a) = anomaly::check_unchecked_share(tx, settings, pay_point, clerk, &period)? {
            let mut paid = Vec::new();
            Raiser::new(tx, pay_point, e, received_at, flags, settings, &mut paid).raise(
                a.kind,
                "",
                &period,
                Some(format!("clerk:{clerk}")),
                a.detail,
                a.amount,
            )?;
        }
    }
    Ok(())
}

/// The batch of the body, refused unless it is readable and names the device that signed it.
fn read_batch(dev: &DeviceInfo, body: &[u8]) -> Result<PushBatch, ApiError> {
    let batch: PushBatch = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            Refusal::BadRequest,
            format!("lô sự kiện không đọc được: {e}"),
        )
    })?;
    if batch.device != dev.id {
        return Err(refuse(format!(
            "lô ghi thiết bị {}, nhưng được ký bởi thiết bị {}",
            batch.device, dev.id
        )));
    }
    Ok(batch)
}

/// A batch refused whole (422).
fn refuse(m: String) -> ApiError {
    ApiError::new(Refusal::Unprocessable, m)
}

/// A batch refused whole because of one event, named in the answer.
fn refuse_at(seq: u64, m: String) -> ApiError {
    let mut err = refuse(m);
    err.body.event_seq = Some(seq);
    err
}

/// A fault the core found in the batch, as the refusal that names its event.
fn named(f: BatchFault) -> ApiError {
    let mut err = refuse(format!("lô bị từ chối: {}", f.reason));
    err.body.event_seq = f.seq;
    err
}

/// The hash before the batch: continuity from what the hub already accepted. A batch that starts
/// after a gap is refused with where to resume (409).
fn start_of(
    tx: &Connection,
    dev_id: &str,
    batch: &PushBatch,
    accepted: u64,
    head: &str,
) -> Result<String, ApiError> {
    if batch.first_seq > accepted + 1 {
        let mut err = ApiError::new(
            Refusal::Conflict,
            format!(
                "thiếu sự kiện: đơn vị quản lý đã nhận đến số {accepted}, lô bắt đầu từ số {}; gửi lại từ số {}",
                batch.first_seq,
                accepted + 1
            ),
        );
        err.body.resume_from = Some(accepted + 1);
        return Err(err);
    }
    Ok(if batch.first_seq == 1 {
        GENESIS_HASH.to_string()
    } else if batch.first_seq == accepted + 1 {
        head.to_string()
    } else {
        tx.prepare_cached("SELECT hash FROM events WHERE device = ?1 AND seq = ?2")?
            .query_row(params![dev_id, batch.first_seq - 1], |r| r.get(0))?
    })
}

/// How many of the batch's events the hub already holds; refused if any of them differs from
/// the one held (an edited event).
fn already_held(
    tx: &Connection,
    dev_id: &str,
    events: &[Event],
    accepted: u64,
) -> Result<u64, ApiError> {
    let mut duplicates = 0;
    for e in events.iter().filter(|e| e.seq <= accepted) {
        let stored: Option<String> = tx
            .prepare_cached("SELECT hash FROM events WHERE device = ?1 AND seq = ?2")?
            .query_row(params![dev_id, e.seq], |r| r.get(0))
            .optional()?;
        if stored.as_deref() != Some(e.hash.as_str()) {
            return Err(refuse_at(
                e.seq,
                format!(
                    "lô bị từ chối: sự kiện số {} khác với sự kiện đơn vị quản lý đã nhận (đã bị sửa)",
                    e.seq
                ),
            ));
        }
        duplicates += 1;
    }
    Ok(duplicates)
}

/// An event as the `events` table holds it.
fn event_row(e: &Event, received_at: &str) -> EventRow {
    let text = |s: &str| Value::Text(s.to_string());
    EventRow {
        id: e.id.to_string(),
        seq: e.seq,
        rest: [
            text(e.kind.as_str()),
            e.clerk.map_or(Value::Null, Value::Integer),
            text(&e.time),
            text(&paypoint::event::canonical_json(&e.payload)),
            text(&e.prev),
            text(&e.hash),
            text(received_at),
        ],
    }
}

/// The refusal of a batch whose rows could not be written.
fn unwritten(u: Unwritten, events: &[&Event]) -> ApiError {
    match u {
        Unwritten::Store(e) => e.into(),
        Unwritten::Held(seq) => {
            let id = events
                .iter()
                .find(|e| e.seq == seq)
                .map(|e| e.id.to_string())
                .unwrap_or_default();
            refuse_at(
                seq,
                format!("lô bị từ chối: sự kiện số {seq} mang mã {id} đã có ở đơn vị quản lý từ nơi khác"),
            )
        }
    }
}

/// What identifies a batch's content: the hashes of its events.
fn fingerprint(events: &[Event]) -> String {
    let hashes: Vec<&str> = events.iter().map(|e| e.hash.as_str()).collect();
    sha256_hex(hashes.join("\n").as_bytes())
}

/// Projects one new event into the hub's tables and raises its flags. The event's facts are read
/// through the core's typed payloads; an event whose payload does not have its kind's shape is
/// kept (it is in the chain) and flagged for the office, never dropped.
fn project(
    raiser: &mut Raiser<'_>,
    payload: Result<EventPayload, PayloadError>,
    facts: &mut BatchFacts,
    writes: &mut BatchWrites<'_>,
    device: &str,
) -> Result<(), Unwritten> {
    let (tx, e) = (raiser.tx, raiser.event);
    let payload = match payload {
        Ok(f) => f,
        Err(err) => {
            let detail = format!(
                "sự kiện số {} của thiết bị: {err}; kiểm tra thiết bị",
                e.seq
            );
            return Ok(raiser.raise("unreadable_payload", "", "", None, detail, 0)?);
        }
    };
    match payload {
        EventPayload::Payout(p) => {
            let row = project_payout(device, &p, raiser, facts)?;
            facts.paid(row.clone(), raiser.settings.max_payouts_per_minute);
            writes.payout(row);
            raiser.paid.push((p.code, p.period));
        }
        EventPayload::Reversal(r) => {
            // The payout reversed may be one of the batch's, and the check counts the reversals
            // written: the batch's rows go in first.
            writes.flush(tx)?;
            facts.payouts_changed();
            tx.prepare_cached(
                "UPDATE payouts SET reversed_by = ?1 WHERE id = ?2 AND reversed_by IS NULL",
            )?
            .execute(params![e.id.to_string(), r.payout])?;
            facts.reversed(&r.payout);
            let period = r.period.to_string();
            let (pp, amount) = (raiser.pay_point, r.amount.as_i64());
            let settings = raiser.settings;
            if let Some(a) = anomaly::check_reversals(tx, settings, pp, e.clerk, &period, amount)? {
                raiser.raise(a.kind, &r.code, &period, None, a.detail, a.amount)?;
            }
        }
        EventPayload::CashCount(c) => {
            if let Some(a) = anomaly::check_cash_count(raiser.settings, c.difference.as_i64()) {
                raiser.raise(a.kind, "", "", None, a.detail, a.amount)?;
            }
        }
        EventPayload::AccountRequested(a) => {
            writes.flush(tx)?;
            crate::account::record(tx, raiser.pay_point, device, e, &a)?;
        }
        EventPayload::Stop(s) => {
            let source = format!("device:{device}");
            tx.prepare_cached(
                "INSERT INTO stops (pay_point, code, reason, date, source) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
            )?
            .execute(params![raiser.pay_point, s.code, s.reason.as_str(), s.date, source])?;
            let stop = Stop {
                reason: s.reason.as_str().to_string(),
                date: s.date.clone(),
                source,
            };
            facts.stopped(&s.code, stop);
        }
        _ => {}
    }
    Ok(())
}

/// Raises the flags of the event being projected: stored, and returned in the batch's receipt.
struct Raiser<'a> {
    tx: &'a Connection,
    pay_point: &'a str,
    event: &'a paypoint::event::Event,
    at: &'a str,
    flags: &'a mut Vec<Flag>,
    /// The office's thresholds for the anomaly checks.
    settings: &'a anomaly::Settings,
    /// The people and periods of the batch's payouts, for the proof-of-life check once the
    /// batch is in.
    paid: &'a mut Vec<(String, paypoint::Period)>,
}

impl<'a> Raiser<'a> {
    fn new(
        tx: &'a Connection,
        pay_point: &'a str,
        event: &'a Event,
        at: &'a str,
        flags: &'a mut Vec<Flag>,
        settings: &'a anomaly::Settings,
        paid: &'a mut Vec<(String, paypoint::Period)>,
    ) -> Raiser<'a> {
        Raiser {
            tx,
            pay_point,
            event,
            at,
            flags,
            settings,
            paid,
        }
    }

    /// One flag: its kind, the person and period, the other record involved, the explanation
    /// and the money at stake.
    fn raise(
        &mut self,
        kind: &str,
        code: &str,
        period: &str,
        other: Option<String>,
        detail: String,
        amount: i64,
    ) -> Result<(), crate::db::Error> {
        let event = self.event.id;
        self.tx
            .prepare_cached(
                "INSERT INTO flags (pay_point, kind, code, period, event_id, other, detail, created_at, amount)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![self.pay_point, kind, code, period, event.to_string(), other, detail, self.at, amount])?;
        self.flags.push(Flag {
            kind: kind.to_string(),
            code: code.to_string(),
            period: period.to_string(),
            event,
            other,
            detail,
            amount: paypoint::Dong::new(amount).ok(),
        });
        Ok(())
    }
}

/// A payout: checked, and flagged when it was made after a stop or on a second device. Returns
/// its row, for the caller to write.
fn project_payout(
    device: &str,
    p: &payload::Payout,
    raiser: &mut Raiser<'_>,
    facts: &mut BatchFacts,
) -> Result<PayoutRow, crate::db::Error> {
    let (tx, e) = (raiser.tx, raiser.event);
    let (code, period, amount) = (p.code.as_str(), p.period.to_string(), p.amount.as_i64());
    // A funeral allowance (mai táng phí) is payable after a death: only the other lines a stop
    // blocks make a payout after it a fact to recover. A line without its kind (a device before
    // the kinds were sent) counts as blocked.
    let blocked: i64 = p
        .lines
        .iter()
        .filter(|l| l.kind.is_none_or(LineKind::blocked_by_stop))
        .map(|l| l.amount.as_i64())
        .sum();
    if let Some(Stop {
        reason,
        date,
        source,
    }) = facts.stop(code).filter(|_| blocked > 0)
    {
        raiser.raise(
            "paid_after_stop",
            code,
            &period,
            Some(format!("stop:{source}")),
            format!(
                "chi {amount} đ cho {code} đã bị báo giảm ({reason}{}), trong đó {blocked} đ không phải mai táng phí: kiểm tra và thu hồi",
                date.as_ref().map(|d| format!(", ngày {d}")).unwrap_or_default()
            ),
            blocked,
        )?;
    }
    if let Some(other) = facts.other_payout(tx, &period, code)? {
        let other_dev = other.device.clone();
        raiser.raise(
            "paid_by_two_devices",
            code,
            &period,
            Some(other.id.clone()),
            format!("{code} được chi kỳ {period} trên hai thiết bị ({other_dev} và {device}); thu hồi một lần chi"),
            amount,
        )?;
    }
    // Every line against the rolls the office published.
    let published = facts.published(tx, &period)?;
    for line in &p.lines {
        if let Some(f) = reconcile::check_line(published, &period, code, line, &e.time) {
            raiser.raise(f.kind, code, &period, None, f.detail, f.amount)?;
        }
    }
    let person = published.person(code);
    for a in anomaly::check_payout(tx, facts, raiser.settings, e, p, person)? {
        raiser.raise(a.kind, code, &period, None, a.detail, a.amount)?;
    }
    identity_checks(raiser, p)?;
    Ok(PayoutRow {
        id: e.id.to_string(),
        period,
        code: code.to_string(),
        amount,
        paid_at: e.time.clone(),
        proxy_id_card: p.proxy_id_card.clone(),
        at_home: p.at_home,
        clerk: e.clerk,
        id_check: p
            .id_check
            .as_ref()
            .map(|c| paypoint::idcard::IdCheck::method(c).to_string()),
    })
}

/// A proxy added at the counter is listed for the office; a payout to a proxy the office refused
/// for this person is flagged.
fn identity_checks(raiser: &mut Raiser<'_>, p: &payload::Payout) -> Result<(), crate::db::Error> {
    let (tx, pay_point, e) = (raiser.tx, raiser.pay_point, raiser.event);
    if let Some(a) = &p.proxy_added_at_counter {
        proxy::record(tx, pay_point, &e.id.to_string(), &e.time, p, a)?;
    }
    let Some(id) = p.proxy_id_card.as_deref() else {
        return Ok(());
    };
    if proxy::was_refused(tx, pay_point, &p.code, id)? {
        let amount = p.amount.as_i64();
        let detail = format!(
            "chi {amount} đ cho người nhận thay (CCCD …{}) của {} mà đơn vị quản lý đã từ chối: kiểm tra và thu hồi",
            anomaly::last4(id),
            p.code
        );
        raiser.raise(
            proxy::REFUSED_PROXY,
            &p.code,
            &p.period.to_string(),
            None,
            detail,
            amount,
        )?;
    }
    Ok(())
}
