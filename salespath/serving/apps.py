from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServingConfig(AppConfig):
    name = "salespath.serving"
    label = "serving"
    verbose_name = _("Serving")

    def ready(self) -> None:
        from . import security  # noqa: F401  (connects the login-failure receiver)
