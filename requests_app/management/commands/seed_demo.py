"""Demo data: the users of a demonstration, and cases in every stage with a real history.

    python manage.py seed_demo                 # users, and about forty cases made through the services
    python manage.py seed_demo --if-empty      # the same, but nothing at all when a case exists (``make run``)
    python manage.py seed_demo --cases 100000  # users, and N more cases bulk-inserted (benchmarks)
    python manage.py seed_demo --seed 7        # another random draw; the default draw is always the same

Demo cases go through the services (register_request, start_review, …, attach_document),
with the clock moved back by time-machine, so their history is the one the application
itself writes. Only ``--cases`` writes rows directly: see ``BulkSeeder``.
"""

import random
import time
import unicodedata
from bisect import bisect
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import accumulate

import time_machine
from dateutil.relativedelta import relativedelta
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import prefetch_related_objects
from django.test.utils import override_settings
from django.utils import timezone

from requests_app.models import (
    AssessmentMethod,
    AssistanceRequest,
    AssistanceType,
    AuthorityType,
    CaseDocument,
    CaseEvent,
    DeadlineReason,
    Decision,
    DecisionOutcome,
    DocumentKind,
    Election,
    ElectionType,
    ElectoralPhase,
    ImplementationModality,
    MemberState,
    NeedsAssessment,
    Origin,
    ReferenceCounter,
    RegionalDesk,
    RegionalGroup,
    Stage,
)
from requests_app.services import deadlines
from requests_app.services import documents as document_services
from requests_app.services import workflow as services
from requests_app import roles
from requests_app.management.commands._demo_partners import seed_partners
from requests_app.management.commands._demo_roster import seed_roster
from requests_app.management.commands._demo_trust_fund import seed_trust_fund
from requests_app.workflow import MAIN_ROAD, is_short_notice

DEMO_PASSWORD = "eas-demo-2026"
DEFAULT_SEED = 62150  # General Assembly resolution 62/150


# Users --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMember:
    username: str
    first_name: str
    last_name: str
    role: str = roles.ELECTORAL_OFFICER
    leads: tuple = ()  # regional groups whose desk this person leads
    desks: tuple = ()  # regional groups whose desk this person works on

    @property
    def is_focal_point(self):
        return self.role == roles.FOCAL_POINT


STAFF = [
    StaffMember("aokafor", "Amara", "Okafor", roles.TEAM_LEAD, leads=("AFRICAN",), desks=("AFRICAN",)),
    StaffMember("therrera", "Tomás", "Herrera", roles.TEAM_LEAD, leads=("LATIN_AMERICAN_CARIBBEAN",),
                desks=("LATIN_AMERICAN_CARIBBEAN", "WESTERN_EUROPEAN_OTHERS")),
    StaffMember("lhaddad", "Leila", "Haddad", desks=("ASIA_PACIFIC", "AFRICAN")),
    StaffMember("mtanaka", "Mei", "Tanaka", roles.TEAM_LEAD, leads=("ASIA_PACIFIC", "EASTERN_EUROPEAN"),
                desks=("ASIA_PACIFIC", "EASTERN_EUROPEAN")),
    StaffMember("hlindqvist", "Helena", "Lindqvist", roles.FOCAL_POINT),
    StaffMember("pnair", "Priya", "Nair", roles.INTAKE_CLERK),
]


@dataclass
class Team:
    admin: object
    officers: list
    focal_point: object
    clerk: object


def _email(first_name, last_name):
    ascii_name = unicodedata.normalize("NFKD", f"{first_name}.{last_name}").encode("ascii", "ignore").decode()
    return f"{ascii_name.lower()}@example.org"


def ensure_users():
    """The superuser and the staff, created once. Existing users keep their password."""
    User = get_user_model()
    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"email": "admin@example.org", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    groups = {group.name: group for group in Group.objects.filter(name__in=roles.ALL)}
    members = {}
    for member in STAFF:
        user, created = User.objects.get_or_create(
            username=member.username,
            defaults={
                "first_name": member.first_name,
                "last_name": member.last_name,
                "email": _email(member.first_name, member.last_name),
                "is_staff": True,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        user.groups.add(groups[member.role])
        for regional_group in member.desks:
            RegionalDesk.objects.get(regional_group=regional_group).members.add(user)
        for regional_group in member.leads:
            RegionalDesk.objects.filter(regional_group=regional_group, team_lead__isnull=True).update(team_lead=user)
        members[member.username] = member
    # Fetched again: has_perm() must not read a permission cache from before the grant.
    users = {user.username: user for user in User.objects.filter(username__in=members).order_by("pk")}
    return Team(
        admin=admin,
        officers=[users[m.username] for m in STAFF if m.role in (roles.ELECTORAL_OFFICER, roles.TEAM_LEAD)],
        focal_point=next(users[m.username] for m in STAFF if m.is_focal_point),
        clerk=next(users[m.username] for m in STAFF if m.role == roles.INTAKE_CLERK),
    )


# A small real PDF -------------------------------------------------------------------


def demo_pdf(title, lines=()):
    """A one-page PDF with a title and a few lines, valid enough for any reader."""

    def text(value):
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    commands = ["BT", "/F1 15 Tf", "72 770 Td", f"({text(title)}) Tj", "/F1 11 Tf", "0 -30 Td"]
    for line in lines:
        commands += [f"({text(line)}) Tj", "0 -16 Td"]
    commands.append("ET")
    stream = "\n".join(commands).encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        pdf += b"%010d 00000 n \n" % offset
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


# The words of the cases ---------------------------------------------------------------

# Requests come mostly from Africa, Asia-Pacific and Latin America; hardly from WEOG.
REGION_WEIGHTS = {
    RegionalGroup.AFRICAN: 42,
    RegionalGroup.ASIA_PACIFIC: 24,
    RegionalGroup.LATIN_AMERICAN_CARIBBEAN: 20,
    RegionalGroup.EASTERN_EUROPEAN: 11,
    RegionalGroup.WESTERN_EUROPEAN_OTHERS: 3,
}
ORIGIN_WEIGHTS = {
    Origin.GOVERNMENT: 78,
    Origin.ELECTORAL_BODY: 10,
    Origin.OTHER_BODY: 4,
    Origin.SECURITY_COUNCIL: 6,
    Origin.GENERAL_ASSEMBLY: 2,
}
GOVERNMENT_AUTHORITIES = [
    (AuthorityType.FOREIGN_MINISTER, "Minister for Foreign Affairs", 40),
    (AuthorityType.FOREIGN_MINISTER, "Minister of Foreign Affairs and International Cooperation", 10),
    (AuthorityType.PERMANENT_MISSION, "Permanent Representative to the United Nations", 20),
    (AuthorityType.HEAD_OF_STATE, "President of the Republic", 10),
    (AuthorityType.HEAD_OF_GOVERNMENT, "Prime Minister", 10),
    (AuthorityType.OTHER_STATE_ORGAN, "Minister of the Interior and Territorial Administration", 10),
]
ELECTORAL_BODIES = [
    "National Electoral Commission",
    "Independent National Electoral Commission",
    "Independent High Electoral Commission",
    "Central Election Commission",
    "Supreme Electoral Tribunal",
    "Electoral Council",
]
PARTIES = [
    "National Democratic Alliance",
    "Movement for Unity and Progress",
    "People's Renewal Party",
    "Union for Democracy and Development",
]
CIVIL_SOCIETY = [
    "Coalition of Citizen Election Observers",
    "Women's Platform for Elections",
    "Election Watch Network",
]
ELECTION_WEIGHTS = {
    ElectionType.GENERAL: 30,
    ElectionType.PARLIAMENTARY: 25,
    ElectionType.PRESIDENTIAL: 20,
    ElectionType.LOCAL: 12,
    ElectionType.REFERENDUM: 7,
    ElectionType.CONSTITUENT: 3,
    ElectionType.OTHER: 3,
}
ELECTION_WORDS = {
    ElectionType.GENERAL: "general elections",
    ElectionType.PARLIAMENTARY: "legislative elections",
    ElectionType.PRESIDENTIAL: "presidential election",
    ElectionType.LOCAL: "local elections",
    ElectionType.REFERENDUM: "constitutional referendum",
    ElectionType.CONSTITUENT: "constituent assembly elections",
    ElectionType.OTHER: "by-elections",
}
TYPE_WORDS = {
    "legal-framework": "advice on the legal framework",
    "voter-registration": "support to voter registration",
    "logistics": "support to electoral logistics",
    "procurement": "procurement support",
    "training": "training of electoral staff",
    "civic-education": "civic and voter education",
    "results-management": "support to results management",
    "dispute-resolution": "support to electoral dispute resolution",
    "electoral-security": "advice on electoral security",
    "donor-coordination": "coordination of donor support",
    "expert-panel": "a panel of electoral experts",
    "national-observers": "support to national observers",
    "international-observers": "support to international observers",
    "situation-room": "an election situation room",
    "observation": "observation of the vote",
    "supervision": "supervision of the vote",
    "certification": "certification of the results",
}
# The technical assistance asked for most often comes first.
COMMON_TYPES = [
    ("voter-registration", 14), ("legal-framework", 10), ("training", 10), ("civic-education", 9),
    ("results-management", 8), ("logistics", 8), ("procurement", 6), ("dispute-resolution", 5),
    ("electoral-security", 4), ("donor-coordination", 3), ("expert-panel", 4), ("national-observers", 3),
    ("international-observers", 2), ("situation-room", 2),
]
CONTEXTS = [
    "The constitution was amended last year; the electoral law has not yet been brought into line with it.",
    "A new electoral management body was appointed after broad consultation; its secretariat is still being staffed.",
    "Elections follow a peace agreement; several armed groups have not yet joined the process.",
    "The political parties agreed on a code of conduct; the opposition disputes the voter register.",
    "Decentralisation reforms create new local councils to be elected for the first time.",
]
CAPACITIES = [
    "The electoral body ran the last two elections without outside help but lacks results-transmission systems.",
    "Permanent staff are few; most polling staff are recruited and trained shortly before each election.",
    "Good logistics capacity in the capital; districts are hard to reach in the rainy season.",
    "Biometric registration was introduced recently and needs maintenance the budget does not cover.",
]
RISKS = [
    "Tension between the main parties around the results; risk of violence in two provinces.",
    "Funding shortfalls may delay the procurement of ballots.",
    "Disinformation on social media targeting the electoral body.",
    "Insecurity in the border areas may prevent voter registration there.",
]
WOMEN = [
    "A 30 per cent quota applies to candidate lists; few women are placed in winnable positions.",
    "Women are under-represented among polling staff and in the electoral body's leadership.",
    "Women's registration lags men's in rural areas, mostly for lack of identity documents.",
]
RECOMMENDATIONS = [
    "Technical assistance through a UNDP project, with a chief technical adviser based in the electoral body.",
    "Short-term experts for the legal review and results management; a light footprint.",
    "A basket fund managed by UNDP; coordination of donors through the Resident Coordinator.",
]
JUSTIFICATIONS = [
    "Assistance is limited to tasks that can be completed before election day; the Government asked for it urgently "
    "and no other provider can deploy in time.",
    "The electoral body has most preparations in hand; an expert on results management can still make a difference.",
]
NARROW_SCOPES = [
    "Limited to the first type requested; the other requests can be considered after the elections.",
    "Advice only, by short-term experts; no procurement or financial support.",
]
DECLINE_REASONS = [
    "The needs assessment found that the conditions for a credible election are not met: the main opposition "
    "parties are excluded and the electoral calendar is contested.",
    "The needs assessment found no role for the United Nations that would add value at this stage.",
]
INELIGIBLE_REASONS = {
    AuthorityType.POLITICAL_PARTY: "A political party cannot request assistance on behalf of the State; "
    "the reply explains that the request must come from the Government.",
    AuthorityType.CIVIL_SOCIETY: "A civil society organisation cannot request assistance on behalf of the State; "
    "the reply points to UNDP's civil society programmes.",
}
WITHDRAWALS = [
    "Note verbale of the Permanent Mission withdrawing the request: the elections were postponed sine die.",
    "Letter of the Minister for Foreign Affairs: the Government will conduct the elections without outside support.",
    "The Government withdrew the request after bilateral donors agreed to fund the electoral body directly.",
]


def _weighted(pairs):
    """Population and cumulative weights, for rng.choices(..., cum_weights=...)."""
    population = [value for value, _weight in pairs]
    cumulative = list(accumulate(weight for _value, weight in pairs))
    return population, cumulative


def _pick(rng, population, cumulative):
    """rng.choices(population, cum_weights=cumulative)[0], for a hot loop."""
    return population[bisect(cumulative, rng.random() * cumulative[-1])]


def _join(words):
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _mandate_symbol(rng, origin, year):
    if origin == Origin.SECURITY_COUNCIL:
        return f"S/RES/{2720 + (year - 2024) * 55 + rng.randrange(55)} ({year})"
    return f"A/RES/{year - 1946}/{rng.randrange(120, 320)}"


def _at_work(moment, rng):
    """The same day, during office hours."""
    local = timezone.localtime(moment)
    return local.replace(hour=rng.randrange(8, 18), minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)


# The demo set, through the services ----------------------------------------------------

ORDER = MAIN_ROAD


@dataclass(frozen=True)
class Scenario:
    """What a demo case shows: where it stands and how it got there."""

    stage: Stage
    origin: Origin = Origin.GOVERNMENT
    overdue: bool = False
    method: AssessmentMethod = AssessmentMethod.DESK_REVIEW
    outcome: DecisionOutcome = DecisionOutcome.ASSIST
    short_notice: bool = False
    defer: bool = False
    withdrawn_from: Stage | None = None
    emb_accepted: bool = True
    signatory: AuthorityType | None = None  # who signed a request from another body
    # An ended case may be from an earlier year: country files and the dashboard's requests per
    # year then reach back several years, as a unit's do.
    years_ago: int = 0


MISSION, DESK = AssessmentMethod.MISSION, AssessmentMethod.DESK_REVIEW
EMB, OTHER = Origin.ELECTORAL_BODY, Origin.OTHER_BODY
SC, GA = Origin.SECURITY_COUNCIL, Origin.GENERAL_ASSEMBLY

SCENARIOS = [
    Scenario(Stage.RECEIVED),
    Scenario(Stage.RECEIVED, overdue=True),
    Scenario(Stage.RECEIVED, origin=SC),
    Scenario(Stage.RECEIVED, origin=EMB),
    Scenario(Stage.UNDER_REVIEW),
    Scenario(Stage.UNDER_REVIEW, overdue=True),
    Scenario(Stage.UNDER_REVIEW, origin=EMB, emb_accepted=False),
    Scenario(Stage.UNDER_REVIEW, origin=OTHER, signatory=AuthorityType.POLITICAL_PARTY),
    Scenario(Stage.NEEDS_ASSESSMENT, method=MISSION),
    Scenario(Stage.NEEDS_ASSESSMENT),
    Scenario(Stage.NEEDS_ASSESSMENT, method=MISSION, overdue=True),
    Scenario(Stage.NEEDS_ASSESSMENT, origin=SC, method=MISSION),
    Scenario(Stage.NEEDS_ASSESSMENT, origin=EMB),
    Scenario(Stage.AWAITING_DECISION, method=MISSION),
    Scenario(Stage.AWAITING_DECISION, defer=True),
    Scenario(Stage.AWAITING_DECISION, overdue=True),
    Scenario(Stage.AWAITING_DECISION, short_notice=True),
    Scenario(Stage.DECISION_COMMUNICATED, method=MISSION),
    Scenario(Stage.DECISION_COMMUNICATED, outcome=DecisionOutcome.NARROW),
    Scenario(Stage.DECISION_COMMUNICATED, overdue=True),
    Scenario(Stage.IN_IMPLEMENTATION, method=MISSION),
    Scenario(Stage.IN_IMPLEMENTATION, origin=SC, method=MISSION),
    Scenario(Stage.IN_IMPLEMENTATION, origin=EMB),
    Scenario(Stage.IN_IMPLEMENTATION, short_notice=True),
    Scenario(Stage.IN_IMPLEMENTATION, overdue=True),
    Scenario(Stage.IN_IMPLEMENTATION, origin=GA, method=MISSION),
    Scenario(Stage.REPORTING, method=MISSION),
    Scenario(Stage.REPORTING, overdue=True),
    Scenario(Stage.REPORTING, outcome=DecisionOutcome.NARROW),
    Scenario(Stage.CLOSED, method=MISSION, years_ago=1),
    Scenario(Stage.CLOSED, years_ago=2),
    Scenario(Stage.CLOSED, origin=SC, method=MISSION, years_ago=3),
    Scenario(Stage.CLOSED, origin=EMB, method=MISSION, years_ago=4),
    Scenario(Stage.CLOSED, outcome=DecisionOutcome.NARROW, years_ago=5),
    Scenario(Stage.CLOSED, short_notice=True),
    Scenario(Stage.CLOSED, method=MISSION),
    Scenario(Stage.WITHDRAWN, withdrawn_from=Stage.UNDER_REVIEW, years_ago=2),
    Scenario(Stage.WITHDRAWN, withdrawn_from=Stage.NEEDS_ASSESSMENT, method=MISSION, years_ago=3),
    Scenario(Stage.WITHDRAWN, withdrawn_from=Stage.DECISION_COMMUNICATED),
    Scenario(Stage.DECLINED, origin=OTHER, signatory=AuthorityType.POLITICAL_PARTY, years_ago=1),
    Scenario(Stage.DECLINED, origin=OTHER, signatory=AuthorityType.CIVIL_SOCIETY, years_ago=4),
    Scenario(Stage.DECLINED, outcome=DecisionOutcome.DECLINE, method=MISSION),
]


@dataclass
class Step:
    name: str
    gap: float  # days after the step before
    moves: bool  # whether it changes the stage


@dataclass
class DemoPlan:
    scenario: Scenario
    state: MemberState
    origin: Origin
    authority_type: AuthorityType
    requesting_authority: str
    mandate_symbol: str
    types: list
    officer: object
    steps: list
    times: list = field(default_factory=list)
    elections: list = field(default_factory=list)
    letter_date: date | None = None
    ends_on: date | None = None
    period_end: date | None = None
    revisit_on: date | None = None
    summary: str = ""


class DemoSeeder:
    """About forty cases, each played through the services on its own past dates."""

    def __init__(self, *, seed, team, now, stdout):
        self.seed = seed
        self.rng = random.Random(seed)
        self.team = team
        self.now = now
        self.stdout = stdout
        self.types = {t.code: t for t in AssistanceType.objects.all()}
        self.policies = deadlines.policies()

    def run(self):
        states = self._states(len(SCENARIOS))
        created = skipped = 0
        for number, (scenario, state) in enumerate(zip(SCENARIOS, states)):
            # Each case draws from its own generator: skipping one leaves the others as they were.
            self.rng = random.Random(f"{self.seed}/{number}")
            plan = self._plan(scenario, state, self.team.officers[number % len(self.team.officers)])
            # A demo case is known by its state and summary, so running the command again adds nothing.
            if AssistanceRequest.objects.filter(member_state=state, summary=plan.summary).exists():
                skipped += 1
                continue
            with transaction.atomic():
                self._play(plan)
            created += 1
        return created, skipped

    # Planning

    def _states(self, count):
        """Different Member States, drawn by region the way requests arrive."""
        states = list(MemberState.objects.order_by("iso3"))
        weights = [REGION_WEIGHTS[s.regional_group] / sum(1 for o in states if o.regional_group == s.regional_group)
                   for s in states]
        chosen = []
        while len(chosen) < count:
            state = self.rng.choices(states, weights)[0]
            if state not in chosen:
                chosen.append(state)
        return chosen

    def _plan(self, scenario, state, officer):
        rng = self.rng
        origin = scenario.origin
        if scenario.signatory == AuthorityType.CIVIL_SOCIETY:
            authority_type, requesting_authority = AuthorityType.CIVIL_SOCIETY, f"Coordinator, {rng.choice(CIVIL_SOCIETY)}"
        elif origin == OTHER:
            authority_type, requesting_authority = AuthorityType.POLITICAL_PARTY, f"Secretary-General, {rng.choice(PARTIES)}"
        elif origin == EMB:
            authority_type, requesting_authority = AuthorityType.ELECTORAL_BODY, f"Chairperson, {rng.choice(ELECTORAL_BODIES)}"
        elif origin in Origin.mandates():
            authority_type = AuthorityType.UN_ORGAN
            requesting_authority = "Security Council" if origin == SC else "General Assembly"
        else:
            population, cumulative = _weighted([((a, text), w) for a, text, w in GOVERNMENT_AUTHORITIES])
            authority_type, requesting_authority = rng.choices(population, cum_weights=cumulative)[0]
        if origin == SC:
            codes = ["logistics", "electoral-security", "results-management"]
        elif origin == GA:
            codes = ["supervision", "civic-education"]
        elif authority_type in AuthorityType.never_eligible():
            codes = ["international-observers", "national-observers"]
        else:
            population, cumulative = _weighted(COMMON_TYPES)
            codes = []
            while len(codes) < rng.choice([1, 2, 2, 3]):
                code = rng.choices(population, cum_weights=cumulative)[0]
                if code not in codes:
                    codes.append(code)
        plan = DemoPlan(
            scenario=scenario,
            state=state,
            origin=origin,
            authority_type=authority_type,
            requesting_authority=requesting_authority,
            mandate_symbol="",
            types=[self.types[c] for c in codes],
            officer=officer,
            steps=self._steps(scenario),
        )
        self._schedule(plan)
        self._dates(plan)
        self._words(plan)
        return plan

    def _steps(self, scenario):
        rng = self.rng
        final = scenario.stage
        mandate = scenario.origin in Origin.mandates()
        declined_by_decision = final == Stage.DECLINED and scenario.outcome == DecisionOutcome.DECLINE
        if final == Stage.WITHDRAWN:
            reach = ORDER.index(scenario.withdrawn_from)
        elif final == Stage.DECLINED:
            reach = ORDER.index(Stage.AWAITING_DECISION if declined_by_decision else Stage.UNDER_REVIEW)
        else:
            reach = ORDER.index(final)
        steps = [Step("register", 0, True)]
        if reach >= 1 and not mandate:
            steps.append(Step("start_review", rng.uniform(1, 5), True))
        if scenario.origin == EMB and scenario.emb_accepted and reach >= 1:
            steps.append(Step("accept_emb", rng.uniform(3, 8), False))
        if reach >= 2:
            steps.append(Step("start_assessment", rng.uniform(4, 10), True))
            if scenario.method == MISSION:
                steps.append(Step("assessment_progress", rng.uniform(6, 12), False))
        if reach >= 3:
            gap = rng.uniform(28, 38) if scenario.method == MISSION else rng.uniform(10, 20)
            steps.append(Step("assessment_report", gap, False))
            steps.append(Step("submit_assessment", rng.uniform(1, 3), True))
            if scenario.defer:
                steps.append(Step("decide", rng.uniform(5, 9), False))
        if reach >= 4 or declined_by_decision:
            steps.append(Step("decide", rng.uniform(4, 12), True))
        if reach >= 5:
            steps.append(Step("start_implementation", rng.uniform(10, 25), True))
        if reach >= 6:
            steps.append(Step("start_reporting", rng.uniform(90, 200), True))
            if final == Stage.REPORTING and not scenario.overdue:
                steps.append(Step("mission_report", rng.uniform(5, 15), False))
        if reach >= 7:
            steps.append(Step("mission_report", rng.uniform(15, 40), False))
            steps.append(Step("close", rng.uniform(2, 7), True))
        if final == Stage.WITHDRAWN:
            steps.append(Step("withdraw", rng.uniform(5, 30), True))
        if final == Stage.DECLINED and not declined_by_decision:
            steps.append(Step("decline", rng.uniform(3, 10), True))
        return steps

    def _schedule(self, plan):
        """Dates for the steps: the case entered its present stage long enough ago to be due,
        or overdue, or ended a while back."""
        rng, now, scenario = self.rng, self.now, plan.scenario
        steps = plan.steps
        entering = max(i for i, step in enumerate(steps) if step.moves)
        final = scenario.stage
        if final in Stage.ends():
            age = rng.uniform(7, 150) + 365 * scenario.years_ago
        elif final == Stage.IN_IMPLEMENTATION:
            age = rng.uniform(130, 200) if scenario.overdue else rng.uniform(20, 120)
        else:
            days = self._allowed_days(final)
            age = days + rng.uniform(3, 25) if scenario.overdue else days * rng.uniform(0.1, 0.7)
        days_ago = [0.0] * len(steps)
        days_ago[entering] = age
        for i in range(entering - 1, -1, -1):
            days_ago[i] = days_ago[i + 1] + steps[i + 1].gap
        for i in range(entering + 1, len(steps)):
            days_ago[i] = days_ago[i - 1] - min(steps[i].gap, 0.4 * days_ago[i - 1])
        times = []
        for ago in days_ago:
            moment = _at_work(now - timedelta(days=ago), rng)
            if times and moment <= times[-1]:
                moment = times[-1] + timedelta(minutes=rng.randrange(5, 40))
            times.append(moment)
        # Office hours may have put today's steps after the present moment.
        latest = now - timedelta(minutes=1)
        for i in range(len(times) - 1, -1, -1):
            if times[i] > latest:
                times[i] = latest
            latest = times[i] - timedelta(minutes=1)
        plan.times = times

    def _allowed_days(self, stage):
        """The longest a stage may take by its policy, counted from the day it was entered."""
        policy = self.policies.get(stage)
        if policy is None:
            return 30
        return max(policy.days, policy.days_if_no_anchor or 0)

    def _dates(self, plan):
        rng, scenario = self.rng, plan.scenario
        when = {step.name: moment.date() for step, moment in zip(plan.steps, plan.times)}
        received = plan.times[0].date()
        plan.letter_date = received - timedelta(days=rng.randrange(3, 21))
        if "start_implementation" in when:
            started = when["start_implementation"]
            if "start_reporting" in when:
                plan.ends_on = max(started, when["start_reporting"] - timedelta(days=rng.randrange(0, 5)))
            elif scenario.overdue:
                plan.ends_on = started + timedelta(days=rng.randrange(90, 125))
            else:
                plan.ends_on = self.now.date() + timedelta(days=rng.randrange(30, 200))
            plan.period_end = plan.ends_on
            election_day = started + (plan.ends_on - started) * 6 // 10
        else:
            election_day = received + timedelta(days=rng.randrange(150, 420))
            plan.period_end = election_day + timedelta(days=rng.randrange(60, 120))
        if scenario.short_notice:
            election_day = received + timedelta(days=rng.randrange(75, 110))
        election_day = max(election_day, received + timedelta(days=30))
        if plan.origin == GA:
            kinds = [ElectionType.REFERENDUM]
        elif plan.origin == SC or rng.random() < 0.3:
            kinds = [ElectionType.PRESIDENTIAL, ElectionType.PARLIAMENTARY]
        else:
            population, cumulative = _weighted(ELECTION_WEIGHTS.items())
            kinds = [rng.choices(population, cum_weights=cumulative)[0]]
        plan.elections = [(kind, election_day + timedelta(days=28 * i)) for i, kind in enumerate(kinds)]
        if scenario.defer:
            plan.revisit_on = self.now.date() + timedelta(days=rng.randrange(15, 45))
        if plan.origin in Origin.mandates():
            plan.mandate_symbol = _mandate_symbol(rng, plan.origin, plan.letter_date.year)

    def _words(self, plan):
        rng = self.rng
        elections = "the " + _join(ELECTION_WORDS[kind] for kind, _day in plan.elections)
        types = _join(TYPE_WORDS.get(t.code, t.name.lower()) for t in plan.types)
        state = plan.state.name
        if plan.origin == SC:
            summary = (f"Security Council resolution {plan.mandate_symbol} asks the Secretary-General to support the "
                       f"national authorities of {state} with {types} for {elections}.")
        elif plan.origin == GA:
            summary = (f"General Assembly resolution {plan.mandate_symbol} requests the supervision of {elections} "
                       f"in {state}, with {types}.")
        elif plan.authority_type == AuthorityType.POLITICAL_PARTY:
            party = plan.requesting_authority.split(", ", 1)[1]
            summary = (f"The {party}, an opposition party in {state}, asks the United Nations to observe {elections} "
                       f"and to train its polling agents.")
        elif plan.authority_type == AuthorityType.CIVIL_SOCIETY:
            body = plan.requesting_authority.split(", ", 1)[1]
            summary = f"The {body} of {state} asks for support to domestic observers during {elections}."
        elif plan.origin == EMB:
            body = plan.requesting_authority.split(", ", 1)[1]
            summary = (f"The {body} of {state} asks for {types} for {elections}; "
                       f"the Government has been asked to confirm the request.")
        else:
            summary = rng.choice([
                f"The {plan.requesting_authority} of {state} asks for {types} ahead of {elections}.",
                f"{state} requests {types} in preparation for {elections}, and advice on the electoral calendar.",
                f"Follow-up to earlier assistance: the Government of {state} asks for {types} for {elections}.",
                f"The Government of {state} requests {types} for {elections} and a needs assessment at the "
                f"earliest convenience.",
            ])
        plan.summary = summary

    # Playing

    def _play(self, plan):
        case = None
        for step, moment in zip(plan.steps, plan.times):
            with time_machine.travel(moment, tick=False):
                case = getattr(self, f"_{step.name}")(plan, case)
        return case

    def _attach(self, case, actor, kind, title, lines, *, final=True, comment=""):
        name = f"{case.reference}-{kind.replace('_', '-')}.pdf"
        heading = f"{case.reference} - {title}"
        upload = SimpleUploadedFile(name, demo_pdf(heading, lines), content_type="application/pdf")
        return document_services.attach_document(
            actor=actor, case=case, kind=kind, upload=upload, is_complete=final, comment=comment
        )

    def _register(self, plan, case):
        case = AssistanceRequest(
            member_state=plan.state,
            origin=plan.origin,
            mandate_symbol=plan.mandate_symbol,
            requesting_authority=plan.requesting_authority,
            authority_type=plan.authority_type,
            letter_date=plan.letter_date,
            received_date=timezone.localdate(),
            summary=plan.summary,
            officer=plan.officer,
        )
        case.full_clean(exclude=["reference"])
        elections = [Election(election_type=kind, planned_date=day) for kind, day in plan.elections]
        case = services.register_request(
            actor=self.team.clerk, case=case, requested_types=plan.types, elections=elections,
            comment=self.rng.choice(["Received through the Permanent Mission.", "Received by the focal point.",
                                     "Transmitted by the Resident Coordinator.", ""]),
        )
        signed = f"{plan.requesting_authority}, {plan.state.name}"
        self._attach(case, plan.officer, DocumentKind.REQUEST_LETTER, "Request for electoral assistance",
                     [f"From: {signed}", f"Dated {plan.letter_date:%d %B %Y}", plan.summary[:90]])
        return case

    def _start_review(self, plan, case):
        case = services.start_review(actor=plan.officer, case=case,
                                     comment="Acknowledged by letter; eligibility review opened.")
        self._attach(case, plan.officer, DocumentKind.ACKNOWLEDGEMENT, "Acknowledgement of receipt",
                     [f"To: {plan.requesting_authority}", "The request is under review by the Division."])
        return case

    def _accept_emb(self, plan, case):
        return services.accept_emb_request(
            actor=plan.officer, case=case,
            comment="The Ministry for Foreign Affairs confirmed by note verbale that the Commission's request "
                    "is made on behalf of the Government.",
        )

    def _start_assessment(self, plan, case):
        comment = ("Needs assessment mission to be fielded." if plan.scenario.method == MISSION
                   else "Desk review by the Division, with the Resident Coordinator's office.")
        return services.start_assessment(actor=plan.officer, case=case, method=plan.scenario.method, comment=comment)

    def _update_assessment(self, plan, case, **values):
        """What the admin's assessment form does: save it, and keep what changed in the history."""
        assessment = NeedsAssessment.objects.get(case=case)
        changes = {}
        for name, value in values.items():
            old = getattr(assessment, name)
            if old == value:
                continue
            label = f"{NeedsAssessment._meta.verbose_name}: {NeedsAssessment._meta.get_field(name).verbose_name}"
            changes[label] = [self._shown(old), self._shown(value)]
            setattr(assessment, name, value)
        assessment.full_clean()
        assessment.save()
        services.record_details_changed(actor=plan.officer, case=case, changes=changes, action="assessment_updated")
        if changes:
            # As the admin does: the deadline may count from the mission's return or the report.
            deadlines.refresh_due(actor=plan.officer, case=case, reason=DeadlineReason.ASSESSMENT)
        return assessment

    @staticmethod
    def _shown(value):
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return str(value)

    def _assessment_progress(self, plan, case):
        today = timezone.localdate()
        self._update_assessment(plan, case, tor_sent_on=today - timedelta(days=4), host_clearance_on=today)
        self._attach(case, plan.officer, DocumentKind.TERMS_OF_REFERENCE, "Terms of reference, needs assessment mission",
                     ["Composition: two officers of the Division and one UNDP adviser.", "Duration: ten days."])
        return case

    def _assessment_report(self, plan, case):
        rng, today = self.rng, timezone.localdate()
        values = {
            "report_submitted_on": today,
            "adequate_time": not plan.scenario.short_notice,
            "conditions_exist": plan.scenario.outcome != DecisionOutcome.DECLINE,
            "context": rng.choice(CONTEXTS),
            "national_capacity": rng.choice(CAPACITIES),
            "risks": rng.choice(RISKS),
            "womens_participation": rng.choice(WOMEN),
            "recommendations": rng.choice(RECOMMENDATIONS),
        }
        if plan.scenario.short_notice:
            values["adequate_time_notes"] = "Less than four months remain before election day."
        if plan.scenario.outcome == DecisionOutcome.DECLINE:
            values["conditions_notes"] = "The main opposition parties have been excluded from the process."
        if plan.scenario.method == MISSION:
            values.update(deployed_from=today - timedelta(days=14), deployed_until=today - timedelta(days=5))
        self._update_assessment(plan, case, **values)
        self._attach(case, plan.officer, DocumentKind.ASSESSMENT_REPORT, "Needs assessment report",
                     [values["context"][:95], values["recommendations"][:95]])
        return case

    def _submit_assessment(self, plan, case):
        return services.submit_assessment(actor=plan.officer, case=case,
                                          comment="Assessment report submitted to the focal point.")

    def _decide(self, plan, case):
        focal, today, rng = self.team.focal_point, timezone.localdate(), self.rng
        if plan.scenario.defer and case.stage == Stage.AWAITING_DECISION and plan.revisit_on:
            revisit_on, plan.revisit_on = plan.revisit_on, None
            return services.record_decision(
                actor=focal, case=case, outcome=DecisionOutcome.DEFER, revisit_on=revisit_on,
                reason="The electoral calendar is not yet adopted; to be considered again once it is.",
            )
        outcome = plan.scenario.outcome
        if outcome == DecisionOutcome.DECLINE:
            case = services.record_decision(actor=focal, case=case, outcome=outcome, reason=rng.choice(DECLINE_REASONS))
        else:
            kinds = plan.types[:1] if outcome == DecisionOutcome.NARROW else plan.types
            case = services.record_decision(
                actor=focal,
                case=case,
                outcome=outcome,
                assistance_types=kinds,
                phase=rng.choice([ElectoralPhase.PRE_ELECTORAL, ElectoralPhase.WHOLE_CYCLE, ElectoralPhase.ELECTORAL]),
                period_start=today + timedelta(days=7),
                period_end=max(plan.period_end, today + timedelta(days=30)),
                scope=rng.choice(NARROW_SCOPES) if outcome == DecisionOutcome.NARROW else "",
                short_notice_justification=rng.choice(JUSTIFICATIONS)
                if plan.scenario.short_notice or is_short_notice(case) else "",
            )
        self._attach(case, focal, DocumentKind.DECISION_LETTER, "Letter on the parameters of assistance",
                     [f"To: {plan.requesting_authority}", f"Outcome: {DecisionOutcome(outcome).label}"])
        return case

    def _start_implementation(self, plan, case):
        if plan.origin == SC:
            modality = ImplementationModality.MISSION_COMPONENT
        else:
            modality = self.rng.choice([ImplementationModality.UNDP_PROJECT] * 3 + [ImplementationModality.ROSTER_EXPERTS])
        return services.start_implementation(actor=plan.officer, case=case, modality=modality, ends_on=plan.ends_on,
                                             comment="Project document signed.")

    def _start_reporting(self, plan, case):
        return services.start_reporting(actor=plan.officer, case=case,
                                        comment="Implementation ended; the mission report is being drafted.")

    def _mission_report(self, plan, case):
        final = plan.scenario.stage == Stage.CLOSED
        self._attach(case, plan.officer, DocumentKind.MISSION_REPORT, "Mission report",
                     ["Results of the assistance, lessons learned and recommendations."],
                     final=final, comment="" if final else "Draft for comments.")
        return case

    def _close(self, plan, case):
        return services.close_case(actor=self.team.focal_point, case=case, comment="Mission report filed.")

    def _withdraw(self, plan, case):
        return services.withdraw(actor=plan.officer, case=case, comment=self.rng.choice(WITHDRAWALS))

    def _decline(self, plan, case):
        reason = INELIGIBLE_REASONS.get(plan.authority_type, "The request does not come from an organ able to bind the State.")
        return services.decline_request(actor=self.team.focal_point, case=case, comment=reason)


# A large data set, bulk-inserted --------------------------------------------------------


class _Now(Exception):
    """The next step of a simulated case would fall after the present moment."""


@contextmanager
def _timestamps_as_given(*models):
    """Let bulk_create keep the past dates given to auto_now / auto_now_add fields."""
    saved = []
    for model in models:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                saved.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@contextmanager
def _no_query_log():
    """Write without DEBUG's query log: it keeps the SQL of every statement and, on SQLite,
    runs a second query to quote its parameters, adding about half to the time of the inserts."""
    with override_settings(DEBUG=False):
        yield


class _Rows:
    """Builds instances of a model from positional values.

    ``Model(**fields)`` looks up every field's default and pops every keyword, several
    times the cost of the positional path, for a few hundred thousand instances. Values
    are given by attname; a field not given gets its default, so a field added to the
    model later still gets a value.
    """

    def __init__(self, model):
        self.model = model
        self.fields = [
            (f.attname, True, f.default) if f.has_default() and callable(f.default) else (f.attname, False, f.get_default())
            for f in model._meta.concrete_fields
        ]

    def __call__(self, **values):
        return self.model(*[
            values[name] if name in values else (default() if call else default) for name, call, default in self.fields
        ])


class _PlainInsert:
    """Rows of one model written with plain INSERT statements.

    For the child rows whose ids nothing needs — history entries, elections, the two
    many-to-many tables: about 12 rows per case, two thirds of all rows. bulk_create
    passes each value through three or four field methods and assembles each row's SQL,
    which for these rows took longer than everything else together (about 35 s of a
    100,000-case run on SQLite). Values are converted as bulk_create would convert them
    (datetimes and dates by the backend, JSON by the field); a column added to the model
    later gets its default.
    """

    def __init__(self, model, columns):
        ops = connection.ops
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.primary_key}
        unknown = set(columns) - set(fields)
        if unknown:
            raise CommandError(f"{model.__name__} has no column {', '.join(sorted(unknown))}.")
        extra = [f for name, f in fields.items() if name not in columns]
        self.extra = tuple(
            ops.adapt_datetimefield_value(timezone.now()) if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            else f.get_db_prep_save(f.get_default(), connection)
            for f in extra
        )
        converters = {
            "DateTimeField": ops.adapt_datetimefield_value,
            "DateField": ops.adapt_datefield_value,
        }
        self.convert = []
        for index, name in enumerate(columns):
            field = fields[name]
            internal = field.get_internal_type()
            if internal == "JSONField":
                self.convert.append((index, lambda value, field=field: field.get_db_prep_save(value, connection)))
            elif internal in converters:
                self.convert.append((index, converters[internal]))
        quote = ops.quote_name
        names = [fields[name].column for name in columns] + [f.column for f in extra]
        table, columns_sql = quote(model._meta.db_table), ", ".join(quote(n) for n in names)
        self.insert = "INSERT INTO {} ({}) VALUES ({})".format(table, columns_sql, ", ".join(["%s"] * len(names)))
        # PostgreSQL loads rows fastest with COPY; elsewhere (SQLite) executemany runs one
        # prepared statement for all rows.
        self.copy = f"COPY {table} ({columns_sql}) FROM STDIN" if connection.vendor == "postgresql" else None

    def __call__(self, rows):
        if not rows:
            return 0
        if self.convert or self.extra:
            converted = []
            for row in rows:
                row = list(row)
                for index, convert in self.convert:
                    row[index] = convert(row[index])
                converted.append((*row, *self.extra))
            rows = converted
        with connection.cursor() as cursor:
            if self.copy is None:
                cursor.executemany(self.insert, rows)
            else:
                with cursor.copy(self.copy) as copy:
                    for row in rows:
                        copy.write_row(row)
        return len(rows)


SHARED_REPORT_NAME = "cases/bulk/mission-report.pdf"


class BulkSeeder:
    """N more cases, simulated from registration to the present and written in bulk.

    Why bulk here and nowhere else: a hundred thousand cases through the services would
    take hours (each action locks the case, checks its guards and writes its event in its
    own transaction, and the demo set plays each step under a moved clock). The
    benchmarks need that volume, so this simulation writes the rows the services would
    write — the case with stage, stage_entered_at and stage_due_at from
    ``deadlines.due_at``, its elections and requested types, a "registered" event and one
    event per action, assessments and decisions for cases past those stages, the final
    mission report of a closed case — a thousand cases per transaction: bulk_create for
    the rows whose ids are needed (cases, assessments, decisions, documents), plain
    INSERTs for the others (see ``_PlainInsert``). It reserves its reference numbers from
    ReferenceCounter first, so later registrations never reuse one. Everything else in
    the project writes through the services; so does the demo set above.
    """

    YEARS = 12  # cases were registered over the last twelve years

    def __init__(self, *, rng, team, now, stdout, batch_size=1000):
        self.rng = rng
        self.now = now
        self.stdout = stdout
        self.batch_size = batch_size
        self.officers = [user.pk for user in team.officers]
        self.focal_point = team.focal_point.pk
        self.types = {t.code: t for t in AssistanceType.objects.all()}
        self.policies = deadlines.policies()
        states = list(MemberState.objects.order_by("iso3"))
        per_region = Counter(s.regional_group for s in states)
        self.states, self.state_weights = _weighted(
            [(s, REGION_WEIGHTS[s.regional_group] / per_region[s.regional_group]) for s in states]
        )
        self.origins, self.origin_weights = _weighted(ORIGIN_WEIGHTS.items())
        self.authorities, self.authority_weights = _weighted([((a, t), w) for a, t, w in GOVERNMENT_AUTHORITIES])
        self.common_types, self.common_type_weights = _weighted(COMMON_TYPES)
        self.election_kinds, self.election_weights = _weighted(ELECTION_WEIGHTS.items())
        self.new_case, self.new_assessment = _Rows(AssistanceRequest), _Rows(NeedsAssessment)
        self.new_decision, self.new_document = _Rows(Decision), _Rows(CaseDocument)
        self.insert_events = _PlainInsert(
            CaseEvent, ("case_id", "actor_id", "action", "from_stage", "to_stage", "created_at", "comment", "details")
        )
        self.insert_elections = _PlainInsert(Election, ("case_id", "election_type", "planned_date"))
        self.insert_requested_types = _PlainInsert(
            AssistanceRequest.requested_types.through, ("assistancerequest_id", "assistancetype_id")
        )
        self.insert_decision_types = _PlainInsert(Decision.assistance_types.through, ("decision_id", "assistancetype_id"))
        self.type_ids = {code: t.pk for code, t in self.types.items()}
        self.stages = Counter()
        self.overdue = 0
        self.rows = Counter()

    def run(self, count):
        started = time.monotonic()
        self._ensure_shared_report()
        now = self.now
        window = self.YEARS * 365 * 86400
        registered = sorted(now - timedelta(seconds=self.rng.random() * window) for _ in range(count))
        registered = [_at_work(moment, self.rng) if moment.date() < now.date() else moment for moment in registered]
        registered.sort()
        first_number = self._reserve_references(Counter(timezone.localtime(m).year for m in registered))
        self.stdout.write(f"Writing {count:,} cases in batches of {self.batch_size:,}…")
        step = max(self.batch_size, (count // 10) // self.batch_size * self.batch_size)
        for offset in range(0, count, self.batch_size):
            batch = []
            for moment in registered[offset:offset + self.batch_size]:
                year = timezone.localtime(moment).year
                reference = f"EAS-{year}-{first_number[year]:04d}"  # as services.workflow.next_reference
                first_number[year] += 1
                batch.append(self._simulate(moment, reference))
            with _no_query_log(), transaction.atomic(), _timestamps_as_given(AssistanceRequest, NeedsAssessment, CaseDocument):
                self._write(batch)
            done = offset + len(batch)
            if done % step == 0 or done == count:
                self.stdout.write(f"  {done:>9,} cases  {time.monotonic() - started:6.1f} s")
        return time.monotonic() - started

    def _ensure_shared_report(self):
        # Closed cases share one stored file: the rows are what the benchmarks need.
        if not default_storage.exists(SHARED_REPORT_NAME):
            default_storage.save(SHARED_REPORT_NAME, ContentFile(demo_pdf(
                "Mission report", ["Results of the assistance, lessons learned and recommendations."])))
        self.shared_report_size = default_storage.size(SHARED_REPORT_NAME)

    def _reserve_references(self, per_year):
        """Take the numbers this run will use from the counters, so no registration reuses them."""
        first = {}
        with transaction.atomic():
            for year in sorted(per_year):
                ReferenceCounter.objects.get_or_create(year=year)
                counter = ReferenceCounter.objects.select_for_update().get(year=year)
                first[year] = counter.last_number + 1
                counter.last_number += per_year[year]
                counter.save(update_fields=["last_number"])
        return first

    # One case, from its registration to the present moment

    def _simulate(self, registered_at, reference):
        rng, now = self.rng, self.now
        origin = _pick(rng, self.origins, self.origin_weights)
        state = _pick(rng, self.states, self.state_weights)
        received = timezone.localtime(registered_at).date()
        mandate_symbol = ""
        if origin == Origin.GOVERNMENT:
            authority_type, requesting_authority = _pick(rng, self.authorities, self.authority_weights)
        elif origin == Origin.ELECTORAL_BODY:
            authority_type, requesting_authority = AuthorityType.ELECTORAL_BODY, f"Chairperson, {rng.choice(ELECTORAL_BODIES)}"
        elif origin == Origin.OTHER_BODY:
            if rng.random() < 0.7:
                authority_type, requesting_authority = AuthorityType.POLITICAL_PARTY, f"Secretary-General, {rng.choice(PARTIES)}"
            else:
                authority_type, requesting_authority = AuthorityType.CIVIL_SOCIETY, f"Coordinator, {rng.choice(CIVIL_SOCIETY)}"
        else:
            authority_type = AuthorityType.UN_ORGAN
            requesting_authority = "Security Council" if origin == Origin.SECURITY_COUNCIL else "General Assembly"
            mandate_symbol = _mandate_symbol(rng, origin, received.year)

        first_day = received + timedelta(days=int(rng.triangular(60, 720, 330)))
        kind = _pick(rng, self.election_kinds, self.election_weights)
        elections = [(kind, first_day)]
        if rng.random() < 0.15:
            elections.append((ElectionType.LOCAL if kind != ElectionType.LOCAL else ElectionType.OTHER,
                              first_day + timedelta(days=rng.randrange(30, 240))))
        codes = []
        for _ in range(rng.choice((1, 2, 2, 3, 3, 4))):
            code = _pick(rng, self.common_types, self.common_type_weights)
            if code not in codes:
                codes.append(code)
        if origin in Origin.mandates() and rng.random() < 0.2:
            codes.append(rng.choice(("observation", "supervision", "certification")))
        words = "the " + _join(ELECTION_WORDS[k] for k, _d in elections)
        summary = (f"{'Mandate' if mandate_symbol else 'Request'} for "
                   f"{_join(TYPE_WORDS[c] for c in codes)} for {words} of {first_day:%B %Y} in {state.name}.")
        officer = rng.choice(self.officers)
        case = self.new_case(
            reference=reference,
            member_state_id=state.pk,
            origin=origin,
            mandate_symbol=mandate_symbol,
            requesting_authority=requesting_authority,
            authority_type=authority_type,
            letter_date=received - timedelta(days=rng.randrange(2, 30)),
            received_date=received,
            summary=summary,
            officer_id=officer,
            created_at=registered_at,
            stage_entered_at=registered_at,
            emb_request_accepted_at=None,
            implementation_modality="",
            implementation_ends_on=None,
        )
        record = {"case": case, "elections": elections, "types": codes, "assessment": None, "decision": None,
                  "document": None, "events": []}
        events = record["events"]
        stage, entered = Stage.RECEIVED, registered_at
        events.append([officer, "registered", "", Stage.RECEIVED, registered_at, "",
                       {"origin": origin, "authority": authority_type}])
        clock = [registered_at]

        def advance(low, mode, high):
            # Some days later, during office hours (or a little later the same day).
            last = clock[0]
            moment = last.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(
                days=int(rng.triangular(low, high, mode)), seconds=28800 + int(rng.random() * 36000)
            )
            if moment <= last:
                moment = last + timedelta(minutes=rng.randrange(5, 120))
            if moment >= now:
                raise _Now
            clock[0] = moment
            return moment

        def move(action, to_stage, at, actor=officer, comment="", details=None):
            nonlocal stage, entered
            events.append([actor, action, stage, to_stage, at, comment, details or {}])
            stage, entered = to_stage, at

        try:
            if origin not in Origin.mandates():
                move("start_review", Stage.UNDER_REVIEW, advance(0.1, 2, 12), comment="Acknowledged by letter.")
                if authority_type in AuthorityType.never_eligible() or rng.random() < 0.02:
                    at = advance(2, 9, 35)
                    if rng.random() < 0.9:
                        reason = INELIGIBLE_REASONS.get(authority_type, "The signatory cannot bind the State.")
                        move("decline_request", Stage.DECLINED, at, actor=self.focal_point, comment=reason)
                    else:
                        move("withdraw", Stage.WITHDRAWN, at, comment=rng.choice(WITHDRAWALS))
                    raise _Now
                if origin == Origin.ELECTORAL_BODY:
                    at = advance(1, 5, 20)
                    events.append([officer, "accept_emb_request", stage, stage, at,
                                   "The Government confirmed the request by note verbale.", {}])
                    case.emb_request_accepted_at = at
                if rng.random() < 0.02:
                    move("withdraw", Stage.WITHDRAWN, advance(2, 10, 40), comment=rng.choice(WITHDRAWALS))
                    raise _Now
            method = MISSION if rng.random() < (0.9 if origin == Origin.SECURITY_COUNCIL else 0.55) else DESK
            at = advance(1, 6, 25)
            move("start_assessment", Stage.NEEDS_ASSESSMENT, at, details={"method": method})
            assessment = self.new_assessment(method=method, created_at=at, updated_at=at)
            record["assessment"] = assessment
            short_notice = received + relativedelta(months=4) > first_day
            if method == MISSION:
                assessment.tor_sent_on = advance(2, 5, 12).date()
                assessment.host_clearance_on = advance(2, 7, 20).date()
                assessment.deployed_from = advance(2, 6, 15).date()
                assessment.deployed_until = advance(5, 9, 14).date()
                report_at = advance(3, 10, 30)
            else:
                report_at = advance(7, 20, 70)
            assessment.report_submitted_on = report_at.date()
            assessment.adequate_time = not short_notice or rng.random() < 0.5
            assessment.conditions_exist = rng.random() < 0.93
            assessment.context, assessment.national_capacity = rng.choice(CONTEXTS), rng.choice(CAPACITIES)
            assessment.risks, assessment.womens_participation = rng.choice(RISKS), rng.choice(WOMEN)
            assessment.recommendations = rng.choice(RECOMMENDATIONS)
            assessment.updated_at = report_at
            if rng.random() < 0.03:
                move("withdraw", Stage.WITHDRAWN, advance(1, 10, 40), comment=rng.choice(WITHDRAWALS))
                raise _Now
            move("submit_assessment", Stage.AWAITING_DECISION, advance(0.05, 1, 4))

            at = advance(1, 8, 35)
            assisting = assessment.conditions_exist and rng.random() < 0.96
            outcome = (rng.choice((DecisionOutcome.ASSIST,) * 6 + (DecisionOutcome.NARROW,))
                       if assisting else DecisionOutcome.DECLINE)
            decision = self.new_decision(outcome=outcome, decided_by_id=self.focal_point, decided_at=at,
                                communicated_on=at.date())
            record["decision"] = decision
            details = record["decision_details"] = {"decision": None, "outcome": outcome}
            if assisting:
                allowed = [c for c in codes if origin in Origin.mandates() or not self.types[c].requires_mandate]
                decision.codes = allowed[:1] if outcome == DecisionOutcome.NARROW else allowed
                decision.phase = rng.choice(list(ElectoralPhase.values))
                decision.period_start = at.date() + timedelta(days=rng.randrange(7, 30))
                if first_day > decision.period_start + timedelta(days=30):
                    ends_on = first_day + timedelta(days=int(rng.triangular(30, 180, 90)))
                else:
                    ends_on = decision.period_start + timedelta(days=int(rng.triangular(60, 365, 180)))
                decision.period_end = ends_on
                if outcome == DecisionOutcome.NARROW:
                    decision.scope = rng.choice(NARROW_SCOPES)
                if short_notice or not assessment.adequate_time:
                    decision.short_notice_justification = rng.choice(JUSTIFICATIONS)
                details.update(types=decision.codes, phase=decision.phase,
                               period=[decision.period_start.isoformat(), ends_on.isoformat()])
                move("record_decision", Stage.DECISION_COMMUNICATED, at, actor=self.focal_point, details=details)
            else:
                decision.codes = []
                decision.reason = rng.choice(DECLINE_REASONS)
                move("record_decision", Stage.DECLINED, at, actor=self.focal_point, details=details)
                raise _Now
            if rng.random() < 0.02:
                move("withdraw", Stage.WITHDRAWN, advance(3, 15, 60), comment=rng.choice(WITHDRAWALS))
                raise _Now

            at = advance(5, 20, 75)
            ends_on = max(ends_on, at.date() + timedelta(days=30))
            if origin == Origin.SECURITY_COUNCIL:
                modality = ImplementationModality.MISSION_COMPONENT
            else:
                modality = rng.choice((ImplementationModality.UNDP_PROJECT,) * 6
                                      + (ImplementationModality.ROSTER_EXPERTS,) * 3 + (ImplementationModality.OTHER,))
            case.implementation_modality, case.implementation_ends_on = modality, ends_on
            move("start_implementation", Stage.IN_IMPLEMENTATION, at,
                 details={"modality": modality, "ends_on": ends_on.isoformat()}, comment="Project document signed.")
            if rng.random() < 0.02:
                move("withdraw", Stage.WITHDRAWN, advance(10, 60, 200), comment=rng.choice(WITHDRAWALS))
                raise _Now
            # Reporting starts around the planned end, sometimes well after it.
            ended = deadlines.end_of_day(ends_on) + timedelta(days=rng.triangular(-10, 150, 10))
            clock[0] = max(clock[0], ended - timedelta(days=0.1))
            move("start_reporting", Stage.REPORTING, advance(0.05, 0.5, 1))
            at = advance(7, 45, 150)
            record["document"] = self.new_document(
                kind=DocumentKind.MISSION_REPORT, file=SHARED_REPORT_NAME, original_name=f"{reference}-mission-report.pdf",
                size=self.shared_report_size, is_complete=True, uploaded_by_id=officer, uploaded_at=at,
            )
            record["document_details"] = details = {"document": None, "kind": DocumentKind.MISSION_REPORT,
                                                    "name": record["document"].original_name, "final": True}
            events.append([officer, "document_attached", "", "", at, "", details])
            move("close", Stage.CLOSED, advance(0.1, 3, 20), comment="Mission report filed.")
        except _Now:
            pass

        # stage_due_at is set once the elections and the assessment it may count from are written.
        case.stage, case.stage_entered_at, case.stage_due_at = stage, entered, None
        case.updated_at = events[-1][4]
        self.stages[str(stage)] += 1
        return record

    # Writing a batch

    def _set_deadlines(self, open_cases):
        """Each open case's deadline, as deadlines.due_at gives it from the policy of its stage."""
        if not open_cases:
            return
        prefetch_related_objects(open_cases, "elections", "assessment")
        for case in open_cases:
            case.stage_due_at = deadlines.due_at(
                case, case.stage, case.stage_entered_at, policy=self.policies.get(case.stage)
            )
            if case.stage_due_at is not None and case.stage_due_at < self.now:
                self.overdue += 1
        AssistanceRequest.objects.bulk_update(open_cases, ["stage_due_at"], batch_size=self.batch_size)

    def _write(self, batch):
        size = self.batch_size
        type_ids = self.type_ids
        cases = [record["case"] for record in batch]
        AssistanceRequest.objects.bulk_create(cases, batch_size=size)
        elections, requested, assessments = [], [], []
        for record in batch:
            case_id = record["case"].pk
            elections += [(case_id, kind, day) for kind, day in record["elections"]]
            requested += [(case_id, type_ids[code]) for code in record["types"]]
            if record["assessment"] is not None:
                record["assessment"].case_id = case_id
                assessments.append(record["assessment"])
        self.insert_elections(elections)
        self.insert_requested_types(requested)
        NeedsAssessment.objects.bulk_create(assessments, batch_size=size)
        self._set_deadlines([case for case in cases if case.stage not in Stage.ends()])

        decisions, documents = [], []
        for record in batch:
            if record["decision"] is not None:
                record["decision"].case_id = record["case"].pk
                record["decision"].assessment_id = record["assessment"].pk
                decisions.append(record["decision"])
            if record["document"] is not None:
                record["document"].case_id = record["case"].pk
                documents.append(record["document"])
        Decision.objects.bulk_create(decisions, batch_size=size)
        CaseDocument.objects.bulk_create(documents, batch_size=size)
        decision_types = [(d.pk, type_ids[code]) for d in decisions for code in d.codes]
        self.insert_decision_types(decision_types)

        events = []
        for record in batch:
            if record["decision"] is not None:
                record["decision_details"]["decision"] = record["decision"].pk
            if record["document"] is not None:
                record["document_details"]["document"] = record["document"].pk
            case_id = record["case"].pk
            events += [(case_id, *event) for event in record["events"]]
        self.insert_events(events)
        self.rows.update(
            cases=len(cases), elections=len(elections), requested_types=len(requested),
            assessments=len(assessments), decisions=len(decisions), decision_types=len(decision_types),
            documents=len(documents), events=len(events),
        )


# The command -------------------------------------------------------------------------


class Command(BaseCommand):
    help = "Create the demo users and cases in every stage (or, with --cases N, N more cases in bulk)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing at all when the database already holds a case."
        )
        parser.add_argument(
            "--cases", type=int, metavar="N",
            help="Bulk-insert N more cases with realistic histories instead of the demo set (for benchmarks).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED}: the same data each time)."
        )
        parser.add_argument("--batch-size", type=int, default=1000, help="Cases written per transaction with --cases.")

    def handle(self, *args, if_empty=False, cases=None, seed=DEFAULT_SEED, batch_size=1000, **options):
        if cases is not None and cases < 0:
            raise CommandError("--cases must be zero or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if if_empty and AssistanceRequest.objects.exists():
            self.stdout.write("The database already holds cases: nothing to seed.")
            return
        rng = random.Random(seed)
        now = timezone.now()
        team = ensure_users()
        self.stdout.write(
            f"Users: admin (superuser) and {', '.join(m.username for m in STAFF)} (staff); "
            f"those created here have the password {DEMO_PASSWORD}."
        )
        if cases is None:
            started = time.monotonic()
            created, skipped = DemoSeeder(seed=seed, team=team, now=now, stdout=self.stdout).run()
            message = f"Demo cases: {created} created"
            if skipped:
                message += f", {skipped} already there"
            self.stdout.write(f"{message} ({time.monotonic() - started:.1f} s).")
            # What the cases draw on (paras 6-9), recorded through the services on the cases above.
            partners, contributions = seed_partners(focal_point=team.focal_point, seed=seed)
            self.stdout.write(f"Partners: {partners}, with {contributions} new contributions to assisted cases.")
            seed_roster(team=team, stdout=self.stdout)
            seed_trust_fund(team=team, stdout=self.stdout, seed=seed, password=DEMO_PASSWORD)
            self.stdout.write(self.style.SUCCESS(f"Demo data ready ({time.monotonic() - started:.1f} s)."))
            return
        seeder = BulkSeeder(rng=rng, team=team, now=now, stdout=self.stdout, batch_size=batch_size)
        elapsed = seeder.run(cases) if cases else 0.0
        rows = ", ".join(f"{count:,} {name.replace('_', ' ')}" for name, count in seeder.rows.items())
        stages = ", ".join(f"{stage} {seeder.stages[stage]:,}" for stage in Stage.values if seeder.stages[stage])
        self.stdout.write(f"Rows: {rows or 'none'}.")
        self.stdout.write(f"Stages: {stages or '—'}; {seeder.overdue:,} overdue.")
        self.stdout.write(self.style.SUCCESS(f"{cases:,} cases created in {elapsed:.1f} s."))
