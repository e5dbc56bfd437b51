"""The findings layer as GeoJSON for a map view of ~87k synthetic findings, as a district manager.

ours: the endpoint's statement (layer.queryset → feature_query: json_build_object + ST_AsGeoJSON per row) streamed
to bytes through stream_collection, in-process; the limit raised to the view's size so every row goes out.
raw_sql_json_agg: one hand-written statement, json_agg of json_build_object over the same rows, fetched as one text.
raw_sql_rows: the same features as one row each (ordered by id), fetched with fetchall and joined in Python: the
hand-written form of what ours does, without the scope. Both raw statements run with JIT off, as ours does (JIT
compiling them costs more than it saves, so leaving it on would only slow the baselines down).
drf_gis_serializer: djangorestframework-gis's GeoFeatureModelSerializer over the same rows, rendered to JSON.
http_layer_geojson_p95: GET /api/layers/findings.geojson?bbox=… through the Django test client (default limit,
20,000 features, truncated), p95 of the rounds against the in-process median of the same request's work.
"""

from __future__ import annotations

import json
import statistics
import time

from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings
from rest_framework.renderers import JSONRenderer
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from benchmarks.harness import Context, Issue, Measurement, register

TARGET_RATIO_RAW = 1.2
TARGET_RATIO_DRF = 0.04

RAW_FEATURE = """json_build_object(
    'type', 'Feature', 'id', f.id::text, 'geometry', ST_AsGeoJSON(f.location, 7)::json,
    'properties', json_build_object('severity', f.severity, 'problem_type', p.code, 'jurisdiction', f.jurisdiction_id,
        'task', t.id, 'state', CASE WHEN t.id IS NULL THEN ''
            WHEN t.status IN ('dispatched', 'accepted', 'in_progress', 'extension_requested', 'rejected')
                 AND t.due_at < now() THEN 'overdue' ELSE t.status END,
        'created_at', f.created_at, 'open', f.is_open))"""
RAW_FROM = """
FROM inspections_finding f
JOIN inspections_problemtype p ON p.id = f.problem_type_id
LEFT JOIN inspections_task t ON t.finding_id = f.id
WHERE ST_Intersects(f.location, ST_MakeEnvelope(%s, %s, %s, %s, 4326))
"""
RAW_SQL = (
    "SELECT json_build_object('type', 'FeatureCollection', 'features', "
    f"coalesce(json_agg({RAW_FEATURE} ORDER BY f.id), '[]'::json))::text {RAW_FROM}"
)
RAW_ROWS_SQL = f"SELECT {RAW_FEATURE}::text {RAW_FROM} ORDER BY f.id"


def finding_serializer():
    """The findings layer's properties, the object-by-object way (GeoFeatureModelSerializer)."""
    from rest_framework import serializers

    from inspections.models import Finding

    class FindingFeatureSerializer(GeoFeatureModelSerializer):
        problem_type = serializers.CharField(source="problem_type.code")
        task = serializers.SerializerMethodField()

        class Meta:
            model = Finding
            geo_field = "location"
            fields = ["id", "severity", "problem_type", "jurisdiction", "task", "created_at", "is_open"]

        def get_task(self, finding):
            task = getattr(finding, "task", None)
            return str(task.pk) if task else None

    return FindingFeatureSerializer


def _layer_rows(user, bbox):
    from geo.api.filters import parse_bbox
    from geo.layers import get_layer

    layer = get_layer("findings")
    return layer, layer.queryset(user, {}), parse_bbox(bbox.param())


@register("layer_geojson_bbox", order=40)
def layer_geojson_bbox(ctx: Context) -> Measurement:
    from benchmarks.synthetic.findings import bench_user, findings_bbox
    from geo.layers.geojson import feature_query, stream_collection

    info = ctx.ensure_findings()
    bbox = findings_bbox(ctx, info)
    manager = bench_user(info, "manager")
    layer, rows, polygon = _layer_rows(manager, bbox)
    limit = bbox.count + 1000
    serializer = finding_serializer()

    def ours():
        query = feature_query(layer, layer.queryset(manager, {}), limit=limit, bbox=polygon)
        return b"".join(stream_collection(query))

    def raw_sql_json_agg():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(RAW_SQL, list(bbox.as_tuple()))
            return cursor.fetchone()[0].encode()

    def raw_sql_rows():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(RAW_ROWS_SQL, list(bbox.as_tuple()))
            features = ",".join(row[0] for row in cursor.fetchall())
        return ('{"type":"FeatureCollection","features":[' + features + "]}").encode()

    def drf_gis_serializer():
        qs = rows.filter(location__intersects=polygon).select_related("problem_type", "task").order_by("pk")
        return JSONRenderer().render(serializer(qs, many=True).data)

    def check(results):
        counts = {}
        for name, body in results.items():
            counts[name] = len(json.loads(body)["features"])
        issues = []
        if len(set(counts.values())) != 1:
            issues.append(Issue("error", "layer_geojson_bbox", f"feature counts differ: {counts}"))
        return issues

    return Measurement(
        name="layer_geojson_bbox",
        unit="ms",
        n=1,
        scale=1e3,
        ours=ours,
        baselines={
            "raw_sql_json_agg": raw_sql_json_agg,
            "raw_sql_rows": raw_sql_rows,
            "drf_gis_serializer": drf_gis_serializer,
        },
        check=check,
        repeats=5,
        notes=[f"bbox {bbox.param()} holds {bbox.count:,} of {info.count:,} synthetic findings; as the manager"],
    )


@register("http_layer_geojson_p95", order=41)
def http_layer_geojson_p95(ctx: Context) -> Measurement:
    from benchmarks.synthetic.findings import bench_user, findings_bbox
    from geo.layers.geojson import feature_query, stream_collection

    info = ctx.ensure_findings()
    bbox = findings_bbox(ctx, info)
    manager = bench_user(info, "manager")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(manager)
    url = f"/api/layers/findings.geojson?bbox={bbox.param()}"
    rounds = 20

    def p95(call):
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            call()
            times.append(time.perf_counter() - started)
        return statistics.quantiles(times, n=20)[-1] * 1e3

    @override_settings(ALLOWED_HOSTS=["*"])
    def over_http():
        def call():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return b"".join(response.streaming_content)

        return p95(call)

    def in_process():
        layer, _rows, polygon = _layer_rows(manager, bbox)
        from django.conf import settings

        def call():
            query = feature_query(
                layer, layer.queryset(manager, {}), limit=settings.LAYER_GEOJSON_MAX_FEATURES, bbox=polygon
            )
            return b"".join(stream_collection(query))

        return p95(call)

    return Measurement(
        name="http_layer_geojson_p95",
        unit="ms",
        n=1,
        scale=1,
        ours=over_http,
        baselines={"in_process": in_process},
        measures="result",
        repeats=1,
        notes=[f"p95 of {rounds} requests (default limit: 20,000 features, truncated) through the test client"],
    )
