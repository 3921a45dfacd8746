"""Stage 1 (定位目标客户群): is a customer a target customer? (SPEC §2, S1.1–S1.4)

S1.1 and S1.2 come from the profile; S1.3 and S1.4 are attested on the customer by a person
with a note. A customer is a *target customer* when all four hold, or when a supervisor has
marked it so with a reason (`customer_mark_target`).

Reading of SPEC: S1.1 "属于大中型...行业" needs both a target industry and a large or medium
size; S1.2 needs both the group-enterprise and the multi-site flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from salespath.customers.models import CompanySize, Customer

from .results import Attested, CriterionResult

TARGET_SIZES = (CompanySize.LARGE, CompanySize.MEDIUM)
ATTESTED_CODES = ("S1.3", "S1.4")


@dataclass(frozen=True)
class Qualification:
    customer_id: int
    results: list[CriterionResult]
    marked_target: bool

    @property
    def all_met(self) -> bool:
        return all(result.met for result in self.results)

    @property
    def is_target(self) -> bool:
        return self.all_met or self.marked_target

    @property
    def why(self) -> str:
        if self.all_met:
            return _("Meets every criterion of S1.")
        if self.marked_target:
            return _("Marked as a target customer by a supervisor.")
        missing = ", ".join(result.code for result in self.results if not result.met)
        return _("Not a target customer: %(codes)s not met.") % {"codes": missing}


def attested_by(attestation) -> Attested:
    person = attestation.by
    return Attested(
        by=person.username, by_name=str(person), at=attestation.at, note=attestation.note
    )


def attested_why(attestation) -> str:
    return _("Attested by %(person)s on %(date)s: %(note)s") % {
        "person": attestation.by,
        "date": date_format(localtime(attestation.at).date(), "Y-m-d"),
        "note": attestation.note,
    }


def _s1_1(customer: Customer) -> tuple[bool, str]:
    industry = customer.industry
    if industry is None:
        return False, _("No industry on the customer's profile.")
    if not industry.is_target:
        return False, _("%(industry)s is not a target industry.") % {"industry": industry}
    if customer.size not in TARGET_SIZES:
        return False, _("The company is not recorded as large or medium.")
    return True, _("%(industry)s, %(size)s.") % {
        "industry": industry,
        "size": customer.get_size_display(),
    }


def _s1_2(customer: Customer) -> tuple[bool, str]:
    if not customer.is_group_enterprise:
        return False, _("Not recorded as a group enterprise.")
    if not customer.is_multi_site:
        return False, _("Not recorded as multi-organisation / multi-site.")
    return True, _("A multi-site group enterprise.")


def qualify(customer: Customer, criteria: list, attestations: dict) -> Qualification:
    """S1 for one customer, from loaded data: `criteria` are the S1 Criterion rows,
    `attestations` maps criterion code to the active Attestation (with `by` loaded)."""
    profile = {"S1.1": _s1_1, "S1.2": _s1_2}
    results = []
    for criterion in criteria:
        attestation = None
        if criterion.code in profile:
            met, why = profile[criterion.code](customer)
        else:
            attestation = attestations.get(criterion.code)
            met = attestation is not None
            why = attested_why(attestation) if met else _("Not attested yet.")
        results.append(
            CriterionResult(
                code=criterion.code,
                stage="S1",
                text=criterion.label,
                kind=criterion.kind,
                met=met,
                why=why,
                attestation=attested_by(attestation) if attestation else None,
            )
        )
    return Qualification(customer.pk, results, bool(customer.target_override))


def qualify_customers(
    customers: Iterable[Customer], *, among: QuerySet | None = None
) -> dict[int, Qualification]:
    """S1 for many customers in two queries (criteria, attestations), whatever their number.

    `among`, a queryset of customer pks, lets the attestation query use a subquery instead
    of a long list of ids."""
    from .models import Attestation, Criterion

    customers = list(customers)
    criteria = list(Criterion.objects.filter(stage_id="S1").order_by("order"))
    active = Attestation.objects.filter(
        customer__in=among if among is not None else [c.pk for c in customers],
        withdrawn_at__isnull=True,
    ).select_related("by")
    by_customer: dict[int, dict] = {}
    for attestation in active:
        by_customer.setdefault(attestation.customer_id, {})[attestation.criterion_id] = attestation
    return {
        customer.pk: qualify(customer, criteria, by_customer.get(customer.pk, {}))
        for customer in customers
    }


def qualify_customer(customer: Customer) -> Qualification:
    return qualify_customers([customer])[customer.pk]


def target_customer_q(prefix: str = "") -> Q:
    """A filter for target customers, for set-based reports (e.g. the roadmap's "target
    customers researched"). `prefix` reaches the customer from another model: "customer__"."""
    from .models import Attestation

    outer = prefix.removesuffix("__") or "pk"

    def attested(code: str) -> Exists:
        return Exists(
            Attestation.objects.filter(
                customer=OuterRef(outer), criterion_id=code, withdrawn_at__isnull=True
            )
        )

    qualified = Q(
        **{
            f"{prefix}industry__is_target": True,
            f"{prefix}size__in": TARGET_SIZES,
            f"{prefix}is_group_enterprise": True,
            f"{prefix}is_multi_site": True,
        }
    )
    return Q(**{f"{prefix}target_override": True}) | (
        qualified & attested("S1.3") & attested("S1.4")
    )
