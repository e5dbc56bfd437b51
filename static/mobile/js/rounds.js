/* Today's rounds (巡查计划) on the tablet: the stops in visiting order with what is done. A stop counts as done
 * when the server said it was visited (its own clock, within the round's window), or when this tablet sent or
 * queued an inspection of it today: offline, the progress moves at once, and the server's answer confirms it at
 * the next load. Everything here reads the synced data (state.rounds), so it works offline.
 */
import { config, state } from "./state.js";

export function queuedHere(id) {
  return state.outbox.some((item) => item.kind === "inspection" && String(item.hotspot) === id && item.user === config.user.id);
}

export function stopDone(stop) {
  const id = String(stop.hotspot);
  return Boolean(stop.visited) || state.inspectedToday.has(id) || queuedHere(id);
}

/* [{round, stops: [{stop, feature, done}], done, left}] for the rounds that have stops this tablet knows. */
export function todaysRounds() {
  return state.rounds
    .map((round) => {
      const stops = (round.stops || [])
        .map((stop) => ({ stop, feature: state.hotspotById.get(String(stop.hotspot)), done: stopDone(stop) }))
        .filter((row) => row.feature);
      const done = stops.filter((row) => row.done).length;
      return { round, stops, done, left: stops.length - done };
    })
    .filter((row) => row.stops.length);
}

/* The hotspot ids of today's rounds: the list below shows the others. */
export function roundHotspotIds() {
  const ids = new Set();
  for (const round of state.rounds) for (const stop of round.stops || []) ids.add(String(stop.hotspot));
  return ids;
}
