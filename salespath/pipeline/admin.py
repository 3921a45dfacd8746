from django.contrib import admin

from .copies import copy_team_and_lines
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


class ReadOnlyAdmin(admin.ModelAdmin):
    """History is never rewritten, not even by an administrator."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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


class LineInline(admin.TabularInline):
    model = OpportunityLine
    extra = 0


class MemberInline(admin.TabularInline):
    model = ProjectMember
    extra = 0
    raw_id_fields = ["person"]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    fk_name = "opportunity"
    extra = 0
    can_delete = False
    readonly_fields = [
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

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
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
    list_filter = ["stage", "status", "forecast_category", "owner__team__branch", "owner__team"]
    search_fields = ["name", "name_en", "external_id", "customer__name"]
    list_select_related = ["customer", "owner", "stage"]
    raw_id_fields = ["customer", "owner", "created_by", "lost_to"]
    # Stage, status and the event dates change only through the gate services.
    readonly_fields = [
        "stage",
        "stage_entered_on",
        "status",
        "signed_on",
        "won_on",
        "lost_on",
        "amount",
        "version",
    ]
    inlines = [LineInline, MemberInline, StageChangeInline]

    def save_model(self, request, obj, form, change):
        # issue 9: the forecast rollup follows an edit here too (owner before and after)
        from salespath.forecast.rollups import refresh_owners

        before = Opportunity.objects.filter(pk=obj.pk).values_list("owner_id", flat=True)
        owners = {*before, obj.owner_id}
        super().save_model(request, obj, form, change)
        refresh_owners(owners)

    def save_related(self, request, form, formsets, change):
        # issue 9: the row's copies of its team and lines follow the inlines
        super().save_related(request, form, formsets, change)
        copy_team_and_lines([form.instance.pk])


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


class InstallmentInline(admin.TabularInline):
    model = Installment
    extra = 0


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ["opportunity", "signed_on", "amount"]
    raw_id_fields = ["opportunity", "created_by"]
    inlines = [InstallmentInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["contract", "amount", "received_on", "recorded_by", "confirmed_by"]


for model in (Quote, KeyDate, Objection, OpportunityCompetitor, Shipment):
    admin.site.register(
        model, list_display=["__str__", "opportunity"], raw_id_fields=["opportunity"]
    )
