"""Choosing the language EAS speaks: the menu's switcher, "Your settings", the login, the admin."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from requests_app.accounts.models import Preference
from requests_app.accounts.selectors import chosen_language
from requests_app.accounts.services import set_language
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SWITCH = reverse("workspace:language")
SETTINGS = reverse("workspace:settings")
LOGIN = reverse("login")
HTML_TAG = re.compile(r'<html lang="([^"]+)" dir="(ltr|rtl)">')


def html_language(response):
    """The language and direction the page declares on its <html>."""
    match = HTML_TAG.search(response.content.decode())
    assert match, "the page has no <html lang dir>"
    return match.groups()


@pytest.fixture
def amina(officer):
    return officer


def test_the_menu_offers_the_six_languages_by_their_own_names(client, amina):
    client.force_login(amina)
    page = client.get(reverse("workspace:dashboard")).content.decode()
    for code, name in [
        ("ar", "العربية"),
        ("zh-hans", "中文"),
        ("en", "English"),
        ("fr", "Français"),
        ("ru", "Русский"),
        ("es", "Español"),
    ]:
        assert re.search(f'name="language" value="{code}" lang="{code}"( aria-current="true")?>{name}</button>', page)
    assert 'value="en" lang="en" aria-current="true">' in page


def test_the_login_page_follows_the_browser_and_offers_the_switcher(client):
    response = client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5")
    assert html_language(response) == ("ar", "rtl")
    assert 'action="/language/"' in response.content.decode()
    assert html_language(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9")) == ("fr", "ltr")


def test_someone_not_logged_in_switches_with_the_cookie_alone(client):
    response = client.post(SWITCH, {"language": "ru", "next": LOGIN})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    assert html_language(client.get(LOGIN, HTTP_ACCEPT_LANGUAGE="en")) == ("ru", "ltr")
    assert Preference.objects.count() == 0


def test_a_user_who_switches_keeps_the_language_on_every_page_and_in_their_preference(client, amina):
    client.force_login(amina)
    dashboard = reverse("workspace:dashboard")
    response = client.post(SWITCH, {"language": "ar", "next": dashboard})
    assert response["Location"] == dashboard
    amina.refresh_from_db()
    assert chosen_language(amina) == "ar"
    assert html_language(client.get(dashboard)) == ("ar", "rtl")
    assert html_language(client.get(reverse("admin:index"))) == ("ar", "rtl")


def test_the_language_chosen_wins_over_the_browsers_from_the_login_on(client, amina):
    amina.set_password("a-long-password-1")
    amina.save()
    set_language(amina, "zh-hans")
    client.post(LOGIN, {"username": amina.username, "password": "a-long-password-1"}, HTTP_ACCEPT_LANGUAGE="es")
    page = client.get(reverse("workspace:case-list"), HTTP_ACCEPT_LANGUAGE="es")
    assert html_language(page) == ("zh-hans", "ltr")
    assert page["Content-Language"] == "zh-hans"


def test_without_a_choice_the_browser_decides(client, amina):
    client.force_login(amina)
    assert html_language(client.get(reverse("workspace:dashboard"), HTTP_ACCEPT_LANGUAGE="es-AR,es;q=0.9")) == (
        "es",
        "ltr",
    )


def test_a_session_from_before_the_choice_was_kept_there_reads_it_once(client, amina):
    client.force_login(amina)
    session = client.session
    del session["eas_language"]
    session.save()
    set_language(amina, "fr")
    assert html_language(client.get(reverse("workspace:dashboard"))) == ("fr", "ltr")
    assert client.session["eas_language"] == "fr"


def test_your_settings_choose_a_language_or_the_browsers_again(client, amina):
    client.force_login(amina)
    page = client.get(SETTINGS)
    assert page.status_code == 200
    assert '<option value="" selected>' in page.content.decode()
    response = client.post(SETTINGS, {"language": "es"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    amina.refresh_from_db()
    assert chosen_language(amina) == "es"
    page = client.get(SETTINGS, HTTP_ACCEPT_LANGUAGE="fr")
    assert html_language(page) == ("es", "ltr")
    assert '<option value="es" selected>' in page.content.decode()

    response = client.post(SETTINGS, {"language": ""})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    amina.refresh_from_db()
    assert chosen_language(amina) == ""
    assert html_language(client.get(SETTINGS, HTTP_ACCEPT_LANGUAGE="fr")) == ("fr", "ltr")


@pytest.mark.parametrize("typed", ["de", "", "ar\u202e", "x" * 300])
def test_a_language_eas_does_not_speak_is_refused_with_a_message_and_nothing_changes(client, amina, typed):
    client.force_login(amina)
    set_language(amina, "fr")
    response = client.post(SWITCH, {"language": typed, "next": "/cases/"}, follow=True)
    assert response.status_code == 200
    assert "cases/" in response.redirect_chain[-1][0]
    amina.refresh_from_db()
    assert chosen_language(amina) == "fr"
    response = client.post(SETTINGS, {"language": typed or "de"})
    assert response.status_code == 400
    amina.refresh_from_db()
    assert chosen_language(amina) == "fr"


def test_the_switcher_never_sends_the_user_to_another_site(client):
    response = client.post(SWITCH, {"language": "fr", "next": "https://evil.example.org/"})
    assert response["Location"] == "/"


def test_the_switcher_takes_only_a_post(client, amina):
    client.force_login(amina)
    assert client.get(SWITCH + "?language=ar").status_code == 405
    assert chosen_language(amina) == ""


def test_an_administrator_sets_a_users_language_on_their_page_in_the_admin(admin_client):
    user = UserFactory()
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="preference-0-language"' in page
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "preference-TOTAL_FORMS": "1",
        "preference-INITIAL_FORMS": "0",
        "preference-MIN_NUM_FORMS": "0",
        "preference-MAX_NUM_FORMS": "1",
        "preference-0-language": "ru",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert chosen_language(user) == "ru"
