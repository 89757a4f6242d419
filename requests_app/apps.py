from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = _("Electoral assistance")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        pass
