// The map's state and its URL: /map/?layer=<name>&<the layers' filter parameters>&view=…&heat=…&figure=…&basemap=…
// (no DOM: tested with node --test in tests/js/map_state.test.mjs).

// Filter parameters exactly as the layers' filtersets name them; `status` may repeat.
export const FILTERS = ["start", "end", "campaign", "phase", "category", "problem_type", "status", "community", "unit"];
export const VIEWS = ["points", "heat", "hex", "square", "community", "grid"];
export const HEAT_SOURCES = ["findings", "open", "overdue"];
export const FIGURES = ["count", "weight", "overdue_share", "on_time_rate"];
const DEFAULTS = { view: "points", heat: "findings", figure: "count", basemap: "", at: "" };

export function emptyFilters() {
  return Object.fromEntries(FILTERS.map((name) => [name, name === "status" ? [] : ""]));
}

/** The state a query string describes; unknown values fall back to the defaults. */
export function readState(search) {
  const params = new URLSearchParams(search);
  const filters = emptyFilters();
  for (const name of FILTERS) {
    if (name === "status") filters.status = params.getAll("status").filter(Boolean);
    else filters[name] = params.get(name) || "";
  }
  const pick = (name, allowed) => {
    const value = params.get(name) || DEFAULTS[name];
    return allowed && !allowed.includes(value) ? DEFAULTS[name] : value;
  };
  return {
    layer: params.get("layer") || "",
    view: pick("view", VIEWS),
    heat: pick("heat", HEAT_SOURCES),
    figure: pick("figure", FIGURES),
    basemap: pick("basemap"),
    at: pick("at"),
    filters,
  };
}

/** The filters as query parameters (empty ones left out), for the GeoJSON, the aggregates and the tiles. */
export function filterParams(filters) {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = filters[name];
    if (Array.isArray(value)) value.filter(Boolean).forEach((one) => params.append(name, one));
    else if (value) params.set(name, value);
  }
  return params;
}

/** The query string that restores `state` (defaults left out; the layer and the filters first). */
export function writeSearch(state) {
  const params = new URLSearchParams();
  if (state.layer) params.set("layer", state.layer);
  for (const [name, value] of filterParams(state.filters)) params.append(name, value);
  for (const name of Object.keys(DEFAULTS)) {
    if (state[name] && state[name] !== DEFAULTS[name]) params.set(name, state[name]);
  }
  const text = params.toString();
  return text ? "?" + text : "";
}

/** The ISO dates of the `count` days ending with `last` (an ISO date), oldest first. */
export function lastDays(last, count) {
  const end = new Date(last + "T00:00:00Z");
  return Array.from({ length: count }, (_, index) => {
    const day = new Date(end);
    day.setUTCDate(end.getUTCDate() - (count - 1 - index));
    return day.toISOString().slice(0, 10);
  });
}

/** A URL template ("/api/layers/{layer}.geojson", "/tasks/{id}/") with its placeholders filled. */
export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? encodeURIComponent(values[name]) : whole));
}
