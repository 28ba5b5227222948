// End of day ("Kết thúc ngày"), a guided sequence: count the cash by denomination → the day
// report as PDF → sync with the managing office → its receipt (or, offline, how many events
// wait and what to do; the day still closes on this computer). Each step shows its result; Back
// returns to the previous one. Every step is an existing command: record_count, print_document
// (kind "day"), sync_status / sync_now.
import { call, errorText } from "../api.js";
import { fill, h, money, notice } from "../dom.js";
import { t } from "../i18n.js";
import { receiptTable } from "../syncview.js";
import { receivedUnpaid } from "./today.js";

/**
 * @typedef {import("../../types/bindings").CashOut} CashOut
 * @typedef {import("../../types/bindings").CountReceipt} CountReceipt
 * @typedef {import("../../types/bindings").Printed} Printed
 * @typedef {import("../../types/bindings").SyncDone} SyncDone
 * @typedef {import("../../types/bindings").SyncView} SyncView
 * @typedef {import("../../types/bindings").PrintAction} PrintAction
 * @typedef {{
 *   count: CountReceipt | null, countError: string | null, skippedCount: boolean,
 *   report: Printed | null, reportError: string | null,
 *   sync: import("../../types/bindings").SyncReport | null,
 *   syncError: { text: string, code: string } | null,
 *   view: SyncView | null,
 * }} Flow
 */

const STEPS = ["count", "report", "sync", "done"];
/** @type {import("../app.js").App} */
let app;
let root;
let step = 0;
/** @type {Flow} */
let flow = /** @type {any} */ (null);
/** @type {CashOut | null} */
let cash = null;
let busy = false;
const counts = new Map();
/** Whom this device pays: End of day reminds the clerk of people handed over and not yet paid.
 * @type {import("../../types/bindings").Holds | null} */
let holds = null;

function reset() {
  step = 0;
  flow = { count: null, countError: null, skippedCount: false, report: null, reportError: null, sync: null, syncError: null, view: null };
  counts.clear();
}

function diffText(d) {
  if (d === 0) return t("cash_match");
  return d < 0 ? t("cash_short", { amount: money(-d) }) : t("cash_over", { amount: money(d) });
}

function go(to) {
  step = Math.max(0, Math.min(STEPS.length - 1, to));
  enter();
}

/** Loads what the step needs, then draws it. */
async function enter() {
  const name = STEPS[step];
  if (name === "count") {
    try {
      cash = await call("cash_status");
      holds = await call("hold_status");
    } catch (e) {
      flow.countError = errorText(e);
    }
  }
  if (name === "sync" && !flow.sync) {
    render();
    return runSync();
  }
  if (name === "done" || name === "sync") {
    try {
      flow.view = await call("sync_status");
    } catch (e) {
      flow.syncError = flow.syncError || { text: errorText(e), code: e.code };
    }
  }
  render();
}

async function runSync() {
  busy = true;
  flow.sync = null;
  flow.syncError = null;
  render();
  try {
    flow.view = await call("sync_status");
    if (flow.view.status.enrolled) {
      const r = await call("sync_now");
      flow.sync = r.report;
      flow.view = r.view;
    } else {
      flow.syncError = { code: "not_enrolled", text: t("eod_not_enrolled", { n: flow.view.status.pending }) };
    }
  } catch (e) {
    flow.syncError = { code: e.code, text: errorText(e) };
    try {
      flow.view = await call("sync_status");
    } catch {
      /* the error above says what to do */
    }
  }
  busy = false;
  render();
}

function stepper() {
  return h(
    "ol",
    { class: "steps", "data-testid": "eod-steps" },
    STEPS.map((s, i) => h("li", { class: i === step ? "active" : i < step ? "done" : "", "data-step": s }, t(`eod_step_${s}`))),
  );
}

/** @param {{ next?: boolean, nextLabel?: string, nextEnabled?: boolean }} [options] */
function nav({ next = true, nextLabel, nextEnabled = true } = {}) {
  return h(
    "div",
    { class: "actions eod-nav" },
    step > 0 ? h("button", { "data-testid": "eod-back", disabled: busy, onclick: () => go(step - 1) }, t("eod_back")) : null,
    next ? h("button", { class: "primary big", id: "eod-next", "data-testid": "eod-next", disabled: busy || !nextEnabled, onclick: () => go(step + 1) }, nextLabel || t("eod_next")) : null,
  );
}

function countStep() {
  if (!cash) return [notice("error", flow.countError || t("loading"), "eod-count-error")];
  const box = cash;
  const onHand = cash.status.on_hand;
  const inputs = cash.denominations.map((d) => h("input", { class: "qty", type: "text", inputmode: "numeric", "data-testid": `eod-count-${d}`, id: `eod-count-${d}`, value: counts.get(d) ?? "", autocomplete: "off" }));
  const total = h("strong", { "data-testid": "eod-count-total" });
  const diff = h("strong", { "data-testid": "eod-count-diff" });
  const qty = (i) => Number(inputs[i].value.replace(/\D/g, "")) || 0;
  const update = () => {
    let sum = 0;
    box.denominations.forEach((d, i) => {
      counts.set(d, inputs[i].value);
      sum += qty(i) * d;
    });
    total.textContent = `${money(sum)} đ`;
    diff.textContent = `${money(sum - onHand)} đ — ${diffText(sum - onHand)}`;
    diff.className = sum === onHand ? "ok" : "bad";
  };
  const submit = async () => {
    const notes = box.denominations.map((d, i) => /** @type {[number, number]} */ ([d, qty(i)]));
    try {
      flow.count = await call("record_count", { notes });
      flow.countError = null;
      flow.skippedCount = false;
      cash = await call("cash_status");
    } catch (e) {
      flow.countError = errorText(e);
    }
    render();
    document.getElementById(flow.count ? "eod-next" : "eod-count-submit")?.focus();
  };
  inputs.forEach((q, i) => {
    q.addEventListener("input", update);
    q.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === "ArrowDown") {
        e.preventDefault();
        (inputs[i + 1] || document.getElementById("eod-count-submit")).focus();
      } else if (e.key === "ArrowUp" && i > 0) {
        e.preventDefault();
        inputs[i - 1].focus();
      }
    });
  });
  const c = flow.count;
  const out = [
    h("p", { class: "muted" }, t("eod_count_intro")),
    c ? notice(c.difference === 0 ? "ok" : "warn", t("cash_count_done", { counted: money(c.counted), expected: money(c.expected), diff: diffText(c.difference) }), "eod-count-result") : null,
    flow.countError ? notice("error", flow.countError, "eod-count-error") : null,
    h(
      "div",
      { class: "two-cols" },
      h(
        "div",
        { class: "col-left" },
        h(
          "table",
          { class: "grid count-table" },
          h("thead", {}, h("tr", {}, h("th", { class: "num" }, t("cash_col_denom")), h("th", {}, t("cash_col_qty")))),
          h("tbody", {}, cash.denominations.map((d, i) => h("tr", {}, h("td", { class: "num" }, money(d)), h("td", {}, inputs[i])))),
        ),
      ),
      h(
        "div",
        { class: "col-right count-summary" },
        h("div", {}, t("cash_counted") + ": ", total),
        h("div", {}, t("cash_expected") + ": ", h("strong", { "data-testid": "eod-count-expected" }, `${money(onHand)} đ`)),
        h("div", {}, t("cash_difference") + ": ", diff),
        h("div", { class: "actions" }, h("button", { class: c ? "" : "primary big", id: "eod-count-submit", "data-testid": "eod-count-submit", onclick: submit }, c ? t("eod_count_again") : t("cash_count_button"))),
        c
          ? null
          : h(
              "button",
              {
                class: "small",
                "data-testid": "eod-count-skip",
                onclick: () => {
                  flow.skippedCount = true;
                  go(step + 1);
                },
              },
              t("eod_count_skip"),
            ),
      ),
    ),
    nav({ nextEnabled: !!c }),
  ];
  queueMicrotask(() => {
    update();
    if (!c && document.activeElement?.tagName !== "INPUT") inputs[0]?.focus();
  });
  return out;
}

async function printReport(action) {
  busy = true;
  flow.reportError = null;
  render();
  try {
    flow.report = await call("print_document", { request: { kind: "day", action, village: null, code: null } });
  } catch (e) {
    flow.reportError = errorText(e);
  }
  busy = false;
  render();
  document.getElementById(flow.report ? "eod-next" : "eod-report-open")?.focus();
}

function reportStep() {
  const p = flow.report;
  const msg = p ? notice("ok", `${t("print_done_" + p.done, { title: p.title, pages: p.pages })} ${t("print_saved_at", { path: p.path })}`, "eod-report-result") : null;
  if (msg && p) msg.dataset.path = p.path;
  return [
    h("p", { class: "muted" }, t("eod_report_intro")),
    busy ? notice("info", t("loading"), "eod-busy") : null,
    msg,
    flow.reportError ? notice("error", flow.reportError, "eod-report-error") : null,
    h(
      "div",
      { class: "actions" },
      h("button", { class: p ? "" : "primary big", id: "eod-report-open", "data-testid": "eod-report-open", disabled: busy, onclick: () => printReport("open") }, t("print_open")),
      h("button", { "data-testid": "eod-report-print", disabled: busy, onclick: () => printReport("print") }, t("print_print")),
      h("button", { "data-testid": "eod-report-save", disabled: busy, onclick: () => printReport("save") }, t("print_save")),
    ),
    nav({ nextLabel: p ? t("eod_next") : t("eod_next_without_report") }),
  ];
}

function pendingOf() {
  return flow.view?.status?.pending ?? 0;
}

function syncStep() {
  const out = [h("p", { class: "muted" }, t("eod_sync_intro"))];
  if (busy) {
    out.push(notice("info", t("sync_state_running"), "eod-syncing"));
  } else if (flow.sync) {
    out.push(notice(flow.sync.flags.length ? "warn" : "ok", t("eod_synced", { n: flow.sync.events_acknowledged, pending: pendingOf() }), "eod-sync-result"));
  } else if (flow.syncError) {
    out.push(notice(flow.syncError.code === "not_enrolled" || flow.syncError.code === "hub_unreachable" ? "warn" : "error", flow.syncError.text, "eod-sync-error"));
    out.push(h("p", { "data-testid": "eod-sync-pending" }, t("eod_pending_now", { n: pendingOf() })));
  }
  out.push(
    h(
      "div",
      { class: "actions" },
      !busy && flow.syncError && flow.syncError.code !== "not_enrolled" ? h("button", { "data-testid": "eod-sync-retry", onclick: runSync }, t("eod_sync_retry")) : null,
      !busy && flow.syncError?.code === "not_enrolled" ? h("button", { "data-testid": "eod-go-sync", onclick: () => app.go("sync") }, t("eod_go_sync")) : null,
    ),
  );
  out.push(nav({ nextLabel: t("eod_next_finish") }));
  return out;
}

function doneStep() {
  const c = flow.count;
  const p = flow.report;
  const v = flow.view;
  const synced = flow.sync && pendingOf() === 0;
  const lines = [
    h("li", { "data-testid": "eod-summary-count" }, c ? t("eod_sum_count", { counted: money(c.counted), diff: diffText(c.difference) }) : t("eod_sum_no_count")),
    h("li", { "data-testid": "eod-summary-report" }, p ? t("eod_sum_report", { path: p.path }) : t("eod_sum_no_report")),
  ];
  /** @type {HTMLElement[]} */
  const out = [h("ul", { class: "eod-summary" }, lines)];
  if (synced) {
    const view = /** @type {SyncView} */ (v);
    out.push(notice("ok", t("eod_done_synced", { n: view.status.acknowledged }), "eod-synced"));
    out.push(h("h2", {}, t("sync_receipt_title")));
    out.push(receiptTable(view.status.last_receipt, "eod-receipt") || h("p", { class: "muted", "data-testid": "eod-no-receipt" }, t("eod_nothing_to_send")));
  } else {
    const reason = !v?.status?.enrolled ? t("eod_reason_not_enrolled") : flow.syncError?.code === "hub_unreachable" ? t("eod_reason_offline") : flow.syncError ? flow.syncError.text : t("eod_reason_pending");
    out.push(notice("warn", t("eod_not_synced", { n: pendingOf(), reason }), "eod-not-synced"));
    const last = v?.status?.last_receipt ? receiptTable(v.status.last_receipt, "eod-receipt") : null;
    if (last) out.push(h("h2", {}, t("eod_previous_receipt")), last);
  }
  out.push(
    h(
      "div",
      { class: "actions eod-nav" },
      h("button", { "data-testid": "eod-back", onclick: () => go(step - 1) }, t("eod_back")),
      h(
        "button",
        {
          class: "primary big",
          id: "eod-finish",
          "data-testid": "eod-finish",
          onclick: () => {
            reset();
            app.go("today");
          },
        },
        t("eod_finish"),
      ),
    ),
  );
  return out;
}

function render() {
  const name = STEPS[step];
  const body = name === "count" ? countStep() : name === "report" ? reportStep() : name === "sync" ? syncStep() : doneStep();
  const reminder = name === "count" && holds && holds.received_unpaid.length ? receivedUnpaid(holds, "eod-received-unpaid") : null;
  const section = h("div", { class: "eod-step", "data-testid": `eod-step-${name}`, "data-step": name }, h("h2", {}, t(`eod_step_${name}_title`)), reminder, body);
  fill(root, h("h1", {}, t("eod_title")), stepper(), section);
  if (name !== "count") document.getElementById(name === "done" ? "eod-finish" : "eod-next")?.focus();
}

export default {
  id: "endday",
  mount(el, a) {
    root = el;
    app = a;
    reset();
  },
  show(params) {
    if (params?.relabel) return render();
    if (!busy) reset();
    enter();
  },
};
