// Journal: every event, newest first, filtered by type and words; a payout can be reversed with
// a supervisor's PIN; the chain check says whether the log is intact.
import { call, errorText } from "../api.js";
import { dmyTime, fill, h, money, notice } from "../dom.js";
import { t } from "../i18n.js";
import * as modal from "../modal.js";

/**
 * @typedef {import("../../types/bindings").EventGroup} EventGroup
 * @typedef {import("../../types/bindings").JournalRow} JournalRow
 */

/** @type {EventGroup[]} */
const GROUPS = ["all", "payout", "reversal", "visit", "stop", "cash", "roll", "other"];
/** @type {import("../app.js").App} */
let app;
let root;
let groupSelect, queryInput, tableBox, verifyBox;
/** @type {{ kind: "ok" | "error", text: string, testid: string } | null} */
let message = null;
let seq = 0;

/** @param {JournalRow} r */
function detail(r) {
  /** @type {any} the event's facts, as stored (their shape depends on the kind) */
  const p = r.payload || {};
  const name = r.name || "";
  switch (r.kind) {
    case "payout":
      return t("detail_payout", { name, code: p.code, amount: money(p.amount), proxy: p.proxy_name ? t("detail_proxy", { name: p.proxy_name }) : "", home: p.at_home ? t("detail_home") : "" });
    case "reversal":
      return t("detail_reversal", { name, code: p.code, amount: money(p.amount), reason: p.reason });
    case "visit":
      return t("detail_visit", { name, code: p.code, outcome: t("outcome_" + p.outcome) });
    case "stop":
      return t("detail_stop", { name, code: p.code, reason: t("reason_" + p.reason), date: p.date ? ` — ${p.date.split("-").reverse().join("/")}` : "" });
    case "cash_advance":
    case "cash_return":
      return t("detail_advance", { amount: money(p.amount) }) + (p.note ? ` — ${p.note}` : "");
    case "cash_count":
      return t("detail_count", { counted: money(p.counted), expected: money(p.expected), diff: money(p.difference) });
    case "roll_loaded":
      return t("detail_roll", { period: p.period, version: p.version, n: p.beneficiaries, total: money(p.total), source: p.source });
    case "clerk_added":
      return t("detail_clerk", { name: p.name, role: p.role === "supervisor" ? t("supervisor") : t("clerk") });
    default:
      return p.period || p.name || "";
  }
}

async function load() {
  const my = ++seq;
  /** @type {import("../../types/bindings").Journal} */
  let j;
  try {
    j = await call("journal", { group: /** @type {EventGroup} */ (groupSelect.value), query: queryInput.value, limit: 300 });
  } catch (e) {
    return fill(tableBox, notice("error", errorText(e), "journal-error"));
  }
  if (my !== seq) return;
  fill(
    tableBox,
    message ? notice(message.kind, message.text, message.testid) : null,
    h("div", { class: "muted", "data-testid": "journal-count" }, t("journal_count", { shown: j.rows.length, matched: j.matched, total: j.total })),
    h(
      "table",
      { class: "grid journal", "data-testid": "journal-table" },
      h("thead", {}, h("tr", {}, h("th", {}, t("journal_col_seq")), h("th", {}, t("journal_col_time")), h("th", {}, t("journal_col_clerk")), h("th", {}, t("journal_col_kind")), h("th", {}, t("journal_col_detail")), h("th", {}, ""))),
      h(
        "tbody",
        {},
        j.rows.map((r) =>
          h(
            "tr",
            { "data-testid": "journal-row", "data-kind": r.kind, "data-seq": r.seq, class: r.reversed ? "reversed" : "" },
            h("td", { class: "num" }, r.seq),
            h("td", { class: "nowrap" }, dmyTime(r.time)),
            h("td", {}, r.clerk_name || ""),
            h("td", {}, t("ev_" + r.kind)),
            h("td", {}, detail(r)),
            h(
              "td",
              {},
              r.kind === "payout"
                ? r.reversed
                  ? h("span", { class: "badge status-stopped" }, t("journal_reversed"))
                  : h("button", { class: "small danger-outline", "data-testid": "reverse-button", "data-payout": r.id, onclick: () => openReverse(r) }, t("journal_reverse"))
                : null,
            ),
          ),
        ),
      ),
    ),
  );
}

/** @param {JournalRow} r */
function openReverse(r) {
  /** @type {any} the payout's facts, as stored */
  const payout = r.payload;
  const supervisors = (/** @type {import("../../types/bindings").AppInfo} */ (app.info).clerks || []).filter((c) => c.role === "supervisor" && c.id !== app.clerk?.id);
  const err = h("div", {});
  if (!supervisors.length) {
    return modal.open(h("div", {}, h("h2", {}, t("rev_title")), notice("error", t("rev_no_supervisor")), h("div", { class: "actions" }, h("button", { onclick: () => modal.close() }, t("ok")))), { testid: "reverse-dialog" });
  }
  const reason = h("input", { id: "rev-reason", "data-testid": "rev-reason", autocomplete: "off", autofocus: true });
  const sup = h("select", { id: "rev-supervisor", "data-testid": "rev-supervisor" }, supervisors.map((c) => h("option", { value: c.id }, c.name)));
  const pin = h("input", { id: "rev-pin", type: "password", inputmode: "numeric", "data-testid": "rev-pin", autocomplete: "off" });
  const submit = async () => {
    try {
      const res = await call("reverse", { payout_id: r.id, reason: reason.value, approver_id: Number(sup.value), approver_pin: pin.value });
      message = { kind: "ok", text: t("rev_done", { amount: money(res.amount) }), testid: "reverse-result" };
      modal.close();
      load();
    } catch (e) {
      fill(err, notice("error", errorText(e), "reverse-error"));
      pin.value = "";
    }
  };
  const box = h(
    "div",
    { class: "reverse-dialog" },
    h("h2", {}, t("rev_title")),
    h("p", {}, t("rev_what", { name: r.name || "", code: payout.code, amount: money(payout.amount), time: dmyTime(r.time) })),
    h("label", { class: "label", for: "rev-reason" }, t("rev_reason")),
    reason,
    h("label", { class: "label", for: "rev-supervisor" }, t("rev_supervisor")),
    sup,
    h("label", { class: "label", for: "rev-pin" }, t("rev_pin")),
    pin,
    err,
    h("div", { class: "actions" }, h("button", { class: "danger", "data-testid": "rev-confirm", onclick: submit }, t("rev_confirm")), h("button", { onclick: () => modal.close() }, t("dlg_cancel"))),
  );
  box.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && /** @type {HTMLElement} */ (e.target).tagName !== "BUTTON") {
      e.preventDefault();
      submit();
    }
  });
  modal.open(box, { testid: "reverse-dialog" });
}

async function verify() {
  try {
    const v = await call("verify");
    const ok = v.chain_ok && v.rolls_ok;
    const text = !v.chain_ok ? t("journal_verify_bad", { seq: v.first_broken?.seq, reason: v.first_broken?.reason }) : !v.rolls_ok ? t("journal_verify_bad_roll", { roll: v.bad_roll }) : t("journal_verify_ok", { n: v.events });
    fill(verifyBox, notice(ok ? "ok" : "error", text, "verify-result"));
  } catch (e) {
    fill(verifyBox, notice("error", errorText(e), "verify-result"));
  }
}

export default {
  id: "journal",
  mount(el, a) {
    root = el;
    app = a;
    groupSelect = h("select", { id: "journal-group", "data-testid": "journal-group", onchange: load }, GROUPS.map((g) => h("option", { value: g }, t("group_" + g))));
    queryInput = h("input", { id: "journal-query", type: "search", "data-testid": "journal-query", autocomplete: "off", placeholder: t("journal_query"), oninput: load });
    tableBox = h("div", { class: "table-box" });
    verifyBox = h("div", {});
    fill(
      root,
      h("h1", {}, t("journal_title")),
      h("div", { class: "filter-row" }, h("label", { class: "label-inline", for: "journal-group" }, t("journal_group")), groupSelect, queryInput, h("button", { "data-testid": "verify-button", onclick: verify }, t("journal_verify"))),
      verifyBox,
      tableBox,
    );
  },
  show(params) {
    if (params?.relabel) this.mount(root, app);
    else message = null;
    load();
    queryInput.focus();
  },
};
