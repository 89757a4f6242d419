"""The main journey, intake to decision, in each of the six official languages, through the real pages.

The demo's staff read EAS in the language of the test (their preference; their browsers ask for it
too, so the login page speaks it before anyone logs in): the intake clerk registers a request in
the admin, choosing the country by its name in that language; the team lead assigns it; the officer
starts the review and recommends a desk review; the focal point starts the assessment; the officer
records it in the admin and submits it; the focal point records the decision to assist. Every page
is kept as a screenshot (test-artifacts/screenshots/<test>/), and its visible text is read for
English left untranslated (untranslated.py): a text equal to a message of the catalogue that the
language translates otherwise, or made of common English words, unless the allow-list names it
(references, people's names, what the test typed). The pages are found by names and values, not by
their words, so the journey walks whatever the catalogues hold; what is left in English is listed,
page by page, when the test fails.
"""

import pytest

from requests_app.accounts.services import set_language
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.demo.staff import ensure_users
from requests_app.reference.models import AssistanceType, MemberState
from tests.browser.journeys import REFERENCE, days, expect, pdf
from tests.browser.untranslated import Reader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Each language of EAS, and the locale its readers' browsers ask for.
LOCALES = {"ar": "ar", "zh-hans": "zh-CN", "en": "en-GB", "fr": "fr-FR", "ru": "ru-RU", "es": "es-ES"}

# What the test types: data, shown back as typed, in no language of the interface.
AUTHORITY = "Minister for Foreign Affairs of Ghana"
SUMMARY = "Voter registration update and civic education before the presidential election."
GROUNDS = "A desk review suffices: the Commission's plans are documented."
TYPED = [AUTHORITY, SUMMARY, GROUNDS, "letter-ghana.pdf", "Letter of the Ministry"]
TYPES = ("voter-registration", "civic-education")


@pytest.fixture
def staff(db):
    team = ensure_users()
    return {user.username: user for user in [team.focal_point, team.clerk, *team.officers]}


class Walk:
    """The actors of the journey, each page they see read for English and kept as a screenshot."""

    def __init__(self, journey, staff, language):
        self.language = language
        self.reader = Reader(language, allowed=[*TYPED, *(user.get_full_name() for user in staff.values())])
        for user in staff.values():
            set_language(user, language)
        locale = LOCALES[language]
        self.clerk = journey.actor(staff["pnair"], "intake clerk", locale=locale)
        self.lead = journey.actor(staff["aokafor"], "team lead", locale=locale)
        self.officer = journey.actor(staff["lhaddad"], "officer", locale=locale)
        self.focal_point = journey.actor(staff["hlindqvist"], "focal point", locale=locale)
        self.read(self.clerk, "dashboard")

    def read(self, actor, step, focus=None):
        """The page as the actor sees it now: its language, its screenshot, its English."""
        expect(actor.page.locator("html")).to_have_attribute("lang", self.language)
        expect(actor.page.locator("html")).to_have_attribute("dir", "rtl" if self.language == "ar" else "ltr")
        path = actor.shot(step, focus=focus)
        self.reader.read(actor.page, path.name)

    def admin_saved(self, actor):
        expect(actor.page.locator("ul.messagelist li.success")).to_have_count(1)
        expect(actor.page.locator(".errornote")).to_have_count(0)

    def act(self, actor, reference, action, fill=None, *, stage, step):
        """An action of the case page's panel, found by its address; the case moves to ``stage``."""
        page = actor.open_case(reference)
        form = page.locator(f'form.action[action$="/act/{action}/"]')
        if fill is not None:
            fill(form)
        form.locator("button[type=submit]").click()
        expect(page.locator(".messages .message.success")).to_have_count(1)
        expect(page.locator(f".status-line .stage.stage-{stage}")).to_have_count(1)
        self.read(actor, step)


def register(walk, ghana):
    """The clerk logs the request in the admin, the country chosen by its name in the language."""
    page = walk.clerk.page
    page.goto("/admin/requests_app/assistancerequest/add/")
    name = ghana.name_in(walk.language)
    page.locator("#id_member_state + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(name[:2])
    page.locator(".select2-results__option", has_text=name).first.click()
    page.locator("#id_origin").select_option("government")
    page.locator("#id_requesting_authority").fill(AUTHORITY)
    page.locator("#id_authority_type").select_option("foreign_minister")
    page.locator("#id_letter_date").fill(days(-26))
    page.locator("#id_received_date").fill(days(-20))
    for code in TYPES:
        pk = AssistanceType.objects.get(code=code).pk
        page.locator(f"input[name=requested_types][value='{pk}']").check()
    page.locator("#id_summary").fill(SUMMARY)
    election = page.locator("#elections-group tr.dynamic-elections").first
    election.locator("select").select_option("presidential")
    election.locator("input[name$='-planned_date']").fill(days(300))
    walk.read(walk.clerk, "fills-the-add-form")
    page.locator("input[name=_continue]").click()
    walk.admin_saved(walk.clerk)
    reference = page.locator(".field-reference .readonly").filter(has_text=REFERENCE).inner_text().strip()
    assert REFERENCE.fullmatch(reference), reference
    walk.read(walk.clerk, "registered")
    return reference


def attach_letter(walk, reference):
    page = walk.clerk.page
    group = page.locator("#documents-group")
    group.locator(".add-row a").click()
    row = group.locator("tr.form-row:not(.has_original):not(.empty-form)").last
    row.locator("select[name$='-kind']").select_option("request_letter")
    row.locator("input[type=file]").set_input_files(pdf("letter-ghana.pdf", "Letter of the Ministry"))
    page.locator("input[name=_continue]").click()
    walk.admin_saved(walk.clerk)
    walk.read(walk.clerk, "attaches-the-letter")


def assign(walk, case, officer):
    page = walk.lead.open_case(case.reference)
    walk.read(walk.lead, "reads-the-case")
    page.goto(f"/admin/requests_app/assistancerequest/{case.pk}/change/")
    page.locator("#id_officer").select_option(str(officer.pk))
    page.locator("input[name=_continue]").click()
    walk.admin_saved(walk.lead)
    walk.read(walk.lead, "assigns-the-officer")


def record_assessment(walk, case):
    page = walk.officer.page
    page.goto(f"/admin/requests_app/assistancerequest/{case.pk}/change/")
    form = page.locator("#assessment-group")
    form.locator("[name$='-adequate_time']").select_option("True")
    form.locator("[name$='-conditions_exist']").select_option("True")
    form.locator("[name$='-report_submitted_on']").fill(days(-2))
    page.locator("input[name=_continue]").click()
    walk.admin_saved(walk.officer)
    walk.read(walk.officer, "records-the-assessment", focus=form)


def decide(walk, reference):
    page = walk.focal_point.open_case(reference)
    page.locator('a.button[href$="/act/record_decision/"]').click()
    walk.read(walk.focal_point, "the-decision-form")
    form = page.locator("form.action-page")
    form.locator("input[name$=outcome][value=assist]").check()
    for code in TYPES:
        pk = AssistanceType.objects.get(code=code).pk
        form.locator(f"input[name$=assistance_types][value='{pk}']").check()
    form.locator("[name$=phase]").select_option("pre_electoral")
    form.locator("[name$=period_start]").fill(days(0))
    form.locator("[name$=period_end]").fill(days(290))
    form.locator("[name$=scope]").fill(SUMMARY)
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages .message.success")).to_have_count(1)
    expect(page.locator(".status-line .stage.stage-decision_communicated")).to_have_count(1)
    walk.read(walk.focal_point, "decides-to-assist")


@pytest.mark.parametrize("language", list(LOCALES))
def test_the_journey_from_intake_to_decision_speaks_the_language_throughout(journey, staff, language):
    walk = Walk(journey, staff, language)
    ghana = MemberState.objects.get(iso3="GHA")

    reference = register(walk, ghana)
    attach_letter(walk, reference)
    case = AssistanceRequest.objects.get(reference=reference)
    assign(walk, case, staff["lhaddad"])

    walk.act(walk.officer, reference, "start_review", stage=Stage.UNDER_REVIEW, step="starts-the-review")

    def recommend(form):
        form.locator("input[name$=method][value=desk_review]").check()
        form.locator("[name$=comment]").fill(GROUNDS)

    walk.act(walk.officer, reference, "recommend", recommend, stage=Stage.UNDER_REVIEW, step="recommends")

    def desk_review(form):
        form.locator("input[name$=method][value=desk_review]").check()

    walk.act(
        walk.focal_point, reference, "start_assessment", desk_review, stage=Stage.NEEDS_ASSESSMENT, step="assesses"
    )
    record_assessment(walk, case)
    walk.act(walk.officer, reference, "submit_assessment", stage=Stage.AWAITING_DECISION, step="submits")
    decide(walk, reference)

    assert AssistanceRequest.objects.get(pk=case.pk).stage == Stage.DECISION_COMMUNICATED
    journey.assert_clean()
    assert walk.reader.found == {}, walk.reader.report()
