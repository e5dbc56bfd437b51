// A submit refused for an answer outside its constraint names that question and the checklist's message, not a
// count of required questions (static/mobile/js/conditions.js answerProblems, checklist.js problemMessage).
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { answerProblems } from "../../static/mobile/js/conditions.js";
import { problemMessage } from "../../static/mobile/js/checklist.js";

const questions = [
  { name: "clean", type: "yes_no", required: true, label: "周边整洁", label_en: "Surroundings clean" },
  {
    name: "stalls",
    type: "integer",
    required: true,
    label: "摊点数量",
    label_en: "Number of stalls",
    constraint: { min: 0, max: 50, pattern: null, message: "摊点数量应在 0–50 之间", message_en: "Between 0 and 50 stalls" },
  },
  {
    name: "phone",
    type: "text",
    label: "负责人电话",
    label_en: "Contact phone",
    constraint: { min: null, max: null, pattern: "^1\\d{10}$", message: "", message_en: "" },
  },
  { name: "remarks", type: "text", required: true, label: "备注", relevant: { question: "clean", value: "no" } },
];

const t = {
  answerProblem: "{question}: {message}",
  answerOutOfRange: "The answer is outside what this question accepts.",
  missingAnswers: { one: "{n} required question has no answer yet.", other: "{n} required questions have no answer yet." },
  moreOutOfRange: {
    one: "{n} other answer is outside what its question accepts.",
    other: "{n} other answers are outside what their questions accept.",
  },
};

describe("what stops a submit", () => {
  test("an answer outside its constraint is broken, not missing", () => {
    assert.deepEqual(answerProblems(questions, { clean: true, stalls: 80 }), { missing: [], broken: ["stalls"] });
  });

  test("required questions count only where they apply", () => {
    assert.deepEqual(answerProblems(questions, {}), { missing: ["clean", "stalls"], broken: [] });
    assert.deepEqual(answerProblems(questions, { clean: false, stalls: 3 }), { missing: ["remarks"], broken: [] });
  });

  test("a text outside its pattern is broken; within the bounds nothing is", () => {
    assert.deepEqual(answerProblems(questions, { clean: true, stalls: 50, phone: "12345" }).broken, ["phone"]);
    assert.deepEqual(answerProblems(questions, { clean: true, stalls: 0, phone: "13800138000" }), { missing: [], broken: [] });
  });
});

describe("the pop-up's message", () => {
  test("names the question and the checklist's constraint message, in the reader's language", () => {
    const problems = answerProblems(questions, { clean: true, stalls: 80 });
    assert.equal(problemMessage(problems, questions, t, "en"), "Number of stalls: Between 0 and 50 stalls");
    const zh = { ...t, answerProblem: "{question}：{message}" };
    assert.equal(problemMessage(problems, questions, zh, "zh-hans"), "摊点数量：摊点数量应在 0–50 之间");
    assert.doesNotMatch(problemMessage(problems, questions, t, "en"), /required/);
  });

  test("without a message of its own, says the answer is out of range", () => {
    const problems = answerProblems(questions, { clean: true, stalls: 1, phone: "x" });
    assert.equal(problemMessage(problems, questions, t, "en"), "Contact phone: " + t.answerOutOfRange);
  });

  test("counts what else is wrong, in the number's plural form", () => {
    const problems = answerProblems(questions, { clean: false, stalls: 80, phone: "x" });
    assert.equal(
      problemMessage(problems, questions, t, "en"),
      "Number of stalls: Between 0 and 50 stalls 1 other answer is outside what its question accepts. " +
        "1 required question has no answer yet.",
    );
  });

  test("only unanswered questions: the count, as before", () => {
    assert.equal(problemMessage(answerProblems(questions, {}), questions, t, "en"), "2 required questions have no answer yet.");
  });
});
