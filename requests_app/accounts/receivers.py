"""The language a user chose rides in their session from login on, so no page reads it again."""

from django.contrib.auth.signals import user_logged_in

from requests_app.accounts.selectors import SESSION_KEY, chosen_language


def remember_language(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = chosen_language(user)


def connect():
    user_logged_in.connect(remember_language, dispatch_uid="requests_app.accounts.remember_language")
