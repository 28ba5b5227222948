//! `check-paper` (issue 12): what a printed page's QR code claims, against the hub's own records —
//! the roll the office published, the payouts and reversals the devices sent, the stops, the
//! chain of events. A page made from a roll the office never published, a total written over, a
//! receipt for a payout that never reached the hub or was reversed: each is named, with the code.

use crate::db::{params, Connection, OptionalExtension};
use paypoint::paper::{PaperKind, PaperStamp};
use paypoint::Dong;
use serde::Serialize;

/// One disagreement between the page and the hub's records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The beneficiary it is about, if one.
    pub code: Option<String>,
    /// What does not agree, in Vietnamese.
    pub detail: String,
}

/// The answer for one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaperCheck {
    /// What the page is, in words ("trang 2 danh sách ký nhận QH01 kỳ 2026-12").
    pub page: String,
    /// True when the hub's records agree with everything the page states.
    pub agrees: bool,
    /// Where they do not.
    pub findings: Vec<Finding>,
    /// What the hub knows besides (the device and event the page was printed at, stops, payouts).
    pub notes: Vec<String>,
}

fn published_amount(db: &Connection, s: &PaperStamp, code: &str) -> crate::db::Result<Option<i64>> {
    db.prepare_cached(
        "SELECT sum(amount) FROM roll_lines WHERE pay_point = ?1 AND period = ?2 AND code = ?3
         AND version = (SELECT max(version) FROM roll_lines WHERE pay_point = ?1 AND period = ?2)",
    )?
    .query_row(params![s.pay_point, s.period.to_string(), code], |r| {
        r.get(0)
    })
}

fn sheet_findings(db: &Connection, s: &PaperStamp, out: &mut PaperCheck) -> crate::db::Result<()> {
    let published: bool = db
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM roll_lines WHERE pay_point = ?1 AND period = ?2)",
        )?
        .query_row(params![s.pay_point, s.period.to_string()], |r| r.get(0))?;
    if !published {
        out.findings.push(Finding {
            code: None,
            detail: format!(
                "đơn vị quản lý chưa phát hành danh sách kỳ {} cho điểm {}: trang này không in từ danh sách có chữ ký",
                s.period, s.pay_point
            ),
        });
        return Ok(());
    }
    for (code, amount) in &s.lines {
        let found = |detail: String| Finding {
            code: Some(code.clone()),
            detail,
        };
        match published_amount(db, s, code)? {
            None => out.findings.push(found(format!(
                "{code} không có trong danh sách đơn vị quản lý phát hành kỳ {}: trang ghi {amount} đ",
                s.period
            ))),
            Some(p) if p != amount.as_i64() => out.findings.push(found(format!(
                "{code}: trang ghi {amount} đ, danh sách đơn vị quản lý phát hành ghi {} đ",
                Dong::new(p).unwrap_or_default()
            ))),
            Some(_) => {}
        }
        let stop: Option<String> = db
            .prepare_cached("SELECT reason FROM stops WHERE pay_point = ?1 AND code = ?2")?
            .query_row(params![s.pay_point, code], |r| r.get(0))
            .optional()?;
        if let Some(reason) = stop {
            out.notes.push(format!("{code} đã báo giảm ({reason})"));
        }
    }
    let sum = Dong::sum(s.lines.iter().map(|l| l.1)).unwrap_or_default();
    if sum != s.total {
        out.findings.push(Finding {
            code: None,
            detail: format!("tổng trang ghi {} đ, cộng các dòng là {sum} đ", s.total),
        });
    }
    Ok(())
}

fn receipt_findings(
    db: &Connection,
    s: &PaperStamp,
    out: &mut PaperCheck,
) -> crate::db::Result<()> {
    let id = uuid::Uuid::parse_str(&s.document)
        .map(|u| u.to_string())
        .unwrap_or_default();
    let row: Option<(String, String, i64, Option<String>)> = db
        .prepare_cached(
            "SELECT code, period, amount, reversed_by FROM payouts WHERE id = ?1 AND pay_point = ?2",
        )?
        .query_row(params![id, s.pay_point], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((code, period, amount, reversed)) = row else {
        out.findings.push(Finding {
            code: s.lines.first().map(|l| l.0.clone()),
            detail: format!(
                "đơn vị quản lý không có lần chi trả {id} của điểm {}: thiết bị chưa đồng bộ, hoặc biên nhận không phải của một lần chi thật",
                s.pay_point
            ),
        });
        return Ok(());
    };
    let claimed = s.lines.first().map(|l| l.0.as_str()).unwrap_or("");
    let found = |detail: String| Finding {
        code: Some(code.clone()),
        detail,
    };
    if claimed != code || period != s.period.to_string() {
        out.findings.push(found(format!(
            "biên nhận ghi {claimed} kỳ {}, lần chi trả này là của {code} kỳ {period}",
            s.period
        )));
    }
    if amount != s.total.as_i64() {
        out.findings.push(found(format!(
            "biên nhận ghi {} đ, lần chi trả là {} đ",
            s.total,
            Dong::new(amount).unwrap_or_default()
        )));
    }
    if reversed.is_some() {
        out.findings.push(found(
            "lần chi trả này đã bị hủy: biên nhận không còn giá trị".to_string(),
        ));
    }
    Ok(())
}

/// A request form: the hub must have received that request, for that person, from the pay point.
fn account_form_findings(
    db: &Connection,
    s: &PaperStamp,
    out: &mut PaperCheck,
) -> crate::db::Result<()> {
    let claimed = s.lines.first().map(|l| l.0.clone());
    let found: bool = db
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM account_requests WHERE pay_point = ?1 AND seq = ?2 AND code = ?3)",
        )?
        .query_row(
            params![s.pay_point, s.document, claimed.as_deref().unwrap_or("")],
            |r| r.get(0),
        )?;
    if !found {
        out.findings.push(Finding {
            code: claimed,
            detail: format!(
                "đơn vị quản lý không có đề nghị số {} của điểm {} cho đối tượng này: thiết bị chưa đồng bộ, hoặc giấy không in từ một đề nghị thật",
                s.document, s.pay_point
            ),
        });
    }
    Ok(())
}

/// Checks one page against the hub's records.
pub fn check(db: &Connection, s: &PaperStamp) -> crate::db::Result<PaperCheck> {
    let mut out = PaperCheck {
        page: match s.kind {
            PaperKind::Sheet => format!(
                "trang {} danh sách ký nhận điểm {} kỳ {} (lần in {})",
                s.page, s.pay_point, s.period, s.document
            ),
            PaperKind::Receipt => format!(
                "biên nhận điểm {} kỳ {}, lần chi trả {}",
                s.pay_point, s.period, s.document
            ),
            PaperKind::AccountForm => format!(
                "giấy đề nghị nhận qua tài khoản điểm {}, đề nghị số {}",
                s.pay_point, s.document
            ),
        },
        agrees: false,
        findings: Vec::new(),
        notes: Vec::new(),
    };
    let known: bool = db
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM pay_points WHERE code = ?1)")?
        .query_row([&s.pay_point], |r| r.get(0))?;
    if !known {
        out.findings.push(Finding {
            code: None,
            detail: format!("đơn vị quản lý không có điểm chi trả “{}”", s.pay_point),
        });
        return Ok(out);
    }
    match s.kind {
        PaperKind::Sheet => sheet_findings(db, s, &mut out)?,
        PaperKind::Receipt => receipt_findings(db, s, &mut out)?,
        PaperKind::AccountForm => account_form_findings(db, s, &mut out)?,
    }
    let at: Option<(String, u64)> = db
        .prepare_cached(
            "SELECT device, seq FROM events WHERE pay_point = ?1 AND hash LIKE ?2 || '%' LIMIT 1",
        )?
        .query_row(params![s.pay_point, s.head.to_ascii_lowercase()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    out.notes.push(match at {
        Some((device, seq)) => {
            format!("in từ sổ của thiết bị {device}, sau sự kiện số {seq}")
        }
        None => format!(
            "chưa có ở đơn vị quản lý sự kiện có mã băm {}…: thiết bị chưa đồng bộ sau khi in, hoặc trang không in từ sổ của điểm",
            s.head
        ),
    });
    out.agrees = out.findings.is_empty();
    Ok(out)
}
