// Aggregated cells from /api/layers/<layer>/aggregate: hexagons or squares (cell=hex|square), or the community and
// grid-cell choropleths (cell=community|grid), coloured by a figure: count, weight, overdue share, on-time rate.

import { getJson, withQuery } from "./api.js";
import { fill } from "./state.js";
import { classes, colorOf } from "./style.js";
import { config, escapeHtml, nameOf, number, percent, t } from "./text.js";

export async function loadCells(layer, cell, params, bbox, signal) {
  const extra = { cell };
  if (cell === "hex" || cell === "square") extra.bbox = bbox;
  return getJson(withQuery(fill(config.urls.aggregate, { layer: layer.name }), params, extra), { signal });
}

const isRate = (figure) => figure.endsWith("_share") || figure.endsWith("_rate");

function tooltip(properties) {
  const lines = [];
  if (properties.name) lines.push(`<strong>${escapeHtml(nameOf(properties))}</strong>`);
  lines.push(`${escapeHtml(t("figure_count"))}: ${escapeHtml(number(properties.count))}`);
  if ("overdue" in properties) lines.push(`${escapeHtml(t("figure_overdue_share"))}: ${escapeHtml(percent(properties.overdue_share))} (${escapeHtml(number(properties.overdue))})`);
  if ("on_time_rate" in properties) lines.push(`${escapeHtml(t("figure_on_time_rate"))}: ${escapeHtml(percent(properties.on_time_rate))}`);
  return lines.join("<br>");
}

/** The cells as polygons and the class breaks their colours follow. */
export function cellsLayer(L, answer, figure, coordsToLatLng) {
  const chosen = answer.features.length && figure in answer.features[0].properties ? figure : "count";
  const breaks = classes(answer.features.map((feature) => feature.properties[chosen]));
  const layer = L.geoJSON(answer, {
    coordsToLatLng,
    style: (feature) => ({
      color: "#495057",
      weight: 0.8,
      fillOpacity: 0.65,
      fillColor: colorOf(feature.properties[chosen], breaks),
      className: "cell",
    }),
    onEachFeature: (feature, drawn) => drawn.bindTooltip(tooltip(feature.properties), { sticky: true }),
  });
  return { layer, breaks, figure: chosen, format: isRate(chosen) ? percent : (value) => number(value) };
}
