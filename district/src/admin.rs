//! What the managing office does at the hub: pay points, rolls and their publication, enrolment
//! codes, stops reported at the office, proof-of-life holds and their confirmation, settings.

use std::path::Path;

use crate::db::{params, Connection, OptionalExtension, TransactionBehavior};
use paypoint::event::sha256_hex;
use paypoint::roll::Roll;
use paypoint::sync::protocol::{Amendment, AmendmentKind, RollDocument, Signed};
use paypoint::Period;

use crate::office::Office;
use crate::{anomaly, life, now, reconcile, refused, ApiError, Hub, HubError};

/// Everything `paypoint-district settings` shows: the thresholds and the office's names.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct HubSettings {
    /// The anomaly checks' thresholds.
    #[serde(flatten)]
    pub thresholds: anomaly::Settings,
    /// The office's names.
    #[serde(flatten)]
    pub office: Office,
}

/// How long an enrolment code is valid.
pub const ENROL_CODE_TTL_SECS: i64 = 7 * 24 * 3600;

impl Hub {
    /// Adds a pay point.
    pub fn add_pay_point(&self, code: &str, name: &str) -> Result<(), HubError> {
        let code = code.trim();
        let name = paypoint::text::clean(name);
        if code.is_empty() || code.chars().count() > 32 || code.chars().any(char::is_control) {
            return Err(refused(format!("mã điểm chi trả “{code}” không hợp lệ")));
        }
        if name.is_empty() {
            return Err(refused("cần tên điểm chi trả"));
        }
        let db = self.db()?;
        let n = db.execute(
            "INSERT INTO pay_points (code, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
            params![code, name, now()],
        )?;
        if n == 0 {
            return Err(refused(format!("điểm chi trả {code} đã có")));
        }
        Ok(())
    }

    pub(crate) fn require_pay_point(db: &Connection, code: &str) -> Result<String, HubError> {
        db.query_row("SELECT name FROM pay_points WHERE code = ?1", [code], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or_else(|| {
            refused(format!(
                "không có điểm chi trả “{code}”: thêm bằng `paypoint add`"
            ))
        })
    }

    /// Stores a roll for a pay point and period as the next version (not yet published).
    /// Returns the version.
    pub fn store_roll(&self, pay_point: &str, roll: &Roll, source: &str) -> Result<u32, HubError> {
        let roll = roll.normalised();
        roll.validate().map_err(|e| refused(e.to_string()))?;
        let total = roll.total().map_err(|e| refused(e.to_string()))?;
        let mut db = self.db()?;
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let p = roll.period.to_string();
        let version: u32 = tx.query_row(
            "SELECT coalesce(max(version), 0) + 1 FROM rolls WHERE pay_point = ?1 AND period = ?2",
            params![pay_point, p],
            |r| r.get(0),
        )?;
        let mut roll = Roll { version, ..roll };
        crate::proxy::apply_confirmed(&tx, pay_point, &mut roll)?;
        tx.execute(
            "INSERT INTO rolls (pay_point, period, version, roll, total, beneficiaries, source, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                pay_point,
                p,
                version,
                serde_json::to_string(&roll).expect("serialises"),
                total.as_i64(),
                roll.entries.len() as u64,
                source,
                now()
            ],
        )?;
        tx.commit()?;
        Ok(version)
    }

    /// Reads a district roll file with the core's importer and stores it.
    pub fn import_roll(
        &self,
        pay_point: &str,
        period: Period,
        file: &Path,
    ) -> Result<(u32, paypoint::import::ImportPreview), HubError> {
        let preview = paypoint::import::read_roll(
            file,
            &paypoint::import::ImportOptions {
                period,
                encoding: paypoint::import::EncodingChoice::Auto,
            },
        )
        .map_err(|e| HubError::Import(Box::new(e)))?;
        let v = self.store_roll(pay_point, &preview.roll, &preview.file)?;
        Ok((v, preview))
    }

    /// Reads an uploaded roll file (its type from `file_name`'s extension) with the core's
    /// importer and stores it, as [`Hub::import_roll`] does for a file on the server's disk. The
    /// bytes are written to a private temporary file for the importer and removed after.
    pub fn import_roll_bytes(
        &self,
        pay_point: &str,
        period: Period,
        file_name: &str,
        bytes: &[u8],
    ) -> Result<(u32, paypoint::import::ImportPreview), HubError> {
        let name = Path::new(file_name)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("danh-sach")
            .to_string();
        Path::new(&name)
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .filter(|e| ["csv", "xlsx", "xls", "ods"].contains(&e.as_str()))
            .ok_or_else(|| {
                refused(format!(
                    "tệp “{name}”: cần danh sách dạng .xlsx, .xls, .ods hoặc .csv"
                ))
            })?;
        let dir = std::env::temp_dir().join(format!(
            "paypoint-upload-{}",
            &crate::staff::random_token()[..16]
        ));
        std::fs::create_dir(&dir)
            .map_err(|e| refused(format!("không tạo được thư mục tạm: {e}")))?;
        // Under the office's own name, so that every problem the importer finds names its file.
        let path = dir.join(&name);
        let read = std::fs::write(&path, bytes)
            .map_err(|e| refused(format!("không ghi được tệp tạm: {e}")))
            .and_then(|()| {
                paypoint::import::read_roll(
                    &path,
                    &paypoint::import::ImportOptions {
                        period,
                        encoding: paypoint::import::EncodingChoice::Auto,
                    },
                )
                .map_err(|e| HubError::Import(Box::new(e)))
            });
        let _ = std::fs::remove_dir_all(&dir);
        let preview = read?;
        let v = self.store_roll(pay_point, &preview.roll, &name)?;
        Ok((v, preview))
    }

    /// Signs and publishes the latest version of a pay point's roll for a period, and tells its
    /// devices to pull it. Publishing the same version again changes nothing.
    pub fn publish_roll(&self, pay_point: &str, period: Period) -> Result<u32, HubError> {
        let mut db = self.db()?;
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let p = period.to_string();
        let row: Option<(i64, u32, String, Option<String>)> = tx
            .query_row(
                "SELECT id, version, roll, published_at FROM rolls WHERE pay_point = ?1 AND period = ?2
                 ORDER BY version DESC LIMIT 1",
                params![pay_point, p],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((id, version, roll, published)) = row else {
            return Err(refused(format!(
                "điểm {pay_point} chưa có danh sách kỳ {p}: nạp bằng `roll import` trước"
            )));
        };
        if published.is_some() {
            return Ok(version);
        }
        let roll: Roll = serde_json::from_str(&roll).map_err(|e| refused(e.to_string()))?;
        reconcile::record_published_lines(&tx, pay_point, version, &roll)?;
        let at = now();
        let by_account = crate::account::marks(&tx, pay_point, period)?;
        let doc = Signed::sign(
            &self.key,
            RollDocument {
                pay_point: pay_point.to_string(),
                version,
                published_at: at.clone(),
                roll,
                by_account,
            },
        );
        tx.execute(
            "UPDATE rolls SET document = ?1, published_at = ?2 WHERE id = ?3",
            params![serde_json::to_string(&doc).expect("serialises"), at, id],
        )?;
        self.add_amendment(
            &tx,
            pay_point,
            AmendmentKind::RollPublished { period: p, version },
        )?;
        tx.commit()?;
        Ok(version)
    }

    /// Publishes a rate table (a new decree's amounts, in the form of
    /// `assets/policy/nd-77-2024.json`) to every pay point: checked by the core's own reader,
    /// signed as an amendment of each pay point's stream. Devices record it at their next sync;
    /// one that already has it (loaded by hand) skips it. Returns the table and the pay points.
    pub fn publish_policy(
        &self,
        file: &Path,
    ) -> Result<(paypoint::policy::PolicyTable, Vec<String>), HubError> {
        let table = paypoint::policy::read_file(file).map_err(|e| refused(e.to_string()))?;
        let text = paypoint::event::canonical_json(&table.to_file_json());
        let mut db = self.db()?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let pay_points: Vec<String> = tx
            .prepare("SELECT code FROM pay_points ORDER BY code")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for pp in &pay_points {
            let change = AmendmentKind::PolicyPublished {
                table: text.clone(),
            };
            self.add_amendment(&tx, pp, change)?;
        }
        tx.commit()?;
        Ok((table, pay_points))
    }

    pub(crate) fn add_amendment(
        &self,
        tx: &Connection,
        pay_point: &str,
        change: AmendmentKind,
    ) -> Result<u64, HubError> {
        let seq: u64 = tx.query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM amendments WHERE pay_point = ?1",
            [pay_point],
            |r| r.get(0),
        )?;
        let at = now();
        let doc = Signed::sign(
            &self.key,
            Amendment {
                id: seq,
                pay_point: pay_point.to_string(),
                created_at: at.clone(),
                change,
            },
        );
        tx.execute(
            "INSERT INTO amendments (pay_point, seq, document, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                pay_point,
                seq,
                serde_json::to_string(&doc).expect("serialises"),
                at
            ],
        )?;
        Ok(seq)
    }

    /// Issues a one-time enrolment code for a pay point (valid 7 days). Only its hash is kept.
    pub fn enrol_code(&self, pay_point: &str) -> Result<String, HubError> {
        let db = self.db()?;
        Self::require_pay_point(&db, pay_point)?;
        // 12 characters from an alphabet without look-alikes (no 0/O, 1/I/L).
        const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
        let code: String = (0..12)
            .map(|_| ALPHABET[rand::random::<usize>() % ALPHABET.len()] as char)
            .collect();
        db.execute(
            "INSERT INTO enrol_codes (code_sha256, pay_point, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
            params![
                sha256_hex(code.as_bytes()),
                pay_point,
                now(),
                chrono::Utc::now().timestamp() + ENROL_CODE_TTL_SECS
            ],
        )?;
        Ok(code)
    }

    /// Records a stop reported at the district and sends it to the pay point's devices. Returns
    /// the amendment's id.
    pub fn record_stop(
        &self,
        pay_point: &str,
        code: &str,
        reason: &str,
        date: Option<chrono::NaiveDate>,
        note: &str,
    ) -> Result<u64, HubError> {
        if paypoint::stop::StopReason::parse(reason).is_none() {
            return Err(refused(format!(
                "lý do “{reason}” không hợp lệ: death, moved hoặc other"
            )));
        }
        let code = paypoint::BeneficiaryCode::new(code)
            .ok_or_else(|| refused(format!("mã đối tượng “{code}” không hợp lệ")))?;
        let mut db = self.db()?;
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let date = date.map(|d| d.to_string());
        tx.execute(
            "INSERT INTO stops (pay_point, code, reason, date, source) VALUES (?1, ?2, ?3, ?4, 'district') ON CONFLICT DO NOTHING",
            params![pay_point, code.as_str(), reason, date],
        )?;
        let id = self.add_amendment(
            &tx,
            pay_point,
            AmendmentKind::Stop {
                code: code.to_string(),
                reason: reason.to_string(),
                date,
                note: paypoint::text::clean(note),
            },
        )?;
        tx.commit()?;
        Ok(id)
    }

    /// The stops known to the office, of one pay point or all: recorded here, or reported by a
    /// pay point's device (`source` `district` or `device:ID`).
    pub fn stops(&self, pay_point: Option<&str>) -> Result<Vec<StopRow>, HubError> {
        let db = self.db()?;
        let rows = db
            .prepare_cached(
                "SELECT pay_point, code, reason, date, source FROM stops
                 WHERE CAST(?1 AS TEXT) IS NULL OR pay_point = ?1 ORDER BY pay_point, code",
            )?
            .query_map([pay_point], |r| {
                let source: String = r.get(4)?;
                Ok(StopRow {
                    pay_point: r.get(0)?,
                    code: r.get(1)?,
                    reason: r.get(2)?,
                    date: r.get(3)?,
                    by_office: source == "district",
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// Holds "to be confirmed" the people of the batch's payouts who have now been paid only
    /// through a proxy or at home for the office's number of periods, and tells the pay point.
    pub(crate) fn hold_unseen(
        &self,
        tx: &Connection,
        settings: &anomaly::Settings,
        pay_point: &str,
        paid: &[(String, Period)],
    ) -> Result<(), ApiError> {
        for (code, periods) in life::new_holds(tx, settings, pay_point, paid)? {
            let change = AmendmentKind::LifeHold {
                code: code.clone(),
                periods: periods.iter().map(Period::to_string).collect(),
            };
            let amendment = self.add_amendment(tx, pay_point, change)?;
            life::record_hold(tx, pay_point, &code, &periods, amendment, &now())?;
        }
        Ok(())
    }

    /// The office confirms a person held "to be confirmed" (seen alive, papers checked): the
    /// hold is lifted at the pay point's next sync. Returns the amendment's id.
    pub fn confirm(&self, pay_point: &str, code: &str, note: &str) -> Result<u64, HubError> {
        let note = paypoint::text::clean(note);
        if note.is_empty() {
            return Err(refused(
                "cần ghi chú: ai đã xác minh, gặp ở đâu, giấy tờ gì (--note)",
            ));
        }
        let mut db = self.db()?;
        Self::require_pay_point(&db, pay_point)?;
        let tx = db.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some(id) = life::open_hold(&tx, pay_point, code)? else {
            return Err(refused(format!(
                "điểm {pay_point} không có đối tượng mã “{code}” đang chờ xác minh; xem danh sách bằng `to-confirm`"
            )));
        };
        let amendment = self.add_amendment(
            &tx,
            pay_point,
            AmendmentKind::LifeConfirmed {
                code: code.to_string(),
                note: note.clone(),
            },
        )?;
        life::record_confirmation(&tx, id, &note, amendment, &now())?;
        tx.commit()?;
        Ok(amendment)
    }

    /// The people to be confirmed, of one pay point or all; with those already confirmed when
    /// `all`.
    pub fn holds(&self, pay_point: Option<&str>, all: bool) -> Result<Vec<life::Hold>, HubError> {
        Ok(life::holds(&*self.db()?, pay_point, all)?)
    }

    /// The office's settings: the thresholds for the anomaly checks and its own names, defaults
    /// overridden by what was set.
    pub fn settings(&self) -> Result<HubSettings, HubError> {
        let db = self.db()?;
        Ok(HubSettings {
            thresholds: anomaly::Settings::load(&db)?,
            office: Office::load(&db)?,
        })
    }

    /// The office's own names, for its papers and page.
    pub fn office(&self) -> Result<Office, HubError> {
        Ok(Office::load(&*self.db()?)?)
    }

    /// Sets one threshold or name (checked); a threshold applies to every batch received after.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<HubSettings, HubError> {
        let db = self.db()?;
        let mut s = HubSettings {
            thresholds: anomaly::Settings::load(&db)?,
            office: Office::load(&db)?,
        };
        if Office::is_name(key) {
            s.office.set(key, value).map_err(refused)?;
        } else {
            s.thresholds.set(key, value).map_err(|m| {
                refused(format!(
                    "{m}; tên đơn vị: {}",
                    crate::office::OFFICE_SETTING_NAMES.join(", ")
                ))
            })?;
        }
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value.trim()],
        )?;
        Ok(s)
    }
}

/// Each setting with what it means (Vietnamese, English), in the order the office's page lists
/// them.
pub const SETTING_LABELS: [(&str, &str, &str); 16] = [
    (
        "managing_office",
        "Tên đơn vị quản lý (đầu trang, giấy tờ)",
        "Name of the managing office (page header, papers)",
    ),
    (
        "payer",
        "Đơn vị chi trả lập bảng quyết toán (ví dụ Bưu điện tỉnh …)",
        "Payer issuing the settlement (e.g. the provincial post office)",
    ),
    (
        "place",
        "Địa danh ở dòng ngày tháng (để trống: lấy từ tên đơn vị chi trả)",
        "Place on the date line (empty: taken from the payer's name)",
    ),
    (
        "title_head",
        "Chức danh người ký bảng quyết toán",
        "Title of the head who signs the settlement",
    ),
    (
        "pay_last_day",
        "Ngày cuối của lịch chi trả hằng tháng (1–28)",
        "Last day of the monthly pay schedule (1–28)",
    ),
    (
        "max_age",
        "Tuổi từ đó lần chi bị cảnh báo",
        "Age from which a payout is flagged",
    ),
    (
        "proxy_max_beneficiaries",
        "Số đối tượng một người nhận thay được nhận trong kỳ",
        "Beneficiaries one proxy may collect for in a period",
    ),
    (
        "night_start",
        "Đầu giờ ban đêm (HH:MM)",
        "Start of the night (HH:MM)",
    ),
    (
        "night_end",
        "Cuối giờ ban đêm (HH:MM; bằng đầu giờ: tắt)",
        "End of the night (HH:MM; equal to the start: off)",
    ),
    (
        "max_payouts_per_minute",
        "Số lần chi mỗi phút trên một máy trước khi cảnh báo",
        "Payouts per minute on one device before a flag",
    ),
    (
        "unpaid_periods_before_lump",
        "Số kỳ chưa nhận liền trước khi cảnh báo nhận dồn (tối đa 120)",
        "Unpaid periods in a row before a lump sum is flagged (at most 120)",
    ),
    (
        "cash_difference_max",
        "Kiểm quỹ lệch quá (đồng) thì cảnh báo",
        "A cash count differing by more than this (đồng) is flagged",
    ),
    (
        "max_reversals_per_clerk",
        "Số lần hủy chi của một nhân viên trong kỳ trước khi cảnh báo",
        "Reversals by one clerk in a period before a flag",
    ),
    (
        "unseen_periods_before_confirm",
        "Số kỳ không gặp tại quầy trước khi cần xác minh (0: tắt; tối đa 120)",
        "Periods unseen at the counter before proof of life is asked (0: off; at most 120)",
    ),
    (
        "max_unchecked_percent",
        "Tỷ lệ % lần chi không kiểm tra giấy tờ của một nhân viên",
        "Share (%) of a clerk's payouts without an ID check",
    ),
    (
        "unchecked_min_payouts",
        "Số lần chi tối thiểu để xét tỷ lệ đó",
        "Payouts of a clerk before that share is judged",
    ),
];

/// A stop, as the office's list shows it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StopRow {
    /// The pay point.
    pub pay_point: String,
    /// The person.
    pub code: String,
    /// `death`, `moved` or `other`.
    pub reason: String,
    /// The day it took effect, when known.
    pub date: Option<String>,
    /// Recorded at the office (else reported by a pay point's device).
    pub by_office: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_setting_has_its_words_on_the_offices_page() {
        let all = serde_json::to_value(super::HubSettings {
            thresholds: super::anomaly::Settings::default(),
            office: super::Office::default(),
        })
        .unwrap();
        let mut keys: Vec<&str> = all
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut labelled: Vec<&str> = super::SETTING_LABELS.iter().map(|(k, _, _)| *k).collect();
        keys.sort_unstable();
        labelled.sort_unstable();
        assert_eq!(keys, labelled);
    }
}
