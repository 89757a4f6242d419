"""Emails EAS sends: a text body and its HTML alternative, from a pair of templates."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def templated_email(template, context, *, subject, to, headers=None):
    """The email written by ``<template>.txt`` and ``<template>.html`` (both given ``context`` and
    ``site_url``), built but not sent: a caller that records the send first sends it itself."""
    context = {"site_url": settings.SITE_URL, **context}
    message = EmailMultiAlternatives(
        subject=subject, body=render_to_string(f"{template}.txt", context), to=to, headers=headers
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


def send_templated_email(template, context, *, subject, to, headers=None):
    """Build the email as ``templated_email`` does and send it; returns what ``send`` returns."""
    return templated_email(template, context, subject=subject, to=to, headers=headers).send()
