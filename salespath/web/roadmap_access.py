"""Who has a success roadmap and who looks at others'.

A roadmap belongs to a person with a quota or the salesperson role. Leaders (supervisor,
general manager, executive, administrator) look at the grid of the people they may see.
Anyone else (finance, presales, project managers…) has no roadmap: no menu item, no report
tile, and a 403 that says why."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from salespath.errors import NotAllowed
from salespath.org.access import LEADERS
from salespath.org.models import Role, User


def has_roadmap(person: User) -> bool:
    return Role.SALESPERSON in person.role_codes or person.quota_start_date is not None


def sees_roadmap_grid(user: User) -> bool:
    return bool(user.role_codes & LEADERS)


def roadmap_url(user: User) -> str | None:
    """Where the 成功路线图 entry takes `user`: the grid, their own page, or nowhere."""
    if sees_roadmap_grid(user):
        return reverse("web:roadmap_grid")
    if has_roadmap(user):
        return reverse("web:roadmap_person", args=[user.username])
    return None


def check_grid(user: User) -> None:
    if not sees_roadmap_grid(user):
        raise NotAllowed(
            _(
                "The roadmap grid is for sales supervisors, general managers and executives; "
                "your own roadmap is under your name if you carry a quota."
            )
        )


def check_has_roadmap(person: User) -> None:
    if not has_roadmap(person):
        raise NotAllowed(
            _(
                "%(person)s has no success roadmap: roadmaps belong to salespeople and to "
                "people with a quota."
            )
            % {"person": person}
        )
