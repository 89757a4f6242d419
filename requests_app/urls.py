from django.urls import path, register_converter

from requests_app.accounts import views as accounts_views
from requests_app.api import views as views_api
from requests_app.calendar import views as calendar_views
from requests_app.cases import exports_views
from requests_app.cases import views as cases_views
from requests_app.coordination import views as views_coordination
from requests_app.core import ids
from requests_app.correspondence import views as views_correspondence
from requests_app.documents import views as documents_views
from requests_app.engagement import views as views_engagement
from requests_app.evaluation import views as views_evaluation
from requests_app.fund import views as views_trust_fund
from requests_app.history import views as views_audit
from requests_app.partners import views as views_partners
from requests_app.reports import views as views_reports
from requests_app.roster import views as views_roster

app_name = "workspace"
register_converter(ids.IdConverter, "id")

urlpatterns = [
    path("", cases_views.dashboard, name="dashboard"),
    path("cases/", cases_views.case_list, name="case-list"),
    path("cases/<str:reference>/", cases_views.case_detail, name="case-detail"),
    path("cases/<str:reference>/act/<str:action_name>/", cases_views.case_action, name="case-action"),
    path("cases/<str:reference>/documents/<id:document_id>/", documents_views.case_document, name="case-document"),
    # No trailing slash, so these never match the case page (cases/<reference>/).
    path("cases/export.csv", exports_views.case_export_csv, name="case-export-csv"),
    path("cases/export.xlsx", exports_views.case_export_xlsx, name="case-export-xlsx"),
    path("calendar/", calendar_views.calendar_settings, name="calendar-settings"),
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar-feed"),
    # The user's own settings and the menus' language switcher (issue 15).
    path("settings/", accounts_views.settings_page, name="settings"),
    path("language/", accounts_views.switch_language, name="language"),
    # Each staff member's token for the REST API (/api/v1/, requests_app.api).
    path("api-token/", views_api.token_page, name="api-token"),
]

# The auditor's export of the history.
urlpatterns += [
    path("audit/", views_audit.audit_page, name="audit"),
    path("audit/history.csv", views_audit.history_csv, name="audit-history-csv"),
]

# Partner organisations and their contributions (para 6).
urlpatterns += [
    path("partners/", views_partners.partner_list, name="partner-list"),
    path("partners/<id:pk>/", views_partners.partner_detail, name="partner-detail"),
    path("cases/<str:reference>/contributions/new/", views_partners.contribution_new, name="contribution-new"),
]

# The briefing to Member States (resolution 62/150, para 3), on a page and as files.
urlpatterns += [
    path("reports/briefing/", views_reports.briefing_page, name="briefing"),
    path("reports/briefing.csv", views_reports.briefing_csv, name="briefing-csv"),
    path("reports/briefing.xlsx", views_reports.briefing_xlsx, name="briefing-xlsx"),
    path("reports/briefing.pdf", views_reports.briefing_pdf, name="briefing-pdf"),
    # The Secretary-General's report to the General Assembly, every two years.
    path("reports/sg-report/", views_reports.sg_report_page, name="sg-report"),
    path("reports/sg-report.csv", views_reports.sg_report_csv, name="sg-report-csv"),
    path("reports/sg-report.xlsx", views_reports.sg_report_xlsx, name="sg-report-xlsx"),
    path("reports/sg-report.pdf", views_reports.sg_report_pdf, name="sg-report-pdf"),
]

# The Trust Fund for Electoral Assistance (para 7).
urlpatterns += [
    path("trust-fund/", views_trust_fund.statement_page, name="trust-fund"),
    path("trust-fund/statement.csv", views_trust_fund.statement_csv, name="trust-fund-csv"),
    path("trust-fund/statement.xlsx", views_trust_fund.statement_xlsx, name="trust-fund-xlsx"),
    path("trust-fund/new/<str:kind>/", views_trust_fund.new_entry, name="trust-fund-new"),
    path("trust-fund/rates/", views_trust_fund.rates_page, name="trust-fund-rates"),
]

# The roster of experts and their deployments to cases (paras 8-9).
urlpatterns += [
    path("roster/", views_roster.roster, name="roster"),
    path("roster/<id:pk>/", views_roster.expert_detail, name="expert-detail"),
    path("cases/<str:reference>/deployments/new/", views_roster.deployment_new, name="deployment-new"),
    path(
        "cases/<str:reference>/deployments/<id:deployment_id>/cancel/",
        views_roster.deployment_cancel,
        name="deployment-cancel",
    ),
]

# The post-electoral phase: a case's evaluation and lessons learned, and the lessons of every case (paras 5, 9).
urlpatterns += [
    path("lessons/", views_evaluation.lesson_list, name="lessons"),
    path("lessons/export.csv", views_evaluation.lessons_csv, name="lessons-csv"),
    path("cases/<str:reference>/evaluation/", views_evaluation.evaluation_edit, name="evaluation-edit"),
    path("cases/<str:reference>/lessons/new/", views_evaluation.lesson_new, name="lesson-new"),
    path("cases/<str:reference>/lessons/<id:lesson_id>/", views_evaluation.lesson_edit, name="lesson-edit"),
]

# Who took part (paras 10-11): the mission's members, consultations, the vehicle, who was told of the decision.
urlpatterns += [
    path("cases/<str:reference>/coordination/members/new/", views_coordination.member_new, name="member-new"),
    path(
        "cases/<str:reference>/coordination/members/<id:member_id>/remove/",
        views_coordination.member_remove,
        name="member-remove",
    ),
    path(
        "cases/<str:reference>/coordination/consultations/new/",
        views_coordination.consultation_new,
        name="consultation-new",
    ),
    path(
        "cases/<str:reference>/coordination/consultations/<id:consultation_id>/remove/",
        views_coordination.consultation_remove,
        name="consultation-remove",
    ),
    path("cases/<str:reference>/coordination/vehicles/new/", views_coordination.vehicle_new, name="vehicle-new"),
    path(
        "cases/<str:reference>/coordination/vehicles/<id:vehicle_id>/",
        views_coordination.vehicle_edit,
        name="vehicle-edit",
    ),
    path("cases/<str:reference>/coordination/told/new/", views_coordination.told_new, name="told-new"),
]

# A country's engagement across elections: the country file (paras 2, 5, 9).
urlpatterns += [
    path("countries/", views_engagement.country_list, name="country-list"),
    path("countries/<str:code>/", views_engagement.country_file, name="country-file"),
]

# The correspondence register: every letter and note verbale in or out.
urlpatterns += [
    path("correspondence/", views_correspondence.letter_list, name="letter-list"),
    path("correspondence/new/", views_correspondence.letter_new, name="letter-new"),
    path(
        "correspondence/not-considered/new/",
        views_correspondence.letter_not_considered,
        name="letter-not-considered",
    ),
    path(
        "cases/<str:reference>/letters/<str:purpose>/draft/",
        views_correspondence.letter_draft,
        name="letter-draft",
    ),
    path("correspondence/<id:pk>/", views_correspondence.letter_detail, name="letter-detail"),
    path("correspondence/<id:pk>/replied/", views_correspondence.letter_replied, name="letter-replied"),
    path("correspondence/<id:pk>/level/", views_correspondence.letter_level, name="letter-level"),
    path("correspondence/<id:pk>/file/", views_correspondence.letter_file, name="letter-file"),
    path(
        "correspondence/<id:pk>/former-case/documents/<id:document_id>/",
        views_correspondence.former_case_document,
        name="letter-former-document",
    ),
]
