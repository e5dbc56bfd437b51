// The map's URL state (static/js/map/state.js): a link restores the layer, the filters and the view.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fill, filterParams, lastDays, readState, writeSearch } from "../../static/js/map/state.js";

test("a query string round-trips through the state", () => {
  const search = "?layer=tasks&start=2026-05-01&status=overdue&status=rejected&community=7&view=heat&heat=overdue";
  const state = readState(search);
  assert.equal(state.layer, "tasks");
  assert.deepEqual(state.filters.status, ["overdue", "rejected"]);
  assert.equal(state.filters.community, "7");
  assert.equal(state.view, "heat");
  assert.equal(writeSearch(readState(writeSearch(state))), writeSearch(state));
  assert.match(writeSearch(state), /^\?layer=tasks&start=2026-05-01&status=overdue&status=rejected&community=7/);
});

test("defaults are left out and unknown values fall back", () => {
  const state = readState("?view=nonsense&figure=count");
  assert.equal(state.view, "points");
  assert.equal(writeSearch(state), "");
});

test("only the filters go to the API, empty ones left out", () => {
  const params = filterParams({ ...readState("?unit=3&status=open").filters, category: "" });
  assert.equal(params.toString(), "status=open&unit=3");
});

test("the time control plays the last days oldest first, across a month", () => {
  assert.deepEqual(lastDays("2026-03-02", 3), ["2026-02-28", "2026-03-01", "2026-03-02"]);
});

test("URL templates are filled", () => {
  assert.equal(fill("/tiles/{layer}/{z}/{x}/{y}.pbf", { layer: "tasks" }), "/tiles/tasks/{z}/{x}/{y}.pbf");
});
