"""The pipeline's writes (STYLE.md): keyword-only functions that check, change rows in one
transaction, write history, and raise a translated DomainError otherwise.

Import them from here: `from salespath.pipeline.services import opportunity_advance`.
"""

from .attestations import attestation_add, attestation_withdraw
from .contract import (
    contract_sign,
    outstanding,
    payment_confirm,
    payment_record,
    shipment_record,
)
from .initiation import initiation_approve, initiation_reject, initiation_submit
from .moves import (
    opportunity_advance,
    opportunity_lose,
    opportunity_move_back,
    opportunity_override,
    opportunity_reopen,
)
from .opportunities import opportunity_create, opportunity_set_lines, opportunity_update
from .work import (
    competitor_add,
    competitor_remove,
    key_date_add,
    key_date_remove,
    objection_add,
    objection_resolve,
    quote_add,
    team_member_add,
    team_member_remove,
)

__all__ = [
    "attestation_add",
    "attestation_withdraw",
    "competitor_add",
    "competitor_remove",
    "contract_sign",
    "key_date_add",
    "key_date_remove",
    "objection_add",
    "objection_resolve",
    "outstanding",
    "payment_confirm",
    "payment_record",
    "quote_add",
    "shipment_record",
    "team_member_add",
    "team_member_remove",
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
