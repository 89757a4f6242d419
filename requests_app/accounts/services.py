"""Changing a user's own settings."""

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from requests_app.accounts.models import Preference
from requests_app.core.errors import ActionRefused
from requests_app.core.types import User


@transaction.atomic
def set_language(user: User, language: str) -> Preference:
    """Record the language the user reads EAS in ("" to follow the browser)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ActionRefused(_("%(language)s is not one of the languages of EAS.") % {"language": language})
    preference, _created = Preference.objects.update_or_create(user=user, defaults={"language": language})
    user.preference = preference  # the caller's user reads the new choice, not one cached before
    return preference
