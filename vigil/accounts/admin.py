"""The admin shows accounts and the audit log; changes go through actions, never a bare save."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.models import Group

from vigil.accounts import actions
from vigil.accounts.models import ApiToken, AuditEvent, Organization, User

admin.site.unregister(Group)
admin.site.unregister(EmailAddress)


class ReadOnlyAdmin(admin.ModelAdmin):
    # The field that ties a row to an organization; admins see their own organization's rows only.
    organization_field = "organization"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.organization_field:
            return qs.filter(**{self.organization_field: request.user.organization})
        return qs

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    organization_field = "pk"

    def get_queryset(self, request):
        return Organization.objects.filter(pk=request.user.organization_id)

    list_display = ["name", "kind", "is_active"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "role", "organization", "is_active", "last_login"]
    # No organization filter: its choices would name every organization, and admins see only their own.
    list_filter = ["role", "is_active"]
    fields = ["username", "role", "organization", "languages", "is_active", "last_login", "date_joined"]
    actions = ["deactivate", "reset_second_factor", "sign_out_everywhere"]

    @admin.action(description="Deactivate (and sign out everywhere)")
    def deactivate(self, request, queryset):
        for user in queryset:
            actions.deactivate_user(user, actor=request.user)
        messages.success(request, "Deactivated.")

    @admin.action(description="Reset the second factor")
    def reset_second_factor(self, request, queryset):
        # The Django admin has no page to show codes on: it resets, and the staff page for users
        # ("Reset second factor") is where a new set-up code is issued and shown.
        for user in queryset:
            actions.reset_mfa(user, actor=request.user)
        messages.success(request, "Reset. Issue a set-up code from the staff page for users.")

    @admin.action(description="Sign out everywhere")
    def sign_out_everywhere(self, request, queryset):
        for user in queryset:
            actions.sign_out_everywhere(user, actor=request.user)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "kind", "organization", "user", "label", "created_at", "last_used_on", "revoked_at"]
    actions = ["revoke"]

    @admin.action(description="Revoke")
    def revoke(self, request, queryset):
        for token in queryset:
            actions.revoke_token(token, actor=request.user)


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "actor_kind", "action", "object_type", "object_id"]
    list_filter = ["action", "actor_kind"]
    date_hierarchy = "at"


# allauth's own admin lets an admin add or edit a second factor (its secret included), which would skip the
# one-time set-up code. Second factors are shown here read-only and without their secret; an admin removes
# one only through the "Reset the second factor" action on users, which is audited and issues a new code.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(ReadOnlyAdmin):
    organization_field = "user__organization"
    list_display = ["user", "type", "created_at", "last_used_at"]
    list_filter = ["type"]
    fields = ["user", "type", "created_at", "last_used_at"]  # never `data`: it holds the secret
