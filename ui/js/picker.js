// The search field with its live result list: accent-insensitive, updates on every keystroke
// (no debounce: the core answers in about a millisecond), ↑/↓ to move, Enter to choose. Stale
// answers (a slower reply to an earlier keystroke) are dropped.
import { call, errorText } from "./api.js";
import { fill, h, money, moveIndex, notice, statusBadge } from "./dom.js";
import { t } from "./i18n.js";

export const LIMIT = 50;

/** @typedef {import("../types/bindings").SearchHit} SearchHit */

/**
 * Builds a picker. `onChoose(hit)` runs on Enter or click. Returns { el, input, focus(), refresh() }.
 * @param {{ id: string, label: string, placeholder: string, onChoose: (hit: SearchHit) => void, measure?: boolean }} options
 */
export function picker({ id, label, placeholder, onChoose, measure = false }) {
  /** @type {SearchHit[]} */
  let hits = [];
  let index = -1;
  let seq = 0;
  let lastQuery = "";
  const input = h("input", {
    id: `${id}-search`,
    class: "search",
    type: "search",
    autocomplete: "off",
    spellcheck: "false",
    placeholder,
    "data-testid": `${id}-search`,
  });
  const count = h("div", { class: "muted result-count", "data-testid": `${id}-count` });
  const list = h("ol", { class: "results", id: `${id}-results`, role: "listbox", "data-testid": `${id}-results` });
  const el = h("div", { class: "picker" }, h("label", { class: "label", for: `${id}-search` }, label), input, count, list);

  function render() {
    fill(
      list,
      hits.map((hit, i) =>
        h(
          "li",
          {
            class: `result${i === index ? " active" : ""}`,
            role: "option",
            "aria-selected": i === index ? "true" : "false",
            "data-code": hit.code,
            "data-testid": "result",
            onclick: () => {
              index = i;
              render();
              onChoose(hit);
            },
          },
          h("div", { class: "result-main" }, h("span", { class: "result-name" }, hit.name), statusBadge(hit.status)),
          h(
            "div",
            { class: "result-sub" },
            `${hit.code} · ${hit.village}${hit.birth_year ? " · " + hit.birth_year : ""}${hit.home_delivery ? " · " + t("card_home") : ""}`,
            h("span", { class: "result-amount" }, `${money(hit.due)} đ`),
          ),
        ),
      ),
    );
    const q = input.value.trim();
    if (hits.length === 0 && q) count.textContent = t("pay_no_results", { q });
    else if (hits.length >= LIMIT) count.textContent = `${t("pay_results_more", { n: hits.length })} · ${t("pay_choose_hint")}`;
    else count.textContent = `${t("pay_results", { n: hits.length })} · ${t("pay_choose_hint")}`;
    list.querySelector(".active")?.scrollIntoView({ block: "nearest" });
  }

  /** @param {Event} [e] */
  async function refresh(e) {
    // From the keystroke's own event time when there is one (includes any queueing before this
    // handler ran), else from now.
    const t0 = e && e.timeStamp > 0 && e.timeStamp <= performance.now() ? e.timeStamp : performance.now();
    const my = ++seq;
    const q = input.value;
    try {
      const got = await call("search", { query: q, limit: LIMIT });
      if (my !== seq) return; // a later keystroke already asked
      hits = got;
      if (q !== lastQuery) index = hits.length ? 0 : -1;
      lastQuery = q;
      render();
      if (measure) {
        const dom = performance.now() - t0;
        requestAnimationFrame(() => {
          window.__perf.searchTimings.push({ query: q, dom, frame: performance.now() - t0, hits: hits.length });
        });
      }
    } catch (e) {
      if (my !== seq) return;
      fill(list, h("li", {}, notice("error", errorText(e), `${id}-error`)));
    }
  }

  input.addEventListener("input", refresh);
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      index = moveIndex(index, e.key === "ArrowDown" ? 1 : -1, hits.length);
      render();
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (index >= 0 && hits[index]) onChoose(hits[index]);
    }
  });

  return {
    el,
    input,
    focus() {
      input.focus();
      input.select();
    },
    refresh,
    relabel() {
      render();
    },
  };
}
