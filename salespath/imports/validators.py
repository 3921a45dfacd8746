"""Validation of the organisation, quota, product, customer, contact and activity sheets.

Each `validate_*` reads its records, notes every problem in the context, and returns the plan
its writer carries out: a list of `Ref`s whose `data` holds the row's values in our terms.
A plan is only written when the whole file has no problem. Opportunities, their lines and
stage history are in `opportunities.py`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salespath.activities.models import ActivityKind
from salespath.catalog.models import ProductCategory
from salespath.customers.models import (
    CompanySize,
    Competitor,
    ContactRole,
    Customer,
    Industry,
)
from salespath.org.models import Branch, Role, Team, User

from .context import AMBIGUOUS, Context, Ref, Registry, Row, choices_table, sp_pk
from .kinds import ACTIVITIES, CONTACTS, CUSTOMERS, ORGANISATION, PRODUCTS, QUOTAS
from .mapping import SheetRecords
from .values import normalise

# The columns, by kind of sheet, whose values a customer is looked up by.
CUSTOMER_COLUMNS = (
    ("opportunities", "customer"),
    ("customers", "external_id"),
    ("customers", "name"),
    ("contacts", "customer"),
    ("activities", "customer"),
)
LIST_SEPARATORS = re.compile(r"[,，、;；/|]+")
USERNAME = re.compile(UnicodeUsernameValidator.regex)


class Registries:
    """Every record a file may refer to, loaded once: a fixed number of queries per import.

    The customers, hundreds of thousands at scale, are kept only where the file names them
    (`customer_values`: every value a sheet looks a customer up by, `CUSTOMER_COLUMNS`); a
    registry of every customer cost an import of 10,000 rows a second at scale L."""

    def __init__(self, customer_values: Iterable[object] | None = None) -> None:
        self.users = Registry()
        for user in User.objects.only(
            "id",
            "username",
            "external_id",
            "display_name",
            "first_name",
            "last_name",
            "team_id",
        ):
            full_name = f"{user.last_name}{user.first_name}".strip()
            self.users.add(
                Ref(user.pk, user.username, {"team_id": user.team_id}),
                keys=[user.username, user.external_id],
                names=[user.display_name, full_name],
            )
        self.branches = Registry()
        for branch in Branch.objects.all():
            self.branches.add(
                Ref(branch.pk, branch.code), keys=[branch.code], names=[branch.name, branch.name_en]
            )
        self.teams = Registry()
        self.team_by_pk: dict[int, Ref] = {}
        for team in Team.objects.all():
            self.team_by_pk[team.pk] = self.teams.add(
                Ref(team.pk, team.code, {"branch_id": team.branch_id}),
                keys=[team.code],
                names=[team.name, team.name_en],
            )
        scope = None if customer_values is None else {normalise(v) for v in customer_values}
        self.customers = Registry(scope)
        # without the model's ordering: sorting every customer by name doubled the read
        self.customers.add_records(
            Customer.objects.order_by().values_list("id", "name", "external_id")
        )
        self.products = Registry()
        for product in ProductCategory.objects.all():
            self.products.add(
                Ref(product.pk, product.code),
                keys=[product.code],
                names=[product.name, product.name_en],
            )
        self.competitors = Registry()
        for pk, name in Competitor.objects.values_list("id", "name"):
            self.competitors.add(Ref(pk, name), keys=[name])
        self.industries = Registry()
        for industry in Industry.objects.all():
            self.industries.add(
                Ref(industry.pk, industry.code),
                keys=[industry.code],
                names=[industry.name, industry.name_en],
            )
        self.opportunities = Registry()  # filled by the opportunity validation


def derived_code(prefix: str, name: str, max_length: int = 32) -> str:
    """A slug code for a branch, team or product the file names only by name: the name
    itself where it is ASCII ("Central" → "central"), else a short stable hash (t-1a2b3c4d)."""

    code = slugify(name)
    if code and len(code) <= max_length:
        return code
    return f"{prefix}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def derived_username(name: str) -> str:
    candidate = ".".join(name.split()).lower()
    if candidate and len(candidate) <= 150 and USERNAME.match(candidate):
        return candidate
    return f"user-{hashlib.sha1(name.encode()).hexdigest()[:10]}"


ROLES = choices_table(
    Role.choices,
    ("销售人员", Role.SALESPERSON),
    ("销售", Role.SALESPERSON),
    ("sales agent", Role.SALESPERSON),
    ("主管", Role.SUPERVISOR),
    ("manager", Role.SUPERVISOR),
    ("总经理", Role.BRANCH_GM),
)


# --- organisation ----------------------------------------------------------------------------


def validate_organisation(
    context: Context, registries: Registries, source: SheetRecords
) -> list[Ref]:
    """One row per person. New branches and teams are created from their names; a team's
    supervisor is named on its members' rows (销售主管) and, when not a row of their own, is
    created from that name: exports of other systems list managers only that way."""
    sheet, records = source.sheet, source.records
    people: list[Ref] = []
    seen: dict[int, int] = {}
    for record in records:
        row = Row(context, sheet, ORGANISATION, record, source.date_formats)
        username = row.text("username")
        display_name = row.text("display_name")
        external_id = row.text("external_id")
        if not (username or display_name or external_id):
            row.problem("username", _("Give the person's username, name or external id."))
            continue
        if username and not USERNAME.match(username):
            row.problem(
                "username",
                _("“%(value)s” is not a valid username (letters, digits and @ . + - _ only).")
                % {"value": username},
            )
            continue
        person = _find_person(registries, username, external_id, display_name)
        if person is None:
            person = _new_person(registries, username, display_name, external_id)
        if id(person) in seen:
            row.problem(
                "username" if username else "display_name",
                _("This person is also on row %(row)s.") % {"row": seen[id(person)]},
            )
            continue
        seen[id(person)] = row.number
        data = person.data.setdefault("file", {})
        for name, value in (("display_name", display_name), ("external_id", external_id)):
            if row.present(name) and value:
                data[name] = value
        if row.present("email"):
            email = row.text("email")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    row.problem(
                        "email", _("“%(value)s” is not an email address.") % {"value": email}
                    )
            data["email"] = email
        branch = _branch(registries, row) if not row.blank("branch") else None
        team = _team(registries, row, branch) if not row.blank("team") else None
        current = registries.team_by_pk.get(person.data.get("team_id"))
        if team is not None:
            data["team"] = team
        elif branch is not None and current is None:
            data["branch"] = branch
        elif branch is not None and current.data.get("branch_id") != branch.pk:
            # a team member's branch is their team's: moving them takes the new team
            row.problem(
                "branch",
                _("This person is in team “%(team)s” of another branch: name their new team.")
                % {"team": current.name},
            )
        roles: set[str] = data.setdefault("roles", set())
        for spelling in LIST_SEPARATORS.split(row.text("roles")):
            if not spelling.strip():
                continue
            code = ROLES.get(normalise(spelling))
            if code is None:
                row.problem("roles", _("“%(value)s” is not a role.") % {"value": spelling})
            else:
                roles.add(code)
        if not row.blank("supervisor"):
            _supervisor(registries, row, team, people)
        hire = row.date("hire_date")
        quota_start = row.date("quota_start_date")
        if hire and quota_start and quota_start < hire:
            row.problem(
                "quota_start_date", _("The quota start date cannot be before the hire date.")
            )
        if row.present("hire_date"):
            data["hire_date"] = hire
        if row.present("quota_start_date"):
            data["quota_start_date"] = quota_start
        people.append(person)
    return people


def _find_person(registries, username, external_id, display_name) -> Ref | None:
    for value in (username, external_id):
        if value and (found := registries.users.by_key(value)):
            return found
    if not username and display_name:
        found = registries.users.find(display_name)
        return found if found is not AMBIGUOUS else None
    return None


def _new_person(registries, username, display_name, external_id) -> Ref:
    username = username or derived_username(external_id or display_name)
    person = Ref(None, username, {"username": username})
    return registries.users.add(person, keys=[username, external_id], names=[display_name])


def _branch(registries: Registries, row: Row) -> Ref:
    value = row.text("branch")
    found = registries.branches.find(value)
    if found is None or found is AMBIGUOUS:
        found = Ref(None, derived_code("b", value), {"name": value})
        registries.branches.add(found, keys=[found.name], names=[value])
    return found


def _team(registries: Registries, row: Row, branch: Ref | None) -> Ref | None:
    value = row.text("team")
    found = registries.teams.find(value)
    if found is None or found is AMBIGUOUS:
        if branch is None:
            row.problem("team", _("A new team needs its branch (分公司) on the same row."))
            return None
        found = Ref(None, derived_code("t", value), {"name": value, "branch": branch})
        registries.teams.add(found, keys=[found.name], names=[value])
        return found
    if branch is not None:
        team_branch = found.data.get("branch")
        same = (
            (team_branch is branch) if team_branch else (found.data.get("branch_id") == branch.pk)
        )
        if not same:
            row.problem(
                "branch",
                _("Team “%(team)s” belongs to another branch.") % {"team": row.text("team")},
            )
    return found


def _supervisor(registries: Registries, row: Row, team: Ref | None, people: list[Ref]) -> None:
    value = row.text("supervisor")
    if team is None:
        row.problem("supervisor", _("Name the team (团队) this supervisor leads."))
        return
    supervisor = registries.users.find(value)
    if supervisor is not None and supervisor is AMBIGUOUS:
        row.problem(
            "supervisor",
            _("“%(value)s” names more than one record; use the external id or code.")
            % {"value": value},
        )
        return
    if supervisor is None:
        supervisor = _new_person(registries, "", value, value)
        supervisor.data["file"] = {"display_name": value, "external_id": value, "roles": set()}
        people.append(supervisor)
    data = supervisor.data.setdefault("file", {})
    data.setdefault("roles", set()).add(Role.SUPERVISOR)
    current_team = data.get("team")
    if current_team is None and supervisor.pk is not None and supervisor.data.get("team_id"):
        current_team = registries.team_by_pk.get(supervisor.data["team_id"])
    if current_team is None:
        data["team"] = team
        data["branch"] = team.data.get("branch")
    elif current_team is not team:
        row.problem(
            "supervisor",
            _("%(person)s is in another team and cannot lead this one.") % {"person": value},
        )


# --- quotas ----------------------------------------------------------------------------------


def validate_quotas(context: Context, registries: Registries, source: SheetRecords) -> list[dict]:
    sheet, records = source.sheet, source.records
    quotas: list[dict] = []
    seen: dict[tuple, int] = {}
    for record in records:
        row = Row(context, sheet, QUOTAS, record, source.date_formats)
        person = row.ref(
            "person", registries.users, gettext_lazy("No person “%(value)s”."), required=True
        )
        year = row.integer("fiscal_year", required=True)
        quarter = row.integer("fiscal_quarter", required=True)
        amount = row.amount("amount", required=True)
        if year is not None and not 2000 <= year <= 2100:
            row.problem("fiscal_year", _("The fiscal year must be between 2000 and 2100."))
        if quarter is not None and not 1 <= quarter <= 4:
            row.problem("fiscal_quarter", _("The fiscal quarter must be 1 to 4."))
        if not row.ok:
            continue
        identity = (id(person), year, quarter)
        if identity in seen:
            row.problem(
                "fiscal_quarter",
                _("This quota is also on row %(row)s.") % {"row": seen[identity]},
            )
            continue
        seen[identity] = row.number
        quotas.append({"person": person, "year": year, "quarter": quarter, "amount": amount})
    return quotas


# --- product categories ----------------------------------------------------------------------


def validate_products(context: Context, registries: Registries, source: SheetRecords) -> list[Ref]:
    sheet, records = source.sheet, source.records
    products: list[Ref] = []
    seen: dict[int, int] = {}
    for record in records:
        row = Row(context, sheet, PRODUCTS, record, source.date_formats)
        code = row.text("code")
        name = row.text("name", required=True)
        if code and slugify(code) != code.lower():
            row.problem("code", _("A code may hold letters, digits, - and _ only."))
        if not row.ok:
            continue
        product = registries.products.by_key(code) if code else registries.products.find(name)
        if product is None or product is AMBIGUOUS:
            product = Ref(None, code or derived_code("p", name), {})
            registries.products.add(product, keys=[product.name], names=[name])
        if id(product) in seen:
            row.problem(
                "name", _("This product is also on row %(row)s.") % {"row": seen[id(product)]}
            )
            continue
        seen[id(product)] = row.number
        data = {"name": name}
        for field, reader in (
            ("name_en", row.text),
            ("sort_order", row.integer),
            ("active", row.boolean),
        ):
            if row.present(field) and not row.blank(field):
                data[field] = reader(field)
        product.data["file"] = data
        products.append(product)
    return products


# --- customers and contacts ------------------------------------------------------------------

SIZES = choices_table(
    CompanySize.choices,
    ("大", "large"),
    ("中", "medium"),
    ("小", "small"),
    ("大型企业", "large"),
    ("中型企业", "medium"),
    ("小型企业", "small"),
)


def validate_customers(context: Context, registries: Registries, source: SheetRecords) -> list[Ref]:
    sheet, records = source.sheet, source.records
    customers: list[Ref] = []
    seen: dict[str, int] = {}
    for record in records:
        row = Row(context, sheet, CUSTOMERS, record, source.date_formats)
        external_id = row.text("external_id")
        name = row.text("name", required=True)
        owner = row.ref(
            "owner", registries.users, gettext_lazy("No account manager “%(value)s”."), True
        )
        data: dict = {"name": name, "owner": owner}
        if row.present("name_en"):
            data["name_en"] = row.text("name_en")
        if row.present("industry"):
            data["industry"] = row.ref(
                "industry", registries.industries, gettext_lazy("No industry “%(value)s”.")
            )
        if row.present("size"):
            data["size"] = row.choice("size", SIZES) or ""
        if row.present("headcount"):
            headcount = row.integer("headcount")
            if headcount is not None and headcount < 0:
                row.problem("headcount", _("The headcount cannot be negative."))
            data["headcount"] = headcount
        if row.present("created") and not row.blank("created"):
            data["created_on"] = row.date("created")
        if row.present("note"):
            data["note"] = row.text("note")
        identity = normalise(external_id or name)
        if identity in seen:
            row.problem(
                "external_id" if external_id else "name",
                _("The external id “%(value)s” is also on row %(row)s.")
                % {"value": external_id or name, "row": seen[identity]},
            )
            continue
        seen[identity] = row.number
        if not row.ok:
            continue
        if external_id:
            customer = registries.customers.by_key(external_id)
        else:
            customer = registries.customers.find(name)
            if customer is not None and customer is AMBIGUOUS:
                row.problem(
                    "name",
                    _("More than one customer is called “%(value)s”; give the external id.")
                    % {"value": name},
                )
                continue
        if customer is None:
            customer = Ref(None, name, {})
            registries.customers.add(customer, keys=[external_id], names=[name])
            if external_id and sp_pk(external_id) is None:
                data["external_id"] = external_id
        customer.data["file"] = data
        customers.append(customer)
    return customers


CONTACT_ROLES = choices_table(
    ContactRole.choices,
    ("选型小组", ContactRole.SELECTION_TEAM),
    ("决策人", ContactRole.DECISION_MAKER),
)


def validate_contacts(context: Context, registries: Registries, source: SheetRecords) -> list[dict]:
    sheet, records = source.sheet, source.records
    contacts: list[dict] = []
    seen: dict[tuple, int] = {}
    for record in records:
        row = Row(context, sheet, CONTACTS, record, source.date_formats)
        customer = row.ref(
            "customer", registries.customers, gettext_lazy("No customer “%(value)s”."), True
        )
        name = row.text("name", required=True)
        role = row.choice("project_role", CONTACT_ROLES) or ContactRole.OTHER
        email = row.text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                row.problem("email", _("“%(value)s” is not an email address.") % {"value": email})
        if not row.ok:
            continue
        identity = (id(customer), normalise(name))
        if identity in seen:
            row.problem("name", _("This contact is also on row %(row)s.") % {"row": seen[identity]})
            continue
        seen[identity] = row.number
        data = {"name": name, "project_role": role}
        for field in ("title", "phone", "email", "note"):
            if row.present(field):
                data[field] = row.text(field)
        contacts.append({"customer": customer, "key": normalise(name), "data": data})
    return contacts


# --- activities ------------------------------------------------------------------------------

ACTIVITY_KINDS = choices_table(
    ActivityKind.choices,
    ("拜访", ActivityKind.VISIT),
    ("电话", ActivityKind.CALL),
    ("会议", ActivityKind.MEETING),
    ("演示", ActivityKind.DEMO),
)


def validate_activities(
    context: Context, registries: Registries, source: SheetRecords
) -> list[dict]:
    """Activities upsert by external id. A row without one gets an id made from what it says
    (person, date, kind, customer, purpose), so importing the same sheet again adds nothing."""
    sheet, records = source.sheet, source.records
    activities: list[dict] = []
    seen: dict[str, int] = {}
    for record in records:
        row = Row(context, sheet, ACTIVITIES, record, source.date_formats)
        person = row.ref("person", registries.users, gettext_lazy("No person “%(value)s”."), True)
        kind = row.choice("kind", ACTIVITY_KINDS, required=True)
        occurred_on = row.date("date", required=True)
        hours = row.amount("hours") if not row.blank("hours") else Decimal(0)
        if hours is not None and hours > 24:
            row.problem("hours", _("Hours must be between 0 and 24."))
        customer = row.ref(
            "customer", registries.customers, gettext_lazy("No customer “%(value)s”.")
        )
        opportunity = row.ref(
            "opportunity",
            registries.opportunities,
            gettext_lazy("No opportunity with external id “%(value)s”."),
        )
        if kind == ActivityKind.VISIT and row.blank("customer"):
            row.problem("customer", _("A customer visit needs the customer."))
        external_id = row.text("external_id")
        if not external_id:
            fingerprint = "|".join(
                [
                    row.text("person"),
                    str(occurred_on),
                    kind or "",
                    row.text("customer"),
                    row.text("opportunity"),
                    row.text("purpose"),
                ]
            )
            external_id = "auto-" + hashlib.sha1(fingerprint.encode()).hexdigest()[:16]
        if external_id in seen:
            row.problem(
                "external_id",
                _("The external id “%(value)s” is also on row %(row)s.")
                % {"value": external_id, "row": seen[external_id]},
            )
            continue
        seen[external_id] = row.number
        if not row.ok:
            continue
        data = {
            "person": person,
            "kind": kind,
            "occurred_on": occurred_on,
            "hours": hours,
            "customer": customer,
            "opportunity": opportunity,
        }
        for field in ("purpose", "outcome", "note"):
            if row.present(field):
                data[field] = row.text(field)
        activities.append({"external_id": external_id, "data": data})
    return activities
