"""`salespath serve [--bind ADDRESS] [--workers N] [--threads N]`: the production server."""

import os
import sys

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

NUMBERS = ("SALESPATH_WORKERS", "WEB_CONCURRENCY", "SALESPATH_THREADS", "SALESPATH_TIMEOUT")


class Command(BaseCommand):
    help = (
        "Serve Salespath under gunicorn; settings from the environment (SALESPATH_BIND, "
        "SALESPATH_WORKERS, SALESPATH_THREADS, SALESPATH_TIMEOUT)."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="Address to listen on, overriding SALESPATH_BIND.")
        parser.add_argument("--workers", help="Worker processes, overriding SALESPATH_WORKERS.")
        parser.add_argument("--threads", help="Threads per worker, overriding SALESPATH_THREADS.")

    def handle(self, *args, bind: str | None, workers: str | None, threads: str | None, **kw):
        for name, value in (
            ("SALESPATH_BIND", bind),
            ("SALESPATH_WORKERS", workers),
            ("SALESPATH_THREADS", threads),
        ):
            if value is not None:
                os.environ[name] = value
        for name in NUMBERS:
            value = os.environ.get(name, "").strip()
            if value and not (value.isdigit() and int(value) >= 1):
                raise CommandError(
                    _("%(name)s must be a whole number of at least 1, not “%(value)s”.")
                    % {"name": name, "value": value}
                )
        manifest_exists = getattr(staticfiles_storage, "manifest_exists", None)
        if manifest_exists is not None and not manifest_exists():
            raise CommandError(
                _(
                    "The static files have not been collected into %(root)s. Run "
                    "`salespath collectstatic --noinput` first (docs/deploy.md)."
                )
                % {"root": staticfiles_storage.location}
            )
        # Replace this process, so that signals from systemd or a terminal reach gunicorn.
        config = "python:salespath.serving.gunicorn"
        command = [sys.executable, "-m", "gunicorn", "--config", config]
        sys.stdout.flush()
        os.execv(sys.executable, command)
