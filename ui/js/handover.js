// Two devices at one pay point (issue 17), on the Roll screen: whom this device pays, handing a
// village or some people over to the other device (a supervisor's PIN; the signed file is written
// to the data folder's `handovers` for the USB stick), and taking a file the other device wrote.
// Every rule is the core's (`paypoint::hold`): the window only collects the choice and the PIN.
import { call, errorText } from "./api.js";
import { fill, h, notice } from "./dom.js";
import { t } from "./i18n.js";

/** @type {import("./app.js").App} */
let app;
/** @type {HTMLElement} */
let box;
/** @type {{ kind: "ok" | "error", text: string, testid: string } | null} */
let message = null;

/** The supervisors who may approve, and the select and PIN fields for them. */
function approverFields(prefix) {
  const supervisors = (/** @type {import("../types/bindings").AppInfo} */ (app.info).clerks || []).filter((c) => c.role === "supervisor");
  const sup = h("select", { id: `${prefix}-supervisor`, "data-testid": `${prefix}-supervisor` }, supervisors.map((c) => h("option", { value: c.id }, c.name)));
  const pin = h("input", { id: `${prefix}-pin`, type: "password", inputmode: "numeric", "data-testid": `${prefix}-pin`, autocomplete: "off" });
  const fields = h("div", { class: "form-row" }, h("div", {}, h("label", { class: "label", for: `${prefix}-supervisor` }, t("ho_supervisor")), sup), h("div", {}, h("label", { class: "label", for: `${prefix}-pin` }, t("ho_pin")), pin));
  return { fields, value: () => ({ approver_id: Number(sup.value), approver_pin: pin.value }), clear: () => (pin.value = "") };
}

/** @param {import("../types/bindings").Holds} hs */
function summary(hs) {
  const others = hs.elsewhere.map(([device, n]) => h("li", {}, t("today_device_other", { device, n })));
  return h(
    "div",
    { "data-testid": "ho-summary" },
    h("p", {}, h("strong", {}, t("today_device", { device: hs.device })), " ", h("span", { "data-testid": "ho-here" }, t("today_device_people", { n: hs.here })), hs.holds_all ? ` (${t("today_device_all").toLowerCase()})` : ""),
    others.length ? h("ul", {}, others) : null,
  );
}

async function giveForm(villages) {
  const to = h("input", { id: "ho-to", "data-testid": "ho-to", autocomplete: "off", spellcheck: "false", placeholder: "a1b2c3d4" });
  const village = h("select", { id: "ho-village", "data-testid": "ho-village" }, h("option", { value: "" }, t("ho_by_codes")), villages.map((v) => h("option", { value: v }, v)));
  const codes = h("input", { id: "ho-codes", "data-testid": "ho-codes", autocomplete: "off", spellcheck: "false", placeholder: "QH01-000001 QH01-000002" });
  const approver = approverFields("ho-give");
  const submit = async () => {
    try {
      const r = await call("hold_give", { to: to.value, village: village.value || null, codes: codes.value.split(/[\s,;]+/).filter(Boolean), ...approver.value() });
      message = { kind: "ok", text: t("ho_given", { n: r.people, device: r.to_device, file: r.file }), testid: "ho-result" };
    } catch (e) {
      message = { kind: "error", text: errorText(e), testid: "ho-error" };
    }
    approver.clear();
    render();
  };
  return h(
    "div",
    { class: "handover-give" },
    h("h3", {}, t("ho_give_title")),
    h("p", { class: "muted" }, t("ho_give_note")),
    h("div", { class: "form-row" }, h("div", {}, h("label", { class: "label", for: "ho-to" }, t("ho_to")), to), h("div", {}, h("label", { class: "label", for: "ho-village" }, t("ho_village")), village)),
    h("label", { class: "label", for: "ho-codes" }, t("ho_codes")),
    codes,
    approver.fields,
    h("div", { class: "actions" }, h("button", { class: "primary", "data-testid": "ho-give", onclick: submit }, t("ho_give"))),
  );
}

function takeForm() {
  const approver = approverFields("ho-take");
  const take = async (file) => {
    try {
      const buf = new Uint8Array(await file.arrayBuffer());
      const path = await call("upload_roll_file", buf, { headers: { "x-file-name": encodeURIComponent(file.name) } });
      const r = await call("hold_take", { path, ...approver.value() });
      message = { kind: "ok", text: t("ho_taken", { n: r.people, device: r.from_device }), testid: "ho-result" };
    } catch (e) {
      message = { kind: "error", text: errorText(e), testid: "ho-error" };
    }
    approver.clear();
    render();
  };
  const input = h("input", { type: "file", accept: ".json", hidden: true, "data-testid": "ho-file", onchange: () => input.files?.[0] && take(input.files[0]) });
  return h(
    "div",
    { class: "handover-take" },
    h("h3", {}, t("ho_take_title")),
    h("p", { class: "muted" }, t("ho_take_note")),
    approver.fields,
    h("div", { class: "actions" }, h("button", { "data-testid": "ho-take", onclick: () => input.click() }, t("ho_take")), input),
  );
}

async function render() {
  let hs, villages;
  try {
    hs = await call("hold_status");
    villages = hs ? await call("villages") : [];
  } catch (e) {
    return fill(box, notice("error", errorText(e), "ho-error"));
  }
  if (!hs) return fill(box);
  const msg = message ? notice(message.kind, message.text, message.testid) : null;
  fill(box, h("h2", {}, t("ho_title")), summary(hs), msg, await giveForm(villages), takeForm());
}

/** Draws the section into `el` (the Roll screen's right column). */
export function handoverSection(el, a) {
  box = el;
  app = a;
  message = null;
  render();
}
