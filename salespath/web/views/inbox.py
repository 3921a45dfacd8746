"""Inboxes: initiation requests to decide (supervisor, branch GM), payments to confirm
(finance) and phase ends to sign off (supervisor, branch GM)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from salespath.errors import DomainError, NotAllowed, NotFound
from salespath.org.access import SUPERVISING, visible_people
from salespath.org.models import User
from salespath.pipeline import policy, services
from salespath.pipeline.models import InitiationRequest, Payment
from salespath.pipeline.visibility import visible_opportunities
from salespath.roadmap import services as roadmap_services

from .. import inbox
from ..forms import InitiationDecisionForm
from ..redirects import redirect_back
from .base import page, render_page
from .posts import post_only


def _candidates(user: User):
    """Who may lead the project: the people the approver sees, project managers first."""
    return visible_people(user).filter(is_active=True).order_by("display_name", "username")


def _decision_forms(user: User, requests: list[InitiationRequest], bound=None) -> list:
    candidates = _candidates(user)
    rows = []
    for request in requests:
        if bound is not None and bound[0] == request.pk:
            form = bound[1]
        else:
            form = InitiationDecisionForm(
                candidates=candidates,
                prefix=f"r{request.pk}",
                initial={"project_manager": request.opportunity.owner_id},
            )
        rows.append({"request": request, "form": form})
    return rows


@page
def initiation_inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.role_codes & SUPERVISING:
        raise PermissionDenied(_("Only sales supervisors and branch GMs decide initiations."))
    pending = inbox.initiations_to_decide(request.user)
    return render_page(
        request,
        "web/inbox/initiations.html",
        {"rows": _decision_forms(request.user, pending)},
    )


@post_only("web:initiations")
@page
def initiation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    pending = {r.pk: r for r in inbox.initiations_to_decide(request.user)}
    initiation = pending.get(pk)
    if initiation is None:
        raise Http404
    form = InitiationDecisionForm(
        request.POST, candidates=_candidates(request.user), prefix=f"r{pk}"
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.initiation_approve(
                    request=initiation,
                    by=request.user,
                    project_manager=data["project_manager"],
                    comment=data["comment"],
                )
                messages.success(
                    request,
                    _("Initiation of “%(name)s” approved; the project team is formed.")
                    % {"name": initiation.opportunity},
                )
            else:
                services.initiation_reject(
                    request=initiation, by=request.user, comment=data["comment"]
                )
                messages.success(
                    request,
                    _("Initiation of “%(name)s” rejected.") % {"name": initiation.opportunity},
                )
        except (NotFound, NotAllowed):
            raise
        except DomainError as error:
            for name, problems in error.fields.items():
                for problem in problems:
                    form.add_error(name if name in form.fields else None, problem)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            return redirect("web:initiations")
    rows = _decision_forms(request.user, list(pending.values()), bound=(pk, form))
    return render(request, "web/inbox/initiations.html", {"rows": rows}, status=422)


@page
def payment_inbox(request: HttpRequest) -> HttpResponse:
    if not policy.may_confirm_payments(request.user):
        raise PermissionDenied(_("Only finance confirms payments."))
    return render_page(
        request,
        "web/inbox/payments.html",
        {"payments": inbox.payments_to_confirm(request.user), "may_confirm": True},
    )


@post_only("web:payments")
@page
def payment_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    from salespath.pipeline.services import payment_confirm as confirm

    # Visibility before permission: a payment one may not see answers 404 like a
    # missing one; only then does the service say who may confirm (403).
    visible = visible_opportunities(request.user).values("pk")
    payment = (
        Payment.objects.select_related("contract__opportunity", "recorded_by")
        .filter(pk=pk, contract__opportunity__in=visible)
        .first()
    )
    if payment is None:
        raise Http404
    try:
        payment = confirm(payment=payment, by=request.user)
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        if not request.htmx:
            messages.error(request, error.message)
            return redirect("web:payments")
        return render(
            request,
            "web/inbox/_payment_error.html",
            {"p": payment, "error": error, "in_inbox": request.POST.get("in_inbox")},
            status=409,
        )
    if not request.htmx:
        messages.success(request, _("Payment confirmed."))
        return redirect_back(request, request.POST.get("next"), "web:payments")
    payment = Payment.objects.select_related(
        "recorded_by", "confirmed_by", "contract__opportunity__customer"
    ).get(pk=payment.pk)
    return render(
        request,
        "web/opportunity/_payment_row.html",
        {"p": payment, "may_confirm": True, "in_inbox": request.POST.get("in_inbox")},
    )


@page
def phase_end_inbox(request: HttpRequest) -> HttpResponse:
    """Phases that ended with goals unmet, waiting for the supervisor's or GM's sign-off."""
    return render_page(
        request,
        "web/inbox/phase_ends.html",
        {"phase_ends": inbox.phase_ends_to_sign(request.user)},
    )


@post_only("web:phase_ends")
@page
def phase_end_sign(request: HttpRequest, pk: int) -> HttpResponse:
    waiting = {e.pk: e for e in inbox.phase_ends_to_sign(request.user)}
    phase_end = waiting.get(pk)
    if phase_end is None:
        raise Http404
    try:
        roadmap_services.phase_end_sign(phase_end=phase_end, by=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The end of %(phase)s for %(person)s is signed off.")
            % {"phase": phase_end.phase, "person": phase_end.person},
        )
    return redirect("web:phase_ends")
