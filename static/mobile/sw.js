/* The tablet app's service worker, served by Django at /m/sw.js (scope /m/) with its configuration filled in.
 *
 * - App shell (/m/) and static files: cache first. The shell is refreshed in the background on every visit
 *   (never with a login page or an error); static files are precached per release.
 * - API reads (GET /api/…): network first with a time limit, falling back to the last good answer.
 * - Photo thumbnails and display copies (GET /api/photos/<uuid>/thumbnail|display/): cache first (a photo never
 *   changes under its id), at most `photoEntries`, so that a task's before-photos show offline once seen.
 * - Map tiles: cache first, at most `tileEntries` tiles, the oldest dropped first.
 * - Writes (POST/PUT/HEAD) are never touched: the outbox (IndexedDB) owns them; Background Sync and periodic
 *   sync wake the same sync code the page runs.
 */
import { runSync, pendingCounts, SYNC_TAG, CHANNEL } from "__STATIC_URL__mobile/js/sync.js";
import { API_CACHE, PHOTO_CACHE } from "__STATIC_URL__mobile/js/db.js";

const CONFIG = __SW_CONFIG__;
const SHELL = "wenming-shell-" + CONFIG.release;
const API = API_CACHE;
const PHOTOS = PHOTO_CACHE;
const TILES = "wenming-tiles-v1";
const PHOTO_VIEW = /^photos\/[0-9a-fA-F-]{36}\/(thumbnail|display)\/$/;
const API_TIMEOUT_MS = 8000;

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL);
      await cache.addAll(CONFIG.precache.map((url) => new Request(url, { cache: "reload" })));
      await refreshShell(cache).catch(() => null);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        const old = (prefix, current) => name.startsWith(prefix) && name !== current;
        if (old("wenming-shell-", SHELL) || old("wenming-api-", API) || old("wenming-photos-", PHOTOS)) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

async function refreshShell(cache) {
  cache = cache || (await caches.open(SHELL));
  const response = await fetch(CONFIG.shell, { credentials: "same-origin", cache: "no-store" });
  // A redirect means the session is gone (the login page): keep the shell we have.
  if (response.ok && !response.redirected && response.type === "basic") {
    await cache.put(CONFIG.shell, response.clone());
  }
  return response;
}

async function shell(event) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(CONFIG.shell, { ignoreSearch: true });
  if (cached) {
    event.waitUntil(refreshShell(cache).catch(() => null));
    return cached;
  }
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === "basic" && !response.redirected) {
      await cache.put(CONFIG.shell, response.clone());
    }
    return response;
  } catch (error) {
    return new Response(
      "<!doctype html><meta charset=utf-8><meta name=viewport content='width=device-width'>" +
        "<title>Offline</title><p style='font:1.2rem system-ui;padding:2rem'>离线 · Offline</p>",
      { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } },
    );
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(SHELL);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok && response.type === "basic") await cache.put(request, response.clone());
  return response;
}

function timeout(ms) {
  return new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms));
}

async function fromCache(cached, extra = {}) {
  const headers = new Headers(cached.headers);
  headers.set("X-From-Cache", "1");
  for (const [key, value] of Object.entries(extra)) headers.set(key, value);
  return new Response(await cached.blob(), { status: cached.status, headers });
}

async function networkFirst(request) {
  const cache = await caches.open(API);
  try {
    const response = await Promise.race([fetch(request), timeout(API_TIMEOUT_MS)]);
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && type.includes("json")) {
      await cache.put(request, response.clone());
      return response;
    }
    // Signed out, or the server is in trouble: the last good answer still lets the person work.
    if (response.status === 401 || response.status >= 500) {
      const cached = await cache.match(request);
      if (cached) return fromCache(cached, response.status === 401 ? { "X-Session-Expired": "1" } : {});
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request);
    if (cached) return fromCache(cached);
    return new Response(JSON.stringify({ detail: "offline", offline: true }), {
      status: 503,
      headers: { "Content-Type": "application/json", "X-From-Cache": "0" },
    });
  }
}

let tilePuts = 0;
async function tile(request) {
  const cache = await caches.open(TILES);
  const cached = await cache.match(request);
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok || response.type === "opaque") {
    await cache.put(request, response.clone());
    tilePuts += 1;
    if (tilePuts % 25 === 0) await trim(cache, CONFIG.tileEntries);
  }
  return response;
}

let photoPuts = 0;
async function photo(request) {
  const cache = await caches.open(PHOTOS);
  const cached = await cache.match(request, { ignoreVary: true });
  if (cached) return cached;
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") {
      await cache.put(request, response.clone());
      photoPuts += 1;
      if (photoPuts % 25 === 0) await trim(cache, CONFIG.photoEntries);
    }
    return response;
  } catch (error) {
    return new Response("", { status: 503, statusText: "offline" });
  }
}

async function trim(cache, entries) {
  const keys = await cache.keys();
  const extra = keys.length - entries;
  for (let index = 0; index < extra; index += 1) await cache.delete(keys[index]);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin === self.location.origin) {
    if (CONFIG.noCache.includes(url.pathname)) return;
    if (url.pathname === CONFIG.shell || (request.mode === "navigate" && url.pathname.startsWith(CONFIG.scope))) {
      event.respondWith(shell(event));
    } else if (url.pathname.startsWith(CONFIG.staticPrefix)) {
      event.respondWith(cacheFirst(request));
    } else if (PHOTO_VIEW.test(url.pathname.slice(CONFIG.apiPrefix.length))) {
      event.respondWith(photo(request));
    } else if (url.pathname.startsWith(CONFIG.apiPrefix) && !url.pathname.startsWith(CONFIG.apiPrefix + "photos/")) {
      event.respondWith(networkFirst(request));
    }
  } else if (request.destination === "image") {
    event.respondWith(tile(request));
  }
});

/* The browser fires "sync" when it believes the connection is back: what failed for want of a connection goes
 * at once, what the server failed keeps its back-off. Rejecting makes the browser try the event again later. */
async function syncFromWorker() {
  const summary = await runSync({ force: "network", source: "sw" });
  if (summary && summary.offline) throw new Error("still offline");
  if (summary && !summary.busy && !summary.authRequired && (await pendingCounts()).sendable > 0) {
    throw new Error("records still waiting");
  }
  return summary;
}

self.addEventListener("sync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(syncFromWorker());
});

self.addEventListener("periodicsync", (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(runSync({ source: "periodic" }));
});

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "refresh-shell") {
    event.waitUntil(
      refreshShell()
        .catch(() => null)
        .then(() => event.source && event.source.postMessage({ type: "shell-refreshed" })),
    );
  } else if (data.type === "clear-api-cache") {
    event.waitUntil(Promise.all([caches.delete(API), caches.delete(PHOTOS)]));
  } else if (data.type === "sync") {
    event.waitUntil(runSync({ force: !!data.force, source: "sw-message" }));
  }
});

// Keep the import used even where BroadcastChannel is missing (old engines).
void CHANNEL;
