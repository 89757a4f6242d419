"""The API token: Django REST framework's (one per user), named for the admin without its key."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token


class ApiToken(Token):
    """A user's API token, as the admin lists it: its name never holds the key (the admin's log keeps names)."""

    class Meta:
        proxy = True
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return gettext("API token of %(user)s") % {"user": self.user.get_username() if self.user_id else "?"}
