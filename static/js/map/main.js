// The managers' map (/map/): the layers the caller may open (GET /api/layers/) as points, vector tiles, a heatmap,
// hexagons or choropleths, with the filters kept in the URL, over a basemap in its own datum.

import gcoord from "../../vendor/gcoord/gcoord.esm-browser.js";

import { getJson } from "./api.js";
import { basemapLayers, basemapSelect } from "./basemaps.js";
import { boundaryLayers, drawBoundaries } from "./boundaries.js";
import { cellsLayer, loadCells } from "./cells.js";
import { exportPanel } from "./export.js";
import { geojsonLayer, loadGeoJSON, tilesLayer } from "./features.js";
import { fillOptions, onFilterChange, readFilters, setDates } from "./filters.js";
import { coordsToLatLng, projector } from "./gcj.js";
import { heatLayer, loadHeat } from "./heat.js";
import { classLegend, heatLegend, layerLegend, legendControl } from "./legend.js";
import { timeControl } from "./player.js";
import { setLookups } from "./popup.js";
import { filterParams, readState, writeSearch } from "./state.js";
import { config, nameOf, number, t } from "./text.js";

const L = window.L;
const body = document.body;
const status = document.getElementById("map-status");
const viewForm = document.getElementById("map-view");
const state = readState(location.search);

const map = L.map("map", { zoomControl: true, maxZoom: 19, minZoom: 3 }).setView(config.center, 14);
map.createPane("tiles-overlay").style.zIndex = 450;
const legend = legendControl(L).addTo(map);
const boundaries = boundaryLayers(L);
Object.values(boundaries).forEach((boundary) => boundary.group.addTo(map));

let layers = [];
let active = null;
let drawn = null;
let controller = null;
let project = null;
let toLatLng = null;

// Basemaps, and the datum the overlays are drawn in (GCJ-02 only while AMap is shown).
const baseLayers = basemapLayers(L, config.basemaps);
let basemap = config.basemaps.find((one) => one.id === state.basemap) || config.basemaps[0];
function showBasemap(chosen) {
  baseLayers.forEach((group) => map.removeLayer(group));
  basemap = chosen;
  baseLayers.get(basemap.id).addTo(map);
  project = projector(gcoord, basemap.crs);
  toLatLng = coordsToLatLng(L, project);
  body.dataset.basemap = basemap.id;
  body.dataset.datum = basemap.crs;
  drawBoundaries(L, boundaries, toLatLng);
}
showBasemap(basemap);
basemapSelect(document.getElementById("basemap-select"), config.basemaps, basemap.id, (chosen) => {
  state.basemap = chosen.id === config.basemaps[0].id ? "" : chosen.id;
  showBasemap(chosen);
  keepUrl();
  redraw();
});

function keepUrl() {
  history.replaceState(null, "", location.pathname + writeSearch(state));
}

// A view's bounds as the API's "min_lon,min_lat,max_lon,max_lat": in WGS84 (a GCJ-02 basemap's view is shifted
// back, or a street-level view would miss what lies within the shift of its edge) and within the bounds the API
// accepts.
function wgs84Bbox(bounds) {
  const toWgs84 = ([lon, lat]) => (basemap.crs === "gcj02" ? gcoord.transform([lon, lat], gcoord.GCJ02, gcoord.WGS84) : [lon, lat]);
  const [west, south] = toWgs84([bounds.getWest(), bounds.getSouth()]);
  const [east, north] = toWgs84([bounds.getEast(), bounds.getNorth()]);
  const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value)).toFixed(6);
  return [clamp(west, 180), clamp(south, 90), clamp(east, 180), clamp(north, 90)].join(",");
}

// What the map loads: the view and a margin around it, so that a small pan needs no new request.
function bbox() {
  return wgs84Bbox(map.getBounds().pad(0.25));
}

// What the export takes: the view as it is.
function viewBbox() {
  return wgs84Bbox(map.getBounds());
}

const exporter = exportPanel({
  layers: () => layers,
  active: () => active,
  filters: () => state.filters,
  bbox: viewBbox,
});

// Vector tiles are cut in WGS84: over a GCJ-02 basemap their pane moves by the shift at the view's centre.
function shiftTilePane() {
  const pane = map.getPane("tiles-overlay");
  if (basemap.crs !== "gcj02") {
    pane.style.transform = "";
    return;
  }
  const centre = map.getCenter();
  const [lon, lat] = project([centre.lng, centre.lat]);
  const from = map.latLngToContainerPoint(centre);
  const to = map.latLngToContainerPoint([lat, lon]);
  pane.style.transform = `translate(${to.x - from.x}px, ${to.y - from.y}px)`;
}
map.on("zoomend moveend", shiftTilePane);

function setLegend(html) {
  legend.getContainer().innerHTML = html;
}

function showFor(selector, attribute, value) {
  document.querySelectorAll(selector).forEach((element) => {
    element.hidden = !element.getAttribute(attribute).split(" ").includes(value);
  });
}

function syncControls() {
  viewForm.view.value = state.view;
  viewForm.heat.value = state.heat;
  viewForm.figure.value = state.figure;
  showFor("[data-views]", "data-views", state.view);
  showFor("[data-layers]", "data-layers", active ? active.name : "");
  viewForm.querySelectorAll("[data-needs-layer]").forEach((option) => {
    option.disabled = !active || option.dataset.needsLayer !== active.name;
  });
}

async function redraw() {
  if (controller) controller.abort();
  controller = new AbortController();
  const { signal } = controller;
  if (!active) return;
  body.dataset.mapState = "loading";
  status.textContent = t("loading");
  const params = filterParams(state.filters);
  try {
    let next;
    let summary;
    if (state.view === "points") {
      const collection = await loadGeoJSON(active, params, bbox(), signal);
      setLegend(layerLegend(active, active.name === "hotspots" ? config.categories : []));
      if (collection.truncated) {
        next = tilesLayer(L, map, active, params, "tiles-overlay");
        body.dataset.source = "tiles";
        summary = t("fromTiles", { n: number(config.geojsonLimit) });
      } else {
        next = geojsonLayer(L, active, collection, toLatLng);
        body.dataset.source = "geojson";
        summary = t("features", { n: number(collection.numberReturned) });
      }
      body.dataset.features = String(collection.numberReturned);
    } else if (state.view === "heat") {
      const answer = await loadHeat(state.heat, params, bbox(), signal);
      next = heatLayer(L, answer, project, map.getZoom());
      setLegend(heatLegend(t("heat_" + state.heat)));
      body.dataset.source = "aggregate";
      body.dataset.features = String(answer.total);
      summary = t("features", { n: number(answer.total) });
    } else {
      const answer = await loadCells(active, state.view, params, bbox(), signal);
      const cells = cellsLayer(L, answer, state.figure, toLatLng);
      next = cells.layer;
      setLegend(classLegend(active.label + " · " + t("figure_" + cells.figure), cells.breaks, cells.format));
      body.dataset.source = "aggregate";
      body.dataset.features = String(answer.total);
      summary = t("features", { n: number(answer.total) });
    }
    if (signal.aborted) return;
    if (drawn) map.removeLayer(drawn);
    drawn = next.addTo(map);
    shiftTilePane();
    status.textContent = summary;
    body.dataset.mapState = "ready";
  } catch (error) {
    if (error.name === "AbortError") return;
    console.error(error);
    status.textContent = t("loadError");
    body.dataset.mapState = "error";
  }
}

function chooseLayer(name) {
  active = layers.find((layer) => layer.name === name) || layers[0] || null;
  state.layer = active ? active.name : "";
  syncControls();
}

function layerChoice() {
  const box = document.getElementById("layer-choice");
  box.replaceChildren(
    ...layers.map((layer) => {
      const label = document.createElement("label");
      label.className = "layer-option";
      label.title = layer.description;
      const input = document.createElement("input");
      Object.assign(input, { type: "radio", name: "layer", value: layer.name, checked: layer === active });
      label.append(input, " " + layer.label);
      return label;
    }),
  );
}

viewForm.addEventListener("change", (event) => {
  const field = event.target.name;
  if (field === "layer") {
    chooseLayer(event.target.value);
    exporter.choose(event.target.value);
  }
  else if (field === "view" || field === "heat" || field === "figure") state[field] = event.target.value;
  else return;
  syncControls();
  keepUrl();
  redraw();
});
viewForm.addEventListener("submit", (event) => event.preventDefault());

onFilterChange((filters) => {
  state.filters = filters;
  keepUrl();
  redraw();
});

let moved = null;
let started = false;
map.on("moveend", () => {
  if (!started) return;
  const centre = map.getCenter();
  state.at = [map.getZoom(), centre.lat.toFixed(5), centre.lng.toFixed(5)].join("/");
  keepUrl();
  clearTimeout(moved);
  if (state.view !== "community" && state.view !== "grid") moved = setTimeout(redraw, 300);
});

async function init() {
  const optional = (url) => (url ? getJson(url).catch(() => []) : Promise.resolve([]));
  const [layerList, communities, grid, units, campaigns, problemTypes] = await Promise.all([
    getJson(config.urls.layers),
    getJson(config.urls.jurisdictions + "?level=2"),
    getJson(config.urls.jurisdictions + "?kind=grid"),
    getJson(config.urls.units),
    optional(config.urls.campaigns),
    optional(config.urls.problemTypes),
  ]);
  layers = layerList;
  // Without a layer in the URL: the tasks, else the findings (the boundaries are drawn anyway).
  const preferred = state.layer || ["tasks", "findings"].find((name) => layers.some((layer) => layer.name === name)) || "";
  chooseLayer(preferred);
  layerChoice();
  exporter.fillLayers();
  const tasks = layers.find((layer) => layer.name === "tasks");
  viewForm.querySelectorAll("[data-needs]").forEach((option) => {
    option.disabled = !layers.some((layer) => layer.name === option.dataset.needs);
  });
  if (!tasks && state.heat !== "findings") state.heat = "findings";
  syncControls();

  boundaries.communities.data = communities;
  boundaries.grid.data = grid;
  if (config.showUnits) boundaries.units.data = units;
  drawBoundaries(L, boundaries, toLatLng);
  const unitRows = units.features.map((feature) => ({ id: feature.id, ...feature.properties }));
  const communityRows = communities.features.map((feature) => ({ id: feature.id, ...feature.properties }));
  setLookups({ problemTypes, units: unitRows, categories: config.categories });
  fillOptions(
    { campaigns, categories: config.categories, problemTypes, communities: communityRows, units: unitRows, states: tasks ? tasks.legend : [] },
    state.filters,
  );
  state.filters = readFilters();

  const [zoom, lat, lon] = state.at.split("/").map(Number);
  if (state.at && [zoom, lat, lon].every(Number.isFinite)) map.setView([lat, lon], zoom, { animate: false });
  else if (communities.features.length) map.fitBounds(L.geoJSON(communities).getBounds(), { animate: false });

  timeControl({
    days: config.playDays,
    today: config.today,
    onDay: (day) => {
      state.filters = { ...state.filters, start: day, end: day };
      setDates(day, day);
      keepUrl();
      return redraw();
    },
    onStop: () => {
      state.filters = { ...state.filters, start: "", end: "" };
      setDates("", "");
      keepUrl();
      redraw();
    },
  });
  if (!active) {
    status.textContent = t("noLayer");
    body.dataset.mapState = "ready";
    return;
  }
  started = true;
  await redraw();
}

init().catch((error) => {
  console.error(error);
  status.textContent = t("loadError");
  body.dataset.mapState = "error";
});
// For the browser tests and a console: the Leaflet map.
window.wenmingMap = { map, nameOf };
