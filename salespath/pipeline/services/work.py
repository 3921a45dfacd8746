"""The work of stages 4–6 as data: project team, quotes, key dates, competitors and
consultants, objections (SPEC §2–3). Each is written by the owner or the project team."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from salespath.customers.models import Competitor
from salespath.errors import Conflict
from salespath.org.models import User

from .. import errors, policy
from ..copies import copy_team_and_lines
from ..models import (
    KeyDate,
    Objection,
    Opportunity,
    OpportunityCompetitor,
    ProjectMember,
    ProjectRole,
    Quote,
)
from . import base


def _date(value: Any, field: str, label: str) -> date:
    if not isinstance(value, date):
        raise errors.required(field, label)
    return value


@transaction.atomic
def team_member_add(
    *, opportunity: Opportunity, person: User, role: str, by: User
) -> ProjectMember:
    policy.check_edits(by, opportunity, _("change the project team"))
    if role not in ProjectRole.values:
        raise errors.invalid("role", _("“%(role)s” is not a project-team role.") % {"role": role})
    member, created = ProjectMember.objects.get_or_create(
        opportunity=opportunity, person=person, role=role
    )
    if not created:
        raise Conflict(
            _("%(person)s is already on the team in this role.") % {"person": person},
            code="already_member",
        )
    copy_team_and_lines([opportunity.pk])
    return member


@transaction.atomic
def team_member_remove(*, member: ProjectMember, by: User) -> None:
    """Take someone off the project team (the team is current data, not history)."""
    policy.check_edits(by, member.opportunity, _("change the project team"))
    ProjectMember.objects.filter(pk=member.pk).delete()
    copy_team_and_lines([member.opportunity_id])


@transaction.atomic
def quote_add(
    *,
    opportunity: Opportunity,
    by: User,
    software_fee: Any,
    implementation_fee: Any,
    service_fee: Any,
    kind: str = Quote.Kind.PRELIMINARY,
    quoted_on: date | None = None,
    note: str = "",
) -> Quote:
    """A new version of the quote; all three fee parts are required (zero is a valid fee,
    a missing one is not). S5.3 reads any quote on record."""
    policy.check_edits(by, opportunity, _("add a quote"))
    labels = {
        "software_fee": _("The software fee"),
        "implementation_fee": _("The implementation fee"),
        "service_fee": _("The service fee"),
    }
    given = {
        "software_fee": software_fee,
        "implementation_fee": implementation_fee,
        "service_fee": service_fee,
    }
    fees = {field: base.money(given[field], field, labels[field]) for field in given}
    # The quote's total is what a contract on it would be for: a money column must hold it.
    base.total(fees.values(), "total", _("The quote's total"))
    if kind not in Quote.Kind.values:
        raise errors.invalid("kind", _("“%(kind)s” is not a kind of quote.") % {"kind": kind})
    quoted_on = quoted_on or base.today()
    if quoted_on > base.today():
        raise errors.future_date("quoted_on")
    current = base.lock(opportunity)  # serialises version numbers per opportunity
    latest = current.quotes.aggregate(latest=Max("version"))["latest"] or 0
    return Quote.objects.create(
        opportunity=current,
        version=latest + 1,
        kind=kind,
        quoted_on=quoted_on,
        note=base.text(note),
        created_by=by,
        **fees,
    )


@transaction.atomic
def key_date_add(
    *, opportunity: Opportunity, kind: str, on: date, by: User, note: str = ""
) -> KeyDate:
    """A date in the customer's schedule (S4.5) or of bid, negotiation, signing (S6.3)."""
    policy.check_edits(by, opportunity, _("add a key date"))
    if kind not in KeyDate.Kind.values:
        raise errors.invalid("kind", _("“%(kind)s” is not a kind of key date.") % {"kind": kind})
    return KeyDate.objects.create(
        opportunity=opportunity, kind=kind, on=_date(on, "on", _("The date")), note=note[:200]
    )


@transaction.atomic
def key_date_remove(*, key_date: KeyDate, by: User) -> None:
    policy.check_edits(by, key_date.opportunity, _("remove a key date"))
    KeyDate.objects.filter(pk=key_date.pk).delete()


@transaction.atomic
def competitor_add(
    *,
    opportunity: Opportunity,
    competitor: Competitor | str,
    by: User,
    kind: str = Competitor.Kind.VENDOR,
    note: str = "",
) -> OpportunityCompetitor:
    """Name a competing vendor or consultant on the opportunity (S2.3, S4.6). A name not yet
    known is added to the list of competitors. Naming one clears "no competitor known"."""
    policy.check_edits(by, opportunity, _("record competitors"))
    if not isinstance(competitor, Competitor):
        name = base.text(competitor)
        if not name:
            raise errors.required("competitor", _("The competitor's name"))
        if kind not in Competitor.Kind.values:
            raise errors.invalid(
                "kind", _("“%(kind)s” is not a kind of competitor.") % {"kind": kind}
            )
        competitor, _created = Competitor.objects.get_or_create(name=name, defaults={"kind": kind})
    if OpportunityCompetitor.objects.filter(
        opportunity=opportunity, competitor=competitor
    ).exists():
        raise Conflict(
            _("%(name)s is already recorded on this opportunity.") % {"name": competitor},
            code="already_recorded",
        )
    involved = OpportunityCompetitor.objects.create(
        opportunity=opportunity, competitor=competitor, note=note[:200]
    )
    current = base.lock(opportunity)
    if current.no_competitors_known:
        current.no_competitors_known = False
        base.save(current, opportunity)
    return involved


@transaction.atomic
def competitor_remove(*, involved: OpportunityCompetitor, by: User) -> None:
    policy.check_edits(by, involved.opportunity, _("record competitors"))
    OpportunityCompetitor.objects.filter(pk=involved.pk).delete()


@transaction.atomic
def objection_add(
    *, opportunity: Opportunity, description: str, by: User, raised_on: date | None = None
) -> Objection:
    """异议: an objection raised by the customer, to be handled in negotiation (S6)."""
    policy.check_edits(by, opportunity, _("record objections"))
    description = base.text(description)
    if not description:
        raise errors.required("description", _("The objection"))
    raised_on = raised_on or base.today()
    if raised_on > base.today():
        raise errors.future_date("raised_on")
    return Objection.objects.create(
        opportunity=opportunity, description=description, raised_on=raised_on
    )


@transaction.atomic
def objection_resolve(*, objection: Objection, handling: str, by: User) -> Objection:
    """Record how the objection was handled; it counts as resolved."""
    policy.check_edits(by, objection.opportunity, _("record objections"))
    handling = base.text(handling)
    if not handling:
        raise errors.required("handling", _("How the objection was handled"))
    objection.handling, objection.resolved = handling, True
    objection.save(update_fields=["handling", "resolved"])
    return objection
