"""A submission totals exactly what the live forecast showed when it was submitted (issue 17
item 1): deals lost earlier in the year are frozen with the submission, so the next
comparison can say "lost", but they count in no column."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salespath.forecast.queries import forecast
from salespath.forecast.services import forecast_submit
from salespath.forecast.state import COLUMNS, VIEWS
from salespath.forecast.submissions import (
    forecast_accuracy,
    forecast_changes,
    submission_figures,
    team_submissions,
)
from salespath.lib.fiscal import FiscalQuarter
from salespath.org.scopes import Scope
from tests.forecast.builders import deal, lose, reopen, sign, win

MAY_15 = date(2026, 5, 15)


def live_row(person, as_of: date, view: str, weighted: bool = False) -> dict:
    report = forecast(Scope("person", person=person), as_of, view, weighted=weighted)
    return next(r for r in report["rows"] if r["level"] == "person")


@pytest.fixture
def with_lost_deals(cast):
    """li's open deals in three columns, and three deals lost this year that had sat in the
    same columns before they were lost."""
    deal(cast.salesperson, amount="100000.00", category="commit", close=date(2026, 6, 20))
    deal(cast.salesperson, amount="2600000.00", category="best_case", close=date(2026, 8, 1))
    deal(cast.salesperson, amount="3730000.00", category="pipeline", close=date(2026, 11, 1))
    for amount, category, close in (
        ("310000.00", "commit", date(2026, 6, 1)),
        ("220000.00", "best_case", date(2026, 8, 20)),
        ("170000.00", "pipeline", date(2026, 10, 1)),
    ):
        lose(deal(cast.salesperson, amount=amount, category=category, close=close), MAY_15)
    return forecast_submit(person=cast.salesperson, as_of=date(2026, 5, 20), by=cast.salesperson)


def test_the_team_page_and_command_show_what_the_live_forecast_showed(cast, with_lost_deals):
    live = live_row(cast.salesperson, with_lost_deals.as_of, "category")["values"]
    assert live["commit_q"] == "100000.00" and live["best_next_q"] == "2600000.00"

    report = team_submissions(cast.salesperson.team, with_lost_deals.as_of)
    li = next(p for p in report["people"] if p["person"] == "li")
    assert li["submitted_values"] == li["live_values"] == live

    out = StringIO()
    call_command(
        "forecast-submissions",
        "--team",
        "gz-1",
        "--as-of",
        "2026-05-20",
        "--format",
        "json",
        stdout=out,
    )
    li = next(p for p in json.loads(out.getvalue())["people"] if p["person"] == "li")
    assert li["submitted_values"] == live


def test_the_frozen_lost_deals_sit_in_no_column_and_changes_see_nothing_new(cast, with_lost_deals):
    lost = with_lost_deals.snapshots.filter(status="lost")
    assert lost.count() == 3
    assert set(lost.values_list("time_column", "category_column")) == {("", "")}
    changes = forecast_changes(with_lost_deals, live_as_of=with_lost_deals.as_of)
    assert changes["changes"] == []


def test_accuracy_counts_what_was_committed_not_the_deals_already_lost(cast, with_lost_deals):
    live = live_row(cast.salesperson, with_lost_deals.as_of, "category")["values"]
    report = forecast_accuracy(FiscalQuarter(2026, 2), Scope("person", person=cast.salesperson))
    point = report["total"]["points"][0]
    assert point["committed"] == live["commit_q"] == "100000.00"
    committed_best = Decimal(live["commit_q"]) + Decimal(live["best_q"])
    assert point["committed_best"] == f"{committed_best:.2f}"


# --- every total and cell, for random pipelines and dates ---------------------------------

CATEGORIES = ["commit", "best_case", "pipeline", "omitted"]


@pytest.mark.django_db
@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    deals=st.lists(
        st.tuples(
            st.integers(-20, 500),  # days from creation to the cutoff date
            st.integers(0, 700),  # days from creation to expected close
            st.integers(1, 10_000_000),  # cents
            st.sampled_from(CATEGORIES),
            st.sampled_from(["S2", "S4", "S6"]),
            st.sampled_from([None, "signed", "won", "lost", "reopened"]),
            st.integers(0, 250),  # days from creation to the event
            st.integers(0, 100),  # probability
        ),
        min_size=1,
        max_size=8,
    ),
    as_of=st.dates(date(2025, 6, 1), date(2026, 11, 30)),
)
def test_a_submission_totals_every_cell_of_the_live_forecast(cast, deals, as_of):
    with transaction.atomic():
        for age, close_after, amount_cents, category, stage, event, event_after, chance in deals:
            created = as_of - timedelta(days=age)
            opportunity = deal(
                cast.salesperson,
                amount=Decimal(amount_cents) / 100,
                close=created + timedelta(days=close_after),
                category=category,
                created=created,
                stage=stage,
                probability=chance,
            )
            when = created + timedelta(days=event_after)
            if event in ("signed", "won"):
                sign(opportunity, when)
            if event == "won":
                win(opportunity, when + timedelta(days=5))
            if event in ("lost", "reopened"):
                lose(opportunity, when)
            if event == "reopened":
                reopen(opportunity, when + timedelta(days=3))
        submission = forecast_submit(person=cast.salesperson, as_of=as_of, by=cast.salesperson)
        for view in VIEWS:
            for weighted in (False, True):
                frozen = submission_figures([submission.pk], view, weighted=weighted)
                frozen = frozen.get(submission.pk)
                live = live_row(cast.salesperson, as_of, view, weighted)
                for column in COLUMNS[view]:
                    amount = f"{frozen.values[column]:.2f}" if frozen else "0.00"
                    count = frozen.counts[column] if frozen else 0
                    assert (amount, count) == (
                        live["values"][column],
                        live["counts"][column],
                    ), (view, weighted, column)
        report = team_submissions(cast.salesperson.team, as_of)
        li = next(p for p in report["people"] if p["person"] == "li")
        assert li["submitted_values"] == li["live_values"]
        transaction.set_rollback(True)
