"""Small helpers every write endpoint shares."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def validated(input_class, request: Request, **context: Any) -> dict[str, Any]:
    """The request body checked by `input_class`; a 400 naming each bad field otherwise."""
    serializer = input_class(data=request.data, context={"request": request, **context})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def given(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """The named keys the caller actually sent (a PATCH changes only those)."""
    return {name: data[name] for name in names if name in data}
