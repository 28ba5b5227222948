// Policy reference: the categories and their NĐ 77/2024 amounts, with a short explanation each,
// searchable without accents, so the clerk can answer a beneficiary's question.
import { call, errorText } from "../api.js";
import { fill, h, money, notice } from "../dom.js";
import { t } from "../i18n.js";

/** @type {import("../app.js").App} */
let app;
let root, input, list;

async function load() {
  /** @type {import("../../types/bindings").Rate[]} */
  let rates;
  try {
    rates = await call("policy_rates", { query: input.value });
  } catch (e) {
    return fill(list, notice("error", errorText(e)));
  }
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
    fill(root, h("h1", {}, t("policy_title")), h("p", { class: "muted" }, t("policy_intro")), input, list);
  },
  show(params) {
    if (params?.relabel) this.mount(root, app);
    load();
    input.focus();
  },
};
