from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "vigil.alerts"
    label = "alerts"
    verbose_name = "Alerts"

    def ready(self):
        # Every alert shows on its incident's timeline (incidents cannot import alerts: it sits below).
        from vigil.alerts.timeline import alert_items
        from vigil.incidents.timeline import register

        register(alert_items)
