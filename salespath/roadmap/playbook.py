"""Which playbook version is in force on a date."""

from __future__ import annotations

from datetime import date

from .models import Playbook


class Playbooks:
    """All versions, read once; `on(day)` picks the one in force. Before any version (or
    with none stored) the seed's values — the model defaults — apply."""

    def __init__(self, versions: list[Playbook] | None = None) -> None:
        if versions is None:
            versions = list(Playbook.objects.order_by("effective_from"))
        self._versions = sorted(versions, key=lambda version: version.effective_from)
        self._seed = Playbook()

    def on(self, day: date) -> Playbook:
        in_force = self._seed
        for version in self._versions:
            if version.effective_from > day:
                break
            in_force = version
        return in_force


def playbook_on(day: date) -> Playbook:
    return Playbooks().on(day)
