// The exports page: rows of exports still waiting or being written ask the API for their progress every few seconds
// and show their download link once ready.
import { pollRows } from "./progress-rows.js";

const UNFINISHED = new Set(["queued", "running"]);
const words = JSON.parse(document.getElementById("exports-text").textContent);

function show(row, job) {
  row.dataset.status = job.status;
  row.querySelector(".status-label").textContent = job.status_label;
  const bar = row.querySelector("progress");
  bar.value = job.progress;
  bar.textContent = `${job.progress}%`;
  bar.hidden = !UNFINISHED.has(job.status);
  if (job.rows_total !== null) {
    row.querySelector(".status-count").textContent = words.rows
      .replace("{written}", job.rows_written)
      .replace("{total}", job.rows_total);
  }
  row.querySelector(".status-error").textContent = job.error;
  if (job.download_url) {
    const link = document.createElement("a");
    link.href = job.download_url;
    link.download = "";
    link.dataset.testid = "export-download";
    link.textContent = words.download;
    row.querySelector(".export-file").replaceChildren(link);
  }
}

pollRows("tr[data-export]", (status) => UNFINISHED.has(status), show);
