from django.urls import path

from .views import (
    actions,
    assets,
    auth,
    customers,
    home,
    inbox,
    opportunities,
    pipeline,
    reports,
    roadmap,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("pipeline/", pipeline.pipeline_list, name="pipeline"),
    path("pipeline/board/", pipeline.pipeline_board, name="board"),
    path("pipeline/board/<str:stage>/", pipeline.board_column, name="board_column"),
    path("pipeline/<int:pk>/", opportunities.opportunity_page, name="opportunity"),
    path("pipeline/<int:pk>/move/", actions.opportunity_move, name="opportunity_move"),
    path("pipeline/<int:pk>/attest/", actions.criterion_attest, name="criterion_attest"),
    path("pipeline/<int:pk>/edit/", actions.opportunity_edit, name="opportunity_edit"),
    path("pipeline/<int:pk>/activity/", actions.activity_quick_log, name="activity_log"),
    path("pipeline/<int:pk>/initiation/", actions.initiation_request, name="initiation_submit"),
    path(
        "pipeline/<int:pk>/work/<slug:action>/", actions.opportunity_work, name="opportunity_work"
    ),
    path("customers/", customers.customer_list, name="customers"),
    path("customers/new/", customers.customer_new, name="customer_new"),
    path("customers/<int:pk>/", customers.customer_page, name="customer"),
    path("customers/<int:pk>/<slug:action>/", customers.customer_action, name="customer_action"),
    path("pipeline/new/", customers.opportunity_new, name="opportunity_new"),
    path("inbox/initiations/", inbox.initiation_inbox, name="initiations"),
    path(
        "inbox/initiations/<int:pk>/decide/",
        inbox.initiation_decide,
        name="initiation_decide",
    ),
    path("inbox/payments/", inbox.payment_inbox, name="payments"),
    path("inbox/payments/<int:pk>/confirm/", inbox.payment_confirm, name="payment_confirm"),
    path("reports/", reports.reports_index, name="reports"),
    path("reports/forecast/", reports.forecast_page, name="forecast"),
    path("reports/forecast/cell/", reports.forecast_cell_page, name="forecast_cell"),
    path("reports/forecast.xlsx", reports.forecast_xlsx, name="forecast_xlsx"),
    path("reports/forecast/submit/", reports.forecast_submit_view, name="forecast_submit"),
    path("reports/evaluation/", reports.evaluation_page, name="evaluation"),
    path("reports/evaluation.xlsx", reports.evaluation_xlsx, name="evaluation_xlsx"),
    path("roadmap/", roadmap.roadmap_home, name="roadmap"),
    path("roadmap/team/", roadmap.roadmap_grid, name="roadmap_grid"),
    path("roadmap/<str:username>/", roadmap.roadmap_person, name="roadmap_person"),
    path("roadmap/<str:username>/sign-off/", roadmap.roadmap_sign_off, name="roadmap_sign_off"),
    path("assets/plotly.js", assets.plotly_js, name="plotly_js"),
]
