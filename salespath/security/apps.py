from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "salespath.security"
    label = "salespath_security"
    verbose_name = _("Security")

    def ready(self) -> None:
        from . import lockout  # noqa: F401  (connects the lockout log)
