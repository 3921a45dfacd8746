"""The home page: what this person should look at first today."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from salespath.org.models import Role
from salespath.roadmap.queries import roadmap

from .. import inbox
from ..queries import home_summary
from .base import page, render_page


@page
def home(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "today": today,
        "summary": home_summary(request.user, today),
        "awaiting": inbox.awaiting(request.user),
        "my_roadmap": (
            roadmap(request.user, today) if request.user.has_role(Role.SALESPERSON) else None
        ),
    }
    return render_page(request, "web/home/home.html", context)
