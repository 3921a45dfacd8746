from django.contrib import admin

from salespath.adminsite.options import ReadOnlyAdmin, ReadOnlyInline
from salespath.org.admin import branch_filter

from .models import (
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
    Stage,
    StageChange,
)


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["code", "order", "kind", "text", "text_en"]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "default_probability", "stuck_after_days"]
    list_editable = ["default_probability", "stuck_after_days"]
    inlines = [CriterionInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "stage", "kind", "text", "text_en"]
    list_filter = ["stage", "kind"]

    def has_delete_permission(self, request, obj=None):
        return False


class LineInline(ReadOnlyInline):
    model = OpportunityLine


class MemberInline(ReadOnlyInline):
    model = ProjectMember


class StageChangeInline(ReadOnlyInline):
    model = StageChange
    fk_name = "opportunity"


# Opportunities, their contracts and everything recorded on them change only through the
# services (version check, field history, rollups); the admin shows them.
@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "customer",
        "owner",
        "stage",
        "status",
        "amount",
        "forecast_category",
        "expected_close",
    ]
    list_filter = ["stage", "status", "forecast_category", branch_filter("owner"), "owner__team"]
    search_fields = ["name", "name_en", "external_id", "customer__name"]
    list_select_related = ["customer", "owner", "stage"]
    raw_id_fields = ["customer", "owner", "created_by", "lost_to"]
    inlines = [LineInline, MemberInline, StageChangeInline]


@admin.register(StageChange)
class StageChangeAdmin(ReadOnlyAdmin):
    list_display = [
        "opportunity",
        "kind",
        "from_stage",
        "to_stage",
        "effective_on",
        "by",
        "override",
        "imported",
    ]
    list_filter = ["kind", "override", "imported", "to_stage"]
    list_select_related = ["opportunity", "by"]


@admin.register(FieldChange)
class FieldChangeAdmin(ReadOnlyAdmin):
    list_display = ["opportunity", "field", "old_value", "new_value", "at", "by"]
    list_filter = ["field"]


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyAdmin):
    list_display = ["criterion", "opportunity", "customer", "by", "at", "withdrawn_at"]
    list_filter = ["criterion"]


@admin.register(InitiationRequest)
class InitiationRequestAdmin(ReadOnlyAdmin):
    list_display = ["opportunity", "requested_by", "requested_at", "status", "decided_by"]
    list_filter = ["status"]


class InstallmentInline(ReadOnlyInline):
    model = Installment


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["opportunity", "signed_on", "amount"]
    raw_id_fields = ["opportunity", "created_by"]
    inlines = [InstallmentInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["contract", "amount", "received_on", "recorded_by", "confirmed_by"]


for model in (Quote, KeyDate, Objection, OpportunityCompetitor, Shipment):
    admin.site.register(model, ReadOnlyAdmin, list_display=["__str__", "opportunity"])
