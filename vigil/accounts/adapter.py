from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from vigil.lib import crypto

MFA_SECRET_AAD = crypto.associated_data("mfa_authenticator", "data", "secret")


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request):
        # allauth keys its rate limits on this; it gets the daily keyed hash, never the address.
        return getattr(request, "client_key", "a:unknown")

    def is_open_for_signup(self, request):
        # Staff accounts are made by an admin (or manage.py), never by signing up.
        return False

    def send_mail(self, template_prefix, email, context):
        # Staff have no e-mail address on file; allauth notices would need one and could carry metadata.
        return None


class MFAAdapter(DefaultMFAAdapter):
    """allauth keeps TOTP secrets and recovery seeds as given: we seal them with the field keys."""

    def encrypt(self, text: str) -> str:
        return crypto.encrypt_text(text, MFA_SECRET_AAD).hex()

    def decrypt(self, encrypted_text: str) -> str:
        return crypto.decrypt_text(bytes.fromhex(encrypted_text), MFA_SECRET_AAD)
