"""Who took part (paras 10-11): the needs assessment mission's members and its consultations, the
vehicle of implementation, and who was told of the decision.

Members and consultations belong to the case's needs assessment; the vehicles to the case, once it
is implemented; a notice links a decision (or one of its amendments) to the letter that told one of
those who must know, a letter of the correspondence register.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from requests_app.cases.models import AssistanceRequest, Decision, NeedsAssessment
from requests_app.core.confidentiality import LEVEL_MAX_LENGTH, Level
from requests_app.core.validators import validate_single_line
from requests_app.correspondence.models import Letter
from requests_app.mandates.models import Mandate
from requests_app.partners.models import Partner
from requests_app.reference.models import MemberState
from requests_app.roster.models import Expert

# How the history names the events this domain writes (registered by RequestsAppConfig.ready).
EVENT_LABELS = {
    "mission_member_added": _("Mission member added"),
    "mission_member_removed": _("Mission member removed"),
    "consultation_recorded": _("Consultation recorded"),
    "consultation_removed": _("Consultation removed"),
    "vehicle_recorded": _("Vehicle of implementation recorded"),
    "vehicle_updated": _("Vehicle of implementation edited"),
}


class Organisation(models.TextChoices):
    """Who sends a member on a needs assessment mission."""

    DPPA_EAD = "dppa_ead", _("DPPA Electoral Assistance Division")
    UNDP = "undp", _("UNDP")
    DPO = "dpo", _("Department of Peace Operations")
    OHCHR = "ohchr", _("OHCHR")
    UN_WOMEN = "un_women", _("UN Women")
    UNOPS = "unops", _("UNOPS")
    REGIONAL = "regional", _("A regional organisation")
    OTHER = "other", _("Other")

    @classmethod
    def named(cls):
        """The organisations whose name the member's record gives (the others are named by the choice)."""
        return frozenset({cls.REGIONAL, cls.OTHER})


class MemberRole(models.TextChoices):
    LEADER = "leader", _("Team leader")
    MEMBER = "member", _("Member")


class MissionMember(models.Model):
    """One member of a needs assessment mission (not of a desk review: a desk review sends no one)."""

    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, related_name="members", verbose_name=_("needs assessment")
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    organisation = models.CharField(_("organisation"), max_length=20, choices=Organisation.choices)
    organisation_name = models.CharField(
        _("name of the organisation"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("For a regional organisation or another one, e.g. African Union Commission."),
    )
    role = models.CharField(_("role on the mission"), max_length=10, choices=MemberRole.choices)
    expert = models.ForeignKey(
        Expert,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="missions",
        verbose_name=_("expert of the roster"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["assessment", "role", "name", "id"]  # the leader first ("leader" < "member")
        verbose_name = _("mission member")
        verbose_name_plural = _("mission members")
        constraints = [
            models.CheckConstraint(
                condition=~Q(organisation__in=["regional", "other"]) | ~Q(organisation_name=""),
                name="member_organisation_named",
                violation_error_message=_("Name the regional or other organisation."),
            ),
        ]

    def __str__(self):
        if not self.name:  # an unsaved row, as a forged form makes one
            return str(_("mission member"))
        return f"{self.name} ({self.organisation_label})"

    @property
    def organisation_label(self):
        """The organisation as the pages name it: its own name for a regional or other one."""
        if self.organisation in Organisation.named() and self.organisation_name:
            return self.organisation_name
        return str(self.get_organisation_display())


class Counterpart(models.TextChoices):
    """With whom a needs assessment consults."""

    RESIDENT_COORDINATOR = "resident_coordinator", _("Resident Coordinator")
    UNDP_COUNTRY_OFFICE = "undp_country_office", _("UNDP country office")
    MISSION_LEADERSHIP = "mission_leadership", _("Mission leadership")
    ELECTORAL_BODY = "electoral_body", _("Electoral management body")
    GOVERNMENT = "government", _("Government")
    POLITICAL_PARTIES = "political_parties", _("Political parties")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    WOMENS_GROUPS = "womens_groups", _("Women's groups")
    INTERNATIONAL_PARTNERS = "international_partners", _("International partners and donors")
    OTHER = "other", _("Other")


class Consultation(models.Model):
    """A meeting of the needs assessment with those it consults, and what came of it (a note, with a level)."""

    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, related_name="consultations", verbose_name=_("needs assessment")
    )
    counterpart = models.CharField(_("with"), max_length=24, choices=Counterpart.choices)
    name = models.CharField(
        _("name or organisation"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("Who was met, e.g. Independent National Electoral Commission, its chair and two commissioners."),
    )
    held_on = models.DateField(_("held on"))
    outcome = models.TextField(_("outcome"), help_text=_("What came of it."))
    level = models.CharField(
        _("level of the outcome"),
        max_length=LEVEL_MAX_LENGTH,
        choices=Level.choices,
        default=Level.INTERNAL,
        help_text=_("Who may read the outcome."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    # Not a field: whether the reader may read the outcome, set by coordination.selectors for the pages.
    readable: bool

    class Meta:
        ordering = ["held_on", "id"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self):
        return f"{self.get_counterpart_display()}: {self.name}"


class VehicleKind(models.TextChoices):
    """How the assistance is delivered (para 10)."""

    UNDP_PROJECT = "undp_project", _("UNDP project")
    PEACE_OPERATION = "peace_operation", _("Electoral component of a peace operation")
    SPECIAL_POLITICAL_MISSION = "special_political_mission", _("Electoral component of a special political mission")
    ROSTER_EXPERTS = "roster_experts", _("Experts from the roster")

    @classmethod
    def on_mandate(cls):
        """The kinds that rest on a Security Council or General Assembly mandate."""
        return frozenset({cls.PEACE_OPERATION, cls.SPECIAL_POLITICAL_MISSION})


class ImplementationVehicle(models.Model):
    """What carries the assistance of a case: a UNDP project, a mission's electoral component, or roster experts."""

    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.PROTECT, related_name="vehicles", verbose_name=_("case")
    )
    kind = models.CharField(_("vehicle"), max_length=30, choices=VehicleKind.choices)
    title = models.CharField(
        _("title or name"),
        max_length=200,
        blank=True,
        validators=[validate_single_line],
        help_text=_("The project's title, or the peace operation's or mission's name."),
    )
    project_id = models.CharField(
        _("Atlas/Quantum project ID"), max_length=40, blank=True, validators=[validate_single_line]
    )
    signed_on = models.DateField(_("project document signed on"), null=True, blank=True)
    budget = models.DecimalField(_("budget"), max_digits=16, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217 code, e.g. USD."))
    basket_fund = models.BooleanField(
        _("basket fund"), default=False, help_text=_("Several donors fund the project through one budget.")
    )
    mandate = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vehicles",
        verbose_name=_("mandate"),
        help_text=_("The Security Council or General Assembly mandate the operation or mission rests on."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    updated_at = models.DateTimeField(_("last edited"), default=timezone.now)

    class Meta:
        ordering = ["case", "recorded_at", "id"]
        verbose_name = _("vehicle of implementation")
        verbose_name_plural = _("vehicles of implementation")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__isnull=True) | (Q(budget__gt=0) & ~Q(currency="")),
                name="vehicle_budget_positive_with_currency",
                violation_error_message=_("A budget is more than zero, in a currency."),
            ),
            models.CheckConstraint(
                condition=Q(kind="undp_project") | (Q(basket_fund=False) & Q(budget__isnull=True) & Q(project_id="")),
                name="vehicle_project_fields_of_projects",
                violation_error_message=_("Only a UNDP project has a project ID, a budget and a basket fund."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["peace_operation", "special_political_mission"]) | Q(mandate__isnull=True),
                name="vehicle_mandate_of_missions",
                violation_error_message=_("Only a peace operation or a special political mission rests on a mandate."),
            ),
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(kind="roster_experts"),
                name="vehicle_roster_experts_once",
                violation_error_message=_("The case already records experts from the roster as a vehicle."),
            ),
        ]

    def __str__(self):
        label = str(self.get_kind_display())
        return f"{label}: {self.title}" if self.title else label

    @property
    def is_project(self):
        return self.kind == VehicleKind.UNDP_PROJECT


class BasketDonor(models.Model):
    """A donor to a UNDP project's basket fund: a partner organisation or a Member State, and what it pledged."""

    vehicle = models.ForeignKey(
        ImplementationVehicle, on_delete=models.CASCADE, related_name="donors", verbose_name=_("project")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="basket_pledges",
        verbose_name=_("partner"),
    )
    member_state = models.ForeignKey(
        MemberState,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="basket_pledges",
        verbose_name=_("Member State"),
    )
    pledged = models.DecimalField(_("pledged"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        ordering = ["vehicle", "id"]
        verbose_name = _("basket fund donor")
        verbose_name_plural = _("basket fund donors")
        constraints = [
            models.CheckConstraint(
                condition=Q(partner__isnull=True, member_state__isnull=False)
                | Q(partner__isnull=False, member_state__isnull=True),
                name="donor_partner_or_state",
                violation_error_message=_("A donor is a partner organisation or a Member State."),
            ),
            models.CheckConstraint(
                condition=Q(pledged__gt=0),
                name="donor_pledge_positive",
                violation_error_message=_("A pledge is more than zero."),
            ),
            models.UniqueConstraint(fields=["vehicle", "partner"], name="donor_partner_once"),
            models.UniqueConstraint(fields=["vehicle", "member_state"], name="donor_state_once"),
        ]

    def __str__(self):
        return str(self.donor) if self.donor is not None else str(_("basket fund donor"))

    @property
    def donor(self):
        return self.partner if self.partner_id else self.member_state


class Audience(models.TextChoices):
    """Who is told of a decision (para 10): the requester through its Permanent Mission, the Resident
    Coordinator, the head of the mission when the case rests on a mandate."""

    REQUESTER = "requester", _("The requester, through the Permanent Mission")
    RESIDENT_COORDINATOR = "resident_coordinator", _("The Resident Coordinator")
    HEAD_OF_MISSION = "head_of_mission", _("The head of mission")


class DecisionNotice(models.Model):
    """That one of those who must know was told of a decision (version 1) or of an amendment (version 2,
    3...): the letter sent, an entry of the correspondence register."""

    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.PROTECT, related_name="decision_notices", verbose_name=_("case")
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="notices", verbose_name=_("decision"))
    version = models.PositiveSmallIntegerField(_("version"), help_text=_("1: the decision; 2 and later: an amendment."))
    audience = models.CharField(_("told"), max_length=24, choices=Audience.choices)
    letter = models.OneToOneField(
        Letter, on_delete=models.PROTECT, related_name="decision_notice", verbose_name=_("letter")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["decision", "version", "audience"]
        verbose_name = _("notice of a decision")
        verbose_name_plural = _("notices of decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "version", "audience"],
                name="notice_told_once",
                violation_error_message=_("This one was already told of this version of the decision."),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="notice_version_from_one"),
        ]

    def __str__(self):
        if self.letter_id is None:  # an unsaved row, as a forged form makes one
            return str(self.get_audience_display())
        return f"{self.get_audience_display()} — {self.letter}"


# How the details of this domain's history lines read (registered by RequestsAppConfig.ready).
HISTORY_DETAILS = {
    "member": _("member"),
    "organisation": _("organisation"),
    "member_role": _("role on the mission"),
    "counterpart": _("with"),
    "consulted": _("name or organisation"),
    "held_on": _("held on"),
    "vehicle": _("vehicle"),
    "title": _("title or name"),
    "project_id": _("project ID"),
    "signed_on": _("project document signed on"),
    "budget": _("budget"),
    "basket_fund": _("basket fund"),
}
HISTORY_CHOICES: dict[str, type[models.Choices]] = {
    "organisation": Organisation,
    "member_role": MemberRole,
    "counterpart": Counterpart,
    "vehicle": VehicleKind,
}
