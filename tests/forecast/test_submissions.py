"""Submissions (上报): who may submit, immutability, who has submitted, changes between
forecasts and the accuracy of a scripted quarter (2026Q2, January fiscal year)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from salespath.errors import Conflict, DomainError, NotAllowed
from salespath.forecast.models import ForecastSnapshot
from salespath.forecast.services import forecast_submit
from salespath.forecast.submissions import forecast_accuracy, forecast_changes, team_submissions
from salespath.lib.fiscal import FiscalQuarter
from salespath.org.scopes import Scope
from tests.factories import written
from tests.forecast.builders import deal, lose, sign, win

APR_3, MAY_15, JUN_30 = date(2026, 4, 3), date(2026, 5, 15), date(2026, 6, 30)


def test_a_submission_freezes_every_opportunity_behind_the_forecast(cast):
    a = deal(cast.salesperson, amount="100.00", category="commit", close=date(2026, 5, 20))
    deal(cast.salesperson, category="omitted")
    deal(cast.teammate)  # someone else's
    submission = forecast_submit(person=cast.salesperson, as_of=APR_3, by=cast.salesperson)
    rows = list(submission.snapshots.order_by("opportunity_id"))
    assert [(r.opportunity_id, r.category_column, r.time_column) for r in rows][0] == (
        a.pk,
        "commit_q",
        "m0_3",
    )
    assert [r.category for r in rows] == ["commit", "omitted"]
    assert rows[1].category_column == ""  # omitted: frozen, but in no column
    a.amount = Decimal("999.00")
    a.save()
    written(a)
    rows[0].refresh_from_db()
    assert rows[0].amount == Decimal("100.00")


def test_submissions_and_their_rows_cannot_be_changed_or_deleted(cast):
    deal(cast.salesperson)
    submission = forecast_submit(person=cast.salesperson, as_of=APR_3, by=cast.salesperson)
    snapshot = ForecastSnapshot.objects.get(submission=submission)
    snapshot.amount = Decimal(1)
    with pytest.raises(PermissionError):
        snapshot.save()
    with pytest.raises(PermissionError):
        snapshot.delete()
    with pytest.raises(PermissionError):
        submission.delete()


def test_submitting_the_same_date_twice_is_refused_and_keeps_the_first(cast):
    deal(cast.salesperson)
    first = forecast_submit(person=cast.salesperson, as_of=APR_3, by=cast.salesperson)
    with pytest.raises(Conflict, match="2026-04-03") as refused:
        forecast_submit(person=cast.salesperson, as_of=APR_3, by=cast.supervisor)
    assert refused.value.code == "already_submitted"
    assert list(cast.salesperson.forecast_submissions.all()) == [first]


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("salesperson", True),
        ("supervisor", True),
        ("branch_gm", True),
        ("teammate", False),
        ("other_supervisor", False),
        ("executive", False),
    ],
)
def test_only_the_person_their_supervisor_or_branch_gm_may_submit(cast, who, allowed):
    by = getattr(cast, who)
    if allowed:
        submission = forecast_submit(person=cast.salesperson, as_of=APR_3, by=by)
        assert submission.submitted_by == by
    else:
        with pytest.raises(NotAllowed, match="李明"):
            forecast_submit(person=cast.salesperson, as_of=APR_3, by=by)
        assert not cast.salesperson.forecast_submissions.exists()


def test_a_forecast_for_a_future_date_is_refused(cast):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(DomainError, match="尚未到来"):
        forecast_submit(person=cast.salesperson, as_of=tomorrow, by=cast.salesperson)


@pytest.fixture
def quarter(cast):
    """2026Q2 as it happened, with submissions on 3 April and 15 May."""
    li, wang = cast.salesperson, cast.teammate
    a = deal(li, name="A", amount="100000.00", category="commit", close=date(2026, 5, 20))
    b = deal(li, name="B", amount="50000.00", category="best_case", close=date(2026, 6, 15))
    c = deal(li, name="C", amount="30000.00", category="pipeline", close=date(2026, 9, 1))
    e = deal(li, name="E", amount="5000.00", category="pipeline", close=date(2026, 6, 1))
    deal(wang, name="W", amount="10000.00", category="commit", close=date(2026, 6, 30))
    april = forecast_submit(person=li, as_of=APR_3, by=li)

    a.amount = Decimal("120000.00")
    a.save()
    b.expected_close = date(2026, 8, 10)  # slips into Q3
    b.save()
    c.forecast_category, c.expected_close = "commit", date(2026, 6, 20)  # pulled in
    c.save()
    d = deal(
        li,
        name="D",
        amount="40000.00",
        category="commit",
        close=date(2026, 6, 25),
        created=date(2026, 4, 20),
    )
    lose(e, date(2026, 5, 2))
    may = forecast_submit(person=li, as_of=MAY_15, by=cast.supervisor)
    forecast_submit(person=wang, as_of=MAY_15, by=wang)

    win(a, date(2026, 6, 20), signed=date(2026, 6, 10))
    sign(d, date(2026, 6, 28))
    return {"april": april, "may": may, "a": a, "b": b, "c": c, "d": d, "e": e}


def kinds(report):
    return {change["name"]: change["kinds"] for change in report["changes"]}


def test_changes_between_two_submissions(quarter):
    report = forecast_changes(quarter["april"], quarter["may"])
    assert kinds(report) == {
        "A": ["amount_up"],
        "B": ["slipped"],
        "C": ["pulled_in", "category_changed"],
        "D": ["new"],
        "E": ["lost"],
    }
    assert report["summary"]["amount_up"] == {"count": 1, "amount": "20000.00"}
    assert report["summary"]["lost"] == {"count": 1, "amount": "5000.00"}
    slipped = next(c for c in report["changes"] if c["name"] == "B")
    assert (slipped["before"]["close_quarter"], slipped["after"]["close_quarter"]) == (
        "2026Q2",
        "2026Q3",
    )


def test_changes_between_a_submission_and_live_data(quarter):
    report = forecast_changes(quarter["may"], live_as_of=JUN_30)
    assert report["later"] == {"kind": "live", "as_of": "2026-06-30", "id": None}
    assert kinds(report) == {"A": ["won", "booked"], "D": ["booked"]}


def test_changes_refuse_submissions_of_two_people_or_backwards(quarter, cast):
    wang_may = cast.teammate.forecast_submissions.get()
    with pytest.raises(DomainError, match="同一个人"):
        forecast_changes(quarter["april"], wang_may)
    with pytest.raises(DomainError, match="2026-04-03"):
        forecast_changes(quarter["may"], quarter["april"])


def test_team_submissions_show_who_has_not_submitted(quarter, cast):
    april = team_submissions(cast.salesperson.team, APR_3)
    assert (april["submitted"], april["missing"]) == (["li"], ["wang"])
    li = april["people"][0]
    assert li["submitted_values"]["commit_q"] == "100000.00"
    assert li["live_values"]["commit_q"] == "150000.00"  # A grew and C was pulled in since
    assert team_submissions(cast.salesperson.team, MAY_15)["missing"] == []


def test_accuracy_of_the_scripted_quarter(quarter, cast):
    report = forecast_accuracy(FiscalQuarter(2026, 2), Scope("team", team=cast.salesperson.team))
    assert report["points"] == ["2026-04-03", "2026-05-15"]
    rows = {(r["level"], r["key"]): r for r in report["rows"]}
    li = rows[("person", "li")]
    assert li["booked"] == "160000.00"  # A 120 000 + D 40 000, both signed in June
    assert li["start"] == {
        "as_of": "2026-04-03",
        "submitted": 1,
        "committed": "100000.00",  # A
        "committed_best": "150000.00",  # A + B
        "commit_accuracy": "160.0",
        "best_accuracy": "106.7",
    }
    assert li["points"][1]["committed"] == "190000.00"  # A 120 + C 30 + D 40
    wang = rows[("person", "wang")]
    assert wang["booked"] == "0.00"
    assert wang["start"]["as_of"] == "2026-05-15"  # first submission on or after 1 April
    assert wang["points"][0]["submitted"] == 0
    team = rows[("team", "gz-1")]
    assert team["booked"] == "160000.00"
    assert team["start"]["committed"] == "110000.00"
    assert team["start"]["commit_accuracy"] == "145.5"
    assert [p["submitted"] for p in team["points"]] == [1, 2]
    assert team["points"][1]["committed"] == "200000.00"
    assert report["total"]["booked"] == "160000.00"


@pytest.mark.parametrize("extra", [0, 6])
def test_accuracy_query_count_does_not_grow(quarter, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        deal(cast.teammate, category="commit", close=date(2026, 6, 1))
    scope = Scope("team", team=cast.salesperson.team)
    with django_assert_num_queries(4):
        forecast_accuracy(FiscalQuarter(2026, 2), scope)


@pytest.mark.parametrize("extra", [0, 6])
def test_team_submissions_query_count_does_not_grow(
    quarter, cast, django_assert_num_queries, extra
):
    for _ in range(extra):
        deal(cast.teammate, category="commit", close=date(2026, 6, 1))
    # people, submissions, snapshot sums, whether the rollup covers the day (no: deals were
    # signed in June), whether a month end before it is kept (no), live forecast from the
    # opportunities (3), the forecast calendar
    with django_assert_num_queries(9):
        team_submissions(cast.salesperson.team, MAY_15)


@pytest.mark.parametrize("extra", [0, 6])
def test_changes_query_count_does_not_grow(quarter, cast, django_assert_num_queries, extra):
    for _ in range(extra):
        deal(cast.salesperson, category="commit", close=date(2026, 6, 1))
    with django_assert_num_queries(3):  # the earlier snapshot, the live rows and their lines
        forecast_changes(quarter["may"], live_as_of=JUN_30)
