// The map's export panel: POST /api/layers/<layer>/exports/ with the map's filters (and the view's bbox), then the
// job polled until its file can be downloaded.

import { filterParams, fill } from "./state.js";
import { config, t } from "./text.js";

const POLL_MS = 1000;
const UNFINISHED = new Set(["queued", "running"]);

function filtersObject(filters) {
  const object = {};
  for (const [name, value] of filterParams(filters)) (object[name] ||= []).push(value);
  return object;
}

function firstError(body) {
  if (!body || typeof body !== "object") return "";
  return body.detail || "";
}

/** Wire the form: `layers()` the layers the caller may open, `active()` the one shown, `filters()` the map's,
 * `bbox()` the view's "min_lon,min_lat,max_lon,max_lat". */
export function exportPanel({ layers, active, filters, bbox }) {
  const form = document.getElementById("map-export");
  const layerSelect = form.elements.layer;
  const photos = form.elements.with_photos;
  const box = document.getElementById("export-progress");
  const bar = box.querySelector("progress");
  const stateText = document.getElementById("export-state");
  const link = document.getElementById("export-download");
  const token = form.elements.csrfmiddlewaretoken.value;
  let polling = null;

  function syncPhotos() {
    const layer = layers().find((one) => one.name === layerSelect.value);
    photos.disabled = !layer || !layer.photos;
    if (photos.disabled) photos.checked = false;
  }

  function fillLayers() {
    layerSelect.replaceChildren(
      ...layers().map((layer) => new Option(layer.label, layer.name, false, active() && layer.name === active().name)),
    );
    syncPhotos();
  }

  function show(job) {
    document.body.dataset.exportStatus = job.status;
    bar.value = job.progress;
    bar.hidden = !UNFINISHED.has(job.status);
    if (job.status === "failed") stateText.textContent = t("exportFailed", { error: job.error });
    else {
      const rows = { status: job.status_label, written: job.rows_written, total: job.rows_total ?? "…" };
      const photosDone = { written: job.photos_written, total: job.photos_total ?? "…" };
      stateText.textContent = t("exportRows", rows) + (job.with_photos ? " · " + t("exportPhotos", photosDone) : "");
    }
    link.hidden = !job.download_url;
    if (job.download_url) link.href = job.download_url;
  }

  async function poll(url) {
    try {
      const answer = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (answer.ok) {
        const job = await answer.json();
        show(job);
        if (!UNFINISHED.has(job.status)) return;
      }
    } catch {
      // offline for a moment: ask again
    }
    polling = setTimeout(() => poll(url), POLL_MS);
  }

  form.addEventListener("change", (event) => {
    if (event.target === layerSelect) syncPhotos();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearTimeout(polling);
    box.hidden = false;
    link.hidden = true;
    bar.value = 0;
    bar.hidden = false;
    stateText.textContent = t("loading");
    document.body.dataset.exportStatus = "asking";
    const body = {
      format: form.elements.format.value,
      with_photos: photos.checked,
      filters: filtersObject(filters()),
      bbox: form.elements.in_view.checked ? bbox() : "",
    };
    try {
      const answer = await fetch(fill(config.urls.exports, { layer: layerSelect.value }), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
        body: JSON.stringify(body),
      });
      const job = await answer.json().catch(() => null);
      if (!answer.ok) {
        bar.hidden = true;
        document.body.dataset.exportStatus = "refused";
        stateText.textContent = t("exportRefused", { error: firstError(job) || answer.status });
        return;
      }
      show(job);
      if (UNFINISHED.has(job.status)) polling = setTimeout(() => poll(job.url), POLL_MS);
    } catch (error) {
      console.error(error);
      bar.hidden = true;
      document.body.dataset.exportStatus = "error";
      stateText.textContent = t("loadError");
    }
  });
  return { fillLayers, choose: (name) => { layerSelect.value = name; syncPhotos(); } };
}
