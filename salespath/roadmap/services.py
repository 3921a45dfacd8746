"""Writes of the success roadmap: supervisor sign-offs of the skill items (SPEC §6)."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.org.access import supervised_team_id, supervises
from salespath.org.models import User

from .errors import AlreadySignedOff, SignOffInvalid, SignOffNotAllowed
from .models import PhaseEnd, SignOff, SkillItem


def is_supervisor_of(supervisor: User, person: User) -> bool:
    """A sales supervisor of the person's own team (not the person themself)."""
    return (
        supervisor.pk != person.pk
        and person.team_id is not None
        and supervised_team_id(supervisor) == person.team_id
    )


def signoff_record(*, person: User, item: str, by: User, on: date, note: str = "") -> SignOff:
    """Record that `person` has the skill `item`, confirmed by their supervisor on `on`."""
    if not is_supervisor_of(by, person):
        raise SignOffNotAllowed(
            _("Only a sales supervisor of %(person)s's team may sign off their skills.")
            % {"person": person}
        )
    if item not in SkillItem.values:
        raise SignOffInvalid(
            _("“%(item)s” is not a skill of the roadmap.") % {"item": item},
            fields={"item": [_("Choose a skill.")]},
        )
    if not isinstance(on, date):
        raise SignOffInvalid(_("The sign-off needs its date."), fields={"on": [_("Enter a date.")]})
    if on > timezone.localdate():
        raise SignOffInvalid(
            _("A sign-off cannot be dated in the future (%(day)s).") % {"day": on},
            fields={"on": [_("The date cannot be in the future.")]},
        )
    if person.hire_date and on < person.hire_date:
        raise SignOffInvalid(
            _("A sign-off cannot be dated before the hire date %(hire)s.")
            % {"hire": person.hire_date},
            fields={"on": [_("The date cannot be before the hire date.")]},
        )
    label = SkillItem(item).label
    if SignOff.objects.filter(person=person, item=item).exists():
        raise AlreadySignedOff(
            _("“%(item)s” is already signed off for %(person)s.")
            % {"item": label, "person": person}
        )
    try:
        with transaction.atomic():
            return SignOff.objects.create(
                person=person, item=item, signed_on=on, signed_by=by, note=note
            )
    except IntegrityError:
        raise AlreadySignedOff(
            _("“%(item)s” is already signed off for %(person)s.")
            % {"item": label, "person": person}
        ) from None


def may_sign_phase_end(user: User, person: User) -> bool:
    """A sales supervisor of the person's team, or the GM of their branch (the one rule,
    `org.access.supervises`), never the person themselves."""
    return user.pk != person.pk and supervises(user, person)


def phase_end_record(*, person: User, phase: str, ended_on: date) -> PhaseEnd:
    """The phase ended with goals unmet: it waits for a sign-off. Recorded once."""
    return PhaseEnd.objects.get_or_create(person=person, phase=phase, ended_on=ended_on)[0]


def phase_end_sign(*, phase_end: PhaseEnd, by: User) -> PhaseEnd:
    """A supervisor or the branch GM has reviewed the phase that ended with goals unmet."""
    if not may_sign_phase_end(by, phase_end.person):
        raise SignOffNotAllowed(
            _("Only a sales supervisor or the branch GM of %(person)s may sign off their phase.")
            % {"person": phase_end.person}
        )
    with transaction.atomic():
        updated = PhaseEnd.objects.filter(pk=phase_end.pk, signed_at=None).update(
            signed_by=by, signed_at=timezone.now()
        )
        if not updated:
            raise AlreadySignedOff(
                _("The end of %(phase)s for %(person)s is already signed off.")
                % {"phase": phase_end.phase, "person": phase_end.person}
            )
    phase_end.refresh_from_db()
    return phase_end
