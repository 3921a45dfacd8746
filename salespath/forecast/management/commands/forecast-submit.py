"""`salespath forecast-submit --person U --as-of D [--as USERNAME]`: freeze a forecast.

Without --as the person submits their own forecast."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from salespath.forecast.services import forecast_submit
from salespath.org import cli


class Command(BaseCommand):
    help = "Submit (freeze) a salesperson's forecast for a cutoff date."

    def add_arguments(self, parser):
        parser.add_argument("--person", required=True, metavar="USERNAME")
        cli.add_as_of(parser)
        cli.add_viewer(parser)

    @cli.refusals_as_errors
    def handle(self, *args, **options):
        as_of = cli.as_of(options)
        person = cli.scope(options).person
        by = cli.viewer(options) if options["viewer"] else person
        submission = forecast_submit(person=person, as_of=as_of, by=by)
        self.stdout.write(
            _("Submitted the forecast of %(person)s for %(date)s: %(count)s opportunities.")
            % {"person": person, "date": as_of.isoformat(), "count": submission.snapshots.count()}
        )
