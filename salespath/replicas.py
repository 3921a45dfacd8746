"""Read replicas: with DATABASE_REPLICA_URL set, the report reads go to the
replica (database alias `replica`) and everything else stays on the primary (`default`).

A report marks its reads with `reading_reports()` — a context manager and a decorator — which
sets a context variable the router reads; so the routing follows the code that runs, not a
list of tables. Writes always go to the primary, and so do:

- every read inside a transaction on the primary (a report that prepares the day's rows);
- the forecast's day rows (`forecast_forecastday`, its mark): the first forecast of a day
  writes them on the primary and reads them straight back;
- every read of a user who has written in the last REPLICA_STICKY_SECONDS
  (`PrimaryAfterWriteMiddleware`): the page after their own change must show it, whatever
  the replica's lag.
"""

from __future__ import annotations

from contextlib import ContextDecorator
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PRIMARY = "default"
STICKY_COOKIE = "salespath_primary"

_reports: ContextVar[bool] = ContextVar("salespath_reading_reports", default=False)
_pinned: ContextVar[bool] = ContextVar("salespath_pinned_to_primary", default=False)
_ALWAYS_PRIMARY = {("forecast", "forecastday"), ("forecast", "forecastdaymark")}


class reading_reports(ContextDecorator):  # noqa: N801 — used as a function and a decorator
    """Reads inside go to the replica, when there is one."""

    def _recreate_cm(self):
        return type(self)()  # each call its own token: threads and nesting stay apart

    def __enter__(self):
        self._token = _reports.set(True)
        return self

    def __exit__(self, *exc):
        _reports.reset(self._token)
        return False


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _reads_from_replica() -> bool:
    return (
        _reports.get()
        and not _pinned.get()
        and replica_configured()
        and not connections[PRIMARY].in_atomic_block
    )


def report_connection():
    """The connection a report's own SQL (`cursor.execute`) reads through: the router's choice
    for the ORM, made by hand for raw SQL."""
    return connections[REPLICA if _reads_from_replica() else PRIMARY]


class ReportRouter:
    def db_for_read(self, model, **hints):
        if not _reads_from_replica():
            return PRIMARY
        if (model._meta.app_label, model._meta.model_name) in _ALWAYS_PRIMARY:
            return PRIMARY
        return REPLICA

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, **hints):
        return db == PRIMARY


class PrimaryAfterWriteMiddleware:
    """After a successful write (any method but GET/HEAD/OPTIONS), the same browser reads from
    the primary for REPLICA_STICKY_SECONDS, so it sees its own change on the next pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _pinned.set(bool(request.COOKIES.get(STICKY_COOKIE)))
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        wrote = request.method not in ("GET", "HEAD", "OPTIONS")
        if wrote and response.status_code < 400 and replica_configured():
            response.set_cookie(
                STICKY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
