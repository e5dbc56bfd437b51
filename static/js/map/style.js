// How a feature is drawn: the colour of its style property's value from the layer's legend (GET /api/layers/);
// values the legend marks with `emphasis` (overdue, rejected) are drawn larger, with a dark ring.

const FALLBACK = "#868e96";

export function legendEntry(layer, properties) {
  const value = properties[layer.style];
  return layer.legend.find((entry) => entry.value === value) || null;
}

/** The circle of a point feature (an SVG path's options; `className` names its state for tests and CSS). */
export function pointStyle(layer, properties) {
  const entry = legendEntry(layer, properties);
  const emphasis = Boolean(entry && entry.emphasis);
  const state = String(properties[layer.style] ?? "").replace(/[^\w-]/g, "");
  return {
    radius: emphasis ? 10 : 6,
    color: emphasis ? "#212529" : properties.color || "#ffffff",
    weight: emphasis ? 3 : 1.5,
    fillColor: entry ? entry.color : FALLBACK,
    fillOpacity: 0.9,
    className: `feature feature-${layer.name} state-${state}${emphasis ? " emphasis" : ""}`,
  };
}

/** The same for vector tiles (Leaflet.VectorGrid's path options). */
export function tileStyle(layer) {
  return (properties) => {
    const { className, ...style } = pointStyle(layer, properties);
    return { ...style, fill: true };
  };
}

// Sequential classes for the choropleths and hexagons (ColorBrewer YlOrRd, 5 classes).
export const RAMP = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"];

/** Class breaks of `values` (equal-count where the values allow), as [upper bound, colour] pairs. */
export function classes(values) {
  const sorted = values.filter((value) => value != null && !Number.isNaN(value)).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const breaks = [];
  for (let index = 1; index <= RAMP.length; index++) {
    const bound = sorted[Math.min(sorted.length - 1, Math.ceil((index / RAMP.length) * sorted.length) - 1)];
    if (!breaks.length || bound > breaks[breaks.length - 1]) breaks.push(bound);
  }
  const offset = RAMP.length - breaks.length;
  return breaks.map((bound, index) => [bound, RAMP[offset + index]]);
}

export function colorOf(value, breaks) {
  if (value == null) return "#e9ecef";
  for (const [bound, color] of breaks) if (value <= bound) return color;
  return breaks.length ? breaks[breaks.length - 1][1] : "#e9ecef";
}
