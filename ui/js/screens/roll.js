// Roll: choose the managing office's file, preview it (nothing written; problems listed with row and
// column), load it, and see the versions of the period's roll; below them, the two devices of the
// pay point (handover.js).
import { call, errorText } from "../api.js";
import { dmyTime, fill, h, money, moveIndex, notice } from "../dom.js";
import { t } from "../i18n.js";
import { handoverSection } from "../handover.js";

/**
 * @typedef {import("../../types/bindings").RollFile} RollFile
 * @typedef {import("../../types/bindings").Preview} Preview
 * @typedef {import("../../types/bindings").ImportEncoding} ImportEncoding
 * @typedef {import("../../types/bindings").ApiError} ApiError
 */

/** @type {import("../app.js").App} */
let app;
let root;
/** @type {RollFile[]} */
let files = [];
let fileIndex = -1;
/** @type {Preview | null} */
let preview = null;
let result = null; // { kind, node }
let pathInput, periodInput, encSelect, previewBox, filesBox, versionsBox, fileInput, leftCol, handoverBox;

function currentMonth() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}`;
}

/** @returns {{ path: string, period: string, encoding: ImportEncoding }} */
function args() {
  return { path: pathInput.value, period: periodInput.value, encoding: encSelect.value };
}

async function doPreview() {
  preview = null;
  fill(previewBox, h("p", { class: "muted" }, t("loading")));
  try {
    preview = await call("import_preview", args());
    renderPreview();
  } catch (e) {
    renderError(e);
  }
}

/** @param {ApiError} e */
function renderError(e) {
  const problems = e.problems || [];
  fill(
    previewBox,
    notice("error", errorText(e), "roll-error"),
    problems.length
      ? h(
          "table",
          { class: "grid problems", "data-testid": "roll-problems" },
          h("caption", {}, t("roll_problems")),
          h("thead", {}, h("tr", {}, h("th", {}, t("roll_col_sheet")), h("th", {}, t("roll_col_row")), h("th", {}, t("roll_col_col")), h("th", {}, t("roll_col_field")), h("th", {}, t("roll_col_message")))),
          h(
            "tbody",
            {},
            problems.map((p) =>
              h("tr", { "data-testid": "roll-problem" }, h("td", {}, p.sheet ?? ""), h("td", { "data-testid": "problem-row" }, p.row ?? ""), h("td", { "data-testid": "problem-column" }, p.column ?? ""), h("td", {}, p.field ?? ""), h("td", {}, p.message)),
            ),
          ),
        )
      : null,
  );
}

function renderPreview() {
  const p = /** @type {Preview} */ (preview);
  fill(
    previewBox,
    notice("ok", t("roll_preview_ok", { file: p.file, n: p.beneficiaries, lines: p.lines, total: money(p.total), enc: t("enc_" + p.encoding) }), "roll-preview"),
    p.warnings.map((w) => notice("warn", w, "roll-warning")),
    p.loaded_version ? notice("warn", t("roll_will_amend", { period: p.period, v: p.loaded_version })) : null,
    h("p", { class: "muted" }, t("roll_preview_note")),
    h("div", { class: "actions" }, h("button", { class: "primary big", "data-testid": "roll-apply", onclick: apply }, t("roll_apply"))),
  );
}

async function apply() {
  try {
    const c = await call("import_apply", args());
    const lines = [
      c.outcome === "unchanged"
        ? t("roll_unchanged", { v: c.version })
        : t("roll_applied", { period: c.period, v: c.version, people: c.added_beneficiaries, added: c.added_lines, removed: c.removed_lines }),
      ...c.conflicts.map((k) => t("roll_conflict", { name: k.name, code: k.code, paid: money(k.paid_amount), now: k.new_amount === null ? "—" : money(k.new_amount) + " đ" })),
      ...c.detail_changes,
    ];
    fill(previewBox, lines.map((l, i) => notice(i === 0 ? "ok" : "warn", l, i === 0 ? "roll-applied" : undefined)));
    app.setInfo(await call("app_info"));
    app.refreshHeader();
    loadVersions();
  } catch (e) {
    renderError(e);
  }
}

function renderFiles() {
  if (!files.length) return fill(filesBox, h("p", { class: "muted" }, t("roll_no_recent")));
  fill(
    filesBox,
    h(
      "ol",
      { class: "results files", "data-testid": "roll-files" },
      files.map((f, i) =>
        h(
          "li",
          {
            class: `result${i === fileIndex ? " active" : ""}`,
            "data-testid": "roll-file",
            onclick: () => {
              fileIndex = i;
              pathInput.value = f.path;
              renderFiles();
              doPreview();
            },
          },
          h("div", { class: "result-main" }, h("span", { class: "result-name" }, f.name)),
          h("div", { class: "result-sub" }, `${f.folder} · ${f.modified}`),
        ),
      ),
    ),
  );
}

async function loadVersions() {
  try {
    const v = await call("roll_versions");
    fill(
      versionsBox,
      h("h2", {}, t("roll_versions")),
      v.length
        ? h(
            "table",
            { class: "grid", "data-testid": "roll-versions" },
            h("thead", {}, h("tr", {}, h("th", {}, t("roll_col_version")), h("th", {}, t("roll_col_source")), h("th", {}, t("roll_col_origin")), h("th", {}, t("roll_col_loaded")))),
            h("tbody", {}, v.map((r) => h("tr", {}, h("td", {}, `${r.period} · ${r.version}`), h("td", {}, r.source), h("td", { "data-testid": "roll-origin" }, t("roll_origin_" + r.origin)), h("td", {}, dmyTime(r.loaded_at))))),
          )
        : h("p", { class: "muted" }, t("roll_no_versions")),
    );
  } catch (e) {
    fill(versionsBox, notice("error", errorText(e)));
  }
}

async function upload(file) {
  try {
    const buf = new Uint8Array(await file.arrayBuffer());
    const path = await call("upload_roll_file", buf, { headers: { "x-file-name": encodeURIComponent(file.name) } });
    pathInput.value = path;
    doPreview();
  } catch (e) {
    renderError(e);
  }
}

export default {
  id: "roll",
  mount(el, a) {
    root = el;
    app = a;
    pathInput = h("input", { id: "roll-path", "data-testid": "roll-path", autocomplete: "off", spellcheck: "false" });
    periodInput = h("input", { id: "roll-period", "data-testid": "roll-period", autocomplete: "off", value: app.info?.period || currentMonth() });
    encSelect = h("select", { id: "roll-encoding", "data-testid": "roll-encoding" }, ["auto", "unicode", "tcvn3", "vni"].map((e) => h("option", { value: e }, t("enc_" + e))));
    fileInput = h("input", { type: "file", accept: ".xlsx,.xls,.xlsm,.ods,.csv", hidden: true, onchange: () => fileInput.files[0] && upload(fileInput.files[0]) });
    previewBox = h("div", { class: "preview-box", "data-testid": "roll-result" });
    filesBox = h("div", {});
    versionsBox = h("div", {});
    for (const inp of [pathInput, periodInput]) {
      inp.addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          doPreview();
        } else if ((e.key === "ArrowDown" || e.key === "ArrowUp") && inp === pathInput && files.length) {
          e.preventDefault();
          fileIndex = moveIndex(fileIndex, e.key === "ArrowDown" ? 1 : -1, files.length);
          pathInput.value = files[fileIndex].path;
          renderFiles();
        }
      });
    }
    fill(
      root,
      h("h1", {}, t("roll_title")),
      h(
        "div",
        { class: "two-cols" },
        (leftCol = h(
          "div",
          { class: "col-left" },
          h("div", { class: "form-row" }, h("div", {}, h("label", { class: "label", for: "roll-period" }, t("roll_period")), periodInput), h("div", {}, h("label", { class: "label", for: "roll-encoding" }, t("roll_encoding")), encSelect)),
          h("label", { class: "label", for: "roll-path" }, t("roll_path")),
          pathInput,
          h("div", { class: "actions" }, h("button", { class: "primary", "data-testid": "roll-preview-button", onclick: doPreview }, t("roll_preview")), h("button", { "data-testid": "roll-choose", onclick: () => fileInput.click() }, t("roll_choose_file")), fileInput),
          h("h3", {}, t("roll_recent")),
          filesBox,
        )),
        h("div", { class: "col-right" }, previewBox, versionsBox, (handoverBox = h("div", { class: "handover", "data-testid": "handover" }))),
      ),
    );
  },
  async show(params) {
    if (params?.relabel) this.mount(root, app);
    // Once the device is enrolled, the roll comes only from the hub, signed by the managing
    // office (the core refuses a file too): no file form, only the versions.
    let enrolled = false;
    try {
      enrolled = (await call("sync_status")).status.enrolled;
    } catch {
      enrolled = false;
    }
    handoverSection(handoverBox, app);
    if (enrolled) {
      fill(leftCol, notice("warn", t("roll_from_hub_only"), "roll-from-hub"));
      loadVersions();
      return;
    }
    try {
      files = await call("list_roll_files");
    } catch {
      files = [];
    }
    renderFiles();
    loadVersions();
    pathInput.focus();
  },
};
