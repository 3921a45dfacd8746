"""The domain error every service raises. Messages are translated; `code` is stable for the API.

Each app keeps the errors its users can see in its own `errors.py`, built on these.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A refused request: bad input or a broken rule. Nothing was written."""

    code = "invalid"
    status = 400

    def __init__(
        self,
        message: Any,
        *,
        code: str | None = None,
        fields: dict[str, list[str]] | None = None,
        missing: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.message = str(message)
        if code:
            self.code = code
        self.fields = fields or {}
        self.missing = missing or []

    def as_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        if self.missing:
            error["missing"] = self.missing
        return {"error": error}


class NotFound(DomainError):
    """Does not exist, or the caller may not see it: the two look the same from outside."""

    code = "not_found"
    status = 404


class NotAllowed(DomainError):
    """The caller may see it but not do this."""

    code = "forbidden"
    status = 403


class Conflict(DomainError):
    """Someone changed it since the caller read it, or a gate is not met."""

    code = "conflict"
    status = 409
