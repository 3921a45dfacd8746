"""Which channels a kind of notification goes out on: the person's choice, else the
administrators' default, else on. The in-app list always has it."""

import pytest
from django.core import mail
from django.urls import reverse

from salespath.errors import DomainError
from salespath.notifications.models import Delivery, Notification, Preference
from salespath.notifications.services import notify, preferences_set

pytestmark = pytest.mark.django_db


def tell(user, key):
    return notify(recipient=user, kind="overdue", key=key, params={"deal": "A", "date": "x"})


@pytest.fixture
def li(cast):
    cast.salesperson.email = "li@example.com"
    cast.salesperson.save()
    return cast.salesperson


def test_turning_off_a_kind_keeps_it_in_app_but_sends_no_email(li):
    preferences_set(user=li, channel="email", kinds_on={"stuck"})
    tell(li, "a")
    assert Notification.objects.filter(recipient=li).count() == 1
    assert not Delivery.objects.exists()


def test_an_administrators_default_applies_until_the_person_chooses(li):
    Preference.objects.create(user=None, kind="overdue", channel="email", enabled=False)
    tell(li, "a")
    assert not Delivery.objects.exists()
    preferences_set(user=li, channel="email", kinds_on={"overdue"})
    tell(li, "b")
    assert Delivery.objects.count() == 1


def test_an_unknown_kind_is_refused_and_nothing_changes(li):
    with pytest.raises(DomainError, match="nonsense"):
        preferences_set(user=li, channel="email", kinds_on={"overdue", "nonsense"})
    assert not Preference.objects.exists()


def test_the_notifications_page_saves_my_email_choices(
    li, client, django_capture_on_commit_callbacks
):
    client.force_login(li)
    html = client.get(reverse("web:notifications")).content.decode()
    assert 'name="email" value="overdue" checked' in html
    response = client.post(reverse("web:notification_preferences"), {"email": ["stuck"]})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        tell(li, "a")
    assert mail.outbox == []
    html = client.get(reverse("web:notifications")).content.decode()
    assert 'name="email" value="overdue">' in html
