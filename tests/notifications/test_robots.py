"""Group chat robots against a local HTTP server that checks each platform's format and
DingTalk's (and Feishu's) signature the way the platforms do."""

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import date, time, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from salespath.forecast.models import ForecastCalendar
from salespath.notifications.models import ChatRobot, RobotMessage

pytestmark = pytest.mark.django_db
SECRET = "SEC-test-secret"


class Platform(BaseHTTPRequestHandler):
    received: list = []
    refuse = False

    def do_POST(self):  # noqa: N802 - http.server's name
        path = urllib.parse.urlsplit(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        ok = self.check(path.path, urllib.parse.parse_qs(path.query), body)
        Platform.received.append((path.path, body))
        answer = {"errcode": 0} if ok and not Platform.refuse else {"errcode": 310000}
        if path.path == "/feishu":
            answer = {"code": 0} if ok and not Platform.refuse else {"code": 19021}
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def check(self, path, query, body):
        if path == "/wecom":
            return body.get("msgtype") == "text" and bool(body["text"]["content"])
        if path == "/dingtalk":
            stamp, sign = query["timestamp"][0], query["sign"][0]
            expected = base64.b64encode(
                hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
            ).decode()
            return sign == expected and body.get("msgtype") == "text"
        if path == "/feishu":
            return body.get("msg_type") == "text" and bool(body["content"]["text"])
        return False

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    Platform.received, Platform.refuse = [], False
    httpd = HTTPServer(("127.0.0.1", 0), Platform)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.fixture
def robots(cast, server):
    team = cast.salesperson.team
    ChatRobot.objects.create(name="企业微信", team=team, platform="wecom", url=f"{server}/wecom")
    ChatRobot.objects.create(
        name="钉钉", team=team, platform="dingtalk", url=f"{server}/dingtalk", secret=SECRET
    )
    ChatRobot.objects.create(
        name="飞书", branch=team.branch, platform="feishu", url=f"{server}/feishu"
    )
    ForecastCalendar.objects.create(
        name="每周五",
        period="weekly",
        weekday=4,
        deadline_time=time(18),
        starts_on=date(2026, 3, 1),
    )


@pytest.fixture
def run_due(django_capture_on_commit_callbacks):
    def run(now: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("jobs", "run-due", "--now", now)

    return run


def test_deadline_reminders_reach_each_platform_in_its_format(robots, run_due):
    run_due("2026-03-05T18:00")
    run_due("2026-03-05T18:00")
    paths = sorted(path for path, _body in Platform.received)
    # the branch's Feishu robot hears both teams of the branch; the team's robots their own
    assert paths == ["/dingtalk", "/feishu", "/feishu", "/wecom"]
    wecom = next(body for path, body in Platform.received if path == "/wecom")
    assert "李明、王芳" in wecom["text"]["content"]
    assert set(RobotMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_a_refused_message_is_kept_with_its_error_and_retried(robots, run_due):
    Platform.refuse = True
    run_due("2026-03-05T18:00")
    failed = RobotMessage.objects.filter(robot__platform="wecom").get()
    assert failed.state == "pending" and failed.attempts == 1 and "310000" in failed.last_error
    Platform.refuse = False
    later = timezone.localtime(failed.next_attempt_at) + timedelta(minutes=1)
    run_due(later.strftime("%Y-%m-%dT%H:%M"))  # after the first back-off
    failed.refresh_from_db()
    assert failed.state == "sent" and failed.attempts == 2
