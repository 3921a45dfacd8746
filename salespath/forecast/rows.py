"""Report rows: per-person figures rolled up to team, branch and company, in Python.

The rollup works on the per-person totals the SQL returns (a handful of rows per person),
never on opportunities. Amounts are rounded to cents per person first and the subtotals are
sums of those rounded figures, so every subtotal is exactly the sum of the rows under it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
LEVELS = ("person", "team", "branch", "company")


def cents(value: Decimal | None) -> Decimal:
    return (value or Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal | None) -> str:
    return f"{cents(value):.2f}"


@dataclass(slots=True)
class Figures:
    """Amounts and counts per column. Amounts are Decimals of whole cents."""

    columns: Sequence[str]
    values: dict[str, Decimal] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        values, counts = self.values, self.counts
        if len(values) != len(self.columns) or len(counts) != len(self.columns):
            for column in self.columns:
                values.setdefault(column, ZERO)
                counts.setdefault(column, 0)

    def add(self, other: Figures) -> None:
        values, counts = self.values, self.counts
        other_values, other_counts = other.values, other.counts
        for column in self.columns:
            values[column] += other_values[column]
            counts[column] += other_counts[column]

    @property
    def total(self) -> Decimal:
        return sum(self.values.values(), ZERO)

    def as_dict(self) -> dict:
        # Whole cents already (every figure is made by `cents` or from integer cents, and
        # sums keep two places), so formatting rounds nothing — `money` would quantize.
        values = self.values
        return {
            "values": {c: f"{values[c]:.2f}" if values[c] else "0.00" for c in self.columns},
            "counts": dict(self.counts),
            "total": f"{self.total:.2f}",
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


def _sort_key(key_label: tuple[str | None, str]) -> tuple:
    key, label = key_label
    return (key is None, key or "", label)


def rollup_rows(members: list[Member], lowest: str, highest: str, columns) -> list[dict]:
    return rows_and_total(members, lowest, highest, columns)[0]


def rows_and_total(
    members: list[Member], lowest: str, highest: str, columns
) -> tuple[list[dict], Figures]:
    """The rows of `rollup_rows` and the figures of everyone in them.

    Rows from the `lowest` level up to `highest`, each group's children before its
    subtotal, like a spreadsheet with subtotals under each block. A group's figures are the
    sum of its children's (people or subgroups), so each figure is added once per level."""
    low, high = LEVELS.index(lowest), max(LEVELS.index(lowest), LEVELS.index(highest))
    rows: list[dict] = []

    def emit(level: int, group: list[Member]) -> Figures:
        name = LEVELS[level]
        keyed: dict[tuple[str | None, str], list[Member]] = {}
        for member in group:
            keyed.setdefault(member.path[name], []).append(member)
        figures = Figures(columns)
        for key_label in sorted(keyed, key=_sort_key):
            children = keyed[key_label]
            if level > low:
                subtotal = emit(level - 1, children)
            elif len(children) == 1:
                subtotal = children[0].figures  # a person's own row
            else:
                subtotal = Figures.summed(columns, (m.figures for m in children))
            rows.append(
                {"key": key_label[0], "label": key_label[1], "level": name} | subtotal.as_dict()
            )
            figures.add(subtotal)
        return figures

    return rows, emit(high, members)
