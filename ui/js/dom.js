// Small DOM helpers. Text always goes in through textContent: names from a roll file are data,
// never markup.
import { t } from "./i18n.js";

/**
 * A child of `h` and `fill`: a node, text, a number, nothing (skipped), or a list of them.
 * @typedef {Node | string | number | boolean | null | undefined | ChildList} Child
 * @typedef {Child[]} ChildList
 */

/**
 * h("div", {class: "x", onclick: f}, child, "text", …)
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [attrs]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "dataset") Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, "");
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {Child[]} children
 */
function append(el, children) {
  for (const c of /** @type {any[]} */ (children).flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/**
 * Replaces the children of `el`.
 * @template {Element} E
 * @param {E} el
 * @param {...Child} children
 * @returns {E}
 */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * The element the selector names, in the window's own markup. Untyped on purpose (`any`): the
 * elements are the page's, their kinds known where they are made; the typed contract is the
 * shell's commands (../types/bindings.d.ts).
 * @type {(sel: string, root?: ParentNode) => any}
 */
export const $ = (sel, root = document) => root.querySelector(sel);
/** @type {(sel: string, root?: ParentNode) => HTMLElement[]} */
export const $$ = (sel, root = document) => [.../** @type {NodeListOf<HTMLElement>} */ (root.querySelectorAll(sel))];

/**
 * 1624000 → "1.624.000" (as on Vietnamese paper).
 * @param {number | string | null | undefined} n
 */
export function money(n) {
  const v = Number(n) || 0;
  const s = Math.abs(Math.trunc(v)).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return (v < 0 ? "-" : "") + s;
}

/**
 * "1.624.000", "1624000", "1 624 000 đ" → 1624000, or NaN.
 * @param {string | null | undefined} s
 */
export function parseMoney(s) {
  const d = String(s ?? "").replace(/[.\s,\u00a0]|đ|đồng/g, "");
  return /^\d+$/.test(d) ? Number(d) : NaN;
}

/**
 * "2026-12-05…" → "05/12/2026".
 * @param {string | null | undefined} iso
 */
export function dmy(iso) {
  if (!iso) return "";
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : iso;
}

/**
 * "2026-12-05T09:31:02.123+07:00" → "05/12/2026 09:31".
 * @param {string | null | undefined} iso
 */
export function dmyTime(iso) {
  if (!iso) return "";
  return `${dmy(iso)} ${iso.slice(11, 16)}`;
}

/**
 * "2026-12" → "12/2026".
 * @param {string | null | undefined} p
 */
export function monthYear(p) {
  const m = /^(\d{4})-(\d{2})$/.exec(p || "");
  return m ? `${m[2]}/${m[1]}` : p || "";
}

/**
 * A status badge.
 * @param {import("../types/bindings").PayStatus} status
 */
export function statusBadge(status) {
  return h("span", { class: `badge status-${status}`, "data-status": status }, t(`status_${status}`));
}

/**
 * A message box (info, ok, warn, error) with a test id.
 * @param {"info" | "ok" | "warn" | "error"} kind
 * @param {string} text
 * @param {string} [testid]
 */
export function notice(kind, text, testid) {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": testid }, text);
}

/**
 * Moves a highlighted row in a list with ↑/↓; returns the new index.
 * @param {number} index
 * @param {number} delta
 * @param {number} length
 */
export function moveIndex(index, delta, length) {
  if (length === 0) return -1;
  if (index < 0) return delta > 0 ? 0 : length - 1;
  return Math.max(0, Math.min(length - 1, index + delta));
}
