import functools

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext

register = template.Library()


@register.simple_tag(takes_context=True)
def query(context, **changes):
    """The current query string with some parameters replaced (None removes one); page resets."""
    params = context["request"].GET.copy()
    if "page" not in changes:
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def lateness(case):
    """How late an open case is, or how long it has left, in words."""
    if not case.is_open or case.stage_due_at is None:
        return ""
    delta = timezone.now() - case.stage_due_at
    if delta.total_seconds() >= 0:
        days = delta.days
        return ngettext("%(n)d day late", "%(n)d days late", days) % {"n": days} if days else _("due today, late")
    days = (-delta).days
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days} if days else _("due today")


@register.filter
def label(value, vocabulary):
    """A stored choice as its label, from a dict made once: `case.stage|label:"stage"`."""
    return _labels(vocabulary).get(value, value)


@functools.cache
def _labels(vocabulary):
    # The labels are lazy translations: made once, they still speak the language of each request.
    from ..models import RegionalGroup, Stage

    return {"stage": dict(Stage.choices), "region": dict(RegionalGroup.choices)}[vocabulary]
