// Today: the period, days left until the 5th, progress, cash on hand, unsent events, the day's
// supervisor sent by the commune (recorded here, printed on the sheet and the day report), and
// what needs attention (proxies whose authorisation ends this month, home deliveries not visited).
import { call, errorText } from "../api.js";
import { dmy, dmyTime, fill, h, money, monthYear, notice } from "../dom.js";
import { t } from "../i18n.js";

/** @type {import("../app.js").App} */
let app;
let root;
/** The last answer to recording the supervisor, shown until the screen is left.
 * @type {{ kind: "ok" | "error", text: string } | null} */
let supMessage = null;
/** The form is open although a supervisor is recorded (to change them). */
let supEditing = false;

function tile(label, value, sub, testid) {
  return h("div", { class: "tile", "data-testid": testid }, h("div", { class: "tile-label" }, label), h("div", { class: "tile-value" }, value), sub ? h("div", { class: "tile-sub" }, sub) : null);
}

/**
 * The share paid by bank account: the figure the province reports (72,5%).
 * @param {import("../../types/bindings").AccountShare} a
 */
function accountTile(a) {
  // Per mille, written as Vietnamese does: 72,5%.
  const pct = (/** @type {number} */ part, /** @type {number} */ all) => {
    const m = all > 0 ? Math.floor((part * 1000) / all) : 0;
    return `${Math.floor(m / 10)},${m % 10}%`;
  };
  const sub = t("today_by_account_sub", { people: pct(a.by_account_people, a.people), amount: pct(a.by_account_amount, a.amount), money: money(a.by_account_amount) });
  return tile(t("today_by_account"), `${a.by_account_people} / ${a.people}`, sub, "tile-by-account");
}

/**
 * Whom this device pays (two devices at one pay point): its count, and the other devices'.
 * @param {import("../../types/bindings").Holds} hs
 */
function deviceTile(hs) {
  const others = hs.elsewhere.map(([device, n]) => t("today_device_other", { device, n }));
  const sub = others.length ? others.join(" · ") : hs.holds_all ? t("today_device_all") : null;
  return tile(t("today_device", { device: hs.device }), t("today_device_people", { n: hs.here }), sub, "tile-device");
}

/**
 * People another device handed over to this one who still have a line to pay.
 * @param {import("../../types/bindings").Holds} hs
 * @param {string} testid
 */
export function receivedUnpaid(hs, testid) {
  const people = hs.received_unpaid;
  return h(
    "div",
    { class: "warn-block", "data-testid": testid },
    h("h3", {}, t("received_unpaid", { n: people.length })),
    h("p", {}, t("received_unpaid_note")),
    h(
      "ul",
      {},
      people.slice(0, 8).map((p) => h("li", {}, `${p.name} (${p.code}) — ${p.village}`)),
      people.length > 8 ? h("li", { class: "muted" }, "…") : null,
    ),
  );
}

/** @param {import("../../types/bindings").Today} d */
function deadlineText(d) {
  if (d.days_left === null || d.days_left === undefined) return "";
  if (d.days_left > 0) return t("today_days_left", { n: d.days_left });
  if (d.days_left === 0) return t("today_deadline_today");
  return t("today_deadline_past", { n: -d.days_left });
}

/** @param {import("../../types/bindings").Today} d */
function reportText(d) {
  if (d.report_days_left === null || d.report_days_left === undefined) return "";
  const when = d.report_days_left > 0 ? t("today_report_days_left", { n: d.report_days_left }) : d.report_days_left === 0 ? t("today_report_due_today") : "";
  return [t("today_report_due", { date: d.report_due }), when].filter(Boolean).join(": ");
}

/**
 * Who supervises today's payout for the managing office, and the form that records them.
 * @param {import("../../types/bindings").DaySupervisor | null} sup
 */
function supervisorBox(sup) {
  const msg = supMessage ? notice(supMessage.kind, supMessage.text, "supervisor-message") : null;
  const shown = sup
    ? h("p", { class: "supervisor-line" }, h("strong", { "data-testid": "supervisor-recorded" }, t("today_supervisor_recorded", { name: sup.name, office: sup.office })))
    : h("p", { class: "muted", "data-testid": "supervisor-none" }, t("today_supervisor_none"));
  if (sup && !supEditing) {
    const change = h("button", { "data-testid": "supervisor-change", onclick: () => ((supEditing = true), (supMessage = null), render()) }, t("today_supervisor_change"));
    return h("section", { class: "supervisor-box", "data-testid": "day-supervisor" }, h("h2", {}, t("today_supervisor_title")), shown, msg, h("div", { class: "actions" }, change));
  }
  const name = h("input", { id: "supervisor-name", "data-testid": "supervisor-name", autocomplete: "off", value: sup?.name || "" });
  const office = h("input", { id: "supervisor-office", "data-testid": "supervisor-office", autocomplete: "off", value: sup?.office || "", placeholder: t("today_supervisor_office_hint") });
  const msgBox = h("div", {}, msg);
  let busy = false;
  const save = async () => {
    if (busy) return;
    busy = true;
    try {
      const r = await call("record_day_supervisor", { name: name.value, office: office.value });
      supMessage = { kind: "ok", text: t("today_supervisor_saved", { name: r.name }) };
      supEditing = false;
    } catch (e) {
      // What was typed stays; the sentence says what is missing.
      fill(msgBox, notice("error", errorText(e), "supervisor-message"));
      busy = false;
      return (name.value.trim() ? office : name).focus();
    }
    await render();
    document.getElementById("supervisor-change")?.focus();
  };
  /** @param {KeyboardEvent} e */
  const enter = (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      save();
    }
  };
  name.addEventListener("keydown", enter);
  office.addEventListener("keydown", enter);
  return h(
    "section",
    { class: "supervisor-box", "data-testid": "day-supervisor" },
    h("h2", {}, t("today_supervisor_title")),
    h("p", { class: "muted small" }, t("today_supervisor_note")),
    shown,
    msgBox,
    h("div", { class: "supervisor-form" }, h("div", {}, h("label", { class: "label", for: "supervisor-name" }, t("today_supervisor_name")), name), h("div", {}, h("label", { class: "label", for: "supervisor-office" }, t("today_supervisor_office")), office)),
    h("div", { class: "actions" }, h("button", { class: "primary", "data-testid": "supervisor-save", onclick: save }, t("today_supervisor_save"))),
  );
}

async function render() {
  /** @type {import("../../types/bindings").Today} */
  let d;
  try {
    d = await call("today_status");
  } catch (e) {
    return fill(root, notice("error", errorText(e), "today-error"));
  }
  const s = d.status;
  const info = /** @type {import("../../types/bindings").AppInfo} */ (app.info);
  const head = h("h1", {}, t("today_title", { date: d.today }));
  const demo = info.demo
    ? h("div", { class: "demo-panel small", "data-testid": "today-demo" }, h("strong", {}, t("demo_badge")), " ", t("demo_note"), " ", t("demo_pins") + ": ", (info.demo_clerks || []).map((c) => t("demo_pin_line", { name: c.name, pin: c.pin })).join(" · "))
    : null;
  if (!s.period) {
    return fill(root, head, demo, notice("warn", t("today_no_roll"), "today-no-roll"));
  }
  // Of the cash to pay here: what the office pays by bank account is never paid at this counter.
  const cashDue = s.total_due - s.by_account.by_account_amount;
  const ratio = cashDue > 0 ? s.paid_amount / cashDue : 0;
  const pct = (100 * ratio).toLocaleString("vi-VN", { maximumFractionDigits: ratio < 0.1 ? 1 : 0 });
  const tiles = h(
    "div",
    { class: "tiles" },
    tile(t("today_period"), monthYear(s.period), [t("today_deadline", { date: d.deadline }), h("br"), h("strong", { "data-testid": "days-left" }, deadlineText(d)), h("br"), h("span", { "data-testid": "report-due" }, reportText(d))], "tile-period"),
    tile(t("today_people"), `${s.paid_beneficiaries} / ${s.beneficiaries}`, t("today_left", { n: s.beneficiaries - s.paid_beneficiaries - s.by_account.by_account_people }), "tile-people"),
    tile(t("today_amount"), `${money(s.paid_amount)} đ`, [t("today_of", { total: money(s.total_due) + " đ" }), s.stopped_amount > 0 ? [h("br"), t("today_stopped", { amount: money(s.stopped_amount) })] : null], "tile-amount"),
    tile(t("today_cash"), `${money(s.cash_on_hand)} đ`, d.cash.last_count ? t("today_last_count", { diff: money(d.cash.last_count.difference) }) : null, "tile-cash"),
    d.holds ? deviceTile(d.holds) : null,
    s.by_account.by_account_people > 0 ? accountTile(s.by_account) : null,
    tile(t("today_unsynced"), String(d.unsynced_events), !d.sync_enrolled ? t("today_unsynced_note") : d.last_sync ? t("today_unsynced_enrolled", { time: dmyTime(d.last_sync) }) : t("today_unsynced_enrolled_never"), "tile-unsynced"),
  );
  const progress = h("div", { class: "progress", "data-testid": "progress" }, h("div", { class: "progress-bar", style: "" }), h("span", { class: "progress-text" }, `${pct}%`));
  /** @type {HTMLElement} */ (progress.firstChild).style.width = `${100 * ratio}%`;

  const warnings = [];
  if (d.status.roll_origin === "file") {
    warnings.push(h("div", { class: "warn-block", "data-testid": "warn-unsigned-roll" }, h("h3", {}, t("today_unsigned_roll")), h("p", {}, t("today_unsigned_roll_note"))));
  }
  if (d.report_days_left !== null && d.report_days_left < 0) {
    warnings.push(h("div", { class: "warn-block", "data-testid": "warn-report-overdue" }, h("h3", {}, t("today_report_overdue", { period: monthYear(s.period), n: -d.report_days_left, date: d.report_due })), h("p", {}, t("today_report_overdue_note"))));
  }
  if (d.expiring_proxies.length) {
    warnings.push(
      h(
        "div",
        { class: "warn-block", "data-testid": "warn-expiring" },
        h("h3", {}, t("today_expiring", { n: d.expiring_proxies.length })),
        h(
          "ul",
          {},
          d.expiring_proxies.slice(0, 8).map((p) =>
            h("li", {}, t("today_expiring_line", { name: p.name, code: p.code, proxy: p.proxy_name, date: dmy(p.valid_until) }), p.expired ? h("span", { class: "badge status-stopped" }, t("today_expired_tag")) : null),
          ),
          d.expiring_proxies.length > 8 ? h("li", { class: "muted" }, "…") : null,
        ),
      ),
    );
  }
  if (d.holds && d.holds.received_unpaid.length) {
    warnings.push(receivedUnpaid(d.holds, "warn-received-unpaid"));
  }
  if (d.not_visited.length) {
    warnings.push(
      h(
        "div",
        { class: "warn-block", "data-testid": "warn-not-visited" },
        h("h3", {}, t("today_not_visited", { n: d.not_visited.length, total: d.home_deliveries })),
        h(
          "ul",
          {},
          d.not_visited.slice(0, 8).map((p) => h("li", {}, `${p.name} (${p.code}) — ${p.village} — ${money(p.due)} đ`)),
          d.not_visited.length > 8 ? h("li", { class: "muted" }, "…") : null,
        ),
      ),
    );
  }
  fill(
    root,
    head,
    demo,
    tiles,
    progress,
    supervisorBox(d.supervisor),
    h("h2", {}, t("today_warnings")),
    warnings.length ? h("div", { class: "warn-grid" }, warnings) : h("p", { class: "muted" }, t("today_none")),
    h(
      "div",
      { class: "actions" },
      h("button", { class: "primary big", "data-testid": "go-pay", onclick: () => app.go("pay") }, t("today_go_pay")),
      h("button", { class: "big", "data-testid": "today-endday", onclick: () => app.go("endday") }, t("today_go_endday")),
    ),
  );
}

export default {
  id: "today",
  mount(el, a) {
    root = el;
    app = a;
  },
  show() {
    supMessage = null;
    supEditing = false;
    render();
  },
};
