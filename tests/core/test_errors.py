"""Error pages in the site's layout, and the log: a refusal is one line, a bug keeps its traceback."""

import contextlib
import io
import logging

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from requests_app.core import roles
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.core.error_urls")]


@pytest.fixture
def nobody(client):
    """Staff without a role: logged in, refused everywhere."""
    user = UserFactory(is_staff=True, first_name="Ines", last_name="Norole")
    client.force_login(user)
    return user


@pytest.fixture
def officer_client(client):
    user = UserFactory(is_staff=True, first_name="Lina", last_name="Haddad")
    user.groups.add(Group.objects.get(name=roles.ELECTORAL_OFFICER))
    client.force_login(user)
    return client


def page(response):
    return response.content.decode()


def has_menu(html):
    return 'aria-label="Main"' in html and "Log out" in html


# 403 ------------------------------------------------------------------------------------------


def test_a_refused_user_gets_the_403_page_with_the_menu(client, nobody):
    response = client.get(reverse("workspace:dashboard"))
    assert response.status_code == 403
    html = page(response)
    assert "<title>Not allowed · EAS</title>" in html
    assert "You may not open this page" in html
    assert "ask the EAS administrator for the role" in html
    assert has_menu(html) and "Ines Norole" in html
    assert f'<a class="button" href="{reverse("workspace:dashboard")}">Go to the dashboard' in html
    assert "Back to the intake desk" not in html  # not in the admin


def test_an_anonymous_visitor_refused_gets_the_403_page_with_the_login(client):
    response = client.get("/test-errors/refuse/")
    assert response.status_code == 403
    html = page(response)
    assert "You may not open this page" in html and "Log in first" in html
    assert not has_menu(html)
    assert f'href="{reverse("login")}?next=/test-errors/refuse/"' in html


def test_the_admin_refuses_with_the_same_page_and_a_way_back_to_the_intake_desk(client, nobody):
    response = client.get(reverse("admin:requests_app_assistancerequest_changelist"))
    assert response.status_code == 403
    html = page(response)
    assert "You may not open this page" in html and has_menu(html)
    assert f'href="{reverse("admin:index")}">Back to the intake desk' in html


def test_a_refusal_no_view_caught_is_a_403_that_says_why_not_a_500(client, nobody):
    response = client.get("/test-errors/refuse-action/")
    assert response.status_code == 403
    html = page(response)
    assert "You may not open this page" in html
    assert "The case has ended: its final documents stay final." in html
    assert has_menu(html)


def test_a_form_refused_by_the_csrf_check_is_the_403_page_that_says_to_reload(nobody):
    client = Client(enforce_csrf_checks=True)
    client.force_login(nobody)
    with console("django.security.csrf") as out:
        response = client.post(reverse("logout"))
    assert response.status_code == 403
    html = page(response)
    assert "This form has expired" in html and has_menu(html)
    assert "Reload the page, then send the form again." in html
    assert "You may not open this page" not in html and "Your role" not in html
    assert out.getvalue().splitlines() == ["Forbidden (CSRF cookie not set.): /accounts/logout/"]


# 404 ------------------------------------------------------------------------------------------


def test_a_missing_case_is_the_404_page_with_the_menu(officer_client):
    response = officer_client.get(reverse("workspace:case-detail", args=["EAS-1999-999"]))
    assert response.status_code == 404
    html = page(response)
    assert "<title>Not found · EAS</title>" in html
    assert "There is no such page or case, or it is not yours to see." in html
    assert has_menu(html) and "Lina Haddad" in html
    assert f'<a class="button" href="{reverse("workspace:case-list")}">Back to the cases' in html


def test_an_anonymous_visitor_gets_the_404_page_with_the_login(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = page(response)
    assert "There is no such page or case" in html
    assert not has_menu(html)
    assert f'href="{reverse("login")}?next=/no-such-page/"' in html


def test_the_admin_answers_an_unknown_address_with_the_404_page_and_the_intake_desk(officer_client):
    response = officer_client.get("/admin/requests_app/no-such-model/")
    assert response.status_code == 404
    html = page(response)
    assert "There is no such page or case" in html and has_menu(html)
    assert "Back to the intake desk" in html


# 400 ------------------------------------------------------------------------------------------


def test_a_bad_request_is_the_400_page_with_the_menu(officer_client):
    response = officer_client.get("/test-errors/bad/")
    assert response.status_code == 400
    html = page(response)
    assert "<title>Bad request · EAS</title>" in html
    assert "EAS could not read this request" in html
    assert has_menu(html)


def test_an_anonymous_bad_request_is_the_400_page(client):
    response = client.get("/test-errors/suspicious/")
    assert response.status_code == 400
    html = page(response)
    assert "EAS could not read this request" in html and not has_menu(html)


def test_a_request_that_fails_the_menu_still_gets_the_400_page(client, monkeypatch):
    from eas import errors

    def broken_menu(*args, **kwargs):
        raise RuntimeError("the session cannot be read")

    monkeypatch.setattr("django.contrib.auth.context_processors.auth", broken_menu)
    response = errors.bad_request(client.get("/").wsgi_request, None)
    assert response.status_code == 400
    assert "EAS could not read this request" in page(response)


# 500 ------------------------------------------------------------------------------------------


def test_a_bug_is_the_500_page_in_the_layout_without_the_request(officer_client):
    officer_client.raise_request_exception = False
    response = officer_client.get("/test-errors/fail/")
    assert response.status_code == 500
    html = page(response)
    assert "<title>Server error · EAS</title>" in html
    assert "Something went wrong on our side" in html
    assert 'href="/static/eas/app.css"' in html
    assert f'href="{reverse("workspace:dashboard")}">Go to the dashboard' in html
    assert not has_menu(html)  # rendered without the request, which may be what failed


def test_the_500_page_is_plain_html_when_even_its_template_fails(monkeypatch):
    from eas import errors

    def broken(*args, **kwargs):
        raise RuntimeError("the templates cannot be loaded")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.server_error(None)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page(response)


# The log --------------------------------------------------------------------------------------


@contextlib.contextmanager
def console(logger_name):
    """What the configured handlers write for ``logger_name``'s records (pytest's own left out)."""
    out = io.StringIO()
    handlers, logger = [], logging.getLogger(logger_name)
    while logger:
        handlers += [
            h
            for h in logger.handlers
            if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")
        ]
        logger = logger.parent if logger.propagate else None
    assert handlers, "no console handler configured"
    streams = [h.setStream(out) for h in handlers]
    try:
        yield out
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)


def request_records(caplog):
    return [r for r in caplog.records if r.name.startswith(("django.request", "django.security"))]


def test_a_403_is_one_line_in_the_log_without_a_traceback(client, nobody, caplog):
    with console("django.request") as out:
        client.get(reverse("workspace:dashboard"))
    assert out.getvalue().splitlines() == ["Forbidden (Permission denied): /"]
    [record] = request_records(caplog)
    assert record.levelname == "WARNING" and record.exc_info is None
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    "address, line",
    [
        ("/test-errors/refuse-action/", "Forbidden (Permission denied): /test-errors/refuse-action/"),
        ("/no-such-page/", "Not Found: /no-such-page/"),
        ("/test-errors/bad/", "Null characters are not allowed.: /test-errors/bad/"),
        ("/test-errors/suspicious/", "Attempted access to '../etc/passwd' denied."),
    ],
)
def test_every_refusal_is_one_line_in_the_log_without_a_traceback(client, nobody, caplog, address, line):
    with console("django.security.SuspiciousOperation") as out:
        client.get(address)
    assert out.getvalue().splitlines() == [line]
    assert "Traceback" not in caplog.text


def test_a_bug_keeps_its_traceback_in_the_log(officer_client, caplog):
    officer_client.raise_request_exception = False
    with console("django.request") as out:
        officer_client.get("/test-errors/fail/")
    written = out.getvalue()
    assert written.startswith("Internal Server Error: /test-errors/fail/\nTraceback")
    assert written.count("Internal Server Error") == 1
    assert "RuntimeError: a bug" in written


def test_under_debug_a_line_of_django_is_written_once(settings):
    settings.DEBUG = True  # Django's default logging adds a console of its own to "django" under DEBUG
    with console("django.utils.autoreload") as out:
        logging.getLogger("django.utils.autoreload").info("Watching for file changes with StatReloader")
    assert out.getvalue().splitlines() == ["Watching for file changes with StatReloader"]


def test_the_500_page_gives_the_reference_that_finds_the_error_in_the_log(officer_client):
    officer_client.raise_request_exception = False
    response = officer_client.get("/test-errors/fail/", HTTP_X_REQUEST_ID="7d4e2a90c1b84f6f")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "7d4e2a90c1b84f6f"
    assert "The reference of this error, for the administrator: <code>7d4e2a90c1b84f6f</code>" in page(response)
