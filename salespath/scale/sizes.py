"""The sizes of generated companies. S is about the demo's size; L is the target."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Size:
    name: str
    branches: int
    teams: int
    salespeople: int
    customers: int
    opportunities: int
    activities_per_opportunity: float  # on average; the total is about this × opportunities
    years: int = 5
    # Opportunities are written in chunks of this many, with all their rows, so memory stays
    # flat whatever the size.
    chunk: int = 10_000


SIZES = {
    "T": Size("T", 2, 4, 12, 60, 400, 3.0, chunk=150),  # tests only
    "S": Size("S", 2, 6, 40, 800, 4_000, 5.0),
    "M": Size("M", 5, 50, 500, 50_000, 200_000, 10.0),
    "L": Size("L", 20, 200, 2_000, 200_000, 1_000_000, 5.0),
}
