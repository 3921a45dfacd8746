"""`salespath evaluation --as-of D [--person U|--team T|--branch B] [--as USERNAME]
--format table|json|xlsx [-o FILE]`: the 销售阶段评估表 (SPEC §4)."""

from django.core.management.base import BaseCommand

from salespath.forecast import cli
from salespath.forecast.queries import evaluation_sheet
from salespath.forecast.text import evaluation_table
from salespath.forecast.xlsx import evaluation_workbook
from salespath.replicas import reading_reports


class Command(BaseCommand):
    help = "The stage evaluation sheet on a date, for a person, team, branch or the company."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", required=True, metavar="YYYY-MM-DD")
        cli.add_scope(parser)
        cli.add_viewer(parser)
        cli.add_output(parser)

    @reading_reports()
    @cli.refusals_as_errors
    def handle(self, *args, **options):
        as_of = cli.parse_date(options["as_of"])
        sheet = evaluation_sheet(cli.scope(options), as_of)
        cli.emit(
            self,
            options,
            data=sheet,
            table=evaluation_table(sheet),
            workbook=lambda: evaluation_workbook(sheet),
        )
