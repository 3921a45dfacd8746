"""What an opportunity looked like on a past date, read from its append-only stage history.

These are subquery expressions to annotate a queryset of opportunities with, so a report
reads the state on `as_of` for thousands of opportunities in one SQL statement.
"""

from datetime import date

from django.db.models import OuterRef, Subquery

from .models import StageChange


def _latest_change_on(as_of: date):
    return StageChange.objects.filter(opportunity=OuterRef("pk"), effective_on__lte=as_of).order_by(
        "-effective_on", "-id"
    )


def stage_on(as_of: date) -> Subquery:
    """The stage code the opportunity was in at the end of `as_of` (None if not yet created)."""
    return Subquery(_latest_change_on(as_of).values("to_stage")[:1])


def status_on(as_of: date) -> Subquery:
    """open / won / lost at the end of `as_of` (None if not yet created)."""
    return Subquery(_latest_change_on(as_of).values("to_status")[:1])
