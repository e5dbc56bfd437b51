/* One task on a small map: the hotspot's outline, the finding, the geofence circle around it (the task's site),
   where each after-photo was taken (inside or outside the site) and where moves were made. Data comes from the page. */
(function () {
  "use strict";
  const element = document.getElementById("task-map");
  if (!element || typeof L === "undefined") return;
  const config = JSON.parse(document.getElementById("task-map-config").textContent);
  const data = JSON.parse(document.getElementById("task-map-data").textContent);
  const t = config.text;
  const lang = document.documentElement.lang;
  const number = (n, digits) => Number(n).toLocaleString(lang, { maximumFractionDigits: digits });
  const escapeHtml = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const ll = (p) => L.latLng(p.lat, p.lon);

  // A view first: Leaflet cannot draw vector layers on a map that has none yet.
  const map = L.map(element, { maxZoom: 19, scrollWheelZoom: false }).setView(ll(data.finding), 17);
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19 }).addTo(map);
  }
  L.control.scale({ metric: true, imperial: false }).addTo(map);
  const bounds = L.latLngBounds([]);

  if (data.hotspot) {
    const color = data.hotspot.color || "#d9480f";
    const hotspot = L.geoJSON(data.hotspot.geometry, {
      style: { color: color, weight: 2, fillColor: color, fillOpacity: 0.12 },
      pointToLayer: (feature, latlng) =>
        L.circleMarker(latlng, { radius: 14, color: color, weight: 2, fillColor: color, fillOpacity: 0.12 }),
    }).bindTooltip(escapeHtml(data.hotspot.name));
    hotspot.addTo(map);
    bounds.extend(hotspot.getBounds());
  }

  const site = L.circle(ll(data.finding), {
    radius: data.radius,
    color: "#2b8a3e",
    weight: 2,
    dashArray: "6 4",
    fillColor: "#2b8a3e",
    fillOpacity: 0.06,
    className: "geofence",
  }).bindTooltip(escapeHtml(t.site.replace("{n}", number(data.radius, 0))));
  site.addTo(map);
  bounds.extend(site.getBounds());

  for (const move of data.moves) {
    const at = ll(move);
    if (move.accuracy) {
      L.circle(at, { radius: move.accuracy, color: "#1c7ed6", weight: 1, fillOpacity: 0.06, interactive: false }).addTo(map);
    }
    let label = t.move + " · " + move.label;
    if (move.accuracy != null) label += " · " + t.accuracy.replace("{n}", number(move.accuracy, 0));
    L.circleMarker(at, { radius: 5, color: "#fff", weight: 2, fillColor: "#1c7ed6", fillOpacity: 1 })
      .bindTooltip(escapeHtml(label))
      .addTo(map);
    bounds.extend(at);
  }

  for (const photo of data.photos) {
    const at = ll(photo);
    const outside = photo.outside != null && photo.outside > 0;
    const where = outside ? t.outside.replace("{n}", number(photo.outside, 0)) : t.inside;
    L.marker(at, {
      icon: L.divIcon({ className: "after-marker" + (outside ? " outside" : ""), html: "", iconSize: [16, 16] }),
      keyboard: true,
      title: t.after,
    })
      .bindTooltip(escapeHtml(t.after + " · " + where))
      .on("click", () => {
        const card = document.getElementById("photo-" + photo.id);
        if (card) card.scrollIntoView({ behavior: "smooth", block: "center" });
      })
      .addTo(map);
    bounds.extend(at);
  }

  L.marker(ll(data.finding), {
    icon: L.divIcon({ className: "finding-marker", html: "<span>!</span>", iconSize: [26, 26] }),
    keyboard: true,
    title: t.finding,
    zIndexOffset: 1000,
  })
    .bindTooltip(escapeHtml(t.finding + " · " + data.finding.label))
    .addTo(map);
  bounds.extend(ll(data.finding));

  function fit() {
    map.invalidateSize();
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.2), { maxZoom: 18 });
  }
  fit();
  window.addEventListener("resize", () => {
    clearTimeout(fit.pending);
    fit.pending = setTimeout(fit, 200);
  });
  element.dataset.ready = "true";
})();
