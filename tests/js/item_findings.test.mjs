// A failed checklist item opens its finding, the other items are marked compliant in one tap, and the item's photo
// stands in for the overview photo (static/mobile/js/conditions.js); counting strings take the number's plural form
// (static/mobile/js/ui.js).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { compliantRest, itemFinding, photoStandIn } from "../../static/mobile/js/conditions.js";
import { plural } from "../../static/mobile/js/ui.js";

const failing = [{ value: "yes" }, { value: "no", fails: true }];
// The street-stall checklist of the demo, as the API serves it.
const questions = [
  { name: "no_vending", type: "yes_no", required: true, deduction: 3, choices: failing, problem_type: "street_vending", severity: "major" },
  { name: "stall_count", type: "integer", relevant: { question: "no_vending", value: "no" } },
  { name: "surroundings_clean", type: "yes_no", required: true, choices: failing, problem_type: "exposed_garbage", severity: "" },
  {
    name: "minors",
    type: "select_one",
    required: true,
    choices: [{ value: "none" }, { value: "found", fails: true }],
    problem_type: "minors_in_cafe",
  },
  { name: "planting", type: "select_one", choices: [{ value: "good" }, { value: "fair" }, { value: "bare", fails: true }] },
  { name: "remarks", type: "text" },
  { name: "overview_photo", type: "photo", required: true },
];

describe("a failed item", () => {
  test("opens the finding its question names, with the severity (empty: the type's default)", () => {
    assert.deepEqual(itemFinding(questions[0], false), { problem_type: "street_vending", severity: "major" });
    assert.deepEqual(itemFinding(questions[2], false), { problem_type: "exposed_garbage", severity: "" });
    assert.deepEqual(itemFinding(questions[3], "found"), { problem_type: "minors_in_cafe", severity: "" });
  });

  test("opens nothing when it passes, is unanswered, or names no problem type", () => {
    assert.equal(itemFinding(questions[0], true), null);
    assert.equal(itemFinding(questions[0], null), null);
    assert.equal(itemFinding(questions[3], "none"), null);
    assert.equal(itemFinding(questions[4], "bare"), null);
  });
});

describe("the other items compliant", () => {
  test("answers unanswered yes/no items yes and a select its only passing option, never the rest", () => {
    const answers = compliantRest(questions, { no_vending: false });
    assert.deepEqual(answers, { no_vending: false, surroundings_clean: true, minors: "none" });
  });

  test("keeps the answers given, and opens no follow-up question", () => {
    const answers = compliantRest(questions, { surroundings_clean: false, minors: "found" });
    assert.deepEqual(answers, { no_vending: true, surroundings_clean: false, minors: "found" });
    assert.equal("stall_count" in answers, false);
  });
});

describe("the item's photo", () => {
  test("answers the photo question that has none", () => {
    assert.equal(photoStandIn(questions, {}), "overview_photo");
    assert.equal(photoStandIn(questions, { overview_photo: "3f1c…" }), null);
    assert.equal(photoStandIn(questions.slice(0, 3), {}), null);
  });
});

describe("counting strings", () => {
  const forms = { one: "{n} required question has no answer yet.", other: "{n} required questions have no answer yet." };

  test("take the English singular for 1 and the plural otherwise", () => {
    assert.equal(plural(forms, 1, "en"), "1 required question has no answer yet.");
    assert.equal(plural(forms, 3, "en"), "3 required questions have no answer yet.");
    assert.equal(plural({ one: "−{n} point", other: "−{n} points" }, 1.5, "en"), "−1.5 points");
  });

  test("take the one form Chinese has, and plain templates still work", () => {
    assert.equal(plural({ one: "{n} 项", other: "{n} 项" }, 1, "zh-hans"), "1 项");
    assert.equal(plural("{n} 条记录", 2, "zh-hans"), "2 条记录");
    assert.equal(plural(forms, 1200, "en"), "1,200 required questions have no answer yet.");
  });
});
