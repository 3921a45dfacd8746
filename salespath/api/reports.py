"""Reports: the same queries as the pages and the management commands, so the JSON is the
same as `salespath <report> --as <you> --format json` prints for the same inputs.

The scope (`person`, `team` or `branch`, at most one) must be one the caller may see, else
404; without one it is the widest the caller has (company, branch, team or themselves)."""

from __future__ import annotations

import importlib
from datetime import date

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from salespath.errors import DomainError, NotFound
from salespath.forecast.queries import BY, evaluation_sheet, forecast
from salespath.forecast.state import VIEWS
from salespath.forecast.submissions import forecast_accuracy, forecast_changes, team_submissions
from salespath.lib.fiscal import BadQuarter, parse_quarter
from salespath.org.scopes import Scope, may_see_scope, resolve_scope
from salespath.pipeline.queries import integrity_report
from salespath.roadmap.queries import roadmap_team

from . import access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxRenderer(BaseRenderer):
    """Passes through the bytes of a workbook written by the forecast app."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


def xlsx_writer(report: str):
    """The forecast app's Excel writer for `report` ("forecast", "evaluation"), or None while
    it has none. Looked up by name so the API offers Excel exactly where a writer exists."""
    for module_name in ("salespath.forecast.xlsx", "salespath.forecast.excel"):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in (f"{report}_workbook", f"write_{report}", f"{report}_xlsx"):
            writer = getattr(module, name, None)
            if callable(writer):
                return writer
    return None


# --- query parameters ----------------------------------------------------------------------


class ScopeQuery(serializers.Serializer):
    person = serializers.CharField(required=False, max_length=150, help_text="Username.")
    team = serializers.CharField(required=False, max_length=32, help_text="Team code.")
    branch = serializers.CharField(required=False, max_length=32, help_text="Branch code.")


class AsOfQuery(ScopeQuery):
    as_of = serializers.DateField(required=False, help_text="Cutoff date; default today.")


class ForecastQuery(AsOfQuery):
    view = serializers.ChoiceField(choices=VIEWS, required=False, default="time")
    by = serializers.ChoiceField(choices=BY, required=False, default="owner")
    weighted = serializers.BooleanField(required=False, default=False)


class ChangesQuery(serializers.Serializer):
    earlier = serializers.IntegerField(min_value=1, max_value=2**53, help_text="Submission id.")
    later = serializers.IntegerField(
        min_value=1,
        max_value=2**53,
        required=False,
        help_text="Submission id; without it, compare with live data.",
    )
    live_as_of = serializers.DateField(
        required=False, help_text="Without `later`: the live date (default today)."
    )


class AccuracyQuery(ScopeQuery):
    quarter = serializers.RegexField(
        r"^\d{4}Q[1-4]$", max_length=6, help_text="Fiscal quarter, e.g. 2026Q2."
    )


class SubmissionsQuery(serializers.Serializer):
    team = serializers.CharField(required=False, max_length=32, help_text="Default: your team.")
    as_of = serializers.DateField(required=False, help_text="Default today.")


FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "xlsx"],
    description=str(gettext_lazy("json (default) or xlsx for the Excel workbook.")),
)


def report_schema(query, *, xlsx: bool = False, summary: str = ""):
    parameters = [query, FORMAT] if xlsx else [query]
    responses = {200: OpenApiTypes.OBJECT}
    if xlsx:
        responses = {
            (200, "application/json"): OpenApiTypes.OBJECT,
            (200, XLSX): OpenApiTypes.BINARY,
        }
    return extend_schema(parameters=parameters, responses=responses, summary=summary)


# --- views -----------------------------------------------------------------------------------


class Report(APIView):
    query_class: type[serializers.Serializer] = ScopeQuery
    renderer_classes = [JSONRenderer]

    def perform_content_negotiation(self, request, force=False):
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            message = _("This report comes as json%(more)s.") % {
                "more": ", xlsx" if XlsxRenderer in self.renderer_classes else ""
            }
            raise DomainError(message, fields={"format": [message]}) from None

    def handle_exception(self, exc):
        # Errors are JSON even when a workbook was asked for.
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = JSONRenderer.media_type
        return super().handle_exception(exc)

    def query(self) -> dict:
        serializer = self.query_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def scope(self, params: dict) -> Scope:
        return resolve_scope(
            self.request.user,
            person=params.get("person"),
            team=params.get("team"),
            branch=params.get("branch"),
        )

    def as_of(self, params: dict) -> date:
        return params.get("as_of") or timezone.localdate()

    def workbook(self, report: str, data: dict, filename: str) -> HttpResponse | Response:
        writer = xlsx_writer(report)
        if writer is None:
            message = _("Excel is not available for this report yet; use json.")
            raise DomainError(message, fields={"format": [message]})
        content = writer(data)
        response = Response(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def wants_xlsx(self) -> bool:
        return getattr(self.request.accepted_renderer, "format", "") == "xlsx"


class ForecastReport(Report):
    """销售预测 (SPEC §5): by time or by forecast category, per person with subtotals per
    team, branch and company, or per product category; unweighted or weighted."""

    query_class = ForecastQuery
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @report_schema(ForecastQuery, xlsx=True, summary="Sales forecast")
    def get(self, request):
        params = self.query()
        as_of = self.as_of(params)
        data = forecast(
            self.scope(params),
            as_of,
            view=params["view"],
            by=params["by"],
            weighted=params["weighted"],
        )
        if self.wants_xlsx():
            return self.workbook("forecast", data, f"forecast-{as_of.isoformat()}.xlsx")
        return Response(data)


class EvaluationReport(Report):
    """销售阶段评估表 (SPEC §4): the stage each opportunity was in on the date."""

    query_class = AsOfQuery
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @report_schema(AsOfQuery, xlsx=True, summary="Stage evaluation sheet")
    def get(self, request):
        params = self.query()
        as_of = self.as_of(params)
        data = evaluation_sheet(self.scope(params), as_of)
        if self.wants_xlsx():
            return self.workbook("evaluation", data, f"evaluation-{as_of.isoformat()}.xlsx")
        return Response(data)


class RoadmapReport(Report):
    """成功路线图 (SPEC §6): phase, weekly standards and phase goals of each salesperson."""

    query_class = AsOfQuery

    @report_schema(AsOfQuery, summary="Success roadmap")
    def get(self, request):
        params = self.query()
        return Response(roadmap_team(self.scope(params), self.as_of(params)).as_dict())


class IntegrityReport(Report):
    """Opportunities ahead of their evidence, gate overrides and imported history."""

    @report_schema(ScopeQuery, summary="Stage integrity")
    def get(self, request):
        params = self.query()
        return Response(integrity_report(self.scope(params), viewer=request.user))


class ForecastChangesReport(Report):
    """What changed between two of a person's submissions, or a submission and live data."""

    query_class = ChangesQuery

    @report_schema(ChangesQuery, summary="Forecast changes")
    def get(self, request):
        params = self.query()
        earlier = access.forecast_submission(request.user, params["earlier"])
        later = None
        if params.get("later"):
            later = access.forecast_submission(request.user, params["later"])
        return Response(forecast_changes(earlier, later, live_as_of=params.get("live_as_of")))


class ForecastAccuracyReport(Report):
    """Booked in a quarter against what was committed (and committed + best case)."""

    query_class = AccuracyQuery

    @report_schema(AccuracyQuery, summary="Forecast accuracy")
    def get(self, request):
        from django.conf import settings

        params = self.query()
        try:
            quarter = parse_quarter(params["quarter"], settings.SALESPATH_FISCAL_YEAR_START_MONTH)
        except BadQuarter:
            message = _("“%(value)s” is not a fiscal quarter like 2026Q2.") % {
                "value": params["quarter"]
            }
            raise DomainError(message, fields={"quarter": [message]}) from None
        return Response(forecast_accuracy(quarter, self.scope(params)))


class ForecastSubmissionsReport(Report):
    """Who in a team has submitted for a date, submitted figures beside the live ones."""

    query_class = SubmissionsQuery

    @report_schema(SubmissionsQuery, summary="Team forecast submissions")
    def get(self, request):
        from salespath.org.models import Team

        params = self.query()
        code = params.get("team")
        team = Team.objects.filter(code=code).first() if code else request.user.team
        if team is None or not may_see_scope(request.user, Scope("team", team=team)):
            raise NotFound(_("No team “%(name)s” that you may see.") % {"name": code or ""})
        return Response(team_submissions(team, self.as_of(params)))
