from .deal import (
    Contract,
    Installment,
    KeyDate,
    Objection,
    OpportunityCompetitor,
    Payment,
    Quote,
    Shipment,
)
from .evidence import StoredEvidence
from .funnel import FunnelDay, FunnelMonth
from .method import OPPORTUNITY_STAGES, Criterion, Stage
from .opportunity import (
    Attestation,
    FieldChange,
    ForecastCategory,
    InitiationRequest,
    Opportunity,
    OpportunityLine,
    ProjectMember,
    ProjectRole,
    StageChange,
    Status,
)

__all__ = [
    "OPPORTUNITY_STAGES",
    "Attestation",
    "Contract",
    "Criterion",
    "FieldChange",
    "FunnelDay",
    "FunnelMonth",
    "ForecastCategory",
    "InitiationRequest",
    "Installment",
    "KeyDate",
    "Objection",
    "Opportunity",
    "OpportunityCompetitor",
    "OpportunityLine",
    "Payment",
    "ProjectMember",
    "ProjectRole",
    "Quote",
    "Shipment",
    "Stage",
    "StageChange",
    "Status",
    "StoredEvidence",
]
