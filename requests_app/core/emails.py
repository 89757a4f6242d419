"""Emails EAS sends: a text body and its HTML alternative, from a pair of templates.

An email is written in the language active when it is built: its sender writes each one inside
``translation.override(<the recipient's language>)`` (accounts.selectors.language_for).
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import get_language

from requests_app.core.languages import is_rtl, known_language


def templated_email(template, context, *, subject, to, headers=None):
    """The email written by ``<template>.txt`` and ``<template>.html`` (both given ``context``,
    ``site_url``, and the ``language`` it is written in with ``rtl`` when that reads right to left),
    built but not sent: a caller that records the send first sends it itself."""
    language = known_language(get_language())
    context = {"site_url": settings.SITE_URL, "language": language, "rtl": is_rtl(language), **context}
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{template}.txt", context), to=to, headers=headers
    )
    message.extra_headers.setdefault("Content-Language", language)
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send_templated_email(template, context, *, subject, to, headers=None):
    """Build the email as ``templated_email`` does and send it; returns what ``send`` returns."""
    return templated_email(template, context, subject=subject, to=to, headers=headers).send()
