"""`salespath backup -o FILE`: a consistent backup of the configured database while the app
runs (SQLite's online backup API, or `pg_dump --format=custom`). See docs/deploy-data.md."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from salespath.backups import services
from salespath.errors import DomainError


class Command(BaseCommand):
    help = "Back up the database to a file while the app runs."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, metavar="FILE")

    def handle(self, *args, output: str, **options):
        try:
            path = services.backup(Path(output))
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            _("Backed up the %(engine)s database to %(file)s (%(size)s bytes).")
            % {"engine": services.engine(), "file": path, "size": path.stat().st_size}
        )
