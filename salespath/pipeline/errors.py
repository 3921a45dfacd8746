"""Every refusal a pipeline user can see, in one place, translated, with a stable code.

Services raise these; the API turns them into `{"error": {"code": ..., "message": ...}}`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from salespath.errors import Conflict, DomainError, NotAllowed, NotFound


def invalid(field: str, message: str) -> DomainError:
    return DomainError(message, code="invalid", fields={field: [message]})


def required(field: str, label: str) -> DomainError:
    return invalid(field, _("%(field)s is required.") % {"field": label})


def not_visible() -> NotFound:
    return NotFound(_("No such opportunity, or you may not see it."))


def not_allowed(action: str) -> NotAllowed:
    return NotAllowed(_("You may not %(action)s on this opportunity.") % {"action": action})


def stale_version() -> Conflict:
    return Conflict(
        _("Someone changed this opportunity since you opened it. Reload and try again."),
        code="stale_version",
    )


def unknown_stage(code: Any) -> DomainError:
    return invalid(
        "to_stage", _("There is no opportunity stage “%(code)s” (S2 to S7).") % {"code": code}
    )


def past_last_stage() -> DomainError:
    return invalid("to_stage", _("S7 is the last stage; an opportunity cannot advance past it."))


def not_open() -> Conflict:
    return Conflict(_("Only an open opportunity can do this."), code="not_open")


def gate_not_met(to_stage: str, missing: list[dict[str, str]]) -> Conflict:
    codes = ", ".join(item["code"] for item in missing)
    return Conflict(
        _("Cannot enter %(stage)s: these criteria are not met: %(codes)s.")
        % {"stage": to_stage, "codes": codes},
        code="gate_not_met",
        missing=missing,
    )


def reason_required(field: str = "reason") -> DomainError:
    return invalid(field, _("A reason is required."))


def future_date(field: str) -> DomainError:
    return invalid(field, _("The date cannot be in the future."))


def date_before_history(field: str, last: Any) -> DomainError:
    return invalid(
        field,
        _("The date cannot be before the opportunity's last stage change (%(date)s).")
        % {"date": last},
    )


def negative(field: str, label: str) -> DomainError:
    return invalid(field, _("%(field)s cannot be negative.") % {"field": label})


def not_positive(field: str, label: str) -> DomainError:
    return invalid(field, _("%(field)s must be more than zero.") % {"field": label})


def not_allowed_to_create() -> NotAllowed:
    return NotAllowed(_("You may not create opportunities for this account manager."))


def external_id_taken() -> Conflict:
    """The same answer whether the opportunity holding it is visible to the caller or not."""
    message = _("This external id is already in use.")
    return Conflict(message, code="external_id_taken", fields={"external_id": [message]})
