// Cash: record the advance; count by denomination with a live total against the cash on hand the
// ledger expects; the difference is shown and recorded as found, never hidden.
import { call, errorText } from "../api.js";
import { fill, h, money, notice, parseMoney } from "../dom.js";
import { t } from "../i18n.js";

/** @typedef {import("../../types/bindings").CashOut} CashOut */

/** @type {import("../app.js").App} */
let app;
let root;
/** @type {CashOut | null} */
let data = null;
/** @type {{ kind: "ok" | "warn" | "error", text: string, testid?: string } | null} */
let message = null;
/** @type {Map<number, string>} */
const counts = new Map();

/** @param {number} d */
function diffText(d) {
  if (d === 0) return t("cash_match");
  return d < 0 ? t("cash_short", { amount: money(-d) }) : t("cash_over", { amount: money(d) });
}

async function load() {
  try {
    data = await call("cash_status");
  } catch (e) {
    return fill(root, notice("error", errorText(e), "cash-error"));
  }
  render();
}

function render() {
  const cash = /** @type {CashOut} */ (data);
  const s = cash.status;
  const row = (label, v, testid) => h("tr", {}, h("th", {}, label), h("td", { class: "num", "data-testid": testid }, `${money(v)} đ`));
  const amount = h("input", { id: "advance-amount", "data-testid": "advance-amount", inputmode: "numeric", autocomplete: "off", placeholder: "2.000.000.000" });
  const note = h("input", { id: "advance-note", "data-testid": "advance-note", autocomplete: "off" });
  amount.addEventListener("input", () => {
    const n = parseMoney(amount.value);
    if (!Number.isNaN(n) && n > 0) amount.value = money(n);
  });
  const qtyInputs = cash.denominations.map((d) =>
    h("input", { class: "qty", type: "text", inputmode: "numeric", "data-denom": d, "data-testid": `count-${d}`, id: `count-${d}`, value: counts.get(d) ?? "", autocomplete: "off" }),
  );
  const subtotals = cash.denominations.map((d) => h("td", { class: "num", "data-testid": `sub-${d}` }));
  const counted = h("strong", { "data-testid": "count-total" });
  const diff = h("strong", { "data-testid": "count-diff" });
  const update = () => {
    let total = 0;
    cash.denominations.forEach((d, i) => {
      const q = Number(qtyInputs[i].value.replace(/\D/g, "")) || 0;
      counts.set(d, qtyInputs[i].value);
      subtotals[i].textContent = q ? money(q * d) : "";
      total += q * d;
    });
    counted.textContent = `${money(total)} đ`;
    const d = total - s.on_hand;
    diff.textContent = `${money(d)} đ — ${diffText(d)}`;
    diff.className = d === 0 ? "ok" : "bad";
  };
  for (const [i, q] of qtyInputs.entries()) {
    q.addEventListener("input", update);
    q.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === "ArrowDown") {
        e.preventDefault();
        (qtyInputs[i + 1] || document.getElementById("count-submit")).focus();
      } else if (e.key === "ArrowUp" && i > 0) {
        e.preventDefault();
        qtyInputs[i - 1].focus();
      }
    });
  }
  const submitCount = async () => {
    const notes = cash.denominations.map((d, i) => /** @type {[number, number]} */ ([d, Number(qtyInputs[i].value.replace(/\D/g, "")) || 0]));
    try {
      const r = await call("record_count", { notes });
      message = { kind: r.difference === 0 ? "ok" : "warn", text: t("cash_count_done", { counted: money(r.counted), expected: money(r.expected), diff: diffText(r.difference) }), testid: "count-result" };
      counts.clear();
    } catch (e) {
      message = { kind: "error", text: errorText(e), testid: "count-error" };
    }
    load();
  };
  const submitAdvance = async () => {
    try {
      data = await call("record_advance", { amount: amount.value, note: note.value });
      message = { kind: "ok", text: t("cash_advance_done", { amount: amount.value }), testid: "advance-result" };
    } catch (e) {
      message = { kind: "error", text: errorText(e), testid: "advance-error" };
    }
    render();
  };
  amount.addEventListener("keydown", (e) => e.key === "Enter" && (e.preventDefault(), submitAdvance()));
  fill(
    root,
    h("h1", {}, t("cash_title")),
    message ? notice(message.kind, message.text, message.testid) : null,
    h(
      "div",
      { class: "two-cols" },
      h(
        "div",
        { class: "col-left" },
        h("table", { class: "grid summary", "data-testid": "cash-summary" }, row(t("cash_advanced"), s.advanced, "cash-advanced"), row(t("cash_paid_out"), s.paid_out, "cash-paid-out"), row(t("cash_reversed"), s.reversed, "cash-reversed"), row(t("cash_returned"), s.returned, "cash-returned"), h("tr", { class: "total" }, h("th", {}, t("cash_on_hand")), h("td", { class: "num", "data-testid": "cash-on-hand" }, `${money(s.on_hand)} đ`))),
        s.last_count ? h("p", { class: "muted", "data-testid": "last-count" }, t("cash_last_count", { counted: money(s.last_count.counted), expected: money(s.last_count.expected), diff: money(s.last_count.difference) })) : null,
        h("h2", {}, t("cash_advance_title")),
        h("label", { class: "label", for: "advance-amount" }, t("cash_advance_amount")),
        amount,
        h("label", { class: "label", for: "advance-note" }, t("cash_advance_note")),
        note,
        h("div", { class: "actions" }, h("button", { class: "primary", "data-testid": "advance-submit", onclick: submitAdvance }, t("cash_advance_button"))),
      ),
      h(
        "div",
        { class: "col-right" },
        h("h2", {}, t("cash_count_title")),
        h(
          "div",
          { class: "count-summary" },
          h("div", {}, t("cash_counted") + ": ", counted),
          h("div", {}, t("cash_expected") + ": ", h("strong", { "data-testid": "count-expected" }, `${money(s.on_hand)} đ`)),
          h("div", {}, t("cash_difference") + ": ", diff),
          h("div", { class: "actions" }, h("button", { class: "primary big", id: "count-submit", "data-testid": "count-submit", onclick: submitCount }, t("cash_count_button"))),
        ),
        h(
          "table",
          { class: "grid count-table", "data-testid": "count-table" },
          h("thead", {}, h("tr", {}, h("th", { class: "num" }, t("cash_col_denom")), h("th", {}, t("cash_col_qty")), h("th", { class: "num" }, t("cash_col_sum")))),
          h("tbody", {}, cash.denominations.map((d, i) => h("tr", {}, h("td", { class: "num" }, money(d)), h("td", {}, qtyInputs[i]), subtotals[i]))),
        ),
      ),
    ),
  );
  update();
  qtyInputs[0].focus();
}

export default {
  id: "cash",
  mount(el, a) {
    root = el;
    app = a;
  },
  show(params) {
    if (!params?.relabel) message = null;
    load();
  },
};
