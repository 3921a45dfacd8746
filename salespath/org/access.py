"""Who may see whose records (SPEC §1): the one rule, in the lowest app that knows people.

A person sees their own records; a sales supervisor their team's; a branch GM their
branch's; executives, finance and administrators everything. Every app above `org` builds
its visibility on these: the pipeline's opportunities and customers
(`salespath.pipeline.visibility`), the actions (`salespath.pipeline.policy`), the report
scopes (`salespath.org.scopes`).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from salespath.org.models import Role, User

SEES_EVERYTHING = {Role.EXECUTIVE, Role.FINANCE, Role.ADMIN}


def sees_everything(user: User) -> bool:
    return user.is_superuser or bool(user.role_codes & SEES_EVERYTHING)


def supervises(user: User, person: User) -> bool:
    """`user` is the sales supervisor of `person`'s team, or the GM of their branch."""
    if user.has_role(Role.SUPERVISOR) and user.team_id and user.team_id == person.team_id:
        return True
    return bool(
        user.has_role(Role.BRANCH_GM) and user.branch_id and user.branch_id == person.branch_id
    )


def _people_q(user: User) -> Q:
    """`user` and the people they supervise, as a filter on people (`supervises`' set form)."""
    people = Q(pk=user.pk)
    if user.has_role(Role.SUPERVISOR) and user.team_id:
        people |= Q(team_id=user.team_id)
    if user.has_role(Role.BRANCH_GM) and user.branch_id:
        people |= Q(branch_id=user.branch_id)
    return people


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
