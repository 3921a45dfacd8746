"""Group chat robots: each platform's message format and signature, and the sends with
the same retry and back-off as e-mail."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from salespath.org.models import Team

from .models import ChatRobot, Delivery, RobotMessage

TIMEOUT_SECONDS = 10


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: base64(HMAC-SHA256(key=secret, msg="<timestamp>\\n<secret>"))."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu: base64(HMAC-SHA256(key="<timestamp>\\n<secret>", msg=""))."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def request_for(robot: ChatRobot, text: str, *, now_s: float | None = None) -> tuple[str, dict]:
    """The URL and JSON body the platform expects for a text message."""
    now_s = time.time() if now_s is None else now_s
    if robot.platform == ChatRobot.Platform.FEISHU:
        body: dict = {"msg_type": "text", "content": {"text": text}}
        if robot.secret:
            stamp = int(now_s)
            body |= {"timestamp": str(stamp), "sign": feishu_sign(robot.secret, stamp)}
        return robot.url, body
    body = {"msgtype": "text", "text": {"content": text}}
    url = robot.url
    if robot.platform == ChatRobot.Platform.DINGTALK and robot.secret:
        stamp = int(now_s * 1000)
        query = urllib.parse.urlencode(
            {"timestamp": stamp, "sign": dingtalk_sign(robot.secret, stamp)}
        )
        url = f"{url}{'&' if '?' in url else '?'}{query}"
    return url, body


def post(robot: ChatRobot, text: str) -> None:
    url, body = request_for(robot, text)
    request = urllib.request.Request(
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
        answer = json.loads(response.read() or b"{}")
    # WeCom and DingTalk answer {"errcode": 0}, Feishu {"code": 0}; anything else is refused.
    code = answer.get("errcode", answer.get("code", answer.get("StatusCode", 0)))
    if code not in (0, "0"):
        raise RuntimeError(f"{robot.platform} refused the message: {answer}")


def robots_for(team: Team) -> list[ChatRobot]:
    return list(ChatRobot.objects.filter(Q(team=team) | Q(branch_id=team.branch_id), active=True))


def robot_post(*, team: Team, key: str, text: str, now: datetime | None = None) -> int:
    """Record a message for each robot of the team and its branch, then send after commit.
    A key already posted to a robot is not posted again."""
    made = 0
    for robot in robots_for(team):
        try:
            with transaction.atomic():
                message = RobotMessage.objects.create(
                    robot=robot, key=key, text=text, created_at=now or timezone.now()
                )
        except IntegrityError:
            continue
        transaction.on_commit(lambda pk=message.pk: enqueue_robot_send(pk))
        made += 1
    return made


def enqueue_robot_send(message_id: int) -> None:
    from .tasks import send_robot_message

    send_robot_message.enqueue(message_id)


def robot_message_send(*, message_id: int, now: datetime | None = None) -> RobotMessage | None:
    from .services import BACKOFF_MINUTES

    now = now or timezone.now()
    with transaction.atomic():
        message = (
            RobotMessage.objects.select_for_update()
            .select_related("robot")
            .filter(pk=message_id, state=Delivery.State.PENDING)
            .first()
        )
        if message is None:
            return None
        message.attempts += 1
        try:
            post(message.robot, message.text)
        except Exception as error:  # noqa: BLE001 - kept, shown and retried
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            if message.attempts >= settings.SALESPATH_DELIVERY_MAX_ATTEMPTS:
                message.state, message.next_attempt_at = Delivery.State.FAILED, None
            else:
                wait = BACKOFF_MINUTES[min(message.attempts, len(BACKOFF_MINUTES)) - 1]
                message.next_attempt_at = now + timedelta(minutes=wait)
        else:
            message.state, message.sent_at = Delivery.State.SENT, now
            message.next_attempt_at, message.last_error = None, ""
        message.save()
    return message


def robot_messages_retry(*, now: datetime) -> int:
    due = list(
        RobotMessage.objects.filter(
            state=Delivery.State.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)
    )
    for pk in due:
        transaction.on_commit(lambda pk=pk: enqueue_robot_send(pk))
    return len(due)
