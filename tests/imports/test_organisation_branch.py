"""An organisation file and a person's branch: a team member's branch is their team's, so
the import stores no branch of their own, and a row that names another branch for a team
member without naming their new team is refused rather than half-applied."""

from __future__ import annotations

import pytest
from django.utils import translation

from salespath.imports.errors import ImportRejected
from salespath.imports.services import import_files
from salespath.org.models import User

from .helpers import write_csv

pytestmark = pytest.mark.django_db

HEADERS = ["用户名", "姓名", "分公司", "团队", "角色"]


def test_a_new_team_member_takes_the_team_branch_and_a_gm_keeps_their_own(cast, tmp_path):
    rows = [
        HEADERS,
        ["sun", "孙丽", "深圳分公司", "深圳一组", "客户经理"],
        ["qian", "钱总", "深圳分公司", "", "总经理"],
    ]
    import_files(paths=[write_csv(tmp_path / "组织.csv", rows)])
    sun, qian = User.objects.get(username="sun"), User.objects.get(username="qian")
    assert sun.branch is None and sun.home_branch.code == "sz"
    assert qian.team is None and qian.home_branch.code == "sz"


def test_another_branch_for_a_team_member_needs_their_new_team(cast, tmp_path):
    rows = [HEADERS, ["li", "李明", "深圳分公司", "", ""]]
    with translation.override("en"), pytest.raises(ImportRejected) as refused:
        import_files(paths=[write_csv(tmp_path / "组织.csv", rows)])
    assert any("name their new team" in p.message for p in refused.value.problems)
    li = User.objects.get(username="li")
    assert li.branch is None and li.home_branch.code == "gz"
    rows = [HEADERS, ["li", "李明", "广州分公司", "", ""]]  # their team's branch: nothing to do
    import_files(paths=[write_csv(tmp_path / "组织.csv", rows)])
    assert User.objects.get(username="li").branch is None
