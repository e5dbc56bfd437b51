// The heatmap: bins summed in the database (/api/layers/<layer>/aggregate?cell=heat), drawn by leaflet.heat.
// Findings weighted by severity, or open tasks, or overdue tasks.

import { getJson, withQuery } from "./api.js";
import { fill } from "./state.js";
import { config } from "./text.js";

/** The layer and the state filter each heat source reads. */
export function heatSource(source) {
  if (source === "open") return { layer: "tasks", status: ["open"] };
  if (source === "overdue") return { layer: "tasks", status: ["overdue"] };
  return { layer: "findings", status: null };
}

export async function loadHeat(source, params, bbox, signal) {
  const { layer, status } = heatSource(source);
  const extra = { cell: "heat", bbox };
  if (status) extra.status = status;
  return getJson(withQuery(fill(config.urls.aggregate, { layer }), params, extra), { signal });
}

/** A leaflet.heat layer of the bins, each [lat, lon, weight] moved by `project` ([lon, lat] → [lon, lat]). The bins
 * are the view's (fetched again when it moves): `maxZoom` is the view's zoom, so the plugin thins no weight. */
export function heatLayer(L, answer, project, zoom) {
  const points = answer.points.map(([lat, lon, weight]) => {
    const [x, y] = project([lon, lat]);
    return [y, x, weight];
  });
  const max = Math.max(1, ...points.map((point) => point[2])) * 0.6;
  return L.heatLayer(points, { radius: 24, blur: 14, max, maxZoom: zoom, minOpacity: 0.3 });
}
