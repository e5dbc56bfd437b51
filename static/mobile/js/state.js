/* What the tablet app's modules share: the server's configuration and translated strings (read once from the
 * page), and the one mutable state object that every screen reads and writes (also handed to the task board).
 */
export const config = JSON.parse(document.getElementById("app-config").textContent);
export const t = JSON.parse(document.getElementById("app-text").textContent);
// Strings that count: {category: template} by the plural category of the number (ui.js's plural()).
Object.assign(t, JSON.parse((document.getElementById("app-plurals") || { textContent: "{}" }).textContent));
export const lang = config.language;
const english = lang.startsWith("en");

export const name = (object) => (english && (object.name_en || object.title_en)) || object.name || object.title || "";

export const state = {
  hotspots: [],
  hotspotById: new Map(),
  checklists: [],
  problemTypes: [],
  campaigns: [],
  phases: [],
  rounds: [], // today's rounds of this person (GET /api/rounds/?date=today&inspector=me), stops in visiting order
  communities: null,
  inspectedToday: new Set(),
  dataCached: false,
  dataError: null,
  position: null,
  positionError: null,
  online: navigator.onLine,
  authRequired: false,
  syncing: false,
  outbox: [],
  drafts: [],
  history: [],
  lastSyncAt: null,
  search: "",
  category: "",
  route: { name: "hotspots" },
  board: null, // a rectification unit member's TaskBoard (tasks.js): the unit's tasks replace the hotspots
  form: null, // the inspection open on screen: {draft, checklist: ChecklistForm, urls: Map(photo id → object URL)}
  leaving: null, // called before the route changes (the open inspection saves itself)
  rendered: null, // the screen last drawn in the side pane: drawn again, it keeps its scroll position
  syncTimer: null,
  saveTimer: null,
  layers: { map: null, clusters: null, outlines: null, position: null, focus: null, markers: new Map() },
};
