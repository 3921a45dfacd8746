"""The roadmap's booked and pipeline figures (SPEC §6) read SPEC §5's state on the date as the
forecast does: on random pipelines and dates, each figure equals a plain reading of the
rules, and booked in the quota year equals the forecast's `booked` cell when the fiscal year
is the quota year."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salespath.forecast.queries import forecast
from salespath.lib.fiscal import add_months
from salespath.org.scopes import Scope
from salespath.roadmap.goals import figures
from salespath.roadmap.models import Playbook
from salespath.roadmap.phases import P2, Phase, quota_quarter_period, quota_year_period
from tests.forecast.test_forecast_properties import Spec, build, specs, status_on


def _sum(amounts) -> Decimal:
    return sum(amounts, Decimal("0.00"))


def booked(pipeline: list[Spec], as_of: date, start: date, end: date) -> Decimal:
    """Booked on D (signed on or before it, not lost on it), signed within [start, end]."""
    return _sum(
        s.amount
        for s in pipeline
        if status_on(s, as_of) not in (None, "lost")
        and s.signed is not None
        and start <= s.signed <= min(end, as_of)
    )


def in_pipeline_closing_by(pipeline: list[Spec], as_of: date, end: date) -> Decimal:
    """Open on D in every sense, not omitted, closing (the category view's close date, an
    overdue one on D) on or before `end`."""
    total = []
    for s in pipeline:
        if status_on(s, as_of) != "open" or (s.signed is not None and s.signed <= as_of):
            continue
        if s.category == "omitted":
            continue
        close = max(s.signed if s.signed and s.signed > as_of else s.close, as_of)
        if close <= end:
            total.append(s.amount)
    return _sum(total)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    pipeline=st.lists(specs, max_size=8),
    start_month=st.integers(1, 12),
    days_in=st.integers(0, 364),
)
def test_booked_and_pipeline_figures_read_the_state_on_the_date(
    cast, settings, pipeline, start_month, days_in
):
    person = cast.salesperson
    quota_start = date(2026, start_month, 1)
    person.quota_start_date = quota_start
    person.save()
    year = quota_year_period(quota_start, 1)
    quarter2 = quota_quarter_period(quota_start, 1, 2)
    as_of = min(quota_start + timedelta(days=days_in), year.end)
    phase = Phase(P2, quota_start, add_months(quota_start, 6) - timedelta(days=1), 1)
    with transaction.atomic():
        for spec in pipeline:
            build(spec, person)
        found = figures([person], {person.pk: phase}, as_of, Playbook())[person.pk]
        assert found.booked_year == booked(pipeline, as_of, year.start, year.end)
        assert found.booked_quarter2 == booked(pipeline, as_of, quarter2.start, quarter2.end)
        assert found.open_in_year == in_pipeline_closing_by(pipeline, as_of, year.end)

        # The fiscal year starting on the quota start is the quota year: the forecast's
        # `booked` (state.py's reading) is the roadmap's booked in the year, to the cent.
        settings.SALESPATH_FISCAL_YEAR_START_MONTH = start_month
        report = forecast(Scope("person", person=person), as_of, "category", rollup=False)
        assert Decimal(report["total"]["values"]["booked"]) == found.booked_year
        transaction.set_rollback(True)
