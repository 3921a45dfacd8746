"""Each opportunity's evidenced stage, stored (`StoredEvidence`), so that the integrity
report of a branch or the whole company reads it instead of evaluating every criterion of
tens of thousands of deals (about half a millisecond a deal, `criteria.py`).

One rule: **a stored row is true, or it is not there.** A deal without a true row is
evaluated by whoever reads it, so a row that is missing costs time, never
a wrong answer.

- **Writers forget.** Whatever changes something a rule of `criteria.py` reads deletes the
  rows of the deals it concerns, in the writer's transaction: the deal itself and everything
  recorded on it (team, competitors, initiation, activities, quotes, key dates, contract,
  installments, payments, shipment, attestations), its customer's profile, contacts and S1
  attestations (every deal of the customer), an industry's target flag (its customers'
  deals), a criterion changed in the admin (every deal). The evidence models' saves
  and deletes are caught by the receivers below (connected in `pipeline/apps.py` and
  `activities/apps.py`); the writers that bypass `save` call `forget` themselves (the
  importer, `Opportunity.objects.update`). A new deal has no row.
- **Days passing.** Two rules read today (the reading is in `criteria.py`): S5.4 becomes met
  as the expected close comes within three months, and S7.2 can stop being met on the next
  installment's due date. A row is true from the day it was evaluated (`computed_on`) to the
  day before the first day either can change (`until`; `true_until`).
- **Refresh.** `refresh` evaluates deals without a true row and stores them, a chunk at a
  time: the minutely job `evidence-refresh` (`salespath jobs run-due`), `salespath generate`,
  the demo, and `salespath verify --repair`.
- **Writers and a refresh take turns** on the deals' opportunity rows (and, for a change of
  the criteria, on the stages): a refresh that read the evidence before a writer committed
  has stored its row before the writer's `forget` gets the lock, and that deletes it; a
  refresh skips the deals a writer holds.
- **Checked.** `salespath verify` (check `evidence`) compares every true row with a fresh
  evaluation (`differences`).

The integrity report (`queries.integrity_report`) reads the rows true on its day with the
deals and evaluates the others (`evaluate`); a read stores nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from salespath.customers.models import Contact, Customer, Industry
from salespath.lib.fiscal import add_months

from . import criteria
from .models import (
    Attestation,
    Installment,
    Opportunity,
    Payment,
    Stage,
    Status,
    StoredEvidence,
)

CHUNK = 2000  # deals evaluated, or forgotten, at once
REFRESH_LIMIT = 4000  # deals the minutely job refreshes at most (a transaction, ~2 s)


# --- writers forget -----------------------------------------------------------------------


# The deals forgotten inside `forgotten_together`, forgotten when it ends.
_gathered: ContextVar[set[int] | None] = ContextVar("evidence_gathered", default=None)


def forget(opportunity_ids: Iterable[int]) -> None:
    """These deals' evidence changed: their stored rows go, once their opportunity rows are
    locked (so that a refresh running now either stored its row before, or waits)."""
    gathered = _gathered.get()
    if gathered is not None:
        gathered.update(int(pk) for pk in opportunity_ids)
        return
    ids = sorted({int(pk) for pk in opportunity_ids})
    # (a writer outside a transaction, in autocommit, holds the lock for this block only)
    with transaction.atomic(savepoint=False):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            locked = Opportunity.objects.select_for_update().filter(pk__in=chunk).order_by("pk")
            list(locked.values("pk"))
            StoredEvidence.objects.filter(opportunity__in=chunk).delete()


@contextmanager
def forgotten_together() -> Iterator[None]:
    """Inside it, the deals that writers forget are gathered and forgotten once, as it ends
    (inside the writer's transaction, before it commits, so a refresh still waits for it):
    for a writer of thousands of rows, each of whose saves or deletes would otherwise lock
    and forget its deals on its own — deleting the demo company forgot deals 16,000 times,
    10 of its 13 seconds."""
    if _gathered.get() is not None:  # an outer one forgets them
        yield
        return
    token = _gathered.set(set())
    try:
        yield
        ids = _gathered.get()
    finally:
        _gathered.reset(token)
    forget(ids)


def forget_customers(customer_ids: Iterable[int]) -> None:
    """These customers' profile, contacts or S1 attestations changed: every deal of theirs."""
    ids = {int(pk) for pk in customer_ids if pk is not None}
    if ids:
        forget(Opportunity.objects.filter(customer__in=ids).values_list("pk", flat=True))


def forget_all() -> None:
    """The criteria changed: every row goes, after the stages are locked (a refresh locks them
    before it reads the criteria)."""
    with transaction.atomic(savepoint=False):
        list(Stage.objects.select_for_update().order_by("pk").values("pk"))
        StoredEvidence.objects.all().delete()


# --- what is stored -----------------------------------------------------------------------


def true_until(facts: criteria.Facts) -> date | None:
    """The first day on which the days passing may change the evaluation of `facts` (made on
    `facts.today`), or None if they never can:

    - S5.4 not met because the expected close is more than three months away: it may become
      met no earlier than three months before that date (`add_months` only clamps a day
      down), and not before tomorrow;
    - S7.2 compares the confirmed payments with the installments due by today: that sum
      changes on the next installment's due date.
    """
    days = []
    close = facts.opportunity.expected_close
    if close is not None and close > add_months(facts.today, 3):
        days.append(max(add_months(close, -3), facts.today + timedelta(days=1)))
    if facts.next_due_on is not None:
        days.append(facts.next_due_on)
    return min(days, default=None)


def evaluated(facts: criteria.Facts, every_criterion: list, labels: dict) -> StoredEvidence:
    """The row `facts` make: the evidenced stage ("" when S2's criteria are not all met) and
    the codes of the criteria not met, in the criteria's order."""
    results = criteria.evaluate_facts(facts, every_criterion, labels)
    return StoredEvidence(
        opportunity_id=facts.opportunity.pk,
        stage=criteria.evidenced_stage(results) or "",
        unmet=",".join(result.code for result in results if not result.met),
        computed_on=facts.today,
        until=true_until(facts),
    )


def evaluate(opportunity_ids: Iterable[int], today: date) -> dict[int, StoredEvidence]:
    """Fresh rows for these deals on `today`, unsaved, `CHUNK` deals' evidence at a time."""
    ids = list(opportunity_ids)
    every_criterion = criteria.opportunity_criteria()
    labels = {criterion.code: criterion.label for criterion in every_criterion}
    rows = {}
    for start in range(0, len(ids), CHUNK):
        facts = criteria.load_facts(ids[start : start + CHUNK], today=today)
        rows.update((pk, evaluated(item, every_criterion, labels)) for pk, item in facts.items())
    return rows


def true_on(today: date, prefix: str = "") -> Q:
    """The stored row (through `prefix`, e.g. "stored_evidence__") is true on `today`."""
    return Q(**{f"{prefix}computed_on__lte": today}) & (
        Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gt": today})
    )


def checked() -> Q:
    """The deals the integrity report checks, and so those whose rows are kept: not lost."""
    return ~Q(status=Status.LOST)


# --- refresh ------------------------------------------------------------------------------


def refresh(today: date | None = None, *, limit: int | None = REFRESH_LIMIT) -> int:
    """Evaluate and store the checked deals without a row true on `today` (at most `limit`,
    None for all), a transaction a chunk; returns how many were stored."""
    today = today or timezone.localdate()
    stored = 0
    while limit is None or stored < limit:
        size = CHUNK if limit is None else min(CHUNK, limit - stored)
        with transaction.atomic():
            count = _refresh_chunk(today, size)
        stored += count
        if count < size:
            break
    return stored


def _refresh_chunk(today: date, size: int) -> int:
    list(Stage.objects.select_for_update().order_by("pk").values("pk"))
    due = (
        Opportunity.objects.filter(checked())
        .exclude(true_on(today, "stored_evidence__") & Q(stored_evidence__isnull=False))
        .order_by("pk")
        .select_for_update(skip_locked=True, of=("self",))
        .values_list("pk", flat=True)[:size]
    )
    ids = list(due)
    if not ids:
        return 0
    rows = evaluate(ids, today)
    StoredEvidence.objects.filter(opportunity__in=ids).delete()
    StoredEvidence.objects.bulk_create(rows.values(), batch_size=1000)
    return len(ids)


# --- checking ------------------------------------------------------------------------------


def differences(today: date | None = None) -> list[tuple[int, str, str]]:
    """The true rows that differ from a fresh evaluation: (deal, stored, fresh)."""
    today = today or timezone.localdate()
    found = []
    stored = StoredEvidence.objects.filter(true_on(today)).order_by("opportunity_id")
    ids = list(stored.values_list("opportunity_id", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        fresh = evaluate(chunk, today)
        for row in stored.filter(opportunity__in=chunk):
            was, now = _text(row), _text(fresh.get(row.opportunity_id))
            if was != now:
                found.append((row.opportunity_id, was, now))
    return found


def _text(row: StoredEvidence | None) -> str:
    """What a row says (stage, unmet codes, until): two rows differ when their texts do."""
    if row is None:
        return "-"
    return f"{row.stage or '-'} [{row.unmet}] until {row.until or '-'}"


# --- the writers' receivers (connected in apps.py) ----------------------------------------

# The fields of an opportunity the rules read (`Opportunity.objects.update` of any of them
# forgets the rows it updates; a save always forgets).
OPPORTUNITY_FIELDS = frozenset(
    {
        "customer",
        "customer_id",
        "customer_need",
        "budget_amount",
        "no_competitors_known",
        "expected_close",
        "probability",
    }
)


def _deals_of(instance) -> Iterable[int]:
    """The deals whose evidence `instance` (a row a rule reads) is part of."""

    def deals(**where):
        return Opportunity.objects.filter(**where).values_list("pk", flat=True)

    if isinstance(instance, Opportunity):
        return [instance.pk]
    if isinstance(instance, Customer):
        return deals(customer=instance.pk)
    if isinstance(instance, Industry):
        return deals(customer__industry=instance.pk)
    if isinstance(instance, Contact):
        return deals(customer=instance.customer_id)
    if isinstance(instance, Installment | Payment):
        return deals(contract=instance.contract_id)
    if isinstance(instance, Attestation) and instance.opportunity_id is None:
        return deals(customer=instance.customer_id)  # an S1 attestation
    return [instance.opportunity_id] if instance.opportunity_id is not None else []


def forget_before_save(sender, instance, raw=False, **kwargs):
    """A row about to be changed: the deals it belonged to (it may be moved to another)."""
    if raw or instance.pk is None or isinstance(instance, Opportunity | Customer | Industry):
        return  # these are their own key
    before = sender._base_manager.filter(pk=instance.pk).first()
    if before is not None:
        forget(_deals_of(before))


def forget_after_save(sender, instance, created=False, raw=False, **kwargs):
    """A row saved or deleted: the deals it belongs to. A new deal or customer has no row."""
    if raw or (created and isinstance(instance, Opportunity | Customer | Industry)):
        return
    forget(_deals_of(instance))


def forget_every_deal(sender, raw=False, **kwargs):
    """A criterion saved or deleted (the admin): what every deal's evidence supports."""
    if not raw:
        forget_all()


def connect(model) -> None:
    """Connect the receivers above to a model whose rows a rule reads (from `ready()`)."""
    from django.db.models.signals import post_delete, post_save, pre_save

    name = model._meta.label_lower
    pre_save.connect(forget_before_save, model, dispatch_uid=f"evidence.{name}.before")
    post_save.connect(forget_after_save, model, dispatch_uid=f"evidence.{name}.saved")
    post_delete.connect(forget_after_save, model, dispatch_uid=f"evidence.{name}.deleted")
