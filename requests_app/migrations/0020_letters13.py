"""The correspondence register (issue 13, letters13).

Schema: the Letter model; reminders may be about a letter's reply due (no stage, maybe no case).

Data, with nothing lost:
- every case that rests on a request gets its request letter as the first entry of its
  correspondence (dated letter_date, received received_date), and the letters its history shows
  were sent: an acknowledgement for each review started, a decision letter for each decision
  communicated (communicated_on) and each decline at review; the case's request-letter,
  acknowledgement and decision-letter documents join those entries (or are entries of their own),
  in the order they were attached, exactly as the register files them since;
- a case of origin "other body" (a political party, civil society) was never a request: it becomes
  a letter "not considered" (with its reply: the decline's reason and date, when it was declined;
  otherwise a reply due), linked to the case row, which is kept, with its history and documents,
  out of every list and count (Origin.not_requests), and shown on the letter's page;
- each role gets the register's permissions (README, Security).
"""

from collections import defaultdict
from itertools import islice

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models
from django.utils import timezone

import requests_app.core.validators
import requests_app.correspondence.models

CHUNK = 1000
LETTER_DOCUMENTS = {"request_letter": "request", "acknowledgement": "acknowledgement", "decision_letter": "decision"}
STEP_ACTIONS = ["registered", "start_review", "record_decision", "decline_request"]
MANDATES = {"security_council", "general_assembly"}
FOCAL_POINT = "Focal point for electoral assistance"
SENDER_KINDS = {"political_party": "political_party", "civil_society": "civil_society"}
OUTCOMES = {"assist": "Assist", "narrow": "Assist with a narrowed scope", "defer": "Defer", "decline": "Decline"}
DOCUMENT_SUBJECTS = {
    "request_letter": "Request letter",
    "acknowledgement": "Acknowledgement letter",
    "decision_letter": "Decision letter",
}

GRANTS = {
    "Intake clerk": ["view_letter", "add_letter"],
    "Electoral officer": ["view_letter", "add_letter"],
    "Team lead": ["view_letter", "add_letter"],
    "Focal point": ["view_letter", "add_letter"],
    "Finance": ["view_letter"],
    "Auditor": ["view_letter"],
}


def grant_roles(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="requests_app", codename__in=codenames)
        )


def _day(moment):
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def _kind_and_channel(case):
    if case.authority_type == "permanent_mission":
        return "note_verbale", "permanent_mission"
    return "letter", "direct"


class CaseLetters:
    """The letters of one case, made as the register makes them when its steps happen."""

    def __init__(self, Letter, case, registered):
        self.Letter, self.case = Letter, case
        self.kind, self.channel = _kind_and_channel(case)
        self.registered = registered  # the "registered" event, or None
        self.letters = []  # in the order they were made
        self.request = None

    def new(self, *, direction, purpose, subject, day, actor_id, at, **fields):
        case = self.case
        values = dict(
            kind=self.kind,
            channel=self.channel,
            direction=direction,
            purpose=purpose,
            subject=subject[:300],
            date=day,
            case_id=case.pk,
            country_id=case.member_state_id,
            registered_by_id=actor_id,
            registered_at=at,
        )
        if direction == "in":
            values.update(
                sender=case.requesting_authority[:200],
                sender_kind="electoral_body" if case.origin == "electoral_body" else "state",
            )
        else:
            values.update(sender=FOCAL_POINT, recipient=case.requesting_authority[:200])
        values.update(fields)
        letter = self.Letter(**values)
        letter.answers = self.request if direction == "out" else None
        if letter.answers is not None and (letter.answers.replied_on is None or day < letter.answers.replied_on):
            letter.answers.replied_on = day
        self.letters.append(letter)
        return letter

    def request_received(self):
        case, event = self.case, self.registered
        self.request = self.new(
            direction="in",
            purpose="request",
            subject="Request for electoral assistance",
            day=case.letter_date,
            received_on=case.received_date,
            notes=case.summary,
            actor_id=event.actor_id if event else None,
            at=event.created_at if event else case.created_at,
        )

    def step(self, event, decisions):
        day, actor, at = _day(event.created_at), event.actor_id, event.created_at
        if event.action == "start_review":
            self.new(
                direction="out",
                purpose="acknowledgement",
                subject="Acknowledgement of the request",
                day=day,
                notes=event.comment,
                actor_id=actor,
                at=at,
            )
        elif event.action == "decline_request":
            self.new(
                direction="out",
                purpose="decision",
                subject="Reply: the request cannot be accepted",
                day=day,
                notes=event.comment,
                actor_id=actor,
                at=at,
            )
        elif event.action == "record_decision":
            decision = decisions.get((event.details or {}).get("decision"))
            if decision is not None and decision.communicated_on is not None:
                self.new(
                    direction="out",
                    purpose="decision",
                    subject=f"Decision on the request: {OUTCOMES.get(decision.outcome, decision.outcome)}",
                    day=decision.communicated_on,
                    notes=decision.reason or decision.scope,
                    actor_id=actor,
                    at=at,
                )

    def document(self, document):
        purpose = LETTER_DOCUMENTS[document.kind]
        waiting = [
            letter for letter in self.letters if letter.purpose == purpose and letter.document_id is None
        ]
        if waiting:
            letter = waiting[0] if purpose == "request" else waiting[-1]
            letter.document_id = document.pk
            return
        letter = self.new(
            direction="in" if purpose == "request" else "out",
            purpose=purpose,
            subject=DOCUMENT_SUBJECTS[document.kind],
            day=_day(document.uploaded_at),
            document_id=document.pk,
            actor_id=document.uploaded_by_id,
            at=document.uploaded_at,
        )
        if purpose == "request" and self.request is None:
            self.request = letter


def _not_considered(Letter, case, registered, declines, decisions, documents):
    """A letter from another body, registered as a case before the register: filed as not considered,
    with its reply when the case was declined; the case row stays, linked, for its record."""
    at = registered.created_at if registered else case.created_at
    kind, channel = _kind_and_channel(case)
    received = Letter(
        kind=kind,
        channel=channel,
        direction="in",
        purpose="other",
        status="not_considered",
        date=case.letter_date,
        received_on=case.received_date,
        sender=case.requesting_authority[:200],
        sender_kind=SENDER_KINDS.get(case.authority_type, "other"),
        subject=f"Letter asking for electoral assistance (registered as case {case.reference} before the register)",
        notes=case.summary,
        country_id=case.member_state_id,
        former_case_id=case.pk,
        registered_by_id=registered.actor_id if registered else None,
        registered_at=at,
        document_id=next((d.pk for d in documents if d.kind == "request_letter"), None),
    )
    reply = None
    decline = declines[0] if declines else None
    if decline is not None:
        decision = decisions.get((decline.details or {}).get("decision")) if decline.action == "record_decision" else None
        day = decision.communicated_on if decision and decision.communicated_on else _day(decline.created_at)
        reason = (decision.reason if decision else "") or decline.comment
        reply = Letter(
            kind=kind,
            channel=channel,
            direction="out",
            purpose="other",
            date=max(day, case.letter_date),
            sender=FOCAL_POINT,
            recipient=case.requesting_authority[:200],
            subject="Reply: the letter is not considered as a request",
            notes=reason,
            country_id=case.member_state_id,
            registered_by_id=decline.actor_id,
            registered_at=decline.created_at,
            document_id=next((d.pk for d in documents if d.kind == "decision_letter"), None),
        )
        received.replied_on = reply.date
    elif case.stage not in ("closed", "withdrawn", "declined"):
        # Still waiting for an answer: its reply is due when the case's step was.
        due = _day(case.stage_due_at) if case.stage_due_at else case.received_date
        received.reply_due_on = max(due, case.received_date)
    return received, reply


def _chunks(iterable, size):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def file_existing_letters(apps):
    models = {name: apps.get_model("requests_app", name) for name in (
        "AssistanceRequest", "Letter", "CaseEvent", "CaseDocument", "Decision"
    )}
    Case, Letter = models["AssistanceRequest"], models["Letter"]
    for ids in _chunks(Case.objects.order_by("pk").values_list("pk", flat=True).iterator(), CHUNK):
        _file_chunk(models, Case.objects.filter(pk__in=ids).order_by("pk"))


def _file_chunk(models, cases):
    Letter = models["Letter"]
    cases = list(cases)
    ids = [case.pk for case in cases]
    events = defaultdict(list)
    for event in models["CaseEvent"].objects.filter(case_id__in=ids, action__in=STEP_ACTIONS).order_by(
        "created_at", "id"
    ):
        events[event.case_id].append(event)
    documents = defaultdict(list)
    for document in models["CaseDocument"].objects.filter(case_id__in=ids, kind__in=LETTER_DOCUMENTS).order_by(
        "uploaded_at", "id"
    ):
        documents[document.case_id].append(document)
    decisions = {d.pk: d for d in models["Decision"].objects.filter(case_id__in=ids)}
    first, replies = [], []
    for case in cases:
        steps = events[case.pk]
        registered = next((e for e in steps if e.action == "registered"), None)
        if case.origin == "other_body":
            declines = [
                e for e in steps
                if e.action == "decline_request"
                or (e.action == "record_decision" and (e.details or {}).get("outcome") == "decline")
            ]
            received, reply = _not_considered(Letter, case, registered, declines, decisions, documents[case.pk])
            first.append(received)
            if reply is not None:
                reply.answers = received
                replies.append(reply)
            continue
        letters = CaseLetters(Letter, case, registered)
        if case.origin and case.origin not in MANDATES:  # after 0019_mandates, a mandate alone has no origin
            letters.request_received()
        # The steps and the documents in the order they happened, as the register would have met them.
        moments = [(e.created_at, 0, e.pk, e) for e in steps if e.action != "registered"]
        moments += [(d.uploaded_at, 1, d.pk, d) for d in documents[case.pk]]
        for _moment, is_document, _pk, item in sorted(moments, key=lambda m: m[:3]):
            if is_document:
                letters.document(item)
            else:
                letters.step(item, decisions)
        for letter in letters.letters:
            (replies if letter.answers is not None else first).append(letter)
    Letter.objects.bulk_create(first, batch_size=500)
    for reply in replies:
        reply.in_reply_to_id = reply.answers.pk
    Letter.objects.bulk_create(replies, batch_size=500)


def forwards(apps, schema_editor):
    grant_roles(apps)
    file_existing_letters(apps)


def backwards(apps, schema_editor):
    # The letters go with their table; the cases, their events and documents were never changed.
    pass




class Migration(migrations.Migration):

    dependencies = [
        ('requests_app', '0019_mandates'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name='assistancerequest',
            name='origin',
            field=models.CharField(blank=True, choices=[('government', 'Written request from the government'), ('electoral_body', 'Written request from the electoral management body'), ('other_body', 'Letter from another body: not a request')], help_text='Who asked. Leave empty for a case that rests on a mandate alone.', max_length=20, verbose_name='origin'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='case',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='requests_app.assistancerequest', verbose_name='case'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='stage',
            field=models.CharField(blank=True, choices=[('received', 'Received'), ('under_review', 'Under review'), ('needs_assessment', 'Needs assessment'), ('awaiting_decision', 'Awaiting decision'), ('decision_communicated', 'Decision communicated'), ('in_implementation', 'In implementation'), ('reporting', 'Reporting'), ('closed', 'Closed'), ('withdrawn', 'Withdrawn'), ('declined', 'Declined')], max_length=24, verbose_name='stage'),
        ),
        migrations.AlterField(
            model_name='reminder',
            name='stage_entered_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='stage entered'),
        ),
        migrations.CreateModel(
            name='Letter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('letter', 'Letter'), ('note_verbale', 'Note verbale'), ('email', 'Email'), ('other', 'Other')], default='letter', max_length=20, verbose_name='kind')),
                ('direction', models.CharField(choices=[('in', 'In (received)'), ('out', 'Out (sent)')], max_length=3, verbose_name='direction')),
                ('purpose', models.CharField(choices=[('request', 'Request for assistance'), ('acknowledgement', 'Acknowledgement'), ('decision', 'Decision letter'), ('other', 'Other correspondence')], default='other', max_length=20, verbose_name='purpose')),
                ('status', models.CharField(choices=[('filed', 'Filed'), ('not_considered', 'Not considered: not a request')], default='filed', max_length=20, verbose_name='status')),
                ('date', models.DateField(verbose_name='date of the letter')),
                ('received_on', models.DateField(blank=True, null=True, verbose_name='received on')),
                ('channel', models.CharField(choices=[('permanent_mission', 'Permanent Mission'), ('resident_coordinator', 'Resident Coordinator'), ('direct', 'Direct')], default='direct', max_length=24, verbose_name='channel')),
                ('sender', models.CharField(max_length=200, validators=[requests_app.core.validators.validate_single_line], verbose_name='from')),
                ('sender_kind', models.CharField(blank=True, choices=[('state', 'State authority'), ('electoral_body', 'Electoral management body'), ('united_nations', 'United Nations'), ('political_party', 'Political party'), ('civil_society', 'Civil society organisation'), ('person', 'Private person'), ('other', 'Other body')], max_length=20, verbose_name='sender is')),
                ('recipient', models.CharField(blank=True, max_length=200, validators=[requests_app.core.validators.validate_single_line], verbose_name='to')),
                ('subject', models.CharField(max_length=300, validators=[requests_app.core.validators.validate_single_line], verbose_name='subject')),
                ('notes', models.TextField(blank=True, verbose_name='notes')),
                ('file', models.FileField(blank=True, max_length=200, upload_to=requests_app.correspondence.models.letter_path, verbose_name='file')),
                ('original_name', models.CharField(blank=True, editable=False, max_length=200, verbose_name='file name')),
                ('size', models.PositiveBigIntegerField(default=0, editable=False, verbose_name='size in bytes')),
                ('reply_due_on', models.DateField(blank=True, null=True, verbose_name='reply due on')),
                ('replied_on', models.DateField(blank=True, editable=False, null=True, verbose_name='replied on')),
                ('registered_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='registered')),
                ('case', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='letters', to='requests_app.assistancerequest', verbose_name='case')),
                ('country', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='letters', to='requests_app.memberstate', verbose_name='country')),
                ('document', models.ForeignKey(blank=True, help_text="The case's document that holds this letter's file.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='letters', to='requests_app.casedocument', verbose_name='document of the case')),
                ('former_case', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='former_letter', to='requests_app.assistancerequest', verbose_name='formerly registered as case')),
                ('in_reply_to', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='replies', to='requests_app.letter', verbose_name='in reply to')),
                ('registered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='registered by')),
            ],
            options={
                'verbose_name': 'letter',
                'verbose_name_plural': 'correspondence',
                'ordering': ['-date', '-id'],
            },
        ),
        migrations.AddField(
            model_name='reminder',
            name='letter',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='reminders', to='requests_app.letter', verbose_name='letter'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.UniqueConstraint(condition=models.Q(('letter__isnull', False)), fields=('letter', 'due_at', 'level', 'recipient'), name='reminder_letter_claimed_once'),
        ),
        migrations.AddConstraint(
            model_name='reminder',
            constraint=models.CheckConstraint(condition=models.Q(('letter__isnull', False), models.Q(('case__isnull', False), ('stage_entered_at__isnull', False)), _connector='OR'), name='reminder_of_a_stage_or_a_letter'),
        ),
        migrations.AddIndex(
            model_name='letter',
            index=models.Index(fields=['country', '-date', '-id'], name='letter_country_date_idx'),
        ),
        migrations.AddIndex(
            model_name='letter',
            index=models.Index(fields=['-date', '-id'], name='letter_date_idx'),
        ),
        migrations.AddIndex(
            model_name='letter',
            index=models.Index(fields=['reply_due_on'], name='letter_reply_due_idx'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.CheckConstraint(condition=models.Q(('direction', 'in'), models.Q(('reply_due_on__isnull', True), ('received_on__isnull', True)), _connector='OR'), name='letter_only_incoming_awaits_reply', violation_error_message='Only a letter received has a date of receipt or a reply due.'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.CheckConstraint(condition=models.Q(('direction', 'in'), models.Q(('status', 'not_considered'), _negated=True), _connector='OR'), name='letter_only_incoming_not_considered', violation_error_message='Only a letter received can be filed as not considered.'),
        ),
        migrations.AddConstraint(
            model_name='letter',
            constraint=models.CheckConstraint(condition=models.Q(('received_on__isnull', True), ('received_on__gte', models.F('date')), _connector='OR'), name='letter_not_received_before_dated', violation_error_message='A letter cannot be received before the date it bears.'),
        ),
        migrations.RunPython(forwards, backwards),
    ]
