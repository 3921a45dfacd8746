"""Who sees which activities: one's own; a supervisor their team's; a branch GM their
branch's; executives, finance and administrators all (SPEC §1)."""

from __future__ import annotations

from django.db.models import QuerySet

from salespath.org.access import owner_filter
from salespath.org.models import User

from .models import Activity


def activities_visible_to(user: User) -> QuerySet[Activity]:
    activities = Activity.objects.select_related("person", "customer", "opportunity")
    visible = owner_filter(user, "person")
    return activities if visible is None else activities.filter(visible)
