"""Pages in the language the user chose (accounts.Preference); without a choice, LocaleMiddleware's
(the language cookie, else the browser's Accept-Language) stands."""

from django.utils import translation

from requests_app.accounts.selectors import SESSION_KEY, chosen_language


class UserLanguageMiddleware:
    """After AuthenticationMiddleware: activates the logged-in user's language, read from their
    session (put there at login and by the switcher; a session older than that reads it once)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = request.session.get(SESSION_KEY)
            if language is None:
                language = request.session[SESSION_KEY] = chosen_language(user)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
