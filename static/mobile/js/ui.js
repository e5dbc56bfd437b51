/* Small DOM helpers for the tablet app: element builder, formatting, toasts and confirmations. */

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") element.className = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key === "style" && typeof value === "object") Object.assign(element.style, value);
    else if (key.startsWith("on") && typeof value === "function") element.addEventListener(key.slice(2), value);
    else if (value === true) element.setAttribute(key, "");
    else element.setAttribute(key, value);
  }
  append(element, children);
  return element;
}

/* replaceChildren that skips null/false children (the DOM would print them as "null"). */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function fill(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (match, key) => (key in values ? values[key] : match));
}

/* A counting string in the form the number needs: `forms` is {one: …, other: …} (CLDR plural categories, as the
 * server's ngettext gave them) or a plain template; `{n}` is filled with the number, localized. */
export function plural(forms, n, lang, values = {}) {
  let template = forms;
  if (forms && typeof forms === "object") {
    let category = "other";
    try {
      category = new Intl.PluralRules(lang).select(n);
    } catch (error) {
      /* an unknown locale: "other" */
    }
    template = forms[category] ?? forms.other;
  }
  return fill(template, { n: Number(n).toLocaleString(lang), ...values });
}

export function formatDistance(metres, lang) {
  if (metres === null || metres === undefined || !Number.isFinite(metres)) return "";
  if (metres < 1000) return Math.round(metres).toLocaleString(lang) + " m";
  return (metres / 1000).toLocaleString(lang, { maximumFractionDigits: 1 }) + " km";
}

export function formatBytes(bytes, lang) {
  if (!Number.isFinite(bytes)) return "";
  if (bytes < 1024 * 1024) return Math.max(1, Math.round(bytes / 1024)).toLocaleString(lang) + " KB";
  return (bytes / 1024 / 1024).toLocaleString(lang, { maximumFractionDigits: 1 }) + " MB";
}

export function formatTime(iso, lang) {
  if (!iso) return "";
  const date = new Date(iso);
  const today = new Date();
  const sameDay = date.toDateString() === today.toDateString();
  return sameDay
    ? date.toLocaleTimeString(lang, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleString(lang, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

export function localDate(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

let toastTimer = null;
export function toast(message, kind = "info") {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = message;
  box.className = "toast show " + kind;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.className = "toast"), 4000);
}

/* A confirmation in the app's own style (window.confirm is small and cannot be styled on tablets). */
export function confirmDialog({ title, message, confirm, cancel, danger = false }) {
  return new Promise((resolve) => {
    const dialog = h(
      "dialog",
      { class: "dialog", "data-testid": "confirm-dialog" },
      h("h2", {}, title),
      message ? h("p", {}, message) : null,
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { type: "button", class: "button secondary", value: "cancel", onclick: () => close(false) }, cancel),
        h(
          "button",
          { type: "button", class: "button " + (danger ? "danger" : "primary"), onclick: () => close(true) },
          confirm,
        ),
      ),
    );
    function close(result) {
      dialog.close();
      dialog.remove();
      resolve(result);
    }
    dialog.addEventListener("cancel", () => close(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}

/* A small form in a dialog: resolves with {name: value} of its fields, or null when cancelled. A required field
 * left empty keeps the dialog open and says so. */
export function formDialog({ title, message, fields, confirm, cancel, requiredText }) {
  return new Promise((resolve) => {
    const rows = fields.map((field) => {
      const id = "dialog-" + field.name;
      const control =
        field.type === "textarea"
          ? h("textarea", { id, name: field.name, class: "field", rows: "3", maxlength: String(field.maxlength || 2000) }, field.value || "")
          : h("input", { id, name: field.name, type: field.type || "text", class: "field " + (field.type || ""), min: field.min || null, value: field.value || null });
      const box = h(
        "div",
        { class: "dialog-field", "data-field": field.name },
        h("label", { class: "field-label", for: id }, field.label, field.required ? h("span", { class: "required" }, " *") : null),
        control,
        h("p", { class: "question-error" }, requiredText || ""),
      );
      return { field, control, box };
    });
    const form = h(
      "form",
      { method: "dialog", novalidate: true },
      h("h2", {}, title),
      message ? h("p", {}, message) : null,
      rows.map((row) => row.box),
      h(
        "div",
        { class: "dialog-actions" },
        h("button", { type: "button", class: "button secondary", onclick: () => close(null) }, cancel),
        h("button", { type: "submit", class: "button primary", "data-testid": "dialog-confirm" }, confirm),
      ),
    );
    const dialog = h("dialog", { class: "dialog", "data-testid": "form-dialog" }, form);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      let missing = null;
      for (const row of rows) {
        const empty = row.field.required && !row.control.value.trim();
        row.box.classList.toggle("has-error", empty);
        if (empty && !missing) missing = row.control;
      }
      if (missing) {
        missing.focus();
        return;
      }
      close(Object.fromEntries(rows.map((row) => [row.field.name, row.control.value.trim()])));
    });
    function close(result) {
      dialog.close();
      dialog.remove();
      resolve(result);
    }
    dialog.addEventListener("cancel", () => close(null));
    document.body.append(dialog);
    dialog.showModal();
    if (rows.length) rows[0].control.focus();
  });
}

/* A photo at display size over the page; tapping anywhere closes it. */
export function photoViewer(url, alt) {
  const dialog = h("dialog", { class: "dialog viewer", "data-testid": "photo-viewer" }, h("img", { src: url, alt }));
  const close = () => {
    dialog.close();
    dialog.remove();
  };
  dialog.addEventListener("click", close);
  dialog.addEventListener("cancel", close);
  document.body.append(dialog);
  dialog.showModal();
}

/* Icons drawn inline (no icon font, no emoji: tablets' fonts differ and the app must look the same offline). */
const ICONS = {
  camera:
    "M9 3 7.2 5H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2h-3.2L15 3H9zm3 5a5 5 0 1 1 0 10 5 5 0 0 1 0-10zm0 2a3 3 0 1 0 0 6 3 3 0 0 0 0-6z",
  pin: "M12 2a7 7 0 0 0-7 7c0 5.25 7 13 7 13s7-7.75 7-13a7 7 0 0 0-7-7zm0 9.5A2.5 2.5 0 1 1 12 6.5a2.5 2.5 0 0 1 0 5z",
  inspection:
    "M9 2h6a1 1 0 0 1 1 1v1h2a2 2 0 0 1 2 2v14a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2h2V3a1 1 0 0 1 1-1zm1 2v2h4V4h-4zM7 10v2h10v-2H7zm0 4v2h7v-2H7z",
  finding: "M12 2 1 21h22L12 2zm-1 7h2v6h-2V9zm0 8h2v2h-2v-2z",
  photo: "M4 4h16a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm1 13h14l-4.5-6-3.5 4.5-2.5-3L5 17zM8 7.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z",
  draft: "M3 17.25V21h3.75L17.8 9.94l-3.75-3.75L3 17.25zM20.7 7.04a1 1 0 0 0 0-1.41l-2.34-2.34a1 1 0 0 0-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z",
  check: "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4L9 16.2z",
  back: "M15.4 7.4 14 6l-6 6 6 6 1.4-1.4L10.8 12z",
  plus: "M11 5h2v6h6v2h-6v6h-2v-6H5v-2h6z",
  task: "M19 3h-4.18A3 3 0 0 0 12 1a3 3 0 0 0-2.82 2H5a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h14a2 2 0 0 0 2-2V5a2 2 0 0 0-2-2zm-7 0a1 1 0 1 1 0 2 1 1 0 0 1 0-2zm-2 14-4-4 1.41-1.41L10 14.17l6.59-6.59L18 9l-8 8z",
  navigate: "M21.7 11.3 12.7 2.3a1 1 0 0 0-1.4 0l-9 9a1 1 0 0 0 0 1.4l9 9a1 1 0 0 0 1.4 0l9-9a1 1 0 0 0 0-1.4zM14 14.5V12h-4v3H8v-4a1 1 0 0 1 1-1h5V7.5l3.5 3.5-3.5 3.5z",
  clock: "M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20zm0 18a8 8 0 1 1 0-16 8 8 0 0 1 0 16zm.5-13H11v6l5.2 3.2.8-1.3-4.5-2.7V7z",
  sync: "M12 4V1L8 5l4 4V6a6 6 0 0 1 5.7 7.9l1.5 1.5A8 8 0 0 0 12 4zm-5.7 4.1L4.8 6.6A8 8 0 0 0 12 20v3l4-4-4-4v3a6 6 0 0 1-5.7-7.9z",
};

export function icon(name, className = "icon") {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", className);
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", ICONS[name] || "");
  path.setAttribute("fill", "currentColor");
  svg.append(path);
  return svg;
}

/* The camera button: a label styled as a button for a file input that opens the back camera. */
export function cameraButton({ id, label, testid, onFile }) {
  return [
    h("label", { class: "button camera", for: id }, icon("camera"), label),
    h("input", {
      id,
      type: "file",
      accept: "image/*",
      capture: "environment",
      class: "camera-input",
      "data-testid": testid,
      onchange: async (event) => {
        const file = event.target.files && event.target.files[0];
        if (file) await onFile(file);
      },
    }),
  ];
}
