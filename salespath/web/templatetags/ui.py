"""Presentation helpers for the templates: money, 万元, the role-aware navigation."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import gettext as _

from salespath.localize import join_list
from salespath.web.navigation import active_item, navigation

register = template.Library()

CENT = Decimal("0.01")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def money(value) -> str:
    """¥1,234,567.00 — CNY with two decimals (SPEC §7); an empty value shows as a dash."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return f"¥{amount.quantize(CENT, rounding=ROUND_HALF_UP):,}"


@register.filter
def wan(value) -> str:
    """An amount in 万元 (ten thousands), two decimals: 1,234,567 → 123.46."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    return f"{(amount / 10000).quantize(CENT, rounding=ROUND_HALF_UP):,}"


@register.filter
def percent(value) -> str:
    amount = _decimal(value)
    if amount is None:
        return "—"
    return f"{amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


@register.filter
def progress(item) -> int:
    """A roadmap item's value as a share of its target, 0–100, for a progress bar."""
    value, target = _decimal(getattr(item, "value", None)), _decimal(getattr(item, "target", None))
    if value is None or not target:
        return 0
    return int(max(0, min(100, value * 100 / target)))


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    if mapping is None:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.inclusion_tag("web/_nav.html", takes_context=True)
def main_nav(context) -> dict:
    request = context["request"]
    items = navigation(request.user)
    return {"items": items, "active": active_item(items, request.path)}


@register.simple_tag
def role_labels(user) -> str:
    from salespath.org.models import Role

    labels = [str(label) for code, label in Role.choices if code in user.role_codes]
    return " · ".join(labels) if labels else _("No role")


@register.simple_tag
def url_with(name: str, *args) -> str:
    return reverse(name, args=args)


_ID_MARK = 9_876_543_210  # an id no path holds otherwise, put where the real id goes
_id_paths: dict[tuple, tuple[str, str] | None] = {}


@register.simple_tag
def id_url(name: str, pk: int) -> str:
    """`{% url name pk %}` for a view whose only argument is an integer id. The pattern is
    reversed once per name (and script prefix and URL conf) and the id put into it: the board
    shows many cards with two links each, and `reverse` for each is a noticeable part of the
    page's time."""
    key = (name, get_script_prefix(), get_urlconf())
    if key not in _id_paths:
        pieces = reverse(name, args=[_ID_MARK]).split(str(_ID_MARK))
        _id_paths[key] = (pieces[0], pieces[1]) if len(pieces) == 2 else None
    around = _id_paths[key]
    if around is None:
        return reverse(name, args=[pk])
    return f"{around[0]}{int(pk)}{around[1]}"


@register.filter(name="join_list")
def join_list_filter(items) -> str:
    """`{{ products|join_list }}`: "甲、乙" in Chinese, "A, B" in English."""
    return join_list(items or [])


ROADMAP_UNITS = {"percent": "%", "hours": " h"}


@register.filter
def figure(value, unit: str = "") -> str:
    """A roadmap figure with its unit: 62.6%, 4 h, 3; a dash when there is none."""
    if value is None or value == "":
        return "—"
    return f"{value}{ROADMAP_UNITS.get(unit, '')}"
