"""What the correspondence tests share: people in their roles, letters as forms give them."""

import datetime

from django.contrib.auth.models import Group
from django.utils import timezone

from requests_app.cases.models import RegionalDesk
from requests_app.correspondence import services
from requests_app.correspondence.models import Channel, LetterKind, SenderKind
from requests_app.correspondence.services import LetterDetails
from tests.factories import UserFactory, member_state


def in_role(role, *, desk_of=None, **fields):
    """A staff user in one of the six roles; ``desk_of``: an officer of the desk of that state (ISO code)."""
    user = UserFactory(is_staff=True, **fields)
    user.groups.add(Group.objects.get(name=role))
    if desk_of is not None:
        RegionalDesk.objects.get(regional_group=member_state(desk_of).regional_group).members.add(user)
    return type(user).objects.get(pk=user.pk)


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


def details(**overrides):
    """A note verbale received from the Permanent Mission a few days ago."""
    values = {
        "kind": LetterKind.NOTE_VERBALE,
        "date": days(-5),
        "received_on": days(-3),
        "channel": Channel.PERMANENT_MISSION,
        "sender": "Permanent Mission of Ghana to the United Nations",
        "sender_kind": SenderKind.STATE,
        "recipient": "Focal point for electoral assistance",
        "subject": "Transmission of the electoral calendar",
    }
    values.update(overrides)
    return LetterDetails(**values)


def reply_details(**overrides):
    values = {
        "kind": LetterKind.LETTER,
        "date": days(-1),
        "channel": Channel.PERMANENT_MISSION,
        "sender": "Focal point for electoral assistance",
        "recipient": "Permanent Mission of Ghana to the United Nations",
        "subject": "Reply: electoral calendar",
        "notes": "Thanks for the calendar.",
    }
    values.update(overrides)
    return LetterDetails(**values)


def party_letter(**overrides):
    values = {
        "kind": LetterKind.LETTER,
        "date": days(-12),
        "received_on": days(-10),
        "channel": Channel.DIRECT,
        "sender": "Secretary-General, Democratic Alliance",
        "sender_kind": SenderKind.POLITICAL_PARTY,
        "subject": "Request that the United Nations observe the elections",
    }
    values.update(overrides)
    return LetterDetails(**values)


def party_reply(**overrides):
    values = {
        "kind": LetterKind.LETTER,
        "date": days(-2),
        "channel": Channel.DIRECT,
        "sender": "Focal point for electoral assistance",
        "recipient": "Secretary-General, Democratic Alliance",
        "subject": "Reply: observation of the elections",
        "notes": "Only the Government can request electoral assistance (para 2); the letter is filed.",
    }
    values.update(overrides)
    return LetterDetails(**values)


def file_not_considered(actor, state="GHA", **letter):
    return services.register_not_considered(
        actor=actor, country=member_state(state), letter=party_letter(**letter), reply=party_reply()
    )
