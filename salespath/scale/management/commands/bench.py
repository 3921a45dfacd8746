"""`salespath bench [--scale S|M|L] [--repeat N] [--format table|json] [--write [PATH]]`"""

import argparse
import json
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.errors import DomainError
from salespath.scale.bench import KEYS, run_bench
from salespath.scale.generate import generate, scale_exists
from salespath.scale.report import terminal, write_markdown
from salespath.scale.sizes import SIZES


class Command(BaseCommand):
    help = _(
        "Time the reports a manager waits for (median and p95) on the data in the database; "
        "with --scale and no generated company, generate one first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["S", "M", "L"], help=_("Scale of the data."))
        parser.add_argument("--seed", type=int, default=1, help=_("Seed when generating."))
        parser.add_argument("--repeat", type=int, default=7, help=_("Timed runs (default 7)."))
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument("--today", help=_("The as-of date (YYYY-MM-DD), default today."))
        parser.add_argument(
            "--only", action="append", choices=KEYS, help=_("Run only these measurements.")
        )
        parser.add_argument(
            "--url",
            help=_(
                "The running server whose forecast page a browser visits "
                "(forecast_first_visit); default: one started on this database."
            ),
        )
        parser.add_argument(
            "--import-rows", type=int, default=10_000, help=argparse.SUPPRESS
        )  # smaller imports for the command's own tests
        parser.add_argument(
            "--write",
            nargs="?",
            const=str(Path(settings.BASE_DIR).parent / "BENCHMARKS.md"),
            help=_("Add or update this engine and scale's section of BENCHMARKS.md."),
        )

    def handle(self, *args, **options):
        if options["repeat"] < 1:
            raise CommandError(_("--repeat must be at least 1."))
        try:
            as_of = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError as error:
            raise CommandError(
                _("--today must be a date like 2026-11-30, not “%(value)s”.")
                % {"value": options["today"]}
            ) from error
        scale = options["scale"]
        try:
            if scale and not scale_exists():
                self.stderr.write(_("Generating scale %(scale)s first…") % {"scale": scale})
                generate(
                    size=SIZES[scale],
                    seed=options["seed"],
                    today=as_of or timezone.localdate(),
                    progress=self.stderr.write,
                )
            report = run_bench(
                repeat=options["repeat"],
                as_of=as_of,
                only=options["only"],
                scale=scale,
                import_rows=options["import_rows"],
                progress=self.stderr.write,
                url=options["url"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        except LookupError as error:
            raise CommandError(
                _("Nothing to measure: %(reason)s. Generate data with `salespath generate`.")
                % {"reason": error}
            ) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(terminal(report))
        if options["write"]:
            write_markdown(report, Path(options["write"]))
            self.stderr.write(_("Wrote %(path)s") % {"path": options["write"]})
