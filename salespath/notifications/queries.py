"""Reads of notifications."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from salespath.org.models import User

from .models import Delivery, Notification


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user: User | None = None) -> QuerySet[Notification]:
    """Newest first, with their deliveries (two queries however many)."""
    rows = Notification.objects.select_related("recipient").prefetch_related(
        Prefetch("deliveries", queryset=Delivery.objects.order_by("channel"))
    )
    return rows.filter(recipient=user) if user is not None else rows
