"""The home page: what this person should look at first today."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.org.access import widest_scope_kind
from salespath.org.models import Role, User
from salespath.roadmap.queries import roadmap

from .. import inbox
from ..queries import home_summary
from .base import page, render_page


def pipeline_title(user: User) -> str:
    """What the home page's pipeline card shows, named for whose deals they are: the same
    widest scope as `resolve_scope(user)`, read from the roles alone (no query)."""
    widest = widest_scope_kind(user)
    if widest == "company":
        return _("Company pipeline by stage")
    if widest == "branch":
        return _("My branch's pipeline by stage")
    if widest == "team":
        return _("My team's pipeline by stage")
    return _("My pipeline by stage")


@page
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "today": today,
        "pipeline_title": pipeline_title(request.user),
        "summary": home_summary(request.user, today),
        "awaiting": inbox.awaiting(request.user),
        "my_roadmap": (
            roadmap(request.user, today) if request.user.has_role(Role.SALESPERSON) else None
        ),
    }
    return render_page(request, "web/home/home.html", context)
