"""`salespath restore FILE`: load a backup made by `salespath backup` into an empty
database, then run the derived-data check. See docs/deploy-data.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from salespath.backups import services
from salespath.errors import DomainError


class Command(BaseCommand):
    help = "Restore a backup into an empty database and check the derived data."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file: str, **options):
        try:
            services.restore(Path(file))
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(_("Restored %(file)s and checked the derived data.") % {"file": file})
