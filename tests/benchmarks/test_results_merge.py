"""A run of some measurements (``--only``) replaces their records in the results file and keeps the others'."""

import json

from benchmarks.harness import merged_results


def test_an_only_run_replaces_its_records_and_keeps_the_others(tmp_path):
    path = tmp_path / "latest.json"
    path.write_text(
        json.dumps(
            {
                "records": [
                    {"name": "route_single", "baseline": "raw_sql_single", "value": 1.0},
                    {"name": "dashboard_kpis", "baseline": "raw_sql_group_by", "value": 9.0},
                ],
                "issues": [{"level": "warning", "measurement": "dashboard_kpis", "message": "old"}],
            }
        )
    )
    run = {"machine": {}, "records": [{"name": "dashboard_kpis", "baseline": "raw_sql_group_by", "value": 3.0}]}
    merged = merged_results(path, {**run, "issues": []})
    assert [(r["name"], r["value"]) for r in merged["records"]] == [("route_single", 1.0), ("dashboard_kpis", 3.0)]
    assert merged["issues"] == []


def test_without_a_results_file_the_run_is_the_results(tmp_path):
    payload = {"records": [{"name": "a"}], "issues": []}
    assert merged_results(tmp_path / "missing.json", payload) == payload
