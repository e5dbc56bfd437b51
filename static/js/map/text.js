// Words, numbers and dates in the page's language (the words come translated from the template).

const config = JSON.parse(document.getElementById("map-config").textContent);
const words = JSON.parse(document.getElementById("map-text").textContent);
export const lang = document.documentElement.lang || "zh-hans";
const locale = lang.startsWith("zh") ? "zh-CN" : lang;

export { config };

/** A translated string with its {placeholders} filled. */
export function t(key, values = {}) {
  const text = words[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? values[name] : whole));
}

export const english = () => lang.startsWith("en");
/** The name of a thing that has `name` (Chinese) and `name_en`. */
export const nameOf = (thing) => (thing ? (english() && thing.name_en) || thing.name || "" : "");
export const number = (value, options) => Number(value).toLocaleString(locale, options);
export const percent = (value) => (value == null ? "–" : number(value, { style: "percent", maximumFractionDigits: 0 }));
export const dateTime = (iso) => (iso ? new Date(iso).toLocaleString(locale, { dateStyle: "medium", timeStyle: "short" }) : "–");
export const date = (iso) => (iso ? new Date(iso + (iso.length === 10 ? "T00:00:00" : "")).toLocaleDateString(locale, { dateStyle: "medium" }) : "–");

export const escapeHtml = (value) =>
  String(value ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
