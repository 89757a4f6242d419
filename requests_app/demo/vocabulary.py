"""The words and weights the demo draws its cases from."""

from bisect import bisect
from itertools import accumulate

from django.utils import timezone

from requests_app.cases.choices import AssessmentMethod, AuthorityType, ElectionType, Origin
from requests_app.mandates.models import Organ
from requests_app.reference.models import RegionalGroup

# The words of the cases ---------------------------------------------------------------

# Requests come mostly from Africa, Asia-Pacific and Latin America; hardly from WEOG.
REGION_WEIGHTS: dict[str, int] = {
    RegionalGroup.AFRICAN: 42,
    RegionalGroup.ASIA_PACIFIC: 24,
    RegionalGroup.LATIN_AMERICAN_CARIBBEAN: 20,
    RegionalGroup.EASTERN_EUROPEAN: 11,
    RegionalGroup.WESTERN_EUROPEAN_OTHERS: 3,
}
# Where a case comes from: a request (its origin) or a mandate alone (the organ that gave it).
ORIGIN_WEIGHTS = {
    Origin.GOVERNMENT: 78,
    Origin.ELECTORAL_BODY: 10,
    Organ.SECURITY_COUNCIL: 6,
    Organ.GENERAL_ASSEMBLY: 2,
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
    "electoral-administration": "advice on electoral administration and planning",
    "legal-framework": "advice on the legal framework",
    "boundary-delimitation": "support to boundary delimitation",
    "voter-registration": "support to voter registration",
    "procurement": "budgeting and procurement support",
    "electoral-technology": "advice on electoral technology",
    "voting-counting": "support to voting and counting operations",
    "results-management": "support to results management",
    "civic-education": "voter and civic education",
    "training": "training of electoral staff",
    "dispute-resolution": "support to electoral dispute resolution",
    "electoral-security": "advice on electoral security",
    "women-inclusion": "support to women's participation and inclusion",
    "media": "support on the media's role in elections",
    "donor-coordination": "coordination of donor support",
    "national-observers": "support to domestic observers",
    "international-observers": "coordination of international observers",
    "expert-panel": "a panel of electoral experts",
    "organization-conduct": "the organization and conduct of the elections",
    "observation": "observation of the vote",
    "supervision": "supervision of the vote",
    "certification": "certification of the results",
}
# The technical assistance asked for most often comes first.
COMMON_TYPES = [
    ("voter-registration", 14),
    ("legal-framework", 10),
    ("training", 10),
    ("civic-education", 9),
    ("results-management", 8),
    ("voting-counting", 8),
    ("electoral-administration", 6),
    ("procurement", 6),
    ("dispute-resolution", 5),
    ("electoral-security", 4),
    ("women-inclusion", 4),
    ("electoral-technology", 3),
    ("donor-coordination", 3),
    ("media", 2),
    ("boundary-delimitation", 1),
    ("expert-panel", 4),
    ("national-observers", 4),
    ("international-observers", 2),
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
GROUNDS_TO_RECOMMEND = [
    "The request comes from an organ able to bind the State and names the elections; the Division has worked "
    "with this electoral body before.",
    "The legal framework changed since the last elections: the needs are best seen on the ground.",
    "The request is narrow and well documented; the Division's files and the Resident Coordinator's office are "
    "enough to assess it.",
    "The Government confirmed its support to the request by note verbale; the electoral calendar leaves time "
    "for an assessment.",
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


def _mandate_symbol(rng, organ, year):
    if organ == Organ.SECURITY_COUNCIL:
        return f"S/RES/{2720 + (year - 2024) * 55 + rng.randrange(55)} ({year})"
    return f"A/RES/{year - 1946}/{rng.randrange(120, 320)}"


def _at_work(moment, rng):
    """The same day, during office hours."""
    local = timezone.localtime(moment)
    return local.replace(hour=rng.randrange(8, 18), minute=rng.randrange(60), second=rng.randrange(60), microsecond=0)


MISSION, DESK = AssessmentMethod.MISSION, AssessmentMethod.DESK_REVIEW
EMB = Origin.ELECTORAL_BODY
# A demo case "from" the Security Council or the General Assembly rests on a mandate alone.
SC, GA = Organ.SECURITY_COUNCIL, Organ.GENERAL_ASSEMBLY
MANDATED = frozenset({SC, GA})
