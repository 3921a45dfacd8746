from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .access import branch_people
from .models import Branch, PersonRole, Quota, Role, Team, User


@admin.register(Branch)
class BranchAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "branch"]
    list_filter = ["branch"]
    search_fields = ["code", "name", "name_en"]


class PersonRoleInline(admin.TabularInline):
    model = PersonRole
    extra = 0


class QuotaInline(admin.TabularInline):
    model = Quota
    extra = 0


def branch_filter(person_field: str = "") -> type[admin.SimpleListFilter]:
    """An admin list filter by branch on `person_field` (a path to a person; "" for people
    themselves): a team member's branch is their team's."""

    class BranchFilter(admin.SimpleListFilter):
        title = _("branch")
        parameter_name = f"{person_field}_branch" if person_field else "branch"

        def lookups(self, request, model_admin):
            return [(branch.pk, str(branch)) for branch in Branch.objects.all()]

        def queryset(self, request, queryset):
            if (value := self.value()) and value.isdigit():
                return queryset.filter(branch_people(int(value), person_field))
            return queryset

    return BranchFilter


@admin.register(User)
class PersonAdmin(UserAdmin):
    list_display = [
        "username",
        "display_name",
        "team",
        "person_branch",
        "hire_date",
        "quota_start_date",
    ]
    list_filter = [branch_filter(), "team", "roles__role", "is_active"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    list_select_related = ["team__branch", "branch"]
    inlines = [PersonRoleInline, QuotaInline]
    # The staff flag follows the roles: only administrators are staff.
    readonly_fields = ["is_staff"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            _("Sales organisation"),
            {
                "fields": [
                    "display_name",
                    "team",
                    "branch",
                    "hire_date",
                    "quota_start_date",
                    "external_id",
                ]
            },
        ),
    ]

    @admin.display(description=_("branch"))
    def person_branch(self, person: User):
        return person.home_branch

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        person = form.instance
        person._role_codes = None
        is_staff = person.is_superuser or person.has_role(Role.ADMIN)
        User.objects.filter(pk=person.pk).update(is_staff=is_staff)


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["person", "fiscal_year", "fiscal_quarter", "amount"]
    list_filter = ["fiscal_year", "fiscal_quarter", "person__team"]
    search_fields = ["person__username", "person__display_name"]
    list_select_related = ["person"]
