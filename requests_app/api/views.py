"""The REST API, /api/v1/: the workspace's reads and the workflow's actions, under the same rules.

Scope: a case outside the caller's scope answers 404, as in the workspace. Confidentiality: what
the caller may not read is shown as existing only (serializers). Actions: the same forms check the
fields and the same services act, with the token's user as the actor.
"""

from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.fields import DateField
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from requests_app.api import actions as api_actions
from requests_app.api import pagination, selectors, serializers, services
from requests_app.api.models import ApiToken
from requests_app.api.permissions import holding
from requests_app.cases import selectors as case_selectors
from requests_app.cases import services as case_services
from requests_app.cases.filters import CaseFilter
from requests_app.cases.models import AssistanceRequest
from requests_app.cases.workflow import ACTIONS
from requests_app.core.errors import ActionRefused
from requests_app.fund import selectors as fund_selectors
from requests_app.fund import services as fund_services
from requests_app.roster import selectors as roster_selectors
from requests_app.roster.filters import ExpertFilter
from requests_app.roster.models import Expert

REFERENCE = OpenApiParameter("reference", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. EAS-2026-0042")

# Reference data ------------------------------------------------------------------------------------


@extend_schema(tags=["reference"], summary="Countries and territories")
class CountryList(generics.ListAPIView):
    """The Member States, observer States and territories, with their status and region."""

    serializer_class = serializers.CountrySerializer
    pagination_class = pagination.ByIso3

    def get_queryset(self):
        return selectors.countries()


@extend_schema(tags=["reference"], summary="Types of assistance")
class AssistanceTypeList(generics.ListAPIView):
    """The United Nations' typology of electoral assistance: the codes the actions take."""

    serializer_class = serializers.AssistanceTypeSerializer
    pagination_class = pagination.ByCode

    def get_queryset(self):
        return selectors.assistance_types()


# Cases ----------------------------------------------------------------------------------------------


CaseRows = QuerySet[AssistanceRequest]


class ApiCaseFilter(CaseFilter):
    """The workspace's filters; a type on the one the schema cannot guess."""

    def filter_assistance(
        self, queryset: QuerySet[AssistanceRequest], name: str, value: str
    ) -> QuerySet[AssistanceRequest]:
        return super().filter_assistance(queryset, name, value)


class ApiExpertFilter(ExpertFilter):
    """The roster page's filters; the schema reads the languages' codes from this type."""

    def filter_languages(self, queryset: QuerySet[Expert], name: str, value: list[str]) -> QuerySet[Expert]:
        return super().filter_languages(queryset, name, value)


class CaseFilterBackend(DjangoFilterBackend):
    """The workspace list's filters (cases.filters.CaseFilter), knowing the caller ("officer=me")."""

    def get_filterset_kwargs(self, request, queryset, view):
        return {**super().get_filterset_kwargs(request, queryset, view), "user": request.user}


@extend_schema(
    tags=["cases"],
    summary="Cases",
    parameters=[OpenApiParameter("officer", OpenApiTypes.STR, description="me, none, or an officer's user id.")],
)
class CaseList(generics.ListAPIView):
    """The cases you may see, newest first, with the workspace list's filters (a filter not valid: 400)."""

    serializer_class = serializers.CaseSerializer
    filter_backends = [CaseFilterBackend]
    filterset_class = ApiCaseFilter

    def get_queryset(self):
        return selectors.case_list(self.request.user)


def visible_case(request, reference):
    """The case with what its page shows; 404 when it is outside the caller's scope."""
    case = selectors.case_detail(request.user, reference)
    if case is None:
        raise NotFound(_("No case %(reference)s in your scope.") % {"reference": reference[:40]})
    return case


def case_response(request, case):
    context = {
        "request": request,
        "actions": case_selectors.available_actions(case, request.user),
        "follows_visible": bool(case.follows_id and case_selectors.may_see(request.user, case.follows)),
    }
    return Response(serializers.CaseDetailSerializer(case, context=context).data)


@extend_schema(tags=["cases"], summary="A case", parameters=[REFERENCE])
class CaseDetail(APIView):
    """A case: its request, elections, decision in force, documents' metadata, deadline, the actions open to you."""

    @extend_schema(responses=serializers.CaseDetailSerializer)
    def get(self, request, reference):
        return case_response(request, visible_case(request, reference))


@extend_schema(tags=["cases"], summary="The history of a case", parameters=[REFERENCE])
class CaseHistory(generics.ListAPIView):
    """Every entry of the case's history, oldest first. A comment of a level you may not read is withheld."""

    serializer_class = serializers.EventSerializer
    pagination_class = pagination.Chronological

    def get_queryset(self):
        self.case = visible_case(self.request, self.kwargs["reference"])
        return selectors.history(self.case)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return services.record_history_shown(reader=self.request.user, case=self.case, events=page)


class CaseAction(APIView):
    """One action of the workflow (subclassed per action below)."""

    action_name = ""

    def post(self, request, reference):
        case = visible_case(request, reference)
        action = ACTIONS[self.action_name]
        # The service refuses these too; refused here first, they answer 403 rather than 400.
        if not request.user.has_perm(action.permission):
            raise PermissionDenied(
                _("You do not have permission to %(action)s.") % {"action": str(action.label).lower()}
            )
        if not case_selectors.may_work_on(request.user, case):
            raise PermissionDenied(
                _("This case is not assigned to you: its officer, or the team lead of its desk, moves it on.")
            )
        if not hasattr(request.data, "get"):
            raise ValidationError({"non_field_errors": [_("Send the action's fields as an object (JSON) or a form.")]})
        data, errors = api_actions.form_data(self.action_name, request.data)
        form = api_actions.form_class(self.action_name)(data, action=action, case=case)
        if errors or not form.is_valid():
            raise ValidationError({**api_actions.form_errors(form), **errors})
        case_services.perform_action(
            actor=request.user, case=case, action_name=self.action_name, **form.service_kwargs()
        )
        return case_response(request, visible_case(request, reference))


def action_view(action_name):
    """The view of one action, with its own operation in the schema."""
    action = ACTIONS[action_name]
    view = type(f"CaseAction_{action_name}", (CaseAction,), {"action_name": action_name, "__doc__": action.help_text})
    return extend_schema_view(
        post=extend_schema(
            tags=["actions"],
            operation_id=f"cases_actions_{action_name}",
            summary=str(action.label),
            description=str(action.help_text or action.label),
            parameters=[REFERENCE],
            request=api_actions.request_serializer(action_name),
            responses={200: serializers.CaseDetailSerializer},
        )
    )(view)


# The roster and the Trust Fund -------------------------------------------------------------------------


@extend_schema(tags=["roster"], summary="The roster of experts")
class ExpertList(generics.ListAPIView):
    """The experts on the roster, with the roster page's filters; where each is deployed now and next."""

    serializer_class = serializers.ExpertSerializer
    permission_classes = [holding("requests_app.view_expert", _("You may not see the roster."))]
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiExpertFilter
    pagination_class = pagination.ById

    def get_queryset(self):
        return roster_selectors.roster()

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return roster_selectors.mark_deployments(page, self.request.user)


@extend_schema_view(
    get=extend_schema(
        tags=["trust fund"],
        summary="The Trust Fund's balance",
        parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="A day (default: today).")],
        responses=serializers.FundBalanceSerializer,
    )
)
class FundBalance(APIView):
    """The balance of the Trust Fund for Electoral Assistance in US dollars, and its alert threshold."""

    permission_classes = [
        holding(fund_services.STATEMENT_PERMISSION, _("You may not see the Trust Fund."), staff=False)
    ]

    def get(self, request):
        day = timezone.localdate()
        if "on" in request.query_params:
            try:
                day = DateField().to_internal_value(request.query_params["on"])
            except ValidationError as error:
                raise ValidationError({"on": error.detail}) from None
        threshold = fund_selectors.settings_row().alert_threshold_usd
        balance = fund_selectors.balance(day)
        data = {"currency": "USD", "on": day, "balance": balance, "threshold": threshold}
        return Response(serializers.FundBalanceSerializer({**data, "below_threshold": balance < threshold}).data)


# Tokens ---------------------------------------------------------------------------------------------------


def _token_data(token):
    return serializers.TokenSerializer(
        {"token": token.key, "created": token.created, "username": token.user.get_username()}
    ).data


@extend_schema_view(
    post=extend_schema(
        tags=["tokens"],
        summary="Get your token",
        description="Your token, made if you have none, in exchange for your username and password.",
        request=serializers.TokenRequestSerializer,
        responses={200: serializers.TokenSerializer, 201: serializers.TokenSerializer},
        auth=[],
    ),
    delete=extend_schema(tags=["tokens"], summary="Revoke your token", request=None, responses={204: None}),
)
class TokenView(APIView):
    """Your API token: POST with username and password to get it; DELETE (with the token) to revoke it."""

    def _asking(self):
        return getattr(getattr(self, "request", None), "method", None) == "POST"

    def get_permissions(self):
        return [AllowAny()] if self._asking() else [IsAuthenticated()]

    def get_authenticators(self):
        # Asking for a token sends a password, not a session: no session, so no CSRF check either.
        return [] if self._asking() else super().get_authenticators()

    def post(self, request):
        given = serializers.TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        user = authenticate(request._request, **given.validated_data)
        if user is None:
            raise ValidationError({"non_field_errors": [_("Unable to log in with the username and password given.")]})
        try:
            token, created = services.issue_token(user=user)
        except ActionRefused as refusal:
            raise PermissionDenied(" ".join(refusal.messages)) from None
        return Response(_token_data(token), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    def delete(self, request):
        services.revoke_token(actor=request.user, holder=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# The workspace's page "API token": each staff member makes, replaces or revokes their own ----------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def token_page(request):
    """GET: whether you hold a token, since when. POST: make or replace it (its key shown this once), or revoke it."""
    if not (request.user.is_active and request.user.is_staff):
        raise DjangoPermissionDenied
    shown = None
    if request.method == "POST":
        intent = request.POST.get("intent")
        if intent == "revoke":
            if services.revoke_token(actor=request.user, holder=request.user):
                messages.success(
                    request, _("Your API token is revoked: programs that used it are refused from now on.")
                )
            return redirect("workspace:api-token")
        if intent not in ("create", "replace"):
            messages.error(request, _("Choose to make, replace or revoke your token."))
            return redirect("workspace:api-token")
        shown = (
            services.replace_token(user=request.user)
            if intent == "replace"
            else services.issue_token(user=request.user)[0]
        )
    token = ApiToken.objects.filter(user=request.user).first()
    return render(
        request,
        "api/token.html",
        {
            "token": token,
            "shown": shown,
            "docs_url": reverse("api:docs"),
            "api_url": request.build_absolute_uri("/api/v1/"),
        },
    )
