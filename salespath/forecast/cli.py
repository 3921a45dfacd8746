"""What the forecast commands share: arguments, the viewer, the scope, writing the output.

Output files are written to a temporary file beside the target and renamed into place, so
a refused or failed run never leaves a partial file behind.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from openpyxl import Workbook

from salespath.errors import DomainError
from salespath.lib.fiscal import FiscalQuarter
from salespath.org import dates
from salespath.org.models import User
from salespath.org.scopes import Scope, resolve_scope


def add_viewer(parser) -> None:
    parser.add_argument(
        "--as",
        dest="viewer",
        metavar="USERNAME",
        help="show only what this user may see (default: an unrestricted operator view)",
    )


def add_scope(parser) -> None:
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--person", metavar="USERNAME")
    who.add_argument("--team", metavar="CODE")
    who.add_argument("--branch", metavar="CODE")


def add_output(parser, formats=("table", "json", "xlsx")) -> None:
    parser.add_argument("--format", choices=formats, default="table")
    parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def parse_date(text: str | None, option: str = "--as-of") -> date:
    if not text:
        raise CommandError(_("%(option)s is required (YYYY-MM-DD).") % {"option": option})
    try:
        return dates.parse_day(text, field=option)
    except DomainError as refused:
        raise CommandError(refused.message) from None


def parse_fiscal_quarter(text: str) -> FiscalQuarter:
    try:
        return dates.parse_fiscal_quarter(text)
    except DomainError as refused:
        raise CommandError(refused.message) from None


def operator() -> User:
    """Whoever runs the server's commands sees everything: an unsaved superuser."""
    user = User(username="", is_superuser=True)
    user._role_codes = frozenset()
    return user


def viewer(options: dict) -> User:
    name = options.get("viewer")
    if not name:
        return operator()
    found = User.objects.filter(username=name, is_active=True).first()
    if found is None:
        raise CommandError(_("No user “%(name)s”.") % {"name": name})
    return found


def scope(options: dict) -> Scope:
    try:
        return resolve_scope(
            viewer(options),
            person=options.get("person"),
            team=options.get("team"),
            branch=options.get("branch"),
        )
    except DomainError as refused:
        raise CommandError(refused.message) from None


def refusals_as_errors(function):
    """Run a command's body, turning a refused request into a clean CommandError."""

    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except DomainError as refused:
            raise CommandError(refused.message) from None

    return wrapped


def emit(command, options: dict, *, data, table: str, workbook=None) -> None:
    """Write `data` as json, `table` as text, or `workbook()` as xlsx, to -o or stdout."""
    chosen, output = options["format"], options.get("output")
    if chosen == "xlsx":
        if not output:
            raise CommandError(_("The xlsx format needs an output file: -o FILE.xlsx"))
        book: Workbook = workbook()
        _write_atomically(Path(output), book.save)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n" if chosen == "json" else table
        if not output:
            command.stdout.write(text, ending="")
            return
        _write_atomically(Path(output), lambda path: Path(path).write_text(text, encoding="utf-8"))
    command.stderr.write(_("Written to %(file)s") % {"file": output})


def _write_atomically(path: Path, write) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise CommandError(_("No directory “%(dir)s” to write into.") % {"dir": directory})
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".part")
    os.close(handle)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file, not mkstemp's 0600
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
