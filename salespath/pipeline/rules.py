"""The pipeline's invariants about stage, status and probability (SPEC §3, §4), stated once.

The services keep them on every write, and the importer checks a file's rows against them
before anything is written; the database constraints on `Opportunity` refuse what slips
past both. Each function answers a question about values, without reading the database.
"""

from __future__ import annotations

from datetime import date

from .models import Status

# A new opportunity starts here; an opportunity imported as won without earlier history
# is taken to have started here too.
ENTRY_STAGE = "S2"
# The last stage: being in it is having won the deal, and a won deal is in it.
WON_STAGE = "S7"


def status_on_entering(stage_code: str) -> str:
    """The status a move forward (or back) into a stage gives: won in S7, open elsewhere."""
    return Status.WON if stage_code == WON_STAGE else Status.OPEN


def won_stage_conflict(stage_code: str | None, status: str | None) -> str | None:
    """Which side breaks "S7 ⇔ won", or None if neither does: `"status"` for a won deal
    outside S7, `"stage"` for a deal in S7 that is not won."""
    if status == Status.WON and stage_code and stage_code != WON_STAGE:
        return "status"
    if stage_code == WON_STAGE and status != Status.WON:
        return "stage"
    return None


def loss_missing(lost_on: date | None, lost_reason: str) -> list[str]:
    """What a lost deal lacks of its date and its reason (both are required), in that order."""
    missing = []
    if lost_on is None:
        missing.append("lost_on")
    if not lost_reason:
        missing.append("lost_reason")
    return missing


def probability(*, status: str, stage_default: int, manual: int | None) -> int:
    """A lost deal's probability is 0; otherwise one set by hand is kept, else the stage's
    default applies."""
    if status == Status.LOST:
        return 0
    return manual if manual is not None else stage_default
