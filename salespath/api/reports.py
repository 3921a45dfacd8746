"""Reports: the same queries as the pages and the management commands, so the JSON is the
same as `salespath <report> --as <you> --format json` prints for the same inputs.

The scope (`person`, `team` or `branch`, at most one) must be one the caller may see, else
404; without one it is the widest the caller has (company, branch, team or themselves)."""

from __future__ import annotations

import io
from datetime import date

from django.http import Http404
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from salespath.errors import DomainError, NotFound
from salespath.forecast.models import ForecastSubmission
from salespath.forecast.queries import BY, OVERDUE_LIMIT, forecast
from salespath.forecast.sheet import SHEET_PAGE, evaluation_sheet
from salespath.forecast.state import VIEWS
from salespath.forecast.submissions import forecast_accuracy, forecast_changes, team_submissions
from salespath.forecast.xlsx import evaluation_workbook, forecast_workbook
from salespath.org import dates
from salespath.org.scopes import Scope, resolve_scope
from salespath.pipeline.queries import INTEGRITY_PAGE, integrity_report
from salespath.replicas import reading_reports
from salespath.roadmap.queries import GRID_PAGE, roadmap_team

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxRenderer(BaseRenderer):
    """Passes through the bytes of a workbook written by the forecast app."""

    media_type = XLSX
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


# --- query parameters ----------------------------------------------------------------------

MAX_PAGE_SIZE = 500  # people per page of the roadmap and evaluation reports


class ReportDateField(serializers.DateField):
    """A report date, parsed as the pages and commands parse it (`salespath.org.dates`)."""

    def to_internal_value(self, value):
        try:
            return dates.parse_day(str(value), field=self.field_name)
        except DomainError as refused:
            raise serializers.ValidationError(refused.message) from None


def report_date(**kwargs) -> serializers.DateField:
    return ReportDateField(**kwargs)


def optional_text(max_length: int, help_text: str) -> serializers.CharField:
    """An optional query parameter: `?team=` is the same as leaving it out (DRF reads an
    empty query value of an optional field as absent), so the schema allows it."""
    return serializers.CharField(
        required=False, allow_blank=True, max_length=max_length, help_text=help_text
    )


class ScopeQuery(serializers.Serializer):
    person = optional_text(150, "Username.")
    team = optional_text(32, "Team code.")
    branch = optional_text(32, "Branch code.")


class AsOfQuery(ScopeQuery):
    as_of = report_date(required=False, help_text="Cutoff date; default today.")


class PageQuery(serializers.Serializer):
    """A page of the scope's people at a time: the roadmap, the evaluation sheet, integrity."""

    page = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="With it, one page of the scope's people by username (past the end: the "
        "last page); without it, everyone. The answer's `page` and `pages` say where it is. "
        "A workbook always holds everyone.",
    )
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        help_text="People per page (roadmap and integrity 50, evaluation sheet 10 by default).",
    )


class PagedQuery(PageQuery, AsOfQuery):
    pass


class IntegrityQuery(PageQuery, ScopeQuery):
    pass


class ForecastQuery(AsOfQuery):
    view = serializers.ChoiceField(
        choices=[*VIEWS, "both"],
        required=False,
        default="time",
        help_text="both: the two views side by side (json: a list of the two reports).",
    )
    by = serializers.ChoiceField(choices=BY, required=False, default="owner")
    weighted = serializers.BooleanField(required=False, default=False)


class ChangesQuery(serializers.Serializer):
    """`from` is a Python keyword, hence `get_fields`."""

    person = optional_text(150, "Username; default: you.")
    to = report_date(required=False, help_text="The later submission's date; else live data.")
    live_as_of = report_date(
        required=False, help_text="Without `to`: the live date (default today)."
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = report_date(help_text="The earlier submission's date.")
        return fields

    def validate(self, attrs):
        if attrs.get("to") and attrs.get("live_as_of"):
            message = _("Give either to or live_as_of, not both.")
            raise serializers.ValidationError({"live_as_of": [message]})
        return attrs


class AccuracyQuery(ScopeQuery):
    quarter = serializers.RegexField(
        r"^(20\d\d|2100)Q[1-4]$", max_length=6, help_text="Fiscal quarter, e.g. 2026Q2."
    )


class SubmissionsQuery(serializers.Serializer):
    team = optional_text(32, "Team code; default: your team.")
    as_of = report_date(required=False, help_text="Default today.")


FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "xlsx"],
    description=gettext_lazy("json (default) or xlsx for the Excel workbook."),
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
        # `?format=` names one of the report's renderers, once; an empty or repeated value
        # would otherwise fall back to json, which the schema does not allow.
        asked = request.query_params.getlist("format")
        known = {renderer.format for renderer in self.renderer_classes}
        if asked and (len(asked) > 1 or asked[0] not in known):
            self._unknown_format()
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            self._unknown_format()

    def _unknown_format(self):
        message = (
            _("This report comes as json or xlsx.")
            if XlsxRenderer in self.renderer_classes
            else _("This report comes as json.")
        )
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
            person=params.get("person") or None,
            team=params.get("team") or None,
            branch=params.get("branch") or None,
        )

    def as_of(self, params: dict) -> date:
        return params.get("as_of") or timezone.localdate()

    def workbook(self, book, filename: str) -> Response:
        """The forecast app's workbook, as the command's `--format xlsx` writes it."""
        content = io.BytesIO()
        book.save(content)
        response = Response(content.getvalue(), content_type=XLSX)
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
    @method_decorator(reading_reports())
    def get(self, request):
        params = self.query()
        as_of, scope = self.as_of(params), self.scope(params)
        views = VIEWS if params["view"] == "both" else (params["view"],)
        # the workbook's sheet lists every overdue deal; JSON the oldest (and the count)
        limit = None if self.wants_xlsx() else OVERDUE_LIMIT
        reports = [
            forecast(
                scope,
                as_of,
                view=view,
                by=params["by"],
                weighted=params["weighted"],
                overdue_limit=limit,
            )
            for view in views
        ]
        if self.wants_xlsx():
            return self.workbook(forecast_workbook(reports), f"forecast-{as_of}.xlsx")
        return Response(reports if len(reports) > 1 else reports[0])


class EvaluationReport(Report):
    """销售阶段评估表 (SPEC §4): the stage each opportunity was in on the date."""

    query_class = PagedQuery
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @report_schema(PagedQuery, xlsx=True, summary="Stage evaluation sheet")
    @method_decorator(reading_reports())
    def get(self, request):
        params = self.query()
        as_of = self.as_of(params)
        if self.wants_xlsx():
            sheet = evaluation_sheet(self.scope(params), as_of)
            return self.workbook(evaluation_workbook(sheet), f"evaluation-{as_of}.xlsx")
        sheet = evaluation_sheet(
            self.scope(params),
            as_of,
            page=params.get("page"),
            per_page=params.get("page_size") or SHEET_PAGE,
        )
        return Response(sheet)


class RoadmapReport(Report):
    """成功路线图 (SPEC §6): phase, weekly standards and phase goals of each salesperson."""

    query_class = PagedQuery

    @report_schema(PagedQuery, summary="Success roadmap")
    @method_decorator(reading_reports())
    def get(self, request):
        params = self.query()
        found = roadmap_team(
            self.scope(params),
            self.as_of(params),
            page=params.get("page"),
            per_page=params.get("page_size") or GRID_PAGE,
        )
        return Response(found.as_dict())


class IntegrityReport(Report):
    """Opportunities ahead of their evidence, gate overrides and imported history."""

    query_class = IntegrityQuery

    @report_schema(IntegrityQuery, summary="Stage integrity")
    def get(self, request):
        params = self.query()
        report = integrity_report(
            self.scope(params),
            viewer=request.user,
            page=params.get("page"),
            per_page=params.get("page_size") or INTEGRITY_PAGE,
        )
        return Response(report)


class ForecastChangesReport(Report):
    """What changed between two of a person's submissions, or a submission and live data."""

    query_class = ChangesQuery

    @report_schema(ChangesQuery, summary="Forecast changes")
    def get(self, request):
        params = self.query()
        person = resolve_scope(request.user, person=params.get("person") or request.user.username)
        earlier = _submission(person.person, params["from"])
        later = _submission(person.person, params["to"]) if params.get("to") else None
        return Response(forecast_changes(earlier, later, live_as_of=params.get("live_as_of")))


class ForecastAccuracyReport(Report):
    """Booked in a quarter against what was committed (and committed + best case)."""

    query_class = AccuracyQuery

    @report_schema(AccuracyQuery, summary="Forecast accuracy")
    def get(self, request):
        params = self.query()
        quarter = dates.parse_fiscal_quarter(params["quarter"])
        return Response(forecast_accuracy(quarter, self.scope(params)))


class ForecastSubmissionsReport(Report):
    """Who in a team has submitted for a date, submitted figures beside the live ones."""

    query_class = SubmissionsQuery

    @report_schema(SubmissionsQuery, summary="Team forecast submissions")
    def get(self, request):
        params = self.query()
        code = params.get("team") or (request.user.team.code if request.user.team else "")
        if not code:
            message = _("Name the team.")
            raise DomainError(message, fields={"team": [message]})
        team = resolve_scope(request.user, team=code).team
        return Response(team_submissions(team, self.as_of(params)))


def _submission(person, as_of: date) -> ForecastSubmission:
    found = ForecastSubmission.objects.filter(person=person, as_of=as_of).first()
    if found is None:
        raise NotFound(
            _("%(person)s has no forecast submission for %(date)s.")
            % {"person": person, "date": as_of.isoformat()}
        )
    return found
