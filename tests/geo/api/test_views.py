import pytest

pytestmark = pytest.mark.django_db


def names(response):
    assert response.status_code == 200, response.content
    assert response.json()["type"] == "FeatureCollection"
    return sorted(feature["properties"]["name"] for feature in response.json()["features"])


def codes(response):
    assert response.status_code == 200, response.content
    return sorted(feature["properties"]["code"] for feature in response.json()["features"])


def test_token_is_issued_for_valid_credentials_only(api_client, world):
    ok = api_client.post("/api/auth/token/", {"username": "inspector_u", "password": "pw"}, format="json")
    assert ok.status_code == 200 and len(ok.json()["token"]) == 40
    bad = api_client.post("/api/auth/token/", {"username": "inspector_u", "password": "nope"}, format="json")
    assert bad.status_code == 400


@pytest.mark.parametrize("path", ["/api/", "/api/jurisdictions/", "/api/units/", "/api/hotspots/", "/api/route/"])
def test_anonymous_callers_are_refused(api_client, world, path):
    assert api_client.get(path).status_code == 401


def test_jurisdictions_are_scoped_to_the_callers_subtree(client_for, world):
    u = world.users
    assert codes(client_for(u.admin).get("/api/jurisdictions/")) == [
        "110106",
        "110106016",
        "110106016001",
        "110106016001001",
        "110106016002",
    ]
    assert codes(client_for(u.manager).get("/api/jurisdictions/")) == [
        "110106016",
        "110106016001",
        "110106016001001",
        "110106016002",
    ]
    assert codes(client_for(u.west_manager).get("/api/jurisdictions/")) == ["110106016001", "110106016001001"]
    assert codes(client_for(u.rectifier).get("/api/jurisdictions/")) == ["110106016001", "110106016001001"]
    assert codes(client_for(u.nobody).get("/api/jurisdictions/")) == []


def test_jurisdiction_features_carry_geometry_and_codes(client_for, world):
    body = client_for(world.users.manager).get("/api/jurisdictions/?kind=grid").json()
    (feature,) = body["features"]
    assert feature["geometry"]["type"] == "MultiPolygon"
    assert feature["properties"]["code"] == "110106016001001"
    assert feature["properties"]["kind"] == "grid"
    assert feature["properties"]["parent"] == world.west.pk


def test_units_rectifier_sees_only_their_own(client_for, world):
    assert names(client_for(world.users.rectifier).get("/api/units/")) == ["西社区居委会"]
    assert names(client_for(world.users.east_inspector).get("/api/units/")) == sorted(["宛平中学", "东社区居委会"])
    assert len(names(client_for(world.users.manager).get("/api/units/"))) == 6


def test_hotspots_by_role_and_jurisdiction(client_for, world):
    u = world.users
    assert names(client_for(u.east_inspector).get("/api/hotspots/")) == sorted(["东侧待建地块", "东街摊点"])
    assert names(client_for(u.west_manager).get("/api/hotspots/")) == []
    assert names(client_for(u.rectifier).get("/api/hotspots/")) == []
    assert names(client_for(u.east_rectifier).get("/api/hotspots/")) == sorted(["东侧待建地块", "东街摊点"])
    body = client_for(u.manager).get("/api/hotspots/").json()
    stall = next(f for f in body["features"] if f["properties"]["name"] == "东街摊点")
    assert stall["geometry"] == {"type": "Point", "coordinates": [116.23, 39.845]}
    assert stall["properties"]["category"] == "old_compound"
    assert stall["properties"]["sponsoring_unit"] == world.school.pk
    assert stall["properties"]["jurisdiction_code"] == "110106016002"


def test_hotspots_filter_by_bbox_and_category(client_for, world):
    client = client_for(world.users.manager)
    assert names(client.get("/api/hotspots/?bbox=116.229,39.844,116.231,39.846")) == ["东街摊点"]
    assert names(client.get("/api/hotspots/?bbox=116.2265,39.8485,116.2270,39.8490")) == ["东侧待建地块"]
    assert names(client.get("/api/hotspots/?category=bus_stop")) == []
    assert names(client.get("/api/hotspots/?within=110106016002")) == sorted(["东侧待建地块", "东街摊点"])


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "116.3,39.8,116.2,39.9", "116,39,200,40"])
def test_bad_bbox_is_a_400_with_a_message(client_for, world, bbox):
    response = client_for(world.users.manager).get(f"/api/hotspots/?bbox={bbox}")
    assert response.status_code == 400
    assert "bbox" in response.json()


def test_route_answers_unit_jurisdiction_and_rule(client_for, world):
    body = client_for(world.users.inspector).get("/api/route/?lon=116.207&lat=39.847").json()
    assert body["rule"] == "service_area"
    assert body["unit"] == {"id": world.property_manager.pk, "name": "西苑物业", "kind": "property_manager"}
    assert body["jurisdiction"]["code"] == "110106016001"
    assert body["hotspot"] is None
    on_stall = client_for(world.users.volunteer).get("/api/route/?lon=116.23&lat=39.845").json()
    assert (on_stall["rule"], on_stall["hotspot"]["name"]) == ("hotspot", "东街摊点")
    nowhere = client_for(world.users.admin).get("/api/route/?lon=100&lat=30").json()
    assert nowhere == {"unit": None, "jurisdiction": None, "rule": "unrouted", "hotspot": None}


def test_route_is_refused_to_rectifiers(client_for, world):
    assert client_for(world.users.rectifier).get("/api/route/?lon=116.207&lat=39.847").status_code == 403


def test_route_is_refused_to_a_person_without_an_area(client_for, world):
    response = client_for(world.users.nobody).get("/api/route/?lon=116.207&lat=39.847")
    assert response.status_code == 403
    assert "no area" in response.json()["detail"]


@pytest.mark.parametrize(
    ("who", "lon", "lat"),
    [
        ("west_manager", 116.23, 39.845),  # the east community's stall
        ("east_inspector", 116.207, 39.847),  # the west community's compound
        ("manager", 100, 30),  # outside the district
        ("volunteer", 116.25, 39.85),  # just east of the area
    ],
)
def test_route_refuses_a_point_outside_the_callers_area(client_for, world, who, lon, lat):
    response = client_for(getattr(world.users, who)).get(f"/api/route/?lon={lon}&lat={lat}")
    assert response.status_code == 403
    assert "outside your area" in response.json()["detail"]


def test_route_refusals_are_translated(client_for, world):
    outside = client_for(world.users.west_manager, language="zh-hans").get("/api/route/?lon=116.23&lat=39.845")
    assert "辖区" in outside.json()["detail"]
    nowhere = client_for(world.users.nobody, language="zh-hans").get("/api/route/?lon=116.207&lat=39.847")
    assert "辖区" in nowhere.json()["detail"]


def test_route_answers_inside_the_callers_own_community(client_for, world):
    body = client_for(world.users.east_inspector).get("/api/route/?lon=116.23&lat=39.845").json()
    assert (body["rule"], body["jurisdiction"]["code"]) == ("hotspot", "110106016002")


@pytest.mark.parametrize("query", ["", "?lon=116.2", "?lon=abc&lat=39.8", "?lon=116.2&lat=95", "?lon=-181&lat=39"])
def test_route_rejects_bad_coordinates(client_for, world, query):
    response = client_for(world.users.inspector).get(f"/api/route/{query}")
    assert response.status_code == 400
    assert set(response.json()) & {"lon", "lat"}


def test_english_names_follow_the_language(client_for, world):
    body = client_for(world.users.inspector).get("/api/route/?lon=116.207&lat=39.847", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["jurisdiction"]["name"] == "West"


def test_schema_and_docs_are_published(api_client):
    schema = api_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ["/api/hotspots/", "/api/units/", "/api/jurisdictions/", "/api/route/", "/api/auth/token/"]:
        assert path in paths
    assert api_client.get("/api/docs/").status_code == 200


def test_openapi_schema_validates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
