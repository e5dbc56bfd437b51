// The legend on the map: the layer's legend (colours of its style property), the heatmap's ramp, or the classes
// of the cells' figure.

import { escapeHtml, t } from "./text.js";

export function legendControl(L) {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const box = L.DomUtil.create("div", "map-legend leaflet-bar");
    box.dataset.testid = "legend";
    L.DomEvent.disableClickPropagation(box);
    L.DomEvent.disableScrollPropagation(box);
    return box;
  };
  return control;
}

const swatch = (color, emphasis, shape = "dot") =>
  `<span class="swatch ${shape}${emphasis ? " emphasis" : ""}" style="${shape === "ring" ? "border-color" : "background"}:${escapeHtml(color)}"></span>`;

export function layerLegend(layer, categories = []) {
  const items = layer.legend.map(
    (entry) => `<li data-value="${escapeHtml(entry.value)}">${swatch(entry.color, entry.emphasis)}${escapeHtml(entry.label)}</li>`,
  );
  let extra = "";
  if (layer.name === "hotspots" && categories.length) {
    extra = `<h4>${escapeHtml(t("ringCategory"))}</h4><ul>${categories
      .map((category) => `<li>${swatch(category.color, false, "ring")}${escapeHtml(category.name)}</li>`)
      .join("")}</ul>`;
  }
  return `<h3>${escapeHtml(layer.label)}</h3><ul>${items.join("")}</ul>${extra}`;
}

export function heatLegend(title) {
  return `<h3>${escapeHtml(title)}</h3><div class="heat-ramp"></div><div class="ramp-labels"><span>${escapeHtml(t("low"))}</span><span>${escapeHtml(t("high"))}</span></div>`;
}

export function classLegend(title, breaks, format) {
  if (!breaks.length) return `<h3>${escapeHtml(title)}</h3><p>${escapeHtml(t("nothing"))}</p>`;
  const items = breaks.map(([bound, color], index) => {
    const low = index ? breaks[index - 1][0] : null;
    const label = low == null ? "≤ " + format(bound) : format(low) + " – " + format(bound);
    return `<li>${swatch(color, false, "square")}${escapeHtml(label)}</li>`;
  });
  return `<h3>${escapeHtml(title)}</h3><ul>${items.join("")}</ul>`;
}
