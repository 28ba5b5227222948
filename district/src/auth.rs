//! Who may talk to the hub: a device's enrolment with a one-time code, and the signature every
//! request carries (timestamp window, single-use nonce, ed25519 over the request).

use crate::db::{params, Connection, OptionalExtension, TransactionBehavior};
use ed25519_dalek::VerifyingKey;
use paypoint::event::sha256_hex;
use paypoint::sync::protocol::{self, EnrolRequest, EnrolResponse, MAX_CLOCK_SKEW_SECS};
use uuid::Uuid;

use crate::{now, ApiError, Hub, Refusal};

/// The signature headers of a request.
#[derive(Debug, Clone, Default)]
pub struct RequestAuth {
    /// `X-Paypoint-Device`.
    pub device: String,
    /// `X-Paypoint-Timestamp`.
    pub timestamp: String,
    /// `X-Paypoint-Nonce`.
    pub nonce: String,
    /// `X-Paypoint-Signature`.
    pub signature: String,
}

/// An authenticated device.
#[derive(Debug, Clone)]
pub struct DeviceInfo {
    /// Its id.
    pub id: Uuid,
    /// Its pay point.
    pub pay_point: String,
}

impl Hub {
    /// Checks a request's signature, clock and nonce; returns the device. The nonce is recorded
    /// (in its own commit) so that the same request is never accepted twice.
    pub fn authenticate(
        &self,
        method: &str,
        path_and_query: &str,
        auth: &RequestAuth,
        body: &[u8],
    ) -> Result<DeviceInfo, ApiError> {
        let device = Uuid::parse_str(auth.device.trim()).map_err(|_| {
            ApiError::new(
                Refusal::Unauthenticated,
                "thiếu hoặc sai mã thiết bị (X-Paypoint-Device)",
            )
        })?;
        let db = self.db()?;
        let row: Option<(String, String)> = db
            .prepare_cached("SELECT pay_point, public_key FROM devices WHERE id = ?1")?
            .query_row([device.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((pay_point, key)) = row else {
            return Err(ApiError::new(
                Refusal::Unauthenticated,
                "thiết bị chưa đăng ký với đơn vị quản lý",
            ));
        };
        let key =
            protocol::parse_public_key(&key).map_err(|e| ApiError::new(Refusal::Internal, e))?;
        Self::check_signature(&db, &key, device, method, path_and_query, auth, body)?;
        Ok(DeviceInfo {
            id: device,
            pay_point,
        })
    }

    pub(crate) fn check_signature(
        db: &Connection,
        key: &VerifyingKey,
        device: Uuid,
        method: &str,
        path_and_query: &str,
        auth: &RequestAuth,
        body: &[u8],
    ) -> Result<(), ApiError> {
        let ts: i64 = auth.timestamp.trim().parse().map_err(|_| {
            ApiError::new(
                Refusal::Unauthenticated,
                "thiếu hoặc sai thời điểm ký (X-Paypoint-Timestamp)",
            )
        })?;
        let now = chrono::Utc::now().timestamp();
        if (now - ts).abs() > MAX_CLOCK_SKEW_SECS {
            return Err(ApiError::new(Refusal::Unauthenticated,
                format!(
                    "thời điểm ký lệch {} giây so với đồng hồ của đơn vị quản lý (tối đa {MAX_CLOCK_SKEW_SECS}): kiểm tra đồng hồ máy",
                    ts - now
                ),
            ));
        }
        let nonce = auth.nonce.trim();
        if nonce.len() < 16 || nonce.len() > 64 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ApiError::new(
                Refusal::Unauthenticated,
                "thiếu hoặc sai số dùng một lần (X-Paypoint-Nonce)",
            ));
        }
        protocol::verify_request(
            key,
            method,
            path_and_query,
            ts,
            nonce,
            body,
            &auth.signature,
        )
        .map_err(|e| ApiError::new(Refusal::Unauthenticated, e))?;
        db.prepare_cached("DELETE FROM nonces WHERE ts < ?1")?
            .execute([now - 2 * MAX_CLOCK_SKEW_SECS])?;
        let fresh = db
            .prepare_cached(
                "INSERT INTO nonces (device, nonce, ts) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?
            .execute(params![device.to_string(), nonce, ts])?;
        if fresh == 0 {
            return Err(ApiError::new(
                Refusal::Unauthenticated,
                "yêu cầu phát lại: số dùng một lần đã được dùng",
            ));
        }
        Ok(())
    }

    /// Enrols a device with a one-time code. The request is signed with the key it registers.
    pub fn enrol(
        &self,
        method: &str,
        path_and_query: &str,
        auth: &RequestAuth,
        body: &[u8],
    ) -> Result<EnrolResponse, ApiError> {
        let req: EnrolRequest = serde_json::from_slice(body).map_err(|e| {
            ApiError::new(
                Refusal::BadRequest,
                format!("yêu cầu đăng ký không đọc được: {e}"),
            )
        })?;
        if auth.device.trim() != req.device.to_string() {
            return Err(ApiError::new(
                Refusal::Unauthenticated,
                "mã thiết bị trong tiêu đề và trong yêu cầu khác nhau",
            ));
        }
        let key = protocol::parse_public_key(&req.public_key)
            .map_err(|e| ApiError::new(Refusal::BadRequest, e))?;
        let mut db = self.db()?;
        Self::check_signature(&db, &key, req.device, method, path_and_query, auth, body)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let hash = sha256_hex(req.code.trim().to_ascii_uppercase().as_bytes());
        let row: Option<(String, i64, Option<String>)> = tx
            .query_row(
                "SELECT pay_point, expires_at, used_by FROM enrol_codes WHERE code_sha256 = ?1",
                [&hash],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((pay_point, expires, used_by)) = row else {
            return Err(ApiError::new(Refusal::Forbidden, "mã đăng ký không đúng"));
        };
        if let Some(by) = used_by {
            if by != req.device.to_string() {
                return Err(ApiError::new(Refusal::Forbidden, "mã đăng ký đã được dùng"));
            }
        }
        if expires < chrono::Utc::now().timestamp() {
            return Err(ApiError::new(
                Refusal::Forbidden,
                "mã đăng ký đã hết hạn: xin đơn vị quản lý mã mới",
            ));
        }
        if pay_point != req.pay_point {
            return Err(ApiError::new(
                Refusal::Forbidden,
                format!(
                    "mã đăng ký dành cho điểm chi trả {pay_point}, sổ của thiết bị là của {}",
                    req.pay_point
                ),
            ));
        }
        let name: String = tx.query_row(
            "SELECT name FROM pay_points WHERE code = ?1",
            [&pay_point],
            |r| r.get(0),
        )?;
        let existing: Option<(String, String, u64)> = tx
            .query_row(
                "SELECT pay_point, public_key, accepted_seq FROM devices WHERE id = ?1",
                [req.device.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let accepted = match existing {
            Some((pp, k, seq)) if pp == pay_point && k == req.public_key => seq,
            Some(_) => {
                return Err(ApiError::new(
                    Refusal::Conflict,
                    "thiết bị này đã đăng ký với khóa khác",
                ))
            }
            None => {
                tx.execute(
                    "INSERT INTO devices (id, pay_point, public_key, enrolled_at) VALUES (?1, ?2, ?3, ?4)",
                    params![req.device.to_string(), pay_point, req.public_key, now()],
                )?;
                0
            }
        };
        tx.execute(
            "UPDATE enrol_codes SET used_by = ?1, used_at = ?2 WHERE code_sha256 = ?3",
            params![req.device.to_string(), now(), hash],
        )?;
        let other_devices = tx
            .prepare(
                "SELECT id FROM devices WHERE pay_point = ?1 AND id != ?2 AND revoked_at IS NULL ORDER BY enrolled_at",
            )?
            .query_map(params![pay_point, req.device.to_string()], |r| r.get::<_, String>(0))?
            .filter_map(|id| id.ok().and_then(|id| Uuid::parse_str(&id).ok()))
            .collect();
        tx.commit()?;
        Ok(EnrolResponse {
            pay_point,
            pay_point_name: name,
            hub_public_key: self.public_key_hex(),
            accepted_through: accepted,
            other_devices,
        })
    }

    pub(crate) fn own_pay_point(dev: &DeviceInfo, pay_point: &str) -> Result<(), ApiError> {
        if dev.pay_point != pay_point {
            return Err(ApiError::new(
                Refusal::Forbidden,
                format!(
                    "thiết bị thuộc điểm chi trả {}, không được truy cập điểm {pay_point}",
                    dev.pay_point
                ),
            ));
        }
        Ok(())
    }
}
