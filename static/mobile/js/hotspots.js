/* An inspector's home: today's campaign phase, the hotspots by distance (or by name without a position), searched
 * and filtered by category, and one hotspot with what was done there today; the tablet's position line.
 */
import * as store from "./db.js";
import { checklistFor } from "./conditions.js";
import { h, fill, replace, icon, formatDistance, formatTime, localDate } from "./ui.js";
import { distanceM, watchPosition, reasonOf } from "./geo.js";
import { config, lang, name, state, t } from "./state.js";
import { drawPosition, focusHotspot } from "./map.js";
import { renderCurrent } from "./router.js";
import { startInspection } from "./inspection.js";
import { roundHotspotIds, todaysRounds } from "./rounds.js";

const body = document.body;

/* The phases running today, as the server dated them (GET /api/campaigns/?current=true names each active campaign's
 * current phase by the server's date): the tablet's own clock may be wrong. Offline, the last answer kept. */
export function currentPhases(campaigns) {
  return campaigns
    .filter((campaign) => campaign.active !== false && campaign.current_phase)
    .map((campaign) => ({ ...campaign.current_phase, campaign }));
}

export async function choosePhase() {
  const saved = await store.getMeta("phase");
  return state.phases.find((phase) => phase.id === saved) || state.phases[0] || null;
}

export function startPosition() {
  watchPosition(
    (position) => {
      const first = !state.position;
      state.position = position;
      state.positionError = null;
      body.dataset.position = "known";
      drawPosition();
      if (state.board && state.route.name === "task" && !first) state.board.positionChanged();
      else if (first || state.route.name === "hotspots" || state.route.name === "task") renderCurrent();
      else updatePositionLine();
    },
    (error) => {
      state.positionError = reasonOf(error);
      body.dataset.position = state.positionError;
      if (state.route.name === "hotspots" || state.route.name === "task") renderCurrent();
      else updatePositionLine();
    },
  );
}

function distanceTo(feature) {
  if (!state.position || !feature.anchor) return null;
  return distanceM(state.position, feature.anchor);
}

function sortedHotspots() {
  const query = state.search.trim().toLowerCase();
  const rows = state.hotspots
    .filter((feature) => !state.category || feature.properties.category === state.category)
    .filter((feature) => {
      if (!query) return true;
      const p = feature.properties;
      return [p.name, p.address, p.jurisdiction_name, p.category_name].some((text) => (text || "").toLowerCase().includes(query));
    })
    .map((feature) => ({ feature, distance: distanceTo(feature) }));
  if (state.position) rows.sort((a, b) => (a.distance ?? Infinity) - (b.distance ?? Infinity));
  else rows.sort((a, b) => a.feature.properties.name.localeCompare(b.feature.properties.name, lang));
  return rows;
}

export function positionLine() {
  if (state.position) {
    const poor = state.position.accuracy > config.maxAccuracy;
    return h(
      "p",
      { class: "position-line " + (poor ? "poor" : "good"), id: "position-line", "data-testid": "position-line" },
      h("span", { class: "dot", "aria-hidden": "true" }),
      fill(t.sortedByDistance, { accuracy: Math.round(state.position.accuracy) }),
    );
  }
  if (state.positionError) {
    return h(
      "p",
      { class: "position-line denied", id: "position-line", "data-testid": "position-line" },
      h("span", { class: "dot", "aria-hidden": "true" }),
      t[state.positionError] + " " + t.sortedByName,
    );
  }
  return h("p", { class: "position-line", id: "position-line", "data-testid": "position-line" }, h("span", { class: "dot", "aria-hidden": "true" }), t.locating);
}

function updatePositionLine() {
  const line = document.getElementById("position-line");
  if (line) line.replaceWith(positionLine());
}

function categoryOptions() {
  const seen = new Map();
  for (const feature of state.hotspots) seen.set(feature.properties.category, feature.properties.category_name);
  return [...seen.entries()].sort((a, b) => a[1].localeCompare(b[1], lang));
}

function hotspotRow(feature, distance, order = null) {
  const p = feature.properties;
  const id = String(feature.id);
  const queued = state.outbox.some((item) => item.kind === "inspection" && String(item.hotspot) === id && item.user === config.user.id);
  const done = state.inspectedToday.has(id);
  const drafting = state.drafts.some((draft) => String(draft.hotspot) === id);
  return h(
    "li",
    {},
    h(
      "a",
      { class: "hotspot-row", href: "#/hotspot/" + id, "data-hotspot": id },
      order !== null ? h("span", { class: "stop-order", "aria-hidden": "true" }, String(order)) : h("span", { class: "swatch", style: { background: p.color } }),
      h(
        "span",
        { class: "row-main" },
        h("span", { class: "row-title" }, p.name),
        h("span", { class: "row-sub" }, [p.category_name, p.jurisdiction_name].filter(Boolean).join(" · ")),
      ),
      h(
        "span",
        { class: "row-end" },
        distance !== null ? h("span", { class: "distance" }, formatDistance(distance, lang)) : null,
        drafting ? h("span", { class: "pill draft" }, t.inProgress) : null,
        queued ? h("span", { class: "pill queued" }, t.queued) : done ? h("span", { class: "pill done" }, t.inspectedToday) : null,
      ),
    ),
  );
}

/* Today's rounds first: their stops in the visiting order, with the progress (visited / left). */
function roundSections() {
  return todaysRounds().map(({ round, stops, done, left }) =>
    h(
      "section",
      { class: "round", "data-testid": "round", "data-round": String(round.id) },
      h(
        "h2",
        { class: "round-head" },
        h("span", {}, t.todaysRound + " · " + round.title),
        h("span", { class: "pill " + (left ? "phase" : "done"), "data-testid": "round-progress" }, fill(t.roundProgress, { visited: done, left })),
      ),
      h(
        "ol",
        { class: "hotspot-rows round-stops", "data-testid": "round-stops" },
        stops.map(({ stop, feature, done: visited }) => {
          const row = hotspotRow(feature, distanceTo(feature), stop.order);
          row.dataset.stopState = visited ? "visited" : "left";
          return row;
        }),
      ),
      left ? null : h("p", { class: "notice" }, t.roundDone),
    ),
  );
}

export function renderHotspotList() {
  const pane = document.getElementById("pane-list");
  const focused = document.activeElement && document.activeElement.id === "hotspot-search";
  const inRounds = roundHotspotIds();
  const rounds = state.search || state.category ? [] : roundSections();
  const all = sortedHotspots();
  const rows = all.filter(({ feature }) => !rounds.length || !inRounds.has(String(feature.id)));
  const list = h("ol", { class: "hotspot-rows", "data-testid": "hotspot-list" });
  for (const { feature, distance } of rows) list.append(hotspotRow(feature, distance));
  const select = h(
    "select",
    {
      id: "category-filter",
      class: "field",
      "aria-label": t.category,
      onchange: (event) => {
        state.category = event.target.value;
        renderHotspotList();
      },
    },
    h("option", { value: "" }, t.allCategories),
    categoryOptions().map(([code, label]) => h("option", { value: code, selected: code === state.category }, label)),
  );
  const search = h("input", {
    id: "hotspot-search",
    class: "field search",
    type: "search",
    placeholder: t.search,
    "aria-label": t.search,
    value: state.search,
    oninput: (event) => {
      state.search = event.target.value;
      renderHotspotList();
    },
  });
  replace(pane, 
    h(
      "div",
      { class: "pane-head" },
      h("h1", {}, t.todaysHotspots, h("span", { class: "count" }, String(all.length))),
      phaseLine(),
      h("div", { class: "filters" }, search, select),
      positionLine(),
      state.dataError ? h("p", { class: "notice warn" }, state.dataError) : null,
      state.dataCached ? h("p", { class: "notice" }, t.showingSaved) : null,
    ),
    rounds,
    rounds.length && rows.length ? h("h2", { class: "list-head" }, t.otherHotspots) : null,
    rows.length
      ? list
      : rounds.length
        ? null
        : h("p", { class: "empty" }, state.hotspots.length ? t.noMatch : body.dataset.hotspotsLoaded ? t.noHotspots : t.loading),
  );
  if (focused) {
    search.focus();
    search.setSelectionRange(search.value.length, search.value.length);
  }
}

function phaseLine() {
  if (!state.campaigns.length && !state.phases.length) return null;
  if (!state.phases.length) return h("p", { class: "notice warn", "data-testid": "no-phase" }, t.noPhase);
  const phase = state.phases[0];
  return h("p", { class: "phase-line" }, h("span", { class: "pill phase" }, phase.kind_display), " ", name(phase.campaign));
}

function inspectionsHere(id) {
  const today = localDate();
  const queued = state.outbox.filter((item) => item.kind === "inspection" && String(item.hotspot) === id && item.user === config.user.id);
  const sent = state.history.filter((row) => row.kind === "inspection" && String(row.hotspot) === id && localDate(new Date(row.sent_at)) === today);
  return { queued, sent };
}

export function renderHotspot(id) {
  const pane = document.getElementById("pane-list");
  const feature = state.hotspotById.get(String(id));
  if (!feature) {
    replace(pane, 
      h("a", { class: "back", href: "#/" }, icon("back", "icon inline"), t.allHotspots),
      h("p", { class: "empty" }, state.hotspots.length ? t.hotspotUnknown : t.loading),
    );
    return;
  }
  const p = feature.properties;
  const distance = distanceTo(feature);
  const drafts = state.drafts.filter((draft) => String(draft.hotspot) === String(id));
  const { queued, sent } = inspectionsHere(String(id));
  const checklist = state.phases.length ? checklistFor(state.checklists, p.category, state.phases[0].kind) : null;
  const blocked = !config.user.canInspect ? t.cannotInspect : !state.phases.length ? t.noPhase : null;
  replace(pane, 
    h("a", { class: "back", href: "#/" }, icon("back", "icon inline"), t.allHotspots),
    h(
      "article",
      { class: "hotspot-detail", "data-testid": "hotspot-detail", "data-hotspot": String(id) },
      h("p", { class: "category" }, h("span", { class: "swatch", style: { background: p.color } }), p.category_name),
      h("h1", {}, p.name),
      h(
        "dl",
        { class: "facts" },
        p.address ? [h("dt", {}, t.address), h("dd", {}, p.address)] : null,
        h("dt", {}, t.community),
        h("dd", {}, p.jurisdiction_name || "—"),
        h("dt", {}, t.sponsor),
        h("dd", {}, p.sponsoring_unit_name || t.none),
        distance !== null ? [h("dt", {}, t.distance), h("dd", {}, formatDistance(distance, lang))] : null,
        h("dt", {}, t.checklist),
        h("dd", {}, checklist ? name(checklist) + (checklist.label ? " · " + checklist.label : "") : t.noChecklist),
      ),
      drafts.map((draft) =>
        h(
          "a",
          { class: "button secondary block", href: "#/inspect/" + draft.id, "data-testid": "continue-draft" },
          fill(t.continueDraft, { time: formatTime(draft.started_at, lang) }),
        ),
      ),
      blocked
        ? h("p", { class: "notice warn" }, blocked)
        : h(
            "button",
            { type: "button", class: "button primary block huge", "data-testid": "start-inspection", onclick: () => startInspection(feature) },
            t.startInspection,
          ),
      queued.length || sent.length
        ? h(
            "section",
            { class: "today" },
            h("h2", {}, t.todayHere),
            h(
              "ul",
              { class: "plain" },
              queued.map((item) => h("li", {}, h("span", { class: "pill queued" }, t.queued), " ", formatTime(item.created_at, lang))),
              sent.map((row) => h("li", {}, h("span", { class: "pill done" }, t.sent), " ", formatTime(row.created_at, lang))),
            ),
          )
        : null,
    ),
  );
  focusHotspot(feature);
}
