//! Who may talk to the hub: a device's enrolment with a one-time code, and the signature every
//! request carries (timestamp window, single-use nonce, ed25519 over the request).

use crate::db::{params, Connection, OptionalExtension, TransactionBehavior};
use ed25519_dalek::VerifyingKey;
use paypoint::event::sha256_hex;
use paypoint::sync::protocol::{self, EnrolRequest, EnrolResponse, MAX_CLOCK_SKEW_SECS};
use std::sync::atomic::Ordering;
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

/// How often a node forgets old nonces ([`Hub::forget_old_nonces`]); they are kept for twice the
/// clock window at least, and at most this much longer.
const NONCES_FORGOTTEN_EVERY_SECS: i64 = 60;

/// A request's single-use nonce, checked for shape but not yet spent. A request that writes
/// spends it in its own transaction ([`Nonce::spend`]): one commit, so one flush to disk, per push
/// instead of two (what a hub on a slow disk waits for; on the 2-core bench machine the payday
/// peak is bound by the cores and it measured no different, BENCHMARKS.md). [`Hub::spending`]
/// spends it alone when the request writes nothing or is refused: every signed request spends its
/// nonce, whatever its answer, so no request is ever taken twice.
#[derive(Debug, Clone)]
pub struct Nonce {
    device: String,
    nonce: String,
    ts: i64,
}

impl Nonce {
    /// Records the nonce in `db`'s transaction; refused as a replay when it was already spent.
    pub(crate) fn spend(&self, db: &Connection) -> Result<(), ApiError> {
        let fresh = db
            .prepare_cached(
                "INSERT INTO nonces (device, nonce, ts) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            )?
            .execute(params![self.device, self.nonce, self.ts])?;
        if fresh == 0 {
            return Err(ApiError::new(
                Refusal::Unauthenticated,
                "yêu cầu phát lại: số dùng một lần đã được dùng",
            ));
        }
        Ok(())
    }
}

impl Hub {
    /// Checks a request's signature and clock; returns the device and the request's nonce, which
    /// the caller spends ([`Hub::spending`]). The device's key is read under the store's lock and
    /// the signature checked after it is released: the store is not held for arithmetic.
    pub fn authenticate(
        &self,
        method: &str,
        path_and_query: &str,
        auth: &RequestAuth,
        body: &[u8],
    ) -> Result<(DeviceInfo, Nonce), ApiError> {
        let device = Uuid::parse_str(auth.device.trim()).map_err(|_| {
            ApiError::new(
                Refusal::Unauthenticated,
                "thiếu hoặc sai mã thiết bị (X-Paypoint-Device)",
            )
        })?;
        let row: Option<(String, String)> = self
            .db()?
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
        let nonce = Self::check_signature(&key, device, method, path_and_query, auth, body)?;
        let dev = DeviceInfo {
            id: device,
            pay_point,
        };
        Ok((dev, nonce))
    }

    /// Runs `f`, which spends `nonce` in the transaction of what it writes; when `f` writes
    /// nothing (`spent` false) or refuses (its transaction rolled back), the nonce is spent
    /// alone, in its own commit.
    pub fn spending<T>(
        &self,
        nonce: &Nonce,
        spent: bool,
        f: impl FnOnce() -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.forget_old_nonces()?;
        if !spent {
            nonce.spend(&*self.db()?)?;
            return f();
        }
        f().inspect_err(|_| {
            // Spent alone after a refusal; if even that fails (a replay that won the race, the
            // store gone), the refusal already says the request was not taken.
            if let Ok(db) = self.db() {
                let _ = nonce.spend(&db);
            }
        })
    }

    /// Forgets the nonces past twice the clock window (a request that old is refused for its
    /// timestamp), at most once every [`NONCES_FORGOTTEN_EVERY_SECS`] on this node, in its own
    /// commit: never inside a batch's transaction, where on PostgreSQL two batches deleting the
    /// same old rows would wait for each other a whole batch long.
    fn forget_old_nonces(&self) -> Result<(), ApiError> {
        let now = chrono::Utc::now().timestamp();
        let last = self.nonces_forgotten_at.load(Ordering::Relaxed);
        let due = now - last >= NONCES_FORGOTTEN_EVERY_SECS;
        if due
            && self
                .nonces_forgotten_at
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            self.db()?
                .prepare_cached("DELETE FROM nonces WHERE ts < ?1")?
                .execute([now - 2 * MAX_CLOCK_SKEW_SECS])?;
        }
        Ok(())
    }

    /// The request's signature and clock, checked; its nonce, for the caller to spend.
    pub(crate) fn check_signature(
        key: &VerifyingKey,
        device: Uuid,
        method: &str,
        path_and_query: &str,
        auth: &RequestAuth,
        body: &[u8],
    ) -> Result<Nonce, ApiError> {
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
        Ok(Nonce {
            device: device.to_string(),
            nonce: nonce.to_string(),
            ts,
        })
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
        let nonce = Self::check_signature(&key, req.device, method, path_and_query, auth, body)?;
        self.spending(&nonce, true, || self.enrolled(&req, &nonce))
    }

    /// The enrolment of a request whose signature was checked, its nonce spent with it.
    fn enrolled(&self, req: &EnrolRequest, nonce: &Nonce) -> Result<EnrolResponse, ApiError> {
        let mut db = self.db()?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        nonce.spend(&tx)?;
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
