"""`salespath evaluation --as-of D [--person U|--team T|--branch B] [--as USERNAME]
--format table|json|xlsx [-o FILE]`: the 销售阶段评估表 (SPEC §4)."""

from django.core.management.base import BaseCommand

from salespath.forecast.sheet import evaluation_sheet
from salespath.forecast.text import evaluation_table
from salespath.forecast.xlsx import evaluation_workbook
from salespath.org import cli
from salespath.replicas import reading_reports


class Command(BaseCommand):
    help = "The stage evaluation sheet on a date, for a person, team, branch or the company."

    def add_arguments(self, parser):
        cli.add_as_of(parser)
        cli.add_scope(parser)
        cli.add_viewer(parser)
        cli.add_output(parser)

    @reading_reports()
    @cli.refusals_as_errors
    def handle(self, *args, **options):
        as_of = cli.as_of(options)
        sheet = evaluation_sheet(cli.scope(options), as_of)
        cli.emit(
            self,
            options,
            data=sheet,
            table=evaluation_table(sheet),
            workbook=lambda: evaluation_workbook(sheet),
        )
