"""Reading the task pages in tests: their addresses, the places tasks are reported at, and what a page lists."""

import re

from inspections.models import Task

LIST = "/tasks/"
# In the west community, on no hotspot, outside the property manager's compound: the west committee's.
WEST = (116.2102, 39.8452)
# In the east community, away from the school and the plot: the east committee's.
EAST = (116.2320, 39.8460)


def detail(task) -> str:
    return f"{LIST}{task.pk}/"


def shown(page: str) -> set[str]:
    """The task ids the page lists (rows or verification cards)."""
    return set(re.findall(r'data-task="([0-9a-f-]{36})"', page))


def get(client, user, url=LIST, language="en", **params):
    client.force_login(user)
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def post(client, user, task, language="en", **data):
    client.force_login(user)
    return client.post(detail(task), data, HTTP_ACCEPT_LANGUAGE=language)


def tab_count(page: str, queue: str) -> int:
    match = re.search(rf'data-queue="{queue}".*?<span class="tab-count[^"]*">(\d+)</span>', page, flags=re.S)
    assert match, f"no {queue} tab"
    return int(match.group(1))


def status_of(task) -> str:
    return Task.objects.get(pk=task.pk).status
