// The filter form: its options (campaigns and phases, categories, problem types, states, communities, units) and
// the state it shows; every change goes to `onChange(filters)`.

import { emptyFilters } from "./state.js";
import { escapeHtml, nameOf } from "./text.js";

const form = () => document.getElementById("map-filters");

function options(select, entries, chosen) {
  const first = select.querySelector("option[value='']");
  select.replaceChildren(...(first ? [first] : []));
  for (const [value, label] of entries) {
    const option = document.createElement("option");
    option.value = String(value);
    option.textContent = label;
    select.appendChild(option);
  }
  select.value = chosen && entries.some(([value]) => String(value) === chosen) ? chosen : "";
}

export function fillOptions({ campaigns, categories, problemTypes, communities, units, states }, filters) {
  const f = form();
  options(f.campaign, campaigns.map((c) => [c.id, nameOf(c)]), filters.campaign);
  phaseOptions(campaigns, filters);
  options(f.category, categories.map((c) => [c.code, c.name]), filters.category);
  options(f.problem_type, problemTypes.map((p) => [p.code, nameOf(p)]), filters.problem_type);
  options(f.community, communities.map((c) => [c.id, nameOf(c)]), filters.community);
  options(f.unit, units.map((u) => [u.id, nameOf(u)]), filters.unit);
  const box = document.getElementById("status-filter");
  box.innerHTML = states
    .map(
      (entry) => `<label class="state-option"><input type="checkbox" name="status" value="${escapeHtml(entry.value)}"${
        filters.status.includes(entry.value) ? " checked" : ""
      }><span class="swatch dot${entry.emphasis ? " emphasis" : ""}" style="background:${escapeHtml(entry.color)}"></span>${escapeHtml(entry.label)}</label>`,
    )
    .join("");
  box.closest("fieldset").hidden = !states.length;
  f.start.value = filters.start;
  f.end.value = filters.end;
  f.campaign.addEventListener("change", () => phaseOptions(campaigns, { ...readFilters(), phase: "" }));
}

function phaseOptions(campaigns, filters) {
  const campaign = campaigns.find((c) => String(c.id) === filters.campaign);
  const phases = campaign ? campaign.phases : campaigns.flatMap((c) => c.phases.map((p) => ({ ...p, campaign: c })));
  options(
    form().phase,
    phases.map((p) => [p.id, (p.campaign ? nameOf(p.campaign) + " · " : "") + p.kind_display + " (" + p.starts_on + " – " + p.ends_on + ")"]),
    filters.phase,
  );
}

export function readFilters() {
  const f = form();
  const filters = emptyFilters();
  for (const name of Object.keys(filters)) {
    if (name === "status") filters.status = [...f.querySelectorAll("input[name=status]:checked")].map((box) => box.value);
    else filters[name] = f[name].value;
  }
  return filters;
}

export function setDates(start, end) {
  form().start.value = start;
  form().end.value = end;
}

export function onFilterChange(onChange) {
  const f = form();
  f.addEventListener("change", () => onChange(readFilters()));
  f.addEventListener("submit", (event) => event.preventDefault());
  f.addEventListener("reset", () => setTimeout(() => onChange(readFilters())));
}
