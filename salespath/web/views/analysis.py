"""Report pages beyond the forecast grid: forecast submissions (who has submitted), the
changes between two forecasts, forecast accuracy for a quarter, the stage funnel and
attainment versus quota. Figures come from `salespath.forecast.submissions` and `..funnel`."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from salespath.errors import DomainError, NotFound
from salespath.forecast.models import ForecastSubmission
from salespath.forecast.state import COLUMN_LABELS
from salespath.forecast.submissions import (
    CHANGE_LABELS,
    forecast_accuracy,
    forecast_changes,
    team_submissions,
)
from salespath.lib.fiscal import Period, fiscal_quarter_of
from salespath.org.scopes import resolve_scope
from salespath.replicas import reading_reports

from ..funnel import attainment, stage_funnel
from ..reporting import (
    as_of_from,
    period_from,
    quarter_from,
    scope_from,
    scope_options,
    scope_value,
    status_for,
    tree,
)
from .base import page, render_page


def _start_month() -> int:
    return settings.SALESPATH_FISCAL_YEAR_START_MONTH


def _period(request: HttpRequest, default: Period) -> tuple[Period, str | None]:
    return period_from(request.GET.get("from"), request.GET.get("to"), default)


def _scope_context(request: HttpRequest, scope) -> dict:
    return {
        "scope": scope,
        "scope_options": scope_options(request.user, near=scope),
        "scope_value": scope_value(scope),
        "query": request.GET.urlencode(),
    }


@page
@reading_reports()
def funnel_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    scope = scope_from(request.user, request.GET.get("scope"))
    # Default: the last twelve months, long enough for deals to travel through the stages.
    period, period_error = _period(request, Period(today - timedelta(days=364), today))
    funnel = stage_funnel(scope, period, today=today)
    top = max((stage.reached for stage in funnel.stages), default=0) or 1
    context = {
        **_scope_context(request, scope),
        "funnel": funnel,
        "period": period,
        "period_error": period_error,
        "bars": [
            {"stage": stage, "width": round(stage.reached * 100 / top)} for stage in funnel.stages
        ],
    }
    return render_page(request, "web/reports/funnel.html", context, status=status_for(period_error))


@page
@reading_reports()
def attainment_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    scope = scope_from(request.user, request.GET.get("scope"))
    period, period_error = _period(request, fiscal_quarter_of(today, _start_month()).period)
    rows, total = attainment(scope, period)
    context = {
        **_scope_context(request, scope),
        "rows": rows,
        "total": total,
        "period": period,
        "period_error": period_error,
    }
    return render_page(
        request, "web/reports/attainment.html", context, status=status_for(period_error)
    )


@page
def submissions_page(request: HttpRequest) -> HttpResponse:
    """A team's submissions on a date (who has and hasn't submitted) and, for one person,
    their submissions with links to what changed since each."""
    as_of, date_error = as_of_from(request.GET.get("as_of"))
    scope = scope_from(request.user, request.GET.get("scope"))
    context = {**_scope_context(request, scope), "as_of": as_of, "date_error": date_error}
    context["team_options"] = [o for o in context["scope_options"] if o.value[:5] == "team:"]
    if scope.kind == "team":
        report = team_submissions(scope.team, as_of)
        context["report"] = report
        context["columns"] = [(c, COLUMN_LABELS[c]) for c in report["columns"]]
    elif scope.kind == "person":
        context["history"] = list(
            ForecastSubmission.objects.filter(person=scope.person)
            .select_related("submitted_by")
            .order_by("-as_of")[:26]
        )
    return render_page(
        request, "web/reports/submissions.html", context, status=status_for(date_error)
    )


@page
def changes_page(request: HttpRequest) -> HttpResponse:
    """What changed between a submission and a later one of the same person, or live data."""
    if not request.GET.get("earlier"):
        return _choose_changes(request)
    earlier = _submission(request, request.GET.get("earlier"))
    later = _submission(request, request.GET.get("later"))
    live_as_of, date_error = as_of_from(request.GET.get("as_of"))
    error = None
    try:
        report = forecast_changes(earlier, later, live_as_of=None if later else live_as_of)
    except NotFound:
        raise
    except DomainError as refused:
        report, error = None, refused.message
    others = list(
        ForecastSubmission.objects.filter(person=earlier.person, as_of__gt=earlier.as_of)
        .exclude(pk=earlier.pk)
        .order_by("as_of")
    )
    context = {
        "earlier": earlier,
        "later": later,
        "report": report,
        "error": error or date_error,
        "others": others,
        "live_as_of": live_as_of,
        "labels": CHANGE_LABELS,
        "summary": [
            (CHANGE_LABELS[kind], figures)
            for kind, figures in (report["summary"].items() if report else [])
            if figures["count"]
        ],
    }
    return render_page(request, "web/reports/changes.html", context, status=status_for(date_error))


def _choose_changes(request: HttpRequest) -> HttpResponse:
    """Without a submission named: a form asking whose changes and over which period. With
    both, the person's last submission on or before the period's start compared with their
    live figures at its end."""
    today = timezone.localdate()
    period, error = _period(request, Period(today - timedelta(days=28), today))
    people = [o for o in scope_options(request.user) if o.value.startswith("person:")]
    person = request.GET.get("person", "")
    if person and error is None:
        scope = scope_from(request.user, f"person:{person}")  # 404 for someone hidden
        earlier = (
            ForecastSubmission.objects.filter(person=scope.person, as_of__lte=period.start)
            .order_by("-as_of")
            .first()
        )
        if earlier is not None:
            query = urlencode({"earlier": earlier.pk, "as_of": period.end.isoformat()})
            return redirect(f"{reverse('web:forecast_changes')}?{query}")
        error = _("%(person)s submitted no forecast on or before %(date)s.") % {
            "person": scope.person,
            "date": period.start.isoformat(),
        }
    context = {"people": people, "person": person, "period": period, "error": error}
    return render_page(request, "web/reports/changes_choose.html", context)


def _submission(request: HttpRequest, value: str | None) -> ForecastSubmission | None:
    """A submission of someone the viewer may report on (404 otherwise, the same whether it
    exists or not)."""
    if not value:
        return None
    try:
        pk = int(value)
    except ValueError as error:
        raise NotFound(_("No such submission.")) from error
    found = ForecastSubmission.objects.select_related("person").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such submission."))
    resolve_scope(request.user, person=found.person.username)
    return found


@page
def accuracy_page(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    scope = scope_from(request.user, request.GET.get("scope"))
    default = fiscal_quarter_of(today, _start_month()).previous()
    quarter, quarter_error = quarter_from(request.GET.get("quarter"), default)
    report = forecast_accuracy(quarter, scope)
    context = {
        **_scope_context(request, scope),
        "report": report,
        "rows": tree(report["rows"]),
        "quarter": quarter,
        "quarter_error": quarter_error,
        "quarters": [default.next(), default, default.previous(), default.previous().previous()],
    }
    return render_page(
        request, "web/reports/accuracy.html", context, status=status_for(quarter_error)
    )
