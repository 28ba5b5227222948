// The request to be paid by bank account (issue 18): the clerk chooses the bank from the shipped
// list, types the number and the holder as the bank prints them, and the form the beneficiary
// signs is written and opened. The core checks everything (digits, length, the holder's name or
// a stated relationship) and the refusal is shown in the clerk's words; nothing is recorded then.
import { call, errorText } from "./api.js";
import { dmy, h, notice } from "./dom.js";
import { t } from "./i18n.js";
import * as modal from "./modal.js";

/**
 * @typedef {import("../types/bindings").Card} Card
 * @typedef {import("../types/bindings").BankList} BankList
 */

/** @type {BankList | null} */
let banks = null;

/**
 * Opens the request dialog for the card's person; `onDone` runs after a request is recorded.
 * @param {Card} card
 * @param {() => void} onDone
 */
export async function openAccountRequest(card, onDone) {
  try {
    banks = banks || (await call("account_banks", {}));
  } catch (e) {
    modal.open(h("div", {}, notice("error", errorText(e), "account-error")), { testid: "account-dialog" });
    return;
  }
  const list = /** @type {BankList} */ (banks);
  const bank = /** @type {HTMLSelectElement} */ (
    h("select", { id: "account-bank", "data-testid": "account-bank" }, list.banks.map((b) => h("option", { value: b.code }, `${b.short} – ${b.code}`)))
  );
  const field = (/** @type {string} */ id, /** @type {string} */ value = "", /** @type {string} */ mode = "text") =>
    /** @type {HTMLInputElement} */ (h("input", { id, "data-testid": id, value, inputmode: mode, autocomplete: "off" }));
  const number = field("account-number", "", "numeric");
  const holder = field("account-holder", card.name);
  const relationship = field("account-relationship");
  const phone = field("account-phone", "", "tel");
  const msg = h("div", { "data-testid": "account-message" });
  const label = (/** @type {string} */ text, /** @type {HTMLElement} */ input) => h("label", { class: "field" }, h("span", {}, text), input);
  const submit = async () => {
    msg.replaceChildren();
    try {
      const r = await call("account_request", {
        input: {
          code: card.code,
          bank: bank.value,
          number: number.value,
          holder: holder.value,
          relationship: relationship.value.trim() || null,
          phone: phone.value.trim() || null,
        },
        action: "open",
      });
      modal.close();
      onDone();
      modal.open(
        h(
          "div",
          {},
          notice("ok", t("account_recorded", { bank: r.account.bank_name, masked: r.account.masked, path: r.form.path }), "account-recorded"),
          h("div", { class: "actions" }, h("button", { class: "primary", autofocus: true, "data-testid": "account-done-ok", onclick: () => modal.close() }, t("ok"))),
        ),
        { testid: "account-done" },
      );
    } catch (e) {
      msg.replaceChildren(notice("error", errorText(e), "account-error"));
    }
  };
  modal.open(
    h(
      "div",
      {},
      h("h2", {}, t("account_title", { name: card.name })),
      h("p", { class: "muted small" }, t("account_intro", { date: dmy(list.as_of) })),
      label(t("account_bank"), bank),
      label(t("account_number"), number),
      label(t("account_holder"), holder),
      label(t("account_relationship"), relationship),
      label(t("account_phone"), phone),
      msg,
      h(
        "div",
        { class: "actions" },
        h("button", { class: "primary", "data-testid": "account-submit", onclick: submit }, t("account_submit")),
        h("button", { onclick: () => modal.close() }, t("no")),
      ),
    ),
    { testid: "account-dialog" },
  );
  number.focus();
}
