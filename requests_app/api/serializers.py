"""What the API answers: each resource as JSON, with what the workspace's pages show of it.

What a reader may not read is left out as the case page leaves it out: a document of a level the
reader may not read is listed as existing (its type, date, level) without its name or size; a
history entry's comment and details likewise (README "Security", confidentiality).
"""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from requests_app.cases.models import AssistanceRequest, Election
from requests_app.cases.versions import decision_versions
from requests_app.cases.workflow import decision_to_assist
from requests_app.core.confidentiality import may_read
from requests_app.core.people import display_name
from requests_app.core.types import User
from requests_app.documents.models import CaseDocument
from requests_app.history.models import CaseEvent
from requests_app.reference.models import AssistanceType, MemberState
from requests_app.roster.models import Deployment, Expert

# Reference data --------------------------------------------------------------------------------


class CountrySerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="regional_group", help_text="The regional group whose desk handles it.")
    region_label = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    administering_power = serializers.SlugRelatedField(slug_field="iso3", read_only=True, allow_null=True)

    class Meta:
        model = MemberState
        fields = [
            "iso3",
            "name",
            "status",
            "status_label",
            "region",
            "region_label",
            "in_regional_group",
            "administering_power",
            "un_basis",
        ]


class CountryBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = MemberState
        fields = ["iso3", "name", "status", "regional_group"]


class AssistanceTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssistanceType
        fields = ["code", "name", "category", "requires_mandate"]


class PersonSerializer(serializers.Serializer):
    username = serializers.CharField(source="get_username")
    name = serializers.SerializerMethodField()

    def get_name(self, user: User) -> str:
        return display_name(user)


# Cases ------------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    """A case in a list: what a row of the workspace's list shows."""

    url = serializers.SerializerMethodField()
    country = CountryBriefSerializer(source="member_state")
    stage_label = serializers.CharField(source="get_stage_display")
    is_overdue = serializers.BooleanField()
    basis = serializers.CharField(help_text="request, mandate or both")
    officer = PersonSerializer(allow_null=True)

    class Meta:
        model = AssistanceRequest
        fields = [
            "reference",
            "url",
            "country",
            "stage",
            "stage_label",
            "stage_entered_at",
            "stage_due_at",
            "is_overdue",
            "received_date",
            "basis",
            "officer",
            "summary",
        ]

    def get_url(self, case: AssistanceRequest) -> str:
        request = self.context.get("request")
        path = reverse("api:case-detail", kwargs={"reference": case.reference})
        return request.build_absolute_uri(path) if request else path


class ElectionSerializer(serializers.ModelSerializer):
    type_label = serializers.CharField(source="get_election_type_display")

    class Meta:
        model = Election
        fields = ["election_type", "type_label", "planned_date"]


class MandateSerializer(serializers.Serializer):
    symbol = serializers.CharField()
    organ = serializers.CharField()
    adopted_on = serializers.DateField(allow_null=True)
    expires_on = serializers.DateField(allow_null=True)


class DocumentSerializer(serializers.ModelSerializer):
    """A document's metadata; its name and size only for a reader who may read its level."""

    kind_label = serializers.CharField(source="get_kind_display")
    level_label = serializers.CharField(source="get_level_display")
    readable = serializers.SerializerMethodField()
    name = serializers.SerializerMethodField()
    size = serializers.SerializerMethodField()

    class Meta:
        model = CaseDocument
        fields = ["id", "kind", "kind_label", "level", "level_label", "uploaded_at", "is_complete", "readable"]
        fields += ["name", "size"]

    def _readable(self, document: CaseDocument) -> bool:
        return may_read(self.context["request"].user, document.level)

    def get_readable(self, document: CaseDocument) -> bool:
        return self._readable(document)

    def get_name(self, document: CaseDocument) -> str | None:
        return document.original_name if self._readable(document) else None

    def get_size(self, document: CaseDocument) -> int | None:
        return document.size if self._readable(document) else None


class DecisionInForceSerializer(serializers.Serializer):
    """The latest decision to assist, as its version in force (the decision is version 1, each amendment the next)."""

    outcome = serializers.CharField()
    outcome_label = serializers.CharField()
    version = serializers.IntegerField()
    assistance_types = serializers.ListField(child=serializers.CharField(), help_text="Names of the types.")
    phase = serializers.CharField(allow_blank=True)
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    scope = serializers.CharField(allow_blank=True)
    decided_at = serializers.DateTimeField()
    communicated_on = serializers.DateField(allow_null=True)


class DeadlineSerializer(serializers.Serializer):
    stage = serializers.CharField()
    entered_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.BooleanField()


class AvailableActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    url = serializers.CharField()
    blockers = serializers.ListField(child=serializers.CharField(), help_text="What still stops it; empty: possible.")


class CaseDetailSerializer(CaseSerializer):
    """A case with what its page shows: the request, elections, decision in force, documents, deadline."""

    requested_types = AssistanceTypeSerializer(many=True)
    elections = ElectionSerializer(many=True)
    mandates = MandateSerializer(many=True)
    documents = DocumentSerializer(many=True)
    decision_in_force = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()
    follows = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()
    history_url = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + [
            "origin",
            "authority_type",
            "requesting_authority",
            "letter_date",
            "requested_types",
            "elections",
            "mandates",
            "deadline",
            "decision_in_force",
            "documents",
            "follows",
            "actions",
            "history_url",
        ]

    @extend_schema_field(DecisionInForceSerializer(allow_null=True))
    def get_decision_in_force(self, case):
        decision = decision_to_assist(case)
        if decision is None:
            return None
        version = decision_versions(decision)[-1]
        data = {
            "outcome": decision.outcome,
            "outcome_label": decision.get_outcome_display(),
            "version": version.number,
            "assistance_types": version.types,
            "phase": version.phase,
            "period_start": version.period_start,
            "period_end": version.period_end,
            "scope": version.scope,
            "decided_at": decision.decided_at,
            "communicated_on": version.communicated_on,
        }
        return DecisionInForceSerializer(data).data

    @extend_schema_field(DeadlineSerializer)
    def get_deadline(self, case):
        return DeadlineSerializer(
            {
                "stage": case.stage,
                "entered_at": case.stage_entered_at,
                "due_at": case.stage_due_at if case.is_open else None,
                "is_overdue": case.is_overdue,
            }
        ).data

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_follows(self, case: AssistanceRequest) -> str | None:
        """The earlier case it follows, when the reader may see it."""
        visible = self.context.get("follows_visible", False)
        return case.follows.reference if case.follows is not None and visible else None

    @extend_schema_field(AvailableActionSerializer(many=True))
    def get_actions(self, case):
        request = self.context["request"]
        return AvailableActionSerializer(
            [
                {
                    "name": action.name,
                    "label": action.label,
                    "url": request.build_absolute_uri(
                        reverse(f"api:case-action-{action.name}", kwargs={"reference": case.reference})
                    ),
                    "blockers": blockers,
                }
                for action, blockers in self.context.get("actions", [])
            ],
            many=True,
        ).data

    def get_history_url(self, case: AssistanceRequest) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api:case-history", kwargs={"reference": case.reference})
        )


class EventSerializer(serializers.ModelSerializer):
    """A line of the history: what, who, when always; its comment and details for a reader of its level."""

    action_label = serializers.CharField()
    actor = PersonSerializer(allow_null=True)
    level = serializers.CharField(source="shown_level", help_text="Who may read its comment and details.")
    withheld = serializers.SerializerMethodField()
    comment = serializers.SerializerMethodField()
    details = serializers.SerializerMethodField()
    details_text = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = ["id", "created_at", "action", "action_label", "from_stage", "to_stage", "actor", "level"]
        fields += ["withheld", "comment", "details", "details_text"]

    def get_withheld(self, event: CaseEvent) -> bool:
        return bool(event.withheld)  # type: ignore[attr-defined]  # mark_withheld sets it

    def get_comment(self, event: CaseEvent) -> str | None:
        return None if event.withheld else event.comment  # type: ignore[attr-defined]  # mark_withheld sets it

    @extend_schema_field({"type": "object", "nullable": True, "additionalProperties": True})
    def get_details(self, event):
        if event.withheld:
            return None
        return serializers.JSONField(encoder=CaseEvent._meta.get_field("details").encoder).to_representation(
            event.details if isinstance(event.details, dict) else {}
        )

    def get_details_text(self, event: CaseEvent) -> str | None:
        return None if event.withheld else event.details_text  # type: ignore[attr-defined]


# The roster and the Trust Fund ---------------------------------------------------------------------


class DeploymentBriefSerializer(serializers.ModelSerializer):
    case = serializers.SerializerMethodField(help_text="Its case's reference, when you may see the case.")

    class Meta:
        model = Deployment
        fields = ["case", "role", "starts_on", "ends_on"]

    def get_case(self, deployment: Deployment) -> str | None:
        return deployment.case.reference if getattr(deployment, "case_visible", False) else None


class ExpertSerializer(serializers.ModelSerializer):
    nationality = serializers.SlugRelatedField(slug_field="iso3", read_only=True)
    regional_group = serializers.CharField()
    expertise = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    languages = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    on_roster = serializers.BooleanField(source="is_active")
    current_deployment = DeploymentBriefSerializer(allow_null=True)
    next_deployment = DeploymentBriefSerializer(allow_null=True)

    class Meta:
        model = Expert
        fields = ["id", "given_name", "family_name", "gender", "nationality", "regional_group", "expertise"]
        fields += ["languages", "available_from", "available_until", "on_roster"]
        fields += ["current_deployment", "next_deployment"]


class FundBalanceSerializer(serializers.Serializer):
    currency = serializers.CharField()
    on = serializers.DateField(help_text="The day whose closing balance this is.")
    balance = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True)
    threshold = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True)
    below_threshold = serializers.BooleanField()


# Tokens ---------------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    created = serializers.DateTimeField()
    username = serializers.CharField()
