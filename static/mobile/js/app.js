/* The tablet app (/m/): today's hotspots on a map and by distance, inspections with their checklist, findings
 * with camera photos, and the outbox that sends them when there is a connection. A member of a rectification
 * unit finds the unit's tasks where an inspector finds the hotspots (see tasks.js).
 *
 * This module starts the app. The sections are modules: state (what they share), shell (service worker, app bar,
 * data), router (hash routes), map, hotspots, inspection, draft, findings and outbox; the rules they follow without
 * the DOM are in queue.js (the outbox) and conditions.js (checklists). The screens call each other's functions
 * (a change on one redraws another), never while the modules are being loaded.
 */
import * as store from "./db.js";
import { probeSession } from "./api.js";
import { TaskBoard } from "./tasks.js";
import { toast } from "./ui.js";
import { config, lang, state, t } from "./state.js";
import { drawMapData } from "./map.js";
import { parseRoute, renderCurrent, route } from "./router.js";
import { forgetCachedAnswers, loadData, registerServiceWorker, reloadWithFreshShell, setAuthRequired, setupChrome } from "./shell.js";
import { positionLine, startPosition } from "./hotspots.js";
import { discardItem, refreshOutbox, requestSync, statusOf } from "./outbox.js";

const body = document.body;

if (config.user.worksOnTasks) {
  state.board = new TaskBoard({
    config,
    t,
    lang,
    state,
    requestSync: (options) => requestSync(options),
    refreshOutbox: () => refreshOutbox(),
    renderCurrent: () => renderCurrent(),
    redraw: () => {
      drawMapData();
      renderCurrent();
    },
    setAuthRequired: (value) => setAuthRequired(value),
    positionLine: () => positionLine(),
    statusOf: (item, waiting) => statusOf(item, waiting),
    discardItem: (item) => discardItem(item),
  });
}

async function start() {
  await store.setMeta("config", { urls: config.urls, chunkSize: config.chunkSize });
  const session = await probeSession(config.urls.session);
  if (session && !session.authenticated) {
    state.authRequired = true;
    await store.setMeta("authRequired", true);
    if (parseRoute().name !== "inspect") {
      // Online and signed out: sign in first (the outbox and drafts stay in this tablet's storage meanwhile).
      location.assign(config.urls.login);
      return;
    }
  } else if (session) {
    if (session.user.id !== config.user.id || session.language !== config.language) {
      // The kept shell belongs to another person or language: fetch a fresh one, once.
      if (await reloadWithFreshShell(session.user.id !== config.user.id)) return;
    }
    await store.setMeta("csrf", session.csrfToken);
    await store.setMeta("authRequired", false);
  } else {
    state.authRequired = await store.getMeta("authRequired", false);
  }
  const previousUser = await store.getMeta("user");
  await store.setMeta("user", config.user.id);
  if (previousUser && previousUser !== config.user.id) await forgetCachedAnswers();

  setupChrome();
  registerServiceWorker();
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => null);
  startPosition();
  window.addEventListener("hashchange", route);
  await refreshOutbox();
  route();
  await loadData();
  body.dataset.ready = "true";
  requestSync();
}

start().catch((error) => {
  console.error(error);
  toast(t.startFailed, "warn");
});
