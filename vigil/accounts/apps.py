from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigil.accounts"
    label = "accounts"
    verbose_name = "Accounts and audit"

    def ready(self):
        from vigil.accounts import signals  # noqa: F401
