"""The Celery application of EAS; tasks are discovered in each domain's tasks.py."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eas.settings.local")

app = Celery("eas")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each domain of requests_app that has tasks keeps them in its own tasks.py.
app.autodiscover_tasks(["requests_app.reminders", "requests_app.fund"])


@app.on_after_configure.connect
def _make_embedded_broker_folders(sender, **kwargs):
    # The file-system broker of `make run` needs its folders before the first message.
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = sender.conf.broker_transport_options.get(key)
        if folder:
            os.makedirs(folder, exist_ok=True)


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _log_as_the_site_logs(logger, **kwargs):
    # Celery writes its own handlers in its own text format; in production they write JSON lines
    # like the web's (eas.settings.logs), with the same fields.
    from django.conf import settings

    if settings.EAS_LOG_FORMAT == "json":
        from eas.logs import JsonLines, RequestContext

        for handler in logger.handlers:
            handler.setFormatter(JsonLines())
            handler.addFilter(RequestContext())
