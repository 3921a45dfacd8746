"""Security events on the `salespath.security` logger: failed logins, lockouts and throttles,
and refusals (403). Usernames are logged as typed, passwords and tokens never."""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from salespath.security.clientip import client_ip

security_logger = logging.getLogger("salespath.security")


def client_address(request: HttpRequest | None) -> str | None:
    # The one rule of the lockout and the throttles: forwarded headers only behind the
    # configured number of proxies (SALESPATH_NUM_PROXIES).
    return None if request is None else client_ip(request)


@receiver(user_login_failed, dispatch_uid="salespath.serving.login_failed")
def log_login_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    fields = {
        "event": "login_failed",
        "username": str(credentials.get("username", ""))[:150],
        "ip": client_address(request),
    }
    security_logger.warning("login failed for %(username)r from %(ip)s", fields, extra=fields)


def log_refusal(request: HttpRequest, status: int, route: str, user_id: int | None) -> None:
    fields = {
        "event": "permission_denied" if status == 403 else "throttled",
        "method": request.method,
        "route": route,
        "status": status,
        "user_id": user_id,
        "ip": client_address(request),
    }
    security_logger.warning(
        "%(event)s: %(method)s %(route)s user=%(user_id)s from %(ip)s", fields, extra=fields
    )
