"""Who may see whose records (SPEC §1): the one rule, in the lowest app that knows people.
Every query, page, API view and command asks here; nothing else tests the supervising roles.

A person sees their own records; a sales supervisor their team's; a branch GM their
branch's; executives, finance and administrators everything. Every app above `org` builds
its visibility on these: the pipeline's opportunities and customers
(`salespath.pipeline.visibility`), the actions (`salespath.pipeline.policy`), the report
scopes (`salespath.org.scopes`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from salespath.org.models import Role, User

# The one set of role constants for access: who sees everything, who supervises people (and
# so approves, overrides and reassigns for them), who looks at the people they may see.
SEES_EVERYTHING = frozenset({Role.EXECUTIVE, Role.FINANCE, Role.ADMIN})
SUPERVISING = frozenset({Role.SUPERVISOR, Role.BRANCH_GM})
LEADERS = SUPERVISING | {Role.EXECUTIVE, Role.ADMIN}


def branch_people(branch, person_field: str = "", lookup: str = "") -> Q:
    """The people of a branch as a filter on `person_field` (a path to a person; "" for
    people themselves): the members of its teams, and the people without a team whose own
    branch it is. `branch` is matched by `lookup` on the branch ("" its pk or the branch,
    "__code" its code, "__in" several)."""
    prefix = f"{person_field}__" if person_field else ""
    return Q(**{f"{prefix}team__branch{lookup}": branch}) | Q(
        **{f"{prefix}team__isnull": True, f"{prefix}branch{lookup}": branch}
    )


def sees_everything(user: User) -> bool:
    return user.is_superuser or bool(user.role_codes & SEES_EVERYTHING)


def supervised_team_id(user: User) -> int | None:
    """The team `user` supervises as its sales supervisor, if any."""
    return user.team_id if user.has_role(Role.SUPERVISOR) and user.team_id else None


def supervised_branch_id(user: User) -> int | None:
    """The branch `user` runs as its general manager, if any."""
    return user.home_branch_id if user.has_role(Role.BRANCH_GM) else None


def supervises(user: User, person: User) -> bool:
    """The rule: `user` is the sales supervisor of `person`'s team, or the GM of their
    branch. `supervised` is the same rule as a filter on people, `supervisors` its inverse."""
    team, branch = supervised_team_id(user), supervised_branch_id(user)
    return bool((team and team == person.team_id) or (branch and branch == person.home_branch_id))


def supervised(user: User, person_field: str = "") -> Q | None:
    """The people `user` supervises (`supervises`), as a filter on `person_field` (a path
    to a person; "" for people themselves). None: nobody."""
    prefix = f"{person_field}__" if person_field else ""
    team, branch = supervised_team_id(user), supervised_branch_id(user)
    found = None
    if team:
        found = Q(**{f"{prefix}team_id": team})
    if branch:
        by_branch = branch_people(branch, person_field)
        found = by_branch if found is None else found | by_branch
    return found


def supervisors(person: User, roles: frozenset[str] = SUPERVISING) -> Q:
    """The people who supervise `person` (`supervises` read the other way), as a filter on
    people: the sales supervisors of their team and the GMs of their branch; `roles` keeps
    one kind of them."""
    found = Q(pk__in=[])
    if person.team_id and Role.SUPERVISOR in roles:
        found |= Q(roles__role=Role.SUPERVISOR, team_id=person.team_id)
    if Role.BRANCH_GM in roles and (branch := person.home_branch_id):
        found |= Q(branch_people(branch), roles__role=Role.BRANCH_GM)
    return found


def widest_scope_kind(user: User) -> str:
    """What `user` reports on when no scope is named: "company", "branch", "team" or
    "person", read from the roles alone."""
    if sees_everything(user):
        return "company"
    if supervised_branch_id(user):
        return "branch"
    if supervised_team_id(user):
        return "team"
    return "person"


def _people_q(user: User) -> Q:
    """`user` and the people they supervise, as a filter on people."""
    people = Q(pk=user.pk)
    others = supervised(user)
    return people if others is None else people | others


def owner_filter(user: User, owner_field: str = "owner") -> Q | None:
    """A filter on the owning person for the records `user` may see; None means all."""
    if sees_everything(user):
        return None
    # One `owner IN (people)` rather than joins on the owner's team or branch: the database
    # then reads the owner index for just those people.
    return Q(**{f"{owner_field}__in": User.objects.filter(_people_q(user)).values("pk")})


def visible_people(user: User) -> QuerySet[User]:
    people = User.objects.all()
    if sees_everything(user):
        return people
    return people.filter(_people_q(user))
