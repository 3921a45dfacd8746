from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "salespath.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from salespath.pipeline.signals import work_waiting

        work_waiting.connect(record_waiting, dispatch_uid="notifications.record_waiting")


def record_waiting(sender, event, subject, **kwargs):
    """The pipeline says work now waits on someone: `work.<event>` records who and why."""
    from . import work

    getattr(work, event)(subject)
