"""Report pages: forecast submissions, changes, accuracy; the stage funnel; attainment."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from salespath.forecast.services import forecast_submit
from salespath.lib.fiscal import Period
from salespath.org.scopes import Scope
from salespath.pipeline import funnel_rollup
from salespath.pipeline.services import opportunity_lose
from salespath.web.funnel import attainment, stage_funnel
from tests.factories import OpportunityFactory, QuotaFactory, written

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["months", "history"])
def funnel_from(request, settings):
    """The funnel read from the stored months and from the history alone. These tests build
    history directly, as only the services may in production, so the months are rebuilt
    (the services keep them: tests/pipeline/test_funnel_rollup.py)."""
    settings.SALESPATH_FUNNEL_ROLLUP = request.param

    def ready():
        if request.param:
            funnel_rollup.rebuild()

    return ready


def test_team_submissions_show_who_has_and_has_not_submitted(login, cast, deal):
    today = timezone.localdate()
    forecast_submit(person=cast.salesperson, as_of=today, by=cast.salesperson)
    response = login(cast.supervisor).get(
        reverse("web:submissions") + f"?scope=team:{cast.salesperson.team.code}"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 已上报" in html
    assert str(cast.teammate) in html and "未上报" in html


def test_a_salesperson_sees_their_own_submissions_and_what_changed_since(login, cast, deal):
    today = timezone.localdate()
    submission = forecast_submit(person=cast.salesperson, as_of=today, by=cast.salesperson)
    client = login(cast.salesperson)
    history = client.get(reverse("web:submissions")).content.decode()
    assert f"earlier={submission.pk}" in history
    OpportunityFactory(owner=cast.salesperson, name="新增的项目", expected_close=today)
    changes = client.get(reverse("web:forecast_changes") + f"?earlier={submission.pk}")
    assert changes.status_code == 200
    assert "新增的项目" in changes.content.decode()


def test_someone_elses_submission_is_a_404(login, cast, deal):
    submission = forecast_submit(
        person=cast.salesperson, as_of=timezone.localdate(), by=cast.salesperson
    )
    response = login(cast.other_salesperson).get(
        reverse("web:forecast_changes") + f"?earlier={submission.pk}"
    )
    assert response.status_code == 404


def test_the_accuracy_page_shows_the_quarter_and_refuses_a_bad_one_politely(login, cast):
    client = login(cast.supervisor)
    response = client.get(reverse("web:accuracy") + "?quarter=2026Q2")
    assert response.status_code == 200 and "2026Q2" in response.content.decode()
    bad = client.get(reverse("web:accuracy") + "?quarter=soon")
    assert bad.status_code == 400 and "soon" in bad.content.decode()


def test_funnel_counts_reached_stages_conversion_and_days_in_stage(cast, funnel_from):
    from salespath.pipeline.services import opportunity_override

    today = timezone.localdate()
    created = today - timedelta(days=30)
    moved = OpportunityFactory(
        owner=cast.salesperson, created_on=created, amount=Decimal(300), expected_close=today
    )
    stays = OpportunityFactory(
        owner=cast.salesperson, created_on=created, amount=Decimal(100), expected_close=today
    )
    lost = OpportunityFactory(
        owner=cast.salesperson, created_on=created, amount=Decimal(50), expected_close=today
    )
    opportunity_override(
        opportunity=moved,
        to_stage="S3",
        by=cast.supervisor,
        reason="客户高层已确认",
        on=created + timedelta(days=10),
    )
    opportunity_lose(opportunity=lost, by=cast.salesperson, reason="预算取消")
    funnel_from()
    funnel = stage_funnel(
        Scope("person", person=cast.salesperson),
        Period(today - timedelta(days=90), today),
        today=today,
    )
    by_code = {stage.code: stage for stage in funnel.stages}
    assert funnel.cohort == 3 and funnel.lost == 1
    assert by_code["S2"].reached == 3 and by_code["S3"].reached == 1
    assert by_code["S2"].conversion == Decimal("33.3")
    assert by_code["S2"].average_days is not None
    assert by_code["S3"].open_count == 1 and by_code["S3"].open_amount == Decimal(300)
    assert by_code["S2"].open_count == 1  # the lost one is not open
    del stays


def test_the_funnel_page_makes_a_fixed_number_of_queries(login, cast, django_assert_num_queries):
    for _ in range(4):
        OpportunityFactory(owner=cast.salesperson)
    client = login(cast.supervisor)
    client.get(reverse("web:funnel"))
    # session, user, roles; scope options (branches/teams, people); stages, open per stage,
    # the cohort's and the stays' sums.
    with django_assert_num_queries(9):
        response = client.get(reverse("web:funnel"))
    assert 'data-testid="funnel-table"' in response.content.decode()
    for _ in range(6):
        OpportunityFactory(owner=cast.teammate)
    with django_assert_num_queries(9):
        client.get(reverse("web:funnel"))


def test_a_bad_period_falls_back_to_the_default_with_a_message(login, cast):
    response = login(cast.supervisor).get(reverse("web:funnel") + "?from=2026-13-01")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_attainment_is_booked_against_the_prorated_quota(cast):
    QuotaFactory(person=cast.salesperson, fiscal_year=2026, fiscal_quarter=1, amount=Decimal(1000))
    OpportunityFactory(
        owner=cast.salesperson, signed_on=date(2026, 2, 1), amount=Decimal(250), stage_id="S7"
    )
    gone = OpportunityFactory(
        owner=cast.salesperson, signed_on=date(2026, 2, 2), amount=Decimal(99)
    )
    opportunity_lose(opportunity=gone, by=cast.salesperson, reason="客户取消")
    rows, total = attainment(
        Scope("team", team=cast.salesperson.team), Period(date(2026, 1, 1), date(2026, 3, 31))
    )
    li = next(row for row in rows if row.person == cast.salesperson)
    assert li.booked == Decimal(250) and li.quota == Decimal(1000)
    assert li.percent == Decimal("25.0") and li.gap == Decimal(750)
    assert total.booked == Decimal(250)


def test_the_attainment_page_lists_the_team(login, cast, django_assert_max_num_queries):
    client = login(cast.supervisor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("web:attainment") + "?from=2026-01-01&to=2026-03-31")
    html = response.content.decode()
    assert str(cast.salesperson) in html and str(cast.teammate) in html


def test_days_in_stage_end_at_the_next_change_by_date_then_by_entry(cast, funnel_from):
    from django.utils import timezone as tz

    from salespath.pipeline.models import StageChange

    start = date(2026, 3, 2)
    ahead = OpportunityFactory(owner=cast.salesperson, created_on=start)
    later = OpportunityFactory(owner=cast.salesperson, created_on=start + timedelta(days=2))
    before = OpportunityFactory(owner=cast.salesperson, created_on=start - timedelta(days=40))

    def change(opportunity, stage, days, kind=StageChange.Kind.ADVANCE):
        StageChange.objects.create(
            opportunity=opportunity, kind=kind, to_stage_id=stage, to_status="open",
            effective_on=start + timedelta(days=days), at=tz.now(), by=cast.salesperson,
            reason="" if kind == StageChange.Kind.ADVANCE else "客户重新评估",
        )  # fmt: skip

    change(ahead, "S3", 10)
    change(ahead, "S4", 10)  # the same day, entered after S3: S3 lasted no day
    change(ahead, "S5", 14)
    change(before, "S3", 5)  # began in the period; its S2 stay began before it
    change(before, "S2", 9, StageChange.Kind.BACK)
    written(ahead, before)
    funnel_from()
    funnel = stage_funnel(
        Scope("person", person=cast.salesperson), Period(start, date(2026, 3, 31)), today=start
        + timedelta(days=29),
    )  # fmt: skip
    by_code = {stage.code: stage for stage in funnel.stages}
    # S2: ahead 10 days (done), later and before's second S2 still running
    assert (by_code["S2"].completed_stays, by_code["S2"].running_stays) == (1, 2)
    assert by_code["S2"].average_days == Decimal("10.0")
    # S3: ahead 0 days, before 4 days
    assert (by_code["S3"].completed_stays, by_code["S3"].running_stays) == (2, 0)
    assert by_code["S3"].average_days == Decimal("2.0")
    assert (by_code["S4"].completed_stays, by_code["S4"].average_days) == (1, Decimal("4.0"))
    assert (by_code["S5"].completed_stays, by_code["S5"].running_stays) == (0, 1)
    assert by_code["S5"].average_days is None
    del later
