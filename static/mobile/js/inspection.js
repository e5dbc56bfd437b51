/* An inspection: started at a hotspot as a draft on the tablet, filled in (the position where it starts, the
 * checklist, the findings), and submitted into the outbox together with its photos, or discarded.
 */
import * as store from "./db.js";
import { Status } from "./queue.js";
import { ChecklistForm } from "./checklist.js";
import { checklistFor } from "./conditions.js";
import { h, fill, replace, icon, formatTime, toast, confirmDialog } from "./ui.js";
import { currentPosition, reasonOf } from "./geo.js";
import { config, lang, name, state, t } from "./state.js";
import { addPhoto, closeForm, photoUrl, removePhoto, saveNow, scheduleSave } from "./draft.js";
import { addFinding, drawItem, findingHolds, itemChanged, renderFindings } from "./findings.js";
import { choosePhase } from "./hotspots.js";
import { refreshOutbox, requestSync } from "./outbox.js";

export async function startInspection(feature) {
  const phase = await choosePhase();
  if (!phase) return toast(t.noPhase, "warn");
  const p = feature.properties;
  const checklist = checklistFor(state.checklists, p.category, phase.kind);
  const draft = {
    id: crypto.randomUUID(),
    user: config.user.id,
    hotspot: feature.id,
    hotspot_name: p.name,
    category: p.category,
    anchor: feature.anchor,
    phase: phase.id,
    phase_kind: phase.kind,
    phase_label: phase.kind_display + " · " + name(phase.campaign),
    checklist: checklist,
    started_at: new Date().toISOString(),
    position: null,
    position_error: null,
    answers: {},
    findings: [],
    photos: {},
  };
  await store.saveDraft(draft);
  await refreshOutbox();
  location.hash = "#/inspect/" + draft.id;
}

async function capturePosition(draftId) {
  const status = document.getElementById("inspection-position");
  if (status) replace(status, h("span", { class: "muted" }, t.locating));
  let position = null;
  let error = null;
  try {
    position = await currentPosition();
  } catch (failure) {
    error = reasonOf(failure);
  }
  const draft = state.form && state.form.draft.id === draftId ? state.form.draft : await store.getDraft(draftId);
  if (!draft) return;
  if (position) {
    draft.position = { lon: position.lon, lat: position.lat, accuracy: position.accuracy };
    draft.position_error = null;
  } else if (!draft.position) {
    draft.position_error = error;
  }
  await store.saveDraft(draft);
  if (state.form && state.form.draft.id === draftId) renderInspectionPosition();
}

function renderInspectionPosition() {
  const box = document.getElementById("inspection-position");
  if (!box || !state.form) return;
  const { position, position_error: error } = state.form.draft;
  const update = h("button", { type: "button", class: "button secondary small", onclick: () => capturePosition(state.form.draft.id) }, t.updatePosition);
  if (position) {
    const poor = position.accuracy > config.maxAccuracy;
    box.dataset.accuracy = String(Math.round(position.accuracy));
    replace(box, 
      h(
        "span",
        { class: "position-value " + (poor ? "poor" : "good"), "data-testid": "inspection-position" },
        icon("pin", "icon inline"),
        `${position.lat.toFixed(5)}, ${position.lon.toFixed(5)}`,
        h("strong", {}, ` ±${Math.round(position.accuracy)} m`),
      ),
      poor ? h("span", { class: "hint warn" }, fill(t.poorAccuracy, { max: config.maxAccuracy })) : null,
      update,
    );
  } else {
    replace(box, h("span", { class: "hint warn" }, t[error] || t.locating, " ", error ? t.sentWithoutPosition : ""), update);
  }
}

export async function openInspection(id) {
  const screen = document.getElementById("screen-inspect");
  const draft = await store.getDraft(id);
  if (!draft) {
    replace(screen, h("div", { class: "sheet" }, h("p", { class: "empty" }, t.draftGone), h("a", { class: "button secondary", href: "#/" }, t.allHotspots)));
    return;
  }
  state.form = { draft, urls: new Map(), checklist: null };
  state.leaving = async () => {
    await saveNow();
    closeForm();
  };

  let checklistBox;
  if (draft.checklist) {
    state.form.checklist = new ChecklistForm(draft.checklist, draft.answers, {
      lang,
      t,
      photoUrl,
      addPhoto,
      // A photo a finding holds stays when a question lets go of it.
      removePhoto: (photoId) => findingHolds(photoId) || removePhoto(photoId),
      sharedPhoto: findingHolds,
      onItem: itemChanged,
      drawItem,
      position: async () => {
        try {
          return await currentPosition();
        } catch (error) {
          throw { reason: reasonOf(error) };
        }
      },
      onChange: (answers) => {
        state.form.draft.answers = answers;
        scheduleSave();
      },
    });
    checklistBox = h(
      "section",
      { class: "card" },
      h("h2", {}, name(draft.checklist), draft.checklist.label ? h("span", { class: "version" }, draft.checklist.label) : null),
      state.form.checklist.render(),
      h(
        "button",
        { type: "button", class: "button secondary block", "data-testid": "rest-compliant", onclick: () => state.form.checklist.fillCompliant() },
        icon("check", "icon inline"),
        t.restCompliant,
      ),
    );
  } else {
    checklistBox = h("section", { class: "card" }, h("h2", {}, t.checklist), h("p", { class: "notice" }, t.noChecklistHere));
  }

  replace(screen, 
    h(
      "div",
      { class: "sheet inspection", "data-testid": "inspection-form", "data-inspection": draft.id },
      h(
        "header",
        { class: "card inspection-head" },
        h("a", { class: "back", href: "#/hotspot/" + draft.hotspot }, icon("back", "icon inline"), draft.hotspot_name),
        h("h1", {}, draft.hotspot_name),
        h("p", { class: "meta" }, h("span", { class: "pill phase" }, draft.phase_label), " ", fill(t.startedAt, { time: formatTime(draft.started_at, lang) })),
        h("div", { class: "position-box", id: "inspection-position" }),
      ),
      checklistBox,
      h(
        "section",
        { class: "card findings" },
        h("h2", {}, t.findings, h("span", { class: "count", id: "finding-count" }, String(draft.findings.length))),
        h("div", { id: "finding-list" }),
        h("button", { type: "button", class: "button secondary block", "data-testid": "add-finding", onclick: addFinding }, icon("plus", "icon inline"), t.addFinding),
      ),
      h("div", { class: "action-spacer" }),
    ),
    h(
      "div",
      { class: "action-bar" },
      h("span", { class: "deduction-total", id: "deduction-total" }),
      h("button", { type: "button", class: "button ghost danger-text", onclick: discardDraft }, t.discard),
      h("a", { class: "button secondary", href: "#/hotspot/" + draft.hotspot }, t.saveAndClose),
      h("button", { type: "button", class: "button primary", "data-testid": "submit-inspection", onclick: submitInspection }, t.submit),
    ),
  );
  renderInspectionPosition();
  // The position where the inspection starts: asked once when the form opens without one.
  if (!draft.position && !draft.position_error) capturePosition(draft.id);
  renderFindings();
  if (state.form.checklist) state.form.checklist.refresh();
}

async function discardDraft() {
  const ok = await confirmDialog({ title: t.discardTitle, message: t.discardText, confirm: t.discard, cancel: t.cancel, danger: true });
  if (!ok) return;
  const hotspot = state.form.draft.hotspot;
  await store.deleteDraft(state.form.draft.id);
  state.leaving = null;
  state.form = null;
  await refreshOutbox();
  location.hash = "#/hotspot/" + hotspot;
}

async function submitInspection() {
  const draft = state.form.draft;
  const checklist = state.form.checklist;
  const problems = checklist ? checklist.validate() : { missing: [], broken: [] };
  const unanswerable = problems.missing.length + problems.broken.length;
  const untyped = draft.findings.filter((finding) => !finding.problem_type);
  for (const finding of untyped) document.querySelector(`[data-finding="${finding.id}"]`).classList.add("has-error");
  if (unanswerable || untyped.length) {
    const first = document.querySelector(".has-error");
    if (first) first.scrollIntoView({ behavior: "smooth", block: "center" });
    toast(unanswerable ? checklist.problemMessage(problems) : t.chooseProblemType, "warn");
    return;
  }
  const now = new Date().toISOString();
  const answers = state.form.checklist ? state.form.checklist.applicableAnswers() : {};
  const findingNames = new Map(state.problemTypes.map((type) => [type.code, name(type)]));
  const payload = {
    type: "inspection",
    id: draft.id,
    hotspot: draft.hotspot,
    phase: draft.phase,
    started_at: draft.started_at,
    ended_at: now,
    position: draft.position,
    answers,
    checklist_version: draft.checklist ? draft.checklist.id : null,
    findings: draft.findings.map((finding) => ({
      id: finding.id,
      problem_type: finding.problem_type,
      severity: finding.severity || "",
      description: finding.description || "",
      location: finding.location,
    })),
  };
  const base = { user: config.user.id, created_at: now, status: Status.QUEUED, attempts: 0, hotspot: draft.hotspot };
  const items = [
    {
      ...base,
      id: draft.id,
      kind: "inspection",
      label: draft.hotspot_name,
      payload,
      details: { findings: draft.findings.length, answers: Object.keys(answers).length },
    },
  ];
  const answered = new Set(Object.values(answers).filter((value) => typeof value === "string"));
  for (const [photoId, photo] of Object.entries(draft.photos)) {
    const finding = draft.findings.find((item) => item.photos.includes(photoId));
    if (!finding && !answered.has(photoId)) continue; // removed from the form
    items.push({
      ...base,
      id: photoId,
      kind: "photo",
      label: draft.hotspot_name + " · " + (finding ? findingNames.get(finding.problem_type) || "" : t.checklistPhoto),
      blob: photo.blob,
      size: photo.size,
      type: photo.type,
      name: photo.name,
      inspection: draft.id,
      finding: finding ? finding.id : null,
      question: photo.question || null,
      role: "before",
      depends_on: draft.id,
    });
  }
  await store.queueFromDraft(draft.id, items);
  state.leaving = null;
  closeForm();
  toast(navigator.onLine ? t.queuedSending : t.queuedOffline, "ok");
  await refreshOutbox();
  location.hash = "#/hotspot/" + draft.hotspot;
  requestSync();
}
