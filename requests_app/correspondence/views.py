"""The correspondence register's pages: the register, a letter, registering letters and replies."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from requests_app.cases.selectors import visible_cases
from requests_app.core.access import staff_required
from requests_app.core.confidentiality import may_read
from requests_app.core.errors import ActionRefused, tell_refusal
from requests_app.core.ids import parse_id
from requests_app.core.languages import is_rtl
from requests_app.core.logcontext import note_case
from requests_app.core.views import report_filter_errors
from requests_app.correspondence import exports, selectors, services
from requests_app.correspondence.filters import LetterFilter
from requests_app.correspondence.forms import (
    DraftLetterForm,
    LetterForm,
    LetterLevelForm,
    NotConsideredForm,
    RepliedForm,
)
from requests_app.correspondence.models import Direction, Letter, Purpose
from requests_app.documents import services as document_services
from requests_app.documents.models import CaseDocument, ConfidentialRead
from requests_app.documents.selectors import mark_withheld
from requests_app.documents.views import serve_document, serve_protected
from requests_app.history.models import CaseEvent
from requests_app.reference.models import UnLanguage

PAGE_SIZE = 50


def _may_read(request):
    if not request.user.has_perm("requests_app.view_letter"):
        raise PermissionDenied


def _may_write(request):
    if not request.user.has_perm("requests_app.add_letter"):
        raise PermissionDenied


@staff_required
def letter_list(request):
    _may_read(request)
    letter_filter = LetterFilter(
        request.GET or None,
        queryset=selectors.visible_letters(request.user, selectors.letter_list()),
        request=request,
    )
    report_filter_errors(request, letter_filter)
    page = Paginator(letter_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "correspondence/list.html", {"filter": letter_filter, "page": page})


def letter_or_404(request, pk):
    return get_object_or_404(selectors.visible_letters(request.user, selectors.letter_detail()), pk=pk)


def _opened(letter: Letter, level: str) -> document_services.Opened:
    """The letter as the auditor's record of openings names it: never its subject."""
    subject = _("Letter: %(letter)s, %(country)s") % {"letter": letter, "country": letter.country.name}
    return document_services.Opened(letter.case_id, letter, level, subject)


def _former_case(request, letter, context):
    """The case this letter was registered as, before the register: its record, as it was kept (each
    entry and document read at its level)."""
    events = list(CaseEvent.objects.filter(case=letter.former_case_id).select_related("actor"))
    documents = list(CaseDocument.objects.filter(case=letter.former_case_id))
    mark_withheld(request.user, events, {document.pk: document.level for document in documents})
    for document in documents:
        document.readable = may_read(request.user, document.level)  # type: ignore[attr-defined]  # for the page
    context["former_events"] = events
    context["former_documents"] = documents


@staff_required
def letter_detail(request, pk, replied_form=None, level_form=None, status=200):
    _may_read(request)
    letter = letter_or_404(request, pk)
    user = request.user
    readable = selectors.may_read_letter(user, letter)
    # Answering a letter, or marking it answered, needs reading it.
    may_write = readable and selectors.may_file(user, country=letter.country, case=letter.case)
    context = {
        "letter": letter,
        "readable": readable,
        "file_readable": selectors.may_open_file(user, letter),
        "replies": selectors.visible_letters(user, letter.replies.order_by("date", "id")),
        "may_write": may_write,
        "replied_form": replied_form or (RepliedForm() if may_write and letter.awaits_reply else None),
        "level_form": level_form or (LetterLevelForm(letter=letter) if may_write else None),
        "history": selectors.letter_history(user, letter),
    }
    if letter.former_case_id is not None and readable:
        _former_case(request, letter, context)
    response = render(request, "correspondence/detail.html", context, status=status)
    if readable and status == 200:
        document_services.record_reads(
            reader=user, place=ConfidentialRead.Place.LETTER_PAGE, opened=[_opened(letter, letter.level)]
        )
    return response


@staff_required
def letter_file(request, pk):
    """The letter's file: its own, or its case's document's; read at the letter's level (or the
    document's, if higher), refused below it with the site's 403 page, a confidential opening recorded."""
    _may_read(request)
    letter = letter_or_404(request, pk)
    if letter.file:
        file, filename = letter.file, letter.original_name
    elif letter.document_id is not None and letter.document is not None:
        file, filename = letter.document.file, letter.document.original_name
    else:
        raise Http404
    opened = _opened(letter, selectors.file_level(letter))
    return serve_protected(
        request, opened=opened, file=file, filename=filename, place=ConfidentialRead.Place.LETTER_DOWNLOAD
    )


@staff_required
def former_case_document(request, pk, document_id):
    _may_read(request)
    letter = letter_or_404(request, pk)
    if letter.former_case_id is None:
        raise Http404
    if not selectors.may_read_letter(request.user, letter):
        raise PermissionDenied(
            _("This letter is %(level)s: your role may see that it exists, not open its documents.")
            % {"level": selectors.withheld_label(letter).lower()}
        )
    document = get_object_or_404(CaseDocument, pk=document_id, case=letter.former_case_id)
    return serve_document(request, document, place=ConfidentialRead.Place.DOWNLOAD)


@staff_required
def letter_level(request, pk):
    """Change who may read a letter, saying why (POST from the letter's page)."""
    _may_write(request)
    letter = letter_or_404(request, pk)
    if request.method != "POST":
        return redirect("workspace:letter-detail", pk=letter.pk)
    form = LetterLevelForm(request.POST, letter=letter)
    if form.is_valid():
        try:
            services.change_level(
                actor=request.user,
                letter=letter,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except ActionRefused as refusal:
            tell_refusal(refusal, form=form)
        else:
            messages.success(request, _("The letter is now %(level)s.") % {"level": form.level_label()})
            return redirect("workspace:letter-detail", pk=letter.pk)
    return letter_detail(request, pk, level_form=form, status=400)


def _presets(request):
    """What a link to the form fills in: ?case=EAS-…, ?country=GHA, ?reply_to=<id> (a reply, sent)."""
    initial = {"direction": request.GET.get("direction") if request.GET.get("direction") in Direction.values else ""}
    reference = request.GET.get("case", "")[:20]
    if reference and visible_cases(request.user).filter(reference=reference).exists():
        initial["case"] = reference
    country = request.GET.get("country", "")[:3]
    if country:
        initial["country"] = country
    answerable = selectors.readable_letters(request.user, selectors.visible_letters(request.user))
    answered = answerable.filter(pk=parse_id(request.GET.get("reply_to", ""))).first()
    if answered is not None:
        initial.update(
            direction=Direction.OUT,
            in_reply_to=str(answered.pk),
            case=answered.case.reference if answered.case_id and answered.case else "",
            country=answered.country.iso3,
            recipient=answered.sender if answered.is_incoming else "",
            subject=(_("Reply: %(subject)s") % {"subject": answered.subject})[:300],
            channel=answered.channel,
            kind=answered.kind,
        )
    return initial, answered


@staff_required
def letter_new(request):
    _may_write(request)
    initial, answered = _presets(request)
    status = 200
    if request.method == "POST":
        form = LetterForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            register = services.register_incoming if data["direction"] == Direction.IN else services.register_outgoing
            try:
                letter = register(
                    actor=request.user,
                    details=form.details(),
                    country=data["country"],
                    case=data["case"],
                    in_reply_to=data["in_reply_to"],
                    comment=data["comment"],
                )
            except ActionRefused as refusal:
                tell_refusal(refusal, form=form)
            else:
                messages.success(request, _("Registered: %(letter)s.") % {"letter": letter.subject})
                return redirect("workspace:letter-detail", pk=letter.pk)
        answered = form.answered or answered
        status = 400
    else:
        form = LetterForm(initial=initial, user=request.user)
    return render(request, "correspondence/form.html", {"form": form, "answered": answered}, status=status)


@staff_required
def letter_not_considered(request):
    _may_write(request)
    status = 200
    if request.method == "POST":
        form = NotConsideredForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                letter, _reply = services.register_not_considered(
                    actor=request.user, country=form.cleaned_data["country"], letter=form.letter(), reply=form.reply()
                )
            except ActionRefused as refusal:
                tell_refusal(refusal, form=form)
            else:
                messages.success(
                    request,
                    _("Filed as not considered, with its reply: %(letter)s. It is not a request.")
                    % {"letter": letter.subject},
                )
                return redirect("workspace:letter-detail", pk=letter.pk)
        status = 400
    else:
        form = NotConsideredForm()
    return render(request, "correspondence/not_considered_form.html", {"form": form}, status=status)


@staff_required
def letter_replied(request, pk):
    _may_write(request)
    letter = letter_or_404(request, pk)
    if request.method != "POST":
        return redirect("workspace:letter-detail", pk=letter.pk)
    form = RepliedForm(request.POST)
    if form.is_valid():
        try:
            services.mark_replied(
                actor=request.user,
                letter=letter,
                replied_on=form.cleaned_data["replied_on"],
                comment=form.cleaned_data["comment"],
            )
        except ActionRefused as refusal:
            tell_refusal(refusal, form=form)
        else:
            messages.success(request, _("The letter is marked replied."))
            return redirect("workspace:letter-detail", pk=letter.pk)
    return letter_detail(request, pk, replied_form=form, status=400)


DRAFTED = {"acknowledgement": Purpose.ACKNOWLEDGEMENT, "decision": Purpose.DECISION}


def _draft_case(request, reference, purpose):
    """The case whose letter is drafted, if this user may file its letters."""
    if purpose not in DRAFTED:
        raise Http404
    _may_write(request)
    case = get_object_or_404(visible_cases(request.user).select_related("member_state"), reference=reference)
    note_case(case.reference)
    if not selectors.may_file(request.user, country=case.member_state, case=case):
        raise PermissionDenied
    return case


def _preview(form, case):
    """The letter's PDF in its language: the placeholders left in its text, the place and the day too."""
    data = form.cleaned_data
    language = data["language"]
    with translation.override(language):  # the days and the letterhead in the letter's language
        values = exports.case_values(case, signatory=data["signatory"])
        pdf = exports.letter_pdf(
            subject=data["subject"],
            body=exports.render_text(data["body"], values),
            signatory=data["signatory"],
            place_and_date=_("New York, %(day)s") % {"day": values["today"]},
            language=language,
        )
    return pdf, f"{case.reference}-{DRAFTED_SLUGS[form.purpose]}.pdf"


def _languages(request, language):
    """The six languages to draft the letter in, by their own names, each a link: (code, name, url, current)."""
    return [
        (
            code,
            get_language_info(code)["name_local"],
            f"{request.path}?{urlencode({'language': code})}",
            code == language,
        )
        for code in UnLanguage.values
    ]


@staff_required
def letter_draft(request, reference, purpose):
    """Draft the acknowledgement or the decision letter from its template, in the language of the case's
    correspondence unless another is chosen, preview it, file it as sent."""
    case = _draft_case(request, reference, purpose)
    if request.method == "POST":
        form = DraftLetterForm(request.POST)
        form.purpose = DRAFTED[purpose]
        if form.is_valid():
            form.cleaned_data["language"] = selectors.letter_language(case, form.cleaned_data["language"])
            response = _send_or_preview(request, form, case)
            if response is not None:
                return response
        # Drafted again as it was sent: in the language it was being written in.
        language = selectors.letter_language(case, form.data.get("language"))
        return _draft_page(request, form, case, purpose, language=language, drafted_from=language, status=400)
    language = selectors.letter_language(case, request.GET.get("language"))
    text = exports.draft(case, DRAFTED[purpose], language)
    form = DraftLetterForm(initial={"subject": text.subject, "body": text.body, "language": language})
    return _draft_page(request, form, case, purpose, language=language, drafted_from=text.language)


def _draft_page(request, form, case, purpose, *, language, drafted_from, status=200):
    """The drafting page in ``language``; ``drafted_from``: the language of the template its text
    came from (English when ``language`` has none yet: the page says so)."""
    context = {
        "form": form,
        "case": case,
        "title": DRAFTED[purpose].label,
        "language": language,
        "language_label": UnLanguage(language).label,
        "languages": _languages(request, language),
        "rtl": is_rtl(language),
        "fallback": drafted_from != language,
    }
    return render(request, "correspondence/draft_form.html", context, status=status)


def _send_or_preview(request, form, case):
    try:
        pdf, name = _preview(form, case)
    except exports.TemplateTextError as error:
        form.add_error("body", _("The text cannot be read: %(error)s") % {"error": error})
        return None
    if "preview" in request.POST:
        return HttpResponse(
            pdf, content_type="application/pdf", headers={"Content-Disposition": f'attachment; filename="{name}"'}
        )
    drafted = services.DraftedLetter(
        purpose=form.purpose,
        subject=form.cleaned_data["subject"],
        signatory=form.cleaned_data["signatory"],
        pdf=pdf,
        language=form.cleaned_data["language"],
    )
    try:
        letter = services.file_drafted(actor=request.user, case=case, drafted=drafted)
    except ActionRefused as refusal:
        tell_refusal(refusal, form=form)
        return None
    messages.success(request, _("Filed as sent, with its PDF: %(letter)s.") % {"letter": letter.subject})
    return redirect("workspace:letter-detail", pk=letter.pk)


DRAFTED_SLUGS = {value: key for key, value in DRAFTED.items()}
