"""Work waiting on someone (issue 19 §3): the person who must act is told, by the service
that started the wait, with a link to where the work is done."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from salespath.errors import DomainError
from salespath.notifications.models import Notification
from salespath.pipeline.services import (
    initiation_approve,
    initiation_reject,
    initiation_submit,
    opportunity_override,
    payment_record,
)
from tests.factories import OpportunityFactory, UserFactory
from tests.pipeline.test_work import TODAY, sign

pytestmark = pytest.mark.django_db


def told(kind):
    rows = Notification.objects.filter(kind=kind).order_by("recipient__username")
    return [(n.recipient.username, n.title, n.link) for n in rows]


@pytest.fixture
def deal(cast):
    return OpportunityFactory(
        owner=cast.salesperson, name="华南制造ERP项目", expected_close=date(2027, 6, 30)
    )


@pytest.fixture
def request_(deal, cast):
    return initiation_submit(opportunity=deal, by=cast.salesperson, requirements="集团财务一体化")


def test_an_initiation_request_tells_its_approvers(request_):
    link = reverse("web:initiations")
    assert told("initiation_requested") == [
        ("huang", "立项申请：华南制造ERP项目", link),
        ("zhao", "立项申请：华南制造ERP项目", link),
    ]


def test_an_approval_tells_the_requester(request_, cast, deal):
    initiation_approve(request=request_, by=cast.supervisor, project_manager=cast.teammate)
    assert told("initiation_approved") == [
        ("li", "立项已批准：华南制造ERP项目", reverse("web:opportunity", args=[deal.pk]))
    ]


def test_a_rejection_tells_the_requester_with_the_reason(request_, cast):
    initiation_reject(request=request_, by=cast.branch_gm, comment="预算未落实")
    (notification,) = Notification.objects.filter(kind="initiation_rejected")
    assert notification.recipient == cast.salesperson
    assert notification.title == "立项被驳回：华南制造ERP项目"
    assert "预算未落实" in notification.body


def test_a_refused_request_tells_nobody(deal, cast):
    with pytest.raises(DomainError):
        initiation_submit(opportunity=deal, by=cast.salesperson, requirements="  ")
    assert not Notification.objects.exists()


def test_a_recorded_payment_tells_finance(deal, cast):
    other_finance = UserFactory(username="qian", team=None, branch=None, roles=["finance"])
    other_finance.email = "qian@example.com"
    other_finance.save()
    contract = sign(deal, cast)
    payment_record(contract=contract, amount="300", received_on=TODAY(), by=cast.salesperson)
    link = reverse("web:payments")
    assert [(u, link_) for u, _title, link_ in told("payment_recorded")] == [
        ("liu", link),
        ("qian", link),
    ]
    assert "¥300.00" in Notification.objects.filter(kind="payment_recorded").first().body


def test_a_gate_override_tells_the_owners_supervisor(deal, cast):
    opportunity_override(opportunity=deal, to_stage="S4", by=cast.branch_gm, reason="客户已确认")
    assert told("gate_override") == [
        ("zhao", "关卡被强制通过：华南制造ERP项目", reverse("web:opportunity", args=[deal.pk]))
    ]
    assert "客户已确认" in Notification.objects.get(kind="gate_override").body


def test_a_stuck_deal_tells_its_owner_and_supervisor_once(cast, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    cast.salesperson.email = "li@example.com"
    cast.salesperson.save()
    OpportunityFactory(
        owner=cast.salesperson,
        name="停滞项目",
        created_on=date(2026, 1, 10),
        expected_close=date(2027, 6, 30),
    )  # S2, stuck after 60 days: from 2026-03-12
    for day in ("2026-03-11", "2026-03-12", "2026-03-13", "2026-04-20"):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("jobs", "run-due", "--now", f"{day}T09:00")
    assert [(u, t) for u, t, _link in told("stuck")] == [
        ("li", "停滞于 S2 发掘潜在商机：停滞项目"),
        ("zhao", "停滞于 S2 发掘潜在商机：停滞项目"),
    ]
    assert Notification.objects.get(kind="stuck", recipient=cast.supervisor).created_at.day == 12
    stuck = [m.to for m in mail.outbox if "停滞" in m.subject]
    assert stuck == [["li@example.com"]]  # only 李明 has an e-mail address
