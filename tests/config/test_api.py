"""API-wide answers (config.api): an API address no route matches answers JSON too."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/api/photos/not-a-uuid/", "/api/tasks/%C2%84/", "/api/notifications/x/read/", "/api/nothing-here/"]
)
def test_an_unmatched_api_address_answers_404_in_json(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_pages_keep_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
