"""What leaves the workspace for other programs: case-list exports and each officer's calendar feed."""

from datetime import UTC, timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from requests_app.calendar import services as calendar_tokens
from requests_app.calendar.models import CalendarToken
from requests_app.cases.choices import Origin, Stage
from requests_app.cases.models import AssistanceRequest, Election
from requests_app.core.access import is_case_staff, staff_required
from requests_app.core.people import display_name
from requests_app.core.urls import absolute_url


def feed_url(entry):
    return absolute_url("workspace:calendar-feed", entry.token)


def _moment(value):
    # With its zone: the calendar shows the event in the reader's zone, the text cannot.
    local = timezone.localtime(value)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {formats.date_format(local, 'T')}"


def feed_text(value):
    """Text for the feed: escaped as iCalendar TEXT (vText: line breaks, ';', ',', '\\'), without
    the other control characters, which RFC 5545 does not allow in it."""
    from icalendar import vText

    return vText("".join(char for char in value if char in "\t\r\n" or not (char < " " or char == "\x7f")))


def user_calendar(user):
    """The iCalendar text of the user's deadlines and elections: two queries, however many cases.

    UIDs depend only on the case and stage (or the election), so when a deadline or a date
    moves, calendar programs update the event they already have instead of adding another.
    """
    # A letter that was never a request is nobody's case (Origin.not_requests).
    open_cases = AssistanceRequest.objects.filter(officer=user, stage__in=Stage.open_stages()).exclude(
        origin__in=Origin.not_requests()
    )
    deadlines = (
        open_cases.filter(stage_due_at__isnull=False).select_related("member_state").order_by("stage_due_at", "id")
    )
    elections = (
        Election.objects.filter(case__officer=user, case__stage__in=Stage.open_stages())
        .exclude(case__origin__in=Origin.not_requests())
        .select_related("case__member_state")
        .order_by("planned_date", "id")
    )
    stamp = timezone.now().astimezone(UTC).replace(microsecond=0)
    calendar = _calendar(user)
    for case in deadlines:
        calendar.add_component(_deadline_event(case, stamp))
    for election in elections:
        calendar.add_component(_election_event(election, stamp))
    return calendar.to_ical()


def _calendar(user):
    """An empty calendar named after the user, with how often to fetch it again."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//United Nations//EAS Electoral Assistance//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("EAS — deadlines and elections of %(user)s") % {"user": display_name(user)}
    # icalendar escapes only the properties whose type it knows: NAME and X-WR-CALNAME it
    # writes raw (a line break raised, a carriage return began a new property): typed text here.
    calendar.add("name", feed_text(name))
    calendar.add("x-wr-calname", feed_text(name))
    # Hints for how often to fetch again (Outlook reads the second; Google decides for itself).
    calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar


def _event(uid, stamp, case):
    """An event of ``case``: what each starts with."""
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("last-modified", case.updated_at.astimezone(UTC).replace(microsecond=0))
    return event


def _links_to(event, link):
    """The event links to the case's page, and is shown as free time."""
    event.add("url", link)
    event.add("transp", "TRANSPARENT")
    return event


def _deadline_event(case, stamp):
    link = absolute_url("workspace:case-detail", case.reference)
    stage = case.get_stage_display()
    event = _event(f"{case.reference}-due-{case.stage}@eas", stamp, case)
    # A deadline is a moment: no end, so calendars show it at the time it falls due.
    event.add("dtstart", case.stage_due_at.astimezone(UTC).replace(microsecond=0))
    event.add(
        "summary",
        feed_text(
            _("%(reference)s %(state)s — due: %(stage)s")
            % {"reference": case.reference, "state": case.member_state.local_name, "stage": stage}
        ),
    )
    lines = [
        _("The case should leave the stage “%(stage)s” by %(due)s.")
        % {"stage": stage, "due": _moment(case.stage_due_at)},
        _("In this stage since %(since)s.") % {"since": _moment(case.stage_entered_at)},
        link,
    ]
    event.add("description", feed_text("\n".join(lines)))
    return _links_to(event, link)


def _election_event(election, stamp):
    case = election.case
    link = absolute_url("workspace:case-detail", case.reference)
    event = _event(f"election-{election.pk}@eas", stamp, case)
    event.add("dtstart", election.planned_date)
    event.add("dtend", election.planned_date + timedelta(days=1))
    event.add(
        "summary",
        feed_text(
            _("Election: %(type)s — %(state)s (%(reference)s)")
            % {
                "type": election.get_election_type_display(),
                "state": case.member_state.local_name,
                "reference": case.reference,
            }
        ),
    )
    lines = [
        _("Planned election day in %(state)s. Case %(reference)s is %(stage)s.")
        % {"state": case.member_state.local_name, "reference": case.reference, "stage": case.stage_phrase},
        link,
    ]
    event.add("description", feed_text("\n".join(lines)))
    return _links_to(event, link)


@require_safe
@never_cache
def calendar_feed(request, token):
    """The feed, for calendar programs: the token in the address is the only credential."""
    entry = CalendarToken.objects.select_related("user").filter(token=token).first()
    if entry is None or not is_case_staff(entry.user):
        raise Http404
    response = HttpResponse(user_calendar(entry.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="eas.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@staff_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    if request.method == "POST":
        calendar_tokens.replace_token(request.user)
        messages.success(
            request,
            _(
                "Your calendar address was replaced. The old address no longer works: "
                "subscribe again with the new one below."
            ),
        )
        return redirect("workspace:calendar-settings")
    entry = calendar_tokens.token_for(request.user)
    url = feed_url(entry)
    return render(
        request,
        "calendar/settings.html",
        {
            "feed_url": url,
            "webcal_url": "webcal://" + url.split("://", 1)[-1],
            "token_created_at": entry.created_at,
        },
    )
