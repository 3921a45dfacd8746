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


def test_a_phase_ending_with_goals_unmet_tells_the_supervisor_and_the_gm(cast, run_due):
    li = cast.salesperson
    li.quota_start_date = date(2026, 1, 5)  # P1 ends on 2026-04-04
    li.save()
    run_due("2026-04-04T09:00")
    assert not Notification.objects.filter(kind="phase_ended").exists()
    run_due("2026-04-05T09:00")
    run_due("2026-04-05T10:00")
    told = Notification.objects.filter(kind="phase_ended").order_by("recipient__username")
    assert [n.recipient.username for n in told] == ["huang", "zhao"]
    assert told[0].title == "李明 的 P1 阶段已结束，目标未达成"
    assert told[0].link == "/roadmap/li/"


def test_a_phase_ending_with_goals_unmet_waits_in_the_inbox_until_signed_off(cast, run_due, client):
    li = cast.salesperson
    li.quota_start_date = date(2026, 1, 5)  # P1 ends on 2026-04-04
    li.save()
    run_due("2026-04-05T09:00")
    run_due("2026-04-05T10:00")  # the same day again: one item, not two

    for boss in (cast.supervisor, cast.branch_gm):
        client.force_login(boss)
        home = client.get("/").content.decode()
        assert home.count('data-testid="awaiting-phase-end"') == 1
        assert "李明：P1 阶段结束，目标未达成" in home
        html = client.get("/inbox/phase-ends/").content.decode()
        assert html.count('data-testid="phase-end"') == 1
        assert 'href="/roadmap/li/"' in html and "2026-04-04" in html
    for outsider in (cast.other_supervisor, cast.salesperson):
        client.force_login(outsider)
        html = client.get("/inbox/phase-ends/").content.decode()
        assert 'data-testid="phase-end"' not in html
        assert client.post("/inbox/phase-ends/1/sign/").status_code == 404

    client.force_login(cast.supervisor)
    pk = client.get("/inbox/phase-ends/").context["phase_ends"][0].pk
    response = client.post(f"/inbox/phase-ends/{pk}/sign/", follow=True)
    assert "李明 的 P1 阶段结束已签核。" in response.content.decode()
    assert 'data-testid="phase-end"' not in response.content.decode()
    client.force_login(cast.branch_gm)  # signed off by one of them: gone for both
    assert 'data-testid="phase-end"' not in client.get("/inbox/phase-ends/").content.decode()
