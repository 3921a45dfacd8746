"""The pipeline's writes (STYLE.md): keyword-only functions that check, change rows in one
transaction, write history, and raise a translated DomainError otherwise.

Import them from here: `from salespath.pipeline.services import opportunity_advance`.
"""

from .attestations import attestation_add, attestation_withdraw
from .initiation import initiation_approve, initiation_reject, initiation_submit
from .moves import (
    opportunity_advance,
    opportunity_lose,
    opportunity_move_back,
    opportunity_override,
    opportunity_reopen,
)
from .opportunities import opportunity_create, opportunity_set_lines, opportunity_update

__all__ = [
    "attestation_add",
    "attestation_withdraw",
    "initiation_approve",
    "initiation_reject",
    "initiation_submit",
    "opportunity_advance",
    "opportunity_create",
    "opportunity_lose",
    "opportunity_move_back",
    "opportunity_override",
    "opportunity_reopen",
    "opportunity_set_lines",
    "opportunity_update",
]
