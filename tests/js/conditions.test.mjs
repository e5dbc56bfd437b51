// A checklist's rules (static/mobile/js/conditions.js): conditions, the answers that count, points lost, and
// which checklist a hotspot gets.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  applicableAnswers,
  checklistFor,
  conditionMet,
  deduction,
  fails,
  unanswered,
  visibleNames,
} from "../../static/mobile/js/conditions.js";

// A construction site's checklist: the fence question opens two follow-ups, one of them opens a third.
const questions = [
  { name: "intro", type: "note" },
  { name: "fenced", type: "yes_no", deduction: 2 },
  { name: "gaps", type: "integer", relevant: { question: "fenced", value: "yes" } },
  { name: "why", type: "text", relevant: { question: "fenced", value: "no" } },
  {
    name: "dust",
    type: "select_many",
    deduction: 3,
    choices: [{ value: "covered" }, { value: "bare", fails: true }, { value: "sprayed" }],
  },
  { name: "bare_photo", type: "photo", relevant: { question: "dust", value: "bare" } },
  {
    name: "signs",
    type: "select_one",
    deduction: 1,
    choices: [{ value: "ok" }, { value: "missing", fails: true }],
  },
  { name: "sign_kind", type: "text", relevant: { question: "signs", value: "missing" } },
  { name: "floors", type: "integer" },
  { name: "floors_high", type: "text", relevant: { question: "floors", value: "3" } },
  { name: "after_why", type: "text", relevant: { question: "why", value: "budget" } },
];

describe("unanswered", () => {
  test("nothing, an empty text or an empty choice is no answer; false and 0 are answers", () => {
    for (const value of [null, undefined, "", []]) assert.ok(unanswered(value), String(value));
    for (const value of [false, 0, "0", ["a"], { lon: 1, lat: 2 }]) assert.ok(!unanswered(value), String(value));
  });
});

describe("conditions", () => {
  const on = (relevant) => ({ name: "q", type: "text", relevant });

  test("a question without a condition always applies", () => {
    assert.ok(conditionMet({ name: "q", type: "text" }, {}));
  });

  test("yes/no answers meet the values yes and no", () => {
    assert.ok(conditionMet(on({ question: "a", value: "yes" }), { a: true }));
    assert.ok(!conditionMet(on({ question: "a", value: "yes" }), { a: false }));
    assert.ok(conditionMet(on({ question: "a", value: "no" }), { a: false }));
    assert.ok(!conditionMet(on({ question: "a", value: "no" }), { a: true }));
  });

  test("a multiple choice meets any one of its values", () => {
    assert.ok(conditionMet(on({ question: "a", value: "bare" }), { a: ["covered", "bare"] }));
    assert.ok(!conditionMet(on({ question: "a", value: "bare" }), { a: ["covered"] }));
  });

  test("other answers are compared as text (a number meets its digits)", () => {
    assert.ok(conditionMet(on({ question: "a", value: "missing" }), { a: "missing" }));
    assert.ok(conditionMet(on({ question: "a", value: "3" }), { a: 3 }));
    assert.ok(!conditionMet(on({ question: "a", value: "3" }), { a: 4 }));
  });

  test("an unanswered or not applicable question meets no condition", () => {
    assert.ok(!conditionMet(on({ question: "a", value: "no" }), {}));
    assert.ok(!conditionMet(on({ question: "a", value: "no" }), { a: null }));
  });
});

describe("the answers that count", () => {
  test("only questions that apply, only answered ones, in the checklist's order; notes never", () => {
    const answers = { fenced: true, gaps: 2, why: "stale answer from before", dust: [], intro: "x", floors: 0 };
    const applicable = applicableAnswers(questions, answers);
    assert.deepEqual(applicable, { fenced: true, gaps: 2, floors: 0 });
    assert.deepEqual(Object.keys(applicableAnswers(questions, { floors: 5, fenced: false })), ["fenced", "floors"]);
  });

  test("a condition on a question that does not apply is not met, even with a stale answer kept", () => {
    const answers = { fenced: true, why: "budget", after_why: "kept from before" };
    assert.deepEqual(applicableAnswers(questions, answers), { fenced: true });
    assert.ok(!visibleNames(questions, answers).has("after_why"));
    const changed = { fenced: false, why: "budget", after_why: "now it counts" };
    assert.deepEqual(applicableAnswers(questions, changed), changed);
  });

  test("the questions shown: notes and every question whose condition is met", () => {
    assert.deepEqual([...visibleNames(questions, {})], ["intro", "fenced", "dust", "signs", "floors"]);
    assert.deepEqual(
      [...visibleNames(questions, { fenced: false, dust: ["bare"], signs: "ok", floors: 3 })],
      ["intro", "fenced", "why", "dust", "bare_photo", "signs", "floors", "floors_high"],
    );
  });

  test("does not change the answers it reads", () => {
    const answers = { fenced: true, why: "x" };
    applicableAnswers(questions, answers);
    visibleNames(questions, answers);
    assert.deepEqual(answers, { fenced: true, why: "x" });
  });
});

describe("points lost", () => {
  test("a no, or a choice marked as failing", () => {
    assert.ok(fails(questions[1], false));
    assert.ok(!fails(questions[1], true));
    assert.ok(fails(questions[4], ["covered", "bare"]));
    assert.ok(!fails(questions[4], ["covered", "sprayed"]));
    assert.ok(fails(questions[6], "missing"));
    assert.ok(!fails(questions[6], "ok"));
    assert.ok(!fails(questions[8], 0));
  });

  test("the deductions of the failing answers that count, each once", () => {
    assert.equal(deduction(questions, {}), 0);
    assert.equal(deduction(questions, { fenced: true, dust: ["covered"], signs: "ok" }), 0);
    assert.equal(deduction(questions, { fenced: false, dust: ["bare", "covered"], signs: "missing" }), 6);
  });

  test("a failing answer to a question that does not apply costs nothing", () => {
    const hidden = [...questions, { name: "late", type: "yes_no", deduction: 5, relevant: { question: "gaps", value: "1" } }];
    assert.equal(deduction(hidden, { fenced: false, gaps: 1, late: false }), 2);
    assert.equal(deduction(hidden, { fenced: true, gaps: 1, late: false }), 5);
  });
});

describe("which checklist", () => {
  const checklists = [
    { id: 1, code: "B-general", category: "construction", phase_kind: "" },
    { id: 2, code: "A-general", category: "construction", phase_kind: null },
    { id: 3, code: "Z-review", category: "construction", phase_kind: "review" },
    { id: 4, code: "A-market", category: "market", phase_kind: "review" },
  ];

  test("one made for the phase's kind wins over a general one", () => {
    assert.equal(checklistFor(checklists, "construction", "review").id, 3);
  });

  test("otherwise a general one of the category, by code", () => {
    assert.equal(checklistFor(checklists, "construction", "self_check").id, 2);
  });

  test("none for another category or phase", () => {
    assert.equal(checklistFor(checklists, "market", "self_check"), null);
    assert.equal(checklistFor(checklists, "school", "review"), null);
    assert.equal(checklistFor(null, "market", "review"), null);
  });
});
