"""The notification list and the bell in the top bar."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from salespath.notifications import queries, services
from salespath.notifications.kinds import KINDS
from salespath.notifications.models import Channel

from .base import page, render_page

LIST_LIMIT = 100


def _list_context(request: HttpRequest) -> dict:
    rows = list(queries.notifications_for(request.user)[:LIST_LIMIT])
    return {"notifications": rows, "unread": sum(1 for n in rows if n.read_at is None)}


def _preferences(request: HttpRequest) -> list[dict]:
    chosen = services.preferences_of(request.user, Channel.EMAIL)
    return [{"kind": k, "label": KINDS[k].label, "on": on} for k, on in chosen.items()]


def _changed(response: HttpResponse) -> HttpResponse:
    # The bell listens for this event and fetches its count again.
    response["HX-Trigger"] = "notifications-changed"
    return response


@require_GET
@page
def notification_list(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "web/notifications/list.html",
        {**_list_context(request), "preferences": _preferences(request)},
        fragment="web/notifications/_list_fragment.html",
    )


@require_GET
@page
def notification_bell(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/notifications/_bell_fragment.html",
        {"unread": queries.unread_count(request.user)},
    )


@require_POST
@page
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = services.notification_mark_read(user=request.user, pk=pk)
    if request.htmx:
        return _changed(
            render(request, "web/notifications/_row_fragment.html", {"n": notification})
        )
    return redirect("web:notifications")


@require_POST
@page
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user)
    if request.htmx:
        return _changed(
            render(request, "web/notifications/_list_fragment.html", _list_context(request))
        )
    return redirect("web:notifications")


@require_POST
@page
def notification_preferences(request: HttpRequest) -> HttpResponse:
    services.preferences_set(
        user=request.user, channel=Channel.EMAIL, kinds_on=set(request.POST.getlist("email"))
    )
    messages.success(request, _("Your e-mail choices are saved."))
    return redirect("web:notifications")
