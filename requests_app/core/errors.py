from django.contrib import messages
from django.utils.translation import gettext_lazy as _


class ActionRefused(Exception):
    """A domain rule refused an action. Its messages are written for the user."""

    def __init__(self, *messages):
        self.messages = [str(m) for m in messages] or [str(_("This action is not allowed."))]
        super().__init__(" ".join(self.messages))


def tell_refusal(refusal, *, form=None, request=None, level=messages.ERROR):
    """Tell the user why a service refused: as errors of ``form``, shown above its fields, or else
    as messages on the next page of ``request`` (at ``level``), one per reason."""
    if (form is None) == (request is None):
        raise TypeError("tell_refusal tells a form or a request, one of them")
    for message in refusal.messages:
        if form is not None:
            form.add_error(None, message)
        else:
            messages.add_message(request, level, message)
