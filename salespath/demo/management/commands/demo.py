"""`salespath demo [--seed N] [--no-serve] [--today YYYY-MM-DD] [--reset]`"""

from datetime import date

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.demo.builder import (
    DEMO_PASSWORD,
    build_demo,
    database_is_migrated,
    delete_demo,
    demo_exists,
    logins,
    summary,
)
from salespath.errors import DomainError

ADDRESS = "127.0.0.1:8000"


class Command(BaseCommand):
    help = "Build a demo company in the configured database, print logins and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--today", help="Build the company as it stands on this day (YYYY-MM-DD)."
        )
        parser.add_argument("--reset", action="store_true", help="Delete the demo and rebuild.")
        parser.add_argument("--no-serve", action="store_true", help="Do not start the server.")

    def handle(self, *args, seed: int, today: str | None, reset: bool, no_serve: bool, **kw):
        day = self._day(today)
        if not database_is_migrated():
            raise CommandError(
                _(
                    "The database is not migrated. Run `salespath migrate` first (`make demo` "
                    "does both)."
                )
            )
        if reset:
            delete_demo()
            self.stdout.write(_("Deleted the demo company."))
        if demo_exists():
            self.stdout.write(
                _("The demo company already exists; nothing was changed (use --reset to rebuild).")
            )
        else:
            try:
                build_demo(seed=seed, today=day)
            except DomainError as error:
                raise CommandError(error.message) from error
            self.stdout.write(
                _("Built the demo company as of %(day)s (seed %(seed)s).")
                % {"day": day.isoformat(), "seed": seed}
            )
        # What is due today is told once now: the bell and the notification list have content.
        now = f"{day.isoformat()}T{timezone.localtime().strftime('%H:%M')}"
        call_command("jobs", "run-due", "--now", now, stdout=self.stdout)
        self._print_summary()
        self._print_logins(day)
        if not no_serve:
            # The demo runs with DEBUG off; serve static files anyway (runserver --insecure).
            # Once `collectstatic` has run, pages name its hashed copies, which only whitenoise
            # (in the app) finds: runserver's own static handler steps aside then.
            collected = staticfiles_storage.manifest_exists()
            call_command(
                "runserver",
                ADDRESS,
                use_reloader=False,
                insecure_serving=True,
                use_static_handler=not collected,
            )

    def _day(self, text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise CommandError(
                _("--today must be a date like 2026-11-26, not “%(text)s”.") % {"text": text}
            ) from error

    def _print_summary(self) -> None:
        self.stdout.write("")
        for label, count in summary():
            self.stdout.write(f"  {label}: {count}")

    def _print_logins(self, day: date) -> None:
        rows = [(_("Role"), _("Username"), _("Password"), _("Name"), _("Team or branch"))]
        rows += [(x.role, x.username, DEMO_PASSWORD, x.display_name, x.where) for x in logins(day)]
        widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        self.stdout.write("")
        self.stdout.write(
            _("Logins for http://%(address)s/ (the admin is at /admin/):") % {"address": ADDRESS}
        )
        for number, row in enumerate(rows):
            cells = [
                cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)
            ]
            self.stdout.write("  " + "  ".join(cells).rstrip())
            if number == 0:
                self.stdout.write("  " + "  ".join("-" * width for width in widths))


def _width(text: str) -> int:
    """Display width: CJK characters take two columns in a terminal."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
