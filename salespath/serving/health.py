"""What `GET /healthz` checks.

A check is a function taking no argument and returning `(ok, detail)`. The database is always
checked; `SALESPATH_HEALTH_CHECKS` names further ones, `{"name": "dotted.path"}`, so the
background worker's heartbeat becomes one more line there once the worker exists. A detail
says what is wrong in a few words and never carries data.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

Check = Callable[[], tuple[bool, str]]


def database() -> tuple[bool, str]:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return True, "ok"


def configured_checks() -> dict[str, Check]:
    checks: dict[str, Check] = {"database": database}
    for name, dotted_path in settings.SALESPATH_HEALTH_CHECKS.items():
        checks[name] = import_string(dotted_path)
    return checks


def run_checks() -> tuple[bool, dict[str, dict[str, object]]]:
    """Every check, each on its own: one that raises counts as failed and names its error's
    kind (the message may hold connection details, so it goes to the log only)."""
    results: dict[str, dict[str, object]] = {}
    for name, check in configured_checks().items():
        try:
            ok, detail = check()
        except Exception as error:
            logger.exception("health check %s raised", name)
            ok, detail = False, type(error).__name__
        results[name] = {"ok": bool(ok), "detail": str(detail)}
    return all(result["ok"] for result in results.values()), results
