"""The API's addresses, under /api/v1/ (namespace "api"): eas/urls.py includes them."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from requests_app.api import views
from requests_app.cases.workflow import ACTIONS

app_name = "api"

urlpatterns = [
    path("token/", views.TokenView.as_view(), name="token"),
    path("countries/", views.CountryList.as_view(), name="country-list"),
    path("assistance-types/", views.AssistanceTypeList.as_view(), name="assistance-type-list"),
    path("cases/", views.CaseList.as_view(), name="case-list"),
    path("cases/<str:reference>/", views.CaseDetail.as_view(), name="case-detail"),
    path("cases/<str:reference>/history/", views.CaseHistory.as_view(), name="case-history"),
    path("roster/", views.ExpertList.as_view(), name="roster"),
    path("trust-fund/balance/", views.FundBalance.as_view(), name="trust-fund-balance"),
    # The schema, generated from the code, and its page (Swagger UI, its files served by the site).
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]

# One endpoint per action of the workflow (cases.workflow.ACTIONS).
urlpatterns += [
    path(
        f"cases/<str:reference>/actions/{name}/",
        views.action_view(name).as_view(),
        name=f"case-action-{name}",
    )
    for name in ACTIONS
]
