"""Error reporting to Sentry, only when SENTRY_DSN is set: otherwise nothing is set up or sent.

Called by the settings of the environments that serve the site (production, local), so the web
processes, the worker and beat all report. Nothing personal is sent: no cookies, user, address
(send_default_pii=False), no request body, no query string (a search may hold a name), no
variables of the frames; each event carries the request's id (eas.logs), which finds its line
in the log, and the case's reference when the request concerned one.
"""

from requests_app.core import logcontext


def init_sentry(dsn, *, environment, release=None, traces_sample_rate=0.0):
    """Set up sentry-sdk for Django and Celery when `dsn` is given; say whether it did."""
    if not dsn:
        return False
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        # A frame's variables hold the request (its query), forms and cases: never sent.
        include_local_variables=False,
        traces_sample_rate=traces_sample_rate,
        before_send=without_personal_data,
    )
    return True


def without_personal_data(event, hint):
    """Drop what may name a person from the event's request; tag it with the request's id."""
    request = event.get("request")
    if isinstance(request, dict):
        for key in ("query_string", "data", "cookies", "env"):
            request.pop(key, None)
        if isinstance(request.get("url"), str):
            request["url"] = request["url"].split("?", 1)[0]
    request_id = logcontext.request_id()
    if request_id:
        event.setdefault("tags", {})["request_id"] = request_id
    case = logcontext.case_reference()
    if case:
        event.setdefault("tags", {})["case"] = case
    return event
