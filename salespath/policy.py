"""Who may see what (SPEC §1), under the names the web and API use. The rule itself is in
`salespath.org.access` (people) and `salespath.pipeline.visibility` (opportunities and
customers); who may *do* what is `salespath.pipeline.policy`."""

from salespath.org.access import SEES_EVERYTHING, owner_filter, sees_everything, visible_people
from salespath.pipeline.visibility import (
    visible_customers,
    visible_opportunities,
    visible_opportunity_parts,
)

__all__ = [
    "SEES_EVERYTHING",
    "owner_filter",
    "sees_everything",
    "visible_customers",
    "visible_opportunities",
    "visible_opportunity_parts",
    "visible_people",
]
