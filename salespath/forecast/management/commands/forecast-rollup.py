"""`salespath forecast-rollup --rebuild | --check`: recompute the forecast rollup from the
opportunities (and prepare today's rows, which the day's first forecast would otherwise do),
or report whether the stored rollup equals a fresh computation (exit status 1 if not). For
after data was written outside the services, or from cron just after midnight; see
docs/forecast.md."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.forecast import month_ends, rollups


class Command(BaseCommand):
    help = "Rebuild or check the forecast rollup (the per-salesperson sums the forecast reads)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="recompute the whole table")
        action.add_argument("--check", action="store_true", help="compare with a fresh rebuild")

    def handle(self, *args, **options):
        if options["rebuild"]:
            rows = rollups.rebuild() + month_ends.rebuild()
            rollups.prepare_day(timezone.localdate())
            self.stdout.write(_("Forecast rollup rebuilt: %(rows)s rows.") % {"rows": rows})
            return
        days, first_days = month_ends.day_differences()
        differences = rollups.differences() + month_ends.differences() + first_days
        if differences:
            for side, row in differences[:20]:
                self.stderr.write(f"{side}: {row}")
            raise CommandError(
                _(
                    "The forecast rollup differs from the opportunities in %(n)s rows: run "
                    "`salespath forecast-rollup --rebuild`."
                )
                % {"n": len(differences) - len(first_days) + days}
            )
        self.stdout.write(_("The forecast rollup matches the opportunities."))
