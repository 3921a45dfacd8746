"""The administrator role holds every admin permission, as a superuser does.

Who may open the admin is decided by `site.is_administrator`; this backend makes the role
useful once inside: without it a person given the role (by the user admin, an import or the
generator) saw the admin's index and a 403 on every model page. Transactional records stay
read-only whoever looks (`options.ReadOnlyAdmin`)."""

from django.contrib.auth.backends import BaseBackend

from .site import is_administrator


class AdministratorRoleBackend(BaseBackend):
    def has_perm(self, user_obj, perm, obj=None):
        return is_administrator(user_obj)

    def has_module_perms(self, user_obj, app_label):
        return is_administrator(user_obj)
