// The window: boot, sign-in gate, header, navigation, global keys. Each screen is a module with
// { id, nav, key, mount(root), show(), onKey(e) }.
import { call, errorText, whenSignedOut } from "./api.js";
import { $, $$, fill, h, monthYear } from "./dom.js";
import { applyI18n, currentLang, setLang, t } from "./i18n.js";
import * as modal from "./modal.js";
import * as idle from "./idle.js";
import * as scanner from "./scanner.js";
import signin from "./screens/signin.js";
import unlock from "./screens/unlock.js";
import today from "./screens/today.js";
import pay from "./screens/pay.js";
import home from "./screens/home.js";
import stop from "./screens/stop.js";
import cash from "./screens/cash.js";
import roll from "./screens/roll.js";
import print from "./screens/print.js";
import journal from "./screens/journal.js";
import policy from "./screens/policy.js";
import sync from "./screens/sync.js";
import endday from "./screens/endday.js";

// Alt+1 … Alt+9, Alt+0 for the first ten; End of day is reached from Today, Sync or the list.
const screens = [today, pay, home, stop, cash, roll, print, journal, policy, sync, endday];
const all = [signin, unlock, ...screens];
/** Screens shown without a clerk signed in. */
const openScreens = new Set([signin, unlock]);
/** Screens built in the previous language, relabelled when next shown. */
const stale = new Set();
/**
 * @typedef {import("../types/bindings").AppInfo} AppInfo
 * @typedef {import("../types/bindings").Clerk} Clerk
 * @typedef {import("../types/bindings").LockReason} LockReason
 * @typedef {{ relabel?: boolean, [key: string]: unknown }} ShowParams
 * @typedef {{
 *   id: string,
 *   mount(el: HTMLElement, app: App): void,
 *   show(params?: ShowParams): unknown,
 *   onKey?(e: KeyboardEvent): boolean | undefined,
 * }} Screen
 * @typedef {{
 *   info: AppInfo | null, clerk: Clerk | null, screen: Screen | null, lockedNotice: boolean,
 *   go: typeof go, refreshHeader: typeof refreshHeader, setInfo: typeof setInfo, reload: typeof reload,
 *   lockNow: typeof lockNow, setLockSeconds: typeof idle.setLimit,
 * }} App
 */

/** @type {App} */
export const app = { info: null, clerk: null, screen: null, lockedNotice: false, go, refreshHeader, setInfo, reload, lockNow, setLockSeconds: idle.setLimit };

window.__perf = { boot: performance.now(), searchTimings: [] };
// Errors of the page itself, kept for the end-to-end tests (which fail on any).
window.__errors = [];
window.addEventListener("error", (e) => window.__errors.push(String(e.message)));
window.addEventListener("unhandledrejection", (e) => window.__errors.push(String(e.reason?.message_vi || e.reason?.message || e.reason)));

/** @param {AppInfo} info */
function setInfo(info) {
  app.info = info;
  app.clerk = info.signed_in;
}

async function boot() {
  document.documentElement.lang = currentLang();
  applyI18n(document);
  for (const s of all) s.mount(document.getElementById(`screen-${s.id}`), app);
  buildNav();
  /** @type {AppInfo} */
  let info;
  try {
    info = await call("app_info");
  } catch (e) {
    return showStartupError(e);
  }
  setInfo(info);
  if (info.startup_error) return showStartupError(info.startup_error);
  whenSignedOut(() => {
    app.clerk = null;
    go("signin");
  });
  document.addEventListener("keydown", onKey, true);
  // A card scanned anywhere but in a payment dialog is read on the Pay screen.
  scanner.start();
  scanner.onScan((text) => {
    if (!app.clerk) return;
    if (app.screen !== pay) go("pay");
    pay.scan(text);
  });
  $("#lang-switch").addEventListener("click", toggleLang);
  $("#sign-out").addEventListener("click", signOut);
  let seconds = 300;
  try {
    seconds = (await call("settings_get")).lock_seconds;
  } catch {
    /* the default limit stays */
  }
  idle.start({ seconds, active: () => !!app.clerk, lock: lockNow });
  showProtection();
  go(info.ledger_locked ? "unlock" : app.clerk ? "pay" : "signin");
}

/** After the ledger was unlocked: read the pay point and the clerks, then sign in. */
async function reload() {
  /** @type {AppInfo} */
  let info;
  try {
    info = await call("app_info");
  } catch (e) {
    return showStartupError(e);
  }
  setInfo(info);
  if (info.startup_error) return showStartupError(info.startup_error);
  showProtection();
  go(info.ledger_locked ? "unlock" : app.clerk ? "pay" : "signin");
}

/** A plain ledger from before encryption: a banner asks the supervisor to encrypt it. */
function showProtection() {
  const plain = app.info?.protection === "plain";
  const box = $("#plain-banner");
  if (plain) fill(box, h("strong", {}, t("plain_banner_title")), " ", t("plain_banner", { path: /** @type {AppInfo} */ (app.info).ledger_path }));
  box.hidden = !plain;
}

/** Locks the window: the shell forgets the clerk, the sign-in screen asks for the PIN again. */
/** @param {LockReason} reason */
async function lockNow(reason) {
  if (!app.clerk) return;
  app.clerk = null;
  app.lockedNotice = true;
  try {
    await call("lock_session", { reason });
  } catch {
    /* the shell refuses every command without a clerk anyway once signed out */
  }
  go("signin");
}

/** @param {import("../types/bindings").ApiError} err */
function showStartupError(err) {
  const box = $("#startup-error");
  fill(box, h("h1", {}, t("startup_error_title")), h("p", { "data-testid": "startup-error" }, errorText(err)));
  box.hidden = false;
  $("main").hidden = true;
}

function buildNav() {
  const nav = $("#nav");
  fill(
    nav,
    screens.map((s, i) =>
      h(
        "button",
        { class: "nav-item", id: `nav-${s.id}`, "data-screen": s.id, "data-testid": `nav-${s.id}`, onclick: () => go(s.id) },
        i < 10 ? h("span", { class: "nav-key", title: `Alt+${(i + 1) % 10}` }, String((i + 1) % 10)) : h("span", { class: "nav-key nav-key-none" }, "·"),
        h("span", { "data-i18n": `nav_${s.id}` }, t(`nav_${s.id}`)),
      ),
    ),
  );
}

/**
 * Shows a screen.
 * @param {string} id
 * @param {ShowParams} [params]
 */
function go(id, params) {
  if (app.info?.ledger_locked) id = "unlock";
  else if (id === "unlock") id = "signin";
  if (id !== "signin" && id !== "unlock" && !app.clerk) id = "signin";
  modal.close();
  const target = all.find((s) => s.id === id) || pay;
  for (const s of all) /** @type {HTMLElement} */ (document.getElementById(`screen-${s.id}`)).hidden = s !== target;
  app.screen = target;
  const signedIn = !openScreens.has(target);
  $("#topbar").hidden = false;
  $("#nav").hidden = !signedIn;
  $("#sign-out").hidden = !signedIn;
  for (const b of $$(".nav-item")) b.classList.toggle("active", b.dataset.screen === target.id);
  document.body.dataset.screen = target.id;
  refreshHeader();
  target.show(stale.delete(target) ? { ...params, relabel: true } : params);
}

function refreshHeader() {
  const info = /** @type {Partial<AppInfo>} */ (app.info || {});
  $("#pp-name").textContent = info.pay_point_name || "";
  $("#pp-period").textContent = info.ledger_locked ? "" : info.period ? t("period_label", { period: monthYear(info.period) }) : t("no_period");
  $("#demo-badge").hidden = !info.demo;
  $("#clerk-name").textContent = app.clerk ? t("signed_in_as", { name: app.clerk.name }) : "";
}

function toggleLang() {
  setLang(currentLang() === "vi" ? "en" : "vi");
  for (const s of all) if (s !== app.screen) stale.add(s);
  buildNav();
  for (const b of $$(".nav-item")) b.classList.toggle("active", b.dataset.screen === app.screen?.id);
  refreshHeader();
  app.screen?.show({ relabel: true });
}

async function signOut() {
  try {
    await call("sign_out");
  } catch {
    /* signing out cannot fail in a way the clerk must act on */
  }
  app.clerk = null;
  app.lockedNotice = false;
  go("signin");
}

/** @param {KeyboardEvent} e */
function onKey(e) {
  if (e.altKey && !e.ctrlKey && (e.key === "l" || e.key === "L")) {
    e.preventDefault();
    return toggleLang();
  }
  if (modal.isOpen()) {
    if (e.key === "Escape") {
      e.preventDefault();
      modal.close();
    }
    return;
  }
  if (app.clerk && e.altKey && !e.ctrlKey && /^[0-9]$/.test(e.key)) {
    const i = e.key === "0" ? 9 : Number(e.key) - 1;
    if (screens[i]) {
      e.preventDefault();
      go(screens[i].id);
    }
    return;
  }
  if (app.screen?.onKey?.(e)) return;
  if (e.key === "Escape" && app.clerk && app.screen !== pay) {
    e.preventDefault();
    go("pay");
  }
}

boot();
