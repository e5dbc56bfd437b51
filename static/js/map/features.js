// A registry layer's features: GeoJSON from /api/layers/<layer>.geojson (bbox, filters, limit) while the view holds
// few enough; when the answer says "truncated", the same layer from the vector tiles (/tiles/<layer>/<z>/<x>/<y>.pbf,
// same filters) through Leaflet.VectorGrid.

import { getJson, withQuery } from "./api.js";
import { popupHtml } from "./popup.js";
import { fill } from "./state.js";
import { pointStyle, tileStyle } from "./style.js";
import { config } from "./text.js";

export async function loadGeoJSON(layer, params, bbox, signal) {
  const url = withQuery(fill(config.urls.geojson, { layer: layer.name }), params, { bbox, limit: config.geojsonLimit });
  return getJson(url, { signal });
}

/** An L.geoJSON of the collection, points as circles coloured from the legend, each with its popup. */
export function geojsonLayer(L, layer, collection, coordsToLatLng) {
  return L.geoJSON(collection, {
    coordsToLatLng,
    pointToLayer: (feature, latlng) => L.circleMarker(latlng, pointStyle(layer, feature.properties)),
    style: (feature) => {
      const { radius, ...style } = pointStyle(layer, feature.properties);
      return { ...style, fillOpacity: 0.35 };
    },
    onEachFeature: (feature, drawn) => drawn.bindPopup(() => popupHtml(layer, feature.properties), { maxWidth: 320 }),
  });
}

export function tilesUrl(layer, params) {
  return withQuery(fill(config.urls.tiles, { layer: layer.name }), params);
}

/** The layer from vector tiles: one MVT layer per tile, named like the registry layer (contracts.md). */
export function tilesLayer(L, map, layer, params, pane) {
  const tiles = L.vectorGrid.protobuf(tilesUrl(layer, params), {
    vectorTileLayerStyles: { [layer.name]: tileStyle(layer) },
    interactive: true,
    pane,
    maxNativeZoom: 18,
    getFeatureId: (feature) => feature.properties.task || feature.id,
    rendererFactory: L.canvas.tile,
  });
  tiles.on("click", (event) => {
    L.popup({ maxWidth: 320 }).setLatLng(event.latlng).setContent(popupHtml(layer, event.layer.properties)).openOn(map);
  });
  return tiles;
}
