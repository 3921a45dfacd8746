"""The opportunity's actions: move (drag on the board or the stage path), attest, edit, log an
activity, ask for initiation. Each calls one service; a refusal is shown where it happened.

Every action answers an HTMX request with a fragment (a refusal with 409/422, so the page
can tell), and a plain form post with a redirect back to the opportunity and a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from salespath.activities.services import activity_log
from salespath.errors import Conflict, DomainError, NotAllowed, NotFound
from salespath.pipeline import policy, services
from salespath.pipeline.models import Stage

from ..fixes import missing_with_fixes
from ..forms import ActivityForm, InitiationForm, OpportunityEditForm
from ..queries import card_queryset
from ..work import PAGE_FORMS, WORK_FORMS
from .base import page
from .opportunities import checklist_context, render_opportunity
from .posts import opportunity_page, post_only


def _version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


def _refusal(request: HttpRequest, opportunity, error: DomainError, **extra) -> HttpResponse:
    """The refusal fragment: gate criteria that are missing, a stale version, bad input."""
    status = 409 if isinstance(error, Conflict) else 422
    context = {
        "o": opportunity,
        "error": error,
        "may_override": policy.may_override(request.user, opportunity),
        "missing": missing_with_fixes(error.missing, opportunity),
        **extra,
    }
    if not request.htmx:
        messages.error(request, error.message)
        return redirect("web:opportunity", opportunity.pk)
    return render(request, "web/opportunity/_refusal.html", context, status=status)


@post_only("web:opportunity", args=opportunity_page)
@page
def opportunity_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Advance through the gate, move back with a reason, or (supervisor) override the gate."""
    opportunity = policy.opportunity_for_user(request.user, pk)
    to_stage = request.POST.get("to_stage", "")
    reason = request.POST.get("reason", "")
    version = _version(request)
    target = Stage.objects.filter(code=to_stage).first()
    try:
        if target is not None and target.order < opportunity.stage.order:
            moved = services.opportunity_move_back(
                opportunity=opportunity,
                to_stage=to_stage,
                by=request.user,
                reason=reason,
                version=version,
            )
        elif request.POST.get("override"):
            moved = services.opportunity_override(
                opportunity=opportunity,
                to_stage=to_stage,
                by=request.user,
                reason=reason,
                version=version,
            )
        else:
            moved = services.opportunity_advance(
                opportunity=opportunity,
                to_stage=to_stage,
                by=request.user,
                reason=reason,
                version=version,
            )
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        return _refusal(request, opportunity, error, to_stage=to_stage)
    if request.POST.get("source") == "board":
        card = card_queryset(type(moved).objects.filter(pk=moved.pk)).get()
        return render(request, "web/pipeline/_card.html", {"o": card})
    message = _("Moved to %(stage)s.") % {"stage": moved.stage}
    if not request.htmx:
        messages.success(request, message)
        return redirect("web:opportunity", moved.pk)
    response = HttpResponse(status=204)
    response["HX-Redirect"] = reverse("web:opportunity", args=[moved.pk])
    messages.success(request, message)
    return response


@post_only("web:opportunity", args=opportunity_page)
@page
def criterion_attest(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = policy.opportunity_for_user(request.user, pk)
    code = request.POST.get("criterion", "")
    try:
        services.attestation_add(
            criterion=code,
            opportunity=opportunity,
            by=request.user,
            note=request.POST.get("note", ""),
        )
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        if not request.htmx:
            messages.error(request, error.message)
            return redirect(reverse("web:opportunity", args=[pk]) + f"#criterion-{code}")
        context = checklist_context(request, opportunity, attest_error=(code, error.message))
        return render(request, "web/opportunity/_checklist.html", context, status=422)
    if not request.htmx:
        messages.success(request, _("%(code)s attested.") % {"code": code})
        return redirect(reverse("web:opportunity", args=[pk]) + f"#criterion-{code}")
    return render(
        request, "web/opportunity/_checklist.html", checklist_context(request, opportunity)
    )


@page
def opportunity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit the opportunity's fields with the version it was read at: a stale edit is refused
    with a clear conflict message and the person's input kept in the form."""
    opportunity = policy.opportunity_for_user(request.user, pk, write=True)
    if request.method != "POST":
        form = OpportunityEditForm.for_opportunity(opportunity)
        return render_opportunity(request, opportunity, edit_form=form)
    form = OpportunityEditForm(request.POST, opportunity=opportunity)
    if form.is_valid():
        try:
            services.opportunity_update(
                opportunity=opportunity,
                version=form.cleaned_data["version"],
                by=request.user,
                **form.changes(),
            )
        except (NotFound, NotAllowed):
            raise
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:opportunity", pk)
    return render_opportunity(
        request, opportunity, edit_form=form, status=409 if form.stale else 422
    )


@post_only("web:opportunity", args=opportunity_page)
@page
def activity_quick_log(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = policy.opportunity_for_user(request.user, pk)
    form = ActivityForm(request.POST)
    error = None
    if form.is_valid():
        try:
            activity_log(
                person=request.user,
                by=request.user,
                customer=opportunity.customer,
                opportunity=opportunity,
                **form.cleaned_data,
            )
        except (NotFound, NotAllowed):
            raise
        except DomainError as refused:
            error = refused.message
        else:
            if not request.htmx:
                messages.success(request, _("Activity logged."))
                return redirect(reverse("web:opportunity", args=[pk]) + "#activities")
            form = ActivityForm(initial={"occurred_on": timezone.localdate()})
    elif not request.htmx:
        messages.error(request, _("The activity was not logged: check the fields."))
        return redirect(reverse("web:opportunity", args=[pk]) + "#activities")
    from ..queries import opportunity_details

    logged = form.is_bound is False
    context = {
        # A logged activity may meet a criterion (S4.7, S5.1): the checklist, its badge and
        # what the next stage still needs come back with it, swapped in out of band.
        **(checklist_context(request, opportunity) if logged else {}),
        "o": opportunity,
        "d": opportunity_details(opportunity),
        "activity_form": form,
        "activity_error": error,
        "logged": logged,
    }
    status = 200 if logged else 422
    return render(request, "web/opportunity/_activity_fragment.html", context, status=status)


@post_only("web:opportunity", args=opportunity_page)
@page
def initiation_request(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = policy.opportunity_for_user(request.user, pk)
    form = InitiationForm(request.POST)
    if form.is_valid():
        try:
            services.initiation_submit(
                opportunity=opportunity, by=request.user, **form.cleaned_data
            )
        except (NotFound, NotAllowed):
            raise
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Initiation request submitted for approval."))
            return redirect(reverse("web:opportunity", args=[pk]) + "#initiation")
    return render_opportunity(request, opportunity, initiation_form=form, status=422)


@post_only("web:opportunity", args=opportunity_page)
@page
def opportunity_work(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The stage work (quotes, key dates, competitors, objections, contract, payments,
    shipment, team) and lose/reopen: one form per action, one service per form. A refusal
    re-renders the page with the person's input and the problem next to its field."""
    form_class = WORK_FORMS.get(action)
    opportunity = policy.opportunity_for_user(request.user, pk)
    if form_class is None:
        raise NotFound(_("There is no such action."))
    form = form_class(request.POST, opportunity=opportunity)
    if form.is_valid():
        try:
            form.perform(opportunity, request.user)
        except (NotFound, NotAllowed):
            raise
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, str(form.success))
            return redirect(reverse("web:opportunity", args=[pk]) + f"#{form.section}")
    if action not in PAGE_FORMS:
        # A row's own small form (resolve, remove) or a one-button form (no competitor
        # known): its problem goes on top of the page.
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(reverse("web:opportunity", args=[pk]) + f"#{form.section}")
    opportunity.refresh_from_db()
    return render_opportunity(
        request, opportunity, work={action: form}, status=409 if form.stale else 422
    )
