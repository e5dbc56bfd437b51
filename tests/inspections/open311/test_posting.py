"""POSTing a report: keys, replays, limits, places, media; every refusal in the error format, nothing stored."""

import io

import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.test import override_settings

from inspections.models import Finding, Inspection, Photo, PublicReport
from tests.factories import HotspotFactory
from tests.inspections.conftest import photo_bytes
from tests.inspections.open311.conftest import WEST

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


def body(key, **fields):
    return {"api_key": key, "service_code": "exposed_garbage", "description": "垃圾", **WEST, **fields}


def refused(response, status, *words):
    assert response.status_code == status, response.content
    errors = response.json()
    assert errors and all(error["code"] == status for error in errors)
    text = " ".join(error["description"] for error in errors)
    for word in words:
        assert word in text, text
    assert not PublicReport.objects.exists() and not Finding.objects.exists() and not Inspection.objects.exists()
    return errors


@pytest.mark.parametrize("key", ["", "not-a-key"])
def test_a_missing_or_wrong_key_answers_403(open311, reporting, phase, key):
    refused(open311.post(URL, body(key)), 403, "api_key")


def test_a_deactivated_client_is_refused(open311, reporting, phase):
    client, key = reporting
    client.active = False
    client.save()
    refused(open311.post(URL, body(key)), 403)


def test_the_xml_error_format(open311, reporting, phase):
    response = open311.post("/open311/v2/requests.xml", body("wrong"))
    assert response.status_code == 403
    assert b"<errors><error><code>403</code><description>" in response.content


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"service_code": "no_such"}, "service_code"),
        ({"lat": "", "long": ""}, "lat/long"),
        ({"long": ""}, "lat/long"),
        ({"lat": "91"}, "lat"),
        ({"description": "x" * 4001}, "description"),
        ({"attribute[colour]": "red"}, "attribute[colour]"),
        ({"attribute[severity]": "terrible"}, "attribute[severity]"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_bad_input_answers_400_naming_the_parameter(open311, reporting, phase, fields, named):
    _client, key = reporting
    refused(open311.post(URL, body(key, **fields)), 400, named)


@pytest.fixture
def gate(world):
    return HotspotFactory(
        name="东街摊点北口",
        address="宛平城南街1号",
        external_id="WP-0001",
        geometry=GEOSGeometry("SRID=4326;POLYGON((116.231 39.845,116.232 39.845,116.232 39.846,116.231 39.845))"),
    )


@pytest.mark.parametrize("place", [{"address_string": "宛平城南街 1 号门口"}, {"address_id": "WP-0001"}])
def test_an_address_or_address_id_of_a_hotspot_places_the_report(open311, reporting, phase, gate, place):
    _client, key = reporting
    response = open311.post(URL, body(key, lat="", long="", **place))
    assert response.status_code == 201, response.content
    report = PublicReport.objects.get()
    assert report.hotspot == gate
    assert gate.geometry.intersects(report.finding.location)
    assert report.finding.jurisdiction == gate.jurisdiction
    shown = open311.get(f"/open311/v2/requests/{response.json()[0]['service_request_id']}.json").json()[0]
    assert shown["address_id"] == "WP-0001"
    assert (shown["lat"], shown["long"]) == (report.finding.location.y, report.finding.location.x)


def test_lat_and_long_win_over_an_address(open311, reporting, phase, gate):
    _client, key = reporting
    response = open311.post(URL, body(key, address_string="宛平城南街1号"))
    assert response.status_code == 201, response.content
    report = PublicReport.objects.get()
    assert report.hotspot is None and report.address_string == "宛平城南街1号"
    assert (report.finding.location.x, report.finding.location.y) == (116.215, 39.845)


@pytest.mark.parametrize(
    "place, words",
    [
        ({"address_string": "火星路99号"}, ("lat/long", "火星路99号")),
        ({"address_string": "南街"}, ("lat/long", "too short")),
        ({"address_id": "WP-9999"}, ("lat/long", "WP-9999")),
        ({}, ("lat/long", "address_string")),
    ],
)
def test_an_address_no_hotspot_has_is_refused(open311, reporting, phase, gate, place, words):
    _client, key = reporting
    refused(open311.post(URL, body(key, lat="", long="", **place)), 400, *words)


def test_a_hotspot_outside_the_clients_jurisdiction_does_not_place_it(open311, phase, gate, world):
    from inspections.evidence.public_reports import reporting_client_create

    _client, key = reporting_client_create(name="西社区热线", jurisdiction=world.west)
    refused(open311.post(URL, body(key, lat="", long="", address_id="WP-0001")), 400, "WP-0001")


def test_a_place_outside_the_district_is_refused(open311, reporting, phase):
    _client, key = reporting
    refused(open311.post(URL, body(key, lat="31.23", long="121.47")), 400, "lat/long", "outside")


def test_the_severity_attribute_is_kept(open311, reporting, phase):
    _client, key = reporting
    response = open311.post(URL, body(key, **{"attribute[severity]": "severe"}))
    assert response.status_code == 201, response.content
    report = PublicReport.objects.get()
    assert report.finding.severity == "severe" and report.attributes == {"severity": "severe"}


def test_without_a_running_phase_reports_wait_503(open311, reporting, world):
    _client, key = reporting
    refused(open311.post(URL, body(key)), 503, "phase")


def test_a_replay_with_the_same_idempotency_key_is_stored_once(open311, reporting, phase):
    _client, key = reporting
    first = open311.post(URL, body(key), headers={"Idempotency-Key": "abc-1"})
    again = open311.post(URL, body(key), headers={"Idempotency-Key": "abc-1"})
    other = open311.post(URL, body(key), headers={"Idempotency-Key": "abc-2"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert first.json() == again.json() != other.json()
    assert PublicReport.objects.count() == 2 == Finding.objects.count()


def test_another_clients_key_is_not_a_replay(open311, reporting, phase):
    from inspections.evidence.public_reports import reporting_client_create

    _client, key = reporting
    _other, other_key = reporting_client_create(name="12345 hotline")
    first = open311.post(URL, body(key), headers={"Idempotency-Key": "same"})
    second = open311.post(URL, body(other_key), headers={"Idempotency-Key": "same"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert PublicReport.objects.count() == 2


@override_settings(OPEN311_POST_RATES={"key": "3/minute", "address": "100/minute"})
def test_posts_are_limited_per_key(open311, reporting, phase):
    _client, key = reporting
    answers = [open311.post(URL, body(key)).status_code for _ in range(4)]
    assert answers == [201, 201, 201, 429]
    limited = open311.post(URL, body(key))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert limited.json()[0]["code"] == 429
    assert open311.get("/open311/v2/requests.json").status_code == 200  # reading is not limited


@override_settings(OPEN311_POST_RATES={"key": "100/minute", "address": "2/minute"})
def test_posts_are_limited_per_address_even_with_wrong_keys(open311, reporting, phase):
    _client, key = reporting
    answers = [open311.post(URL, body("guess")).status_code for _ in range(2)]
    assert answers == [403, 403]
    assert open311.post(URL, body(key)).status_code == 429
    other_address = open311.post(URL, body(key), REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 201
    # A forged X-Forwarded-For is not another address (no trusted proxy in front).
    assert open311.post(URL, body(key), HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_a_media_url_is_stored_never_fetched_and_shown(open311, reporting, phase, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the server fetched the media URL")

    monkeypatch.setattr(socket, "create_connection", no_network)
    _client, key = reporting
    response = open311.post(URL, body(key, media_url="https://photos.example.com/a.jpg"))
    assert response.status_code == 201
    [shown] = open311.get(f"/open311/v2/requests/{response.json()[0]['service_request_id']}.json").json()
    assert shown["media_url"] == "https://photos.example.com/a.jpg"


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "file:///etc/passwd", "http://127.0.0.1/admin/", "http://[::1]/", "http://10.0.0.8/x"],
)
def test_a_media_url_into_the_servers_network_or_not_http_is_refused(open311, reporting, phase, url):
    _client, key = reporting
    refused(open311.post(URL, body(key, media_url=url)), 400, "media_url")


def test_an_uploaded_photo_goes_through_the_photo_pipeline(open311, reporting, phase):
    _client, key = reporting
    upload = io.BytesIO(photo_bytes(lat=39.845, lon=116.215, hours_ago=0.2))
    upload.name = "photo.jpg"
    response = open311.post(URL, body(key, media=upload), format="multipart")
    assert response.status_code == 201, response.content
    photo = Photo.objects.select_related("file").get()
    assert photo.finding_id == PublicReport.objects.get().finding_id
    assert photo.file.exif_point is not None and photo.thumbnail


def test_a_file_that_is_not_a_photo_leaves_nothing_behind(open311, reporting, phase):
    _client, key = reporting
    upload = io.BytesIO(b"%PDF-1.4 not a photo")
    upload.name = "photo.jpg"
    response = open311.post(URL, body(key, media=upload), format="multipart")
    assert response.status_code in (400, 415)
    refused(response, response.status_code)
    assert not Photo.objects.exists()


@override_settings(PHOTO_MAX_BYTES=1000)
def test_a_photo_too_large_answers_413(open311, reporting, phase):
    _client, key = reporting
    upload = io.BytesIO(photo_bytes())
    upload.name = "photo.jpg"
    refused(open311.post(URL, body(key, media=upload), format="multipart"), 413)


def test_a_json_body_is_refused_with_415(open311, reporting, phase):
    _client, key = reporting
    response = open311.post(URL, body(key), format="json")
    refused(response, 415)
