from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from salespath.activities.errors import ActivityInvalid, ActivityNotYours, ActivitySubjectNotFound
from salespath.activities.models import Activity
from salespath.activities.queries import activities_visible_to
from salespath.activities.services import activity_delete, activity_log, activity_update
from tests.factories import ActivityFactory, CustomerFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 2)


def log(person, **fields):
    values = {"kind": "prospecting", "occurred_on": DAY, "hours": "2"} | fields
    return activity_log(person=person, by=person, **values)


def test_a_visit_is_logged_with_customer_hours_purpose_and_outcome(cast):
    customer = CustomerFactory(owner=cast.salesperson)
    visit = log(
        cast.salesperson,
        kind="visit",
        hours="1.5",
        customer=customer,
        purpose="了解需求",
        outcome="约定演示",
    )
    assert visit.hours == Decimal("1.50")
    assert Activity.objects.get().customer == customer


def test_an_activity_on_an_opportunity_takes_its_customer(cast):
    opportunity = OpportunityFactory(owner=cast.salesperson)
    demo = log(cast.salesperson, kind="demo", opportunity=opportunity)
    assert demo.customer == opportunity.customer


@pytest.mark.parametrize(
    ("hours", "message"),
    [("-1", "小时数不能为负数"), ("25", "24 小时"), ("abc", "不是小时数"), ("1.234", "两位小数")],
)
def test_bad_hours_are_refused_with_a_translated_message(cast, hours, message):
    with translation.override("zh-hans"), pytest.raises(ActivityInvalid) as refused:
        log(cast.salesperson, hours=hours)
    assert message in refused.value.message
    assert not Activity.objects.exists()


def test_more_than_24_hours_in_one_day_in_total_is_refused(cast):
    log(cast.salesperson, hours="20")
    with translation.override("zh-hans"), pytest.raises(ActivityInvalid) as refused:
        log(cast.salesperson, hours="4.5")
    assert "2026-03-02 已记录 20 小时;再加 4.5 小时将超过一天 24 小时" in refused.value.message
    assert Activity.objects.count() == 1


def test_other_peoples_hours_do_not_count_against_ones_day(cast):
    log(cast.teammate, hours="20")
    log(cast.salesperson, hours="20")
    assert Activity.objects.count() == 2


def test_changing_an_activity_does_not_count_its_own_old_hours(cast):
    activity = log(cast.salesperson, hours="20")
    changed = activity_update(activity=activity, by=cast.salesperson, hours="24")
    assert changed.hours == Decimal(24)


def test_a_visit_without_customer_is_refused(cast):
    with translation.override("zh-hans"), pytest.raises(ActivityInvalid) as refused:
        log(cast.salesperson, kind="visit")
    assert "客户拜访" in refused.value.message  # 客户拜访需要填写客户。


def test_a_customer_one_may_not_see_is_refused(cast):
    theirs = CustomerFactory(owner=cast.other_salesperson)
    with pytest.raises(ActivitySubjectNotFound):
        log(cast.salesperson, kind="visit", customer=theirs)
    assert not Activity.objects.exists()


def test_an_opportunity_one_may_not_see_is_refused(cast):
    theirs = OpportunityFactory(owner=cast.other_salesperson)
    with pytest.raises(ActivitySubjectNotFound):
        log(cast.salesperson, kind="demo", opportunity=theirs)


def test_an_opportunity_of_another_customer_is_refused(cast):
    customer = CustomerFactory(owner=cast.salesperson)
    opportunity = OpportunityFactory(owner=cast.salesperson)
    with pytest.raises(ActivityInvalid):
        log(cast.salesperson, kind="demo", customer=customer, opportunity=opportunity)


def test_a_future_date_is_refused(cast):
    with pytest.raises(ActivityInvalid):
        log(cast.salesperson, occurred_on=timezone.localdate() + timedelta(days=1))


def test_an_unknown_kind_is_refused(cast):
    with pytest.raises(ActivityInvalid):
        log(cast.salesperson, kind="lunch")


def test_no_one_logs_for_someone_else(cast):
    with pytest.raises(ActivityNotYours):
        activity_log(
            person=cast.salesperson, kind="call", occurred_on=DAY, hours=1, by=cast.supervisor
        )


def test_only_the_author_changes_or_deletes_an_activity(cast):
    activity = log(cast.salesperson)
    with pytest.raises(ActivityNotYours):
        activity_update(activity=activity, by=cast.supervisor, hours="3")
    with pytest.raises(ActivityNotYours):
        activity_delete(activity=activity, by=cast.teammate)
    activity.refresh_from_db()
    assert activity.hours == Decimal(2)
    activity_delete(activity=activity, by=cast.salesperson)
    assert not Activity.objects.exists()


def test_a_refused_change_leaves_the_activity_as_it_was(cast):
    activity = log(cast.salesperson, purpose="寻找商机")
    with pytest.raises(ActivityInvalid):
        activity_update(activity=activity, by=cast.salesperson, purpose="新", hours="-2")
    activity.refresh_from_db()
    assert (activity.purpose, activity.hours) == ("寻找商机", Decimal(2))


def test_the_supervisor_sees_the_teams_activities_and_not_other_teams(cast):
    mine = ActivityFactory(person=cast.salesperson)
    teammates = ActivityFactory(person=cast.teammate)
    others = ActivityFactory(person=cast.other_salesperson)
    assert set(activities_visible_to(cast.supervisor)) == {mine, teammates}
    assert set(activities_visible_to(cast.salesperson)) == {mine}
    assert set(activities_visible_to(cast.branch_gm)) == {mine, teammates, others}
    assert set(activities_visible_to(cast.executive)) == {mine, teammates, others}
