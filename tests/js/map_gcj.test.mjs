// WGS84 → GCJ-02 for the AMap basemap (static/js/map/gcj.js through the gcoord package), against reference pairs.
import assert from "node:assert/strict";
import { test } from "node:test";

import gcoord from "gcoord";

import { projector } from "../../static/js/map/gcj.js";

// [WGS84 lon, lat] → [GCJ-02 lon, lat], each from a source other than gcoord.
const REFERENCE = [
  // Tian'anmen, from an R package's wgs_to_gcj tests (AMap's own conversion API answers within 1 m of it).
  [[116.39089, 39.90734], [116.39713094, 39.90874107]],
  // The coordtransform library's example (Beijing).
  [[116.404, 39.915], [116.41024449916938, 39.91640428150164]],
  // A point near Shanghai, from the geotool CLI's tests.
  [[121.0917077, 30.6107779], [121.09626935575027, 30.608604331756705]],
];
const TOLERANCE = 2e-6; // degrees: about 20 cm

test("WGS84 points become their GCJ-02 reference pairs", () => {
  const toGcj = projector(gcoord, "gcj02");
  for (const [wgs, gcj] of REFERENCE) {
    const [lon, lat] = toGcj(wgs);
    assert.ok(Math.abs(lon - gcj[0]) < TOLERANCE, `lon ${lon} for ${wgs}`);
    assert.ok(Math.abs(lat - gcj[1]) < TOLERANCE, `lat ${lat} for ${wgs}`);
  }
});

test("the shift in Wanping is hundreds of metres, east and north", () => {
  const [lon, lat] = projector(gcoord, "gcj02")([116.222, 39.852]);
  const east = (lon - 116.222) * 111320 * Math.cos((39.852 * Math.PI) / 180);
  const north = (lat - 39.852) * 110540;
  assert.ok(east > 400 && east < 700, `east ${east}`);
  assert.ok(north > 50 && north < 250, `north ${north}`);
});

test("outside China nothing moves", () => {
  assert.deepEqual(projector(gcoord, "gcj02")([2.35, 48.85]), [2.35, 48.85]);
});

test("WGS84 basemaps draw the stored coordinates as they are", () => {
  assert.deepEqual(projector(gcoord, "wgs84")([116.222, 39.852]), [116.222, 39.852]);
});
