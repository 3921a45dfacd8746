"""Writing a validated plan: bulk inserts and updates, a fixed number of queries per kind
(per 5,000 rows), only rows that change are touched so a second import of a file is a no-op."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db.models import Max, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.activities.models import Activity
from salespath.catalog.models import ProductCategory
from salespath.customers.models import Competitor, Contact, Customer
from salespath.lib.sql import db_datetime, insert_rows
from salespath.org.models import Branch, PersonRole, Quota, Team, User
from salespath.pipeline import evidence
from salespath.pipeline.copies import copy_all, product_ids_text
from salespath.pipeline.models import (
    Contract,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    StageChange,
)
from salespath.pipeline.signals import announce_changing, announce_owners

from .context import Ref
from .opportunities import FIELDS as OPPORTUNITY_FIELDS
from .opportunities import Plan, _chunks

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def pk(value: object) -> object:
    """The id of a Ref or a model instance (the importing person); anything else as it is."""
    return value.pk if isinstance(value, (Ref, Model)) else value  # noqa: UP038 (tuple: faster)


def _changed(instance, values: dict[str, object]) -> list[str]:
    """Set `values` on `instance`; the attnames that really changed."""
    changed = []
    for name, value in values.items():
        attname = instance._meta.get_field(name).attname
        value = pk(value)
        if getattr(instance, attname) != value:
            setattr(instance, attname, value)
            changed.append(attname)
    return changed


def _bulk_update(model, objects: list, fields: set[str]) -> None:
    if objects:
        model.objects.bulk_update(objects, sorted(fields), batch_size=1000)


def _refs(registry) -> list[Ref]:
    unique: dict[int, Ref] = {}
    for table in (registry.keys, registry.names):
        for ref in table.values():
            if ref.pk is None and ref.name != "<ambiguous>":
                unique[id(ref)] = ref
    return list(unique.values())


# --- organisation ----------------------------------------------------------------------------


def write_organisation(people: list[Ref], registries, counts: Counter) -> None:
    new_branches = _refs(registries.branches)
    created = Branch.objects.bulk_create(
        [Branch(code=ref.name, name=ref.data["name"]) for ref in new_branches]
    )
    for ref, branch in zip(new_branches, created, strict=True):
        ref.pk = branch.pk
    new_teams = _refs(registries.teams)
    created = Team.objects.bulk_create(
        [Team(code=r.name, name=r.data["name"], branch_id=r.data["branch"].pk) for r in new_teams]
    )
    for ref, team in zip(new_teams, created, strict=True):
        ref.pk = team.pk
    counts["branches:" + CREATED] += len(new_branches)
    counts["teams:" + CREATED] += len(new_teams)

    def wanted(ref: Ref) -> dict[str, object]:
        data = ref.data.get("file", {})
        values = {
            name: data[name]
            for name in ("display_name", "external_id", "email", "hire_date", "quota_start_date")
            if name in data
        }
        if data.get("team") is not None:
            values["team"] = data["team"].pk
            values["branch"] = None  # a team member's branch is their team's
        elif data.get("branch") is not None:
            values["branch"] = data["branch"].pk
        return values

    new_people = [ref for ref in people if ref.pk is None]
    users = []
    for ref in new_people:
        user = User(username=ref.data["username"], password=make_password(None))
        _changed(user, wanted(ref))
        users.append(user)
    for ref, user in zip(new_people, User.objects.bulk_create(users), strict=True):
        ref.pk = user.pk
    counts["organisation:" + CREATED] += len(new_people)
    existing = {ref.pk: ref for ref in people if ref not in new_people}
    changed_users, fields = [], set()
    for user in User.objects.filter(pk__in=list(existing)):
        changed = _changed(user, wanted(existing[user.pk]))
        if changed:
            changed_users.append(user)
            fields.update(changed)
    _bulk_update(User, changed_users, fields)
    have = set(
        PersonRole.objects.filter(person_id__in=[ref.pk for ref in people]).values_list(
            "person_id", "role"
        )
    )
    roles = [
        PersonRole(person_id=ref.pk, role=role)
        for ref in people
        for role in sorted(ref.data.get("file", {}).get("roles", ()))
        if (ref.pk, role) not in have
    ]
    PersonRole.objects.bulk_create(roles)
    role_people = {role.person_id for role in roles}
    counts["organisation:" + UPDATED] += len(
        {u.pk for u in changed_users} | (role_people - {r.pk for r in new_people})
    )
    counts["organisation:" + UNCHANGED] += len(existing) - len(
        {u.pk for u in changed_users} | (role_people & set(existing))
    )


def write_quotas(quotas: list[dict], counts: Counter) -> None:
    people = {q["person"].pk for q in quotas}
    existing = {
        (q.person_id, q.fiscal_year, q.fiscal_quarter): q
        for q in Quota.objects.filter(person_id__in=people)
    }
    new, changed = [], []
    for q in quotas:
        found = existing.get((q["person"].pk, q["year"], q["quarter"]))
        if found is None:
            new.append(
                Quota(
                    person_id=q["person"].pk,
                    fiscal_year=q["year"],
                    fiscal_quarter=q["quarter"],
                    amount=q["amount"],
                )
            )
        elif found.amount != q["amount"]:
            found.amount = q["amount"]
            changed.append(found)
    Quota.objects.bulk_create(new)
    _bulk_update(Quota, changed, {"amount"})
    _count(counts, "quotas", len(new), len(changed), len(quotas))


def _count(counts: Counter, kind: str, created: int, updated: int, total: int) -> None:
    counts[f"{kind}:{CREATED}"] += created
    counts[f"{kind}:{UPDATED}"] += updated
    counts[f"{kind}:{UNCHANGED}"] += total - created - updated


# --- products, customers, contacts, competitors ----------------------------------------------


def write_products(products: list[Ref], counts: Counter) -> None:
    new = [ref for ref in products if ref.pk is None]
    created = ProductCategory.objects.bulk_create(
        [ProductCategory(code=ref.name, **ref.data["file"]) for ref in new]
    )
    for ref, product in zip(new, created, strict=True):
        ref.pk = product.pk
    by_pk = {ref.pk: ref for ref in products if ref not in new}
    changed, fields = [], set()
    for product in ProductCategory.objects.filter(pk__in=list(by_pk)):
        names = _changed(product, by_pk[product.pk].data["file"])
        if names:
            changed.append(product)
            fields.update(names)
    _bulk_update(ProductCategory, changed, fields)
    _count(counts, "products", len(new), len(changed), len(products))


def write_customers(customers: list[Ref], by: User | None, counts: Counter) -> None:
    today = timezone.localdate()
    new = [ref for ref in customers if ref.pk is None]
    objects = []
    for ref in new:
        data = dict(ref.data["file"])
        created_on = data.pop("created_on", None) or today
        customer = Customer(created_on=created_on, created_by_id=pk(by) or pk(data["owner"]))
        _changed(customer, data)
        objects.append(customer)
    for chunk_refs, chunk in zip(_chunks(new), _chunks(objects), strict=True):
        for ref, customer in zip(chunk_refs, Customer.objects.bulk_create(chunk), strict=True):
            ref.pk = customer.pk
    by_pk = {ref.pk: ref for ref in customers if ref.pk is not None and ref not in new}
    changed, fields = [], set()
    now = timezone.now()
    for chunk in _chunks(sorted(by_pk)):
        for customer in Customer.objects.filter(pk__in=chunk):
            names = _changed(customer, by_pk[customer.pk].data["file"])
            if names:
                customer.updated_at = now
                changed.append(customer)
                fields.update(names, {"updated_at"})
    _bulk_update(Customer, changed, fields)
    evidence.forget_customers(customer.pk for customer in changed)
    _count(counts, "customers", len(new), len(changed), len(customers))


def write_contacts(contacts: list[dict], counts: Counter) -> None:
    from .values import normalise

    existing = {
        (c.customer_id, normalise(c.name)): c
        for c in Contact.objects.filter(customer_id__in={c["customer"].pk for c in contacts})
    }
    new, changed, fields = [], [], set()
    for item in contacts:
        found = existing.get((item["customer"].pk, item["key"]))
        if found is None:
            contact = Contact(customer_id=item["customer"].pk)
            _changed(contact, item["data"])
            new.append(contact)
        elif names := _changed(found, item["data"]):
            changed.append(found)
            fields.update(names)
    Contact.objects.bulk_create(new)
    _bulk_update(Contact, changed, fields)
    evidence.forget_customers(contact.customer_id for contact in [*new, *changed])
    _count(counts, "contacts", len(new), len(changed), len(contacts))


def write_competitors(new: list[Ref]) -> None:
    created = Competitor.objects.bulk_create([Competitor(name=ref.name) for ref in new])
    for ref, competitor in zip(new, created, strict=True):
        ref.pk = competitor.pk


# --- opportunities ---------------------------------------------------------------------------


def write_opportunities(plans: list[Plan], by: User | None, counts: Counter) -> None:
    now = timezone.now()
    by_id = pk(by)
    new = [plan for plan in plans if plan.existing is None]
    # the owners whose derived rows (forecast, funnel) this import changes, before and after
    owners = {plan.existing.opportunity.owner_id for plan in plans if plan.existing}
    _insert_opportunities(new, by_id)
    changed_objects, fields = [], set()
    touched: set[int] = set()
    for plan in plans:
        if plan.existing is None:
            continue
        opportunity = plan.existing.opportunity
        names = _changed(opportunity, plan.values)
        if names:
            changed_objects.append(opportunity)
            fields.update(names)
    _write_lines(plans, touched)
    history = _history(plans, touched)
    _write_contracts(plans, by_id, touched)
    _write_competitors(plans, touched)
    changed_ids = {o.pk for o in changed_objects}
    for plan in plans:
        if plan.existing is not None and plan.ref.pk in touched - changed_ids:
            changed_objects.append(plan.existing.opportunity)
    for opportunity in changed_objects:
        opportunity.updated_at = now
        opportunity.version += 1
    changed_ids = {o.pk for o in changed_objects}
    owners |= {o.owner_id for o in changed_objects}
    owners |= {pk(plan.values["owner"]) for plan in new}
    # What is derived from these rows (the forecast rollup, the funnel's months) lets go of
    # them as they are still stored — their row and their history — and takes the new and
    # the changed ones in once they are written.
    announce_changing(changed_ids, owners)
    _write_history(*history, by_id, now)
    if changed_objects:
        # A plain QuerySet's bulk update: `OpportunityQuerySet.update` would announce every
        # batch's owners for a recomputation, where these rows are announced once, by id.
        QuerySet(Opportunity).bulk_update(
            changed_objects, sorted(fields | {"updated_at", "version"}), batch_size=1000
        )
    new_ids = [plan.ref.pk for plan in new]
    # the history's latest dates, the team's project manager and the lines' products
    copy_all(touched)
    evidence.forget(changed_ids)  # new deals have no stored evidence
    announce_owners(owners, opportunity_ids=[*new_ids, *changed_ids])
    _count(counts, "opportunities", len(new), len(changed_objects), len(plans))


# The new rows of the pipeline tables go in through `insert_rows` (raw `executemany`, see
# salespath/lib/sql.py for why): at 100,000 opportunities `bulk_create` spent most of the
# import preparing values. Updates and deletes touch few rows and keep the ORM.


def _insert_opportunities(new: list[Plan], by_id) -> None:
    """Insert the new opportunities and give each plan its id."""
    if not new:
        return
    fields = {field.name: field for field in Opportunity._meta.concrete_fields}
    # a column the row left out (note, signed_on, lost_to, …) takes the field's default
    defaults = {name: fields[name].get_default() for name in OPPORTUNITY_FIELDS}
    columns = [
        "external_id",
        "created_by_id",
        "imported",
        *(fields[name].attname for name in OPPORTUNITY_FIELDS),
        "history_until",
        "product_ids",
    ]
    # Ids only grow (SQLite AUTOINCREMENT, PostgreSQL sequence), so the new rows are among those
    # above today's highest id, and every new opportunity has an external id to find it by:
    # one query, where `external_id IN (…)` cost seconds of parameter handling at 100,000.
    # A row another session adds meanwhile has an external id not in this file: it is skipped.
    highest = Opportunity.objects.aggregate(highest=Max("id"))["highest"] or 0

    # the fields naming another record (customer, owner, stage, lost_to) may hold a Ref
    relations = [i for i, name in enumerate(OPPORTUNITY_FIELDS) if fields[name].is_relation]

    def row(plan: Plan) -> tuple:
        values = plan.values
        cells = [values.get(name, defaults[name]) for name in OPPORTUNITY_FIELDS]
        for index in relations:
            cells[index] = pk(cells[index])
        # The copies of the history and the lines the import writes with the row, as the
        # services make them (a new row has no project team); `copy_all` would rewrite
        # every new row in every index once more.
        history_until = max((on for *_state, on in plan.history or ()), default=None)
        products = product_ids_text(ref.pk for ref, _amount in (plan.lines or {}).values())
        created_by = by_id or pk(values["owner"])
        return (plan.external_id, created_by, True, *cells, history_until, products)

    insert_rows(Opportunity, columns, map(row, new))
    ids = dict(
        Opportunity.objects.filter(id__gt=highest).order_by().values_list("external_id", "id")
    )
    # and should a row ever have been given an id by hand above the sequence, ask by name
    missing = [plan.external_id for plan in new if plan.external_id not in ids]
    for chunk in _chunks(missing):
        ids.update(
            Opportunity.objects.filter(external_id__in=chunk).values_list("external_id", "id")
        )
    for plan in new:
        plan.ref.pk = ids[plan.external_id]


def _write_lines(plans: list[Plan], touched: set[int]) -> None:
    create, update, delete = [], [], []
    for plan in plans:
        if plan.lines is None:
            continue
        have = plan.existing.lines if plan.existing else {}
        wanted = {ref.pk: amount for ref, amount in plan.lines.values()}
        for product_id, amount in wanted.items():
            if product_id not in have:
                create.append((plan.ref.pk, product_id, amount))
            elif have[product_id][1] != amount:
                update.append(OpportunityLine(pk=have[product_id][0], amount=amount))
        delete.extend(
            line_pk for product_id, (line_pk, _a) in have.items() if product_id not in wanted
        )
        if plan.existing and (wanted != {p: a for p, (_pk, a) in have.items()}):
            touched.add(plan.ref.pk)
    for chunk in _chunks(delete):
        OpportunityLine.objects.filter(pk__in=chunk).delete()
    OpportunityLine.objects.bulk_update(update, ["amount"], batch_size=1000)
    _insert_lines(create)


def _insert_lines(rows: list[tuple[int, int, Decimal]]) -> None:
    """(opportunity id, product id, amount) rows."""
    insert_rows(OpportunityLine, ["opportunity_id", "product_id", "amount"], rows)


def _history(plans: list[Plan], touched: set[int]) -> tuple[list[tuple], list[int]]:
    """The stage changes to insert and the ids of those they replace (`_write_history`);
    the existing opportunities whose history changes join `touched`."""
    rows, replaced = [], []
    for plan in plans:
        if plan.history is not None:
            if plan.existing is not None:
                replaced.extend(pk_ for pk_, *_rest in plan.existing.history)
                touched.add(plan.ref.pk)
            previous: tuple[str | None, str] = (None, "")
            for stage, status, on in plan.history:
                rows.append((plan.ref.pk, *previous, stage, status, on))
                previous = (stage, status)
        elif plan.append is not None:
            states = plan.existing.history_states
            previous = states[-1][:2] if states else (None, "")
            rows.append((plan.ref.pk, *previous, *plan.append))
            touched.add(plan.ref.pk)
    return rows, replaced


def _write_history(rows: list[tuple], replaced: list[int], by_id, now) -> None:
    # Only rows an earlier import wrote are ever replaced (validation makes sure of it): a
    # corrected file corrects its own history; history recorded in Salespath is never touched.
    for chunk in _chunks(replaced):
        StageChange.objects.filter(pk__in=chunk, imported=True).delete()
    _insert_stage_changes(rows, by_id, now)


def _insert_stage_changes(rows: list[tuple], by_id, now: datetime) -> None:
    """(opportunity id, from stage, from status, to stage, to status, effective on) rows,
    written as imported history: kind `import`, `imported=True`, recorded now by `by_id`."""
    at, kind = db_datetime(now), StageChange.Kind.IMPORT.value  # an enum's member, read once
    insert_rows(
        StageChange,
        [
            "opportunity_id",
            "from_stage_id",
            "from_status",
            "to_stage_id",
            "to_status",
            "effective_on",
            "kind",
            "at",
            "by_id",
            "imported",
        ],
        ((*row, kind, at, by_id, True) for row in rows),
    )


def _write_contracts(plans: list[Plan], by_id, touched: set[int]) -> None:
    create, update = [], []
    for plan in plans:
        if plan.contract is None:
            continue
        signed_on, amount = plan.contract
        have = plan.existing.contract if plan.existing else None
        if have is None:
            create.append((plan.ref.pk, signed_on, amount, by_id or pk(plan.values["owner"])))
        elif (have[1], have[2]) != (signed_on, amount):
            update.append(Contract(pk=have[0], signed_on=signed_on, amount=amount))
            touched.add(plan.ref.pk)
    _insert_contracts(create)
    Contract.objects.bulk_update(update, ["signed_on", "amount"], batch_size=1000)


def _insert_contracts(rows: list[tuple[int, date, Decimal, int]]) -> None:
    """(opportunity id, signed on, amount, created by) rows; the payment terms point to the
    signed contract."""
    terms = _("Imported; see the signed contract.")
    insert_rows(
        Contract,
        ["opportunity_id", "signed_on", "amount", "created_by_id", "payment_terms"],
        ((*row, terms) for row in rows),
    )


def _write_competitors(plans: list[Plan], touched: set[int]) -> None:
    links = []
    for plan in plans:
        have = plan.existing.competitor_ids if plan.existing else set()
        for ref in plan.competitors:
            if ref.pk not in have:
                have = have | {ref.pk}
                links.append((plan.ref.pk, ref.pk))
                if plan.existing:
                    touched.add(plan.ref.pk)
    insert_rows(OpportunityCompetitor, ["opportunity_id", "competitor_id"], links)


# --- activities ------------------------------------------------------------------------------


def write_activities(activities: list[dict], counts: Counter) -> None:
    from .context import sp_pk

    ids = [a["external_id"] for a in activities]
    existing: dict[str, Activity] = {}
    for chunk in _chunks([i for i in ids if sp_pk(i) is None]):
        existing.update((a.external_id, a) for a in Activity.objects.filter(external_id__in=chunk))
    for chunk in _chunks([sp_pk(i) for i in ids if sp_pk(i) is not None]):
        existing.update((f"SP-{a.pk}", a) for a in Activity.objects.filter(pk__in=chunk))
    new, changed, fields = [], [], set()
    deals: set[int] = set()  # whose evidence (S4.7, S5.1) the activities change
    now = timezone.now()
    for item in activities:
        found = existing.get(item["external_id"]) or existing.get(item["external_id"].upper())
        if found is None:
            activity = Activity(
                external_id=item["external_id"] if sp_pk(item["external_id"]) is None else None
            )
            _changed(activity, item["data"])
            new.append(activity)
            continue
        before = found.opportunity_id
        if names := _changed(found, item["data"]):
            deals.update((before, found.opportunity_id))
            found.updated_at = now
            changed.append(found)
            fields.update(names, {"updated_at"})
    Activity.objects.bulk_create(new, batch_size=1000)
    _bulk_update(Activity, changed, fields)
    evidence.forget(pk for pk in [*deals, *(a.opportunity_id for a in new)] if pk is not None)
    _count(counts, "activities", len(new), len(changed), len(activities))
