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
  earliestAttempt,
  isDue,
  isHeld,
  photosToSend,
  photosWaiting,
  recordsToSend,
  sendableMoves,
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
