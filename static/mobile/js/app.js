/* The tablet app (/m/): today's hotspots on a map and by distance, inspections with their checklist, findings
 * with camera photos, and the outbox that sends them when there is a connection. A member of a rectification
 * unit finds the unit's tasks where an inspector finds the hotspots (see tasks.js).
 *
 * Screens (hash routes): #/ hotspots (or tasks) · #/hotspot/<id> one hotspot · #/task/<id> one task ·
 * #/inspect/<draft id> the form · #/outbox.
 */
import * as store from "./db.js";
import { runSync, nextAttemptAt, CHANNEL, SYNC_TAG } from "./sync.js";
import { byOutboxOrder, isHeld, Status, TASK_MOVE } from "./queue.js";
import { getJson, listOf, probeSession, SessionExpired } from "./api.js";
import { ChecklistForm } from "./checklist.js";
import { checklistFor } from "./conditions.js";
import { TaskBoard } from "./tasks.js";
import { h, fill, replace, icon, cameraButton, formatDistance, formatBytes, formatTime, localDate, toast, confirmDialog } from "./ui.js";
import { anchorOf, distanceM, currentPosition, watchPosition, reasonOf } from "./geo.js";

const config = JSON.parse(document.getElementById("app-config").textContent);
const t = JSON.parse(document.getElementById("app-text").textContent);
const lang = config.language;
const english = lang.startsWith("en");
const body = document.body;
const NEAR_HOTSPOT_M = 500;

const state = {
  hotspots: [],
  hotspotById: new Map(),
  checklists: [],
  problemTypes: [],
  campaigns: [],
  phases: [],
  communities: null,
  inspectedToday: new Set(),
  dataCached: false,
  dataError: null,
  position: null,
  positionError: null,
  online: navigator.onLine,
  authRequired: false,
  syncing: false,
  outbox: [],
  drafts: [],
  history: [],
  search: "",
  category: "",
  route: { name: "hotspots" },
};

const name = (object) => (english && (object.name_en || object.title_en)) || object.name || object.title || "";

// The unit's tasks replace the hotspots on the home screen of a rectification unit's member.
const board = config.user.worksOnTasks
  ? new TaskBoard({
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
    })
  : null;

/* ================================================================ start */

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

/* Another person's API answers and photos must not show: the service worker's copies go. */
async function forgetCachedAnswers() {
  if (!("caches" in self)) return;
  await Promise.all([caches.delete(store.API_CACHE), caches.delete(store.PHOTO_CACHE)]);
}

async function reloadWithFreshShell(clearApi) {
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

async function registerServiceWorker() {
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

async function registerBackgroundSync() {
  try {
    const registration = await navigator.serviceWorker.ready;
    if (registration.sync) await registration.sync.register(SYNC_TAG);
  } catch (error) {
    /* Background Sync is missing (Firefox, Safari): the page's timer and online event do the work. */
  }
}

/* ================================================================ data */

async function loadData() {
  if (board) return loadTaskData();
  const results = await Promise.allSettled([
    getJson(config.urls.hotspots),
    getJson(config.urls.checklists),
    getJson(config.urls.problemTypes),
    getJson(config.urls.campaigns),
    getJson(config.urls.jurisdictions),
    getJson(config.urls.inspections + "?" + new URLSearchParams({ inspector: config.user.id, date_from: localDate() })),
  ]);
  const [hotspots, checklists, problemTypes, campaigns, communities, inspections] = results;
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
    board.load(),
    getJson(config.urls.hotspots).then(
      (answer) => answer,
      () => null,
    ),
  ]);
  if (hotspots) {
    state.hotspots = listOf(hotspots.data).map((feature) => ({ ...feature, anchor: anchorOf(feature.geometry) }));
    state.hotspotById = new Map(state.hotspots.map((feature) => [String(feature.id), feature]));
  }
  body.dataset.tasksLoaded = String(board.tasks.length);
  if (navigator.serviceWorker && navigator.serviceWorker.controller && loaded) body.dataset.offlineReady = "true";
  drawMapData();
  renderCurrent();
  if (state.route.name === "task") {
    board.enter(state.route.id);
    board.focus(mapLayers(), state.route.id);
  }
}

function currentPhases(campaigns) {
  const today = localDate();
  const phases = [];
  for (const campaign of campaigns) {
    if (campaign.active === false || campaign.starts_on > today || campaign.ends_on < today) continue;
    for (const phase of campaign.phases || []) {
      if (phase.starts_on <= today && today <= phase.ends_on) phases.push({ ...phase, campaign });
    }
  }
  return phases;
}

async function choosePhase() {
  const saved = await store.getMeta("phase");
  return state.phases.find((phase) => phase.id === saved) || state.phases[0] || null;
}

/* ================================================================ position */

function startPosition() {
  watchPosition(
    (position) => {
      const first = !state.position;
      state.position = position;
      state.positionError = null;
      body.dataset.position = "known";
      drawPosition();
      if (board && state.route.name === "task" && !first) board.positionChanged();
      else if (first || state.route.name === "hotspots" || state.route.name === "task") renderCurrent();
      else updatePositionLine();
    },
    (error) => {
      state.positionError = reasonOf(error);
      body.dataset.position = state.positionError;
      if (state.route.name === "hotspots" || state.route.name === "task") renderCurrent();
      else updatePositionLine();
    },
  );
}

function distanceTo(feature) {
  if (!state.position || !feature.anchor) return null;
  return distanceM(state.position, feature.anchor);
}

/* ================================================================ chrome: app bar, banners, language, sign-out */

function setupChrome() {
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
      if (board && event.data && event.data.type === "synced" && event.data.summary.source !== "page" && event.data.summary.sent) {
        board.refresh();
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

function updateNetwork() {
  const chip = document.getElementById("net-status");
  body.dataset.online = String(state.online);
  chip.className = "net-chip " + (state.syncing ? "syncing" : state.online ? "online" : "offline");
  chip.textContent = state.syncing ? t.syncing : state.online ? t.online : t.offline;
}

function setAuthRequired(value) {
  state.authRequired = value;
  store.setMeta("authRequired", value);
  updateBanner();
}

function updateBanner() {
  const banner = document.getElementById("banner");
  const mine = state.outbox.filter((item) => item.user === config.user.id).length;
  if (state.authRequired) {
    banner.hidden = false;
    banner.className = "banner warn";
    banner.dataset.testid = "session-expired";
    replace(banner, 
      h("div", {}, h("strong", {}, t.sessionExpired), " ", mine ? fill(t.keptOnTablet, { n: mine }) : t.signInToSend),
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
    message: mine ? fill(t.signOutPending, { n: mine }) : t.signOutNothingPending,
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

/* ================================================================ sync */

let syncTimer = null;

async function requestSync({ force = false, manual = false } = {}) {
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
    clearTimeout(syncTimer);
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
    else if (summary.refused) toast(fill(t.someRefused, { n: summary.refused }), "warn");
    else if (summary.sent) toast(fill(t.sentCount, { n: summary.sent }), "ok");
  } else if (board && summary && summary.refused) {
    toast(fill(t.someRefused, { n: summary.refused }), "warn");
  }
  await refreshOutbox();
  if (board && summary && (summary.sent || summary.refused)) await board.refresh();
  schedule();
}

async function schedule() {
  clearTimeout(syncTimer);
  const next = await nextAttemptAt();
  if (next === null) return;
  const wait = Math.min(Math.max(1000, next - Date.now()), 30 * 60 * 1000);
  syncTimer = setTimeout(() => requestSync(), wait);
}

async function refreshOutbox() {
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
  if (["outbox", "hotspot", "task"].includes(state.route.name) || (board && state.route.name === "hotspots")) {
    renderCurrent();
    if (board) drawMapData();
  }
}

function updateProgress({ id, sent, total }) {
  const bar = document.querySelector(`[data-item="${id}"] progress`);
  if (bar) {
    bar.max = total;
    bar.value = sent;
  }
}

/* ================================================================ routing */

function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [head, id] = hash.split("/");
  if (head === "hotspot" && id) return { name: "hotspot", id };
  if (head === "task" && id && board) return { name: "task", id };
  if (head === "inspect" && id) return { name: "inspect", id };
  if (head === "outbox") return { name: "outbox" };
  return { name: "hotspots" };
}

let leaving = null;

async function route() {
  if (leaving) await leaving();
  leaving = null;
  state.route = parseRoute();
  const screens = {
    hotspots: "screen-hotspots",
    hotspot: "screen-hotspots",
    task: "screen-hotspots",
    inspect: "screen-inspect",
    outbox: "screen-outbox",
  };
  for (const id of new Set(Object.values(screens))) {
    document.getElementById(id).hidden = id !== screens[state.route.name];
  }
  for (const tab of document.querySelectorAll("[data-tab]")) {
    const active = tab.dataset.tab === (state.route.name === "outbox" ? "outbox" : state.route.name === "inspect" ? "" : "hotspots");
    tab.classList.toggle("active", active);
    if (active) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  body.dataset.route = state.route.name;
  document.getElementById("pane-list").classList.toggle("wide", state.route.name === "task");
  if (state.route.name === "inspect") await openInspection(state.route.id);
  else renderCurrent();
  if (state.route.name === "task") {
    board.enter(state.route.id);
    board.focus(mapLayers(), state.route.id);
  } else if (focusLayer) focusLayer.clearLayers();
  if (state.route.name !== "inspect") window.scrollTo(0, 0);
  if (map) setTimeout(() => map.invalidateSize(), 50);
}

let rendered = null; // the screen last drawn in the side pane: drawn again, it keeps its scroll position

function renderCurrent() {
  const pane = document.getElementById("pane-list");
  const screen = state.route.name + "/" + (state.route.id || "");
  const scroll = board && rendered === screen ? pane.scrollTop : 0;
  rendered = screen;
  drawScreen(pane);
  if (board) pane.scrollTop = scroll;
}

function drawScreen(pane) {
  if (state.route.name === "hotspots") {
    if (board) board.renderList(pane);
    else renderHotspotList();
  } else if (state.route.name === "hotspot") renderHotspot(state.route.id);
  else if (state.route.name === "task") board.renderDetail(pane, state.route.id);
  else if (state.route.name === "outbox") renderOutbox();
}

/* ================================================================ map */

let map = null;
let clusters = null;
let outlines = null;
let positionLayer = null;
let focusLayer = null;
const markers = new Map();

function mapLayers() {
  return { map, outlines, clusters, markers, focus: focusLayer };
}

function ensureMap() {
  if (map || !window.L) return;
  map = L.map("map", { zoomControl: true, maxZoom: 19, tap: true }).setView(config.center, 14);
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19, crossOrigin: true }).addTo(map);
  }
  outlines = L.layerGroup().addTo(map);
  clusters = L.markerClusterGroup({ maxClusterRadius: 45, showCoverageOnHover: false }).addTo(map);
  focusLayer = L.layerGroup().addTo(map);
  positionLayer = L.layerGroup().addTo(map);
}

function drawMapData() {
  ensureMap();
  if (!map) return;
  outlines.clearLayers();
  clusters.clearLayers();
  markers.clear();
  if (board) {
    board.drawMap(mapLayers());
    drawPosition();
    return;
  }
  if (state.communities) {
    L.geoJSON(state.communities, {
      style: { color: "#1f4e79", weight: 1.5, opacity: 0.6, fillOpacity: 0.03 },
      interactive: false,
    }).addTo(outlines);
  }
  const bounds = [];
  for (const feature of state.hotspots) {
    const p = feature.properties;
    if (!feature.anchor) continue;
    if (feature.geometry.type !== "Point") {
      L.geoJSON(feature, { style: { color: p.color, weight: 2, fillOpacity: 0.18 }, interactive: false }).addTo(outlines);
    }
    const done = state.inspectedToday.has(String(feature.id));
    const marker = L.circleMarker([feature.anchor.lat, feature.anchor.lon], {
      radius: 11,
      color: done ? "#2f9e44" : "#ffffff",
      weight: done ? 4 : 3,
      fillColor: p.color,
      fillOpacity: 0.95,
    });
    marker.bindTooltip(p.name, { direction: "top", offset: [0, -8] });
    marker.on("click", () => (location.hash = "#/hotspot/" + feature.id));
    clusters.addLayer(marker);
    markers.set(String(feature.id), marker);
    bounds.push([feature.anchor.lat, feature.anchor.lon]);
  }
  if (bounds.length && !map._fitted) {
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
    map._fitted = true;
  }
  drawPosition();
}

function drawPosition() {
  if (!map || !positionLayer) return;
  positionLayer.clearLayers();
  if (!state.position) return;
  const here = [state.position.lat, state.position.lon];
  L.circle(here, { radius: state.position.accuracy || 0, color: "#1c7ed6", weight: 1, fillOpacity: 0.12, interactive: false }).addTo(positionLayer);
  L.circleMarker(here, { radius: 8, color: "#fff", weight: 3, fillColor: "#1c7ed6", fillOpacity: 1, interactive: false }).addTo(positionLayer);
}

function focusHotspot(feature) {
  if (!map || !feature.anchor) return;
  const marker = markers.get(String(feature.id));
  map.setView([feature.anchor.lat, feature.anchor.lon], Math.max(map.getZoom(), 17));
  if (marker) clusters.zoomToShowLayer(marker, () => marker.openTooltip());
}

/* ================================================================ hotspot list */

function sortedHotspots() {
  const query = state.search.trim().toLowerCase();
  const rows = state.hotspots
    .filter((feature) => !state.category || feature.properties.category === state.category)
    .filter((feature) => {
      if (!query) return true;
      const p = feature.properties;
      return [p.name, p.address, p.jurisdiction_name, p.category_name].some((text) => (text || "").toLowerCase().includes(query));
    })
    .map((feature) => ({ feature, distance: distanceTo(feature) }));
  if (state.position) rows.sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity));
  else rows.sort((a, b) => a.feature.properties.name.localeCompare(b.feature.properties.name, lang));
  return rows;
}

function positionLine() {
  if (state.position) {
    const poor = state.position.accuracy > config.maxAccuracy;
    return h(
      "p",
      { class: "position-line " + (poor ? "poor" : "good"), id: "position-line", "data-testid": "position-line" },
      h("span", { class: "dot", "aria-hidden": "true" }),
      fill(t.sortedByDistance, { accuracy: Math.round(state.position.accuracy) }),
    );
  }
  if (state.positionError) {
    return h(
      "p",
      { class: "position-line denied", id: "position-line", "data-testid": "position-line" },
      h("span", { class: "dot", "aria-hidden": "true" }),
      t[state.positionError] + " " + t.sortedByName,
    );
  }
  return h("p", { class: "position-line", id: "position-line", "data-testid": "position-line" }, h("span", { class: "dot", "aria-hidden": "true" }), t.locating);
}

function updatePositionLine() {
  const line = document.getElementById("position-line");
  if (line) line.replaceWith(positionLine());
}

function categoryOptions() {
  const seen = new Map();
  for (const feature of state.hotspots) seen.set(feature.properties.category, feature.properties.category_name);
  return [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1], lang));
}

function renderHotspotList() {
  const pane = document.getElementById("pane-list");
  const focused = document.activeElement && document.activeElement.id === "hotspot-search";
  const rows = sortedHotspots();
  const list = h("ol", { class: "hotspot-rows", "data-testid": "hotspot-list" });
  for (const { feature, distance } of rows) {
    const p = feature.properties;
    const id = String(feature.id);
    const queued = state.outbox.some((item) => item.kind === "inspection" && String(item.hotspot) === id && item.user === config.user.id);
    const done = state.inspectedToday.has(id);
    const drafting = state.drafts.some((draft) => String(draft.hotspot) === id);
    list.append(
      h(
        "li",
        {},
        h(
          "a",
          { class: "hotspot-row", href: "#/hotspot/" + id, "data-hotspot": id },
          h("span", { class: "swatch", style: { background: p.color } }),
          h(
            "span",
            { class: "row-main" },
            h("span", { class: "row-title" }, p.name),
            h("span", { class: "row-sub" }, [p.category_name, p.jurisdiction_name].filter(Boolean).join(" · ")),
          ),
          h(
            "span",
            { class: "row-end" },
            distance !== null ? h("span", { class: "distance" }, formatDistance(distance, lang)) : null,
            drafting ? h("span", { class: "pill draft" }, t.inProgress) : null,
            queued ? h("span", { class: "pill queued" }, t.queued) : done ? h("span", { class: "pill done" }, t.inspectedToday) : null,
          ),
        ),
      ),
    );
  }
  const select = h(
    "select",
    {
      id: "category-filter",
      class: "field",
      "aria-label": t.category,
      onchange: (event) => {
        state.category = event.target.value;
        renderHotspotList();
      },
    },
    h("option", { value: "" }, t.allCategories),
    categoryOptions().map(([code, label]) => h("option", { value: code, selected: code === state.category }, label)),
  );
  const search = h("input", {
    id: "hotspot-search",
    class: "field search",
    type: "search",
    placeholder: t.search,
    "aria-label": t.search,
    value: state.search,
    oninput: (event) => {
      state.search = event.target.value;
      renderHotspotList();
    },
  });
  replace(pane, 
    h(
      "div",
      { class: "pane-head" },
      h("h1", {}, t.todaysHotspots, h("span", { class: "count" }, String(rows.length))),
      phaseLine(),
      h("div", { class: "filters" }, search, select),
      positionLine(),
      state.dataError ? h("p", { class: "notice warn" }, state.dataError) : null,
      state.dataCached ? h("p", { class: "notice" }, t.showingSaved) : null,
    ),
    rows.length
      ? list
      : h("p", { class: "empty" }, state.hotspots.length ? t.noMatch : body.dataset.hotspotsLoaded ? t.noHotspots : t.loading),
  );
  if (focused) {
    search.focus();
    search.setSelectionRange(search.value.length, search.value.length);
  }
}

function phaseLine() {
  if (!state.campaigns.length && !state.phases.length) return null;
  if (!state.phases.length) return h("p", { class: "notice warn", "data-testid": "no-phase" }, t.noPhase);
  const phase = state.phases[0];
  return h("p", { class: "phase-line" }, h("span", { class: "pill phase" }, phase.kind_display), " ", name(phase.campaign));
}

/* ================================================================ one hotspot */

function inspectionsHere(id) {
  const today = localDate();
  const queued = state.outbox.filter((item) => item.kind === "inspection" && String(item.hotspot) === id && item.user === config.user.id);
  const sent = state.history.filter((row) => row.kind === "inspection" && String(row.hotspot) === id && localDate(new Date(row.sent_at)) === today);
  return { queued, sent };
}

function renderHotspot(id) {
  const pane = document.getElementById("pane-list");
  const feature = state.hotspotById.get(String(id));
  if (!feature) {
    replace(pane, 
      h("a", { class: "back", href: "#/" }, icon("back", "icon inline"), t.allHotspots),
      h("p", { class: "empty" }, state.hotspots.length ? t.hotspotUnknown : t.loading),
    );
    return;
  }
  const p = feature.properties;
  const distance = distanceTo(feature);
  const drafts = state.drafts.filter((draft) => String(draft.hotspot) === String(id));
  const { queued, sent } = inspectionsHere(String(id));
  const checklist = state.phases.length ? checklistFor(state.checklists, p.category, state.phases[0].kind) : null;
  const blocked = !config.user.canInspect ? t.cannotInspect : !state.phases.length ? t.noPhase : null;
  replace(pane, 
    h("a", { class: "back", href: "#/" }, icon("back", "icon inline"), t.allHotspots),
    h(
      "article",
      { class: "hotspot-detail", "data-testid": "hotspot-detail", "data-hotspot": String(id) },
      h("p", { class: "category" }, h("span", { class: "swatch", style: { background: p.color } }), p.category_name),
      h("h1", {}, p.name),
      h(
        "dl",
        { class: "facts" },
        p.address ? [h("dt", {}, t.address), h("dd", {}, p.address)] : null,
        h("dt", {}, t.community),
        h("dd", {}, p.jurisdiction_name || "—"),
        h("dt", {}, t.sponsor),
        h("dd", {}, p.sponsoring_unit_name || t.none),
        distance !== null ? [h("dt", {}, t.distance), h("dd", {}, formatDistance(distance, lang))] : null,
        h("dt", {}, t.checklist),
        h("dd", {}, checklist ? name(checklist) + (checklist.label ? " · " + checklist.label : "") : t.noChecklist),
      ),
      drafts.map((draft) =>
        h(
          "a",
          { class: "button secondary block", href: "#/inspect/" + draft.id, "data-testid": "continue-draft" },
          fill(t.continueDraft, { time: formatTime(draft.started_at, lang) }),
        ),
      ),
      blocked
        ? h("p", { class: "notice warn" }, blocked)
        : h(
            "button",
            { type: "button", class: "button primary block huge", "data-testid": "start-inspection", onclick: () => startInspection(feature) },
            t.startInspection,
          ),
      queued.length || sent.length
        ? h(
            "section",
            { class: "today" },
            h("h2", {}, t.todayHere),
            h(
              "ul",
              { class: "plain" },
              queued.map((item) => h("li", {}, h("span", { class: "pill queued" }, t.queued), " ", formatTime(item.created_at, lang))),
              sent.map((row) => h("li", {}, h("span", { class: "pill done" }, t.sent), " ", formatTime(row.created_at, lang))),
            ),
          )
        : null,
    ),
  );
  focusHotspot(feature);
}

/* ================================================================ inspection */

async function startInspection(feature) {
  const phase = await choosePhase();
  if (!phase) return toast(t.noPhase, "warn");
  const p = feature.properties;
  const checklist = checklistFor(state.checklists, p.category, phase.kind);
  const draft = {
    id: crypto.randomUUID(),
    user: config.user.id,
    hotspot: feature.id,
    hotspot_name: p.name,
    category: p.category,
    anchor: feature.anchor,
    phase: phase.id,
    phase_kind: phase.kind,
    phase_label: phase.kind_display + " · " + name(phase.campaign),
    checklist: checklist,
    started_at: new Date().toISOString(),
    position: null,
    position_error: null,
    answers: {},
    findings: [],
    photos: {},
  };
  await store.saveDraft(draft);
  await refreshOutbox();
  location.hash = "#/inspect/" + draft.id;
}

let form = null; // {draft, checklist: ChecklistForm, urls: Map}
let saveTimer = null;

function scheduleSave() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveNow, 300);
}

async function saveNow() {
  clearTimeout(saveTimer);
  if (form) await store.saveDraft(form.draft);
}

async function capturePosition(draftId) {
  const status = document.getElementById("inspection-position");
  if (status) replace(status, h("span", { class: "muted" }, t.locating));
  let position = null;
  let error = null;
  try {
    position = await currentPosition();
  } catch (failure) {
    error = reasonOf(failure);
  }
  const draft = form && form.draft.id === draftId ? form.draft : await store.getDraft(draftId);
  if (!draft) return;
  if (position) {
    draft.position = { lon: position.lon, lat: position.lat, accuracy: position.accuracy };
    draft.position_error = null;
  } else if (!draft.position) {
    draft.position_error = error;
  }
  await store.saveDraft(draft);
  if (form && form.draft.id === draftId) renderInspectionPosition();
}

function renderInspectionPosition() {
  const box = document.getElementById("inspection-position");
  if (!box || !form) return;
  const { position, position_error: error } = form.draft;
  const update = h("button", { type: "button", class: "button secondary small", onclick: () => capturePosition(form.draft.id) }, t.updatePosition);
  if (position) {
    const poor = position.accuracy > config.maxAccuracy;
    box.dataset.accuracy = String(Math.round(position.accuracy));
    replace(box, 
      h(
        "span",
        { class: "position-value " + (poor ? "poor" : "good"), "data-testid": "inspection-position" },
        icon("pin", "icon inline"),
        `${position.lat.toFixed(5)}, ${position.lon.toFixed(5)}`,
        h("strong", {}, ` ±${Math.round(position.accuracy)} m`),
      ),
      poor ? h("span", { class: "hint warn" }, fill(t.poorAccuracy, { max: config.maxAccuracy })) : null,
      update,
    );
  } else {
    replace(box, h("span", { class: "hint warn" }, t[error] || t.locating, " ", error ? t.sentWithoutPosition : ""), update);
  }
}

async function openInspection(id) {
  const screen = document.getElementById("screen-inspect");
  const draft = await store.getDraft(id);
  if (!draft) {
    replace(screen, h("div", { class: "sheet" }, h("p", { class: "empty" }, t.draftGone), h("a", { class: "button secondary", href: "#/" }, t.allHotspots)));
    return;
  }
  form = { draft, urls: new Map(), checklist: null };
  leaving = async () => {
    await saveNow();
    for (const url of form.urls.values()) URL.revokeObjectURL(url);
    form = null;
  };
  const photoUrl = (photoId) => {
    if (!form.urls.has(photoId) && form.draft.photos[photoId]) {
      form.urls.set(photoId, URL.createObjectURL(form.draft.photos[photoId].blob));
    }
    return form.urls.get(photoId) || "";
  };
  const addPhoto = async (file, extra) => {
    const photoId = crypto.randomUUID();
    // The file is kept as it came from the camera, byte for byte (its EXIF is evidence).
    form.draft.photos[photoId] = { blob: file, name: file.name || "photo.jpg", type: file.type || "image/jpeg", size: file.size, taken_at: new Date().toISOString(), ...extra };
    try {
      await saveNow();
    } catch (error) {
      delete form.draft.photos[photoId];
      toast(t.storageFull, "warn");
      throw error;
    }
    return photoId;
  };
  const removePhoto = (photoId) => {
    delete form.draft.photos[photoId];
    if (form.urls.has(photoId)) URL.revokeObjectURL(form.urls.get(photoId));
    form.urls.delete(photoId);
    scheduleSave();
  };
  form.photoUrl = photoUrl;
  form.addPhoto = addPhoto;
  form.removePhoto = removePhoto;

  let checklistBox;
  if (draft.checklist) {
    form.checklist = new ChecklistForm(draft.checklist, draft.answers, {
      lang,
      t,
      photoUrl,
      addPhoto,
      removePhoto,
      position: async () => {
        try {
          return await currentPosition();
        } catch (error) {
          throw { reason: reasonOf(error) };
        }
      },
      onChange: (answers) => {
        form.draft.answers = answers;
        scheduleSave();
      },
    });
    checklistBox = h(
      "section",
      { class: "card" },
      h("h2", {}, name(draft.checklist), draft.checklist.label ? h("span", { class: "version" }, draft.checklist.label) : null),
      form.checklist.render(),
    );
  } else {
    checklistBox = h("section", { class: "card" }, h("h2", {}, t.checklist), h("p", { class: "notice" }, t.noChecklistHere));
  }

  replace(screen, 
    h(
      "div",
      { class: "sheet inspection", "data-testid": "inspection-form", "data-inspection": draft.id },
      h(
        "header",
        { class: "card inspection-head" },
        h("a", { class: "back", href: "#/hotspot/" + draft.hotspot }, icon("back", "icon inline"), draft.hotspot_name),
        h("h1", {}, draft.hotspot_name),
        h("p", { class: "meta" }, h("span", { class: "pill phase" }, draft.phase_label), " ", fill(t.startedAt, { time: formatTime(draft.started_at, lang) })),
        h("div", { class: "position-box", id: "inspection-position" }),
      ),
      checklistBox,
      h(
        "section",
        { class: "card findings" },
        h("h2", {}, t.findings, h("span", { class: "count", id: "finding-count" }, String(draft.findings.length))),
        h("div", { id: "finding-list" }),
        h("button", { type: "button", class: "button secondary block", "data-testid": "add-finding", onclick: addFinding }, icon("plus", "icon inline"), t.addFinding),
      ),
      h("div", { class: "action-spacer" }),
    ),
    h(
      "div",
      { class: "action-bar" },
      h("span", { class: "deduction-total", id: "deduction-total" }),
      h("button", { type: "button", class: "button ghost danger-text", onclick: discardDraft }, t.discard),
      h("a", { class: "button secondary", href: "#/hotspot/" + draft.hotspot }, t.saveAndClose),
      h("button", { type: "button", class: "button primary", "data-testid": "submit-inspection", onclick: submitInspection }, t.submit),
    ),
  );
  renderInspectionPosition();
  // The position where the inspection starts: asked once when the form opens without one.
  if (!draft.position && !draft.position_error) capturePosition(draft.id);
  renderFindings();
  if (form.checklist) form.checklist.refresh();
}

function problemTypesFor(category) {
  const matching = state.problemTypes.filter((type) => (type.categories || []).includes(category));
  return matching.length ? matching : state.problemTypes;
}

function addFinding() {
  const draft = form.draft;
  let location = null;
  if (state.position && draft.anchor && distanceM(state.position, draft.anchor) <= NEAR_HOTSPOT_M) {
    location = { lon: state.position.lon, lat: state.position.lat };
  }
  draft.findings.push({ id: crypto.randomUUID(), problem_type: null, severity: "", description: "", location, photos: [] });
  scheduleSave();
  renderFindings();
  const cards = document.querySelectorAll(".finding");
  if (cards.length) cards[cards.length - 1].scrollIntoView({ behavior: "smooth", block: "center" });
}

function renderFindings() {
  const list = document.getElementById("finding-list");
  if (!list || !form) return;
  const draft = form.draft;
  document.getElementById("finding-count").textContent = String(draft.findings.length);
  const types = problemTypesFor(draft.category);
  const severities = [
    ["minor", t.minor],
    ["major", t.major],
    ["severe", t.severe],
  ];
  replace(list, 
    ...draft.findings.map((finding, index) => {
      const severityGroup = h("div", { class: "segmented", role: "radiogroup", "aria-label": t.severity });
      const drawSeverity = () => {
        replace(severityGroup, 
          ...severities.map(([value, label]) =>
            h(
              "button",
              {
                type: "button",
                role: "radio",
                class: "choice sev-" + value,
                "aria-checked": String(finding.severity === value),
                onclick: () => {
                  finding.severity = value;
                  finding.severity_set = true;
                  drawSeverity();
                  scheduleSave();
                },
              },
              label,
            ),
          ),
        );
      };
      drawSeverity();
      const typeGroup = h(
        "div",
        { class: "chips", role: "radiogroup", "aria-label": t.problemType },
        types.map((type) =>
          h(
            "label",
            { class: "chip" },
            h("input", {
              type: "radio",
              name: "pt-" + finding.id,
              value: type.code,
              checked: finding.problem_type === type.code,
              onchange: () => {
                finding.problem_type = type.code;
                if (!finding.severity_set) finding.severity = type.default_severity || finding.severity;
                card.classList.remove("has-error");
                drawSeverity();
                scheduleSave();
              },
            }),
            h("span", {}, name(type)),
          ),
        ),
      );
      const photos = h("div", { class: "photo-strip" });
      const drawPhotos = () => {
        const inputId = "camera-" + finding.id;
        replace(photos, 
          ...finding.photos.map((photoId) =>
            h(
              "figure",
              { class: "thumb" },
              h("img", { src: form.photoUrl(photoId), alt: t.photo }),
              h(
                "button",
                {
                  type: "button",
                  class: "thumb-remove",
                  "aria-label": t.removePhoto,
                  onclick: () => {
                    finding.photos = finding.photos.filter((other) => other !== photoId);
                    form.removePhoto(photoId);
                    drawPhotos();
                  },
                },
                "×",
              ),
            ),
          ),
          cameraButton({
            id: inputId,
            label: t.takePhoto,
            testid: "finding-camera",
            onFile: async (file) => {
              const photoId = await form.addPhoto(file, { finding: finding.id });
              finding.photos.push(photoId);
              await saveNow();
              drawPhotos();
            },
          }),
        );
      };
      drawPhotos();
      const card = h(
        "article",
        { class: "finding", "data-finding": finding.id },
        h(
          "header",
          {},
          h("h3", {}, fill(t.findingN, { n: index + 1 })),
          h(
            "button",
            {
              type: "button",
              class: "button ghost danger-text small",
              onclick: async () => {
                const ok = await confirmDialog({ title: t.removeFindingTitle, message: t.removeFindingText, confirm: t.remove, cancel: t.cancel, danger: true });
                if (!ok) return;
                for (const photoId of finding.photos) form.removePhoto(photoId);
                draft.findings = draft.findings.filter((other) => other.id !== finding.id);
                scheduleSave();
                renderFindings();
              },
            },
            t.remove,
          ),
        ),
        h("p", { class: "field-label" }, t.problemType, h("span", { class: "required" }, " *")),
        typeGroup,
        h("p", { class: "field-label" }, t.severity),
        severityGroup,
        h("label", { class: "field-label", for: "desc-" + finding.id }, t.description),
        h("textarea", {
          id: "desc-" + finding.id,
          class: "field",
          rows: "2",
          maxlength: "4000",
          placeholder: t.descriptionHint,
          oninput: (event) => {
            finding.description = event.target.value;
            scheduleSave();
          },
        }, finding.description),
        h("p", { class: "field-label" }, t.photos),
        photos,
        h("p", { class: "question-error" }, t.chooseProblemType),
      );
      return card;
    }),
  );
}

async function discardDraft() {
  const ok = await confirmDialog({ title: t.discardTitle, message: t.discardText, confirm: t.discard, cancel: t.cancel, danger: true });
  if (!ok) return;
  const hotspot = form.draft.hotspot;
  await store.deleteDraft(form.draft.id);
  leaving = null;
  form = null;
  await refreshOutbox();
  location.hash = "#/hotspot/" + hotspot;
}

async function submitInspection() {
  const draft = form.draft;
  const missing = form.checklist ? form.checklist.validate() : [];
  const untyped = draft.findings.filter((finding) => !finding.problem_type);
  for (const finding of untyped) document.querySelector(`[data-finding="${finding.id}"]`).classList.add("has-error");
  if (missing.length || untyped.length) {
    const first = document.querySelector(".has-error");
    if (first) first.scrollIntoView({ behavior: "smooth", block: "center" });
    toast(missing.length ? fill(t.missingAnswers, { n: missing.length }) : t.chooseProblemType, "warn");
    return;
  }
  const now = new Date().toISOString();
  const answers = form.checklist ? form.checklist.applicableAnswers() : {};
  const findingNames = new Map(state.problemTypes.map((type) => [type.code, name(type)]));
  const payload = {
    type: "inspection",
    id: draft.id,
    hotspot: draft.hotspot,
    phase: draft.phase,
    started_at: draft.started_at,
    ended_at: now,
    position: draft.position,
    answers,
    checklist_version: draft.checklist ? draft.checklist.id : null,
    findings: draft.findings.map((finding) => ({
      id: finding.id,
      problem_type: finding.problem_type,
      severity: finding.severity || "",
      description: finding.description || "",
      location: finding.location,
    })),
  };
  const base = { user: config.user.id, created_at: now, status: Status.QUEUED, attempts: 0, hotspot: draft.hotspot };
  const items = [
    {
      ...base,
      id: draft.id,
      kind: "inspection",
      label: draft.hotspot_name,
      payload,
      details: { findings: draft.findings.length, answers: Object.keys(answers).length },
    },
  ];
  const answered = new Set(Object.values(answers).filter((value) => typeof value === "string"));
  for (const [photoId, photo] of Object.entries(draft.photos)) {
    const finding = draft.findings.find((item) => item.photos.includes(photoId));
    if (!finding && !answered.has(photoId)) continue; // removed from the form
    items.push({
      ...base,
      id: photoId,
      kind: "photo",
      label: draft.hotspot_name + " · " + (finding ? findingNames.get(finding.problem_type) || "" : t.checklistPhoto),
      blob: photo.blob,
      size: photo.size,
      type: photo.type,
      name: photo.name,
      inspection: draft.id,
      finding: finding ? finding.id : null,
      question: photo.question || null,
      role: "before",
      depends_on: draft.id,
    });
  }
  await store.queueFromDraft(draft.id, items);
  leaving = null;
  for (const url of form.urls.values()) URL.revokeObjectURL(url);
  form = null;
  toast(navigator.onLine ? t.queuedSending : t.queuedOffline, "ok");
  await refreshOutbox();
  location.hash = "#/hotspot/" + draft.hotspot;
  requestSync();
}

/* ================================================================ outbox */

function statusOf(item, waiting) {
  if (item.status === Status.REFUSED) return { key: "refused", text: fill(t.refusedBecause, { reason: item.reason || "" }) };
  if (isHeld(item)) return { key: "held", text: t.photoHasNoPlace };
  const blocked = board && item.kind === TASK_MOVE ? board.blockedText(item, waiting) : null;
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
  if (item.details && item.details.findings) extra.push(fill(t.nFindings, { n: item.details.findings }));
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

function renderOutbox() {
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
      others.length ? h("section", { class: "card" }, h("h2", {}, t.othersHeading), h("p", { class: "muted" }, fill(t.othersHelp, { n: others.length }))) : null,
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

async function discardItem(item) {
  const dependents = state.outbox.filter((other) => other.depends_on === item.id);
  // A move cannot go without the photos it names: discarding such a photo discards those moves too.
  const moves = board && item.kind === "photo" ? board.movesNaming(item.id) : [];
  dependents.push(...moves);
  const message = moves.length
    ? fill(t.discardPhotoWithMoves, { n: moves.length })
    : dependents.length
      ? fill(t.discardItemWithPhotos, { n: dependents.length })
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

start().catch((error) => {
  console.error(error);
  toast(t.startFailed, "warn");
});
