// The inactivity lock. The window locks after the supervisor's limit (Settings, default 5
// minutes) without a key press, click, mouse move, wheel or touch: the shell drops the signed-in
// clerk (so every command refuses) and the sign-in screen asks for the PIN again.
//
// There is no "lid closed" event: a timer compares the wall clock with the last input, so a
// machine waking from sleep past the limit locks at its first tick, and a window hidden (another
// program in front, screen off) for longer than the limit locks as soon as it is shown again.

const EVENTS = ["keydown", "pointerdown", "mousemove", "wheel", "touchstart"];

let limitMs = 5 * 60 * 1000;
let last = Date.now();
let lastTick = Date.now();
let hiddenAt = null;
let timer = null;
let isActive = () => false;
/** @type {(reason: import("../types/bindings").LockReason) => void} */
let onLock = () => {};

function touch() {
  last = Date.now();
}

function tickEvery() {
  // Every 5 s, or faster for a short limit (tests, kiosks).
  return Math.max(250, Math.min(5000, Math.floor(limitMs / 3)));
}

function check() {
  const now = Date.now();
  const slept = now - lastTick > Math.max(3 * tickEvery(), 15000);
  lastTick = now;
  if (!isActive()) return;
  if (now - last >= limitMs) onLock(slept ? "sleep" : "inactivity");
}

function restartTimer() {
  if (timer) clearInterval(timer);
  timer = setInterval(check, tickEvery());
}

/** Starts watching: `active()` says whether a clerk is signed in; `lock(reason)` locks. */
export function start({ seconds, active, lock }) {
  isActive = active;
  onLock = lock;
  setLimit(seconds);
  for (const e of EVENTS) document.addEventListener(e, touch, { capture: true, passive: true });
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      hiddenAt = Date.now();
      return;
    }
    const away = hiddenAt === null ? 0 : Date.now() - hiddenAt;
    hiddenAt = null;
    if (isActive() && (away >= limitMs || Date.now() - last >= limitMs)) onLock("hidden");
  });
  restartTimer();
}

/** Changes the limit (seconds). */
export function setLimit(seconds) {
  const s = Number(seconds);
  limitMs = (Number.isFinite(s) && s > 0 ? s : 300) * 1000;
  if (timer) restartTimer();
}

/** Counts now as activity (after signing in). */
export function reset() {
  touch();
}

/** The limit in seconds. */
export function limitSeconds() {
  return limitMs / 1000;
}
