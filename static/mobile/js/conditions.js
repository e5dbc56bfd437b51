/* A checklist's rules, without the DOM (so that `node --test` can run them): which questions apply (a question's
 * condition, "relevant", names an earlier question and a value), which answers count, which fail and the points
 * lost, and which checklist a hotspot gets in a phase. The server applies the same rules when the answers arrive.
 */

export const YES = "yes";
export const NO = "no";

export function unanswered(value) {
  return value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0);
}

/* `applicable`: the answers that count among the questions before this one. A yes/no answer meets "yes" or "no";
 * a select_many answer meets any one of its values. */
export function conditionMet(question, applicable) {
  const relevant = question.relevant;
  if (!relevant) return true;
  const value = applicable[relevant.question];
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return (value ? YES : NO) === relevant.value;
  if (Array.isArray(value)) return value.includes(relevant.value);
  return String(value) === String(relevant.value);
}

/* The answers that count: in the checklist's order, only questions that apply, only answered ones. */
export function applicableAnswers(questions, answers) {
  const applicable = {};
  for (const question of questions) {
    if (question.type === "note") continue;
    if (!conditionMet(question, applicable)) continue;
    const value = answers[question.name];
    if (!unanswered(value)) applicable[question.name] = value;
  }
  return applicable;
}

/* The names of the questions that apply (notes included), to show. */
export function visibleNames(questions, answers) {
  const applicable = {};
  const visible = new Set();
  for (const question of questions) {
    if (!conditionMet(question, applicable)) continue;
    visible.add(question.name);
    const value = answers[question.name];
    if (question.type !== "note" && !unanswered(value)) applicable[question.name] = value;
  }
  return visible;
}

export function fails(question, value) {
  if (question.type === "yes_no") return value === false;
  if (question.type === "select_one" || question.type === "select_many") {
    const chosen = Array.isArray(value) ? value : [value];
    return (question.choices || []).some((choice) => choice.fails && chosen.includes(choice.value));
  }
  return false;
}

/* Points lost so far, as the server will count them. */
export function deduction(questions, answers) {
  const applicable = applicableAnswers(questions, answers);
  let total = 0;
  for (const question of questions) {
    if (question.name in applicable && fails(question, applicable[question.name])) total += question.deduction || 0;
  }
  return total;
}

/* The checklist for a hotspot's category in a phase: one made for the phase's kind wins over a general one. */
export function checklistFor(checklists, category, phaseKind) {
  const candidates = (checklists || []).filter(
    (item) => item.category === category && (item.phase_kind === phaseKind || !item.phase_kind),
  );
  candidates.sort((a, b) => {
    const specific = (b.phase_kind === phaseKind) - (a.phase_kind === phaseKind);
    return specific || String(a.code).localeCompare(String(b.code));
  });
  return candidates[0] || null;
}

/* The finding a failed item opens: {problem_type, severity} when the answer fails a question that names a problem
 * type, else null. */
export function itemFinding(question, value) {
  if (!question.problem_type || unanswered(value) || !fails(question, value)) return null;
  return { problem_type: question.problem_type, severity: question.severity || "" };
}

/* The answers with every unanswered item that applies marked compliant: a yes/no "yes", a select_one its only
 * option that does not fail. Follow-ups open only on a failing answer, so nothing new becomes required. */
export function compliantRest(questions, answers) {
  const result = { ...answers };
  const applicable = {};
  for (const question of questions) {
    if (question.type === "note" || !conditionMet(question, applicable)) continue;
    if (unanswered(result[question.name])) {
      if (question.type === "yes_no") result[question.name] = true;
      else if (question.type === "select_one") {
        const passing = (question.choices || []).filter((choice) => !choice.fails);
        if (passing.length === 1 && (question.choices || []).length > 1) result[question.name] = passing[0].value;
      }
    }
    if (!unanswered(result[question.name])) applicable[question.name] = result[question.name];
  }
  return result;
}

/* The photo question a failed item's photo answers when it has none yet (the overview photo), or null. */
export function photoStandIn(questions, answers) {
  const visible = visibleNames(questions, answers);
  const question = questions.find((item) => item.type === "photo" && visible.has(item.name) && unanswered(answers[item.name]));
  return question ? question.name : null;
}

/* Whether an answer breaks the question's constraint (number bounds or a text pattern), as the server checks. */
export function breaksConstraint(question, value) {
  const limits = question.constraint;
  if (!limits || unanswered(value)) return false;
  if (typeof value === "number") return (limits.min != null && value < limits.min) || (limits.max != null && value > limits.max);
  if (typeof value === "string" && limits.pattern) return !new RegExp(limits.pattern, "u").test(value);
  return false;
}

/* What stops a submit, in the checklist's order: the required questions that apply and have no answer (`missing`)
 * and the answers outside their question's constraint (`broken`), as question names. */
export function answerProblems(questions, answers) {
  const visible = visibleNames(questions, answers);
  const missing = [];
  const broken = [];
  for (const question of questions) {
    if (!visible.has(question.name)) continue;
    const value = answers[question.name];
    if (question.required && question.type !== "note" && unanswered(value)) missing.push(question.name);
    else if (breaksConstraint(question, value)) broken.push(question.name);
  }
  return { missing, broken };
}
