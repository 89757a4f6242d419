"""Who took part, on the case's pages: the mission's members, the consultations, the vehicles of
implementation, and who was told of the decision. Each form has a page of its own; the case page's
section (templatetags/coordination.py) shows what is recorded and links them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from requests_app.cases.views import case_or_404
from requests_app.coordination import selectors, services
from requests_app.coordination.forms import (
    ConsultationForm,
    DonorFormSet,
    MemberForm,
    ToldForm,
    VehicleForm,
    donor_value,
)
from requests_app.coordination.models import Audience, Consultation, ImplementationVehicle, MissionMember
from requests_app.core.access import staff_with_permission
from requests_app.core.errors import ActionRefused, tell_refusal

SECTION = "#coordination"


def case_url(case):
    return reverse("workspace:case-detail", args=[case.reference]) + SECTION


def _submit(request, form, write, *formsets):
    """Run ``write`` with the form's data if it (and ``formsets``) are valid: (whether it was done, what it wrote)."""
    if not form.is_valid() or not all(formset.is_valid() for formset in formsets):
        messages.error(request, _("Please correct the errors in the form."))
        return False, None
    try:
        return True, write(form.cleaned_data)
    except ActionRefused as refusal:
        tell_refusal(refusal, form=form)
        return False, None


def _page(request, case, template, status=200, **context):
    return render(request, template, {"case": case, **context}, status=status)


# The mission's members ------------------------------------------------------------------------------


@staff_with_permission("requests_app.view_missionmember")
@require_http_methods(["GET", "HEAD", "POST"])
def member_new(request, reference):
    case = case_or_404(request, reference)
    refusals = services.member_refusals(request.user, case, "requests_app.add_missionmember")
    form = MemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done, member = _submit(request, form, lambda data: services.add_member(actor=request.user, case=case, **data))
        if done:
            messages.success(request, _("%(member)s is recorded as a member of the mission.") % {"member": member.name})
            return redirect(case_url(case))
    return _page(
        request,
        case,
        "coordination/member_form.html",
        status=400 if form.is_bound else 200,
        form=form,
        refusals=refusals,
    )


def _remove_page(request, case, row, *, remove, done, what):
    """GET: what would be removed, with the button; POST: remove it (refused: the page again, with why)."""
    status = 200
    if request.method == "POST":
        try:
            remove()
        except ActionRefused as refusal:
            tell_refusal(refusal, request=request)
            status = 400
        else:
            messages.success(request, done)
            return redirect(case_url(case))
    return _page(request, case, "coordination/remove.html", status=status, row=row, what=what)


@staff_with_permission("requests_app.view_missionmember")
@require_http_methods(["GET", "HEAD", "POST"])
def member_remove(request, reference, member_id):
    case = case_or_404(request, reference)
    member = MissionMember.objects.filter(assessment__case=case, pk=member_id).select_related("expert").first()
    if member is None:
        raise Http404
    return _remove_page(
        request,
        case,
        member,
        remove=lambda: services.remove_member(actor=request.user, member=member),
        done=_("%(member)s is no longer recorded on the mission.") % {"member": member.name},
        what=_("Remove a member of the mission"),
    )


# Consultations ----------------------------------------------------------------------------------------


@staff_with_permission("requests_app.view_consultation")
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_new(request, reference):
    case = case_or_404(request, reference)
    refusals = services.consultation_refusals(request.user, case, "requests_app.add_consultation")
    form = ConsultationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        done, row = _submit(
            request, form, lambda data: services.record_consultation(actor=request.user, case=case, **data)
        )
        if done:
            messages.success(request, _("The consultation with %(who)s is recorded.") % {"who": row.name})
            return redirect(case_url(case))
    return _page(
        request,
        case,
        "coordination/consultation_form.html",
        status=400 if form.is_bound else 200,
        form=form,
        refusals=refusals,
    )


@staff_with_permission("requests_app.view_consultation")
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_remove(request, reference, consultation_id):
    case = case_or_404(request, reference)
    consultation = Consultation.objects.filter(assessment__case=case, pk=consultation_id).first()
    if consultation is None:
        raise Http404
    return _remove_page(
        request,
        case,
        consultation,
        remove=lambda: services.remove_consultation(actor=request.user, consultation=consultation),
        done=_("The consultation with %(who)s is no longer recorded.") % {"who": consultation.name},
        what=_("Remove a consultation"),
    )


# Vehicles of implementation -------------------------------------------------------------------------------


def _vehicle_page(request, case, vehicle, *, initial=None, donors_initial=None):
    permission = "requests_app.change_implementationvehicle" if vehicle else "requests_app.add_implementationvehicle"
    refusals = services.vehicle_refusals(request.user, case, permission)
    data = request.POST if request.method == "POST" else None
    form = VehicleForm(data, case=case, initial=initial)
    # What was posted stands alone: a row posted as it started would otherwise count as unchanged, and empty.
    donors = DonorFormSet(data, prefix="donors", initial=None if data is not None else donors_initial)

    def write(cleaned):
        terms = form.terms(donors.pledges())  # type: ignore[attr-defined]  # BaseDonorFormSet's
        if vehicle is None:
            return services.record_vehicle(actor=request.user, case=case, terms=terms)
        return services.change_vehicle(actor=request.user, vehicle=vehicle, terms=terms)

    if data is not None and _submit(request, form, write, donors)[0]:
        messages.success(request, _("The vehicle of implementation is recorded."))
        return redirect(case_url(case))
    return _page(
        request,
        case,
        "coordination/vehicle_form.html",
        status=400 if data is not None else 200,
        form=form,
        donors=donors,
        vehicle=vehicle,
        refusals=refusals,
    )


@staff_with_permission("requests_app.view_implementationvehicle")
@require_http_methods(["GET", "HEAD", "POST"])
def vehicle_new(request, reference):
    return _vehicle_page(request, case_or_404(request, reference), None)


@staff_with_permission("requests_app.view_implementationvehicle")
@require_http_methods(["GET", "HEAD", "POST"])
def vehicle_edit(request, reference, vehicle_id):
    case = case_or_404(request, reference)
    vehicle = ImplementationVehicle.objects.filter(case=case, pk=vehicle_id).select_related("mandate").first()
    if vehicle is None:
        raise Http404
    terms = services.vehicle_terms(vehicle)
    initial = {name: getattr(terms, name) for name in VehicleForm.base_fields}
    donors = [
        {"donor": donor_value(pledge), "pledged": pledge.pledged, "currency": pledge.currency}
        for pledge in terms.donors
    ]
    return _vehicle_page(request, case, vehicle, initial=initial, donors_initial=donors)


# Who was told of the decision ------------------------------------------------------------------------------


def _told_initial(request, case, versions):
    """The version and the one to tell that the link asked for (else the first not yet told), and what
    such a letter usually says."""
    wanted = request.GET.get("version", "")
    version = next((v for v in versions if v.key == wanted), None) or (versions[-1] if versions else None)
    untold = [row.audience for row in version.untold] if version else []
    audience = request.GET.get("audience", "")
    if audience not in untold:
        audience = untold[0] if untold else Audience.RESIDENT_COORDINATOR
    initial = {"version": version.key if version else "", "audience": audience, "date": timezone.localdate()}
    return initial | selectors.told_defaults(case, version, audience)


@staff_with_permission("requests_app.view_decisionnotice")
@require_http_methods(["GET", "HEAD", "POST"])
def told_new(request, reference):
    """Record who was told of a decision or an amendment: a letter out, in the correspondence register."""
    case = case_or_404(request, reference)
    refusals = services.told_refusals(request.user, case)
    every_version = selectors.who_was_told(case)
    versions = [version for version in every_version if version.untold]
    if not versions and not refusals:
        refusals = [_("Everyone who must know has been told of every decision and amendment of this case.")]
    if request.method == "POST":
        form = ToldForm(request.POST, versions=versions)
        done, notice = _submit(
            request, form, lambda data: services.record_told(actor=request.user, case=case, notice=form.notice())
        )
        if done:
            messages.success(
                request,
                _("Recorded: %(whom)s was told, by the letter to %(recipient)s.")
                % {"whom": notice.get_audience_display(), "recipient": notice.letter.recipient},
            )
            return redirect(case_url(case))
        status = 400
    else:
        form = ToldForm(initial=_told_initial(request, case, versions), versions=versions)
        status = 200
    return _page(
        request,
        case,
        "coordination/told_form.html",
        status=status,
        form=form,
        refusals=refusals,
        versions=every_version,
    )
