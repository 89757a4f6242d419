"""The assistance request: one case, from the letter that arrives to its report."""

from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from requests_app.cases.choices import (
    AUTHORITIES_BY_ORIGIN,
    AssessmentMethod,
    AuthorityType,
    Basis,
    DecisionOutcome,
    ElectionType,
    ElectoralPhase,
    ImplementationModality,
    Origin,
    Stage,
)
from requests_app.core.confidentiality import LEVEL_MAX_LENGTH, Level
from requests_app.core.types import StrOrPromise
from requests_app.reference.models import AssistanceType, MemberState, RegionalGroup

NOT_A_REQUEST = _(
    "A letter from a political party, civil society or a person is not a request: register it in the "
    "correspondence register as a letter not considered, with the reply."
)


class ReferenceCounter(models.Model):
    """The last case number used in a year. Numbers only grow, so none is reused."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class AssistanceRequest(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    member_state = models.ForeignKey(
        MemberState, on_delete=models.PROTECT, related_name="cases", verbose_name=_("country or territory")
    )
    # The request, when the case rests on one; a case on a mandate alone leaves these blank (its
    # mandates link to it: requests_app.mandates, related_name "mandates").
    origin = models.CharField(
        _("origin"),
        max_length=20,
        choices=Origin.choices,
        blank=True,
        help_text=_("Who asked. Leave empty for a case that rests on a mandate alone."),
    )
    requesting_authority = models.CharField(
        _("requesting authority"),
        max_length=200,
        blank=True,
        help_text=_("Who signed the request, e.g. Minister for Foreign Affairs."),
    )
    authority_type = models.CharField(_("authority type"), max_length=20, choices=AuthorityType.choices, blank=True)
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    received_date = models.DateField(_("date received"))
    requested_types = models.ManyToManyField(
        AssistanceType, blank=True, related_name="requests", verbose_name=_("assistance requested")
    )
    summary = models.TextField(_("summary"), blank=True)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("officer"),
    )

    # Only services write these (see requests_app.cases.services).
    stage = models.CharField(_("stage"), max_length=24, choices=Stage.choices, default=Stage.RECEIVED, editable=False)
    stage_entered_at = models.DateTimeField(_("in stage since"), default=timezone.now, editable=False)
    stage_due_at = models.DateTimeField(_("due"), null=True, blank=True, editable=False)
    emb_request_accepted_at = models.DateTimeField(
        _("electoral body request accepted"), null=True, blank=True, editable=False
    )
    implementation_modality = models.CharField(
        _("implemented through"), max_length=20, choices=ImplementationModality.choices, blank=True, editable=False
    )
    implementation_ends_on = models.DateField(_("implementation ends"), null=True, blank=True, editable=False)
    # Who accepted an electoral body's request, on what recommendation (the focal point decides).
    emb_request_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("electoral body request accepted by"),
    )
    emb_request_recommendation = models.ForeignKey(
        "Recommendation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("acceptance on the recommendation"),
    )
    follows = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="followed_by",
        verbose_name=_("follows the earlier case"),
        help_text=_("A request that follows an earlier case of the same country: type its reference or the country."),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-received_date", "-id"]
        verbose_name = _("assistance request")
        verbose_name_plural = _("assistance requests")
        permissions = [
            ("review_request", _("Can review requests and recommend whether to accept and how to assess them")),
            ("decide_review", _("Can accept an electoral body's request and choose how the needs are assessed")),
            ("conduct_assessment", _("Can conduct needs assessments")),
            ("decide_request", _("Can decide the parameters of assistance")),
            ("manage_implementation", _("Can manage implementation and reporting")),
            ("close_case", _("Can close cases")),
            ("record_withdrawal", _("Can record a withdrawal")),
            ("view_all_cases", _("Can see the cases of every region")),
            ("assign_officer", _("Can assign cases to officers")),
            ("export_history", _("Can export the history of cases")),
            ("view_briefing", _("Can see and download the briefing report to Member States")),
        ]
        indexes = [
            models.Index(fields=["stage", "stage_due_at"], name="case_stage_due_idx"),
            models.Index(fields=["-received_date", "-id"], name="case_received_idx"),
            # The admin list filtered by stage, newest first (README, Benchmarks).
            models.Index(fields=["stage", "-received_date", "-id"], name="case_stage_received_idx"),
            models.Index(fields=["stage_due_at"], name="case_due_idx"),
            # The list of countries counts each country's open and ended cases in the reader's scope
            # from this index alone, without reading the cases (engagement.selectors.countries).
            models.Index(fields=["member_state", "stage", "officer"], name="case_state_stage_officer_idx"),
            # The admin's list counts the cases in scope (no letter that was never a request) from
            # this index alone, not from the whole table (README, Benchmarks).
            models.Index(fields=["origin"], name="case_origin_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(letter_date__lte=models.F("received_date")),
                name="case_letter_not_after_receipt",
                violation_error_message=_("The letter cannot be dated after it was received."),
            ),
            models.CheckConstraint(
                condition=Q(origin="", authority_type="", requesting_authority="")
                | (~Q(origin="") & ~Q(authority_type="") & ~Q(requesting_authority="") & Q(letter_date__isnull=False)),
                name="case_request_whole_or_none",
                violation_error_message=_("A request records who signed it, in what capacity and the letter's date."),
            ),
        ]

    def __str__(self):
        return self.reference or gettext("New request")

    # What clean() checks field by field, with the reason (a request recorded whole; a letter not
    # dated after its receipt): the database still enforces these constraints on every save.
    CHECKED_BY_CLEAN = frozenset({"case_letter_not_after_receipt", "case_request_whole_or_none"})

    def get_constraints(self):
        # Model validation asks the database about each check constraint, a query in a savepoint
        # apiece on every save of the intake form (README, Benchmarks); clean() has said it already.
        return [
            (model, [constraint for constraint in constraints if constraint.name not in self.CHECKED_BY_CLEAN])
            for model, constraints in super().get_constraints()
        ]

    def clean(self):
        if self.origin in Origin.not_requests():
            raise ValidationError({"origin": NOT_A_REQUEST})
        errors: dict[str, StrOrPromise] = self._request_errors()
        allowed = AUTHORITIES_BY_ORIGIN.get(self.origin, frozenset())
        if self.authority_type and self.origin and self.authority_type not in allowed:
            errors["authority_type"] = _(
                "A request of this origin cannot be signed by %(authority)s. Choose one of: %(allowed)s."
            ) % {
                "authority": AuthorityType(self.authority_type).label,
                "allowed": ", ".join(str(AuthorityType(a).label) for a in sorted(allowed)),
            }
        if self.letter_date and self.received_date and self.letter_date > self.received_date:
            errors["letter_date"] = _("The letter cannot be dated after the day it was received.")
        if self.received_date and self.received_date > timezone.localdate():
            errors["received_date"] = _("The date received cannot be in the future.")
        if self.letter_date and self.letter_date > timezone.localdate():
            errors["letter_date"] = _("The letter cannot be dated in the future.")
        errors.update(self._follows_errors())
        if errors:
            raise ValidationError(errors)

    def _follows_errors(self):
        """A follow-up follows an earlier case of the same country: not itself, not a later case."""
        earlier = self.follows
        if earlier is None:
            return {}
        if self.pk is not None and earlier.pk == self.pk:
            return {"follows": _("A case cannot follow itself.")}
        if self.member_state_id and earlier.member_state_id != self.member_state_id:
            return {
                "follows": _("%(reference)s concerns %(state)s: a follow-up follows a case of the same country.")
                % {"reference": earlier.reference, "state": earlier.member_state.local_name}
            }
        if self.received_date and (
            earlier.received_date > self.received_date
            or (earlier.received_date == self.received_date and self.pk is not None and earlier.pk > self.pk)
        ):
            return {
                "follows": _("%(reference)s was received after this request: a follow-up follows an earlier case.")
                % {"reference": earlier.reference}
            }
        return {}

    def _request_errors(self):
        """A request is recorded whole (who signed it, in what capacity, when), or not at all."""
        if not self.origin:
            return {
                name: _(
                    "A case on a mandate alone has no requesting authority: leave this empty, or choose the origin."
                )
                for name in ("requesting_authority", "authority_type")
                if getattr(self, name).strip()
            }
        missing = {
            "requesting_authority": _("Say who signed the request."),
            "authority_type": _("Say in what capacity the request was signed."),
            "letter_date": _("Give the date of the request letter."),
        }
        return {name: message for name, message in missing.items() if not str(getattr(self, name) or "").strip()}

    @property
    def has_request(self):
        return bool(self.origin)

    @property
    def is_mandate(self):
        """Whether the case rests on a Security Council or General Assembly mandate (with a request or not).

        Read from the mandates prefetched with the case when the page loaded them, else asked."""
        loaded = getattr(self, "_prefetched_objects_cache", {}).get("mandates")
        if loaded is not None:
            return bool(loaded)
        return self.pk is not None and self.mandates.exists()

    @property
    def basis(self):
        return Basis.of(has_request=self.has_request, has_mandate=self.is_mandate)

    @property
    def stage_phrase(self):
        """The stage in a sentence: "The case is %(stage)s" reads "The case is in needs assessment"."""
        return Stage(self.stage).phrase

    @property
    def is_open(self):
        return self.stage not in Stage.ends()

    @property
    def is_overdue(self):
        return bool(self.is_open and self.stage_due_at and self.stage_due_at < timezone.now())

    @property
    def authority_binds_state(self):
        return self.authority_type in AuthorityType.binding()


class Election(models.Model):
    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="elections", verbose_name=_("case")
    )
    election_type = models.CharField(_("type of election"), max_length=20, choices=ElectionType.choices)
    planned_date = models.DateField(_("planned date"))

    class Meta:
        ordering = ["planned_date"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")
        indexes = [models.Index(fields=["planned_date"], name="election_date_idx")]

    def __str__(self):
        if self.planned_date is None:  # an unsaved row, as a forged admin form makes one
            return str(self.get_election_type_display())
        return f"{self.get_election_type_display()} — {date_format(self.planned_date)}"


YES_NO = [(True, _("Yes")), (False, _("No"))]


class NeedsAssessment(models.Model):
    """Para 4 and 5: no assistance without an assessment of time, conditions and needs."""

    case = models.OneToOneField(
        AssistanceRequest, on_delete=models.CASCADE, related_name="assessment", verbose_name=_("case")
    )
    method = models.CharField(_("method"), max_length=20, choices=AssessmentMethod.choices)
    tor_sent_on = models.DateField(_("terms of reference sent"), null=True, blank=True)
    host_clearance_on = models.DateField(_("host clearance received"), null=True, blank=True)
    deployed_from = models.DateField(_("mission deployed from"), null=True, blank=True)
    deployed_until = models.DateField(_("mission returned"), null=True, blank=True)
    report_submitted_on = models.DateField(_("report submitted"), null=True, blank=True)
    # The method is the focal point's choice, on the officer's recommendation (none for the
    # assessments chosen before recommendations were recorded: README, "Roles").
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("method chosen by"),
    )
    chosen_at = models.DateTimeField(_("method chosen at"), null=True, blank=True, editable=False)
    recommendation = models.ForeignKey(
        "Recommendation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("method chosen on the recommendation"),
    )

    adequate_time = models.BooleanField(
        _("adequate time for an effective mission"), null=True, blank=True, choices=YES_NO
    )
    adequate_time_notes = models.TextField(_("notes on time"), blank=True)
    conditions_exist = models.BooleanField(
        _("conditions exist for a free and fair election"), null=True, blank=True, choices=YES_NO
    )
    conditions_notes = models.TextField(_("notes on conditions"), blank=True)
    context = models.TextField(_("political, legal and institutional context"), blank=True)
    national_capacity = models.TextField(_("national capacity"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    womens_participation = models.TextField(_("women's participation"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    # Who may read the notes above (the yes/no findings are the case's, read with it).
    level = models.CharField(
        _("level of the notes"),
        max_length=LEVEL_MAX_LENGTH,
        choices=Level.choices,
        default=Level.CONFIDENTIAL,
        help_text=_("Who may read the notes and the needs: the assessment's report is confidential."),
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("needs assessment")
        verbose_name_plural = _("needs assessments")

    def __str__(self):
        return f"{self.get_method_display()} — {self.case.reference}"

    @classmethod
    def field_label(cls, name):
        """The verbose name of one of the assessment's own fields (a column, never a relation)."""
        return cast(models.Field, cls._meta.get_field(name)).verbose_name

    # The assessment's notes: free text, read only by those who may read its level.
    NOTE_FIELDS = (
        "adequate_time_notes",
        "conditions_notes",
        "context",
        "national_capacity",
        "risks",
        "womens_participation",
        "recommendations",
    )

    # Dates that record what happened (none of the assessment's dates is a plan): never after today.
    RECORDED_DATES = ("tor_sent_on", "host_clearance_on", "deployed_from", "deployed_until", "report_submitted_on")

    def future_dates(self, today=None):
        """The labels of the recorded dates that lie after ``today``: they cannot have happened yet."""
        today = today or timezone.localdate()
        return [
            self.field_label(name)
            for name in self.RECORDED_DATES
            if getattr(self, name) is not None and getattr(self, name) > today
        ]

    def clean(self):
        today = timezone.localdate()
        future = {
            name: _("This records what happened: it cannot be after today (%(today)s).") % {"today": today.isoformat()}
            for name in self.RECORDED_DATES
            if getattr(self, name) is not None and getattr(self, name) > today
        }
        if future:
            raise ValidationError(future)
        if self.deployed_from and self.deployed_until and self.deployed_until < self.deployed_from:
            raise ValidationError({"deployed_until": _("The mission cannot return before it was deployed.")})
        if self.report_submitted_on and self.deployed_until and self.report_submitted_on < self.deployed_until:
            raise ValidationError(
                {"report_submitted_on": _("The report cannot be submitted before the mission returned.")}
            )

    def missing_for_completion(self):
        """What must still be recorded before the assessment counts as complete."""
        missing = []
        if self.method == AssessmentMethod.MISSION:
            for field in ("tor_sent_on", "host_clearance_on", "deployed_from", "deployed_until"):
                if getattr(self, field) is None:
                    missing.append(self.field_label(field))
        for field in ("report_submitted_on", "adequate_time", "conditions_exist"):
            if getattr(self, field) is None:
                missing.append(self.field_label(field))
        return missing

    @property
    def is_complete(self):
        return not self.missing_for_completion()


class Decision(models.Model):
    """The focal point's parameters of assistance (para 4, 5), as communicated."""

    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("case")
    )
    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("assessment cited")
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=DecisionOutcome.choices)
    assistance_types = models.ManyToManyField(
        AssistanceType, blank=True, related_name="decisions", verbose_name=_("assistance to provide")
    )
    phase = models.CharField(
        _("phase of the electoral cycle"), max_length=20, choices=ElectoralPhase.choices, blank=True
    )
    period_start = models.DateField(_("assistance from"), null=True, blank=True)
    period_end = models.DateField(_("assistance until"), null=True, blank=True)
    scope = models.TextField(_("scope and parameters"), blank=True)
    short_notice_justification = models.TextField(_("justification for short notice"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    revisit_on = models.DateField(_("revisit on"), null=True, blank=True)
    communicated_on = models.DateField(_("letter to the government sent"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        ordering = ["-decided_at", "-id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        indexes = [models.Index(fields=["outcome", "decided_at"], name="decision_outcome_idx")]

    def __str__(self):
        if self.decided_at is None:  # an unsaved row, as a forged admin form makes one
            return str(self.get_outcome_display())
        return f"{self.get_outcome_display()} — {date_format(timezone.localtime(self.decided_at))}"


class DecisionAmendment(models.Model):
    """A later version of a communicated decision to assist: its period, scope or types changed.

    The decision itself is version 1 and stays as it was communicated; each amendment holds the
    whole of its version (not what changed), so the version in force is one row: the latest.
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("decision")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    assistance_types = models.ManyToManyField(
        AssistanceType, related_name="decision_amendments", verbose_name=_("assistance to provide")
    )
    period_start = models.DateField(_("assistance from"))
    period_end = models.DateField(_("assistance until"))
    scope = models.TextField(_("scope and parameters"), blank=True)
    reason = models.TextField(_("reason for the amendment"))
    communicated_on = models.DateField(_("letter to the government sent"), null=True, blank=True)
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("amended by")
    )
    amended_at = models.DateTimeField(_("amended at"))

    class Meta:
        ordering = ["decision", "version"]
        verbose_name = _("amendment of a decision")
        verbose_name_plural = _("amendments of decisions")
        constraints = [
            models.UniqueConstraint(fields=["decision", "version"], name="amendment_version_unique"),
            models.CheckConstraint(
                condition=Q(version__gte=2),
                name="amendment_after_the_decision",
                violation_error_message=_("The decision is version 1: an amendment is version 2 or later."),
            ),
        ]

    def __str__(self):
        return gettext("Version %(version)s") % {"version": self.version}


ACCEPT_CHOICES = [(True, _("Accept the electoral body's request")), (False, _("Do not accept it"))]


class Recommendation(models.Model):
    """The officer's recommendation to the focal point, who decides: whether to accept an electoral
    body's request, and how to assess the needs (README, "Roles"). Never edited: a new one replaces it."""

    case = models.ForeignKey(
        AssistanceRequest, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("case")
    )
    accept_emb_request = models.BooleanField(
        _("the electoral body's request"), null=True, blank=True, choices=ACCEPT_CHOICES
    )
    method = models.CharField(_("assessment"), max_length=20, choices=AssessmentMethod.choices, blank=True)
    grounds = models.TextField(_("grounds"))
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recommended by")
    )
    recommended_at = models.DateTimeField(_("recommended at"))

    class Meta:
        ordering = ["-recommended_at", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return self.summary or gettext("Recommendation")

    @property
    def summary(self):
        """What is recommended, in a few words: "accept the electoral body's request; desk review"."""
        parts = []
        if self.accept_emb_request is not None:
            parts.append(
                gettext("accept the electoral body's request")
                if self.accept_emb_request
                else gettext("do not accept the electoral body's request")
            )
        if self.method:
            parts.append(str(AssessmentMethod(self.method).label))
        return "; ".join(parts)


class RegionalDesk(models.Model):
    """The team that works the cases of one regional group; its lead receives escalations."""

    regional_group = models.CharField(_("regional group"), max_length=32, choices=RegionalGroup.choices, unique=True)
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_desks",
        verbose_name=_("team lead"),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="desks",
        verbose_name=_("officers"),
        help_text=_("Officers of the desk see all of its cases; they act on the cases assigned to them."),
    )

    class Meta:
        ordering = ["regional_group"]
        verbose_name = _("regional desk")
        verbose_name_plural = _("regional desks")

    def __str__(self):
        return str(self.get_regional_group_display())
