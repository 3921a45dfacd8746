"""What every page shares: login required, domain errors shown as 404/403, fragments for HTMX."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from salespath.errors import NotAllowed, NotFound


def page(view: Callable) -> Callable:
    """A logged-in page. NotFound becomes the product's 404, NotAllowed its 403."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except NotAllowed as error:
            raise PermissionDenied(error.message) from error

    return wrapped


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    fragment: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The full page, or for an HTMX request the `_fragment` template beside it."""
    if fragment and getattr(request, "htmx", False):
        return render(request, fragment, context, status=status)
    return render(request, template, context, status=status)


def query_without_paging(request: HttpRequest) -> str:
    """This request's query string (filters, scope, date) without its page, for the links
    of `web/_pagination.html` and a board column's "load more"."""
    params = request.GET.copy()
    for key in ("offset", "page"):
        params.pop(key, None)
    return params.urlencode()
