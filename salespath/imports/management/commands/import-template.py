"""salespath import-template KIND -o FILE [--lang en]: a blank template with one example row."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from salespath.imports.kinds import KINDS_BY_NAME
from salespath.imports.templates import write_template


class Command(BaseCommand):
    help = "Write a blank import template (.xlsx or .csv) with one example row."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*KINDS_BY_NAME, "all"])
        parser.add_argument("-o", "--output", required=True, metavar="FILE")
        parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])

    def handle(self, *args, kind, output, lang, **options):
        path = Path(output)
        with translation.override(lang):
            if kind == "all" and path.suffix.lower() == ".csv":
                raise CommandError(_("A .csv file holds one sheet; name one kind or write .xlsx."))
            for written in write_template(kind, path):
                self.stdout.write(str(written))
