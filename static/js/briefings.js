// The briefings page: rows of briefings still waiting or being built ask the server for their progress every few
// seconds and show their files once ready.
import { pollRows } from "./progress-rows.js";

const FINISHED = new Set(["done", "failed"]);

function show(row, state) {
  row.dataset.status = state.status;
  row.querySelector(".status-label").textContent = state.label;
  const bar = row.querySelector("progress");
  bar.value = state.progress;
  bar.textContent = `${state.progress}%`;
  bar.hidden = FINISHED.has(state.status);
  row.querySelector(".status-step").textContent = state.step;
  row.querySelector(".status-error").textContent = state.error;
  const files = row.querySelector(".briefing-files");
  files.replaceChildren();
  for (const [kind, url] of Object.entries(state.files)) {
    const link = document.createElement("a");
    link.href = url;
    link.textContent = kind.toUpperCase();
    files.append(link, " ");
  }
}

pollRows("tr[data-briefing]", (status) => !FINISHED.has(status), show);
