// Policy reference: the rate table in force today (its legal basis, since when; NĐ 77/2024 as
// shipped, or a newer table the managing office sent) and its categories, with a short
// explanation each, searchable without accents, so the clerk can answer a beneficiary's question.
// Above them, the organisation as the papers print it (managing office, payer, place, signers'
// titles, the payer's fee), which a supervisor edits with their PIN.
import { call, errorText } from "../api.js";
import { dmy, fill, h, money, notice } from "../dom.js";
import { t } from "../i18n.js";
import * as modal from "../modal.js";

/**
 * @typedef {import("../../types/bindings").OrgView} OrgView
 * @typedef {import("../../types/bindings").OrgChange} OrgChange
 * @typedef {import("../../types/bindings").OrgSettings} OrgSettings
 */

/** @type {import("../app.js").App} */
let app;
let root, input, list, basis, orgBox;
/** @type {OrgView | null} */
let org = null;
/** @type {{ kind: "ok" | "info" | "error", text: string } | null} */
let orgMessage = null;

/** The settings the form edits: the key of OrgChange and OrgSettings, its label, and how its
 * default reads (from the organisation as printed).
 * @type {{ key: Exclude<keyof OrgChange, "fee_rate">, label: string, wide?: boolean, shown: (v: OrgView) => string }[]} */
const FIELDS = [
  { key: "managing_office", label: "org_managing_office", wide: true, shown: (v) => v.organisation.managing_office },
  { key: "payer", label: "org_payer", wide: true, shown: (v) => v.organisation.payer },
  { key: "province", label: "org_province", shown: (v) => v.organisation.province || "" },
  { key: "commune", label: "org_commune", shown: (v) => v.organisation.commune || "" },
  { key: "title_preparer", label: "org_title_preparer", shown: (v) => v.organisation.titles.preparer },
  { key: "title_accountant", label: "org_title_accountant", shown: (v) => v.organisation.titles.accountant },
  { key: "title_head", label: "org_title_head", shown: (v) => v.organisation.titles.head },
  { key: "title_clerk", label: "org_title_clerk", shown: (v) => v.organisation.titles.clerk },
  { key: "title_managing", label: "org_title_managing", shown: (v) => v.organisation.titles.managing },
  { key: "title_supervisor", label: "org_title_supervisor", shown: (v) => v.organisation.titles.supervisor },
];

/** @param {OrgView} v @param {keyof OrgSettings} key */
function isDefault(v, key) {
  return v.organisation.settings[key] == null;
}

async function loadOrg() {
  try {
    org = await call("org_settings");
  } catch (e) {
    org = null;
    return fill(orgBox, notice("error", errorText(e), "org-error"));
  }
  renderOrg();
}

function renderOrg() {
  const v = /** @type {OrgView} */ (org);
  /** @param {string} label @param {string} value @param {boolean} dflt @param {string} testid */
  const row = (label, value, dflt, testid) => [h("dt", {}, t(label)), h("dd", { "data-testid": testid }, value, dflt ? h("span", { class: "muted small" }, " ", t("org_default")) : null)];
  const s = v.organisation;
  fill(
    orgBox,
    h("h2", {}, t("org_title")),
    h("p", { class: "muted small" }, t("org_intro")),
    orgMessage ? notice(orgMessage.kind, orgMessage.text, "org-message") : null,
    h(
      "dl",
      { class: "org-list", "data-testid": "org-list" },
      row("org_managing_office", s.managing_office, isDefault(v, "managing_office"), "org-managing_office"),
      row("org_payer", s.payer, isDefault(v, "payer"), "org-payer"),
      s.province ? row("org_province", s.province, false, "org-province") : null,
      row("org_place", s.place, isDefault(v, "commune"), "org-place"),
      row(
        "org_titles",
        [s.titles.preparer, s.titles.accountant, s.titles.head, s.titles.clerk, s.titles.managing, s.titles.supervisor].join(" · "),
        false,
        "org-titles",
      ),
      row("org_fee_rate", v.fee_rate || t("org_fee_none"), false, "org-fee"),
    ),
    h("div", { class: "actions" }, h("button", { "data-testid": "org-edit", onclick: editOrg }, t("org_edit"))),
  );
}

/** The dialog that edits the settings; a supervisor approves with their PIN. */
function editOrg() {
  const v = /** @type {OrgView} */ (org);
  const supervisors = (app.info?.clerks || []).filter((c) => c.role === "supervisor");
  if (!supervisors.length) {
    return modal.open(h("div", {}, h("h2", {}, t("org_edit_title")), notice("error", t("org_no_supervisor")), h("div", { class: "actions" }, h("button", { onclick: () => modal.close() }, t("ok")))), { testid: "org-dialog" });
  }
  /** @type {Record<string, HTMLInputElement>} */
  const inputs = {};
  const fields = FIELDS.map((f) => {
    const el = h("input", { id: `org-${f.key}`, "data-testid": `org-input-${f.key}`, autocomplete: "off", value: v.organisation.settings[f.key] || "", placeholder: isDefault(v, f.key) ? f.shown(v) : "" });
    if (f.key === "payer" && isDefault(v, "payer")) el.title = t("org_payer_hint");
    inputs[f.key] = el;
    return h("div", { class: f.wide ? "wide" : "" }, h("label", { class: "label", for: `org-${f.key}` }, t(f.label)), el);
  });
  const fee = h("input", { id: "org-fee_rate", "data-testid": "org-input-fee_rate", autocomplete: "off", value: v.fee_rate || "", placeholder: t("org_fee_hint") });
  const mine = supervisors.find((c) => c.id === app.clerk?.id);
  const sup = h("select", { id: "org-supervisor", "data-testid": "org-supervisor" }, supervisors.map((c) => h("option", { value: c.id, selected: c === mine }, c.name)));
  const pin = h("input", { id: "org-pin", type: "password", inputmode: "numeric", "data-testid": "org-pin", autocomplete: "off" });
  const err = h("div", { id: "org-error-box" });
  const save = h("button", { class: "primary", "data-testid": "org-save", onclick: submit }, t("org_save"));
  const body = h(
    "div",
    {},
    h("h2", {}, t("org_edit_title")),
    h("p", { class: "muted small" }, t("org_edit_note")),
    h("div", { class: "org-form" }, fields, h("div", {}, h("label", { class: "label", for: "org-fee_rate" }, t("org_fee_rate")), fee)),
    h("div", { class: "org-form" }, h("div", {}, h("label", { class: "label", for: "org-supervisor" }, t("org_supervisor")), sup), h("div", {}, h("label", { class: "label", for: "org-pin" }, t("org_pin")), pin)),
    err,
    h("div", { class: "actions" }, save, h("button", { "data-testid": "org-cancel", onclick: () => modal.close() }, t("dlg_cancel"))),
  );
  body.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && /** @type {HTMLElement} */ (e.target).tagName !== "BUTTON") {
      e.preventDefault();
      submit();
    }
  });
  modal.open(body, { testid: "org-dialog", wide: true });
  inputs.managing_office.focus();
  let busy = false;

  async function submit() {
    if (busy) return;
    busy = true;
    /** @type {OrgChange} */
    const change = {
      managing_office: inputs.managing_office.value,
      payer: inputs.payer.value,
      province: inputs.province.value,
      commune: inputs.commune.value,
      title_preparer: inputs.title_preparer.value,
      title_accountant: inputs.title_accountant.value,
      title_head: inputs.title_head.value,
      title_clerk: inputs.title_clerk.value,
      title_managing: inputs.title_managing.value,
      title_supervisor: inputs.title_supervisor.value,
      fee_rate: fee.value,
    };
    try {
      org = await call("set_org", { change, supervisor_id: Number(sup.value), supervisor_pin: pin.value });
      orgMessage = org.changed ? { kind: "ok", text: t("org_saved") } : { kind: "info", text: t("org_unchanged") };
      modal.close();
      renderOrg();
    } catch (e) {
      fill(err, notice("error", errorText(e), "org-save-error"));
      pin.value = "";
      pin.focus();
    } finally {
      busy = false;
    }
  }
}

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
    orgBox = h("section", { class: "org-box", "data-testid": "org" });
    fill(root, h("h1", {}, t("policy_title")), orgBox, basis, h("p", { class: "muted" }, t("policy_intro")), input, list);
  },
  show(params) {
    if (params?.relabel) this.mount(root, app);
    orgMessage = null;
    loadOrg();
    load();
    input.focus();
  },
};
