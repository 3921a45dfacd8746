"""`salespath forecast-accuracy --quarter 2026Q2 [--person U|--team T|--branch B]
[--as USERNAME] --format table|json`: booked versus committed in a quarter."""

from django.core.management.base import BaseCommand

from salespath.forecast.submissions import forecast_accuracy
from salespath.forecast.text import accuracy_table
from salespath.org import cli


class Command(BaseCommand):
    help = "Forecast accuracy of a fiscal quarter: booked versus committed (and best case)."

    def add_arguments(self, parser):
        cli.add_quarter(parser)
        cli.add_scope(parser)
        cli.add_viewer(parser)
        cli.add_output(parser, formats=("table", "json"))

    @cli.refusals_as_errors
    def handle(self, *args, **options):
        quarter = cli.parse_fiscal_quarter(options["quarter"])
        report = forecast_accuracy(quarter, cli.scope(options))
        cli.emit(self, options, data=report, table=accuracy_table(report))
