from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from salespath.errors import DomainError, NotAllowed
from salespath.lib.fiscal import Period
from salespath.org.models import Quota
from salespath.org.quotas import quota_for_period, quota_set, quota_start_set, quotas_for_period
from tests.factories import QuotaFactory, UserFactory

pytestmark = pytest.mark.django_db


def quarters(person, amount, *pairs):
    for year, quarter in pairs:
        QuotaFactory(person=person, fiscal_year=year, fiscal_quarter=quarter, amount=amount)


def test_quota_year_starting_mid_quarter_takes_each_quarter_by_its_overlap_days():
    person = UserFactory()
    quarters(person, Decimal(900000), (2026, 1), (2026, 2), (2026, 3), (2026, 4), (2027, 1))
    # 2026-02-15 … 2027-02-14: 45 of Q1's 90 days, Q2–Q4 whole, 45 of 2027Q1's 90 days.
    year = Period(date(2026, 2, 15), date(2027, 2, 14))
    assert quota_for_period(person, year) == Decimal("3600000.00")


def test_part_of_one_quarter_is_its_share_of_the_quarter_to_the_cent():
    person = UserFactory()
    quarters(person, Decimal(1000000), (2026, 3))  # Jul–Sep, 92 days
    assert quota_for_period(person, Period(date(2026, 7, 1), date(2026, 7, 31))) == Decimal(
        "336956.52"
    )


def test_a_person_without_quotas_has_zero():
    assert quota_for_period(UserFactory(), Period(date(2026, 1, 1), date(2026, 12, 31))) == 0


def test_quotas_for_many_people_take_one_query(django_assert_num_queries):
    people = [UserFactory() for _ in range(5)]
    for person in people:
        quarters(person, Decimal(100), (2026, 1), (2026, 2))
    with django_assert_num_queries(1):
        found = quotas_for_period(people, Period(date(2026, 1, 1), date(2026, 6, 30)))
    assert set(found.values()) == {Decimal("200.00")}


def test_quota_set_creates_then_updates_the_quarter(cast):
    quota_set(
        person=cast.salesperson, fiscal_year=2026, fiscal_quarter=2, amount="500000", by=cast.admin
    )
    quota_set(
        person=cast.salesperson, fiscal_year=2026, fiscal_quarter=2, amount="600000", by=cast.admin
    )
    assert Quota.objects.get(person=cast.salesperson).amount == Decimal(600000)


@pytest.mark.parametrize(
    ("year", "quarter", "amount", "message"),
    [
        (2026, 1, "-1", "定额不能为负数"),
        (2026, 5, "100", "不存在财年季度 2026Q5"),
        (2026, 0, "100", "不存在财年季度 2026Q0"),
        (1999, 1, "100", "不存在财年季度 1999Q1"),
        (2026, 1, "lots", "不是金额"),
    ],
)
def test_quota_set_refuses_bad_input_with_a_translated_message(
    cast, year, quarter, amount, message
):
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        quota_set(
            person=cast.salesperson,
            fiscal_year=year,
            fiscal_quarter=quarter,
            amount=amount,
            by=cast.admin,
        )
    assert message in refused.value.message
    assert not Quota.objects.exists()


def test_only_an_administrator_sets_quotas(cast):
    with pytest.raises(NotAllowed):
        quota_set(
            person=cast.salesperson,
            fiscal_year=2026,
            fiscal_quarter=1,
            amount=1,
            by=cast.supervisor,
        )
    assert not Quota.objects.exists()


def test_quota_start_before_the_hire_date_is_refused_and_nothing_written(cast):
    person = cast.salesperson  # hired 2025-01-06
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        quota_start_set(person=person, on=date(2025, 1, 5), by=cast.admin)
    assert "不能早于入职日期" in refused.value.message
    person.refresh_from_db()
    assert person.quota_start_date is None


def test_quota_start_on_the_hire_date_is_accepted(cast):
    quota_start_set(person=cast.salesperson, on=date(2025, 1, 6), by=cast.admin)
    cast.salesperson.refresh_from_db()
    assert cast.salesperson.quota_start_date == date(2025, 1, 6)
