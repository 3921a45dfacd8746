from django.contrib import admin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["occurred_on", "person", "kind", "hours", "customer", "opportunity"]
    list_filter = ["kind", "person__team"]
    search_fields = ["purpose", "outcome", "customer__name"]
    raw_id_fields = ["person", "customer", "opportunity"]
    date_hierarchy = "occurred_on"
