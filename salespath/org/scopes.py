"""A report's scope: one person, a team, a branch, or the whole company."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from salespath.errors import NotFound
from salespath.org.access import (
    branch_people,
    sees_everything,
    supervised_branch_id,
    supervised_team_id,
    supervises,
    widest_scope_kind,
)
from salespath.org.models import Branch, Team, User


@dataclass(frozen=True)
class Scope:
    kind: str  # "person" | "team" | "branch" | "company"
    person: User | None = None
    team: Team | None = None
    branch: Branch | None = None

    @property
    def label(self) -> str:
        if self.person:
            return str(self.person)
        if self.team:
            return str(self.team)
        if self.branch:
            return str(self.branch)
        return _("Company")

    def owner_filter(self, owner_field: str = "owner") -> dict:
        """Keyword filter selecting the records owned inside this scope."""
        if self.kind == "person":
            return {owner_field: self.person}
        if self.kind == "team":
            return {f"{owner_field}__team": self.team}
        if self.kind == "branch":
            # `owner IN (the branch's people)` rather than joins on the owner's team and
            # branch: the database then reads the owner index for just those people.
            return {f"{owner_field}__in": self.people().values("pk")}
        return {}

    def people_filter(self, person_field: str = "") -> Q:
        """The scope's people (`people`) as a filter on `person_field` (a path to a person;
        "" for people themselves)."""
        prefix = f"{person_field}__" if person_field else ""
        if self.kind == "person":
            return Q(**{person_field or "pk": self.person.pk})
        if self.kind == "team":
            return Q(**{f"{prefix}team": self.team})
        if self.kind == "branch":
            return branch_people(self.branch, person_field)
        return Q()

    def people(self) -> QuerySet[User]:
        """Everyone whose records the scope selects (`owner_filter`'s owners), of any role."""
        return User.objects.filter(self.people_filter())


def resolve_scope(
    viewer: User, *, person: str | None = None, team: str | None = None, branch: str | None = None
) -> Scope:
    """The scope named by a username, team code or branch code, if `viewer` may see it.

    Raises NotFound for a name that does not exist *or* that the viewer may not see, with
    the same message, so ids of other teams reveal nothing. No name means the widest
    scope the viewer has: everything, their branch, their team, or themselves.
    """
    given = [value for value in (person, team, branch) if value]
    if len(given) > 1:
        raise NotFound(_("Give at most one of person, team or branch."), code="invalid")
    if person:
        found = (
            User.objects.filter(username=person).select_related("team__branch", "branch").first()
        )
        if found is None or not may_see_scope(viewer, Scope("person", person=found)):
            raise NotFound(_("No person “%(name)s” that you may see.") % {"name": person})
        return Scope("person", person=found)
    if team:
        found_team = Team.objects.filter(code=team).select_related("branch").first()
        if found_team is None or not may_see_scope(viewer, Scope("team", team=found_team)):
            raise NotFound(_("No team “%(name)s” that you may see.") % {"name": team})
        return Scope("team", team=found_team)
    if branch:
        found_branch = Branch.objects.filter(code=branch).first()
        if found_branch is None or not may_see_scope(viewer, Scope("branch", branch=found_branch)):
            raise NotFound(_("No branch “%(name)s” that you may see.") % {"name": branch})
        return Scope("branch", branch=found_branch)
    widest = widest_scope_kind(viewer)
    if widest == "company":
        return Scope("company")
    if widest == "branch":
        return Scope("branch", branch=viewer.home_branch)
    if widest == "team":
        return Scope("team", team=viewer.team)
    return Scope("person", person=viewer)


def may_see_scope(viewer: User, scope: Scope) -> bool:
    if sees_everything(viewer):
        return True
    gm_branch, supervised_team = supervised_branch_id(viewer), supervised_team_id(viewer)
    if scope.kind == "company":
        return False
    if scope.kind == "branch":
        return gm_branch is not None and scope.branch.pk == gm_branch
    if scope.kind == "team":
        return (supervised_team is not None and scope.team.pk == supervised_team) or (
            gm_branch is not None and scope.team.branch_id == gm_branch
        )
    return scope.person.pk == viewer.pk or supervises(viewer, scope.person)
