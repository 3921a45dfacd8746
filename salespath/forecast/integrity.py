"""One checker for the derived data: every value kept for speed, compared with a
recomputation from the rows it is derived from, and repaired through the code its writers
use (`salespath verify [--repair]`, docs/verify.md).

- copies on the opportunity: `signed_on` (its contract), `history_until` (its latest stage
  change), `project_manager` and `product_ids` (its team and lines), `amount` (the sum of
  its lines, when it has any);
- the forecast rollup (`ForecastRollup`), its month ends (`ForecastMonthEndRow`), the
  changes of each day between them (`ForecastDayChange`) and the day's rows (`ForecastDay`);
- the stored stage funnel (`FunnelMonth`, `FunnelDay`, `pipeline/funnel_rollup.py`);
- each deal's stored evidence (`StoredEvidence`, `pipeline/evidence.py`): the rows true
  today, evaluated again.

The checks run in this order, and so do the repairs: the rollups are summed from the copies,
so they are checked (and rebuilt) after them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from salespath.pipeline import evidence, funnel_rollup
from salespath.pipeline.copies import (
    copy_line_totals,
    copy_signing_dates,
    copy_team_and_lines,
    lines_total,
    signing_date,
    stale_copies,
)
from salespath.pipeline.history import copy_history_dates
from salespath.pipeline.models import Opportunity, StageChange

from . import month_ends, rollups
from .models import ForecastDay, ForecastDayMark

EXAMPLES = 5


@dataclass
class Finding:
    """What one check found: how many rows differ and the first few, as text."""

    check: str
    label: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    repaired: bool = False


@dataclass(frozen=True)
class Check:
    name: str
    label: Promise
    find: Callable[[], tuple[int, list[str], list]]  # count, examples, what repair needs
    repair: Callable[[list], None]


def _differs(stored: str, fresh: str) -> Q:
    """`stored` and `fresh` differ, a NULL on one side only counting as a difference."""
    both = Q(**{f"{stored}__isnull": False, f"{fresh}__isnull": False})
    return (
        (both & ~Q(**{stored: F(fresh)}))
        | Q(**{f"{stored}__isnull": True, f"{fresh}__isnull": False})
        | Q(**{f"{stored}__isnull": False, f"{fresh}__isnull": True})
    )


def _copy_found(queryset: QuerySet, stored: str) -> tuple[int, list[str], list]:
    # one query: the rows that differ (none, as a rule) are what the repair needs anyway
    rows = list(
        queryset.filter(_differs(stored, "fresh")).order_by("pk").values_list("pk", stored, "fresh")
    )
    examples = [f"#{pk}: {value} ≠ {fresh}" for pk, value, fresh in rows[:EXAMPLES]]
    return len(rows), examples, [pk for pk, _value, _fresh in rows]


# --- copies on the opportunity ----------------------------------------------------------


def _find_signing_dates():
    return _copy_found(Opportunity.objects.annotate(fresh=signing_date()), "signed_on")


def _find_history_dates():
    latest = (
        StageChange.objects.filter(opportunity=OuterRef("pk"))
        .order_by()
        .values("opportunity")
        .annotate(latest=Max("effective_on"))
        .values("latest")
    )
    return _copy_found(Opportunity.objects.annotate(fresh=Subquery(latest)), "history_until")


def _find_line_totals():
    # without lines (a NULL sum) the amount is entered directly: nothing to compare
    with_lines = Opportunity.objects.annotate(fresh=lines_total()).filter(fresh__isnull=False)
    return _copy_found(with_lines, "amount")


def _find_team_and_lines():
    ids = stale_copies()
    return len(ids), [f"#{pk}" for pk in ids[:EXAMPLES]], ids


# --- the forecast rollup and the day's rows ---------------------------------------------


def _found_rows(differences: list) -> tuple[int, list[str], list]:
    examples = [f"{side}: {row}" for side, row in differences[:EXAMPLES]]
    return len(differences), examples, differences


def _find_rollup():
    return _found_rows(rollups.rollup_differences())


def _find_month_ends():
    return _found_rows(month_ends.differences())


def _repair_month_ends(_found: list) -> None:
    month_ends.recompute()


def _counted_rows(found: tuple[int, list]) -> tuple[int, list[str], list]:
    """`_found_rows` of a check that counts every difference and keeps the first few."""
    count, first = found
    return count, [f"{side}: {row}" for side, row in first[:EXAMPLES]], first


def _find_day_changes():
    return _counted_rows(month_ends.day_differences())


def _repair_day_changes(_found: list) -> None:
    month_ends.recompute_days()


def _find_day_rows():
    return _found_rows(rollups.day_differences())


def _repair_rollup(_found: list) -> None:
    rollups.rebuild()  # and today's rows from it


def _repair_day_rows(_found: list) -> None:
    mark = ForecastDayMark.objects.filter(pk=1).first()
    if mark is None or mark.day is None:
        return
    day = mark.day
    ForecastDayMark.objects.filter(pk=1).update(day=None)
    ForecastDay.objects.all().delete()
    rollups.prepare_day(day)


def _find_funnel():
    return _found_rows(funnel_rollup.differences())


def _repair_funnel(_found: list) -> None:
    funnel_rollup.rebuild()


def _find_funnel_days():
    return _counted_rows(funnel_rollup.day_differences())


def _find_evidence():
    differences = evidence.differences()
    examples = [f"#{pk}: {stored} ≠ {fresh}" for pk, stored, fresh in differences[:EXAMPLES]]
    return len(differences), examples, [pk for pk, _stored, _fresh in differences]


def _repair_evidence(ids: list) -> None:
    evidence.forget(ids)
    evidence.refresh(limit=None)


def _refresh_rollup_of(ids: list) -> None:
    owners = Opportunity.objects.filter(pk__in=ids).values_list("owner", flat=True)
    rollups.refresh_owners(set(owners))
    month_ends.refresh_owners(set(owners))


def _then_refresh(repair: Callable[[list], None]) -> Callable[[list], None]:
    """A repair of values the rollup is summed from, then the rollup of their owners."""

    def repaired(ids: list) -> None:
        repair(ids)
        _refresh_rollup_of(ids)

    return repaired


CHECKS = (
    Check(
        "signed_on",
        _("Signing dates copied from the contracts"),
        _find_signing_dates,
        _then_refresh(copy_signing_dates),
    ),
    Check(
        "history_until",
        _("Latest stage-change dates copied from the history"),
        _find_history_dates,
        _then_refresh(copy_history_dates),
    ),
    Check(
        "team_and_lines",
        _("Project managers and products copied from the teams and lines"),
        _find_team_and_lines,
        copy_team_and_lines,
    ),
    Check(
        "amount",
        _("Amounts equal to the sum of their product lines"),
        _find_line_totals,
        _then_refresh(copy_line_totals),
    ),
    Check("rollup", _("The forecast rollup"), _find_rollup, _repair_rollup),
    Check(
        "month_ends",
        _("The forecast rollup at past month ends"),
        _find_month_ends,
        _repair_month_ends,
    ),
    Check(
        "day_changes",
        _("The forecast rollup's changes of each day"),
        _find_day_changes,
        _repair_day_changes,
    ),
    Check("day_rows", _("The forecast's rows of the day"), _find_day_rows, _repair_day_rows),
    Check("funnel", _("The stage funnel's months"), _find_funnel, _repair_funnel),
    Check("funnel_days", _("The stage funnel's days"), _find_funnel_days, _repair_funnel),
    Check("evidence", _("Each deal's stored evidence"), _find_evidence, _repair_evidence),
)
CHECK_NAMES = tuple(check.name for check in CHECKS)


def verify(*, repair: bool = False) -> list[Finding]:
    """Every check's finding, in order. With `repair`, each check that finds a difference
    repairs it (in one transaction per check) before the next check runs; the findings are
    then those before the repair, marked repaired. Call `verify()` again to confirm."""
    findings = []
    for check in CHECKS:
        count, examples, found = check.find()
        finding = Finding(check.name, str(check.label), count, examples)
        if count and repair:
            with transaction.atomic():
                check.repair(found)
            finding.repaired = True
        findings.append(finding)
    return findings
