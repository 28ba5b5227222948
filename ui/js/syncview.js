// Pieces shared by the Sync screen and the end-of-day flow: the hub's signed receipt (proof of
// delivery) and the sentence for where the exchange stands.
import { dmyTime, h } from "./dom.js";
import { t } from "./i18n.js";

/**
 * The last receipt the hub signed, as a small table, or null when there is none.
 * @param {any} signed the signed receipt as the hub sent it (JSON)
 * @param {string} testid
 */
export function receiptTable(signed, testid) {
  const r = signed?.body;
  if (!r) return null;
  const row = (label, value, id) => h("tr", {}, h("th", {}, label), h("td", { "data-testid": id ? `${testid}-${id}` : null }, value));
  return h(
    "table",
    { class: "grid summary receipt", "data-testid": testid, "data-batch": r.batch_id, "data-through": String(r.accepted_through) },
    h(
      "tbody",
      {},
      row(t("sync_receipt_id"), r.batch_id, "id"),
      row(t("sync_receipt_time"), dmyTime(r.received_at), "time"),
      row(t("sync_receipt_through"), String(r.accepted_through), "through"),
      row(t("sync_receipt_new"), t("sync_receipt_counts", { n: r.new_events, dup: r.duplicate_events }), "counts"),
      row(t("sync_receipt_flags"), String((r.flags || []).length), "flags"),
    ),
  );
}

/**
 * The state of the exchange in words: running, never tried, ok, or not reached (and when).
 * @param {import("../types/bindings").SyncView} v
 * @returns {{ state: string, kind: "info" | "ok" | "warn" | "error", text: string }}
 */
export function stateLine(v) {
  const a = v.last_attempt;
  if (v.running) return { state: "running", kind: "info", text: t("sync_state_running") };
  if (!a) {
    if (v.status.last_error) return { state: "error", kind: "warn", text: t("sync_state_prev_error", { error: v.status.last_error }) };
    return { state: "idle", kind: "info", text: v.status.last_success_at ? t("sync_state_idle_since", { time: dmyTime(v.status.last_success_at) }) : t("sync_state_never") };
  }
  const when = dmyTime(a.at);
  if (a.ok) return { state: "ok", kind: "ok", text: t("sync_state_ok", { time: when, n: a.events_acknowledged }) };
  if (a.offline) return { state: "offline", kind: "warn", text: t("sync_state_offline", { time: when }) };
  return { state: "error", kind: "error", text: t("sync_state_error", { time: when }) };
}
