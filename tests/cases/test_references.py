"""Registering a request: what the intake desk may record, and the reference each case gets."""

import datetime
import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from requests_app.cases import services
from requests_app.cases.choices import AuthorityType, Origin, Stage
from requests_app.cases.models import AssistanceRequest, ReferenceCounter
from requests_app.core.errors import ActionRefused
from requests_app.history.models import CaseEvent
from tests.factories import REQUESTERS, intake_clerk, member_state, new_request

pytestmark = pytest.mark.django_db

UTC = datetime.UTC
MID_2025 = datetime.datetime(2025, 6, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(MID_2025, tick=False)
    return time_machine


def references():
    return list(AssistanceRequest.objects.order_by("id").values_list("reference", flat=True))


# References -----------------------------------------------------------------------------------


def test_a_reference_reads_eas_year_number(officer, frozen):
    case = new_request(actor=officer)
    assert case.reference == "EAS-2025-0001"
    assert re.fullmatch(r"EAS-\d{4}-\d{4}", case.reference)
    assert AssistanceRequest.objects.get(pk=case.pk).reference == "EAS-2025-0001"


def test_references_follow_one_another(officer, frozen):
    for _ in range(3):
        new_request(actor=officer)
    assert references() == ["EAS-2025-0001", "EAS-2025-0002", "EAS-2025-0003"]


def test_a_reference_is_unique(officer, frozen):
    case = new_request(actor=officer)
    twin = AssistanceRequest.objects.get(pk=case.pk)
    twin.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


def test_a_new_year_starts_again_at_one(officer, frozen):
    new_request(actor=officer)
    frozen.move_to(datetime.datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC), tick=False)
    new_request(actor=officer)
    frozen.move_to(datetime.datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC), tick=False)
    new_request(actor=officer)
    new_request(actor=officer)
    assert references() == ["EAS-2025-0001", "EAS-2025-0002", "EAS-2026-0001", "EAS-2026-0002"]
    assert dict(ReferenceCounter.objects.values_list("year", "last_number")) == {2025: 2, 2026: 2}


def test_a_reference_is_never_given_again_after_its_case_is_deleted(officer, frozen):
    cases = [new_request(actor=officer) for _ in range(3)]
    cases[-1].delete()
    assert new_request(actor=officer).reference == "EAS-2025-0004"
    AssistanceRequest.objects.all().delete()
    assert new_request(actor=officer).reference == "EAS-2025-0005"


def test_registering_opens_the_case_and_its_history(officer, frozen):
    case = new_request(actor=officer, **REQUESTERS["electoral_body"])
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    assert (fresh.stage, fresh.stage_entered_at) == (Stage.RECEIVED, MID_2025)
    [event] = CaseEvent.objects.filter(case=case)
    assert (event.action, event.actor, event.from_stage, event.to_stage) == ("registered", officer, "", Stage.RECEIVED)
    assert event.details == {"basis": "request", "origin": "electoral_body", "authority": "electoral_body"}


def test_a_case_is_registered_only_once(officer, frozen):
    case = new_request(actor=officer)
    with pytest.raises(ActionRefused, match="already registered as EAS-2025-0001"):
        services.register_request(actor=officer, case=case)
    assert references() == ["EAS-2025-0001"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("already_this_year", [0, 5], ids=["first-of-the-year", "later-in-the-year"])
def test_requests_registered_at_the_same_moment_get_different_references(already_this_year):
    year = datetime.date.today().year
    if already_this_year:
        ReferenceCounter.objects.create(year=year, last_number=already_this_year)
    clerk = intake_clerk()
    threads_count = 6
    barrier = threading.Barrier(threads_count)
    results, errors = [], []

    def register():
        try:
            barrier.wait(timeout=10)
            results.append(new_request(actor=clerk).reference)
        except Exception as error:  # noqa: BLE001 - reported below, with the thread's error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    expected = {f"EAS-{year}-{n:04d}" for n in range(already_this_year + 1, already_this_year + threads_count + 1)}
    assert sorted(results) == sorted(expected)
    assert set(references()) == expected


# What the intake desk may record (AssistanceRequest.full_clean) ---------------------------------------


def unsaved(**overrides):
    received = datetime.date(2025, 6, 10)
    fields = {
        "member_state": member_state("GHA"),
        "origin": Origin.GOVERNMENT,
        "requesting_authority": "Minister for Foreign Affairs",
        "authority_type": AuthorityType.FOREIGN_MINISTER,
        "letter_date": received - datetime.timedelta(days=3),
        "received_date": received,
    }
    fields.update(overrides)
    return AssistanceRequest(**fields)


def errors_of(case):
    with pytest.raises(ValidationError) as invalid:
        case.full_clean(exclude=["reference"])
    return {field: " ".join(messages) for field, messages in invalid.value.message_dict.items()}


def test_a_complete_request_is_valid(frozen):
    unsaved().full_clean(exclude=["reference"])
    # A case on a mandate alone records no request: its mandate is linked when it is registered.
    unsaved(origin="", requesting_authority="", authority_type="", letter_date=None).full_clean(exclude=["reference"])


def test_the_letter_cannot_be_dated_after_it_was_received(frozen):
    case = unsaved(letter_date=datetime.date(2025, 6, 11))
    assert "cannot be dated after" in errors_of(case)["letter_date"]


def test_the_letter_may_be_received_the_day_it_is_dated(frozen):
    unsaved(letter_date=datetime.date(2025, 6, 10)).full_clean(exclude=["reference"])


def test_the_date_received_cannot_be_in_the_future(frozen):
    case = unsaved(received_date=datetime.date(2025, 6, 16), letter_date=datetime.date(2025, 6, 1))
    assert "cannot be in the future" in errors_of(case)["received_date"]
    unsaved(received_date=datetime.date(2025, 6, 15)).full_clean(exclude=["reference"])  # today is fine


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("requesting_authority", "who signed"),
        ("authority_type", "in what capacity"),
        ("letter_date", "date of the request letter"),
    ],
)
def test_a_request_is_recorded_whole(missing, message, frozen):
    case = unsaved(**{missing: None if missing == "letter_date" else ""})
    assert message in errors_of(case)[missing]


@pytest.mark.parametrize("field", ["requesting_authority", "authority_type"])
def test_a_case_on_a_mandate_alone_has_no_requesting_authority(field, frozen):
    fields = {"origin": "", "requesting_authority": "", "authority_type": "", "letter_date": None}
    fields[field] = "Security Council" if field == "requesting_authority" else AuthorityType.HEAD_OF_STATE
    assert "no requesting authority" in errors_of(unsaved(**fields))[field]


@pytest.mark.parametrize(
    ("origin", "authority", "allowed"),
    [
        (Origin.GOVERNMENT, AuthorityType.POLITICAL_PARTY, AuthorityType.FOREIGN_MINISTER),
        (Origin.GOVERNMENT, AuthorityType.ELECTORAL_BODY, AuthorityType.HEAD_OF_STATE),
        (Origin.ELECTORAL_BODY, AuthorityType.FOREIGN_MINISTER, AuthorityType.ELECTORAL_BODY),
    ],
)
def test_the_authority_must_fit_the_origin(origin, authority, allowed, frozen):
    message = errors_of(unsaved(origin=origin, authority_type=authority))["authority_type"]
    assert f"cannot be signed by {authority.label}" in message
    assert str(allowed.label) in message


def test_a_letter_from_another_body_is_no_request(frozen):
    """A party's, civil society's or a person's letter goes to the correspondence register, never to a case."""
    case = unsaved(origin=Origin.OTHER_BODY, authority_type=AuthorityType.POLITICAL_PARTY)
    assert "register it in the correspondence register as a letter not considered" in errors_of(case)["origin"]


def test_the_database_refuses_a_letter_dated_after_receipt_too(frozen):
    case = unsaved(letter_date=datetime.date(2025, 6, 11), reference="EAS-2025-9999")
    with pytest.raises(IntegrityError), transaction.atomic():
        case.save()


@pytest.mark.parametrize(
    "fields",
    [
        {"origin": "", "requesting_authority": "Security Council", "authority_type": ""},
        {"requesting_authority": ""},
        {"letter_date": None},
    ],
    ids=["no request, yet a signatory", "a request signed by nobody", "a request without its letter's date"],
)
def test_the_database_refuses_half_a_request_too(fields, frozen):
    case = unsaved(reference="EAS-2025-9999", **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        case.save()


def test_a_case_rests_on_a_request_or_a_mandate(officer, frozen):
    case = unsaved(origin="", requesting_authority="", authority_type="", letter_date=None)
    with pytest.raises(ActionRefused, match="rests on a request, a mandate or both"):
        services.register_request(actor=intake_clerk(), case=case)
    assert references() == []
