// Table rows of background jobs (briefings, exports): while a row's job is unfinished it asks its progress URL
// every few seconds and hands the answer to `show`, which updates the row (and its data-status).
const POLL_MS = 2000;

export function pollRows(selector, unfinished, show) {
  async function poll(row) {
    try {
      const answer = await fetch(row.dataset.progressUrl, { headers: { Accept: "application/json" } });
      if (answer.ok) show(row, await answer.json());
    } catch {
      // offline for a moment: ask again on the next round
    }
    if (unfinished(row.dataset.status)) setTimeout(() => poll(row), POLL_MS);
  }

  for (const row of document.querySelectorAll(selector)) {
    if (unfinished(row.dataset.status)) setTimeout(() => poll(row), POLL_MS);
  }
}
