"""`salespath evidence`: store the evidenced stage of every deal without a stored one true
today (pipeline/evidence.py) — all at once, where the minutely job `evidence-refresh` takes
4,000 a run: after a criterion was changed in the admin (every row is then forgotten), or
after loading data with SQL."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from salespath.pipeline import evidence


class Command(BaseCommand):
    help = "Store the evidenced stage of every deal that has no true stored one."

    def handle(self, *args, **options):
        count = evidence.refresh(limit=None)
        self.stdout.write(_("Stored the evidence of %(count)s deals.") % {"count": count})
