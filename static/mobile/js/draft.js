/* The inspection open on screen (state.form): its draft is saved on the tablet soon after each change and at once
 * before the screen is left; its photos are kept in the draft and shown through object URLs.
 */
import * as store from "./db.js";
import { state, t } from "./state.js";
import { toast } from "./ui.js";

export function scheduleSave() {
  clearTimeout(state.saveTimer);
  state.saveTimer = setTimeout(saveNow, 300);
}

export async function saveNow() {
  clearTimeout(state.saveTimer);
  if (state.form) await store.saveDraft(state.form.draft);
}

export function photoUrl(photoId) {
  const form = state.form;
  if (!form.urls.has(photoId) && form.draft.photos[photoId]) {
    form.urls.set(photoId, URL.createObjectURL(form.draft.photos[photoId].blob));
  }
  return form.urls.get(photoId) || "";
}

export async function addPhoto(file, extra) {
  const photoId = crypto.randomUUID();
  // The file is kept as it came from the camera, byte for byte (its EXIF is evidence).
  state.form.draft.photos[photoId] = { blob: file, name: file.name || "photo.jpg", type: file.type || "image/jpeg", size: file.size, taken_at: new Date().toISOString(), ...extra };
  try {
    await saveNow();
  } catch (error) {
    delete state.form.draft.photos[photoId];
    toast(t.storageFull, "warn");
    throw error;
  }
  return photoId;
}

export function removePhoto(photoId) {
  const form = state.form;
  delete form.draft.photos[photoId];
  if (form.urls.has(photoId)) URL.revokeObjectURL(form.urls.get(photoId));
  form.urls.delete(photoId);
  scheduleSave();
}

/* The form is closed: its object URLs are let go. */
export function closeForm() {
  for (const url of state.form.urls.values()) URL.revokeObjectURL(url);
  state.form = null;
}
