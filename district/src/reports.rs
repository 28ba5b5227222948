//! What the office reads: the overview of pay points, the flags, the consolidated settlement (CSV,
//! PDF), and the check of a printed page's QR code.

use crate::db::params;
use paypoint::sync::protocol::Flag;
use paypoint::Period;
use serde::Serialize;
use uuid::Uuid;

use crate::{paper, refused, Hub, HubError};

/// One row of the district officer's view.
#[derive(Debug, Clone, Serialize)]
pub struct PayPointOverview {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Enrolled devices.
    pub devices: u64,
    /// Last batch received from any of them.
    pub last_sync_at: Option<String>,
    /// Events received.
    pub events: u64,
    /// Flags still open (not yet closed by the office).
    pub flags: u64,
    /// The latest period with a published roll.
    pub period: Option<String>,
    /// Its total due.
    pub total_due: i64,
    /// Paid in it (net of reversals).
    pub paid_amount: i64,
    /// Beneficiaries on the roll.
    pub beneficiaries: u64,
    /// Beneficiaries paid.
    pub paid_beneficiaries: u64,
}

/// One line of the consolidated settlement.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SettlementRow {
    /// Pay point code.
    pub pay_point: String,
    /// Name.
    pub name: String,
    /// Period.
    pub period: String,
    /// Roll version in force.
    pub roll_version: u32,
    /// People on the roll.
    pub beneficiaries: u64,
    /// Total of the roll.
    pub total_due: i64,
    /// Payouts (net of reversals).
    pub payouts: u64,
    /// Amount paid (net of reversals).
    pub paid_amount: i64,
    /// The part of `paid_amount` that the published roll backs.
    pub paid_as_roll: i64,
    /// The rest of `paid_amount`, flagged to check or recover (lines not on the roll, amounts
    /// above it, withdrawn lines): `paid_as_roll + flagged_amount = paid_amount`.
    pub flagged_amount: i64,
    /// `total_due − paid_amount`: `carried_amount + stopped_amount + by_account_amount`.
    pub unpaid_amount: i64,
    /// The part of `unpaid_amount` carried over to the next period (TT 44/2022/TT-BTC Điều 8).
    pub carried_amount: i64,
    /// The part of `unpaid_amount` a stop blocks (death, move): the lines of unpaid people with a
    /// stop at this pay point, all but the funeral allowance (`LineKind::blocked_by_stop`); not
    /// carried over, returned with the money left.
    pub stopped_amount: i64,
    /// Stops known at the district.
    pub stops: u64,
    /// Flags raised.
    pub flags: u64,
    /// People the office pays by bank account in the period (issue 18).
    pub by_account_people: u64,
    /// Their money: not the pay point's cash, not carried over by it.
    pub by_account_amount: i64,
    /// Share of people paid by account, as "72,5%".
    pub by_account_people_percent: String,
    /// Share of money paid by account.
    pub by_account_amount_percent: String,
}

/// A flag as listed for the district.
#[derive(Debug, Clone, Serialize)]
pub struct FlagRow {
    /// Its number at the hub (`resolve-flag ID`).
    pub id: i64,
    /// Pay point.
    pub pay_point: String,
    /// When raised.
    pub created_at: String,
    /// The flag.
    #[serde(flatten)]
    pub flag: Flag,
    /// How the office closed it; `None` while open.
    pub closed: Option<crate::resolution::Closed>,
}

/// A flag's kind as the office reads it; the code itself for a kind this hub does not know.
pub fn kind_label(kind: &str) -> &str {
    match kind {
        "paid_after_stop" => "Chi sau báo giảm",
        "paid_by_two_devices" => "Chi trên hai thiết bị",
        "not_on_roll" => "Không có trong danh sách đã phát hành",
        "amount_differs" => "Sai số tiền so với danh sách",
        "line_withdrawn" => "Khoản đã rút khỏi danh sách",
        "age_100" => "Người từ 100 tuổi",
        "proxy_many" => "Một người nhận thay cho nhiều đối tượng",
        "proxy_expired" => "Giấy ủy quyền hết hạn",
        "proxy_refused_paid" => "Chi cho người nhận thay đã bị từ chối",
        "night_payout" => "Chi ban đêm",
        "too_fast" => "Chi quá nhanh",
        "lump_after_unpaid" => "Nhận dồn sau nhiều kỳ",
        "cash_difference" => "Kiểm quỹ lệch",
        "many_reversals" => "Hủy chi nhiều",
        "home_without_visit" => "Chi tại nhà không ghi lần đến nhà",
        "unchecked_share" => "Nhiều lần chi không kiểm tra giấy tờ",
        "paid_after_revoke" => "Máy đã thu hồi vẫn báo chi",
        "handover_mismatch" | "handover_unmatched" | "handover_unknown_device" => {
            "Giao người giữa hai máy không khớp"
        }
        "unreadable_payload" => "Sự kiện không đọc được",
        other => other,
    }
}

/// The open flags of one kind: how many, and the money at stake.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindTotal {
    /// The kind (`paid_after_stop`, …).
    pub kind: String,
    /// Open flags of that kind.
    pub count: u64,
    /// Their money at stake, in đồng.
    pub amount: i64,
}

/// The open flags grouped by kind, with the money at stake: where the office starts.
pub fn open_by_kind(flags: &[FlagRow]) -> Vec<KindTotal> {
    let mut by_kind: std::collections::BTreeMap<&str, (u64, i64)> = Default::default();
    for f in flags.iter().filter(|f| f.closed.is_none()) {
        let k = by_kind.entry(f.flag.kind.as_str()).or_default();
        k.0 += 1;
        k.1 += f.flag.amount.map_or(0, |d| d.as_i64());
    }
    by_kind
        .into_iter()
        .map(|(kind, (count, amount))| KindTotal {
            kind: kind.to_string(),
            count,
            amount,
        })
        .collect()
}

/// A pay point's code, name, devices, last sync, events, flags, latest published period.
type OverviewRow = (
    String,
    String,
    u64,
    Option<String>,
    u64,
    u64,
    Option<String>,
);

impl Hub {
    /// Flags, oldest first, of one pay point or all.
    pub fn flags(&self, pay_point: Option<&str>) -> Result<Vec<FlagRow>, HubError> {
        let db = self.db()?;
        let mut stmt = db.prepare(
            "SELECT f.pay_point, f.kind, f.code, f.period, f.event_id, f.other, f.detail, f.created_at, f.amount,
                    f.id, r.resolution, r.note, r.login, r.resolved_at
             FROM flags f LEFT JOIN flag_resolutions r ON r.flag = f.id
             WHERE CAST(?1 AS TEXT) IS NULL OR f.pay_point = ?1 ORDER BY f.id",
        )?;
        let rows = stmt.query_map([pay_point], |r| {
            let event: String = r.get(4)?;
            let resolution: Option<String> = r.get(10)?;
            let closed = match resolution
                .as_deref()
                .and_then(crate::resolution::Resolution::parse)
            {
                Some(resolution) => Some(crate::resolution::Closed {
                    resolution,
                    note: r.get(11)?,
                    login: r.get(12)?,
                    resolved_at: r.get(13)?,
                }),
                None => None,
            };
            Ok(FlagRow {
                id: r.get(9)?,
                closed,
                pay_point: r.get(0)?,
                created_at: r.get(7)?,
                flag: Flag {
                    kind: r.get(1)?,
                    code: r.get(2)?,
                    period: r.get(3)?,
                    event: Uuid::parse_str(&event).unwrap_or_default(),
                    other: r.get(5)?,
                    detail: r.get(6)?,
                    amount: paypoint::Dong::new(r.get(8)?).ok(),
                },
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The consolidated settlement: one row per pay point and period with a roll.
    pub fn settlement(&self, period: Option<Period>) -> Result<Vec<SettlementRow>, HubError> {
        let db = self.db()?;
        let mut stmt = db.prepare(
            "WITH latest AS (
                 SELECT r.pay_point, r.period, max(r.version) AS version FROM rolls r
                 WHERE r.published_at IS NOT NULL GROUP BY r.pay_point, r.period)
             SELECT l.pay_point, pp.name, l.period, l.version, r.beneficiaries, r.total,
                    (SELECT count(*) FROM payouts p WHERE p.pay_point = l.pay_point AND p.period = l.period AND p.reversed_by IS NULL),
                    (SELECT coalesce(sum(amount), 0) FROM payouts p WHERE p.pay_point = l.pay_point AND p.period = l.period AND p.reversed_by IS NULL),
                    (SELECT count(*) FROM stops s WHERE s.pay_point = l.pay_point),
                    (SELECT count(*) FROM flags f WHERE f.pay_point = l.pay_point AND f.period = l.period),
                    (SELECT coalesce(sum(f.amount), 0) FROM flags f JOIN payouts p ON p.id = f.event_id
                     WHERE f.pay_point = l.pay_point AND f.period = l.period AND p.reversed_by IS NULL
                       AND f.kind IN ('not_on_roll', 'amount_differs', 'line_withdrawn')),
                    (SELECT coalesce(sum(rl.amount), 0) FROM roll_lines rl
                     JOIN stops s ON s.pay_point = rl.pay_point AND s.code = rl.code
                     WHERE rl.pay_point = l.pay_point AND rl.period = l.period AND rl.version = l.version
                       AND rl.kind IN (SELECT value FROM json_each(?2))
                       AND NOT EXISTS (SELECT 1 FROM payouts p WHERE p.pay_point = rl.pay_point
                                       AND p.period = rl.period AND p.code = rl.code AND p.reversed_by IS NULL))
             FROM latest l JOIN rolls r ON r.pay_point = l.pay_point AND r.period = l.period AND r.version = l.version
             JOIN pay_points pp ON pp.code = l.pay_point
             WHERE CAST(?1 AS TEXT) IS NULL OR l.period = ?1
             ORDER BY l.period, l.pay_point",
        )?;
        // The kinds a stop blocks, as the core says (every kind but the funeral allowance).
        let blocked: Vec<&str> = paypoint::roll::LineKind::ALL
            .iter()
            .filter(|k| k.blocked_by_stop())
            .map(|k| k.as_str())
            .collect();
        let blocked = serde_json::to_string(&blocked).expect("a list of names");
        let rows = stmt.query_map(params![period.map(|p| p.to_string()), blocked], |r| {
            let total_due: i64 = r.get(5)?;
            let paid: i64 = r.get(7)?;
            let flagged: i64 = r.get(10)?;
            // Never more than what is unpaid: a stop after a partial payout leaves less.
            let stopped = r.get::<_, i64>(11)?.min((total_due - paid).max(0));
            Ok(SettlementRow {
                pay_point: r.get(0)?,
                name: r.get(1)?,
                period: r.get(2)?,
                roll_version: r.get(3)?,
                beneficiaries: r.get(4)?,
                total_due,
                payouts: r.get(6)?,
                paid_amount: paid,
                paid_as_roll: paid - flagged,
                flagged_amount: flagged,
                unpaid_amount: total_due - paid,
                carried_amount: total_due - paid - stopped,
                stopped_amount: stopped,
                stops: r.get(8)?,
                flags: r.get(9)?,
                by_account_people: 0,
                by_account_amount: 0,
                by_account_people_percent: String::new(),
                by_account_amount_percent: String::new(),
            })
        })?;
        let mut rows: Vec<SettlementRow> = rows.collect::<Result<_, _>>()?;
        for row in &mut rows {
            crate::account::settle(&db, row)?;
        }
        Ok(rows)
    }

    /// The settlement as CSV (UTF-8, comma, header row).
    pub fn settlement_csv(&self, period: Option<Period>) -> Result<String, HubError> {
        let rows = self.settlement(period)?;
        let mut w = csv::Writer::from_writer(Vec::new());
        let io = |e: csv::Error| refused(e.to_string());
        w.write_record([
            "pay_point",
            "name",
            "period",
            "roll_version",
            "beneficiaries",
            "total_due",
            "payouts",
            "paid_amount",
            "unpaid_amount",
            "stops",
            "flags",
            "paid_as_roll",
            "flagged_amount",
            "carried_amount",
            "stopped_amount",
            "by_account_people",
            "by_account_amount",
        ])
        .map_err(io)?;
        for r in rows {
            w.write_record([
                r.pay_point,
                r.name,
                r.period,
                r.roll_version.to_string(),
                r.beneficiaries.to_string(),
                r.total_due.to_string(),
                r.payouts.to_string(),
                r.paid_amount.to_string(),
                r.unpaid_amount.to_string(),
                r.stops.to_string(),
                r.flags.to_string(),
                r.paid_as_roll.to_string(),
                r.flagged_amount.to_string(),
                r.carried_amount.to_string(),
                r.stopped_amount.to_string(),
                r.by_account_people.to_string(),
                r.by_account_amount.to_string(),
            ])
            .map_err(io)?;
        }
        let bytes = w.into_inner().map_err(|e| refused(e.to_string()))?;
        Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text"))
    }

    /// The settlement as an .xlsx workbook for the office's own spreadsheets: Vietnamese headers,
    /// amounts as numbers (so that they sum) shown `1.624.000`, a total row.
    pub fn settlement_xlsx(&self, period: Option<Period>) -> Result<Vec<u8>, HubError> {
        use rust_xlsxwriter::{Format, Workbook};
        const HEADERS: [&str; 13] = [
            "Mã điểm",
            "Điểm chi trả",
            "Kỳ",
            "Phiên bản",
            "Số người",
            "Phải chi (đ)",
            "Số lần chi",
            "Đã chi (đ)",
            "Chưa chi (đ)",
            "Chuyển kỳ sau (đ)",
            "Báo giảm (đ)",
            "Cảnh báo",
            "Tiền cần kiểm tra (đ)",
        ];
        let rows = self.settlement(period)?;
        let x = |e: rust_xlsxwriter::XlsxError| refused(format!("không tạo được tệp .xlsx: {e}"));
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Quyet toan").map_err(x)?;
        let bold = Format::new().set_bold();
        let dong = Format::new().set_num_format("#,##0");
        let dong_bold = Format::new().set_num_format("#,##0").set_bold();
        for (c, h) in HEADERS.iter().enumerate() {
            sheet
                .write_string_with_format(0, c as u16, *h, &bold)
                .map_err(x)?;
        }
        let mut totals = [0i64; 13];
        for (i, r) in rows.iter().enumerate() {
            let row = i as u32 + 1;
            for (c, t) in [(0, &r.pay_point), (1, &r.name)] {
                sheet.write_string(row, c, t).map_err(x)?;
            }
            let p = r
                .period
                .parse::<Period>()
                .map_or(r.period.clone(), |p| p.mm_yyyy());
            sheet.write_string(row, 2, &p).map_err(x)?;
            let numbers = [
                (3, i64::from(r.roll_version), false),
                (4, r.beneficiaries as i64, false),
                (5, r.total_due, true),
                (6, r.payouts as i64, false),
                (7, r.paid_amount, true),
                (8, r.unpaid_amount, true),
                (9, r.carried_amount, true),
                (10, r.stopped_amount, true),
                (11, r.flags as i64, false),
                (12, r.flagged_amount, true),
            ];
            for (c, n, money) in numbers {
                if money {
                    sheet
                        .write_number_with_format(row, c, n as f64, &dong)
                        .map_err(x)?;
                } else {
                    sheet.write_number(row, c, n as f64).map_err(x)?;
                }
                totals[c as usize] += n;
            }
        }
        let last = rows.len() as u32 + 1;
        sheet
            .write_string_with_format(last, 1, "Tổng cộng", &bold)
            .map_err(x)?;
        for c in [4u16, 5, 6, 7, 8, 9, 10, 11, 12] {
            let f = if [5, 7, 8, 9, 10, 12].contains(&c) {
                &dong_bold
            } else {
                &bold
            };
            sheet
                .write_number_with_format(last, c, totals[c as usize] as f64, f)
                .map_err(x)?;
        }
        sheet.autofit();
        book.save_to_buffer().map_err(x)
    }

    /// What the settlement PDF prints: the office's configured names, overridden where given,
    /// dated today unless told, with the fee rate when given.
    pub fn settlement_options(
        &self,
        organisation: Option<String>,
        place: Option<String>,
        date: Option<chrono::NaiveDate>,
        fee_rate: Option<paypoint::fee::FeeRate>,
    ) -> Result<paypoint::document::district::DistrictOptions, HubError> {
        let office = self.office()?;
        Ok(paypoint::document::district::DistrictOptions {
            managing_office: office.addressee(),
            organisation: organisation.unwrap_or(office.payer),
            place: place.unwrap_or(office.place),
            title_head: office.title_head,
            date: date.unwrap_or_else(|| chrono::Local::now().date_naive()),
            fee_rate,
        })
    }

    /// The settlement as a PDF, with the core's document renderer (the same fonts, tables and
    /// signature blocks as the pay points' own papers).
    pub fn settlement_pdf(
        &self,
        period: Option<Period>,
        opts: &paypoint::document::district::DistrictOptions,
    ) -> Result<paypoint::document::Pdf, HubError> {
        let money = |n: i64| paypoint::Dong::new(n).map_err(|e| refused(e.to_string()));
        let rows = self
            .settlement(period)?
            .into_iter()
            .map(|r| {
                Ok(paypoint::document::district::DistrictRow {
                    period: r
                        .period
                        .parse()
                        .map_err(|_| refused(format!("kỳ “{}” không hợp lệ", r.period)))?,
                    total_due: money(r.total_due)?,
                    paid: money(r.paid_amount)?,
                    paid_as_roll: money(r.paid_as_roll)?,
                    flagged: money(r.flagged_amount)?,
                    unpaid: money(r.unpaid_amount)?,
                    carried: money(r.carried_amount)?,
                    stopped: money(r.stopped_amount)?,
                    by_account_people: r.by_account_people,
                    by_account: money(r.by_account_amount)?,
                    pay_point: r.pay_point,
                    name: r.name,
                    roll_version: r.roll_version,
                    beneficiaries: r.beneficiaries,
                    payouts: r.payouts,
                    stops: r.stops,
                    flags: r.flags,
                })
            })
            .collect::<Result<Vec<_>, HubError>>()?;
        paypoint::document::district::render(&rows, opts).map_err(|e| refused(e.to_string()))
    }

    /// The district officer's view: each pay point's progress.
    pub fn overview(&self) -> Result<Vec<PayPointOverview>, HubError> {
        let db = self.db()?;
        let mut stmt = db.prepare(
            "SELECT pp.code, pp.name,
                (SELECT count(*) FROM devices d WHERE d.pay_point = pp.code),
                (SELECT max(last_sync_at) FROM devices d WHERE d.pay_point = pp.code),
                (SELECT count(*) FROM events e WHERE e.pay_point = pp.code),
                (SELECT count(*) FROM flags f WHERE f.pay_point = pp.code
                   AND NOT EXISTS (SELECT 1 FROM flag_resolutions r WHERE r.flag = f.id)),
                (SELECT max(period) FROM rolls r WHERE r.pay_point = pp.code AND r.published_at IS NOT NULL)
             FROM pay_points pp ORDER BY pp.code",
        )?;
        let rows: Vec<OverviewRow> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            })?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for (code, name, devices, last_sync_at, events, flags, period) in rows {
            let (total_due, beneficiaries, paid_amount, paid_beneficiaries) = match &period {
                None => (0, 0, 0, 0),
                Some(p) => db.query_row(
                    "SELECT (SELECT total FROM rolls WHERE pay_point = ?1 AND period = ?2 AND published_at IS NOT NULL ORDER BY version DESC LIMIT 1),
                            (SELECT beneficiaries FROM rolls WHERE pay_point = ?1 AND period = ?2 AND published_at IS NOT NULL ORDER BY version DESC LIMIT 1),
                            (SELECT coalesce(sum(amount), 0) FROM payouts WHERE pay_point = ?1 AND period = ?2 AND reversed_by IS NULL),
                            (SELECT count(DISTINCT code) FROM payouts WHERE pay_point = ?1 AND period = ?2 AND reversed_by IS NULL)",
                    params![code, p],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )?,
            };
            out.push(PayPointOverview {
                code,
                name,
                devices,
                last_sync_at,
                events,
                flags,
                period,
                total_due,
                paid_amount,
                beneficiaries,
                paid_beneficiaries,
            });
        }
        Ok(out)
    }

    // ---------------------------------------------------------------- API

    /// Checks what a printed page's QR code claims (the text a scanner types) against the hub's
    /// records: the published roll, the payouts and reversals, the chain.
    pub fn check_paper(&self, text: &str) -> Result<paper::PaperCheck, HubError> {
        let stamp = paypoint::paper::PaperStamp::parse(text).map_err(|e| refused(e.to_string()))?;
        Ok(paper::check(&*self.db()?, &stamp)?)
    }
}
