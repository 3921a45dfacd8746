"""The pipeline: a filtered list and a kanban board by stage S2–S7 with lazy columns."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse

from salespath.pipeline.models import Opportunity

from ..forms import PipelineFilterForm
from ..queries import BOARD_STAGES, COLUMN_PAGE, ListedDeals, board_columns, column_page
from .base import page, query_without_paging, render_page

LIST_PAGE = 50


def _filters(request: HttpRequest) -> PipelineFilterForm:
    return PipelineFilterForm(request.GET or None, user=request.user)


@page
def pipeline_list(request: HttpRequest) -> HttpResponse:
    form = _filters(request)
    rows = ListedDeals(request.user, form.apply(Opportunity.objects.all()))
    paginator = Paginator(rows, LIST_PAGE)
    current = paginator.get_page(request.GET.get("page"))
    return render_page(
        request,
        "web/pipeline/list.html",
        {"form": form, "page_obj": current, "view": "list", "query": query_without_paging(request)},
        fragment="web/pipeline/_list_fragment.html",
    )


@page
def pipeline_board(request: HttpRequest) -> HttpResponse:
    form = _filters(request)
    columns = board_columns(request.user, form.apply(Opportunity.objects.all(), board=True))
    return render_page(
        request,
        "web/pipeline/board.html",
        {"form": form, "columns": columns, "view": "board", "query": query_without_paging(request)},
    )


@page
def board_column(request: HttpRequest, stage: str) -> HttpResponse:
    """The next cards of one column ("load more"), as an HTMX fragment."""
    if stage not in BOARD_STAGES:
        raise Http404
    form = _filters(request)
    try:
        offset = max(int(request.GET.get("offset", 0)), 0)
    except ValueError:
        offset = 0
    filtered = form.apply(Opportunity.objects.all(), board=True)
    cards = list(column_page(request.user, filtered, stage, offset=offset, limit=COLUMN_PAGE + 1))
    has_more = len(cards) > COLUMN_PAGE
    return render_page(
        request,
        "web/pipeline/_column_fragment.html",
        {
            "cards": cards[:COLUMN_PAGE],
            "stage": stage,
            "has_more": has_more,
            "next_offset": offset + COLUMN_PAGE,
            "query": query_without_paging(request),
        },
    )
