"""Recording a notification and sending it: once per event, in the recipient's language."""

import json
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from salespath.errors import DomainError, NotFound
from salespath.notifications.models import Delivery, JobRun, Notification
from salespath.notifications.services import (
    notification_mark_read,
    notifications_mark_all_read,
    notify,
    recipient_language_set,
)
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def tell(user, key, deal="A", **extra):
    return notify(
        recipient=user, kind="overdue", key=key, params={"deal": deal, "date": "x"}, **extra
    )


@pytest.fixture
def run_due(django_capture_on_commit_callbacks):
    """`salespath jobs run-due --now T`, with the sends it enqueues run as on commit."""

    def run(now: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("jobs", "run-due", "--now", now)

    return run


@pytest.fixture
def mailed(cast):
    cast.salesperson.email = "li@example.com"
    cast.salesperson.save()
    cast.supervisor.email = "zhao@example.com"
    cast.supervisor.save()
    return cast


def test_notification_is_written_in_the_recipients_language(
    mailed, django_capture_on_commit_callbacks
):
    recipient_language_set(user=mailed.supervisor, language="en")
    with django_capture_on_commit_callbacks(execute=True):
        zh = notify(
            recipient=mailed.salesperson,
            kind="overdue",
            key="k1",
            params={"deal": "ERP", "date": "2026-01-01"},
        )
        en = notify(
            recipient=mailed.supervisor,
            kind="overdue",
            key="k1",
            params={"deal": "ERP", "date": "2026-01-01"},
        )
    assert zh.title == "已逾期：ERP"
    assert en.title == "Overdue: ERP"
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["[Salespath] Overdue: ERP", "[Salespath] 已逾期：ERP"]
    html = mail.outbox[0].alternatives[0]
    assert html[1] == "text/html" and "ERP" in html[0]


def test_the_same_event_key_notifies_a_person_once(mailed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(
            recipient=mailed.salesperson,
            kind="overdue",
            key="same",
            params={"deal": "A", "date": "x"},
        )
        second = notify(
            recipient=mailed.salesperson,
            kind="overdue",
            key="same",
            params={"deal": "A", "date": "x"},
        )
    assert first is not None and second is None
    assert Notification.objects.filter(recipient=mailed.salesperson).count() == 1
    assert len([m for m in mail.outbox if "A" in m.body]) == 1


def test_run_due_twice_at_the_same_instant_sends_nothing_twice(mailed, run_due):
    OpportunityFactory(owner=mailed.salesperson, name="逾期项目", expected_close=date(2026, 3, 1))
    run_due("2026-03-02T09:00")
    run_due("2026-03-02T09:00")
    run_due("2026-03-02T15:30")  # same day: the daily slot ran
    overdue = [m.subject for m in mail.outbox if "逾期" in m.subject]
    assert overdue == ["[Salespath] 已逾期：逾期项目"]
    assert JobRun.objects.filter(job="deals-overdue").count() == 1


def test_an_overdue_deal_is_told_again_each_week_while_it_stays_overdue(mailed, run_due):
    OpportunityFactory(owner=mailed.salesperson, name="逾期项目", expected_close=date(2026, 3, 1))
    for day in range(2, 17):
        run_due(f"2026-03-{day:02d}T09:00")
    told = Notification.objects.filter(kind="overdue").order_by("created_at")
    assert [n.created_at.day for n in told] == [2, 9, 16]
    assert len([m for m in mail.outbox if "已逾期" in m.subject]) == 3


def test_a_failed_send_is_kept_with_its_error_and_retried_after_a_back_off(
    mailed, settings, run_due, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens: refused
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=mailed.salesperson, kind="overdue", key="k", params={"deal": "A", "date": "x"}
        )
    # (run-due runs every job: on a Monday the weekly digest is delivered beside it)
    overdue = Delivery.objects.filter(notification__kind="overdue")
    delivery = overdue.get()
    assert delivery.state == Delivery.State.PENDING and delivery.attempts == 1
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error.lower()
    retry_at = timezone.localtime(delivery.next_attempt_at)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    too_early = retry_at.replace(second=0, microsecond=0) - timezone.timedelta(minutes=1)
    run_due(too_early.strftime("%Y-%m-%dT%H:%M"))
    assert overdue.get().state == Delivery.State.PENDING
    later = retry_at + timezone.timedelta(minutes=1)
    run_due(later.strftime("%Y-%m-%dT%H:%M"))
    delivery.refresh_from_db()
    assert delivery.state == Delivery.State.SENT and delivery.attempts == 2
    # one mail for each delivery sent: the overdue notice once, when retried
    assert len(mail.outbox) == Delivery.objects.filter(state=Delivery.State.SENT).count()


def test_a_send_that_keeps_failing_ends_failed_and_visible(
    mailed, settings, capsys, run_due, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    settings.SALESPATH_DELIVERY_MAX_ATTEMPTS = 2
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=mailed.salesperson, kind="overdue", key="k", params={"deal": "A", "date": "x"}
        )
    run_due("2099-01-01T00:00")
    delivery = Delivery.objects.get(notification__kind="overdue")
    assert delivery.state == Delivery.State.FAILED and delivery.attempts == 2
    call_command("notifications", "--user", "li")
    assert "email:failed(2)" in capsys.readouterr().out


def test_notifications_command_lists_deliveries_as_json(
    mailed, capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=mailed.salesperson,
            kind="overdue",
            key="k",
            params={"deal": "A", "date": "x"},
            link="/pipeline/1/",
        )
    call_command("notifications", "--user", "li", "--format", "json")
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["title"] == "已逾期：A"
    assert rows[0]["deliveries"] == [
        {"channel": "email", "state": "sent", "attempts": 1, "last_error": ""}
    ]


def test_commands_name_bad_input(cast):
    with pytest.raises(CommandError, match="2026-13-01"):
        call_command("jobs", "run-due", "--now", "2026-13-01")
    with pytest.raises(CommandError, match="nobody"):
        call_command("notifications", "--user", "nobody")


def test_mark_read_only_touches_ones_own(mailed):
    mine = notify(
        recipient=mailed.salesperson, kind="overdue", key="a", params={"deal": "A", "date": "x"}
    )
    tell(mailed.salesperson, "b", deal="B")
    theirs = notify(
        recipient=mailed.supervisor, kind="overdue", key="a", params={"deal": "A", "date": "x"}
    )
    with pytest.raises(NotFound):
        notification_mark_read(user=mailed.salesperson, pk=theirs.pk)
    assert notification_mark_read(user=mailed.salesperson, pk=mine.pk).read_at is not None
    assert notifications_mark_all_read(user=mailed.salesperson) == 1
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_an_unknown_language_is_refused(cast):
    with pytest.raises(DomainError, match="fr"):
        recipient_language_set(user=cast.salesperson, language="fr")


def test_worker_heartbeat_fails_when_a_task_waits_too_long(mailed, settings):
    from django_tasks_db.models import DBTaskResult

    from salespath.notifications.health import worker_heartbeat_ok
    from salespath.notifications.services import enqueue_send

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert worker_heartbeat_ok()[0] is True
    enqueue_send(tell(mailed.salesperson, "k").deliveries.get().pk)
    assert worker_heartbeat_ok()[0] is True
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timezone.timedelta(minutes=10))
    ok, detail = worker_heartbeat_ok()
    assert ok is False and "salespath jobs worker" in detail
