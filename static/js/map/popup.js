// What a feature's popup says: a task's problem, unit, deadline, before/after thumbnails (through the
// permission-checked photo view) and a link to its page; a finding's severity and problem; a hotspot's state.

import { fill } from "./state.js";
import { config, dateTime, escapeHtml, nameOf, number, t } from "./text.js";
import { legendEntry } from "./style.js";

const lookups = { problemTypes: new Map(), units: new Map(), categories: new Map() };

export function setLookups({ problemTypes = [], units = [], categories = [] }) {
  problemTypes.forEach((type) => lookups.problemTypes.set(type.code, type));
  units.forEach((unit) => lookups.units.set(String(unit.id), unit));
  categories.forEach((category) => lookups.categories.set(category.code, category));
}

const row = (label, value) => `<tr><th>${escapeHtml(label)}</th><td>${value}</td></tr>`;

function stateBadge(layer, properties) {
  const entry = legendEntry(layer, properties);
  if (!entry) return "";
  return `<span class="state-badge${entry.emphasis ? " emphasis" : ""}" style="--swatch:${escapeHtml(entry.color)}">${escapeHtml(entry.label)}</span>`;
}

function thumbnail(id, label) {
  if (!id || !config.urls.photo) return `<figure class="thumb empty"><span>${escapeHtml(t("noPhoto"))}</span><figcaption>${escapeHtml(label)}</figcaption></figure>`;
  const src = fill(config.urls.photo, { id });
  return `<figure class="thumb"><img src="${escapeHtml(src)}" alt="${escapeHtml(label)}" loading="lazy"><figcaption>${escapeHtml(label)}</figcaption></figure>`;
}

function problem(properties) {
  const type = lookups.problemTypes.get(properties.problem_type);
  return escapeHtml(type ? nameOf(type) : properties.problem_type || "–");
}

function taskPopup(layer, p) {
  const unit = lookups.units.get(String(p.unit));
  const link = p.task && config.urls.task ? `<a class="popup-link" href="${escapeHtml(fill(config.urls.task, { id: p.task }))}">${escapeHtml(t("openTask"))}</a>` : "";
  return `<div class="map-popup" data-task="${escapeHtml(p.task)}"><strong>${problem(p)}</strong> ${stateBadge(layer, p)}
    <table>${row(t("unit"), escapeHtml(unit ? nameOf(unit) : p.unit ? "#" + p.unit : t("none")))}
    ${row(t("deadline"), escapeHtml(dateTime(p.due_at)))}${row(t("registered"), escapeHtml(dateTime(p.registered_at)))}</table>
    <div class="thumbs">${thumbnail(p.before_photo, t("before"))}${thumbnail(p.after_photo, t("after"))}</div>${link}</div>`;
}

function findingPopup(layer, p) {
  const link = p.task && config.urls.task ? `<a class="popup-link" href="${escapeHtml(fill(config.urls.task, { id: p.task }))}">${escapeHtml(t("openTask"))}</a>` : "";
  return `<div class="map-popup"><strong>${problem(p)}</strong> ${stateBadge(layer, p)}
    <table>${row(t("found"), escapeHtml(dateTime(p.created_at)))}${row(t("open"), escapeHtml(p.open ? t("yes") : t("no")))}</table>${link}</div>`;
}

function hotspotPopup(layer, p) {
  const category = lookups.categories.get(p.category);
  return `<div class="map-popup"><strong>${escapeHtml(p.name)}</strong> ${stateBadge(layer, p)}
    <table>${row(t("category"), escapeHtml(category ? category.name : p.category))}
    ${row(t("openTasks"), escapeHtml(number(p.open_tasks || 0)))}${row(t("overdueTasks"), escapeHtml(number(p.overdue_tasks || 0)))}
    ${row(t("lastInspected"), escapeHtml(dateTime(p.last_inspected)))}</table></div>`;
}

export function popupHtml(layer, properties) {
  if (layer.name === "tasks") return taskPopup(layer, properties);
  if (layer.name === "findings") return findingPopup(layer, properties);
  if (layer.name === "hotspots") return hotspotPopup(layer, properties);
  const entry = legendEntry(layer, properties);
  return `<div class="map-popup"><strong>${escapeHtml(layer.label)}</strong> ${escapeHtml(entry ? entry.label : "")}</div>`;
}
