"""factory_boy factories. Opportunities come with their opening stage-change row, as the
services would write it, so history and current stage always agree; and, like every
writer, the factories keep what is derived from what they write: a deal's copies are
written with its row, its owner announced so the forecast rollup, day rows and funnel
months follow. `written` is what a test that changes an opportunity's rows by hand calls
after saving them; `batch()` keeps many deals at once (docs/verify.md)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from salespath.catalog.models import ProductCategory
from salespath.customers.models import Contact, ContactRole, Customer, Industry
from salespath.org.models import Branch, PersonRole, Quota, Team, User
from salespath.pipeline.copies import copy_all, copy_line_totals, copy_signing_dates
from salespath.pipeline.models import (
    Contract,
    Opportunity,
    OpportunityLine,
    StageChange,
    Status,
)
from salespath.pipeline.signals import announce_owners

# While `batch()` is open: what `written` was told, kept until the batch ends.
_pending: list[tuple[tuple[Opportunity, ...], tuple, bool]] | None = None


def written(*opportunities: Opportunity, owners=(), copies: bool = True) -> None:
    """What every writer does in its transaction after changing opportunities' rows or the
    rows they are derived from (history, contract, lines, project team): the copies
    recomputed from them, then the owners announced, so the forecast's rollup, day rows and
    funnel months follow. `owners`: any other salespeople whose rows changed (an owner
    before a move). `copies=False`: the caller wrote the copies with the row itself (as the
    importer does), so only the owners are announced; `tests/drift.py` still checks them.

    Inside `batch()` this waits for the batch's end."""
    if _pending is not None:
        _pending.append((opportunities, tuple(owners), copies))
        return
    _keep(opportunities, owners, copies)


def _keep(opportunities, owners, copies: bool) -> None:
    if copies:
        _copy(opportunities)
    announce_owners([*(opportunity.owner_id for opportunity in opportunities), *owners])


def _copy(opportunities) -> None:
    ids = sorted({opportunity.pk for opportunity in opportunities})
    if not ids:
        return
    copy_signing_dates(ids)
    copy_all(ids)  # the project manager, the products and the latest change's date
    copy_line_totals(ids)
    names = ("signed_on", "history_until", "product_ids", "project_manager_id", "amount")
    rows = Opportunity.objects.filter(pk__in=ids).values_list("pk", *names)
    fresh = {pk: values for pk, *values in rows}
    for opportunity in opportunities:  # onto the caller's instances too
        for name, value in zip(names, fresh[opportunity.pk], strict=True):
            setattr(opportunity, name, value)


@contextmanager
def batch() -> Iterator[None]:
    """The deals written inside it are kept once, when it ends, as one writer of many
    rows keeps them: one set of copy statements and one announcement of all their owners,
    where each deal's own would recompute its owner's rollup and funnel months again. For a
    test or helper that writes many deals before it reads anything derived from them (the
    forecast, the funnel); nested batches end with the outermost."""
    global _pending
    if _pending is not None:
        yield
        return
    _pending = []
    try:
        yield
        kept, _pending = _pending, None
    finally:
        _pending = None
    if kept:
        _copy([o for opportunities, _owners, copies in kept if copies for o in opportunities])
        every = [o for opportunities, _owners, _copies in kept for o in opportunities]
        owners = [owner for _opportunities, owners, _copies in kept for owner in owners]
        _keep(every, owners, copies=False)


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"b{n}")
    name = factory.Sequence(lambda n: f"分公司{n}")
    name_en = factory.Sequence(lambda n: f"Branch {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"t{n}")
    name = factory.Sequence(lambda n: f"销售{n}组")
    name_en = factory.Sequence(lambda n: f"Team {n}")
    branch = factory.SubFactory(BranchFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    team = factory.SubFactory(TeamFactory)
    branch = None  # a team member's branch is their team's; set it for someone without a team
    hire_date = date(2025, 1, 6)
    password = factory.django.Password("pw-for-tests")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ["salesperson"]:
            PersonRole.objects.get_or_create(person=self, role=role)
        self._role_codes = None


class QuotaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quota

    person = factory.SubFactory(UserFactory)
    fiscal_year = 2026
    fiscal_quarter = 1
    amount = Decimal("1000000.00")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCategory
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"p{n}")
    name = factory.Sequence(lambda n: f"产品{n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")


def industry(code: str = "manufacturing") -> Industry:
    return Industry.objects.get(code=code)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    name = factory.Sequence(lambda n: f"广东客户{n}有限公司")
    owner = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("owner")
    created_on = date(2026, 1, 5)
    industry = factory.LazyFunction(industry)
    size = "large"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    project_role = ContactRole.SELECTION_TEAM


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"ERP项目{n}")
    owner = factory.SubFactory(UserFactory)
    customer = factory.SubFactory(CustomerFactory, owner=factory.SelfAttribute("..owner"))
    created_by = factory.SelfAttribute("owner")
    created_on = date(2026, 1, 10)
    stage_id = "S2"
    stage_entered_on = factory.SelfAttribute("created_on")
    # the copies written with the row, as the importer writes them: the date of the opening
    # stage change below; a signing date's contract is made with it; no lines or team yet
    history_until = factory.SelfAttribute("created_on")
    status = Status.OPEN
    probability = 10
    expected_close = date(2026, 9, 30)

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        StageChange.objects.create(
            opportunity=self,
            kind=StageChange.Kind.CREATE,
            to_stage_id=self.stage_id,
            to_status=Status.OPEN,
            effective_on=self.created_on,
            at=timezone.now(),
            by=self.owner,
        )
        if self.signed_on is not None:
            # a signing date is copied from the contract (`contract_sign`)
            Contract.objects.create(
                opportunity=self,
                signed_on=self.signed_on,
                amount=self.amount,
                payment_terms="30/70",
                created_by=self.owner,
            )
        written(self, copies=False)


class LineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpportunityLine

    opportunity = factory.SubFactory(OpportunityFactory)
    product = factory.SubFactory(ProductFactory)
    amount = Decimal("100000.00")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        line = super()._create(model_class, *args, **kwargs)
        # as every writer of lines does: the products and the amount (their sum), onto the
        # caller's instance too
        written(line.opportunity)
        return line


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity as `activity_log` would write it (which refuses future dates; tests that
    travel in time create rows directly)."""

    class Meta:
        model = "activities.Activity"

    person = factory.SubFactory(UserFactory)
    kind = "prospecting"
    occurred_on = date(2026, 3, 2)
    hours = Decimal("2.00")
