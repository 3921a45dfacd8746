"""The weekly digest, run by `jobs run-due` on Mondays: each salesperson in
P0–P3 gets last week against their weekly standards and their phase goals; each supervisor
one digest for the team, the people who are behind first."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from salespath.org.models import Role, User
from salespath.roadmap.queries import PersonRoadmap, roadmaps
from salespath.roadmap.services import phase_end_record
from salespath.roadmap.status import BEHIND, MET

from .robots import robot_post
from .services import group_text, language_of, notify
from .work import deciders_of, supervisors_of

COACHED_PHASES = {"P0", "P1", "P2", "P3"}


def _figure(item) -> str:
    if item.value is None:
        return "—"
    target = "" if item.target is None else f" / {item.target}"
    return f"{item.value}{target}"


def person_lines(rm: PersonRoadmap, as_of) -> str:
    lines = []
    if rm.this_week is not None:
        lines.append(_("Last week (%(week)s):") % {"week": rm.this_week.label})
        lines += [f"- {i.label}: {_figure(i)} ({i.status_label})" for i in rm.this_week.items]
    left = (rm.phase.end - as_of).days if rm.phase else 0
    lines.append(
        _("Phase goals, %(phase)s, %(days)s days left:")
        % {"phase": rm.phase_label, "days": max(left, 0)}
    )
    lines += [f"- {i.label}: {_figure(i)} ({i.status_label})" for i in rm.goals]
    return "\n".join(lines)


def _behind(rm: PersonRoadmap) -> int:
    items = list(rm.goals) + (list(rm.this_week.items) if rm.this_week else [])
    return sum(1 for i in items if i.status == BEHIND)


def team_lines(team: list[PersonRoadmap]) -> str:
    ordered = sorted(team, key=lambda rm: (-_behind(rm), rm.username))
    return "\n".join(
        _("- %(name)s, %(phase)s: %(behind)s behind")
        % {"name": rm.name, "phase": rm.phase_label, "behind": _behind(rm)}
        for rm in ordered
    )


def weekly_digest(*, now: datetime) -> int:
    today = timezone.localtime(now).date()
    if today.weekday() != 0:
        return 0
    sunday = today - timedelta(days=1)
    week = f"{sunday.isocalendar()[0]}-W{sunday.isocalendar()[1]:02d}"
    people = list(
        User.objects.filter(Q(roles__role=Role.SALESPERSON), is_active=True)
        .distinct()
        .order_by("username")
    )
    made = 0
    by_language: dict[str, dict[int, PersonRoadmap]] = {}

    def read(language: str) -> dict[int, PersonRoadmap]:
        if language not in by_language:
            with translation.override(language):
                found = roadmaps(people, sunday)
            by_language[language] = {
                rm.person_id: rm
                for rm in found
                if rm.phase is not None and rm.phase.code in COACHED_PHASES
            }
        return by_language[language]

    teams: dict[int, list[User]] = defaultdict(list)
    for person in people:
        language = language_of(person)
        rm = read(language).get(person.pk)
        if rm is None:
            continue
        teams[person.team_id].append(person)
        with translation.override(language):
            lines = person_lines(rm, sunday)
        made += bool(
            notify(
                recipient=person,
                kind="digest",
                key=f"digest:{week}",
                params={"week": week, "lines": lines},
                link=reverse("web:roadmap_person", args=[person.username]),
                now=now,
            )
        )
    for members in teams.values():
        if members[0].team is not None:
            with translation.override(settings.LANGUAGE_CODE):
                lines = team_lines([read(settings.LANGUAGE_CODE)[m.pk] for m in members])
            made += robot_post(
                team=members[0].team,
                key=f"digest-team:{week}",
                text=group_text("digest_team", {"week": week, "lines": lines}),
                now=now,
            )
        for supervisor in supervisors_of(members[0]):
            language = language_of(supervisor)
            found = read(language)
            with translation.override(language):
                lines = team_lines([found[m.pk] for m in members])
            made += bool(
                notify(
                    recipient=supervisor,
                    kind="digest_team",
                    key=f"digest-team:{week}:{members[0].team_id}",
                    params={"week": week, "lines": lines},
                    link=reverse("web:roadmap_grid"),
                    now=now,
                )
            )
    return made


def phase_end_notify(*, now: datetime) -> int:
    """The day after a salesperson's phase ended with goals unmet, the phase end waits in
    the inbox of their supervisors and branch GM for a sign-off, and they are told."""
    yesterday = timezone.localtime(now).date() - timedelta(days=1)
    people = list(
        User.objects.filter(roles__role=Role.SALESPERSON, is_active=True)
        .distinct()
        .order_by("username")
    )
    ended = [
        rm
        for rm in roadmaps(people, yesterday)
        if rm.phase is not None
        and rm.phase.end == yesterday
        and not rm.phase.estimated_end
        and any(goal.status != MET for goal in rm.goals)
    ]
    by_pk = {person.pk: person for person in people}
    made = 0
    for rm in ended:
        person = by_pk[rm.person_id]
        unmet = [goal for goal in rm.goals if goal.status != MET]
        phase_end_record(person=person, phase=rm.phase.code, ended_on=rm.phase.end)
        for boss in deciders_of(person):
            with translation.override(language_of(boss)):
                goals = "、".join(goal.label for goal in unmet)
            made += bool(
                notify(
                    recipient=boss,
                    kind="phase_ended",
                    key=f"phase-end:{person.pk}:{rm.phase.code}:{rm.phase.end.isoformat()}",
                    params={"person": person, "phase": rm.phase.code, "goals": goals},
                    link=reverse("web:roadmap_person", args=[person.username]),
                    now=now,
                )
            )
    return made
