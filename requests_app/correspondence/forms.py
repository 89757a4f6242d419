"""The register's forms: a letter in or out, a letter not considered with its reply, a reply recorded,
a letter's level changed, a letter drafted and its language.

They collect what a service needs; the service decides (and says why it refuses)."""

from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from requests_app.cases.selectors import visible_cases
from requests_app.core.confidentiality import Level, label
from requests_app.core.forms import day_field
from requests_app.core.ids import parse_id
from requests_app.core.validators import validate_single_line
from requests_app.correspondence.models import FOCAL_POINT, Channel, Direction, LetterKind, SenderKind
from requests_app.correspondence.selectors import country_choices, may_read_letter, visible_letters
from requests_app.correspondence.services import LetterDetails
from requests_app.documents.forms import DocumentUploadField
from requests_app.reference.models import MemberState, UnLanguage


def _line(label, *, max_length=200, required=True, **kwargs):
    return forms.CharField(
        label=label, max_length=max_length, required=required, validators=[validate_single_line], **kwargs
    )


def _notes(label, **kwargs):
    return forms.CharField(
        label=label, required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), **kwargs
    )


def _level(help_text=None):
    return forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("As its kind: internal")), *Level.choices],
        help_text=help_text
        or _("Who may read its subject, notes and file (README, Security). Those below it see only that it exists."),
    )


def _language():
    return forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("The case's correspondence's, else the State's")), *UnLanguage.choices],
        help_text=_("The language the letter is written in."),
    )


def _country(value):
    return MemberState.objects.filter(iso3=value).first() if value else None


class LetterForm(forms.Form):
    """A letter received or sent, of a case or of a country (the case's country when it has one)."""

    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind"), choices=LetterKind.choices)
    case = forms.CharField(
        label=_("Case"),
        required=False,
        max_length=20,
        help_text=_("Its reference, e.g. EAS-2026-0042. Leave it empty for a letter that concerns no case."),
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, help_text=_("Needed only when the letter concerns no case.")
    )
    date = day_field(_("Date of the letter"))
    received_on = day_field(_("Received on"), required=False, help_text=_("For a letter received."))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    sender = _line(pgettext_lazy("letter", "From"))
    sender_kind = forms.ChoiceField(
        label=_("The sender is"), required=False, choices=[("", "---------"), *SenderKind.choices]
    )
    recipient = _line(pgettext_lazy("letter", "To"), required=False)
    subject = _line(_("Subject"), max_length=300)
    notes = _notes(_("Notes"))
    file = DocumentUploadField(label=_("File"), required=False)
    level = _level()
    language = _language()
    reply_due_on = day_field(
        _("Reply due on"),
        required=False,
        help_text=_("For a letter received that needs an answer: its officer is reminded before the day."),
    )
    in_reply_to = forms.CharField(widget=forms.HiddenInput, required=False)
    comment = _notes(_("Comment"), help_text=_("Written in the case's history with the letter."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        cast(forms.ChoiceField, self.fields["country"]).choices = country_choices()
        self.answered = None

    def clean_case(self):
        reference = self.cleaned_data.get("case", "").strip()
        if not reference:
            return None
        case = visible_cases(self.user).select_related("member_state").filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(
                _("There is no case %(reference)s that you can see.") % {"reference": reference}
            )
        return case

    def clean_country(self):
        return _country(self.cleaned_data.get("country"))

    def clean_in_reply_to(self):
        value = self.cleaned_data.get("in_reply_to", "")
        if not value:
            return None
        answered = visible_letters(self.user).filter(pk=parse_id(value)).first()
        if answered is None:
            raise forms.ValidationError(_("The letter this one answers is not in the register."))
        if not may_read_letter(self.user, answered):
            raise forms.ValidationError(_("You may not read the letter this one answers: you cannot reply to it."))
        self.answered = answered
        return answered

    def clean(self):
        data = super().clean() or {}
        nowhere = not data.get("case") and not data.get("country") and not data.get("in_reply_to")
        if nowhere and "case" not in self.errors:
            self.add_error("country", _("Say which country the letter concerns, or give its case."))
        return data

    def details(self):
        data = self.cleaned_data
        return LetterDetails(
            kind=data["kind"],
            date=data["date"],
            channel=data["channel"],
            sender=data["sender"],
            sender_kind=data["sender_kind"],
            recipient=data["recipient"],
            subject=data["subject"],
            notes=data["notes"],
            received_on=data["received_on"],
            reply_due_on=data["reply_due_on"],
            upload=data["file"] or None,
            level=data["level"],
            language=data["language"],
        )


class NotConsideredForm(forms.Form):
    """A letter from a party, civil society or a person: filed as not considered, with the reply sent."""

    country = forms.ChoiceField(label=_("Country"))
    kind = forms.ChoiceField(label=_("Kind"), choices=LetterKind.choices)
    sender = _line(pgettext_lazy("letter", "From"), help_text=_("Who signed it, and for which body."))
    sender_kind = forms.ChoiceField(
        label=_("The sender is"),
        choices=[(kind.value, kind.label) for kind in SenderKind if kind in SenderKind.cannot_request()],
        widget=forms.RadioSelect,
    )
    date = day_field(_("Date of the letter"))
    received_on = day_field(_("Received on"))
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.DIRECT)
    subject = _line(_("Subject"), max_length=300, help_text=_("What the letter asks, in a line."))
    language = _language()
    file = DocumentUploadField(label=_("File of the letter"), required=False)
    level = _level(
        help_text=_("Who may read the letter, its reply and their files. Those below it see that they exist.")
    )

    reply_date = day_field(_("Reply sent on"))
    reply_kind = forms.ChoiceField(label=_("Reply: kind"), choices=LetterKind.choices)
    reply_channel = forms.ChoiceField(label=_("Reply: channel"), choices=Channel.choices, initial=Channel.DIRECT)
    reply_recipient = _line(_("Reply: to"), required=False, help_text=_("Leave empty: the sender."))
    reply_text = forms.CharField(
        label=_("What the reply says"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why the letter is not considered as a request: only the government can ask (para 2)."),
    )
    reply_file = DocumentUploadField(label=_("File of the reply"), required=False)

    groups = [
        (
            _("The letter"),
            ["country", "kind", "sender", "sender_kind", "date", "received_on", "channel", "subject", "language"],
        ),
        (None, ["file", "level"]),
        (_("The reply sent"), ["reply_date", "reply_kind", "reply_channel", "reply_recipient", "reply_text"]),
        (None, ["reply_file"]),
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["country"]).choices = country_choices()
        self.initial.setdefault("reply_date", timezone.localdate())

    def clean_country(self):
        country = _country(self.cleaned_data.get("country"))
        if country is None:
            raise forms.ValidationError(_("Choose the country the letter concerns."))
        return country

    def field_groups(self):
        return [(title, [self[name] for name in names]) for title, names in self.groups]

    def letter(self):
        data = self.cleaned_data
        return LetterDetails(
            kind=data["kind"],
            date=data["date"],
            received_on=data["received_on"],
            channel=data["channel"],
            sender=data["sender"],
            sender_kind=data["sender_kind"],
            subject=data["subject"],
            upload=data["file"] or None,
            level=data["level"],
            language=data["language"],
        )

    def reply(self):
        data = self.cleaned_data
        return LetterDetails(
            kind=data["reply_kind"],
            date=data["reply_date"],
            channel=data["reply_channel"],
            sender=str(FOCAL_POINT),
            recipient=data["reply_recipient"] or data["sender"],
            subject=(str(_("Reply: %(subject)s")) % {"subject": data["subject"]})[:300],
            notes=data["reply_text"],
            upload=data["reply_file"] or None,
        )


class RepliedForm(forms.Form):
    replied_on = day_field(_("Replied on"))
    comment = _notes(_("How it was answered"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("replied_on", timezone.localdate())


class DraftLetterForm(forms.Form):
    """A letter drafted from its template and the case: its wording as edited, and who signs it, in
    its language (kept from the drafting page: the PDF's letterhead, dates, fonts and direction)."""

    purpose = ""  # the letter's Purpose (set by the view)

    # Chosen above the form (the drafting page's "Draft it in:" links): the language the letter is
    # filed in; empty, the case's correspondence's (selectors.letter_language).
    language = forms.ChoiceField(choices=[("", ""), *UnLanguage.choices], required=False, widget=forms.HiddenInput)

    subject = _line(_("Subject"), max_length=300)
    body = forms.CharField(label=_("Text of the letter"), max_length=20000, widget=forms.Textarea(attrs={"rows": 18}))
    signatory = _line(
        _("Signed by"), help_text=_("The person who signs the letter, with their title, as it is printed under it.")
    )


class LetterLevelForm(forms.Form):
    """A letter's new level, and why: the comment is written in its history."""

    level = forms.ChoiceField(label=_("Level"), choices=Level.choices)
    comment = _notes(
        _("Why"), help_text=_("Written in the letter's history (and its case's), read at the higher of the two levels.")
    )

    def __init__(self, *args, letter, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("level", letter.level)
        self.fields["comment"].required = True

    def level_label(self):
        return str(label(self.cleaned_data["level"])).lower()
