"""The post-electoral phase in the workspace: a case's evaluation and lessons learned, and /lessons/."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from requests_app.cases.views import case_or_404
from requests_app.core import spreadsheets
from requests_app.core.access import staff_with_permission
from requests_app.core.errors import ActionRefused, tell_refusal
from requests_app.core.people import display_name
from requests_app.core.views import report_filter_errors
from requests_app.evaluation import exports, selectors, services
from requests_app.evaluation.filters import LessonFilter
from requests_app.evaluation.forms import EvaluationForm, LessonForm
from requests_app.evaluation.models import Evaluation, LessonLearned

PAGE_SIZE = 25

lesson_reader_required = staff_with_permission(selectors.VIEW_LESSONS)


def filtered_lessons(request):
    """The lessons as the URL's filters ask, newest first; invalid filters are said and ignored."""
    lesson_filter = LessonFilter(request.GET or None, queryset=selectors.readable_lessons(request.user))
    report_filter_errors(request, lesson_filter)
    return lesson_filter, lesson_filter.qs.order_by("-recorded_at", "-id")


@lesson_reader_required
def lesson_list(request):
    lesson_filter, lessons = filtered_lessons(request)
    page = Paginator(lessons, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.mark_openable(request.user, page.object_list)
    return render(request, "evaluation/lessons.html", {"filter": lesson_filter, "page": page})


@lesson_reader_required
@require_safe
@never_cache
def lessons_csv(request):
    _filter, lessons = filtered_lessons(request)
    return spreadsheets.csv_response(
        spreadsheets.csv_stream(exports.headers(), exports.rows(lessons)), exports.filename()
    )


def case_url(case):
    return reverse("workspace:case-detail", args=[case.reference])


def _form_page(request, case, form, *, template, refusals, status=200, **context):
    return render(request, template, {"case": case, "form": form, "refusals": refusals, **context}, status=status)


def _submit(request, form, write):
    """Run ``write`` with the form's data if it is valid; whether it was done (else the form says why)."""
    if not form.is_valid():
        messages.error(request, _("Please correct the errors in the form."))
        return False
    try:
        write(form.cleaned_data)
    except ActionRefused as refusal:
        tell_refusal(refusal, form=form)
        return False
    return True


@staff_with_permission("requests_app.view_evaluation")
def evaluation_edit(request, reference):
    """Record the case's evaluation, or edit it."""
    case = case_or_404(request, reference)
    evaluation = Evaluation.objects.filter(case=case).first()
    permission = "requests_app.change_evaluation" if evaluation else "requests_app.add_evaluation"
    refusals = services.refusals(request.user, case, permission)
    if request.method == "POST":
        form = EvaluationForm(request.POST)
        if _submit(request, form, lambda data: services.record_evaluation(actor=request.user, case=case, **data)):
            messages.success(request, _("The evaluation is recorded."))
            return redirect(f"{case_url(case)}#evaluation")
        return _form_page(
            request, case, form, template="evaluation/evaluation_form.html", refusals=refusals, status=400
        )
    initial = (
        {name: getattr(evaluation, name) for name in EvaluationForm.base_fields}
        if evaluation
        else {"evaluated_by": display_name(request.user)}
    )
    return _form_page(
        request, case, EvaluationForm(initial=initial), template="evaluation/evaluation_form.html", refusals=refusals
    )


@staff_with_permission("requests_app.view_lessonlearned")
def lesson_new(request, reference):
    case = case_or_404(request, reference)
    refusals = services.refusals(request.user, case, "requests_app.add_lessonlearned")
    if request.method == "POST":
        form = LessonForm(request.POST)
        if _submit(request, form, lambda data: services.add_lesson(actor=request.user, case=case, **data)):
            messages.success(request, _("The lesson is recorded: “%(title)s”.") % {"title": form.cleaned_data["title"]})
            return redirect(f"{case_url(case)}#evaluation")
        return _form_page(request, case, form, template="evaluation/lesson_form.html", refusals=refusals, status=400)
    return _form_page(request, case, LessonForm(), template="evaluation/lesson_form.html", refusals=refusals)


@staff_with_permission("requests_app.view_lessonlearned")
def lesson_edit(request, reference, lesson_id):
    case = case_or_404(request, reference)
    lesson = LessonLearned.objects.filter(case=case, pk=lesson_id).first()
    if lesson is None:
        raise Http404
    refusals = services.refusals(request.user, case, "requests_app.change_lessonlearned")
    if request.method == "POST":
        form = LessonForm(request.POST)

        def write(data):
            services.change_lesson(
                actor=request.user, lesson=lesson, title=data["title"], text=data["lesson"], areas=data["areas"]
            )

        if _submit(request, form, write):
            messages.success(request, _("The lesson is saved: “%(title)s”.") % {"title": form.cleaned_data["title"]})
            return redirect(f"{case_url(case)}#evaluation")
        status = 400
    else:
        form = LessonForm(initial={"title": lesson.title, "lesson": lesson.lesson, "areas": list(lesson.areas.all())})
        status = 200
    return _form_page(
        request, case, form, template="evaluation/lesson_form.html", refusals=refusals, status=status, lesson=lesson
    )
