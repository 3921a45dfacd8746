from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "salespath.roadmap"
    label = "roadmap"
    verbose_name = _("Success roadmap")

    def ready(self) -> None:
        from .checks import sqlite_version_check

        checks.register(sqlite_version_check)
