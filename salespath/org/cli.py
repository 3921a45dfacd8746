"""What every report command shares: its arguments (scope, viewer, as-of date, quarter,
format and output file), reading them with the one date and quarter parser of the pages and
the API (`org/dates.py`), and writing the output.

It lives in `org`, beside the scopes and dates it reads, so that the commands of every app
(pipeline, forecast, roadmap) can share it without importing each other.

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
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from salespath.errors import DomainError
from salespath.lib.fiscal import FiscalQuarter
from salespath.org import dates
from salespath.org.models import Branch, Team, User
from salespath.org.scopes import Scope, resolve_scope


def add_viewer(parser) -> None:
    parser.add_argument(
        "--as",
        dest="viewer",
        metavar="USERNAME",
        help="show only what this user may see (default: an unrestricted operator view)",
    )


SCOPE_METAVARS = {"person": "USERNAME", "team": "CODE", "branch": "CODE"}


def add_scope(parser, kinds=("person", "team", "branch")) -> None:
    """At most one of --person, --team and --branch (those of `kinds` the report offers)."""
    who = parser.add_mutually_exclusive_group()
    for kind in kinds:
        who.add_argument(f"--{kind}", metavar=SCOPE_METAVARS[kind])


def add_as_of(parser, *, required: bool = True) -> None:
    """--as-of: the report's date; without `required`, today when left out (`as_of`)."""
    help_text = None if required else "default: today"
    parser.add_argument(
        "--as-of", dest="as_of", required=required, metavar="YYYY-MM-DD", help=help_text
    )


def add_quarter(parser) -> None:
    parser.add_argument("--quarter", required=True, metavar="2026Q2")


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


def as_of(options: dict) -> date:
    """The --as-of date; today if the command lets it be left out and it was."""
    if options.get("as_of") is None:
        return timezone.localdate()
    return parse_date(options["as_of"])


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


def chosen_viewer(options: dict) -> User | None:
    """The user named by --as, or None for the operator (who sees everything)."""
    return viewer(options) if options.get("viewer") else None


def scope(options: dict) -> Scope:
    """The scope named by --person, --team or --branch (default the widest), as the viewer
    may see it. The operator may name any, so a refusal only says the name is unknown."""
    names = {kind: options.get(kind) for kind in ("person", "team", "branch")}
    if not options.get("viewer"):
        return _operator_scope(**names)
    try:
        return resolve_scope(viewer(options), **names)
    except DomainError as refused:
        raise CommandError(refused.message) from None


def _operator_scope(person: str | None, team: str | None, branch: str | None) -> Scope:
    if person:
        found = (
            User.objects.filter(username=person).select_related("team__branch", "branch").first()
        )
        if found is None:
            raise CommandError(_("No person “%(name)s”.") % {"name": person})
        return Scope("person", person=found)
    if team:
        found_team = Team.objects.filter(code=team).select_related("branch").first()
        if found_team is None:
            raise CommandError(_("No team “%(name)s”.") % {"name": team})
        return Scope("team", team=found_team)
    if branch:
        found_branch = Branch.objects.filter(code=branch).first()
        if found_branch is None:
            raise CommandError(_("No branch “%(name)s”.") % {"name": branch})
        return Scope("branch", branch=found_branch)
    return Scope("company")


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
