/* The tablet's own storage (IndexedDB): the outbox, drafts being filled, what was sent lately, and settings.
 *
 * Everything an inspector records lands here first, photos as Blobs, and leaves the outbox only once the server
 * has answered for it. Used by the page and by the service worker alike (no DOM here).
 */
import { openDB } from "../../vendor/idb/index.js";

const NAME = "wenming-tablet";
const VERSION = 1;
const HISTORY_KEEP = 200;
// The service worker's caches of one person's data: emptied when another person signs in on this tablet.
// A new version name drops the old cache when the worker activates.
export const API_CACHE = "wenming-api-v2";
export const PHOTO_CACHE = "wenming-photos-v1";

let opening = null;

export function db() {
  if (!opening) {
    opening = openDB(NAME, VERSION, {
      upgrade(database) {
        const outbox = database.createObjectStore("outbox", { keyPath: "id" });
        outbox.createIndex("by_created", "created_at");
        database.createObjectStore("drafts", { keyPath: "id" });
        const history = database.createObjectStore("history", { keyPath: "id" });
        history.createIndex("by_sent", "sent_at");
        database.createObjectStore("meta");
      },
      blocked() {
        console.warn("An older tab keeps the tablet database open.");
      },
    });
  }
  return opening;
}

/* ---------------------------------------------------------------- meta: settings that outlive a session */

export async function getMeta(key, fallback = null) {
  const value = await (await db()).get("meta", key);
  return value === undefined ? fallback : value;
}

export async function setMeta(key, value) {
  await (await db()).put("meta", value, key);
}

export async function deviceId() {
  let id = await getMeta("device");
  if (!id) {
    id = "tablet-" + crypto.randomUUID();
    await setMeta("device", id);
  }
  return id;
}

/* ---------------------------------------------------------------- outbox */

export async function outboxItems() {
  return (await db()).getAllFromIndex("outbox", "by_created");
}

export async function outboxItem(id) {
  return (await db()).get("outbox", id);
}

export async function putOutbox(item) {
  await (await db()).put("outbox", item);
}

/* Changes one item in place (read-modify-write in one transaction); returns the new item or null if gone. */
export async function updateOutbox(id, change) {
  const tx = (await db()).transaction("outbox", "readwrite");
  const item = await tx.store.get(id);
  if (!item) {
    await tx.done;
    return null;
  }
  const updated = { ...item, ...(typeof change === "function" ? change(item) : change) };
  await tx.store.put(updated);
  await tx.done;
  return updated;
}

/* The server has this item: it leaves the outbox and is remembered in the history, atomically. */
export async function markSent(item, status, reason = null) {
  const tx = (await db()).transaction(["outbox", "history"], "readwrite");
  await tx.objectStore("outbox").delete(item.id);
  await tx.objectStore("history").put({
    id: item.id,
    kind: item.kind,
    label: item.label,
    hotspot: item.hotspot ?? null,
    // A task's after-photos and moves: the task screen shows what was sent while its details may be older.
    task: item.task ?? null,
    role: item.role ?? null,
    action: item.action ?? null,
    photos: item.kind === "task_move" ? item.photos || [] : null,
    user: item.user,
    status,
    reason,
    size: item.size ?? null,
    created_at: item.created_at,
    sent_at: new Date().toISOString(),
  });
  await tx.done;
}

/* Discarding is the person's explicit choice; an item and the photos that depend on it go together. */
export async function discardItems(ids) {
  const tx = (await db()).transaction("outbox", "readwrite");
  for (const id of ids) await tx.store.delete(id);
  await tx.done;
}

/* A finished inspection moves from its draft into the outbox in one transaction: it can never be half queued. */
export async function queueFromDraft(draftId, items) {
  const tx = (await db()).transaction(["drafts", "outbox"], "readwrite");
  for (const item of items) await tx.objectStore("outbox").put(item);
  if (draftId) await tx.objectStore("drafts").delete(draftId);
  await tx.done;
}

/* ---------------------------------------------------------------- drafts */

export async function saveDraft(draft) {
  await (await db()).put("drafts", { ...draft, saved_at: new Date().toISOString() });
}

export async function getDraft(id) {
  return (await db()).get("drafts", id);
}

export async function allDrafts() {
  return (await db()).getAll("drafts");
}

export async function deleteDraft(id) {
  await (await db()).delete("drafts", id);
}

/* ---------------------------------------------------------------- history of what was sent */

export async function recentHistory(limit = 30) {
  const database = await db();
  const rows = [];
  let cursor = await database.transaction("history").store.index("by_sent").openCursor(null, "prev");
  while (cursor && rows.length < limit) {
    rows.push(cursor.value);
    cursor = await cursor.continue();
  }
  return rows;
}

export async function trimHistory() {
  const database = await db();
  const tx = database.transaction("history", "readwrite");
  const count = await tx.store.count();
  let extra = count - HISTORY_KEEP;
  let cursor = extra > 0 ? await tx.store.index("by_sent").openCursor() : null;
  while (cursor && extra > 0) {
    await cursor.delete();
    extra -= 1;
    cursor = await cursor.continue();
  }
  await tx.done;
}
