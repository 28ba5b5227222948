// Pay: the search field has focus on arrival; results follow each keystroke; ↑/↓ and Enter open
// the card; Enter on the card opens the payment dialog. Paying someone already paid or stopped
// is not offered: the card says why.
import { call, errorText } from "../api.js";
import { cardView } from "../card.js";
import { fill, h, notice } from "../dom.js";
import { t } from "../i18n.js";
import { openPay } from "../paydialog.js";
import { picker } from "../picker.js";

/** @typedef {import("../../types/bindings").Card} Card */

/** @type {import("../app.js").App} */
let app;
let root, pick, cardBox;
/** @type {Card | null} */
let current = null;

/** @param {string} code */
async function openCard(code) {
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
          onDone: async () => {
            await openCard(/** @type {Card} */ (current).code);
            pick.refresh();
            pick.focus();
          },
        }),
    }),
  );
}

export default {
  id: "pay",
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
    fill(root, h("div", { class: "two-cols" }, h("div", { class: "col-left" }, pick.el), h("div", { class: "col-right" }, cardBox)));
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
