from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigil.accounts import actions
from vigil.accounts.access import staff_view
from vigil.accounts.models import AuditEvent, Role, User


def get_user_for_admin(request, user_id) -> User:
    """Admins manage the accounts of their own organization only."""
    return get_object_or_404(User, pk=user_id, organization=request.user.organization)


@staff_view()
def staff_home(request):
    from vigil.lib.language_names import language_choices

    return render(
        request,
        "accounts/staff_home.html",
        {"role": request.user.get_role_display(), "language_choices": language_choices()},
    )


@staff_view()
@require_POST
def my_languages(request):
    """The signed-in person sets the languages they read."""
    actions.set_languages(request.user, request.POST.getlist("languages"), actor=request.user)
    messages.success(request, _("Saved."))
    return redirect("staff_home")


@staff_view(Role.ADMIN)
@require_POST
def user_languages(request, user_id):
    user = get_user_for_admin(request, user_id)
    actions.set_languages(user, request.POST.getlist("languages"), actor=request.user)
    messages.success(request, _("Saved."))
    return redirect("user_list")


@staff_view()
@require_POST
def sign_out_everywhere(request):
    actions.sign_out_everywhere(request.user, actor=request.user)
    messages.success(request, _("You have been signed out on every device."))
    return redirect("account_login")


@staff_view(Role.ADMIN)
def audit_log(request):
    events = AuditEvent.objects.filter(organization=request.user.organization).select_related("actor")
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page})


@staff_view(Role.ADMIN)
def user_list(request):
    from vigil.lib.language_names import language_choices

    users = User.objects.filter(organization=request.user.organization).order_by("username")
    return render(request, "accounts/user_list.html", {"users": users, "language_choices": language_choices()})


@staff_view(Role.ADMIN)
@require_POST
def user_deactivate(request, user_id):
    user = get_user_for_admin(request, user_id)
    actions.deactivate_user(user, actor=request.user)
    messages.success(request, _("The account was deactivated and signed out everywhere."))
    return redirect("user_list")


@staff_view(Role.ADMIN)
@require_POST
def user_reset_mfa(request, user_id):
    user = get_user_for_admin(request, user_id)
    code = actions.reset_mfa(user, actor=request.user)
    # Shown on this page only, never stored in a message or a URL.
    return render(request, "accounts/setup_code.html", {"account": user, "code": code})


@staff_view(Role.ADMIN)
def verification_bases(request):
    organization = request.user.organization
    if request.method == "POST":
        try:
            actions.set_verification_bases(
                organization,
                responder=request.POST.get("responder") == "1",
                two_people=request.POST.get("two_people") == "1",
                actor=request.user,
            )
        except actions.BasesRefused:
            messages.error(request, _("Keep at least one basis: with none, nothing could ever be verified."))
        else:
            messages.success(request, _("Saved."))
        return redirect("verification_bases")
    return render(request, "accounts/verification_bases.html", {"organization": organization})
