// Pay: the search field has focus on arrival; results follow each keystroke; ↑/↓ and Enter open
// the card; Enter on the card opens the payment dialog. Paying someone already paid or stopped
// is not offered: the card says why. A scanned ID card (scanner.js) opens its holder's card by ID
// number, with what differs from the roll in words, and the dialog then starts from that scan.
import { call, errorText } from "../api.js";
import { cardView } from "../card.js";
import { fill, h, notice } from "../dom.js";
import { t } from "../i18n.js";
import { openAccountRequest } from "../account.js";
import { openPay } from "../paydialog.js";
import { picker } from "../picker.js";
import { scanWords } from "../idcheck.js";

/**
 * @typedef {import("../../types/bindings").Card} Card
 * @typedef {import("../../types/bindings").Scan} Scan
 * @typedef {import("../../types/bindings").Holder} Holder
 */

/** @type {import("../app.js").App} */
let app;
let root, pick, cardBox, scanBox;
/** @type {Card | null} */
let current = null;
/** The card scanned for the open card, handed to the dialog. @type {{ scan: Scan, holder: Holder, text: string } | null} */
let scanned = null;

/** A scanned ID card: whose it is on the roll, by ID number. @param {string} text */
async function onScanned(text) {
  /** @type {Scan} */
  let s;
  try {
    s = await call("scan_card", { text });
  } catch (e) {
    fill(scanBox, notice("error", errorText(e), "scan-error"));
    return;
  }
  if (!s.holders.length) {
    scanned = null;
    fill(scanBox, notice("warn", t("scan_not_on_roll", { name: s.card.name, last4: s.card.id_number.slice(-4) }), "scan-not-on-roll"));
    return;
  }
  if (s.holders.length === 1) return showHolder(s, s.holders[0], text);
  // One proxy for several people (a wife for her husband and his mother): the clerk chooses.
  fill(
    scanBox,
    notice("info", t("scan_many", { name: s.card.name }), "scan-many"),
    s.holders.map((x) => h("button", { class: "scan-holder", "data-testid": "scan-holder", "data-code": x.code, onclick: () => showHolder(s, x, text) }, t(x.as_proxy ? "scan_holder_proxy" : "scan_holder_self", { name: x.name, code: x.code }))),
  );
}

/**
 * @param {Scan} s
 * @param {Holder} holder
 * @param {string} text
 */
async function showHolder(s, holder, text) {
  await openCard(holder.code);
  scanned = { scan: s, holder, text };
  const against = { differed: holder.differed, expectedName: holder.expected_name, expectedBirthYear: holder.expected_birth_year };
  fill(scanBox, holder.as_proxy ? notice("info", t("scan_is_proxy", { name: s.card.name, beneficiary: holder.name }), "scan-is-proxy") : null, scanWords(s.card, against));
}

/** @param {string} code */
async function openCard(code) {
  scanned = null;
  fill(scanBox);
  try {
    current = await call("beneficiary", { code });
  } catch (e) {
    current = null;
    fill(cardBox, notice("error", errorText(e), "card-error"));
    return;
  }
  renderCard();
  /** @type {HTMLButtonElement | null} */
  const btn = cardBox.querySelector("#pay-button");
  if (btn) btn.focus();
}

function renderCard() {
  if (!current) return fill(cardBox, h("p", { class: "muted placeholder" }, t("pay_card_empty")));
  fill(
    cardBox,
    cardView(current, {
      onPay: () =>
        openPay(/** @type {Card} */ (current), {
          info: app.info,
          clerk: app.clerk,
          scan: scanned,
          onDone: async () => {
            await openCard(/** @type {Card} */ (current).code);
            pick.refresh();
            pick.focus();
          },
        }),
      onAccount: () => openAccountRequest(/** @type {Card} */ (current), () => openCard(/** @type {Card} */ (current).code)),
    }),
  );
}

export default {
  id: "pay",
  scan: onScanned,
  mount(el, a) {
    root = el;
    app = a;
    pick = picker({
      id: "pay",
      label: t("pay_search_label"),
      placeholder: t("pay_search_placeholder"),
      measure: true,
      onChoose: (hit) => openCard(hit.code),
    });
    cardBox = h("div", { class: "card-box", id: "card-box", "data-testid": "card-box" });
    scanBox = h("div", { class: "scan-box", id: "scan-box", "data-testid": "scan-box" });
    fill(root, h("div", { class: "two-cols" }, h("div", { class: "col-left" }, pick.el), h("div", { class: "col-right" }, scanBox, cardBox)));
  },
  show(params) {
    if (params?.relabel) {
      // Rebuild the labels in the new language, keeping what was typed.
      const q = pick.input.value;
      const code = current?.code;
      this.mount(root, app);
      pick.input.value = q;
      pick.refresh();
      if (code) openCard(code);
      else renderCard();
      pick.focus();
      return;
    }
    renderCard();
    pick.refresh();
    pick.focus();
    window.__perf.payReady ??= performance.now();
  },
  onKey(e) {
    if (e.key === "Escape") {
      e.preventDefault();
      current = null;
      scanned = null;
      fill(scanBox);
      renderCard();
      pick.focus();
      return true;
    }
    if (e.key === "Enter" && document.activeElement?.id === "pay-button") {
      return false; // the button's own click
    }
    return false;
  },
};
