// The only way the window talks to the ledger: the shell's Tauri commands. Every failure comes
// back as { code, message_vi, message_en } and is shown as a sentence, never as a raw string.
import { currentLang, t } from "./i18n.js";

const invoke = (...args) => window.__TAURI__.core.invoke(...args);

/** Listeners told when the shell says nobody is signed in (the window returns to sign-in). */
const onSignedOut = [];
export function whenSignedOut(f) {
  onSignedOut.push(f);
}

/** Calls a command; throws an ApiError-shaped object on failure. */
export async function call(cmd, args = {}, options) {
  try {
    return await invoke(cmd, args, options);
  } catch (e) {
    const err = normalise(e);
    if (err.code === "not_signed_in") for (const f of onSignedOut) f();
    throw err;
  }
}

function normalise(e) {
  if (e && typeof e === "object" && "message_vi" in e) return e;
  // A failure of the bridge itself (should not happen): logged, and a sentence for the clerk.
  console.error("paypoint: command failed", e);
  return { code: "internal", message_vi: t("error_generic"), message_en: t("error_generic") };
}

/** The sentence of an error in the current language. */
export function errorText(err) {
  if (!err) return "";
  if (typeof err === "string") return err;
  return currentLang() === "en" ? err.message_en || err.message_vi : err.message_vi;
}

/** Runs `f` whenever the shell emits the event `name` (e.g. "sync-changed"). */
export function onEvent(name, f) {
  try {
    window.__TAURI__.event.listen(name, () => f()).catch((e) => console.error("paypoint: listen", name, e));
  } catch (e) {
    console.error("paypoint: listen", name, e);
  }
}
