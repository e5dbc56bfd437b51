// WGS84 → GCJ-02 for the AMap basemap, through the gcoord library (passed in: the page imports the browser build,
// the tests the npm package). Stored data stays WGS84: only what is drawn over a GCJ-02 basemap is shifted.

/** [lon, lat] in the datum `crs` ("wgs84" or "gcj02") of a WGS84 [lon, lat]. */
export function projector(gcoord, crs) {
  if (crs !== "gcj02") return (lonLat) => [lonLat[0], lonLat[1]];
  return (lonLat) => gcoord.transform([lonLat[0], lonLat[1]], gcoord.WGS84, gcoord.GCJ02);
}

/** The same as a Leaflet `coordsToLatLng` ([lon, lat] in, L.latLng out). */
export function coordsToLatLng(L, project) {
  return (coords) => {
    const [lon, lat] = project(coords);
    return L.latLng(lat, lon, coords[2]);
  };
}
