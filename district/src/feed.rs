//! What the hub sends a signed device: its pay point's published roll, the amendments after its
//! cursor, and what the hub holds of it.

use crate::db::{params, Connection, OptionalExtension};
use paypoint::sync::protocol::{AmendmentsResponse, HubStatus};

use crate::{ApiError, DeviceInfo, Hub, Refusal};

/// Amendments per page.
const AMENDMENT_PAGE: usize = 500;

impl Hub {
    /// The signed roll of the device's pay point for a period (latest published version), as JSON.
    pub fn roll_document(
        &self,
        dev: &DeviceInfo,
        pay_point: &str,
        period: &str,
    ) -> Result<String, ApiError> {
        Self::own_pay_point(dev, pay_point)?;
        let db = self.db()?;
        db.query_row(
            "SELECT document FROM rolls WHERE pay_point = ?1 AND period = ?2 AND published_at IS NOT NULL
             ORDER BY version DESC LIMIT 1",
            params![pay_point, period],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .ok_or_else(|| ApiError::new(Refusal::NotFound, format!("đơn vị quản lý chưa phát hành danh sách kỳ {period} cho điểm {pay_point}")))
    }

    /// Amendments of the device's pay point after a cursor.
    pub fn amendments(
        &self,
        dev: &DeviceInfo,
        pay_point: &str,
        after: u64,
    ) -> Result<AmendmentsResponse, ApiError> {
        Self::own_pay_point(dev, pay_point)?;
        // SQLite's integers are i64: a cursor past i64::MAX (no amendment ever gets there) asks
        // for what follows i64::MAX, nothing, instead of failing the query with a 500.
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        let db = self.db()?;
        let mut stmt = db.prepare_cached(
            "SELECT document FROM amendments WHERE pay_point = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
        )?;
        let docs: Vec<String> = stmt
            .query_map(params![pay_point, after, AMENDMENT_PAGE as i64 + 1], |r| {
                r.get(0)
            })?
            .collect::<Result<_, _>>()?;
        let more = docs.len() > AMENDMENT_PAGE;
        let amendments = docs
            .iter()
            .take(AMENDMENT_PAGE)
            .map(|d| serde_json::from_str(d))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::new(Refusal::Internal, e.to_string()))?;
        Ok(AmendmentsResponse { amendments, more })
    }

    /// The device's position at the hub.
    pub fn device_status(&self, dev: &DeviceInfo, pay_point: &str) -> Result<HubStatus, ApiError> {
        Self::own_pay_point(dev, pay_point)?;
        let db = self.db()?;
        let (accepted, head): (u64, String) = db.query_row(
            "SELECT accepted_seq, head_hash FROM devices WHERE id = ?1",
            [dev.id.to_string()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (events, flags): (u64, u64) = db.query_row(
            "SELECT (SELECT count(*) FROM events WHERE pay_point = ?1),
                    (SELECT count(*) FROM flags WHERE pay_point = ?1)",
            [pay_point],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let last = latest_amendment(&db, pay_point)?;
        Ok(HubStatus {
            pay_point: pay_point.to_string(),
            device: dev.id,
            accepted_through: accepted,
            head_hash: head,
            events,
            flags,
            last_amendment: last,
        })
    }
}

/// The sequence number of a pay point's latest amendment (0 before the first).
pub(crate) fn latest_amendment(db: &Connection, pay_point: &str) -> crate::db::Result<u64> {
    db.prepare_cached("SELECT coalesce(max(seq), 0) FROM amendments WHERE pay_point = ?1")?
        .query_row([pay_point], |r| r.get(0))
}
