from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Playbook, SignOff


@admin.register(Playbook)
class PlaybookAdmin(admin.ModelAdmin):
    """A version in force is history: it is read-only, and a change is a new version from a
    date. Versions not yet in force (dated after today) can still be corrected."""

    list_display = ["effective_from", "note", "created_at"]
    fieldsets = [
        (None, {"fields": ["effective_from", "note", "training_months"]}),
        (
            _("Weekly work standards"),
            {
                "fields": [
                    "p1_profiles_per_week",
                    "p1_prospecting_hours",
                    "p1_visit_hours",
                    "p2_prospecting_hours",
                    ("p2_visits_min", "p2_visits_max"),
                    "p3_prospecting_hours",
                    ("p3_visits_min", "p3_visits_max"),
                ]
            },
        ),
        (
            _("Phase goals"),
            {
                "fields": [
                    "p0_target_customers",
                    "p0_potential_opportunities",
                    "p1_customers_s2",
                    "p1_customers_s3",
                    "p1_customers_s5",
                    "p2_coverage_percent",
                    "p2_quarter2_percent",
                    "p2_customers_s3",
                    "p2_customers_s5",
                    "p2_big_sales",
                    "big_sale_amount",
                    "p3_coverage_percent",
                    "p3_annual_percent",
                    "p3_customers_s5",
                    "p3_customers_s6",
                    "p4_coverage_percent",
                    "p4_annual_percent",
                ]
            },
        ),
    ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.effective_from <= timezone.localdate():
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


@admin.register(SignOff)
class SignOffAdmin(admin.ModelAdmin):
    """Sign-offs are recorded by supervisors through `signoff_record`; here they are read."""

    list_display = ["person", "item", "signed_on", "signed_by"]
    list_filter = ["item", "person__team"]
    search_fields = ["person__username", "person__display_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
