from django.utils.translation import gettext_lazy as _


class ActionRefused(Exception):
    """A domain rule refused an action. Its messages are written for the user."""

    def __init__(self, *messages):
        self.messages = [str(m) for m in messages] or [str(_("This action is not allowed."))]
        super().__init__(" ".join(self.messages))
