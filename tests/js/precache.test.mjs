// The tablet app starts offline only if the service worker precaches every module it imports: the list is
// MODULES in mobile_forms/views.py.
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { test } from "node:test";

const root = new URL("../../", import.meta.url);
const views = readFileSync(new URL("mobile_forms/views.py", root), "utf8");
const listed = new Set([...views.match(/^MODULES = \[([^\]]*)\]/m)[1].matchAll(/"([^"]+)"/g)].map((match) => match[1]));
const folder = new URL("static/mobile/js/", root);
const modules = readdirSync(folder).filter((file) => file.endsWith(".js"));

test("every module of the app is precached", () => {
  assert.ok(modules.length > 1);
  assert.deepEqual(
    modules.filter((file) => !listed.has("mobile/js/" + file)),
    [],
  );
});

test("every module the app imports exists and is precached", () => {
  for (const file of modules) {
    const source = readFileSync(new URL(file, folder), "utf8");
    for (const [, path] of source.matchAll(/^(?:import|export)\b[^;]*?from "(\.[^"]+)";/gms)) {
      const target = new URL(path, new URL(file, folder)).pathname;
      const staticPath = target.slice(target.indexOf("/static/") + "/static/".length);
      assert.ok(listed.has(staticPath), `${file} imports ${path}, which is not precached`);
    }
  }
});
