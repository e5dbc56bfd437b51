"""`/api/layers/<layer>/aggregate`: hexagon, square, heatmap and choropleth figures computed in the database, checked
against counts made in Python (the nearest hexagon centre, the square a point falls in), against the metrics'
own figures, and against the same literal answer on SpatiaLite and PostGIS."""

import datetime as dt
import math
import random
from collections import Counter

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from geo.layers import cells
from geo.models import Hotspot, HotspotCategory
from inspections.models import Task
from inspections.rectification.workflow import is_overdue
from inspections.reporting.metrics import FIRST_DAY, Grouping, Period, task_metrics
from inspections.selectors import tasks_for_user

pytestmark = pytest.mark.django_db

URL = "/api/layers/{}/aggregate"
BBOX = "116.20,39.84,116.24,39.86"
BOX = (116.20, 39.84, 116.24, 39.86)


def scatter(count: int, seed: int = 7) -> list[tuple[float, float]]:
    """Points over the world's two communities, a third of them in a tight cluster."""
    rng = random.Random(seed)
    points = []
    for index in range(count):
        if index % 3 == 0:
            points.append((116.212 + rng.gauss(0, 0.002), 39.851 + rng.gauss(0, 0.0015)))
        else:
            points.append((rng.uniform(116.2001, 116.2399), rng.uniform(39.8401, 39.8599)))
    return points


def place(points) -> None:
    from geo.models import Jurisdiction

    category = HotspotCategory.objects.get(code="old_compound")
    area = Jurisdiction.objects.get(code="110106016")
    Hotspot.objects.bulk_create(
        Hotspot(name=f"点{index}", category=category, jurisdiction=area, geometry=Point(lon, lat, srid=4326))
        for index, (lon, lat) in enumerate(points)
    )


def hex_of(frame: cells.Frame, size: float, lon: float, lat: float) -> str:
    """The hexagon whose centre is nearest, by brute force over the neighbourhood (no lattice trick)."""
    x, y = lon * frame.kx, lat * frame.ky
    c0, r0 = round(x / (1.5 * size)), round(y / (math.sqrt(3) * size))
    best = None
    for c in range(c0 - 2, c0 + 3):
        for r in range(r0 - 2, r0 + 3):
            cx, cy = 1.5 * size * c, math.sqrt(3) * size * (r + (0.5 if c % 2 else 0))
            distance = (x - cx) ** 2 + (y - cy) ** 2
            if best is None or distance < best[0]:
                best = (distance, f"{c}:{r}")
    return best[1]


def square_of(frame: cells.Frame, size: float, lon: float, lat: float) -> str:
    return f"{math.floor(lon * frame.kx / size)}:{math.floor(lat * frame.ky / size)}"


def counts(body) -> dict[str, int]:
    return {feature["id"]: feature["properties"]["count"] for feature in body["features"]}


def get(client, layer="hotspots", **params):
    return client.get(URL.format(layer), params)


@pytest.fixture
def admin(world, client_for):
    return client_for(world.users.admin)


def in_box(world_points):
    return [(lon, lat) for lon, lat in world_points if BOX[0] <= lon <= BOX[2] and BOX[1] <= lat <= BOX[3]]


# ---------------------------------------------------------------- cells against Python


@pytest.mark.parametrize(("cell", "size"), [("hex", 300), ("hex", 120), ("square", 250), ("square", 500)])
def test_cells_count_each_point_once_in_the_cell_python_finds(world, admin, cell, size):
    points = scatter(400)
    place(points)
    response = get(admin, cell=cell, size=size, bbox=BBOX)
    assert response.status_code == 200, response.content
    body = response.json()
    frame = cells.frame_for(BOX)
    assert frame.latitude == 40
    binned = hex_of if cell == "hex" else square_of
    world_points = [(h.geometry.centroid.x, h.geometry.centroid.y) for h in Hotspot.objects.all()]
    expected = Counter(binned(frame, size, lon, lat) for lon, lat in in_box(world_points))
    assert counts(body) == dict(expected)
    assert body["total"] == sum(expected.values()) == Hotspot.objects.filter(geometry__intersects=box()).count()
    assert body["cell"] == cell and body["size"] == size
    for feature in body["features"]:
        ring = feature["geometry"]["coordinates"][0]
        assert feature["geometry"]["type"] == "Polygon" and ring[0] == ring[-1]
        assert len(ring) == (7 if cell == "hex" else 5)
        assert feature["properties"]["weight"] == feature["properties"]["count"]  # hotspots have no weight


def box():
    from django.contrib.gis.geos import Polygon

    return Polygon.from_bbox(BOX)


def test_a_point_lies_inside_the_hexagon_drawn_for_it(world, admin):
    from django.contrib.gis.geos import Polygon

    points = scatter(60, seed=3)
    place(points)
    body = get(admin, cell="hex", size=400, bbox=BBOX).json()
    polygons = [Polygon(feature["geometry"]["coordinates"][0]) for feature in body["features"]]
    frame = cells.frame_for(BOX)
    for lon, lat in points:
        found = [p for p in polygons if p.intersects(Point(lon, lat))]
        assert len(found) == 1, (lon, lat)
        assert body["features"][polygons.index(found[0])]["id"] == hex_of(frame, 400, lon, lat)


# The same answer on SpatiaLite and PostGIS: this literal is asserted on both databases.
FIXED_POINTS = [
    (116.2101, 39.8501),
    (116.2102, 39.8502),
    (116.2150, 39.8450),
    (116.2151, 39.8449),
    (116.2300, 39.8550),
    (116.2388, 39.8412),
    (116.2014, 39.8588),
]
FIXED_HEX_1000 = {"6599:2558": 3, "6600:2558": 4, "6600:2559": 1, "6601:2557": 1}  # with the stall and the plot


def test_spatialite_and_postgis_give_the_same_cells(world, admin):
    place(FIXED_POINTS)
    body = get(admin, cell="hex", size=1000, bbox=BBOX).json()
    assert counts(body) == FIXED_HEX_1000
    frame = cells.frame_for(BOX)
    assert {hex_of(frame, 1000, lon, lat) for lon, lat in FIXED_POINTS} <= set(FIXED_HEX_1000)


def test_a_polygon_hotspot_is_binned_by_its_centroid(world, admin):
    body = get(admin, cell="square", size=1000, bbox=BBOX).json()
    frame = cells.frame_for(BOX)
    plot = world.plot.geometry.centroid
    assert counts(body) == Counter(
        [square_of(frame, 1000, world.stall.geometry.x, world.stall.geometry.y), square_of(frame, 1000, *plot)]
    )


# ---------------------------------------------------------------- the heatmap


def test_heat_sums_the_weights_per_bin_at_the_bin_centre(world, admin):
    points = scatter(300, seed=11)
    place(points)
    body = get(admin, cell="heat", size=500, bbox=BBOX).json()
    frame = cells.frame_for(BOX)
    world_points = [(h.geometry.centroid.x, h.geometry.centroid.y) for h in Hotspot.objects.all()]
    expected = Counter(square_of(frame, 500, lon, lat) for lon, lat in in_box(world_points))
    assert body["total"] == sum(expected.values())
    assert sorted(weight for _lat, _lon, weight in body["points"]) == sorted(expected.values())
    for lat, lon, weight in body["points"]:
        key = square_of(frame, 500, lon, lat)  # the centre lies in its own bin
        assert expected[key] == weight
    assert "features" not in body


def test_heat_keeps_to_five_thousand_bins_by_default(world, admin):
    place(scatter(50))
    body = get(admin, cell="heat", bbox="116.0,39.7,116.5,40.0").json()
    width, height = cells.Frame(40).span((116.0, 39.7, 116.5, 40.0))
    assert cells.cells_over(cells.SQUARE, body["size"], width, height) <= cells.MAX_HEAT_POINTS
    assert len(body["points"]) <= cells.MAX_HEAT_POINTS


def test_findings_heat_is_weighted_by_severity(world, february, admin):
    from inspections.layers import SEVERITY_WEIGHT
    from inspections.models import Finding

    body = get(admin, "findings", cell="heat", size=5000).json()
    findings = Finding.objects.filter(location__isnull=False)
    assert body["total"] == findings.count()
    assert sum(weight for *_at, weight in body["points"]) == sum(SEVERITY_WEIGHT[f.severity] for f in findings)


# ---------------------------------------------------------------- the tasks' figures


def test_task_cells_count_overdue_closed_and_on_time_as_the_metrics_do(world, february, admin):
    body = get(admin, "tasks", cell="square", size=50_000).json()
    tasks = list(Task.objects.all())
    now = timezone.now()
    total = {
        name: sum(feature["properties"][name] for feature in body["features"])
        for name in ("count", "overdue", "closed", "on_time", "on_time_base")
    }
    assert body["total"] == total["count"] == len(tasks)
    assert total["overdue"] == sum(is_overdue(task, now) for task in tasks) > 0
    assert total["closed"] == sum(task.verified_at is not None for task in tasks)
    today = timezone.localdate()
    metrics = task_metrics(Task.objects.all(), group=Grouping.UNIT, period=Period(FIRST_DAY, today)).total.counts
    assert (total["on_time"], total["on_time_base"]) == (metrics.closed_on_time, metrics.due - metrics.deferred)
    for feature in body["features"]:
        figures = feature["properties"]
        assert figures["overdue_share"] == round(figures["overdue"] / figures["count"], 4)
        base = figures["on_time_base"]
        assert figures["on_time_rate"] == (round(figures["on_time"] / base, 4) if base else None)


def test_the_community_choropleth_gives_the_metrics_figures_per_community(world, february, admin):
    body = get(admin, "tasks", cell="community").json()
    today = timezone.localdate()
    metrics = task_metrics(Task.objects.all(), group=Grouping.COMMUNITY, period=Period(FIRST_DAY, today))
    expected = {
        str(row.id): (row.counts.closed_on_time, row.counts.due - row.counts.deferred, row.counts.on_time_closure_rate)
        for row in metrics.rows
        if row.id is not None
    }
    shown = {
        feature["id"]: (
            feature["properties"]["on_time"],
            feature["properties"]["on_time_base"],
            feature["properties"]["on_time_rate"],
        )
        for feature in body["features"]
    }
    assert shown.keys() == expected.keys() == {str(world.west.pk), str(world.east.pk)}
    for key, (on_time, base, rate) in expected.items():
        assert shown[key][:2] == (on_time, base)
        assert shown[key][2] == pytest.approx(rate, abs=1e-4)
    west = next(f for f in body["features"] if f["id"] == str(world.west.pk))
    assert west["geometry"]["type"] == "MultiPolygon" and west["properties"]["code"] == world.west.code
    in_communities = Task.objects.filter(jurisdiction__code__startswith="110106016").exclude(jurisdiction=world.area)
    assert sum(f["properties"]["count"] for f in body["features"]) == in_communities.count()
    assert body["total"] == Task.objects.count()  # the task of the area above the communities is in no feature


def test_the_grid_choropleth_counts_the_rows_of_each_grid_cell(world, february, admin):
    body = get(admin, "tasks", cell="grid").json()
    assert [(f["id"], f["properties"]["count"]) for f in body["features"]] == [
        (str(world.cell.pk), Task.objects.filter(jurisdiction=world.cell).count())
    ]


# ---------------------------------------------------------------- filters and scope


@pytest.mark.parametrize(
    ("params", "rows"),
    [
        ({"status": "overdue"}, lambda now: [t for t in Task.objects.all() if is_overdue(t, now)]),
        ({"status": ["closed", "verified"]}, lambda now: Task.objects.filter(status__in=["closed", "verified"])),
        ({"severity": "severe"}, lambda now: Task.objects.filter(finding__severity="severe")),
        ({"start": "2026-02-10", "end": "2026-02-20"}, None),
    ],
)
def test_a_filter_gives_the_same_total_as_the_database(world, february, admin, params, rows):
    body = get(admin, "tasks", cell="hex", **params).json()
    if rows is None:
        since = timezone.make_aware(dt.datetime(2026, 2, 10))
        until = timezone.make_aware(dt.datetime(2026, 2, 21))
        expected = Task.objects.filter(registered_at__gte=since, registered_at__lt=until).count()
    else:
        expected = len(list(rows(timezone.now())))
    assert body["total"] == sum(counts(body).values()) == expected


def test_a_person_counts_only_the_rows_the_api_shows_them(world, february, client_for):
    for who in ("east_inspector", "rectifier", "west_manager"):
        user = getattr(world.users, who)
        visible = tasks_for_user(user)
        assert visible.count() < Task.objects.count()
        for cell in ("hex", "community", "heat"):
            body = get(client_for(user), "tasks", cell=cell, size=5000).json()
            assert body["total"] == visible.count() > 0, (who, cell)
            for feature in body.get("features", []):
                if cell == "community":
                    code = feature["properties"]["code"]
                    shown = visible.filter(jurisdiction__code__startswith=code).count()
                    assert feature["properties"]["count"] == shown, (who, code)


def test_a_volunteer_is_refused_the_tasks_like_the_task_pages_and_an_anonymous_caller_too(
    world, february, client_for, api_client
):
    volunteer = client_for(world.users.volunteer)
    for cell in ("hex", "square", "heat", "community", "grid"):
        response = get(volunteer, "tasks", cell=cell, bbox=BBOX)
        assert response.status_code == 403 and response.json()["detail"], cell
    assert get(api_client, "tasks").status_code == 401


def test_no_rows_answer_an_empty_collection(world, admin):
    body = get(admin, "findings").json()
    assert (body["type"], body["cell"], body["total"], body["features"]) == ("FeatureCollection", "hex", 0, [])
    assert cells.MIN_SIZE <= body["size"] <= cells.MAX_SIZE  # the size the district's extent gets


# ---------------------------------------------------------------- bad requests


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"size": "10"}, "size", "from 50 to 50000"),
        ({"size": "60000"}, "size", "from 50 to 50000"),
        ({"size": "nan"}, "size", "metres"),
        ({"size": "abc"}, "size", "metres"),
        ({"size": "50", "bbox": "116.0,39.7,116.5,40.0"}, "size", "choose a size of at least"),
        ({"cell": "triangle"}, "cell", "hex, square, community, grid, heat"),
        ({"bbox": "1,2,3"}, "bbox", "four numbers"),
        ({"bbox": "116.3,39.8,116.2,39.9"}, "bbox", "min < max"),
        ({"bbox": "-180,-80,180,80"}, "bbox", "too large"),
        ({"start": "yesterday"}, "start", "date"),
        ({"start": "2026-03-01", "end": "2026-02-01"}, "end", "before the start"),
        ({"community": "0"}, "community", "whole number"),
    ],
)
def test_a_bad_parameter_answers_400_naming_it(world, admin, params, field, words):
    response = get(admin, "tasks", **params)
    assert response.status_code == 400
    messages = response.json()[field]
    assert any(words in message for message in messages), messages


def test_the_smallest_size_offered_fits(world, admin):
    place(scatter(30))
    message = get(admin, size="50", bbox="116.0,39.7,116.5,40.0").json()["size"][0]
    smallest = float(message.split("at least ")[1].split(" m")[0])
    assert get(admin, size=str(smallest), bbox="116.0,39.7,116.5,40.0").status_code == 200


def test_an_unknown_layer_is_404_json(world, admin):
    response = get(admin, "rivers")
    assert response.status_code == 404 and "rivers" in response.json()["detail"]


def test_messages_are_translated(world, client_for):
    response = client_for(world.users.admin, language="zh-hans").get(URL.format("tasks"), {"size": "10"})
    assert response.status_code == 400
    assert "米" in response.json()["size"][0]


# ---------------------------------------------------------------- PostGIS: the same cells as ST_HexagonGrid


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ST_HexagonGrid is PostGIS's")
def test_hexagons_are_those_of_st_hexagongrid(world, admin):
    place(scatter(300, seed=5))
    size = 400
    body = get(admin, cell="hex", size=size, bbox=BBOX).json()
    frame = cells.frame_for(BOX)
    margin = 2 * size
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT h.i, h.j, count(*)
            FROM ST_HexagonGrid(%(size)s, ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 0)) h
            JOIN geo_hotspot ON ST_Intersects(
                h.geom, ST_MakePoint(ST_X(ST_Centroid(geometry)) * %(kx)s, ST_Y(ST_Centroid(geometry)) * %(ky)s)
            )
            WHERE geometry && ST_MakeEnvelope(116.20, 39.84, 116.24, 39.86, 4326)
            GROUP BY h.i, h.j
            """,
            {
                "size": size,
                "kx": frame.kx,
                "ky": frame.ky,
                "x0": BOX[0] * frame.kx - margin,
                "y0": BOX[1] * frame.ky - margin,
                "x1": BOX[2] * frame.kx + margin,
                "y1": BOX[3] * frame.ky + margin,
            },
        )
        theirs = {f"{i}:{j}": n for i, j, n in cursor.fetchall()}
    assert counts(body) == theirs
