"""What an opportunity looked like on a past date, read from its append-only stage history.

These are expressions to annotate a queryset of opportunities with, so a report reads the
state on `as_of` for thousands of opportunities in one SQL statement.

Most opportunities have no history after `as_of` (for a forecast on today: all of them but
those with future-dated rows), and for those the state on `as_of` is the current one, since
every writer keeps the history ending at the current stage and status (services, imports,
generators). So the per-row history subquery runs only for the opportunities in one
uncorrelated, indexed set: those with a stage change dated after `as_of`.
"""

from datetime import date

from django.db.models import Case, CharField, F, OuterRef, Q, Subquery, When

from .models import StageChange


def _latest_change_on(as_of: date):
    return StageChange.objects.filter(opportunity=OuterRef("pk"), effective_on__lte=as_of).order_by(
        "-effective_on", "-id"
    )


def unchanged_since(as_of: date) -> Q:
    """Opportunities created by `as_of` with no stage change dated after it."""
    changed = StageChange.objects.filter(effective_on__gt=as_of).values("opportunity")
    return Q(created_on__lte=as_of) & ~Q(pk__in=changed)


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
