// Communities and grid cells (and, for managers, the units' service areas), drawn under every layer and basemap.

import { escapeHtml, nameOf } from "./text.js";

export function boundaryLayers(L) {
  const make = (style, label) => ({ data: null, group: L.layerGroup(), style, label });
  return {
    communities: make({ color: "#1864ab", weight: 2, fillOpacity: 0.03, className: "boundary community" }, (p) => nameOf(p) + " · " + p.code),
    grid: make({ color: "#868e96", weight: 0.6, dashArray: "2 3", fillOpacity: 0, className: "boundary grid" }, (p) => p.code),
    units: make({ color: "#2b8a3e", weight: 1.5, fillOpacity: 0.04, className: "boundary unit" }, (p) => nameOf(p)),
  };
}

/** (Re)draws every boundary with `coordsToLatLng` (WGS84 or shifted to GCJ-02). */
export function drawBoundaries(L, boundaries, coordsToLatLng) {
  for (const boundary of Object.values(boundaries)) {
    boundary.group.clearLayers();
    if (!boundary.data) continue;
    boundary.group.addLayer(
      L.geoJSON(boundary.data, {
        coordsToLatLng,
        interactive: false,
        style: boundary.style,
        onEachFeature: (feature, layer) => layer.bindTooltip(escapeHtml(boundary.label(feature.properties)), { sticky: true }),
      }),
    );
  }
}
