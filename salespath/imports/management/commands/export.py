"""salespath export KIND --format xlsx|csv -o FILE [--team CODE] [--lang en]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from salespath.imports.exporters import EXPORTS, export_tables, write_csv, write_xlsx
from salespath.org.models import Team
from salespath.replicas import reading_reports


class Command(BaseCommand):
    help = "Export a list with the import's headers: customers, opportunities, activities, history."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=EXPORTS)
        parser.add_argument("--format", choices=["xlsx", "csv"], default=None)
        parser.add_argument("-o", "--output", required=True, metavar="FILE")
        parser.add_argument("--team", help="only records owned by this team's members (code)")
        parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])

    @reading_reports()
    def handle(self, *args, kind, format, output, team, lang, **options):
        path = Path(output)
        file_format = format or ("csv" if path.suffix.lower() == ".csv" else "xlsx")
        with translation.override(lang):
            found_team = None
            if team:
                found_team = Team.objects.filter(code=team).first()
                if found_team is None:
                    raise CommandError(_("No team “%(name)s”.") % {"name": team})
            tables = export_tables(kind, team=found_team)
            write = write_csv if file_format == "csv" else write_xlsx
            for written, table in zip(write(tables, path), tables, strict=False):
                self.stdout.write(
                    _("%(file)s: %(count)s rows") % {"file": written, "count": len(table.rows)}
                )
