"""Each deal's stored evidence (pipeline/evidence.py): a stored row is true, or it is not
there — whoever writes the evidence, and whatever day the report is read on."""

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from salespath.activities.models import Activity
from salespath.customers.models import Contact
from salespath.forecast.integrity import verify
from salespath.lib.fiscal import add_months
from salespath.notifications.jobs import run_due
from salespath.org.scopes import Scope
from salespath.pipeline import criteria, evidence
from salespath.pipeline.models import (
    Attestation,
    Criterion,
    KeyDate,
    Opportunity,
    OpportunityCompetitor,
    Payment,
    ProjectMember,
    Quote,
    Shipment,
    StoredEvidence,
)
from salespath.pipeline.queries import integrity_report
from salespath.pipeline.services import (
    attestation_withdraw,
    opportunity_override,
    team_member_remove,
)
from tests.factories import CustomerFactory, OpportunityFactory

from .evidence import attest_customer, evidence_up_to

pytestmark = pytest.mark.django_db


def stored(deal: Opportunity) -> StoredEvidence | None:
    return StoredEvidence.objects.filter(opportunity=deal).first()


@pytest.fixture
def deal(cast):
    """A deal with every piece of evidence up to S7 on record, and its row stored."""
    deal = OpportunityFactory(owner=cast.salesperson, stage_id="S7", probability=90)
    evidence_up_to(deal, "S7", finance=cast.finance)
    deal.refresh_from_db()
    evidence.refresh()
    assert stored(deal).stage == "S7"
    return deal


def _industry_no_longer_target(deal, cast):
    industry = deal.customer.industry
    industry.is_target = False
    industry.save()


def _activity_moved_away(deal, cast):
    activity = Activity.objects.get(opportunity=deal, kind="guidance")
    activity.opportunity = OpportunityFactory(owner=cast.salesperson, customer=deal.customer)
    activity.save()


WRITES = {
    "customer profile": lambda deal, cast: deal.customer.save(),
    "contact added": lambda deal, cast: Contact.objects.create(
        customer=deal.customer, name="新", project_role="other"
    ),
    "contact removed": lambda deal, cast: (
        Contact.objects.filter(customer=deal.customer).first().delete()
    ),
    "industry's target flag": _industry_no_longer_target,
    "customer attested (S1)": lambda deal, cast: Attestation.objects.filter(
        customer=deal.customer
    ).delete(),
    "attestation withdrawn": lambda deal, cast: attestation_withdraw(
        attestation=Attestation.objects.filter(opportunity=deal).first(),
        by=cast.salesperson,
        reason="客户改口",
    ),
    "competitor removed": lambda deal, cast: OpportunityCompetitor.objects.filter(
        opportunity=deal
    ).delete(),
    "project manager removed": lambda deal, cast: team_member_remove(
        member=ProjectMember.objects.get(opportunity=deal), by=cast.salesperson
    ),
    "activity removed": lambda deal, cast: Activity.objects.filter(opportunity=deal).delete(),
    "activity moved to another deal": _activity_moved_away,
    "quote removed": lambda deal, cast: Quote.objects.filter(opportunity=deal).delete(),
    "key date removed": lambda deal, cast: (
        KeyDate.objects.filter(opportunity=deal).first().delete()
    ),
    "payment unconfirmed": lambda deal, cast: [
        payment.save() for payment in Payment.objects.filter(contract__opportunity=deal)
    ],
    "shipment": lambda deal, cast: Shipment.objects.get(opportunity=deal).save(),
    "the deal saved": lambda deal, cast: deal.save(),
    "the deal's probability updated in bulk": lambda deal, cast: Opportunity.objects.filter(
        pk=deal.pk
    ).update(probability=10),
    "a criterion changed in the admin": lambda deal, cast: Criterion.objects.get(
        code="S5.3"
    ).save(),
}


@pytest.mark.parametrize("write", WRITES.values(), ids=WRITES.keys())
def test_every_write_of_a_deals_evidence_forgets_its_stored_row(write, deal, cast):
    other = OpportunityFactory(owner=cast.teammate, customer=CustomerFactory(industry=None))
    evidence.refresh()
    write(deal, cast)
    assert stored(deal) is None
    assert evidence.differences() == []  # and whatever stayed is still true
    evidence.refresh()
    assert stored(deal) is not None and stored(other) is not None


def test_only_the_deals_of_what_changed_are_forgotten(deal, cast):
    other = OpportunityFactory(owner=cast.teammate)
    evidence.refresh()
    Contact.objects.create(customer=deal.customer, name="新", project_role="other")
    Quote.objects.filter(opportunity=deal).first().save()
    assert stored(deal) is None and stored(other) is not None


def test_writes_forgotten_together_forget_their_deals_once_as_it_ends(deal, cast):
    """A writer of many rows (deleting the demo company) gathers the deals to forget and
    forgets them once, before its transaction commits; the others keep their rows."""
    other = OpportunityFactory(owner=cast.teammate, customer=CustomerFactory(industry=None))
    evidence.refresh()
    with transaction.atomic():
        with evidence.forgotten_together():
            Quote.objects.filter(opportunity=deal).delete()
            KeyDate.objects.filter(opportunity=deal).first().delete()
            assert stored(deal) is not None  # not yet: gathered
        assert stored(deal) is None and stored(other) is not None
    assert evidence.differences() == []


def test_the_report_reads_the_same_from_stored_rows_without_evaluating(cast, monkeypatch):
    on_record = OpportunityFactory(owner=cast.salesperson, stage_id="S4")
    evidence_up_to(on_record, "S3")
    bare = OpportunityFactory(owner=cast.teammate)
    opportunity_override(opportunity=bare, to_stage="S3", by=cast.supervisor, reason="老客户")
    OpportunityFactory(owner=cast.teammate, stage_id="S2")
    live = integrity_report(Scope("company"))
    assert evidence.refresh() == 3

    def no_evaluation(*args, **kwargs):
        raise AssertionError("a deal with a true stored row was evaluated again")

    with monkeypatch.context() as patched:  # (the checker at the test's end evaluates)
        patched.setattr(criteria, "load_facts", no_evaluation)
        assert integrity_report(Scope("company")) == live
    assert {row["opportunity"]: row["evidenced_stage"] for row in live["rows"]} == {
        on_record.pk: "S3",
        bare.pk: None,
    }
    assert [gap["code"] for gap in live["rows"][0]["missing"]][:1] == ["S4.0"]


def test_a_row_is_true_until_the_days_passing_may_change_it(cast):
    deal = OpportunityFactory(owner=cast.salesperson, stage_id="S5", probability=60)
    evidence_up_to(deal, "S5")
    today = timezone.localdate()
    close = add_months(today, 5)
    Opportunity.objects.filter(pk=deal.pk).update(expected_close=close)
    evidence.refresh()
    row = stored(deal)
    assert (row.stage, row.until) == ("S4", add_months(close, -3))
    assert "S5.4" in row.unmet.split(",")

    before = integrity_report(Scope("company"), today=row.until - timedelta(days=1))
    assert [r["evidenced_stage"] for r in before["rows"]] == ["S4"]
    # on `until` the stored row is no longer true: the report evaluates the deal, and the
    # close date is now within three months
    assert integrity_report(Scope("company"), today=row.until)["rows"] == []
    assert evidence.refresh(row.until) == 1
    assert stored(deal).stage == "S5" and stored(deal).until is None


def test_s7_2_is_true_until_the_next_installment_falls_due(cast):
    deal = OpportunityFactory(owner=cast.salesperson, stage_id="S7", probability=90)
    evidence_up_to(deal, "S7", finance=cast.finance)
    evidence.refresh()
    # s7_evidence: 240,000 due and paid today, 560,000 due in 90 days
    assert stored(deal).until == timezone.localdate() + timedelta(days=90)
    on_the_day = integrity_report(Scope("company"), today=stored(deal).until)
    assert [gap["code"] for gap in on_the_day["rows"][0]["missing"]] == ["S7.2"]


def test_the_checker_finds_a_row_that_drifted_and_repairs_it(deal):
    StoredEvidence.objects.filter(opportunity=deal).update(stage="S3", unmet="S4.0")
    finding = next(f for f in verify() if f.check == "evidence")
    assert finding.count == 1 and finding.examples[0].startswith(f"#{deal.pk}: S3 [S4.0]")
    verify(repair=True)
    assert next(f for f in verify() if f.check == "evidence").count == 0
    assert stored(deal).stage == "S7"


def test_the_minutely_job_stores_the_deals_without_a_true_row(cast):
    deals = [OpportunityFactory(owner=cast.salesperson) for _n in range(3)]
    attest_customer(deals[0].customer, "S1.3")  # an unrelated write
    now = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    outcome = next(o for o in run_due(now=now) if o.job == "evidence-refresh")
    assert outcome.ran and outcome.count == 3
    assert all(stored(deal) is not None for deal in deals)
    assert run_due(now=now + timedelta(minutes=1))[-1].count == 0


def test_a_lost_deal_keeps_no_row_and_is_not_checked(cast):
    OpportunityFactory(
        owner=cast.salesperson, status="lost", lost_on=date(2026, 1, 5), lost_reason="价格"
    )
    assert evidence.refresh() == 0
    assert integrity_report(Scope("company"))["checked"] == 0


def test_the_refresh_stores_a_chunk_at_a_time_up_to_its_limit(cast, monkeypatch):
    monkeypatch.setattr(evidence, "CHUNK", 2)
    for _n in range(5):
        OpportunityFactory(owner=cast.salesperson, amount=Decimal("1000.00"))
    assert evidence.refresh(limit=3) == 3
    assert evidence.refresh(limit=None) == 2
    assert StoredEvidence.objects.count() == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refresh_skips_the_deals_a_writer_holds_and_stores_them_after(cast):
    """A writer's `forget` locks its deals until it commits: a refresh meanwhile stores the
    others and leaves these for the next run (it would otherwise store what it read before
    the writer's change)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's writers take turns on the whole database: no row lock to skip")
    held, free = (OpportunityFactory(owner=cast.salesperson) for _n in range(2))
    locked, release = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                evidence.forget([held.pk])
                locked.set()
                release.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert locked.wait(20)
        assert evidence.refresh() == 1
        assert stored(free) is not None and stored(held) is None
    finally:
        release.set()
        thread.join()
    assert evidence.refresh() == 1 and stored(held) is not None


def test_the_command_stores_every_deal_at_once_after_a_criterion_changed(cast, capsys):
    deals = [OpportunityFactory(owner=cast.salesperson) for _n in range(3)]
    evidence.refresh()
    Criterion.objects.get(code="S2.1").save()  # the admin: every row forgotten
    assert not StoredEvidence.objects.exists()
    call_command("evidence")
    assert "3" in capsys.readouterr().out
    assert all(stored(deal) is not None for deal in deals)
