"""The answer to "is this criterion met, and why?" for one opportunity or customer."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Attested:
    by: str
    by_name: str
    at: datetime
    note: str


@dataclass(frozen=True)
class CriterionResult:
    code: str  # "S5.3"
    stage: str  # "S5"
    text: str  # in the active language
    kind: str  # "evidence" | "attested"
    met: bool
    why: str  # a translated sentence: the evidence found, what is missing, or who attested
    attestation: Attested | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.attestation is not None:
            data["attestation"]["at"] = self.attestation.at.isoformat()
        return data

    def as_missing(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text}
