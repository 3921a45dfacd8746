"""Roadmap phases as the demo plans them (SPEC §6): P0 before the quota start, then P1–P4
by whole months since it; from month 12 the yearly cycle repeats P2–P4's standards.

The roadmap app owns the real rules; the demo only needs them to pick tenures and to
generate work that fits each person's standards.
"""

from datetime import date

from salespath.lib.fiscal import add_months


def months_since(quota_start: date, day: date) -> int:
    """Whole months from the quota start to `day` (-1 before it)."""
    if day < quota_start:
        return -1
    months = 0
    while add_months(quota_start, months + 1) <= day:
        months += 1
    return months


def phase_on(quota_start: date, day: date) -> str:
    """P0–P4; in later quota years the first half uses P2's standards, then P3's and P4's."""
    months = months_since(quota_start, day)
    if months < 0:
        return "P0"
    if months >= 12:
        months = max(3, months % 12)
    return "P1" if months < 3 else "P2" if months < 6 else "P3" if months < 9 else "P4"


def is_second_year(quota_start: date, day: date) -> bool:
    return months_since(quota_start, day) >= 12
