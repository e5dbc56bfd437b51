// The briefings page: rows of briefings still waiting or being built ask the server for their progress every few
// seconds and show their files once ready.
const POLL_MS = 2000;
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

async function poll(row) {
  try {
    const answer = await fetch(row.dataset.progressUrl, { headers: { Accept: "application/json" } });
    if (answer.ok) {
      show(row, await answer.json());
    }
  } catch {
    // offline for a moment: ask again on the next round
  }
  if (!FINISHED.has(row.dataset.status)) {
    setTimeout(() => poll(row), POLL_MS);
  }
}

for (const row of document.querySelectorAll("tr[data-briefing]")) {
  if (!FINISHED.has(row.dataset.status)) {
    setTimeout(() => poll(row), POLL_MS);
  }
}
