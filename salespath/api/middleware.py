"""Refusals the API gives before any view runs, in its own error shape."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .errors import too_large


class BodySizeMiddleware:
    """A body the request says is over DATA_UPLOAD_MAX_MEMORY_SIZE is a 413 at once, for every
    API URL and method alike, rather than whatever the view would have answered first (a
    404, a 405) or Django's HTML 400 page when it is read. A body sent without a length is
    refused by the API's exception handler when it is read."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and request.path_info.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > limit:
                return too_large()
        return self.get_response(request)
