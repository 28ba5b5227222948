// The beneficiary card: who, lines, totals, proxy, home delivery, stop; and, when payment is not
// possible, the reason in words (the core's own conditions, asked before the clerk tries).
import { dmy, dmyTime, h, money, monthYear, notice, statusBadge } from "./dom.js";
import { currentLang, t } from "./i18n.js";

/**
 * @typedef {import("../types/bindings").Card} Card
 * @typedef {import("../types/bindings").LineView} LineView
 */

/** @param {LineView} l */
function months(l) {
  return l.covers_from === l.covers_to ? monthYear(l.covers_from) : `${monthYear(l.covers_from)}–${monthYear(l.covers_to)}`;
}

/**
 * The card as a node. `onPay` is called by the pay button (shown only when payment is possible).
 * @param {Card} c
 * @param {{ onPay?: () => void, onAccount?: () => void, payLabel?: string, compact?: boolean }} [options]
 */
export function cardView(c, { onPay, onAccount, payLabel, compact = false } = {}) {
  const en = currentLang() === "en";
  const lines = h(
    "table",
    { class: "lines", "data-testid": "card-lines" },
    h("thead", {}, h("tr", {}, h("th", {}, t("card_col_kind")), h("th", {}, t("card_col_months")), h("th", { class: "num" }, t("card_col_amount")), h("th", {}, t("card_col_state")))),
    h(
      "tbody",
      {},
      c.lines.map((l) =>
        h(
          "tr",
          { class: l.paid_by ? "paid" : l.stopped ? "stopped" : l.by_account ? "by-account" : "" },
          h("td", {}, t(`kind_${l.kind}`), l.note ? h("div", { class: "muted small" }, l.note) : null),
          h("td", {}, months(l)),
          h("td", { class: "num" }, money(l.amount)),
          h("td", {}, l.paid_by ? t("line_paid") : l.stopped ? t("line_stopped") : l.by_account ? t("line_by_account") : t("line_unpaid")),
        ),
      ),
    ),
  );
  const proxy = c.proxy
    ? h(
        "div",
        { class: "card-row", "data-testid": "card-proxy" },
        h("span", { class: "label-inline" }, t("card_proxy") + ": "),
        t("card_proxy_line", { name: c.proxy.name, rel: c.proxy.relationship, id: c.proxy.id_card, date: dmy(c.proxy.valid_until) }),
        c.proxy_expired ? notice("warn", t("card_proxy_expired"), "card-proxy-expired") : null,
      )
    : null;
  const stop = c.stop
    ? h("div", { class: "stop-banner", "data-testid": "card-stop" }, `${t("card_stop")}: ${t("reason_" + (c.stop.reason === "death" ? "death" : c.stop.reason))}${c.stop.date ? " — " + dmy(c.stop.date) : ""}${c.stop.note ? " — " + c.stop.note : ""}`)
    : null;
  const toConfirm = c.to_confirm ? notice("warn", t("to_confirm_card", { n: c.to_confirm.periods.length, periods: c.to_confirm.periods.join(", ") }), "card-to-confirm") : null;
  const byAccount = c.by_account
    ? notice("info", t("card_by_account", { bank: c.by_account.bank, masked: c.by_account.masked, from: monthYear(c.by_account.from) }), "card-by-account")
    : null;
  const blocked = c.blocked && c.blocked.code !== "by_account" ? notice(c.blocked.code === "already_paid" ? "info" : "error", en ? c.blocked.message_en : c.blocked.message_vi, "card-blocked") : null;
  if (blocked && c.blocked) blocked.dataset.reason = c.blocked.code;
  return h(
    "div",
    { class: "card", "data-testid": "card", "data-code": c.code },
    h("div", { class: "card-head" }, h("h2", { class: "card-name", "data-testid": "card-name" }, c.name), statusBadge(c.status), c.home_delivery ? h("span", { class: "badge home", "data-testid": "card-home" }, t("card_home")) : null),
    compact ? h("div", { class: "muted" }, `${c.code} · ${c.village}${c.birth_year ? " · " + c.birth_year : ""} · ${c.category}`) : null,
    compact ? null : h(
      "div",
      { class: "card-facts" },
      fact(t("card_code"), c.code),
      fact(t("card_birth"), c.birth_year ?? "—"),
      fact(t("card_village"), c.village),
      fact(t("card_idcard"), c.id_card ?? "—"),
      fact(t("card_category"), c.category),
    ),
    stop,
    toConfirm,
    byAccount,
    h("h3", {}, t("card_lines")),
    lines,
    h(
      "div",
      { class: "card-total" },
      h("span", {}, t("card_total") + ": "),
      h("strong", { class: "amount-big", "data-testid": "card-total" }, `${money(c.payable)} đ`),
      c.paid > 0 ? h("span", { class: "muted" }, ` · ${t("card_paid")}: ${money(c.paid)} đ`) : null,
    ),
    c.payable > 0 ? h("div", { class: "in-words", "data-testid": "card-words" }, `${t("card_in_words")}: ${c.payable_words}`) : null,
    proxy,
    c.last_visit ? h("div", { class: "card-row muted" }, t("card_last_visit", { outcome: t("outcome_" + c.last_visit.outcome), time: dmyTime(c.last_visit.visited_at) })) : null,
    blocked,
    onPay && c.can_pay ? h("div", { class: "actions" }, h("button", { class: "primary big", id: "pay-button", "data-testid": "pay-button", onclick: onPay }, payLabel || t("card_pay_button"))) : null,
    onAccount && !c.by_account && !c.stop ? h("div", { class: "actions" }, h("button", { "data-testid": "account-button", onclick: onAccount }, t("card_account_button"))) : null,
  );
}

/**
 * @param {string} label
 * @param {string | number} value
 */
function fact(label, value) {
  return h("div", { class: "fact" }, h("span", { class: "fact-label" }, label), h("span", { class: "fact-value" }, String(value)));
}
