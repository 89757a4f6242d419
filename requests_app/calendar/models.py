"""The private address of a user's calendar feed: whoever holds the token can read the feed."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class CalendarToken(models.Model):
    """One secret per user. Replacing it (a new row value) makes the old address stop working."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token", verbose_name=_("user")
    )
    # secrets.token_urlsafe(32) is 43 characters; room to spare for a longer one later.
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("calendar token")
        verbose_name_plural = _("calendar tokens")

    def __str__(self):
        return gettext("Calendar feed of %(user)s") % {"user": self.user.get_username()}
