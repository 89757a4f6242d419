"""Demo correspondence, through the register's services.

The demo cases' request letters, acknowledgements and decision letters are filed by the register
as the cases are played (correspondence.receivers). Added here: a follow-up exchange on a case
under review, with a reply due, and two letters that are not requests (a party, civil society),
filed as not considered with their replies.
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from requests_app.cases.choices import Origin, Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.correspondence import services
from requests_app.correspondence.models import Channel, Letter, LetterKind, SenderKind
from requests_app.correspondence.services import LetterDetails
from requests_app.demo.documents import demo_pdf
from requests_app.reference.models import MemberState

FOLLOW_UP = "Request for the adopted electoral calendar and the electoral budget"
FOLLOW_UP_ANSWER = "Electoral calendar and budget; the Government asks for a needs assessment mission"

NOT_CONSIDERED = [
    # (country, sender, who, subject, received days ago, reply)
    (
        "CIV",
        "Secretary-General, Movement for Unity and Progress",
        SenderKind.POLITICAL_PARTY,
        "Request that the United Nations observe the presidential election",
        20,
        "The United Nations provides electoral assistance only at the request of the Government (General Assembly "
        "resolution 62/150, para 2); it does not observe elections without a mandate. The letter is filed.",
    ),
    (
        "BOL",
        "Coordinator, Election Watch Network",
        SenderKind.CIVIL_SOCIETY,
        "Support to domestic observers during the general elections",
        70,
        "Electoral assistance is provided at the request of the Government; the Network may turn to UNDP's "
        "programmes with civil society. The letter is filed, not considered as a request.",
    ),
]


def _pdf(name, title, *lines):
    return SimpleUploadedFile(name, demo_pdf(title, lines), content_type="application/pdf")


def _follow_up(team):
    """An exchange with the Permanent Mission of a case under review, whose answer needs a reply soon."""
    case = (
        AssistanceRequest.objects.filter(stage=Stage.UNDER_REVIEW, origin=Origin.GOVERNMENT, officer__isnull=False)
        .select_related("member_state", "officer")
        .order_by("received_date", "id")
        .first()
    )
    if case is None or Letter.objects.filter(case=case, subject=FOLLOW_UP).exists():
        return 0
    today, state = timezone.localdate(), case.member_state.name
    mission = f"Permanent Mission of {state} to the United Nations"
    asked = services.register_outgoing(
        actor=case.officer,
        case=case,
        details=LetterDetails(
            kind=LetterKind.NOTE_VERBALE,
            date=today - timedelta(days=9),
            channel=Channel.PERMANENT_MISSION,
            sender="Focal point for electoral assistance",
            recipient=mission,
            subject=FOLLOW_UP,
            upload=_pdf(f"{case.reference}-follow-up.pdf", FOLLOW_UP, f"To: {mission}"),
        ),
        comment="Needed for the review of the request.",
    )
    services.register_incoming(
        actor=case.officer,
        case=case,
        in_reply_to=asked,
        details=LetterDetails(
            kind=LetterKind.NOTE_VERBALE,
            date=today - timedelta(days=3),
            received_on=today - timedelta(days=2),
            channel=Channel.PERMANENT_MISSION,
            sender=mission,
            sender_kind=SenderKind.STATE,
            recipient="Focal point for electoral assistance",
            subject=FOLLOW_UP_ANSWER,
            reply_due_on=today + timedelta(days=2),
            notes="The calendar sets the presidential election in eleven months; the budget is 40% funded.",
            upload=_pdf(f"{case.reference}-calendar.pdf", FOLLOW_UP_ANSWER, f"From: {mission}"),
        ),
    )
    return 2


def _not_considered(team):
    today, filed = timezone.localdate(), 0
    for iso3, sender, who, subject, days_ago, reply in NOT_CONSIDERED:
        if Letter.objects.filter(subject=subject).exists():
            continue
        received = today - timedelta(days=days_ago)
        services.register_not_considered(
            actor=team.clerk,
            country=MemberState.objects.get(iso3=iso3),
            letter=LetterDetails(
                kind=LetterKind.LETTER,
                date=received - timedelta(days=4),
                received_on=received,
                channel=Channel.DIRECT,
                sender=sender,
                sender_kind=who,
                subject=subject,
                upload=_pdf(f"letter-{iso3.lower()}-{days_ago}.pdf", subject, f"From: {sender}"),
            ),
            reply=LetterDetails(
                kind=LetterKind.LETTER,
                date=received + timedelta(days=8),
                channel=Channel.DIRECT,
                sender="Focal point for electoral assistance",
                recipient=sender,
                subject=f"Reply: {subject}",
                notes=reply,
            ),
        )
        filed += 1
    return filed


def seed_correspondence(*, team, stdout):
    with transaction.atomic():
        exchanged = _follow_up(team)
        filed = _not_considered(team)
    total = Letter.objects.count()
    stdout.write(
        f"Correspondence: {total} letters ({exchanged} of a follow-up exchange and {filed} letters not considered "
        "added now; the cases' own letters are filed as they are played)."
    )
