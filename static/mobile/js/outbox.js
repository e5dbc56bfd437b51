/* The outbox: sending it (now, on a timer after a back-off, or when the connection returns), reading it back from
 * the tablet's storage, and its screen (waiting, refused, unfinished inspections, sent lately) with retry and
 * discard.
 */
import * as store from "./db.js";
import { runSync, nextAttemptAt } from "./sync.js";
import { byOutboxOrder, isHeld, Status, TASK_MOVE } from "./queue.js";
import { probeSession } from "./api.js";
import { h, fill, replace, icon, formatBytes, formatTime, localDate, toast, confirmDialog, plural } from "./ui.js";
import { config, lang, state, t } from "./state.js";
import { drawMapData } from "./map.js";
import { renderCurrent } from "./router.js";
import { registerBackgroundSync, setAuthRequired, updateBanner, updateNetwork } from "./shell.js";

const body = document.body;

export async function requestSync({ force = false, manual = false } = {}) {
  if (state.authRequired && manual) {
    // Perhaps the person signed in again in another tab.
    const session = await probeSession(config.urls.session);
    if (session && session.authenticated && session.user.id === config.user.id) {
      await store.setMeta("csrf", session.csrfToken);
      setAuthRequired(false);
    }
  }
  if (state.authRequired) return;
  if (!navigator.onLine) {
    // No timer while the browser knows it is offline: the "online" event (or Background Sync) wakes the sync.
    clearTimeout(state.syncTimer);
    if (manual) toast(t.offlineWillSend, "warn");
    await registerBackgroundSync();
    return;
  }
  state.syncing = true;
  updateNetwork();
  let summary;
  try {
    summary = await runSync({ force: force || manual, source: "page" });
  } finally {
    state.syncing = false;
    updateNetwork();
  }
  if (summary && summary.busy) {
    setTimeout(() => refreshOutbox(), 1500);
  }
  if (summary && summary.authRequired) setAuthRequired(true);
  if (summary && summary.offline) await registerBackgroundSync();
  if (summary && manual && !summary.busy) {
    if (summary.offline) toast(t.offlineWillSend, "warn");
    else if (summary.refused) toast(plural(t.someRefused, summary.refused, lang), "warn");
    else if (summary.sent) toast(plural(t.sentCount, summary.sent, lang), "ok");
  } else if (state.board && summary && summary.refused) {
    toast(plural(t.someRefused, summary.refused, lang), "warn");
  }
  await refreshOutbox();
  if (state.board && summary && (summary.sent || summary.refused)) await state.board.refresh();
  schedule();
}

async function schedule() {
  clearTimeout(state.syncTimer);
  const next = await nextAttemptAt();
  if (next === null) return;
  const wait = Math.min(Math.max(1000, next - Date.now()), 30 * 60 * 1000);
  state.syncTimer = setTimeout(() => requestSync(), wait);
}

export async function refreshOutbox() {
  const [outbox, drafts, history, lastSyncAt] = await Promise.all([
    store.outboxItems(),
    store.allDrafts(),
    store.recentHistory(30),
    store.getMeta("lastSyncAt"),
  ]);
  outbox.sort(byOutboxOrder);
  state.outbox = outbox;
  state.lastSyncAt = lastSyncAt;
  state.drafts = drafts.filter((draft) => draft.user === config.user.id);
  state.history = history.filter((row) => row.user === config.user.id);
  const mine = outbox.filter((item) => item.user === config.user.id);
  const refused = mine.filter((item) => item.status === Status.REFUSED).length;
  body.dataset.outboxCount = String(mine.length);
  const badge = document.getElementById("outbox-badge");
  badge.textContent = mine.length ? String(mine.length) : "";
  badge.hidden = !mine.length;
  badge.classList.toggle("alert", refused > 0);
  for (const row of state.history) {
    if (row.kind === "inspection" && row.hotspot && localDate(new Date(row.sent_at)) === localDate()) {
      state.inspectedToday.add(String(row.hotspot));
    }
  }
  updateBanner();
  if (["outbox", "hotspot", "task"].includes(state.route.name) || (state.board && state.route.name === "hotspots")) {
    renderCurrent();
    if (state.board) drawMapData();
  }
}

export function updateProgress({ id, sent, total }) {
  const bar = document.querySelector(`[data-item="${id}"] progress`);
  if (bar) {
    bar.max = total;
    bar.value = sent;
  }
}

export function statusOf(item, waiting) {
  if (item.status === Status.REFUSED) return { key: "refused", text: fill(t.refusedBecause, { reason: item.reason || "" }) };
  if (isHeld(item)) return { key: "held", text: t.photoHasNoPlace };
  const blocked = state.board && item.kind === TASK_MOVE ? state.board.blockedText(item, waiting) : null;
  if (blocked) return { key: "blocked", text: blocked };
  if (item.depends_on && waiting.has(item.depends_on)) {
    const parent = state.outbox.find((other) => other.id === item.depends_on);
    return { key: "blocked", text: parent && parent.status === Status.REFUSED ? t.waitsForRefused : t.waitsForInspection };
  }
  if (item.status === Status.SENDING) return { key: "sending", text: t.sending };
  if (item.status === Status.RETRY) {
    return {
      key: "retry",
      text: fill(t.retryAt, { error: item.last_error || "", time: formatTime(item.next_attempt_at, lang), n: item.attempts || 1 }),
    };
  }
  return { key: "queued", text: navigator.onLine ? t.waitingToSend : t.waitingForConnection };
}

const KIND_ICON = { inspection: "inspection", finding: "finding", photo: "photo", [TASK_MOVE]: "task" };

function kindLabelOf(row) {
  if (row.kind === TASK_MOVE) return (config.workflow.labels || {})[row.action] || row.action;
  if (row.kind === "photo" && row.role === "after") return t.afterPhoto;
  return { inspection: t.kindInspection, finding: t.kindFinding, photo: t.kindPhoto }[row.kind] || row.kind;
}

function outboxRow(item, waiting, mine) {
  const status = statusOf(item, waiting);
  const kindLabel = kindLabelOf(item);
  const extra = [];
  if (item.kind === "photo" && item.size) extra.push(formatBytes(item.size, lang));
  if (item.details && item.details.findings) extra.push(plural(t.nFindings, item.details.findings, lang));
  const actions = [];
  if (mine && (item.status === Status.REFUSED || item.status === Status.RETRY)) {
    actions.push(h("button", { type: "button", class: "button secondary small", "data-action": "retry", onclick: () => retryItem(item) }, t.retry));
  }
  if (mine && item.status === Status.REFUSED) {
    actions.push(h("button", { type: "button", class: "button ghost danger-text small", "data-action": "discard", onclick: () => discardItem(item) }, t.discard));
  }
  return h(
    "li",
    {
      class: "outbox-row status-" + status.key,
      "data-item": item.id,
      "data-kind": item.kind,
      "data-status": status.key,
      "data-target": item.kind === "photo" ? (item.finding ? "finding" : "inspection") : null,
      "data-task": item.task || null,
      "data-move": item.kind === TASK_MOVE ? item.action : null,
    },
    h("span", { class: "kind-icon" }, icon(KIND_ICON[item.kind] || "inspection")),
    h(
      "div",
      { class: "row-main" },
      h("span", { class: "row-title" }, kindLabel, " · ", item.label || ""),
      h("span", { class: "row-sub" }, [formatTime(item.created_at, lang), ...extra].join(" · ")),
      h("span", { class: "row-status" }, status.text),
      item.kind === "photo" && item.size && (item.sent || status.key === "sending")
        ? h("progress", { max: String(item.size), value: String(item.sent || 0) })
        : null,
    ),
    actions.length ? h("div", { class: "row-actions" }, actions) : null,
  );
}

export function renderOutbox() {
  const screen = document.getElementById("screen-outbox");
  const waiting = new Set(state.outbox.map((item) => item.id));
  const mine = state.outbox.filter((item) => item.user === config.user.id);
  const others = state.outbox.filter((item) => item.user !== config.user.id);
  const refused = mine.filter((item) => item.status === Status.REFUSED);
  const pending = mine.filter((item) => item.status !== Status.REFUSED);
  const lastSync = state.lastSyncAt;
  replace(screen, 
    h(
      "div",
      { class: "sheet outbox", "data-testid": "outbox" },
      h(
        "header",
        { class: "outbox-head" },
        h("div", {}, h("h1", {}, t.outbox), h("p", { class: "muted", "data-testid": "outbox-summary" }, mine.length ? fill(t.outboxSummary, { waiting: pending.length, refused: refused.length }) : t.outboxEmpty)),
        h(
          "button",
          { type: "button", class: "button primary", "data-testid": "send-now", disabled: !mine.length || state.syncing, onclick: () => requestSync({ force: true, manual: true }) },
          state.syncing ? t.syncing : t.sendNow,
        ),
      ),
      lastSync ? h("p", { class: "muted" }, fill(t.lastSync, { time: formatTime(lastSync, lang) })) : null,
      refused.length
        ? h("section", { class: "card" }, h("h2", { class: "danger-text" }, t.refusedHeading), h("p", { class: "muted" }, t.refusedHelp), h("ul", { class: "outbox-list" }, refused.map((item) => outboxRow(item, waiting, true))))
        : null,
      pending.length ? h("section", { class: "card" }, h("h2", {}, t.waitingHeading), h("ul", { class: "outbox-list", "data-testid": "outbox-waiting" }, pending.map((item) => outboxRow(item, waiting, true)))) : null,
      state.drafts.length
        ? h(
            "section",
            { class: "card" },
            h("h2", {}, t.draftsHeading),
            h(
              "ul",
              { class: "outbox-list" },
              state.drafts.map((draft) =>
                h(
                  "li",
                  { class: "outbox-row" },
                  h("span", { class: "kind-icon" }, icon("draft")),
                  h("div", { class: "row-main" }, h("span", { class: "row-title" }, draft.hotspot_name), h("span", { class: "row-sub" }, fill(t.startedAt, { time: formatTime(draft.started_at, lang) }))),
                  h("div", { class: "row-actions" }, h("a", { class: "button secondary small", href: "#/inspect/" + draft.id }, t.continue)),
                ),
              ),
            ),
          )
        : null,
      others.length ? h("section", { class: "card" }, h("h2", {}, t.othersHeading), h("p", { class: "muted" }, plural(t.othersHelp, others.length, lang))) : null,
      h(
        "section",
        { class: "card" },
        h("h2", {}, t.sentHeading),
        state.history.length
          ? h(
              "ul",
              { class: "outbox-list", "data-testid": "outbox-sent" },
              state.history.map((row) =>
                h(
                  "li",
                  { class: "outbox-row status-sent", "data-item": row.id, "data-kind": row.kind, "data-status": row.status },
                  h("span", { class: "kind-icon" }, icon(KIND_ICON[row.kind] || "inspection")),
                  h(
                    "div",
                    { class: "row-main" },
                    h("span", { class: "row-title" }, kindLabelOf(row) + " · " + (row.label || "")),
                    h("span", { class: "row-sub" }, fill(row.status === "existing" ? t.alreadyOnServer : t.sentAt, { time: formatTime(row.sent_at, lang) }), row.reason ? " · " + row.reason : ""),
                  ),
                  h("span", { class: "pill done" }, icon("check", "icon inline")),
                ),
              ),
            )
          : h("p", { class: "muted" }, t.nothingSent),
      ),
    ),
  );
}

async function retryItem(item) {
  await store.updateOutbox(item.id, { status: Status.QUEUED, next_attempt_at: null, reason: null });
  await refreshOutbox();
  requestSync({ force: true, manual: true });
}

export async function discardItem(item) {
  const dependents = state.outbox.filter((other) => other.depends_on === item.id);
  // A move cannot go without the photos it names: discarding such a photo discards those moves too.
  const moves = state.board && item.kind === "photo" ? state.board.movesNaming(item.id) : [];
  dependents.push(...moves);
  const message = moves.length
    ? plural(t.discardPhotoWithMoves, moves.length, lang)
    : dependents.length
      ? plural(t.discardItemWithPhotos, dependents.length, lang)
      : t.discardItemText;
  const ok = await confirmDialog({
    title: t.discardItemTitle,
    message,
    confirm: t.discard,
    cancel: t.cancel,
    danger: true,
  });
  if (!ok) return;
  await store.discardItems([item.id, ...dependents.map((other) => other.id)]);
  await refreshOutbox();
}
