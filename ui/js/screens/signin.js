// Sign in: pick the clerk (↑/↓), type the PIN, Enter. A lock-out says how long is left, and a
// supervisor may lift it here with their own PIN (without signing in at the window). After the
// inactivity lock, a banner says why the PIN is asked again.
import { call, errorText } from "../api.js";
import { $, fill, h, moveIndex, notice } from "../dom.js";
import { t } from "../i18n.js";
import * as idle from "../idle.js";
import * as modal from "../modal.js";

/** @type {import("../app.js").App} */
let app;
let root;
let selected = 0;
let message = null;

/** @typedef {import("../../types/bindings").AppInfo} AppInfo */

function render() {
  const info = /** @type {AppInfo} */ (app.info);
  const clerks = info.clerks || [];
  if (selected >= clerks.length) selected = 0;
  fill(
    root,
    h(
      "div",
      { class: "signin-box" },
      h(
        "div",
        { class: "signin-cols" },
        h(
          "div",
          {},
          h("h1", {}, t("app_title")),
          h("p", { class: "muted" }, t("app_subtitle")),
          h("p", { class: "pp-big" }, info.pay_point_name),
          info.demo
            ? h(
                "div",
                { class: "demo-panel", "data-testid": "demo-panel" },
                h("strong", {}, t("demo_badge")),
                h("p", {}, t("demo_note")),
                h("p", {}, h("strong", {}, t("demo_pins") + ": ")),
                h("ul", {}, (info.demo_clerks || []).map((c) => h("li", { "data-testid": "demo-pin" }, t("demo_pin_line", { name: c.name + (c.supervisor ? ` (${t("supervisor")})` : ""), pin: c.pin })))),
              )
            : null,
          h("p", { class: "keys-help" }, t("keys_hint")),
        ),
        h(
          "div",
          {},
          h("h2", {}, t("signin_title")),
          app.lockedNotice ? notice("warn", t("signin_idle_locked"), "lock-banner") : null,
          clerks.length === 0 ? notice("error", t("signin_no_clerks")) : null,
          h("label", { class: "label" }, t("signin_choose")),
          h(
            "div",
            { class: "clerk-list", role: "listbox", id: "clerk-list", "data-testid": "clerk-list" },
            clerks.map((c, i) =>
              h(
                "button",
                {
                  class: `clerk-option${i === selected ? " selected" : ""}`,
                  role: "option",
                  "aria-selected": i === selected ? "true" : "false",
                  "data-testid": `clerk-${c.id}`,
                  "data-clerk": c.id,
                  onclick: () => {
                    selected = i;
                    markSelected();
                    $("#pin").focus();
                  },
                },
                h("span", { class: "clerk-name" }, c.name),
                h("span", { class: "muted" }, ` — ${c.role === "supervisor" ? t("supervisor") : t("clerk")}`),
              ),
            ),
          ),
          h("label", { class: "label", for: "pin" }, t("signin_pin")),
          h("input", { id: "pin", type: "password", inputmode: "numeric", autocomplete: "off", maxlength: "12", "data-testid": "pin", onkeydown: onPinKey }),
          h("div", { id: "signin-message" }, messageBox()),
          h("button", { class: "primary big", id: "signin-button", "data-testid": "signin-button", onclick: submit }, t("signin_button")),
        ),
      ),
    ),
  );
  $("#pin").focus();
  window.__perf.signinReady ??= performance.now();
}

function markSelected() {
  root.querySelectorAll(".clerk-option").forEach((b, i) => {
    b.classList.toggle("selected", i === selected);
    b.setAttribute("aria-selected", i === selected ? "true" : "false");
  });
}

function messageBox() {
  if (!message) return null;
  const box = notice(message.kind, message.text, message.testid || "signin-error");
  if (!message.locked) return box;
  return h(
    "div",
    {},
    box,
    h("button", { class: "small", "data-testid": "signin-supervisor-unlock", onclick: () => supervisorUnlock(message.locked) }, t("signin_supervisor_unlock")),
  );
}

function showMessage() {
  const box = $("#signin-message");
  if (box) fill(box, messageBox());
}

/** A supervisor lifts the lock-out of `clerk` with their own PIN; nobody is signed in by it. */
function supervisorUnlock(clerk) {
  const supervisors = (/** @type {AppInfo} */ (app.info).clerks || []).filter((c) => c.role === "supervisor" && c.id !== clerk.id);
  const err = h("div", { id: "sup-unlock-message" });
  const pin = h("input", { id: "sup-unlock-pin", type: "password", inputmode: "numeric", autocomplete: "off", maxlength: "12", "data-testid": "sup-unlock-pin" });
  const select = h(
    "select",
    { id: "sup-unlock-who", "data-testid": "sup-unlock-who" },
    supervisors.map((c) => h("option", { value: String(c.id) }, c.name)),
  );
  const confirm = h("button", { class: "primary", "data-testid": "sup-unlock-confirm" }, t("signin_supervisor_unlock_confirm"));
  const go = async () => {
    confirm.disabled = true;
    try {
      await call("unlock_clerk", { clerk_id: clerk.id, supervisor_id: Number(select.value), supervisor_pin: pin.value });
      modal.close();
      message = { kind: "ok", text: t("signin_unlocked", { name: clerk.name }), testid: "signin-unlocked", seq: (message?.seq || 0) + 1 };
      showMessage();
      $("#pin").value = "";
      $("#pin").focus();
    } catch (e) {
      fill(err, notice("error", errorText(e), "sup-unlock-error"));
      pin.value = "";
      pin.focus();
    } finally {
      confirm.disabled = false;
    }
  };
  confirm.addEventListener("click", go);
  pin.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      go();
    }
  });
  modal.open(
    h(
      "div",
      {},
      h("h2", {}, t("signin_supervisor_unlock_title", { name: clerk.name })),
      h("p", { class: "muted" }, t("signin_supervisor_unlock_note")),
      supervisors.length === 0 ? notice("error", t("signin_no_supervisor")) : null,
      h("label", { class: "label", for: "sup-unlock-who" }, t("signin_supervisor")),
      select,
      h("label", { class: "label", for: "sup-unlock-pin" }, t("signin_supervisor_pin")),
      pin,
      err,
      h("div", { class: "actions" }, confirm, h("button", { "data-testid": "sup-unlock-cancel", onclick: () => modal.close() }, t("dlg_cancel"))),
    ),
    { testid: "sup-unlock-dialog" },
  );
  pin.focus();
}

function onPinKey(e) {
  const n = /** @type {AppInfo} */ (app.info).clerks?.length || 0;
  if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    e.preventDefault();
    selected = moveIndex(selected, e.key === "ArrowDown" ? 1 : -1, n);
    markSelected();
  } else if (e.key === "Enter") {
    e.preventDefault();
    submit();
  }
}

async function submit() {
  const clerk = /** @type {AppInfo} */ (app.info).clerks?.[selected];
  if (!clerk) return;
  const pin = $("#pin").value;
  $("#signin-button").disabled = true;
  try {
    app.clerk = await call("sign_in", { clerk_id: clerk.id, pin });
    message = null;
    app.lockedNotice = false;
    idle.reset();
    $("#pin").value = "";
    app.go("pay");
  } catch (e) {
    const locked = e.code === "locked_out" ? clerk : null;
    message = { kind: locked ? "error" : "warn", text: errorText(e), locked, seq: (message?.seq || 0) + 1 };
    showMessage();
    const box = $("#signin-message .notice");
    if (box) box.dataset.attempt = String(message.seq);
    $("#pin").value = "";
    $("#pin").focus();
  } finally {
    $("#signin-button").disabled = false;
  }
}

export default {
  id: "signin",
  mount(el, a) {
    root = el;
    app = a;
  },
  show() {
    render();
  },
  onKey(e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (document.activeElement?.id !== "pin") {
        e.preventDefault();
        selected = moveIndex(selected, e.key === "ArrowDown" ? 1 : -1, /** @type {AppInfo} */ (app.info).clerks?.length || 0);
        markSelected();
      }
      return true;
    }
    return false;
  },
};
