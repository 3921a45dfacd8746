"""salespath jobs run-due [--now 'YYYY-MM-DDTHH:MM'] | salespath jobs worker [db_worker options]

run-due runs every scheduled job whose slot at that instant has not run yet (cron: every
minute). worker runs the background tasks: django-tasks-db's db_worker."""

from __future__ import annotations

from datetime import datetime

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.notifications.jobs import run_due


def parse_now(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("--now “%(value)s” is not a date and time like 2026-12-04T09:00.") % {"value": value}
        ) from None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


class Command(BaseCommand):
    help = "Run the scheduled jobs that are due, or the background worker."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        due = sub.add_parser("run-due", help="Run every job due at --now (default: now).")
        due.add_argument("--now", help="The instant, YYYY-MM-DDTHH:MM in the local time zone.")
        worker = sub.add_parser("worker", help="Run background tasks (django-tasks-db).")
        worker.add_argument("--batch", action="store_true", help="Stop when no task is left.")
        worker.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args, action: str, **options):
        if action == "worker":
            call_command(
                "db_worker",
                batch=options["batch"],
                interval=options["interval"],
                verbosity=options["verbosity"],
            )
            return
        now = parse_now(options.get("now"))
        for outcome in run_due(now=now):
            if outcome.ran:
                self.stdout.write(f"{outcome.job} {outcome.slot}: {outcome.count}")
            else:
                self.stdout.write(f"{outcome.job} {outcome.slot}: " + _("already run, skipped"))
