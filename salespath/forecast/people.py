"""Who a report of a scope is about: the scope's opportunities, its people, and where each
person sits (team, branch, company) — what the forecast, the submissions' comparisons and
accuracy, and the attainment page all list their rows by."""

from __future__ import annotations

from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from salespath.org.models import PersonRole, Role, User
from salespath.org.scopes import Scope
from salespath.pipeline.models import Opportunity

from .rows import Figures, Member


def scope_dict(scope: Scope) -> dict:
    key = None
    if scope.person:
        key = scope.person.username
    elif scope.team:
        key = scope.team.code
    elif scope.branch:
        key = scope.branch.code
    return {"kind": scope.kind, "key": key, "label": scope.label}


def scoped(scope: Scope) -> QuerySet:
    """The opportunities the scope's people own."""
    return Opportunity.objects.filter(**scope.owner_filter())


def people_in_scope(scope: Scope, owner_ids: set[int]) -> list[User]:
    """Everyone with a row: the salespeople of the scope (even with nothing to forecast,
    a manager wants to see the zero) and anyone else who owns a counted opportunity."""
    return list(_people(scope, owner_ids).select_related("team__branch", "branch"))


def _people(scope: Scope, owner_ids: set[int] | QuerySet) -> QuerySet:
    # The role as EXISTS, not a join: no duplicates, so no DISTINCT over 2,000 people.
    selling = PersonRole.objects.filter(person=OuterRef("pk"), role=Role.SALESPERSON)
    salespeople = Q(Exists(selling), scope.people_filter(), is_active=True)
    return User.objects.filter(salespeople | Q(pk__in=owner_ids)).order_by("username")


class PersonRow(NamedTuple):
    """A person of `people_rows`: who they are, their team, the team's branch, and their own
    branch (which counts only for someone without a team)."""

    pk: int
    username: str
    display_name: str
    first_name: str
    last_name: str
    team_code: str | None
    team_name: str | None
    team_name_en: str | None
    team_branch_code: str | None
    team_branch_name: str | None
    team_branch_name_en: str | None
    branch_code: str | None
    branch_name: str | None
    branch_name_en: str | None


def people_rows(scope: Scope, owner_ids: set[int] | QuerySet) -> list[PersonRow]:
    """`people_in_scope` as plain rows, what `members_of` reads: one query, and no model
    instances for thousands of people."""
    rows = _people(scope, owner_ids).values_list(
        "pk",
        "username",
        "display_name",
        "first_name",
        "last_name",
        "team__code",
        "team__name",
        "team__name_en",
        "team__branch__code",
        "team__branch__name",
        "team__branch__name_en",
        "branch__code",
        "branch__name",
        "branch__name_en",
    )
    return [PersonRow._make(row) for row in rows]


def members_of(people: list[PersonRow], owner_figures: dict[int, Figures], columns) -> list[Member]:
    """Each of `people_rows`' people with their figures (none: zeros) and where they sit —
    person, team (or "no team"), branch (the team's; without a team, their own), company —
    labelled as the models' str, the language and each team's and branch's label worked
    out once for thousands of people."""
    english = (get_language() or "").startswith("en")
    no_team, no_branch, company = (None, _("No team")), (None, _("No branch")), (None, _("Company"))
    labels: dict[tuple, tuple[str | None, str]] = {}

    def label(code: str | None, name: str, name_en: str, missing) -> tuple[str | None, str]:
        if not code:
            return missing
        found = labels.get((missing, code))
        if found is None:
            found = labels[(missing, code)] = (code, name_en if english and name_en else name)
        return found

    members = []
    for person in people:
        if person.team_code:  # the team's branch; for someone without a team, their own
            branch = label(
                person.team_branch_code,
                person.team_branch_name,
                person.team_branch_name_en,
                no_branch,
            )
        else:
            branch = label(person.branch_code, person.branch_name, person.branch_name_en, no_branch)
        name = (
            person.display_name
            or f"{person.first_name} {person.last_name}".strip()
            or person.username
        )
        path = {
            "person": (person.username, name),
            "team": label(person.team_code, person.team_name, person.team_name_en, no_team),
            "branch": branch,
            "company": company,
        }
        members.append(Member(owner_figures.get(person.pk) or Figures(columns), path))
    return members
