"""`salespath forecast-submissions --team T --as-of D [--as USERNAME] --format table|json`:
who in the team has submitted for a date, submitted figures beside live ones."""

from django.core.management.base import BaseCommand

from salespath.forecast.submissions import team_submissions
from salespath.forecast.text import submissions_table
from salespath.org import cli


class Command(BaseCommand):
    help = "Who in a team has submitted a forecast for a date, and who has not."

    def add_arguments(self, parser):
        parser.add_argument("--team", required=True, metavar="CODE")
        cli.add_as_of(parser)
        cli.add_viewer(parser)
        cli.add_output(parser, formats=("table", "json"))

    @cli.refusals_as_errors
    def handle(self, *args, **options):
        as_of = cli.as_of(options)
        team = cli.scope(options).team
        report = team_submissions(team, as_of)
        cli.emit(self, options, data=report, table=submissions_table(report))
