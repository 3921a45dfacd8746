"""Phase goals on an as-of date: every counting rule, coverage and achievement."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from salespath.pipeline.models import Attestation, ForecastCategory
from salespath.roadmap.models import Playbook, SignOff
from salespath.roadmap.queries import roadmap
from tests.factories import CustomerFactory, QuotaFactory
from tests.roadmap.builders import advance, lose, opportunity, sign, win

pytestmark = pytest.mark.django_db


def goals(person, as_of):
    return {goal.key: goal for goal in roadmap(person, as_of).goals}


def quota_from(person, start: date):
    person.quota_start_date = start
    person.save()
    return person


def test_customers_at_a_stage_count_distinct_customers_not_lost_won_included(cast):
    li = quota_from(cast.salesperson, date(2026, 1, 5))  # P1 until 2026-04-04
    day = date(2026, 1, 10)
    twice = opportunity(li, on=day, stage="S3")
    opportunity(li, on=day, stage="S5", customer=twice.customer)  # same customer again
    won = opportunity(li, on=day, stage="S6")
    win(won, date(2026, 2, 1))
    lose(opportunity(li, on=day, stage="S5"), date(2026, 2, 1))
    opportunity(li, on=day, stage="S2")
    later = opportunity(li, on=day, stage="S2")
    advance(later, "S3", date(2026, 3, 1))  # after the date
    lost_later = opportunity(li, on=day, stage="S3")
    lose(lost_later, date(2026, 3, 1))  # still open on the date
    opportunity(cast.teammate, on=day, stage="S5")  # someone else's
    opportunity(li, on=date(2026, 2, 20), stage="S5")  # created after the date

    found = goals(li, date(2026, 2, 15))
    assert found["customers_s2"].value == 5
    assert found["customers_s3"].value == 3  # twice, won, lost_later
    assert found["customers_s5"].value == 2  # twice, won
    assert found["customers_s5"].status == "met"

    on_first = goals(li, date(2026, 1, 31))  # before the win and the loss
    assert on_first["customers_s5"].value == 3
    # On 03-01: later has reached S3 and the one created 02-20 counts; lost_later is out.
    assert goals(li, date(2026, 3, 1))["customers_s3"].value == 4


def test_target_customers_researched_are_owned_qualified_and_complete_on_the_date(cast):
    li = cast.salesperson  # hired 2025-01-06, no quota start: training
    as_of = date(2025, 3, 1)
    qualified = {
        "is_group_enterprise": True,
        "is_multi_site": True,
        "created_on": date(2025, 1, 10),
    }

    def attested(customer):
        for code in ("S1.3", "S1.4"):
            Attestation.objects.create(
                criterion_id=code, customer=customer, note="已调研", by=li, at=timezone.now()
            )
        return customer

    attested(CustomerFactory(owner=li, basics_completed_on=date(2025, 2, 1), **qualified))
    attested(CustomerFactory(owner=li, basics_completed_on=date(2025, 3, 2), **qualified))
    attested(
        CustomerFactory(owner=li, basics_completed_on=date(2025, 2, 1), size="small", **qualified)
    )
    CustomerFactory(owner=li, basics_completed_on=date(2025, 2, 1), **qualified)  # no S1.3/4
    CustomerFactory(
        owner=li,
        basics_completed_on=date(2025, 2, 1),
        size="small",
        target_override=True,
        created_on=date(2025, 1, 10),
    )
    attested(
        CustomerFactory(owner=cast.teammate, basics_completed_on=date(2025, 2, 1), **qualified)
    )
    found = goals(li, as_of)
    assert roadmap(li, as_of).phase.code == "P0"
    assert found["target_customers"].value == 2
    assert found["target_customers"].target == 20


def quotas_of(person, amount=Decimal(900000)):
    for year, quarter in [(2026, 1), (2026, 2), (2026, 3), (2026, 4), (2027, 1)]:
        QuotaFactory(person=person, fiscal_year=year, fiscal_quarter=quarter, amount=amount)


@pytest.fixture
def mid_quarter(cast):
    """Quota year 2026-02-16 … 2027-02-15; quota quarter 2 is 2026-05-16 … 2026-08-15."""
    li = quota_from(cast.salesperson, date(2026, 2, 16))
    quotas_of(li)
    day = date(2026, 3, 1)
    big = opportunity(li, on=day, stage="S5", amount=500000, expected_close=date(2026, 6, 30))
    win(big, date(2026, 6, 20), signed_on=date(2026, 6, 10))
    early = opportunity(li, on=day, stage="S6", amount=300000)
    win(early, date(2026, 4, 5), signed_on=date(2026, 4, 1))
    opportunity(li, on=day, stage="S4", amount=1000000, expected_close=date(2026, 12, 31))
    opportunity(li, on=day, stage="S3", amount=2000000, expected_close=date(2027, 3, 31))
    opportunity(li, on=day, stage="S5", amount=400000, expected_close=date(2026, 5, 1))  # overdue
    lose(
        opportunity(li, on=day, stage="S5", amount=800000, expected_close=date(2026, 10, 1)),
        date(2026, 6, 15),
    )
    opportunity(
        li,
        on=day,
        stage="S4",
        amount=600000,
        expected_close=date(2026, 9, 30),
        forecast_category=ForecastCategory.OMITTED,
    )
    sign(
        opportunity(li, on=day, stage="S6", amount=250000, expected_close=date(2026, 6, 30)),
        date(2026, 7, 5),
    )
    opportunity(li, on=date(2026, 7, 10), stage="S5", amount=999000)  # created after the date
    return li


def test_coverage_and_achievement_with_a_quota_year_starting_mid_quarter(mid_quarter):
    li = mid_quarter
    person = roadmap(li, date(2026, 7, 1))
    assert person.phase.code == "P2"
    assert person.annual_quota == Decimal("3600000.00")  # 44/90 + 3 whole + 46/90 quarters
    found = {goal.key: goal for goal in person.goals}
    # (booked 800,000 + open 1,000,000 + 400,000 overdue + 250,000 signed later) / 3,600,000
    assert found["coverage"].value == Decimal("68.1")
    assert found["coverage"].target == 75
    assert found["coverage"].status == "on_track"  # 0.908 ≥ 47/92
    # 500,000 / (900,000 × 46/91 + 900,000 × 46/92)
    assert found["quarter2_achievement"].value == Decimal("55.3")
    assert found["quarter2_achievement"].status == "on_track"  # 0.553 ≥ 47/92
    assert found["big_sales"].value == 1
    assert found["big_sales"].status == "met"


def test_coverage_on_an_earlier_date_reads_the_pipeline_as_it_stood(mid_quarter):
    found = goals(mid_quarter, date(2026, 6, 5))
    # booked 300,000; open 500,000 (signs 06-10) + 1,000,000 + 400,000 + 800,000 (lost
    # later) + 250,000 = 3,250,000 / 3,600,000
    assert found["coverage"].value == Decimal("90.3")
    assert found["coverage"].status == "met"
    assert found["quarter2_achievement"].value == Decimal("0.0")
    assert found["quarter2_achievement"].status == "behind"  # 0 < 21/92
    assert found["big_sales"].value == 0


def test_annual_achievement_counts_booked_amounts_in_the_quota_year(mid_quarter):
    found = goals(mid_quarter, date(2026, 9, 1))
    assert roadmap(mid_quarter, date(2026, 9, 1)).phase.code == "P3"
    # (500,000 + 300,000 + 250,000 signed 07-05) / 3,600,000
    assert found["annual_achievement"].value == Decimal("29.2")
    assert found["annual_achievement"].target == 50
    assert found["annual_achievement"].status == "on_track"  # 0.584 ≥ 17/92
    assert {"coverage", "annual_achievement", "customers_s5", "customers_s6"} == set(found)


def test_p4_goals_are_judged_at_the_phase_end(mid_quarter):
    found = goals(mid_quarter, date(2027, 2, 15))
    assert set(found) == {"coverage", "annual_achievement"}
    assert found["annual_achievement"].status == "behind"


def test_without_a_quota_coverage_and_achievement_have_no_status(cast):
    li = quota_from(cast.salesperson, date(2026, 2, 16))
    found = goals(li, date(2026, 9, 1))
    assert found["coverage"].value is None
    assert found["coverage"].status is None


def test_a_sale_below_the_big_sale_amount_does_not_count(cast):
    li = quota_from(cast.salesperson, date(2026, 2, 16))
    win(opportunity(li, on=date(2026, 3, 1), stage="S6", amount=349999), date(2026, 6, 1))
    assert goals(li, date(2026, 7, 1))["big_sales"].value == 0


def test_a_new_playbook_version_changes_evaluation_from_its_date_not_before(cast):
    li = quota_from(cast.salesperson, date(2026, 1, 5))
    opportunity(li, on=date(2026, 1, 10), stage="S5")
    Playbook.objects.create(effective_from=date(2026, 3, 1), p1_customers_s5=2)
    assert goals(li, date(2026, 2, 27))["customers_s5"].status == "met"
    assert goals(li, date(2026, 3, 2))["customers_s5"].target == 2
    assert goals(li, date(2026, 3, 2))["customers_s5"].status == "behind"


def test_signoffs_appear_as_goals_from_their_date(cast):
    li = quota_from(cast.salesperson, date(2026, 1, 5))
    SignOff.objects.create(
        person=li,
        item="product_introduction",
        signed_on=date(2026, 2, 1),
        signed_by=cast.supervisor,
    )
    before = goals(li, date(2026, 1, 31))["signoff_product_introduction"]
    after = goals(li, date(2026, 2, 1))["signoff_product_introduction"]
    assert (before.status, after.status) == ("on_track", "met")
    assert goals(li, date(2026, 4, 4))["signoff_technical_discussion"].status == "behind"
