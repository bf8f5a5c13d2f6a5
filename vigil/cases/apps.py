from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vigil.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self):
        """A daily sweep that expires referrals past their deadline: each sent referral has its own durable
        expiry job at its deadline, so the sweep only catches what that missed."""
        from vigil.work.registry import register_periodic

        register_periodic("vigil.cases.jobs.expire_overdue_referrals", every="day")
