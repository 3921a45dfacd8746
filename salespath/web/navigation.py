"""The role-aware navigation: which sections a person's roles give them."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from salespath.org.access import SUPERVISING
from salespath.org.models import Role, User

from .roadmap_access import roadmap_url


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    url: str


def navigation(user: User) -> list[NavItem]:
    if not user.is_authenticated:
        return []
    roles = user.role_codes
    items = [
        NavItem("home", _("Home"), reverse("web:home")),
        NavItem("pipeline", pgettext("navigation", "Pipeline"), reverse("web:pipeline")),
        NavItem("customers", _("Customers"), reverse("web:customers")),
    ]
    if roles & SUPERVISING:
        items.append(NavItem("initiations", _("Approvals"), reverse("web:initiations")))
    if Role.FINANCE in roles:
        items.append(NavItem("payments", _("Payments"), reverse("web:payments")))
    items.append(NavItem("reports", _("Reports"), reverse("web:reports")))
    if roadmap_url(user):
        items.append(NavItem("roadmap", _("Roadmap"), reverse("web:roadmap")))
    if user.is_superuser or Role.ADMIN in roles:
        items.append(NavItem("import", _("Import"), reverse("web:import")))
    if user.is_superuser or Role.ADMIN in roles:  # the admin site's own rule
        items.append(NavItem("admin", _("Administration"), reverse("admin:index")))
    return items


def active_item(items: list[NavItem], path: str) -> NavItem | None:
    """The section `path` is in: the longest item URL it starts with ("/" only for itself)."""
    matches = [
        item
        for item in items
        if path == item.url or (item.url != "/" and path.startswith(item.url))
    ]
    return max(matches, key=lambda item: len(item.url), default=None)
