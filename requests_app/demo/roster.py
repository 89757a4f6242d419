"""Demo data for the roster (paras 8-9): about thirty experts and a few deployments on the demo
cases, booked (and one cancelled) through requests_app.roster.services, so each is in its case's
history. Called at the end of ``seed_demo`` (not with ``--cases``); running it again adds nothing.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from requests_app.cases import selectors
from requests_app.cases.choices import Stage
from requests_app.cases.models import AssistanceRequest
from requests_app.core.errors import ActionRefused
from requests_app.reference.models import AssistanceType, MemberState
from requests_app.roster import services as roster_services
from requests_app.roster.models import Deployment, Expert, Language

# X: other, as passports write it.
F, M, X, U = Expert.Gender.FEMALE, Expert.Gender.MALE, Expert.Gender.OTHER, Expert.Gender.UNDISCLOSED

# given name, family name, gender, nationality (ISO), languages, expertise, (available from, until) in days from today
EXPERTS = [
    ("Aminata", "Diallo", F, "SEN", ["fr", "en"], ["legal-framework", "dispute-resolution"], None),
    ("Kwame", "Mensah", M, "GHA", ["en", "fr"], ["voter-registration", "voting-counting"], None),
    ("Fatima", "Bello", F, "NGA", ["en", "ha"], ["civic-education", "training"], None),
    ("Tesfaye", "Alemu", M, "ETH", ["am", "en"], ["voting-counting", "procurement"], (30, None)),
    ("Grace", "Wanjiru", F, "KEN", ["en", "sw"], ["results-management", "national-observers"], None),
    ("Youssef", "Benali", M, "MAR", ["ar", "fr", "en"], ["legal-framework", "electoral-security"], None),
    ("Nadia", "El-Sayed", F, "EGY", ["ar", "en"], ["expert-panel", "dispute-resolution"], (None, 240)),
    ("Hamza", "Abdi", M, "SOM", ["so", "ar", "en"], ["electoral-security"], None),
    ("Mariana", "Costa", F, "BRA", ["pt", "es", "en"], ["voter-registration", "results-management"], None),
    ("Diego", "Ramírez", M, "MEX", ["es", "en"], ["procurement", "voting-counting"], None),
    ("Lucía", "Fernández", F, "ARG", ["es", "pt"], ["civic-education", "national-observers"], None),
    ("Jean-Baptiste", "Pierre", M, "HTI", ["fr", "es"], ["training", "voter-registration"], (60, 400)),
    ("Camila", "Rojas", F, "CHL", ["es", "en"], ["legal-framework", "international-observers"], None),
    ("Andrés", "Quispe", U, "BOL", ["es"], ["voting-counting"], None),
    ("Mei", "Chen", F, "CHN", ["zh", "en"], ["results-management", "training"], None),
    ("Arjun", "Sharma", M, "IND", ["hi", "en"], ["voter-registration", "donor-coordination"], None),
    ("Siti", "Rahman", F, "IDN", ["id", "en"], ["civic-education", "national-observers"], None),
    ("Farid", "Karimi", M, "AFG", ["ps", "fa", "en"], ["electoral-security", "voting-counting"], (None, 120)),
    ("Layla", "Nasser", F, "JOR", ["ar", "en", "fr"], ["legal-framework", "expert-panel"], None),
    ("Kenji", "Sato", M, "JPN", ["en"], ["procurement", "results-management"], None),
    ("Sione", "Tupou", X, "TON", ["en"], ["civic-education"], None),
    ("Olena", "Kovalenko", F, "UKR", ["uk", "ru", "en"], ["results-management", "legal-framework"], None),
    ("Giorgi", "Beridze", M, "GEO", ["ru", "en"], ["dispute-resolution", "training"], None),
    ("Aigerim", "Bekova", F, "KAZ", ["ru", "en"], ["voter-registration"], None),
    ("Ana", "Popescu", F, "ROU", ["en", "fr"], ["expert-panel", "international-observers"], (14, None)),
    ("Claire", "Dubois", F, "FRA", ["fr", "en", "ar"], ["legal-framework", "donor-coordination"], None),
    ("Henrik", "Larsen", M, "NOR", ["en", "de"], ["voting-counting", "procurement"], None),
    ("Mehmet", "Yılmaz", M, "TUR", ["tr", "en", "ar"], ["electoral-security"], None),
    ("Sarah", "O'Connor", F, "IRL", ["en"], ["training", "national-observers"], None),
    ("Alex", "Morgan", X, "CAN", ["en", "fr"], ["national-observers", "civic-education"], None),
    ("Isabel", "Ferreira", F, "PRT", ["pt", "en", "es"], ["results-management"], None),
    ("Pedro", "Santos", M, "TLS", ["pt", "en", "id"], ["voter-registration", "voting-counting"], None),
]
# One taken off the roster: their past deployments stay in the record.
OFF_ROSTER = {("Andrés", "Quispe")}

# (expert's family name, role, start and end in days from today, cancelled with this reason)
Booking = tuple[str, str, int, int, str | None]
# The bookings of the first cases at each stage: one list of bookings per case.
DEPLOYMENTS: dict[str, list[list[Booking]]] = {
    Stage.IN_IMPLEMENTATION: [
        [
            ("Diallo", "Legal adviser", -40, 35, None),
            ("Mensah", "Voter registration expert", -20, 60, None),
            ("Wanjiru", "Results management expert", 10, 45, None),
        ],
        [("Costa", "Chief electoral adviser", -60, 90, None), ("Ramírez", "Procurement specialist", 5, 40, None)],
        [
            ("Chen", "Results management expert", -10, 30, None),
            (
                "Sharma",
                "Voter registration expert",
                20,
                50,
                "The electoral body asked to postpone the registration drive.",
            ),
        ],
        [
            ("Kovalenko", "Legal adviser", -90, -30, None),
            ("Beridze", "Electoral dispute resolution expert", 15, 75, None),
        ],
    ],
    Stage.DECISION_COMMUNICATED: [
        [("Nasser", "Expert panel member", 21, 35, None), ("Dubois", "Expert panel member", 21, 35, None)],
    ],
    Stage.NEEDS_ASSESSMENT: [
        [("Benali", "Needs assessment mission member", 7, 17, None)],
    ],
}


def seed_roster(*, team, stdout=None):
    """The experts, then their deployments; returns (experts created, deployments booked)."""
    today = timezone.localdate()
    states = {s.iso3: s for s in MemberState.objects.filter(iso3__in={row[3] for row in EXPERTS})}
    languages = {language.code: language for language in Language.objects.all()}
    types = {t.code: t for t in AssistanceType.objects.all()}
    created = 0
    experts = {}
    with transaction.atomic():
        for given, family, gender, iso3, codes, areas, window in EXPERTS:
            start, end = window or (None, None)
            email = f"{given}.{family}".lower().replace(" ", "").replace("'", "")
            expert, is_new = Expert.objects.get_or_create(
                email=f"{_ascii(email)}@roster.example.org",
                defaults={
                    "given_name": given,
                    "family_name": family,
                    "gender": gender,
                    "nationality": states[iso3],
                    "available_from": today + timedelta(days=start) if start is not None else None,
                    "available_until": today + timedelta(days=end) if end is not None else None,
                    "is_active": (given, family) not in OFF_ROSTER,
                },
            )
            if is_new:
                expert.languages.set([languages[c] for c in codes if c in languages])
                expert.expertise.set([types[c] for c in areas])
                created += 1
            experts[family] = expert
    booked = _deploy(experts, team, today)
    if stdout is not None:
        stdout.write(f"Roster: {created} experts created, {booked} deployments booked.")
    return created, booked


def _deploy(experts, team, today):
    """Deployments on the first demo cases of some stages, each through the service."""
    booked = 0
    for stage, plans in DEPLOYMENTS.items():
        cases = list(
            AssistanceRequest.objects.filter(stage=stage).select_related("member_state", "officer").order_by("id")
        )
        for case, plan in zip(cases, plans, strict=False):
            if Deployment.objects.filter(case=case).exists():
                continue  # seeded before
            actor = case.officer if case.officer and selectors.may_work_on(case.officer, case) else team.focal_point
            for family, role, start, end, cancelled in plan:
                expert = experts[family]
                try:
                    deployment = roster_services.deploy_expert(
                        actor=actor,
                        case=case,
                        expert=expert,
                        role=role,
                        starts_on=today + timedelta(days=start),
                        ends_on=today + timedelta(days=end),
                    )
                except ActionRefused:
                    continue  # e.g. the expert's availability leaves no room for it: the demo goes on
                booked += 1
                if cancelled:
                    roster_services.cancel_deployment(actor=actor, deployment=deployment, comment=cancelled)
    return booked


def _ascii(text):
    import unicodedata

    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
