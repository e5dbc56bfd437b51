/* Sends the outbox: inspections and findings in batches through POST /api/sync/, photos one by one through the
 * resumable PUT /api/photos/<uuid>/ (chunks with Content-Range, resuming from HEAD's Upload-Offset), then the
 * moves of rectification tasks through POST /api/sync/ again.
 *
 * Order: an inspection goes before its findings' photos (they name it); a task move goes after the after-photos it
 * names (the server refuses a submit whose photos it has not got), and the moves of one task go in the order they
 * were made: a move waits while an earlier move of the same task still waits.
 *
 * The rules (order, back-off, what is due) are in queue.js. Runs in the page and in the service worker (Background Sync); a Web Lock keeps two runs from overlapping.
 * Nothing leaves the outbox before the server has answered for it:
 * - created / existing → the item moves to the history;
 * - refused → it stays, with the server's reason, until the person retries or discards it;
 * - no connection, a server error or a timeout → it stays, and is tried again after an exponential back-off
 *   (15 s, 30 s, 1 min … at most 30 min, with jitter), or at once when the connection returns;
 * - the server is busy (503 with Retry-After) → it is tried again after as long as the server said (up to 20 % more,
 *   never less), and the rest of the outbox waits as long: the run stops there;
 * - the session has expired → nothing changes; the app asks the person to sign in again.
 * Each request carries the tablet's clock and when its oldest move not in the request was made (queue.js's
 * syncEnvelope): the server reads the moves' times on its own clock and bounds later claims by this sync.
 */
import * as store from "./db.js";
import {
  Status,
  countsOf,
  deferredBy,
  earliestAttempt,
  isDue,
  isHeld,
  photosToSend,
  recordsToSend,
  retryAfterMs,
  retryDelay,
  sendableMoves,
  syncEnvelope,
} from "./queue.js";

// The task board reads the outbox's rules through this module, as before they moved to queue.js.
export { Status, TASK_MOVE, backoffDelay, isHeld, photosWaiting } from "./queue.js";
export const CHANNEL = "wenming-outbox";
export const SYNC_TAG = "wenming-outbox";
const BATCH = 50;
const REQUEST_TIMEOUT_MS = 60_000;

class AuthRequired extends Error {}
class Offline extends Error {}
class Transient extends Error {
  /* retryAfter: the wait (ms) the server asked for with a 503 and Retry-After, honoured instead of the back-off. */
  constructor(message, retryAfter = null) {
    super(message);
    this.retryAfter = retryAfter;
  }
}
class Refused extends Error {}

/* The server asked this run to stop for a while (a 503 with Retry-After). */
function askedToWait(error) {
  return error instanceof Transient && error.retryAfter !== null;
}

/* A failed answer as a passing error, carrying the Retry-After of a 503 (or 429). */
function transientOf(response, body) {
  const asked = response.status === 503 || response.status === 429;
  return new Transient(messageOf(body, "HTTP " + response.status), asked ? retryAfterMs(response.headers.get("Retry-After")) : null);
}

function notify(message) {
  try {
    const channel = new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
    channel.close();
  } catch (error) {
    /* BroadcastChannel missing: the page polls the outbox anyway. */
  }
}

async function csrfToken() {
  try {
    if (self.cookieStore) {
      const cookie = await self.cookieStore.get("csrftoken");
      if (cookie && cookie.value) return cookie.value;
    }
  } catch (error) {
    /* cookieStore unavailable here */
  }
  if (typeof document !== "undefined") {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
  }
  return store.getMeta("csrf", "");
}

async function request(url, options = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  try {
    return await fetch(url, { credentials: "same-origin", cache: "no-store", ...options, signal: controller.signal });
  } catch (error) {
    if (controller.signal.aborted) throw new Transient("timeout");
    throw new Offline(error && error.message ? error.message : "network");
  } finally {
    clearTimeout(timer);
  }
}

async function bodyOf(response) {
  try {
    return await response.clone().json();
  } catch (error) {
    return null;
  }
}

/* A message a person can read from an error body: {"detail": "..."} or {"field": ["..."]}. */
export function messageOf(body, fallback) {
  if (!body) return fallback;
  if (typeof body === "string") return body;
  if (body.detail) return String(body.detail);
  const parts = [];
  for (const [key, value] of Object.entries(body)) {
    const text = Array.isArray(value) ? value.join(" ") : typeof value === "object" ? JSON.stringify(value) : value;
    parts.push(key === "non_field_errors" ? text : key + ": " + text);
  }
  return parts.join("; ") || fallback;
}

/* A fresh CSRF token from the session probe (also tells whether the session is still alive). */
async function refreshSession(config) {
  const response = await request(config.urls.session, { headers: { Accept: "application/json" } });
  if (response.status === 401) throw new AuthRequired();
  if (!response.ok) throw new Transient("session " + response.status);
  const body = await response.json();
  if (body.csrfToken) await store.setMeta("csrf", body.csrfToken);
  if (body.user && body.user.id !== (await store.getMeta("user"))) {
    // Someone else signed in on this tablet: their session must not send the previous person's records.
    await store.setMeta("user", body.user.id);
    throw new Transient("another person signed in");
  }
  await store.setMeta("authRequired", false);
  return body;
}

/* An unsafe request with the CSRF header; a stale token is refreshed once. */
async function send(config, url, options) {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const headers = { Accept: "application/json", "X-CSRFToken": await csrfToken(), ...(options.headers || {}) };
    const response = await request(url, { ...options, headers });
    if (response.status === 401) throw new AuthRequired();
    if (response.status === 403) {
      const body = await bodyOf(response);
      const detail = messageOf(body, "");
      if (attempt === 0 && /csrf/i.test(detail)) {
        await refreshSession(config);
        continue;
      }
      if (/authenticat|credentials/i.test(detail)) throw new AuthRequired();
      throw new Transient(detail || "403");
    }
    return response;
  }
  throw new Transient("csrf");
}

async function withLock(work) {
  if (self.navigator && navigator.locks && navigator.locks.request) {
    return navigator.locks.request("wenming-outbox-sync", { ifAvailable: true }, async (lock) => {
      if (!lock) return { busy: true };
      return work();
    });
  }
  if (self.__wenmingSyncing) return { busy: true };
  self.__wenmingSyncing = true;
  try {
    return await work();
  } finally {
    self.__wenmingSyncing = false;
  }
}

async function failTransient(item, error) {
  const attempts = (item.attempts || 0) + 1;
  await store.updateOutbox(item.id, {
    status: Status.RETRY,
    attempts,
    last_error: error.message || String(error),
    last_error_kind: error instanceof Offline ? "network" : "server",
    last_attempt_at: new Date().toISOString(),
    next_attempt_at: new Date(Date.now() + retryDelay(attempts, error.retryAfter)).toISOString(),
  });
}

/* ---------------------------------------------------------------- inspections and findings */

async function syncRecords(config, records, summary, user) {
  for (let start = 0; start < records.length; start += BATCH) {
    const batch = records.slice(start, start + BATCH);
    for (const item of batch) await store.updateOutbox(item.id, { status: Status.SENDING });
    notify({ type: "changed" });
    let response;
    try {
      response = await send(config, config.urls.sync, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(
          syncEnvelope({ device: await store.deviceId(), batch, outbox: await store.outboxItems(), user }),
        ),
      });
    } catch (error) {
      for (const item of batch) {
        if (error instanceof AuthRequired) await store.updateOutbox(item.id, { status: Status.QUEUED });
        else await failTransient(item, error);
      }
      throw error;
    }
    summary.contacted = true;
    if (response.status !== 200) {
      const body = await bodyOf(response);
      const error = transientOf(response, body);
      for (const item of batch) await failTransient(item, error);
      if (response.status >= 500 || response.status === 404) throw error;
      continue;
    }
    const body = await response.json();
    const results = new Map((body.results || []).map((result) => [String(result.id), result]));
    for (const item of batch) {
      const result = results.get(String(item.id));
      if (!result) {
        await failTransient(item, new Transient("no result for this item"));
      } else if (result.status === "created" || result.status === "existing") {
        await store.markSent(item, result.status, result.reason || null);
        summary.sent += 1;
      } else {
        await store.updateOutbox(item.id, {
          status: Status.REFUSED,
          reason: result.reason || "refused",
          refused_at: new Date().toISOString(),
          attempts: (item.attempts || 0) + 1,
        });
        summary.refused += 1;
      }
    }
    notify({ type: "changed" });
  }
}

/* ---------------------------------------------------------------- photos */

async function photoOffset(config, item) {
  const response = await request(config.urls.photos + item.id + "/", { method: "HEAD" });
  if (response.status === 401) throw new AuthRequired();
  if (response.status === 404) return 0;
  if (!response.ok) throw new Transient("HEAD " + response.status);
  const offset = parseInt(response.headers.get("Upload-Offset") || "0", 10);
  return Number.isFinite(offset) ? offset : 0;
}

async function uploadPhoto(config, item) {
  const blob = item.blob;
  const total = blob.size;
  const chunk = config.chunkSize || 512 * 1024;
  // A finding's photo names its finding; a checklist answer's photo names the inspection itself.
  const target = { role: item.role || "before" };
  if (item.inspection || item.depends_on) target.inspection = item.inspection || item.depends_on;
  if (item.finding) target.finding = item.finding;
  // Where the device was when the photo was taken: it stands in for a photo without GPS.
  if (item.position) {
    target.lon = item.position.lon;
    target.lat = item.position.lat;
    if (Number.isFinite(item.position.accuracy)) target.accuracy = item.position.accuracy;
  }
  const url = config.urls.photos + item.id + "/?" + new URLSearchParams(target);
  let offset = await photoOffset(config, item);
  if (offset >= total) {
    // Every byte is there: sending the last chunk again answers with the stored photo (or the reason it failed).
    offset = Math.max(0, total - (total % chunk || chunk));
  }
  for (let guard = 0; guard < Math.ceil(total / chunk) + 8; guard += 1) {
    const end = Math.min(offset + chunk, total);
    const response = await send(config, url, {
      method: "PUT",
      headers: { "Content-Type": "application/octet-stream", "Content-Range": `bytes ${offset}-${end - 1}/${total}` },
      body: blob.slice(offset, end),
    });
    if (response.status === 201 || response.status === 200) {
      await store.updateOutbox(item.id, { sent: total });
      return response.status === 201 ? "created" : "existing";
    }
    const body = await bodyOf(response);
    if (response.status === 202) {
      offset = Number.isFinite(body && body.received) ? body.received : end;
      await store.updateOutbox(item.id, { sent: offset });
      notify({ type: "progress", id: item.id, sent: offset, total });
      continue;
    }
    if (response.status === 409 && body && Number.isFinite(body.offset ?? body.received)) {
      offset = body.offset ?? body.received;
      continue;
    }
    if (response.status === 409 && response.headers.get("Upload-Offset")) {
      offset = parseInt(response.headers.get("Upload-Offset"), 10);
      continue;
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw transientOf(response, body);
    }
    throw new Refused(messageOf(body, "HTTP " + response.status));
  }
  throw new Transient("the upload did not finish");
}

async function syncPhotos(config, photos, summary) {
  for (const item of photos) {
    await store.updateOutbox(item.id, { status: Status.SENDING });
    notify({ type: "changed" });
    try {
      const status = await uploadPhoto(config, item);
      await store.markSent(item, status);
      summary.sent += 1;
      summary.contacted = true;
    } catch (error) {
      if (error instanceof Refused) {
        summary.contacted = true;
        await store.updateOutbox(item.id, {
          status: Status.REFUSED,
          reason: error.message,
          refused_at: new Date().toISOString(),
          attempts: (item.attempts || 0) + 1,
        });
        summary.refused += 1;
      } else if (error instanceof AuthRequired) {
        await store.updateOutbox(item.id, { status: Status.QUEUED });
        throw error;
      } else {
        await failTransient(item, error);
        if (error instanceof Offline || askedToWait(error)) throw error;
        summary.failed += 1;
      }
    }
    notify({ type: "changed" });
  }
}

/* ---------------------------------------------------------------- one run */

export async function pendingCounts() {
  return countsOf(await store.outboxItems(), await store.getMeta("user"));
}

/* The earliest time an item waits for, so that a timer can wake the sync then. */
export async function nextAttemptAt() {
  const user = await store.getMeta("user");
  return earliestAttempt(await store.outboxItems(), user, Date.now());
}

export async function runSync({ force = false, source = "page" } = {}) {
  return withLock(async () => {
    const summary = { sent: 0, refused: 0, failed: 0, offline: false, authRequired: false, source };
    const config = await store.getMeta("config");
    const user = await store.getMeta("user");
    if (!config || !user) return summary;
    if (await store.getMeta("authRequired", false)) {
      summary.authRequired = true;
      return summary;
    }
    const now = Date.now();
    // An item left "sending" by a run that was cut off (tab closed, worker stopped) is simply sent again:
    // every request is idempotent on the client's UUIDs.
    const all = (await store.outboxItems()).filter((item) => item.user === user);
    const waiting = new Set(all.map((item) => item.id));
    const due = all.filter((item) => isDue(item, now, force));
    try {
      const records = recordsToSend(due, waiting);
      if (records.length) await syncRecords(config, records, summary, user);
      // Parents sent in this run free their photos.
      const left = new Set((await store.outboxItems()).map((item) => item.id));
      const photos = photosToSend(due, left);
      if (photos.length) await syncPhotos(config, photos, summary);
      // Photos sent in this run free the moves that name them.
      const remaining = (await store.outboxItems()).filter((item) => item.user === user);
      const moves = sendableMoves(remaining, due, new Set(remaining.map((item) => item.id)));
      if (moves.length) await syncRecords(config, moves, summary, user);
      if (summary.contacted) await store.setMeta("lastSyncAt", new Date().toISOString());
      await store.trimHistory();
    } catch (error) {
      if (error instanceof AuthRequired) {
        summary.authRequired = true;
        await store.setMeta("authRequired", true);
      } else if (error instanceof Offline) {
        summary.offline = true;
      } else if (askedToWait(error)) {
        // The server is busy and said for how long: nothing else of the outbox goes before then.
        const until = Date.now() + error.retryAfter;
        for (const item of deferredBy(await store.outboxItems(), user, until)) {
          await store.updateOutbox(item.id, { next_attempt_at: new Date(until).toISOString() });
        }
        summary.failed += 1;
      } else {
        summary.failed += 1;
        console.error("sync", error);
      }
    }
    notify({ type: "synced", summary });
    return summary;
  });
}

export { AuthRequired, Offline };
