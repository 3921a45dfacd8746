"""Every API error in one shape:
`{"error": {"code": "...", "message": "...", "fields": {...}, "missing": [...]}}`."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response

from salespath.errors import DomainError


def _flatten(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(field): [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for field, messages in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def error_response(code: str, message: str, http_status: int, **extra) -> Response:
    error = {"code": code, "message": message}
    error.update({k: v for k, v in extra.items() if v})
    return Response({"error": error}, status=http_status)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        response = Response(exc.as_dict(), status=exc.status)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            response["Retry-After"] = str(retry_after)
        return response
    if isinstance(exc, RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE; without this its
        # SuspiciousOperation became the site's HTML 400 page.
        return too_large()
    if isinstance(exc, Http404):
        return error_response("not_found", _("Not found."), status.HTTP_404_NOT_FOUND)
    if isinstance(exc, PermissionDenied):
        return error_response("forbidden", _("You may not do this."), status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return error_response("invalid", _("The request is not valid."), 400, fields=fields)
    if isinstance(exc, OverflowError):
        # A number in a filter beyond what the database stores (SQLite raises rather than
        # matching nothing): bad input, not a server error.
        return error_response("invalid", _("A number in the request is out of range."), 400)
    if isinstance(exc, exceptions.ValidationError):
        return error_response(
            "invalid", _("The request is not valid."), 400, fields=_flatten(exc.detail)
        )
    if isinstance(exc, exceptions.Throttled):
        response = error_response("throttled", str(exc.detail), 429)
        if exc.wait:
            response["Retry-After"] = str(int(exc.wait))
        return response
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response = error_response("not_authenticated", str(exc.detail), 401)
        response["WWW-Authenticate"] = "Token"
        return response
    if isinstance(exc, exceptions.PermissionDenied):
        return error_response("forbidden", str(exc.detail), 403)
    if isinstance(exc, exceptions.NotFound):
        return error_response("not_found", str(exc.detail), 404)
    if isinstance(exc, exceptions.APIException):
        return error_response(
            getattr(exc, "default_code", "error"), str(exc.detail), exc.status_code
        )
    return None


def json_error(code: str, message: str, http_status: int) -> JsonResponse:
    """The error shape from outside DRF's views (URLs no view serves, refused bodies)."""
    return JsonResponse({"error": {"code": code, "message": message}}, status=http_status)


def unknown_url(request, *args, **kwargs) -> JsonResponse:
    """An API URL that names no operation, such as one with a format suffix (`.json`):
    every operation has exactly one URL, the one the schema documents."""
    return json_error("not_found", _("Not found."), status.HTTP_404_NOT_FOUND)


def too_large() -> JsonResponse:
    """A request body over DATA_UPLOAD_MAX_MEMORY_SIZE."""
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024
    return json_error(
        "too_large",
        _("The request body is larger than %(size)s MB.") % {"size": f"{megabytes:g}"},
        status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )
