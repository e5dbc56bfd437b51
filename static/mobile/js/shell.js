/* The app's shell: the service worker (offline start, Background Sync), the app bar (network chip, language,
 * sign-out), the signed-out banner, and loading the data a screen shows (through the service worker, so that it
 * is kept for offline use).
 */
import * as store from "./db.js";
import { CHANNEL, SYNC_TAG } from "./sync.js";
import { getJson, listOf, SessionExpired } from "./api.js";
import { h, fill, replace, localDate, toast, confirmDialog, plural } from "./ui.js";
import { anchorOf } from "./geo.js";
import { config, lang, state, t } from "./state.js";
import { drawMapData, mapLayers } from "./map.js";
import { renderCurrent } from "./router.js";
import { currentPhases } from "./hotspots.js";
import { refreshOutbox, requestSync, updateProgress } from "./outbox.js";

const body = document.body;

/* Another person's API answers and photos must not show: the service worker's copies go. */
export async function forgetCachedAnswers() {
  if (!("caches" in self)) return;
  await Promise.all([caches.delete(store.API_CACHE), caches.delete(store.PHOTO_CACHE)]);
}

export async function reloadWithFreshShell(clearApi) {
  const key = "wenming-fresh-shell";
  const last = Number(sessionStorage.getItem(key) || 0);
  if (Date.now() - last < 15000) return false;
  sessionStorage.setItem(key, String(Date.now()));
  if (clearApi) await forgetCachedAnswers();
  await refreshShell();
  location.reload();
  return true;
}

function refreshShell() {
  return new Promise((resolve) => {
    const worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (!worker) return resolve();
    const done = (event) => {
      if (event.data && event.data.type === "shell-refreshed") {
        navigator.serviceWorker.removeEventListener("message", done);
        resolve();
      }
    };
    navigator.serviceWorker.addEventListener("message", done);
    worker.postMessage({ type: "refresh-shell" });
    setTimeout(resolve, 5000);
  });
}

export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return;
  try {
    const hadController = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      // The first time the worker takes over, read the data again through it, so that it is kept for offline use.
      if (!hadController) loadData();
    });
    await navigator.serviceWorker.register(config.urls.serviceWorker, {
      scope: config.scope,
      type: "module",
      updateViaCache: "none",
    });
    const registration = await navigator.serviceWorker.ready;
    body.dataset.serviceWorker = "ready";
    if (registration.periodicSync) {
      registration.periodicSync.register(SYNC_TAG, { minInterval: 15 * 60 * 1000 }).catch(() => null);
    }
  } catch (error) {
    console.error("service worker", error);
    body.dataset.serviceWorker = "failed";
  }
}

export async function registerBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) await registration.sync.register(SYNC_TAG);
  } catch (error) {
    /* Background Sync is missing (Firefox, Safari): the page's timer and online event do the work. */
  }
}

export async function loadData() {
  if (state.board) return loadTaskData();
  const results = await Promise.allSettled([
    getJson(config.urls.hotspots),
    getJson(config.urls.checklists),
    getJson(config.urls.problemTypes),
    getJson(config.urls.campaigns),
    getJson(config.urls.jurisdictions),
    getJson(config.urls.inspections + "?" + new URLSearchParams({ inspector: config.user.id, date_from: localDate() })),
    getJson(config.urls.rounds),
  ]);
  const [hotspots, checklists, problemTypes, campaigns, communities, inspections, rounds] = results;
  const expired = results.some(
    (result) =>
      (result.status === "rejected" && result.reason instanceof SessionExpired) ||
      (result.status === "fulfilled" && result.value.expired),
  );
  if (expired) setAuthRequired(true);
  state.dataCached = results.some((result) => result.status === "fulfilled" && result.value.cached);
  if (hotspots.status === "fulfilled") {
    state.hotspots = listOf(hotspots.value.data).map((feature) => ({
      ...feature,
      anchor: anchorOf(feature.geometry),
    }));
    state.hotspotById = new Map(state.hotspots.map((feature) => [String(feature.id), feature]));
    state.dataError = null;
  } else {
    state.dataError = t.dataUnavailable;
  }
  if (checklists.status === "fulfilled") state.checklists = listOf(checklists.value.data);
  if (problemTypes.status === "fulfilled") state.problemTypes = listOf(problemTypes.value.data);
  if (campaigns.status === "fulfilled") {
    state.campaigns = listOf(campaigns.value.data);
    state.phases = currentPhases(state.campaigns);
  }
  if (communities.status === "fulfilled") state.communities = communities.value.data;
  if (rounds.status === "fulfilled") state.rounds = listOf(rounds.value.data);
  if (inspections.status === "fulfilled") {
    for (const inspection of listOf(inspections.value.data)) {
      if (inspection.hotspot) state.inspectedToday.add(String(inspection.hotspot));
    }
  }
  body.dataset.hotspotsLoaded = String(state.hotspots.length);
  if (navigator.serviceWorker && navigator.serviceWorker.controller && hotspots.status === "fulfilled") {
    body.dataset.offlineReady = "true";
  }
  drawMapData();
  renderCurrent();
}

/* A unit member's data: the unit's tasks and service area, and the hotspots (for the outlines of task sites). */
async function loadTaskData() {
  const [loaded, hotspots] = await Promise.all([
    state.board.load(),
    getJson(config.urls.hotspots).then(
      (answer) => answer,
      () => null,
    ),
  ]);
  if (hotspots) {
    state.hotspots = listOf(hotspots.data).map((feature) => ({ ...feature, anchor: anchorOf(feature.geometry) }));
    state.hotspotById = new Map(state.hotspots.map((feature) => [String(feature.id), feature]));
  }
  body.dataset.tasksLoaded = String(state.board.tasks.length);
  if (navigator.serviceWorker && navigator.serviceWorker.controller && loaded) body.dataset.offlineReady = "true";
  drawMapData();
  renderCurrent();
  if (state.route.name === "task") {
    state.board.enter(state.route.id);
    state.board.focus(mapLayers(), state.route.id);
  }
}

export function setupChrome() {
  window.addEventListener("online", () => {
    state.online = true;
    updateNetwork();
    requestSync({ force: true });
  });
  window.addEventListener("offline", () => {
    state.online = false;
    updateNetwork();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") requestSync();
  });
  try {
    new BroadcastChannel(CHANNEL).onmessage = (event) => {
      if (event.data && event.data.type === "progress") updateProgress(event.data);
      else refreshOutbox();
      // A run elsewhere (the service worker) sent task moves: the tasks changed on the server.
      if (state.board && event.data && event.data.type === "synced" && event.data.summary.source !== "page" && event.data.summary.sent) {
        state.board.refresh();
      }
    };
  } catch (error) {
    setInterval(refreshOutbox, 5000);
  }
  document.getElementById("language").addEventListener("change", changeLanguage);
  document.getElementById("sign-out").addEventListener("click", signOut);
  document.getElementById("sync-now").addEventListener("click", () => requestSync({ force: true, manual: true }));
  updateNetwork();
  updateBanner();
}

export function updateNetwork() {
  const chip = document.getElementById("net-status");
  body.dataset.online = String(state.online);
  chip.className = "net-chip " + (state.syncing ? "syncing" : state.online ? "online" : "offline");
  chip.textContent = state.syncing ? t.syncing : state.online ? t.online : t.offline;
}

export function setAuthRequired(value) {
  state.authRequired = value;
  store.setMeta("authRequired", value);
  updateBanner();
}

export function updateBanner() {
  const banner = document.getElementById("banner");
  const mine = state.outbox.filter((item) => item.user === config.user.id).length;
  if (state.authRequired) {
    banner.hidden = false;
    banner.className = "banner warn";
    banner.dataset.testid = "session-expired";
    replace(banner, 
      h("div", {}, h("strong", {}, t.sessionExpired), " ", mine ? plural(t.keptOnTablet, mine, lang) : t.signInToSend),
      h(
        "button",
        {
          type: "button",
          class: "button primary",
          onclick: () => {
            if (!navigator.onLine) return toast(t.signInNeedsConnection, "warn");
            location.assign(config.urls.login);
          },
        },
        t.signInAgain,
      ),
    );
  } else {
    banner.hidden = true;
    replace(banner);
  }
}

async function changeLanguage(event) {
  const select = event.target;
  if (!navigator.onLine) {
    select.value = lang;
    toast(t.needsConnection, "warn");
    return;
  }
  const form = new URLSearchParams({ language: select.value, next: config.scope });
  try {
    const response = await fetch(config.urls.setLanguage, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": cookie("csrftoken"), "Content-Type": "application/x-www-form-urlencoded" },
      body: form,
    });
    if (!response.ok) throw new Error(String(response.status));
    await refreshShell();
    location.reload();
  } catch (error) {
    select.value = lang;
    toast(t.needsConnection, "warn");
  }
}

async function signOut() {
  const mine = state.outbox.filter((item) => item.user === config.user.id).length;
  const ok = await confirmDialog({
    title: t.signOutTitle,
    message: mine ? plural(t.signOutPending, mine, lang) : t.signOutNothingPending,
    confirm: t.signOut,
    cancel: t.cancel,
  });
  if (!ok) return;
  const form = h(
    "form",
    { method: "post", action: config.urls.logout, hidden: true },
    h("input", { type: "hidden", name: "csrfmiddlewaretoken", value: cookie("csrftoken") }),
    h("input", { type: "hidden", name: "next", value: config.urls.login }),
  );
  document.body.append(form);
  form.submit();
}

function cookie(key) {
  const match = document.cookie.match(new RegExp("(?:^|;\\s*)" + key + "=([^;]+)"));
  return match ? decodeURIComponent(match[1]) : "";
}
