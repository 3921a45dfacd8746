"""Backups and restores of the whole database, taken while the app runs.

SQLite: through SQLite's online backup API (`sqlite3.Connection.backup`), which copies a
consistent snapshot page by page and starts again if another connection writes meanwhile —
never a copy of the file, which may catch a write half done. PostgreSQL: `pg_dump` in its
custom format, which reads one snapshot of the database; `pg_restore` reads it back.

The connection to PostgreSQL goes to the tools through the libpq environment (PGHOST,
PGPASSWORD, ...), so no password appears in a process list.

A restore goes into an empty database only (one `migrate` never ran on), and ends with the
derived-data check, so a restored database that would answer reports wrongly says so at once.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management import call_command
from django.db import connection
from django.utils.translation import gettext as _

from salespath.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"


class BackupError(DomainError):
    code = "backup_failed"


def engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def backup(target: Path) -> Path:
    """Write a consistent backup of the configured database to `target` (replaced if it
    exists). The file appears only when complete."""
    target = Path(target)
    if not target.parent.is_dir():
        raise BackupError(
            _("Cannot write the backup: the folder %(folder)s does not exist.")
            % {"folder": target.parent}
        )
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if engine() == "sqlite":
            _sqlite_backup(partial)
        else:
            _pg_dump(partial)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def restore(source: Path) -> None:
    """Load the backup `source` into the configured database, which must be empty, then run
    the derived-data check (which raises if the restored data does not add up)."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(_("The backup file %(file)s does not exist.") % {"file": source})
    tables = existing_tables()
    if tables:
        raise BackupError(
            _(
                "The database is not empty (it has %(n)s tables, for example %(table)s). "
                "Restore into a new, empty database: do not run `salespath migrate` on it first."
            )
            % {"n": len(tables), "table": tables[0]}
        )
    with source.open("rb") as file:
        head = file.read(16)
    if engine() == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError(
                _("%(file)s is not an SQLite backup; this database is SQLite.") % {"file": source}
            )
        _sqlite_restore(source)
    else:
        if not head.startswith(PG_CUSTOM_MAGIC):
            raise BackupError(
                _("%(file)s is not a PostgreSQL backup (pg_dump custom format).") % {"file": source}
            )
        _pg_restore(source)
    check_derived_data()


def check_derived_data() -> None:
    """The derived-data check after a restore or an upgrade: raises CommandError naming
    what differs."""
    call_command("verify")


def existing_tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_backup(partial: Path) -> None:
    connection.ensure_connection()
    destination = sqlite3.connect(partial)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()


def _sqlite_restore(source: Path) -> None:
    origin = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        names = {row[0] for row in origin.execute("SELECT name FROM sqlite_master")}
        if "django_migrations" not in names:
            raise BackupError(
                _("%(file)s is an SQLite file but not a Salespath database.") % {"file": source}
            )
        connection.ensure_connection()
        origin.backup(connection.connection)
    finally:
        origin.close()
    connection.close()  # the next query sees the restored schema on a fresh connection


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_environment() -> dict[str, str]:
    """libpq's variables for the configured database: the tools read the password from
    PGPASSWORD, never from their arguments."""
    settings = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    sslmode = settings.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            _("%(tool)s is not installed; install the PostgreSQL client tools.") % {"tool": name}
        )
    return path


def _run(arguments: list[str]) -> None:
    result = subprocess.run(arguments, env=_pg_environment(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(arguments[0]).name, "error": result.stderr.strip()[-2000:]}
        )


def _pg_dump(partial: Path) -> None:
    connection.close()  # pg_dump makes its own connection; ours need not stay open
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={partial}"])


def _pg_restore(source: Path) -> None:
    connection.close()
    database = connection.settings_dict["NAME"]
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-password",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={database}",
            str(source),
        ]
    )
