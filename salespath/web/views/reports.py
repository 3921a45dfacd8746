"""Report pages: the stage evaluation sheet and the sales forecast (both views, drill-down,
xlsx, submission). The figures come from `salespath.forecast.queries` and `.sheet`."""

from __future__ import annotations

import json
from io import BytesIO
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from salespath.errors import DomainError, NotAllowed, NotFound
from salespath.forecast.queries import forecast, forecast_cell_paged
from salespath.forecast.services import forecast_submit, may_submit_for
from salespath.forecast.sheet import SHEET_PAGE, evaluation_sheet
from salespath.forecast.state import COLUMN_LABELS, VIEW_LABELS
from salespath.forecast.xlsx import evaluation_workbook, forecast_workbook
from salespath.replicas import reading_reports

from ..redirects import redirect_back
from ..reporting import (
    as_of_from,
    scope_from,
    scope_options,
    scope_value,
    status_for,
    tree,
    with_cells,
)
from ..roadmap_access import roadmap_url
from .base import page, query_without_paging, render_page
from .posts import post_only

VIEWS = ("time", "category")
ROWS_BY = ("owner", "product")
PEOPLE_ON_SCREEN = 200  # person rows in the forecast table; with more, it stops at teams
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _choice(value: str | None, allowed: tuple[str, ...]) -> str:
    return value if value in allowed else allowed[0]


def _workbook_response(workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _refused(message: str) -> HttpResponse:
    """A workbook cannot carry an error: the refusal, as text, instead of the download."""
    return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")


@page
def reports_index(request: HttpRequest) -> HttpResponse:
    return render_page(
        request, "web/reports/index.html", {"roadmap_url": roadmap_url(request.user)}
    )


def _forecast_params(request: HttpRequest) -> dict:
    as_of, date_error = as_of_from(request.GET.get("as_of"))
    scope = scope_from(request.user, request.GET.get("scope"))
    return {
        "as_of": as_of,
        "date_error": date_error,
        "scope": scope,
        "view": _choice(request.GET.get("view"), VIEWS),
        "by": _choice(request.GET.get("by"), ROWS_BY),
        "weighted": request.GET.get("weighted") == "1",
        "counts": request.GET.get("counts") == "1",
    }


@page
@reading_reports()
def forecast_page(request: HttpRequest) -> HttpResponse:
    params = _forecast_params(request)
    report = forecast(
        params["scope"],
        params["as_of"],
        view=params["view"],
        by=params["by"],
        weighted=params["weighted"],
    )
    columns = [{"key": c, "label": COLUMN_LABELS[c]} for c in report["columns"]]
    scope = params["scope"]
    chart = {
        "labels": [str(c["label"]) for c in columns],
        "values": [float(report["total"]["values"][c["key"]]) for c in columns],
        "title": str(VIEW_LABELS[params["view"]]),
    }
    rows = report["rows"]
    people = sum(row["level"] == "person" for row in rows)
    # A company of thousands: the table stops at teams (each opens its own forecast), as a
    # page of every person's rows is too heavy to send and too slow to draw.
    teams_only = params["by"] == "owner" and people > PEOPLE_ON_SCREEN
    if teams_only:
        rows = [row for row in rows if row["level"] != "person"]
    rows = with_cells(tree(rows, fold=True), report["columns"])
    cell_query = urlencode(
        {
            "as_of": params["as_of"].isoformat(),
            "scope": scope_value(scope),
            "view": params["view"],
            "weighted": "1" if params["weighted"] else "0",
        }
    )
    context = {
        **params,
        "report": report,
        "rows": rows,
        "folded": any(row["hidden"] for row in rows),
        "cell_address": f"{reverse('web:forecast_cell')}?{cell_query}",
        "teams_only": teams_only,
        "people": people,
        "scope_query": urlencode(
            {key: value for key, value in request.GET.items() if key != "scope"}
        ),
        "columns": columns,
        "view_labels": VIEW_LABELS,
        "scope_options": scope_options(request.user, near=scope),
        "scope_value": scope_value(scope),
        "may_submit": scope.kind == "person" and may_submit_for(request.user, scope.person),
        "chart_json": json.dumps(chart, ensure_ascii=False),
        "query": request.GET.urlencode(),
    }
    return render_page(
        request, "web/reports/forecast.html", context, status=status_for(params["date_error"])
    )


@page
@reading_reports()
def forecast_cell_page(request: HttpRequest) -> HttpResponse:
    """The opportunities behind one cell (or row) of the forecast: the drill-down."""
    params = _forecast_params(request)
    column = request.GET.get("column") or None
    level = request.GET.get("level", "company")
    key = request.GET.get("key") or None
    try:
        cell = forecast_cell_paged(
            params["scope"],
            params["as_of"],
            view=params["view"],
            level=level,
            key=key,
            column=column,
            weighted=params["weighted"],
            page=request.GET.get("page") or 1,
        )
        cell_error = None
    except (NotFound, NotAllowed):
        raise  # a row the viewer may not see is the product's 404, as one that does not exist
    except DomainError as error:  # an unknown column or row level, named
        cell, cell_error = None, error.message
    context = {
        **params,
        "cell": cell,
        "cell_error": cell_error,
        "rows": cell.rows if cell else [],
        "query": query_without_paging(request),
        "column_label": COLUMN_LABELS.get(column, _("All columns")),
        "row_label": request.GET.get("label", ""),
        "column_labels": COLUMN_LABELS,
    }
    return render_page(
        request,
        "web/reports/forecast_cell.html",
        context,
        fragment="web/reports/_forecast_cell_fragment.html",
        status=status_for(params["date_error"], cell_error),
    )


@page
@reading_reports()
def forecast_xlsx(request: HttpRequest) -> HttpResponse:
    params = _forecast_params(request)
    if params["date_error"]:
        return _refused(params["date_error"])
    reports = [
        forecast(
            params["scope"],
            params["as_of"],
            view=view,
            by=params["by"],
            weighted=params["weighted"],
            overdue_limit=None,  # the workbook's sheet lists every overdue deal
        )
        for view in VIEWS
    ]
    filename = f"forecast-{params['as_of'].isoformat()}.xlsx"
    return _workbook_response(forecast_workbook(reports), filename)


@post_only("web:forecast")
@page
def forecast_submit_view(request: HttpRequest) -> HttpResponse:
    as_of, date_error = as_of_from(request.POST.get("as_of"))
    scope = scope_from(request.user, request.POST.get("scope"))
    back = reverse("web:forecast") + "?" + request.POST.get("query", "")
    if date_error:
        messages.error(request, date_error)
        return redirect_back(request, back, "web:forecast")
    if scope.kind != "person":
        messages.error(request, _("A forecast is submitted for one salesperson."))
        return redirect_back(request, back, "web:forecast")
    try:
        forecast_submit(person=scope.person, as_of=as_of, by=request.user)
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Forecast of %(person)s for %(date)s submitted.")
            % {"person": scope.person, "date": as_of.isoformat()},
        )
    return redirect_back(request, back, "web:forecast")


@page
@reading_reports()
def evaluation_page(request: HttpRequest) -> HttpResponse:
    as_of, date_error = as_of_from(request.GET.get("as_of"))
    scope = scope_from(request.user, request.GET.get("scope"))
    sheet = evaluation_sheet(scope, as_of, page=request.GET.get("page") or 1, per_page=SHEET_PAGE)
    context = {
        "as_of": as_of,
        "date_error": date_error,
        "scope": scope,
        "sheet": sheet,
        "scope_options": scope_options(request.user, near=scope),
        "scope_value": scope_value(scope),
        "query": query_without_paging(request),
    }
    return render_page(
        request, "web/reports/evaluation.html", context, status=status_for(date_error)
    )


@page
@reading_reports()
def evaluation_xlsx(request: HttpRequest) -> HttpResponse:
    as_of, date_error = as_of_from(request.GET.get("as_of"))
    if date_error:
        return _refused(date_error)
    scope = scope_from(request.user, request.GET.get("scope"))
    workbook = evaluation_workbook(evaluation_sheet(scope, as_of))
    return _workbook_response(workbook, f"evaluation-{as_of.isoformat()}.xlsx")
