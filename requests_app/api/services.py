"""The API's writes: each user's token (issued, replaced, revoked) and the record of the
confidential notes the API showed (documents.services.record_reads, as the case page does)."""

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from requests_app.api.models import ApiToken as Token
from requests_app.cases.models import AssistanceRequest
from requests_app.core.errors import ActionRefused
from requests_app.core.types import User
from requests_app.documents import services as documents
from requests_app.documents.models import ConfidentialRead
from requests_app.documents.selectors import carries_note, document_levels, mark_withheld
from requests_app.history.models import CaseEvent

log = logging.getLogger(__name__)


def _check_holder(user: User | None) -> User:
    """Only active staff hold a token: what the token opens is still each endpoint's to decide."""
    if user is None or not (user.is_active and user.is_staff):
        raise ActionRefused(_("Only active staff members may hold an API token."))
    return user


@transaction.atomic
def issue_token(*, user: User | None) -> tuple[Token, bool]:
    """The user's token, made if they have none: (token, whether it was made now)."""
    holder = _check_holder(user)
    token, created = Token.objects.get_or_create(user=holder)
    if created:
        log.info("API token issued to %s", holder.get_username())
    return token, created


@transaction.atomic
def replace_token(*, user: User | None) -> Token:
    """A new token for the user; the one they had stops working at once."""
    holder = _check_holder(user)
    Token.objects.filter(user=holder).delete()
    log.info("API token replaced for %s", holder.get_username())
    return Token.objects.create(user=holder)


@transaction.atomic
def revoke_token(*, actor: User | None, holder: User) -> bool:
    """Revoke ``holder``'s token (by themselves, or by a staff member who may delete tokens): whether there was one."""
    if actor is None or not (actor.pk == holder.pk or actor.has_perm("requests_app.delete_apitoken")):
        raise ActionRefused(_("You may revoke only your own API token."))
    deleted, _rows = Token.objects.filter(user=holder).delete()
    if deleted:
        log.info("API token of %s revoked by %s", holder.get_username(), actor.get_username())
    return bool(deleted)


def record_history_shown(*, reader: User, case: AssistanceRequest, events: Iterable[CaseEvent]) -> list[CaseEvent]:
    """Mark each entry withheld or not for ``reader`` (documents.selectors.mark_withheld) and write down
    the confidential notes shown, as the case page does. Returns the entries, marked."""
    events = list(events)
    shown = mark_withheld(reader, events, document_levels(case.documents.all()))
    documents.record_reads(
        reader=reader,
        place=ConfidentialRead.Place.API,
        opened=[
            documents.opened_note(event, event.shown_level, documents.note_subject(event))  # type: ignore[attr-defined]
            for event in shown
            if carries_note(event)
        ],
    )
    return events
