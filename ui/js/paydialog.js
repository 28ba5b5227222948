// The payment dialog, shared by the counter and the home visit: who receives the money (the
// beneficiary, or the authorised proxy with name and ID number), the amount in figures and in
// words, Enter to confirm; then the receipt is offered. A person to be confirmed (proof of life)
// is still paid, with a supervisor's PIN and a note.
import { call, errorText } from "./api.js";
import { $, fill, h, money, notice } from "./dom.js";
import { t } from "./i18n.js";
import * as modal from "./modal.js";

/**
 * @typedef {import("../types/bindings").Card} Card
 * @typedef {import("../types/bindings").PayoutReceipt} PayoutReceipt
 * @typedef {import("../types/bindings").RecipientIn} RecipientIn
 * @typedef {import("../types/bindings").RecipientKind} RecipientKind
 * @typedef {import("../types/bindings").ApprovalIn} ApprovalIn
 * @typedef {import("../types/bindings").AppInfo} AppInfo
 * @typedef {import("../types/bindings").Clerk} Clerk
 */

/**
 * Opens the dialog for a card. `onDone()` runs when the clerk moves on after paying. `info` and
 * `clerk` are the screen's (who may approve a person to be confirmed): passed in rather than
 * imported from app.js, so that the screens and this dialog do not import each other in a circle.
 * @param {Card} card
 * @param {{ info: AppInfo | null, clerk: Clerk | null, atHome?: boolean, onDone?: (receipt: PayoutReceipt) => void }} options
 */
export function openPay(card, { info, clerk, atHome = false, onDone }) {
  /** @type {RecipientKind} */
  let recipient = "self";
  let busy = false;
  /** @type {PayoutReceipt | null} */
  let receipt = null;
  const proxyAllowed = !!card.proxy && !card.proxy_expired;
  const err = h("div", { id: "pay-error-box" });
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
  /** @type {(value: RecipientKind, label: string, disabled: boolean) => HTMLLabelElement} */
  const radio = (value, label, disabled) =>
    h(
      "label",
      { class: `radio${disabled ? " disabled" : ""}` },
      h("input", { type: "radio", name: "recipient", value, "data-testid": `recipient-${value}`, checked: value === "self", disabled, onchange: () => choose(value) }),
      " ",
      label,
    );
  const approval = card.to_confirm ? approvalFields(card, info, clerk) : null;
  const confirmBtn = h("button", { class: "primary big", id: "confirm-pay", "data-testid": "confirm-pay", onclick: confirm }, t("dlg_confirm"));
  const body = h(
    "div",
    { class: "pay-dialog" },
    h("h2", {}, t(atHome ? "dlg_pay_home_title" : "dlg_pay_title", { name: card.name })),
    h("div", { class: "muted" }, `${card.code} · ${card.village}`),
    h("h3", {}, t("dlg_recipient")),
    radio("self", t("dlg_recipient_self"), false),
    radio("proxy", t("dlg_recipient_proxy"), !proxyAllowed),
    card.proxy ? null : h("div", { class: "muted small" }, t("dlg_no_proxy")),
    card.proxy_expired ? notice("warn", t("card_proxy_expired")) : null,
    proxyFields,
    approval?.box,
    h("div", { class: "confirm-amount" }, h("div", { class: "label" }, t("dlg_amount")), h("div", { class: "amount-huge", "data-testid": "confirm-amount" }, `${money(card.payable)} đ`), h("div", { class: "in-words", "data-testid": "confirm-words" }, card.payable_words)),
    h("p", { class: "muted" }, t("dlg_check_id")),
    err,
    h("div", { class: "actions" }, confirmBtn, h("button", { "data-testid": "cancel-pay", onclick: () => modal.close() }, t("dlg_cancel"))),
  );
  body.addEventListener("keydown", onKey);
  modal.open(body, { testid: "pay-dialog", wide: true, onClose: () => receipt && onDone?.(receipt) });
  confirmBtn.focus();

  /** @param {RecipientKind} value */
  function choose(value) {
    recipient = value;
    for (const r of body.querySelectorAll('input[name="recipient"]')) /** @type {HTMLInputElement} */ (r).checked = /** @type {HTMLInputElement} */ (r).value === value;
    proxyFields.hidden = value !== "proxy";
    if (value === "proxy") proxyId.focus();
  }

  /** @param {KeyboardEvent} e */
  function onKey(e) {
    const target = /** @type {HTMLInputElement} */ (e.target);
    const typing = target.tagName === "INPUT" && target.type !== "radio";
    if (!receipt && !typing && (e.key === "1" || e.key === "2")) {
      e.preventDefault();
      if (e.key === "1") choose("self");
      else if (proxyAllowed) choose("proxy");
    } else if (e.key === "Enter" && target.dataset?.testid !== "cancel-pay") {
      e.preventDefault();
      if (receipt) modal.close();
      else confirm();
    } else if (receipt && (e.key === "p" || e.key === "P")) {
      e.preventDefault();
      printReceipt();
    }
  }

  async function confirm() {
    if (busy || receipt) return;
    busy = true;
    confirmBtn.disabled = true;
    confirmBtn.textContent = t("dlg_working");
    /** @type {RecipientIn} */
    const rec = recipient === "proxy" ? { kind: "proxy", name: proxyName.value, id_card: proxyId.value } : { kind: "self" };
    const appr = approval?.value() ?? null;
    try {
      if (atHome) {
        const v = await call("record_visit", { code: card.code, outcome: "paid", note: "", recipient: rec, expected_total: card.payable, approval: appr });
        receipt = v.payout;
      } else {
        receipt = await call("pay", { code: card.code, recipient: rec, expected_total: card.payable, at_home: false, approval: appr });
      }
      showReceipt();
    } catch (e) {
      fill(err, notice("error", errorText(e), "pay-error"));
      if (approval) approval.clearPin();
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
 * The supervisor's approval for a person to be confirmed: who, their PIN, and a note.
 * @param {Card} card
 * @param {AppInfo | null} info
 * @param {Clerk | null} clerk
 * @returns {{ box: HTMLElement, value: () => ApprovalIn, clearPin: () => void }}
 */
function approvalFields(card, info, clerk) {
  const hold = /** @type {NonNullable<Card["to_confirm"]>} */ (card.to_confirm);
  const supervisors = (info?.clerks || []).filter((c) => c.role === "supervisor" && c.id !== clerk?.id);
  const sup = h("select", { id: "approve-supervisor", "data-testid": "approve-supervisor" }, supervisors.map((c) => h("option", { value: c.id }, c.name)));
  const pin = h("input", { id: "approve-pin", type: "password", inputmode: "numeric", "data-testid": "approve-pin", autocomplete: "off" });
  const note = h("input", { id: "approve-note", "data-testid": "approve-note", autocomplete: "off", placeholder: t("approve_note_hint") });
  const box = h(
    "div",
    { class: "approval", "data-testid": "approval" },
    notice("warn", t("to_confirm_dialog", { n: hold.periods.length, periods: hold.periods.join(", ") }), "pay-to-confirm"),
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
