"""plotly.js served from the installed plotly package: no copy of it in the repository."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date
from django.views.decorators.http import require_GET

ONE_DAY = 60 * 60 * 24


@cache
def _plotly_bundle() -> bytes:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs().encode("utf-8")


@require_GET
def plotly_js(request: HttpRequest) -> HttpResponse:
    import plotly

    response = HttpResponse(_plotly_bundle(), content_type="application/javascript")
    response["Cache-Control"] = f"public, max-age={ONE_DAY}"
    response["ETag"] = f'"plotly-{plotly.__version__}"'
    response["Last-Modified"] = http_date(0)
    return response
