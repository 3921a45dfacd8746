"""Opportunities with their product lines and stage history: validation into a plan.

The rules the pipeline services keep hold for imported data too (the invariants of stage,
status and probability are checked with the services' own, in pipeline/rules.py):
- the amount is the sum of the product lines, where there are lines;
- the stage history's last row is the current stage and status; history rows are written with
  kind `import` and `imported=True`, dated as the file says, and are not gate-checked;
- S7 ⇔ won, with the completion date (成交日期); lost needs its date and reason;
- the probability is the stage's default (0 when lost) unless the file gives one, which is
  then kept as set by hand.

Where the file leaves something out, a sales manager's reading is taken:
- a column absent from the file leaves that field of an existing opportunity as it is;
- without stage-history rows a new opportunity's history is made from its row: open → one row
  at the creation date; lost → the stage at creation (创建时阶段, default the stage it was lost
  in) and the loss; won → the stage at creation (default S2: no later stage is known) and S7.
- history recorded in Salespath is never rewritten; history an earlier import wrote is
  replaced when a corrected file gives (or, without history rows, implies) a different one;
- a row whose stage or status differs from an opportunity with history written in Salespath
  adds one `import` row, dated the completion/loss date or, for an open move, the import date.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salespath.pipeline import rules
from salespath.pipeline.models import (
    Contract,
    ForecastCategory,
    Opportunity,
    OpportunityCompetitor,
    OpportunityLine,
    Stage,
    StageChange,
    Status,
)

from .context import AMBIGUOUS, Context, Ref, Row, choices_table, sp_pk
from .kinds import HISTORY, LINES, OPPORTUNITIES
from .mapping import SheetRecords
from .validators import LIST_SEPARATORS, Registries
from .values import normalise, text

CHUNK = 5000
WON_STAGE = rules.WON_STAGE
FIRST_STAGE = rules.ENTRY_STAGE

STATUSES = choices_table(
    Status.choices,
    ("赢", Status.WON),
    ("成交", Status.WON),
    ("已成交", Status.WON),
    ("输", Status.LOST),
    ("丢失", Status.LOST),
    ("输单", Status.LOST),
    ("跟进中", Status.OPEN),
    ("进行", Status.OPEN),
)
# messages made once, not per row
STAGES_ALLOWED = gettext_lazy("S2 to S7 or a stage's name")
NO_PRODUCT = gettext_lazy("No product “%(value)s”.")
NO_ACCOUNT_MANAGER = gettext_lazy("No account manager “%(value)s”.")
NO_CUSTOMER = gettext_lazy("No customer “%(value)s”.")
LINES_TOTAL = gettext_lazy("The sum of the product lines")

FORECASTS = choices_table(ForecastCategory.choices, ("best case", ForecastCategory.BEST_CASE))

FIELDS = [
    "name",
    "customer",
    "owner",
    "created_on",
    "stage",
    "stage_entered_on",
    "status",
    "expected_close",
    "forecast_category",
    "probability",
    "probability_manual",
    "amount",
    "signed_on",
    "won_on",
    "lost_on",
    "lost_reason",
    "lost_to",
    "note",
]


@dataclass
class Existing:
    """An opportunity already in the database, with what the import compares against."""

    opportunity: Opportunity
    lines: dict[int, tuple[int, Decimal]] = field(default_factory=dict)  # product → (pk, amount)
    history: list[tuple[int, str, str, date, bool]] = field(default_factory=list)
    contract: tuple[int, date, Decimal] | None = None
    competitor_ids: set[int] = field(default_factory=set)

    @property
    def history_states(self) -> list[tuple[str, str, date]]:
        return [(stage, status, on) for _pk, stage, status, on, _imported in self.history]

    @property
    def history_all_imported(self) -> bool:
        return all(imported for *_rest, imported in self.history)


@dataclass
class Plan:
    """What one opportunity should look like after the import."""

    ref: Ref
    external_id: str | None
    existing: Existing | None
    values: dict[str, object]
    lines: dict[int, tuple[Ref, Decimal]] | None = None  # id(product ref) → (ref, amount)
    history: list[tuple[str, str, date]] | None = None  # replace with these rows
    append: tuple[str, str, date] | None = None  # or add this one row
    contract: tuple[date, Decimal] | None = None
    competitors: list[Ref] = field(default_factory=list)


# --- loading ---------------------------------------------------------------------------------


def preload_opportunities(registries: Registries, references: set[str]) -> dict[int, Existing]:
    """The opportunities a file names (by external id or an export's SP-<pk>), with their lines,
    history, contract and competitors: a few queries per 5,000, never one per row."""
    external_ids = sorted(r for r in references if sp_pk(r) is None)
    pks = sorted({pk for r in references if (pk := sp_pk(r)) is not None})
    found: dict[int, Existing] = {}
    # Without the model's ordering: with it, SQLite walks the whole table in `updated_at`
    # order (seconds at a million opportunities) rather than look each key up.
    for chunk in _chunks(external_ids):
        pks.extend(
            Opportunity.objects.filter(external_id__in=chunk)
            .order_by()
            .values_list("id", flat=True)
        )
    for chunk in _chunks(sorted(set(pks))):
        for opportunity in Opportunity.objects.filter(pk__in=chunk).order_by():
            found[opportunity.pk] = Existing(opportunity)
    ids = sorted(found)
    for chunk in _chunks(ids):
        for pk, opp, product, amount in OpportunityLine.objects.filter(
            opportunity_id__in=chunk
        ).values_list("id", "opportunity_id", "product_id", "amount"):
            found[opp].lines[product] = (pk, amount)
        for row in (
            StageChange.objects.filter(opportunity_id__in=chunk)
            .order_by("opportunity_id", "effective_on", "id")
            .values_list(
                "id", "opportunity_id", "to_stage_id", "to_status", "effective_on", "imported"
            )
        ):
            found[row[1]].history.append((row[0], row[2], row[3], row[4], row[5]))
        for pk, opp, signed_on, amount in Contract.objects.filter(
            opportunity_id__in=chunk
        ).values_list("id", "opportunity_id", "signed_on", "amount"):
            found[opp].contract = (pk, signed_on, amount)
        for opp, competitor in OpportunityCompetitor.objects.filter(
            opportunity_id__in=chunk
        ).values_list("opportunity_id", "competitor_id"):
            found[opp].competitor_ids.add(competitor)
    for existing in found.values():
        opportunity = existing.opportunity
        ref = Ref(opportunity.pk, opportunity.external_id or f"SP-{opportunity.pk}")
        ref.data["existing"] = existing
        registries.opportunities.add(ref, keys=[opportunity.external_id, f"SP-{opportunity.pk}"])
    return found


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stage_tables() -> tuple[dict[str, str], dict[str, int]]:
    spellings: dict[str, str] = {}
    defaults: dict[str, int] = {}
    for stage in Stage.objects.all():
        defaults[stage.code] = stage.default_probability
        for spelling in (
            stage.code,
            stage.name,
            stage.name_en,
            stage.short_name,
            stage.short_name_en,
        ):
            spellings.setdefault(normalise(spelling), stage.code)
    return spellings, defaults


# --- validation ------------------------------------------------------------------------------


class PipelineValidator:
    def __init__(self, context: Context, registries: Registries) -> None:
        self.context = context
        self.registries = registries
        self.stages, self.stage_default = stage_tables()
        self.today = timezone.localdate()
        self.new_customers: list[Ref] = []
        self.new_products: list[Ref] = []
        self.new_competitors: list[Ref] = []

    def stage(self, row: Row, name: str, required: bool = False) -> str | None:
        code = row.choice(name, self.stages, required=required, allowed=STAGES_ALLOWED)
        if code == "S1":
            row.problem(name, _("S1 qualifies customers; an opportunity is in one of S2 to S7."))
            return None
        return code

    # lines and history first: the opportunity rows check themselves against them
    def lines(self, sheets: list[SheetRecords]) -> dict[str, list]:
        by_opportunity: dict[str, list] = defaultdict(list)
        for sheet in sheets:
            for record in sheet.records:
                row = Row(self.context, sheet.sheet, LINES, record, sheet.date_formats)
                external_id = row.text("external_id", required=True)
                product = self._product(row, "product", sheet.create_missing, required=True)
                amount = row.amount("amount", required=True)
                if not row.ok:
                    continue
                for other in by_opportunity[normalise(external_id)]:
                    if other[1] is product:
                        row.problem(
                            "product",
                            _("This product is already on row %(row)s for the same opportunity.")
                            % {"row": other[0].number},
                        )
                        break
                else:
                    by_opportunity[normalise(external_id)].append((row, product, amount))
        return by_opportunity

    def history(self, sheets: list[SheetRecords]) -> dict[str, list]:
        by_opportunity: dict[str, list] = defaultdict(list)
        for sheet in sheets:
            for record in sheet.records:
                row = Row(self.context, sheet.sheet, HISTORY, record, sheet.date_formats)
                external_id = row.text("external_id", required=True)
                stage = self.stage(row, "stage", required=True)
                entered_on = row.date("entered_on", required=True)
                status = row.choice("status", STATUSES)
                if rules.won_stage_conflict(stage, status) == "status":
                    row.problem("status", _("Only S7 is won."))
                if row.ok:
                    by_opportunity[normalise(external_id)].append((row, stage, status, entered_on))
        return by_opportunity

    def _product(self, row: Row, name: str, create_missing, required=False) -> Ref | None:
        if "product" in create_missing and not row.blank(name):
            value = row.text(name)
            found = self.registries.products.find(value)
            if found is None:
                from .validators import derived_code

                found = Ref(None, derived_code("p", value), {"file": {"name": value}})
                self.registries.products.add(found, keys=[found.name], names=[value])
                self.new_products.append(found)
            if found is not AMBIGUOUS:
                return found
        return row.ref(name, self.registries.products, NO_PRODUCT, required)

    def _competitors(self, row: Row) -> list[Ref]:
        found = []
        for value in LIST_SEPARATORS.split(row.text("competitor")):
            value = value.strip()
            if not value:
                continue
            ref = self.registries.competitors.find(value)
            if ref is None:
                ref = Ref(None, value)
                self.registries.competitors.add(ref, keys=[value])
                self.new_competitors.append(ref)
            found.append(ref)
        return found

    def opportunities(
        self,
        sheets: list[SheetRecords],
        lines: dict[str, list],
        history: dict[str, list],
    ) -> list[Plan]:
        plans: list[Plan] = []
        seen: dict[str, int] = {}
        for sheet in sheets:
            for record in sheet.records:
                row = Row(self.context, sheet.sheet, OPPORTUNITIES, record, sheet.date_formats)
                external_id = row.text("external_id", required=True)
                if not external_id:
                    continue
                identity = normalise(external_id)
                if identity in seen:
                    row.problem(
                        "external_id",
                        _("The external id “%(value)s” is also on row %(row)s.")
                        % {"value": external_id, "row": seen[identity]},
                    )
                    continue
                seen[identity] = row.number
                plan = self._opportunity(
                    row,
                    sheet,
                    external_id,
                    lines.pop(identity, None),
                    history.pop(identity, None),
                )
                if plan is not None:
                    plans.append(plan)
        # Lines and history of opportunities the file has no row for: they must exist.
        for identity in sorted(set(lines) | set(history)):
            given_lines = lines.get(identity)
            given_history = history.get(identity)
            first = (given_lines or given_history)[0][0]
            ref = self.registries.opportunities.find(first.text("external_id"))
            if ref is None or ref is AMBIGUOUS:
                first.problem(
                    "external_id",
                    _("No opportunity with external id “%(value)s” in the file or in Salespath.")
                    % {"value": first.text("external_id")},
                )
                continue
            plan = self._lines_and_history_only(ref, given_lines, given_history)
            if plan is not None:
                plans.append(plan)
        return plans

    def _opportunity(self, row, sheet, external_id, given_lines, given_history) -> Plan | None:
        """One row of the opportunities sheet as a plan, in the steps below; None (with the
        row's problems recorded) if the row breaks a rule."""
        ref = self.registries.opportunities.by_key(external_id)
        existing: Existing | None = ref.data["existing"] if ref is not None else None
        base = _values_of(existing.opportunity) if existing else {}
        values = dict(base)
        self._name_and_people(row, sheet, existing, values)
        stage = self.stage(row, "stage", required=existing is None or row.present("stage"))
        if stage:
            values["stage"] = stage
        status = self._status(row, stage, base, values)
        self._won(row, status, base, values)
        competitors = self._lost(row, status, base, values)
        self._signed(row, values)
        self._created(row, values, given_history)
        self._expected_close(row, status, base, values)
        if _given(row, "forecast_category"):
            values["forecast_category"] = row.choice("forecast_category", FORECASTS)
        values.setdefault("forecast_category", ForecastCategory.PIPELINE)
        if row.present("note"):
            values["note"] = row.text("note")
        self._probability(row, status, values)

        plan = Plan(
            ref=ref or Ref(None, external_id),
            external_id=external_id,
            existing=existing,
            values=values,
        )
        if ref is None:
            self.registries.opportunities.add(plan.ref, keys=[external_id])
        if competitors:
            plan.competitors = competitors
        self._amount(row, plan, given_lines, sheet.create_missing)
        if _given(row, "contract_signed") and values.get("signed_on"):
            amount = row.amount("contract_amount") if _given(row, "contract_amount") else None
            plan.contract = (
                values["signed_on"],
                amount if amount is not None else values["amount"],
            )
        opened = self.stage(row, "opened_stage") if _given(row, "opened_stage") else None
        self._dates_in_order(row, values)
        if not row.ok:
            return None
        self._history(row, plan, given_history, opened)
        return plan if row.ok and _history_rows_ok(given_history) else None

    def _name_and_people(self, row, sheet, existing, values) -> Ref | None:
        """The project name, the account manager and the customer; a new opportunity needs
        all three, an existing one keeps those the file leaves out."""
        name = row.text("name", required=existing is None or row.present("name"))
        if name:
            values["name"] = name
        owner = None
        if existing is None or row.present("owner"):
            owner = row.ref(
                "owner",
                self.registries.users,
                NO_ACCOUNT_MANAGER,
                required=True,
            )
            if owner is not None:
                values["owner"] = owner
        if existing is None or row.present("customer"):
            values["customer"] = self._customer(row, sheet.create_missing, owner)
        return owner

    def _status(self, row, stage, base, values) -> str:
        """The status the row gives, or the one its stage implies; S7 ⇔ won."""
        status = row.choice("status", STATUSES)
        if status is None:
            if stage and rules.status_on_entering(stage) == Status.WON:
                status = Status.WON
            elif stage is not None and base.get("status") == Status.WON:
                status = Status.OPEN  # moved back out of S7: reopened
            else:
                status = base.get("status", Status.OPEN)
        current_stage = values.get("stage")
        conflict = rules.won_stage_conflict(current_stage, status)
        if conflict == "status":
            row.problem(
                "status",
                _("A won opportunity is in S7; its stage says %(stage)s.")
                % {"stage": current_stage},
            )
        elif conflict == "stage":
            row.problem(
                "stage", _("An opportunity in S7 has completed the sale: its status is won.")
            )
        values["status"] = status
        return status

    def _won(self, row, status, base, values) -> None:
        """A won deal has its completion date (成交日期); no other deal has one."""
        completed = row.date("completed")
        if status == Status.WON:
            values["won_on"] = completed or (
                base.get("won_on") if base.get("status") == Status.WON else None
            )
            if values["won_on"] is None and row.ok:
                row.problem(
                    "completed" if row.present("completed") else "stage",
                    _("An S7 (won) opportunity needs its completion date (成交日期)."),
                )
        else:
            if completed:
                row.problem("completed", _("Only a won (S7) opportunity has a completion date."))
            values["won_on"] = None

    def _lost(self, row, status, base, values) -> list[Ref] | None:
        """A lost deal has the date and the reason it was lost, and maybe who won it; no
        other deal has them. Returns the competitors the row names, if it has the column."""
        lost_on = row.date("lost_on")
        lost_reason = row.text("lost_reason")
        competitors = self._competitors(row) if row.present("competitor") else None
        if status == Status.LOST:
            was_lost = base.get("status") == Status.LOST
            values["lost_on"] = lost_on or (base.get("lost_on") if was_lost else None)
            values["lost_reason"] = lost_reason or (base.get("lost_reason") if was_lost else "")
            missing = rules.loss_missing(values["lost_on"], values["lost_reason"])
            if "lost_on" in missing:
                row.problem(
                    "lost_on" if row.present("lost_on") else "status",
                    _("A lost opportunity needs the date it was lost (丢单日期)."),
                )
            if "lost_reason" in missing:
                row.problem(
                    "lost_reason" if row.present("lost_reason") else "status",
                    _("A lost opportunity needs the reason it was lost (丢单原因)."),
                )
            if competitors is not None:
                values["lost_to"] = competitors[0] if competitors else None
        else:
            if lost_on:
                row.problem("lost_on", _("Only a lost opportunity has a date lost."))
            if lost_reason:
                row.problem("lost_reason", _("Only a lost opportunity has a reason lost."))
            values.update(lost_on=None, lost_reason="", lost_to=None)
        return competitors

    def _signed(self, row, values) -> None:
        """The contract's signing date; a contract amount alone is refused."""
        if _given(row, "contract_signed"):
            values["signed_on"] = row.date("contract_signed")
        elif _given(row, "contract_amount"):
            row.problem(
                "contract_amount", _("A contract amount needs the signing date (签约日期).")
            )

    def _created(self, row, values, given_history) -> None:
        """The creation date: the file's, else the one kept, else the first history row's,
        else the import date."""
        if _given(row, "created"):
            values["created_on"] = row.date("created")
        elif "created_on" not in values:
            first_history = min((h[3] for h in given_history or []), default=None)
            values["created_on"] = first_history or self.today

    def _expected_close(self, row, status, base, values) -> None:
        """An open deal needs its expected close date; a closed one defaults to its end."""
        if _given(row, "expected_close"):
            values["expected_close"] = row.date("expected_close")
        elif status == Status.WON and values.get("won_on"):
            values["expected_close"] = base.get("expected_close") or values["won_on"]
        elif status == Status.LOST and values.get("lost_on"):
            values["expected_close"] = base.get("expected_close") or values["lost_on"]
        elif "expected_close" not in values:
            row.problem(
                "expected_close",
                _("An open opportunity needs its expected close date (预计成交日期)."),
            )

    def _probability(self, row, status, values) -> None:
        """A probability in the file is set by hand; a blank one hands it back to the
        stage's default (pipeline/rules.py)."""
        if _given(row, "probability"):
            values["probability"] = row.percent("probability")
            values["probability_manual"] = True
        elif row.present("probability") or not values.get("probability_manual"):
            values["probability_manual"] = False
        current_stage = values.get("stage")
        if not values.get("probability_manual") and current_stage:
            values["probability"] = rules.probability(
                status=status, stage_default=self.stage_default[current_stage], manual=None
            )

    def _customer(self, row: Row, create_missing, owner: Ref | None) -> Ref | None:
        value = row.text("customer")
        if "customer" in create_missing and value:
            found = self.registries.customers.find(value)
            if found is None:
                found = Ref(None, value, {"file": {"name": value, "owner": owner}})
                self.registries.customers.add(found, names=[value])
                self.new_customers.append(found)
            if found is not AMBIGUOUS:
                return found
        return row.ref(
            "customer",
            self.registries.customers,
            NO_CUSTOMER,
            required=True,
        )

    def _amount(self, row: Row, plan: Plan, given_lines, create_missing) -> None:
        values, existing = plan.values, plan.existing
        amount = row.amount("amount") if row.present("amount") and not row.blank("amount") else None
        product = (
            self._product(row, "product", create_missing)
            if row.present("product") and not row.blank("product")
            else None
        )
        if given_lines and product is not None:
            row.problem(
                "product", _("Give the product either here or in the lines sheet, not both.")
            )
            return
        if product is not None:
            given_lines = [(row, product, amount or Decimal(0))]
        if given_lines:
            plan.lines = {id(p): (p, a) for _r, p, a in given_lines}
            total = sum((a for _r, _p, a in given_lines), Decimal(0))
            if amount is not None and amount != total:
                row.problem(
                    "amount",
                    _("The amount %(amount)s is not the sum of the product lines (%(total)s).")
                    % {"amount": amount, "total": total},
                )
            row.fitting("amount", total, LINES_TOTAL)
            values["amount"] = total
        elif existing is not None and existing.lines:
            total = sum((a for _pk, a in existing.lines.values()), Decimal(0))
            if amount is not None and amount != total:
                row.problem(
                    "amount",
                    _(
                        "The amount %(amount)s is not the sum of the opportunity's "
                        "product lines (%(total)s); change the lines instead."
                    )
                    % {"amount": amount, "total": total},
                )
            values["amount"] = total
        else:
            values["amount"] = amount if amount is not None else values.get("amount", Decimal(0))

    def _dates_in_order(self, row: Row, values: dict) -> None:
        created = values.get("created_on")
        if not created:
            return
        for name, column in (
            ("expected_close", "expected_close"),
            ("won_on", "completed"),
            ("lost_on", "lost_on"),
        ):
            on = values.get(name)
            if on and on < created:
                row.problem(
                    column,
                    _("%(date)s is before the opportunity was created (%(created)s).")
                    % {"date": on, "created": created},
                )

    def _history(self, row: Row, plan: Plan, given_history, opened: str | None) -> None:
        values, existing = plan.values, plan.existing
        stage, status = values["stage"], values["status"]
        event = values.get("won_on") if status == Status.WON else values.get("lost_on")
        if given_history:
            target = self._given_history(
                row, given_history, stage, status, event, values["created_on"]
            )
            if target is None:
                return
        else:
            target = None
            if existing is None or _derived_shaped(existing):
                if existing is not None and opened is None and existing.history:
                    opened = existing.history[0][1]
                target = derived_history(values, opened)
        if target is None and existing is not None:
            current = existing.history_states[-1][:2] if existing.history else None
            if current != (stage, status):
                on = event or self.today
                plan.append = (stage, status, on)
                if current is None or current[0] != stage:
                    values["stage_entered_on"] = on
            return
        if existing is not None and existing.history_states == target:
            return
        if existing is not None and not existing.history_all_imported:
            row.problem(
                "stage",
                _(
                    "This opportunity's stage history was recorded in Salespath "
                    "and is never rewritten; leave its history rows out."
                ),
            )
            return
        plan.history = target
        values["stage_entered_on"] = stage_entered_on(target)

    def _given_history(self, row, given_history, stage, status, event, created):
        ordered = sorted(given_history, key=lambda h: h[3])
        target = [(s, st or Status.OPEN, on) for _r, s, st, on in ordered]
        last_row, last_stage, last_status, last_on = ordered[-1]
        if last_status is None and last_stage == stage == WON_STAGE:
            # entering S7 is winning; a lost row is its own event after entering its stage
            target[-1] = (stage, status, last_on)
        if target[-1][:2] != (stage, status):
            if status == Status.OPEN:
                last_row.problem(
                    "stage",
                    _(
                        "The stage history ends in %(history)s but the "
                        "opportunity's stage is %(stage)s."
                    )
                    % {"history": target[-1][0], "stage": stage},
                )
                return None
            target.append((stage, status, event))
        elif status != Status.OPEN and event and target[-1][2] != event:
            last_row.problem(
                "entered_on",
                _(
                    "The last stage-history date %(history)s differs "
                    "from the completion or loss date %(date)s."
                )
                % {"history": target[-1][2], "date": event},
            )
            return None
        if target[0][2] < created:
            ordered[0][0].problem(
                "entered_on",
                _("%(date)s is before the opportunity was created (%(created)s).")
                % {"date": target[0][2], "created": created},
            )
            return None
        return target

    def _lines_and_history_only(self, ref, given_lines, given_history) -> Plan | None:
        existing: Existing = ref.data["existing"]
        values = _values_of(existing.opportunity)
        plan = Plan(ref=ref, external_id=None, existing=existing, values=values)
        first = (given_lines or given_history)[0][0]
        if given_lines:
            plan.lines = {id(p): (p, a) for _r, p, a in given_lines}
            values["amount"] = sum((a for _r, _p, a in given_lines), Decimal(0))
            if first.fitting("amount", values["amount"], LINES_TOTAL) is None:
                return None
        if given_history:
            stage, status = values["stage"], values["status"]
            event = values["won_on"] if status == Status.WON else values["lost_on"]
            target = self._given_history(
                first, given_history, stage, status, event, values["created_on"]
            )
            if target is None:
                return None
            if target[-1][:2] != (stage, status):
                first.problem("stage", _("To change the stage, include the opportunity's row."))
                return None
            if existing.history_states != target:
                if not existing.history_all_imported:
                    first.problem(
                        "stage",
                        _(
                            "This opportunity's stage history was recorded in "
                            "Salespath and is never rewritten; leave its history "
                            "rows out."
                        ),
                    )
                    return None
                plan.history = target
                values["stage_entered_on"] = stage_entered_on(target)
        return plan


def _given(row: Row, name: str) -> bool:
    """The file has the column and this row fills it in."""
    return row.present(name) and not row.blank(name)


def _history_rows_ok(given_history) -> bool:
    return all(given[0].ok for given in given_history or ())


def _values_of(opportunity: Opportunity) -> dict[str, object]:
    return {
        name: getattr(
            opportunity, f"{name}_id" if name in {"customer", "owner", "stage", "lost_to"} else name
        )
        for name in FIELDS
    }


def derived_history(values: dict, opened: str | None) -> list[tuple[str, str, date]]:
    stage, status, created = values["stage"], values["status"], values["created_on"]
    if status == Status.WON:
        return [(opened or FIRST_STAGE, Status.OPEN, created), (stage, status, values["won_on"])]
    if status == Status.LOST:
        return [(opened or stage, Status.OPEN, created), (stage, status, values["lost_on"])]
    return [(stage, Status.OPEN, created)]


def _derived_shaped(existing: Existing) -> bool:
    """History an import made from the row alone (no history rows), so a corrected row may
    remake it."""
    if not existing.history or not existing.history_all_imported:
        return False
    values = _values_of(existing.opportunity)
    return existing.history_states == derived_history(values, existing.history[0][1])


def stage_entered_on(history: list[tuple[str, str, date]]) -> date:
    stage = history[-1][0]
    entered = history[-1][2]
    for row_stage, _status, on in reversed(history):
        if row_stage != stage:
            break
        entered = on
    return entered


def text_of(value: object) -> str:
    return text(value)
