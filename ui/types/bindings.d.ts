// Generated from the Rust types by `cargo test -p paypoint-desktop --lib bindings`
// (src-tauri/src/bindings.rs). Do not edit: change the Rust types, then rewrite this file
// with `PAYPOINT_BLESS=1 cargo test -p paypoint-desktop --lib bindings`.

/** What the clerk typed for a request. */
export type AccountRequestInput = {
	/** Beneficiary code. */
	code: string,
	/** The bank's NAPAS code (or short name). */
	bank: string,
	/** Account number. */
	number: string,
	/** The holder as the bank prints it. */
	holder: string,
	/** When the holder is not the beneficiary: how they are related ("con trai"). */
	relationship: string | null,
	/** Phone number, optional. */
	phone: string | null,
};

/** A request to be paid by bank account, recorded (issue 18), and its form as written. */
export type AccountRequested = {
	account: AccountView,
	/** The form for the beneficiary to sign. */
	form: Printed,
};

/** The share of a period paid by account: the figure the province reports. */
export type AccountShare = {
	/** People on the roll. */
	people: number,
	/** Of them, paid by account. */
	by_account_people: number,
	/** The roll's total. */
	amount: Dong,
	/** Of it, paid by account. */
	by_account_amount: Dong,
};

/** A recorded request, as the clerk sees it: the number masked. */
export type AccountView = {
	/** Beneficiary code. */
	code: string,
	/** Name on the roll of the open period (empty when no longer on it). */
	name: string,
	/** The bank's NAPAS code. */
	bank: string,
	/** The bank's short name. */
	bank_name: string,
	/** The number, masked but for the last four digits. */
	masked: string,
	/** The holder. */
	holder: string,
	/** The holder's relationship to the beneficiary, when not the beneficiary. */
	relationship: string | null,
	/** When it was recorded (the device's time). */
	requested_at: string,
	/** `requested`, `confirmed`, `refused`. */
	state: string,
	/** Confirmed: the first period paid by account. */
	from: Period | null,
	/** Refused: why. */
	reason: string | null,
	/** The event's sequence (the request's number on this device). */
	seq: number,
};

/** An error as the UI receives it (the `catch` of `invoke`). */
export type ApiError = {
	/** Stable identifier: `wrong_pin`, `locked_out`, `already_paid`, `not_signed_in` … */
	code: string,
	/** What happened and what to do, in Vietnamese. */
	message_vi: string,
	/** The same in English. */
	message_en: string,
	/** Located problems of a refused roll file (row, column …), empty otherwise. */
	problems?: Problem[],
};

/** What the window needs before anything else. */
export type AppInfo = {
	startup_error: ApiError | null,
	/** Encrypted, locked (waiting for the supervisor's passphrase) or plain (pre-encryption). */
	protection: Protection,
	/** The ledger is encrypted and waits for the passphrase: the window shows the unlock screen. */
	ledger_locked: boolean,
	demo: boolean,
	created_demo: boolean,
	pay_point_name: string,
	pay_point_code: string,
	period: Period | null,
	data_dir: string,
	ledger_path: string,
	documents_dir: string,
	version: string,
	clerks: Clerk[],
	demo_clerks: DemoClerk[],
	signed_in: Clerk | null,
	today: string,
};

/** A supervisor's approval as the window sends it: needed to pay a person to be confirmed. */
export type ApprovalIn = {
	approver_id: number,
	approver_pin: string,
	note: string,
};

/** One attempt at a round, as the Sync screen shows it. */
export type Attempt = {
	/** Local time it ended (ISO 8601). */
	at: string,
	/** It completed. */
	ok: boolean,
	/** Started by the background timer, not by the clerk. */
	background: boolean,
	/** The hub could not be reached ("chưa kết nối được"). */
	offline: boolean,
	/** Why it did not complete. */
	error: ApiError | null,
	/** Events the hub acknowledged in this round. */
	events_acknowledged: number,
};

/** One bank of the list. */
export type Bank = {
	/** NAPAS bank identification number, 6 digits (Agribank: 970405). */
	code: string,
	/** The short name people use. */
	short: string,
	/** Full name. */
	name: string,
	/** Account number length, `[min, max]`, where the bank's rule is known. */
	digits?: [number, number] | null,
};

/** The shipped list of banks. */
export type BankList = {
	/** Where the list comes from. */
	source: string,
	/** The date of the source list. */
	as_of: string,
	/** The banks, the most used first. */
	banks: Bank[],
};

/** A beneficiary code (mã đối tượng / số hồ sơ): trimmed, 1–40 characters, no control characters. */
export type BeneficiaryCode = string;

/** Everything the card shows. */
export type BeneficiaryView = {
	/** Row id in the ledger. */
	id: number,
	/** Period. */
	period: Period,
	/** Code. */
	code: BeneficiaryCode,
	/** Name. */
	name: string,
	/** Year of birth. */
	birth_year: number | null,
	/** Sex. */
	sex: Sex | null,
	/** Village. */
	village: string,
	/** ID card. */
	id_card: string | null,
	/** Category. */
	category: string,
	/** Paid at home. */
	home_delivery: boolean,
	/** Authorised recipient. */
	proxy: Proxy | null,
	/** Note. */
	note: string,
	/** Lines owed (withdrawn lines and months another roll paid left out). */
	lines: LineView[],
	/** Stop report, if any. */
	stop: StopView | null,
	/** Unpaid amount (payable or stopped). */
	due: Dong,
	/** Paid amount, net of reversals. */
	paid: Dong,
	/** Unpaid amount that may be paid now. */
	payable: Dong,
	/** Status. */
	status: PayStatus,
	/**
	 * On hold "to be confirmed" by the managing office (proof of life): still payable, with a
	 * supervisor's PIN and a note.
	 */
	to_confirm: LifeHoldView | null,
	/** Paid by bank account in this period: from when, which bank, the account masked. */
	by_account: ByAccount | null,
	/**
	 * Whether the person can be paid now and, if not, why: the one decision the payout, the
	 * card and the CLI read.
	 */
	payability: Payability,
};

/** Where and how the chain breaks. */
export type BrokenLink = {
	/** Sequence number of the first event that does not verify. */
	seq: number,
	/** What is wrong with it. */
	reason: string,
};

/** How a person is paid by account in a period, as the card says it. */
export type ByAccount = {
	/** The first period paid by account. */
	from: Period,
	/** The bank's short name. */
	bank: string,
	/** The account, masked. */
	masked: string,
};

/** The beneficiary card. */
export type Card = {
	payable_words: string,
	can_pay: boolean,
	blocked: ApiError | null,
	last_visit: VisitSummary | null,
	proxy_expired: boolean,
	cash_on_hand: Dong,
} & BeneficiaryView;

/** A field of the card that differs from the roll. */
export type CardField = 
/** The ID number. */
"id_number" | 
/** The name (compared without accents, case or spacing). */
"name" | 
/** The year of birth (the roll holds the year only). */
"birth_year" | 
/** Sex. */
"sex";

/** The cash position and the denominations to count. */
export type CashOut = {
	status: CashStatus,
	denominations: Dong[],
};

/** The cash position. */
export type CashStatus = {
	/** Advances received. */
	advanced: Dong,
	/** Paid out, before reversals. */
	paid_out: Dong,
	/** Returned to the box by reversals. */
	reversed: Dong,
	/** Handed back. */
	returned: Dong,
	/** In the box according to the ledger. */
	on_hand: Dong,
	/** The last count, if any. */
	last_count: CountReceipt | null,
};

/** A clerk as listed. */
export type Clerk = {
	/** Local id, named in events. */
	id: number,
	/** Full name. */
	name: string,
	/** Clerk or supervisor. */
	role: Role,
};

/** A change of the roll that touches a line already paid: reported, not applied. */
export type Conflict = {
	/** Beneficiary code. */
	code: string,
	/** Name. */
	name: string,
	/** The line's kind. */
	kind: LineKind,
	/** The amount already paid. */
	paid_amount: Dong,
	/** The amount in the new roll, or `None` when it drops the line. */
	new_amount: Dong | null,
};

/** A recorded count. */
export type CountReceipt = {
	/** The count's id. */
	count_id: string,
	/** Total counted. */
	counted: Dong,
	/** Cash on hand according to the ledger. */
	expected: Dong,
	/** `counted − expected`: negative is a shortage, positive a surplus. */
	difference: Dong,
	/** Event sequence number. */
	seq: number,
};

/** The supervisor of a day, as recorded last for that day. */
export type DaySupervisor = {
	/** The day supervised. */
	date: string,
	/** Full name. */
	name: string,
	/** Office and position. */
	office: string,
	/** The event that recorded it. */
	seq: number,
};

/** What was done with a document. */
export type Delivered = 
/** Opened in the PDF viewer. */
"opened" | 
/** Sent to the printer. */
"printed" | 
/** Written only (`save`, or `PAYPOINT_NO_OPEN`). */
"saved";

/** A demo clerk and their PIN, shown on a demo ledger's sign-in screen. */
export type DemoClerk = {
	id: number,
	name: string,
	pin: string,
	supervisor: boolean,
};

/** A document already written. */
export type DocumentFile = {
	path: string,
	name: string,
	modified: string,
};

/** The papers a pay point prints from the desktop window: what the window sends to ask for one. */
export type DocumentKind = 
/** The signature sheet ([`sheet`]). */
"sheet" | 
/** A home-delivery receipt ([`receipt`]). */
"receipt" | 
/** The day report ([`day`]). */
"day" | 
/** Who has not been paid yet ([`unpaid`]). */
"unpaid" | 
/** The month settlement ([`settlement`]). */
"settlement" | 
/** The public notice ([`notice`]). */
"notice";

/** An amount of Vietnamese đồng: whole, checked, formatted the Vietnamese way. */
export type Dong = number;

/** The journal's filter: the events of one group, or all. */
export type EventGroup = 
/** Every event. */
"all" | 
/** Payouts. */
"payout" | 
/** Reversals. */
"reversal" | 
/** Home visits. */
"visit" | 
/** Stop reports. */
"stop" | 
/** Advances, returns, counts. */
"cash" | 
/** Rolls loaded and amended. */
"roll" | 
/** Everything else (clerks, the period's close, holds …). */
"other";

/** What kind of state change an event records. */
export type EventKind = 
/** The ledger was set up for a pay point. */
"ledger_initialised" | 
/** A clerk or supervisor was added. */
"clerk_added" | 
/** A roll (or a new version of it) was loaded. */
"roll_loaded" | 
/** A newer version of a period's roll: lines added and withdrawn, conflicts reported. */
"roll_amended" | 
/** Lines were paid to a beneficiary or their proxy. */
"payout" | 
/** A payout was reversed with a supervisor's approval. */
"reversal" | 
/** A home-delivery visit and its outcome. */
"visit" | 
/** A stop report: death, move, other. */
"stop" | 
/** Cash received to pay out. */
"cash_advance" | 
/** Cash handed back. */
"cash_return" | 
/** Cash counted by denomination. */
"cash_count" | 
/** The period was closed: no more payouts. */
"period_closed" | 
/** A supervisor lifted a clerk's lock-out after too many wrong PINs. */
"clerk_unlocked" | 
/** The managing office put a beneficiary on hold "to be confirmed" (proof of life). */
"life_hold" | 
/** The managing office confirmed the beneficiary is alive: the hold is lifted. */
"life_confirmed" | 
/** A rate table (a new decree's amounts) was checked and recorded. */
"policy_loaded" | 
/** A supervisor changed the organisation settings (names, signers' titles, fee rate). */
"org_set" | 
/** Who supervised a day's payout for the commune (người giám sát, TT 44/2022 Điều 8). */
"day_supervisor" | 
/** Whom this device holds by default (two devices at one pay point). */
"hold_default" | 
/** People handed over to another device of the pay point. */
"hold_released" | 
/** People handed over from another device of the pay point. */
"hold_received" | 
/** A beneficiary asked to be paid by bank account. */
"account_requested" | 
/** The managing office decided on a request to be paid by account. */
"account_decided";

/** A proxy whose authorisation ends within the period (or has already ended). */
export type ExpiringProxy = {
	/** Beneficiary code. */
	code: string,
	/** Beneficiary name. */
	name: string,
	/** Village. */
	village: string,
	/** The proxy's name. */
	proxy_name: string,
	/** Last day of the authorisation. */
	valid_until: string,
	/** True when that day is already past on `today`. */
	expired: boolean,
};

/** Something the district must look at. Facts are stored, never refused. */
export type Flag = {
	/**
	 * `paid_after_stop`, `paid_by_two_devices`, `not_on_roll`, `amount_differs`,
	 * `line_withdrawn` or `unreadable_payload`.
	 */
	kind: string,
	/** Beneficiary code. */
	code: string,
	/** Period. */
	period: string,
	/** The event that raised it. */
	event: string,
	/** The other payout or the stop, when there is one. */
	other: string | null,
	/** Plain words. */
	detail: string,
	/** The money at stake, to check or recover (absent in receipts of hubs before issue 12). */
	amount?: Dong | null,
};

/** A hand-over made in the window (issue 17): whom, to which device, and the file to carry. */
export type HandoverOut = {
	handover: string,
	to_device: string,
	people: number,
	/** Where the signed hand-over file was written: copy it to the other device (USB stick). */
	file: string,
};

/** A person of [`Holds::received_unpaid`]. */
export type HeldPerson = {
	code: string,
	name: string,
	village: string,
};

/** Whose card a scan is, on the roll. */
export type Holder = {
	/** The beneficiary concerned (the card's holder, or the person they receive for). */
	code: BeneficiaryCode,
	/** The beneficiary's name on the roll. */
	name: string,
	/** The card is the registered proxy's, not the beneficiary's. */
	as_proxy: boolean,
	/** The name on the roll the card was compared with: the beneficiary's, or the proxy's. */
	expected_name: string,
	/** The year of birth on the roll the card was compared with (none for a proxy). */
	expected_birth_year: number | null,
	/** Fields of the card that differ from the roll (empty: it matches). */
	differed: CardField[],
};

/** Who this device holds, for the Today screen and `hold list`. */
export type Holds = {
	/** This device's short id. */
	device: string,
	/** Without a hand-over, this device holds everyone (the first device) or nobody (the second). */
	holds_all: boolean,
	/** People of the open period's roll this device holds. */
	here: number,
	/** People held by other devices, by device (short id), in order. */
	elsewhere: ([string, number])[],
	/**
	 * People another device handed over to this one who still have a line to pay: End of day
	 * reminds the clerk of them.
	 */
	received_unpaid: HeldPerson[],
};

/** One beneficiary paid at home, with the last visit of the open period. */
export type HomeDelivery = {
	/** Beneficiary code. */
	code: string,
	/** Name. */
	name: string,
	/** Village. */
	village: string,
	/** Year of birth. */
	birth_year: number | null,
	/** Unpaid amount. */
	due: Dong,
	/** Paid amount, net of reversals. */
	paid: Dong,
	/** Payment status. */
	status: PayStatus,
	/** The last visit this period, if any. */
	last_visit: VisitSummary | null,
};

/** What the card's QR says, checked and normalised. */
export type IdCardQr = {
	/** The 12-digit personal identification number (số định danh cá nhân). */
	id_number: string,
	/** The old 9-digit CMND number, when the card carries one. */
	old_number: string | null,
	/** Full name, NFC, single spaces. */
	name: string,
	/** Date of birth. */
	birth_date: string,
	/** Sex. */
	sex: Sex,
	/**
	 * Address (permanent residence, or "nơi cư trú" on the 2024 card). Predates the 2025
	 * mergers: never matched against anything.
	 */
	address: string,
	/** Date of issue. */
	issued: string,
};

/** How the clerk checked the identity of whoever takes the money, as the window sends it. */
export type IdCheckIn = 
/**
 * The card's QR code was scanned: the text the scanner typed, and the clerk's note when the
 * card differs from the roll.
 */
{ method: "qr"; 
/** The scanned text. */
text: string; 
/** Why the payout goes ahead although the card differs. */
note?: string | null } | 
/** The clerk looked at the card; the number, if typed. */
{ method: "manual"; 
/** The number typed (12 digits, or 9 of an old CMND). */
id_number?: string | null } | 
/** No paper checked, and why. */
{ method: "none"; 
/** Why (a bedridden person the clerk knows, at home). */
reason: string };

/** How to read the text of a roll file: found out from the file, or as the clerk chose. */
export type ImportEncoding = 
/** Found out from the file. */
"auto" | 
/** Unicode. */
"unicode" | 
/** The old TCVN3 (ABC) fonts. */
"tcvn3" | 
/** The old VNI fonts. */
"vni";

/** The journal page. */
export type Journal = {
	rows: JournalRow[],
	total: number,
	matched: number,
};

/** One event as the journal lists it. */
export type JournalRow = {
	seq: number,
	id: string,
	time: string,
	clerk_id: number | null,
	clerk_name: string | null,
	kind: EventKind,
	payload: Value,
	name: string | null,
	reversed: boolean,
};

/** A hold on a beneficiary, as the card shows it. */
export type LifeHoldView = {
	/** The periods in which the person was not seen at the counter. */
	periods: string[],
};

/** The kind of an entitlement line. */
export type LineKind = 
/** Trợ cấp hàng tháng. */
"monthly" | 
/** Phụ cấp. */
"supplement" | 
/** Trợ cấp người phục vụ. */
"carer" | 
/** Truy lĩnh. */
"arrears" | 
/** Trợ cấp một lần. */
"one_off" | 
/** Mai táng phí: paid to the family, so a death stop does not block it. */
"funeral";

/** One line on the card. */
export type LineView = {
	/** The line's id in the ledger. */
	id: number,
	/** Kind. */
	kind: LineKind,
	/** Amount. */
	amount: Dong,
	/** First month covered. */
	covers_from: string,
	/** Last month covered. */
	covers_to: string,
	/** Note. */
	note: string,
	/** The payout that paid it, if paid (net of reversals). */
	paid_by: string | null,
	/** Blocked by a stop report. */
	stopped: boolean,
	/** Unpaid and payable now (the store's `line_state.payable`). */
	payable: boolean,
	/** Paid by bank account in this period, not in cash (`line_state.by_account`). */
	by_account: boolean,
};

/** Why the window locked itself. */
export type LockReason = 
/** No input for the inactivity limit. */
"inactivity" | 
/** The machine woke from sleep past the limit. */
"sleep" | 
/** The window was hidden (minimised, screen locked) past the limit. */
"hidden";

/** A change asked for: `None` keeps a setting, an empty text puts it back to its default. */
export type OrgChange = {
	/** See [`OrgSettings::managing_office`]. */
	managing_office: string | null,
	/** See [`OrgSettings::payer`]. */
	payer: string | null,
	/** See [`OrgSettings::province`]. */
	province: string | null,
	/** See [`OrgSettings::commune`]. */
	commune: string | null,
	/** See [`OrgSettings::title_preparer`]. */
	title_preparer: string | null,
	/** See [`OrgSettings::title_accountant`]. */
	title_accountant: string | null,
	/** See [`OrgSettings::title_head`]. */
	title_head: string | null,
	/** See [`OrgSettings::title_clerk`]. */
	title_clerk: string | null,
	/** See [`OrgSettings::title_managing`]. */
	title_managing: string | null,
	/** See [`OrgSettings::title_supervisor`]. */
	title_supervisor: string | null,
	/** The fee as a percentage, as typed ("0,55", "0.55%", "1"); empty: no fee set. */
	fee_rate: string | null,
};

/** The settings as stored: what someone set, nothing else. `None` means "the default". */
export type OrgSettings = {
	/** The managing office ("UBND xã Quảng Hưng", "Sở Nội vụ tỉnh Quảng Trị"). */
	managing_office?: string | null,
	/** The payer, its parent first ("Bưu điện tỉnh Quảng Trị — Bưu điện văn hóa xã Quảng Hưng"). */
	payer?: string | null,
	/** The province ("Quảng Trị"). */
	province?: string | null,
	/** The commune ("Quảng Hưng"): the place on the date line. */
	commune?: string | null,
	/** Title of who drew up the paper ("Người lập biểu"). */
	title_preparer?: string | null,
	/** Title of the accountant ("Kế toán"). */
	title_accountant?: string | null,
	/** Title of the payer's head ("Giám đốc Bưu điện"). */
	title_head?: string | null,
	/** Title of the paying clerk ("Nhân viên chi trả"). */
	title_clerk?: string | null,
	/** Title of who signs for the managing office ("Đại diện UBND xã"). */
	title_managing?: string | null,
	/** Title of the managing office's supervisor at the payout ("Người giám sát"). */
	title_supervisor?: string | null,
	/** The payer's fee, in basis points of the amount paid (55 = 0,55%). */
	fee_rate_bp?: number | null,
};

/**
 * The organisation as the papers print it (defaults filled in, and what is stored), with the
 * fee rate as the clerk types it ("0,55%").
 */
export type OrgView = {
	organisation: Organisation,
	fee_rate: string | null,
	/** Whether the last save changed anything (false when read, or when nothing differed). */
	changed: boolean,
};

/** The organisation as the papers print it: the settings, with the defaults filled in. */
export type Organisation = {
	/** The managing office. */
	managing_office: string,
	/** The payer, whole ("Bưu điện tỉnh Quảng Trị — Bưu điện văn hóa xã Quảng Hưng"). */
	payer: string,
	/** The payer's parent, printed above it in the header ("Bưu điện tỉnh Quảng Trị"). */
	payer_parent: string | null,
	/** The payer's unit that pays here ("Bưu điện văn hóa xã Quảng Hưng"). */
	payer_unit: string,
	/** The province, when known. */
	province: string | null,
	/** The commune, when known. */
	commune: string | null,
	/** The place on the date line. */
	place: string,
	/** The signers' titles. */
	titles: Titles,
	/** The payer's fee in basis points, when a rate is set. */
	fee_rate_bp: number | null,
	/** What is stored (for showing which values are defaults). */
	settings: OrgSettings,
};

/**
 * Payment status of a beneficiary in the period, in the terms the state's software uses with
 * the post office.
 */
export type PayStatus = 
/** Đã trả: every payable line paid. */
"paid" | 
/** Some lines paid, some not. */
"partly_paid" | 
/** Chưa trả. */
"unpaid" | 
/** Chưa trả và dừng chi trả: a stop blocks the rest. */
"stopped" | 
/** Nhận qua tài khoản: the office pays the rest by bank account this period. */
"by_account";

/** Can this person be paid now? */
export type Payability = 
/**
 * Yes: this amount, every unpaid line not blocked. While the person is held "to be
 * confirmed" (proof of life) the payout needs a supervisor's PIN and a note.
 */
{ state: "payable"; 
/** What the payout pays. */
amount: Dong; 
/** A supervisor must approve it, with a note. */
needs_approval: boolean } | 
/** A stop report blocks every unpaid line (a funeral allowance would still be payable). */
{ state: "stopped"; 
/** Why. */
reason: StopReason; 
/** Date of death or move, when known. */
date: string | null } | 
/** The period is closed: nothing more is paid in it. */
{ state: "period_closed" } | 
/** The office pays this person by bank account in this period: no cash. */
{ state: "by_account"; 
/** The first period paid by account. */
from: Period } | 
/** Another device of the pay point holds this person: it pays them, this one does not. */
{ state: "held_elsewhere"; 
/** That device's short id. */
device: string } | 
/** The roll owes this person nothing this period. */
{ state: "nothing_owed" } | 
/** Every line is paid. */
{ state: "already_paid"; 
/** What was paid, net of reversals. */
paid: Dong } | 
/** The box holds less than the payout. */
{ state: "not_enough_cash"; 
/** Cash in the box. */
on_hand: Dong; 
/** What the payout needs. */
needed: Dong };

/** A recorded payout. */
export type PayoutReceipt = {
	/** The payout's id (its event's UUIDv7). */
	payout_id: string,
	/** Total paid. */
	amount: Dong,
	/** Amount in words. */
	amount_in_words: string,
	/** Beneficiary code. */
	code: string,
	/** Beneficiary name. */
	name: string,
	/** Lines paid: (line id, amount). */
	lines: ([number, Dong])[],
	/** Event sequence number. */
	seq: number,
	/** Cash left in the box. */
	cash_on_hand: Dong,
};

/** A pay period: a month, written `YYYY-MM`. */
export type Period = string;

/** The table in force on a day, and the next one if it is known. */
export type PolicyInForce = {
	/** The day asked about. */
	on: string,
	/** The table in force: its heading. */
	heading: TableHeading,
	/** Its categories (all of them, or those matching a search: [`PolicyInForce::matching`]). */
	rates: Rate[],
	/** The carer allowance, ordinary and most severe. */
	carer: Dong,
	/** The carer allowance for the most severe cases. */
	carer_severe: Dong,
	/** A table loaded that applies later, if any. */
	upcoming: TableHeading | null,
};

/** What a roll file holds, read and checked: nothing is written. */
export type Preview = {
	file: string,
	sheet: string | null,
	header_row: number,
	encoding: TextEncoding,
	encoding_sure: boolean,
	beneficiaries: number,
	lines: number,
	total: Dong,
	stated_total: Dong | null,
	warnings: string[],
	period: Period,
	loaded_version: number | null,
};

/** What to do with a document once written. */
export type PrintAction = 
/** Open it in the system's PDF viewer. */
"open" | 
/** Send it to the default printer. */
"print" | 
/** Only write the file. */
"save";

/** What the window asks to print. */
export type PrintRequest = {
	/** Which paper. */
	kind: DocumentKind,
	/** One village (signature sheet, unpaid list); the whole roll when empty. */
	village?: string | null,
	/** The beneficiary of a receipt. */
	code?: string | null,
	/** Or the payout of a receipt. */
	payout?: string | null,
	/** Open in the PDF viewer, print, or only write the file. */
	action: PrintAction,
};

/** What was done. */
export type Printed = {
	/** The PDF file written. */
	path: string,
	/** Its pages. */
	pages: number,
	/** Its title. */
	title: string,
	/** Opened, printed or saved. */
	done: Delivered,
};

/** One thing wrong with a file, and where. */
export type Problem = {
	/** File name (without its folder). */
	file: string,
	/** Sheet name, for workbooks. */
	sheet: string | null,
	/** Row number as the spreadsheet shows it (1-based). */
	row: number | null,
	/** Column letter as the spreadsheet shows it (A, B, … AA). */
	column: string | null,
	/** The column's meaning ("Số tiền", "Họ và tên" …). */
	field: string | null,
	/** What is wrong, in Vietnamese. */
	message: string,
};

/** How the ledger file was found at start. */
export type Protection = 
/** Encrypted, and open (its key came from the key store or a passphrase). */
"encrypted" | 
/** Encrypted, and waiting for the supervisor's passphrase (the unlock screen). */
"locked" | 
/** A plain ledger from before encryption: open, with a banner asking to encrypt it. */
"plain";

/** An authorised recipient (người nhận thay), confirmed by the commune; valid at most 12 months. */
export type Proxy = {
	/** Full name. */
	name: string,
	/** ID card number (CCCD). */
	id_card: string,
	/** Relationship to the beneficiary ("con trai", "vợ" …). */
	relationship: string,
	/** Last day the authorisation is valid. */
	valid_until: string,
};

/** One category and its monthly amount. */
export type Rate = {
	/** The category as rolls write it. */
	category: string,
	/** Monthly allowance, đồng. */
	monthly: Dong,
	/** Monthly supplement (phụ cấp), if any. */
	supplement: Dong | null,
	/** A short explanation for the beneficiary. */
	explanation: string,
};

/** Who receives the money, as the window sends it. */
export type RecipientIn = {
	kind: RecipientKind,
	/** The proxy's name (a proxy only; may be left out). */
	name?: string | null,
	/** The proxy's ID card number (a proxy only; may be left out). */
	id_card?: string | null,
	/** A new proxy: relationship to the beneficiary. */
	relationship?: string | null,
	/** A new proxy: the date the commune certified the authorisation (dd/mm/yyyy). */
	authorised_on?: string | null,
	/** A new proxy: the authorisation's last day (dd/mm/yyyy). */
	valid_until?: string | null,
};

/** Who receives the money: the beneficiary, or the proxy named in the request. */
export type RecipientKind = 
/** The beneficiary in person. */
"self" | 
/** Someone receiving for them (name and ID card given). */
"proxy" | 
/**
 * A proxy not on the roll with a fresh authorisation shown at the counter (its dates and the
 * relationship given; a supervisor approves).
 */
"new_proxy";

/** A recorded reversal. */
export type ReversalReceipt = {
	/** The reversal's id. */
	reversal_id: string,
	/** The payout reversed. */
	payout_id: string,
	/** Amount returned to the cash box. */
	amount: Dong,
	/** Event sequence number. */
	seq: number,
};

/** A clerk's role. */
export type Role = 
/** Pays, visits, counts cash. */
"clerk" | 
/** Also approves reversals. */
"supervisor";

/** What loading a roll file changed. */
export type RollChange = {
	/** The period. */
	period: Period,
	/** The version now in force. */
	version: number,
	/** A first roll of the period, an amendment, or nothing written (same content). */
	outcome: RollOutcome,
	/** People added. */
	added_beneficiaries: number,
	/** Lines added (new, or replacing a changed amount). */
	added_lines: number,
	/** Lines withdrawn (dropped, or replaced by a changed amount). */
	removed_lines: number,
	/** Changes that touch lines already paid: not applied, reported. */
	conflicts: Conflict[],
	/**
	 * Details of people that differ in the new roll but are kept as first loaded (name, village,
	 * proxy …): a warning for the clerk to check with the district.
	 */
	detail_changes: string[],
};

/** A spreadsheet found in the usual folders, offered for import. */
export type RollFile = {
	path: string,
	name: string,
	folder: string,
	modified: string,
};

/** Where a roll version came from: what the Today screen and every printed sheet say of it. */
export type RollOrigin = 
/** Pulled from the hub, its signature verified: the managing office's roll. */
"hub" | 
/** A file the pay point loaded itself, before the device enrolled: unsigned. */
"file" | 
/** Demo data. */
"demo";

/** What loading a roll did. */
export type RollOutcome = 
/** The first roll of the period. */
"loaded" | 
/** A newer version: lines added and withdrawn. */
"amended" | 
/** The same content as the version in force: nothing written. */
"unchanged";

/** One version of a period's roll. */
export type RollVersion = {
	/** The period. */
	period: Period,
	/** Version number, from 1. */
	version: number,
	/** Where it came from, in words (a file name, the hub's version, "demo"). */
	source: string,
	/** When it was loaded (the device's local time). */
	loaded_at: string,
	/** Hub (signed), file (the pay point's own, unsigned) or demo. */
	origin: RollOrigin,
};

/**
 * A scan: the card read, and every person on the roll it belongs to (none: "không có trong
 * danh sách", and nothing else happens).
 */
export type Scan = {
	/** The card, read and checked. */
	card: IdCardQr,
	/** Whom it belongs to on the roll. */
	holders: Holder[],
};

/** One search result: what the result list shows. */
export type SearchHit = {
	/** Beneficiary code. */
	code: string,
	/** Name. */
	name: string,
	/** Village. */
	village: string,
	/** Year of birth. */
	birth_year: number | null,
	/** Category. */
	category: string,
	/** ID card number. */
	id_card: string | null,
	/** Paid at home. */
	home_delivery: boolean,
	/** Unpaid amount. */
	due: Dong,
	/** Paid amount, net of reversals. */
	paid: Dong,
	/** Status. */
	status: PayStatus,
};

/** The settings as the window uses them. */
export type SettingsView = {
	/** Minutes without input before the window locks (the supervisor's setting). */
	lock_minutes: number,
	/** The limit in force, in seconds (`PAYPOINT_LOCK_SECONDS` overrides the setting). */
	lock_seconds: number,
	/** True when `PAYPOINT_LOCK_SECONDS` is set (tests, kiosks): the setting is not in force. */
	lock_overridden: boolean,
	/** The range a supervisor may choose. */
	min_minutes: number,
	/** The range a supervisor may choose. */
	max_minutes: number,
	/** The clerk signed in is a supervisor (may change the settings). */
	can_edit: boolean,
	/** How the ledger file is protected. */
	protection: Protection,
};

/** Sex as the roll records it (the birth year column is split Nam / Nữ). */
export type Sex = 
/** Nam. */
"M" | 
/** Nữ. */
"F";

/** The events the shell emits to the window (`listen` by this name). */
export type ShellEvent = 
/** A sync round started or ended: the Sync screen's counts changed. */
"sync-changed";

/** Where the pay point stands: the numbers of the Today screen and of `paypoint status`. */
export type Status = {
	/** Pay point code. */
	pay_point_code: string,
	/** Pay point name. */
	pay_point_name: string,
	/** This device. */
	device: string,
	/** The open period, if a roll is loaded. */
	period: Period | null,
	/** The roll version in force for that period. */
	roll_version: number | null,
	/** True when the roll is demo data. */
	demo: boolean,
	/**
	 * Where the roll in force came from: the hub (signed by the managing office), a file the
	 * pay point loaded itself (unsigned), or demo data.
	 */
	roll_origin: RollOrigin | null,
	/** People on the roll. */
	beneficiaries: number,
	/** People paid at least one line. */
	paid_beneficiaries: number,
	/** Lines owed (withdrawn lines and months another roll paid excluded). */
	lines: number,
	/** Sum of those lines. */
	total_due: Dong,
	/** Lines paid, net of reversals. */
	paid_lines: number,
	/** Amount paid, net of reversals. */
	paid_amount: Dong,
	/** `total_due − paid_amount`. */
	unpaid_amount: Dong,
	/** Part of the unpaid amount that is stopped. */
	stopped_amount: Dong,
	/**
	 * The people and money the office pays by bank account this period (part of the unpaid
	 * amount, never paid here in cash): the share the province reports.
	 */
	by_account: AccountShare,
	/** Cash in the box according to the events. */
	cash_on_hand: Dong,
	/** Events in the log. */
	events: number,
};

/** Why payment stops. */
export type StopReason = 
/** Death. */
"death" | 
/** Moved away. */
"moved" | 
/** Anything else (imprisonment, missing, …). */
"other";

/** A recorded stop. */
export type StopReceipt = {
	/** Code. */
	code: string,
	/** Reason. */
	reason: StopReason,
	/** Date, when known. */
	date: string | null,
	/** Event sequence number. */
	seq: number,
	/**
	 * Payouts already made to this beneficiary after the date of death or move: the district
	 * must recover them. Empty when there are none.
	 */
	paid_after_stop: string[],
};

/** The stop that applies to a beneficiary. */
export type StopView = {
	/** Why. */
	reason: StopReason,
	/** Date of death or move, when known. */
	date: string | null,
	/** Note. */
	note: string,
};

/** What a round the clerk asked for did. */
export type SyncDone = {
	/** The core's report: amendments, rolls, batches, events acknowledged, flags. */
	report: SyncReport,
	/** Where things stand after it. */
	view: SyncView,
};

/** What one round did. */
export type SyncReport = {
	/** Amendments applied (stops, roll versions). */
	amendments_applied: number,
	/** Stops from the district recorded in the ledger. */
	stops_applied: number,
	/** Rolls pulled and loaded or amended. */
	rolls: RollChange[],
	/** Batches acknowledged. */
	batches: number,
	/** Events the hub acknowledged in this round. */
	events_acknowledged: number,
	/** Flags the hub raised in this round. */
	flags: Flag[],
	/** Where the exchange stands after the round. */
	status: SyncStatus,
};

/** Where the exchange stands (`paypoint sync status`). */
export type SyncStatus = {
	/** Enrolled with a hub. */
	enrolled: boolean,
	/** The hub's URL. */
	hub_url: string | null,
	/** Events recorded on this device. */
	events: number,
	/** Events not yet acknowledged by the hub. */
	pending: number,
	/** Of those, events sent but not yet acknowledged. */
	sent: number,
	/** Events acknowledged (every event through this sequence is at the hub). */
	acknowledged: number,
	/** Flags the hub raised on this device's batches. */
	flagged: number,
	/** Receipts kept. */
	receipts: number,
	/** Last amendment applied. */
	amendment_cursor: number,
	/** The last receipt, as signed by the hub. */
	last_receipt: Value | null,
	/** Last successful round. */
	last_success_at: string | null,
	/** Last error. */
	last_error: string | null,
};

/** The Sync screen: the ledger's side of the exchange and the app's. */
export type SyncView = {
	/** Enrolled, counts, last receipt, last success and error (from the ledger). */
	status: SyncStatus,
	/** This device's public key (hex), made on first use: the district may ask for it. */
	device_public_key: string,
	/** This ledger's pay point code: the hub must enrol the device for the same one. */
	pay_point_code: string,
	/** A round is running now. */
	running: boolean,
	/** The last attempt since the app started. */
	last_attempt: Attempt | null,
	/** Seconds between background rounds (0: off). */
	interval_secs: number,
};

/** A table's heading: what it is, from when, from where. */
export type TableHeading = {
	/** The legal basis's number. */
	basis: string,
	/** Its title. */
	title: string,
	/** The day it was signed. */
	signed_on: string,
	/** The first day it applies. */
	effective_from: string,
	/** The base rate. */
	base_rate: Dong,
	/** How many categories. */
	categories: number,
	/** Where it came from. */
	origin: TableOrigin,
};

/** Where a table came from. */
export type TableOrigin = {
	/** The `policy_loaded` event that recorded it; `None` for the table shipped with the program. */
	event_seq: number | null,
	/** The file's name, or "kèm chương trình". */
	source: string,
	/** When it was loaded (the event's local time); `None` for the shipped table. */
	loaded_at: string | null,
};

/** A hand-over file taken on this device. */
export type TakenOut = {
	people: number,
	from_device: string,
};

/** Which encoding text was typed in. */
export type TextEncoding = 
/** Unicode: the text is already right and is only brought to NFC. */
"unicode" | 
/** TCVN3 (ABC): one byte per letter, fonts `.VnTime`, `.VnArial`, heading fonts `.VnTimeH`… */
"tcvn3" | 
/** VNI-Windows: base letter followed by mark bytes, fonts `VNI-Times`, `VNI-Helve`… */
"vni";

/** The signers' titles as printed. */
export type Titles = {
	/** Who drew up the paper. */
	preparer: string,
	/** The accountant. */
	accountant: string,
	/** The payer's head. */
	head: string,
	/** The paying clerk. */
	clerk: string,
	/** Who signs for the managing office. */
	managing: string,
	/** The managing office's supervisor at the payout (TT 44/2022 Điều 8). */
	supervisor: string,
};

/** The Today screen. */
export type Today = {
	status: Status,
	today: string,
	deadline: string | null,
	days_left: number | null,
	/**
	 * The day the period's report to the managing office is due (dd/mm/yyyy): the 20th of the
	 * next month (TT 44/2022 Điều 8, as amended).
	 */
	report_due: string | null,
	/** Days until then: 0 on the day, negative when overdue. */
	report_days_left: number | null,
	unsynced_events: number,
	sync_enrolled: boolean,
	last_sync: string | null,
	expiring_proxies: ExpiringProxy[],
	not_visited: HomeDelivery[],
	home_deliveries: number,
	cash: CashStatus,
	/**
	 * Who supervises today's payout for the managing office (người giám sát, TT 44/2022 Điều
	 * 8), when recorded.
	 */
	supervisor: DaySupervisor | null,
	/** Whom this device pays (issue 17: two devices at one pay point), with an open period. */
	holds: Holds | null,
};

export type Value = null | boolean | number | string | Value[] | { [key in string]: Value };

/** The chain check. */
export type Verify = {
	events: number,
	chain_ok: boolean,
	first_broken: BrokenLink | null,
	rolls_ok: boolean,
	bad_roll: string | null,
};

/** What the clerk found at the home. */
export type VisitOutcome = 
/** Paid at the home. */
"paid" | 
/** Nobody home. */
"absent" | 
/** In hospital. */
"hospital" | 
/** Deceased: payment stops. */
"deceased" | 
/** Moved away: payment stops. */
"moved" | 
/** Refused the money. */
"refused";

/** A recorded visit. */
export type VisitReceipt = {
	/** The visit's id. */
	visit_id: string,
	/** Outcome. */
	outcome: VisitOutcome,
	/** The payout made at the home, for outcome `paid`. */
	payout: PayoutReceipt | null,
	/** The stop recorded, for outcomes `deceased` and `moved`. */
	stop: StopReceipt | null,
	/** Event sequence number of the visit. */
	seq: number,
};

/** A home visit as the lists show it. */
export type VisitSummary = {
	/** What the clerk found. */
	outcome: VisitOutcome,
	/** When (local time, RFC 3339). */
	visited_at: string,
	/** The clerk's note. */
	note: string,
};

/**
 * Every command the window may call (`call` in ui/js/api.js): its arguments, by their
 * names on the wire, and what it returns. A command that fails throws an `ApiError`.
 */
export interface Commands {
  /** The banks a request chooses from (NAPAS codes), with the list's date. */
  account_banks: { args: Record<string, never>; result: BankList };
  /** The requests recorded on this device, with the office's decisions; numbers masked. */
  account_list: { args: Record<string, never>; result: AccountView[] };
  /** Records a beneficiary's request to be paid by account and writes the form they sign
   * (`action`: open it, print it, or only save it). The person stays on cash until the office
   * confirms. */
  account_request: { args: { input: AccountRequestInput; action: PrintAction; }; result: AccountRequested };
  /** The amount in words ("Một triệu … đồng"), for the confirm dialogs. */
  amount_in_words: { args: { amount: number; }; result: string };
  /** The pay point, the clerks, whether this is demo data, and who is signed in. */
  app_info: { args: Record<string, never>; result: AppInfo };
  /** The card of one beneficiary: lines, totals, proxy, home delivery, stop, and whether and why
   * not it can be paid. */
  beneficiary: { args: { code: string; }; result: Card };
  /** The cash box: advances, paid out, on hand, last count. */
  cash_status: { args: Record<string, never>; result: CashOut };
  /** Hands people (a village, or codes) over to another device of the pay point: a supervisor's
   * PIN; from this commit this device does not pay them. The file goes to the data folder's
   * `handovers`. */
  hold_give: { args: { to: string; village?: string | null; codes: string[]; approver_id: number; approver_pin: string; }; result: HandoverOut };
  /** Whom this device pays (issue 17), for End of day's reminder; none without an open period. */
  hold_status: { args: Record<string, never>; result: Holds | null };
  /** Takes the people of a hand-over file made for this device (the path `upload_roll_file`
   * returned for the file chosen in the window): a supervisor's PIN; from this commit this device
   * pays them. */
  hold_take: { args: { path: string; approver_id: number; approver_pin: string; }; result: TakenOut };
  /** The home-delivery list, by village, with each last visit. */
  home_list: { args: Record<string, never>; result: HomeDelivery[] };
  /** Loads the roll file (a first roll, or the difference of a newer version). */
  import_apply: { args: { path: string; period: string; encoding: ImportEncoding; }; result: RollChange };
  /** Reads and checks a roll file; the errors come located by row and column. */
  import_preview: { args: { path: string; period: string; encoding: ImportEncoding; }; result: Preview };
  /** Every event, newest first, filtered by group (`payout`, `cash` …) and by words (code, name,
   * anything in the event), at most `limit`. */
  journal: { args: { group?: EventGroup | null; query?: string | null; limit?: number | null; }; result: Journal };
  /** The documents written so far, newest first. */
  list_documents: { args: Record<string, never>; result: DocumentFile[] };
  /** Spreadsheets in the app's import folder, Downloads, Desktop and Documents (newest first), so
   * the clerk can choose one with the arrow keys. */
  list_roll_files: { args: Record<string, never>; result: RollFile[] };
  /** Locks the window: the clerk signed in is dropped, so every command refuses until someone
   * signs in again with their PIN. Called by the window after the inactivity limit, and when the
   * machine wakes from sleep past it. */
  lock_session: { args: { reason?: LockReason | null; }; result: null };
  /** Opens (or prints) a document already written; only files of the documents folder. */
  open_document: { args: { path: string; action: PrintAction; }; result: Delivered };
  /** Who manages, who pays, where, the signers' titles and the payer's fee, as the papers print
   * them. */
  org_settings: { args: Record<string, never>; result: OrgView };
  /** Pays every payable line of a beneficiary, refused if the amount confirmed on screen is no
   * longer what is owed. */
  pay: { args: { code: string; recipient: RecipientIn; expected_total: number; at_home?: boolean | null; approval?: ApprovalIn | null; id_check?: IdCheckIn | null; }; result: PayoutReceipt };
  /** The rate table in force today (its legal basis, since when, a newer one already loaded) and
   * its categories matching the words typed (all when empty). */
  policy_rates: { args: { query: string; }; result: PolicyInForce };
  /** Writes a document as PDF into the documents folder, then opens it in the system viewer or
   * sends it to the default printer. */
  print_document: { args: { request: PrintRequest; }; result: Printed };
  /** Records a cash advance received. */
  record_advance: { args: { amount: string; note?: string | null; }; result: CashOut };
  /** Records a count by denomination: `[[500000, 12], [200000, 3], …]`. A difference is recorded as
   * found. */
  record_count: { args: { notes: ([number, number])[]; }; result: CountReceipt };
  /** Records who supervises today's payout for the managing office (người giám sát, TT 44/2022
   * Điều 8): their name and office. A second record the same day replaces the first on paper. */
  record_day_supervisor: { args: { name: string; office: string; }; result: DaySupervisor };
  /** Records a home visit; outcome `paid` pays at the home under the counter's rules, `deceased`
   * and `moved` stop payment with `stop_date` (the date of death, which the core requires, or of
   * the move). */
  record_visit: { args: { code: string; outcome: VisitOutcome; note?: string | null; recipient?: RecipientIn | null; expected_total?: number | null; approval?: ApprovalIn | null; stop_date?: string | null; id_check?: IdCheckIn | null; }; result: VisitReceipt };
  /** Records a stop report: payment stops at once. */
  report_stop: { args: { code: string; reason: StopReason; date?: string | null; note?: string | null; }; result: StopReceipt };
  /** Reverses a payout: needs the reason and a supervisor's PIN (someone other than the clerk). */
  reverse: { args: { payout_id: string; reason: string; approver_id: number; approver_pin: string; }; result: ReversalReceipt };
  /** The versions of the open period's roll, each with where it came from. */
  roll_versions: { args: Record<string, never>; result: RollVersion[] };
  /** Reads a citizen ID card's QR code (the text a scanner typed) and finds whose card it is on the
   * open period's roll: the beneficiary, or the registered proxy of one. The text is never logged. */
  scan_card: { args: { text: string; }; result: Scan };
  /** Beneficiaries matching what the clerk typed (accent-insensitive, prefixes), at most
   * [`SEARCH_LIMIT`]. */
  search: { args: { query: string; limit?: number | null; }; result: SearchHit[] };
  /** Changes the organisation settings: a supervisor (who may be the clerk signed in) approves with
   * their PIN, and the change is recorded in their name. An empty field puts its default back. */
  set_org: { args: { change: OrgChange; supervisor_id: number; supervisor_pin: string; }; result: OrgView };
  /** The settings (readable before sign-in: the window needs the inactivity limit). */
  settings_get: { args: Record<string, never>; result: SettingsView };
  /** Changes the inactivity limit: supervisors only, 1 to 60 minutes. */
  settings_set: { args: { lock_minutes: number; }; result: SettingsView };
  /** Signs a clerk in with their PIN. */
  sign_in: { args: { clerk_id: number; pin: string; }; result: Clerk };
  /** Signs out. */
  sign_out: { args: Record<string, never>; result: null };
  /** Enrols this device with the hub at `url` with the district's one-time `code`. */
  sync_enrol: { args: { url: string; code: string; }; result: SyncView };
  /** One sync round now, off the window's thread; waits for a round already running to end first. */
  sync_now: { args: Record<string, never>; result: SyncDone };
  /** Where the exchange with the district stands. */
  sync_status: { args: Record<string, never>; result: SyncView };
  /** Where the pay point stands today. */
  today_status: { args: Record<string, never>; result: Today };
  /** A supervisor lifts a clerk's lock-out (too many wrong PINs) at the sign-in screen, with their
   * own PIN. Whoever is signed in at the window stays so: the supervisor is signed in for this
   * one action only. Recorded as an event (`clerk_unlocked`, naming the supervisor). */
  unlock_clerk: { args: { clerk_id: number; supervisor_id: number; supervisor_pin: string; }; result: null };
  /** Opens the locked ledger with the supervisor's passphrase. A wrong one is refused and changes
   * nothing. The passphrase is wiped from memory when done. */
  unlock_ledger: { args: { passphrase: string; }; result: null };
  /** Its argument is the request's body as it is. */
  upload_roll_file: { args: ArrayBuffer | Uint8Array; result: string; raw: true };
  /** Recomputes the hash chain and the rolls' content hashes. */
  verify: { args: Record<string, never>; result: Verify };
  /** The villages of the open period's roll, for the print options. */
  villages: { args: Record<string, never>; result: string[] };
}

