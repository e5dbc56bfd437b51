/* The managers' map: jurisdictions, units' service areas and hotspots from the GeoJSON API, scoped by the server. */
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("map-config").textContent);
  const t = config.text;
  const map = L.map("map", { zoomControl: true, maxZoom: 19 }).setView(config.center, 14);
  const overlays = {};
  const baseLayers = {};
  if (config.tilesUrl) {
    baseLayers[t.basemap] = L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19 }).addTo(map);
  }

  const escapeHtml = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  async function getJson(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(response.status + " " + url);
    return response.json();
  }

  const communities = L.geoJSON(null, {
    style: { color: "#1864ab", weight: 2, fillOpacity: 0.04 },
    onEachFeature: (f, layer) => layer.bindTooltip(escapeHtml(f.properties.name) + " · " + escapeHtml(f.properties.code)),
  });
  const grid = L.geoJSON(null, {
    style: { color: "#868e96", weight: 0.6, dashArray: "2 3", fillOpacity: 0 },
    onEachFeature: (f, layer) => layer.bindTooltip(escapeHtml(f.properties.code)),
  });
  const units = L.geoJSON(null, {
    style: { color: "#2b8a3e", weight: 1.5, fillOpacity: 0.06 },
    onEachFeature: (f, layer) => layer.bindPopup("<strong>" + escapeHtml(f.properties.name) + "</strong><br>" + escapeHtml(f.properties.contact_phone)),
  });
  const clusters = L.markerClusterGroup({ maxClusterRadius: 40 });
  const outlines = L.geoJSON(null, {
    style: (f) => ({ color: f.properties.color, weight: 2, fillOpacity: 0.25 }),
  });
  const hotspots = L.layerGroup([clusters, outlines]).addTo(map);
  overlays[t.communities] = communities.addTo(map);
  overlays[t.grid] = grid;
  if (config.showUnits) overlays[t.units] = units;
  overlays[t.hotspots] = hotspots;
  L.control.layers(baseLayers, overlays, { collapsed: true }).addTo(map);

  let allHotspots = [];
  const categoryFilter = document.getElementById("category-filter");

  function popupFor(p) {
    return "<strong>" + escapeHtml(p.name) + "</strong><br>" + escapeHtml(p.category_name) + " · " + escapeHtml(p.jurisdiction_name) +
      "<br>" + escapeHtml(p.address) + "<br>" + t.sponsor + ": " + escapeHtml(p.sponsoring_unit_name || t.none);
  }

  function drawHotspots() {
    const category = categoryFilter.value;
    const shown = allHotspots.filter((f) => !category || f.properties.category === category);
    clusters.clearLayers();
    outlines.clearLayers();
    const list = document.getElementById("hotspot-list");
    list.replaceChildren();
    for (const feature of shown) {
      const p = feature.properties;
      let layer;
      if (feature.geometry.type === "Point") {
        const [lon, lat] = feature.geometry.coordinates;
        layer = L.circleMarker([lat, lon], { radius: 8, color: "#fff", weight: 2, fillColor: p.color, fillOpacity: 0.95 });
        clusters.addLayer(layer);
      } else {
        layer = L.geoJSON(feature, { style: { color: p.color, weight: 2, fillOpacity: 0.25 } });
        outlines.addLayer(layer);
      }
      layer.bindPopup(popupFor(p));
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "hotspot-item";
      button.dataset.hotspotId = feature.id;
      button.innerHTML = '<span class="swatch" style="background:' + escapeHtml(p.color) + '"></span>' + escapeHtml(p.name) +
        '<small>' + escapeHtml(p.category_name) + " · " + escapeHtml(p.jurisdiction_name) + "</small>";
      button.addEventListener("click", () => {
        const bounds = layer.getBounds ? layer.getBounds() : L.latLngBounds([layer.getLatLng()]);
        map.fitBounds(bounds, { maxZoom: 17 });
        if (clusters.hasLayer(layer)) clusters.zoomToShowLayer(layer, () => layer.openPopup());
        else layer.openPopup();
      });
      item.appendChild(button);
      list.appendChild(item);
    }
    document.getElementById("hotspot-count").textContent = t.count.replace("{n}", shown.length.toLocaleString(document.documentElement.lang));
  }

  function bboxParam() {
    return map.getBounds().pad(0.5).toBBoxString();
  }

  let pending = null;
  async function loadHotspots() {
    const data = await getJson(config.urls.hotspots + "?bbox=" + bboxParam());
    allHotspots = data.features;
    drawHotspots();
    document.body.dataset.hotspotsLoaded = String(allHotspots.length);
  }

  async function init() {
    try {
      const [areas, cells] = await Promise.all([
        getJson(config.urls.jurisdictions + "?level=2"),
        getJson(config.urls.jurisdictions + "?kind=grid"),
      ]);
      communities.addData(areas);
      grid.addData(cells);
      if (communities.getLayers().length) map.fitBounds(communities.getBounds());
      if (config.showUnits) units.addData(await getJson(config.urls.units));
      await loadHotspots();
    } catch (error) {
      document.getElementById("hotspot-count").textContent = t.loadError;
      console.error(error);
    }
  }

  categoryFilter.addEventListener("change", drawHotspots);
  map.on("moveend", () => {
    clearTimeout(pending);
    pending = setTimeout(() => loadHotspots().catch(console.error), 250);
  });
  init();
})();
