"""`salespath forecast-changes --person U --from D1 [--to D2 | --live-as-of D]
[--as USERNAME] --format table|json`: what changed between the person's submission for D1
and their submission for D2, or live data (as of today or --live-as-of)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from salespath.forecast.models import ForecastSubmission
from salespath.forecast.submissions import forecast_changes
from salespath.forecast.text import changes_table
from salespath.org import cli


class Command(BaseCommand):
    help = "Changes between two forecast submissions, or a submission and live data."

    def add_arguments(self, parser):
        parser.add_argument("--person", required=True, metavar="USERNAME")
        parser.add_argument("--from", dest="earlier", required=True, metavar="YYYY-MM-DD")
        later = parser.add_mutually_exclusive_group()
        later.add_argument("--to", dest="later", metavar="YYYY-MM-DD")
        later.add_argument("--live-as-of", dest="live_as_of", metavar="YYYY-MM-DD")
        cli.add_viewer(parser)
        cli.add_output(parser, formats=("table", "json"))

    @cli.refusals_as_errors
    def handle(self, *args, **options):
        person = cli.scope(options).person
        earlier = _submission(person, cli.parse_date(options["earlier"], "--from"))
        later = (
            _submission(person, cli.parse_date(options["later"], "--to"))
            if options["later"]
            else None
        )
        live_as_of = (
            cli.parse_date(options["live_as_of"], "--live-as-of") if options["live_as_of"] else None
        )
        report = forecast_changes(earlier, later, live_as_of=live_as_of)
        cli.emit(self, options, data=report, table=changes_table(report))


def _submission(person, as_of) -> ForecastSubmission:
    found = ForecastSubmission.objects.filter(person=person, as_of=as_of).first()
    if found is None:
        raise CommandError(
            _("%(person)s has no forecast submission for %(date)s.")
            % {"person": person, "date": as_of.isoformat()}
        )
    return found
