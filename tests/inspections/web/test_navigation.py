import pytest

pytestmark = pytest.mark.django_db

INSPECTIONS = 'href="/inspections/"'
TASKS = 'href="/tasks/"'


def nav(client, user) -> str:
    client.force_login(user)
    page = client.get("/").content.decode()
    return page.split('<nav class="topnav">')[1].split("</nav>")[0]


@pytest.mark.parametrize(
    ("who", "inspections", "tasks"),
    [
        ("inspector", True, True),
        ("volunteer", True, False),
        ("rectifier", False, True),
        ("manager", True, True),
        ("admin", True, True),
    ],
)
def test_the_navigation_links_the_pages_a_person_may_open(client, world, who, inspections, tasks):
    links = nav(client, getattr(world.users, who))
    assert (INSPECTIONS in links, TASKS in links) == (inspections, tasks)


def test_a_superuser_sees_every_link_whatever_the_role(client, world):
    world.users.volunteer.is_superuser = True
    world.users.volunteer.save()
    links = nav(client, world.users.volunteer)
    assert INSPECTIONS in links and TASKS in links


def test_no_links_before_signing_in(client):
    page = client.get("/accounts/login/").content.decode()
    assert INSPECTIONS not in page and TASKS not in page
