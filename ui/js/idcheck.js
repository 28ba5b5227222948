// How the clerk checked the identity of whoever takes the money, in the payment dialog: a scanned
// ID card (matched with the roll, or differing, in words, with a note), or the card looked at (the
// number typed if the clerk wants), or no paper with the reason. The payout records which; the
// core decides what each needs (a note, a supervisor) and says so.
import { h, fill, notice } from "./dom.js";
import { t } from "./i18n.js";

/**
 * @typedef {import("../types/bindings").Scan} Scan
 * @typedef {import("../types/bindings").Holder} Holder
 * @typedef {import("../types/bindings").IdCardQr} IdCardQr
 * @typedef {import("../types/bindings").IdCheckIn} IdCheckIn
 * @typedef {{ differed: Holder["differed"], expectedName: string, expectedBirthYear: number | null, fresh?: boolean }} Against
 * @typedef {{ text: string, card: IdCardQr } & Against} Scanned
 */

/**
 * A scanned card against the person the roll expects, in words: matched, or each field that
 * differs; for a new proxy (`fresh`, on no roll) only what was read.
 * @param {IdCardQr} card
 * @param {Against} against
 */
export function scanWords(card, against) {
  const last4 = card.id_number.slice(-4);
  const head = t("scan_read", { name: card.name, last4 });
  if (against.fresh && !against.differed.length) return notice("info", `${head} ${t("scan_fresh")}`, "scan-fresh");
  if (!against.differed.length) return notice("ok", `${head} ${t("scan_matches")}`, "scan-matches");
  const lines = against.differed.map((f) => {
    if (f === "name") return t("scan_diff_name", { card: card.name, roll: against.expectedName });
    if (f === "birth_year") return t("scan_diff_birth", { card: card.birth_date.slice(0, 4), roll: against.expectedBirthYear ?? "—" });
    if (f === "sex") return t("scan_diff_sex", { card: card.sex === "F" ? t("sex_female") : t("sex_male") });
    return t("scan_diff_id", { last4 });
  });
  const box = h("div", { class: "notice notice-warn", role: "status", "data-testid": "scan-mismatch" }, h("div", {}, head), lines.map((l) => h("div", { class: "scan-diff" }, l)));
  box.dataset.fields = against.differed.join(",");
  return box;
}

/**
 * The identity section of the dialog. `set(scanned)` shows a scan (or, with null, the choices
 * when nothing was scanned); `value()` is what the payout records.
 */
export function idCheckFields() {
  /** @type {Scanned | null} */
  let scanned = null;
  const box = h("div", { class: "id-check", "data-testid": "id-check" });
  const note = h("input", { id: "id-note", "data-testid": "id-note", autocomplete: "off", placeholder: t("id_note_hint") });
  const manualNumber = h("input", { id: "id-manual-number", "data-testid": "id-manual-number", autocomplete: "off", inputmode: "numeric", placeholder: t("id_manual_hint") });
  const reason = h("input", { id: "id-none-reason", "data-testid": "id-none-reason", autocomplete: "off", placeholder: t("id_none_hint") });
  /** @type {(value: string, label: string, checked: boolean) => HTMLLabelElement} */
  const radio = (value, label, checked) =>
    h("label", { class: "radio" }, h("input", { type: "radio", name: "id-method", value, "data-testid": `id-${value}`, checked }), " ", label);
  const manual = radio("manual", t("id_manual"), true);
  const none = radio("none", t("id_none"), false);
  const method = () => /** @type {HTMLInputElement | null} */ (box.querySelector('input[name="id-method"]:checked'))?.value || "manual";

  function render() {
    if (scanned) {
      fill(box, h("h3", {}, t("id_title")), scanWords(scanned.card, scanned), scanned.differed.length ? [h("label", { class: "label", for: "id-note" }, t("id_note")), note] : null);
      box.dataset.method = scanned.differed.length ? "qr_mismatch" : "qr";
      return;
    }
    fill(box, h("h3", {}, t("id_title")), h("div", { class: "muted small" }, t("id_scan_hint")), manual, manualNumber, none, reason);
    box.dataset.method = "";
  }
  render();
  return {
    box,
    /** @param {Scanned | null} s */
    set(s) {
      scanned = s;
      note.value = "";
      render();
    },
    /** @returns {Scanned | null} */
    scanned: () => scanned,
    /** True when the card carries another ID number than the roll's: a supervisor must approve. */
    needsSupervisor: () => !!scanned?.differed.includes("id_number"),
    /** @returns {IdCheckIn} */
    value() {
      if (scanned) return { method: "qr", text: scanned.text, note: note.value || null };
      if (method() === "none") return { method: "none", reason: reason.value };
      return { method: "manual", id_number: manualNumber.value.trim() || null };
    },
  };
}
