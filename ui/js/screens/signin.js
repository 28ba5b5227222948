// Sign in: pick the clerk (↑/↓), type the PIN, Enter. A lock-out says how long is left.
import { call, errorText } from "../api.js";
import { $, fill, h, moveIndex, notice } from "../dom.js";
import { t } from "../i18n.js";

let root, app;
let selected = 0;
let message = null;

function render() {
  const info = app.info;
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
          h("div", { id: "signin-message" }, message ? notice(message.kind, message.text, "signin-error") : null),
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

function showMessage() {
  const box = $("#signin-message");
  if (box) fill(box, message ? notice(message.kind, message.text, "signin-error") : null);
}

function onPinKey(e) {
  const n = app.info.clerks?.length || 0;
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
  const clerk = app.info.clerks?.[selected];
  if (!clerk) return;
  const pin = $("#pin").value;
  $("#signin-button").disabled = true;
  try {
    app.clerk = await call("sign_in", { clerk_id: clerk.id, pin });
    message = null;
    $("#pin").value = "";
    app.go("pay");
  } catch (e) {
    message = { kind: e.code === "locked_out" ? "error" : "warn", text: errorText(e), seq: (message?.seq || 0) + 1 };
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
        selected = moveIndex(selected, e.key === "ArrowDown" ? 1 : -1, app.info.clerks?.length || 0);
        markSelected();
      }
      return true;
    }
    return false;
  },
};
