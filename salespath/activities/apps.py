from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "salespath.activities"
    label = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from salespath.pipeline import evidence

        from .models import Activity

        # S4.7 and S5.1 read a deal's activities: their writes forget its stored evidence.
        pre_save.connect(evidence.forget_before_save, Activity, dispatch_uid="evidence.activity.0")
        post_save.connect(evidence.forget_after_save, Activity, dispatch_uid="evidence.activity.1")
        post_delete.connect(
            evidence.forget_after_save, Activity, dispatch_uid="evidence.activity.2"
        )
