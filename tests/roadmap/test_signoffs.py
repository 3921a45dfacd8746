from datetime import date

import pytest
from django.utils import translation

from salespath.roadmap.errors import AlreadySignedOff, SignOffInvalid, SignOffNotAllowed
from salespath.roadmap.models import SignOff
from salespath.roadmap.services import signoff_record

pytestmark = pytest.mark.django_db

DAY = date(2026, 2, 1)


def test_the_persons_supervisor_signs_off_a_skill_with_date_and_note(cast):
    signed = signoff_record(
        person=cast.salesperson,
        item="first_conversation",
        by=cast.supervisor,
        on=DAY,
        note="会问问题",
    )
    assert (signed.signed_by, signed.signed_on, signed.note) == (cast.supervisor, DAY, "会问问题")


@pytest.mark.parametrize(
    "who", ["salesperson", "teammate", "other_supervisor", "branch_gm", "admin"]
)
def test_anyone_but_a_supervisor_of_the_team_is_refused(cast, who):
    with translation.override("zh-hans"), pytest.raises(SignOffNotAllowed) as refused:
        signoff_record(
            person=cast.salesperson, item="first_conversation", by=getattr(cast, who), on=DAY
        )
    assert "只有李明所在团队的销售主管可以确认其能力" in refused.value.message
    assert not SignOff.objects.exists()


def test_a_supervisor_cannot_sign_off_themself(cast):
    with pytest.raises(SignOffNotAllowed):
        signoff_record(
            person=cast.supervisor, item="first_conversation", by=cast.supervisor, on=DAY
        )


def test_signing_off_the_same_skill_twice_is_refused(cast):
    signoff_record(person=cast.salesperson, item="first_conversation", by=cast.supervisor, on=DAY)
    with pytest.raises(AlreadySignedOff):
        signoff_record(
            person=cast.salesperson, item="first_conversation", by=cast.supervisor, on=DAY
        )
    assert SignOff.objects.count() == 1


@pytest.mark.parametrize(
    ("item", "on"),
    [
        ("juggling", DAY),
        ("first_conversation", date(2099, 1, 1)),
        ("first_conversation", date(2024, 1, 1)),
    ],
)
def test_an_unknown_skill_or_a_date_in_the_future_or_before_hire_is_refused(cast, item, on):
    with pytest.raises(SignOffInvalid):
        signoff_record(person=cast.salesperson, item=item, by=cast.supervisor, on=on)
    assert not SignOff.objects.exists()
