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

/** A leaflet.heat layer of the bins, each [lat, lon, weight] moved by `project` ([lon, lat] → [lon, lat]). */
export function heatLayer(L, answer, project) {
  const points = answer.points.map(([lat, lon, weight]) => {
    const [x, y] = project([lon, lat]);
    return [y, x, weight];
  });
  const max = Math.max(1, ...points.map((point) => point[2]));
  return L.heatLayer(points, { radius: 22, blur: 16, max, minOpacity: 0.25, className: "heat" });
}
