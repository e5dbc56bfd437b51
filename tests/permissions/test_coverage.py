"""Every URL pattern and every OpenAPI operation has a rule, and every rule names something that is served: a new
endpoint, page or admin without a rule fails here, naming what to add."""

from django.contrib import admin
from django.test import RequestFactory

from tests.permissions.admin_rules import ADMIN_MODELS, admin_rules
from tests.permissions.routes import schema_operations, url_routes
from tests.permissions.rules import RULES

ALL_RULES = RULES + admin_rules()


def test_every_url_pattern_has_a_rule():
    ruled = {rule.route for rule in ALL_RULES}
    missing = sorted(url_routes() - ruled)
    assert not missing, "add a rule to tests/permissions/rules.py for " + ", ".join(missing)


def test_every_openapi_operation_has_a_rule():
    ruled = {f"{rule.method} {rule.route}" for rule in ALL_RULES}
    missing = sorted(schema_operations() - ruled)
    assert not missing, "add a rule to tests/permissions/rules.py for " + ", ".join(missing)


def test_every_rule_names_a_route_that_is_served():
    stale = sorted({rule.route for rule in ALL_RULES} - url_routes())
    assert not stale, "no URL pattern is left for the rules of " + ", ".join(stale)


def test_every_registered_model_admin_and_its_actions_have_a_rule(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    registered = {
        f"{model._meta.app_label}.{model._meta.model_name}": site for model, site in admin.site._registry.items()
    }
    missing = sorted(registered.keys() - ADMIN_MODELS.keys())
    assert not missing, "add a line to ADMIN_MODELS in tests/permissions/admin_rules.py for " + ", ".join(missing)
    ruled = {(rule.route, rule.variant) for rule in ALL_RULES}
    for label, model_admin in registered.items():
        app_label, model_name = label.split(".")
        for action in model_admin.get_actions(request):
            route = f"/admin/{app_label}/{model_name}/"
            assert (route, f"action {action}") in ruled, f"add a rule for the admin action {action} of {label}"
