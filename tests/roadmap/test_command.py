import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from salespath.roadmap.models import SignOff
from tests.factories import ActivityFactory, CustomerFactory, QuotaFactory
from tests.roadmap.builders import opportunity

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    with translation.override("zh-hans"):
        call_command("roadmap", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def team(cast):
    li = cast.salesperson
    li.quota_start_date = date(2026, 1, 5)  # P2 from 2026-04-05
    li.save()
    QuotaFactory(person=li, fiscal_year=2026, fiscal_quarter=2, amount=1000000)
    customer = CustomerFactory(owner=li)
    for day in range(22, 28):  # six visits in the week of 2026-06-22
        ActivityFactory(
            person=li, kind="visit", customer=customer, occurred_on=date(2026, 6, day), hours="1"
        )
    opportunity(li, on=date(2026, 2, 1), stage="S5", customer=customer, amount=200000)
    SignOff.objects.create(
        person=cast.teammate,
        item="first_conversation",
        signed_on=date(2025, 2, 1),
        signed_by=cast.supervisor,
    )
    return cast


def test_the_team_table_shows_each_persons_phase_standards_and_goals(team):
    text = run("--team", "gz-1", "--as-of", "2026-06-30")
    assert "广州一组 的成功路线图(2026-06-30)" in text
    assert "李明 (li) — P2 有定额的 3–6 个月" in text
    week = next(line for line in text.splitlines() if line.startswith("2026-W26"))
    assert "6 / ≥6–8 达标" in week  # six visits: met
    assert "0 / ≥10 落后" in week  # no prospecting
    assert "客户群覆盖全年定额" in text and "落后" in text
    assert "王芳 (wang) — P0 销售培训期" in text


def test_json_lists_everyone_with_every_item_and_status(team):
    data = json.loads(run("--team", "gz-1", "--as-of", "2026-06-30", "--format", "json"))
    li, wang = data["people"]
    assert li["phase"]["code"] == "P2"
    visits = {s["key"]: s for s in li["weeks"][-2]["standards"]}["visits"]
    assert (visits["value"], visits["target"], visits["status"]) == (6, 6, "met")
    goals = {goal["key"]: goal for goal in li["goals"]}
    assert goals["customers_s5"]["value"] == 1
    # 200,000 open, expected 2026-09-30, over the quota year's 1,000,000 × 86/91 quota …
    assert goals["coverage"]["status"] in {"on_track", "behind", "met"}
    assert {goal["key"]: goal["status"] for goal in wang["goals"]}[
        "signoff_first_conversation"
    ] == "met"


def test_a_person_seen_through_their_supervisors_eyes(team):
    text = run("--person", "li", "--as", "zhao", "--as-of", "2026-06-30")
    assert "李明 (li)" in text and "王芳" not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13-01"], "“2026-13-01”不是日期"),
        (["--team", "nope"], "“nope”"),
        (["--person", "nobody"], "没有人员“nobody”"),
        (["--as", "ghost"], "没有用户“ghost”"),
        (["--team", "gz-1", "--as", "chen"], "gz-1"),
    ],
)
def test_bad_input_is_refused_with_a_translated_message(team, args, message):
    with pytest.raises(CommandError) as refused:
        run(*args)
    assert message in str(refused.value)


def test_a_repeat_year_is_labelled_with_its_quota_year(team):
    text = run("--person", "li", "--as-of", "2027-02-01")
    assert "李明 (li) — P2 第 2 个定额年度的前 6 个月" in text
