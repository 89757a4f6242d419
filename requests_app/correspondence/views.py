"""The correspondence register's pages: the register, a letter, registering letters and replies."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from requests_app.cases.selectors import visible_cases
from requests_app.core.access import staff_required
from requests_app.core.errors import ActionRefused, tell_refusal
from requests_app.core.ids import parse_id
from requests_app.core.logcontext import note_case
from requests_app.core.views import report_filter_errors
from requests_app.correspondence import exports, selectors, services
from requests_app.correspondence.filters import LetterFilter
from requests_app.correspondence.forms import DraftLetterForm, LetterForm, NotConsideredForm, RepliedForm
from requests_app.correspondence.models import Direction, Purpose
from requests_app.documents.models import CaseDocument, ConfidentialRead
from requests_app.documents.views import serve_document
from requests_app.history.models import CaseEvent

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
        request.GET or None, queryset=selectors.visible_letters(request.user, selectors.letter_list())
    )
    report_filter_errors(request, letter_filter)
    page = Paginator(letter_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "correspondence/list.html", {"filter": letter_filter, "page": page})


def letter_or_404(request, pk):
    return get_object_or_404(selectors.visible_letters(request.user, selectors.letter_detail()), pk=pk)


@staff_required
def letter_detail(request, pk, replied_form=None, status=200):
    _may_read(request)
    letter = letter_or_404(request, pk)
    may_write = selectors.may_file(request.user, country=letter.country, case=letter.case)
    context = {
        "letter": letter,
        "replies": selectors.visible_letters(request.user, letter.replies.order_by("date", "id")),
        "may_write": may_write,
        "replied_form": replied_form or (RepliedForm() if may_write and letter.awaits_reply else None),
    }
    if letter.former_case_id is not None:
        # The case this letter was registered as, before the register: its record, as it was kept.
        context["former_events"] = CaseEvent.objects.filter(case=letter.former_case_id).select_related("actor")
        context["former_documents"] = CaseDocument.objects.filter(case=letter.former_case_id)
    return render(request, "correspondence/detail.html", context, status=status)


@staff_required
def letter_file(request, pk):
    _may_read(request)
    letter = letter_or_404(request, pk)
    if letter.file:
        handle = letter.file
    elif letter.document_id is not None:
        # A case's document: its level decides who may open it (documents.views.serve_document).
        return serve_document(request, letter.document, place=ConfidentialRead.Place.DOWNLOAD)
    else:
        raise Http404
    try:
        opened = handle.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(opened, as_attachment=True, filename=letter.original_name)


@staff_required
def former_case_document(request, pk, document_id):
    _may_read(request)
    letter = letter_or_404(request, pk)
    if letter.former_case_id is None:
        raise Http404
    document = get_object_or_404(CaseDocument, pk=document_id, case=letter.former_case_id)
    return serve_document(request, document, place=ConfidentialRead.Place.DOWNLOAD)


def _presets(request):
    """What a link to the form fills in: ?case=EAS-…, ?country=GHA, ?reply_to=<id> (a reply, sent)."""
    initial = {"direction": request.GET.get("direction") if request.GET.get("direction") in Direction.values else ""}
    reference = request.GET.get("case", "")[:20]
    if reference and visible_cases(request.user).filter(reference=reference).exists():
        initial["case"] = reference
    country = request.GET.get("country", "")[:3]
    if country:
        initial["country"] = country
    answered = selectors.visible_letters(request.user).filter(pk=parse_id(request.GET.get("reply_to", ""))).first()
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
                messages.success(request, _("Registered: %(letter)s.") % {"letter": letter})
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
                    _("Filed as not considered, with its reply: %(letter)s. It is not a request.") % {"letter": letter},
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
    data = form.cleaned_data
    values = exports.case_values(case, signatory=data["signatory"])
    pdf = exports.letter_pdf(
        subject=data["subject"],
        body=exports.render_text(data["body"], values),
        signatory=data["signatory"],
        place_and_date=_("New York, %(day)s") % {"day": values["today"]},
    )
    return pdf, f"{case.reference}-{DRAFTED_SLUGS[form.purpose]}.pdf"


@staff_required
def letter_draft(request, reference, purpose):
    """Draft the acknowledgement or the decision letter from its template, preview it, file it as sent."""
    case = _draft_case(request, reference, purpose)
    status = 200
    if request.method == "POST":
        form = DraftLetterForm(request.POST)
        form.purpose = DRAFTED[purpose]
        if form.is_valid():
            response = _send_or_preview(request, form, case)
            if response is not None:
                return response
        status = 400
    else:
        text = exports.draft(case, DRAFTED[purpose], request.GET.get("language", "en")[:8])
        form = DraftLetterForm(initial={"subject": text.subject, "body": text.body})
    context = {"form": form, "case": case, "title": DRAFTED[purpose].label}
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
        purpose=form.purpose, subject=form.cleaned_data["subject"], signatory=form.cleaned_data["signatory"], pdf=pdf
    )
    try:
        letter = services.file_drafted(actor=request.user, case=case, drafted=drafted)
    except ActionRefused as refusal:
        tell_refusal(refusal, form=form)
        return None
    messages.success(request, _("Filed as sent, with its PDF: %(letter)s.") % {"letter": letter})
    return redirect("workspace:letter-detail", pk=letter.pk)


DRAFTED_SLUGS = {value: key for key, value in DRAFTED.items()}
