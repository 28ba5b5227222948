// Home delivery: the list by village with each last outcome; choose a person, record what was
// found (keys 1–6), pay at the home under the counter's rules, print the receipt. A death found
// at the home is recorded with its date of death (the core refuses one without), a move with its
// date when known: both stop payment at once.
import { call, errorText } from "../api.js";
import { cardView } from "../card.js";
import { dmy, dmyTime, fill, h, money, moveIndex, notice, statusBadge } from "../dom.js";
import { t } from "../i18n.js";
import * as modal from "../modal.js";
import { openPay } from "../paydialog.js";

/**
 * @typedef {import("../../types/bindings").Card} Card
 * @typedef {import("../../types/bindings").HomeDelivery} HomeDelivery
 * @typedef {import("../../types/bindings").VisitOutcome} VisitOutcome
 */

/** @type {VisitOutcome[]} */
const OUTCOMES = ["paid", "absent", "hospital", "deceased", "moved", "refused"];
/** @type {import("../app.js").App} */
let app;
let root;
/** @type {HomeDelivery[]} */
let list = [];
/** @type {HomeDelivery[]} */
let shown = [];
let index = -1;
/** @type {Card | null} */
let selected = null; // the card
/** @type {{ kind: "info" | "ok" | "warn" | "error", text: string } | null} */
let message = null;
let filterInput, onlyWaiting, tableBox, sideBox;

async function load() {
  try {
    list = await call("home_list");
  } catch (e) {
    list = [];
    fill(tableBox, notice("error", errorText(e), "home-error"));
    return;
  }
  renderTable();
}

/** @param {string} s */
function fold(s) {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "d").toLowerCase();
}

function renderTable() {
  const words = fold(filterInput.value).split(/\s+/).filter(Boolean);
  shown = list.filter((p) => {
    if (onlyWaiting.checked && (p.last_visit || p.status === "paid" || p.status === "stopped")) return false;
    const hay = fold(`${p.name} ${p.code} ${p.village}`);
    return words.every((w) => hay.includes(w));
  });
  if (index >= shown.length) index = shown.length - 1;
  if (index < 0 && shown.length) index = 0;
  if (!list.length) return fill(tableBox, h("p", { class: "muted" }, t("home_empty")));
  const rows = [];
  let village = null;
  shown.forEach((p, i) => {
    if (p.village !== village) {
      village = p.village;
      rows.push(h("tr", { class: "group-row" }, h("td", { colspan: "5" }, village)));
    }
    rows.push(
      h(
        "tr",
        {
          class: `home-row${i === index ? " active" : ""}`,
          "data-code": p.code,
          "data-testid": "home-row",
          onclick: () => {
            index = i;
            choose();
          },
        },
        h("td", { "data-testid": "home-name" }, h("strong", {}, p.name), h("span", { class: "muted small" }, ` · ${p.code}`)),
        h("td", { class: "num" }, `${money(p.due)} đ`),
        h("td", {}, statusBadge(p.status)),
        h("td", { "data-testid": "home-last" }, p.last_visit ? [t("outcome_" + p.last_visit.outcome), h("div", { class: "muted small" }, dmyTime(p.last_visit.visited_at))] : h("span", { class: "muted" }, t("home_never"))),
      ),
    );
  });
  fill(
    tableBox,
    h("div", { class: "muted", "data-testid": "home-count" }, t("home_count", { n: shown.length })),
    h(
      "table",
      { class: "grid home-table", "data-testid": "home-table" },
      h("thead", {}, h("tr", {}, h("th", {}, t("home_col_name")), h("th", { class: "num" }, t("home_col_due")), h("th", {}, t("home_col_status")), h("th", {}, t("home_col_last")))),
      h("tbody", {}, rows),
    ),
  );
  tableBox.querySelector(".home-row.active")?.scrollIntoView({ block: "nearest" });
}

async function choose() {
  renderTable();
  const p = shown[index];
  if (!p) return;
  try {
    selected = await call("beneficiary", { code: p.code });
  } catch (e) {
    selected = null;
    return fill(sideBox, notice("error", errorText(e), "home-card-error"));
  }
  renderSide();
}

function renderSide() {
  if (!selected) return fill(sideBox, message ? notice(message.kind, message.text, "home-message") : null, h("p", { class: "muted placeholder" }, t("home_choose")));
  const note = h("input", { id: "visit-note", "data-testid": "visit-note", autocomplete: "off" });
  const buttons = OUTCOMES.map((o, i) =>
    h(
      "button",
      {
        class: o === "paid" ? "primary" : o === "deceased" || o === "moved" ? "danger-outline" : "",
        "data-testid": `outcome-${o}`,
        disabled: o === "paid" && !(/** @type {Card} */ (selected).can_pay),
        onclick: () => record(o, note.value),
      },
      o === "paid" ? t("home_pay_at_home") : `${i + 1} · ${t("outcome_" + o)}`,
    ),
  );
  const paid = selected.paid > 0;
  fill(
    sideBox,
    message ? notice(message.kind, message.text, "home-message") : null,
    h("h3", { class: "first" }, `${t("home_outcome")}: ${selected.name}`),
    h("div", { class: "outcome-grid" }, buttons),
    h("label", { class: "label", for: "visit-note" }, t("home_note")),
    note,
    paid ? h("div", { class: "actions" }, h("button", { "data-testid": "home-print-receipt", onclick: printReceipt }, t("home_print_receipt"))) : null,
    h("hr"),
    cardView(selected, { compact: true }),
  );
}

/**
 * @param {VisitOutcome} outcome
 * @param {string} note
 */
async function record(outcome, note) {
  const card = /** @type {Card} */ (selected);
  if (outcome === "paid") {
    return openPay(card, {
      info: app.info,
      clerk: app.clerk,
      atHome: true,
      onDone: async (r) => {
        message = { kind: "ok", text: t("home_recorded", { outcome: t("outcome_paid"), name: card.name }) };
        await load();
        await choose();
      },
    });
  }
  // A person already stopped (by the managing office, or earlier): the visit is news only.
  if ((outcome === "deceased" || outcome === "moved") && !card.stop) return askStop(card, outcome, note);
  try {
    await call("record_visit", { code: card.code, outcome, note });
    message = { kind: "ok", text: t("home_recorded", { outcome: t("outcome_" + outcome), name: card.name }) };
  } catch (e) {
    message = { kind: "error", text: errorText(e) };
  }
  await load();
  await choose();
}

/**
 * Deceased or moved: the date of death (required) or of the move (if known), then the visit is
 * recorded and payment stops. A refusal (no date, a date in the future) stays in the dialog.
 * @param {Card} card
 * @param {"deceased" | "moved"} outcome
 * @param {string} note
 */
function askStop(card, outcome, note) {
  const date = h("input", { id: "visit-stop-date", "data-testid": "visit-stop-date", placeholder: "dd/mm/yyyy", autocomplete: "off", inputmode: "numeric" });
  const err = h("div", { id: "visit-stop-error-box" });
  const yes = h("button", { class: "danger", "data-testid": "visit-stop-confirm", onclick: submit }, t("home_stop_record"));
  const body = h(
    "div",
    {},
    h("p", { class: "confirm-text", "data-testid": "visit-stop-text" }, t("home_stop_confirm", { outcome: t("outcome_" + outcome), name: card.name })),
    h("label", { class: "label", for: "visit-stop-date" }, t(outcome === "deceased" ? "home_death_date" : "home_move_date")),
    date,
    err,
    h("div", { class: "actions" }, yes, h("button", { "data-testid": "visit-stop-cancel", onclick: () => modal.close() }, t("dlg_cancel"))),
  );
  date.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      submit();
    }
  });
  modal.open(body, { testid: "visit-stop-dialog" });
  date.focus();
  let busy = false;

  async function submit() {
    if (busy) return;
    busy = true;
    try {
      const r = await call("record_visit", { code: card.code, outcome, note, stop_date: date.value });
      const on = r.stop?.date;
      message = { kind: "ok", text: on ? t("home_recorded_on", { outcome: t("outcome_" + outcome), date: dmy(on), name: card.name }) : t("home_recorded", { outcome: t("outcome_" + outcome), name: card.name }) };
      modal.close();
      await load();
      await choose();
    } catch (e) {
      fill(err, notice("error", errorText(e), "visit-stop-error"));
      date.focus();
    } finally {
      busy = false;
    }
  }
}

async function printReceipt() {
  try {
    const p = await call("print_document", { request: { kind: "receipt", code: /** @type {Card} */ (selected).code, action: "open" } });
    message = { kind: "ok", text: `${t("print_done_" + p.done, { title: p.title, pages: p.pages })} ${t("print_saved_at", { path: p.path })}` };
  } catch (e) {
    message = { kind: "error", text: errorText(e) };
  }
  renderSide();
}

export default {
  id: "home",
  mount(el, a) {
    root = el;
    app = a;
    filterInput = h("input", { id: "home-filter", type: "search", "data-testid": "home-filter", autocomplete: "off", placeholder: t("home_filter") });
    onlyWaiting = h("input", { type: "checkbox", id: "home-waiting", "data-testid": "home-waiting" });
    tableBox = h("div", { class: "table-box" });
    sideBox = h("div", { class: "card-box", "data-testid": "home-side" });
    filterInput.addEventListener("input", () => {
      index = 0;
      renderTable();
    });
    onlyWaiting.addEventListener("change", () => renderTable());
    filterInput.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        index = moveIndex(index, e.key === "ArrowDown" ? 1 : -1, shown.length);
        renderTable();
      } else if (e.key === "Enter") {
        e.preventDefault();
        choose();
      }
    });
    fill(
      root,
      h("h1", {}, t("home_title")),
      h(
        "div",
        { class: "two-cols wide-left" },
        h("div", { class: "col-left" }, h("div", { class: "filter-row" }, filterInput, h("label", { class: "check" }, onlyWaiting, " ", t("home_only_waiting"))), tableBox),
        h("div", { class: "col-right" }, sideBox),
      ),
    );
  },
  async show(params) {
    if (params?.relabel) this.mount(root, app);
    message = null;
    renderSide();
    await load();
    filterInput.focus();
  },
  onKey(e) {
    const typing = e.target.tagName === "INPUT" && e.target.type !== "checkbox";
    if (selected && !typing && /^[1-6]$/.test(e.key)) {
      e.preventDefault();
      const o = OUTCOMES[Number(e.key) - 1];
      if (o !== "paid" || selected.can_pay) record(o, /** @type {HTMLInputElement | null} */ (document.getElementById("visit-note"))?.value || "");
      return true;
    }
    if (e.key === "Escape" && selected) {
      e.preventDefault();
      selected = null;
      message = null;
      renderSide();
      filterInput.focus();
      return true;
    }
    return false;
  },
};
