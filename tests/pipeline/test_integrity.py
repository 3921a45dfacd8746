"""Stage integrity: opportunities ahead of their evidence, overrides, imported history."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from salespath.org.scopes import Scope, resolve_scope
from salespath.pipeline.models import Attestation, StageChange
from salespath.pipeline.queries import integrity_report
from salespath.pipeline.services import opportunity_advance, opportunity_override
from tests.factories import OpportunityFactory, written

from .evidence import evidence_up_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals(cast):
    clean = OpportunityFactory(
        owner=cast.salesperson, name="合规项目", expected_close=date(2027, 6, 30)
    )
    evidence_up_to(clean, "S3")
    opportunity_advance(opportunity=clean, to_stage="S3", by=cast.salesperson)

    overridden = OpportunityFactory(owner=cast.salesperson, name="越级项目")
    opportunity_override(opportunity=overridden, to_stage="S4", by=cast.supervisor, reason="老客户")

    slipped = OpportunityFactory(
        owner=cast.teammate, name="证据撤回项目", expected_close=date(2027, 6, 30)
    )
    evidence_up_to(slipped, "S3")
    opportunity_advance(opportunity=slipped, to_stage="S3", by=cast.teammate)
    Attestation.objects.filter(opportunity=slipped, criterion_id="S3.2").update(
        withdrawn_at=timezone.now(), withdrawn_by=cast.teammate
    )

    imported = OpportunityFactory(owner=cast.other_salesperson, name="导入项目", stage_id="S5")
    StageChange.objects.create(
        opportunity=imported,
        kind="import",
        to_stage_id="S5",
        to_status="open",
        effective_on=date(2026, 2, 1),
        at=timezone.now(),
        imported=True,
    )
    written(imported)
    return clean, overridden, slipped, imported


def test_report_lists_deals_ahead_of_evidence_overrides_and_imports(deals, cast):
    clean, overridden, slipped, imported = deals
    with translation.override("zh-hans"):
        report = integrity_report(Scope("company"))
    rows = {row["opportunity"]: row for row in report["rows"]}
    assert clean.pk not in rows
    assert (
        rows[overridden.pk]["ahead"] and rows[overridden.pk]["overrides"][0]["reason"] == "老客户"
    )
    assert rows[overridden.pk]["evidenced_stage"] is None
    assert rows[slipped.pk]["evidenced_stage"] == "S2"
    assert [gap["code"] for gap in rows[slipped.pk]["missing"]] == ["S3.2"]
    assert rows[imported.pk]["imported"] and rows[imported.pk]["stage"] == "S5"
    assert (report["checked"], report["flagged"], report["overridden"], report["imported"]) == (
        4,
        3,
        1,
        1,
    )


def test_a_team_scope_and_a_viewer_limit_the_report(deals, cast):
    report = integrity_report(resolve_scope(cast.supervisor), viewer=cast.supervisor)
    assert {row["name"] for row in report["rows"]} == {"越级项目", "证据撤回项目"}
    assert report["checked"] == 3


def test_report_runs_a_fixed_number_of_queries(deals, cast, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        integrity_report(Scope("company"))
    for _n in range(4):
        opportunity_override(
            opportunity=OpportunityFactory(owner=cast.salesperson),
            to_stage="S3",
            by=cast.supervisor,
            reason="x",
        )
    with django_assert_max_num_queries(16):
        assert integrity_report(Scope("company"))["flagged"] == 7


def test_command_prints_json_and_table(deals, capsys):
    call_command("integrity", "--team", "gz-1", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert report["scope"]["kind"] == "team" and report["flagged"] == 2
    call_command("integrity", "--format", "table")
    table = capsys.readouterr().out
    assert "越级项目" in table and "导入项目" in table and "合规项目" not in table


def test_command_as_a_user_sees_only_their_scope(deals, capsys):
    call_command("integrity", "--as", "li", "--format", "json")
    report = json.loads(capsys.readouterr().out)
    assert {row["name"] for row in report["rows"]} == {"越级项目"}


def test_command_refuses_an_unknown_team(deals):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("integrity", "--team", "nope")
