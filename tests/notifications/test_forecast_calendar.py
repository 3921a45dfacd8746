"""The forecast calendar over one week (issue 19 §1): who is reminded, frozen and told at
each step of `salespath jobs run-due --now`, in-app and by e-mail."""

from datetime import date, datetime, time

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone

from salespath.forecast.calendar import calendar_for, deadline_for, occurrences
from salespath.forecast.models import (
    ForecastCalendar,
    ForecastCalendarException,
    ForecastSubmission,
    How,
)
from salespath.forecast.services import forecast_submit
from salespath.forecast.submissions import team_submissions
from salespath.notifications.models import ChatRobot, Notification, RobotMessage
from tests.factories import BranchFactory

from .test_robots import SECRET, Platform, server  # noqa: F401 - `server` is a fixture

pytestmark = pytest.mark.django_db


def at(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text))


@pytest.fixture
def weekly(cast):
    for person in (cast.salesperson, cast.teammate, cast.supervisor):
        person.email = f"{person.username}@example.com"
        person.save()
    return ForecastCalendar.objects.create(
        name="每周五 18:00",
        period="weekly",
        weekday=4,
        deadline_time=time(18, 0),
        starts_on=date(2026, 1, 1),
    )


@pytest.fixture
def run_due(django_capture_on_commit_callbacks):
    def run(now: str) -> list[tuple[str, str]]:
        """The notifications this run made, as (recipient, kind)."""
        before = set(Notification.objects.values_list("pk", flat=True))
        with django_capture_on_commit_callbacks(execute=True):
            call_command("jobs", "run-due", "--now", now)
        made = Notification.objects.exclude(pk__in=before).order_by("recipient__username", "kind")
        return [(n.recipient.username, n.kind) for n in made]

    return run


def test_a_week_of_the_calendar(weekly, cast, run_due):
    weekly.starts_on = date(2026, 3, 1)  # the week before is not frozen in the first run
    weekly.save()
    friday = date(2026, 3, 6)
    assert run_due("2026-03-05T17:59") == []  # more than 24 h before Friday 18:00
    assert run_due("2026-03-05T18:00") == [
        ("chen", "forecast_reminder"),
        ("li", "forecast_reminder"),
        ("wang", "forecast_reminder"),
        ("zhao", "forecast_missing"),
        ("zhou", "forecast_missing"),
    ]
    missing = Notification.objects.get(recipient=cast.supervisor, kind="forecast_missing")
    assert missing.title == "截至 2026-03-06 有 2 份预测未上报"
    assert "李明、王芳" in missing.body
    assert run_due("2026-03-05T18:01") == []  # reminded once per reminder time

    forecast_submit(
        person=cast.salesperson, as_of=friday, by=cast.salesperson, at=at("2026-03-06T10:00")
    )
    assert run_due("2026-03-06T16:00") == [  # 2 h before: only who is still missing
        ("chen", "forecast_reminder"),
        ("wang", "forecast_reminder"),
        ("zhao", "forecast_missing"),
        ("zhou", "forecast_missing"),
    ]
    assert "王芳" in Notification.objects.filter(recipient=cast.supervisor).latest("pk").body
    assert "李明" not in Notification.objects.filter(recipient=cast.supervisor).latest("pk").body

    # No run-due at 18:00 (the machine was down); 陈静 submits late, before the next run.
    forecast_submit(
        person=cast.other_salesperson,
        as_of=friday,
        by=cast.other_salesperson,
        at=at("2026-03-06T18:05"),
    )
    assert run_due("2026-03-06T18:10") == [
        ("wang", "forecast_auto"),
        ("zhao", "forecast_auto_team"),
    ]
    frozen = ForecastSubmission.objects.get(person=cast.teammate, as_of=friday)
    assert frozen.how == How.AUTO and frozen.submitted_at == at("2026-03-06T18:10")
    assert run_due("2026-03-07T09:00") == []  # nothing twice

    rows = {
        r["person"]: r["timeliness"]
        for r in team_submissions(cast.salesperson.team, friday)["people"]
    }
    assert rows == {"li": "on_time", "wang": "auto"}
    rows = {
        r["person"]: r["timeliness"]
        for r in team_submissions(cast.other_salesperson.team, friday)["people"]
    }
    assert rows == {"chen": "late"}

    subjects = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert (
        subjects.count(("wang@example.com", "[Salespath] 你截至 2026-03-06 的预测已被自动冻结"))
        == 1
    )
    assert (
        len([s for s in subjects if s[0] == "li@example.com"]) == 1
    )  # one reminder, then submitted
    assert len([s for s in subjects if s[0] == "zhao@example.com"]) == 3


def test_a_holiday_moves_or_skips_a_cutoff(weekly):
    ForecastCalendarException.objects.create(
        calendar=weekly, day=date(2026, 3, 6), moved_to=date(2026, 3, 5)
    )
    ForecastCalendarException.objects.create(calendar=weekly, day=date(2026, 3, 13))
    cutoffs = [o.cutoff for o in occurrences(weekly, date(2026, 3, 1), date(2026, 3, 21))]
    assert cutoffs == [date(2026, 3, 5), date(2026, 3, 20)]


def test_a_monthly_calendar_uses_the_last_day_of_a_short_month(cast):
    monthly = ForecastCalendar.objects.create(
        name="每月 31 日",
        period="monthly",
        day_of_month=31,
        deadline_time=time(17, 0),
        starts_on=date(2026, 1, 1),
    )
    cutoffs = [o.cutoff for o in occurrences(monthly, date(2026, 1, 1), date(2026, 4, 30))]
    assert cutoffs == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    assert deadline_for(None, date(2026, 2, 28)) == at("2026-02-28T17:00")
    assert deadline_for(None, date(2026, 2, 27)) is None


def test_a_branch_calendar_replaces_the_company_wide_one(weekly, cast):
    own = ForecastCalendar.objects.create(
        name="广州",
        branch=cast.salesperson.home_branch,
        period="weekly",
        weekday=0,
        deadline_time=time(9, 0),
    )
    assert calendar_for(cast.salesperson.home_branch_id) == own
    assert calendar_for(BranchFactory(code="bj").pk) == weekly


def test_a_calendar_rule_must_be_complete(cast):
    # in its own transaction, as a writer would: the test's own stays usable
    with pytest.raises(IntegrityError), transaction.atomic():
        ForecastCalendar.objects.create(name="x", period="weekly", deadline_time=time(18, 0))


def test_the_admin_names_an_incomplete_rule(cast, client):
    client.force_login(cast.admin)
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        "/admin/forecast/forecastcalendar/add/",
        {
            "name": "每周",
            "period": "weekly",
            "deadline_time": "18:00",
            "reminder_hours": "24,2",
            "starts_on": "2026-03-01",
            "active": "on",
            "exceptions-TOTAL_FORMS": "0",
            "exceptions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "每周日历需要指定星期" in response.content.decode()
    assert not ForecastCalendar.objects.exists()


def test_the_submissions_page_marks_on_time_late_and_auto(weekly, cast, run_due, client):
    weekly.starts_on = date(2026, 3, 1)
    weekly.save()
    friday = date(2026, 3, 6)
    forecast_submit(
        person=cast.salesperson, as_of=friday, by=cast.salesperson, at=at("2026-03-06T17:00")
    )
    forecast_submit(
        person=cast.other_salesperson,
        as_of=friday,
        by=cast.other_salesperson,
        at=at("2026-03-06T18:30"),
    )
    run_due("2026-03-06T19:00")
    link = Notification.objects.get(recipient=cast.supervisor, kind="forecast_auto_team").link
    client.force_login(cast.supervisor)
    html = client.get(link).content.decode()
    assert "王芳" in html and html.count('data-testid="timeliness"') == 2
    assert ">按时<" in html and ">自动冻结<" in html
    client.force_login(cast.branch_gm)
    html = client.get(link.replace("gz-1", "gz-2")).content.decode()
    assert ">逾期<" in html


def test_a_week_walk_reaches_the_robots_and_the_monday_digest(weekly, cast, server, run_due):  # noqa: F811
    """Monday to Monday, each step: the notifications made, the e-mails sent and what the
    group chat robots (a local server checking each platform's format and signature) heard."""
    team = cast.salesperson.team
    ChatRobot.objects.create(name="企业微信", team=team, platform="wecom", url=f"{server}/wecom")
    ChatRobot.objects.create(
        name="钉钉", team=team, platform="dingtalk", url=f"{server}/dingtalk", secret=SECRET
    )
    ChatRobot.objects.create(
        name="飞书", branch=team.branch, platform="feishu", url=f"{server}/feishu"
    )
    weekly.starts_on = date(2026, 3, 1)
    weekly.save()
    li = cast.salesperson
    li.quota_start_date = date(2026, 1, 5)  # P1, 王芳 and 陈静 P0: all get the Monday digest
    li.save()

    def step(now: str) -> tuple[list, list, list]:
        Platform.received.clear()
        sent = len(mail.outbox)
        made = run_due(now)
        heard = sorted((path, _text(body)) for path, body in Platform.received)
        return made, sorted(m.to[0] for m in mail.outbox[sent:]), heard

    made, emails, heard = step("2026-03-02T08:00")  # Monday: the digest of last week
    digests = [
        ("chen", "digest"),
        ("li", "digest"),
        ("wang", "digest"),
        ("zhao", "digest_team"),
        ("zhou", "digest_team"),
    ]
    assert made == digests
    assert emails == ["li@example.com", "wang@example.com", "zhao@example.com"]
    # gz-1's own robots hear gz-1's digest; the branch's Feishu robot hears both teams'.
    assert [path for path, _text in heard] == ["/dingtalk", "/feishu", "/wecom"]
    assert all(text.startswith("你的团队在成功路线图上的 2026-W09 周") for _p, text in heard)
    team = dict(heard)["/wecom"]
    assert "李明，P1" in team and "王芳，P0" in team and "陈静" not in team
    assert "陈静" in dict(heard)["/feishu"]
    assert step("2026-03-02T09:00") == ([], [], [])  # the same Monday again: nothing twice

    assert step("2026-03-04T12:00") == ([], [], [])  # Wednesday: nothing due
    made, emails, heard = step("2026-03-05T18:00")  # 24 h before Friday 18:00
    assert made == [
        ("chen", "forecast_reminder"),
        ("li", "forecast_reminder"),
        ("wang", "forecast_reminder"),
        ("zhao", "forecast_missing"),
        ("zhou", "forecast_missing"),
    ]
    assert emails == ["li@example.com", "wang@example.com", "zhao@example.com"]
    assert [path for path, _text in heard] == ["/dingtalk", "/feishu", "/feishu", "/wecom"]
    assert "截止 2026-03-06 18:00）：李明、王芳。" in dict(heard)["/wecom"]

    forecast_submit(person=li, as_of=date(2026, 3, 6), by=li, at=at("2026-03-06T10:00"))
    made, emails, heard = step("2026-03-06T16:00")  # 2 h before: who is still missing
    assert ("li", "forecast_reminder") not in made and ("wang", "forecast_reminder") in made
    assert emails == ["wang@example.com", "zhao@example.com"]
    assert dict(heard)["/wecom"].endswith("：王芳。") and dict(heard)["/dingtalk"].endswith(
        "：王芳。"
    )

    made, emails, heard = step("2026-03-06T18:00")  # the deadline: frozen, and told
    assert made == [
        ("chen", "forecast_auto"),
        ("wang", "forecast_auto"),
        ("zhao", "forecast_auto_team"),
        ("zhou", "forecast_auto_team"),
    ]
    assert emails == ["wang@example.com", "zhao@example.com"]
    assert dict(heard)["/wecom"] == (
        "截至 2026-03-06 有 1 份预测被自动冻结\n截止时自动冻结（截至 2026-03-06）：王芳。"
    )
    assert len(heard) == 4
    assert step("2026-03-07T09:00") == ([], [], [])  # Saturday: nothing twice

    made, emails, heard = step("2026-03-09T08:00")  # the next Monday: the next digest
    assert made == digests
    assert [path for path, _text in heard] == ["/dingtalk", "/feishu", "/wecom"]
    assert all(text.startswith("你的团队在成功路线图上的 2026-W10 周") for _p, text in heard)
    assert set(RobotMessage.objects.values_list("state", flat=True)) == {"sent"}


def _text(body: dict) -> str:
    if "text" in body:
        return body["text"]["content"]
    return body["content"]["text"]


def test_accuracy_has_every_persons_forecast_at_every_deadline_of_the_quarter(weekly, cast):
    """Issue 19: with the calendar freezing what nobody submitted, accuracy runs over every
    period of the quarter without gaps — each Friday is a point where every salesperson has
    a forecast, whether they submitted it or the deadline froze it."""
    from salespath.forecast.submissions import forecast_accuracy
    from salespath.lib.fiscal import FiscalQuarter
    from salespath.org.scopes import Scope

    weekly.starts_on = date(2026, 4, 1)
    weekly.save()
    fridays = [o.cutoff for o in occurrences(weekly, date(2026, 4, 1), date(2026, 6, 30))]
    forecast_submit(  # one person submits one week themselves
        person=cast.salesperson, as_of=fridays[2], by=cast.salesperson, at=at("2026-04-17T09:00")
    )
    for friday in fridays:  # cron runs it every minute; here at each deadline
        call_command("jobs", "run-due", "--now", f"{friday.isoformat()}T18:00")
    team = Scope("team", team=cast.salesperson.team)
    people = {cast.salesperson.pk, cast.teammate.pk}
    by_person = {
        (s.person_id, s.as_of): s.how for s in ForecastSubmission.objects.filter(person__in=people)
    }
    assert set(by_person) == {(p, f) for p in people for f in fridays}
    assert by_person[(cast.salesperson.pk, fridays[2])] == How.PERSON
    report = forecast_accuracy(FiscalQuarter(2026, 2), team)
    total = report["total"]
    assert [point["as_of"] for point in total["points"]] == [f.isoformat() for f in fridays]
    assert all(point["submitted"] == len(people) for point in total["points"])
