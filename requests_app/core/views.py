"""What the workspace's pages share."""

from django.contrib import messages
from django.utils.translation import gettext as _


def report_filter_errors(request, filterset):
    """Each invalid filter of a list, said as a message; the list is shown without it."""
    if not filterset.is_bound or filterset.is_valid():
        return
    for name, errors in filterset.errors.items():
        if name == "__all__":
            label = _("Filters")
        else:
            label = filterset.form.fields[name].label if name in filterset.form.fields else name
        messages.error(
            request, _("%(filter)s: %(error)s This filter was ignored.") % {"filter": label, "error": " ".join(errors)}
        )
