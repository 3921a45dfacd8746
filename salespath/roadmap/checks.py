"""What the roadmap needs of the database, checked at start-up (`manage.py check`, `migrate`,
the server) rather than found as a syntax error on the first roadmap page."""

import sqlite3

from django.conf import settings
from django.core.checks import Error
from django.utils.translation import gettext as _

# `roadmap.goals.FIGURES_SQL` reads each opportunity's state once with WITH … AS MATERIALIZED.
SQLITE_NEEDED = (3, 35, 0)


def sqlite_version_check(app_configs=None, **kwargs) -> list[Error]:
    engines = {database["ENGINE"] for database in settings.DATABASES.values()}
    if "django.db.backends.sqlite3" not in engines:
        return []
    if sqlite3.sqlite_version_info >= SQLITE_NEEDED:
        return []
    return [
        Error(
            _("Salespath needs SQLite %(needed)s or newer; this Python uses SQLite %(found)s.")
            % {"needed": ".".join(map(str, SQLITE_NEEDED)), "found": sqlite3.sqlite_version},
            hint=_("Use a Python built against a newer SQLite, or PostgreSQL (DATABASE_URL)."),
            id="salespath.E001",
        )
    ]
