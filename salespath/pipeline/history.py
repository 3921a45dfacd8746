"""What an opportunity looked like on a past date, read from its append-only stage history.

These are expressions to annotate a queryset of opportunities with, so a report reads the
state on `as_of` for thousands of opportunities in one SQL statement.

Most opportunities have no history after `as_of` (for a forecast on today: all of them but
those with future-dated rows), and for those the state on `as_of` is the current one, since
every writer keeps the history ending at the current stage and status (services, imports,
generators). So the per-row history subquery runs only for the opportunities with a stage
change dated after `as_of` (`changed_after`), which the row tells by `history_until`.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)

from .models import Opportunity, StageChange, Status


def in_history(as_of: date, field: str) -> Subquery:
    """`field` of the opportunity's last stage change on or before `as_of`: its state on that
    day read from the history alone (None if it did not exist yet)."""
    return Subquery(
        StageChange.objects.filter(opportunity=OuterRef("pk"), effective_on__lte=as_of)
        .order_by("-effective_on", "-id")
        .values(field)[:1]
    )


def changed_after(as_of: date) -> Q:
    """Opportunities with a stage change dated after `as_of`.

    Read from the row's copy of its latest stage-change date (`history_until`); where that
    is empty, one probe of the history's (opportunity, date) index. Not
    `pk IN (changes after as_of)`: for a date a year back that set is most of the history —
    millions of rows at scale — built once per use on SQLite, and re-scanned for every row
    on PostgreSQL once it outgrows work_mem, which makes a report on a past date
    unusably slow on both engines."""
    probe = Exists(StageChange.objects.filter(opportunity=OuterRef("pk"), effective_on__gt=as_of))
    return Q(history_until__gt=as_of) | (Q(history_until__isnull=True) & probe)


def latest_change_date() -> Subquery:
    """The opportunity's latest stage-change date, as `history_until` holds it (an
    `OuterRef` subquery)."""
    return Subquery(
        StageChange.objects.filter(opportunity=OuterRef("pk"))
        .values("opportunity")
        .annotate(latest=Max("effective_on"))
        .values("latest")
    )


def copy_history_dates(opportunity_ids: Iterable[int] | None = None) -> None:
    """Copy each opportunity's latest stage-change date onto its row (`history_until`): for
    the writers that insert history in bulk (imports, the demo). One statement per 5,000
    opportunities; all of them when `opportunity_ids` is None."""
    latest = latest_change_date()
    if opportunity_ids is None:
        Opportunity.objects.update(history_until=Subquery(latest))
        return
    ids = sorted(set(opportunity_ids))
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        Opportunity.objects.filter(pk__in=chunk).update(history_until=Subquery(latest))


def unchanged_since(as_of: date) -> Q:
    """Opportunities created by `as_of` with no stage change dated after it."""
    return Q(created_on__lte=as_of) & ~changed_after(as_of)


def stage_on(as_of: date) -> Case:
    """The stage code the opportunity was in at the end of `as_of` (None if not yet created)."""
    return Case(
        When(unchanged_since(as_of), then=F("stage_id")),
        default=in_history(as_of, "to_stage"),
        output_field=CharField(),
    )


def status_on(as_of: date) -> Case:
    """open / won / lost at the end of `as_of` (None if not yet created)."""
    return Case(
        When(unchanged_since(as_of), then=F("status")),
        default=in_history(as_of, "to_status"),
        output_field=CharField(),
    )


def left_a_loss_after(as_of: date) -> QuerySet:
    """The opportunities with a stage change dated after `as_of` out of the lost status (a
    reopening, or a move between stages while lost): a few among millions, read from their
    own index (pipeline migration 0017), once a statement."""
    changes = StageChange.objects.filter(from_status=Status.LOST, effective_on__gt=as_of)
    return changes.order_by().values("opportunity")


def not_lost_few(as_of: date, status_on_d: str) -> Q:
    """Not lost at the end of `as_of` — `status_on(as_of)` (the alias `status_on_d`, with
    no history read as open) is not lost — with the history read only for the opportunities
    that left a loss after `as_of`, for a report that checks a few thousand deals one by one
    (the boundary days of a forecast on a past date: 20,000 deals at scale L, one look-up
    each in the history, 70–80 ms on either engine).

    The same rows: a deal with a change after `as_of` stood on `as_of` as its first change
    after it left it (each change's `from_status` is the status the one before it left; the
    services, the import and the generator write it so and never date a change before the
    last one), so if none of those changes left a loss, it was not lost then. Without a
    change after it, its status then is its status now."""
    changed = changed_after(as_of)
    return (~changed & ~Q(status=Status.LOST)) | (
        changed & (~Q(pk__in=left_a_loss_after(as_of)) | ~Q(**{status_on_d: Status.LOST}))
    )
