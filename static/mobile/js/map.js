/* The map beside the list (Leaflet, with clustered markers): the hotspots, or the unit's tasks drawn by the task
 * board, the communities' outlines, and where the tablet is.
 */
import { config, state } from "./state.js";

const layers = state.layers;

export function mapLayers() {
  return { map: layers.map, outlines: layers.outlines, clusters: layers.clusters, markers: layers.markers, focus: layers.focus };
}

function ensureMap() {
  if (layers.map || !window.L) return;
  layers.map = L.map("map", { zoomControl: true, maxZoom: 19, tap: true }).setView(config.center, 14);
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19, crossOrigin: true }).addTo(layers.map);
  }
  layers.outlines = L.layerGroup().addTo(layers.map);
  layers.clusters = L.markerClusterGroup({ maxClusterRadius: 45, showCoverageOnHover: false }).addTo(layers.map);
  layers.focus = L.layerGroup().addTo(layers.map);
  layers.position = L.layerGroup().addTo(layers.map);
}

export function drawMapData() {
  ensureMap();
  if (!layers.map) return;
  layers.outlines.clearLayers();
  layers.clusters.clearLayers();
  layers.markers.clear();
  if (state.board) {
    state.board.drawMap(mapLayers());
    drawPosition();
    return;
  }
  if (state.communities) {
    L.geoJSON(state.communities, {
      style: { color: "#1f4e79", weight: 1.5, opacity: 0.6, fillOpacity: 0.03 },
      interactive: false,
    }).addTo(layers.outlines);
  }
  const bounds = [];
  for (const feature of state.hotspots) {
    const p = feature.properties;
    if (!feature.anchor) continue;
    if (feature.geometry.type !== "Point") {
      L.geoJSON(feature, { style: { color: p.color, weight: 2, fillOpacity: 0.18 }, interactive: false }).addTo(layers.outlines);
    }
    const done = state.inspectedToday.has(String(feature.id));
    const marker = L.circleMarker([feature.anchor.lat, feature.anchor.lon], {
      radius: 11,
      color: done ? "#2f9e44" : "#ffffff",
      weight: done ? 4 : 3,
      fillColor: p.color,
      fillOpacity: 0.95,
    });
    marker.bindTooltip(p.name, { direction: "top", offset: [0, -8] });
    marker.on("click", () => (location.hash = "#/hotspot/" + feature.id));
    layers.clusters.addLayer(marker);
    layers.markers.set(String(feature.id), marker);
    bounds.push([feature.anchor.lat, feature.anchor.lon]);
  }
  if (bounds.length && !layers.map._fitted) {
    layers.map.fitBounds(bounds, { padding: [30, 30], maxZoom: 16 });
    layers.map._fitted = true;
  }
  drawPosition();
}

export function drawPosition() {
  if (!layers.map || !layers.position) return;
  layers.position.clearLayers();
  if (!state.position) return;
  const here = [state.position.lat, state.position.lon];
  L.circle(here, { radius: state.position.accuracy || 0, color: "#1c7ed6", weight: 1, fillOpacity: 0.12, interactive: false }).addTo(layers.position);
  L.circleMarker(here, { radius: 8, color: "#fff", weight: 3, fillColor: "#1c7ed6", fillOpacity: 1, interactive: false }).addTo(layers.position);
}

export function focusHotspot(feature) {
  if (!layers.map || !feature.anchor) return;
  const marker = layers.markers.get(String(feature.id));
  layers.map.setView([feature.anchor.lat, feature.anchor.lon], Math.max(layers.map.getZoom(), 17));
  if (marker) layers.clusters.zoomToShowLayer(marker, () => marker.openTooltip());
}
