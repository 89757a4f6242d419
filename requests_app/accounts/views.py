"""The user's own settings: the language switcher of the menus and the "Your settings" page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from requests_app.accounts import services
from requests_app.accounts.forms import SettingsForm, SwitchLanguageForm
from requests_app.accounts.selectors import SESSION_KEY, chosen_language


def _back(request, where):
    """Where the form came from, when it is a page of this site; else the dashboard."""
    if where and url_has_allowed_host_and_scheme(where, {request.get_host()}, require_https=request.is_secure()):
        return where
    return settings.LOGIN_REDIRECT_URL


def _remember(response, language):
    """The language cookie, as Django's set_language writes it (LocaleMiddleware reads it)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_POST
def switch_language(request):
    """The menu's switcher: the language cookie (Django's set_language), and for a logged-in user
    their preference, so that emails follow too."""
    form = SwitchLanguageForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the languages of EAS."))
        return redirect(_back(request, request.POST.get("next", "")))
    language = form.cleaned_data["language"]
    response = set_language(request)
    if request.user.is_authenticated:
        services.set_language(request.user, language)
        request.session[SESSION_KEY] = language
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    form = SettingsForm(request.POST or None, initial={"language": chosen_language(request.user)})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        services.set_language(request.user, language)
        request.session[SESSION_KEY] = language
        response = HttpResponseRedirect(request.path)
        if language:
            _remember(response, language)
            translation.activate(language)  # the message below, in the language chosen
        else:
            # The browser's language from now on, not the last one chosen.
            response.delete_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        messages.success(request, _("Your settings are saved."))
        return response
    return render(request, "accounts/settings.html", {"form": form}, status=400 if form.errors else 200)
