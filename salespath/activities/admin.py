from django.contrib import admin

from salespath.adminsite.options import ReadOnlyAdmin

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "person", "kind", "hours", "customer", "opportunity"]
    list_filter = ["kind", "person__team"]
    search_fields = ["purpose", "outcome", "customer__name"]
    date_hierarchy = "occurred_on"
