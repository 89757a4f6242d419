"""Countries and territories named in the six official languages, the United Nations' short names
first; shown in the reader's language, found by any of their names, sorted by the name read."""

import csv
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from requests_app.core import roles
from requests_app.reference.models import TYPOLOGY_NAMES, AssistanceType, MemberState
from requests_app.reference.selectors import countries_matching, country_choices
from tests.factories import member_of, member_state, new_request
from tools import country_names

pytestmark = pytest.mark.django_db

DATA = Path(settings.BASE_DIR) / "requests_app" / "data"
LANGUAGES = [code for code, _name in settings.LANGUAGES]

# The names issue 15 lists, as the United Nations' terminology writes them in each language.
UN_SHORT_NAMES = {
    "BOL": {
        "en": "Bolivia (Plurinational State of)",
        "fr": "Bolivie (État plurinational de)",
        "es": "Bolivia (Estado Plurinacional de)",
        "ru": "Боливия (Многонациональное Государство)",
        "zh-hans": "多民族玻利维亚国",
        "ar": "بوليفيا (دولة - المتعددة القوميات)",
    },
    "IRN": {"en": "Iran (Islamic Republic of)", "fr": "Iran (République islamique d')", "zh-hans": "伊朗伊斯兰共和国"},
    "TUR": {"en": "Türkiye", "fr": "Türkiye", "es": "Türkiye"},
    "CIV": {"en": "Côte d'Ivoire", "fr": "Côte d'Ivoire", "ar": "كوت ديفوار", "ru": "Кот-д'Ивуар"},
    "PRK": {"en": "Democratic People's Republic of Korea", "zh-hans": "朝鲜民主主义人民共和国"},
    "KOR": {"en": "Republic of Korea", "fr": "République de Corée", "ru": "Республика Корея", "zh-hans": "大韩民国"},
    "LAO": {"en": "Lao People's Democratic Republic", "es": "República Democrática Popular Lao"},
    "MDA": {"en": "Republic of Moldova", "fr": "République de Moldova"},
    "RUS": {"en": "Russian Federation", "fr": "Fédération de Russie", "ru": "Российская Федерация"},
    "SYR": {"en": "Syrian Arab Republic", "ar": "الجمهورية العربية السورية"},
    "TZA": {"en": "United Republic of Tanzania", "es": "República Unida de Tanzanía"},
    "VEN": {"en": "Venezuela (Bolivarian Republic of)", "es": "Venezuela (República Bolivariana de)"},
    "VNM": {"en": "Viet Nam", "fr": "Viet Nam", "es": "Viet Nam", "ar": "فييت نام"},
    "PSE": {"en": "State of Palestine", "fr": "État de Palestine", "ar": "دولة فلسطين", "zh-hans": "巴勒斯坦国"},
    "VAT": {"en": "Holy See", "fr": "Saint-Siège", "es": "Santa Sede", "ru": "Святой Престол"},
    "FSM": {"en": "Micronesia (Federated States of)", "fr": "Micronésie (États fédérés de)"},
    "NLD": {"en": "Netherlands (Kingdom of the)", "fr": "Pays-Bas (Royaume des)", "zh-hans": "荷兰王国"},
    "XKX": {
        "en": "Kosovo under Security Council resolution 1244 (1999)",
        "fr": "Kosovo au sens de la résolution 1244 (1999) du Conseil de sécurité",
        "ru": "Косово в соответствии с резолюцией 1244 (1999) Совета Безопасности",
    },
}


def test_every_country_and_territory_has_a_name_in_each_of_the_six_languages():
    missing = [
        (country.iso3, language)
        for country in MemberState.objects.all()
        for language in LANGUAGES
        if not (country.names.get(language) or "").strip()
    ]
    assert missing == []
    assert MemberState.objects.count() == 213


def test_the_english_name_is_the_countrys_own_name():
    assert all(country.names["en"] == country.name for country in MemberState.objects.all())


@pytest.mark.parametrize("code", sorted(UN_SHORT_NAMES))
def test_the_united_nations_short_names_win_over_cldrs(code):
    country = member_state(code)
    for language, name in UN_SHORT_NAMES[code].items():
        assert country.name_in(language) == name, language


def test_the_data_file_is_what_the_script_makes_from_cldr_and_the_un_names():
    """requests_app/data/country_names.json is generated (python -m tools.country_names), never
    edited by hand: a name is corrected in the script's UN_NAMES, and the file made again."""
    committed = json.loads((DATA / "country_names.json").read_text(encoding="utf-8"))
    assert committed == country_names.build()


def test_the_data_file_names_every_country_of_the_reference_data_and_no_other():
    codes = set()
    for source in ("member_states.csv", "observers_and_territories.csv"):
        with (DATA / source).open(encoding="utf-8") as handle:
            codes |= {row["iso3"] for row in csv.DictReader(handle)}
    names = json.loads((DATA / "country_names.json").read_text(encoding="utf-8"))
    assert set(names) == codes
    assert all(list(entry) == LANGUAGES for entry in names.values())


def test_no_two_countries_share_a_name_in_any_language():
    for language in LANGUAGES:
        names = [country.name_in(language) for country in MemberState.objects.all()]
        assert len(names) == len(set(names)), language


def test_a_country_is_named_in_the_language_of_the_page_and_says_what_it_is():
    palestine = member_state("PSE")
    with translation.override("fr"):
        assert palestine.local_name == "État de Palestine"
        assert str(palestine).startswith("État de Palestine (")
    with translation.override("zh-hans"):
        assert member_state("USA").local_name == "美利坚合众国"
    with translation.override("en"):
        assert str(member_state("GHA")) == "Ghana"


def test_a_country_without_names_is_shown_by_its_english_name():
    ghana = member_state("GHA")
    ghana.names = {}
    assert ghana.name_in("ar") == "Ghana"


@pytest.mark.parametrize(
    "typed",
    ["cote d'ivoire", "CÔTE", "Кот-д", "科特迪瓦", "كوت ديفوار", "Côte d'Ivoire", "ivoire"],
)
def test_a_country_is_found_by_its_name_in_any_language_accents_ignored(typed):
    assert member_state("CIV").pk in countries_matching(typed)


def test_arabic_letters_with_or_without_hamza_find_the_same_country():
    # أفغانستان typed as افغانستان (no hamza on the alif), as a keyboard often gives it.
    assert member_state("AFG").pk in countries_matching("افغانستان")


def test_nothing_typed_matches_nothing():
    assert countries_matching("  ") == []


def test_the_country_choices_are_sorted_by_the_name_read():
    with translation.override("fr"):
        members = dict(country_choices())[str(translation.gettext("Member State"))]
    names = [name for _code, name in members]
    # "Allemagne" (Germany) comes first in French, "Zimbabwe" last; "Espagne" before "Népal".
    assert names[0] == "Afghanistan" and names[1] == "Afrique du Sud" and names[2] == "Albanie"
    assert names.index("Espagne") < names.index("Népal")


def test_the_typology_names_in_the_data_file_are_all_marked_for_translation():
    with (DATA / "assistance_types.csv").open(encoding="utf-8") as handle:
        names = [row["name"] for row in csv.DictReader(handle)]
    assert names == list(TYPOLOGY_NAMES)
    assert set(AssistanceType.objects.values_list("name", flat=True)) == set(names)


# Pages: the case list, the country list, the admin's searches and its autocomplete --------------


@pytest.fixture
def cases(officer):
    return {code: new_request(actor=officer, state=code) for code in ("ESP", "NPL", "CIV", "RUS")}


def listed(client, url, language="en", **params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response


def test_the_case_list_finds_a_case_by_its_countrys_name_in_any_language(client, officer, cases):
    client.force_login(officer)
    url = reverse("workspace:case-list")
    for typed in ("Российская", "俄罗斯联邦", "الاتحاد الروسي", "Federación de Rusia", "fédération de russie"):
        found = [case.reference for case in listed(client, url, q=typed).context["page"].object_list]
        assert found == [cases["RUS"].reference], typed


def test_the_case_list_shows_and_sorts_the_countries_by_their_names_in_the_page_language(client, officer, cases):
    client.force_login(officer)
    url = reverse("workspace:case-list")
    order = [case.member_state.iso3 for case in listed(client, url, sort="state").context["page"].object_list]
    assert order.index("NPL") < order.index("ESP")  # Nepal, Spain
    response = listed(client, url, sort="state", language="fr")
    order = [case.member_state.iso3 for case in response.context["page"].object_list]
    assert order.index("ESP") < order.index("NPL")  # Espagne, Népal
    page = response.content.decode()
    assert "Fédération de Russie" in page and "Russian Federation" not in page


def test_the_country_list_finds_a_country_by_any_of_its_names(client, cases):
    client.force_login(member_of(roles.FOCAL_POINT))
    url = reverse("workspace:country-list")
    response = listed(client, url, q="Испания", language="es")
    assert [row.country.iso3 for row in response.context["rows"]] == ["ESP"]
    assert "España" in response.content.decode()


def test_the_admins_search_and_autocomplete_find_a_country_by_any_of_its_names(admin_client, cases):
    changelist = reverse("admin:requests_app_assistancerequest_changelist")
    page = admin_client.get(changelist, {"q": "尼泊尔"}).content.decode()
    assert cases["NPL"].reference in page and cases["ESP"].reference not in page

    countries = reverse("admin:requests_app_memberstate_changelist")
    page = admin_client.get(countries, {"q": "Непал"}, HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert "نيبال" in page

    autocomplete = admin_client.get(
        reverse("admin:autocomplete"),
        {"term": "Кот", "app_label": "requests_app", "model_name": "assistancerequest", "field_name": "member_state"},
        HTTP_ACCEPT_LANGUAGE="fr",
    ).json()
    assert [result["text"] for result in autocomplete["results"]] == ["Côte d'Ivoire"]


def test_the_admin_edits_a_countrys_names(admin_client):
    ghana = member_state("GHA")
    url = reverse("admin:requests_app_memberstate_change", args=[ghana.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="name_zh_hans"' in page and 'value="加纳"' in page
    form = {
        "name": "Ghana",
        "name_ar": "غانا",
        "name_zh_hans": "加纳",
        "name_fr": "Ghana (République du)",
        "name_ru": "Гана",
        "name_es": "Ghana",
        "regional_group": ghana.regional_group,
        "in_regional_group": "on",
        "administering_power": "",
        "un_basis": "",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    ghana.refresh_from_db()
    assert ghana.name_in("fr") == "Ghana (République du)" and ghana.names["en"] == "Ghana"
    response = admin_client.post(url, {**form, "name_ru": ""})
    assert response.status_code == 200  # refused: every language needs a name
    ghana.refresh_from_db()
    assert ghana.name_in("ru") == "Гана"
