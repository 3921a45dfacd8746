"""Items of the roadmap (a weekly standard or a phase goal) and how each is judged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy as _

MET = "met"
ON_TRACK = "on_track"
BEHIND = "behind"

STATUS_LABELS = {MET: _("met"), ON_TRACK: _("on track"), BEHIND: _("behind")}

Number = int | Decimal


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    value: Number | None
    target: Number | None
    unit: str  # "count" | "hours" | "percent" | "signoff"
    status: str | None
    # The upper end of a range standard ("6–8 visits"); the lower end is the standard.
    target_upper: Number | None = None

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status]) if self.status else "—"


def judge(
    value: Number | None, target: Number | None, *, start: date, end: date, as_of: date
) -> str | None:
    """met when value ≥ target; otherwise on track while progress (value / target) is at
    least the share of the window [start, end] elapsed at the end of `as_of`, else behind.

    On or after the last day the whole window has elapsed, so anything not met is behind.
    Compared in exact fractions: 5 of 20 is on track on day 22 of 91 (0.25 ≥ 22/91) and
    behind on day 23.
    """
    if value is None or target is None:
        return None
    if value >= target:
        return MET
    total = (end - start).days + 1
    elapsed = max(0, min(total, (as_of - start).days + 1))
    if target <= 0:
        return MET
    progress = Fraction(value) / Fraction(target)
    return ON_TRACK if progress >= Fraction(elapsed, total) else BEHIND


def judge_signoff(signed: bool, *, end: date, as_of: date) -> str:
    """A skill is there or not: no partial progress to compare, so an unsigned skill is on
    track until its phase's last day and behind from then on."""
    if signed:
        return MET
    return ON_TRACK if as_of < end else BEHIND
