"""What an opportunity looked like on a past date, read from its append-only stage history.

These are expressions to annotate a queryset of opportunities with, so a report reads the
state on `as_of` for thousands of opportunities in one SQL statement.

Most opportunities have no history after `as_of` (for a forecast on today: all of them but
those with future-dated rows), and for those the state on `as_of` is the current one, since
every writer keeps the history ending at the current stage and status (services, imports,
generators). So the per-row history subquery runs only for the opportunities with a stage
change dated after `as_of` (`changed_after`).
"""

from datetime import date

from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Subquery, When

from .models import StageChange


def _latest_change_on(as_of: date):
    return StageChange.objects.filter(opportunity=OuterRef("pk"), effective_on__lte=as_of).order_by(
        "-effective_on", "-id"
    )


def changed_after(as_of: date) -> Exists:
    """Opportunities with a stage change dated after `as_of`.

    One probe of the history's (opportunity, date) index per opportunity read, so the cost
    follows the opportunities a report reads. Not `pk IN (changes after as_of)`: for a date
    a year back that set is most of the history — millions of rows at scale — built once per
    use on SQLite, and re-scanned for every row on PostgreSQL once it outgrows work_mem. At
    scale L a branch's evaluation sheet for last quarter's end took 8–34 s on SQLite and
    minutes on PostgreSQL that way; with the probe, 0.2–3 s. For today the set is tiny and
    cheaper than the probes (BENCHMARKS.md says how much)."""
    return Exists(StageChange.objects.filter(opportunity=OuterRef("pk"), effective_on__gt=as_of))


def unchanged_since(as_of: date) -> Q:
    """Opportunities created by `as_of` with no stage change dated after it."""
    return Q(created_on__lte=as_of) & ~changed_after(as_of)


def stage_on(as_of: date) -> Case:
    """The stage code the opportunity was in at the end of `as_of` (None if not yet created)."""
    return Case(
        When(unchanged_since(as_of), then=F("stage_id")),
        default=Subquery(_latest_change_on(as_of).values("to_stage")[:1]),
        output_field=CharField(),
    )


def status_on(as_of: date) -> Case:
    """open / won / lost at the end of `as_of` (None if not yet created)."""
    return Case(
        When(unchanged_since(as_of), then=F("status")),
        default=Subquery(_latest_change_on(as_of).values("to_status")[:1]),
        output_field=CharField(),
    )
