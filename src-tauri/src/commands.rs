//! The Tauri commands: each parses what the window sent, calls the core, and maps the error. No
//! business rule lives here; the core decides, the shell only asks and reports.

use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate};
use paypoint::authorisation::NewAuthorisation;
use paypoint::beneficiary::BeneficiaryView;
use paypoint::cash::{CashCount, CashStatus, CountReceipt, Denomination};
use paypoint::clerk::{Clerk, Pin, Role, SignedIn};
use paypoint::encoding::TextEncoding;
use paypoint::event::{EventKind, EventPayload};
use paypoint::hold::Holds;
use paypoint::idcard::IdCheckRequest;
use paypoint::import::{EncodingChoice, ImportOptions};
use paypoint::org::{OrgChange, Organisation};
use paypoint::payout::{
    Approval, PayoutError, PayoutReceipt, PayoutRequest, Recipient, ReversalReceipt,
};
use paypoint::roll::{RollChange, RollVersion};
use paypoint::scan::Scan;
use paypoint::search::SearchHit;
use paypoint::stop::{StopReason, StopReceipt};
use paypoint::supervisor::DaySupervisor;
use paypoint::today::{
    days_until_deadline, days_until_report, ExpiringProxy, HomeDelivery, VisitSummary,
};
use paypoint::visit::{VisitOutcome, VisitReceipt};
use paypoint::{policy, BeneficiaryCode, Dong, Period, Status};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tauri::State;

use crate::error::ApiError;
use crate::print::{Delivered, PrintAction};
use crate::state::{AppState, Protection, DEMO_CLERKS, DEMO_PAY_POINT_CODE};

type R<T> = Result<T, ApiError>;

/// Logs a refusal by its code (never its sentence, which may name the person) and passes the
/// result on.
fn logged<T>(command: &str, r: R<T>) -> R<T> {
    if let Err(e) = &r {
        crate::log::log(format_args!("{command} refused: {}", e.code));
    }
    r
}

/// Most search results sent to the window: a page the clerk can scan, cheap to render.
pub const SEARCH_LIMIT: usize = 50;

fn code_of(s: &str) -> R<BeneficiaryCode> {
    BeneficiaryCode::new(s.trim()).ok_or_else(|| {
        ApiError::invalid(
            format!(
                "Mã đối tượng “{}” không hợp lệ: hãy tìm và chọn người trong danh sách",
                s.trim()
            ),
            format!(
                "“{}” is not a beneficiary code: search and choose the person from the list",
                s.trim()
            ),
        )
    })
}

fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// A date typed as `dd/mm/yyyy` (or `yyyy-mm-dd`).
pub fn parse_date(s: &str) -> R<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d-%m-%Y"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .map_err(|_| {
            ApiError::invalid(
                format!(
                    "Ngày “{s}” không đọc được: hãy nhập dạng ngày/tháng/năm, ví dụ 03/12/2026"
                ),
                format!("“{s}” is not a date: type day/month/year, e.g. 03/12/2026"),
            )
        })
}

/// A date that may be left empty.
fn optional_date(s: Option<&str>) -> R<Option<NaiveDate>> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(d) => parse_date(d).map(Some),
    }
}

fn parse_period(s: &str) -> R<Period> {
    s.trim().parse::<Period>().map_err(|_| {
        ApiError::invalid(
            format!(
                "Kỳ “{}” không hợp lệ: cần dạng NĂM-THÁNG, ví dụ 2026-12",
                s.trim()
            ),
            format!(
                "“{}” is not a period: write YEAR-MONTH, e.g. 2026-12",
                s.trim()
            ),
        )
    })
}

fn parse_amount(s: &str) -> R<Dong> {
    Ok(s.parse::<Dong>()?)
}

// ---------------------------------------------------------------------------------------------
// Start, sign in

/// A demo clerk and their PIN, shown on a demo ledger's sign-in screen.
#[derive(Serialize, specta::Type)]
pub struct DemoClerk {
    id: i64,
    name: String,
    pin: &'static str,
    supervisor: bool,
}

/// What the window needs before anything else.
#[derive(Serialize, specta::Type)]
pub struct AppInfo {
    startup_error: Option<ApiError>,
    /// Encrypted, locked (waiting for the supervisor's passphrase) or plain (pre-encryption).
    protection: Protection,
    /// The ledger is encrypted and waits for the passphrase: the window shows the unlock screen.
    ledger_locked: bool,
    demo: bool,
    created_demo: bool,
    pay_point_name: String,
    pay_point_code: String,
    period: Option<Period>,
    data_dir: String,
    ledger_path: String,
    documents_dir: String,
    version: &'static str,
    clerks: Vec<Clerk>,
    demo_clerks: Vec<DemoClerk>,
    signed_in: Option<Clerk>,
    today: String,
}

/// The pay point, the clerks, whether this is demo data, and who is signed in.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn app_info(state: State<'_, AppState>) -> R<AppInfo> {
    let mut info = AppInfo {
        startup_error: state.startup_error.clone(),
        protection: state.protection(),
        ledger_locked: state.startup_error.is_none() && state.protection() == Protection::Locked,
        demo: false,
        created_demo: state.created_demo,
        pay_point_name: String::new(),
        pay_point_code: String::new(),
        period: None,
        data_dir: state.data_dir.display().to_string(),
        ledger_path: crate::state::ledger_path(&state.data_dir)
            .display()
            .to_string(),
        documents_dir: state.documents_dir().display().to_string(),
        version: env!("CARGO_PKG_VERSION"),
        clerks: Vec::new(),
        demo_clerks: Vec::new(),
        signed_in: state.clerk().ok().map(|s| s.clerk().clone()),
        today: today().format("%d/%m/%Y").to_string(),
    };
    if info.startup_error.is_some() || info.ledger_locked {
        return Ok(info);
    }
    state.with_ledger(|l| {
        let s = l.status()?;
        info.clerks = l.clerks()?;
        info.demo = s.demo || s.pay_point_code == DEMO_PAY_POINT_CODE;
        info.pay_point_name = s.pay_point_name;
        info.pay_point_code = s.pay_point_code;
        info.period = s.period;
        if info.demo {
            info.demo_clerks = DEMO_CLERKS
                .iter()
                .filter_map(|(name, role, pin)| {
                    let c = info.clerks.iter().find(|c| c.name == *name)?;
                    Some(DemoClerk {
                        id: c.id,
                        name: c.name.clone(),
                        pin,
                        supervisor: *role == Role::Supervisor,
                    })
                })
                .collect();
        }
        Ok(())
    })?;
    Ok(info)
}

/// Signs a clerk in with their PIN.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn sign_in(state: State<'_, AppState>, clerk_id: i64, pin: String) -> R<Clerk> {
    let who = logged(
        &format!("sign-in of clerk {clerk_id}"),
        Pin::new(&pin)
            .map_err(ApiError::from)
            .and_then(|pin| state.with_ledger(|l| Ok(l.sign_in(clerk_id, &pin)?))),
    )?;
    let clerk = who.clerk().clone();
    crate::log::log(format_args!("clerk {clerk_id} signed in"));
    state.set_clerk(Some(who));
    Ok(clerk)
}

/// Signs out.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn sign_out(state: State<'_, AppState>) -> R<()> {
    if let Ok(who) = state.clerk() {
        crate::log::log(format_args!("clerk {} signed out", who.id()));
    }
    state.set_clerk(None);
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Today

/// The Today screen.
#[derive(Serialize, specta::Type)]
pub struct Today {
    status: Status,
    today: String,
    deadline: Option<String>,
    days_left: Option<i64>,
    /// The day the period's report to the managing office is due (dd/mm/yyyy): the 20th of the
    /// next month (TT 44/2022 Điều 8, as amended).
    report_due: Option<String>,
    /// Days until then: 0 on the day, negative when overdue.
    report_days_left: Option<i64>,
    unsynced_events: u64,
    sync_enrolled: bool,
    last_sync: Option<String>,
    expiring_proxies: Vec<ExpiringProxy>,
    not_visited: Vec<HomeDelivery>,
    home_deliveries: usize,
    cash: CashStatus,
    /// Who supervises today's payout for the managing office (người giám sát, TT 44/2022 Điều
    /// 8), when recorded.
    supervisor: Option<DaySupervisor>,
    /// Whom this device pays (issue 17: two devices at one pay point), with an open period.
    holds: Option<Holds>,
}

/// Whom this device pays (issue 17), for End of day's reminder; none without an open period.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn hold_status(state: State<'_, AppState>) -> R<Option<Holds>> {
    state.clerk()?;
    state.with_ledger(|l| holds_in(l, l.status()?.period))
}

/// Whom this device pays, when a period is open (Today and End of day).
fn holds_in(l: &paypoint::Ledger, period: Option<Period>) -> R<Option<Holds>> {
    Ok(match period {
        Some(_) => Some(l.holds()?),
        None => None,
    })
}

/// A hand-over made in the window (issue 17): whom, to which device, and the file to carry.
#[derive(Serialize, specta::Type)]
pub struct HandoverOut {
    handover: String,
    to_device: String,
    people: u32,
    /// Where the signed hand-over file was written: copy it to the other device (USB stick).
    file: String,
}

/// Hands people (a village, or codes) over to another device of the pay point: a supervisor's
/// PIN; from this commit this device does not pay them. The file goes to the data folder's
/// `handovers`.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn hold_give(
    state: State<'_, AppState>,
    to: String,
    village: Option<String>,
    codes: Vec<String>,
    approver_id: i64,
    approver_pin: String,
) -> R<HandoverOut> {
    state.clerk()?;
    let choice = match village.filter(|v| !v.trim().is_empty()) {
        Some(v) => paypoint::hold::Choice::Village(v),
        None => paypoint::hold::Choice::Codes(codes.iter().map(|c| code_of(c)).collect::<R<_>>()?),
    };
    let pin = Pin::new(&approver_pin)?;
    let dir = state.data_dir.join("handovers");
    logged(
        "hold_give",
        state.with_ledger(|l| {
            let supervisor = l.sign_in(approver_id, &pin)?;
            let file = l.give(&supervisor, &to, &choice)?;
            let h = &file.body;
            let name = format!(
                "giao-nguoi-{}-{}-{}.json",
                paypoint::device::short_id(&h.to_device),
                h.period,
                &h.handover.simple().to_string()[..8]
            );
            let path = dir.join(name);
            std::fs::create_dir_all(&dir)
                .map_err(|e| ApiError::internal("ghi tệp giao người", e))?;
            paypoint::hold::write_file(&path, &file)?;
            Ok(HandoverOut {
                handover: h.handover.to_string(),
                to_device: paypoint::device::short_id(&h.to_device),
                people: h.codes.len() as u32,
                file: path.display().to_string(),
            })
        }),
    )
}

/// A hand-over file taken on this device.
#[derive(Serialize, specta::Type)]
pub struct TakenOut {
    people: u32,
    from_device: String,
}

/// Takes the people of a hand-over file made for this device (the path `upload_roll_file`
/// returned for the file chosen in the window): a supervisor's PIN; from this commit this device
/// pays them.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn hold_take(
    state: State<'_, AppState>,
    path: String,
    approver_id: i64,
    approver_pin: String,
) -> R<TakenOut> {
    state.clerk()?;
    let pin = Pin::new(&approver_pin)?;
    let file = paypoint::hold::read_file(Path::new(path.trim()))?;
    logged(
        "hold_take",
        state.with_ledger(|l| {
            let supervisor = l.sign_in(approver_id, &pin)?;
            let codes = l.take(&supervisor, &file)?;
            Ok(TakenOut {
                people: codes.len() as u32,
                from_device: paypoint::device::short_id(&file.body.from_device.to_string()),
            })
        }),
    )
}

/// Where the pay point stands today.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn today_status(state: State<'_, AppState>) -> R<Today> {
    state.clerk()?;
    let now = today();
    state.with_ledger(|l| {
        let status = l.status()?;
        let sync = paypoint::sync::client::status(l)?;
        let holds = holds_in(l, status.period)?;
        let (expiring_proxies, not_visited, home_deliveries) = match status.period {
            Some(_) => {
                let homes = l.home_deliveries()?;
                let n = homes.len();
                (
                    l.proxies_expiring(now)?,
                    homes
                        .into_iter()
                        .filter(HomeDelivery::awaiting_visit)
                        .collect(),
                    n,
                )
            }
            None => (Vec::new(), Vec::new(), 0),
        };
        Ok(Today {
            deadline: status
                .period
                .map(|p| p.pay_deadline().format("%d/%m/%Y").to_string()),
            days_left: status.period.map(|p| days_until_deadline(p, now)),
            report_due: status
                .period
                .map(|p| p.report_due().format("%d/%m/%Y").to_string()),
            report_days_left: status.period.map(|p| days_until_report(p, now)),
            today: now.format("%d/%m/%Y").to_string(),
            // Not yet acknowledged by the district hub (all of them before enrolment).
            unsynced_events: sync.pending,
            sync_enrolled: sync.enrolled,
            last_sync: sync.last_success_at,
            cash: l.cash_status()?,
            supervisor: l.day_supervisor(now)?,
            holds,
            status,
            expiring_proxies,
            not_visited,
            home_deliveries,
        })
    })
}

/// Records who supervises today's payout for the managing office (người giám sát, TT 44/2022
/// Điều 8): their name and office. A second record the same day replaces the first on paper.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn record_day_supervisor(
    state: State<'_, AppState>,
    name: String,
    office: String,
) -> R<DaySupervisor> {
    let by = state.clerk()?;
    logged(
        "day supervisor",
        state.with_ledger(|l| Ok(l.record_day_supervisor(&by, today(), &name, &office)?)),
    )
}

// ---------------------------------------------------------------------------------------------
// Pay

/// Beneficiaries matching what the clerk typed (accent-insensitive, prefixes), at most
/// [`SEARCH_LIMIT`].
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn search(
    state: State<'_, AppState>,
    query: String,
    limit: Option<usize>,
) -> R<Vec<SearchHit>> {
    state.clerk()?;
    let limit = limit.unwrap_or(SEARCH_LIMIT).clamp(1, 500);
    state.with_ledger(|l| Ok(l.search(&query, Some(limit))?))
}

/// The beneficiary card.
#[derive(Serialize, specta::Type)]
pub struct Card {
    #[serde(flatten)]
    view: BeneficiaryView,
    payable_words: String,
    can_pay: bool,
    blocked: Option<ApiError>,
    last_visit: Option<VisitSummary>,
    proxy_expired: bool,
    cash_on_hand: Dong,
}

/// The card of one beneficiary: lines, totals, proxy, home delivery, stop, and whether and why
/// not it can be paid.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn beneficiary(state: State<'_, AppState>, code: String) -> R<Card> {
    state.clerk()?;
    let code = code_of(&code)?;
    state.with_ledger(|l| {
        let view = l.beneficiary(&code)?.ok_or_else(|| {
            ApiError::new(
                "unknown_beneficiary",
                format!("Không tìm thấy đối tượng có mã “{code}” trong danh sách kỳ này: hãy tìm lại theo tên"),
                format!("No beneficiary with code “{code}” on this period's roll: search again by name"),
            )
        })?;
        let cash_on_hand = l.cash_on_hand()?;
        let last_visit = l.last_visit(&code)?;
        Ok(Card {
            payable_words: view.payable.in_words(),
            // The core decided (`Payability`); the window is told why in the refusal's words.
            blocked: PayoutError::not_payable(&view).map(ApiError::from),
            can_pay: view.payability.is_payable(),
            proxy_expired: view
                .proxy
                .as_ref()
                .is_some_and(|p| p.valid_until < today()),
            last_visit,
            cash_on_hand,
            view,
        })
    })
}

/// Who receives the money: the beneficiary, or the proxy named in the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    /// The beneficiary in person.
    #[serde(rename = "self")]
    Beneficiary,
    /// Someone receiving for them (name and ID card given).
    Proxy,
    /// A proxy not on the roll with a fresh authorisation shown at the counter (its dates and the
    /// relationship given; a supervisor approves).
    NewProxy,
}

/// Who receives the money, as the window sends it.
#[derive(Debug, Deserialize, specta::Type)]
pub struct RecipientIn {
    kind: RecipientKind,
    /// The proxy's name (a proxy only; may be left out).
    #[serde(default)]
    name: Option<String>,
    /// The proxy's ID card number (a proxy only; may be left out).
    #[serde(default)]
    id_card: Option<String>,
    /// A new proxy: relationship to the beneficiary.
    #[serde(default)]
    relationship: Option<String>,
    /// A new proxy: the date the commune certified the authorisation (dd/mm/yyyy).
    #[serde(default)]
    authorised_on: Option<String>,
    /// A new proxy: the authorisation's last day (dd/mm/yyyy).
    #[serde(default)]
    valid_until: Option<String>,
}

impl RecipientIn {
    fn parse(&self) -> R<Recipient> {
        match self.kind {
            RecipientKind::Beneficiary => Ok(Recipient::Beneficiary),
            RecipientKind::NewProxy => {
                let date = |d: &Option<String>| {
                    optional_date(d.as_deref())?.ok_or_else(|| {
                        ApiError::invalid(
                            "Nhập ngày xác nhận và ngày hết hạn của giấy ủy quyền (ngày/tháng/năm)",
                            "Type the authorisation's date and its expiry date (day/month/year)",
                        )
                    })
                };
                Ok(Recipient::NewProxy(NewAuthorisation {
                    name: self.name.clone().unwrap_or_default(),
                    id_card: self.id_card.clone().unwrap_or_default(),
                    relationship: self.relationship.clone().unwrap_or_default(),
                    authorised_on: date(&self.authorised_on)?,
                    valid_until: date(&self.valid_until)?,
                }))
            }
            RecipientKind::Proxy => {
                let name = self.name.as_deref().unwrap_or("").trim().to_string();
                let id_card = self.id_card.as_deref().unwrap_or("").trim().to_string();
                if name.is_empty() || id_card.is_empty() {
                    return Err(ApiError::invalid(
                        "Hãy nhập họ tên và số CCCD của người nhận thay, như trên giấy tờ họ đưa",
                        "Type the proxy's name and ID card number as on the papers they show",
                    ));
                }
                Ok(Recipient::Proxy { name, id_card })
            }
        }
    }
}

/// How the clerk checked the identity of whoever takes the money, as the window sends it.
#[derive(Debug, Deserialize, specta::Type)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum IdCheckIn {
    /// The card's QR code was scanned: the text the scanner typed, and the clerk's note when the
    /// card differs from the roll.
    Qr {
        /// The scanned text.
        text: String,
        /// Why the payout goes ahead although the card differs.
        #[serde(default)]
        note: Option<String>,
    },
    /// The clerk looked at the card; the number, if typed.
    Manual {
        /// The number typed (12 digits, or 9 of an old CMND).
        #[serde(default)]
        id_number: Option<String>,
    },
    /// No paper checked, and why.
    None {
        /// Why (a bedridden person the clerk knows, at home).
        reason: String,
    },
}

impl IdCheckIn {
    fn request(self) -> IdCheckRequest {
        match self {
            IdCheckIn::Qr { text, note } => IdCheckRequest::Qr { text, note },
            IdCheckIn::Manual { id_number } => IdCheckRequest::Manual { id_number },
            IdCheckIn::None { reason } => IdCheckRequest::None { reason },
        }
    }
}

/// Reads a citizen ID card's QR code (the text a scanner typed) and finds whose card it is on the
/// open period's roll: the beneficiary, or the registered proxy of one. The text is never logged.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn scan_card(state: State<'_, AppState>, text: String) -> R<Scan> {
    state.clerk()?;
    logged("scan_card", state.with_ledger(|l| Ok(l.scan(&text)?)))
}

/// A supervisor's approval as the window sends it: needed to pay a person to be confirmed.
#[derive(Debug, Deserialize, specta::Type)]
pub struct ApprovalIn {
    approver_id: i64,
    approver_pin: String,
    note: String,
}

impl ApprovalIn {
    /// Signs the supervisor in (a wrong PIN counts against them) and checks they are another
    /// person than the clerk, said before the PIN is tried.
    fn sign_in(&self, l: &mut paypoint::Ledger, by: &SignedIn) -> R<Approval> {
        if by.id() == self.approver_id {
            return Err(paypoint::clerk::ClerkError::SamePerson.into());
        }
        if self.note.trim().is_empty() {
            return Err(PayoutError::NoteRequired.into());
        }
        let pin = Pin::new(&self.approver_pin)?;
        Ok(Approval {
            approver: l.sign_in(self.approver_id, &pin)?,
            note: self.note.clone(),
        })
    }
}

/// Pays every payable line of a beneficiary, refused if the amount confirmed on screen is no
/// longer what is owed.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn pay(
    state: State<'_, AppState>,
    code: String,
    recipient: RecipientIn,
    expected_total: i64,
    at_home: Option<bool>,
    approval: Option<ApprovalIn>,
    id_check: Option<IdCheckIn>,
) -> R<PayoutReceipt> {
    let by = state.clerk()?;
    let mut req = PayoutRequest {
        code: code_of(&code)?,
        recipient: recipient.parse()?,
        at_home: at_home.unwrap_or(false),
        expected_total: Some(Dong::new(expected_total)?),
        approval: None,
        id_check: id_check.map(IdCheckIn::request),
    };
    logged(
        "pay",
        state.with_ledger(|l| {
            req.approval = approval.as_ref().map(|a| a.sign_in(l, &by)).transpose()?;
            Ok(l.record_payout(&by, &req)?)
        }),
    )
}

// ---------------------------------------------------------------------------------------------
// Home delivery, stop

/// The home-delivery list, by village, with each last visit.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn home_list(state: State<'_, AppState>) -> R<Vec<HomeDelivery>> {
    state.clerk()?;
    state.with_ledger(|l| Ok(l.home_deliveries()?))
}

/// Records a home visit; outcome `paid` pays at the home under the counter's rules, `deceased`
/// and `moved` stop payment with `stop_date` (the date of death, which the core requires, or of
/// the move).
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
// The window's named arguments are the contract (ui/types/bindings.d.ts); `state` is Tauri's own.
#[allow(clippy::too_many_arguments)]
pub fn record_visit(
    state: State<'_, AppState>,
    code: String,
    outcome: VisitOutcome,
    note: Option<String>,
    recipient: Option<RecipientIn>,
    expected_total: Option<i64>,
    approval: Option<ApprovalIn>,
    stop_date: Option<String>,
    id_check: Option<IdCheckIn>,
) -> R<VisitReceipt> {
    let by = state.clerk()?;
    let code = code_of(&code)?;
    let recipient = match &recipient {
        Some(r) => r.parse()?,
        None => Recipient::Beneficiary,
    };
    let stop_date = optional_date(stop_date.as_deref())?;
    state.with_ledger(|l| {
        let req = PayoutRequest {
            recipient,
            expected_total: expected_total.map(Dong::new).transpose()?,
            approval: approval.as_ref().map(|a| a.sign_in(l, &by)).transpose()?,
            id_check: id_check.map(IdCheckIn::request),
            ..PayoutRequest::at_counter(code)
        };
        Ok(l.record_visit_with(&by, outcome, stop_date, note.as_deref().unwrap_or(""), &req)?)
    })
}

/// Records a stop report: payment stops at once.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn report_stop(
    state: State<'_, AppState>,
    code: String,
    reason: StopReason,
    date: Option<String>,
    note: Option<String>,
) -> R<StopReceipt> {
    let by = state.clerk()?;
    let code = code_of(&code)?;
    // A death without its date is the core's refusal (`death_date_missing`), as at a home visit.
    let date = optional_date(date.as_deref())?;
    state.with_ledger(|l| {
        Ok(l.report_stop(&by, &code, reason, date, note.as_deref().unwrap_or(""))?)
    })
}

// ---------------------------------------------------------------------------------------------
// Cash

/// The cash position and the denominations to count.
#[derive(Serialize, specta::Type)]
pub struct CashOut {
    status: CashStatus,
    denominations: Vec<Dong>,
}

/// The cash box: advances, paid out, on hand, last count.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn cash_status(state: State<'_, AppState>) -> R<CashOut> {
    state.clerk()?;
    state.with_ledger(|l| {
        Ok(CashOut {
            status: l.cash_status()?,
            denominations: Denomination::ALL.iter().map(|d| d.value()).collect(),
        })
    })
}

/// Records a cash advance received.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn record_advance(
    state: State<'_, AppState>,
    amount: String,
    note: Option<String>,
) -> R<CashOut> {
    let by = state.clerk()?;
    let amount = parse_amount(&amount)?;
    state.with_ledger(|l| {
        l.record_advance(&by, amount, note.as_deref().unwrap_or(""))?;
        Ok(CashOut {
            status: l.cash_status()?,
            denominations: Denomination::ALL.iter().map(|d| d.value()).collect(),
        })
    })
}

/// Records a count by denomination: `[[500000, 12], [200000, 3], …]`. A difference is recorded as
/// found.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn record_count(state: State<'_, AppState>, notes: Vec<(i64, u32)>) -> R<CountReceipt> {
    let by = state.clerk()?;
    let mut count = CashCount::new();
    for (value, quantity) in notes {
        let d = u32::try_from(value)
            .ok()
            .and_then(Denomination::new)
            .ok_or_else(|| paypoint::cash::CashError::UnknownDenomination(value.to_string()))?;
        count.set(d, quantity)?;
    }
    state.with_ledger(|l| Ok(l.record_count(&by, &count)?))
}

// ---------------------------------------------------------------------------------------------
// Roll

/// A spreadsheet found in the usual folders, offered for import.
#[derive(Serialize, specta::Type)]
pub struct RollFile {
    path: String,
    name: String,
    folder: String,
    modified: String,
}

fn is_roll_file(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("xlsx" | "xls" | "xlsm" | "ods" | "csv")
    )
}

/// Spreadsheets in the app's import folder, Downloads, Desktop and Documents (newest first), so
/// the clerk can choose one with the arrow keys.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn list_roll_files(state: State<'_, AppState>) -> R<Vec<RollFile>> {
    state.clerk()?;
    let mut folders: Vec<PathBuf> = vec![state.data_dir.join("import")];
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from) {
        for sub in [
            "Downloads",
            "Tải về",
            "Desktop",
            "Màn hình nền",
            "Documents",
            "Tài liệu",
        ] {
            folders.push(home.join(sub));
        }
        folders.push(home);
    }
    let mut found: Vec<(std::time::SystemTime, RollFile)> = Vec::new();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for e in entries.flatten().take(2000) {
            let p = e.path();
            if !p.is_file() || !is_roll_file(&p) {
                continue;
            }
            let modified = e
                .metadata()
                .and_then(|m| m.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            let local: chrono::DateTime<Local> = modified.into();
            found.push((
                modified,
                RollFile {
                    name: p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    folder: folder.display().to_string(),
                    path: p.display().to_string(),
                    modified: local.format("%d/%m/%Y %H:%M").to_string(),
                },
            ));
        }
    }
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    Ok(found.into_iter().take(30).map(|(_, f)| f).collect())
}

/// Saves a file the clerk chose in the window (`<input type=file>`: the page has its bytes, not
/// its path) into the app's import folder and returns the path to preview.
#[tauri::command(async)]
pub fn upload_roll_file(state: State<'_, AppState>, request: tauri::ipc::Request<'_>) -> R<String> {
    state.clerk()?;
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(ApiError::invalid(
            "Không nhận được nội dung tệp: hãy chọn lại tệp",
            "The file's content did not arrive: choose the file again",
        ));
    };
    let name = request
        .headers()
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .map(percent_decode)
        .unwrap_or_else(|| "danh-sach.xlsx".into());
    // Only the last component, and nothing that could leave the folder.
    let name: String = Path::new(&name)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "danh-sach.xlsx".into());
    let dir = state.data_dir.join("import");
    let path = dir.join(&name);
    std::fs::create_dir_all(&dir)
        .and_then(|_| std::fs::write(&path, bytes))
        .map_err(|e| ApiError::internal("lưu tệp danh sách vào thư mục dữ liệu", e))?;
    Ok(path.display().to_string())
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// How to read the text of a roll file: found out from the file, or as the clerk chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportEncoding {
    /// Found out from the file.
    Auto,
    /// Unicode.
    Unicode,
    /// The old TCVN3 (ABC) fonts.
    Tcvn3,
    /// The old VNI fonts.
    Vni,
}

fn import_options(period: &str, encoding: ImportEncoding) -> R<ImportOptions> {
    Ok(ImportOptions {
        period: parse_period(period)?,
        encoding: match encoding {
            ImportEncoding::Tcvn3 => EncodingChoice::Force(TextEncoding::Tcvn3),
            ImportEncoding::Vni => EncodingChoice::Force(TextEncoding::Vni),
            ImportEncoding::Unicode => EncodingChoice::Force(TextEncoding::Unicode),
            ImportEncoding::Auto => EncodingChoice::Auto,
        },
    })
}

fn roll_path(path: &str) -> R<PathBuf> {
    let p = PathBuf::from(path.trim());
    if path.trim().is_empty() {
        return Err(ApiError::invalid(
            "Hãy chọn tệp danh sách (Excel hoặc CSV) của đơn vị quản lý",
            "Choose the district's roll file (Excel or CSV)",
        ));
    }
    if !p.is_file() {
        return Err(ApiError::new(
            "file_not_found",
            format!(
                "Không thấy tệp “{}”: hãy kiểm tra đường dẫn hoặc chọn tệp trong danh sách",
                p.display()
            ),
            format!(
                "There is no file “{}”: check the path or choose a file from the list",
                p.display()
            ),
        ));
    }
    Ok(p)
}

/// What a roll file holds, read and checked: nothing is written.
#[derive(Serialize, specta::Type)]
pub struct Preview {
    file: String,
    sheet: Option<String>,
    header_row: usize,
    encoding: TextEncoding,
    encoding_sure: bool,
    beneficiaries: usize,
    lines: usize,
    total: Dong,
    stated_total: Option<Dong>,
    warnings: Vec<String>,
    period: Period,
    loaded_version: Option<u32>,
}

/// Reads and checks a roll file; the errors come located by row and column.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn import_preview(
    state: State<'_, AppState>,
    path: String,
    period: String,
    encoding: ImportEncoding,
) -> R<Preview> {
    state.clerk()?;
    let opts = import_options(&period, encoding)?;
    let path = roll_path(&path)?;
    let p = logged(
        "roll check",
        state.with_ledger(|l| Ok(l.preview_roll_file(&path, &opts)?)),
    )?;
    let loaded_version =
        state.with_ledger(|l| Ok(l.roll_versions(opts.period)?.last().map(|v| v.version)))?;
    Ok(Preview {
        file: p.file,
        sheet: p.sheet,
        header_row: p.header_row,
        encoding: p.encoding,
        encoding_sure: p.encoding_sure,
        beneficiaries: p.beneficiaries,
        lines: p.lines,
        total: p.total,
        stated_total: p.stated_total,
        warnings: p.warnings,
        period: opts.period,
        loaded_version,
    })
}

/// Loads the roll file (a first roll, or the difference of a newer version).
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn import_apply(
    state: State<'_, AppState>,
    path: String,
    period: String,
    encoding: ImportEncoding,
) -> R<RollChange> {
    state.clerk()?;
    let opts = import_options(&period, encoding)?;
    let path = roll_path(&path)?;
    let p = logged(
        "roll import",
        state.with_ledger(|l| Ok(l.preview_roll_file(&path, &opts)?)),
    )?;
    logged(
        "roll import",
        state.with_ledger(|l| Ok(l.apply_roll(&p.roll, &p.file)?)),
    )
}

/// The versions of the open period's roll, each with where it came from.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn roll_versions(state: State<'_, AppState>) -> R<Vec<RollVersion>> {
    state.clerk()?;
    state.with_ledger(|l| match l.open_period()? {
        Some(period) => Ok(l.roll_versions(period)?),
        None => Ok(Vec::new()),
    })
}

// ---------------------------------------------------------------------------------------------
// Journal

/// One event as the journal lists it.
#[derive(Serialize, specta::Type)]
pub struct JournalRow {
    seq: u64,
    id: String,
    time: String,
    clerk_id: Option<i64>,
    clerk_name: Option<String>,
    kind: EventKind,
    payload: Value,
    name: Option<String>,
    reversed: bool,
}

/// The journal page.
#[derive(Serialize, specta::Type)]
pub struct Journal {
    rows: Vec<JournalRow>,
    total: u64,
    matched: usize,
}

/// The journal's filter: the events of one group, or all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum EventGroup {
    /// Every event.
    All,
    /// Payouts.
    Payout,
    /// Reversals.
    Reversal,
    /// Home visits.
    Visit,
    /// Stop reports.
    Stop,
    /// Advances, returns, counts.
    Cash,
    /// Rolls loaded and amended.
    Roll,
    /// Everything else (clerks, the period's close, holds …).
    Other,
}

fn kind_group(k: EventKind) -> EventGroup {
    match k {
        EventKind::Payout => EventGroup::Payout,
        EventKind::Reversal => EventGroup::Reversal,
        EventKind::Visit => EventGroup::Visit,
        EventKind::Stop => EventGroup::Stop,
        EventKind::CashAdvance | EventKind::CashReturn | EventKind::CashCount => EventGroup::Cash,
        EventKind::RollLoaded | EventKind::RollAmended => EventGroup::Roll,
        _ => EventGroup::Other,
    }
}

/// Every event, newest first, filtered by group (`payout`, `cash` …) and by words (code, name,
/// anything in the event), at most `limit`.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn journal(
    state: State<'_, AppState>,
    group: Option<EventGroup>,
    query: Option<String>,
    limit: Option<usize>,
) -> R<Journal> {
    state.clerk()?;
    let limit = limit.unwrap_or(300).clamp(1, 5000);
    let words: Vec<String> = paypoint::text::fold(query.as_deref().unwrap_or(""))
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let group = group.filter(|g| *g != EventGroup::All);
    state.with_ledger(|l| {
        let clerks = l.clerks()?;
        let names: std::collections::HashMap<String, String> = match l.open_period()? {
            Some(_) => l
                .search("", None)?
                .into_iter()
                .map(|h| (h.code, h.name))
                .collect(),
            None => Default::default(),
        };
        let mut reversed = std::collections::HashSet::new();
        let mut all = Vec::new();
        let mut after = 0;
        loop {
            let page = l.events_after(after, 10_000)?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in page {
                if let Ok(EventPayload::Reversal(r)) = e.facts() {
                    reversed.insert(r.payout);
                }
                all.push(e);
            }
        }
        let total = all.len() as u64;
        let mut rows: Vec<JournalRow> = Vec::new();
        let mut matched = 0;
        for e in all.into_iter().rev() {
            if group.is_some_and(|g| g != kind_group(e.kind)) {
                continue;
            }
            let name = e
                .facts()
                .ok()
                .and_then(|f| f.code().and_then(|c| names.get(c)).cloned());
            if !words.is_empty() {
                let hay = paypoint::text::fold(&format!(
                    "{} {} {} {}",
                    e.seq,
                    e.kind.as_str(),
                    name.as_deref().unwrap_or(""),
                    paypoint::account::payload_for_display(e.kind, &e.payload)
                ));
                if !words.iter().all(|w| hay.contains(w.as_str())) {
                    continue;
                }
            }
            matched += 1;
            if rows.len() >= limit {
                continue;
            }
            let id = e.id.to_string();
            rows.push(JournalRow {
                seq: e.seq,
                reversed: e.kind == EventKind::Payout && reversed.contains(&id),
                id,
                time: e.time,
                clerk_name: e
                    .clerk
                    .and_then(|c| clerks.iter().find(|k| k.id == c))
                    .map(|k| k.name.clone()),
                clerk_id: e.clerk,
                kind: e.kind,
                payload: paypoint::account::payload_for_display(e.kind, &e.payload),
                name,
            });
        }
        Ok(Journal {
            rows,
            total,
            matched,
        })
    })
}

/// Reverses a payout: needs the reason and a supervisor's PIN (someone other than the clerk).
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn reverse(
    state: State<'_, AppState>,
    payout_id: String,
    reason: String,
    approver_id: i64,
    approver_pin: String,
) -> R<ReversalReceipt> {
    let by = state.clerk()?;
    let pid = uuid::Uuid::parse_str(payout_id.trim()).map_err(|_| {
        ApiError::invalid(
            format!(
                "Mã lần chi trả “{}” không hợp lệ: hãy chọn lần chi trong Nhật ký",
                payout_id.trim()
            ),
            format!(
                "“{}” is not a payout id: choose the payout in the Journal",
                payout_id.trim()
            ),
        )
    })?;
    if by.id() == approver_id {
        // Said before the PIN is checked, which would count as a wrong try.
        return Err(paypoint::clerk::ClerkError::SamePerson.into());
    }
    if reason.trim().is_empty() {
        return Err(PayoutError::ReasonRequired.into());
    }
    let pin = Pin::new(&approver_pin)?;
    logged(
        "reversal",
        state.with_ledger(|l| {
            let approver = l.sign_in(approver_id, &pin)?;
            Ok(l.reverse_payout(&by, &approver, pid, &reason)?)
        }),
    )
}

/// The chain check.
#[derive(Serialize, specta::Type)]
pub struct Verify {
    events: u64,
    chain_ok: bool,
    first_broken: Option<paypoint::event::BrokenLink>,
    rolls_ok: bool,
    bad_roll: Option<String>,
}

/// Recomputes the hash chain and the rolls' content hashes.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn verify(state: State<'_, AppState>) -> R<Verify> {
    state.clerk()?;
    state.with_ledger(|l| {
        let chain = l.verify()?;
        let bad_roll = l.verify_rolls()?;
        Ok(Verify {
            events: chain.events,
            chain_ok: chain.chain_ok,
            first_broken: chain.first_broken,
            rolls_ok: bad_roll.is_none(),
            bad_roll: bad_roll.map(|(p, v)| format!("{p} v{v}")),
        })
    })
}

// ---------------------------------------------------------------------------------------------
// Policy

/// The rate table in force today (its legal basis, since when, a newer one already loaded) and
/// its categories matching the words typed (all when empty).
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn policy_rates(state: State<'_, AppState>, query: String) -> R<policy::PolicyInForce> {
    state.with_ledger(|l| Ok(l.policy_on(today())?.matching(&query)))
}

/// The organisation as the papers print it (defaults filled in, and what is stored), with the
/// fee rate as the clerk types it ("0,55%").
#[derive(Serialize, specta::Type)]
pub struct OrgView {
    organisation: Organisation,
    fee_rate: Option<String>,
    /// Whether the last save changed anything (false when read, or when nothing differed).
    changed: bool,
}

fn org_view(l: &paypoint::Ledger, changed: bool) -> R<OrgView> {
    let organisation = l.organisation()?;
    Ok(OrgView {
        fee_rate: organisation.fee_rate_bp.map(paypoint::org::fee_rate_label),
        organisation,
        changed,
    })
}

/// Who manages, who pays, where, the signers' titles and the payer's fee, as the papers print
/// them.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn org_settings(state: State<'_, AppState>) -> R<OrgView> {
    state.clerk()?;
    state.with_ledger(|l| org_view(l, false))
}

/// Changes the organisation settings: a supervisor (who may be the clerk signed in) approves with
/// their PIN, and the change is recorded in their name. An empty field puts its default back.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn set_org(
    state: State<'_, AppState>,
    change: OrgChange,
    supervisor_id: i64,
    supervisor_pin: String,
) -> R<OrgView> {
    state.clerk()?;
    let pin = Pin::new(&supervisor_pin)?;
    logged(
        "organisation settings",
        state.with_ledger(|l| {
            let supervisor = l.sign_in(supervisor_id, &pin)?;
            let (_, changed) = l.set_org(&supervisor, &change)?;
            org_view(l, changed)
        }),
    )
}

/// The amount in words ("Một triệu … đồng"), for the confirm dialogs.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn amount_in_words(amount: i64) -> R<String> {
    Ok(Dong::new(amount)?.in_words())
}

// ---------------------------------------------------------------------------------------------
// Print

/// Writes a document as PDF into the documents folder, then opens it in the system viewer or
/// sends it to the default printer.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn print_document(
    state: State<'_, AppState>,
    request: crate::print::PrintRequest,
) -> R<crate::print::Printed> {
    state.clerk()?;
    let (pdf, period) = logged(
        "print",
        state.with_ledger(|l| {
            let pdf = crate::print::render(l, &request)?;
            Ok((pdf, l.open_period()?))
        }),
    )?;
    let name = crate::print::file_name(&request, period);
    let done = logged(
        "print",
        crate::print::deliver(&pdf, &state.documents_dir(), &name, request.action),
    )?;
    crate::log::log(format_args!(
        "document written: {} ({} pages, {})",
        request.kind.as_str(),
        done.pages,
        done.done.as_str()
    ));
    Ok(done)
}

/// A request to be paid by bank account, recorded (issue 18), and its form as written.
#[derive(Serialize, specta::Type)]
pub struct AccountRequested {
    account: paypoint::account::AccountView,
    /// The form for the beneficiary to sign.
    form: crate::print::Printed,
}

/// The banks a request chooses from (NAPAS codes), with the list's date.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn account_banks(state: State<'_, AppState>) -> R<paypoint::account::BankList> {
    state.clerk()?;
    Ok(paypoint::account::banks().clone())
}

/// Records a beneficiary's request to be paid by account and writes the form they sign
/// (`action`: open it, print it, or only save it). The person stays on cash until the office
/// confirms.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn account_request(
    state: State<'_, AppState>,
    input: paypoint::account::AccountRequestInput,
    action: crate::print::PrintAction,
) -> R<AccountRequested> {
    let by = state.clerk()?;
    let code = code_of(&input.code)?;
    let (account, pdf) = logged(
        "account_request",
        state.with_ledger(|l| {
            let account = l.request_account(&by, &input)?;
            let pdf = account_form_pdf(l, &code)?;
            Ok((account, pdf))
        }),
    )?;
    let name = format!("de-nghi-tai-khoan-{}.pdf", account.code);
    let form = logged(
        "account_request",
        crate::print::deliver(&pdf, &state.documents_dir(), &name, action),
    )?;
    crate::log::log(format_args!(
        "account request recorded (event {})",
        account.seq
    ));
    Ok(AccountRequested { account, form })
}

fn account_form_pdf(
    l: &paypoint::Ledger,
    code: &paypoint::BeneficiaryCode,
) -> R<paypoint::document::Pdf> {
    Ok(paypoint::document::account_form::render(
        l,
        &paypoint::document::account_form::AccountFormOptions {
            code: code.clone(),
            period: None,
            place: None,
            date: None,
        },
    )?)
}

/// The requests recorded on this device, with the office's decisions; numbers masked.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn account_list(state: State<'_, AppState>) -> R<Vec<paypoint::account::AccountView>> {
    state.clerk()?;
    state.with_ledger(|l| Ok(l.accounts()?))
}

/// A document already written.
#[derive(Serialize, specta::Type)]
pub struct DocumentFile {
    path: String,
    name: String,
    modified: String,
}

/// The documents written so far, newest first.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn list_documents(state: State<'_, AppState>) -> R<Vec<DocumentFile>> {
    state.clerk()?;
    Ok(crate::print::list(&state.documents_dir())
        .into_iter()
        .take(50)
        .map(|(p, m)| {
            let local: chrono::DateTime<Local> = m.into();
            DocumentFile {
                name: p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                path: p.display().to_string(),
                modified: local.format("%d/%m/%Y %H:%M").to_string(),
            }
        })
        .collect())
}

/// Opens (or prints) a document already written; only files of the documents folder.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn open_document(
    state: State<'_, AppState>,
    path: String,
    action: PrintAction,
) -> R<Delivered> {
    state.clerk()?;
    let dir = state.documents_dir();
    let p = PathBuf::from(&path);
    let inside = p.parent().is_some_and(|d| d == dir) && p.is_file();
    if !inside {
        return Err(ApiError::invalid(
            "Chỉ mở được giấy tờ trong thư mục giấy tờ của ứng dụng: hãy chọn trong danh sách",
            "Only documents in the app's documents folder can be opened: choose one from the list",
        ));
    }
    if std::env::var_os("PAYPOINT_NO_OPEN").is_some_and(|v| !v.is_empty() && v != "0") {
        return Ok(Delivered::Saved);
    }
    if action == PrintAction::Print {
        crate::print::send_to_printer(&p)?;
        Ok(Delivered::Printed)
    } else {
        crate::print::open_in_viewer(&p)?;
        Ok(Delivered::Opened)
    }
}

/// The villages of the open period's roll, for the print options.
#[tauri::command(async, rename_all = "snake_case")]
#[specta::specta]
pub fn villages(state: State<'_, AppState>) -> R<Vec<String>> {
    state.clerk()?;
    state.with_ledger(|l| {
        if l.open_period()?.is_none() {
            return Ok(Vec::new());
        }
        let mut v: Vec<String> = l.search("", None)?.into_iter().map(|h| h.village).collect();
        v.sort_by_key(|s| paypoint::text::fold(s));
        v.dedup();
        Ok(v)
    })
}
