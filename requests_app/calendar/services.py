"""The private address of each user's calendar feed."""

import secrets

from django.utils import timezone

from requests_app.calendar.models import CalendarToken
from requests_app.core.types import User


def token_for(user: User) -> CalendarToken:
    """The user's token, made on first use. Two first visits at once still give one token."""
    entry, _created = CalendarToken.objects.get_or_create(user=user, defaults={"token": secrets.token_urlsafe(32)})
    return entry


def replace_token(user: User) -> CalendarToken:
    """A new secret; the address with the old one stops working at once."""
    entry, _created = CalendarToken.objects.update_or_create(
        user=user, defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()}
    )
    return entry
