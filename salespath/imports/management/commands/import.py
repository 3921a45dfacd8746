"""salespath import FILE [FILE ...] [--kind KIND] [--mapping M] [--dry-run] [--as USERNAME]
[--lang en]"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from salespath.errors import DomainError
from salespath.imports.errors import ImportRejected
from salespath.imports.kinds import KINDS_BY_NAME
from salespath.imports.mapping import load_mapping
from salespath.imports.services import import_files
from salespath.org.models import User


class Command(BaseCommand):
    help = "Import spreadsheets (.xlsx, .csv): validate everything, then write in one transaction."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument(
            "--kind",
            choices=sorted(KINDS_BY_NAME),
            help="what every sheet holds (default: recognised from its column headers)",
        )
        parser.add_argument("--mapping", help="a mapping file, or the name of a shipped one")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
        parser.add_argument("--as", dest="username", help="the person doing the import")
        parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, files, kind, mapping, dry_run, username, lang, **options):
        with translation.override(lang):
            try:
                by = None
                if username:
                    by = User.objects.filter(username=username).first()
                    if by is None:
                        raise CommandError(_("No person “%(name)s”.") % {"name": username})
                result = import_files(
                    paths=files,
                    mapping=load_mapping(mapping) if mapping else None,
                    dry_run=dry_run,
                    by=by,
                    kind=KINDS_BY_NAME[kind] if kind else None,
                )
            except ImportRejected as rejected:
                for problem in rejected.problems:
                    self.stderr.write(str(problem))
                raise CommandError(rejected.message) from rejected
            except DomainError as error:
                raise CommandError(error.message) from error
            for kind, counts in sorted(result.by_kind().items()):
                self.stdout.write(
                    _("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged")
                    % {"kind": _kind_label(kind), **counts}
                )
            if dry_run:
                self.stdout.write(_("Dry run: the file is valid; nothing was written."))
            else:
                self.stdout.write(_("Imported."))


def _kind_label(name: str) -> str:
    labels = {"branches": _("branches"), "teams": _("teams")}
    kind = KINDS_BY_NAME.get(name)
    return str(kind.label) if kind else str(labels.get(name, name))
