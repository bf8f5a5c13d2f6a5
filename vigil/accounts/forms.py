"""allauth's forms for setting up a second factor, with the admin's one-time set-up code added."""

from __future__ import annotations

from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django import forms
from django.utils.translation import gettext_lazy as _

SETUP_CODE_REFUSED = _("This set-up code is wrong or has expired. Ask an administrator for a new one.")


class SetupCodeMixin:
    """The first second factor of an account needs the set-up code an admin handed over, as well as the
    password that opened the session; adding another factor later does not (the account has one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from vigil.accounts.access import has_second_factor

        if not has_second_factor(self.user):
            self.fields["setup_code"] = forms.CharField(
                label=_("Set-up code from your administrator"),
                max_length=20,
                widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
            )

    def clean(self):
        cleaned = super().clean()
        # Checked last, and only when everything else is right, so that a mistyped authenticator code
        # does not use up the set-up code.
        if "setup_code" in self.fields and not self.errors:
            from vigil.accounts import actions

            if not actions.use_setup_code(self.user, (cleaned or {}).get("setup_code", "")):
                self.add_error("setup_code", SETUP_CODE_REFUSED)
        return cleaned


class ActivateTOTPWithSetupCodeForm(SetupCodeMixin, ActivateTOTPForm):
    pass


class AddWebAuthnWithSetupCodeForm(SetupCodeMixin, AddWebAuthnForm):
    pass
