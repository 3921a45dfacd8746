"""Where on the pages a missing criterion is fixed: the link beside it in the checklist and in
a refused move. Presentation only — whether a criterion is met is `pipeline.criteria`'s."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# code → (page, anchor, what to do there)
EVIDENCE_FIXES = {
    "S2.1": ("customer", "profile", _("Complete the customer's profile")),
    "S2.2": ("customer", "profile", _("Record the customer's IT baseline")),
    "S2.3": ("opportunity", "competitors", _("Name the competitors, or tick “none known”")),
    "S2.4": ("opportunity", "edit", _("Enter the customer need and budget")),
    "S2.5": ("customer", "contacts", _("Add the customer's project-team contacts")),
    "S2.6": ("customer", "qualification", _("Qualify the customer (S1)")),
    "S2.7": ("customer", "profile", _("Record the customer's IT need")),
    "S2.8": ("customer", "profile", _("Record the economic condition")),
    "S2.9": ("customer", "profile", _("Record the current system")),
    "S4.0": ("opportunity", "initiation", _("Request project initiation")),
    "S4.3": ("opportunity", "edit", _("Enter the budget amount")),
    "S4.4": ("customer", "contacts", _("Add the selection team and its sponsor")),
    "S4.5": ("opportunity", "key-dates", _("Record the customer's schedule")),
    "S4.6": ("opportunity", "competitors", _("Name the consultant or competitor")),
    "S4.7": ("opportunity", "activities", _("Log the guidance presentation")),
    "S5.1": ("opportunity", "activities", _("Log the product overview")),
    "S5.3": ("opportunity", "quotes", _("Add the preliminary quote")),
    "S5.4": ("opportunity", "edit", _("Set the close date and probability")),
    "S6.3": ("opportunity", "key-dates", _("Record the bid, negotiation and signing dates")),
    "S7.1": ("opportunity", "contract", _("Record the signed contract")),
    "S7.2": ("opportunity", "contract", _("Record the payment for finance to confirm")),
    "S7.3": ("opportunity", "shipment", _("Record the HQ order and shipment")),
}


def fix_location(code: str, kind: str, opportunity) -> dict:
    """{"url", "label"}: where to fix criterion `code` of `opportunity`."""
    in_checklist = reverse("web:opportunity", args=[opportunity.pk]) + f"#criterion-{code}"
    if kind == "attested":
        return {"url": in_checklist, "label": _("Attest it")}
    target = EVIDENCE_FIXES.get(code)
    if target is None:
        return {"url": in_checklist, "label": _("See the checklist")}
    where, anchor, label = target
    if where == "customer":
        url = reverse("web:customer", args=[opportunity.customer_id])
    else:
        url = reverse("web:opportunity", args=[opportunity.pk])
    return {"url": f"{url}#{anchor}", "label": label}


def missing_with_fixes(missing: list[dict], opportunity) -> list[dict]:
    """The `missing` list of a refused gate ({"code", "text"}), each with where to fix it."""
    from salespath.pipeline.models import Criterion

    kinds = dict(
        Criterion.objects.filter(code__in=[m["code"] for m in missing]).values_list("code", "kind")
    )
    return [
        {**item, "fix": fix_location(item["code"], kinds.get(item["code"], ""), opportunity)}
        for item in missing
    ]
