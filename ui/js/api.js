// The only way the window talks to the ledger: the shell's Tauri commands. Every failure comes
// back as { code, message_vi, message_en } and is shown as a sentence, never as a raw string.
//
// The commands, their arguments and results are declared in ../types/bindings.d.ts, generated
// from the Rust types: `call("beneficiary", { code })` is a `Promise<Card>`, and a wrong command
// name, argument or field fails `bash scripts/test ui` (tsc --checkJs).
import { currentLang, t } from "./i18n.js";

/**
 * @typedef {import("../types/bindings").ApiError} ApiError
 * @typedef {import("../types/bindings").ShellEvent} ShellEvent
 * @typedef {import("../types/window").CommandName} CommandName
 * @typedef {import("../types/window").InvokeOptions} InvokeOptions
 */

/**
 * @param {string} cmd
 * @param {unknown} args
 * @param {InvokeOptions} [options]
 */
const invoke = (cmd, args, options) => window.__TAURI__.core.invoke(cmd, args, options);

/** Listeners told when the shell says nobody is signed in (the window returns to sign-in). */
/** @type {(() => void)[]} */
const onSignedOut = [];
/** @param {() => void} f */
export function whenSignedOut(f) {
  onSignedOut.push(f);
}

/**
 * Calls a command; throws an ApiError-shaped object on failure.
 * @template {CommandName} C
 * @param {C} cmd
 * @param {import("../types/window").CallRest<C>} rest the arguments (snake_case), then Tauri's options
 * @returns {Promise<import("../types/window").ResultOf<C>>}
 */
export async function call(cmd, ...rest) {
  const [args = {}, options] = rest;
  try {
    return /** @type {import("../types/window").ResultOf<C>} */ (await invoke(cmd, args, options));
  } catch (e) {
    const err = normalise(e);
    if (err.code === "not_signed_in") for (const f of onSignedOut) f();
    throw err;
  }
}

/**
 * @param {unknown} e
 * @returns {ApiError}
 */
function normalise(e) {
  if (e && typeof e === "object" && "message_vi" in e) return /** @type {ApiError} */ (e);
  // A failure of the bridge itself (should not happen): logged, and a sentence for the clerk.
  console.error("paypoint: command failed", e);
  return { code: "internal", message_vi: t("error_generic"), message_en: t("error_generic") };
}

/**
 * The sentence of an error in the current language.
 * @param {ApiError | string | null | undefined} err
 */
export function errorText(err) {
  if (!err) return "";
  if (typeof err === "string") return err;
  return currentLang() === "en" ? err.message_en || err.message_vi : err.message_vi;
}

/**
 * Runs `f` whenever the shell emits the event `name` (e.g. "sync-changed").
 * @param {ShellEvent} name
 * @param {() => void} f
 */
export function onEvent(name, f) {
  try {
    window.__TAURI__.event.listen(name, () => f()).catch((e) => console.error("paypoint: listen", name, e));
  } catch (e) {
    console.error("paypoint: listen", name, e);
  }
}
