import pytest

from accounts import workplaces
from accounts.workplaces import Workplace, register, workplaces_for
from tests.accounts.people import PEOPLE, person

# Each kind of workplace by its title and the start of its description.
KINDS = {
    "unit app": ("Tablet app", "Your unit's tasks on a map"),
    "app": ("Tablet app", "Today's hotspots"),
    "area map": ("Map", "Rectification status, heatmaps"),
    "map": ("Map", "Hotspots, findings and tasks of your area"),
    "dashboard": ("Dashboard", "Key figures with their trend"),
    "managers' tasks": ("Rectification tasks", "Fixes to verify, tasks to triage"),
    "unit's tasks": ("Rectification tasks", "Your unit's tasks with"),
    "tasks to verify": ("Rectification tasks", "Fixes to verify in your area"),
    "inspections": ("Inspections", "Inspections in your area"),
    "metrics": ("Metrics", "On-time closure"),
    "administration": ("Administration", "Edit jurisdictions"),
    "api": ("API documentation", "The REST API"),
}
MANAGER = ["area map", "dashboard", "managers' tasks", "app", "inspections", "metrics", "administration", "api"]
INSPECTOR = ["app", "map", "inspections", "tasks to verify", "metrics", "api"]
VOLUNTEER = ["app", "map", "inspections", "api"]

# The main place first: the tablet app for people in the field, the map for managers (and superusers).
EXPECTED = {
    "anonymous": ["api"],
    "inspector+unit": INSPECTOR,
    "inspector": INSPECTOR,
    "volunteer+unit": VOLUNTEER,
    "volunteer": VOLUNTEER,
    "rectifier+unit": ["unit app", "map", "unit's tasks", "metrics", "api"],
    "rectifier": ["map", "unit's tasks", "api"],
    # A superuser whose account names a unit's member gets the unit's app first and the managers' places.
    "rectifier+unit+su": ["unit app", *MANAGER],
    "manager+unit": MANAGER,
    "manager": MANAGER,
    "admin+unit": MANAGER,
    "admin": MANAGER,
} | {name: MANAGER for name in PEOPLE if name.endswith("+su") and name != "rectifier+unit+su"}


def kind(place: Workplace) -> str:
    title, description = str(place.title), str(place.description)
    return next(key for key, (t, d) in KINDS.items() if title == t and description.startswith(d))


def test_every_kind_of_person_is_expected():
    assert sorted(EXPECTED) == sorted(PEOPLE)


@pytest.mark.parametrize("name", PEOPLE)
def test_workplaces_in_order(name):
    assert [kind(place) for place in workplaces_for(person(name))] == EXPECTED[name]


@pytest.mark.parametrize(
    ("name", "titles"),
    [
        ("inspector", ["Tablet app", "Map", "Inspections", "Rectification tasks", "Metrics", "API documentation"]),
        ("volunteer", ["Tablet app", "Map", "Inspections", "API documentation"]),
        ("rectifier+unit", ["Tablet app", "Map", "Rectification tasks", "Metrics", "API documentation"]),
        ("rectifier", ["Map", "Rectification tasks", "API documentation"]),
        (
            "manager",
            [
                "Map",
                "Dashboard",
                "Rectification tasks",
                "Tablet app",
                "Inspections",
                "Metrics",
                "Administration",
                "API documentation",
            ],
        ),
        (
            "admin",
            [
                "Map",
                "Dashboard",
                "Rectification tasks",
                "Tablet app",
                "Inspections",
                "Metrics",
                "Administration",
                "API documentation",
            ],
        ),
    ],
)
def test_titles_per_role(name, titles):
    assert [str(place.title) for place in workplaces_for(person(name))] == titles


def test_links():
    urls = [place.url for place in workplaces_for(person("manager"))]
    assert urls == [
        "/map/",
        "/dashboard/",
        "/tasks/",
        "/m/",
        "/inspections/",
        "/tasks/metrics/",
        "/admin/",
        "/api/docs/",
    ]


def test_administration_only_for_staff():
    manager = person("manager")
    manager.is_staff = False
    assert "administration" not in [kind(place) for place in workplaces_for(manager)]


@pytest.fixture
def providers(monkeypatch):
    monkeypatch.setattr(workplaces, "_providers", [])


def test_providers_are_listed_by_their_order_key_and_registered_once(providers):
    def late(user):
        return [Workplace("late", "", "/late/")]

    def early(user):
        return [Workplace("early", "", "/early/"), Workplace("second", "", "/second/")]

    register(late, order=50)
    register(early, order=10)
    register(late, order=50)
    assert [place.title for place in workplaces_for(person("inspector"))] == ["early", "second", "late"]
