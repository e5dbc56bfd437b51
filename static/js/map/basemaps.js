// The basemaps the installation offers (settings): each a set of XYZ tile layers and the datum its tiles are drawn
// in. "none" draws no tiles (offline networks, tests): the boundaries and layers still draw.

export function basemapLayers(L, basemaps) {
  return new Map(
    basemaps.map((basemap) => [
      basemap.id,
      L.layerGroup(
        basemap.urls.map((url) =>
          L.tileLayer(url, {
            attribution: basemap.attribution,
            subdomains: basemap.subdomains || "abc",
            maxZoom: 19,
            maxNativeZoom: basemap.max_zoom,
            className: "basemap-" + basemap.id,
          }),
        ),
      ),
    ]),
  );
}

/** A <select> of the basemaps; `onChange(basemap)` when one is chosen. */
export function basemapSelect(select, basemaps, chosen, onChange) {
  select.replaceChildren(
    ...basemaps.map((basemap) => {
      const option = document.createElement("option");
      option.value = basemap.id;
      option.textContent = basemap.label;
      option.selected = basemap.id === chosen;
      return option;
    }),
  );
  select.addEventListener("change", () => onChange(basemaps.find((basemap) => basemap.id === select.value)));
}
