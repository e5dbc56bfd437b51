/* The rectification unit's side of the tablet app: the unit's tasks as a list (by deadline or by distance) and on
 * a map inside the unit's service area, one task with its finding, before-photos, history and a navigation link,
 * and the unit's moves (accept, start, arrive on site, after-photos with the camera, submit, return, ask for an
 * extension). The moves, their order and the fields each asks for come from the server's workflow table (the
 * app's configuration): the app draws a form from each move's declared fields instead of knowing them itself.
 *
 * Every move and after-photo goes into the outbox the inspections use, and the same sync sends it: photos first,
 * then the moves that name them, the moves of a task in the order they were made. The server judges each move when
 * it arrives (the geofence, the state, the person); until then the screen shows the task as its queued moves would
 * leave it, using the unit's part of the workflow table the server hands over with the app's configuration.
 *
 * Offline: the lists and the details opened come back from the service worker's copy of the API answers, and the
 * photos seen from its photo cache.
 */
import * as store from "./db.js";
import { Status, TASK_MOVE, photosWaiting } from "./sync.js";
import { getJson, listOf, SessionExpired } from "./api.js";
import { h, fill, replace, icon, cameraButton, formatDistance, formatTime, toast, confirmDialog, formDialog, photoViewer, plural } from "./ui.js";
import { distanceM, currentPosition, reasonOf } from "./geo.js";

const POSITION_FRESH_MS = 60_000;
const POSITION_FOUND_SHOWN_MS = 60_000; // how long a move's "position found (±n m)" stays under the moves
// The server's nearest-first order is used while the tablet stays within this distance of where it was asked.
const NEAR_REUSE_M = 50;
const MAX_PAGES = 40;
// How a move's tone and a declared field's kind are drawn.
const TONE_CLASSES = { primary: "primary", secondary: "secondary", destructive: "secondary danger-text" };
const DIALOG_INPUTS = { text: "textarea", day: "date", datetime: "datetime-local" };

export class TaskBoard {
  /* ctx: {config, t, lang, state, requestSync, refreshOutbox, renderCurrent, setAuthRequired, positionLine,
   *       statusOf, discardItem, retryItem, layers()} */
  constructor(ctx) {
    this.ctx = ctx;
    this.config = ctx.config;
    this.t = ctx.t;
    this.lang = ctx.lang;
    this.state = ctx.state;
    this.workflow = ctx.config.workflow;
    this.moves = new Map(this.workflow.moves.map((move) => [move.action, move]));
    this.withUnit = new Set(this.workflow.withUnit);
    this.tasks = [];
    this.byId = new Map();
    this.details = new Map();
    this.loading = new Set();
    this.unit = null;
    this.loaded = false;
    this.error = null;
    this.cached = false;
    this.sort = "deadline";
    this.filter = "todo";
    this.near = null; // {at: {lon, lat}, order: Map(id → distance_m)} from GET /api/tasks/?near=
    this.objectUrls = [];
    // The position a move waited for: {task, action, status: locating|failed|found, reason, accuracy, at}
    this.locating = null;
  }

  /* ================================================================ data */

  listUrl(extra = {}) {
    const query = new URLSearchParams(this.workflow.open.map((status) => ["status", status]));
    for (const [key, value] of Object.entries(extra)) query.set(key, value);
    return this.config.urls.tasks + "?" + query;
  }

  async fetchAll(url) {
    const rows = [];
    let cached = false;
    let expired = false;
    let next = url;
    for (let page = 0; next && page < MAX_PAGES; page += 1) {
      const answer = await getJson(next);
      rows.push(...listOf(answer.data));
      cached = cached || answer.cached;
      expired = expired || answer.expired;
      next = answer.data && answer.data.next ? samePath(answer.data.next) : null;
    }
    return { rows, cached, expired };
  }

  async load() {
    const unit = this.config.user.unit;
    const [list, outline] = await Promise.allSettled([
      this.fetchAll(this.listUrl()),
      unit ? getJson(this.config.urls.units + unit.id + "/") : Promise.resolve(null),
    ]);
    if (list.status === "fulfilled") {
      this.tasks = list.value.rows;
      this.byId = new Map(this.tasks.map((task) => [task.id, task]));
      this.cached = list.value.cached;
      this.error = null;
      if (list.value.expired) this.ctx.setAuthRequired(true);
    } else {
      if (list.reason instanceof SessionExpired) this.ctx.setAuthRequired(true);
      this.error = this.t.tasksUnavailable;
    }
    if (outline.status === "fulfilled" && outline.value) this.unit = outline.value.data;
    this.loaded = true;
    this.near = null;
    return list.status === "fulfilled";
  }

  /* The details of one task, fresh when online (and kept by the service worker for later), else the kept copy. */
  async fetchDetail(id) {
    if (this.loading.has(id)) return;
    this.loading.add(id);
    try {
      const answer = await getJson(this.config.urls.tasks + id + "/");
      this.details.set(id, { data: answer.data, cached: answer.cached });
      const row = this.byId.get(id);
      if (row) Object.assign(row, pickListFields(answer.data));
      if (answer.expired) this.ctx.setAuthRequired(true);
    } catch (error) {
      if (error instanceof SessionExpired) this.ctx.setAuthRequired(true);
      if (!this.details.has(id)) this.details.set(id, { data: null, missing: true });
    } finally {
      this.loading.delete(id);
    }
    if (this.ctx.state.route.name === "task" && this.ctx.state.route.id === id) this.ctx.renderCurrent();
  }

  /* The server's answers changed after a sync: read the list and the task on screen again. */
  async refresh() {
    if (!navigator.onLine) return;
    await this.load();
    const route = this.ctx.state.route;
    if (route.name === "task") await this.fetchDetail(route.id);
    this.ctx.redraw();
  }

  enter(id) {
    this.fetchDetail(id);
  }

  /* The device moved: the distance on the task screen follows (the screen is drawn again only the first time). */
  positionChanged() {
    const route = this.ctx.state.route;
    const cell = document.querySelector("[data-testid=task-distance]");
    if (route.name === "task" && cell) {
      const task = this.task(route.id);
      const distance = task ? this.distance(task) : null;
      if (distance !== null) cell.textContent = formatDistance(distance, this.lang);
      return;
    }
    this.ctx.renderCurrent();
  }

  /* ================================================================ what the tablet knows about a task */

  task(id) {
    const detail = this.details.get(id);
    return (detail && detail.data) || this.byId.get(id) || null;
  }

  title(task) {
    return [task.problem_type_name, place(task)].filter(Boolean).join(" · ");
  }

  findingId(task) {
    return task.finding && typeof task.finding === "object" ? task.finding.id : task.finding;
  }

  mine(item) {
    return item.user === this.config.user.id;
  }

  pending(id) {
    return this.state.outbox.filter((item) => item.kind === TASK_MOVE && item.task === id && this.mine(item));
  }

  /* The status the task will have once its queued moves arrive (refused ones change nothing). */
  projected(task) {
    let status = task.status;
    for (const item of this.pending(task.id)) {
      if (item.status === Status.REFUSED) continue;
      const move = this.moves.get(item.action);
      if (move && move.sources.includes(status)) status = move.target;
    }
    return status;
  }

  /* The moves to offer: the server's own list while nothing waits, else what the workflow table allows after the
   * queued moves. */
  offered(task) {
    const live = this.pending(task.id).filter((item) => item.status !== Status.REFUSED);
    const detail = this.details.get(task.id);
    if (!live.length && detail && detail.data) {
      return detail.data.allowed_transitions.filter((action) => this.moves.has(action));
    }
    const status = this.projected(task);
    return this.workflow.moves.filter((move) => move.sources.includes(status)).map((move) => move.action);
  }

  isOverdue(task, status = task.status) {
    if (!this.withUnit.has(status) || !task.due_at) return false;
    return task.overdue || Date.parse(task.due_at) < Date.now();
  }

  distance(task) {
    if (!this.state.position || !task.location) return null;
    return distanceM(this.state.position, task.location);
  }

  /* After-photos: those the server has, those sent or waiting on this tablet; `free` are the ones no submit
   * named yet (they go with the next submit). */
  afterPhotos(task) {
    const detail = this.details.get(task.id);
    const data = detail && detail.data;
    const named = new Set();
    for (const event of (data && data.events) || []) {
      if (this.fieldOf(event.action, "photos")) for (const photo of event.photos) named.add(String(photo));
    }
    for (const item of this.pending(task.id)) {
      if (this.fieldOf(item.action, "photos") && item.status !== Status.REFUSED) for (const photo of item.photos || []) named.add(photo);
    }
    for (const row of this.state.history) {
      if (row.kind === TASK_MOVE && row.task === task.id && this.fieldOf(row.action, "photos")) {
        for (const photo of row.photos || []) named.add(photo);
      }
    }
    const photos = new Map();
    for (const photo of (data && data.after_photos) || []) {
      photos.set(String(photo.id), { id: String(photo.id), url: photo.urls.thumbnail, display: photo.urls.display });
    }
    for (const row of this.state.history) {
      if (row.kind === "photo" && row.task === task.id && !photos.has(row.id)) {
        photos.set(row.id, { id: row.id, url: this.photoUrl(row.id, "thumbnail"), display: this.photoUrl(row.id, "display") });
      }
    }
    for (const item of this.state.outbox) {
      if (item.kind === "photo" && item.task === task.id && this.mine(item)) photos.set(item.id, { id: item.id, item });
    }
    const all = [...photos.values()];
    return { all, free: all.filter((photo) => !named.has(photo.id)), named };
  }

  /* The declared field of the given kind of a move's form, or null. */
  fieldOf(action, kind) {
    const move = this.moves.get(action);
    return (move && move.fields.find((field) => field.kind === kind)) || null;
  }

  /* A move that cannot be made yet: it needs after-photos and none is waiting to go with it. */
  lacksPhotos(action, after) {
    const field = this.fieldOf(action, "photos");
    return Boolean(field && field.required && !after.free.length);
  }

  photoUrl(id, variant) {
    return this.config.urls.photos + id + "/" + variant + "/";
  }

  /* ================================================================ the list */

  visibleTasks() {
    const rows = this.tasks.filter((task) => this.filter === "all" || this.withUnit.has(this.projected(task)));
    const byDeadline = (a, b) =>
      (a.due_at ? Date.parse(a.due_at) : Infinity) - (b.due_at ? Date.parse(b.due_at) : Infinity) ||
      String(a.registered_at).localeCompare(String(b.registered_at));
    if (this.sort === "distance" && this.state.position) {
      const server = this.nearOrder();
      const distance = (task) => (server && server.has(task.id) ? server.get(task.id) : this.distance(task) ?? Infinity);
      rows.sort((a, b) => distance(a) - distance(b) || byDeadline(a, b));
    } else {
      rows.sort(byDeadline);
    }
    return rows;
  }

  /* The server's distances while the tablet is still near where it asked; else null (the tablet measures). */
  nearOrder() {
    if (!this.near || !this.state.position) return null;
    return distanceM(this.near.at, this.state.position) <= NEAR_REUSE_M ? this.near.order : null;
  }

  async askNear() {
    const here = this.state.position;
    if (!here || !navigator.onLine || this.nearOrder()) return;
    const at = { lon: here.lon, lat: here.lat };
    try {
      const answer = await this.fetchAll(this.listUrl({ near: `${at.lon.toFixed(5)},${at.lat.toFixed(5)}` }));
      if (answer.cached) return;
      this.near = { at, order: new Map(answer.rows.map((task) => [task.id, task.distance_m])) };
      this.ctx.renderCurrent();
    } catch (error) {
      /* Offline or refused: the tablet sorts by its own measure. */
    }
  }

  setSort(sort) {
    this.sort = sort;
    if (sort === "distance") this.askNear();
    this.ctx.renderCurrent();
  }

  renderList(pane) {
    const t = this.t;
    const rows = this.visibleTasks();
    const todo = this.tasks.filter((task) => this.withUnit.has(this.projected(task))).length;
    const list = h("ol", { class: "task-rows", "data-testid": "task-list" });
    for (const task of rows) list.append(h("li", {}, this.row(task)));
    const segmented = (current, choices, onChoose, label) =>
      h(
        "div",
        { class: "segmented small", role: "radiogroup", "aria-label": label },
        choices.map(([value, text]) =>
          h(
            "button",
            {
              type: "button",
              role: "radio",
              class: "choice",
              "data-value": value,
              "aria-checked": String(current === value),
              onclick: () => onChoose(value),
            },
            text,
          ),
        ),
      );
    replace(
      pane,
      h(
        "div",
        { class: "pane-head" },
        h("h1", {}, t.tasks, h("span", { class: "count" }, String(rows.length))),
        this.config.user.unit ? h("p", { class: "phase-line" }, this.config.user.unit.name) : null,
        h(
          "div",
          { class: "task-controls" },
          segmented(
            this.filter,
            [
              ["todo", fill(t.toDo, { n: todo })],
              ["all", fill(t.allOpen, { n: this.tasks.length })],
            ],
            (value) => {
              this.filter = value;
              this.ctx.renderCurrent();
            },
            t.show,
          ),
          segmented(this.sort, [["deadline", t.byDeadline], ["distance", t.byDistance]], (value) => this.setSort(value), t.sortBy),
        ),
        this.sort === "distance" ? this.ctx.positionLine() : h("p", { class: "position-line" }, t.sortedByDeadline),
        this.error ? h("p", { class: "notice warn" }, this.error) : null,
        this.cached ? h("p", { class: "notice" }, t.showingSaved) : null,
      ),
      rows.length
        ? list
        : h("p", { class: "empty" }, !this.loaded ? t.loading : this.tasks.length ? t.noTasksHere : t.noTasks),
    );
  }

  row(task) {
    const t = this.t;
    const status = this.projected(task);
    const waiting = this.pending(task.id).some((item) => item.status !== Status.REFUSED);
    const refused = this.pending(task.id).some((item) => item.status === Status.REFUSED);
    const overdue = this.isOverdue(task, status);
    const distance = this.distance(task);
    return h(
      "a",
      { class: "task-row" + (overdue ? " overdue" : ""), href: "#/task/" + task.id, "data-task": task.id, "data-status": status },
      h("span", { class: "status-bar st-" + status, "aria-hidden": "true" }),
      h(
        "span",
        { class: "row-main" },
        h("span", { class: "row-title" }, task.problem_type_name, task.severity ? h("span", { class: "sev sev-" + task.severity }, t[task.severity] || "") : null),
        h("span", { class: "row-sub" }, place(task) || "—"),
        h(
          "span",
          { class: "row-due" + (overdue ? " overdue" : ""), "data-testid": "task-due" },
          icon("clock", "icon inline"),
          " ",
          task.due_at ? fill(t.dueAt, { time: this.formatDeadline(task.due_at) }) : t.noDeadline,
        ),
      ),
      h(
        "span",
        { class: "row-end" },
        distance !== null ? h("span", { class: "distance" }, formatDistance(distance, this.lang)) : null,
        h("span", { class: "pill st-" + status }, this.statusLabel(status)),
        overdue ? h("span", { class: "pill overdue", "data-testid": "overdue" }, t.overdue) : null,
        refused ? h("span", { class: "pill refused" }, t.refusedHeading) : waiting ? h("span", { class: "pill queued" }, t.queued) : null,
      ),
    );
  }

  statusLabel(status) {
    return this.workflow.statuses[status] || status;
  }

  formatDeadline(iso) {
    return new Date(iso).toLocaleString(this.lang, {
      month: "short",
      day: "numeric",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
    });
  }

  /* ================================================================ one task */

  renderDetail(pane, id) {
    const t = this.t;
    for (const url of this.objectUrls) URL.revokeObjectURL(url);
    this.objectUrls = [];
    const task = this.task(id);
    const detail = this.details.get(id);
    const back = h("a", { class: "back", href: "#/" }, icon("back", "icon inline"), t.allTasks);
    if (!task) {
      const text = detail && detail.missing ? (navigator.onLine ? t.taskUnknown : t.taskNotSaved) : t.loading;
      replace(pane, back, h("p", { class: "empty" }, text));
      return;
    }
    const data = detail && detail.data;
    const status = this.projected(task);
    const overdue = this.isOverdue(task, status);
    const waiting = this.pending(id).some((item) => item.status !== Status.REFUSED);
    const distance = this.distance(task);
    const finding = data && data.finding;
    replace(
      pane,
      back,
      h(
        "article",
        { class: "task-detail", "data-testid": "task-detail", "data-task": id, "data-status": status },
        h(
          "p",
          { class: "category" },
          h("span", { class: "pill st-" + status, "data-testid": "task-status" }, this.statusLabel(status)),
          waiting ? h("span", { class: "pill queued" }, t.notSentYet) : null,
          overdue ? h("span", { class: "pill overdue" }, t.overdue) : null,
        ),
        h("h1", {}, task.problem_type_name),
        h(
          "dl",
          { class: "facts" },
          h("dt", {}, t.place),
          h("dd", {}, place(task) || "—"),
          task.jurisdiction && task.hotspot ? [h("dt", {}, t.jurisdiction), h("dd", {}, task.jurisdiction.name)] : null,
          h("dt", {}, t.deadline),
          h(
            "dd",
            { class: overdue ? "overdue" : "", "data-testid": "task-deadline" },
            task.due_at ? this.formatDeadline(task.due_at) : t.noDeadline,
            task.requested_due_at ? h("span", { class: "muted" }, " · " + fill(t.extensionAsked, { time: this.formatDeadline(task.requested_due_at) })) : null,
          ),
          task.severity ? [h("dt", {}, t.severity), h("dd", {}, t[task.severity] || task.severity)] : null,
          distance !== null ? [h("dt", {}, t.distance), h("dd", { "data-testid": "task-distance" }, formatDistance(distance, this.lang))] : null,
        ),
        h("p", { class: "muted small" }, fill(t.onSiteMeans, { m: Math.round(this.workflow.geofenceRadius) })),
        this.navigation(task),
        this.movesBox(task),
        this.afterBox(task),
        this.pendingBox(task),
        h(
          "section",
          { class: "task-section" },
          h("h2", {}, t.kindFinding),
          task.description ? h("p", { class: "finding-text" }, task.description) : h("p", { class: "muted" }, t.noDescription),
          finding ? h("p", { class: "muted small" }, fill(t.reportedAt, { time: formatTime(finding.created_at, this.lang) })) : null,
          h("h3", {}, t.beforePhotos),
          data
            ? data.before_photos.length
              ? h("div", { class: "photo-strip", "data-testid": "before-photos" }, data.before_photos.map((photo) => this.thumb(photo.urls.thumbnail, photo.urls.display, t.beforePhotos)))
              : h("p", { class: "muted" }, t.none)
            : h("p", { class: "muted" }, this.loading.has(id) ? t.loading : t.taskNotSaved),
        ),
        data ? this.trail(data) : null,
      ),
    );
  }

  navigation(task) {
    const t = this.t;
    if (!task.location) return null;
    const { lon, lat } = task.location;
    const name = this.title(task);
    const geo = `geo:${lat.toFixed(6)},${lon.toFixed(6)}?q=${lat.toFixed(6)},${lon.toFixed(6)}(${encodeURIComponent(name)})`;
    // AMap reads WGS84 here and converts for its own (GCJ-02) map; callnative opens the AMap app where installed.
    const amap = `https://uri.amap.com/marker?position=${lon.toFixed(6)},${lat.toFixed(6)}&name=${encodeURIComponent(name)}&coordinate=wgs84&callnative=1`;
    return h(
      "div",
      { class: "nav-links" },
      h("a", { class: "button secondary small", href: geo, "data-testid": "navigate-geo" }, icon("navigate", "icon inline"), t.navigate),
      h("a", { class: "button secondary small", href: amap, target: "_blank", rel: "noopener", "data-testid": "navigate-amap" }, t.openInAmap),
    );
  }

  thumb(url, display, alt) {
    return h(
      "button",
      { type: "button", class: "thumb", onclick: () => display && photoViewer(display, alt) },
      h("img", { src: url, alt, loading: "lazy", onerror: (event) => event.target.classList.add("broken") }),
    );
  }

  movesBox(task) {
    const t = this.t;
    const offered = this.offered(task);
    if (!offered.length) {
      const status = this.projected(task);
      // What happens next, once the task has left the unit (a submitted fix waits for the campaign office).
      const next = { submitted: t.awaitingVerification, verified: t.awaitingClosure, returned: t.returnedToOffice }[status];
      return h("p", { class: "notice", "data-testid": "no-moves" }, this.withUnit.has(status) ? t.nothingToDo : next || t.notWithUnit);
    }
    const after = this.afterPhotos(task);
    return h(
      "div",
      { class: "move-buttons", "data-testid": "moves" },
      offered.map((action) => {
        const move = this.moves.get(action);
        return h(
          "button",
          {
            type: "button",
            class: "button " + (TONE_CLASSES[move.tone] || "secondary"),
            "data-move": action,
            disabled: this.lacksPhotos(action, after) || !!(this.locating && this.locating.task === task.id && this.locating.status === "locating"),
            onclick: (event) => this.act(task, action, event.currentTarget),
          },
          move.label,
        );
      }),
      offered.some((action) => this.lacksPhotos(action, after)) ? h("p", { class: "hint warn" }, t.needAfterPhoto) : null,
      this.locatingLine(task),
    );
  }

  /* While a move waits for the position (up to 15 s): that it is locating; then the accuracy found (for a minute),
   * or the reason and a retry. */
  locatingLine(task) {
    const t = this.t;
    const wait = this.locating;
    if (!wait || wait.task !== task.id) return null;
    if (wait.status === "locating") {
      return h("p", { class: "position-line", "data-testid": "move-locating", "data-state": "locating", role: "status" }, h("span", { class: "dot", "aria-hidden": "true" }), t.locatingUpTo);
    }
    if (wait.status === "found") {
      if (Date.now() - wait.at > POSITION_FOUND_SHOWN_MS) return null;
      return h("p", { class: "position-line", "data-testid": "move-locating", "data-state": "found", role: "status" }, fill(t.positionObtained, { accuracy: wait.accuracy }));
    }
    return h(
      "div",
      { class: "notice warn", "data-testid": "move-locating", "data-state": "failed", role: "alert" },
      h("p", {}, (t[wait.reason] || t.positionUnavailable) + " " + t.arrivingNeedsPosition),
      h(
        "button",
        { type: "button", class: "button secondary small", "data-testid": "locating-retry", onclick: () => this.act(task, wait.action) },
        t.retry,
      ),
    );
  }

  afterBox(task) {
    const t = this.t;
    const after = this.afterPhotos(task);
    const canSubmit = this.offered(task).some((action) => this.fieldOf(action, "photos"));
    if (!canSubmit && !after.all.length) return null;
    const inputId = "after-camera-" + task.id;
    return h(
      "section",
      { class: "task-section" },
      h("h2", {}, t.afterPhotos, h("span", { class: "count" }, String(after.all.length))),
      h(
        "div",
        { class: "photo-strip", "data-testid": "after-photos" },
        after.all.map((photo) => {
          if (photo.item) {
            const url = URL.createObjectURL(photo.item.blob);
            this.objectUrls.push(url);
            const removable = photo.item.status !== Status.SENDING && !after.named.has(photo.id);
            return h(
              "figure",
              { class: "thumb", "data-photo": photo.id },
              h("img", { src: url, alt: t.afterPhotos }),
              removable
                ? h("button", { type: "button", class: "thumb-remove", "aria-label": t.removePhoto, onclick: () => this.removePhoto(photo.item) }, "×")
                : null,
            );
          }
          return h("figure", { class: "thumb", "data-photo": photo.id }, this.thumb(photo.url, photo.display, t.afterPhotos));
        }),
        canSubmit
          ? cameraButton({
              id: inputId,
              label: t.takeAfterPhoto,
              testid: "after-camera",
              onFile: (file) => this.addAfterPhoto(task, file),
            })
          : null,
      ),
    );
  }

  pendingBox(task) {
    const t = this.t;
    const items = this.pending(task.id);
    if (!items.length) return null;
    const waiting = new Set(this.state.outbox.map((item) => item.id));
    return h(
      "section",
      { class: "task-section" },
      h("h2", {}, t.onThisTablet),
      h(
        "ul",
        { class: "outbox-list", "data-testid": "task-pending" },
        items.map((item) => {
          const status = this.ctx.statusOf(item, waiting);
          return h(
            "li",
            { class: "outbox-row status-" + status.key, "data-item": item.id, "data-move": item.action, "data-status": status.key },
            h("span", { class: "kind-icon" }, icon("task")),
            h(
              "div",
              { class: "row-main" },
              h("span", { class: "row-title" }, this.moves.get(item.action) ? this.moves.get(item.action).label : item.action),
              h("span", { class: "row-sub" }, formatTime(item.created_at, this.lang)),
              h("span", { class: "row-status" }, status.text),
            ),
            item.status === Status.REFUSED
              ? h(
                  "div",
                  { class: "row-actions" },
                  h("button", { type: "button", class: "button ghost danger-text small", "data-action": "discard", onclick: () => this.ctx.discardItem(item) }, t.discard),
                )
              : null,
          );
        }),
      ),
    );
  }

  trail(data) {
    const t = this.t;
    const labels = this.workflow.labels;
    return h(
      "section",
      { class: "task-section" },
      h("h2", {}, t.history),
      h(
        "ol",
        { class: "trail", "data-testid": "task-trail" },
        data.events.map((event) =>
          h(
            "li",
            { "data-action": event.action },
            h("span", { class: "trail-time" }, formatTime(event.at, this.lang)),
            h(
              "span",
              { class: "trail-main" },
              h("strong", {}, labels[event.action] || this.statusLabel(event.to_status)),
              " · ",
              event.actor || t.system,
              event.note ? h("span", { class: "trail-note" }, event.note) : null,
            ),
          ),
        ),
      ),
    );
  }

  /* ================================================================ moves */

  /* The device position now, for a move or a photo: a recent one from the watch, else asked afresh. */
  async here({ required = false } = {}) {
    const known = this.state.position;
    if (!required && known && Date.now() - Date.parse(known.at) < POSITION_FRESH_MS) return pick(known);
    try {
      return pick(await currentPosition({ timeout: 15000, maximumAge: 5000 }));
    } catch (error) {
      if (required) throw reasonOf(error);
      return known ? pick(known) : null;
    }
  }

  /* The position a move requires, with what happens shown under the moves: locating, then the accuracy obtained
   * (a line under them, for a minute) or the reason it failed with a retry. */
  async requiredPosition(task, action) {
    this.locating = { task: task.id, action, status: "locating" };
    this.ctx.renderCurrent();
    try {
      const position = await this.here({ required: true });
      this.locating = { task: task.id, action, status: "found", accuracy: Math.round(position.accuracy), at: Date.now() };
      return position;
    } catch (reason) {
      this.locating = { task: task.id, action, status: "failed", reason };
      return null;
    } finally {
      this.ctx.renderCurrent();
    }
  }

  /* A move with the fields its declaration asks for: the device's position, the after-photos waiting to go, and a
   * dialog for what the person writes or picks. */
  async act(task, action, button) {
    const t = this.t;
    const move = this.moves.get(action);
    const fields = {};
    for (const field of move.fields) {
      if (field.kind === "position") {
        if (button) button.disabled = true;
        fields.position = field.required ? await this.requiredPosition(task, action) : await this.here();
        if (button && button.isConnected) button.disabled = false;
        if (!fields.position && field.required) return;
      } else if (field.kind === "photos") {
        const photos = this.afterPhotos(task).free;
        if (!photos.length && field.required) return toast(field.missing, "warn");
        fields.photos = photos.map((photo) => photo.id);
      }
    }
    const asked = move.fields.filter((field) => DIALOG_INPUTS[field.kind]);
    if (asked.length) {
      const required = asked.filter((field) => field.required);
      const values = await formDialog({
        title: fields.photos ? plural(t.submitTitle, fields.photos.length, this.lang) : move.label,
        fields: asked.map((field) => ({
          name: field.name,
          label: field.label,
          type: DIALOG_INPUTS[field.kind],
          required: field.required,
          maxlength: field.limits.max_length,
          min: field.kind === "day" && field.limits.after_deadline ? nextDay(task.due_at) : null,
        })),
        confirm: move.label,
        cancel: t.cancel,
        requiredText: required.length === 1 ? required[0].missing : t.answerRequired,
      });
      if (!values) return;
      for (const field of asked) {
        const value = values[field.name];
        if (!value) continue;
        if (field.kind === "day") fields[field.name] = new Date(`${value}T${this.workflow.workdayEnd}`).toISOString();
        else if (field.kind === "datetime") fields[field.name] = new Date(value).toISOString();
        else fields[field.name] = value;
      }
    }
    // Every move says where it was made when the device knows (the audit trail's "from where").
    if (!fields.position) fields.position = await this.here();
    await this.queueMove(task, action, fields);
  }

  async queueMove(task, action, fields) {
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    const payload = {
      type: TASK_MOVE,
      id,
      task: task.id,
      action,
      note: fields.note || "",
      position: fields.position || null,
      photos: fields.photos || [],
      due_at: fields.due_at || null,
      at: now,
    };
    await store.putOutbox({
      id,
      kind: TASK_MOVE,
      user: this.config.user.id,
      created_at: now,
      status: Status.QUEUED,
      attempts: 0,
      task: task.id,
      action,
      label: this.title(task),
      payload,
      photos: payload.photos,
    });
    toast(navigator.onLine ? this.t.queuedSending : this.t.queuedOffline, "ok");
    await this.ctx.refreshOutbox();
    this.ctx.renderCurrent();
    this.ctx.requestSync();
  }

  async addAfterPhoto(task, file) {
    const position = await this.here();
    const id = crypto.randomUUID();
    const now = new Date().toISOString();
    try {
      // The file is kept as it came from the camera, byte for byte (its EXIF is evidence).
      await store.putOutbox({
        id,
        kind: "photo",
        user: this.config.user.id,
        created_at: now,
        status: Status.QUEUED,
        attempts: 0,
        label: this.title(task),
        blob: file,
        size: file.size,
        type: file.type || "image/jpeg",
        name: file.name || "photo.jpg",
        finding: this.findingId(task),
        role: "after",
        task: task.id,
        position,
        taken_at: now,
      });
    } catch (error) {
      toast(this.t.storageFull, "warn");
      return;
    }
    await this.ctx.refreshOutbox();
    this.ctx.renderCurrent();
    this.ctx.requestSync();
  }

  async removePhoto(item) {
    const ok = await confirmDialog({ title: this.t.removePhoto, message: this.t.discardItemText, confirm: this.t.remove, cancel: this.t.cancel, danger: true });
    if (!ok) return;
    await store.discardItems([item.id]);
    await this.ctx.refreshOutbox();
    this.ctx.renderCurrent();
  }

  /* Moves that cannot go without this photo (discarded with it). */
  movesNaming(photoId) {
    return this.state.outbox.filter((item) => item.kind === TASK_MOVE && (item.photos || []).includes(photoId));
  }

  /* The outbox's words for a move waiting on its photos. */
  blockedText(item, waiting) {
    const photos = photosWaiting(item, waiting);
    if (!photos.length) return null;
    const refused = photos.some((id) => {
      const photo = this.state.outbox.find((other) => other.id === id);
      return photo && photo.status === Status.REFUSED;
    });
    return refused ? this.t.waitsForRefusedPhoto : this.t.waitsForPhotos;
  }

  moveLabel(item) {
    const move = this.moves.get(item.action);
    return move ? move.label : item.action;
  }

  /* ================================================================ map */

  drawMap({ map, outlines, clusters, markers }) {
    const bounds = [];
    if (this.unit && this.unit.geometry) {
      const area = L.geoJSON(this.unit, {
        style: { color: "#b42318", weight: 2.5, dashArray: "8 6", opacity: 0.8, fillOpacity: 0.04 },
        interactive: false,
      }).addTo(outlines);
      const box = area.getBounds();
      if (box.isValid()) bounds.push(box.getSouthWest(), box.getNorthEast());
    }
    const hotspots = new Set(this.tasks.map((task) => task.hotspot && String(task.hotspot.id)).filter(Boolean));
    for (const id of hotspots) {
      const feature = this.state.hotspotById.get(id);
      if (feature && feature.geometry && feature.geometry.type !== "Point") {
        L.geoJSON(feature, { style: { color: "#5d6b7a", weight: 1.5, fillOpacity: 0.08 }, interactive: false }).addTo(outlines);
      }
    }
    for (const task of this.tasks) {
      if (!task.location) continue;
      const status = this.projected(task);
      const overdue = this.isOverdue(task, status);
      const marker = L.circleMarker([task.location.lat, task.location.lon], {
        radius: 11,
        color: overdue ? "#c92a2a" : "#ffffff",
        weight: overdue ? 4 : 3,
        fillColor: STATUS_COLORS[status] || "#868e96",
        fillOpacity: 0.95,
        className: "task-marker",
      });
      marker.bindTooltip(this.title(task), { direction: "top", offset: [0, -8] });
      marker.on("click", () => (location.hash = "#/task/" + task.id));
      clusters.addLayer(marker);
      markers.set(task.id, marker);
      bounds.push([task.location.lat, task.location.lon]);
    }
    document.body.dataset.tasksOnMap = String(markers.size);
    if (bounds.length && !map._fitted) {
      map.fitBounds(L.latLngBounds(bounds), { padding: [30, 30], maxZoom: 16 });
      map._fitted = true;
    }
  }

  /* The task on the map: where it is and the circle of its site. */
  focus({ map, focus, clusters, markers }, id) {
    if (!map || !focus) return;
    focus.clearLayers();
    const task = this.task(id);
    if (!task || !task.location) return;
    const at = [task.location.lat, task.location.lon];
    L.circle(at, { radius: this.workflow.geofenceRadius, color: "#1769aa", weight: 2, dashArray: "4 4", fillOpacity: 0.08, interactive: false }).addTo(focus);
    const marker = markers.get(id);
    map.setView(at, Math.max(map.getZoom(), 17));
    if (marker) clusters.zoomToShowLayer(marker, () => marker.openTooltip());
  }
}

const STATUS_COLORS = {
  dispatched: "#1769aa",
  accepted: "#f08c00",
  in_progress: "#e8590c",
  extension_requested: "#9c36b5",
  rejected: "#c92a2a",
  submitted: "#2b8a3e",
  verified: "#2b8a3e",
  returned: "#868e96",
  deferred: "#868e96",
};

function place(task) {
  return (task.hotspot && task.hotspot.name) || (task.jurisdiction && task.jurisdiction.name) || "";
}

function pick(position) {
  return position ? { lon: position.lon, lat: position.lat, accuracy: position.accuracy } : null;
}

function samePath(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.pathname + parsed.search;
  } catch (error) {
    return null;
  }
}

/* The first day a new deadline may fall on: the day after the current one (or tomorrow). */
function nextDay(iso) {
  const base = iso ? new Date(Math.max(Date.parse(iso), Date.now())) : new Date();
  base.setDate(base.getDate() + 1);
  const pad = (n) => String(n).padStart(2, "0");
  return `${base.getFullYear()}-${pad(base.getMonth() + 1)}-${pad(base.getDate())}`;
}

/* The list's fields of a task's details (the detail nests the finding; the list names it). */
function pickListFields(detail) {
  const { finding, before_photos, after_photos, allowed_transitions, allowed_moves, events, geofence_radius_m, ...rest } = detail;
  return { ...rest, finding: finding && typeof finding === "object" ? finding.id : finding };
}
