"""`salespath forecast --as-of D --view time|category|both --by owner|team|branch|product
[--weighted] [--person U|--team T|--branch B] [--as USERNAME] --format table|json|xlsx
[-o FILE]`: the 销售预测 (SPEC §5). `both` puts the two views side by side as in the seed's
sheet (json: a list of the two reports)."""

from django.core.management.base import BaseCommand

from salespath.forecast.queries import BY, OVERDUE_LIMIT, forecast
from salespath.forecast.state import VIEWS
from salespath.forecast.text import forecast_table
from salespath.forecast.xlsx import forecast_workbook
from salespath.org import cli
from salespath.replicas import reading_reports


class Command(BaseCommand):
    help = "The sales forecast on a cutoff date, by time or by forecast category."

    def add_arguments(self, parser):
        cli.add_as_of(parser)
        parser.add_argument("--view", choices=[*VIEWS, "both"], default="time")
        parser.add_argument("--by", choices=BY, default="owner")
        parser.add_argument("--weighted", action="store_true", help="amount × probability")
        cli.add_scope(parser)
        cli.add_viewer(parser)
        cli.add_output(parser)

    @reading_reports()
    @cli.refusals_as_errors
    def handle(self, *args, **options):
        as_of = cli.as_of(options)
        scope = cli.scope(options)
        views = VIEWS if options["view"] == "both" else (options["view"],)
        # the workbook's sheet lists every overdue deal; JSON and the table the oldest
        limit = None if options["format"] == "xlsx" else OVERDUE_LIMIT
        reports = [
            forecast(
                scope,
                as_of,
                view=view,
                by=options["by"],
                weighted=options["weighted"],
                overdue_limit=limit,
            )
            for view in views
        ]
        cli.emit(
            self,
            options,
            data=reports if len(reports) > 1 else reports[0],
            table="\n".join(forecast_table(report) for report in reports),
            workbook=lambda: forecast_workbook(reports),
        )
