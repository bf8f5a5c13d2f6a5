from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "vigil.cases"
    label = "cases"
    verbose_name = "Cases"

    def ready(self):
        """The hourly sweep that expires referrals past their deadline (each also has its own job)."""
        from vigil.work.registry import register_periodic

        register_periodic("vigil.cases.jobs.expire_overdue_referrals", every="hour")
