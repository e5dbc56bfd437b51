/* Hash routes and the screen each shows: #/ hotspots (or tasks) · #/hotspot/<id> one hotspot · #/task/<id> one
 * task · #/inspect/<draft id> the form · #/outbox.
 */
import { state } from "./state.js";
import { mapLayers } from "./map.js";
import { renderHotspot, renderHotspotList } from "./hotspots.js";
import { openInspection } from "./inspection.js";
import { renderOutbox } from "./outbox.js";

const body = document.body;

export function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, "");
  const [head, id] = hash.split("/");
  if (head === "hotspot" && id) return { name: "hotspot", id };
  if (head === "task" && id && state.board) return { name: "task", id };
  if (head === "inspect" && id) return { name: "inspect", id };
  if (head === "outbox") return { name: "outbox" };
  return { name: "hotspots" };
}

export async function route() {
  if (state.leaving) await state.leaving();
  state.leaving = null;
  state.route = parseRoute();
  const screens = {
    hotspots: "screen-hotspots",
    hotspot: "screen-hotspots",
    task: "screen-hotspots",
    inspect: "screen-inspect",
    outbox: "screen-outbox",
  };
  for (const id of new Set(Object.values(screens))) {
    document.getElementById(id).hidden = id !== screens[state.route.name];
  }
  for (const tab of document.querySelectorAll("[data-tab]")) {
    const active = tab.dataset.tab === (state.route.name === "outbox" ? "outbox" : state.route.name === "inspect" ? "" : "hotspots");
    tab.classList.toggle("active", active);
    if (active) tab.setAttribute("aria-current", "page");
    else tab.removeAttribute("aria-current");
  }
  body.dataset.route = state.route.name;
  document.getElementById("pane-list").classList.toggle("wide", state.route.name === "task");
  if (state.route.name === "inspect") await openInspection(state.route.id);
  else renderCurrent();
  if (state.route.name === "task") {
    state.board.enter(state.route.id);
    state.board.focus(mapLayers(), state.route.id);
  } else if (state.layers.focus) state.layers.focus.clearLayers();
  if (state.route.name !== "inspect") window.scrollTo(0, 0);
  if (state.layers.map) setTimeout(() => state.layers.map.invalidateSize(), 50);
}

export function renderCurrent() {
  const pane = document.getElementById("pane-list");
  const screen = state.route.name + "/" + (state.route.id || "");
  const scroll = state.board && state.rendered === screen ? pane.scrollTop : 0;
  state.rendered = screen;
  drawScreen(pane);
  if (state.board) pane.scrollTop = scroll;
}

function drawScreen(pane) {
  if (state.route.name === "hotspots") {
    if (state.board) state.board.renderList(pane);
    else renderHotspotList();
  } else if (state.route.name === "hotspot") renderHotspot(state.route.id);
  else if (state.route.name === "task") state.board.renderDetail(pane, state.route.id);
  else if (state.route.name === "outbox") renderOutbox();
}
