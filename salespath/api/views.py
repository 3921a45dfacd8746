"""Resource endpoints. Every list starts from what the caller may see (salespath.policy);
another team's ids answer 404 exactly as ids that do not exist. Every write validates its body
(`inputs`) and calls one service; nothing is saved through a serializer."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from salespath import policy
from salespath.activities.models import Activity
from salespath.activities.services import activity_delete, activity_log, activity_update
from salespath.catalog.models import ProductCategory
from salespath.customers.models import Competitor, Customer, Industry
from salespath.forecast.models import ForecastSubmission
from salespath.forecast.services import forecast_submit
from salespath.org.models import Branch, PersonRole, Quota, Team, User
from salespath.org.quotas import quota_set
from salespath.pipeline.models import FieldChange, StageChange

from . import access, inputs
from . import serializers as s
from .base import ID, given, validated
from .filters import PersonFilter
from .models import ApiToken
from .services import token_create, token_for_credentials, token_revoke


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    pass


class BranchViewSet(ReadOnly):
    queryset = Branch.objects.all()
    serializer_class = s.BranchSerializer


class TeamViewSet(ReadOnly):
    queryset = Team.objects.select_related("branch")
    serializer_class = s.TeamSerializer


class PersonViewSet(ReadOnly):
    queryset = User.objects.none()  # for the schema
    serializer_class = s.PersonSerializer
    filterset_class = PersonFilter

    def get_queryset(self):
        return (
            policy.visible_people(self.request.user)
            .select_related("team__branch", "branch")
            .prefetch_related(Prefetch("roles", queryset=PersonRole.objects.all()))
            .order_by("username")
        )


class QuotaViewSet(ReadOnly):
    queryset = Quota.objects.none()  # for the schema
    serializer_class = s.QuotaSerializer
    filterset_fields = ["fiscal_year", "fiscal_quarter"]

    def get_queryset(self):
        people = policy.visible_people(self.request.user)
        return (
            Quota.objects.filter(person__in=people)
            .select_related("person")
            .order_by("person__username", "fiscal_year", "fiscal_quarter")
        )

    @extend_schema(request=inputs.QuotaInput, responses={200: s.QuotaSerializer})
    def create(self, request):
        """Set a person's quota for one fiscal quarter (administrators); replaces the
        quarter's quota if there is one."""
        data = validated(inputs.QuotaInput, request)
        quota = quota_set(by=request.user, **data)
        return Response(s.QuotaSerializer(quota).data)


class ProductCategoryViewSet(ReadOnly):
    queryset = ProductCategory.objects.all()
    serializer_class = s.ProductCategorySerializer


class IndustryViewSet(ReadOnly):
    queryset = Industry.objects.all()
    serializer_class = s.IndustrySerializer


class CompetitorViewSet(ReadOnly):
    queryset = Competitor.objects.all()
    serializer_class = s.CompetitorSerializer


def on_visible_opportunities(model, related="opportunity", select=()):
    """A read-only viewset over rows that belong to opportunities the caller may see."""

    class ViewSet(ReadOnly):
        queryset = model.objects.none()  # for the schema; requests use get_queryset
        filterset_fields = [related]

        def get_queryset(self):
            visible = policy.visible_opportunities(self.request.user).values("pk")
            rows = model.objects.filter(**{f"{related}__in": visible})
            return rows.select_related(*select).order_by("id")

    ViewSet.__name__ = f"{model.__name__}ViewSet"
    return ViewSet


class StageChangeViewSet(on_visible_opportunities(StageChange, select=("by",))):
    serializer_class = s.StageChangeSerializer


class FieldChangeViewSet(on_visible_opportunities(FieldChange, select=("by",))):
    serializer_class = s.FieldChangeSerializer


class ActivityViewSet(ReadOnly):
    queryset = Activity.objects.none()  # for the schema
    serializer_class = s.ActivitySerializer
    filterset_fields = {
        "occurred_on": ["gte", "lte"],
        "kind": ["exact"],
        "opportunity": ["exact"],
        "customer": ["exact"],
    }

    def get_queryset(self):
        activities = Activity.objects.select_related("person").order_by("-occurred_on", "-id")
        visible = policy.owner_filter(self.request.user, "person")
        return activities if visible is None else activities.filter(visible)

    @extend_schema(request=inputs.ActivityInput, responses={201: s.ActivitySerializer})
    def create(self, request):
        """Log work you did: a visit, prospecting, a presentation, a call or meeting."""
        data = validated(inputs.ActivityInput, request)
        subjects = _subjects(request, data)
        activity = activity_log(person=request.user, by=request.user, **data, **subjects)
        return Response(s.ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=inputs.ActivityUpdateInput, responses={200: s.ActivitySerializer}, parameters=[ID]
    )
    def partial_update(self, request, pk=None):
        activity = self.get_object()
        data = validated(inputs.ActivityUpdateInput, request)
        subjects = _subjects(request, data)
        changes = given(data, "kind", "occurred_on", "hours", "purpose", "outcome", "note")
        changed = activity_update(activity=activity, by=request.user, **changes, **subjects)
        return Response(s.ActivitySerializer(changed).data)

    @extend_schema(parameters=[ID])
    def destroy(self, request, pk=None):
        activity_delete(activity=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _subjects(request, data: dict) -> dict:
    """The customer and opportunity ids of an activity body as rows. One that does not exist
    is refused by the service's own rule, as one the caller may not see."""
    from salespath.activities.errors import ActivitySubjectNotFound
    from salespath.pipeline.models import Opportunity

    missing = {
        "customer": _("No such customer that you may see."),
        "opportunity": _("No such opportunity that you may see."),
    }
    found = {}
    for name, model in (("customer", Customer), ("opportunity", Opportunity)):
        if name not in data:
            continue
        pk = data.pop(name)
        found[name] = None if pk is None else model.objects.filter(pk=pk).first()
        if pk is not None and found[name] is None:
            raise ActivitySubjectNotFound(missing[name])
    return found


class ForecastSubmissionViewSet(ReadOnly):
    """Frozen forecasts (上报): the caller's own and those of the people they may see."""

    queryset = ForecastSubmission.objects.none()  # for the schema
    serializer_class = s.ForecastSubmissionSerializer
    filterset_fields = {"as_of": ["exact", "gte", "lte"], "person__username": ["exact"]}

    def get_queryset(self):
        people = policy.visible_people(self.request.user).values("pk")
        return (
            ForecastSubmission.objects.filter(person__in=people)
            .select_related("person", "submitted_by")
            .order_by("-as_of", "person__username")
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return s.ForecastSubmissionDetailSerializer
        return s.ForecastSubmissionSerializer

    @extend_schema(parameters=[ID])
    def retrieve(self, request, pk=None):
        submission = access.forecast_submission(request.user, pk)
        return Response(s.ForecastSubmissionDetailSerializer(submission).data)

    @extend_schema(
        request=inputs.ForecastSubmitInput, responses={201: s.ForecastSubmissionSerializer}
    )
    @action(detail=False, methods=["post"])
    def submit(self, request):
        """上报: freeze a forecast for a cutoff date with every opportunity behind it — your
        own, or (sales supervisor, branch GM) a person's of your team or branch."""
        data = validated(inputs.ForecastSubmitInput, request)
        person = data.get("person") or request.user
        submission = forecast_submit(person=person, as_of=data["as_of"], by=request.user)
        return Response(
            s.ForecastSubmissionSerializer(submission).data, status=status.HTTP_201_CREATED
        )


class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The caller's personal API tokens: create (key shown once), list, revoke."""

    queryset = ApiToken.objects.none()  # for the schema
    serializer_class = s.ApiTokenSerializer

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user, revoked_at__isnull=True)

    @extend_schema(
        request={
            "application/json": {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "maxLength": 100}},
            }
        },
        responses={201: s.NewTokenSerializer},
    )
    def create(self, request):
        token, key = token_create(user=request.user, name=_text(request.data, "name"))
        token.key = key
        return Response(s.NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)])
    def destroy(self, request, pk=None):
        token_revoke(user=request.user, token_id=_int_or_404(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _text(data, name: str) -> str:
    value = data.get(name, "") if hasattr(data, "get") else ""
    return value if isinstance(value, str) else ""


def _int_or_404(value) -> int:
    from salespath.errors import NotFound

    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(_("No such token.")) from None
    if not 0 < number < 2**63:
        raise NotFound(_("No such token."))
    return number


class TokenLoginView(APIView):
    """Exchange a username and password for a new personal token."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request={
            "application/json": {
                "type": "object",
                "required": ["username", "password"],
                "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
            }
        },
        responses={201: s.NewTokenSerializer},
    )
    def post(self, request):
        token, key = token_for_credentials(
            username=_text(request.data, "username"),
            password=_text(request.data, "password"),
            request=request,
        )
        token.key = key
        return Response(s.NewTokenSerializer(token).data, status=status.HTTP_201_CREATED)
