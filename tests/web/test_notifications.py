"""The notification list: the bell's count, mark read, mark all read (POST, htmx)."""

import pytest
from django.urls import reverse

from salespath.notifications.models import Notification
from salespath.notifications.services import notify

pytestmark = pytest.mark.django_db


def tell(user, key, deal="华南制造ERP项目"):
    return notify(
        recipient=user,
        kind="overdue",
        key=key,
        params={"deal": deal, "date": "2026-03-01"},
        link="/pipeline/1/",
    )


def test_the_bell_counts_my_unread_notifications_only(login, cast):
    tell(cast.salesperson, "a")
    tell(cast.salesperson, "b")
    tell(cast.supervisor, "a")
    html = login(cast.salesperson).get(reverse("web:notification_bell")).content.decode()
    assert 'data-testid="bell-count">2<' in html


def test_every_page_has_the_bell_that_loads_its_count(login, cast):
    html = login(cast.salesperson).get(reverse("web:home")).content.decode()
    assert reverse("web:notification_bell") in html and 'hx-trigger="load' in html


def test_the_list_shows_mine_with_links_to_the_work(login, cast):
    tell(cast.salesperson, "a")
    tell(cast.supervisor, "x", deal="别人的项目")
    html = login(cast.salesperson).get(reverse("web:notifications")).content.decode()
    assert "已逾期：华南制造ERP项目" in html and 'href="/pipeline/1/"' in html
    assert "别人的项目" not in html


def test_mark_read_with_htmx_returns_the_row_and_refreshes_the_bell(login, cast):
    mine = tell(cast.salesperson, "a")
    response = login(cast.salesperson).post(
        reverse("web:notification_read", args=[mine.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    assert "is-unread" not in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None


def test_someone_elses_notification_cannot_be_marked_read(login, cast):
    theirs = tell(cast.supervisor, "a")
    response = login(cast.salesperson).post(reverse("web:notification_read", args=[theirs.pk]))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_leaves_other_peoples_unread(login, cast):
    tell(cast.salesperson, "a")
    tell(cast.salesperson, "b")
    tell(cast.supervisor, "a")
    response = login(cast.salesperson).post(reverse("web:notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=cast.salesperson, read_at=None).exists()
    assert Notification.objects.filter(recipient=cast.supervisor, read_at=None).count() == 1


def test_marking_read_needs_a_post_with_the_csrf_token(cast, client):
    from django.test import Client

    mine = tell(cast.salesperson, "a")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(cast.salesperson)
    assert strict.post(reverse("web:notification_read", args=[mine.pk])).status_code == 403
    strict.get(reverse("web:notification_read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is None
