"""A person's name as the pages show it, in SQL: what `User.__str__` returns, so a report
that reads rows with `.values()` names people as the rest of the site does."""

from __future__ import annotations

from django.db.models import CharField, F, Value
from django.db.models.functions import Coalesce, Concat, NullIf, Trim


def person_name(path: str) -> Coalesce:
    """`display_name`, else "first last", else the username of the user at `path`
    (for example "owner")."""
    full = Trim(Concat(F(f"{path}__first_name"), Value(" "), F(f"{path}__last_name")))
    return Coalesce(
        NullIf(F(f"{path}__display_name"), Value("")),
        NullIf(full, Value("")),
        F(f"{path}__username"),
        output_field=CharField(),
    )
