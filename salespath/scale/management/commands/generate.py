"""`salespath generate --scale S|M|L [--seed N] [--today YYYY-MM-DD]`"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.errors import DomainError
from salespath.scale.generate import generate
from salespath.scale.sizes import SIZES


class Command(BaseCommand):
    help = _("Generate a consistent synthetic company (S ≈ the demo, M, L = a million deals).")

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["S", "M", "L"], default="S")
        parser.add_argument("--seed", type=int, default=1, help=_("Random seed (default 1)."))
        parser.add_argument("--today", help=_("The last day of the data (YYYY-MM-DD)."))

    def handle(self, *args, scale: str, seed: int, today: str | None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(
                _("--today must be a date like 2026-11-30, not “%(value)s”.") % {"value": today}
            ) from error
        try:
            counts = generate(size=SIZES[scale], seed=seed, today=day, progress=self._say)
        except DomainError as error:
            raise CommandError(error.message) from error
        for name, value in counts.items():
            self.stdout.write(f"{name:>16}  {value:>12,}")

    def _say(self, message: str) -> None:
        self.stderr.write(message)
