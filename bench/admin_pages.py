"""The admin pages staff use all day: the list of cases, the page of one case, the intake form."""

import time

from django.db import connection

from bench.core import PageError, QueryCounter, Timed, as_in_use, benchmark

CHANGELIST = "/admin/requests_app/assistancerequest/"
ADD = f"{CHANGELIST}add/"


@benchmark("admin changelist", setup=as_in_use)
def changelist(ctx, _setup):
    ctx.get(CHANGELIST)


@benchmark("admin changelist, stage filter", setup=as_in_use)
def changelist_stage_filter(ctx, _setup):
    ctx.get(f"{CHANGELIST}?stage__exact=in_implementation")


@benchmark("admin changelist, search", setup=as_in_use)
def changelist_search(ctx, _setup):
    ctx.get(f"{CHANGELIST}?q=Ghana")


def _case_with_full_history(ctx):
    as_in_use(ctx)
    case, entries = ctx.case_with_longest_history()
    ctx.note(f"Case page: {case.reference}, {entries} history entries, {case.documents.count()} documents.")
    return f"{CHANGELIST}{case.pk}/change/"


@benchmark("admin case page, full history", setup=_case_with_full_history)
def case_page(ctx, url):
    ctx.get(url)


# The intake form holds no file: a browser sends it URL-encoded (the test client's default is multipart).
FORM_ENCODED = "application/x-www-form-urlencoded"


def _intake_form(ctx):
    """What the intake clerk sends, encoded as the browser sends it: a government's request, one
    election, two types of assistance."""
    import datetime
    from urllib.parse import urlencode

    from django.utils import timezone

    from requests_app.reference.models import AssistanceType, MemberState

    as_in_use(ctx)
    today = timezone.localdate()
    types = list(
        AssistanceType.objects.filter(requires_mandate=False).order_by("position").values_list("pk", flat=True)[:2]
    )
    return urlencode(
        {
            "member_state": str(MemberState.objects.get(iso3="MWI").pk),
            "origin": "government",
            "requesting_authority": "Minister of Foreign Affairs and International Cooperation",
            "authority_type": "foreign_minister",
            "letter_date": (today - datetime.timedelta(days=10)).isoformat(),
            "received_date": (today - datetime.timedelta(days=3)).isoformat(),
            "requested_types": [str(pk) for pk in types],
            "summary": "Support to the voter registration ahead of the general elections.",
            "elections-TOTAL_FORMS": "1",
            "elections-INITIAL_FORMS": "0",
            "elections-MIN_NUM_FORMS": "1",
            "elections-MAX_NUM_FORMS": "1000",
            "elections-0-election_type": "general",
            "elections-0-planned_date": (today + datetime.timedelta(days=600)).isoformat(),
            "_save": "Save",
        },
        doseq=True,
    )


@benchmark("admin add request (POST, redirect followed)", setup=_intake_form)
def add_request(ctx, data):
    from django.contrib.admin.models import LogEntry

    from requests_app.cases.models import AssistanceRequest

    last = AssistanceRequest.objects.order_by("-pk").values_list("pk", flat=True).first()
    with QueryCounter(connection) as captured:
        started, cpu = time.perf_counter(), time.process_time()
        response = ctx.client.post(ADD, data, content_type=FORM_ENCODED, follow=True)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200 or not response.redirect_chain:
        raise PageError(f"POST {ADD} answered {response.status_code} without a redirect: the form was refused.")
    # Untimed: the request is taken out again, so every run registers into the same database.
    added = AssistanceRequest.objects.filter(pk__gt=last or 0)
    LogEntry.objects.filter(
        content_type__app_label="requests_app",
        content_type__model="assistancerequest",
        object_id__in=[str(pk) for pk in added.values_list("pk", flat=True)],
    ).delete()
    added.delete()
    return Timed(ms=elapsed * 1000, queries=len(captured), cpu_ms=cpu * 1000)
