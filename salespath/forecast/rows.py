"""Report rows: per-person figures rolled up to team, branch and company, in Python.

The rollup works on the per-person totals the SQL returns (a handful of rows per person),
never on opportunities. Amounts are rounded to cents per person first and the subtotals are
sums of those rounded figures, so every subtotal is exactly the sum of the rows under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
LEVELS = ("person", "team", "branch", "company")


def cents(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal | None) -> str:
    return f"{cents(value):.2f}"


@dataclass
class Figures:
    """Amounts and counts per column."""

    columns: Sequence[str]
    values: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for column in self.columns:
            self.values.setdefault(column, Decimal("0.00"))
            self.counts.setdefault(column, 0)

    def add(self, other: Figures) -> None:
        for column in self.columns:
            self.values[column] += other.values[column]
            self.counts[column] += other.counts[column]

    @property
    def total(self) -> Decimal:
        return sum(self.values.values(), Decimal("0.00"))

    def as_dict(self) -> dict:
        return {
            "values": {c: money(self.values[c]) for c in self.columns},
            "counts": dict(self.counts),
            "total": money(self.total),
        }

    @classmethod
    def summed(cls, columns: Sequence[str], parts: Iterable[Figures]) -> Figures:
        figures = cls(columns)
        for part in parts:
            figures.add(part)
        return figures


@dataclass
class Member:
    """One person's figures with where they sit in the organisation."""

    figures: Figures
    path: dict[str, tuple[str | None, str]]  # level -> (key, label)


def person_path(person) -> dict[str, tuple[str | None, str]]:
    team = person.team
    branch = team.branch if team else person.branch
    return {
        "person": (person.username, str(person)),
        "team": (team.code, str(team)) if team else (None, _("No team")),
        "branch": (branch.code, str(branch)) if branch else (None, _("No branch")),
        "company": (None, _("Company")),
    }


def _sort_key(key_label: tuple[str | None, str]) -> tuple:
    key, label = key_label
    return (key is None, key or "", label)


def rollup_rows(members: list[Member], lowest: str, highest: str, columns) -> list[dict]:
    """Rows from the `lowest` level up to `highest`, each group's children before its
    subtotal, like a spreadsheet with subtotals under each block."""
    low, high = LEVELS.index(lowest), max(LEVELS.index(lowest), LEVELS.index(highest))
    rows: list[dict] = []

    def emit(level: int, group: list[Member]) -> None:
        name = LEVELS[level]
        keyed: dict[tuple[str | None, str], list[Member]] = {}
        for member in group:
            keyed.setdefault(member.path[name], []).append(member)
        for key_label in sorted(keyed, key=_sort_key):
            children = keyed[key_label]
            if level > low:
                emit(level - 1, children)
            figures = Figures.summed(columns, (m.figures for m in children))
            rows.append(
                {"key": key_label[0], "label": key_label[1], "level": name} | figures.as_dict()
            )

    emit(high, members)
    return rows
