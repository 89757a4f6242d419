from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

# 403 is Django's handler with templates/403.html; 400, 404 (JSON under /api/) and 500 are ours.
handler400 = "eas.errors.bad_request"
handler404 = "eas.errors.not_found"
handler500 = "eas.errors.server_error"

admin.site.site_header = _("EAS — Electoral Assistance")
admin.site.site_title = _("EAS")
admin.site.index_title = _("Case management")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("requests_app.api.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("requests_app.urls")),
]
