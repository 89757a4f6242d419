"""Queue a Celery task by its name.

A service never imports a task module (the tasks import the services): it names the task.
"""

from celery import current_app
from django.db import transaction


def enqueue(task_name: str, *args: object) -> None:
    """Queue ``task_name`` with ``args``; inline under CELERY_TASK_ALWAYS_EAGER, as a task object would."""
    current_app.signature(task_name, args=args).delay()


def enqueue_on_commit(task_name: str, *args: object) -> None:
    """Queue the task once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: enqueue(task_name, *args))
