"""Read shapes of the API resources. Writes go through the services, never `serializer.save()`."""

from rest_framework import serializers

from salespath.activities.models import Activity
from salespath.catalog.models import ProductCategory
from salespath.customers.models import Competitor, Contact, Customer, Industry
from salespath.forecast.models import ForecastSnapshot, ForecastSubmission
from salespath.org.models import Branch, Quota, Team, User
from salespath.pipeline.models import (
    Attestation,
    Contract,
    Criterion,
    FieldChange,
    InitiationRequest,
    Installment,
    KeyDate,
    Objection,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    Payment,
    ProjectMember,
    Quote,
    Shipment,
    StageChange,
)

from .models import ApiToken


class BranchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "code", "name", "name_en"]


class TeamSerializer(serializers.ModelSerializer):
    branch = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "code", "name", "name_en", "branch"]


class PersonSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    # a team member's branch is their team's
    branch = serializers.SlugRelatedField(
        source="home_branch", slug_field="code", read_only=True, allow_null=True
    )
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "display_name",
            "team",
            "branch",
            "roles",
            "hire_date",
            "quota_start_date",
            "is_active",
        ]

    def get_roles(self, person) -> list[str]:
        return sorted(person.role_codes)


class QuotaSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Quota
        fields = ["id", "person", "fiscal_year", "fiscal_quarter", "amount"]


class ProductCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["id", "code", "name", "name_en", "active"]


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "customer", "name", "title", "project_role", "phone", "email", "note"]
        read_only_fields = ["customer"]


class CustomerSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    industry = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "external_id",
            "name",
            "name_en",
            "owner",
            "created_on",
            "updated_at",
            "industry",
            "is_group_enterprise",
            "is_multi_site",
            "size",
            "headcount",
            "background",
            "basics_completed_on",
            "it_hardware",
            "it_software",
            "it_network",
            "it_need",
            "economic_condition",
            "current_system_status",
            "target_override",
            "target_override_reason",
            "note",
        ]


class LineSerializer(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OpportunityLine
        fields = ["product", "amount"]


class OpportunitySerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    stage = serializers.CharField(source="stage_id", read_only=True)
    lines = LineSerializer(many=True, read_only=True)

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "external_id",
            "name",
            "name_en",
            "customer",
            "owner",
            "created_on",
            "updated_at",
            "stage",
            "stage_entered_on",
            "status",
            "amount",
            "lines",
            "probability",
            "probability_manual",
            "forecast_category",
            "expected_close",
            "no_competitors_known",
            "customer_need",
            "budget_amount",
            "note",
            "signed_on",
            "won_on",
            "lost_on",
            "lost_reason",
            "lost_to",
            "imported",
            "version",
        ]


class ProjectMemberSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ProjectMember
        fields = ["id", "opportunity", "person", "role"]


class StageChangeSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = StageChange
        fields = [
            "id",
            "opportunity",
            "kind",
            "from_stage",
            "to_stage",
            "from_status",
            "to_status",
            "effective_on",
            "at",
            "by",
            "reason",
            "override",
            "imported",
        ]


class FieldChangeSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)

    class Meta:
        model = FieldChange
        fields = ["id", "opportunity", "field", "old_value", "new_value", "at", "by"]


class QuoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Quote
        fields = [
            "id",
            "opportunity",
            "version",
            "kind",
            "quoted_on",
            "software_fee",
            "implementation_fee",
            "service_fee",
            "note",
        ]


class KeyDateSerializer(serializers.ModelSerializer):
    class Meta:
        model = KeyDate
        fields = ["id", "opportunity", "kind", "on", "note"]


class ObjectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Objection
        fields = ["id", "opportunity", "raised_on", "description", "handling", "resolved"]


class InstallmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Installment
        fields = ["due_on", "amount", "note"]


class ContractSerializer(serializers.ModelSerializer):
    installments = InstallmentSerializer(many=True, read_only=True)

    class Meta:
        model = Contract
        fields = ["id", "opportunity", "signed_on", "amount", "payment_terms", "installments"]


class PaymentSerializer(serializers.ModelSerializer):
    recorded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    confirmed_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Payment
        fields = [
            "id",
            "contract",
            "amount",
            "received_on",
            "recorded_by",
            "recorded_at",
            "confirmed_by",
            "confirmed_at",
        ]


class ShipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Shipment
        fields = ["id", "opportunity", "hq_ordered_on", "shipped_on", "note"]


class InitiationRequestSerializer(serializers.ModelSerializer):
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = InitiationRequest
        fields = [
            "id",
            "opportunity",
            "requested_by",
            "requested_at",
            "requirements",
            "budget",
            "schedule",
            "selection_team",
            "competition",
            "guidance",
            "status",
            "decided_by",
            "decided_at",
            "decision_comment",
        ]


class ActivitySerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "person",
            "kind",
            "occurred_on",
            "hours",
            "customer",
            "opportunity",
            "purpose",
            "outcome",
            "note",
            "created_at",
            "updated_at",
        ]


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "revoked_at"]


class NewTokenSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]


class IndustrySerializer(serializers.ModelSerializer):
    class Meta:
        model = Industry
        fields = ["id", "code", "name", "name_en", "is_target"]


class CompetitorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Competitor
        fields = ["id", "name", "kind", "note"]


class OpportunityCompetitorSerializer(serializers.ModelSerializer):
    competitor = CompetitorSerializer(read_only=True)

    class Meta:
        model = OpportunityCompetitor
        fields = ["id", "opportunity", "competitor", "note"]


class AttestationSerializer(serializers.ModelSerializer):
    criterion = serializers.CharField(source="criterion_id", read_only=True)
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    withdrawn_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Attestation
        fields = [
            "id",
            "criterion",
            "opportunity",
            "customer",
            "note",
            "by",
            "at",
            "withdrawn_by",
            "withdrawn_at",
            "withdraw_reason",
        ]


class AttestedSerializer(serializers.Serializer):
    by = serializers.CharField()
    by_name = serializers.CharField()
    at = serializers.DateTimeField()
    note = serializers.CharField()


class CriterionResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    stage = serializers.CharField()
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=Criterion.Kind.choices)
    met = serializers.BooleanField()
    why = serializers.CharField()
    attestation = AttestedSerializer(allow_null=True)


class CriteriaSerializer(serializers.Serializer):
    opportunity = serializers.IntegerField(required=False)
    customer = serializers.IntegerField(required=False)
    stage = serializers.CharField(required=False)
    is_target = serializers.BooleanField(required=False)
    criteria = CriterionResultSerializer(many=True)


class ForecastSubmissionSerializer(serializers.ModelSerializer):
    person = serializers.SlugRelatedField(slug_field="username", read_only=True)
    submitted_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ForecastSubmission
        fields = ["id", "person", "as_of", "submitted_at", "submitted_by", "how"]


class ForecastSnapshotSerializer(serializers.ModelSerializer):
    class Meta:
        model = ForecastSnapshot
        fields = [
            "opportunity",
            "name",
            "stage",
            "status",
            "category",
            "amount",
            "probability",
            "expected_close",
            "signed_on",
            "won_on",
            "time_close",
            "time_column",
            "category_column",
            "lines",
        ]


class ForecastSubmissionDetailSerializer(ForecastSubmissionSerializer):
    snapshots = ForecastSnapshotSerializer(many=True, read_only=True)

    class Meta(ForecastSubmissionSerializer.Meta):
        fields = [*ForecastSubmissionSerializer.Meta.fields, "snapshots"]
