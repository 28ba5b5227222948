// Sync with the managing office's hub: enrol this computer (hub address, one-time code, the device's key
// shown), then the counts (waiting, sent, acknowledged by the managing office, flagged), the last sync,
// the last receipt, and "Sync now". The app also syncs on its own every few minutes; this screen
// follows it through the shell's "sync-changed" event.
import { call, errorText, onEvent } from "../api.js";
import { dmyTime, fill, h, notice } from "../dom.js";
import { t } from "../i18n.js";
import { receiptTable, stateLine } from "../syncview.js";

/**
 * @typedef {import("../../types/bindings").SyncView} SyncView
 * @typedef {import("../../types/bindings").SettingsView} SettingsView
 * @typedef {{ kind: "info" | "ok" | "warn" | "error", text: string, testid: string }} Message
 */

/** @type {import("../app.js").App} */
let app;
let root;
/** @type {SyncView | null} */
let v = null;
/** @type {Message | null} */
let message = null;
let busy = false;
let url = "";
let code = "";
/** @type {SettingsView | null} */
let settings = null;
/** @type {Message | null} */
let settingsMessage = null;

function tile(label, value, sub, testid) {
  return h("div", { class: "tile", "data-testid": testid, "data-value": String(value) }, h("div", { class: "tile-label" }, label), h("div", { class: "tile-value" }, String(value)), sub ? h("div", { class: "tile-sub" }, sub) : null);
}

async function load(withSettings = false) {
  // The settings are read with the status, not after it: one render, as soon as both are in.
  const pending = withSettings ? loadSettings() : null;
  try {
    v = await call("sync_status");
  } catch (e) {
    v = null;
    message = { kind: "error", text: errorText(e), testid: "sync-error" };
  }
  if (pending) await pending;
  render();
}

async function loadSettings() {
  try {
    settings = await call("settings_get");
  } catch {
    settings = null;
  }
}

async function saveSettings() {
  const field = /** @type {HTMLInputElement} */ (document.getElementById("settings-lock-minutes"));
  try {
    settings = await call("settings_set", { lock_minutes: Number(field.value) });
    app.setLockSeconds(settings.lock_seconds);
    settingsMessage = { kind: "ok", text: t("settings_saved", { n: settings.lock_minutes }), testid: "settings-saved" };
  } catch (e) {
    settingsMessage = { kind: "error", text: errorText(e), testid: "settings-error" };
  }
  render();
}

/** Settings: the inactivity lock (supervisors change it), where the log is. */
function settingsPanel() {
  if (!settings) return null;
  const field = h("input", { id: "settings-lock-minutes", type: "number", min: String(settings.min_minutes), max: String(settings.max_minutes), value: String(settings.lock_minutes), "data-testid": "settings-lock-minutes", disabled: !settings.can_edit, class: "short" });
  field.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      saveSettings();
    }
  });
  return h(
    "div",
    { class: "panel", "data-testid": "settings" },
    h("h2", {}, t("settings_title")),
    h("label", { class: "label", for: "settings-lock-minutes" }, t("settings_lock", { min: settings.min_minutes, max: settings.max_minutes })),
    h("div", { class: "actions" }, field, settings.can_edit ? h("button", { "data-testid": "settings-save", onclick: saveSettings }, t("settings_save")) : null),
    settings.can_edit ? null : h("p", { class: "muted small", "data-testid": "settings-supervisor-only" }, t("settings_supervisor_only")),
    settings.lock_overridden ? h("p", { class: "muted small", "data-testid": "settings-override" }, t("settings_override", { s: settings.lock_seconds })) : null,
    settingsMessage ? notice(settingsMessage.kind, settingsMessage.text, settingsMessage.testid) : null,
    h("p", { class: "muted small", "data-testid": "settings-log" }, t("settings_log", { path: `${app.info?.data_dir || ""}/paypoint-desktop.log` })),
  );
}

async function enrol() {
  if (busy) return;
  busy = true;
  message = { kind: "info", text: t("sync_enrolling"), testid: "sync-busy" };
  render();
  try {
    v = await call("sync_enrol", { url, code });
    code = "";
    message = { kind: "ok", text: t("sync_enrolled_done", { url: v.status.hub_url }), testid: "sync-enrolled" };
    busy = false;
    // The managing office's roll and stops come down with the first round.
    return syncNow();
  } catch (e) {
    message = { kind: "error", text: errorText(e), testid: "sync-error" };
  }
  busy = false;
  render();
}

async function syncNow() {
  if (busy) return;
  busy = true;
  message = { kind: "info", text: t("sync_state_running"), testid: "sync-busy" };
  render();
  try {
    const r = await call("sync_now");
    v = r.view;
    const rep = r.report;
    message = { kind: rep.flags.length ? "warn" : "ok", text: t("sync_done", { n: rep.events_acknowledged, amendments: rep.amendments_applied, stops: rep.stops_applied, rolls: rep.rolls.length }) + (rep.flags.length ? " " + t("sync_done_flags", { n: rep.flags.length, detail: rep.flags.map((f) => f.detail).join("; ") }) : ""), testid: "sync-result" };
  } catch (e) {
    message = { kind: e.code === "hub_unreachable" ? "warn" : "error", text: errorText(e), testid: "sync-error" };
    try {
      v = await call("sync_status");
    } catch {
      /* the message above already says what to do */
    }
  }
  busy = false;
  render();
}

function enrolForm() {
  const urlInput = h("input", { id: "sync-url", "data-testid": "sync-url", value: url, autocomplete: "off", spellcheck: "false", placeholder: "https://chitra.huyen.gov.vn", oninput: (e) => (url = e.target.value) });
  const codeInput = h("input", { id: "sync-code", "data-testid": "sync-code", value: code, autocomplete: "off", spellcheck: "false", oninput: (e) => (code = e.target.value) });
  const submit = (e) => {
    if (e.key === "Enter") {
      e.preventDefault();
      enrol();
    }
  };
  urlInput.addEventListener("keydown", submit);
  codeInput.addEventListener("keydown", submit);
  return h(
    "div",
    { class: "panel", "data-testid": "sync-enrol" },
    h("h2", {}, t("sync_enrol_title")),
    h("p", { class: "muted" }, t("sync_enrol_intro", { code: /** @type {SyncView} */ (v).pay_point_code })),
    h("label", { class: "label", for: "sync-url" }, t("sync_url")),
    urlInput,
    h("label", { class: "label", for: "sync-code" }, t("sync_code")),
    codeInput,
    h("div", { class: "actions" }, h("button", { class: "primary big", "data-testid": "sync-enrol-button", disabled: busy, onclick: enrol }, t("sync_enrol_button"))),
  );
}

function render() {
  const head = h("h1", {}, t("sync_title"));
  const msg = message ? notice(message.kind, message.text, message.testid) : null;
  if (!v) return fill(root, head, msg, settingsPanel());
  const s = v.status;
  const key = h("p", { class: "small muted" }, t("sync_device_key") + ": ", h("code", { class: "device-key", "data-testid": "sync-device-key" }, v.device_public_key));
  if (!s.enrolled) {
    return fill(root, head, msg, h("p", {}, t("sync_not_enrolled", { n: s.pending })), enrolForm(), key, settingsPanel());
  }
  const line = stateLine({ ...v, running: v.running || busy });
  const stateBox = notice(line.kind, line.text, "sync-state");
  stateBox.dataset.state = line.state;
  const receipt = receiptTable(s.last_receipt, "sync-receipt");
  fill(
    root,
    head,
    h("p", { class: "muted" }, t("sync_hub", { url: s.hub_url }), " · ", v.interval_secs > 0 ? t("sync_auto", { min: Math.max(1, Math.round(v.interval_secs / 60)) }) : t("sync_auto_off")),
    msg,
    stateBox,
    h(
      "div",
      { class: "tiles tiles-4" },
      tile(t("sync_pending"), s.pending, t("sync_pending_note"), "sync-pending"),
      tile(t("sync_sent"), s.sent, t("sync_sent_note"), "sync-sent"),
      tile(t("sync_acknowledged"), s.acknowledged, t("sync_acknowledged_note", { n: s.events }), "sync-acknowledged"),
      tile(t("sync_flagged"), s.flagged, t("sync_flagged_note"), "sync-flagged"),
    ),
    h("p", { "data-testid": "sync-last-success" }, t("sync_last_success") + ": ", h("strong", {}, s.last_success_at ? dmyTime(s.last_success_at) : t("sync_never"))),
    h(
      "div",
      { class: "actions" },
      h("button", { class: "primary big", id: "sync-now", "data-testid": "sync-now", disabled: busy || v.running, onclick: syncNow }, t("sync_now")),
      h("button", { "data-testid": "go-endday", onclick: () => app.go("endday") }, t("nav_endday")),
    ),
    h("h2", {}, t("sync_receipt_title")),
    receipt || h("p", { class: "muted", "data-testid": "sync-no-receipt" }, t("sync_no_receipt")),
    key,
    settingsPanel(),
  );
}

export default {
  id: "sync",
  mount(el, a) {
    root = el;
    app = a;
    onEvent("sync-changed", () => {
      if (app.screen?.id === "sync" && !busy) load();
    });
  },
  async show(params) {
    if (!params?.relabel) {
      message = null;
      settingsMessage = null;
    }
    await load(true);
    const first = document.getElementById(v?.status.enrolled ? "sync-now" : "sync-url");
    first?.focus();
  },
};
