"""The state on a date read the fast way (current state unless the history changed after the
date) equals the state read from the history alone, on generated data with some deals that
changed after the day the data was generated."""

from datetime import date, timedelta

import pytest
from django.db.models import F, Max, OuterRef, Subquery
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salespath.forecast.sheet import evaluation_sheet
from salespath.forecast.state import Horizon, status_since
from salespath.org.models import Branch, Role, User
from salespath.org.scopes import Scope
from salespath.pipeline.history import stage_on, status_on
from salespath.pipeline.models import Opportunity, Stage, StageChange
from salespath.roadmap.goals import STAGE_THRESHOLDS, figures
from salespath.roadmap.phases import phase_on, quota_quarter_period, quota_year_period
from salespath.roadmap.playbook import Playbooks
from salespath.scale.generate import generate
from salespath.scale.sizes import SIZES
from tests.conftest import rows_for_the_module
from tests.factories import written
from tests.forecast.helpers import COMPANY

TODAY = date(2026, 6, 30)
LATER = TODAY + timedelta(days=20)


def _from_history_only(as_of: date, field: str) -> Subquery:
    return Subquery(
        StageChange.objects.filter(opportunity=OuterRef("pk"), effective_on__lte=as_of)
        .order_by("-effective_on", "-id")
        .values(field)[:1]
    )


@pytest.fixture(scope="module")
def _generated(django_db_setup, django_db_blocker):
    """Generated once for the module's tests (a test's own writes are rolled back before
    the next)."""
    with rows_for_the_module(django_db_blocker):
        yield _generate()


@pytest.fixture
def company(_generated, db):
    return _generated


def _generate() -> None:
    generate(size=SIZES["T"], seed=11, today=TODAY)
    # Some deals move after the generated day: lost, or (if lost) reopened, twenty days on.
    moved = list(Opportunity.objects.exclude(status="won").order_by("pk")[:40])
    for opportunity in moved:
        lost = opportunity.status == "lost"
        StageChange.objects.create(
            opportunity=opportunity,
            kind="reopen" if lost else "lose",
            from_stage_id=opportunity.stage_id,
            to_stage_id=opportunity.stage_id,
            from_status=opportunity.status,
            to_status="open" if lost else "lost",
            effective_on=LATER,
            at=timezone.now(),
            reason="客户重启项目" if lost else "预算取消",
        )
        opportunity.status = "open" if lost else "lost"
        opportunity.lost_on = None if lost else LATER
        opportunity.lost_reason = "" if lost else "预算取消"
        opportunity.history_until = LATER  # as the services keep it with every move
        opportunity.save()
    written(*moved)  # and the forecast's rollup


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.dates(TODAY - timedelta(days=5 * 366), LATER + timedelta(days=30)))
def test_stage_status_and_status_since_on_any_day_match_the_history(company, day):
    fast = Opportunity.objects.annotate(
        on_stage=stage_on(day), on_status=status_on(day), since=status_since(day)
    ).values_list("pk", "on_stage", "on_status", "since")
    slow = Opportunity.objects.annotate(
        on_stage=_from_history_only(day, "to_stage"),
        on_status=_from_history_only(day, "to_status"),
        since=_from_history_only(day, "effective_on"),
    ).values_list("pk", "on_stage", "on_status", "since")
    fast_rows = {pk: (stage, status, since) for pk, stage, status, since in fast}
    for pk, stage, status, since in slow:
        got = fast_rows[pk]
        assert got[:2] == (stage, status), pk
        if status in ("won", "lost"):  # the only rows the evaluation sheet reads it for
            assert got[2] == since, pk


def test_every_generated_opportunity_carries_its_latest_stage_change_date(company):
    latest = (
        StageChange.objects.filter(opportunity=OuterRef("pk"))
        .values("opportunity")
        .annotate(latest=Max("effective_on"))
        .values("latest")
    )
    rows = Opportunity.objects.annotate(latest=Subquery(latest))
    assert rows.exists()
    assert not rows.exclude(history_until=F("latest")).exists()


@pytest.fixture
def company_with_notes(company):
    """The generated company, plus what the sheet reads from other places: notes on some
    open and finished deals, and rows written before their history date was kept (so the
    tests using it leave `history_until` differing, on purpose)."""
    opportunities = Opportunity.objects.order_by("pk")
    for opportunity in opportunities.filter(status="open")[:15]:
        Opportunity.objects.filter(pk=opportunity.pk).update(note=f"备注 {opportunity.pk}")
    for opportunity in opportunities.exclude(status="open")[:15]:
        Opportunity.objects.filter(pk=opportunity.pk).update(note=f"结束 {opportunity.pk}")
    undated = list(opportunities.values_list("pk", flat=True)[::7])
    Opportunity.objects.filter(pk__in=undated).update(history_until=None)
    return company


def _sheet_from_history_only(scope, day):
    """The sheet's rows as SPEC §4 defines them, read from the history alone."""
    period_start = Horizon.on(day).quarter.period.start
    rows = (
        Opportunity.objects.filter(created_on__lte=day, **scope.owner_filter())
        .annotate(
            on_stage=_from_history_only(day, "to_stage"),
            on_status=_from_history_only(day, "to_status"),
            since=_from_history_only(day, "effective_on"),
        )
        .values_list("pk", "on_stage", "on_status", "since", "note")
    )
    return sorted(
        (pk, stage, status, None if status == "open" else since, note)
        for pk, stage, status, since, note in rows
        if status == "open" or (status in ("won", "lost") and since >= period_start)
    )


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    day=st.dates(TODAY - timedelta(days=3 * 366), LATER + timedelta(days=30)),
    by_branch=st.booleans(),
)
@pytest.mark.drift("history_until")
def test_the_evaluation_sheet_on_any_day_matches_the_history(company_with_notes, day, by_branch):
    scope = Scope("branch", branch=Branch.objects.order_by("pk").first()) if by_branch else COMPANY
    sheet = evaluation_sheet(scope, day)
    got = sorted(
        (
            row["opportunity"],
            row["stage"],
            row["status"],
            row["status_since"] and date.fromisoformat(row["status_since"]),
            row["note"],
        )
        for row in sheet["rows"]
    )
    assert got  # the generated company has open deals on every one of these days
    assert got == _sheet_from_history_only(scope, day)


def _roadmap_figures_from_history_only(people, years, quarters2, day, big_sale):
    """The roadmap's figures by the rules in `roadmap.goals`, counted in Python over each
    opportunity's state read from the history alone."""
    first_s7 = (
        StageChange.objects.filter(
            opportunity=OuterRef("pk"), to_stage_id="S7", effective_on__lte=day
        )
        .order_by("effective_on", "id")
        .values("effective_on")[:1]
    )
    rows = Opportunity.objects.filter(owner__in=people, created_on__lte=day).annotate(
        on_stage=_from_history_only(day, "to_stage"),
        on_status=_from_history_only(day, "to_status"),
        s7_on=Subquery(first_s7),
    )
    order = dict(Stage.objects.values_list("code", "order"))
    found = {
        person.pk: {"at": {code: set() for code in STAGE_THRESHOLDS}, "year": 0, "q2": 0,
                    "open": 0, "big": 0}
        for person in people
    }  # fmt: skip
    for row in rows:
        if row.on_stage is None or row.on_status == "lost":
            continue
        mine = found[row.owner_id]
        for code in STAGE_THRESHOLDS:
            if order[row.on_stage] >= order[code]:
                mine["at"][code].add(row.customer_id)
        year, quarter2 = years.get(row.owner_id), quarters2.get(row.owner_id)
        if year is None:
            continue
        signed = row.signed_on is not None and row.signed_on <= day
        if signed and row.signed_on >= year.start:
            mine["year"] += row.amount
        if signed and quarter2.start <= row.signed_on <= quarter2.end:
            mine["q2"] += row.amount
        closes = row.signed_on if row.signed_on and row.signed_on > day else row.expected_close
        if (row.on_status == "open" and not signed and row.forecast_category != "omitted"
                and closes <= year.end):  # fmt: skip
            mine["open"] += row.amount
        if (row.on_stage == "S7" and row.amount >= big_sale and row.s7_on
                and row.s7_on >= year.start):  # fmt: skip
            mine["big"] += 1
    return {
        pk: ({code: len(customers) for code, customers in f["at"].items()},
             f["year"], f["q2"], f["open"], f["big"])
        for pk, f in found.items()
    }  # fmt: skip


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=st.dates(TODAY - timedelta(days=2 * 366), LATER + timedelta(days=30)))
@pytest.mark.drift("history_until")
def test_the_roadmap_figures_on_any_day_match_the_history(company_with_notes, day):
    people = list(User.objects.filter(roles__role=Role.SALESPERSON).order_by("pk"))
    playbook = Playbooks().on(day)
    phases = {
        person.pk: phase_on(
            hire_date=person.hire_date,
            quota_start=person.quota_start_date,
            day=day,
            training_months=playbook.training_months,
        )
        for person in people
    }
    years, quarters2 = {}, {}
    for person in people:
        phase = phases[person.pk]
        if phase and phase.quota_year:
            years[person.pk] = quota_year_period(person.quota_start_date, phase.quota_year)
            quarters2[person.pk] = quota_quarter_period(
                person.quota_start_date, phase.quota_year, 2
            )
    got = {
        pk: (f.customers_at, f.booked_year, f.booked_quarter2, f.open_in_year, f.big_sales)
        for pk, f in figures(people, phases, day, playbook).items()
    }
    expected = _roadmap_figures_from_history_only(
        people, years, quarters2, day, playbook.big_sale_amount
    )
    assert any(customers["S2"] for customers, *_ in got.values())  # something to compare
    assert years  # and people in a quota year
    assert got == expected
