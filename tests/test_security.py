"""Security hardening: login throttling, passwords, sessions, and the headers every page carries.

Login throttling (django-axes) is off in the test settings, because Client.login() calls
authenticate() without a request and axes needs one; the tests here switch it on and log in
through the real login pages, as a person (or a password guesser) would.
"""

import datetime
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import SESSION_KEY, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.csp import EXPECTED_POLICY, assert_strict_policy_and_nothing_inline
from tests.factories import UserFactory, new_request
from tests.project import PRODUCTION, manage

PASSWORD = "correct horse battery staple"  # UserFactory's
WORKSPACE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
NINE_AM = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def throttled(settings):
    """Login throttling on, with the project's own limits (5 failures, 15 minutes)."""
    settings.AXES_ENABLED = True
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    return settings


def log_in(client, login_url, user, password, **extra):
    return client.post(login_url, {"username": user.username, "password": password}, **extra)


def logged_in_user_id(client):
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def assert_locked_out(response, *, retry_at):
    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    text = response.content.decode()
    assert "Too many failed log-ins" in text
    assert f"Try again after {retry_at} UTC" in text
    assert "even with the right password" in text
    assert response.has_header("Retry-After")
    assert response.has_header("Content-Security-Policy")


# Login throttling ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_workspace_login_locks_out_after_five_failures_until_the_cool_off_is_over(client, throttled):
    user = UserFactory()
    with time_machine.travel(NINE_AM, tick=False) as traveller:
        for _ in range(4):
            response = log_in(client, WORKSPACE_LOGIN, user, "not-my-password")
            assert response.status_code == 200
            assert "match. Please try again." in response.content.decode()
        # The fifth failure locks: the page says so at once, and until when.
        assert_locked_out(log_in(client, WORKSPACE_LOGIN, user, "not-my-password"), retry_at="09:15")

        # The sixth attempt, a minute later, has the right password: refused all the same.
        traveller.shift(timedelta(minutes=1))
        refused = log_in(client, WORKSPACE_LOGIN, user, PASSWORD)
        assert_locked_out(refused, retry_at="09:15")  # tries during the lockout do not prolong it
        assert refused["Retry-After"] == str(14 * 60)
        assert logged_in_user_id(client) is None
        assert client.get(reverse("workspace:dashboard")).status_code == 302  # to the login page

        # Still locked at the last minute of the cool-off …
        traveller.shift(timedelta(minutes=13, seconds=59))
        assert_locked_out(log_in(client, WORKSPACE_LOGIN, user, PASSWORD), retry_at="09:15")

        # … and let in once it is over.
        traveller.shift(timedelta(seconds=2))
        response = log_in(client, WORKSPACE_LOGIN, user, PASSWORD)
        assert response.status_code == 302
        assert response.url == reverse("workspace:dashboard")
        assert logged_in_user_id(client) == user.pk


@pytest.mark.django_db
def test_the_admin_login_is_throttled_too(client, throttled):
    user = UserFactory(is_staff=True)
    with time_machine.travel(NINE_AM, tick=False) as traveller:
        for _ in range(4):
            assert log_in(client, ADMIN_LOGIN, user, "not-my-password").status_code == 200
        assert_locked_out(log_in(client, ADMIN_LOGIN, user, "not-my-password"), retry_at="09:15")
        traveller.shift(timedelta(minutes=3))
        assert_locked_out(log_in(client, ADMIN_LOGIN, user, PASSWORD), retry_at="09:15")
        assert logged_in_user_id(client) is None

        traveller.shift(timedelta(minutes=13))
        response = log_in(client, ADMIN_LOGIN, user, PASSWORD)
        assert response.status_code == 302
        assert logged_in_user_id(client) == user.pk


@pytest.mark.django_db
def test_failures_at_the_workspace_and_the_admin_add_up(client, throttled):
    user = UserFactory(is_staff=True)
    with time_machine.travel(NINE_AM, tick=False):
        for _ in range(3):
            log_in(client, WORKSPACE_LOGIN, user, "not-my-password")
        log_in(client, ADMIN_LOGIN, user, "not-my-password")
        assert_locked_out(log_in(client, ADMIN_LOGIN, user, "not-my-password"), retry_at="09:15")
        assert_locked_out(log_in(client, WORKSPACE_LOGIN, user, PASSWORD), retry_at="09:15")


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, throttled):
    user = UserFactory()
    for _ in range(4):
        log_in(client, WORKSPACE_LOGIN, user, "not-my-password")
    assert log_in(client, WORKSPACE_LOGIN, user, PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username=user.username).exists()

    client.post(reverse("logout"))
    for _ in range(4):
        assert log_in(client, WORKSPACE_LOGIN, user, "not-my-password").status_code == 200
    assert log_in(client, WORKSPACE_LOGIN, user, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_lockout_is_per_username_and_address(throttled):
    alice, bob = UserFactory(), UserFactory()
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        log_in(guesser, WORKSPACE_LOGIN, alice, "not-her-password")
    assert log_in(guesser, WORKSPACE_LOGIN, alice, PASSWORD).status_code == 429

    # Alice at her own desk is not locked out by someone guessing from elsewhere …
    assert log_in(Client(REMOTE_ADDR="198.51.100.20"), WORKSPACE_LOGIN, alice, PASSWORD).status_code == 302
    # … and Bob can log in from the address where Alice's name was tried.
    assert log_in(Client(REMOTE_ADDR="203.0.113.7"), WORKSPACE_LOGIN, bob, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_behind_a_reverse_proxy_the_forwarded_client_address_counts(throttled):
    throttled.EAS_PROXY_COUNT = 1
    user = UserFactory()
    proxy = "10.0.0.2"
    for _ in range(5):
        log_in(Client(REMOTE_ADDR=proxy), WORKSPACE_LOGIN, user, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # A client cannot escape by writing its own X-Forwarded-For: the proxy appends the real one.
    spoofed = log_in(
        Client(REMOTE_ADDR=proxy), WORKSPACE_LOGIN, user, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.7"
    )
    assert spoofed.status_code == 429
    # The same user behind the same proxy, from another machine, is let in.
    other = log_in(Client(REMOTE_ADDR=proxy), WORKSPACE_LOGIN, user, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert other.status_code == 302


@pytest.mark.django_db
def test_migrate_creates_the_throttling_tables():
    tables = set(connection.introspection.table_names())
    assert {"axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"} <= tables


def test_throttling_and_sessions_are_set_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.SESSION_COOKIE_AGE)",
        DJANGO_SETTINGS_MODULE="eas.settings.test",
        EAS_LOGIN_FAILURE_LIMIT="3",
        EAS_LOGIN_COOLOFF_MINUTES="30",
        EAS_SESSION_HOURS="4",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["3", "1800.0", str(4 * 3600)]


def test_production_settings_are_hardened():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.AUTHENTICATION_BACKENDS[0]); print(s.MIDDLEWARE[-1]); print(s.AXES_ENABLED); "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_SSL_REDIRECT); "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS); "
        "print(s.SECURE_REFERRER_POLICY, s.SECURE_CROSS_ORIGIN_OPENER_POLICY, s.X_FRAME_OPTIONS); "
        "print(sorted(s.CONTENT_SECURITY_POLICY['DIRECTIVES']))",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()[-7:]
    assert lines[0] == "axes.backends.AxesStandaloneBackend"
    assert lines[1] == "axes.middleware.AxesMiddleware"
    assert lines[2] == "True"
    assert lines[3] == "True True True True"
    assert int(lines[4].split()[0]) >= 365 * 24 * 3600 and lines[4].split()[1] == "True"
    assert lines[5] == "same-origin same-origin DENY"
    assert eval(lines[6]) == sorted(EXPECTED_POLICY)  # our own printed list


# Passwords ---------------------------------------------------------------------------------------


def a_colleague():
    return get_user_model()(
        username="amina.okafor", first_name="Amina", last_name="Okafor", email="amina.okafor@un.example.org"
    )


@pytest.mark.parametrize(
    ("password", "refused_because"),
    [
        ("Gh4!k9#mQ2x", "password_too_short"),  # 11 characters: at least 12
        ("password1234", "password_too_common"),
        ("qwertyuiop123", "password_too_common"),
        ("123456789012", "password_entirely_numeric"),
        ("amina.okafor1", "password_too_similar"),
        ("Okafor.Amina!", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(password, refused_because):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, a_colleague())
    assert refused_because in [error.code for error in refused.value.error_list]


@pytest.mark.parametrize("password", [PASSWORD, "Ghana-decides-2026!"])
def test_long_uncommon_passwords_are_accepted(password):
    validate_password(password, a_colleague())  # does not raise


# Sessions ----------------------------------------------------------------------------------------


def test_sessions_last_a_working_day_and_end_with_the_browser(settings):
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.CSRF_COOKIE_HTTPONLY is False  # no script reads it; HttpOnly would protect nothing


@pytest.mark.django_db
def test_a_session_cookie_is_a_browser_session_cookie_and_expires_after_eight_hours(client, throttled, officer):
    user = officer
    with time_machine.travel(NINE_AM, tick=False) as traveller:
        assert log_in(client, WORKSPACE_LOGIN, user, PASSWORD).status_code == 302
        cookie = client.cookies["sessionid"]
        assert cookie["httponly"] is True
        assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone when the browser closes
        assert client.session.get_expiry_age() == 8 * 3600

        traveller.shift(timedelta(hours=7, minutes=59))
        assert client.get(reverse("workspace:dashboard")).status_code == 200
        traveller.shift(timedelta(minutes=2))
        response = client.get(reverse("workspace:dashboard"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


# Headers: Content Security Policy and the rest ----------------------------------------------------


@pytest.fixture
def case(db, admin_user):
    return new_request(actor=admin_user, state="GHA")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page",
    [
        "workspace:dashboard",
        "workspace:case-list",
        "workspace:case-detail",
        "workspace:calendar-settings",
        "workspace:partner-list",
        "workspace:contribution-new",
        "workspace:roster",
        "workspace:deployment-new",
        "workspace:briefing",
        "workspace:trust-fund",
        "workspace:trust-fund-rates",
        "workspace:trust-fund-new",
        "admin:index",
        "admin:requests_app_assistancerequest_changelist",
        "admin:requests_app_assistancerequest_change",
        "admin:requests_app_assistancerequest_add",
    ],
)
def test_every_page_carries_the_content_security_policy(admin_client, case, page):
    if page in ("workspace:case-detail", "workspace:contribution-new", "workspace:deployment-new"):
        url = reverse(page, args=[case.reference])
    elif page == "workspace:trust-fund-new":
        url = reverse(page, args=["contribution"])
    elif page == "admin:requests_app_assistancerequest_change":
        url = reverse(page, args=[case.pk])
    else:
        url = reverse(page)
    assert_strict_policy_and_nothing_inline(admin_client.get(url))


@pytest.mark.django_db
@pytest.mark.parametrize("login_url", [WORKSPACE_LOGIN, ADMIN_LOGIN])
def test_the_login_pages_carry_the_content_security_policy(client, login_url):
    assert_strict_policy_and_nothing_inline(client.get(login_url))


@pytest.mark.django_db
def test_every_admin_changelist_works_under_the_policy(admin_client, case):
    """Django's change_list.html has an inline <style> for a ModelAdmin without action bars:
    no EAS admin may be such a one, or the policy would block it."""
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert_strict_policy_and_nothing_inline(admin_client.get(url))


@pytest.mark.django_db
def test_security_headers_on_every_response(client):
    response = client.get(WORKSPACE_LOGIN)
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
