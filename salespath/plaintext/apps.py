from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaintextConfig(AppConfig):
    name = "salespath.plaintext"
    label = "plaintext"
    verbose_name = _("Plain text input")

    def ready(self) -> None:
        from .rules import install

        install()
