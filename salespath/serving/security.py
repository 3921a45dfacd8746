"""Security events on the `salespath.security` logger: failed logins, lockouts and throttles
(429), refused API tokens (401) and permission denied (403). Usernames are logged as typed,
passwords and tokens never."""

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


# status → (event, the words of the log line, as Django's own warnings put them)
REFUSALS = {
    401: ("unauthorized", "Unauthorized"),
    403: ("permission_denied", "Permission denied"),
    429: ("throttled", "Too many requests"),
}


def log_refusal(request: HttpRequest, status: int, route: str, user_id: int | None) -> None:
    """A request refused for who made it: no or a bad API token (401), not allowed (403), or
    too many attempts, including the sign-in lockout (429)."""
    fields = {
        "event": REFUSALS[status][0],
        "method": request.method,
        "route": route,
        "status": status,
        "user_id": user_id,
        "ip": client_address(request),
    }
    security_logger.warning(
        "%(reason)s: %(method)s %(route)s %(status)s user=%(user_id)s from %(ip)s",
        {**fields, "reason": REFUSALS[status][1]},
        extra=fields,
    )
