"""Writes of notifications: record one, send its deliveries, mark read."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from salespath.errors import DomainError, NotFound
from salespath.org.models import User

from . import channels
from .kinds import KINDS
from .models import Channel, Delivery, Notification, Preference, Recipient

# Minutes to wait before attempt n+1 after n failed ones: 1, 5, 30, 120, then 6 hours.
BACKOFF_MINUTES = (1, 5, 30, 120, 360)


def language_of(user: User) -> str:
    found = Recipient.objects.filter(user=user).values_list("language", flat=True).first()
    return found or settings.LANGUAGE_CODE


def channels_for(user: User, kind: str) -> list[str]:
    """The channels besides the in-app list that `user` gets `kind` on: their own choice,
    else the administrators' default, else on; e-mail only with an address."""
    chosen = {
        (p.user_id is not None, p.channel): p.enabled
        for p in Preference.objects.filter(Q(user=user) | Q(user=None), kind=kind)
    }
    wanted = []
    for channel in Channel.values:
        if chosen.get((True, channel), chosen.get((False, channel), True)):
            wanted.append(channel)
    return [c for c in wanted if c != Channel.EMAIL or user.email]


def preferences_set(*, user: User, channel: str, kinds_on: set[str]) -> None:
    """`user` gets the kinds in `kinds_on` on `channel`, and not the others."""
    unknown = set(kinds_on) - set(KINDS)
    if channel not in Channel.values or unknown:
        raise DomainError(
            _("Unknown kind of notification or channel: %(names)s.")
            % {"names": ", ".join(sorted(unknown)) or channel},
            fields={"kinds": [_("Choose from the list.")]},
        )
    with transaction.atomic():
        for kind in KINDS:
            Preference.objects.update_or_create(
                user=user, kind=kind, channel=channel, defaults={"enabled": kind in kinds_on}
            )


def preferences_of(user: User, channel: str) -> dict[str, bool]:
    """kind → on/off for `user` on `channel`, as `channels_for` decides it."""
    chosen = {
        (p.user_id is not None, p.kind): p.enabled
        for p in Preference.objects.filter(Q(user=user) | Q(user=None), channel=channel)
    }
    return {kind: chosen.get((True, kind), chosen.get((False, kind), True)) for kind in KINDS}


def notify(
    *,
    recipient: User,
    kind: str,
    key: str,
    params: dict[str, Any] | None = None,
    link: str = "",
    now: datetime | None = None,
) -> Notification | None:
    """Record that `recipient` is told about the event `key`, then send it on their channels.

    Returns None when the event was already notified: a key is told once per recipient, so a
    due job that runs twice, or two workers racing, never tell anyone twice. The sends run
    after the surrounding transaction commits, so a rolled-back change notifies nobody."""
    spec = KINDS[kind]
    with translation.override(language_of(recipient)):
        # Inside the override: names, stages and dates render in the recipient's language.
        values = {name: str(value) for name, value in (params or {}).items()}
        title = _(spec.title) % values
        body = _(spec.body) % values
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                kind=kind,
                key=key,
                title=title[:300],
                body=body,
                link=link,
                created_at=now or timezone.now(),
            )
            deliveries = Delivery.objects.bulk_create(
                Delivery(notification=notification, channel=channel)
                for channel in channels_for(recipient, kind)
            )
    except IntegrityError:
        if Notification.objects.filter(recipient=recipient, key=key).exists():
            return None
        raise
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: enqueue_send(pk))
    return notification


def group_text(kind: str, params: dict[str, Any]) -> str:
    """A kind's title and text for a group chat, in the company's language."""
    spec = KINDS[kind]
    with translation.override(settings.LANGUAGE_CODE):
        values = {name: str(value) for name, value in params.items()}
        return f"{_(spec.title) % values}\n{_(spec.body) % values}"


def enqueue_send(delivery_id: int) -> None:
    from .tasks import send_delivery

    send_delivery.enqueue(delivery_id)


def delivery_send(*, delivery_id: int, now: datetime | None = None) -> Delivery | None:
    """One attempt at a pending delivery. A failure is kept with its error and retried after
    a back-off (`jobs run-due` picks it up); after the last attempt it stays failed."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update()
            .select_related("notification__recipient")
            .filter(pk=delivery_id, state=Delivery.State.PENDING)
            .first()
        )
        if delivery is None:
            return None  # sent or given up on already: a duplicate task does nothing
        delivery.attempts += 1
        try:
            channels.send(
                delivery.channel,
                delivery.notification,
                language_of(delivery.notification.recipient),
            )
        except Exception as error:  # noqa: BLE001 - any channel fault is kept and retried
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            if delivery.attempts >= settings.SALESPATH_DELIVERY_MAX_ATTEMPTS:
                delivery.state = Delivery.State.FAILED
                delivery.next_attempt_at = None
            else:
                wait = BACKOFF_MINUTES[min(delivery.attempts, len(BACKOFF_MINUTES)) - 1]
                delivery.next_attempt_at = now + timedelta(minutes=wait)
        else:
            delivery.state = Delivery.State.SENT
            delivery.sent_at = now
            delivery.next_attempt_at = None
            delivery.last_error = ""
        delivery.save()
    return delivery


def deliveries_retry(*, now: datetime) -> int:
    """Enqueue every pending delivery whose back-off has passed."""
    due = list(
        Delivery.objects.filter(
            Q(next_attempt_at__lte=now), state=Delivery.State.PENDING
        ).values_list("pk", flat=True)
    )
    for pk in due:
        transaction.on_commit(lambda pk=pk: enqueue_send(pk))
    return len(due)


def _own(user: User, pk: int) -> Notification:
    found = Notification.objects.filter(recipient=user, pk=pk).first()
    if found is None:
        raise NotFound(_("There is no such notification."))
    return found


def notification_mark_read(*, user: User, pk: int) -> Notification:
    notification = _own(user, pk)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


def recipient_language_set(*, user: User, language: str) -> Recipient:
    if language not in dict(settings.LANGUAGES):
        raise DomainError(
            _("“%(language)s” is not a language of Salespath.") % {"language": language},
            fields={"language": [_("Choose zh-hans or en.")]},
        )
    recipient, _created = Recipient.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return recipient
