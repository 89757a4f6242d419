"""The user's own settings, as forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.accounts.selectors import languages_by_own_name


class SwitchLanguageForm(forms.Form):
    """The menu's switcher: one of the six languages."""

    language = forms.ChoiceField(choices=languages_by_own_name)
    next = forms.CharField(required=False, max_length=2000)


class SettingsForm(forms.Form):
    """The "Your settings" page: a language, or the browser's."""

    language = forms.ChoiceField(
        label=_("Language"),
        choices=lambda: [("", _("The language of my browser")), *languages_by_own_name()],
        required=False,
        help_text=_("The language of EAS's pages and of the emails EAS sends you."),
    )
