from django.apps import AppConfig


class RulesConfig(AppConfig):
    name = "vigil.rules"
    label = "rules"
    verbose_name = "Rules"

    def ready(self):
        from vigil.incidents import documentation, panels
        from vigil.rules.panels import findings_panel
        from vigil.work.registry import register_periodic

        documentation.register("vigil.rules.jobs.judge_incident")
        panels.register(findings_panel)
        register_periodic("vigil.rules.jobs.check_pack", every="day")
