"""The success roadmap: a person's page and the team grid (SPEC §6). Figures come from
`salespath.roadmap.queries`; sign-off is `salespath.roadmap.services.signoff_record`."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.errors import DomainError, NotAllowed, NotFound
from salespath.org.scopes import resolve_scope
from salespath.replicas import reading_reports
from salespath.roadmap.models import SignOff, SkillItem
from salespath.roadmap.queries import roadmap, roadmap_team
from salespath.roadmap.services import is_supervisor_of, signoff_record

from ..reporting import as_of_from, scope_from, scope_options, scope_value, status_for
from ..roadmap_access import check_grid, check_has_roadmap, roadmap_url
from .base import page, query_without_paging, render_page
from .posts import post_only


@page
def roadmap_home(request: HttpRequest) -> HttpResponse:
    """Leaders land on their team's grid, salespeople on their own page; anyone else is
    told why there is nothing for them (403)."""
    url = roadmap_url(request.user)
    if url is None:
        check_has_roadmap(request.user)
    return redirect(url)


@page
def roadmap_person(request: HttpRequest, username: str) -> HttpResponse:
    as_of, date_error = as_of_from(request.GET.get("as_of"))
    person = resolve_scope(request.user, person=username).person
    check_has_roadmap(person)
    person_roadmap = roadmap(person, as_of)
    signed = {s.item: s for s in SignOff.objects.filter(person=person).select_related("signed_by")}
    context = {
        "person": person,
        "as_of": as_of,
        "date_error": date_error,
        "r": person_roadmap,
        "weeks": list(reversed(person_roadmap.weeks)),
        "signoffs": list(signed.values()),
        "unsigned": [(value, label) for value, label in SkillItem.choices if value not in signed],
        "may_sign_off": is_supervisor_of(request.user, person),
        "today": timezone.localdate(),
    }
    return render_page(request, "web/roadmap/person.html", context, status=status_for(date_error))


@page
@reading_reports()
def roadmap_grid(request: HttpRequest) -> HttpResponse:
    check_grid(request.user)
    as_of, date_error = as_of_from(request.GET.get("as_of"))
    scope = scope_from(request.user, request.GET.get("scope"))
    team = roadmap_team(scope, as_of, page=request.GET.get("page") or 1)
    columns: dict[str, str] = {}
    for person in team.people:
        week = person.this_week
        for item in (week.items if week else []) + person.goals:
            columns.setdefault(item.key, item.label)
    rows = []
    for person in team.people:
        week = person.this_week
        items = {item.key: item for item in (week.items if week else []) + person.goals}
        rows.append({"r": person, "cells": [items.get(key) for key in columns]})
    context = {
        "as_of": as_of,
        "date_error": date_error,
        "scope": scope,
        "columns": list(columns.values()),
        "rows": rows,
        "scope_options": scope_options(request.user, near=scope),
        "scope_value": scope_value(scope),
        "count": team.count,
        "page_obj": team.page,
        "query": query_without_paging(request),
    }
    return render_page(request, "web/roadmap/grid.html", context, status=status_for(date_error))


@post_only("web:roadmap_person", args=lambda username: [username])
@page
def roadmap_sign_off(request: HttpRequest, username: str) -> HttpResponse:
    person = resolve_scope(request.user, person=username).person
    on, date_error = as_of_from(request.POST.get("on"), field="on")
    if date_error:
        messages.error(request, date_error)
        return redirect(reverse("web:roadmap_person", args=[username]) + "#signoffs")
    try:
        signoff_record(
            person=person,
            item=request.POST.get("item", ""),
            by=request.user,
            on=on,
            note=request.POST.get("note", ""),
        )
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Signed off: %(item)s.") % {"item": SkillItem(request.POST["item"]).label}
        )
    return redirect(reverse("web:roadmap_person", args=[username]) + "#signoffs")
