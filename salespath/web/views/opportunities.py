"""The opportunity page. Loading and authorising is
`salespath.pipeline.policy.opportunity_for_user`; the checklist is `pipeline.criteria`."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from salespath.pipeline import criteria, policy
from salespath.pipeline.forecasting import advise_opportunity
from salespath.pipeline.models import ForecastCategory, Opportunity, Stage, Status
from salespath.pipeline.results import CriterionResult

from ..fixes import fix_location
from ..forms import ActivityForm, InitiationForm, OpportunityEditForm
from ..queries import opportunity_details, opportunity_stages, people_matching
from ..work import page_forms
from .base import page

LAST_STAGE = "S7"


def next_stage(opportunity: Opportunity) -> str | None:
    if opportunity.status != Status.OPEN or opportunity.stage_id == LAST_STAGE:
        return None
    return f"S{int(opportunity.stage_id[1:]) + 1}"


def checklist_context(
    request: HttpRequest,
    opportunity: Opportunity,
    *,
    results: list[CriterionResult] | None = None,
    stages: list[Stage] | None = None,
    may_edit: bool | None = None,
    **extra,
) -> dict:
    """Every criterion S2–S7 with met/why/attestation, grouped by stage, and what the next
    stage still needs. `results`, `stages` and `may_edit`, when the caller has them, are not
    worked out again."""
    if results is None:
        results = criteria.evaluate(opportunity)
    if stages is None:
        stages = opportunity_stages()
    if may_edit is None:
        may_edit = policy.may_edit(request.user, opportunity)
    upcoming = next_stage(opportunity)
    blocking = (
        criteria.missing(results, criteria.stages_between(opportunity.stage_id, upcoming))
        if upcoming
        else []
    )
    stage_order = int(opportunity.stage_id[1:])
    groups = []
    for stage, items in groupby(results, key=lambda result: result.stage):
        rows = [
            {
                "result": result,
                "fix": None if result.met else fix_location(result.code, result.kind, opportunity),
            }
            for result in items
        ]
        groups.append(
            {
                "stage": stage,
                "rows": rows,
                "met": sum(1 for row in rows if row["result"].met),
                "open": int(stage[1:]) <= stage_order + 1,
            }
        )
    return {
        "o": opportunity,
        "checklist": groups,
        "stage_labels": {stage.code: stage.label for stage in stages},
        "next_stage": upcoming,
        "blocking": blocking,
        "may_edit": may_edit,
        **extra,
    }


def render_opportunity(
    request: HttpRequest, opportunity: Opportunity, *, status: int = 200, **forms
) -> HttpResponse:
    user = request.user
    may_edit = policy.may_edit(user, opportunity)
    stages = opportunity_stages()
    results, facts = criteria.evaluate_with_facts(opportunity)
    context = {
        **checklist_context(
            request, opportunity, results=results, stages=stages, may_edit=may_edit
        ),
        "d": opportunity_details(opportunity, stages=stages, facts=facts),
        "may_confirm": policy.may_confirm_payments(user),
        "may_override": policy.may_override(user, opportunity),
        "is_owner": opportunity.owner_id == user.pk,
        "advice": advise_opportunity(opportunity, today=timezone.localdate()),
        "category_choices": ForecastCategory.choices,
        "edit_form": forms.get("edit_form"),
        "activity_form": forms.get("activity_form")
        or ActivityForm(initial={"occurred_on": timezone.localdate()}),
        "initiation_form": forms.get("initiation_form") or InitiationForm(),
    }
    context["has_open_initiation"] = any(
        request.status in ("pending", "approved") for request in context["d"].initiations
    )
    if context["edit_form"] is None and may_edit:
        context["edit_form"] = OpportunityEditForm.for_opportunity(opportunity)
    context["edit_open"] = "edit_form" in forms
    if may_edit:
        context["work"] = page_forms(opportunity, forms.get("work"))
        context["work_open"] = next(iter(forms.get("work") or {}), "").replace("-", "_")
    return render(request, "web/opportunity/page.html", context, status=status)


@page
def opportunity_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render_opportunity(request, policy.opportunity_for_user(request.user, pk))


@page
def people_options(request: HttpRequest) -> HttpResponse:
    """The person picker's suggestions (`work.PersonInput`): `<option>`s of the active people
    matching the text the picker sends as `person`."""
    people = people_matching(request.GET.get("person", "")[:100])
    return render(request, "web/widgets/_people_options.html", {"people": people})
