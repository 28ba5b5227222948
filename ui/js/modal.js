// One modal layer for the dialogs (pay, confirm, reverse). Esc closes it, focus stays inside.
import { h, fill } from "./dom.js";
import { t } from "./i18n.js";

/** @type {{ layer: HTMLElement, onClose?: () => void, previous: Element | null } | null} */
let current = null;

/** True while a dialog is open. */
export function isOpen() {
  return current !== null;
}

/**
 * Opens a dialog with `content` (a node). `onClose` runs when it closes by Esc or close().
 * @param {Node} content
 * @param {{ testid?: string, onClose?: () => void, wide?: boolean }} [options]
 */
export function open(content, { testid = "dialog", onClose, wide = false } = {}) {
  close();
  const layer = /** @type {HTMLElement} */ (document.getElementById("modal-layer"));
  const box = h("div", { class: `modal${wide ? " modal-wide" : ""}`, role: "dialog", "aria-modal": "true", "data-testid": testid, id: testid }, content);
  fill(layer, box);
  layer.hidden = false;
  current = { layer, onClose, previous: document.activeElement };
  /** @type {HTMLElement | null} */
  const first = box.querySelector("[autofocus], input:not([disabled]), button:not([disabled])");
  if (first) first.focus();
  return box;
}

/** Closes the dialog, returning focus where it was. */
export function close() {
  if (!current) return;
  const { layer, onClose, previous } = current;
  current = null;
  layer.hidden = true;
  layer.replaceChildren();
  if (onClose) onClose();
  if (previous && previous.isConnected) /** @type {HTMLElement} */ (previous).focus();
}

/** A yes/no question; resolves true or false. Enter answers yes, Esc no. */
export function confirm(text, { danger = false } = {}) {
  return new Promise((resolve) => {
    let answered = false;
    const answer = (v) => {
      if (answered) return;
      answered = true;
      close();
      resolve(v);
    };
    open(
      h(
        "div",
        {},
        h("p", { class: "confirm-text", "data-testid": "confirm-text" }, text),
        h(
          "div",
          { class: "actions" },
          h("button", { class: danger ? "danger" : "primary", "data-testid": "confirm-yes", autofocus: true, onclick: () => answer(true) }, t("yes")),
          h("button", { "data-testid": "confirm-no", onclick: () => answer(false) }, t("no")),
        ),
      ),
      { testid: "confirm-dialog", onClose: () => answer(false) },
    );
  });
}
