"""The simulated tablets: field tablets record inspections, findings and photos; unit tablets check in on tasks.

Each tablet works like the PWA's outbox (static/mobile/js/sync.js): its records go in batches through
`POST /api/sync/`, each photo through the resumable `PUT /api/photos/<uuid>/` (HEAD for the offset, then chunks with
`Content-Range`) once its finding is on the server, a unit member's moves through `POST /api/sync/` as well. One
field batch in five goes through `POST /api/inspections/` instead, the REST API's way, and one of those is sent twice
at once on two connections (what a retry of a cut request does while the first still runs). The share `replay_rate`
of the rounds also sends again something already answered (a batch, an inspection, a photo), as a tablet that lost
the answer does. An item counts as sent when the server answered "created" or "existing" for it.
"""

from __future__ import annotations

import datetime as dt
import random
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from benchmarks.load.wire import GaveUp, Reply, Stats, Wire
from benchmarks.load.world import UNIT_USERS, World

CHUNK = 8 * 1024  # the demo photos are 12–16 KB: two chunks each, so resuming is exercised
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
SYNC = "POST /api/sync/"
INSPECTIONS = "POST /api/inspections/"
PHOTO_PUT = "PUT /api/photos/<id>/"
PHOTO_HEAD = "HEAD /api/photos/<id>/"
TASKS = "GET /api/tasks/"
TOKEN = "POST /api/auth/token/"
KINDS = ("inspection", "finding", "photo", "task_move")


@dataclass
class Ledger:
    """What one tablet believes: the ids the server confirmed, per kind, and what went wrong."""

    sent: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    attempted: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    refused: list[dict] = field(default_factory=list)
    replays: Counter = field(default_factory=Counter)
    replay_surprises: list[dict] = field(default_factory=list)  # a replay of a confirmed item not answered "existing"
    gave_up: int = 0

    def confirm(self, kind: str, item_id: str) -> None:
        self.sent[kind].add(item_id)

    def refuse(self, kind: str, item_id: str, status: int, reason) -> None:
        if len(self.refused) < 200:
            self.refused.append({"kind": kind, "id": item_id, "status": status, "reason": str(reason)[:300]})
        else:
            self.refused.append({"kind": kind, "id": item_id, "status": status})

    def surprise(self, what: str, detail) -> None:
        self.replay_surprises.append({"what": what, "detail": str(detail)[:300]})


@dataclass
class Photo:
    id: str
    finding: str
    inspection: str
    data: bytes
    lon: float
    lat: float


class Tablet:
    def __init__(self, index: int, login: str, world: World, base_url: str, stats: Stats, options):
        self.index = index
        self.login = login
        self.world = world
        self.options = options
        self.rng = random.Random(options.seed * 1000 + index)
        self.device = f"load-tablet-{index:03d}"
        self.wire = Wire(base_url, stats, self.rng, cut_rate=options.cut_rate, hard_stop=options.hard_stop)
        self.ledger = Ledger()
        self.history: list[tuple[str, object]] = []  # what was answered, for replays

    def run(self) -> Ledger:
        try:
            reply = self.wire.call(TOKEN, "POST", "/api/auth/token/", body=self._credentials())
            if reply.status != 200:
                raise SystemExit(f"{self.login}: login answered {reply.status} {reply.body}")
            self.wire.authorize(reply.json_or_empty()["token"])
            while True:  # one round at least, however long the login took
                self.round()
                if self.history and self.rng.random() < self.options.replay_rate:
                    self.replay(self.rng.choice(self.history))
                if time.monotonic() >= self.options.stop_at:
                    break
                time.sleep(self.rng.uniform(0.5, 1.5) * self.options.think)
        except GaveUp:
            self.ledger.gave_up += 1
        return self.ledger

    def _credentials(self) -> dict:
        return {"username": self.login, "password": self.world.password}

    def round(self) -> None:
        raise NotImplementedError

    def replay(self, entry) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------ the sync endpoint, shared by both kinds

    def sync(self, items: list[dict], *, replay: bool = False) -> Reply:
        nested = {}
        for item in items:
            self.ledger.attempted[item["type"]].add(item["id"])
            nested[item["id"]] = [finding["id"] for finding in item.get("findings", [])]
            self.ledger.attempted["finding"].update(nested[item["id"]])
        reply = self.wire.call(SYNC, "POST", "/api/sync/", body={"device": self.device, "items": items})
        if reply.status != 200:
            for item in items:
                self.ledger.refuse(item["type"], item["id"], reply.status, reply.body)
            return reply
        for result in reply.json_or_empty().get("results", []):
            kind, item_id, status = result.get("type"), result.get("id"), result.get("status")
            if status in ("created", "existing"):
                self.ledger.confirm(kind, item_id)
                for finding_id in nested.get(item_id, []):  # stored with their inspection
                    self.ledger.confirm("finding", finding_id)
                if replay and status != "existing":
                    self.ledger.surprise(f"sync replay of {kind}", result)
            else:
                self.ledger.refuse(kind, item_id, 200, result.get("reason"))
        return reply


class FieldTablet(Tablet):
    """An inspector's (or volunteer's, or manager's) tablet."""

    def round(self) -> None:
        inspections = [self._inspection() for _ in range(self.rng.randint(1, 3))]
        if self.rng.random() < 0.2:
            self._post_inspection(inspections[0])
            return
        items = []
        for inspection in inspections:
            if self.rng.random() < 0.3:  # findings added after the inspection left: separate items
                findings = inspection.pop("findings")
                items.append(inspection)
                items += [{"type": "finding", "inspection": inspection["id"], **f} for f in findings]
                inspection["findings"] = []
                inspection["_later"] = findings
            else:
                items.append(inspection)
        wire_items = [{k: v for k, v in item.items() if not k.startswith("_")} for item in items]
        reply = self.sync(wire_items)
        self.history.append(("sync", wire_items))
        if reply.status == 200:
            for inspection in inspections:
                for finding in inspection["findings"] + inspection.get("_later", []):
                    self._photo_of(inspection, finding)

    def _post_inspection(self, inspection: dict) -> None:
        body = {k: v for k, v in inspection.items() if k not in ("type",) and not k.startswith("_")}
        self.ledger.attempted["inspection"].add(body["id"])
        for finding in body["findings"]:
            self.ledger.attempted["finding"].add(finding["id"])
        if self.rng.random() < 0.2:
            self.ledger.replays["inspection_twice_at_once"] += 1
            with ThreadPoolExecutor(2) as pool:
                twins = [pool.submit(self._wire_twin().call, INSPECTIONS, "POST", "/api/inspections/", body=body)]
                twins.append(pool.submit(self.wire.call, INSPECTIONS, "POST", "/api/inspections/", body=body))
                replies = [twin.result() for twin in twins]
            if sorted(r.status for r in replies) not in ([200, 201], [200, 200]):
                self.ledger.surprise("the same new inspection twice at once", [(r.status, r.body) for r in replies])
        else:
            replies = [self.wire.call(INSPECTIONS, "POST", "/api/inspections/", body=body)]
        reply = min(replies, key=lambda r: r.status not in (200, 201))
        if reply.status not in (200, 201):
            self.ledger.refuse("inspection", body["id"], reply.status, reply.body)
            return
        self.ledger.confirm("inspection", body["id"])
        for finding in body["findings"]:
            self.ledger.confirm("finding", finding["id"])
            self._photo_of(inspection, finding)
        self.history.append(("inspection", body))

    def _wire_twin(self) -> Wire:
        twin = Wire(self.wire.base_url, self.wire.stats, random.Random(self.rng.random()), cut_rate=0.0,
                    hard_stop=self.wire.hard_stop)  # fmt: skip
        twin.session.headers.update(self.wire.session.headers)
        return twin

    def _inspection(self) -> dict:
        place = self.world.place(self.rng)
        now = dt.datetime.now(SHANGHAI)
        started = now - dt.timedelta(minutes=self.rng.randint(5, 40))
        findings = []
        for _ in range(self.rng.randint(1, 2)):
            findings.append(
                {
                    "id": str(uuid.uuid4()),
                    "problem_type": self.rng.choice(place.problem_types),
                    "severity": "",
                    "description": "压力测试（合成）",
                    # within about 20 m of the hotspot's anchor
                    "location": {
                        "lon": place.lon + self.rng.uniform(-2e-4, 2e-4),
                        "lat": place.lat + self.rng.uniform(-1.5e-4, 1.5e-4),
                    },
                }
            )
        return {
            "type": "inspection",
            "id": str(uuid.uuid4()),
            "hotspot": place.hotspot,
            "phase": self.world.phase,
            "started_at": started.isoformat(),
            "ended_at": now.isoformat(),
            "position": {"lon": place.lon, "lat": place.lat, "accuracy": 6.0},
            "answers": {},
            "findings": findings,
        }

    # ------------------------------------------------------------ photos

    def _photo_of(self, inspection: dict, finding: dict) -> None:
        if finding["id"] not in self.ledger.sent["finding"]:
            return  # refused or never answered: its photo has nowhere to go
        from fixtures.sample_photos import evidence_jpeg

        lon, lat = finding["location"]["lon"], finding["location"]["lat"]
        taken = dt.datetime.now(SHANGHAI) - dt.timedelta(minutes=self.rng.randint(1, 30))
        data = evidence_jpeg(seed=self.rng.randrange(1 << 30), taken=taken, lon=lon, lat=lat, size=(480, 360))
        photo = Photo(str(uuid.uuid4()), finding["id"], inspection["id"], data, lon, lat)
        if self.upload(photo):
            self.history.append(("photo", photo))

    def upload(self, photo: Photo, *, replay: bool = False) -> bool:
        """The outbox's resumable upload: HEAD for the offset, then chunks; True once the server has the photo."""
        self.ledger.attempted["photo"].add(photo.id)
        path = f"/api/photos/{photo.id}/?finding={photo.finding}&role=before&lon={photo.lon}&lat={photo.lat}&accuracy=6"
        total = len(photo.data)
        head = self.wire.call(PHOTO_HEAD, "HEAD", f"/api/photos/{photo.id}/")
        offset = int(head.headers.get("Upload-Offset", 0)) if head.status == 200 else 0
        if offset >= total:
            offset = max(0, total - (total % CHUNK or CHUNK))
        for _ in range(total // CHUNK + 8):
            end = min(offset + CHUNK, total)
            headers = {"Content-Type": "application/octet-stream", "Content-Range": f"bytes {offset}-{end - 1}/{total}"}
            reply = self.wire.call(PHOTO_PUT, "PUT", path, raw=photo.data[offset:end], headers=headers)
            body = reply.json_or_empty()
            if reply.status in (200, 201):
                self.ledger.confirm("photo", photo.id)
                if replay and reply.status != 200:
                    self.ledger.surprise("photo replay", reply.status)
                return True
            if reply.status == 202:
                offset = body.get("received", end)
            elif reply.status == 409 and isinstance(body.get("offset", body.get("received")), int):
                offset = body.get("offset", body.get("received"))
            else:
                self.ledger.refuse("photo", photo.id, reply.status, reply.body)
                return False
        self.ledger.refuse("photo", photo.id, 0, "the upload did not finish")
        return False

    def replay(self, entry) -> None:
        kind, what = entry
        self.ledger.replays[kind] += 1
        if kind == "sync":
            self.sync(what, replay=True)
        elif kind == "inspection":
            reply = self.wire.call(INSPECTIONS, "POST", "/api/inspections/", body=what)
            if reply.status != 200:
                self.ledger.surprise("inspection replay", (reply.status, reply.body))
        elif kind == "photo":
            self.upload(what, replay=True)


class UnitTablet(Tablet):
    """A unit member's tablet: reads its tasks and checks in on site (a move recorded each time, with its own id)."""

    def round(self) -> None:
        self.wire.call(TASKS, "GET", "/api/tasks/?status=in_progress&status=accepted")
        task = self.rng.choice(self.world.tasks[self.login])
        move = {
            "type": "task_move",
            "id": str(uuid.uuid4()),
            "task": task.id,
            "action": "check_in",
            "position": {"lon": task.lon + self.rng.uniform(-5e-5, 5e-5), "lat": task.lat, "accuracy": 5.0},
            "at": dt.datetime.now(SHANGHAI).isoformat(),
        }
        self.sync([move])
        self.history.append(("sync", [move]))

    def replay(self, entry) -> None:
        self.ledger.replays["sync"] += 1
        self.sync(entry[1], replay=True)


def run_tablets(world: World, base_url: str, options) -> tuple[list[Ledger], Stats, dict]:
    """All tablets at once, each in its own thread, until options.stop_at (then they finish what they hold)."""
    stats = Stats()
    logins = world.logins(options.tablets)
    tablets = [
        (UnitTablet if login in UNIT_USERS else FieldTablet)(i, login, world, base_url, stats, options)
        for i, login in enumerate(logins)
    ]
    ledgers: list[Ledger] = [Ledger()] * len(tablets)

    def work(i):
        ledgers[i] = tablets[i].run()

    threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(tablets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    waits = {
        "retries_after_503": sum(t.wire.retries_after_503 for t in tablets),
        "waited_for_503_s": round(sum(t.wire.waited_for_503_s for t in tablets), 1),
        "logins": dict(Counter(logins)),
    }
    return ledgers, stats, waits
