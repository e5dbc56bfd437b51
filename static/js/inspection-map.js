/* One inspection on a small map: the hotspot, each finding (numbered), each photo where its EXIF says it was taken,
   a line from every photo to its finding, and the device position with its accuracy. Data comes from the page. */
(function () {
  "use strict";
  const element = document.getElementById("inspection-map");
  if (!element || typeof L === "undefined") return;
  const config = JSON.parse(document.getElementById("inspection-map-config").textContent);
  const data = JSON.parse(document.getElementById("inspection-map-data").textContent);
  const t = config.text;
  const lang = document.documentElement.lang;
  const number = (n, digits) => Number(n).toLocaleString(lang, { maximumFractionDigits: digits });
  const escapeHtml = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

  // A view first: Leaflet cannot draw vector layers on a map that has none yet.
  const map = L.map(element, { maxZoom: 19, scrollWheelZoom: false }).setView([data.inspection.lat, data.inspection.lon], 17);
  if (config.tilesUrl) {
    L.tileLayer(config.tilesUrl, { attribution: config.tilesAttribution, maxZoom: 19 }).addTo(map);
  }
  L.control.scale({ metric: true, imperial: false }).addTo(map);
  const bounds = L.latLngBounds([]);
  const ll = (p) => L.latLng(p.lat, p.lon);

  function scrollToCard(id) {
    const card = document.getElementById(id);
    if (!card) return;
    card.scrollIntoView({ behavior: "smooth", block: "center" });
    card.classList.add("highlight");
    setTimeout(() => card.classList.remove("highlight"), 1600);
  }

  if (data.hotspot) {
    const color = data.hotspot.color || "#d9480f";
    const hotspot = L.geoJSON(data.hotspot.geometry, {
      style: { color: color, weight: 2, fillColor: color, fillOpacity: 0.15 },
      pointToLayer: (feature, latlng) =>
        L.circleMarker(latlng, { radius: 14, color: color, weight: 2, fillColor: color, fillOpacity: 0.15 }),
    }).bindTooltip(escapeHtml(data.hotspot.name));
    hotspot.addTo(map);
    bounds.extend(hotspot.getBounds());
  } else {
    bounds.extend(ll(data.inspection));
  }

  if (data.position) {
    const at = ll(data.position);
    if (data.position.accuracy) {
      L.circle(at, { radius: data.position.accuracy, color: "#1c7ed6", weight: 1, fillOpacity: 0.08, interactive: false }).addTo(map);
    }
    const label = t.position + (data.position.accuracy != null ? " · " + t.accuracy.replace("{n}", number(data.position.accuracy, 1)) : "");
    L.circleMarker(at, { radius: 5, color: "#fff", weight: 2, fillColor: "#1c7ed6", fillOpacity: 1 })
      .bindTooltip(escapeHtml(label))
      .addTo(map);
    bounds.extend(at);
  }

  const findings = {};
  for (const finding of data.findings) findings[finding.id] = finding;

  for (const photo of data.photos) {
    const finding = findings[photo.finding];
    const at = ll(photo);
    if (finding) {
      L.polyline([at, ll(finding)], {
        color: photo.flagged ? "#e8590c" : "#495057",
        weight: 2,
        opacity: 0.8,
        dashArray: "5 5",
        className: "photo-line",
      }).addTo(map);
    }
    let tooltip = t.photo + " · " + photo.role;
    if (photo.distance != null) tooltip += "<br>" + t.distance.replace("{n}", number(photo.distance, 0));
    L.marker(at, {
      icon: L.divIcon({ className: "photo-marker" + (photo.flagged ? " flagged" : ""), html: "", iconSize: [16, 16] }),
      keyboard: true,
      title: t.photo,
    })
      .bindTooltip(escapeHtml(tooltip).replace("&lt;br&gt;", "<br>"))
      .on("click", () => scrollToCard("photo-" + photo.id))
      .addTo(map);
    bounds.extend(at);
  }

  for (const finding of data.findings) {
    L.marker(ll(finding), {
      icon: L.divIcon({ className: "finding-marker", html: "<span>" + finding.number + "</span>", iconSize: [26, 26] }),
      keyboard: true,
      title: t.finding + " " + finding.number,
      zIndexOffset: 1000, // the numbered finding stays readable over photos taken a few metres away
    })
      .bindTooltip(escapeHtml(finding.number + " · " + finding.label))
      .on("click", () => scrollToCard("finding-" + finding.id))
      .addTo(map);
    bounds.extend(ll(finding));
  }

  function fit() {
    map.invalidateSize();
    if (bounds.isValid()) map.fitBounds(bounds.pad(0.25), { maxZoom: 18 });
  }
  fit();
  window.addEventListener("resize", () => {
    clearTimeout(fit.pending);
    fit.pending = setTimeout(fit, 200);
  });
  element.dataset.ready = "true";
})();
