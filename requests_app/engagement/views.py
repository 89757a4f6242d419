"""The country file (/countries/<ISO code>/) and the list of countries (/countries/)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from requests_app.core.access import staff_required
from requests_app.engagement import selectors, timeline
from requests_app.engagement.forms import CountryFilterForm
from requests_app.engagement.words import Words


@staff_required
def country_list(request):
    form = CountryFilterForm(request.GET or None)
    filters = form.filters()
    for name, errors in form.errors.items():
        messages.error(
            request,
            _("%(filter)s: %(error)s This filter was ignored.")
            % {"filter": form.fields[name].label, "error": " ".join(str(error) for error in errors)},
        )
    return render(
        request,
        "engagement/country_list.html",
        {"form": form, "rows": selectors.countries(request.user, **filters)},
    )


@staff_required
def country_file(request, code):
    """Everything about one country the reader may see; a code that is no country's is a 404."""
    country = selectors.country(code)
    if country is None:
        raise Http404
    if code != country.iso3:
        return redirect("workspace:country-file", code=country.iso3)
    today = timezone.localdate()
    file = selectors.country_file(country, request.user, today)
    words = Words()
    return render(
        request,
        "engagement/country_file.html",
        {
            "file": file,
            "country": country,
            "today": today,
            "now": timezone.now(),
            "words": words,
            "timeline": timeline.build(
                file.rows("cases"), file.rows("decisions"), file.rows("deployments"), today, words
            ),
        },
    )
