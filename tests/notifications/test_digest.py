"""The weekly digest on Mondays: a salesperson in P0–P3 gets their week and phase goals, the
supervisor one digest for the team, once per week."""

from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command

from salespath.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_due(django_capture_on_commit_callbacks):
    def run(now: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("jobs", "run-due", "--now", now)

    return run


def test_monday_digest_for_the_new_salesperson_and_their_supervisor(cast, run_due):
    li = cast.salesperson
    li.email, li.quota_start_date = "li@example.com", date(2026, 1, 5)  # P1 until 2026-04-05
    li.save()
    run_due("2026-03-08T08:00")  # a Sunday: nothing
    assert not Notification.objects.filter(kind__startswith="digest").exists()
    run_due("2026-03-09T08:00")
    run_due("2026-03-09T09:00")  # the same Monday again: nothing twice
    mine = Notification.objects.get(recipient=li, kind="digest")
    assert mine.title == "你在成功路线图上的 2026-W10 周"
    assert "2026-W10" in mine.body and "天" in mine.body
    team = Notification.objects.get(recipient=cast.supervisor, kind="digest_team")
    assert "李明" in team.body
    assert [m.to for m in mail.outbox] == [["li@example.com"]]
    run_due("2026-03-16T08:00")  # the next Monday: next week's digest
    assert Notification.objects.filter(recipient=li, kind="digest").count() == 2
