"""Stage moves (SPEC §2 gate rules): advance through the gate, override it, move back,
lose, reopen. Each writes exactly one StageChange row in the same transaction, and keeps
the denormalised fields of Opportunity (stage_entered_on, won_on, lost_*, probability) in
step.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from salespath.customers.models import Competitor
from salespath.org.models import User

from .. import criteria, errors, policy, rules
from ..models import FieldChange, Opportunity, Stage, StageChange, Status
from . import base
from .waiting import notify_waiting


def _target(code: Any, known: dict[str, Stage]) -> Stage:
    text = str(getattr(code, "code", code) or "").strip().upper()
    if text.startswith("S") and text[1:].isdigit() and int(text[1:]) > 7:
        raise errors.past_last_stage()
    return base.opportunity_stage(code, known)


def _probability_after(current: Opportunity, stage: Stage, status: str = Status.OPEN) -> int:
    """The probability once `current` is in `stage` with `status` (pipeline/rules.py)."""
    manual = current.probability if current.probability_manual else None
    return rules.probability(status=status, stage_default=stage.default_probability, manual=manual)


def _move(
    current: Opportunity,
    *,
    to: Stage,
    status: str,
    kind: str,
    by: User,
    on: date,
    reason: str = "",
    override: bool = False,
) -> StageChange:
    """`current` moved, in memory; the stage change is returned unwritten, for `base.save`
    to write between the announcements (what derives from the deal lets go of its history
    before it changes)."""
    from_stage, from_status = current.stage, current.status
    old_probability = current.probability
    if to.code != from_stage.code:
        current.stage = to
        current.stage_entered_on = on
        base.record_field(current, "stage", from_stage, to, by)
    current.status = status
    if status == Status.WON:
        current.won_on = current.won_on if from_status == Status.WON else on
    else:
        current.won_on = None
    current.probability = _probability_after(current, to, status)
    base.record_field(current, "probability", old_probability, current.probability, by)
    return base.stage_change(
        current,
        kind=kind,
        from_stage=from_stage,
        from_status=from_status,
        by=by,
        on=on,
        reason=reason,
        override=override,
        write=False,  # `base.save` writes it with the row
    )


def _forward(
    opportunity: Opportunity, to_stage: Any, by: User, version: int | None
) -> tuple[Opportunity, Stage]:
    known = base.stages()
    target = _target(to_stage, known)
    current = base.lock(opportunity, version)
    if current.status != Status.OPEN:
        raise errors.not_open()
    if target.order <= current.stage.order:
        raise errors.invalid(
            "to_stage",
            _("%(to)s is not after the current stage %(from)s; use “move back”.")
            % {"to": target.code, "from": current.stage_id},
        )
    return current, target


@transaction.atomic
def opportunity_advance(
    *,
    opportunity: Opportunity,
    to_stage: str | Stage,
    by: User,
    reason: str = "",
    version: int | None = None,
    on: date | None = None,
) -> Opportunity:
    """Move forward to `to_stage` if every criterion of every stage crossed is met.

    Refused with `gate_not_met` and `missing=[{"code", "text"}, ...]` naming each criterion
    not met; nothing is written. Reaching S7 marks the opportunity won.
    """
    policy.check_edits(by, opportunity, _("move this opportunity"))
    current, target = _forward(opportunity, to_stage, by, version)
    results = criteria.evaluate(current, probability=_probability_after(current, target))
    gaps = criteria.missing(results, criteria.stages_between(current.stage_id, target.code))
    if gaps:
        raise errors.gate_not_met(target.code, [gap.as_missing() for gap in gaps])
    day = base.effective_date(current, on)
    status = rules.status_on_entering(target.code)
    change = _move(
        current,
        to=target,
        status=status,
        kind=StageChange.Kind.ADVANCE,
        by=by,
        on=day,
        reason=base.text(reason),
    )
    return base.save(current, opportunity, history=change)


@transaction.atomic
def opportunity_override(
    *,
    opportunity: Opportunity,
    to_stage: str | Stage,
    by: User,
    reason: str,
    version: int | None = None,
    on: date | None = None,
) -> Opportunity:
    """A sales supervisor of the owner's team (or the branch GM) moves the opportunity forward
    past a gate that is not met, with a written reason; the row is marked as an override
    and the integrity report lists it."""
    policy.check_sees(by, opportunity)
    if not policy.may_override(by, opportunity):
        raise errors.not_allowed(_("override a stage gate"))
    reason = base.text(reason)
    if not reason:
        raise errors.reason_required()
    current, target = _forward(opportunity, to_stage, by, version)
    day = base.effective_date(current, on)
    status = rules.status_on_entering(target.code)
    change = _move(
        current,
        to=target,
        status=status,
        kind=StageChange.Kind.ADVANCE,
        by=by,
        on=day,
        reason=reason,
        override=True,
    )
    saved = base.save(current, opportunity, history=change)
    notify_waiting("gate_override_notify", change)
    return saved


@transaction.atomic
def opportunity_move_back(
    *,
    opportunity: Opportunity,
    to_stage: str | Stage,
    by: User,
    reason: str,
    version: int | None = None,
    on: date | None = None,
) -> Opportunity:
    """Back to an earlier stage, with a reason. A won opportunity moved back is open again
    (the deal was marked complete by mistake, or fell through before completion)."""
    policy.check_edits(by, opportunity, _("move this opportunity"))
    reason = base.text(reason)
    if not reason:
        raise errors.reason_required()
    target = _target(to_stage, base.stages())
    current = base.lock(opportunity, version)
    if current.status == Status.LOST:
        raise errors.not_open()
    if target.order >= current.stage.order:
        raise errors.invalid(
            "to_stage",
            _("%(to)s is not before the current stage %(from)s.")
            % {"to": target.code, "from": current.stage_id},
        )
    day = base.effective_date(current, on)
    change = _move(
        current,
        to=target,
        status=Status.OPEN,
        kind=StageChange.Kind.BACK,
        by=by,
        on=day,
        reason=reason,
    )
    return base.save(current, opportunity, history=change)


@transaction.atomic
def opportunity_lose(
    *,
    opportunity: Opportunity,
    by: User,
    reason: str,
    lost_to: Competitor | None = None,
    version: int | None = None,
    on: date | None = None,
) -> Opportunity:
    """丢单: ends an open opportunity, with the reason and, where known, who won it.
    The probability becomes 0; the stage stays where it was lost."""
    policy.check_edits(by, opportunity, _("mark this opportunity lost"))
    reason = base.text(reason)
    if not reason:
        raise errors.reason_required()
    current = base.lock(opportunity, version)
    if current.status != Status.OPEN:
        raise errors.not_open()
    day = base.effective_date(current, on)
    current.lost_on, current.lost_reason, current.lost_to = day, reason, lost_to
    change = _move(
        current,
        to=current.stage,
        status=Status.LOST,
        kind=StageChange.Kind.LOSE,
        by=by,
        on=day,
        reason=reason,
    )
    return base.save(current, opportunity, history=change)


@transaction.atomic
def opportunity_reopen(
    *,
    opportunity: Opportunity,
    by: User,
    reason: str,
    version: int | None = None,
    on: date | None = None,
) -> Opportunity:
    """A lost opportunity is open again in the stage it was lost in. A hand-set probability
    comes back as it was before the loss; otherwise the stage default applies."""
    policy.check_edits(by, opportunity, _("reopen this opportunity"))
    reason = base.text(reason)
    if not reason:
        raise errors.reason_required()
    current = base.lock(opportunity, version)
    if current.status != Status.LOST:
        raise errors.invalid("status", _("Only a lost opportunity can be reopened."))
    day = base.effective_date(current, on)
    if current.probability_manual:
        before_loss = (
            FieldChange.objects.filter(opportunity=current, field="probability", new_value="0")
            .order_by("-at", "-id")
            .values_list("old_value", flat=True)
            .first()
        )
        current.probability = int(before_loss) if before_loss else current.probability
    current.lost_on, current.lost_reason, current.lost_to = None, "", None
    change = _move(
        current,
        to=current.stage,
        status=Status.OPEN,
        kind=StageChange.Kind.REOPEN,
        by=by,
        on=day,
        reason=reason,
    )
    return base.save(current, opportunity, history=change)
