// The payment dialog, shared by the counter and the home visit: who receives the money (the
// beneficiary, the authorised proxy with name and ID number, or a new proxy with a fresh
// authorisation), how their identity was checked (a scanned ID card fills the dialog), the
// amount in figures and in words, Enter to confirm; then the receipt is offered. A person to be
// confirmed (proof of life), a new proxy or a card with another ID number is still paid, with a
// supervisor's PIN and a note.
import { call, errorText } from "./api.js";
import { $, fill, h, money, notice } from "./dom.js";
import { t } from "./i18n.js";
import * as modal from "./modal.js";
import { idCheckFields } from "./idcheck.js";
import { onScan } from "./scanner.js";

/**
 * @typedef {import("../types/bindings").Card} Card
 * @typedef {import("../types/bindings").PayoutReceipt} PayoutReceipt
 * @typedef {import("../types/bindings").RecipientIn} RecipientIn
 * @typedef {import("../types/bindings").RecipientKind} RecipientKind
 * @typedef {import("../types/bindings").ApprovalIn} ApprovalIn
 * @typedef {import("../types/bindings").AppInfo} AppInfo
 * @typedef {import("../types/bindings").Clerk} Clerk
 * @typedef {import("../types/bindings").Scan} Scan
 * @typedef {import("../types/bindings").Holder} Holder
 */

/**
 * Opens the dialog for a card. `onDone()` runs when the clerk moves on after paying. `info` and
 * `clerk` are the screen's (who may approve): passed in rather than imported from app.js, so that
 * the screens and this dialog do not import each other in a circle. `scanned` is a card scanned on
 * the Pay screen before the dialog opened; a card scanned while it is open fills it too.
 * @param {Card} card
 * @param {{ info: AppInfo | null, clerk: Clerk | null, atHome?: boolean, scan?: { scan: Scan, holder: Holder, text: string } | null, onDone?: (receipt: PayoutReceipt) => void }} options
 */
export function openPay(card, { info, clerk, atHome = false, scan = null, onDone }) {
  /** @type {RecipientKind} */
  let recipient = "self";
  let busy = false;
  /** @type {PayoutReceipt | null} */
  let receipt = null;
  const proxyAllowed = !!card.proxy && !card.proxy_expired;
  const err = h("div", { id: "pay-error-box" });
  const scanNote = h("div", { id: "pay-scan-note" });
  const proxyName = h("input", { id: "proxy-name", "data-testid": "proxy-name", autocomplete: "off", value: card.proxy?.name || "" });
  const proxyId = h("input", { id: "proxy-id", "data-testid": "proxy-id", autocomplete: "off", inputmode: "numeric" });
  const proxyFields = h(
    "div",
    { class: "proxy-fields", hidden: true },
    h("label", { class: "label", for: "proxy-name" }, t("dlg_proxy_name")),
    proxyName,
    h("label", { class: "label", for: "proxy-id" }, t("dlg_proxy_id")),
    proxyId,
  );
  const fresh = newProxyFields();
  const idCheck = idCheckFields();
  /** @type {(value: RecipientKind, label: string, disabled: boolean) => HTMLLabelElement} */
  const radio = (value, label, disabled) =>
    h(
      "label",
      { class: `radio${disabled ? " disabled" : ""}` },
      h("input", { type: "radio", name: "recipient", value, "data-testid": `recipient-${value}`, checked: value === "self", disabled, onchange: () => choose(value) }),
      " ",
      label,
    );
  const approval = approvalFields(card, info, clerk);
  const confirmBtn = h("button", { class: "primary big", id: "confirm-pay", "data-testid": "confirm-pay", onclick: confirm }, t("dlg_confirm"));
  const body = h(
    "div",
    { class: "pay-dialog" },
    h("h2", {}, t(atHome ? "dlg_pay_home_title" : "dlg_pay_title", { name: card.name })),
    h("div", { class: "muted" }, `${card.code} · ${card.village}`),
    h("h3", {}, t("dlg_recipient")),
    radio("self", t("dlg_recipient_self"), false),
    radio("proxy", t("dlg_recipient_proxy"), !proxyAllowed),
    radio("new_proxy", t("dlg_recipient_new_proxy"), false),
    card.proxy ? null : h("div", { class: "muted small" }, t("dlg_no_proxy")),
    card.proxy_expired ? notice("warn", t("card_proxy_expired_renew"), "dlg-proxy-expired") : null,
    scanNote,
    proxyFields,
    fresh.box,
    idCheck.box,
    approval.box,
    h("div", { class: "confirm-amount" }, h("div", { class: "label" }, t("dlg_amount")), h("div", { class: "amount-huge", "data-testid": "confirm-amount" }, `${money(card.payable)} đ`), h("div", { class: "in-words", "data-testid": "confirm-words" }, card.payable_words)),
    err,
    h("div", { class: "actions" }, confirmBtn, h("button", { "data-testid": "cancel-pay", onclick: () => modal.close() }, t("dlg_cancel"))),
  );
  body.addEventListener("keydown", onKey);
  const stopScans = onScan((text) => void scanned(text));
  modal.open(body, {
    testid: "pay-dialog",
    wide: true,
    onClose: () => {
      stopScans();
      if (receipt) onDone?.(receipt);
    },
  });
  confirmBtn.focus();
  if (scan) useScan(scan.scan, scan.text);
  showApproval();

  /**
   * @param {RecipientKind} value
   * @param {{ keepScan?: boolean }} [options]
   */
  function choose(value, { keepScan = false } = {}) {
    recipient = value;
    for (const r of body.querySelectorAll('input[name="recipient"]')) /** @type {HTMLInputElement} */ (r).checked = /** @type {HTMLInputElement} */ (r).value === value;
    proxyFields.hidden = value !== "proxy";
    fresh.box.hidden = value !== "new_proxy";
    // A scan was of one person: choosing another recipient by hand leaves it behind.
    if (!keepScan && idCheck.scanned()) {
      idCheck.set(null);
      fill(scanNote);
    }
    showApproval();
    if (value === "proxy" && !keepScan) proxyId.focus();
    if (value === "new_proxy" && !keepScan) fresh.focus();
  }

  /** A supervisor is asked for when the core will require one: say so before the clerk tries. */
  function showApproval() {
    const needed = !!card.to_confirm || recipient === "new_proxy" || idCheck.needsSupervisor();
    approval.box.hidden = !needed;
  }

  /** A card scanned while the dialog is open: whose it is decides who receives. @param {string} text */
  async function scanned(text) {
    if (busy || receipt) return;
    try {
      useScan(await call("scan_card", { text }), text);
    } catch (e) {
      fill(err, notice("error", errorText(e), "scan-error"));
    }
  }

  /**
   * @param {Scan} s
   * @param {string} text
   */
  function useScan(s, text) {
    fill(err);
    const holder = s.holders.find((x) => x.code === card.code);
    const against = holder ? { differed: holder.differed, expectedName: holder.expected_name, expectedBirthYear: holder.expected_birth_year } : { differed: [], expectedName: s.card.name, expectedBirthYear: null, fresh: true };
    if (holder && !holder.as_proxy) {
      choose("self", { keepScan: true });
      fill(scanNote);
    } else if (holder) {
      choose("proxy", { keepScan: true });
      proxyName.value = s.card.name;
      proxyId.value = s.card.id_number;
      fill(scanNote);
    } else {
      // Not this person's card nor their registered proxy's: a new proxy, if they bring a fresh authorisation.
      choose("new_proxy", { keepScan: true });
      fresh.fillFromCard(s.card);
      fill(scanNote, notice("warn", t("scan_not_proxy", { name: s.card.name, beneficiary: card.name }), "scan-not-proxy"));
    }
    idCheck.set({ text, card: s.card, ...against });
    showApproval();
    confirmBtn.focus();
  }

  /** @param {KeyboardEvent} e */
  function onKey(e) {
    const target = /** @type {HTMLInputElement} */ (e.target);
    const typing = target.tagName === "INPUT" && target.type !== "radio";
    if (!receipt && !typing && (e.key === "1" || e.key === "2" || e.key === "3")) {
      e.preventDefault();
      if (e.key === "1") choose("self");
      else if (e.key === "2" && proxyAllowed) choose("proxy");
      else if (e.key === "3") choose("new_proxy");
    } else if (e.key === "Enter" && target.dataset?.testid !== "cancel-pay") {
      e.preventDefault();
      if (receipt) modal.close();
      else confirm();
    } else if (receipt && (e.key === "p" || e.key === "P")) {
      e.preventDefault();
      printReceipt();
    }
  }

  /** @returns {RecipientIn} */
  function recipientIn() {
    if (recipient === "proxy") return { kind: "proxy", name: proxyName.value, id_card: proxyId.value, relationship: null, authorised_on: null, valid_until: null };
    if (recipient === "new_proxy") return fresh.value();
    return { kind: "self", name: null, id_card: null, relationship: null, authorised_on: null, valid_until: null };
  }

  async function confirm() {
    if (busy || receipt) return;
    busy = true;
    confirmBtn.disabled = true;
    confirmBtn.textContent = t("dlg_working");
    const rec = recipientIn();
    const appr = approval.box.hidden ? null : approval.value();
    const id_check = idCheck.value();
    try {
      if (atHome) {
        const v = await call("record_visit", { code: card.code, outcome: "paid", note: "", recipient: rec, expected_total: card.payable, approval: appr, stop_date: null, id_check });
        receipt = v.payout;
      } else {
        receipt = await call("pay", { code: card.code, recipient: rec, expected_total: card.payable, at_home: false, approval: appr, id_check });
      }
      showReceipt();
    } catch (e) {
      fill(err, notice("error", errorText(e), "pay-error"));
      approval.clearPin();
      confirmBtn.disabled = false;
      confirmBtn.textContent = t("dlg_confirm");
    } finally {
      busy = false;
    }
  }

  function showReceipt() {
    const paid = /** @type {PayoutReceipt} */ (receipt);
    const printMsg = h("div", { id: "receipt-print-msg" });
    const next = h("button", { class: "primary big", "data-testid": "next-person", onclick: () => modal.close() }, t("dlg_next"));
    fill(
      body,
      h("h2", {}, t("dlg_paid_title")),
      notice("ok", t("dlg_paid_line", { amount: money(paid.amount), name: paid.name, code: paid.code }), "paid-message"),
      h("div", { class: "in-words" }, paid.amount_in_words),
      h("div", { class: "muted small", "data-testid": "payout-id" }, t("dlg_payout_id", { id: paid.payout_id })),
      h("div", {}, t("dlg_cash_left", { amount: money(paid.cash_on_hand) })),
      printMsg,
      h("div", { class: "actions" }, next, h("button", { "data-testid": "print-receipt", onclick: printReceipt }, t("dlg_print_receipt"))),
    );
    next.focus();
  }

  async function printReceipt() {
    const paid = /** @type {PayoutReceipt} */ (receipt);
    const box = $("#receipt-print-msg");
    try {
      const p = await call("print_document", { request: { kind: "receipt", payout: paid.payout_id, action: "open" } });
      fill(box, notice("ok", `${t("print_done_" + p.done, { title: p.title, pages: p.pages })} ${t("print_saved_at", { path: p.path })}`, "receipt-printed"));
    } catch (e) {
      fill(box, notice("error", errorText(e), "receipt-print-error"));
    }
  }
}

/**
 * A new proxy's authorisation, typed from the paper (name and ID number filled by a scan).
 */
function newProxyFields() {
  const name = h("input", { id: "new-proxy-name", "data-testid": "new-proxy-name", autocomplete: "off" });
  const id = h("input", { id: "new-proxy-id", "data-testid": "new-proxy-id", autocomplete: "off", inputmode: "numeric" });
  const rel = h("input", { id: "new-proxy-rel", "data-testid": "new-proxy-rel", autocomplete: "off", placeholder: t("new_proxy_rel_hint") });
  const from = h("input", { id: "new-proxy-from", "data-testid": "new-proxy-from", autocomplete: "off", placeholder: "dd/mm/yyyy" });
  const until = h("input", { id: "new-proxy-until", "data-testid": "new-proxy-until", autocomplete: "off", placeholder: "dd/mm/yyyy" });
  /** @type {(f: HTMLInputElement, key: string) => HTMLElement[]} */
  const labelled = (f, key) => [h("label", { class: "label", for: f.id }, t(key)), f];
  const box = h(
    "div",
    { class: "proxy-fields new-proxy", hidden: true, "data-testid": "new-proxy" },
    h("div", { class: "muted small" }, t("new_proxy_explain")),
    labelled(name, "dlg_proxy_name"),
    labelled(id, "dlg_proxy_id"),
    labelled(rel, "new_proxy_rel"),
    labelled(from, "new_proxy_from"),
    labelled(until, "new_proxy_until"),
  );
  return {
    box,
    focus: () => (name.value ? rel : name).focus(),
    /** @param {import("../types/bindings").IdCardQr} card */
    fillFromCard(card) {
      name.value = card.name;
      id.value = card.id_number;
    },
    /** @returns {RecipientIn} */
    value: () => ({ kind: "new_proxy", name: name.value, id_card: id.value, relationship: rel.value, authorised_on: from.value, valid_until: until.value }),
  };
}

/**
 * A supervisor's approval: for a person to be confirmed, a new proxy, or a card with another ID
 * number than the roll's. Who, their PIN, and a note; shown only when needed.
 * @param {Card} card
 * @param {AppInfo | null} info
 * @param {Clerk | null} clerk
 * @returns {{ box: HTMLElement, value: () => ApprovalIn, clearPin: () => void }}
 */
function approvalFields(card, info, clerk) {
  const hold = card.to_confirm;
  const supervisors = (info?.clerks || []).filter((c) => c.role === "supervisor" && c.id !== clerk?.id);
  const sup = h("select", { id: "approve-supervisor", "data-testid": "approve-supervisor" }, supervisors.map((c) => h("option", { value: c.id }, c.name)));
  const pin = h("input", { id: "approve-pin", type: "password", inputmode: "numeric", "data-testid": "approve-pin", autocomplete: "off" });
  const note = h("input", { id: "approve-note", "data-testid": "approve-note", autocomplete: "off", placeholder: t("approve_note_hint") });
  const box = h(
    "div",
    { class: "approval", "data-testid": "approval" },
    hold ? notice("warn", t("to_confirm_dialog", { n: hold.periods.length, periods: hold.periods.join(", ") }), "pay-to-confirm") : h("div", { class: "muted small" }, t("approve_why")),
    supervisors.length ? null : notice("error", t("approve_no_supervisor")),
    h("label", { class: "label", for: "approve-supervisor" }, t("rev_supervisor")),
    sup,
    h("label", { class: "label", for: "approve-pin" }, t("rev_pin")),
    pin,
    h("label", { class: "label", for: "approve-note" }, t("approve_note")),
    note,
  );
  return {
    box,
    value: () => ({ approver_id: Number(sup.value), approver_pin: pin.value, note: note.value }),
    clearPin: () => {
      pin.value = "";
    },
  };
}
