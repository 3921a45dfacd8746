"""The supervisor / branch GM rule is one rule: its predicate, its filter on the people
supervised and its filter on the supervisors all say the same, for every pair of people."""

import itertools

import pytest

from salespath.org.access import (
    supervised,
    supervises,
    supervisors,
    visible_people,
    widest_scope_kind,
)
from salespath.org.models import User
from tests.factories import BranchFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    north, south = BranchFactory(code="north"), BranchFactory(code="south")
    n1, n2 = TeamFactory(code="n1", branch=north), TeamFactory(code="n2", branch=north)
    s1 = TeamFactory(code="s1", branch=south)
    return [
        UserFactory(username="sales_n1", team=n1),
        UserFactory(username="sales_n2", team=n2),
        UserFactory(username="sales_s1", team=s1),
        UserFactory(username="sup_n1", team=n1, roles=["supervisor"]),
        UserFactory(username="sup_s1", team=s1, roles=["supervisor", "salesperson"]),
        UserFactory(username="gm_north", team=None, branch=north, roles=["branch_gm"]),
        UserFactory(username="gm_sup", team=n2, roles=["branch_gm", "supervisor"]),
        UserFactory(username="gm_nobranch", team=None, branch=None, roles=["branch_gm"]),
        UserFactory(username="sup_noteam", team=None, branch=None, roles=["supervisor"]),
        UserFactory(username="loner", team=None, branch=None),
        UserFactory(username="boss", team=None, branch=None, roles=["executive"]),
    ]


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_the_predicate_and_both_filters_agree_for_every_pair(people):
    for viewer, person in itertools.product(people, people):
        viewer, person = _fresh(viewer), _fresh(person)
        expected = supervises(viewer, person)
        as_supervised = supervised(viewer)
        in_supervised = as_supervised is not None and (
            User.objects.filter(as_supervised, pk=person.pk).exists()
        )
        in_supervisors = User.objects.filter(supervisors(person), pk=viewer.pk).exists()
        assert in_supervised == expected, (viewer.username, person.username)
        assert in_supervisors == expected, (viewer.username, person.username)


def test_who_supervises_whom(people):
    by_name = {p.username: _fresh(p) for p in people}

    def names(viewer: str) -> set[str]:
        return {p for p in by_name if supervises(by_name[viewer], by_name[p])}

    assert names("sup_n1") == {"sales_n1", "sup_n1"}
    assert names("gm_north") == {"sales_n1", "sales_n2", "sup_n1", "gm_north", "gm_sup"}
    assert names("gm_sup") == names("gm_north")
    assert names("gm_nobranch") == set()
    assert names("sup_noteam") == set()
    assert names("sales_n1") == set()
    # Executives see everyone, but supervise nobody: they do not approve or override.
    assert names("boss") == set()
    assert set(visible_people(by_name["boss"]).values_list("username", flat=True)) >= set(by_name)


def test_the_widest_scope_follows_the_same_roles(people):
    kinds = {p.username: widest_scope_kind(_fresh(p)) for p in people}
    assert kinds["boss"] == "company"
    assert kinds["gm_north"] == kinds["gm_sup"] == "branch"
    assert kinds["sup_n1"] == "team"
    assert kinds["gm_nobranch"] == kinds["sup_noteam"] == kinds["sales_n1"] == "person"
