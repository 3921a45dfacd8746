"""Property tests on random pipelines: the SQL agrees with a plain-Python reading of
SPEC §5, every counted opportunity is in exactly one column per view, and every total adds
up (rows, columns, rollups, products, weighted ≤ unweighted)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salespath.forecast.queries import forecast, forecast_cell
from salespath.forecast.state import COLUMNS, Horizon
from tests.factories import batch
from tests.forecast.builders import deal, lose, reopen, sign, win
from tests.forecast.helpers import COMPANY

START, END = date(2025, 6, 1), date(2027, 12, 31)
CATEGORIES = ["commit", "best_case", "pipeline", "omitted"]


@dataclass
class Spec:
    owner: int
    created: date
    close_after: int
    amount: Decimal
    category: str
    stage: str
    signed_after: int | None
    won_after: int | None
    lost_after: int | None
    reopened_after: int | None
    split: bool

    @property
    def close(self) -> date:
        return self.created + timedelta(days=self.close_after)

    def _day(self, offset: int | None, base: date | None = None) -> date | None:
        return None if offset is None else (base or self.created) + timedelta(days=offset)

    @property
    def signed(self) -> date | None:
        return self._day(self.signed_after)

    @property
    def won(self) -> date | None:
        return None if self.signed is None else self._day(self.won_after, self.signed)

    @property
    def lost(self) -> date | None:
        return None if self.signed is not None else self._day(self.lost_after)

    @property
    def reopened(self) -> date | None:
        return None if self.lost is None else self._day(self.reopened_after, self.lost)


specs = st.builds(
    Spec,
    owner=st.integers(0, 2),
    created=st.dates(START, date(2026, 12, 31)),
    close_after=st.integers(0, 500),
    amount=st.decimals(0, 999999, places=2),
    category=st.sampled_from(CATEGORIES),
    stage=st.sampled_from(["S2", "S3", "S4", "S5", "S6"]),
    signed_after=st.none() | st.integers(0, 400),
    won_after=st.none() | st.integers(0, 200),
    lost_after=st.none() | st.integers(0, 400),
    reopened_after=st.none() | st.integers(1, 200),
    split=st.booleans(),
)


def status_on(spec: Spec, day: date) -> str | None:
    if spec.created > day:
        return None
    if spec.won and spec.won <= day:
        return "won"
    if spec.lost and spec.lost <= day and not (spec.reopened and spec.reopened <= day):
        return "lost"
    return "open"


def expected_column(spec: Spec, h: Horizon, view: str) -> str | None:
    """SPEC §5 read literally, in Python."""
    d, fy_start = h.as_of, h.fiscal_year.start
    if status_on(spec, d) in (None, "lost"):
        return None
    signed = spec.signed is not None and spec.signed <= d
    closed = spec.won is not None and spec.won <= d
    if view == "time":
        if closed:
            return "closed" if spec.won >= fy_start else None
        if spec.category == "omitted" and not signed:
            return None
        close = max(spec.won if spec.won and spec.won > d else spec.close, d)
        for months, column in ((3, "m0_3"), (6, "m3_6"), (9, "m6_9"), (12, "m9_12")):
            if close <= h.months_later(months):
                return column
        return "beyond_12"
    if signed:
        return "booked" if spec.signed >= fy_start else None
    if spec.category == "omitted" and not closed:
        return None
    close = max(spec.signed if spec.signed and spec.signed > d else spec.close, d)
    if spec.category == "commit" and close in h.quarter.period:
        return "commit_q"
    if spec.category == "best_case" and close in h.quarter.period:
        return "best_q"
    if spec.category in ("commit", "best_case") and close in h.next_quarter.period:
        return "best_next_q"
    return "pipeline"


def build(spec: Spec, owner):
    lines = None
    if spec.split:
        half = (spec.amount / 3).quantize(Decimal("0.01"))
        lines = {"erp": str(half), "hr": str(spec.amount - half)}
    opportunity = deal(
        owner,
        amount=spec.amount,
        created=spec.created,
        close=spec.close,
        category=spec.category,
        stage=spec.stage,
        lines=lines,
    )
    if spec.signed:
        sign(opportunity, spec.signed)
    if spec.won:
        win(opportunity, spec.won)
    if spec.lost:
        lose(opportunity, spec.lost)
    if spec.reopened:
        reopen(opportunity, spec.reopened)
    return opportunity


def check_adds_up(report: dict) -> None:
    columns = report["columns"]
    rows = report["rows"]
    for r in [*rows, report["total"]]:
        assert sum(Decimal(r["values"][c]) for c in columns) == Decimal(r["total"])
    for level, parent in (("person", "team"), ("team", "branch"), ("branch", "company")):
        children_by_parent: dict = {}
        current: list = []
        for r in rows:  # children come right before their subtotal row
            if r["level"] == level:
                current.append(r)
            elif r["level"] == parent:
                children_by_parent[r["key"]] = current
                for c in columns:
                    assert Decimal(r["values"][c]) == sum(
                        Decimal(child["values"][c]) for child in current
                    )
                    assert r["counts"][c] == sum(child["counts"][c] for child in current)
                current = []
    people = [r for r in rows if r["level"] == "person"]
    for c in columns:
        assert sum(Decimal(r["values"][c]) for r in people) == Decimal(report["total"]["values"][c])
        assert sum(r["counts"][c] for r in people) == report["total"]["counts"][c]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pipeline=st.lists(specs, max_size=8),
    as_of=st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    start_month=st.integers(1, 12),
)
def test_random_pipelines_land_where_the_spec_says_and_add_up(
    cast, settings, pipeline, as_of, start_month
):
    settings.SALESPATH_FISCAL_YEAR_START_MONTH = start_month
    owners = [cast.salesperson, cast.teammate, cast.other_salesperson]
    horizon = Horizon(as_of, start_month)
    with transaction.atomic():
        with batch():  # kept once, as one writer of many deals keeps them
            built = [(spec, build(spec, owners[spec.owner])) for spec in pipeline]
        for view in ("time", "category"):
            expected = {o.pk: expected_column(s, horizon, view) for s, o in built}
            cells = forecast_cell(COMPANY, as_of, view=view, level="company", key=None)
            # each counted opportunity exactly once, in the column the spec says
            assert sorted(c["opportunity"] for c in cells) == sorted(
                pk for pk, column in expected.items() if column
            )
            assert {c["opportunity"]: c["column"] for c in cells} == {
                pk: column for pk, column in expected.items() if column
            }
            plain = forecast(COMPANY, as_of, view=view)
            weighted = forecast(COMPANY, as_of, view=view, weighted=True)
            by_product = forecast(COMPANY, as_of, view=view, by="product")
            for column in COLUMNS[view]:
                amounts = [s.amount for s, o in built if expected[o.pk] == column]
                assert Decimal(plain["total"]["values"][column]) == sum(amounts, Decimal(0))
                assert plain["total"]["counts"][column] == len(amounts)
                assert Decimal(weighted["total"]["values"][column]) <= Decimal(
                    plain["total"]["values"][column]
                )
                assert weighted["total"]["counts"][column] == len(amounts)
                assert by_product["total"]["values"][column] == plain["total"]["values"][column]
                assert sum(Decimal(r["values"][column]) for r in by_product["rows"]) == Decimal(
                    plain["total"]["values"][column]
                )
            for report in (plain, weighted):
                check_adds_up(report)
                for low, high in zip(plain["rows"], weighted["rows"], strict=True):
                    for column in COLUMNS[view]:
                        assert Decimal(high["values"][column]) <= Decimal(low["values"][column])
        transaction.set_rollback(True)
