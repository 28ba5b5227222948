// Unlock: the ledger is encrypted and its key is not in this computer's key store (a new machine,
// a new account, a Linux without a key store), so the supervisor types the ledger's passphrase.
// A wrong one is refused and changes nothing. "Quên mật khẩu?" says plainly what recovery means.
import { call, errorText } from "../api.js";
import { $, fill, h, notice } from "../dom.js";
import { t } from "../i18n.js";

/** @type {import("../app.js").App} */
let app;
let root;
let message = null;
let busy = false;
let attempts = 0;

function render() {
  const info = /** @type {Partial<import("../../types/bindings").AppInfo>} */ (app.info || {});
  const input = h("input", { id: "unlock-passphrase", type: "password", autocomplete: "off", spellcheck: "false", "data-testid": "unlock-passphrase", onkeydown: onKey });
  fill(
    root,
    h(
      "div",
      { class: "signin-box unlock-box", "data-testid": "unlock-screen" },
      h("h1", {}, t("unlock_title")),
      h("p", {}, t("unlock_intro")),
      h("p", { class: "small muted" }, t("unlock_file", { path: info.ledger_path || "" })),
      h("label", { class: "label", for: "unlock-passphrase" }, t("unlock_passphrase")),
      input,
      h("div", { id: "unlock-message" }, message ? notice(message.kind, message.text, message.testid) : null),
      h("button", { class: "primary big", id: "unlock-button", "data-testid": "unlock-button", disabled: busy, onclick: submit }, busy ? t("unlock_busy") : t("unlock_button")),
      h(
        "details",
        { class: "unlock-forgot", "data-testid": "unlock-forgot" },
        h("summary", { "data-testid": "unlock-forgot-toggle" }, t("unlock_forgot")),
        h("p", {}, t("unlock_forgot_store")),
        h("p", {}, h("strong", {}, t("unlock_forgot_both_title")), " ", t("unlock_forgot_both")),
        h("p", { class: "notice notice-error", "data-testid": "unlock-forgot-lost" }, t("unlock_forgot_lost")),
        h("p", {}, t("unlock_forgot_call")),
      ),
    ),
  );
  input.focus();
}

function onKey(e) {
  if (e.key === "Enter") {
    e.preventDefault();
    submit();
  }
}

async function submit() {
  if (busy) return;
  const passphrase = $("#unlock-passphrase").value;
  if (!passphrase) return $("#unlock-passphrase").focus();
  busy = true;
  message = { kind: "info", text: t("unlock_busy"), testid: "unlock-busy" };
  render();
  try {
    await call("unlock_ledger", { passphrase });
    message = null;
    busy = false;
    await app.reload();
    return;
  } catch (e) {
    attempts += 1;
    message = { kind: "error", text: errorText(e), testid: "unlock-error" };
  }
  busy = false;
  render();
  const box = $("#unlock-message .notice");
  if (box) box.dataset.attempt = String(attempts);
}

export default {
  id: "unlock",
  mount(el, a) {
    root = el;
    app = a;
  },
  show() {
    render();
  },
};
