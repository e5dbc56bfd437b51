"""The tablet's position in browser tests: a stand-in ``navigator.geolocation`` that answers with the position the
test sets.

Chromium's own emulation (``context.set_geolocation``) stopped answering ``getCurrentPosition`` once the app's
``watchPosition`` had delivered a fix (Debian's Chromium 156.0.8078.129; 156.0.8078.73 answered): the start of an
inspection then waited for its 15 s timeout. The stand-in keeps the contract the app relies on: the current fix for
``getCurrentPosition``, every change pushed to the watchers, an error code when the test says the fix fails, and no
answer at all before the test has set a position.

Helpers, each for every page of a browser context (those open and those still to load):
- ``set_position``: from now on the fix is this position; waiting requests and the watchers get it.
- ``fail_position``: from now on every request fails with the error code (1 denied, 2 unavailable, 3 timeout).
- ``hold_position``: from now on ``getCurrentPosition`` gets no answer (as a tablet still looking for satellites)
  until the next ``set_position`` or ``fail_position``, which answers the waiting requests and ends the hold.
  The stand-in ignores the ``timeout`` option, so a held request waits as long as the test wants.
"""

import json

SCRIPT = """
(() => {
  const watchers = new Map();
  const waiting = []; // getCurrentPosition requests held until the next set or fail
  let nextId = 1;
  const answer = (ok, fail) => {
    const fix = window.__testPosition;
    if (!fix) return;
    if (fix.error) {
      const error = { code: fix.error, message: "test position error" };
      if (fail) fail(Object.assign(error, { PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 }));
      return;
    }
    ok({
      coords: { latitude: fix.latitude, longitude: fix.longitude, accuracy: fix.accuracy, altitude: null,
                altitudeAccuracy: null, heading: null, speed: null },
      timestamp: Date.now(),
    });
  };
  const geolocation = {
    getCurrentPosition(ok, fail) {
      setTimeout(() => (window.__testHold ? waiting.push([ok, fail]) : answer(ok, fail)), 20);
    },
    watchPosition(ok, fail) {
      const id = nextId++;
      watchers.set(id, [ok, fail]);
      setTimeout(() => window.__testHold || answer(ok, fail), 20);
      return id;
    },
    clearWatch(id) { watchers.delete(id); },
  };
  Object.defineProperty(Navigator.prototype, "geolocation", { get: () => geolocation, configurable: true });
  window.__holdTestPosition = () => { window.__testHold = true; };
  window.__setTestPosition = (fix) => {
    window.__testHold = false;
    window.__testPosition = fix;
    for (const [ok, fail] of waiting.splice(0)) answer(ok, fail);
    for (const [ok, fail] of watchers.values()) answer(ok, fail);
  };
})();
"""


def install(context, latitude: float, longitude: float, accuracy: float = 8) -> None:
    """Give every page of ``context`` the stand-in, standing at the given position."""
    context.add_init_script(SCRIPT)
    set_position(context, latitude=latitude, longitude=longitude, accuracy=accuracy)


def set_position(context, *, latitude: float, longitude: float, accuracy: float = 8) -> None:
    _set(context, {"latitude": latitude, "longitude": longitude, "accuracy": accuracy})


def fail_position(context, code: int = 1) -> None:
    """Every request for a position fails with ``code`` (1 denied, 2 unavailable, 3 timeout)."""
    _set(context, {"error": code})


def hold_position(context) -> None:
    """Requests for the current position wait, unanswered, until the next ``set_position`` or ``fail_position``."""
    context.add_init_script("window.__testHold = true;")
    for page in context.pages:
        page.evaluate("() => window.__holdTestPosition && window.__holdTestPosition()")


def _set(context, fix: dict) -> None:
    # An init script for the pages still to load (a reload, a new page); an update for the pages already open.
    context.add_init_script(f"window.__testHold = false; window.__testPosition = {json.dumps(fix)};")
    for page in context.pages:
        page.evaluate("fix => window.__setTestPosition && window.__setTestPosition(fix)", fix)
