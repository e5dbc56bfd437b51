"""A webhook is posted only to the address that was vetted: loopback only when its host is allowed, no redirects
followed, the name resolved once (against real local HTTP servers)."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from inspections.models import WebhookDelivery
from inspections.rectification.notifications.transport import post

pytestmark = pytest.mark.django_db


def test_a_robot_on_loopback_gets_nothing_unless_its_host_is_allowed(register, with_robot, robot, settings):
    with_robot("wecom")  # saved before the rule existed, say: the post itself is refused
    settings.WEBHOOK_ALLOWED_HOSTS = []
    register()
    assert robot.posts == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.sent_at is None and delivery.status_code is None
    assert "127.0.0.1 is an address of the server's own or internal network" in delivery.last_error


def test_an_allowed_host_name_on_loopback_gets_the_message(register, with_robot, robot, world, settings):
    settings.WEBHOOK_ALLOWED_HOSTS = ["localhost"]
    unit = with_robot("generic")
    unit.webhook_url = robot.url().replace("127.0.0.1", "localhost")
    unit.save()
    register()
    [received] = robot.posts
    assert received["headers"]["Host"] == f"localhost:{robot.server.server_port}"
    assert WebhookDelivery.objects.get().sent_at is not None


@pytest.fixture
def redirector(robot):
    """An endpoint that answers every POST with a redirect to the robot."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(307)
            self.send_header("Location", robot.url("/elsewhere"))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook"
    server.shutdown()
    server.server_close()


def test_a_redirect_is_a_failure_and_is_not_followed(register, with_robot, robot, redirector):
    unit = with_robot("generic")
    unit.webhook_url = redirector
    unit.save()
    register()
    assert robot.posts == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.sent_at is None and delivery.status_code == 307 and delivery.last_error.startswith("HTTP 307")


def test_the_name_is_resolved_once_and_the_post_goes_to_that_address(robot, settings, monkeypatch):
    """DNS rebinding: a name that answers a vetted address first and another one next gains nothing."""
    settings.WEBHOOK_ALLOWED_HOSTS = ["robot.test"]
    answers = iter(["127.0.0.1", "127.0.0.2"])  # nothing listens on 127.0.0.2
    real = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host == "robot.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    answer = post(
        f"http://robot.test:{robot.server.server_port}/send?key=k",
        body=b'{"msgtype":"text"}',
        headers={"Content-Type": "application/json"},
        timeout=5,
    )
    assert answer.status_code == 200 and answer.json() == {"errcode": 0}
    [received] = robot.posts
    assert received["path"] == "/send?key=k" and received["headers"]["Host"] == f"robot.test:{robot.server.server_port}"


def test_only_the_beginning_of_a_long_answer_is_read(robot, settings):
    settings.WEBHOOK_ANSWER_MAX_BYTES = 100
    robot.answer(200, b"x" * 100_000)
    answer = post(robot.url(), body=b"{}", headers={}, timeout=5)
    assert answer.content == b"x" * 100
