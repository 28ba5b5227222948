// Stop report: find the person, choose death (with the date), moved or other; payment stops in
// the same commit.
import { call, errorText } from "../api.js";
import { cardView } from "../card.js";
import { fill, h, notice } from "../dom.js";
import { t } from "../i18n.js";
import * as modal from "../modal.js";
import { picker } from "../picker.js";

/**
 * @typedef {import("../../types/bindings").Card} Card
 * @typedef {import("../../types/bindings").StopReason} StopReason
 */

/** @type {import("../app.js").App} */
let app;
let root, pick, side;
/** @type {Card | null} */
let selected = null;
/** @type {{ kind: "ok" | "error", text: string } | null} */
let message = null;

/** @param {string} code */
async function choose(code) {
  try {
    selected = await call("beneficiary", { code });
  } catch (e) {
    selected = null;
    message = { kind: "error", text: errorText(e) };
  }
  renderSide();
  document.getElementById("stop-reason-death")?.focus();
}

function renderSide() {
  const msg = message ? notice(message.kind, message.text, "stop-message") : null;
  if (!selected) return fill(side, msg, h("p", { class: "muted placeholder" }, t("stop_choose_first")));
  /** @param {StopReason} value */
  const reason = (value) =>
    h("label", { class: "radio" }, h("input", { type: "radio", name: "stop-reason", id: `stop-reason-${value}`, value, "data-testid": `stop-reason-${value}`, checked: value === "death" }), " ", t(`reason_${value}`));
  const date = h("input", { id: "stop-date", "data-testid": "stop-date", placeholder: "dd/mm/yyyy", autocomplete: "off" });
  const note = h("input", { id: "stop-note", "data-testid": "stop-note", autocomplete: "off" });
  const submit = h("button", { class: "danger big", "data-testid": "stop-submit", onclick: () => send(date.value, note.value) }, t("stop_submit"));
  if (selected.stop) return fill(side, msg, cardView(selected, {}));
  fill(
    side,
    msg,
    cardView(selected, {}),
    h("h3", {}, t("stop_reason")),
    h("div", { class: "radio-row" }, reason("death"), reason("moved"), reason("other")),
    h("label", { class: "label", for: "stop-date" }, t("stop_date")),
    date,
    h("label", { class: "label", for: "stop-note" }, t("stop_note")),
    note,
    h("div", { class: "actions" }, submit),
  );
}

/**
 * @param {string} date
 * @param {string} note
 */
async function send(date, note) {
  /** @type {StopReason} */
  const reason = side.querySelector('input[name="stop-reason"]:checked')?.value || "death";
  const card = /** @type {Card} */ (selected);
  const ok = await modal.confirm(t("stop_confirm", { name: card.name, code: card.code, reason: t(`reason_${reason}`) }), { danger: true });
  if (!ok) return;
  try {
    const r = await call("report_stop", { code: card.code, reason, date, note });
    message = { kind: "ok", text: t("stop_done", { name: card.name, code: card.code }) + (r.paid_after_stop.length ? " " + t("stop_paid_after", { n: r.paid_after_stop.length }) : "") };
  } catch (e) {
    message = { kind: "error", text: errorText(e) };
  }
  await choose(card.code);
  pick.refresh();
}

export default {
  id: "stop",
  mount(el, a) {
    root = el;
    app = a;
    pick = picker({ id: "stop", label: t("stop_search"), placeholder: t("pay_search_placeholder"), onChoose: (hit) => ((message = null), choose(hit.code)) });
    side = h("div", { class: "card-box", "data-testid": "stop-side" });
    fill(root, h("h1", {}, t("stop_title")), notice("warn", t("stop_intro")), h("div", { class: "two-cols" }, h("div", { class: "col-left" }, pick.el), h("div", { class: "col-right" }, side)));
  },
  show(params) {
    if (params?.relabel) this.mount(root, app);
    renderSide();
    pick.refresh();
    pick.focus();
  },
  onKey(e) {
    if (e.key === "Escape" && selected) {
      e.preventDefault();
      selected = null;
      message = null;
      renderSide();
      pick.focus();
      return true;
    }
    return false;
  },
};
