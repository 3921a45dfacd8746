"""Request bodies: types, ranges and references are checked here, before any service runs;
the rules themselves (who may, gates, what must be on record) stay in the services.

A reference the caller may not see fails exactly like one that does not exist.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.encoding import smart_str
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from salespath import policy
from salespath.activities.models import ActivityKind
from salespath.catalog.models import ProductCategory
from salespath.customers.models import (
    CompanySize,
    Competitor,
    ContactRole,
    EconomicCondition,
    Industry,
    SystemStatus,
)
from salespath.org.models import User
from salespath.pipeline.models import ForecastCategory, KeyDate, ProjectRole, Quote

MAX_MONEY = Decimal("999999999999.99")


def money(**kwargs) -> serializers.DecimalField:
    """An amount in CNY: at most 12 digits before the point, two after, never negative."""
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=Decimal(0), max_value=MAX_MONEY, **kwargs
    )


def text(max_length: int | None = None, **kwargs) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    kwargs.setdefault("default", "")
    return serializers.CharField(max_length=max_length, trim_whitespace=True, **kwargs)


def choice(choices, **kwargs) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices.choices, **kwargs)


def object_id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=2**53, **kwargs)


def version() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("The opportunity's version as you read it; 409 if it changed since."),
    )


class SlugField(serializers.SlugRelatedField):
    """A reference by code or username. A value no row can hold (a NUL, which PostgreSQL
    cannot even compare) is "no such row" before any query, as on SQLite."""

    def to_internal_value(self, data):
        if "\x00" in str(data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=smart_str(data))
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.STR)
class ScopedSlugField(SlugField):
    """A reference by code or username among the rows `scope(user)` returns."""

    def __init__(self, scope, **kwargs):
        self.scope = scope
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.scope(self.context["request"].user)


def visible_person(**kwargs) -> ScopedSlugField:
    return ScopedSlugField(policy.visible_people, slug_field="username", **kwargs)


def any_person(**kwargs) -> SlugField:
    """Anyone active in the company: project teams draw on experts from other teams."""
    return SlugField(slug_field="username", queryset=User.objects.filter(is_active=True), **kwargs)


def product(**kwargs) -> SlugField:
    return SlugField(
        slug_field="code", queryset=ProductCategory.objects.filter(active=True), **kwargs
    )


# --- customers ----------------------------------------------------------------------------


class CustomerProfileInput(serializers.Serializer):
    name_en = text(200)
    external_id = serializers.CharField(max_length=100, required=False, allow_null=True)
    industry = SlugField(
        slug_field="code", queryset=Industry.objects.all(), required=False, allow_null=True
    )
    is_group_enterprise = serializers.BooleanField(required=False, allow_null=True)
    is_multi_site = serializers.BooleanField(required=False, allow_null=True)
    size = serializers.ChoiceField(
        choices=[("", "")] + CompanySize.choices, required=False, allow_blank=True
    )
    headcount = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, required=False, allow_null=True
    )
    background = text()
    it_hardware = text()
    it_software = text()
    it_network = text()
    it_need = text()
    economic_condition = serializers.ChoiceField(
        choices=[("", "")] + EconomicCondition.choices, required=False, allow_blank=True
    )
    current_system_status = serializers.ChoiceField(
        choices=[("", "")] + SystemStatus.choices, required=False, allow_blank=True
    )
    note = text()


class CustomerCreateInput(CustomerProfileInput):
    name = serializers.CharField(max_length=200)
    owner = visible_person(
        required=False, help_text="Username of the account manager; default: you."
    )


class CustomerUpdateInput(CustomerProfileInput):
    name = serializers.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # a PATCH changes only what it names
            field.required = False
            field.default = serializers.empty


class ContactInput(serializers.Serializer):
    customer = object_id()
    name = serializers.CharField(max_length=100)
    project_role = choice(ContactRole)
    title = text(100)
    phone = text(50)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    note = text()


class CustomerAttestInput(serializers.Serializer):
    criterion = serializers.CharField(max_length=8, help_text="S1.3 or S1.4.")
    note = serializers.CharField(max_length=2000)


class ReasonInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- opportunities ------------------------------------------------------------------------


class LineInput(serializers.Serializer):
    product = product()
    amount = money()


class OpportunityCreateInput(serializers.Serializer):
    customer = object_id()
    name = serializers.CharField(max_length=200)
    expected_close = serializers.DateField()
    owner = visible_person(required=False, help_text="Username; default: you.")
    lines = LineInput(many=True, required=False)
    amount = money(required=False, help_text="Without lines: the amount itself.")
    forecast_category = choice(ForecastCategory, required=False)
    probability = serializers.IntegerField(min_value=0, max_value=100, required=False)
    name_en = text(200)
    customer_need = text()
    budget_amount = money(required=False, allow_null=True)
    no_competitors_known = serializers.BooleanField(required=False, default=False)
    note = text()
    external_id = serializers.CharField(max_length=100, required=False, allow_null=True)


class OpportunityUpdateInput(serializers.Serializer):
    version = version()
    name = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    expected_close = serializers.DateField(required=False)
    forecast_category = choice(ForecastCategory, required=False)
    probability = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        allow_null=True,
        help_text="null hands the probability back to the stage default.",
    )
    owner = visible_person(required=False)
    customer_need = serializers.CharField(required=False, allow_blank=True)
    budget_amount = money(required=False, allow_null=True)
    no_competitors_known = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    amount = money(required=False, help_text="Only while the opportunity has no lines.")
    lines = LineInput(many=True, required=False, help_text="Replaces every product line.")


class MoveInput(serializers.Serializer):
    to_stage = serializers.CharField(max_length=8, help_text="S2 … S7.")
    version = version()
    reason = text(2000)
    on = serializers.DateField(required=False, help_text="Effective date; default today.")


class MoveWithReasonInput(MoveInput):
    reason = serializers.CharField(max_length=2000)


class LoseInput(serializers.Serializer):
    version = version()
    reason = serializers.CharField(max_length=2000)
    lost_to = serializers.PrimaryKeyRelatedField(
        queryset=Competitor.objects.all(), required=False, allow_null=True
    )
    on = serializers.DateField(required=False)


class ReopenInput(serializers.Serializer):
    version = version()
    reason = serializers.CharField(max_length=2000)
    on = serializers.DateField(required=False)


class AttestInput(serializers.Serializer):
    criterion = serializers.CharField(max_length=8, help_text="An attested criterion, e.g. S3.1.")
    note = serializers.CharField(max_length=2000)


class WithdrawInput(serializers.Serializer):
    criterion = serializers.CharField(max_length=8)
    reason = serializers.CharField(max_length=2000)


# --- the work of a stage ------------------------------------------------------------------


class TeamMemberInput(serializers.Serializer):
    opportunity = object_id()
    person = any_person()
    role = choice(ProjectRole)


class QuoteInput(serializers.Serializer):
    opportunity = object_id()
    software_fee = money()
    implementation_fee = money()
    service_fee = money()
    kind = choice(Quote.Kind, required=False, default=Quote.Kind.PRELIMINARY)
    quoted_on = serializers.DateField(required=False)
    note = text()


class KeyDateInput(serializers.Serializer):
    opportunity = object_id()
    kind = choice(KeyDate.Kind)
    on = serializers.DateField()
    note = text(200)


class CompetitorInput(serializers.Serializer):
    opportunity = object_id()
    name = serializers.CharField(max_length=200, help_text="A new name joins the list.")
    kind = choice(Competitor.Kind, required=False, default=Competitor.Kind.VENDOR)
    note = text(200)


class ObjectionInput(serializers.Serializer):
    opportunity = object_id()
    description = serializers.CharField(max_length=4000)
    raised_on = serializers.DateField(required=False)


class ObjectionResolveInput(serializers.Serializer):
    handling = serializers.CharField(max_length=4000)


class InstallmentInput(serializers.Serializer):
    due_on = serializers.DateField()
    amount = money()


class ContractInput(serializers.Serializer):
    opportunity = object_id()
    signed_on = serializers.DateField()
    amount = money()
    payment_terms = serializers.CharField(max_length=4000)
    installments = InstallmentInput(many=True, allow_empty=False)


class PaymentInput(serializers.Serializer):
    contract = object_id()
    amount = money()
    received_on = serializers.DateField()


class ShipmentInput(serializers.Serializer):
    opportunity = object_id()
    hq_ordered_on = serializers.DateField(required=False, allow_null=True)
    shipped_on = serializers.DateField(required=False, allow_null=True)
    note = text(200)


class InitiationSubmitInput(serializers.Serializer):
    opportunity = object_id()
    requirements = serializers.CharField(max_length=4000)
    budget = money(required=False, allow_null=True)
    schedule = text(4000)
    selection_team = text(4000)
    competition = text(4000)
    guidance = text(4000)


class MemberInput(serializers.Serializer):
    person = any_person()
    role = choice(ProjectRole)


class InitiationApproveInput(serializers.Serializer):
    project_manager = any_person()
    members = MemberInput(many=True, required=False, default=list)
    comment = text(4000)


class InitiationRejectInput(serializers.Serializer):
    comment = serializers.CharField(max_length=4000)


# --- activities, quotas, forecast ---------------------------------------------------------


class ActivityInput(serializers.Serializer):
    kind = choice(ActivityKind)
    occurred_on = serializers.DateField()
    hours = serializers.DecimalField(
        max_digits=4, decimal_places=2, min_value=Decimal(0), max_value=Decimal(24)
    )
    customer = object_id(required=False, allow_null=True)
    opportunity = object_id(required=False, allow_null=True)
    purpose = text(200)
    outcome = text()
    note = text()


class ActivityUpdateInput(ActivityInput):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


class QuotaInput(serializers.Serializer):
    person = any_person()
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)
    fiscal_quarter = serializers.IntegerField(min_value=1, max_value=4)
    amount = money()


class ForecastSubmitInput(serializers.Serializer):
    as_of = serializers.DateField()
    person = visible_person(required=False, help_text="Username; default: you.")
