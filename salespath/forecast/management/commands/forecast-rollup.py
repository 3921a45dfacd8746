"""`salespath forecast-rollup --rebuild | --check`: recompute the forecast rollup from the
opportunities, or report whether the stored one equals a fresh computation (exit status 1
if not). For after data was written outside the services; see docs/forecast.md."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from salespath.forecast import rollups


class Command(BaseCommand):
    help = "Rebuild or check the forecast rollup (the per-salesperson sums the forecast reads)."

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--rebuild", action="store_true", help="recompute the whole table")
        action.add_argument("--check", action="store_true", help="compare with a fresh rebuild")

    def handle(self, *args, **options):
        if options["rebuild"]:
            rows = rollups.rebuild()
            self.stdout.write(_("Forecast rollup rebuilt: %(rows)s rows.") % {"rows": rows})
            return
        differences = rollups.differences()
        if differences:
            for side, row in differences[:20]:
                self.stderr.write(f"{side}: {row}")
            raise CommandError(
                _(
                    "The forecast rollup differs from the opportunities in %(n)s rows: run "
                    "`salespath forecast-rollup --rebuild`."
                )
                % {"n": len(differences)}
            )
        self.stdout.write(_("The forecast rollup matches the opportunities."))
