from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from salespath.org.models import Quota
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_quota_start_before_hire_date_is_refused_with_a_translated_message():
    person = UserFactory(hire_date=date(2026, 3, 1))
    person.quota_start_date = date(2026, 2, 1)
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "定额开始日期不能早于入职日期" in str(refused.value)


def test_the_database_refuses_a_quota_start_before_hire_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(hire_date=date(2026, 3, 1), quota_start_date=date(2026, 2, 1))


def test_negative_quota_is_refused_by_the_database():
    person = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.create(
            person=person, fiscal_year=2026, fiscal_quarter=1, amount=Decimal("-1")
        )


def test_fifth_quarter_is_refused():
    quota = Quota(person=UserFactory(), fiscal_year=2026, fiscal_quarter=5, amount=Decimal(1))
    with pytest.raises(ValidationError) as refused:
        quota.full_clean()
    assert "fiscal_quarter" in refused.value.message_dict


def test_a_team_member_may_not_name_a_branch_of_their_own():
    """Their branch is their team's (`home_branch`); a branch named beside it could only
    disagree with the team's later."""
    team = TeamFactory()
    person = UserFactory(team=team)
    person.branch = team.branch
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "branch" in refused.value.message_dict
    assert person.home_branch == team.branch
