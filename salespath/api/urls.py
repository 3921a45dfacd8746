from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import calendars, customers, errors, opportunities, reports, views, work


class Router(DefaultRouter):
    # One URL per operation, the one the schema documents: no `.json` twin, which the
    # actions would also be handed a `format` argument they do not take.
    include_format_suffixes = False


router = Router()
router.register("branches", views.BranchViewSet)
router.register("teams", views.TeamViewSet)
router.register("people", views.PersonViewSet, basename="person")
router.register("quotas", views.QuotaViewSet, basename="quota")
router.register("forecast-calendars", calendars.ForecastCalendarViewSet)
router.register("product-categories", views.ProductCategoryViewSet)
router.register("industries", views.IndustryViewSet)
router.register("competitors", views.CompetitorViewSet)
router.register("customers", customers.CustomerViewSet, basename="customer")
router.register("contacts", customers.ContactViewSet, basename="contact")
router.register("opportunities", opportunities.OpportunityViewSet, basename="opportunity")
router.register("team-members", work.ProjectMemberViewSet, basename="team-member")
router.register(
    "opportunity-competitors",
    work.OpportunityCompetitorViewSet,
    basename="opportunity-competitor",
)
router.register("stage-changes", views.StageChangeViewSet, basename="stage-change")
router.register("field-changes", views.FieldChangeViewSet, basename="field-change")
router.register("quotes", work.QuoteViewSet, basename="quote")
router.register("key-dates", work.KeyDateViewSet, basename="key-date")
router.register("objections", work.ObjectionViewSet, basename="objection")
router.register("contracts", work.ContractViewSet, basename="contract")
router.register("payments", work.PaymentViewSet, basename="payment")
router.register("shipments", work.ShipmentViewSet, basename="shipment")
router.register("initiation-requests", work.InitiationRequestViewSet, basename="initiation")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register(
    "forecast-submissions", views.ForecastSubmissionViewSet, basename="forecast-submission"
)
router.register("auth/tokens", views.TokenViewSet, basename="token")

app_name = "api"
urlpatterns = [
    path("auth/token/", views.TokenLoginView.as_view(), name="token-login"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("reports/forecast/", reports.ForecastReport.as_view(), name="report-forecast"),
    path("reports/evaluation/", reports.EvaluationReport.as_view(), name="report-evaluation"),
    path("reports/roadmap/", reports.RoadmapReport.as_view(), name="report-roadmap"),
    path("reports/integrity/", reports.IntegrityReport.as_view(), name="report-integrity"),
    path(
        "reports/forecast-changes/",
        reports.ForecastChangesReport.as_view(),
        name="report-forecast-changes",
    ),
    path(
        "reports/forecast-accuracy/",
        reports.ForecastAccuracyReport.as_view(),
        name="report-forecast-accuracy",
    ),
    path(
        "reports/forecast-submissions/",
        reports.ForecastSubmissionsReport.as_view(),
        name="report-forecast-submissions",
    ),
    path("", include(router.urls)),
    # Any other API URL is the API's JSON 404, not the site's HTML page: a format suffix
    # (see Router) or an id that is not one (`/activities/-2.5e-54/`). A URL without its
    # slash and without a suffix is left to APPEND_SLASH's redirect.
    re_path(r"^(?:.*/|.*\.[^/]*)$", errors.unknown_url),
]
