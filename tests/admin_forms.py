"""Fill admin forms the way a browser would: start from what the page shows."""

import datetime

from django.utils import timezone

from requests_app.reference.models import MemberState
from tests.factories import assistance_type


def _field_value(bound_field):
    value = bound_field.value()
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, bool):
        return "on" if value else ""
    return str(value)


def change_form_data(response):
    """The POST a browser sends when the admin change (or add) form is saved untouched."""
    data = {}
    adminform = response.context["adminform"]
    for name, field in adminform.form.fields.items():
        if field.disabled:
            continue
        value = _field_value(adminform.form[name])
        if value not in ("", []):
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[f"{formset.prefix}-{name}"] = formset.management_form[name].value()
        for form in formset.forms:
            for name, field in form.fields.items():
                if field.disabled:
                    continue
                value = _field_value(form[name])
                if value not in ("", []):
                    data[form.add_prefix(name)] = value
    return {key: value for key, value in data.items() if value not in (None, "")}


def intake_data(**overrides):
    """The intake form of a new request, filled in as a clerk would (Malawi, one election)."""
    today = timezone.localdate()
    data = {
        "member_state": str(MemberState.objects.get(iso3="MWI").pk),
        "origin": "government",
        "requesting_authority": "Minister of Foreign Affairs and International Cooperation",
        "authority_type": "foreign_minister",
        "letter_date": (today - datetime.timedelta(days=10)).isoformat(),
        "received_date": (today - datetime.timedelta(days=3)).isoformat(),
        "requested_types": [str(assistance_type("voter-registration").pk), str(assistance_type("training").pk)],
        "summary": "Support to the biometric voter registration ahead of the 2028 tripartite elections.",
        "elections-TOTAL_FORMS": "1",
        "elections-INITIAL_FORMS": "0",
        "elections-MIN_NUM_FORMS": "1",
        "elections-MAX_NUM_FORMS": "1000",
        "elections-0-election_type": "general",
        "elections-0-planned_date": (today + datetime.timedelta(days=600)).isoformat(),
    }
    data.update(overrides)
    return data


def post_as_browser(client, url, page, data, **kwargs):
    """POST ``data`` the way a browser sends the form of ``page``: as multipart/form-data only when
    the form says so. Otherwise a browser sends a file input's file name, never its content."""
    import re
    from urllib.parse import urlencode

    html = page.content.decode()
    form_tag = re.search(r"<form\b[^>]*\bmethod=\"post\"[^>]*id=\"\w+_form\"[^>]*>", html)
    assert form_tag, "the change form is on the page"
    if 'enctype="multipart/form-data"' in form_tag.group(0):
        return client.post(url, data, **kwargs)
    fields = []
    for key, value in data.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            fields.append((key, getattr(item, "name", item)))
    return client.post(url, urlencode(fields), content_type="application/x-www-form-urlencoded", **kwargs)
