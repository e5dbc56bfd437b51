// The outbox's rules (static/mobile/js/queue.js): back-off, what is due, and the order items may go in.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  BACKOFF_BASE_MS,
  BACKOFF_MAX_MS,
  Status,
  TASK_MOVE,
  backoffDelay,
  byOutboxOrder,
  countsOf,
  deferredBy,
  earliestAttempt,
  isDue,
  isHeld,
  photosToSend,
  photosWaiting,
  recordsToSend,
  retryAfterMs,
  retryDelay,
  sendableMoves,
  syncEnvelope,
  waitingSince,
} from "../../static/mobile/js/queue.js";

const middle = () => 0.5; // no jitter
const ids = (items) => items.map((item) => item.id);

describe("back-off", () => {
  test("doubles from 15 s after each failed try", () => {
    assert.equal(BACKOFF_BASE_MS, 15_000);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map((attempts) => backoffDelay(attempts, middle)),
      [15_000, 30_000, 60_000, 120_000, 240_000],
    );
  });

  test("a count of zero or less waits the base delay", () => {
    assert.equal(backoffDelay(0, middle), 15_000);
    assert.equal(backoffDelay(-3, middle), 15_000);
  });

  test("is capped at 30 minutes however many tries failed", () => {
    assert.equal(BACKOFF_MAX_MS, 30 * 60_000);
    assert.equal(backoffDelay(8, middle), BACKOFF_MAX_MS);
    assert.equal(backoffDelay(50, middle), BACKOFF_MAX_MS);
    assert.equal(backoffDelay(5000, middle), BACKOFF_MAX_MS);
  });

  test("jitter stays within ±20 %, also at the cap", () => {
    assert.equal(backoffDelay(1, () => 0), 12_000);
    assert.equal(backoffDelay(1, () => 1), 18_000);
    assert.equal(backoffDelay(50, () => 0), 0.8 * BACKOFF_MAX_MS);
    assert.equal(backoffDelay(50, () => 1), 1.2 * BACKOFF_MAX_MS);
    for (let attempts = 1; attempts < 20; attempts += 1) {
      const delay = backoffDelay(attempts);
      const base = Math.min(BACKOFF_BASE_MS * 2 ** (attempts - 1), BACKOFF_MAX_MS);
      assert.ok(delay >= 0.8 * base && delay <= 1.2 * base, `${attempts}: ${delay}`);
    }
  });

  test("whole milliseconds", () => {
    assert.ok(Number.isInteger(backoffDelay(3, () => 0.123456)));
  });
});

describe("what is due", () => {
  const now = Date.parse("2024-05-01T08:00:00Z");
  const later = { id: "a", status: Status.RETRY, next_attempt_at: "2024-05-01T08:05:00Z", last_error_kind: "server" };
  const past = { id: "b", status: Status.RETRY, next_attempt_at: "2024-05-01T07:59:59Z" };
  const offline = { id: "c", status: Status.RETRY, next_attempt_at: "2024-05-01T08:05:00Z", last_error_kind: "network" };
  const refused = { id: "d", status: Status.REFUSED };
  const fresh = { id: "e", status: Status.QUEUED };

  test("without force: new items and those whose back-off is over", () => {
    assert.deepEqual(ids([later, past, offline, refused, fresh].filter((item) => isDue(item, now, false))), ["b", "e"]);
  });

  test("the connection came back: also what failed for want of it, not what the server failed", () => {
    const due = [later, past, offline, refused, fresh].filter((item) => isDue(item, now, "network"));
    assert.deepEqual(ids(due), ["b", "c", "e"]);
  });

  test("forced: everything but refused items", () => {
    assert.deepEqual(ids([later, past, offline, refused, fresh].filter((item) => isDue(item, now, true))), [
      "a",
      "b",
      "c",
      "e",
    ]);
  });

  test("the time the sync wakes for: the earliest wait of the person's items that can go", () => {
    const mine = (item) => ({ ...item, user: 7 });
    assert.equal(earliestAttempt([mine(later), mine(past)], 7, now), Date.parse(past.next_attempt_at));
    assert.equal(earliestAttempt([mine(later), mine(fresh)], 7, now), now);
    assert.equal(earliestAttempt([mine(later), { ...fresh, user: 8 }], 7, now), Date.parse(later.next_attempt_at));
    assert.equal(earliestAttempt([mine(refused), mine({ id: "f", kind: "photo" })], 7, now), null);
    assert.equal(earliestAttempt([], 7, now), null);
  });
});

describe("order", () => {
  const inspection = { id: "i1", kind: "inspection", status: Status.QUEUED };
  const photo = { id: "p1", kind: "photo", inspection: "i1", depends_on: "i1", status: Status.QUEUED };
  const finding = { id: "f1", kind: "finding", depends_on: "i0", status: Status.QUEUED };
  const afterPhoto = { id: "p2", kind: "photo", inspection: "i9", finding: "f9", role: "after", task: 5 };
  const arrive = { id: "m1", kind: TASK_MOVE, task: 5, action: "arrive", status: Status.QUEUED };
  const submit = { id: "m2", kind: TASK_MOVE, task: 5, action: "submit", photos: ["p2"], status: Status.QUEUED };
  const other = { id: "m3", kind: TASK_MOVE, task: 6, action: "accept", status: Status.QUEUED };

  test("records go first, and not while the record they depend on waits", () => {
    const all = [inspection, photo, finding, arrive];
    assert.deepEqual(ids(recordsToSend(all, new Set(ids(all)))), ["i1", "f1"]);
    assert.deepEqual(ids(recordsToSend(all, new Set([...ids(all), "i0"]))), ["i1"]);
  });

  test("an inspection's photos go once the inspection has left the outbox", () => {
    assert.deepEqual(ids(photosToSend([inspection, photo], new Set(["i1", "p1"]))), []);
    assert.deepEqual(ids(photosToSend([inspection, photo], new Set(["p1"]))), ["p1"]);
  });

  test("a photo that names nothing is held, never sent", () => {
    const stray = { id: "p9", kind: "photo", status: Status.QUEUED };
    assert.ok(isHeld(stray));
    assert.ok(!isHeld(photo) && !isHeld(afterPhoto) && !isHeld(inspection));
    assert.deepEqual(ids(photosToSend([stray, photo], new Set(["p9", "p1"]))), ["p1"]);
  });

  test("a move waits for the after-photos it names", () => {
    assert.deepEqual(photosWaiting(submit, new Set(["p2", "m2"])), ["p2"]);
    assert.deepEqual(photosWaiting(submit, new Set(["m2"])), []);
    assert.deepEqual(photosWaiting(arrive, new Set(["p2"])), []);
    const all = [afterPhoto, submit];
    assert.deepEqual(ids(sendableMoves(all, all, new Set(ids(all)))), []);
    assert.deepEqual(ids(sendableMoves([submit], [submit], new Set(["m2"]))), ["m2"]);
  });

  test("the moves of one task go in the order they were made; another task's are not held", () => {
    const blocked = { ...arrive, photos: ["p7"] };
    const all = [blocked, submit, other];
    const waiting = new Set(["p7", ...ids(all)]);
    assert.deepEqual(ids(sendableMoves(all, all, waiting)), ["m3"]);
    assert.deepEqual(ids(sendableMoves([arrive, submit, other], [arrive, submit, other], new Set())), [
      "m1",
      "m2",
      "m3",
    ]);
  });

  test("a move not yet due holds the later moves of its task", () => {
    const all = [arrive, submit, other];
    assert.deepEqual(ids(sendableMoves(all, [submit, other], new Set(ids(all)))), ["m3"]);
  });

  test("a refused move does not hold the others of its task", () => {
    const all = [{ ...arrive, status: Status.REFUSED }, submit];
    assert.deepEqual(ids(sendableMoves(all, all, new Set(ids(all)))), ["m2"]);
  });

  test("the outbox shows the oldest first, and an inspection before its findings, photos and moves", () => {
    const at = (time, item) => ({ ...item, created_at: time });
    const rows = [
      at("2024-05-01T08:00:01Z", { id: "late", kind: "inspection" }),
      at("2024-05-01T08:00:00Z", { id: "move", kind: TASK_MOVE }),
      at("2024-05-01T08:00:00Z", { id: "photo", kind: "photo" }),
      at("2024-05-01T08:00:00Z", { id: "odd", kind: "something else" }),
      at("2024-05-01T08:00:00Z", { id: "finding", kind: "finding" }),
      at("2024-05-01T08:00:00Z", { id: "inspection", kind: "inspection" }),
    ];
    assert.deepEqual(ids(rows.sort(byOutboxOrder)), ["inspection", "finding", "photo", "move", "odd", "late"]);
  });

  test("the counts one person sees: refused and held items are not sendable; others' are apart", () => {
    const items = [
      { ...inspection, user: 1 },
      { ...photo, user: 1, status: Status.REFUSED },
      { id: "p9", kind: "photo", user: 1, status: Status.QUEUED },
      { ...other, user: 2 },
    ];
    assert.deepEqual(countsOf(items, 1), { total: 3, refused: 1, held: 1, sendable: 1, others: 1 });
  });
});

describe("the sync envelope: the tablet's clock and what it still holds", () => {
  const moveItem = (id, at, extra = {}) => ({
    id,
    kind: TASK_MOVE,
    user: 7,
    task: "t-" + id,
    created_at: at,
    status: Status.QUEUED,
    payload: { type: TASK_MOVE, id, action: "accept", at },
    ...extra,
  });

  test("carries the device's clock and the batch's payloads", () => {
    const now = new Date("2026-11-21T02:00:00.000Z"); // a clock four days behind, say: the server measures it
    const batch = [moveItem("a", "2026-11-21T01:00:00.000Z")];
    const body = syncEnvelope({ device: "tablet-1", batch, outbox: batch, user: 7, now });
    assert.deepEqual(body, {
      device: "tablet-1",
      device_time: "2026-11-21T02:00:00.000Z",
      waiting_since: null,
      items: [batch[0].payload],
    });
  });

  test("names the oldest move left behind, refused ones included, not the request's own nor others'", () => {
    const outbox = [
      moveItem("sent", "2026-11-20T08:00:00.000Z"),
      moveItem("later", "2026-11-20T10:00:00.000Z"),
      moveItem("refused", "2026-11-20T09:00:00+00:00", { status: Status.REFUSED }),
      moveItem("someone-else", "2026-11-19T09:00:00.000Z", { user: 8 }),
      { id: "p", kind: "photo", user: 7, created_at: "2026-11-19T07:00:00.000Z" },
    ];
    assert.equal(waitingSince(outbox, 7, new Set(["sent"])), "2026-11-20T09:00:00.000Z");
    const body = syncEnvelope({ device: "tablet-1", batch: [outbox[0]], outbox, user: 7 });
    assert.equal(body.waiting_since, "2026-11-20T09:00:00.000Z");
    assert.ok(Math.abs(Date.parse(body.device_time) - Date.now()) < 5_000);
    assert.equal(waitingSince(outbox, 7, new Set(["sent", "later", "refused"])), null);
  });
});

describe("a busy server's Retry-After", () => {
  const now = Date.parse("2026-11-25T10:00:00Z");

  test("is read as seconds or as an HTTP date", () => {
    assert.equal(retryAfterMs("5", now), 5_000);
    assert.equal(retryAfterMs(" 120 ", now), 120_000);
    assert.equal(retryAfterMs("Wed, 25 Nov 2026 10:00:30 GMT", now), 30_000);
    assert.equal(retryAfterMs("Wed, 25 Nov 2026 09:59:00 GMT", now), 0);
  });

  test("is nothing when missing or unreadable, and at most the longest back-off", () => {
    assert.equal(retryAfterMs(null, now), null);
    assert.equal(retryAfterMs(undefined, now), null);
    assert.equal(retryAfterMs("", now), null);
    assert.equal(retryAfterMs("soon", now), null);
    assert.equal(retryAfterMs("-5", now), null);
    assert.equal(retryAfterMs("86400", now), BACKOFF_MAX_MS);
  });

  test("is waited for instead of the back-off: never less, at most 20 % more", () => {
    assert.equal(retryDelay(1, 5_000, () => 0), 5_000);
    assert.equal(retryDelay(1, 5_000, () => 1), 6_000);
    assert.equal(retryDelay(6, 5_000, () => 0), 5_000); // not the sixth back-off (8 min)
    assert.equal(retryDelay(3, 0, middle), 0);
  });

  test("without one, the back-off applies", () => {
    assert.equal(retryDelay(2, null, middle), backoffDelay(2, middle));
    assert.equal(retryDelay(2, undefined, middle), 30_000);
  });

  test("holds back the person's other items due before then, not later ones, refused or held ones, or others'", () => {
    const until = now + 5_000;
    const items = [
      { id: "due", user: 1, kind: "inspection", status: Status.QUEUED },
      { id: "soon", user: 1, kind: "finding", status: Status.RETRY, next_attempt_at: new Date(now + 1_000).toISOString() },
      { id: "later", user: 1, kind: "finding", status: Status.RETRY, next_attempt_at: new Date(now + 60_000).toISOString() },
      { id: "refused", user: 1, kind: "inspection", status: Status.REFUSED },
      { id: "held", user: 1, kind: "photo", status: Status.QUEUED },
      { id: "photo", user: 1, kind: "photo", status: Status.QUEUED, finding: "f" },
      { id: "theirs", user: 2, kind: "inspection", status: Status.QUEUED },
    ];
    assert.deepEqual(ids(deferredBy(items, 1, until)), ["due", "soon", "photo"]);
  });
});
