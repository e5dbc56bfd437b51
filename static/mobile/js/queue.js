/* The outbox's rules, without storage, network or DOM (so that `node --test` can run them): the statuses of an
 * item, the back-off after a failed try, what is due, and which items may go in which order.
 *
 * Order: records (inspections, findings) go first, and a record whose parent still waits stays behind; a photo goes
 * after the inspection it names; a task move goes after the after-photos it names, and the moves of one task go in
 * the order they were made.
 *
 * Time: every sync request carries the tablet's clock (`device_time`), so the server can read the moves' times on its
 * own clock, and when the oldest task move the person still holds besides the request's own was queued
 * (`waiting_since`, refused ones included: they may be sent again; null: none), so the server can bound later claims.
 */

export const TASK_MOVE = "task_move";
export const BACKOFF_BASE_MS = 15_000;
export const BACKOFF_MAX_MS = 30 * 60_000;

export const Status = Object.freeze({
  QUEUED: "queued", // waiting for its turn (or for a connection)
  SENDING: "sending",
  RETRY: "retry", // a try failed for a passing reason; tried again at next_attempt_at
  REFUSED: "refused", // the server said no, with a reason; stays until retried or discarded
});

/* 15 s, 30 s, 1 min … at most 30 min after the attempts-th failed try, ±20 % jitter so tablets do not flock. */
export function backoffDelay(attempts, random = Math.random) {
  const base = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1), BACKOFF_MAX_MS);
  return Math.round(base * (0.8 + 0.4 * random()));
}

/* How long the server asked to be left alone (ms), from a `Retry-After` header: delta-seconds or an HTTP date;
 * null when there is none or it cannot be read. A date in the past is 0. */
export function retryAfterMs(header, now = Date.now()) {
  if (header === null || header === undefined) return null;
  const text = String(header).trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, BACKOFF_MAX_MS);
  const at = /GMT$/i.test(text) ? Date.parse(text) : NaN; // an HTTP date ends in GMT (RFC 9110)
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now), BACKOFF_MAX_MS);
}

/* The wait after a failed try: what the server's Retry-After said (up to 20 % more, so that the tablets it sent away
 * together do not come back together; never less than it said), else the back-off. */
export function retryDelay(attempts, retryAfter, random = Math.random) {
  if (retryAfter === null || retryAfter === undefined) return backoffDelay(attempts, random);
  return Math.round(retryAfter * (1 + 0.2 * random()));
}

/* The person's other items that would go before `until` (ms), when the server has asked to be left alone until
 * then: they wait too, so that the run after a 503 does not send the rest of the outbox at once. */
export function deferredBy(items, user, until) {
  return items.filter(
    (item) =>
      item.user === user &&
      item.status !== Status.REFUSED &&
      !isHeld(item) &&
      (!item.next_attempt_at || Date.parse(item.next_attempt_at) < until),
  );
}

/* force: true → everything not refused; "network" → also what failed for want of a connection (the browser says
 * it is back); false → only what is due after its back-off. */
export function isDue(item, now, force) {
  if (item.status === Status.REFUSED) return false;
  if (force === true) return true;
  if (force === "network" && item.last_error_kind === "network") return true;
  return !item.next_attempt_at || Date.parse(item.next_attempt_at) <= now;
}

/* A photo that names neither a finding nor an inspection has nowhere to go (never made by this app's forms). */
export function isHeld(item) {
  return item.kind === "photo" && !item.finding && !item.inspection && !item.depends_on;
}

/* The inspections and findings of a run: not photos or moves, and not while their parent waits in the outbox. */
export function recordsToSend(due, waiting) {
  return due.filter(
    (item) => item.kind !== "photo" && item.kind !== TASK_MOVE && (!item.depends_on || !waiting.has(item.depends_on)),
  );
}

/* The photos of a run, once the records are sent: those whose inspection has left the outbox (`left` holds the ids
 * still in it). */
export function photosToSend(due, left) {
  return due.filter(
    (item) => item.kind === "photo" && !isHeld(item) && (!item.depends_on || !left.has(item.depends_on)),
  );
}

/* The photos a move names that are still in the outbox (not yet on the server). */
export function photosWaiting(item, waiting) {
  return (item.photos || []).filter((id) => waiting.has(id));
}

/* The moves that may go now: their photos are on the server, and no earlier move of the same task still waits
 * (a refused move stays behind for the person to look at, and does not hold the others). `all` is in the order
 * the moves were made. */
export function sendableMoves(all, due, waiting) {
  const dueIds = new Set(due.map((item) => item.id));
  const held = new Set();
  const ready = [];
  for (const item of all.filter((other) => other.kind === TASK_MOVE)) {
    if (item.status === Status.REFUSED) continue;
    const free = !held.has(item.task) && dueIds.has(item.id) && !photosWaiting(item, waiting).length;
    if (free) ready.push(item);
    else held.add(item.task);
  }
  return ready;
}

/* What one person has in the outbox: in total, refused, held (nowhere to go) and sendable; and other people's. */
export function countsOf(items, user) {
  const mine = items.filter((item) => item.user === user);
  const refused = mine.filter((item) => item.status === Status.REFUSED).length;
  const held = mine.filter((item) => item.status !== Status.REFUSED && isHeld(item)).length;
  return { total: mine.length, refused, held, sendable: mine.length - refused - held, others: items.length - mine.length };
}

/* The earliest time (ms) one of the person's items waits for, `now` for one due at once; null if none waits. */
export function earliestAttempt(items, user, now) {
  const times = items
    .filter((item) => item.user === user && item.status !== Status.REFUSED && !isHeld(item))
    .map((item) => (item.next_attempt_at ? Date.parse(item.next_attempt_at) : now));
  return times.length ? Math.min(...times) : null;
}

const KIND_RANK = { inspection: 0, finding: 1, photo: 2, [TASK_MOVE]: 3 };

/* The outbox as the person sees it: oldest first; made at the same moment, an inspection before its findings,
 * their photos, then task moves. */
export function byOutboxOrder(a, b) {
  return a.created_at.localeCompare(b.created_at) || (KIND_RANK[a.kind] ?? 3) - (KIND_RANK[b.kind] ?? 3);
}

/* When the oldest task move of `user` still in the outbox, other than those of this request (`sending`: their ids),
 * was made (its `at`, on this tablet's clock); null when none. */
export function waitingSince(items, user, sending) {
  const times = items
    .filter((item) => item.kind === TASK_MOVE && item.user === user && !sending.has(item.id))
    .map((item) => (item.payload && item.payload.at) || item.created_at)
    .filter(Boolean)
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return times.length ? new Date(Date.parse(times[0])).toISOString() : null;
}

/* The body of one POST /api/sync/: the batch's payloads with the tablet's id, its clock now and what it still holds. */
export function syncEnvelope({ device, batch, outbox, user, now = new Date() }) {
  const sending = new Set(batch.map((item) => item.id));
  return {
    device,
    device_time: now.toISOString(),
    waiting_since: waitingSince(outbox, user, sending),
    items: batch.map((item) => item.payload),
  };
}
