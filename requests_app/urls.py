from django.urls import path

from . import views

app_name = "workspace"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/<str:reference>/", views.case_detail, name="case-detail"),
    path("cases/<str:reference>/act/<str:action_name>/", views.case_action, name="case-action"),
    path("cases/<str:reference>/documents/<int:document_id>/", views.case_document, name="case-document"),
]
