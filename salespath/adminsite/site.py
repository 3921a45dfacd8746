from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from salespath.org.models import Role


def is_administrator(user) -> bool:
    """Who may open the admin: an active superuser or a person with the administrator role.
    `is_staff` is not enough."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.has_role(Role.ADMIN)


class AdministratorLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)
        if not is_administrator(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class SalespathAdminSite(AdminSite):
    login_form = AdministratorLoginForm

    def has_permission(self, request) -> bool:
        return is_administrator(request.user)
