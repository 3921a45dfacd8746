"""Named reads of the pipeline, returning plain data (STYLE.md). A fixed number of queries
each, whatever the number of opportunities."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Case, Exists, OuterRef, Q, When
from django.utils import timezone

from salespath import localize
from salespath.org.access import supervised
from salespath.org.models import User
from salespath.org.scopes import Scope
from salespath.pipeline.visibility import visible_opportunities

from . import criteria, evidence
from .models import (
    OPPORTUNITY_STAGES,
    InitiationRequest,
    Opportunity,
    Payment,
    Stage,
    StageChange,
    Status,
)
from .models.opportunity import FLAGGED_CHANGE


def opportunity_stages() -> list[Stage]:
    """The stages of an open opportunity's life, in order (the board's columns)."""
    return list(Stage.objects.filter(code__in=OPPORTUNITY_STAGES).order_by("order"))


def stuck_filter(stages: list[Stage], today: date) -> Q:
    """Open opportunities in their stage for longer than that stage's `stuck_after_days`."""
    return Q(status=Status.OPEN) & stuck_in_stage(stages, today)


def stuck_in_stage(stages: list[Stage], today: date) -> Q:
    """`stuck_filter` for rows already known to be open: the stage and the day entered
    only, so a count over the open deals reads nothing but their index."""
    stuck = Q(pk__in=[])
    for stage in stages:
        since = today - timedelta(days=stage.stuck_after_days)
        stuck |= Q(stage_id=stage.code, stage_entered_on__lt=since)
    return stuck


def sellers_page(scope: Scope, page: int | str | None, per_page: int) -> tuple[list[int], dict]:
    """The ids of one page of `per_page` of the scope's people with any opportunity (those
    without, managers say, would have no row), by username as the reports paged by people
    order their rows — a page past the end is the last, one that is not a number the first
    — and where it is: `people`, `page`, `pages`. With `page` None, all of them."""
    sellers = scope.people().filter(Exists(Opportunity.objects.filter(owner=OuterRef("pk"))))
    people = sellers.order_by("username").values_list("pk", flat=True)
    if page is None:
        owners = list(people)
        return owners, {"people": len(owners), "page": 1, "pages": 1}
    current = Paginator(people, per_page).get_page(page)
    where = {
        "people": current.paginator.count,
        "page": current.number,
        "pages": current.paginator.num_pages,
    }
    return list(current.object_list), where


INTEGRITY_PAGE = 50  # people per page of the integrity report, when it is asked for a page
EVIDENCE_CHUNK = 100  # people whose opportunities' evidence is held in memory at once


def integrity_report(
    scope: Scope,
    *,
    viewer: User | None = None,
    today: date | None = None,
    page: int | str | None = None,
    per_page: int = INTEGRITY_PAGE,
) -> dict[str, Any]:
    """Stage integrity: for each open or won opportunity in `scope`, the highest
    stage its evidence supports (its criteria and every earlier stage's, from S2) against the
    stage on record. Lists the opportunities ahead of their evidence, those moved by a gate
    override, and those with imported history (never gate-checked), with the reasons.

    An S2 opportunity whose S2 information is incomplete is not "ahead": S2 is where that
    information is collected.

    The evidence is loaded for `EVIDENCE_CHUNK` salespeople at a time, so memory stays flat
    however large the scope (a branch at scale L has 23,000 deals to check, the company
    470,000). With `page` (1, 2, …), only the opportunities of that page of `per_page` people
    of the scope, by username, as the evaluation sheet pages (a page past the end is the
    last); `people`, `page` and `pages` say where they are.
    """
    today = today or timezone.localdate()
    owners, paging = sellers_page(scope, page, per_page)
    every_criterion = criteria.opportunity_criteria()
    rows: list[dict[str, Any]] = []
    checked = 0
    for start in range(0, len(owners), EVIDENCE_CHUNK):
        chunk = owners[start : start + EVIDENCE_CHUNK]
        found, count = _integrity_rows(scope, chunk, viewer, today, every_criterion)
        rows += found
        checked += count
    rows.sort(
        key=lambda row: (-criteria.STAGE_ORDER[row["stage"]], row["name"], row["opportunity"])
    )
    return {
        "as_of": today.isoformat(),
        "scope": {"kind": scope.kind, "label": scope.label},
        "checked": checked,
        "flagged": len(rows),
        "ahead": sum(1 for row in rows if row["ahead"]),
        "overridden": sum(1 for row in rows if row["overrides"]),
        "imported": sum(1 for row in rows if row["imported"]),
        **paging,
        "rows": rows,
    }


def _integrity_rows(
    scope: Scope, owners: list[int], viewer: User | None, today: date, every_criterion
) -> tuple[list[dict[str, Any]], int]:
    """The flagged rows among the open or won opportunities of `owners` in `scope` (that
    `viewer` may see), and how many were checked. Each deal's evidence is its stored row
    where one is true on `today` (`pipeline/evidence.py`), else evaluated now."""
    opportunities = (
        Opportunity.objects.filter(**scope.owner_filter())
        .filter(owner__in=owners)
        .filter(evidence.checked())
    )
    if viewer is not None:
        opportunities = opportunities.filter(pk__in=visible_opportunities(viewer).values("pk"))
    true = evidence.true_on(today, "stored_evidence__")
    deals = list(
        opportunities.order_by()
        .annotate(
            supported=Case(When(true, then="stored_evidence__stage"), default=None),
            unmet=Case(When(true, then="stored_evidence__unmet"), default=None),
        )
        .values_list(
            "pk", "name", "name_en", "owner_id", "stage_id", "status", "supported", "unmet"
        )
    )
    evaluated = evidence.evaluate([deal[0] for deal in deals if deal[7] is None], today)
    overrides, imported = _overrides_and_imports(opportunities.values("pk"))
    people = {
        person.pk: (person.username, str(person)) for person in User.objects.filter(pk__in=owners)
    }
    missing = _missing_by_stage(every_criterion)
    gaps: dict[tuple[str, str], list[dict[str, str]]] = {}  # one list per stage and codes
    english = localize.english()

    rows = []
    for pk, name, name_en, owner_id, recorded, status, supported, unmet in deals:
        if unmet is None:
            supported, unmet = evaluated[pk].stage, evaluated[pk].unmet
        supported = supported or None
        ahead = criteria.STAGE_ORDER[recorded] > criteria.STAGE_ORDER[supported or "S2"]
        if not (ahead or pk in overrides or pk in imported):
            continue
        if (recorded, unmet) not in gaps:
            codes = set(unmet.split(","))
            gaps[recorded, unmet] = [gap for gap in missing[recorded] if gap["code"] in codes]
        username, owner_name = people[owner_id]
        rows.append(
            {
                "opportunity": pk,
                "name": name_en if english and name_en else name,
                "owner": username,
                "owner_name": owner_name,
                "stage": recorded,
                "status": status,
                "evidenced_stage": supported,
                "ahead": ahead,
                "missing": gaps[recorded, unmet],
                "overrides": overrides.get(pk, []),
                "imported": pk in imported,
            }
        )
    return rows, len(deals)


def _missing_by_stage(every_criterion) -> dict[str, list[dict[str, str]]]:
    """For each stage on record, the criteria a deal there must meet (S2 up to its stage), as
    the report lists them when they are not met."""
    return {
        stage: [
            {"code": criterion.code, "text": criterion.label}
            for criterion in every_criterion
            if criterion.stage_id in criteria.stages_between("S2", stage)
        ]
        for stage in OPPORTUNITY_STAGES
    }


def _overrides_and_imports(ids) -> tuple[dict[int, list[dict[str, Any]]], set[int]]:
    """The gate overrides of these deals, in order, and those with imported history."""
    overrides: dict[int, list[dict[str, Any]]] = {}
    imported: set[int] = set()
    for change in (
        StageChange.objects.filter(opportunity__in=ids)
        .filter(FLAGGED_CHANGE)
        .select_related("by")
        .order_by("effective_on", "id")
    ):
        if change.override:
            overrides.setdefault(change.opportunity_id, []).append(
                {
                    "effective_on": change.effective_on.isoformat(),
                    "by": change.by.username if change.by else None,
                    "by_name": str(change.by) if change.by else "",
                    "from_stage": change.from_stage_id,
                    "to_stage": change.to_stage_id,
                    "reason": change.reason,
                }
            )
        else:
            imported.add(change.opportunity_id)
    return overrides, imported


def initiations_awaiting(user: User):
    """Pending initiation requests `user` may decide (their team's, or branch's as GM)."""
    pending = InitiationRequest.objects.filter(status=InitiationRequest.Decision.PENDING).exclude(
        requested_by=user
    )
    decides = supervised(user, "opportunity__owner")
    if decides is None:
        return InitiationRequest.objects.none()
    return pending.filter(decides).select_related("opportunity", "requested_by")


def payments_awaiting_confirmation(user: User):
    """Payments recorded by teams and not yet confirmed; only finance sees this list."""
    from .policy import may_confirm_payments

    if not may_confirm_payments(user):
        return Payment.objects.none()
    return Payment.objects.filter(confirmed_at__isnull=True).select_related(
        "contract__opportunity", "recorded_by"
    )
