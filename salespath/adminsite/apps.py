from django.contrib.admin.apps import AdminConfig


class SalespathAdminConfig(AdminConfig):
    """`django.contrib.admin` with our site as `admin.site` (no model import here: this
    module is loaded before the app registry is ready)."""

    default_site = "salespath.adminsite.site.SalespathAdminSite"
