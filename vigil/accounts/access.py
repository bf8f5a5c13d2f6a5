"""Deny by default: a view is reachable only if it says who may reach it.

`@public` marks a view anyone may use. `@staff_view(roles...)` needs a signed-in, active staff member
with a second factor and one of the roles. `@api_view(...)` takes bearer tokens. The access-policy
middleware refuses every view that carries none of these marks.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from vigil.accounts.models import Role

ALL_STAFF = tuple(Role.values)


def public(view):
    view.vigil_access = "public"
    return view


def has_second_factor(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user).exclude(type=Authenticator.Type.RECOVERY_CODES).exists()


def staff_view(*roles: str):
    allowed = roles or ALL_STAFF
    unknown = set(allowed) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles {unknown}")

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active or (user.organization_id and not user.organization.is_active):
                raise PermissionDenied
            if not has_second_factor(user):
                return redirect("mfa_activate_totp")
            if user.role not in allowed:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.vigil_access = "staff"
        wrapper.vigil_roles = allowed
        return wrapper

    return decorate
