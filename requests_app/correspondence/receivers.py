"""The register files the letters a case's steps make as their events are written (post_save on
CaseEvent, in the step's transaction): the cases' code does not know the register."""

from django.db.models.signals import post_save

from requests_app.correspondence import services
from requests_app.history.models import CaseEvent


def file_case_letters(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.file_from_case_event(instance)


def connect():
    post_save.connect(file_case_letters, sender=CaseEvent, dispatch_uid="requests_app.correspondence.case_letters")
