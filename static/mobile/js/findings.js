/* The findings of the open inspection: each with its problem type, severity, description, the place where it was
 * seen (the tablet's position when near the hotspot) and its camera photos.
 *
 * A failed checklist item that names a problem type opens its own finding, pre-filled with that type and severity
 * (finding.question names the item); the photo taken under the item is that finding's evidence, and also answers
 * the checklist's photo question (the overview) while that has none: one photo, uploaded once.
 */
import { state, name, t } from "./state.js";
import { h, fill, replace, cameraButton, confirmDialog, icon } from "./ui.js";
import { photoStandIn } from "./conditions.js";
import { distanceM } from "./geo.js";
import { addPhoto, removePhoto, photoUrl, saveNow, scheduleSave } from "./draft.js";

const NEAR_HOTSPOT_M = 500;

function problemTypesFor(category) {
  const matching = state.problemTypes.filter((type) => (type.categories || []).includes(category));
  return matching.length ? matching : state.problemTypes;
}

function hereIfNear(draft) {
  if (state.position && draft.anchor && distanceM(state.position, draft.anchor) <= NEAR_HOTSPOT_M) {
    return { lon: state.position.lon, lat: state.position.lat };
  }
  return null;
}

/* A failed item's answer changed: `opened` is {problem_type, severity} when it fails now, else null. */
export function itemChanged(question, opened) {
  const draft = state.form.draft;
  const existing = draft.findings.find((finding) => finding.question === question.name);
  if (opened && !existing) {
    // A type the server no longer offers is left for the inspector to choose (the server would refuse it).
    const type = state.problemTypes.find((item) => item.code === opened.problem_type);
    draft.findings.push({
      id: crypto.randomUUID(),
      question: question.name,
      problem_type: type ? type.code : null,
      severity: opened.severity || (type && type.default_severity) || "",
      severity_set: !!opened.severity,
      description: "",
      location: hereIfNear(draft),
      photos: [],
    });
  } else if (!opened && existing && !existing.photos.length && !existing.description) {
    // Answered "yes" after all: the untouched finding it opened goes (one with a photo or words stays).
    draft.findings = draft.findings.filter((finding) => finding !== existing);
  } else {
    return;
  }
  scheduleSave();
  renderFindings();
}

async function addItemPhoto(finding, file) {
  const photoId = await addPhoto(file, { finding: finding.id });
  finding.photos.push(photoId);
  const form = state.form.checklist;
  const standIn = form ? photoStandIn(form.checklist.questions, form.answers) : null;
  if (standIn) form.setAnswer(standIn, photoId);
  await saveNow();
  renderFindings();
}

/* Under a failed item: its finding (type and severity) and the camera for its photo. */
export function drawItem(question, box) {
  const finding = state.form && state.form.draft.findings.find((item) => item.question === question.name);
  box.hidden = !finding;
  if (!finding) return replace(box);
  const type = state.problemTypes.find((item) => item.code === finding.problem_type);
  const severity = { minor: t.minor, major: t.major, severe: t.severe }[finding.severity] || "";
  replace(
    box,
    h(
      "p",
      { class: "item-finding-head", "data-testid": "item-finding" },
      icon("finding", "icon inline"),
      fill(t.itemOpensFinding, { type: type ? name(type) : t.chooseProblemType, severity }),
    ),
    h(
      "div",
      { class: "photo-strip" },
      finding.photos.map((photoId) => h("figure", { class: "thumb" }, h("img", { src: photoUrl(photoId), alt: t.photo }))),
      cameraButton({
        id: "item-camera-" + finding.id,
        label: finding.photos.length ? t.takePhoto : t.photographProblem,
        testid: "item-camera",
        onFile: async (file) => {
          await addItemPhoto(finding, file);
          drawItem(question, box.isConnected ? box : document.querySelector(`[data-item-finding="${question.name}"]`) || box);
        },
      }),
    ),
  );
}

/* A photo that a finding holds (it may also answer a photo question). */
export function findingHolds(photoId) {
  return !!state.form && state.form.draft.findings.some((finding) => finding.photos.includes(photoId));
}

export function addFinding() {
  const draft = state.form.draft;
  const location = hereIfNear(draft);
  draft.findings.push({ id: crypto.randomUUID(), problem_type: null, severity: "", description: "", location, photos: [] });
  scheduleSave();
  renderFindings();
  const cards = document.querySelectorAll(".finding");
  if (cards.length) cards[cards.length - 1].scrollIntoView({ behavior: "smooth", block: "center" });
}

export function renderFindings() {
  const list = document.getElementById("finding-list");
  if (!list || !state.form) return;
  const draft = state.form.draft;
  document.getElementById("finding-count").textContent = String(draft.findings.length);
  const offered = problemTypesFor(draft.category);
  const severities = [
    ["minor", t.minor],
    ["major", t.major],
    ["severe", t.severe],
  ];
  replace(list, 
    ...draft.findings.map((finding, index) => {
      const severityGroup = h("div", { class: "segmented", role: "radiogroup", "aria-label": t.severity });
      const drawSeverity = () => {
        replace(severityGroup, 
          ...severities.map(([value, label]) =>
            h(
              "button",
              {
                type: "button",
                role: "radio",
                class: "choice sev-" + value,
                "aria-checked": String(finding.severity === value),
                onclick: () => {
                  finding.severity = value;
                  finding.severity_set = true;
                  drawSeverity();
                  scheduleSave();
                },
              },
              label,
            ),
          ),
        );
      };
      drawSeverity();
      // A failed item's type is offered even where the category's list lacks it.
      const types = offered.concat(state.problemTypes.filter((type) => type.code === finding.problem_type && !offered.includes(type)));
      const typeGroup = h(
        "div",
        { class: "chips", role: "radiogroup", "aria-label": t.problemType },
        types.map((type) =>
          h(
            "label",
            { class: "chip" },
            h("input", {
              type: "radio",
              name: "pt-" + finding.id,
              value: type.code,
              checked: finding.problem_type === type.code,
              onchange: () => {
                finding.problem_type = type.code;
                if (!finding.severity_set) finding.severity = type.default_severity || finding.severity;
                card.classList.remove("has-error");
                drawSeverity();
                scheduleSave();
              },
            }),
            h("span", {}, name(type)),
          ),
        ),
      );
      const photos = h("div", { class: "photo-strip" });
      const drawPhotos = () => {
        const inputId = "camera-" + finding.id;
        replace(photos, 
          ...finding.photos.map((photoId) =>
            h(
              "figure",
              { class: "thumb" },
              h("img", { src: photoUrl(photoId), alt: t.photo }),
              h(
                "button",
                {
                  type: "button",
                  class: "thumb-remove",
                  "aria-label": t.removePhoto,
                  onclick: () => {
                    finding.photos = finding.photos.filter((other) => other !== photoId);
                    removePhoto(photoId);
                    if (state.form.checklist) state.form.checklist.forgetPhoto(photoId);
                    if (finding.question && state.form.checklist) state.form.checklist.rerender();
                    drawPhotos();
                  },
                },
                "×",
              ),
            ),
          ),
          cameraButton({
            id: inputId,
            label: t.takePhoto,
            testid: "finding-camera",
            onFile: async (file) => {
              const photoId = await addPhoto(file, { finding: finding.id });
              finding.photos.push(photoId);
              await saveNow();
              drawPhotos();
            },
          }),
        );
      };
      drawPhotos();
      const card = h(
        "article",
        { class: "finding", "data-finding": finding.id, "data-question": finding.question || null },
        h(
          "header",
          {},
          h("h3", {}, fill(t.findingN, { n: index + 1 })),
          h(
            "button",
            {
              type: "button",
              class: "button ghost danger-text small",
              onclick: async () => {
                const ok = await confirmDialog({ title: t.removeFindingTitle, message: t.removeFindingText, confirm: t.remove, cancel: t.cancel, danger: true });
                if (!ok) return;
                for (const photoId of finding.photos) {
                  removePhoto(photoId);
                  if (state.form.checklist) state.form.checklist.forgetPhoto(photoId);
                }
                draft.findings = draft.findings.filter((other) => other.id !== finding.id);
                scheduleSave();
                renderFindings();
                if (finding.question && state.form.checklist) state.form.checklist.rerender();
              },
            },
            t.remove,
          ),
        ),
        h("p", { class: "field-label" }, t.problemType, h("span", { class: "required" }, " *")),
        typeGroup,
        h("p", { class: "field-label" }, t.severity),
        severityGroup,
        h("label", { class: "field-label", for: "desc-" + finding.id }, t.description),
        h("textarea", {
          id: "desc-" + finding.id,
          class: "field",
          rows: "2",
          maxlength: "4000",
          placeholder: t.descriptionHint,
          oninput: (event) => {
            finding.description = event.target.value;
            scheduleSave();
          },
        }, finding.description),
        h("p", { class: "field-label" }, t.photos),
        photos,
        h("p", { class: "question-error" }, t.chooseProblemType),
      );
      return card;
    }),
  );
}
