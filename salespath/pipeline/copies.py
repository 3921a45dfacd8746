"""What an opportunity row carries copied from its project team and its product lines.

The evaluation sheet shows, for thousands of opportunities at once, each one's project
manager and products. Looked up per row in the team and line tables, that would cost more
than everything else on the sheet together; copied onto the row, the sheet reads both from
one index.

- `project_manager`: the team's first project manager (by when they were added); empty if
  the team has none. The sheet then names the account manager.
- `product_ids`: the ids of the lines' product categories, comma-separated, in no particular
  order; empty without lines.

Every writer of teams and lines keeps them in the same transaction: the services (creating
an opportunity, setting its lines, approving an initiation, adding or removing a team
member), the importer, the demo and the generator. `copy_team_and_lines` recomputes them
from the tables, for the writers that change a team or insert in bulk. The date of the latest
stage change, `history_until`, is copied the same way by `pipeline.history`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Aggregate, CharField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round

from .history import latest_change_date
from .models import Contract, Opportunity, OpportunityLine, ProjectMember, ProjectRole

CHUNK = 5000


class Listed(Aggregate):
    """The values of one text column joined with commas (GROUP_CONCAT, or STRING_AGG on
    PostgreSQL), in no particular order."""

    function = "GROUP_CONCAT"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="STRING_AGG",
            template="%(function)s(%(expressions)s, ',')",
            **extra,
        )


def product_ids_text(product_ids: Iterable[int]) -> str:
    """The `product_ids` of an opportunity whose lines sell these product categories."""
    return ",".join(str(pk) for pk in sorted(set(product_ids)))


def first_project_manager():
    """The person id of the opportunity's first project manager (an `OuterRef` subquery)."""
    return Subquery(
        ProjectMember.objects.filter(opportunity=OuterRef("pk"), role=ProjectRole.PROJECT_MANAGER)
        .order_by("pk")
        .values("person")[:1]
    )


def listed_product_ids():
    """The opportunity's product ids as `product_ids` holds them (an `OuterRef` subquery)."""
    listed = (
        OpportunityLine.objects.filter(opportunity=OuterRef("pk"))
        .order_by()
        .values("opportunity")
        .annotate(ids=Listed(Cast("product", CharField())))
        .values("ids")
    )
    return Coalesce(Subquery(listed), Value(""))


def copy_team_and_lines(opportunity_ids: Iterable[int] | None = None) -> None:
    """Recompute both copies from the tables: one statement per 5,000 opportunities, or
    one for all of them when `opportunity_ids` is None."""
    copies = {"project_manager": first_project_manager(), "product_ids": listed_product_ids()}
    if opportunity_ids is None:
        Opportunity.objects.update(**copies)
        return
    ids = sorted(set(opportunity_ids))
    for start in range(0, len(ids), CHUNK):
        Opportunity.objects.filter(pk__in=ids[start : start + CHUNK]).update(**copies)


def copy_all(opportunity_ids: Iterable[int]) -> None:
    """`copy_team_and_lines` and `history.copy_history_dates` in one statement per 5,000
    opportunities, for a writer that changes lines and history in bulk: each UPDATE writes
    a new version of the row into every index of the table (PostgreSQL), so one instead of
    two."""
    copies = {
        "project_manager": first_project_manager(),
        "product_ids": listed_product_ids(),
        "history_until": latest_change_date(),
    }
    ids = sorted(set(opportunity_ids))
    for start in range(0, len(ids), CHUNK):
        Opportunity.objects.filter(pk__in=ids[start : start + CHUNK]).update(**copies)


def stale_copies() -> list[int]:
    """Ids of the opportunities whose copies differ from their team and lines (for tests and
    a check): the project manager compared exactly, the products as sets."""
    rows = Opportunity.objects.annotate(
        team_manager=first_project_manager(), line_products=listed_product_ids()
    ).values_list("pk", "project_manager_id", "product_ids", "team_manager", "line_products")
    return [
        pk
        for pk, manager, products, team_manager, line_products in rows.iterator(chunk_size=CHUNK)
        if manager != team_manager or _set(products) != _set(line_products)
    ]


def _set(ids: str) -> set[str]:
    return set(ids.split(",")) if ids else set()


def signing_date():
    """The opportunity's contract's signing date, as `signed_on` holds it (an `OuterRef`
    subquery; None without a contract)."""
    return Subquery(Contract.objects.filter(opportunity=OuterRef("pk")).values("signed_on")[:1])


def lines_total():
    """The sum of the opportunity's product lines (an `OuterRef` subquery; None without
    lines): with lines, the amount is their sum (`opportunity_set_lines`).

    Rounded to the cent: SQLite keeps decimals as floating point and adds them so, and
    36,349,577.62 came out as 36,349,577.620000005, which is no amount (and which `verify`
    then took for a difference from the stored 36,349,577.62)."""
    total = (
        OpportunityLine.objects.filter(opportunity=OuterRef("pk"))
        .order_by()
        .values("opportunity")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Round(Subquery(total), 2)


def copy_signing_dates(opportunity_ids: Iterable[int]) -> None:
    """Copy each contract's signing date onto its opportunity (`signed_on`), as
    `contract_sign` does, for rows whose copy went astray."""
    ids = sorted(set(opportunity_ids))
    for start in range(0, len(ids), CHUNK):
        Opportunity.objects.filter(pk__in=ids[start : start + CHUNK]).update(
            signed_on=signing_date()
        )


def copy_line_totals(opportunity_ids: Iterable[int]) -> None:
    """Set the amount of each opportunity with product lines to their sum, as
    `opportunity_set_lines` does, for rows whose amount went astray."""
    ids = sorted(set(opportunity_ids))
    for start in range(0, len(ids), CHUNK):
        Opportunity.objects.filter(pk__in=ids[start : start + CHUNK], lines__isnull=False).update(
            amount=lines_total()
        )
