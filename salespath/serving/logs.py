"""Logs to stdout, as text or as one JSON object a line (`LOG_FORMAT=text|json`, the
formatter is in `jsonlog`).

Each request is one line on the `salespath.requests` logger: method, the route template that
matched (never the raw path or its query string, which may carry names, tokens or search
terms), status, time and the user's id. Security events go to `salespath.security`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .security import REFUSALS, log_refusal

request_logger = logging.getLogger("salespath.requests")


def route_of(request: HttpRequest) -> str:
    """The URL pattern that matched, e.g. `opportunities/<int:pk>/`; "" when none did."""
    match = getattr(request, "resolver_match", None)
    return match.route if match is not None else ""


def user_id_of(request: HttpRequest) -> int | None:
    # Read only once the response is made: by then the session or the API token has set it.
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        fields = {
            "method": request.method,
            "route": route_of(request),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "user_id": user_id_of(request),
        }
        request_logger.info(
            "%(method)s %(route)s %(status)s %(duration_ms)sms user=%(user_id)s",
            fields,
            extra=fields,
        )
        if response.status_code in REFUSALS:
            log_refusal(request, response.status_code, fields["route"], fields["user_id"])
        return response
