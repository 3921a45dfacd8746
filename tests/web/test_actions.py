"""The opportunity's actions from the pages: moves through the gate, attestations, edits
with the version check, the quick activity log, initiation decisions."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from salespath.activities.models import Activity
from salespath.pipeline.models import Attestation, InitiationRequest, ProjectMember
from salespath.pipeline.services import opportunity_update
from tests.pipeline.evidence import attest, s2_evidence

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def move(client, deal, to_stage, **extra):
    data = {"to_stage": to_stage, "version": deal.version, **extra}
    return client.post(reverse("web:opportunity_move", args=[deal.pk]), data, **HTMX)


def test_a_refused_move_lists_every_missing_criterion_with_where_to_fix_it(login, cast, deal):
    s2_evidence(deal)
    response = move(login(cast.salesperson), deal, "S3", source="board")
    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-code="gate_not_met"' in html
    for code in ("S3.1", "S3.2", "S3.3", "S3.4"):
        assert f"#criterion-{code}" in html
    assert "确认此项" in html
    deal.refresh_from_db()
    assert deal.stage_id == "S2"


def test_missing_evidence_links_to_the_page_where_it_is_recorded(login, cast, deal):
    response = move(login(cast.salesperson), deal, "S3")
    html = response.content.decode()
    customer_profile = reverse("web:customer", args=[deal.customer_id]) + "#profile"
    assert customer_profile in html  # S2.1 basics are fixed on the customer's profile


def test_attesting_a_criterion_marks_it_met_in_the_checklist(login, cast, deal):
    client = login(cast.salesperson)
    response = client.post(
        reverse("web:criterion_attest", args=[deal.pk]),
        {"criterion": "S3.1", "note": "客户在交流会上表示感兴趣"},
        **HTMX,
    )
    assert response.status_code == 200
    assert 'data-criterion="S3.1" data-met="1"' in response.content.decode()
    attestation = Attestation.objects.get(opportunity=deal, criterion_id="S3.1")
    assert attestation.by == cast.salesperson


def test_attesting_without_a_note_is_refused_next_to_the_criterion(login, cast, deal):
    response = login(cast.salesperson).post(
        reverse("web:criterion_attest", args=[deal.pk]),
        {"criterion": "S3.1", "note": " "},
        **HTMX,
    )
    assert response.status_code == 422
    assert 'role="alert"' in response.content.decode()
    assert not Attestation.objects.filter(opportunity=deal).exists()


def test_a_deal_with_its_criteria_met_moves_and_the_board_gets_the_new_card(login, cast, deal):
    s2_evidence(deal)
    attest(deal, "S3.1", "S3.2", "S3.3", "S3.4")
    response = move(login(cast.salesperson), deal, "S3", source="board")
    assert response.status_code == 200
    assert 'data-stage="S3"' in response.content.decode()
    deal.refresh_from_db()
    assert deal.stage_id == "S3"


def test_moving_back_needs_a_reason(login, cast, deal):
    s2_evidence(deal)
    attest(deal, "S3.1", "S3.2", "S3.3", "S3.4")
    client = login(cast.salesperson)
    move(client, deal, "S3")
    deal.refresh_from_db()
    refused = move(client, deal, "S2", source="board")
    assert refused.status_code == 422
    assert "原因" in refused.content.decode()
    moved = move(client, deal, "S2", source="board", reason="客户预算冻结")
    assert moved.status_code == 200
    deal.refresh_from_db()
    assert deal.stage_id == "S2"


def test_a_stale_edit_is_refused_with_a_clear_conflict_message(login, cast, deal):
    client = login(cast.salesperson)
    read_version = deal.version
    opportunity_update(opportunity=deal, version=read_version, by=cast.salesperson, note="新备注")
    response = client.post(
        reverse("web:opportunity_edit", args=[deal.pk]),
        {
            "version": read_version,
            "name": "改过的名字",
            "expected_close": "2026-10-31",
            "forecast_category": "pipeline",
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert "在您编辑期间,其他人已保存了该商机" in html
    assert 'value="改过的名字"' in html  # the person's input is kept
    deal.refresh_from_db()
    assert deal.name == "华南制造ERP项目"


def test_an_edit_with_the_current_version_is_saved(login, cast, deal):
    response = login(cast.salesperson).post(
        reverse("web:opportunity_edit", args=[deal.pk]),
        {
            "version": deal.version,
            "name": deal.name,
            "expected_close": "2026-10-31",
            "forecast_category": "best_case",
            "probability": "40",
        },
    )
    assert response.status_code == 302
    deal.refresh_from_db()
    assert (deal.expected_close, deal.forecast_category, deal.probability) == (
        date(2026, 10, 31),
        "best_case",
        40,
    )
    assert deal.probability_manual


def test_quick_activity_log_adds_to_the_timeline(login, cast, deal):
    response = login(cast.salesperson).post(
        reverse("web:activity_log", args=[deal.pk]),
        {"kind": "visit", "occurred_on": "2026-03-02", "hours": "2", "purpose": "需求调研"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "需求调研" in response.content.decode()
    activity = Activity.objects.get(opportunity=deal)
    assert activity.customer == deal.customer and activity.person == cast.salesperson


def test_someone_who_may_not_see_the_deal_cannot_move_it(login, cast, deal):
    response = move(login(cast.other_salesperson), deal, "S3")
    assert response.status_code == 404


def test_supervisor_approves_an_initiation_and_the_team_is_formed(login, cast, deal):
    request = InitiationRequest.objects.create(
        opportunity=deal,
        requested_by=cast.salesperson,
        requested_at="2026-03-01T10:00:00+08:00",
        requirements="集团财务集中",
    )
    client = login(cast.supervisor)
    inbox = client.get(reverse("web:initiations")).content.decode()
    assert "华南制造ERP项目" in inbox
    prefix = f"r{request.pk}"
    response = client.post(
        reverse("web:initiation_decide", args=[request.pk]),
        {f"{prefix}-decision": "approve", f"{prefix}-project_manager": cast.supervisor.pk},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == "approved"
    assert ProjectMember.objects.filter(
        opportunity=deal, person=cast.supervisor, role="project_manager"
    ).exists()


def test_rejecting_an_initiation_without_a_comment_says_why_not(login, cast, deal):
    request = InitiationRequest.objects.create(
        opportunity=deal,
        requested_by=cast.salesperson,
        requested_at="2026-03-01T10:00:00+08:00",
        requirements="集团财务集中",
    )
    prefix = f"r{request.pk}"
    response = login(cast.supervisor).post(
        reverse("web:initiation_decide", args=[request.pk]), {f"{prefix}-decision": "reject"}
    )
    assert response.status_code == 422
    assert "请说明驳回理由" in response.content.decode() or "errorlist" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "pending"


def test_finance_confirms_a_payment_from_the_inbox(login, cast, unconfirmed_payment):
    client = login(cast.finance)
    inbox = client.get(reverse("web:payments")).content.decode()
    assert "华南制造ERP项目" in inbox and "¥240,000.00" in inbox
    response = client.post(
        reverse("web:payment_confirm", args=[unconfirmed_payment.pk]), {"in_inbox": "1"}, **HTMX
    )
    assert response.status_code == 200
    assert "已确认" in response.content.decode()
    unconfirmed_payment.refresh_from_db()
    assert unconfirmed_payment.confirmed_by == cast.finance


def test_the_owner_cannot_confirm_their_own_payment(login, cast, unconfirmed_payment):
    response = login(cast.salesperson).post(
        reverse("web:payment_confirm", args=[unconfirmed_payment.pk]), **HTMX
    )
    assert response.status_code == 403
    unconfirmed_payment.refresh_from_db()
    assert unconfirmed_payment.confirmed_at is None


def test_confirming_twice_says_it_is_already_confirmed(login, cast, unconfirmed_payment):
    client = login(cast.finance)
    url = reverse("web:payment_confirm", args=[unconfirmed_payment.pk])
    client.post(url, **HTMX)
    response = client.post(url, **HTMX)
    assert response.status_code == 409
    assert "已确认" in response.content.decode()
