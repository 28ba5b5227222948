// Policy reference: the rate table in force today (its legal basis, since when; NĐ 77/2024 as
// shipped, or a newer table the managing office sent) and its categories, with a short
// explanation each, searchable without accents, so the clerk can answer a beneficiary's question.
import { call, errorText } from "../api.js";
import { dmy, fill, h, money, notice } from "../dom.js";
import { t } from "../i18n.js";

/** @type {import("../app.js").App} */
let app;
let root, input, list, basis;

/** @param {import("../../types/bindings").TableHeading} th */
function origin(th) {
  return th.origin.event_seq == null ? t("policy_shipped") : t("policy_loaded_from", { source: th.origin.source, at: dmy(th.origin.loaded_at || "") });
}

/** The table in force and, if one is already loaded, the next.
 * @param {import("../../types/bindings").PolicyInForce} p */
function heading(p) {
  const th = p.heading;
  return [
    h("p", { "data-testid": "policy-basis" }, t("policy_in_force", { basis: th.basis, signed: dmy(th.signed_on), from: dmy(th.effective_from), base: money(th.base_rate) }), " ", h("span", { class: "muted" }, origin(th))),
    p.upcoming ? notice("info", t("policy_upcoming", { basis: p.upcoming.basis, from: dmy(p.upcoming.effective_from), base: money(p.upcoming.base_rate) })) : null,
  ];
}

async function load() {
  /** @type {import("../../types/bindings").PolicyInForce} */
  let p;
  try {
    p = await call("policy_rates", { query: input.value });
  } catch (e) {
    fill(basis);
    return fill(list, notice("error", errorText(e)));
  }
  fill(basis, ...heading(p));
  const rates = p.rates;
  if (!rates.length) return fill(list, h("p", { class: "muted" }, t("policy_none", { q: input.value })));
  fill(
    list,
    rates.map((r) =>
      h(
        "div",
        { class: "rate", "data-testid": "rate" },
        h("div", { class: "rate-head" }, h("strong", { class: "rate-name" }, r.category), h("span", { class: "rate-amount" }, t("policy_monthly", { amount: money(r.monthly) }))),
        r.supplement ? h("div", { class: "rate-sup" }, t("policy_supplement", { amount: money(r.supplement) })) : null,
        h("p", { class: "rate-explain" }, r.explanation),
      ),
    ),
  );
}

export default {
  id: "policy",
  mount(el, a) {
    root = el;
    app = a;
    input = h("input", { id: "policy-search", type: "search", "data-testid": "policy-search", autocomplete: "off", placeholder: t("policy_search"), oninput: load });
    list = h("div", { class: "rates", "data-testid": "rates" });
    basis = h("div", { class: "policy-basis" });
    fill(root, h("h1", {}, t("policy_title")), basis, h("p", { class: "muted" }, t("policy_intro")), input, list);
  },
  show(params) {
    if (params?.relabel) this.mount(root, app);
    load();
    input.focus();
  },
};
