"""Is background work being done? For the health endpoint."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task_backends


def worker_heartbeat_ok() -> tuple[bool, str]:
    """(ok, detail). With a backend that runs tasks inline there is no worker to miss; with
    the database backend, a task left waiting longer than SALESPATH_WORKER_STALE_SECONDS
    means no worker is taking them."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends["default"]
    if not isinstance(backend, DatabaseBackend):
        return True, _("Tasks run inline; no worker is needed.")

    waiting = DBTaskResult.objects.ready()
    oldest = waiting.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    if oldest is None:
        return True, _("No task is waiting.")
    age = timezone.now() - oldest
    limit = timedelta(seconds=settings.SALESPATH_WORKER_STALE_SECONDS)
    if age > limit:
        return False, _(
            "A task has waited %(minutes)d minutes: is `salespath jobs worker` running?"
        ) % {"minutes": age.total_seconds() // 60}
    return True, _("%(count)d tasks waiting, the oldest for %(seconds)d seconds.") % {
        "count": waiting.count(),
        "seconds": age.total_seconds(),
    }
