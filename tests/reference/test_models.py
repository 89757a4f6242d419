"""The countries and territories the migrations load: every one with its status and region."""

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Count

from requests_app.reference.models import CountryStatus, MemberState, RegionalGroup

pytestmark = pytest.mark.django_db

# The United Nations' list of Non-Self-Governing Territories: territory -> administering Power.
NON_SELF_GOVERNING = {
    "Western Sahara": None,  # no administering Power since Spain ended its presence in 1976
    "Anguilla": "GBR",
    "Bermuda": "GBR",
    "British Virgin Islands": "GBR",
    "Cayman Islands": "GBR",
    "Falkland Islands (Malvinas)": "GBR",
    "Montserrat": "GBR",
    "Saint Helena": "GBR",
    "Turks and Caicos Islands": "GBR",
    "United States Virgin Islands": "USA",
    "Gibraltar": "GBR",
    "American Samoa": "USA",
    "French Polynesia": "FRA",
    "Guam": "USA",
    "New Caledonia": "FRA",
    "Pitcairn": "GBR",
    "Tokelau": "NZL",
}
KOSOVO = "Kosovo under Security Council resolution 1244 (1999)"


def test_the_193_member_states_the_2_observer_states_and_the_territories_are_all_there():
    counts = dict(MemberState.objects.values_list("status").annotate(n=Count("id")))
    assert counts == {
        CountryStatus.MEMBER_STATE: 193,
        CountryStatus.OBSERVER_STATE: 2,
        CountryStatus.TERRITORY: len(NON_SELF_GOVERNING) + 1,
    }
    observers = set(MemberState.objects.filter(status=CountryStatus.OBSERVER_STATE).values_list("name", flat=True))
    assert observers == {"Holy See", "State of Palestine"}
    territories = set(MemberState.objects.filter(status=CountryStatus.TERRITORY).values_list("name", flat=True))
    assert territories == set(NON_SELF_GOVERNING) | {KOSOVO}


def test_every_country_and_territory_has_a_region_and_a_known_status():
    for country in MemberState.objects.all():
        assert country.regional_group in RegionalGroup.values, country.name
        assert country.status in CountryStatus.values, country.name
        assert country.region_label, country.name
    # The Member States are their regional groups' members; the Holy See and the territories are not.
    assert not MemberState.objects.filter(status=CountryStatus.MEMBER_STATE, in_regional_group=False).exists()
    outside = set(MemberState.objects.filter(in_regional_group=False).values_list("name", flat=True))
    assert outside == set(NON_SELF_GOVERNING) | {KOSOVO, "Holy See"}


def test_each_non_self_governing_territory_has_its_administering_power_and_its_un_basis():
    for name, power in NON_SELF_GOVERNING.items():
        territory = MemberState.objects.select_related("administering_power").get(name=name)
        assert (territory.administering_power.iso3 if territory.administering_power else None) == power, name
        assert territory.un_basis.startswith("Non-Self-Governing Territory"), name
    sahara = MemberState.objects.get(name="Western Sahara")
    assert "Security Council resolution 690 (1991)" in sahara.un_basis
    assert "Argentina" in MemberState.objects.get(iso3="FLK").un_basis  # the dispute over sovereignty


def test_kosovo_is_placed_by_security_council_resolution_1244():
    kosovo = MemberState.objects.get(iso3="XKX")
    assert kosovo.status == CountryStatus.TERRITORY
    assert kosovo.administering_power is None
    assert kosovo.un_basis.startswith("Security Council resolution 1244 (1999)")
    assert kosovo.regional_group == RegionalGroup.EASTERN_EUROPEAN


def test_a_territory_is_in_the_region_of_its_neighbours_by_geography():
    regions = dict(MemberState.objects.exclude(status=CountryStatus.MEMBER_STATE).values_list("iso3", "regional_group"))
    assert regions["ESH"] == RegionalGroup.AFRICAN
    assert regions["NCL"] == regions["TKL"] == regions["GUM"] == RegionalGroup.ASIA_PACIFIC
    assert regions["AIA"] == regions["FLK"] == regions["VIR"] == RegionalGroup.LATIN_AMERICAN_CARIBBEAN
    assert regions["GIB"] == regions["VAT"] == RegionalGroup.WESTERN_EUROPEAN_OTHERS
    palestine = MemberState.objects.get(iso3="PSE")
    assert (palestine.regional_group, palestine.in_regional_group) == (RegionalGroup.ASIA_PACIFIC, True)


def test_a_country_says_what_it_is():
    ghana, holy_see, caledonia = (MemberState.objects.get(iso3=code) for code in ("GHA", "VAT", "NCL"))
    assert (str(ghana), str(holy_see), str(caledonia)) == (
        "Ghana",
        "Holy See (observer State)",
        "New Caledonia (territory)",
    )
    assert ghana.status_text == "Member State" and ghana.region_label == "African States"
    assert caledonia.status_text == "Territory, administered by France"
    assert caledonia.region_label == "Asia-Pacific States (by geography)"
    assert holy_see.status_text == "Observer State"


def test_only_a_territory_has_an_administering_power():
    ghana, france = MemberState.objects.get(iso3="GHA"), MemberState.objects.get(iso3="FRA")
    ghana.administering_power = france
    with pytest.raises(IntegrityError), transaction.atomic():
        ghana.save()


def test_the_member_states_keep_the_ids_the_first_migration_gave_them():
    # 0002 loaded the 193 from data/member_states.csv in its order; 0021_reference13 added the others after them.
    first_ids = MemberState.objects.filter(status=CountryStatus.MEMBER_STATE).values_list("pk", flat=True)
    others = MemberState.objects.exclude(status=CountryStatus.MEMBER_STATE).values_list("pk", flat=True)
    assert max(first_ids) < min(others)
