"""Refusals a user can see when working on customers, translated, with stable codes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from salespath.errors import Conflict, DomainError, NotAllowed, NotFound


def invalid(field: str, message: str) -> DomainError:
    return DomainError(message, code="invalid", fields={field: [message]})


def required(field: str, label: str) -> DomainError:
    return invalid(field, _("%(field)s is required.") % {"field": label})


def not_visible() -> NotFound:
    return NotFound(_("No such customer, or you may not see it."))


def not_allowed(action: str) -> NotAllowed:
    return NotAllowed(_("You may not %(action)s for this customer.") % {"action": action})


def external_id_taken() -> Conflict:
    """The same answer whether the customer holding it is visible to the caller or not."""
    message = _("This external id is already in use.")
    return Conflict(message, code="external_id_taken", fields={"external_id": [message]})
