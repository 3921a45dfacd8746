from django.contrib import admin

from salespath.adminsite.options import ReadOnlyAdmin, ReadOnlyInline
from salespath.org.admin import branch_filter

from .models import Competitor, Contact, Customer, Industry


@admin.register(Industry)
class IndustryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "is_target", "sort_order"]
    list_editable = ["is_target", "sort_order"]


class ContactInline(ReadOnlyInline):
    model = Contact


# Customers carry the visibility rules (their owner) and change through the services.
@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ["name", "industry", "size", "owner", "created_on", "target_override"]
    list_filter = ["industry", "size", branch_filter("owner"), "target_override"]
    search_fields = ["name", "name_en", "external_id"]
    list_select_related = ["industry", "owner"]
    inlines = [ContactInline]


@admin.register(Competitor)
class CompetitorAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
