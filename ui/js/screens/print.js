// Print: every document as a PDF written to the app data folder, then opened in the system
// viewer or sent to the default printer. The webview's own printing is never used.
import { call, errorText } from "../api.js";
import { fill, h, moveIndex, notice } from "../dom.js";
import { t } from "../i18n.js";

/**
 * @typedef {import("../../types/bindings").DocumentKind} DocumentKind
 * @typedef {import("../../types/bindings").DocumentFile} DocumentFile
 * @typedef {import("../../types/bindings").PrintAction} PrintAction
 * @typedef {import("../../types/bindings").PrintRequest} PrintRequest
 */

/** @type {DocumentKind[]} */
const DOCS = ["sheet", "receipt", "day", "unpaid", "settlement", "notice"];
/** @type {import("../app.js").App} */
let app;
let root;
let index = 0;
/** @type {string[]} */
let villages = [];
/** @type {{ kind: "info" | "ok" | "error", text: string, testid?: string, path?: string } | null} */
let message = null;
let village = "";
let code = "";

/** @param {PrintAction} action */
async function run(action) {
  const kind = DOCS[index];
  /** @type {PrintRequest} */
  const request = { kind, action, village: kind === "sheet" || kind === "unpaid" ? village : null, code: kind === "receipt" ? code : null };
  message = { kind: "info", text: t("loading") };
  render();
  try {
    const p = await call("print_document", { request });
    message = { kind: "ok", text: `${t("print_done_" + p.done, { title: p.title, pages: p.pages })} ${t("print_saved_at", { path: p.path })}`, testid: "print-result", path: p.path };
  } catch (e) {
    message = { kind: "error", text: errorText(e), testid: "print-error" };
  }
  await render();
}

let renderSeq = 0;

async function render() {
  const my = ++renderSeq;
  /** @type {DocumentFile[]} */
  let docs = [];
  try {
    docs = await call("list_documents");
  } catch {
    docs = [];
  }
  if (my !== renderSeq) return; // a later render is on its way
  const kind = DOCS[index];
  const villageSelect = h(
    "select",
    { id: "print-village", "data-testid": "print-village", onchange: (e) => (village = e.target.value) },
    h("option", { value: "" }, t("print_all_villages")),
    villages.map((v) => h("option", { value: v, selected: v === village }, v)),
  );
  const codeInput = h("input", { id: "print-code", "data-testid": "print-code", value: code, autocomplete: "off", oninput: (e) => (code = e.target.value) });
  const msg = message ? notice(message.kind, message.text, message.testid) : null;
  if (msg && message?.path) msg.dataset.path = message.path;
  fill(
    root,
    h("h1", {}, t("print_title")),
    h("p", { class: "muted" }, t("print_intro")),
    msg,
    h(
      "div",
      { class: "two-cols" },
      h(
        "div",
        { class: "col-left" },
        h(
          "div",
          { class: "doc-list", role: "listbox", "data-testid": "doc-list" },
          DOCS.map((d, i) =>
            h(
              "label",
              { class: `doc-option${i === index ? " active" : ""}`, "data-testid": `doc-${d}` },
              h("input", {
                type: "radio",
                name: "doc",
                value: d,
                checked: i === index,
                onchange: () => {
                  index = i;
                  message = null;
                  render();
                },
              }),
              h("span", {}, h("strong", {}, t("doc_" + d)), h("div", { class: "muted small" }, t(`doc_${d}_desc`))),
            ),
          ),
        ),
      ),
      h(
        "div",
        { class: "col-right" },
        kind === "sheet" || kind === "unpaid" ? [h("label", { class: "label", for: "print-village" }, t("print_village")), villageSelect] : null,
        kind === "receipt" ? [h("label", { class: "label", for: "print-code" }, t("print_code")), codeInput] : null,
        h(
          "div",
          { class: "actions" },
          h("button", { class: "primary big", id: "print-open", "data-testid": "print-open", onclick: () => run("open") }, t("print_open")),
          h("button", { "data-testid": "print-print", onclick: () => run("print") }, t("print_print")),
          h("button", { "data-testid": "print-save", onclick: () => run("save") }, t("print_save")),
        ),
        h("h2", {}, t("print_recent")),
        docs.length
          ? h(
              "table",
              { class: "grid", "data-testid": "doc-files" },
              h(
                "tbody",
                {},
                docs.slice(0, 12).map((f) =>
                  h(
                    "tr",
                    {},
                    h("td", { class: "small" }, f.name),
                    h("td", { class: "small muted" }, f.modified),
                    h("td", {}, h("button", { class: "small", onclick: () => reopen(f.path, "open") }, t("print_reopen")), " ", h("button", { class: "small", onclick: () => reopen(f.path, "print") }, t("print_reprint"))),
                  ),
                ),
              ),
            )
          : h("p", { class: "muted" }, t("print_none")),
      ),
    ),
  );
}

/**
 * @param {string} path
 * @param {PrintAction} action
 */
async function reopen(path, action) {
  try {
    await call("open_document", { path, action });
  } catch (e) {
    message = { kind: "error", text: errorText(e), testid: "print-error" };
    render();
  }
}

export default {
  id: "print",
  mount(el, a) {
    root = el;
    app = a;
  },
  async show() {
    try {
      villages = await call("villages");
    } catch {
      villages = [];
    }
    await render();
    document.getElementById("print-open")?.focus();
  },
  onKey(e) {
    const typing = e.target.tagName === "INPUT" && e.target.type !== "radio";
    if (!typing && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      index = moveIndex(index, e.key === "ArrowDown" ? 1 : -1, DOCS.length);
      message = null;
      render().then(() => document.getElementById("print-open")?.focus());
      return true;
    }
    return false;
  },
};
