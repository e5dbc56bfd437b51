/* Renders one checklist version (the JSON of /api/checklists/) as a touch form, and reads the answers back.
 *
 * Answers follow the sync contract: yes_no true/false; select_one "v"; select_many ["v", …]; integer; decimal;
 * text; date "YYYY-MM-DD"; photo "<photo uuid>"; geopoint {lon, lat, accuracy}; note takes none.
 * A question whose condition ("relevant") is not met is hidden and its answer is not sent, as the server expects
 * (the rules themselves are in conditions.js).
 *
 * A failed item that names a problem type opens its finding (context.onItem) and shows it under the question
 * (context.drawItem), with the camera for the item's photo, which is the finding's evidence.
 */
import { h, fill, plural, replace, icon } from "./ui.js";
import {
  NO,
  YES,
  answerProblems,
  applicableAnswers,
  compliantRest,
  deduction,
  fails,
  itemFinding,
  unanswered,
  visibleNames,
} from "./conditions.js";

function localized(object, field, lang) {
  const english = (lang || "").startsWith("en");
  return (english && object[field + "_en"]) || object[field] || "";
}

/* The message a refused submit shows, naming the real problem: an answer outside its constraint first (the
 * question and the checklist's own message), then how many required questions have no answer.
 * `problems` is answerProblems(); `t` the app's strings and plural forms. */
export function problemMessage(problems, questions, t, lang) {
  const parts = [];
  if (problems.broken.length) {
    const question = questions.find((item) => item.name === problems.broken[0]);
    const message = localized(question.constraint || {}, "message", lang) || t.answerOutOfRange;
    parts.push(fill(t.answerProblem, { question: localized(question, "label", lang), message }));
    if (problems.broken.length > 1) parts.push(plural(t.moreOutOfRange, problems.broken.length - 1, lang));
  }
  if (problems.missing.length) parts.push(plural(t.missingAnswers, problems.missing.length, lang));
  return parts.join(" ");
}

export class ChecklistForm {
  constructor(checklist, answers, context) {
    this.checklist = checklist;
    this.answers = { ...(answers || {}) };
    // {lang, t, photoUrl(id), addPhoto(file, name) → id, removePhoto(id), position(), onChange(),
    //  onItem(question, finding | null), drawItem(question, box), sharedPhoto(id) → bool}
    this.context = context;
    this.blocks = new Map();
    this.element = null;
    this.headings = []; // [{element, names}] of the version's sections (an XLSForm's groups)
  }

  text(object, field) {
    return localized(object, field, this.context.lang);
  }

  /* The answers that count: in the checklist's order, only questions that apply, only answered ones. */
  applicableAnswers() {
    return applicableAnswers(this.checklist.questions, this.answers);
  }

  visibleNames() {
    return visibleNames(this.checklist.questions, this.answers);
  }

  /* Points lost so far, as the server will count them. */
  deduction() {
    return deduction(this.checklist.questions, this.answers);
  }

  set(name, value) {
    if (unanswered(value)) delete this.answers[name];
    else this.answers[name] = value;
    const block = this.blocks.get(name);
    if (block) block.classList.remove("has-error");
    this.refresh();
    this.context.onChange(this.answers);
    const question = this.checklist.questions.find((item) => item.name === name);
    if (question && question.problem_type && this.context.onItem) {
      this.context.onItem(question, itemFinding(question, this.answers[name]));
      this.drawItem(question);
    }
  }

  /* Every unanswered item that applies marked compliant (one tap for the items that passed). */
  fillCompliant() {
    this.answers = compliantRest(this.checklist.questions, this.answers);
    this.context.onChange(this.answers);
    this.rerender();
  }

  /* An answer given from outside the form (a failed item's photo standing in for the overview photo). */
  setAnswer(name, value) {
    if (unanswered(value)) delete this.answers[name];
    else this.answers[name] = value;
    this.context.onChange(this.answers);
    this.rerender();
  }

  /* A photo removed elsewhere no longer answers any question. */
  forgetPhoto(photoId) {
    const names = Object.keys(this.answers).filter((name) => this.answers[name] === photoId);
    if (!names.length) return;
    for (const name of names) delete this.answers[name];
    this.context.onChange(this.answers);
    this.rerender();
  }

  rerender() {
    const old = this.element;
    const fresh = this.render();
    if (old && old.isConnected) old.replaceWith(fresh);
  }

  drawItem(question) {
    const block = this.blocks.get(question.name);
    const box = block && block.querySelector(".item-finding");
    if (box && this.context.drawItem) this.context.drawItem(question, box);
  }

  refresh() {
    const visible = this.visibleNames();
    let number = 0;
    for (const question of this.checklist.questions) {
      const block = this.blocks.get(question.name);
      if (!block) continue;
      block.hidden = !visible.has(question.name);
      const numberBox = block.querySelector(".question-number");
      if (numberBox && visible.has(question.name)) numberBox.textContent = String((number += 1));
      const badge = block.querySelector(".deduction");
      if (badge) {
        const value = this.answers[question.name];
        badge.hidden = !(visible.has(question.name) && !unanswered(value) && fails(question, value));
      }
    }
    for (const heading of this.headings) heading.element.hidden = !heading.names.some((name) => visible.has(name));
    const total = document.getElementById("deduction-total");
    if (total) {
      const points = this.deduction();
      total.textContent = points ? plural(this.context.t.pointsLost, points, this.context.lang) : "";
    }
  }

  /* Marks the required questions that apply and have no answer, and the answers outside their constraint, with
   * the checklist's own message when it has one; returns answerProblems() ({missing, broken}). */
  validate() {
    const problems = answerProblems(this.checklist.questions, this.answers);
    const missing = new Set(problems.missing);
    const broken = new Set(problems.broken);
    for (const question of this.checklist.questions) {
      const block = this.blocks.get(question.name);
      if (!block) continue;
      const empty = missing.has(question.name);
      const outside = broken.has(question.name);
      block.classList.toggle("has-error", empty || outside);
      const error = block.querySelector(".question-error");
      const own = outside ? this.text(question.constraint, "message") : this.text(question, "required_message");
      if (error) error.textContent = own || (outside ? this.context.t.answerOutOfRange : this.context.t.answerRequired);
    }
    return problems;
  }

  /* The pop-up's message for what validate() found. */
  problemMessage(problems) {
    return problemMessage(problems, this.checklist.questions, this.context.t, this.context.lang);
  }

  render() {
    const t = this.context.t;
    const form = h("div", { class: "checklist", "data-testid": "checklist", "data-checklist": this.checklist.id });
    const starts = new Map((this.checklist.sections || []).map((section) => [section.questions[0], section]));
    this.checklist.questions.forEach((question, index) => {
      const section = starts.get(question.name);
      if (section) {
        const element = h("h3", { class: "checklist-section", "data-section": section.name }, this.text(section, "label"));
        this.headings.push({ element, names: section.questions });
        form.append(element);
      }
      const id = "q-" + question.name;
      const hint = this.text(question, "hint");
      const block = h(
        "section",
        {
          class: "question type-" + question.type,
          "data-question": question.name,
          "data-type": question.type,
          role: "group",
          "aria-labelledby": id + "-label",
        },
        h(
          "div",
          { class: "question-head" },
          question.type === "note" ? null : h("span", { class: "question-number" }, String(index + 1)),
          h(
            "span",
            { class: "question-label", id: id + "-label" },
            this.text(question, "label"),
            question.required && question.type !== "note" ? h("span", { class: "required", title: t.required }, " *") : null,
          ),
          question.deduction
            ? h("span", { class: "deduction", hidden: true }, plural(t.deduct, question.deduction, this.context.lang))
            : null,
        ),
        hint ? h("p", { class: "question-hint" }, hint) : null,
        this.control(question, id),
        question.problem_type ? h("div", { class: "item-finding", "data-item-finding": question.name }) : null,
        h("p", { class: "question-error" }, t.answerRequired),
      );
      this.blocks.set(question.name, block);
      form.append(block);
      if (question.problem_type) this.drawItem(question);
    });
    this.element = form;
    this.refresh();
    return form;
  }

  choiceLabel(question, value, fallback) {
    const choice = (question.choices || []).find((item) => item.value === value);
    return choice ? this.text(choice, "label") : fallback;
  }

  control(question, id) {
    const t = this.context.t;
    const value = this.answers[question.name];
    switch (question.type) {
      case "note":
        return null;
      case "yes_no": {
        const group = h("div", { class: "segmented yes-no", role: "radiogroup" });
        const options = [
          [true, YES, this.choiceLabel(question, YES, t.yes)],
          [false, NO, this.choiceLabel(question, NO, t.no)],
        ];
        for (const [answer, key, label] of options) {
          const button = h(
            "button",
            {
              type: "button",
              role: "radio",
              class: "choice " + key,
              "data-value": key,
              "aria-checked": String(value === answer),
              onclick: () => {
                const next = this.answers[question.name] === answer ? null : answer;
                group.querySelectorAll("button").forEach((b) => b.setAttribute("aria-checked", "false"));
                if (next !== null) button.setAttribute("aria-checked", "true");
                this.set(question.name, next);
              },
            },
            label,
          );
          group.append(button);
        }
        return group;
      }
      case "select_one":
      case "select_many": {
        const many = question.type === "select_many";
        const group = h("div", { class: "chips", role: many ? "group" : "radiogroup" });
        for (const choice of question.choices || []) {
          const input = h("input", {
            type: many ? "checkbox" : "radio",
            name: id,
            value: choice.value,
            checked: many ? Array.isArray(value) && value.includes(choice.value) : value === choice.value,
            onchange: () => {
              if (many) {
                const chosen = [...group.querySelectorAll("input:checked")].map((item) => item.value);
                this.set(question.name, chosen);
              } else {
                this.set(question.name, input.value);
              }
            },
          });
          group.append(
            h("label", { class: "chip" + (choice.fails ? " fails" : "") }, input, h("span", {}, this.text(choice, "label"))),
          );
        }
        if (!many) {
          group.append(
            h(
              "button",
              {
                type: "button",
                class: "chip-clear",
                onclick: () => {
                  group.querySelectorAll("input").forEach((item) => (item.checked = false));
                  this.set(question.name, null);
                },
              },
              t.clear,
            ),
          );
        }
        return group;
      }
      case "integer":
      case "decimal": {
        const integer = question.type === "integer";
        return h("input", {
          id,
          class: "field number",
          type: "number",
          inputmode: integer ? "numeric" : "decimal",
          step: integer ? "1" : "any",
          value: value ?? "",
          oninput: (event) => {
            const raw = event.target.value;
            if (raw === "") return this.set(question.name, null);
            const number = Number(raw);
            if (!Number.isFinite(number) || (integer && !Number.isInteger(number))) return;
            this.set(question.name, number);
          },
        });
      }
      case "text":
        return h("textarea", {
          id,
          class: "field",
          rows: "3",
          maxlength: "2000",
          oninput: (event) => this.set(question.name, event.target.value.trim() ? event.target.value : null),
        }, value || "");
      case "date":
        return h("input", {
          id,
          class: "field date",
          type: "date",
          value: value || "",
          onchange: (event) => this.set(question.name, event.target.value || null),
        });
      case "photo":
        return this.photoControl(question, id);
      case "geopoint":
        return this.geopointControl(question);
      default:
        return h("p", { class: "muted" }, fill(t.unknownType, { type: question.type }));
    }
  }

  photoControl(question, id) {
    const t = this.context.t;
    const box = h("div", { class: "photo-answer" });
    const draw = () => {
      replace(box);
      const photoId = this.answers[question.name];
      if (photoId && this.context.sharedPhoto && this.context.sharedPhoto(photoId)) {
        box.append(h("p", { class: "question-hint", "data-testid": "photo-stands-in" }, t.photoStandsIn));
      }
      if (photoId) {
        box.append(
          h(
            "figure",
            { class: "thumb" },
            h("img", { src: this.context.photoUrl(photoId), alt: t.photo }),
            h(
              "button",
              {
                type: "button",
                class: "thumb-remove",
                "aria-label": t.removePhoto,
                onclick: () => {
                  this.context.removePhoto(photoId);
                  this.set(question.name, null);
                  draw();
                },
              },
              "×",
            ),
          ),
        );
      }
      const input = h("input", {
        id,
        type: "file",
        accept: "image/*",
        capture: "environment",
        class: "camera-input",
        onchange: async (event) => {
          const file = event.target.files && event.target.files[0];
          if (!file) return;
          const old = this.answers[question.name];
          const photo = await this.context.addPhoto(file, { question: question.name });
          if (old) this.context.removePhoto(old);
          this.set(question.name, photo);
          draw();
        },
      });
      box.append(
        h("label", { class: "button camera", for: id }, icon("camera"), photoId ? t.retakePhoto : t.takePhoto),
        input,
      );
    };
    draw();
    return box;
  }

  geopointControl(question) {
    const t = this.context.t;
    const box = h("div", { class: "geopoint" });
    const draw = (message) => {
      const point = this.answers[question.name];
      replace(box, 
        h(
          "button",
          {
            type: "button",
            class: "button secondary",
            onclick: async () => {
              draw(t.locating);
              try {
                const position = await this.context.position();
                this.set(question.name, { lon: position.lon, lat: position.lat, accuracy: position.accuracy });
                draw();
              } catch (error) {
                draw(t[error.reason] || t.positionUnavailable);
              }
            },
          },
          point ? t.updatePosition : t.recordPosition,
        ),
        point
          ? h(
              "span",
              { class: "coords" },
              `${point.lat.toFixed(6)}, ${point.lon.toFixed(6)}`,
              point.accuracy != null ? ` ±${Math.round(point.accuracy)} m` : "",
            )
          : null,
        message ? h("span", { class: "muted" }, message) : null,
      );
    };
    draw();
    return box;
  }
}
