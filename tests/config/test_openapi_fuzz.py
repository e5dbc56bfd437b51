"""The OpenAPI schema against the app: schemathesis generates requests for every operation from `/api/schema/` and
runs all its checks (no server error, status codes, content types, response schemas and headers, positive data
accepted and negative data refused, ...) on the answers, as a manager, an inspector, a unit member and anonymously.

Through WSGI, in the test's transaction, over the demo data. `SCHEMATHESIS_MAX_EXAMPLES` bounds the generated
examples per operation (default 8); the seed (`SCHEMATHESIS_SEED`, default 20261) makes a run reproducible.
"""

import io
import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from schemathesis.config._checks import POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES

from tests.conftest import describe_calendar_years

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
SEED = int(os.environ.get("SCHEMATHESIS_SEED", "20261"))

# Demo logins (fixtures.wanping, fixtures.rectification); None: no credentials.
CALLERS = {"manager": "manager", "inspector": "inspector", "unit member": "rectifier", "anonymous": None}

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """`load_demo` once for the module, inside a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        describe_calendar_years()
        call_command("load_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def keep_the_connection():
    """The app as a server runs it, minus closing the connection after each request (as Django's test client does):
    the requests must see, and write into, the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=list(CALLERS))
def caller(request, demo, db) -> dict:
    from rest_framework.authtoken.models import Token

    from accounts.models import User

    username = CALLERS[request.param]
    headers = {"Accept-Language": "en"}
    if username:
        token, _created = Token.objects.get_or_create(user=User.objects.get(username=username))
        headers["Authorization"] = f"Token {token.key}"
    return headers


# Requests the schema admits that the API still refuses with 400, by rules a JSON Schema cannot state: which ids
# exist, relations between fields, and the place rules. For these operations the `positive_data_acceptance` check
# accepts a 400 as well (a documented answer: `status_code_conformance` still holds it to the schema).
RULES_BEYOND_THE_SCHEMA = {
    ("POST", "/api/auth/token/"): "a username and password that do not match",
    ("GET", "/api/checklists/"): "a phase id that names no phase",
    ("GET", "/api/jurisdictions/"): "a bbox whose minimum is not below its maximum",
    ("GET", "/api/units/"): "a bbox whose minimum is not below its maximum",
    ("GET", "/api/hotspots/"): "a bbox whose minimum is not below its maximum",
    ("GET", "/api/layers/{layer}.geojson"): "a bbox whose minimum is not below its maximum, an end before the start",
    ("GET", "/api/metrics/"): "a period outside 2000–2099, ending before it starts, or too long",
    ("POST", "/api/inspections/"): "a hotspot, phase or problem type that does not exist, a finding outside the area",
    ("PUT", "/api/photos/{id}/"): "a file that is not an image, a Content-Range that does not match the body",
    ("POST", "/api/tasks/{id}/transition/"): "a move whose note, unit or deadline the move table requires",
    ("GET", "/open311/v2/requests.{fmt}"): "an end_date before the start_date, a date outside 1900–2999",
    ("POST", "/open311/v2/requests.{fmt}"): "lat without long, a place outside the district, a file that is no photo",
    ("GET", "/api/layers/{layer}/aggregate"): "a bbox not min < max, a size too small for the box, end before start",
}


def expectations() -> list[dict]:
    accepted = [*POSITIVE_DATA_ACCEPTANCE_EXPECTED_STATUSES, "400"]
    return [
        {
            "include-method": method,
            "include-path": path,
            "checks": {"positive_data_acceptance": {"expected-statuses": accepted}},
        }
        for method, path in RULES_BEYOND_THE_SCHEMA
    ]


# Read when the module is collected (about 0.4 s; no database needed), so that each operation is a test of its own.
schema = schemathesis.openapi.from_wsgi(
    "/api/schema/?format=json",
    WSGIHandler(),
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True},
            "operations": expectations(),
        }
    ),
)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_schema_says(case, caller):
    case.call_and_validate(headers=caller)
