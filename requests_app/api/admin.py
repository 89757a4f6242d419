"""API tokens in the admin: staff who may make and revoke tokens see who holds one and since when.

The key itself is shown once, when the token is made; the list, the pages and their addresses name
the holder instead (Django REST framework's own admin of tokens, which lists the keys, is replaced).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import TokenProxy

from requests_app.api import services
from requests_app.api.models import ApiToken
from requests_app.core.errors import ActionRefused
from requests_app.core.ids import parse_id

if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


class HolderChangeList(ChangeList):
    """Each row links to its holder's id, never to the key (the token's primary key)."""

    def url_for_result(self, result):
        opts = self.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change",
            args=(quote(result.user_id),),
            current_app=self.model_admin.admin_site.name,
        )


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["user"]

    def clean_user(self):
        user = self.cleaned_data["user"]
        if not (user.is_active and user.is_staff):
            raise forms.ValidationError(_("Only active staff members may hold an API token."))
        return user


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ("user", "created")
    list_filter = ("created",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    ordering = ("user__username",)
    autocomplete_fields = ("user",)
    actions = None  # a bulk delete would name the tokens by their keys

    def get_changelist(self, request, **kwargs):
        return HolderChangeList

    def get_fields(self, request, obj=None):
        return ("user", "created") if obj else ("user",)

    def get_readonly_fields(self, request, obj=None):
        return ("user", "created") if obj else ()

    def has_change_permission(self, request, obj=None):
        return False  # a token is made or revoked, never edited

    def get_object(self, request, object_id, from_field=None):
        """The token of the user whose id is in the address."""
        user_id = parse_id(str(object_id))
        return None if user_id is None else self.get_queryset(request).filter(user_id=user_id).first()

    def save_model(self, request, obj, form, change):
        try:
            token, _made = services.issue_token(user=obj.user)
        except ActionRefused as refusal:  # the form checks the same; a user changed meanwhile
            messages.error(request, " ".join(refusal.messages))
            return
        obj.key, obj.created = token.key, token.created
        messages.success(
            request,
            _("The API token of %(user)s: %(key)s. Give it to them now: it is not shown again.")
            % {"user": obj.user.get_username(), "key": token.key},
        )

    def response_add(self, request, obj, post_url_continue=None):
        # The token's own page is addressed by its holder: the list is where the message reads.
        return HttpResponseRedirect(reverse("admin:requests_app_apitoken_changelist"))

    def delete_model(self, request, obj):
        services.revoke_token(actor=request.user, holder=obj.user)

    def get_deleted_objects(self, objs, request):
        """What a revocation deletes, named without a link (a link would hold the key)."""
        tokens = list(objs)
        perms_needed = set() if self.has_delete_permission(request) else {str(self.opts.verbose_name)}
        return [str(token) for token in tokens], {self.opts.verbose_name_plural: len(tokens)}, perms_needed, []

    # The admin's log names each token by its holder's id, as its pages do: the log is read by staff.
    def _log(self, request, token, flag, message=""):
        LogEntry.objects.create(
            user_id=request.user.pk,
            content_type=ContentType.objects.get_for_model(token, for_concrete_model=False),
            object_id=str(token.user_id),
            object_repr=str(token)[:200],
            action_flag=flag,
            change_message=message,
        )

    def log_addition(self, request, obj, message):
        self._log(request, obj, ADDITION, message)

    def log_deletions(self, request, queryset):
        for token in queryset:
            self._log(request, token, DELETION)
