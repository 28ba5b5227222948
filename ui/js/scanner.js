// The ID card scanner. A USB 2D barcode scanner types what it reads as keystrokes, far faster than
// a person, and ends with Enter; a citizen ID card's QR text has fields separated by "|". Such a
// burst, wherever the focus is, is taken as a scan and not as typing: the characters it left in
// fields are taken back out, its Enter does nothing else, and the text goes to whoever listens
// (the payment dialog while it is open, otherwise the Pay screen). The text is never logged or
// kept: the core reads it (scan_card) and a payout records only how identity was checked.

/** Most milliseconds between two keystrokes of a scanner: a person's fastest run is slower. */
const MAX_GAP_MS = 80;
/** Fewest "|" in a card's text (six fields at least): nobody types that many into a search. */
const MIN_SEPARATORS = 5;
/** Longest burst kept (a card's text is a few hundred characters; the core refuses 1 kB). */
const MAX_BURST = 2048;

let burst = "";
let lastAt = -Infinity;
/** Each field the burst typed into, with its value before the burst. @type {Map<HTMLInputElement | HTMLTextAreaElement, string>} */
let touched = new Map();
/** @type {((text: string) => void)[]} */
const listeners = [];

/**
 * Listens for scans until the returned function is called; the latest listener gets them.
 * @param {(text: string) => void} f
 */
export function onScan(f) {
  listeners.push(f);
  return () => {
    const i = listeners.lastIndexOf(f);
    if (i >= 0) listeners.splice(i, 1);
  };
}

/** Starts watching the keyboard (once, at boot). */
export function start() {
  window.addEventListener("keydown", onKeyDown, true);
}

function reset() {
  burst = "";
  touched = new Map();
}

/** @param {KeyboardEvent} e */
function onKeyDown(e) {
  const gap = e.timeStamp - lastAt;
  lastAt = e.timeStamp;
  if (e.key === "Enter") {
    if (gap <= MAX_GAP_MS && burst.split("|").length - 1 >= MIN_SEPARATORS) {
      e.preventDefault();
      e.stopImmediatePropagation();
      const text = burst;
      takeBack();
      reset();
      listeners.at(-1)?.(text);
      return;
    }
    reset();
    return;
  }
  const printable = [...e.key].length <= 2 && !/^F\d+$/.test(e.key) && !e.ctrlKey && !e.altKey && !e.metaKey;
  if (!printable) {
    if (e.key !== "Shift") reset();
    return;
  }
  if (gap > MAX_GAP_MS || burst.length >= MAX_BURST) reset();
  const field = /** @type {HTMLElement} */ (e.target);
  const typing = field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement;
  if (typing && !touched.has(field)) touched.set(field, field.value);
  // A space inside a burst would press the focused button (the payment dialog's "confirm", the
  // card's "pay"): a scanner never means that; a person's Space, slower, still does.
  if (e.key === " " && !typing && gap <= MAX_GAP_MS) e.preventDefault();
  burst += e.key;
}

/** Puts back what the fields held before the burst, and tells them (a search re-runs). */
function takeBack() {
  for (const [field, value] of touched) {
    if (field.value === value) continue;
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }
}
