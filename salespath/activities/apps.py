from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "salespath.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from salespath.pipeline import evidence

        from .models import Activity

        # S4.7 and S5.1 read a deal's activities: their writes forget its stored evidence.
        evidence.connect(Activity)
