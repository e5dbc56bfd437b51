/* The findings of the open inspection: each with its problem type, severity, description, the place where it was
 * seen (the tablet's position when near the hotspot) and its camera photos.
 */
import { state, name, t } from "./state.js";
import { h, fill, replace, cameraButton, confirmDialog } from "./ui.js";
import { distanceM } from "./geo.js";
import { addPhoto, removePhoto, photoUrl, saveNow, scheduleSave } from "./draft.js";

const NEAR_HOTSPOT_M = 500;

function problemTypesFor(category) {
  const matching = state.problemTypes.filter((type) => (type.categories || []).includes(category));
  return matching.length ? matching : state.problemTypes;
}

export function addFinding() {
  const draft = state.form.draft;
  let location = null;
  if (state.position && draft.anchor && distanceM(state.position, draft.anchor) <= NEAR_HOTSPOT_M) {
    location = { lon: state.position.lon, lat: state.position.lat };
  }
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
  const types = problemTypesFor(draft.category);
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
        { class: "finding", "data-finding": finding.id },
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
                for (const photoId of finding.photos) removePhoto(photoId);
                draft.findings = draft.findings.filter((other) => other.id !== finding.id);
                scheduleSave();
                renderFindings();
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
