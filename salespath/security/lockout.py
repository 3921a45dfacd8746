"""The sign-in lockout (docs/security.md): django-axes counts failures per (username, client
address) in the database, so every server process sees the same count and a restart clears
nothing; this module is what it answers, its backend, and the log of each lockout."""

from __future__ import annotations

import logging

from axes.backends import AxesStandaloneBackend
from axes.signals import user_locked_out
from django.conf import settings
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.translation import gettext as _

from .clientip import client_ip

log = logging.getLogger("salespath.security")


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "Too many failed sign-ins for this username from your address. "
        "Try again in %(minutes)d minutes."
    ) % {"minutes": lockout_minutes()}


class LoginLockoutBackend(AxesStandaloneBackend):
    """axes' check before every password check. Without a request (a management command or
    the shell) there is no one to guess from afar, so nothing is counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out sign-in gets: the API's error shape under /api/, else a page."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        response = JsonResponse(
            {"error": {"code": "throttled", "message": lockout_message()}}, status=429
        )
    else:
        response = render(
            request, "security/locked_out.html", {"message": lockout_message()}, status=429
        )
    response["Retry-After"] = retry_after
    return response


@receiver(user_locked_out)
def log_lockout(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    fields = {
        "event": "lockout",
        "username": str(username or "")[:150],
        "ip": ip_address or (client_ip(request) if request is not None else None),
        "path": getattr(request, "path", None),
    }
    log.warning(
        "Sign-in locked out: username=%(username)r address=%(ip)s path=%(path)s",
        fields,
        extra=fields,
    )
